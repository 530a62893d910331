//! Authentication: opaque bearer tokens (stored only as SHA-256 hashes), argon2id password
//! hashes, and the extractors that turn a request into a signed-in user.
//!
//! A token reaches the API as `Authorization: Bearer <token>` and the pages as the `hospes_session`
//! cookie (`HttpOnly`, `SameSite=Strict`, `Secure` behind TLS).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::app::App;
use crate::store::{Role, User};

pub const SESSION_COOKIE: &str = "hospes_session";

/// A new random token: `prefix` followed by 32 random bytes in base64url (a leaked token is
/// recognisable by its prefix).
pub fn new_token(prefix: &str) -> String {
    format!("{prefix}{}", B64.encode(crate::random_bytes::<32>()))
}

/// What is stored of a token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// argon2id with m = 19 MiB, t = 2, p = 1: the OWASP ASVS floor.
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"))
}

/// Hashes a password as a PHC string.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::encode_b64(&crate::random_bytes::<16>()).expect("16 bytes make a salt");
    argon2().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

/// Checks a password against a PHC hash in constant time.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that the answer takes as long
/// and reveals nothing.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password"))
}

/// The token a request carries, from the `Authorization` header or the session cookie.
pub fn request_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        if let Some(token) = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer ")) {
            return Some(token.trim().to_owned());
        }
    }
    cookie(parts, SESSION_COOKIE)
}

/// The value of cookie `name`.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// A signed-in user (any role). Rejects with `401 unauthorized`.
pub struct Authenticated(pub User);

impl FromRequestParts<App> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        match MaybeAuthenticated::from_request_parts(parts, app).await? {
            MaybeAuthenticated(Some(user)) => Ok(Authenticated(user)),
            // A token was given and is not a live session (RFC 6750 §3.1 `invalid_token`).
            MaybeAuthenticated(None) if parts.headers.contains_key(header::AUTHORIZATION) => Err(ApiError::InvalidToken),
            MaybeAuthenticated(None) => Err(ApiError::Unauthorized),
        }
    }
}

/// A signed-in landlord. Other roles get `404`: the landlord's routes do not exist for them, and
/// the answer says nothing about what is there.
pub struct Landlord(pub User);

impl FromRequestParts<App> for Landlord {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let Authenticated(user) = Authenticated::from_request_parts(parts, app).await?;
        if user.role == Role::Landlord { Ok(Landlord(user)) } else { Err(ApiError::NotFound) }
    }
}

/// The user of the bearer token in `Authorization` (never the cookie: the police and admin API
/// takes no ambient credentials, so no cross-site request can use it).
async fn bearer_user(parts: &Parts, app: &App) -> Result<User, ApiError> {
    let token = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .ok_or(ApiError::Unauthorized)?;
    app.store.session_user(&token_hash(token), app.now()).await?.ok_or(ApiError::InvalidToken)
}

/// A signed-in police officer (bearer token). Other roles get `404`.
pub struct Officer(pub User);

impl FromRequestParts<App> for Officer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let user = bearer_user(parts, app).await?;
        if user.role == Role::Police { Ok(Officer(user)) } else { Err(ApiError::NotFound) }
    }
}

/// The signed-in user, if any.
pub struct MaybeAuthenticated(pub Option<User>);

impl FromRequestParts<App> for MaybeAuthenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let Some(token) = request_token(parts) else { return Ok(MaybeAuthenticated(None)) };
        let user = app.store.session_user(&token_hash(&token), app.now()).await?;
        Ok(MaybeAuthenticated(user))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_at_the_asvs_floor_and_verify() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong horse", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_prefixed_and_random() {
        let a = new_token("hsp_");
        assert!(a.starts_with("hsp_") && a.len() > 40);
        assert_ne!(a, new_token("hsp_"));
        assert_eq!(token_hash(&a).len(), 32);
    }
}
