//! France: NIR, the "numéro d'inscription au répertoire" of INSEE (numéro de sécurité sociale),
//! decree 82-103 of 22 January 1982 and INSEE's published layout.
//!
//! Fifteen characters: sex (1 digit), birth year (2), birth month (2), birth place (5: a
//! department of two characters — Corsica `2A`/`2B` — and a three-digit commune; `97`/`98`
//! overseas, `99` abroad), order number (3) and a two-digit key = 97 − (the 13 digits mod 97),
//! with `2A` read as 19 and `2B` as 18 for the key. Spaces and dots are separators. The century
//! is not encoded, so no birth date is derived.

use super::{ErrorClass, Invalid, NumberFields, Valid, all_digits, compact};

pub fn check(input: &str) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '.']);
    let format = Invalid::new(ErrorClass::Format, "A NIR is made of digits (with 2A or 2B for Corsica).");
    if !n.is_ascii() {
        return Err(format);
    }
    let (head, dept, tail) = (n.get(..5).unwrap_or(&n), n.get(5..7).unwrap_or(""), n.get(7..).unwrap_or(""));
    if !all_digits(head) || !all_digits(tail) || !(all_digits(dept) || dept == "2A" || dept == "2B") {
        return Err(format);
    }
    if n.len() != 15 {
        return Err(Invalid::new(ErrorClass::Length, "A NIR has 15 digits including the two-digit key."));
    }
    if n[13..] != key(&n[..13]) {
        return Err(Invalid::new(ErrorClass::Checksum, "The two-digit key of the NIR does not match."));
    }
    let place_kind = match dept {
        "2A" | "2B" | "20" => "corsica",
        "97" => "dom",
        "98" => "com",
        "99" => "abroad",
        _ => "metro",
    };
    Ok(Valid {
        normalized: n.clone(),
        fields: NumberFields {
            sex: match &n[..1] {
                "1" | "3" | "7" => Some("M".to_owned()),
                "2" | "4" | "8" => Some("F".to_owned()),
                _ => None,
            },
            birth_year_2d: Some(n[1..3].to_owned()),
            birth_month: Some(n[3..5].to_owned()),
            place_code: Some(n[5..10].to_owned()),
            place_kind: Some(place_kind.to_owned()),
            order: Some(n[10..13].to_owned()),
            ..NumberFields::default()
        },
    })
}

/// The two-digit key over the first 13 characters.
pub fn key(first13: &str) -> String {
    let digits = match first13.get(5..7) {
        Some("2A") => format!("{}19{}", &first13[..5], &first13[7..]),
        Some("2B") => format!("{}18{}", &first13[..5], &first13[7..]),
        _ => first13.to_owned(),
    };
    let value: u64 = digits.parse().expect("13 digits");
    format!("{:02}", 97 - value % 97)
}
