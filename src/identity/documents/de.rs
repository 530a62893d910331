//! Germany: identity card (Personalausweis) document number as read from the MRZ
//! (Personalausweisverordnung, Anlage 1; ICAO Doc 9303-5 §4.2.2 for the TD1 layout).
//!
//! Nine serial characters (digits and the letters `C F G H J K L M N P R T V W X Y Z` on cards
//! issued since 2010) followed by the ICAO check digit over them (Doc 9303-3 §4.9, weights
//! 7 3 1). The nine-character number printed on the card front has no check digit and is a
//! `length` error for this scheme; [`check_serial`] accepts it for intake. Only the ends are
//! trimmed: a space or hyphen inside is `format`.

use super::{ErrorClass, Invalid, NumberFields, Valid, fold};
use crate::identity::mrz::check_digit;

pub fn check(input: &str) -> Result<Valid, Invalid> {
    let n = fold(input);
    if !n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) || n.is_empty() {
        return Err(Invalid::new(
            ErrorClass::Format,
            "A German ID card number is made of capital letters and digits only.",
        ));
    }
    if n.len() != 10 {
        return Err(Invalid::new(
            ErrorClass::Length,
            "Give the 9 characters of the card number followed by its check digit, as in the machine-readable zone.",
        ));
    }
    if !n.as_bytes()[9].is_ascii_digit() {
        return Err(Invalid::new(ErrorClass::Format, "The last character of the number is a check digit."));
    }
    if check_digit(&n[..9]) != n.as_bytes()[9] - b'0' {
        return Err(Invalid::new(ErrorClass::Checksum, "The check digit of the card number does not match."));
    }
    Ok(Valid { normalized: n, fields: NumberFields::default() })
}

/// The card number as printed on the front (nine characters, no check digit), or with its check
/// digit (ten, which must then match). Returns the nine-character serial.
pub fn check_serial(input: &str) -> Result<String, Invalid> {
    let n = fold(input);
    if n.len() == 9 && n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return Ok(n);
    }
    check(input).map(|v| v.normalized[..9].to_owned())
}
