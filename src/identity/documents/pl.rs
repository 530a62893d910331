//! Poland: PESEL (Powszechny Elektroniczny System Ewidencji Ludności), Ustawa z dnia 24 września
//! 2010 r. o ewidencji ludności, art. 15.
//!
//! Eleven digits `YYMMDD ZZZX Q`: the month carries the century (+80 for 1800s, +0 for 1900s,
//! +20 for 2000s, +40 for 2100s, +60 for 2200s), the tenth digit's parity gives the sex (odd =
//! male) and the check digit Q = (10 − Σ wᵢdᵢ mod 10) mod 10 with weights 1 3 7 9 1 3 7 9 1 3.
//! Spaces and hyphens are separators. A birth date after the reference date, or more than 120
//! years before it, is `date`.

use chrono::NaiveDate;

use super::{ErrorClass, Invalid, NumberFields, Valid, all_digits, compact, digit, impossible_date, plausible_birth};

const WEIGHTS: [u32; 10] = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

pub fn check(input: &str, as_of: NaiveDate) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '-']);
    if !all_digits(&n) {
        return Err(Invalid::new(ErrorClass::Format, "A PESEL is made of digits only."));
    }
    if n.len() != 11 {
        return Err(Invalid::new(ErrorClass::Length, "A PESEL has 11 digits."));
    }
    if n[10..] != check_digit(&n[..10]).to_string() {
        return Err(Invalid::new(ErrorClass::Checksum, "The last digit of the PESEL does not match."));
    }
    let yy: i32 = n[..2].parse().expect("digits");
    let mm: u32 = n[2..4].parse().expect("digits");
    let dd: u32 = n[4..6].parse().expect("digits");
    let century = [1900, 2000, 2100, 2200, 1800][(mm / 20) as usize];
    let birth = NaiveDate::from_ymd_opt(century + yy, mm % 20, dd).ok_or_else(impossible_date)?;
    let age = plausible_birth(birth, as_of)?;
    Ok(Valid {
        normalized: n.clone(),
        fields: NumberFields {
            birth_date: Some(birth.to_string()),
            age: Some(age),
            sex: Some(if digit(n.as_bytes()[9]) % 2 == 1 { "M" } else { "F" }.to_owned()),
            ..NumberFields::default()
        },
    })
}

/// The check digit over the first ten digits.
pub fn check_digit(first10: &str) -> char {
    let sum: u32 = first10.bytes().zip(WEIGHTS).map(|(b, w)| digit(b) * w).sum();
    char::from_digit((10 - sum % 10) % 10, 10).expect("digit")
}
