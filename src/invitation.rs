//! Invitations: the signed, expiring token in a property's check-in QR code.
//!
//! Format: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "v1." || claims))>` with
//! claims `{"p": property id, "e": invitation epoch, "x": expiry (Unix seconds)}`. The token is
//! opaque to its holder, carries no personal data, and is verified in constant time. Raising a
//! property's invitation epoch revokes every invitation issued before.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const VERSION: &str = "v1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length")
    }

    pub fn issue(&self, claims: &InvitationClaims) -> String {
        let body = format!("{VERSION}.{}", B64.encode(serde_json::to_vec(claims).expect("claims serialise")));
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        format!("{body}.{}", B64.encode(mac.finalize().into_bytes()))
    }

    /// Verifies the token's signature and expiry at `now` (Unix seconds). The caller still checks
    /// the epoch against the property.
    pub fn verify(&self, token: &str, now: i64) -> Result<InvitationClaims, InvitationError> {
        let (body, tag) = token.rsplit_once('.').ok_or(InvitationError::Invalid)?;
        let (version, claims) = body.split_once('.').ok_or(InvitationError::Invalid)?;
        if version != VERSION {
            return Err(InvitationError::Invalid);
        }
        let tag = B64.decode(tag).map_err(|_| InvitationError::Invalid)?;
        let mut mac = self.mac();
        mac.update(body.as_bytes());
        mac.verify_slice(&tag).map_err(|_| InvitationError::Invalid)?;
        let claims: InvitationClaims =
            serde_json::from_slice(&B64.decode(claims).map_err(|_| InvitationError::Invalid)?)
                .map_err(|_| InvitationError::Invalid)?;
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
        let claims = InvitationClaims { p: "prop".into(), e: 0, x: 100 };
        let token = signer.issue(&claims);
        assert_eq!(signer.verify(&token, 99), Ok(claims));
        assert_eq!(signer.verify(&token, 100), Err(InvitationError::Expired));
        assert_eq!(InvitationSigner::new([2; 32]).verify(&token, 1), Err(InvitationError::Invalid));
        let mut forged = token.clone();
        forged.insert(5, 'A');
        assert_eq!(signer.verify(&forged, 1), Err(InvitationError::Invalid));
        assert_eq!(signer.verify("garbage", 1), Err(InvitationError::Invalid));
    }
}
