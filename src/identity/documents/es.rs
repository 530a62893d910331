//! Spain: DNI (Documento Nacional de Identidad) and NIE (Número de Identidad de Extranjero).
//!
//! DNI: eight digits and a control letter, `TRWAGMYFPDXBNJZSQVHLCKE`[number mod 23]
//! (Real Decreto 1553/2005 art. 11; Orden INT/2058/2008 for the algorithm). NIE: a prefix `X`,
//! `Y` or `Z` standing for 0, 1, 2, seven digits and the same control letter over the eight
//! digits (Orden INT/2058/2008). Spaces and hyphens are separators; dots are not (a dotted
//! grouping is `format`). K/L/M-prefixed NIFs are tax numbers, not DNIs or NIEs (`format`).
//! A seven-digit DNI is a `length` error: the leading zero is part of the number.

use super::{ErrorClass, Invalid, NumberFields, Valid, all_digits, compact};

const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// The control letter of an eight-digit number.
pub fn control_letter(digits: &str) -> char {
    let n: u64 = digits.parse().expect("digits");
    LETTERS[(n % 23) as usize] as char
}

pub fn check_dni(input: &str) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '-']);
    let chars: Vec<char> = n.chars().collect();
    let body: String = chars.iter().take(chars.len().saturating_sub(1)).collect();
    if !all_digits(&body) {
        return Err(Invalid::new(ErrorClass::Format, "A DNI number is eight digits followed by one letter."));
    }
    if chars.len() != 9 {
        return Err(Invalid::new(ErrorClass::Length, "A DNI number is eight digits followed by one letter."));
    }
    if chars[8] != control_letter(&body) {
        return Err(Invalid::new(ErrorClass::Checksum, "The letter of the DNI does not match its digits."));
    }
    Ok(Valid { normalized: n, fields: NumberFields::default() })
}

pub fn check_nie(input: &str) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '-']);
    let chars: Vec<char> = n.chars().collect();
    let prefix = chars.first().copied();
    let middle: String = chars.iter().skip(1).take(chars.len().saturating_sub(2)).collect();
    if !all_digits(&middle) || !matches!(prefix, Some('X' | 'Y' | 'Z')) {
        return Err(Invalid::new(ErrorClass::Format, "An NIE is X, Y or Z, seven digits and one letter."));
    }
    if chars.len() != 9 {
        return Err(Invalid::new(ErrorClass::Length, "An NIE is X, Y or Z, seven digits and one letter."));
    }
    let lead = match prefix {
        Some('X') => '0',
        Some('Y') => '1',
        _ => '2',
    };
    if chars[8] != control_letter(&format!("{lead}{middle}")) {
        return Err(Invalid::new(ErrorClass::Checksum, "The letter of the NIE does not match its digits."));
    }
    Ok(Valid { normalized: n, fields: NumberFields::default() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_letter_follows_the_mod_23_table() {
        assert_eq!(control_letter("12345678"), 'Z');
        assert!(check_dni("12345678-z").is_ok());
        assert!(check_nie("X-1234567-L").is_ok());
    }

    #[test]
    fn a_dotted_dni_is_a_format_error_and_a_short_one_a_length_error() {
        assert_eq!(check_dni("12.345.678-Z").unwrap_err().class, ErrorClass::Format);
        assert_eq!(check_dni("1234567L").unwrap_err().class, ErrorClass::Length);
    }
}
