//! Secrets of the police workspace at rest: second-factor secrets and resolution notes.
//!
//! Each value is sealed as `pv1.<base64url(nonce ‖ ciphertext)>` with XChaCha20-Poly1305
//! (RFC 8439's AEAD with a 192-bit random nonce) under the workspace key, a 32-byte secret kept
//! in `keys/police.secret` (generated in development, required in production, like the
//! invitation secret). The associated data binds a value to its place (`table.column` and the
//! row's id), so a secret copied to another account does not open.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The file in the keys directory that holds the workspace key.
pub const KEY_FILE: &str = "police.secret";
const PREFIX: &str = "pv1.";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    #[error("{0} is not a sealed value")]
    Malformed(String),
    #[error("{0} does not open (tampered, moved, or another key)")]
    Forged(String),
}

/// Seals and opens values with the workspace key.
#[derive(Clone)]
pub struct Vault {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Vault(..)")
    }
}

impl Vault {
    pub fn new(key: [u8; 32]) -> Vault {
        Vault { cipher: XChaCha20Poly1305::new(&key.into()) }
    }

    /// Seals `plaintext` for `place` (e.g. `users.totp_secret:<user id>`).
    pub fn seal(&self, place: &str, plaintext: &[u8]) -> String {
        let nonce_bytes = crate::random_bytes::<24>();
        let nonce = XNonce::from_slice(&nonce_bytes);
        let ciphertext = self
            .cipher
            .encrypt(nonce, Payload { msg: plaintext, aad: place.as_bytes() })
            .expect("XChaCha20-Poly1305 encrypts any message");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        format!("{PREFIX}{}", B64.encode(out))
    }

    /// Opens a value sealed for `place`.
    pub fn open(&self, place: &str, sealed: &str) -> Result<Vec<u8>, VaultError> {
        let bytes = sealed
            .strip_prefix(PREFIX)
            .and_then(|b| B64.decode(b).ok())
            .filter(|b| b.len() > 24)
            .ok_or_else(|| VaultError::Malformed(place.to_owned()))?;
        let (nonce, ciphertext) = bytes.split_at(24);
        self.cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: place.as_bytes() })
            .map_err(|_| VaultError::Forged(place.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_in_its_place() {
        let vault = Vault::new([3; 32]);
        let sealed = vault.seal("users.totp_secret:u1", b"secret");
        assert!(sealed.starts_with("pv1.") && !sealed.contains("secret"));
        assert_eq!(vault.open("users.totp_secret:u1", &sealed).unwrap(), b"secret");
        assert!(matches!(vault.open("users.totp_secret:u2", &sealed), Err(VaultError::Forged(_))));
        assert!(matches!(Vault::new([4; 32]).open("users.totp_secret:u1", &sealed), Err(VaultError::Forged(_))));
        assert!(matches!(vault.open("x", "plain"), Err(VaultError::Malformed(_))));
    }
}
