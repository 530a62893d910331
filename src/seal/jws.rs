//! JWS compact serialization (RFC 7515 §7.1) with EdDSA over Ed25519 (RFC 8037 §3.1).
//!
//! The signer keeps the exact signed bytes: a [`SignedSeal`] holds the compact JWS string as
//! produced, and verification runs over those bytes (the ASCII of `header.payload`), never over a
//! re-serialisation of the decoded JSON.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The JOSE `typ` of a hospes seal.
pub const SEAL_TYP: &str = "hospes-seal+jws";

/// The protected header of a seal (RFC 7515 §4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub alg: String,
    pub kid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
}

/// A compact JWS exactly as signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedSeal {
    pub compact: String,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum JwsError {
    #[error("not a compact JWS (expected three base64url parts separated by dots)")]
    Malformed,
    #[error("the protected header is not valid JSON for a JWS")]
    BadHeader,
    #[error("unsupported algorithm (only EdDSA over Ed25519 is accepted)")]
    UnsupportedAlgorithm,
    #[error("the payload is not valid JSON")]
    BadPayload,
    #[error("signed by an unknown key ({0})")]
    UnknownKey(String),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the payload could not be canonicalised: {0}")]
    Canonicalisation(String),
}

/// Serialises `payload` as RFC 8785 canonical JSON.
pub fn canonical_json<T: Serialize>(payload: &T) -> Result<Vec<u8>, JwsError> {
    serde_json_canonicalizer::to_vec(payload).map_err(|e| JwsError::Canonicalisation(e.to_string()))
}

/// Signs a canonical JSON payload as a seal with `key` under key id `kid`.
pub fn sign<T: Serialize>(payload: &T, key: &SigningKey, kid: &str) -> Result<SignedSeal, JwsError> {
    sign_typed(payload, key, kid, SEAL_TYP)
}

/// Signs a canonical JSON payload with `key` under key id `kid`, with the JOSE type `typ`.
pub fn sign_typed<T: Serialize>(payload: &T, key: &SigningKey, kid: &str, typ: &str) -> Result<SignedSeal, JwsError> {
    let header = Header { alg: "EdDSA".into(), kid: kid.into(), typ: Some(typ.into()) };
    let header = canonical_json(&header)?;
    let payload = canonical_json(payload)?;
    let signing_input = format!("{}.{}", B64.encode(header), B64.encode(payload));
    let signature = key.sign(signing_input.as_bytes());
    Ok(SignedSeal { compact: format!("{signing_input}.{}", B64.encode(signature.to_bytes())) })
}

/// The parts of a compact JWS, decoded but not yet verified.
#[derive(Debug, Clone)]
pub struct Parsed<'a> {
    pub header: Header,
    pub payload: Vec<u8>,
    pub signing_input: &'a str,
    pub signature: Signature,
}

/// Splits and decodes a compact JWS without verifying it.
pub fn parse(compact: &str) -> Result<Parsed<'_>, JwsError> {
    let compact = compact.trim();
    let mut parts = compact.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(JwsError::Malformed);
    };
    let header_bytes = B64.decode(h).map_err(|_| JwsError::Malformed)?;
    let header: Header = serde_json::from_slice(&header_bytes).map_err(|_| JwsError::BadHeader)?;
    let payload = B64.decode(p).map_err(|_| JwsError::Malformed)?;
    let sig = B64.decode(s).map_err(|_| JwsError::Malformed)?;
    let signature = Signature::from_slice(&sig).map_err(|_| JwsError::Malformed)?;
    Ok(Parsed { header, payload, signing_input: &compact[..h.len() + 1 + p.len()], signature })
}

/// Verifies a compact JWS with the key that `find_key` returns for its `kid`, using strict
/// Ed25519 verification (no small-order keys, no malleable signatures). Returns the header and
/// the payload bytes exactly as signed.
pub fn verify<'k>(
    compact: &str,
    find_key: impl Fn(&str) -> Option<&'k VerifyingKey>,
) -> Result<(Header, Vec<u8>), JwsError> {
    let parsed = parse(compact)?;
    if !matches!(parsed.header.alg.as_str(), "EdDSA" | "Ed25519") {
        return Err(JwsError::UnsupportedAlgorithm);
    }
    let key = find_key(&parsed.header.kid).ok_or_else(|| JwsError::UnknownKey(parsed.header.kid.clone()))?;
    key.verify_strict(parsed.signing_input.as_bytes(), &parsed.signature)
        .map_err(|_| JwsError::BadSignature)?;
    serde_json::from_slice::<serde_json::Value>(&parsed.payload).map_err(|_| JwsError::BadPayload)?;
    Ok((parsed.header, parsed.payload))
}

/// SHA-256 of a compact JWS's bytes, base64url: how a seal names the seal before it (`prev`).
pub fn seal_hash(compact: &str) -> String {
    B64.encode(Sha256::digest(compact.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn a_signed_seal_verifies_and_returns_the_signed_bytes() {
        let k = key();
        let vk = k.verifying_key();
        let seal = sign(&serde_json::json!({"b": 1, "a": "x"}), &k, "kid1").unwrap();
        let (header, payload) = verify(&seal.compact, |kid| (kid == "kid1").then_some(&vk)).unwrap();
        assert_eq!(header.alg, "EdDSA");
        assert_eq!(payload, br#"{"a":"x","b":1}"#);
    }

    #[test]
    fn any_changed_byte_breaks_the_seal() {
        let k = key();
        let vk = k.verifying_key();
        let seal = sign(&serde_json::json!({"event": "submitted"}), &k, "kid1").unwrap();
        let bytes = seal.compact.as_bytes();
        for i in 0..bytes.len() {
            let mut changed = bytes.to_vec();
            changed[i] = if changed[i] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(changed).unwrap();
            assert!(verify(&changed, |_| Some(&vk)).is_err(), "byte {i} changed yet verified");
        }
    }

    #[test]
    fn an_unknown_key_id_is_named() {
        let k = key();
        let seal = sign(&serde_json::json!({}), &k, "kid1").unwrap();
        assert_eq!(verify(&seal.compact, |_| None).unwrap_err(), JwsError::UnknownKey("kid1".into()));
    }
}
