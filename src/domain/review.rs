//! Police review: which check-ins await it, the reasons an officer may give for opening one, and
//! the resolutions. Pure code.

use serde::{Deserialize, Serialize};

use super::{CheckinStatus, Flag};

/// Whether a check-in awaits police review: it was flagged (and still carries its flags) and no
/// resolution was sealed. A flagged check-in that was checked out before anyone reviewed it still
/// awaits review: leaving does not clear a stolen document. A purged one does not (nothing is left
/// to review).
pub fn needs_review(status: CheckinStatus, flags: &[Flag], resolved: bool) -> bool {
    !resolved && !flags.is_empty() && matches!(status, CheckinStatus::Flagged | CheckinStatus::CheckedOut)
}

/// An officer's decision about a flagged check-in, sealed as `outcome.resolution` of the
/// `resolved` seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The flag was a false alarm (a typo, a transliteration, a registry outage).
    Cleared,
    /// The problem is real (e.g. the document is indeed reported stolen).
    Confirmed,
    /// Someone must act on it.
    NeedsFollowUp,
}

impl Resolution {
    pub const ALL: [Resolution; 3] = [Resolution::Cleared, Resolution::Confirmed, Resolution::NeedsFollowUp];

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Cleared => "cleared",
            Resolution::Confirmed => "confirmed",
            Resolution::NeedsFollowUp => "needs_follow_up",
        }
    }

    pub fn parse(s: &str) -> Option<Resolution> {
        Resolution::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Resolution::Cleared => "Cleared",
            Resolution::Confirmed => "Confirmed",
            Resolution::NeedsFollowUp => "Needs follow-up",
        }
    }
}

/// Why an officer opens a check-in: the short list (with free text beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessReason {
    /// Working the queue of flagged check-ins.
    QueueReview,
    /// A case or investigation already open.
    Investigation,
    /// Another authority asked.
    AuthorityRequest,
    /// The person asked about their own record.
    DataSubjectRequest,
    /// Checking the service itself (quality, audit).
    QualityAssurance,
}

impl AccessReason {
    pub const ALL: [AccessReason; 5] = [
        AccessReason::QueueReview,
        AccessReason::Investigation,
        AccessReason::AuthorityRequest,
        AccessReason::DataSubjectRequest,
        AccessReason::QualityAssurance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessReason::QueueReview => "queue_review",
            AccessReason::Investigation => "investigation",
            AccessReason::AuthorityRequest => "authority_request",
            AccessReason::DataSubjectRequest => "data_subject_request",
            AccessReason::QualityAssurance => "quality_assurance",
        }
    }

    pub fn parse(s: &str) -> Option<AccessReason> {
        AccessReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AccessReason::QueueReview => "Reviewing the flag (queue work)",
            AccessReason::Investigation => "An open case or investigation",
            AccessReason::AuthorityRequest => "A request from another authority",
            AccessReason::DataSubjectRequest => "The person's own request",
            AccessReason::QualityAssurance => "Quality assurance or audit",
        }
    }
}

/// Longest free-text reason or note, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Shortest free-text reason for opening a record, in characters.
pub const MIN_REASON_CHARS: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FlagReason;

    #[test]
    fn a_checked_out_flag_still_needs_review_until_resolved() {
        let flags = [Flag { person: 0, reason: FlagReason::DocumentLostOrStolen, fields: vec![] }];
        assert!(needs_review(CheckinStatus::Flagged, &flags, false));
        assert!(needs_review(CheckinStatus::CheckedOut, &flags, false));
        assert!(!needs_review(CheckinStatus::CheckedOut, &flags, true));
        assert!(!needs_review(CheckinStatus::CheckedOut, &[], false));
        assert!(!needs_review(CheckinStatus::Purged, &flags, false));
        assert!(!needs_review(CheckinStatus::Verified, &[], false));
    }

    #[test]
    fn codes_round_trip() {
        for r in Resolution::ALL {
            assert_eq!(Resolution::parse(r.as_str()), Some(r));
        }
        for r in AccessReason::ALL {
            assert_eq!(AccessReason::parse(r.as_str()), Some(r));
        }
    }
}
