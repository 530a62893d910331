//! Identity rules: document-number schemes, ICAO 9303 MRZ, names, dates, jurisdiction profiles,
//! and the intake validation of a whole submission.
//! Pure code: no I/O, no clock (the reference date is always passed in).

pub mod intake;

use crate::domain::FieldMatch;

/// Compares one name field of the registry's record with the declared one.
///
/// First version: equal ignoring case and repeated spaces is a match, anything else is not.
/// The name rules of `identity::names` replace it.
pub fn compare_name_field(registry: &str, declared: &str) -> FieldMatch {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if fold(registry) == fold(declared) { FieldMatch::Match } else { FieldMatch::NoMatch }
}
