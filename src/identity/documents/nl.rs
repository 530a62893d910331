//! Netherlands: document number of the identity card (identiteitskaart) and passport, as
//! specified by the Rijksdienst voor Identiteitsgegevens since 2014 (Paspoortuitvoeringsregeling).
//!
//! Nine characters: two letters, six letters or digits, one digit. The letter `O` is never
//! used (it is confusable with zero), so an `O` anywhere is `format`. The number has no check
//! digit of its own (the MRZ adds one). Spaces are separators.

use super::{ErrorClass, Invalid, NumberFields, Valid, compact};

pub fn check(input: &str) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ']);
    if n.chars().count() != 9 {
        return Err(Invalid::new(ErrorClass::Length, "A Dutch document number has 9 characters."));
    }
    let b = n.as_bytes();
    let shape = n.is_ascii()
        && b[..2].iter().all(u8::is_ascii_uppercase)
        && b[2..8].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && b[8].is_ascii_digit();
    if !shape {
        return Err(Invalid::new(
            ErrorClass::Format,
            "A Dutch document number is two letters, six letters or digits, and a digit.",
        ));
    }
    if n.contains('O') {
        return Err(Invalid::new(ErrorClass::Format, "Dutch document numbers never contain the letter O (only the digit 0)."));
    }
    Ok(Valid { normalized: n, fields: NumberFields::default() })
}
