//! Receipts: a check-in's seals (and, with the transparency log, their inclusion proofs), and
//! their offline verification.
//!
//! JSON shape (served by `GET /v1/checkins/{id}/receipt`):
//! `{"checkin_id", "seals": [{"jws", "log"?: {...}}], "checkpoint"?: "<signed note>"}`.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::jws::{self, JwsError};
use super::payload::SealPayload;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Receipt {
    pub checkin_id: String,
    pub seals: Vec<ReceiptSeal>,
    /// The transparency log's signed checkpoint (C2SP signed note) that the proofs lead to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceiptSeal {
    /// The seal: a compact JWS (RFC 7515 §7.1), `alg: EdDSA`.
    pub jws: String,
    /// Where the seal sits in the transparency log, once it has been logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub log: Option<serde_json::Value>,
}

/// What a verified seal says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedSeal {
    pub kid: String,
    pub event: String,
    pub time: String,
}

/// Why a receipt does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptError {
    #[error("the receipt holds no seal")]
    Empty,
    #[error("seal {index}: {source}")]
    Seal { index: usize, source: JwsError },
    #[error("seal {index}: the payload is not a hospes seal payload")]
    Payload { index: usize },
    #[error("seal {index}: it seals check-in {found}, not the receipt's check-in")]
    OtherCheckin { index: usize, found: String },
    #[error("seal {index}: it does not follow the seal before it (broken `prev` chain)")]
    Chain { index: usize },
    #[error("the input is neither a receipt (JSON) nor a compact JWS")]
    Unreadable,
}

/// Reads a receipt from text: receipt JSON, or a single compact JWS (which becomes a one-seal
/// receipt for the check-in it names).
pub fn parse_receipt_text(text: &str) -> Result<Receipt, ReceiptError> {
    let text = text.trim();
    if text.starts_with('{') {
        return serde_json::from_str(text).map_err(|_| ReceiptError::Unreadable);
    }
    if text.split('.').count() == 3 && !text.contains(char::is_whitespace) {
        let parsed = jws::parse(text).map_err(|source| ReceiptError::Seal { index: 0, source })?;
        let payload: SealPayload =
            serde_json::from_slice(&parsed.payload).map_err(|_| ReceiptError::Payload { index: 0 })?;
        return Ok(Receipt {
            checkin_id: payload.checkin,
            seals: vec![ReceiptSeal { jws: text.to_owned(), log: None }],
            checkpoint: None,
        });
    }
    Err(ReceiptError::Unreadable)
}

/// Verifies every seal of a receipt with the given public keys (by key id): the signature
/// (strict Ed25519), that each seal is of the receipt's check-in, and that each seal names the
/// one before it. A receipt parsed from a single JWS has no chain to check beyond that seal.
pub fn verify(receipt: &Receipt, keys: &BTreeMap<String, VerifyingKey>) -> Result<Vec<VerifiedSeal>, ReceiptError> {
    if receipt.seals.is_empty() {
        return Err(ReceiptError::Empty);
    }
    let mut verified = Vec::new();
    let mut previous: Option<&str> = None;
    for (index, seal) in receipt.seals.iter().enumerate() {
        let (header, payload) =
            jws::verify(&seal.jws, |kid| keys.get(kid)).map_err(|source| ReceiptError::Seal { index, source })?;
        let payload: SealPayload =
            serde_json::from_slice(&payload).map_err(|_| ReceiptError::Payload { index })?;
        if payload.checkin != receipt.checkin_id {
            return Err(ReceiptError::OtherCheckin { index, found: payload.checkin });
        }
        let expected_prev = previous.map(jws::seal_hash);
        if index > 0 && payload.prev != expected_prev {
            return Err(ReceiptError::Chain { index });
        }
        previous = Some(&seal.jws);
        verified.push(VerifiedSeal { kid: header.kid, event: payload.event, time: payload.time });
    }
    Ok(verified)
}
