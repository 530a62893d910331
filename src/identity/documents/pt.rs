//! Portugal: Cartão de Cidadão document number (Decreto-Lei 7/2007; check digit per the
//! "Validação de Número de Documento do Cartão de Cidadão" specification of AMA, 2009).
//!
//! Twelve characters: the eight-digit civil identification number and its check digit, a
//! two-character version (`ZZ`, `ZY`, ... or digits), and a final check digit computed over the
//! eleven preceding characters: from the right, characters take their value in `0-9A-Z` (0..35),
//! every second one (starting with the rightmost) is doubled and reduced by 9 when above 9; the
//! check digit makes the sum a multiple of 10. Spaces are separators.
//!
//! The civil-number check digit (ninth character) is not verified here: it depends on data the
//! document does not carry consistently across versions.

use super::{ErrorClass, Invalid, NumberFields, Valid, compact};

const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

pub fn check(input: &str) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ']);
    if !shape_ok(&n) {
        return Err(Invalid::new(
            ErrorClass::Format,
            "A Cartão de Cidadão number is nine digits, two letters or digits, and one digit.",
        ));
    }
    if n.len() != 12 {
        return Err(Invalid::new(ErrorClass::Length, "A Cartão de Cidadão number has 12 characters."));
    }
    if n[11..] != check_digit(&n[..11]).to_string() {
        return Err(Invalid::new(ErrorClass::Checksum, "The last digit of the Cartão de Cidadão number does not match."));
    }
    Ok(Valid { normalized: n, fields: NumberFields::default() })
}

/// Digits, then two characters of `A-Z0-9`, then a digit (any number of leading digits).
fn shape_ok(n: &str) -> bool {
    let b = n.as_bytes();
    n.is_ascii()
        && b.len() >= 3
        && b[..b.len() - 3].iter().all(u8::is_ascii_digit)
        && b[b.len() - 3..b.len() - 1].iter().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        && b[b.len() - 1].is_ascii_digit()
}

/// The final check digit over the first eleven characters.
pub fn check_digit(first11: &str) -> char {
    let sum: u32 = first11
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| {
            let v = ALPHABET.find(c).expect("alphanumeric") as u32;
            if i % 2 == 0 {
                let d = v * 2;
                if d > 9 { d - 9 } else { d }
            } else {
                v
            }
        })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10).expect("digit")
}
