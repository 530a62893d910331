//! Submissions exactly as they arrive (JSON or a form), before validation.
//!
//! Every field is optional text here so that validation can name each missing or malformed field
//! itself (`identity::intake` turns these into a validated [`super::Submission`]) instead of
//! failing at the first one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// `passport`, `id_card`, `residence_permit` or `other`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    pub issuing_country: Option<String>,
    /// Spain's "número de soporte" of a DNI or NIE card. Kept only where the jurisdiction's
    /// profile asks for it (a Spanish card in Spain); otherwise dropped at intake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_number: Option<String>,
    /// The document's machine-readable zone (ICAO 9303, lines separated by `\n`), when it was
    /// read from the document; intake checks it and compares it with the declared fields, and
    /// never stores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrz: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuardianInput {
    #[serde(default)]
    pub person: Option<usize>,
    #[serde(default)]
    pub relationship: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Given names exactly as on the document.
    #[serde(default)]
    pub given_names: Option<String>,
    /// Family name (first surname) exactly as on the document.
    #[serde(default)]
    pub family_name: Option<String>,
    /// Second surname, where the document has one (required by some profiles, e.g. Spain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_family_name: Option<String>,
    /// ISO 8601 date, `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: Option<String>,
    /// ISO 3166-1 alpha-3.
    #[serde(default)]
    pub nationality: Option<String>,
    /// `F`, `M` or `X`. Checked against the document number and MRZ; kept only where the
    /// jurisdiction's registration asks for it (Spain, China), otherwise dropped at intake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(default)]
    pub document: Option<DocumentInput>,
    /// Required for a minor: the accompanying adult and the relationship.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<GuardianInput>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StayInput {
    /// RFC 3339 date-time with offset, e.g. `2026-12-01T14:00:00+08:00`.
    #[serde(default)]
    pub check_in: Option<String>,
    #[serde(default)]
    pub check_out: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The part of a check-in submission that the identity rules validate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionInput {
    #[serde(default)]
    pub stay: Option<StayInput>,
    #[serde(default)]
    pub persons: Vec<PersonInput>,
    /// Required by some profiles (Spain, China); where the profile does not ask for a contact,
    /// one given anyway is dropped at intake, never stored.
    #[serde(default)]
    pub contact: Option<ContactInput>,
}
