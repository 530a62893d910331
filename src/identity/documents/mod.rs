//! Identity-document numbers: the national schemes and the ICAO 9303 machine-readable zone,
//! behind one request/verdict pair.
//!
//! [`Request`] and [`Verdict`] are the wire shapes of `hospes documents validate --json` (one
//! request per JSON line) and of `POST /v1/documents/validate`; [`validate`] answers both. A
//! request names a scheme (`{"scheme": "es.dni", "input": "..."}`), or a country whose scheme is
//! then chosen (`{"country": "ES", "input": "..."}`), or carries a machine-readable zone
//! (`{"mrz": "P<UTO...\nL898..."}`).
//!
//! Each scheme lives in its own file and cites its standard. Every scheme normalises what a
//! person types (case, spaces and the separators the scheme prints, full-width digits), then
//! checks in a fixed order so that a number with one defect gets one [`ErrorClass`]:
//! `format` (characters that cannot occur), `length`, `checksum`, then `date` and `region`
//! (components that decode to something impossible: a 31 April, a birth after the reference
//! date or more than 120 years before it, a region code not in use in the birth year).
//!
//! Pure code: the reference date `as_of` is always passed in; nothing here reads the clock.

pub mod be;
pub mod cn;
pub mod de;
pub mod es;
pub mod fr;
pub mod it;
pub mod nl;
pub mod pl;
pub mod pt;
mod shared;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::identity::mrz::{self, MrzReport};
pub(crate) use shared::{all_digits, compact, digit, fold, impossible_date, plausible_birth};

/// What is wrong with an invalid number, as a class shared by all schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The check digit(s) or check letter do not match.
    Checksum,
    /// Too many or too few characters.
    Length,
    /// A character that cannot occur at its place, or a number of another scheme.
    Format,
    /// An impossible, future or implausible (more than 120 years back) birth date.
    Date,
    /// A region or place code that does not exist, or did not exist in the birth year.
    Region,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Checksum => "checksum",
            ErrorClass::Length => "length",
            ErrorClass::Format => "format",
            ErrorClass::Date => "date",
            ErrorClass::Region => "region",
        }
    }

    /// A sentence a tenant understands; it never repeats the number.
    pub fn message(self) -> &'static str {
        match self {
            ErrorClass::Checksum => {
                "The document number does not add up: a character is probably mistyped. Copy it again from the document."
            }
            ErrorClass::Length => "The document number has too many or too few characters for this document.",
            ErrorClass::Format => "The document number contains characters that this document never uses.",
            ErrorClass::Date => "The birth date inside the document number is impossible.",
            ErrorClass::Region => "The region code inside the document number does not exist for this birth date.",
        }
    }
}

/// The national number schemes. Names are python-stdnum's module names where one exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Scheme {
    /// China resident identity card number, GB 11643-1999.
    #[serde(rename = "cn.ric")]
    CnRic,
    /// Spain, Documento Nacional de Identidad.
    #[serde(rename = "es.dni")]
    EsDni,
    /// Spain, Número de Identidad de Extranjero.
    #[serde(rename = "es.nie")]
    EsNie,
    /// Italy, codice fiscale of a natural person (DM 23/12/1976), including omocodia.
    #[serde(rename = "it.codicefiscale")]
    ItCodiceFiscale,
    /// Portugal, Cartão de Cidadão document number.
    #[serde(rename = "pt.cc")]
    PtCc,
    /// France, NIR (numéro d'inscription au répertoire).
    #[serde(rename = "fr.nir")]
    FrNir,
    /// Belgium, national register number.
    #[serde(rename = "be.nn")]
    BeNn,
    /// Poland, PESEL.
    #[serde(rename = "pl.pesel")]
    PlPesel,
    /// Netherlands, identity card (and passport) document number.
    #[serde(rename = "nl.identiteitskaartnummer")]
    NlIdentiteitskaartnummer,
    /// Germany, identity card document number as read from the MRZ (serial + check digit).
    #[serde(rename = "de.personalausweis_mrz")]
    DePersonalausweisMrz,
}

impl Scheme {
    pub const ALL: [Scheme; 10] = [
        Scheme::CnRic,
        Scheme::EsDni,
        Scheme::EsNie,
        Scheme::ItCodiceFiscale,
        Scheme::PtCc,
        Scheme::FrNir,
        Scheme::BeNn,
        Scheme::PlPesel,
        Scheme::NlIdentiteitskaartnummer,
        Scheme::DePersonalausweisMrz,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::CnRic => "cn.ric",
            Scheme::EsDni => "es.dni",
            Scheme::EsNie => "es.nie",
            Scheme::ItCodiceFiscale => "it.codicefiscale",
            Scheme::PtCc => "pt.cc",
            Scheme::FrNir => "fr.nir",
            Scheme::BeNn => "be.nn",
            Scheme::PlPesel => "pl.pesel",
            Scheme::NlIdentiteitskaartnummer => "nl.identiteitskaartnummer",
            Scheme::DePersonalausweisMrz => "de.personalausweis_mrz",
        }
    }

    pub fn parse(name: &str) -> Option<Scheme> {
        Scheme::ALL.into_iter().find(|s| s.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The scheme for a country (ISO 3166-1 alpha-2 or alpha-3, or ICAO `D` for Germany),
    /// looking at the input where a country has two (Spain: an `X`/`Y`/`Z` prefix is an NIE).
    pub fn for_country(country: &str, input: &str) -> Option<Scheme> {
        let country = country.trim().to_ascii_uppercase();
        Some(match country.as_str() {
            "CN" | "CHN" => Scheme::CnRic,
            "ES" | "ESP" => {
                let first = fold(input).chars().find(|c| !c.is_whitespace());
                if matches!(first, Some('X' | 'Y' | 'Z')) { Scheme::EsNie } else { Scheme::EsDni }
            }
            "IT" | "ITA" => Scheme::ItCodiceFiscale,
            "PT" | "PRT" => Scheme::PtCc,
            "FR" | "FRA" => Scheme::FrNir,
            "BE" | "BEL" => Scheme::BeNn,
            "PL" | "POL" => Scheme::PlPesel,
            "NL" | "NLD" => Scheme::NlIdentiteitskaartnummer,
            "DE" | "DEU" | "D" => Scheme::DePersonalausweisMrz,
            _ => return None,
        })
    }

    /// Validates `input` under this scheme as of the reference date `as_of`.
    pub fn check(self, input: &str, as_of: NaiveDate) -> Result<Valid, Invalid> {
        match self {
            Scheme::CnRic => cn::check(input, as_of),
            Scheme::EsDni => es::check_dni(input),
            Scheme::EsNie => es::check_nie(input),
            Scheme::ItCodiceFiscale => it::check(input, as_of),
            Scheme::PtCc => pt::check(input),
            Scheme::FrNir => fr::check(input),
            Scheme::BeNn => be::check(input, as_of),
            Scheme::PlPesel => pl::check(input, as_of),
            Scheme::NlIdentiteitskaartnummer => nl::check(input),
            Scheme::DePersonalausweisMrz => de::check(input),
        }
    }
}

/// A valid number: its normalised form and what it says about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valid {
    pub normalized: String,
    pub fields: NumberFields,
}

/// Why a number is invalid: the class, and which component, in words (never the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    pub class: ErrorClass,
    pub reason: &'static str,
}

impl Invalid {
    pub(crate) fn new(class: ErrorClass, reason: &'static str) -> Invalid {
        Invalid { class, reason }
    }
}

/// The fields a valid number carries. Only those the scheme encodes are present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NumberFields {
    /// ISO 8601 birth date; unknown parts written `XX` (Belgium allows an unknown month or day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Completed years on the reference date, when the full birth date is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    /// `M` or `F` as encoded in the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// China: the GB/T 2260 code of the registered residence, and its names in the birth year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county: Option<String>,
    /// Italy: the cadastral code of the birth place (omocodia letters decoded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_place_code: Option<String>,
    /// Italy: whether omocodia letters replace digits, and the code with all of them undone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omocodia: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_code: Option<String>,
    /// France: the two-digit birth year and the birth month as encoded (century not encoded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year_2d: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_month: Option<String>,
    /// France: department + commune (INSEE) of the birth place, and what kind of place it is
    /// (`metro`, `corsica`, `dom`, `com`, `abroad`); the registration order number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// One validation request: either `scheme` or `country` with `input`, or `mrz`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// A scheme name such as `cn.ric` or `es.dni`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// ISO 3166-1 alpha-2 or alpha-3 code of the issuing country; picks the scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The number as typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// A whole machine-readable zone, lines separated by `\n`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrz: Option<String>,
    /// Optional MRZ format hint (`TD1`, `TD2`, `TD3`); inferred from the shape otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// The answer to one [`Request`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Verdict {
    pub valid: bool,
    /// The scheme that decided (`cn.ric`, ..., or `icao9303.td1`/`td2`/`td3` for an MRZ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The normalised number (or the MRZ lines joined by `\n`) when valid.
    pub normalized: Option<String>,
    /// Why it is invalid, or `null`.
    pub error_class: Option<ErrorClass>,
    /// What is wrong, in words a person understands; never repeats the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The request itself could not be served: `missing_input`, `unknown_scheme`,
    /// `no_scheme_for_country`, `invalid_json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_error: Option<String>,
    /// Fields a valid national number carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<NumberFields>,
    /// The full MRZ report (check digits, structure errors, fields) for an `mrz` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mrz: Option<MrzReport>,
}

impl Verdict {
    pub fn request_error(code: &str, message: &str) -> Verdict {
        Verdict {
            valid: false,
            scheme: None,
            normalized: None,
            error_class: None,
            message: Some(message.to_owned()),
            request_error: Some(code.to_owned()),
            fields: None,
            mrz: None,
        }
    }

    fn from_outcome(scheme: Scheme, outcome: Result<Valid, Invalid>) -> Verdict {
        let mut verdict = Verdict {
            valid: false,
            scheme: Some(scheme.name().to_owned()),
            normalized: None,
            error_class: None,
            message: None,
            request_error: None,
            fields: None,
            mrz: None,
        };
        match outcome {
            Ok(valid) => {
                verdict.valid = true;
                verdict.normalized = Some(valid.normalized);
                verdict.fields = Some(valid.fields);
            }
            Err(invalid) => {
                verdict.error_class = Some(invalid.class);
                verdict.message = Some(invalid.reason.to_owned());
            }
        }
        verdict
    }
}

/// Validates one request as of `as_of` (the reference date for birth-date plausibility, MRZ
/// birth-year century and expiry). Never fails: a malformed request gets a verdict with
/// `request_error`.
pub fn validate(request: &Request, as_of: NaiveDate) -> Verdict {
    if let Some(text) = &request.mrz {
        let hint = request.format.as_deref().and_then(mrz::Format::parse);
        return mrz_verdict(mrz::parse(text, hint, as_of));
    }
    let Some(input) = &request.input else {
        return Verdict::request_error("missing_input", "Give the number to check in \"input\", or an \"mrz\".");
    };
    let scheme = match (&request.scheme, &request.country) {
        (Some(name), _) => match Scheme::parse(name) {
            Some(s) => s,
            None => return Verdict::request_error("unknown_scheme", "This scheme is not known."),
        },
        (None, Some(country)) => match Scheme::for_country(country, input) {
            Some(s) => s,
            None => {
                return Verdict::request_error(
                    "no_scheme_for_country",
                    "No national number scheme is known for this country.",
                );
            }
        },
        (None, None) => return Verdict::request_error("missing_input", "Give a \"scheme\" or a \"country\"."),
    };
    Verdict::from_outcome(scheme, scheme.check(input, as_of))
}

fn mrz_verdict(report: MrzReport) -> Verdict {
    let error_class = report.error_class();
    Verdict {
        valid: report.valid,
        scheme: Some(format!("icao9303.{}", report.format.map(|f| f.name()).unwrap_or("unknown").to_lowercase())),
        normalized: report.valid.then(|| report.lines.join("\n")),
        error_class,
        message: error_class.map(|c| mrz_message(c).to_owned()),
        request_error: None,
        fields: None,
        mrz: Some(report),
    }
}

fn mrz_message(class: ErrorClass) -> &'static str {
    match class {
        ErrorClass::Checksum => "A check digit of the machine-readable zone does not match: a character was misread.",
        ErrorClass::Length => "The machine-readable zone has the wrong number of lines or characters.",
        ErrorClass::Format => "The machine-readable zone contains characters or codes that cannot occur there.",
        ErrorClass::Date => "A date in the machine-readable zone is impossible.",
        ErrorClass::Region => "A country code in the machine-readable zone is not known.",
    }
}

#[cfg(test)]
mod properties;
