//! The payload of a seal: what one event of one check-in says, with no plain personal data.
//!
//! Canonical JSON (RFC 8785) of [`SealPayload`]; integers and strings only, no floating point.
//! Persons appear as salted digests: `base64url(SHA-256(salt || JCS(person)))`, with a random
//! salt per check-in kept beside the record (and erased with it on purge), so a receipt shown to
//! anyone leaks nothing, while the holder of the record and its salt can prove it was sealed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::{Flag, Person, Stay};

/// Version of the payload format.
pub const PAYLOAD_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealPayload {
    /// Payload format version.
    pub v: u32,
    /// The check-in's id.
    pub checkin: String,
    /// The event this seal records: `submitted`, `verified`, `flagged`, `resolved`,
    /// `checked_out`, `purged`.
    pub event: String,
    /// When the event happened, RFC 3339 in UTC with seconds (`2026-12-01T06:00:00Z`).
    pub time: String,
    /// The property's id.
    pub property: String,
    /// The property's jurisdiction (ISO 3166-2).
    pub jurisdiction: String,
    /// The stay as declared (RFC 3339 with the property's offset).
    pub stay: SealStay,
    /// One salted digest per person, in submission order.
    pub persons: Vec<String>,
    /// For `verified` and `flagged`: the flags (empty when verified). For `resolved`: the
    /// resolution. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<SealOutcome>,
    /// `base64url(SHA-256(previous compact JWS))` of the previous seal of the same check-in;
    /// absent for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealStay {
    pub check_in: String,
    pub check_out: String,
}

impl From<&Stay> for SealStay {
    fn from(stay: &Stay) -> Self {
        SealStay {
            check_in: stay.check_in.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            check_out: stay.check_out.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealOutcome {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
}

/// The salted digest of one person's declared data (see the module documentation).
pub fn person_digest(salt: &[u8], person: &Person) -> String {
    let canonical = serde_json_canonicalizer::to_vec(person).expect("a person serialises");
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(&canonical);
    B64.encode(hasher.finalize())
}

/// Formats a time the way seals do: RFC 3339, UTC, whole seconds.
pub fn seal_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
