//! What the registry said about each person, and the check-in's outcome derived from it.

use serde::{Deserialize, Serialize};

/// How one declared field compares with the registry's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldMatch {
    /// Equal after normalisation.
    Match,
    /// Equal up to a documented tolerance (a transliteration variant, a missing second given
    /// name, a small typo).
    ProbableMatch,
    /// A human must look: confusable characters, mixed scripts, an unclear difference.
    NeedsReview,
    /// Different scripts (e.g. Chinese characters against pinyin): cannot be decided by rule.
    NeedsTransliteration,
    /// Different.
    NoMatch,
}

/// The status of the document as the registry knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    Valid,
    Expired,
    Revoked,
    LostOrStolen,
    HolderDeceased,
}

/// The registry's answer about one person: per-field comparison and document status, never the
/// registry's record itself. `found == false` means no document with that number and country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonCheck {
    pub found: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<FieldMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_names: Option<FieldMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<FieldMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_status: Option<DocumentStatus>,
}

/// Why a person of a check-in was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    IdentityMismatch,
    NotFound,
    DocumentInvalid,
    DocumentExpired,
    DocumentLostOrStolen,
    HolderDeceased,
    NeedsReview,
    RegistryUnavailable,
}

impl FlagReason {
    pub fn as_str(self) -> &'static str {
        match self {
            FlagReason::IdentityMismatch => "identity_mismatch",
            FlagReason::NotFound => "not_found",
            FlagReason::DocumentInvalid => "document_invalid",
            FlagReason::DocumentExpired => "document_expired",
            FlagReason::DocumentLostOrStolen => "document_lost_or_stolen",
            FlagReason::HolderDeceased => "holder_deceased",
            FlagReason::NeedsReview => "needs_review",
            FlagReason::RegistryUnavailable => "registry_unavailable",
        }
    }

    /// Severity for ordering queues and colouring dashboards: higher is more urgent.
    pub fn severity(self) -> u8 {
        match self {
            FlagReason::DocumentLostOrStolen => 5,
            FlagReason::HolderDeceased => 5,
            FlagReason::DocumentInvalid => 4,
            FlagReason::NotFound => 4,
            FlagReason::IdentityMismatch => 3,
            FlagReason::DocumentExpired => 2,
            FlagReason::NeedsReview => 2,
            FlagReason::RegistryUnavailable => 1,
        }
    }
}

/// One flag on one person of a check-in. `fields` names the declared fields that disagreed with
/// the registry (never their values).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Flag {
    // Fields in the lexicographic order of their names: a seal payload's flags serialise as
    // RFC 8785 canonical JSON directly (see `seal::jws::Canonical`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    pub person: usize,
    pub reason: FlagReason,
}

/// The outcome of a registry check for a whole check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Verified,
    Flagged(Vec<Flag>),
}

impl Outcome {
    /// Derives the outcome from the registry's answer for every person, in order.
    /// A check-in is verified only when every person is found, every compared field matches
    /// (or matches probably) and every document is valid; otherwise each person with a problem
    /// gets one flag with the most specific reason.
    pub fn from_checks(checks: &[PersonCheck]) -> Outcome {
        let flags: Vec<Flag> =
            checks.iter().enumerate().filter_map(|(i, c)| person_flag(i, c)).collect();
        if flags.is_empty() && !checks.is_empty() { Outcome::Verified } else { Outcome::Flagged(flags) }
    }

    /// The outcome when the registry could not be asked at all.
    pub fn registry_unavailable(persons: usize) -> Outcome {
        Outcome::Flagged(
            (0..persons)
                .map(|person| Flag { person, reason: FlagReason::RegistryUnavailable, fields: vec![] })
                .collect(),
        )
    }

    pub fn flags(&self) -> &[Flag] {
        match self {
            Outcome::Verified => &[],
            Outcome::Flagged(flags) => flags,
        }
    }
}

fn person_flag(person: usize, check: &PersonCheck) -> Option<Flag> {
    let flag = |reason, fields: Vec<&str>| {
        Some(Flag { person, reason, fields: fields.into_iter().map(str::to_owned).collect() })
    };
    if !check.found {
        return flag(FlagReason::NotFound, vec![]);
    }
    match check.document_status {
        Some(DocumentStatus::LostOrStolen) => return flag(FlagReason::DocumentLostOrStolen, vec![]),
        Some(DocumentStatus::HolderDeceased) => return flag(FlagReason::HolderDeceased, vec![]),
        Some(DocumentStatus::Revoked) => return flag(FlagReason::DocumentInvalid, vec![]),
        Some(DocumentStatus::Expired) => return flag(FlagReason::DocumentExpired, vec![]),
        Some(DocumentStatus::Valid) => {}
        // A found record without a document status is not an answer we can verify on.
        None => return flag(FlagReason::NeedsReview, vec!["document_status"]),
    }
    let fields = [
        ("family_name", check.family_name),
        ("given_names", check.given_names),
        ("birth_date", check.birth_date),
    ];
    let mismatched: Vec<&str> =
        fields.iter().filter(|(_, m)| *m == Some(FieldMatch::NoMatch)).map(|(n, _)| *n).collect();
    if !mismatched.is_empty() {
        return flag(FlagReason::IdentityMismatch, mismatched);
    }
    let unclear: Vec<&str> = fields
        .iter()
        .filter(|(_, m)| !matches!(m, Some(FieldMatch::Match | FieldMatch::ProbableMatch)))
        .map(|(n, _)| *n)
        .collect();
    if !unclear.is_empty() {
        return flag(FlagReason::NeedsReview, unclear);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> PersonCheck {
        PersonCheck {
            found: true,
            family_name: Some(FieldMatch::Match),
            given_names: Some(FieldMatch::ProbableMatch),
            birth_date: Some(FieldMatch::Match),
            document_status: Some(DocumentStatus::Valid),
        }
    }

    #[test]
    fn everyone_matching_is_verified() {
        assert_eq!(Outcome::from_checks(&[good(), good()]), Outcome::Verified);
    }

    #[test]
    fn one_wrong_birth_date_flags_that_person_only() {
        let mut bad = good();
        bad.birth_date = Some(FieldMatch::NoMatch);
        let out = Outcome::from_checks(&[good(), bad]);
        assert_eq!(
            out.flags(),
            &[Flag { person: 1, reason: FlagReason::IdentityMismatch, fields: vec!["birth_date".into()] }]
        );
    }

    #[test]
    fn unknown_document_is_not_found_and_stolen_beats_mismatch() {
        let missing = PersonCheck { found: false, ..good() };
        assert_eq!(Outcome::from_checks(&[missing]).flags()[0].reason, FlagReason::NotFound);
        let stolen = PersonCheck {
            document_status: Some(DocumentStatus::LostOrStolen),
            birth_date: Some(FieldMatch::NoMatch),
            ..good()
        };
        assert_eq!(Outcome::from_checks(&[stolen]).flags()[0].reason, FlagReason::DocumentLostOrStolen);
    }

    #[test]
    fn a_missing_comparison_is_never_verified() {
        let partial = PersonCheck { birth_date: None, ..good() };
        assert_eq!(Outcome::from_checks(&[partial]).flags()[0].reason, FlagReason::NeedsReview);
        assert!(matches!(Outcome::from_checks(&[]), Outcome::Flagged(_)));
    }
}
