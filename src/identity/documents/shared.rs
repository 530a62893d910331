//! Helpers the schemes share: folding what people type, digit tests, birth-date plausibility.

use chrono::NaiveDate;

use super::{ErrorClass, Invalid};
use crate::identity::dates;

/// Folds what people type into plain ASCII where that is unambiguous: full-width forms
/// (U+FF01..U+FF5E, produced by CJK input methods) become ASCII, Unicode spaces become a space,
/// Unicode dashes and minus signs become `-`; ASCII letters are upper-cased and the ends trimmed.
/// Other characters are kept, so that a scheme can reject them as `format`.
pub(crate) fn fold(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{00AD}' => '-',
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect::<String>()
        .trim()
        .to_owned()
}

/// [`fold`], then removes every character in `separators`.
pub(crate) fn compact(input: &str, separators: &[char]) -> String {
    fold(input).chars().filter(|c| !separators.contains(c)).collect()
}

pub(crate) fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The value of an ASCII digit character.
pub(crate) fn digit(b: u8) -> u32 {
    (b - b'0') as u32
}

/// A birth date must not be after `as_of` nor more than 120 years before it
/// (the same rule as [`dates::check_birth_date`]).
pub(crate) fn plausible_birth(birth: NaiveDate, as_of: NaiveDate) -> Result<u32, Invalid> {
    match dates::check_birth_date(birth, as_of) {
        Ok(facts) => Ok(facts.age),
        Err(dates::DateError::BirthInFuture) => {
            Err(Invalid::new(ErrorClass::Date, "The birth date inside the document number is in the future."))
        }
        Err(_) => Err(Invalid::new(
            ErrorClass::Date,
            "The birth date inside the document number is more than 120 years ago.",
        )),
    }
}

pub(crate) fn impossible_date() -> Invalid {
    Invalid::new(ErrorClass::Date, "The birth date inside the document number is impossible.")
}
