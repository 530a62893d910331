//! The second factor: TOTP (RFC 6238: HMAC-SHA-1, 6 digits, 30-second steps, one step of clock
//! skew either way) through `totp-rs`, recovery codes, and enrolment links.
//!
//! - The secret (160 bits) is shown once, during enrolment, as an `otpauth://` QR code and as
//!   base32 text; it is stored sealed (see [`super::vault`]) and never shown again.
//! - A code is accepted once: the store keeps the last accepted time step per account and
//!   accepts only a later one (RFC 6238 §5.2), atomically, so a replayed code fails on any
//!   instance.
//! - Ten recovery codes of 80 random bits (16 Crockford base32 characters), each stored as
//!   `SHA-256(salt ‖ code)` with its own 32-bit salt (ASVS V2.6.2); each works once.
//! - An admin enrols (or re-enrols) an account by handing out a one-time link valid for
//!   [`ENROLMENT_TTL`]; the link alone is not enough: the page asks for the account's password
//!   (or has the officer choose one, for an account created without).

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Builder, Secret, Totp};

use crate::app::App;
use crate::store::{StoreError, User};

/// How long an enrolment link stays valid.
pub const ENROLMENT_TTL: chrono::Duration = chrono::Duration::hours(72);
/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "hospes";
/// Recovery codes per enrolment.
pub const RECOVERY_CODES: usize = 10;

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new TOTP secret (160 bits, RFC 4226 §4's recommendation).
pub fn new_secret() -> [u8; 20] {
    crate::random_bytes::<20>()
}

fn totp(secret: &[u8], account: &str) -> Totp {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(Secret::new(secret.to_vec().into_boxed_slice()))
        .with_account_name(account.replace(':', ""))
        .with_issuer(Some(ISSUER))
        .build()
        .expect("a 160-bit secret with RFC 6238 parameters is valid")
}

/// The `otpauth://totp/...` URL an authenticator app reads from the enrolment QR code.
pub fn otpauth_url(secret: &[u8], account: &str) -> String {
    totp(secret, account).to_url().expect("the account name is set")
}

/// The secret as base32 text (RFC 4648), for typing into an app.
pub fn base32(secret: &[u8]) -> String {
    Secret::new(secret.to_vec().into_boxed_slice()).to_base32()
}

/// The code at `unix` seconds (tests and the browser test compute codes with it).
pub fn code_at(secret: &[u8], unix: u64) -> String {
    totp(secret, "x").generate(unix).to_string()
}

/// The time step a code matches at `now` (within one step of skew), if any.
pub fn matching_step(secret: &[u8], code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp(secret, "x").check(&code, now.timestamp().max(0) as u64).map(|s| s as i64)
}

/// Whether a submitted second factor looks like a TOTP code (else it is tried as a recovery
/// code).
pub fn looks_like_totp(code: &str) -> bool {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// New recovery codes, formatted `XXXX-XXXX-XXXX-XXXX`.
pub fn new_recovery_codes() -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let bytes = crate::random_bytes::<10>();
            let mut bits: u128 = 0;
            for b in bytes {
                bits = (bits << 8) | u128::from(b);
            }
            let chars: Vec<char> = (0..16).rev().map(|i| CROCKFORD[((bits >> (i * 5)) & 31) as usize] as char).collect();
            chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
        })
        .collect()
}

/// A recovery code as typed, normalised: upper case, no separators, Crockford's look-alikes
/// (`O` → `0`, `I`/`L` → `1`).
pub fn normalise_recovery_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// `SHA-256(salt ‖ normalised code)`.
pub fn recovery_hash(salt: &[u8], code: &str) -> Vec<u8> {
    Sha256::new().chain_update(salt).chain_update(normalise_recovery_code(code).as_bytes()).finalize().to_vec()
}

/// `(salt, hash)` of each code, for storing.
pub fn hash_recovery_codes(codes: &[String]) -> Vec<(Vec<u8>, Vec<u8>)> {
    codes
        .iter()
        .map(|c| {
            let salt = crate::random_bytes::<4>().to_vec();
            let hash = recovery_hash(&salt, c);
            (salt, hash)
        })
        .collect()
}

fn secret_place(user_id: &str) -> String {
    format!("users.totp_secret:{user_id}")
}

fn enrolment_place(user_id: &str) -> String {
    format!("factor_enrolments.pending_secret:{user_id}")
}

/// The outcome of checking a second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorCheck {
    /// A fresh TOTP code.
    Accepted,
    /// An unused recovery code (now used).
    RecoveryCodeUsed,
    /// Wrong, or a code already used.
    Rejected,
    /// The account has no second factor yet.
    NotEnrolled,
}

/// Checks a TOTP code or a recovery code for `user` at the app's time, and consumes it.
pub async fn check(app: &App, user: &User, code: &str) -> Result<FactorCheck, StoreError> {
    let Some(sealed) = &user.totp_secret else { return Ok(FactorCheck::NotEnrolled) };
    if looks_like_totp(code) {
        let secret = app.vault.open(&secret_place(&user.id), sealed).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let Some(step) = matching_step(&secret, code, app.now()) else { return Ok(FactorCheck::Rejected) };
        return Ok(if app.store.accept_totp_step(&user.id, step).await? { FactorCheck::Accepted } else { FactorCheck::Rejected });
    }
    for stored in app.store.recovery_codes(&user.id).await? {
        let hash = recovery_hash(&stored.salt, code);
        if constant_time_eq(&hash, &stored.hash) {
            if app.store.use_recovery_code(stored.id, app.now()).await? {
                return Ok(FactorCheck::RecoveryCodeUsed);
            }
            return Ok(FactorCheck::Rejected);
        }
    }
    Ok(FactorCheck::Rejected)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Issues a one-time enrolment link for `user_id` (replacing any earlier one); returns its URL.
pub async fn issue_enrolment(app: &App, user_id: &str) -> Result<String, StoreError> {
    let token = crate::http::auth::new_token("hen_");
    let now = app.now();
    app.store.create_enrolment(&crate::http::auth::token_hash(&token), user_id, now, now + ENROLMENT_TTL).await?;
    Ok(format!("{}/police/enrol/{token}", app.public_url))
}

/// What the enrolment page shows after the password step.
#[derive(Debug, Clone)]
pub struct Offer {
    pub otpauth_url: String,
    pub base32: String,
    pub qr_svg: String,
}

/// The secret offered for an enrolment (made on first call, the same afterwards).
pub async fn offer(app: &App, token: &str, user: &User, pending: Option<&str>) -> Result<Offer, StoreError> {
    let place = enrolment_place(&user.id);
    let secret = match pending.map(|p| app.vault.open(&place, p)) {
        Some(Ok(secret)) => secret,
        _ => {
            let secret = new_secret().to_vec();
            app.store.set_enrolment_secret(&crate::http::auth::token_hash(token), &app.vault.seal(&place, &secret)).await?;
            secret
        }
    };
    let url = otpauth_url(&secret, &user.email);
    Ok(Offer { qr_svg: crate::qr::render::svg(&url), base32: base32(&secret), otpauth_url: url })
}

/// Why an enrolment could not be confirmed.
#[derive(Debug, thiserror::Error)]
pub enum EnrolError {
    #[error("the link is not valid (used, expired or replaced)")]
    LinkInvalid,
    #[error("the code does not match; check the time on the phone and try the next code")]
    WrongCode,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Confirms an enrolment with a code from the app: binds the secret, issues recovery codes
/// (returned, shown once) and ends the account's sessions.
pub async fn confirm(app: &App, token: &str, user: &User, pending: Option<&str>, code: &str) -> Result<Vec<String>, EnrolError> {
    let pending = pending.ok_or(EnrolError::LinkInvalid)?;
    let secret = app.vault.open(&enrolment_place(&user.id), pending).map_err(|_| EnrolError::LinkInvalid)?;
    let now = app.now();
    let step = matching_step(&secret, code, now).ok_or(EnrolError::WrongCode)?;
    let codes = new_recovery_codes();
    let completed = crate::store::CompletedEnrolment {
        token_hash: crate::http::auth::token_hash(token),
        user_id: user.id.clone(),
        secret: app.vault.seal(&secret_place(&user.id), &secret),
        step,
        recovery_codes: hash_recovery_codes(&codes),
        now,
    };
    if !app.store.complete_enrolment(&completed).await? {
        return Err(EnrolError::LinkInvalid);
    }
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_appendix_b_sha1_vectors() {
        // RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890", 8-digit codes; the
        // 6-digit codes are their last six digits.
        let secret = b"12345678901234567890";
        for (t, code) in [(59u64, "287082"), (1_111_111_109, "081804"), (1_234_567_890, "005924"), (2_000_000_000, "279037")] {
            assert_eq!(code_at(secret, t), code, "T = {t}");
        }
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let code = code_at(&secret, 1_800_000_000);
        assert_eq!(matching_step(&secret, &code, now), Some(1_800_000_000 / 30));
        assert!(matching_step(&secret, &code, now + chrono::Duration::seconds(30)).is_some());
        assert!(matching_step(&secret, &code, now + chrono::Duration::seconds(90)).is_none());
        assert!(matching_step(&secret, "12345", now).is_none());
    }

    #[test]
    fn recovery_codes_are_random_and_verify_as_typed() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes[0].len(), 19);
        assert_ne!(codes[0], codes[1]);
        let stored = hash_recovery_codes(&codes);
        let typed = codes[3].to_lowercase().replace('-', " ").replace('0', "o");
        assert_eq!(recovery_hash(&stored[3].0, &typed), stored[3].1);
        assert!(!looks_like_totp(&codes[3]));
        assert!(looks_like_totp("123 456"));
    }

    #[test]
    fn the_otpauth_url_names_the_issuer_and_account() {
        let url = otpauth_url(&[1; 20], "officer@example.com");
        assert!(url.starts_with("otpauth://totp/hospes:officer%40example.com?"), "{url}");
        assert!(url.contains("issuer=hospes"));
    }
}
