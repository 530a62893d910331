//! Belgium: national register number (numéro de registre national / rijksregisternummer),
//! Loi du 8 août 1983 organisant un registre national; layout per the Registre national's
//! published structure.
//!
//! Eleven digits `YYMMDD NNN CC`: birth date, a daily order number (odd for men, even for
//! women) and a check number = 97 − (the first nine digits mod 97). For people born from 2000
//! on, the check is computed over `2` followed by the nine digits, which is how the century is
//! told apart (the 2000 reading is only possible when 20YY is not after the reference date).
//! A month or day of `00` means "unknown" and is allowed; a month above 12 is `date`.
//! Separators: spaces, dots and hyphens (`YY.MM.DD-NNN.CC`).

use chrono::{Datelike, NaiveDate};

use super::{ErrorClass, Invalid, NumberFields, Valid, all_digits, compact, digit, plausible_birth};

pub fn check(input: &str, as_of: NaiveDate) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '.', '-']);
    if !all_digits(&n) || n.bytes().all(|b| b == b'0') {
        return Err(Invalid::new(ErrorClass::Format, "A national number is made of digits only."));
    }
    if n.len() != 11 {
        return Err(Invalid::new(ErrorClass::Length, "A national number has 11 digits."));
    }
    let century = century(&n, as_of)
        .ok_or(Invalid::new(ErrorClass::Checksum, "The last two digits of the national number do not match."))?;
    let year = century + n[..2].parse::<i32>().expect("digits");
    let month: u32 = n[2..4].parse().expect("digits");
    let day: u32 = n[4..6].parse().expect("digits");
    if month > 12 {
        return Err(super::impossible_date());
    }
    let mut fields = NumberFields {
        sex: Some(if digit(n.as_bytes()[8]) % 2 == 1 { "M" } else { "F" }.to_owned()),
        ..NumberFields::default()
    };
    let full = (month > 0).then(|| NaiveDate::from_ymd_opt(year, month, day)).flatten();
    match full {
        Some(birth) => {
            fields.age = Some(plausible_birth(birth, as_of)?);
            fields.birth_date = Some(birth.to_string());
        }
        None => {
            // Unknown day or month: only the year can be checked.
            if year > as_of.year() || year < as_of.year() - 120 {
                return Err(Invalid::new(ErrorClass::Date, "The birth year inside the national number is not plausible."));
            }
            let month = if month == 0 { "XX".to_owned() } else { format!("{month:02}") };
            fields.birth_date = Some(format!("{year:04}-{month}-XX"));
        }
    }
    Ok(Valid { normalized: n, fields })
}

/// 1900 or 2000, whichever the check number confirms (1900 first).
fn century(n: &str, as_of: NaiveDate) -> Option<i32> {
    let body: u64 = n[..9].parse().expect("digits");
    let check: u64 = n[9..].parse().expect("digits");
    if 97 - body % 97 == check {
        return Some(1900);
    }
    let yy: i32 = n[..2].parse().expect("digits");
    (2000 + yy <= as_of.year() && 97 - (2_000_000_000 + body) % 97 == check).then_some(2000)
}

/// The check number for nine digits in the given century (1900 or 2000).
pub fn check_number(first9: &str, century: i32) -> u64 {
    let body: u64 = first9.parse().expect("digits");
    let body = if century == 2000 { 2_000_000_000 + body } else { body };
    97 - body % 97
}
