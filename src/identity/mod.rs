//! Identity rules: document-number schemes, ICAO 9303 machine-readable zones, names (hygiene,
//! transliteration, matching), dates, country codes, jurisdiction profiles, and the intake
//! validation of a whole submission that uses all of them.
//!
//! Pure code: no I/O, no network, no database, no clock (the reference date is always passed
//! in). Each module cites the standard or the rule file it implements.

pub mod cli;
pub mod countries;
pub mod dates;
pub mod documents;
pub mod intake;
pub mod mrz;
pub mod names;
pub mod profile;

pub use profile::{Profile, ProfileKind};

use crate::domain::FieldMatch;

/// Compares one name field of the registry's record with the declared one, by the rules of
/// [`names::match_names`] applied to that field alone (a missing component is a probable
/// match, an extra one needs review, a typo is scored, different scripts need
/// transliteration). Malformed input (invisible characters, mixed scripts) needs review.
///
/// Prefer [`names::match_names`] on whole names where both fields are at hand: it also
/// recognises family and given names entered the wrong way round.
pub fn compare_name_field(registry: &str, declared: &str) -> FieldMatch {
    let d = names::match_names(&names::NameParts::new(registry, ""), &names::NameParts::new(declared, ""));
    d.decision.field_match()
}
