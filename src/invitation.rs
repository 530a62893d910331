//! Invitations: the signed, expiring token in a property's check-in QR code.
//!
//! The token is 53 base32 characters (RFC 4648 §6, upper case, no padding) of 33 bytes:
//! `0x03 || property id (16-byte UUID) || invitation epoch (u16, big-endian) || expiry (u16, days
//! since the Unix epoch, big-endian; it ends at that day's midnight UTC) || HMAC-SHA256(secret,
//! the 21 bytes before)[..12]`.
//!
//! Short and upper case on purpose: the QR code holds `HTTPS://HOST/I/<TOKEN>`, which is all in
//! the QR alphanumeric set (ISO/IEC 18004 §7.4.4, 5.5 bits a character), so a door sign's code is
//! a version-4 code that every decoder reads from a tilted, blurred photo. Host names are
//! case-insensitive and hospes routes `/I/` like `/i/`; tokens are read in any case. The 96-bit
//! tag is verified in constant time; the token is opaque to its holder and carries no personal
//! data. Raising a property's invitation epoch revokes every invitation issued before.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const VERSION: u8 = 3;
const BODY: usize = 1 + 16 + 2 + 2;
const TAG: usize = 12;
const DAY: i64 = 86_400;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationClaims {
    /// Property id.
    pub p: String,
    /// Invitation epoch of the property when issued.
    pub e: i64,
    /// Expiry, seconds since the Unix epoch.
    pub x: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationError {
    #[error("the invitation is not one this service issued")]
    Invalid,
    #[error("the invitation has expired")]
    Expired,
}

#[derive(Clone)]
pub struct InvitationSigner {
    secret: [u8; 32],
}

impl std::fmt::Debug for InvitationSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InvitationSigner(***)")
    }
}

impl InvitationSigner {
    pub fn new(secret: [u8; 32]) -> Self {
        InvitationSigner { secret }
    }

    fn mac(&self, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        mac.update(body);
        mac
    }

    /// Signs a pre-session form token (the sign-in pages' double-submit token), domain-separated
    /// from invitations: `random.tag`, the tag an HMAC-SHA256 over a label and the random part, so
    /// that a cookie someone planted with a value of their choosing does not pass (OWASP's
    /// signed double-submit cookie).
    pub fn sign_form_token(&self, random: &str) -> String {
        let tag = self.mac(format!("hospes form token\0{random}").as_bytes()).finalize().into_bytes();
        format!("{random}.{}", hex::encode(&tag[..16]))
    }

    /// Whether a form token is one [`Self::sign_form_token`] made (constant-time tag check).
    pub fn verify_form_token(&self, token: &str) -> bool {
        let Some((random, tag)) = token.rsplit_once('.') else { return false };
        let Ok(tag) = hex::decode(tag) else { return false };
        self.mac(format!("hospes form token\0{random}").as_bytes()).verify_truncated_left(&tag).is_ok() && tag.len() == 16
    }

    /// Issues a token. Property ids are UUIDs; the epoch fits 16 bits (a property that revoked
    /// its invitations 65 535 times keeps the last epoch); the expiry is rounded up to a whole day.
    pub fn issue(&self, claims: &InvitationClaims) -> String {
        let id = uuid::Uuid::parse_str(&claims.p).expect("property ids are UUIDs");
        let days = (claims.x + DAY - 1).div_euclid(DAY);
        let mut bytes = Vec::with_capacity(BODY + TAG);
        bytes.push(VERSION);
        bytes.extend_from_slice(id.as_bytes());
        bytes.extend_from_slice(&u16::try_from(claims.e).unwrap_or(u16::MAX).to_be_bytes());
        bytes.extend_from_slice(&u16::try_from(days).unwrap_or(u16::MAX).to_be_bytes());
        let tag = self.mac(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag[..TAG]);
        BASE32_NOPAD.encode(&bytes)
    }

    /// Verifies the token's tag and expiry at `now` (Unix seconds). The caller still checks the
    /// epoch against the property.
    pub fn verify(&self, token: &str, now: i64) -> Result<InvitationClaims, InvitationError> {
        let bytes = BASE32_NOPAD.decode(token.trim().to_ascii_uppercase().as_bytes()).map_err(|_| InvitationError::Invalid)?;
        if bytes.len() != BODY + TAG || bytes[0] != VERSION {
            return Err(InvitationError::Invalid);
        }
        let (body, tag) = bytes.split_at(BODY);
        self.mac(body).verify_truncated_left(tag).map_err(|_| InvitationError::Invalid)?;
        let id = uuid::Uuid::from_slice(&body[1..17]).map_err(|_| InvitationError::Invalid)?;
        let word = |at: usize| i64::from(u16::from_be_bytes([body[at], body[at + 1]]));
        let claims = InvitationClaims { p: id.to_string(), e: word(17), x: word(19) * DAY };
        if now >= claims.x {
            return Err(InvitationError::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitations_verify_until_they_expire_and_never_when_forged() {
        let signer = InvitationSigner::new([1; 32]);
        let claims = InvitationClaims { p: "01a227e6-91a5-770c-aac3-ff9900466082".into(), e: 3, x: 20_000 * DAY };
        let token = signer.issue(&claims);
        assert_eq!(token.len(), 53);
        assert_eq!(signer.verify(&token, 20_000 * DAY - 1), Ok(claims.clone()));
        assert_eq!(signer.verify(&token.to_lowercase(), 1), Ok(claims), "read in any case");
        assert_eq!(signer.verify(&token, 20_000 * DAY), Err(InvitationError::Expired));
        let partial = signer.issue(&InvitationClaims { x: 20_000 * DAY + 5, ..signer.verify(&token, 1).unwrap() });
        assert_eq!(signer.verify(&partial, 1).unwrap().x, 20_001 * DAY, "expiry rounds up to a whole day");
        assert_eq!(InvitationSigner::new([2; 32]).verify(&token, 1), Err(InvitationError::Invalid));
        for i in 0..token.len() {
            let mut forged = token.clone().into_bytes();
            forged[i] = if forged[i] == b'A' { b'B' } else { b'A' };
            let forged = String::from_utf8(forged).unwrap();
            assert!(signer.verify(&forged, 1).is_err(), "changed character {i} still verifies");
        }
        assert_eq!(signer.verify("garbage", 1), Err(InvitationError::Invalid));
    }
}
