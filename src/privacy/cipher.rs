//! Field-level encryption at rest and the blind index.
//!
//! Every personal value is stored as an envelope `hx1.<kid>.<base64url(nonce ‖ ciphertext)>`:
//! XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha, RFC 8439's AEAD with a 192-bit nonce, drawn at
//! random for each value), under the data key `kid`. The associated data binds the ciphertext to
//! its place — `hospes-field-v1 ‖ table ‖ column ‖ row ‖ kid` — so a value copied into another row
//! or column, or relabelled with another key id, fails to decrypt instead of being read as
//! someone else's. Plaintexts are padded (ISO/IEC 7816-4) to a multiple of 16 bytes, so the
//! stored length says little about a name's length.
//!
//! The blind index is HMAC-SHA256 (RFC 2104) under its own key over the issuing country and the
//! normalised document number: equal documents give equal index values, and the index reveals
//! nothing to whoever lacks the key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use zeroize::Zeroizing;

use super::keys::DataKeys;

const PREFIX: &str = "hx1";
const NONCE_LEN: usize = 24;
const PAD_BLOCK: usize = 16;

/// Why an envelope could not be opened. Never carries the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CipherError {
    #[error("{0} is not an encrypted value")]
    Malformed(String),
    #[error("{place} is encrypted under data key {kid}, which is not in the key ring")]
    UnknownKey { place: String, kid: String },
    #[error("{0} does not authenticate (tampered, moved from another row, or the wrong key)")]
    Forged(String),
}

/// Where a value lives: table, column and the row's key. Part of the associated data.
#[derive(Debug, Clone, Copy)]
pub struct Place<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub row: &'a str,
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The row key is an id, never personal data.
        write!(f, "{}.{} of {}", self.table, self.column, self.row)
    }
}

/// Encrypts and decrypts personal fields with the data keys; computes blind indexes.
#[derive(Debug)]
pub struct DataCipher {
    keys: DataKeys,
}

impl DataCipher {
    pub fn new(keys: DataKeys) -> DataCipher {
        DataCipher { keys }
    }

    /// A cipher with random keys held in memory only (tests).
    pub fn ephemeral() -> DataCipher {
        DataCipher::new(DataKeys::ephemeral())
    }

    pub fn keys(&self) -> &DataKeys {
        &self.keys
    }

    pub fn active_kid(&self) -> &str {
        self.keys.active_kid()
    }

    /// Encrypts `plaintext` for `place` under the active key.
    pub fn encrypt(&self, place: Place<'_>, plaintext: &str) -> String {
        let kid = self.keys.active_kid();
        let key = self.keys.key(kid).expect("the active key is loaded");
        let cipher = XChaCha20Poly1305::new(key.as_slice().into());
        let nonce = crate::random_bytes::<NONCE_LEN>();
        let padded = pad(plaintext.as_bytes());
        let aad = aad(place, kid);
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: &padded, aad: &aad })
            .expect("XChaCha20-Poly1305 encrypts any message of this size");
        let mut out = Vec::with_capacity(NONCE_LEN + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        format!("{PREFIX}.{kid}.{}", B64.encode(out))
    }

    pub fn encrypt_opt(&self, place: Place<'_>, plaintext: Option<&str>) -> Option<String> {
        plaintext.map(|p| self.encrypt(place, p))
    }

    /// Decrypts an envelope that `encrypt` made for the same `place`.
    pub fn decrypt(&self, place: Place<'_>, envelope: &str) -> Result<String, CipherError> {
        let (kid, body) = split(envelope).ok_or_else(|| CipherError::Malformed(place.to_string()))?;
        let key = self
            .keys
            .key(kid)
            .ok_or_else(|| CipherError::UnknownKey { place: place.to_string(), kid: kid.to_owned() })?;
        let bytes = B64.decode(body).map_err(|_| CipherError::Malformed(place.to_string()))?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(CipherError::Malformed(place.to_string()));
        }
        let (nonce, ct) = bytes.split_at(NONCE_LEN);
        let cipher = XChaCha20Poly1305::new(key.as_slice().into());
        let aad = aad(place, kid);
        let padded = Zeroizing::new(
            cipher.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad }).map_err(|_| CipherError::Forged(place.to_string()))?,
        );
        let plain = unpad(&padded).ok_or_else(|| CipherError::Malformed(place.to_string()))?;
        String::from_utf8(plain.to_vec()).map_err(|_| CipherError::Malformed(place.to_string()))
    }

    pub fn decrypt_opt(&self, place: Place<'_>, envelope: Option<&str>) -> Result<Option<String>, CipherError> {
        envelope.map(|e| self.decrypt(place, e)).transpose()
    }

    /// The blind index of a document: HMAC-SHA256 over `hospes-document-v1`, the issuing
    /// country (ISO 3166-1 alpha-3) and the normalised number, separated by NUL bytes.
    pub fn document_index(&self, issuing_country: &str, number: &str) -> Vec<u8> {
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(self.keys.blind_index.as_slice()).expect("HMAC takes any key length");
        mac.update(b"hospes-document-v1\0");
        mac.update(issuing_country.trim().to_ascii_uppercase().as_bytes());
        mac.update(b"\0");
        mac.update(number.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

/// The key id an envelope names, if it is one.
pub fn envelope_kid(envelope: &str) -> Option<&str> {
    split(envelope).map(|(kid, _)| kid)
}

fn split(envelope: &str) -> Option<(&str, &str)> {
    let rest = envelope.strip_prefix(PREFIX)?.strip_prefix('.')?;
    let (kid, body) = rest.split_once('.')?;
    (!kid.is_empty() && kid.bytes().all(|b| b.is_ascii_alphanumeric())).then_some((kid, body))
}

fn aad(place: Place<'_>, kid: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(64);
    for part in ["hospes-field-v1", place.table, place.column, place.row, kid] {
        aad.extend_from_slice(part.as_bytes());
        aad.push(0);
    }
    aad
}

/// ISO/IEC 7816-4 padding: `0x80`, then zeros up to a multiple of [`PAD_BLOCK`].
fn pad(bytes: &[u8]) -> Zeroizing<Vec<u8>> {
    let len = (bytes.len() / PAD_BLOCK + 1) * PAD_BLOCK;
    let mut out = Zeroizing::new(Vec::with_capacity(len));
    out.extend_from_slice(bytes);
    out.push(0x80);
    out.resize(len, 0);
    out
}

fn unpad(bytes: &[u8]) -> Option<&[u8]> {
    let end = bytes.iter().rposition(|&b| b != 0)?;
    (bytes[end] == 0x80).then(|| &bytes[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACE: Place<'static> = Place { table: "checkin_persons", column: "family_name", row: "c1/0" };

    #[test]
    fn a_value_round_trips_and_its_envelope_names_the_key_but_not_the_value() {
        let c = DataCipher::ephemeral();
        let env = c.encrypt(PLACE, "Zzyzx");
        assert!(!env.contains("Zzyzx"));
        assert_eq!(envelope_kid(&env), Some(c.active_kid()));
        assert_eq!(c.decrypt(PLACE, &env).unwrap(), "Zzyzx");
        assert_eq!(c.decrypt(PLACE, &c.encrypt(PLACE, "")).unwrap(), "");
        assert_ne!(c.encrypt(PLACE, "Zzyzx"), env, "a fresh nonce each time");
    }

    #[test]
    fn a_value_moved_to_another_row_or_column_does_not_decrypt() {
        let c = DataCipher::ephemeral();
        let env = c.encrypt(PLACE, "Zzyzx");
        assert!(matches!(c.decrypt(Place { row: "c2/0", ..PLACE }, &env), Err(CipherError::Forged(_))));
        assert!(matches!(c.decrypt(Place { column: "given_names", ..PLACE }, &env), Err(CipherError::Forged(_))));
        let other = DataCipher::ephemeral();
        assert!(matches!(other.decrypt(PLACE, &env), Err(CipherError::UnknownKey { .. })));
        assert!(matches!(c.decrypt(PLACE, "Zzyzx"), Err(CipherError::Malformed(_))));
    }

    #[test]
    fn lengths_are_padded_to_sixteen_bytes() {
        let c = DataCipher::ephemeral();
        assert_eq!(c.encrypt(PLACE, "Al").len(), c.encrypt(PLACE, "Maximilianus").len());
    }

    #[test]
    fn the_blind_index_is_keyed_and_exact() {
        let c = DataCipher::ephemeral();
        assert_eq!(c.document_index("ESP", "X1234567L"), c.document_index("esp", "X1234567L"));
        assert_ne!(c.document_index("ESP", "X1234567L"), c.document_index("PRT", "X1234567L"));
        assert_ne!(c.document_index("ESP", "X1234567L"), DataCipher::ephemeral().document_index("ESP", "X1234567L"));
        assert_eq!(c.document_index("ESP", "X1234567L").len(), 32);
    }
}
