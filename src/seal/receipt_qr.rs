//! The compact encoding of a receipt for its QR code: `HR1:` followed by RFC 9285 Base45 of the
//! raw DEFLATE (RFC 1951) of a binary record, all in the QR alphanumeric character set.
//!
//! What is dropped, and why verification still holds:
//!
//! - Each seal's protected header is rebuilt, not carried: hospes signs the RFC 8785 canonical
//!   JSON of `{"alg":"EdDSA","cty":"json","iat":…,"kid":…,"typ":"hospes-seal+jws"}`, so the
//!   key id (32 bytes) and `iat` rebuild the exact signed bytes. A seal with any other header (an
//!   `x5c` chain) has no compact form: [`encode`] refuses it and the receipt is shown as JSON.
//! - Only the newest seal's inclusion proof is carried. Every earlier seal is fixed by the `prev`
//!   chain (each payload holds the SHA-256 of the seal before it), which [`super::receipt::verify`]
//!   checks; a logged newest seal thus commits the log to all of them. The JSON receipt carries
//!   every seal's proof.
//! - The checkpoint's root is not carried: it is the root the inclusion proof leads to, and the
//!   checkpoint's signature, checked over the rebuilt note, proves it right.
//!
//! Binary record (integers big-endian), then DEFLATE at the best level:
//!
//! ```text
//! u8 version (1) | u8 number of key ids | key ids (32 bytes each, base64url-decoded)
//! u8 number of seals | per seal: u8 key id index, i64 iat, u16 payload length, payload
//!   (the exact signed canonical JSON), 64-byte signature
//! u64 leaf index of the newest seal | u64 tree size | u8 proof length | 32-byte proof hashes
//! u8 origin length | origin | u32 note key hash | 64-byte note signature
//! ```
//!
//! Sizes: see the README section "Seals and the transparency log".

use std::io::{Read, Write};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};

use super::jws::{self, Header, SEAL_CTY, SEAL_TYP};
use super::log::{Hash, InclusionProof};
use super::receipt::{Receipt, ReceiptSeal};

/// The prefix of a compact receipt.
pub const PREFIX: &str = "HR1:";

/// Largest compressed record accepted when decoding (a version-40 QR holds less).
const MAX_INFLATED: u64 = 64 * 1024;

/// Why a receipt has no compact form, or a text is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    #[error("the receipt has a seal whose header cannot be rebuilt (a certificate chain, or not a hospes seal)")]
    Header,
    #[error("the receipt has no seal, no checkpoint, or no inclusion proof for its newest seal")]
    Incomplete,
    #[error("the receipt has more than 255 seals or keys, or a payload over 64 KiB")]
    TooLarge,
    #[error("not a compact receipt")]
    Malformed,
}

fn rebuilt_header(kid: &str, iat: i64) -> Result<String, CompactError> {
    let header = Header {
        alg: "EdDSA".into(),
        kid: kid.into(),
        typ: Some(SEAL_TYP.into()),
        cty: Some(SEAL_CTY.into()),
        iat: Some(iat),
        x5t_s256: None,
        x5c: None,
    };
    let bytes = jws::canonical_json(&header).map_err(|_| CompactError::Header)?;
    Ok(B64.encode(bytes))
}

/// The compact text of a receipt (see the module documentation).
pub fn encode(receipt: &Receipt) -> Result<String, CompactError> {
    let newest = receipt.seals.last().ok_or(CompactError::Incomplete)?;
    let proof = newest.log.as_ref().ok_or(CompactError::Incomplete)?;
    let note = receipt.checkpoint.as_deref().ok_or(CompactError::Incomplete)?;
    let mut kids: Vec<String> = Vec::new();
    let mut seals = Vec::new();
    for seal in &receipt.seals {
        let parsed = jws::parse(&seal.jws).map_err(|_| CompactError::Header)?;
        let iat = parsed.header.iat.ok_or(CompactError::Header)?;
        let header_b64 = seal.jws.split('.').next().unwrap_or_default();
        if rebuilt_header(&parsed.header.kid, iat)? != header_b64 {
            return Err(CompactError::Header);
        }
        let kid_index = match kids.iter().position(|k| *k == parsed.header.kid) {
            Some(i) => i,
            None => {
                kids.push(parsed.header.kid.clone());
                kids.len() - 1
            }
        };
        seals.push((kid_index, iat, parsed.payload, parsed.signature.to_bytes()));
    }
    let (origin, key_hash, note_sig) = split_note(note).ok_or(CompactError::Incomplete)?;

    let mut out = vec![1u8];
    out.push(u8::try_from(kids.len()).map_err(|_| CompactError::TooLarge)?);
    for kid in &kids {
        let raw = B64.decode(kid).map_err(|_| CompactError::Header)?;
        if raw.len() != 32 {
            return Err(CompactError::Header);
        }
        out.extend_from_slice(&raw);
    }
    out.push(u8::try_from(seals.len()).map_err(|_| CompactError::TooLarge)?);
    for (kid_index, iat, payload, signature) in &seals {
        out.push(*kid_index as u8);
        out.extend_from_slice(&iat.to_be_bytes());
        out.extend_from_slice(&u16::try_from(payload.len()).map_err(|_| CompactError::TooLarge)?.to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(signature);
    }
    out.extend_from_slice(&proof.leaf_index.to_be_bytes());
    out.extend_from_slice(&proof.tree_size.to_be_bytes());
    out.push(u8::try_from(proof.inclusion_proof.len()).map_err(|_| CompactError::TooLarge)?);
    for h in &proof.inclusion_proof {
        out.extend_from_slice(h.as_bytes());
    }
    out.push(u8::try_from(origin.len()).map_err(|_| CompactError::TooLarge)?);
    out.extend_from_slice(origin.as_bytes());
    out.extend_from_slice(&key_hash);
    out.extend_from_slice(&note_sig);

    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflate.write_all(&out).map_err(|_| CompactError::TooLarge)?;
    let compressed = deflate.finish().map_err(|_| CompactError::TooLarge)?;
    Ok(format!("{PREFIX}{}", base45::encode(compressed)))
}

/// Origin, key hash and signature of a checkpoint note with exactly one signature line.
fn split_note(note: &str) -> Option<(String, [u8; 4], [u8; 64])> {
    let (body, sigs) = note.split_once("\n\n")?;
    let origin = body.lines().next()?.to_owned();
    let line = sigs.lines().next()?;
    let rest = line.strip_prefix("\u{2014} ")?;
    let (name, b64) = rest.split_once(' ')?;
    if name != origin {
        return None;
    }
    let raw = STANDARD.decode(b64).ok()?;
    if raw.len() != 68 {
        return None;
    }
    Some((origin, raw[..4].try_into().ok()?, raw[4..].try_into().ok()?))
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], CompactError> {
        if self.0.len() < n {
            return Err(CompactError::Malformed);
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, CompactError> {
        Ok(self.take(1)?[0])
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], CompactError> {
        self.take(N)?.try_into().map_err(|_| CompactError::Malformed)
    }
}

/// Rebuilds the receipt from its compact text. Nothing is trusted here: the result is checked by
/// [`super::receipt::verify_logged`] like any receipt.
pub fn decode(text: &str) -> Result<Receipt, CompactError> {
    let body = text.trim().strip_prefix(PREFIX).ok_or(CompactError::Malformed)?;
    let compressed = base45::decode(body).map_err(|_| CompactError::Malformed)?;
    let mut raw = Vec::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED)
        .read_to_end(&mut raw)
        .map_err(|_| CompactError::Malformed)?;
    let mut r = Reader(&raw);
    if r.u8()? != 1 {
        return Err(CompactError::Malformed);
    }
    let kids: Vec<String> = (0..r.u8()?).map(|_| r.take(32).map(|k| B64.encode(k))).collect::<Result<_, _>>()?;
    let mut seals = Vec::new();
    for _ in 0..r.u8()? {
        let kid = kids.get(usize::from(r.u8()?)).ok_or(CompactError::Malformed)?;
        let iat = i64::from_be_bytes(r.array()?);
        let len = u16::from_be_bytes(r.array()?);
        let payload = r.take(usize::from(len))?;
        let signature: [u8; 64] = r.array()?;
        let jws = format!("{}.{}.{}", rebuilt_header(kid, iat)?, B64.encode(payload), B64.encode(signature));
        seals.push(ReceiptSeal { jws, log: None });
    }
    let leaf_index = u64::from_be_bytes(r.array()?);
    let tree_size = u64::from_be_bytes(r.array()?);
    let proof: Vec<Hash> = (0..r.u8()?).map(|_| r.array().map(Hash)).collect::<Result<_, _>>()?;
    let origin_len = usize::from(r.u8()?);
    let origin = std::str::from_utf8(r.take(origin_len)?).map_err(|_| CompactError::Malformed)?.to_owned();
    let key_hash: [u8; 4] = r.array()?;
    let note_sig: [u8; 64] = r.array()?;
    if !r.0.is_empty() {
        return Err(CompactError::Malformed);
    }
    let newest = seals.last_mut().ok_or(CompactError::Malformed)?;
    // The root is where the proof leads from the newest seal's leaf (RFC 9162 §2.1.3.2).
    let root_hash = root_from_path(super::log::leaf_hash(newest.jws.as_bytes()), leaf_index, tree_size, &proof)
        .ok_or(CompactError::Malformed)?;
    newest.log = Some(InclusionProof { leaf_index, tree_size, inclusion_proof: proof, root_hash });
    let mut sig_blob = key_hash.to_vec();
    sig_blob.extend_from_slice(&note_sig);
    let note = format!("{origin}\n{tree_size}\n{root_hash}\n\n\u{2014} {origin} {}\n", STANDARD.encode(sig_blob));
    let first = jws::parse(&seals[0].jws).map_err(|_| CompactError::Malformed)?;
    let checkin_id = serde_json::from_slice::<super::payload::SealPayload>(&first.payload)
        .map_err(|_| CompactError::Malformed)?
        .checkin;
    Ok(Receipt { checkin_id, seals, checkpoint: Some(note) })
}

/// The root an inclusion path leads to (RFC 9162 §2.1.3.2 steps 1–4, without the final
/// comparison); `None` for a path of the wrong length.
fn root_from_path(leaf: Hash, leaf_index: u64, tree_size: u64, path: &[Hash]) -> Option<Hash> {
    if leaf_index >= tree_size {
        return None;
    }
    let (mut f, mut s) = (leaf_index, tree_size - 1);
    let mut r = leaf;
    for p in path {
        if s == 0 {
            return None;
        }
        if f & 1 == 1 || f == s {
            r = super::log::node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = super::log::node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::KeyRing;
    use crate::seal::log::Checkpoint;
    use crate::seal::payload::{SealPayload, SealStay};

    /// A receipt as the service makes it: `n` seals of a check-in of `persons` persons, chained,
    /// the newest with an inclusion proof of `depth` hashes (a log of about 2^depth leaves).
    fn receipt(n: usize, persons: usize, depth: usize) -> (Receipt, KeyRing) {
        let ring = KeyRing::ephemeral(ed25519_dalek::SigningKey::from_bytes(&[4; 32]));
        let events = ["submitted", "flagged", "resolved", "checked_out"];
        let mut seals: Vec<ReceiptSeal> = Vec::new();
        for (i, event) in events.iter().cycle().take(n).enumerate() {
            let payload = SealPayload {
                v: 1,
                checkin: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
                event: (*event).into(),
                time: format!("2026-12-01T06:0{i}:00Z"),
                property: "0193a1b2-0000-7e5f-8a9b-0c1d2e3f4a5b".into(),
                jurisdiction: "ES-M".into(),
                stay: SealStay { check_in: "2026-12-01T13:00:00Z".into(), check_out: "2026-12-04T10:00:00Z".into() },
                persons: (0..persons).map(|p| B64.encode([p as u8 + 1; 32])).collect(),
                outcome: None,
                prev: seals.last().map(|s| jws::seal_hash(&s.jws)),
            };
            let at = chrono::DateTime::parse_from_rfc3339(&payload.time).unwrap().to_utc();
            seals.push(ReceiptSeal { jws: ring.seal(&payload, at).unwrap().compact, log: None });
        }
        let newest = seals.last_mut().unwrap();
        let proof: Vec<Hash> = (0..depth).map(|i| Hash([i as u8; 32])).collect();
        let leaf_index = (1u64 << depth) - 1;
        let tree_size = 1u64 << depth;
        let root = root_from_path(crate::seal::log::leaf_hash(newest.jws.as_bytes()), leaf_index, tree_size, &proof).unwrap();
        newest.log = Some(InclusionProof { leaf_index, tree_size, inclusion_proof: proof, root_hash: root });
        let note = Checkpoint::new("hospes.example/log", tree_size, root).unwrap().sign(ring.signing_key()).unwrap();
        (Receipt { checkin_id: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(), seals, checkpoint: Some(note) }, ring)
    }

    fn version_at_m(text: &str) -> i16 {
        match qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).map(|c| c.version()) {
            Ok(qrcode::Version::Normal(v)) => v,
            _ => 41,
        }
    }

    #[test]
    fn a_compact_receipt_decodes_to_one_that_verifies() {
        let (receipt, ring) = receipt(3, 2, 20);
        let text = encode(&receipt).unwrap();
        assert!(text.starts_with(PREFIX) && text.bytes().all(|b| b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".contains(&b)));
        let decoded = decode(&text).unwrap();
        assert_eq!(decoded.seals.iter().map(|s| &s.jws).collect::<Vec<_>>(), receipt.seals.iter().map(|s| &s.jws).collect::<Vec<_>>());
        assert_eq!(decoded.checkpoint, receipt.checkpoint, "the note is rebuilt byte for byte");
        let keys = crate::seal::keyring::parse_jwks(&ring.jwks());
        let verified = crate::seal::receipt::verify_logged(&decoded, &keys, None).unwrap();
        assert_eq!(verified.seals.len(), 3);
    }

    #[test]
    fn a_typical_receipt_fits_a_version_25_code_at_level_m() {
        // Three seals, two persons, a log of 2^20 (a million) leaves; and a family of four with
        // four seals in a log of 2^24 leaves.
        for (n, persons, depth, max_version) in [(3, 2, 20, 25), (4, 4, 24, 25), (2, 1, 16, 25)] {
            let (receipt, _) = receipt(n, persons, depth);
            let text = encode(&receipt).unwrap();
            let version = version_at_m(&text);
            eprintln!("{n} seals, {persons} persons, proof of {depth}: {} characters, version {version}", text.len());
            assert!(version <= max_version, "{n} seals, {persons} persons, depth {depth}: version {version}");
        }
    }

    #[test]
    fn a_changed_character_never_yields_a_receipt_that_verifies() {
        let (receipt, ring) = receipt(2, 1, 8);
        let keys = crate::seal::keyring::parse_jwks(&ring.jwks());
        let text = encode(&receipt).unwrap();
        for i in (PREFIX.len()..text.len()).step_by(7) {
            let mut bytes = text.clone().into_bytes();
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            let changed = String::from_utf8(bytes).unwrap();
            if let Ok(r) = decode(&changed) {
                assert!(crate::seal::receipt::verify_logged(&r, &keys, None).is_err(), "character {i}");
            }
        }
    }

    #[test]
    fn a_seal_with_a_certificate_chain_has_no_compact_form() {
        let (mut receipt, ring) = receipt(1, 1, 4);
        let ring = ring.with_certificates(vec![vec![1, 2, 3]]);
        let payload = jws::parse(&receipt.seals[0].jws).unwrap().payload;
        let payload: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        receipt.seals[0].jws = ring.seal(&payload, chrono::Utc::now()).unwrap().compact;
        assert_eq!(encode(&receipt), Err(CompactError::Header));
    }
}
