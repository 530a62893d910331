//! Italy: codice fiscale of a natural person (Decreto Ministeriale 23 dicembre 1976; DPR 605/1973).
//!
//! Sixteen characters: three letters from the surname, three from the given name, the birth
//! year's last two digits, a month letter (`ABCDEHLMPRST` = January..December), the birth day
//! (plus 40 for women), the four-character cadastral code of the birth place (a letter and three
//! digits) and a check letter. Omocodia: when two people would share a code, the Agenzia delle
//! Entrate replaces digits, right to left, with `LMNPQRSTUV` (= 0..9); such codes are valid and
//! decode to the same person. The substitution order is not enforced (issued codes exist that
//! do not follow it).
//!
//! The 11-digit partita IVA is a company number, not a personal code: `format`. The century is
//! not encoded; the birth year is read as the latest year ending in those two digits that is not
//! after the reference date (so `21` is 2021 on 2026-01-01, `30` is 1930).

use chrono::{Datelike, NaiveDate};

use super::{ErrorClass, Invalid, NumberFields, Valid, compact, impossible_date, plausible_birth};

const MONTHS: &str = "ABCDEHLMPRST";
const OMOCODIA: &str = "LMNPQRSTUV";
/// 1-based positions whose digits omocodia may replace.
const DIGIT_POSITIONS: [usize; 7] = [7, 8, 10, 11, 13, 14, 15];
const ODD_VALUES: [u32; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

pub fn check(input: &str, as_of: NaiveDate) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '-', ':']);
    let len = n.chars().count();
    if len == 11 {
        return Err(Invalid::new(
            ErrorClass::Format,
            "This looks like a company number (partita IVA); give the 16-character personal tax code.",
        ));
    }
    if len != 16 {
        return Err(Invalid::new(ErrorClass::Length, "A codice fiscale has 16 characters."));
    }
    if !well_formed(&n) {
        return Err(Invalid::new(ErrorClass::Format, "The codice fiscale has a character where it cannot be."));
    }
    if n[15..] != check_letter(&n[..15]).to_string() {
        return Err(Invalid::new(ErrorClass::Checksum, "The last letter of the codice fiscale does not match."));
    }
    let base = undo_omocodia(&n);
    let year2: i32 = base[6..8].parse().expect("digits");
    let month = MONTHS.find(&n[8..9]).expect("month letter") as u32 + 1;
    let day_code: u32 = base[9..11].parse().expect("digits");
    let day = day_code % 40;
    if !(1..=31).contains(&day) || day_code > 71 {
        return Err(impossible_date());
    }
    let birth = birth_date(year2, month, day, as_of).ok_or_else(impossible_date)?;
    let age = plausible_birth(birth, as_of)?;
    let omocodia = base[..15] != n[..15];
    let base_code = format!("{}{}", &base[..15], check_letter(&base[..15]));
    Ok(Valid {
        normalized: n.clone(),
        fields: NumberFields {
            birth_date: Some(birth.to_string()),
            age: Some(age),
            sex: Some(if day_code > 40 { "F" } else { "M" }.to_owned()),
            birth_place_code: Some(base[11..15].to_owned()),
            omocodia: Some(omocodia),
            base_code: omocodia.then_some(base_code),
            ..NumberFields::default()
        },
    })
}

/// The pattern of DM 23/12/1976, with omocodia letters allowed in every digit position.
fn well_formed(n: &str) -> bool {
    let b = n.as_bytes();
    if b.len() != 16 || !n.is_ascii() {
        return false;
    }
    let digitish = |c: u8| c.is_ascii_digit() || OMOCODIA.as_bytes().contains(&c);
    (0..6).all(|i| b[i].is_ascii_uppercase())
        && DIGIT_POSITIONS.iter().all(|&p| digitish(b[p - 1]))
        && MONTHS.as_bytes().contains(&b[8])
        && b[11].is_ascii_uppercase()
        && b[15].is_ascii_uppercase()
}

/// The code with every omocodia letter turned back into its digit (check letter not updated).
fn undo_omocodia(n: &str) -> String {
    n.char_indices()
        .map(|(i, c)| match OMOCODIA.find(c) {
            Some(d) if DIGIT_POSITIONS.contains(&(i + 1)) => char::from_digit(d as u32, 10).expect("digit"),
            _ => c,
        })
        .collect()
}

/// The check letter over the first 15 characters: odd positions (1-based) use the odd table,
/// even positions the character's plain value, sum mod 26 as a letter.
pub fn check_letter(first15: &str) -> char {
    let value = |c: u8| -> u32 {
        if c.is_ascii_digit() { (c - b'0') as u32 } else { (c - b'A') as u32 }
    };
    let sum: u32 = first15
        .bytes()
        .enumerate()
        .map(|(i, c)| if i % 2 == 0 { ODD_VALUES[value(c) as usize] } else { value(c) })
        .sum();
    (b'A' + (sum % 26) as u8) as char
}

fn birth_date(year2: i32, month: u32, day: u32, as_of: NaiveDate) -> Option<NaiveDate> {
    let mut year = as_of.year() / 100 * 100 + year2;
    if year > as_of.year() {
        year -= 100;
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    if date > as_of { NaiveDate::from_ymd_opt(year - 100, month, day) } else { Some(date) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn an_omocodic_code_decodes_to_its_base_code() {
        let v = check("MLPGFR61B1TGNTPR", as_of()).unwrap();
        assert_eq!(v.fields.base_code.as_deref(), Some("MLPGFR61B17G273X"));
        assert_eq!(v.fields.birth_date.as_deref(), Some("1961-02-17"));
        assert_eq!(v.fields.sex.as_deref(), Some("M"));
    }

    #[test]
    fn a_two_digit_year_is_never_read_as_a_future_year() {
        assert_eq!(birth_date(21, 3, 1, as_of()), NaiveDate::from_ymd_opt(2021, 3, 1));
        assert_eq!(birth_date(30, 3, 1, as_of()), NaiveDate::from_ymd_opt(1930, 3, 1));
        assert_eq!(birth_date(26, 6, 1, as_of()), NaiveDate::from_ymd_opt(1926, 6, 1));
    }
}
