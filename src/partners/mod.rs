//! Partner systems: their API keys (prefixed, shown once, stored as SHA-256, scoped, bound to
//! jurisdictions, revocable) and the per-key rate limits. The HTTP side is in
//! [`crate::http::partner`]; webhooks in [`crate::webhooks`].
//!
//! A key is `hsk_live_` followed by 32 random bytes in base64url: high-entropy secrets need no
//! slow hash, so SHA-256 is what is stored (as for session tokens), and the prefix makes a leaked
//! key recognisable by secret scanners.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::domain::FieldError;
use crate::store::{Partner, PartnerKey};

pub mod cli;

/// Every API key starts with this.
pub const KEY_PREFIX: &str = "hsk_live_";

/// The scopes a key can hold.
pub const SCOPES: &[&str] = &["checkins:write", "checkins:read", "webhooks:manage", "seals:read"];

/// The file in the keys directory holding the seed of the webhook Ed25519 key (32 bytes,
/// base64url; generated in development).
pub const WEBHOOK_KEY_FILE: &str = "webhook.secret";

/// Requests a minute a key may make unless its creator says otherwise.
pub const DEFAULT_RATE_PER_MINUTE: i64 = 600;

/// A key just created: the key itself (shown once) and what is stored of it.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub key: String,
    pub record: PartnerKey,
}

/// A new partner named `name`.
pub fn new_partner(name: &str, now: DateTime<Utc>) -> Result<Partner, FieldError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(FieldError::new("name", "length", "give a name of 1 to 200 characters"));
    }
    Ok(Partner { id: uuid::Uuid::now_v7().to_string(), name: name.to_owned(), created_at: now })
}

/// A new key for `partner_id`, after checking its scopes (known, at least one), jurisdictions
/// (ISO 3166-2, at least one) and rate (1 to 100 000 a minute).
pub fn new_key(
    partner_id: &str,
    scopes: &[String],
    jurisdictions: &[String],
    rate_per_minute: i64,
    now: DateTime<Utc>,
) -> Result<NewKey, Vec<FieldError>> {
    let mut errors = Vec::new();
    if scopes.is_empty() {
        errors.push(FieldError::new("scopes", "required", "give at least one scope"));
    }
    for (i, s) in scopes.iter().enumerate() {
        if !SCOPES.contains(&s.as_str()) {
            errors.push(FieldError::new(format!("scopes[{i}]"), "unknown", format!("not one of {}", SCOPES.join(", "))));
        }
    }
    if jurisdictions.is_empty() {
        errors.push(FieldError::new("jurisdictions", "required", "give at least one jurisdiction (ISO 3166-2)"));
    }
    for (i, j) in jurisdictions.iter().enumerate() {
        if !is_subdivision_code(j) {
            errors.push(FieldError::new(format!("jurisdictions[{i}]"), "format", "an ISO 3166-2 code such as ES-M"));
        }
    }
    if !(1..=100_000).contains(&rate_per_minute) {
        errors.push(FieldError::new("rate_per_minute", "range", "from 1 to 100000"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let key = crate::http::auth::new_token(KEY_PREFIX);
    let mut scopes = scopes.to_vec();
    scopes.sort();
    scopes.dedup();
    let record = PartnerKey {
        id: uuid::Uuid::now_v7().to_string(),
        partner_id: partner_id.to_owned(),
        prefix: key[..KEY_PREFIX.len() + 4].to_owned(),
        key_hash: crate::http::auth::token_hash(&key),
        scopes,
        jurisdictions: jurisdictions.iter().map(|j| j.to_uppercase()).collect(),
        rate_per_minute,
        created_at: now,
        revoked_at: None,
        last_used_at: None,
    };
    Ok(NewKey { key, record })
}

/// `CC-SUB`: two ASCII letters, a hyphen, one to three ASCII letters or digits (ISO 3166-2).
fn is_subdivision_code(s: &str) -> bool {
    let Some((country, sub)) = s.split_once('-') else { return false };
    country.len() == 2
        && country.chars().all(|c| c.is_ascii_alphabetic())
        && (1..=3).contains(&sub.len())
        && sub.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Per-key token buckets (GCRA, the `governor` crate): a key may make `rate_per_minute`
/// requests at once, refilled evenly over a minute. In memory, per instance: several instances
/// each allow the full rate.
#[derive(Default)]
pub struct RateLimits {
    limiters: Mutex<HashMap<String, (i64, Arc<DefaultDirectRateLimiter>)>>,
}

impl RateLimits {
    /// Takes one request from the key's bucket, or says how long until one is free.
    pub fn check(&self, key: &PartnerKey) -> Result<(), Duration> {
        let limiter = {
            let mut map = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
            let entry = map.entry(key.id.clone()).or_insert_with(|| (key.rate_per_minute, Arc::new(limiter(key.rate_per_minute))));
            if entry.0 != key.rate_per_minute {
                *entry = (key.rate_per_minute, Arc::new(limiter(key.rate_per_minute)));
            }
            entry.1.clone()
        };
        limiter.check().map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

fn limiter(rate_per_minute: i64) -> DefaultDirectRateLimiter {
    let n = NonZeroU32::new(rate_per_minute.clamp(1, u32::MAX as i64) as u32).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_minute(n))
}

/// What the partner interface needs at run time.
pub struct Partners {
    pub limits: RateLimits,
    /// Signs webhooks (`v1a`, Ed25519); its public key is published at
    /// `/.well-known/webhook-keys`.
    pub webhook_key: ed25519_dalek::SigningKey,
    /// Deliver webhooks to private, loopback and link-local addresses (tests; never production).
    pub allow_private_webhooks: bool,
}

impl Partners {
    pub fn new(webhook_seed: [u8; 32], allow_private_webhooks: bool) -> Partners {
        Partners {
            limits: RateLimits::default(),
            webhook_key: ed25519_dalek::SigningKey::from_bytes(&webhook_seed),
            allow_private_webhooks,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_random_and_stored_as_their_hash() {
        let now = Utc::now();
        let scopes = vec!["checkins:read".to_owned()];
        let k = new_key("p", &scopes, &["ES-M".into()], 10, now).unwrap();
        assert!(k.key.starts_with("hsk_live_") && k.key.len() > 50);
        assert_eq!(k.record.prefix, k.key[..13]);
        assert_eq!(k.record.key_hash, crate::http::auth::token_hash(&k.key));
        assert_ne!(k.key, new_key("p", &scopes, &["ES-M".into()], 10, now).unwrap().key);
    }

    #[test]
    fn bad_scopes_jurisdictions_and_rates_name_their_field() {
        let errors = new_key("p", &["root".into()], &["Madrid".into()], 0, Utc::now()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["scopes[0]", "jurisdictions[0]", "rate_per_minute"]);
    }

    #[test]
    fn a_key_past_its_rate_waits() {
        let limits = RateLimits::default();
        let k = new_key("p", &["checkins:read".into()], &["ES-M".into()], 2, Utc::now()).unwrap().record;
        assert!(limits.check(&k).is_ok());
        assert!(limits.check(&k).is_ok());
        let wait = limits.check(&k).unwrap_err();
        assert!(wait > Duration::from_secs(1) && wait <= Duration::from_secs(30), "{wait:?}");
    }
}
