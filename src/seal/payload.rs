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
    // Fields in the lexicographic order of their JSON names, so that serialising them in
    // declaration order is RFC 8785 canonical (see `jws::Canonical`; tested below).
    /// The check-in's id.
    pub checkin: String,
    /// The event this seal records: `submitted`, `verified`, `flagged`, `resolved`,
    /// `checked_out`, `purged`.
    pub event: String,
    /// The property's jurisdiction (ISO 3166-2).
    pub jurisdiction: String,
    /// For `verified` and `flagged`: the flags (empty when verified). For `resolved`: the
    /// resolution. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<SealOutcome>,
    /// One salted digest per person, in submission order.
    pub persons: Vec<String>,
    /// `base64url(SHA-256(previous compact JWS))` of the previous seal of the same check-in;
    /// absent for the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The property's id.
    pub property: String,
    /// The stay as declared (RFC 3339 with the property's offset).
    pub stay: SealStay,
    /// When the event happened, RFC 3339 in UTC with seconds (`2026-12-01T06:00:00Z`).
    pub time: String,
    /// Payload format version.
    pub v: u32,
}

impl super::jws::Canonical for SealPayload {
    fn canonical(&self) -> Result<Vec<u8>, super::jws::JwsError> {
        serde_json::to_vec(self).map_err(|e| super::jws::JwsError::Canonicalisation(e.to_string()))
    }
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

#[cfg(test)]
mod canonical_tests {
    use super::*;
    use crate::domain::{Flag, FlagReason};
    use crate::seal::jws::Canonical;

    fn payload(text: &str, flags: Vec<Flag>, resolution: Option<String>, prev: Option<String>) -> SealPayload {
        SealPayload {
            checkin: format!("c-{text}"),
            event: text.to_owned(),
            jurisdiction: "ES-M".into(),
            outcome: (!flags.is_empty() || resolution.is_some()).then(|| SealOutcome { flags, resolution }),
            persons: vec![text.to_owned(), "x".into()],
            prev,
            property: "p\u{1}".into(),
            stay: SealStay { check_in: "2026-12-01T13:00:00Z".into(), check_out: text.to_owned() },
            time: "2026-12-01T06:00:00Z".into(),
            v: PAYLOAD_VERSION,
        }
    }

    /// The direct serialisation equals the RFC 8785 canonicaliser's, for strings with quotes,
    /// backslashes, every control character, non-ASCII (BMP and beyond) and every optional part.
    #[test]
    fn the_direct_form_of_a_seal_payload_is_rfc8785_canonical() {
        let mut texts: Vec<String> = (0u32..0x20).map(|c| format!("a{}b", char::from_u32(c).unwrap())).collect();
        texts.extend(["\"q\"", "back\\slash", "/", "\u{7f}", "é", "王芳", "\u{2028}\u{2029}", "😀", "\u{fffd}", ""].map(String::from));
        let all_flags = vec![
            Flag { fields: vec!["birth_date".into(), "family_name".into()], person: 0, reason: FlagReason::IdentityMismatch },
            Flag { fields: vec![], person: 1, reason: FlagReason::DocumentLostOrStolen },
        ];
        for t in &texts {
            for (flags, resolution, prev) in [
                (vec![], None, None),
                (all_flags.clone(), None, Some(t.clone())),
                (vec![], Some(format!("resolved {t}")), Some("h".into())),
            ] {
                let p = payload(t, flags, resolution, prev);
                assert_eq!(p.canonical().unwrap(), serde_json_canonicalizer::to_vec(&p).unwrap(), "{t:?}");
            }
        }
    }

    #[test]
    fn the_direct_form_of_a_header_is_rfc8785_canonical() {
        let mut h: crate::seal::jws::Header = serde_json::from_str(r#"{"alg":"EdDSA","kid":"k\"1"}"#).unwrap();
        assert_eq!(h.canonical().unwrap(), serde_json_canonicalizer::to_vec(&h).unwrap());
        h.typ = Some("hospes-seal+jws".into());
        h.cty = Some("json".into());
        h.iat = Some(1_796_000_000);
        h.x5c = Some(vec!["MIIB".into(), "é".into()]);
        h.x5t_s256 = Some("abc".into());
        assert_eq!(h.canonical().unwrap(), serde_json_canonicalizer::to_vec(&h).unwrap());
    }
}
