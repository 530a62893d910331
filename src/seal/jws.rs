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

/// The JOSE `cty` of a seal: its payload is JSON (RFC 7515 §4.1.10, `application/` omitted).
pub const SEAL_CTY: &str = "json";

/// The protected header of a seal (RFC 7515 §4.1), shaped as a JAdES (ETSI TS 119 182-1)
/// baseline B-B header: `alg` (`EdDSA`), `kid` (RFC 7638 thumbprint), `typ`, `cty`, the signing
/// time as `iat` (integer seconds since the epoch, UTC), and — when the operator supplied a
/// certificate for the seal key — `x5t#S256` (RFC 7515 §4.1.8) and `x5c` (§4.1.6). See
/// `keys/README.md` for the JAdES elements that are not present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    // Fields in the lexicographic order of their JSON names: serialised in declaration order,
    // this is already RFC 8785 canonical (see `Canonical`; a test compares with a canonicaliser).
    pub alg: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cty: Option<String>,
    /// Signing time, seconds since 1970-01-01T00:00:00Z.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    pub kid: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typ: Option<String>,
    /// The certificate chain, standard base64 DER, signing certificate first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x5c: Option<Vec<String>>,
    /// base64url SHA-256 of the DER of the signing certificate.
    #[serde(rename = "x5t#S256", default, skip_serializing_if = "Option::is_none")]
    pub x5t_s256: Option<String>,
}

impl Header {
    fn new(kid: &str, typ: &str) -> Header {
        Header { alg: "EdDSA".into(), cty: None, iat: None, kid: kid.into(), typ: Some(typ.into()), x5c: None, x5t_s256: None }
    }
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

/// A value whose RFC 8785 canonical JSON hospes can make. By default through the canonicaliser;
/// hospes's own seal types ([`Header`], [`super::payload::SealPayload`]) declare their fields in
/// the lexicographic order of their names, hold only strings, integers and such structs, so
/// `serde_json`'s output in declaration order is already canonical (serde_json escapes strings
/// as RFC 8785 §3.2.2.2 does) — without the canonicaliser's intermediate tree, a third of the
/// cost of a seal. Tests compare both outputs on many payloads.
pub trait Canonical: Serialize + Sized {
    fn canonical(&self) -> Result<Vec<u8>, JwsError> {
        canonical_json(self)
    }
}

impl Canonical for serde_json::Value {}

impl Canonical for Header {
    fn canonical(&self) -> Result<Vec<u8>, JwsError> {
        serde_json::to_vec(self).map_err(|e| JwsError::Canonicalisation(e.to_string()))
    }
}

/// Signs a canonical JSON payload as a seal with `key` under key id `kid`.
pub fn sign<T: Serialize>(payload: &T, key: &SigningKey, kid: &str) -> Result<SignedSeal, JwsError> {
    sign_typed(payload, key, kid, SEAL_TYP)
}

/// Signs a canonical JSON payload with `key` under key id `kid`, with the JOSE type `typ`.
pub fn sign_typed<T: Serialize>(payload: &T, key: &SigningKey, kid: &str, typ: &str) -> Result<SignedSeal, JwsError> {
    sign_with_header(payload, key, &Header::new(kid, typ))
}

/// Signs a seal payload with the JAdES-shaped header: `typ`, `cty`, `iat` = `signed_at` (seconds
/// since the epoch) and, when `certificates` (DER, signing certificate first) are given,
/// `x5t#S256` and `x5c`.
pub fn sign_seal<T: Canonical>(
    payload: &T,
    key: &SigningKey,
    kid: &str,
    signed_at: i64,
    certificates: &[Vec<u8>],
) -> Result<SignedSeal, JwsError> {
    let mut header = Header::new(kid, SEAL_TYP);
    header.cty = Some(SEAL_CTY.into());
    header.iat = Some(signed_at);
    if let Some(first) = certificates.first() {
        use base64::engine::general_purpose::STANDARD;
        header.x5t_s256 = Some(B64.encode(Sha256::digest(first)));
        header.x5c = Some(certificates.iter().map(|c| STANDARD.encode(c)).collect());
    }
    sign_canonical(&header.canonical()?, &payload.canonical()?, key)
}

fn sign_with_header<T: Serialize>(payload: &T, key: &SigningKey, header: &Header) -> Result<SignedSeal, JwsError> {
    sign_canonical(&header.canonical()?, &canonical_json(payload)?, key)
}

fn sign_canonical(header: &[u8], payload: &[u8], key: &SigningKey) -> Result<SignedSeal, JwsError> {
    // One buffer, sized once: base64url of header and payload, the signature appended in place.
    let mut compact = String::with_capacity((header.len() + payload.len()) * 4 / 3 + 92);
    B64.encode_string(header, &mut compact);
    compact.push('.');
    B64.encode_string(payload, &mut compact);
    let signature = key.sign(compact.as_bytes());
    compact.push('.');
    B64.encode_string(signature.to_bytes(), &mut compact);
    Ok(SignedSeal { compact })
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

/// Verifies many compact JWS at once with Ed25519 batch verification (one multiscalar
/// multiplication for all, ed25519-dalek's `verify_batch`), for checking many receipts. Each
/// seal's `alg` and key are checked as in [`verify`], and weak (small-order) keys are refused up
/// front as `verify_strict` refuses them. Unlike `verify_strict`, the batch does not refuse an
/// `R` with a small-order component: such a signature still needs the private key to make (`R`
/// enters the challenge hash), so it is no forgery, only a second encoding that the key's holder
/// alone can produce. When the batch fails, each seal is checked alone with [`verify`] (strict)
/// and the first failure is returned with its index.
pub fn verify_batch<'k>(
    compacts: &[&str],
    find_key: impl Fn(&str) -> Option<&'k VerifyingKey>,
) -> Result<(), (usize, JwsError)> {
    let mut messages = Vec::with_capacity(compacts.len());
    let mut signatures = Vec::with_capacity(compacts.len());
    let mut keys = Vec::with_capacity(compacts.len());
    for (i, compact) in compacts.iter().enumerate() {
        let parsed = parse(compact).map_err(|e| (i, e))?;
        if !matches!(parsed.header.alg.as_str(), "EdDSA" | "Ed25519") {
            return Err((i, JwsError::UnsupportedAlgorithm));
        }
        let key = find_key(&parsed.header.kid).ok_or_else(|| (i, JwsError::UnknownKey(parsed.header.kid.clone())))?;
        if key.is_weak() {
            return Err((i, JwsError::BadSignature));
        }
        messages.push(parsed.signing_input.as_bytes());
        signatures.push(parsed.signature);
        keys.push(*key);
    }
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        return Ok(());
    }
    for (i, compact) in compacts.iter().enumerate() {
        verify(compact, &find_key).map_err(|e| (i, e))?;
    }
    Err((0, JwsError::BadSignature))
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

    /// A compact JWS over `header` and `payload` with a raw 64-byte signature.
    fn assemble(header: &str, payload: &str, signature: &[u8]) -> String {
        format!("{}.{}.{}", B64.encode(header), B64.encode(payload), B64.encode(signature))
    }

    #[test]
    fn a_small_order_key_with_an_identity_signature_is_refused() {
        // The identity point (a small-order key, encoded 0x01 then zeros) with R = identity and
        // s = 0 satisfies the cofactorless equation for every message: lenient verification
        // accepts it, strict verification must not.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = VerifyingKey::from_bytes(&identity).unwrap();
        assert!(weak.is_weak());
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&identity);
        let compact = assemble(r#"{"alg":"EdDSA","kid":"weak"}"#, r#"{"event":"submitted"}"#, &signature);
        let sig = Signature::from_bytes(&signature);
        let input = compact.rsplit_once('.').unwrap().0;
        assert!(ed25519_dalek::Verifier::verify(&weak, input.as_bytes(), &sig).is_ok(), "the lenient check accepts the forgery");
        assert_eq!(verify(&compact, |_| Some(&weak)).unwrap_err(), JwsError::BadSignature);
    }

    #[test]
    fn a_malleated_signature_with_s_plus_l_is_refused() {
        // Adding the group order L to s gives a second encoding of the same signature (RFC 8032
        // §5.1.7 requires s < L).
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let k = key();
        let vk = k.verifying_key();
        let seal = sign(&serde_json::json!({"event": "verified"}), &k, "kid1").unwrap();
        let (input, sig) = seal.compact.rsplit_once('.').unwrap();
        let mut raw = B64.decode(sig).unwrap();
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(raw[32 + i]) + u16::from(L[i]) + carry;
            raw[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        assert_eq!(carry, 0, "s + L < 2^256 since s < L < 2^253");
        let malleated = format!("{input}.{}", B64.encode(&raw));
        assert_ne!(malleated, seal.compact);
        assert!(verify(&malleated, |_| Some(&vk)).is_err(), "s + L must not verify");
        assert!(verify(&seal.compact, |_| Some(&vk)).is_ok());
    }

    #[test]
    fn alg_ed25519_of_rfc_9864_is_accepted_and_others_are_not() {
        let k = key();
        let vk = k.verifying_key();
        for (alg, ok) in [("Ed25519", true), ("EdDSA", true), ("ES256", false), ("none", false)] {
            let header = format!(r#"{{"alg":"{alg}","kid":"kid1"}}"#);
            let input = format!("{}.{}", B64.encode(&header), B64.encode(r#"{"event":"submitted"}"#));
            let compact = format!("{input}.{}", B64.encode(k.sign(input.as_bytes()).to_bytes()));
            assert_eq!(verify(&compact, |_| Some(&vk)).is_ok(), ok, "{alg}");
        }
    }

    #[test]
    fn a_seal_header_is_jades_shaped_with_certificates_when_given() {
        let k = key();
        let vk = k.verifying_key();
        let plain = sign_seal(&serde_json::json!({"event": "submitted"}), &k, "kid1", 1_700_000_000, &[]).unwrap();
        let (header, _) = verify(&plain.compact, |_| Some(&vk)).unwrap();
        assert_eq!((header.typ.as_deref(), header.cty.as_deref(), header.iat), (Some(SEAL_TYP), Some("json"), Some(1_700_000_000)));
        assert_eq!((header.x5t_s256, header.x5c), (None, None));
        let cert = b"not really DER".to_vec();
        let with = sign_seal(&serde_json::json!({}), &k, "kid1", 1, std::slice::from_ref(&cert)).unwrap();
        let (header, _) = verify(&with.compact, |_| Some(&vk)).unwrap();
        assert_eq!(header.x5t_s256.unwrap(), B64.encode(Sha256::digest(&cert)));
        assert_eq!(header.x5c.unwrap(), vec![base64::engine::general_purpose::STANDARD.encode(&cert)]);
        let raw_header = B64.decode(with.compact.split('.').next().unwrap()).unwrap();
        assert!(String::from_utf8(raw_header).unwrap().contains(r#""x5t#S256":"#));
    }

    #[test]
    fn batch_verification_accepts_good_seals_and_names_the_bad_one() {
        let k = key();
        let vk = k.verifying_key();
        let seals: Vec<String> =
            (0..20).map(|i| sign_seal(&serde_json::json!({"n": i}), &k, "kid1", i, &[]).unwrap().compact).collect();
        let refs: Vec<&str> = seals.iter().map(String::as_str).collect();
        assert_eq!(verify_batch(&refs, |_| Some(&vk)), Ok(()));
        let mut bad = seals.clone();
        let (input, sig) = bad[13].rsplit_once('.').unwrap();
        let mut sig = B64.decode(sig).unwrap();
        sig[40] ^= 1;
        bad[13] = format!("{input}.{}", B64.encode(sig));
        let refs: Vec<&str> = bad.iter().map(String::as_str).collect();
        assert_eq!(verify_batch(&refs, |_| Some(&vk)), Err((13, JwsError::BadSignature)));
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = VerifyingKey::from_bytes(&identity).unwrap();
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(&identity);
        let forged = assemble(r#"{"alg":"EdDSA","kid":"weak"}"#, "{}", &signature);
        assert_eq!(verify_batch(&[forged.as_str()], |_| Some(&weak)), Err((0, JwsError::BadSignature)));
    }
}
