//! China resident identity card number (居民身份证号码), GB 11643-1999 "Citizen identification
//! number".
//!
//! Layout (§5): six-digit address code (GB/T 2260 code of the registered residence, §5.2),
//! eight-digit birth date `YYYYMMDD` (§5.3), three-digit order code whose parity gives the sex
//! (odd = male, §5.4), and a check character computed with ISO 7064 MOD 11-2 over the first 17
//! digits (§5.5), where the value 10 is written `X`.
//!
//! Checks, in order: 18 characters (`length`; a 15-digit first-generation number — cards that
//! ceased to be valid on 2013-01-01 — is a `length` error, [`upgrade_15`] gives its 18-digit
//! form), 17 digits (`format`), check character (`checksum`), a real birth date (`date`), an
//! address code that exists and was not retired before the birth year (`region`, from
//! [`regions`]; see [`regions::for_holder_born`]), then a birth date not after `as_of` and not
//! more than 120 years before it (`date`).

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use super::{ErrorClass, Invalid, NumberFields, Valid, all_digits, compact, digit, impossible_date, plausible_birth};

pub fn check(input: &str, as_of: NaiveDate) -> Result<Valid, Invalid> {
    let n = compact(input, &[' ', '-']);
    if n.chars().count() != 18 {
        let reason = if n.chars().count() == 15 && all_digits(&n) {
            "This is a first-generation 15-digit number; those cards are no longer valid. Give the 18-character number."
        } else {
            "A resident identity card number has 18 characters."
        };
        return Err(Invalid::new(ErrorClass::Length, reason));
    }
    if !n.chars().take(17).all(|c| c.is_ascii_digit()) {
        return Err(Invalid::new(ErrorClass::Format, "Only the last character of the number may be a letter (X)."));
    }
    if n[17..] != check_character(&n[..17]).to_string() {
        return Err(Invalid::new(ErrorClass::Checksum, ErrorClass::Checksum.message()));
    }
    let birth = NaiveDate::parse_from_str(&n[6..14], "%Y%m%d").map_err(|_| impossible_date())?;
    let code: u32 = n[..6].parse().expect("six digits");
    let place = regions::for_holder_born(code, birth.year())
        .ok_or(Invalid::new(ErrorClass::Region, ErrorClass::Region.message()))?;
    let age = plausible_birth(birth, as_of)?;
    let order = digit(n.as_bytes()[16]);
    Ok(Valid {
        normalized: n.clone(),
        fields: NumberFields {
            birth_date: Some(birth.to_string()),
            age: Some(age),
            sex: Some(if order % 2 == 1 { "M" } else { "F" }.to_owned()),
            region_code: Some(n[..6].to_owned()),
            province: Some(place.province.to_owned()),
            county: Some(place.county.to_owned()),
            ..NumberFields::default()
        },
    })
}

/// The ISO 7064 MOD 11-2 check character over 17 digits (GB 11643-1999 §5.5): weights
/// 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11, 10 written `X`.
pub fn check_character(body: &str) -> char {
    let sum: u32 = body.bytes().enumerate().map(|(i, b)| digit(b) * (1u32 << (17 - i)) % 11).sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        v => char::from_digit(v, 10).expect("below 10"),
    }
}

/// The 18-digit form of a 15-digit first-generation number (`YYMMDD` read as 19YY): insert
/// `19` before the year and append the check character. `None` unless the input is 15 digits.
pub fn upgrade_15(input: &str) -> Option<String> {
    let n = compact(input, &[' ', '-']);
    if n.len() != 15 || !all_digits(&n) {
        return None;
    }
    let body = format!("{}19{}", &n[..6], &n[6..]);
    let check = check_character(&body);
    Some(format!("{body}{check}"))
}

/// GB/T 2260 address codes with the years in which each was in use; the table is
/// `identity/data/cn_regions.tsv` (provenance in `identity/data/README.md`).
pub mod regions {
    use super::*;

    /// The names a code had while in use.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Place {
        pub province: &'static str,
        pub county: &'static str,
    }

    struct Period {
        first: Option<i32>,
        last: Option<i32>,
        place: Place,
    }

    static TABLE: LazyLock<HashMap<u32, Vec<Period>>> = LazyLock::new(|| {
        let mut table: HashMap<u32, Vec<Period>> = HashMap::new();
        for line in include_str!("../data/cn_regions.tsv").lines() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').collect();
            let [code, first, last, province, county] = cols[..] else {
                panic!("cn_regions.tsv: malformed row");
            };
            let year = |s: &str| (!s.is_empty()).then(|| s.parse::<i32>().expect("cn_regions.tsv: year"));
            table.entry(code.parse().expect("cn_regions.tsv: code")).or_default().push(Period {
                first: year(first),
                last: year(last),
                place: Place { province, county },
            });
        }
        table
    });

    /// The place that `code` denoted in `year`, if the code was in use that year.
    pub fn lookup(code: u32, year: i32) -> Option<Place> {
        TABLE.get(&code)?.iter().find(|p| p.first.is_none_or(|f| year >= f) && p.last.is_none_or(|l| year <= l)).map(|p| p.place)
    }

    /// The place a holder born in `birth_year` can carry `code` for, or `None` if they cannot.
    ///
    /// GB 11643-1999 §5.2 gives the address code of the holder's registered residence when the
    /// number is assigned, which is at or after birth (numbers were first assigned in 1984–85,
    /// to people of every age). So a code retired before the birth year is impossible
    /// (`region`), while a code created after the birth year is possible: everyone registered
    /// in Shenzhen's Nanshan district (440305, in use from 1990) carries it, whenever they were
    /// born. python-stdnum also rejects the latter; that is its error, not the standard's.
    /// The name returned is the one in use in the birth year, else the first one after it.
    pub fn for_holder_born(code: u32, birth_year: i32) -> Option<Place> {
        lookup(code, birth_year).or_else(|| {
            let periods = TABLE.get(&code)?;
            let later = periods.iter().filter(|p| p.first.is_some_and(|f| f > birth_year));
            later.min_by_key(|p| p.first).map(|p| p.place)
        })
    }

    /// Whether `code` exists in the table at all (in any year).
    pub fn exists(code: u32) -> bool {
        TABLE.contains_key(&code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn the_standard_example_number_is_valid_with_check_x() {
        // GB 11643-1999 Annex A example: 11010519491231002X.
        let v = check("11010519491231002x", as_of()).unwrap();
        assert_eq!(v.normalized, "11010519491231002X");
        assert_eq!(v.fields.sex.as_deref(), Some("F"));
        assert_eq!(v.fields.birth_date.as_deref(), Some("1949-12-31"));
    }

    #[test]
    fn a_retired_region_code_is_valid_only_for_people_born_while_it_was_in_use() {
        assert!(regions::for_holder_born(110110, 1966).is_some());
        assert!(regions::for_holder_born(110110, 1990).is_none());
        assert!(!regions::exists(0));
    }

    #[test]
    fn a_region_code_created_after_the_birth_year_is_possible() {
        // 440305 (南山区) is in use from 1990; people born earlier who live there carry it.
        assert!(regions::lookup(440305, 1950).is_none());
        assert_eq!(regions::for_holder_born(440305, 1950).map(|p| p.county), Some("南头区办事处"));
        assert_eq!(regions::for_holder_born(440305, 1995).map(|p| p.county), Some("南山区"));
    }

    #[test]
    fn a_fifteen_digit_number_upgrades_with_nineteen_and_a_check_character() {
        assert_eq!(upgrade_15("653100521126458").as_deref(), Some("653100195211264586"));
        assert_eq!(check("653100521126458", as_of()).unwrap_err().class, ErrorClass::Length);
    }
}
