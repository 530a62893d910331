//! Standard Webhooks signatures. The signed content is `{webhook-id}.{webhook-timestamp}.{body}`;
//! `webhook-signature` holds space-separated `version,base64(signature)` pairs:
//!
//! - `v1`: HMAC-SHA256 keyed with the endpoint's secret (`whsec_` + base64 of the key bytes);
//! - `v1a`: Ed25519 (RFC 8032) with the service's webhook key, whose public key is published as
//!   `whpk_` + base64 at `/.well-known/webhook-keys`.
//!
//! Base64 is the standard alphabet with padding, as the specification uses.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::Signer;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Prefix of an endpoint's secret.
pub const SECRET_PREFIX: &str = "whsec_";
/// Prefix of the published public key.
pub const PUBLIC_KEY_PREFIX: &str = "whpk_";

/// A new endpoint secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    format!("{SECRET_PREFIX}{}", B64.encode(crate::random_bytes::<32>()))
}

/// The key bytes of a `whsec_` secret.
pub fn secret_bytes(secret: &str) -> Option<Vec<u8>> {
    B64.decode(secret.strip_prefix(SECRET_PREFIX)?).ok()
}

/// The `webhook-signature` header value: `v1,<hmac> v1a,<ed25519>`.
pub fn signature_header(secret: &str, key: &ed25519_dalek::SigningKey, id: &str, timestamp: i64, body: &[u8]) -> Option<String> {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret_bytes(secret)?).ok()?;
    mac.update(&content);
    let v1 = B64.encode(mac.finalize().into_bytes());
    let v1a = B64.encode(key.sign(&content).to_bytes());
    Some(format!("v1,{v1} v1a,{v1a}"))
}

/// The published form of the webhook public key: `whpk_` + base64.
pub fn public_key(key: &ed25519_dalek::SigningKey) -> String {
    format!("{PUBLIC_KEY_PREFIX}{}", B64.encode(key.verifying_key().to_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_matches_the_specification_example() {
        // The example of the Standard Webhooks specification (and its reference libraries).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
        let body = br#"{"test": 2432232314}"#;
        let header = signature_header(secret, &key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert!(header.starts_with("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,"), "{header}");
    }

    #[test]
    fn v1a_verifies_with_the_published_key_and_not_over_another_body() {
        use ed25519_dalek::Verifier;
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let header = signature_header(&new_secret(), &key, "msg_1", 10, b"{}").unwrap();
        let sig = header.split(' ').find_map(|p| p.strip_prefix("v1a,")).unwrap();
        let sig = ed25519_dalek::Signature::from_slice(&B64.decode(sig).unwrap()).unwrap();
        let public = B64.decode(public_key(&key).strip_prefix("whpk_").unwrap()).unwrap();
        let public = ed25519_dalek::VerifyingKey::from_bytes(&public.try_into().unwrap()).unwrap();
        assert!(public.verify(b"msg_1.10.{}", &sig).is_ok());
        assert!(public.verify(b"msg_1.10.{ }", &sig).is_err());
    }
}
