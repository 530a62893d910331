//! A person as declared in a check-in, and their identity document.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kind of identity document a person declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A passport (ICAO 9303 TD3).
    Passport,
    /// A national identity card (ICAO 9303 TD1/TD2 or a national scheme).
    IdCard,
    /// A residence permit for foreign nationals (e.g. Spain's NIE card).
    ResidencePermit,
    /// Any other travel document accepted by the jurisdiction.
    Other,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Passport => "passport",
            DocumentKind::IdCard => "id_card",
            DocumentKind::ResidencePermit => "residence_permit",
            DocumentKind::Other => "other",
        }
    }
}

/// An identity document as declared, with its number already normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Document {
    #[serde(rename = "type")]
    pub kind: DocumentKind,
    /// The document number, normalised (upper case, no spaces or dashes).
    pub number: String,
    /// Issuing country, ISO 3166-1 alpha-3 (ICAO 9303 codes such as `D` for Germany are
    /// normalised to `DEU`).
    pub issuing_country: String,
    /// Spain's "número de soporte" of a DNI or NIE card, when the profile asks for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_number: Option<String>,
}

/// For a minor: which adult of the same check-in accompanies them, and how they are related.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Guardian {
    /// Index of the accompanying adult in the check-in's `persons`.
    pub person: usize,
    /// Relationship of the adult to the minor (`parent`, `legal_guardian`, `other`...).
    pub relationship: String,
}

/// A person as declared and validated. Names are kept exactly as written on the document
/// (Unicode NFC); comparison rules live in `identity::names`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub given_names: String,
    pub family_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_family_name: Option<String>,
    /// ISO 8601 calendar date.
    #[schema(value_type = String, format = Date)]
    pub birth_date: NaiveDate,
    /// Nationality, ISO 3166-1 alpha-3.
    pub nationality: String,
    /// `F`, `M` or `X` (ICAO 9303), when declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    pub document: Document,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardian: Option<Guardian>,
}
