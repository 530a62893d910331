//! Receipts: a check-in's seals with their inclusion proofs in the transparency log, and their
//! offline verification.
//!
//! JSON shape (served by `GET /v1/checkins/{id}/receipt`):
//! `{"checkin_id", "seals": [{"jws", "log": {"leaf_index", "tree_size", "inclusion_proof":
//! [base64 hashes], "root_hash"}}], "checkpoint": "<C2SP signed note>"}`.
//!
//! Verification ([`verify_logged`]): every seal's signature (strict Ed25519) with a key of the
//! JWKS, the `prev` chain, the checkpoint's signature (C2SP signed note, by a key of the same
//! JWKS under the log's origin), and every seal's inclusion proof (RFC 9162 §2.1.3.2) in the tree
//! that checkpoint signs: the receipt's own, or one the verifier already trusts.

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use super::jws::{self, JwsError};
use super::log::{Checkpoint, CheckpointError, LogError, NoteVerifier};
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
    /// Where the seal sits in the transparency log: its leaf index and inclusion proof in the
    /// tree that the receipt's checkpoint signs. The leaf is the `jws` string's bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<super::log::InclusionProof>,
}

/// What a verified seal says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifiedSeal {
    pub kid: String,
    pub event: String,
    pub time: String,
    /// Signing time, seconds since the epoch: the header's `iat`, else the payload's `time`.
    pub signed_at: Option<i64>,
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
    #[error("the checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("seal {index}: it carries no inclusion proof, so its place in the log is not proven")]
    NotLogged { index: usize },
    #[error("seal {index}: not included in the checkpoint's tree: {source}")]
    NotIncluded { index: usize, source: LogError },
    #[error("no checkpoint to check inclusion against (the receipt has none and none was given)")]
    NoCheckpoint,
    #[error("seal {index}: key {kid} was not valid at the seal's signing time")]
    KeyNotValid { index: usize, kid: String },
}

impl ReceiptError {
    /// The index of the seal the error is about, if it is about one.
    pub fn seal_index(&self) -> Option<usize> {
        match self {
            ReceiptError::Seal { index, .. }
            | ReceiptError::Payload { index }
            | ReceiptError::OtherCheckin { index, .. }
            | ReceiptError::Chain { index }
            | ReceiptError::NotLogged { index }
            | ReceiptError::NotIncluded { index, .. }
            | ReceiptError::KeyNotValid { index, .. } => Some(*index),
            ReceiptError::Empty | ReceiptError::Unreadable | ReceiptError::Checkpoint(_) | ReceiptError::NoCheckpoint => None,
        }
    }
}

/// Reads a receipt from text: receipt JSON, the compact text of a receipt QR code
/// ([`super::receipt_qr`]), or a single compact JWS (which becomes a one-seal receipt for the
/// check-in it names).
pub fn parse_receipt_text(text: &str) -> Result<Receipt, ReceiptError> {
    let text = text.trim();
    if text.starts_with(super::receipt_qr::PREFIX) {
        return super::receipt_qr::decode(text).map_err(|_| ReceiptError::Unreadable);
    }
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
        let signed_at = header
            .iat
            .or_else(|| chrono::DateTime::parse_from_rfc3339(&payload.time).ok().map(|t| t.timestamp()));
        verified.push(VerifiedSeal { kid: header.kid, event: payload.event, time: payload.time, signed_at });
    }
    Ok(verified)
}

/// Opens a signed checkpoint note with any of `keys` (a JWKS's keys): the log's origin is the
/// note's first line, the key name of its signature. A note that no key signs is
/// [`CheckpointError::NotSignedByKey`]; one whose signature by a known key fails (a forgery, an
/// altered tree head) is [`CheckpointError::BadSignature`].
pub fn open_checkpoint(note: &str, keys: &BTreeMap<String, VerifyingKey>) -> Result<Checkpoint, CheckpointError> {
    let origin = note.split('\n').next().unwrap_or_default();
    let mut error = CheckpointError::NotSignedByKey(origin.chars().take(100).collect());
    for key in keys.values() {
        let Ok(verifier) = NoteVerifier::new(origin, key) else { continue };
        match Checkpoint::open(note, &verifier) {
            Ok(checkpoint) => return Ok(checkpoint),
            Err(CheckpointError::NotSignedByKey(_)) => {}
            Err(e) => error = e,
        }
    }
    Err(error)
}

/// What [`verify_logged`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedReceipt {
    pub seals: Vec<VerifiedSeal>,
    /// The tree head every seal was proven in.
    pub checkpoint: Checkpoint,
}

/// [`verify`], then the log: the checkpoint to prove inclusion in is `trusted` (a checkpoint
/// the verifier holds, already opened) or else the receipt's own, opened with `keys`; every proof
/// must be for exactly that tree (size and root), and the newest seal must carry one (earlier
/// seals are bound to it by the `prev` chain; the compact QR form carries only the newest proof). A receipt whose
/// checkpoint is of another size than `trusted` fails: fetch the receipt for that size
/// (`GET /v1/checkins/{id}/receipt?tree_size=N`).
pub fn verify_logged(
    receipt: &Receipt,
    keys: &BTreeMap<String, VerifyingKey>,
    trusted: Option<&Checkpoint>,
) -> Result<VerifiedReceipt, ReceiptError> {
    let seals = verify(receipt, keys)?;
    let own = receipt.checkpoint.as_deref().map(|note| open_checkpoint(note, keys)).transpose()?;
    let checkpoint = match (trusted, own) {
        (Some(t), _) => t.clone(),
        (None, Some(own)) => own,
        (None, None) => return Err(ReceiptError::NoCheckpoint),
    };
    // The newest seal must be proven; an earlier seal without a proof is fixed by the `prev`
    // chain (checked by `verify`) to the newest, so the log commits to it too.
    let newest = receipt.seals.len() - 1;
    for (index, seal) in receipt.seals.iter().enumerate() {
        let Some(proof) = seal.log.as_ref() else {
            if index == newest {
                return Err(ReceiptError::NotLogged { index });
            }
            continue;
        };
        proof
            .verify_against_checkpoint(seal.jws.as_bytes(), &checkpoint)
            .map_err(|source| ReceiptError::NotIncluded { index, source })?;
    }
    Ok(VerifiedReceipt { seals, checkpoint })
}

/// Checks that each verified seal was signed while its key was valid (the JWKS's `valid_from` and
/// `valid_until`; a key without a period is valid always). A seal without a readable signing time
/// under a key with a period fails.
pub fn check_key_validity(
    seals: &[VerifiedSeal],
    validity: &BTreeMap<String, super::keyring::KeyValidity>,
) -> Result<(), ReceiptError> {
    for (index, seal) in seals.iter().enumerate() {
        let period = validity.get(&seal.kid).copied().unwrap_or_default();
        let unbounded = period == super::keyring::KeyValidity::default();
        if !unbounded && !seal.signed_at.is_some_and(|t| period.covers(t)) {
            return Err(ReceiptError::KeyNotValid { index, kid: seal.kid.clone() });
        }
    }
    Ok(())
}
