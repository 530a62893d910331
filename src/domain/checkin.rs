//! A check-in: one stay of one or more persons at one property, and its life cycle.
//!
//! States: `submitted → checking → verified | flagged → resolved`, plus `checked_out` and
//! `purged`. Every state except `checking` is recorded by exactly one sealed [`Event`]; `checking`
//! only says that a worker holds the registry-check job and is not sealed.
//!
//! A check-in flagged only because the registry could not be asked (`registry_unavailable`)
//! still awaits its real answer: when an operator requeues its dead-lettered check, the answer is
//! sealed as `verified`, or as `rechecked` with the real flags (see [`awaits_registry`]).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::person::Person;

/// The stay: RFC 3339 date-times with the offset the property's clock showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stay {
    #[schema(value_type = String, format = DateTime, example = "2026-12-01T14:00:00+08:00")]
    pub check_in: DateTime<FixedOffset>,
    #[schema(value_type = String, format = DateTime, example = "2026-12-04T11:00:00+08:00")]
    pub check_out: DateTime<FixedOffset>,
}

/// How to reach the tenant. At least one of the two is required by most profiles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A validated submission, ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub stay: Stay,
    pub persons: Vec<Person>,
    pub contact: Contact,
}

/// The status of a check-in, as shown to its readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckinStatus {
    Submitted,
    Checking,
    Verified,
    Flagged,
    Resolved,
    CheckedOut,
    Purged,
}

impl CheckinStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckinStatus::Submitted => "submitted",
            CheckinStatus::Checking => "checking",
            CheckinStatus::Verified => "verified",
            CheckinStatus::Flagged => "flagged",
            CheckinStatus::Resolved => "resolved",
            CheckinStatus::CheckedOut => "checked_out",
            CheckinStatus::Purged => "purged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "submitted" => CheckinStatus::Submitted,
            "checking" => CheckinStatus::Checking,
            "verified" => CheckinStatus::Verified,
            "flagged" => CheckinStatus::Flagged,
            "resolved" => CheckinStatus::Resolved,
            "checked_out" => CheckinStatus::CheckedOut,
            "purged" => CheckinStatus::Purged,
            _ => return None,
        })
    }

    /// Whether the registry check is still to come for a check-in in this state.
    pub fn awaits_registry(self) -> bool {
        matches!(self, CheckinStatus::Submitted | CheckinStatus::Checking)
    }

    /// The state reached by recording `event` in this state, or why that is not allowed.
    pub fn apply(self, event: Event) -> Result<CheckinStatus, TransitionError> {
        use CheckinStatus as S;
        let next = match (self, event) {
            (S::Submitted | S::Checking, Event::Verified) => S::Verified,
            (S::Submitted | S::Checking, Event::Flagged) => S::Flagged,
            // Only for a check-in whose flags are all `registry_unavailable` (see
            // `awaits_registry`); the caller checks that, and the store compares the flags.
            (S::Flagged, Event::Verified) => S::Verified,
            (S::Flagged, Event::Rechecked) => S::Flagged,
            (S::Flagged, Event::Resolved) => S::Resolved,
            // A flagged check-in checked out before review is still reviewed; it stays checked
            // out (see `review::needs_review`).
            (S::CheckedOut, Event::Resolved) => S::CheckedOut,
            (S::Verified | S::Flagged | S::Resolved, Event::CheckedOut) => S::CheckedOut,
            (s, Event::Purged) if s != S::Purged => S::Purged,
            (from, event) => return Err(TransitionError { from, event }),
        };
        Ok(next)
    }
}

/// A sealed event: the state a seal records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    Submitted,
    Verified,
    Flagged,
    Resolved,
    CheckedOut,
    Purged,
    /// The registry's real answer for a check-in that had been flagged `registry_unavailable`,
    /// when that answer is a flag too.
    Rechecked,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Submitted => "submitted",
            Event::Verified => "verified",
            Event::Flagged => "flagged",
            Event::Resolved => "resolved",
            Event::CheckedOut => "checked_out",
            Event::Purged => "purged",
            Event::Rechecked => "rechecked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "submitted" => Event::Submitted,
            "verified" => Event::Verified,
            "flagged" => Event::Flagged,
            "resolved" => Event::Resolved,
            "checked_out" => Event::CheckedOut,
            "purged" => Event::Purged,
            "rechecked" => Event::Rechecked,
            _ => return None,
        })
    }
}

/// Whether a check-in in `status` with `flags` still awaits the registry's answer: it was never
/// checked, or it was flagged only because the registry could not be asked.
pub fn awaits_registry(status: CheckinStatus, flags: &[super::Flag]) -> bool {
    status.awaits_registry()
        || (status == CheckinStatus::Flagged
            && !flags.is_empty()
            && flags.iter().all(|f| f.reason == super::FlagReason::RegistryUnavailable))
}

/// An event that the current state does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a check-in that is {} cannot become {}", from.as_str(), event.as_str())]
pub struct TransitionError {
    pub from: CheckinStatus,
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_outcomes_only_follow_submission() {
        assert_eq!(CheckinStatus::Submitted.apply(Event::Verified), Ok(CheckinStatus::Verified));
        assert_eq!(CheckinStatus::Checking.apply(Event::Flagged), Ok(CheckinStatus::Flagged));
        assert!(CheckinStatus::Verified.apply(Event::Flagged).is_err());
        assert!(CheckinStatus::Verified.apply(Event::Resolved).is_err());
        assert_eq!(CheckinStatus::Flagged.apply(Event::Resolved), Ok(CheckinStatus::Resolved));
    }

    #[test]
    fn only_a_registry_outage_flag_awaits_a_recheck() {
        use crate::domain::{Flag, FlagReason};
        let outage = [Flag { person: 0, reason: FlagReason::RegistryUnavailable, fields: vec![] }];
        let mismatch = [Flag { person: 0, reason: FlagReason::IdentityMismatch, fields: vec![] }];
        assert!(awaits_registry(CheckinStatus::Submitted, &[]));
        assert!(awaits_registry(CheckinStatus::Flagged, &outage));
        assert!(!awaits_registry(CheckinStatus::Flagged, &mismatch));
        assert!(!awaits_registry(CheckinStatus::Flagged, &[outage[0].clone(), mismatch[0].clone()]));
        assert!(!awaits_registry(CheckinStatus::Verified, &[]));
    }

    #[test]
    fn purged_is_final() {
        assert_eq!(CheckinStatus::Verified.apply(Event::Purged), Ok(CheckinStatus::Purged));
        for e in [Event::Verified, Event::Flagged, Event::CheckedOut, Event::Purged, Event::Rechecked] {
            assert!(CheckinStatus::Purged.apply(e).is_err());
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in [
            CheckinStatus::Submitted,
            CheckinStatus::Checking,
            CheckinStatus::Verified,
            CheckinStatus::Flagged,
            CheckinStatus::Resolved,
            CheckinStatus::CheckedOut,
            CheckinStatus::Purged,
        ] {
            assert_eq!(CheckinStatus::parse(s.as_str()), Some(s));
        }
    }
}
