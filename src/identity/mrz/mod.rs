//! ICAO Doc 9303 machine-readable zones: TD1 (3 × 30, Part 5), TD2 (2 × 36, Part 6) and TD3
//! (2 × 44, Part 4).
//!
//! [`parse`] reads a zone into an [`MrzReport`]: the fields, every check digit (Doc 9303-3
//! §4.9: weights 7 3 1, `<` = 0, `A`..`Z` = 10..35), and the structure errors (line count and
//! length, characters outside `A-Z 0-9 <`, document code, sex not `M`/`F`/`<`, unknown state
//! code, impossible date, empty primary identifier). It also handles:
//!
//! - long document numbers (Parts 5 and 6, note j): when the check-digit position after the
//!   nine-character number holds `<`, the rest of the number, its check digit and a `<` open the
//!   optional data field;
//! - unknown parts of the date of birth written `<<` (Part 3 §4.8), reported as `XX`
//!   (`1974-08-XX`);
//! - Germany's code `D<<` (Part 3 §5 Part A); `DEU` in an MRZ is a structure error;
//! - an empty TD3 personal number whose check digit is `<` or `0` (Part 4).
//!
//! Birth year = 20YY unless that is after `as_of`, then 19YY; expiry year = 20YY.
//! Pure code: `as_of` is passed in.

pub mod codes;
mod layout;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::identity::documents::ErrorClass;
use layout::{Raw, cut_td1, cut_td2, cut_td3};

/// The three ICAO 9303 size formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Format {
    #[serde(rename = "TD1")]
    Td1,
    #[serde(rename = "TD2")]
    Td2,
    #[serde(rename = "TD3")]
    Td3,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Td1 => "TD1",
            Format::Td2 => "TD2",
            Format::Td3 => "TD3",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_uppercase().as_str() {
            "TD1" => Some(Format::Td1),
            "TD2" => Some(Format::Td2),
            "TD3" => Some(Format::Td3),
            _ => None,
        }
    }

    /// (lines, characters per line).
    pub fn shape(self) -> (usize, usize) {
        match self {
            Format::Td1 => (3, 30),
            Format::Td2 => (2, 36),
            Format::Td3 => (2, 44),
        }
    }

    fn from_width(width: usize) -> Option<Format> {
        [Format::Td1, Format::Td2, Format::Td3].into_iter().find(|f| f.shape().1 == width)
    }
}

/// Which check digits hold. `optional_data` exists for TD3 only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckDigits {
    pub document_number: bool,
    pub birth_date: bool,
    pub expiry_date: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub optional_data: Option<bool>,
    pub composite: bool,
}

impl CheckDigits {
    pub fn all(&self) -> bool {
        self.document_number && self.birth_date && self.expiry_date && self.optional_data != Some(false) && self.composite
    }
}

/// The fields of a zone, fillers removed. Names keep the MRZ's transliterated upper case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MrzFields {
    /// `P`, `PP`, `I`, `ID`, `AC`, ... (trailing `<` removed).
    pub document_type: String,
    /// Issuing state as written (`D` for Germany); see [`codes::to_alpha3`].
    pub issuing_state: String,
    /// Primary identifier, components joined by a space.
    pub surname: String,
    /// Secondary identifier, components joined by a space.
    pub given_names: String,
    pub surname_components: Vec<String>,
    pub given_name_components: Vec<String>,
    /// The whole document number, including a long number's overflow.
    pub document_number: String,
    pub document_number_long: bool,
    pub nationality: String,
    pub birth_date_raw: String,
    /// ISO 8601, `XX` for unknown parts; `null` when impossible.
    pub birth_date: Option<String>,
    /// `M`, `F` or `<` (unspecified); anything else is kept and reported as a structure error.
    pub sex: String,
    pub expiry_date_raw: String,
    pub expiry_date: Option<String>,
    /// TD1 line 1 / TD2 / TD3 personal number optional data (after a long number's overflow).
    pub optional_data: String,
    /// TD1 line 2 optional data.
    pub optional_data_2: String,
    /// The name field is full to its last character, so the name may have been truncated.
    pub name_truncation_possible: bool,
}

/// Everything [`parse`] found out about one zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MrzReport {
    /// The format by shape (or by hint); `None` when nothing fits.
    pub format: Option<Format>,
    /// All check digits hold and there is no structure error.
    pub valid: bool,
    /// `null` when the zone could not be cut into fields (wrong shape or characters).
    pub check_digits: Option<CheckDigits>,
    pub structure_errors: Vec<String>,
    pub fields: Option<MrzFields>,
    /// The expiry date is before the reference date (a policy signal, not an MRZ error).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_as_of: Option<bool>,
    /// The lines as read (after trimming line ends).
    #[serde(skip)]
    pub lines: Vec<String>,
    #[serde(skip)]
    kinds: Vec<ErrorClass>,
}

impl MrzReport {
    /// The class of the first structure error, else `checksum` if a check digit fails.
    pub fn error_class(&self) -> Option<ErrorClass> {
        if let Some(kind) = self.kinds.first() {
            return Some(*kind);
        }
        match self.check_digits {
            Some(c) if !c.all() => Some(ErrorClass::Checksum),
            _ => None,
        }
    }

    /// The birth date when fully known.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let f = self.fields.as_ref()?;
        NaiveDate::parse_from_str(f.birth_date.as_deref()?, "%Y-%m-%d").ok()
    }

    pub fn expiry_date(&self) -> Option<NaiveDate> {
        let f = self.fields.as_ref()?;
        NaiveDate::parse_from_str(f.expiry_date.as_deref()?, "%Y-%m-%d").ok()
    }
}

/// The ICAO 9303 check digit (Doc 9303-3 §4.9) of `field`: values `0-9` → 0..9, `A-Z` →
/// 10..35, `<` → 0 (any other character counts 0), weights 7, 3, 1 repeating, sum mod 10.
pub fn check_digit(field: &str) -> u8 {
    let sum: u32 = field
        .bytes()
        .zip([7u32, 3, 1].into_iter().cycle())
        .map(|(b, w)| {
            let v = match b {
                b'0'..=b'9' => (b - b'0') as u32,
                b'A'..=b'Z' => (b - b'A') as u32 + 10,
                _ => 0,
            };
            v * w
        })
        .sum();
    (sum % 10) as u8
}

fn digit_matches(field: &str, check: u8) -> bool {
    check.is_ascii_digit() && check - b'0' == check_digit(field)
}

/// Parses a zone (lines separated by `\n`; blank space around each line ignored) as of the
/// reference date `as_of`. `hint` forces a format; otherwise the width of the lines decides.
pub fn parse(text: &str, hint: Option<Format>, as_of: NaiveDate) -> MrzReport {
    let lines: Vec<String> =
        text.trim().lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
    let mut report = MrzReport {
        format: None,
        valid: false,
        check_digits: None,
        structure_errors: vec![],
        fields: None,
        expired_as_of: None,
        lines: lines.clone(),
        kinds: vec![],
    };
    let Some(format) = hint.or_else(|| guess_format(&lines)) else {
        report.error(ErrorClass::Length, "expected 3 lines of 30, 2 lines of 36 or 2 lines of 44 characters".into());
        return report;
    };
    report.format = Some(format);
    let (count, width) = format.shape();
    if lines.len() != count || lines.iter().any(|l| l.chars().count() != width) {
        report.error(ErrorClass::Length, format!("expected {count} lines of {width} characters"));
        return report;
    }
    let mut bad: Vec<char> = lines.iter().flat_map(|l| l.chars()).filter(|c| !is_mrz_char(*c)).collect();
    if !bad.is_empty() {
        bad.sort_unstable();
        bad.dedup();
        report.error(ErrorClass::Format, format!("characters outside A-Z 0-9 <: {}", bad.into_iter().collect::<String>()));
        return report;
    }
    let raw = match format {
        Format::Td1 => cut_td1(&lines),
        Format::Td2 => cut_td2(&lines),
        Format::Td3 => cut_td3(&lines),
    };
    report.read(format, raw, as_of);
    report
}

/// The format a zone was meant to be: the first line's width when it is one of the three,
/// else the format with that many lines whose width is closest to the longest line.
fn guess_format(lines: &[String]) -> Option<Format> {
    let widest = lines.iter().map(|l| l.chars().count()).max()?;
    if let Some(f) = lines.first().and_then(|l| Format::from_width(l.chars().count())) {
        return Some(f);
    }
    let all = [Format::Td1, Format::Td2, Format::Td3];
    let same_count: Vec<Format> = all.into_iter().filter(|f| f.shape().0 == lines.len()).collect();
    let candidates = if same_count.is_empty() { all.to_vec() } else { same_count };
    candidates.into_iter().min_by_key(|f| f.shape().1.abs_diff(widest))
}

fn is_mrz_char(c: char) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit() || c == '<'
}

impl MrzReport {
    fn error(&mut self, kind: ErrorClass, message: String) {
        self.kinds.push(kind);
        self.structure_errors.push(message);
    }

    fn read(&mut self, format: Format, raw: Raw<'_>, as_of: NaiveDate) {
        // Document number, with the overflow of a long number (TD1/TD2 only).
        let short = raw.number.trim_end_matches('<');
        let (document_number, long, number_ok, optional) =
            if format != Format::Td3 && raw.number_check == b'<' && !raw.overflow.starts_with('<') {
                let end = raw.overflow.find('<').unwrap_or(raw.overflow.len());
                let (rest, check) = raw.overflow[..end].split_at(end - 1);
                let full = format!("{}{}", raw.number, rest);
                let ok = digit_matches(&full, check.as_bytes()[0]);
                (full, true, ok, &raw.overflow[end..])
            } else {
                (short.to_owned(), false, digit_matches(raw.number, raw.number_check), raw.overflow)
            };
        let optional_ok = raw.optional_check.map(|check| {
            if raw.overflow.bytes().all(|b| b == b'<') {
                check == b'<' || check == b'0'
            } else {
                digit_matches(raw.overflow, check)
            }
        });
        self.check_digits = Some(CheckDigits {
            document_number: number_ok,
            birth_date: digit_matches(raw.birth, raw.birth_check),
            expiry_date: digit_matches(raw.expiry, raw.expiry_check),
            optional_data: optional_ok,
            composite: digit_matches(&raw.composite_input, raw.composite_check),
        });

        let code_ok = match format {
            Format::Td3 => raw.code.starts_with('P'),
            _ => raw.code.starts_with(['A', 'C', 'I']),
        };
        if !code_ok {
            self.error(ErrorClass::Format, "document code".into());
        }
        let state = raw.state.trim_end_matches('<');
        if !codes::is_known(state) {
            self.error(ErrorClass::Region, format!("issuing state code '{state}' unknown"));
        }
        let nationality = raw.nationality.trim_end_matches('<');
        if !codes::is_known(nationality) {
            self.error(ErrorClass::Region, format!("nationality code '{nationality}' unknown"));
        }
        let birth_date = birth_date(raw.birth, as_of);
        if birth_date.is_none() {
            self.error(ErrorClass::Date, "birth date: impossible date".into());
        }
        if !matches!(raw.sex, "M" | "F" | "<") {
            self.error(ErrorClass::Format, format!("sex '{}' (Doc 9303 allows F, M or < in the MRZ)", raw.sex));
        }
        let expiry = expiry_date(raw.expiry);
        if expiry.is_none() {
            self.error(ErrorClass::Date, "expiry date: impossible date".into());
        }
        let (surname_components, given_name_components) = split_name(raw.name);
        if surname_components.is_empty() {
            self.error(ErrorClass::Format, "empty primary identifier".into());
        }
        self.expired_as_of = expiry.map(|e| e < as_of);
        self.fields = Some(MrzFields {
            document_type: raw.code.trim_end_matches('<').to_owned(),
            issuing_state: state.to_owned(),
            surname: surname_components.join(" "),
            given_names: given_name_components.join(" "),
            surname_components,
            given_name_components,
            document_number,
            document_number_long: long,
            nationality: nationality.to_owned(),
            birth_date_raw: raw.birth.to_owned(),
            birth_date: birth_date.map(|d| d.to_string()),
            sex: raw.sex.to_owned(),
            expiry_date_raw: raw.expiry.to_owned(),
            expiry_date: expiry.map(|d| d.to_string()),
            optional_data: optional.trim_end_matches('<').to_owned(),
            optional_data_2: raw.optional_2.trim_end_matches('<').to_owned(),
            name_truncation_possible: !raw.name.ends_with('<'),
        });
        self.valid = self.structure_errors.is_empty() && self.check_digits.is_some_and(|c| c.all());
    }
}

/// Splits the name field at the first `<<` into primary and secondary identifier components.
fn split_name(name: &str) -> (Vec<String>, Vec<String>) {
    let (primary, secondary) = name.split_once("<<").unwrap_or((name, ""));
    let parts = |s: &str| s.split('<').filter(|p| !p.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    (parts(primary), parts(secondary))
}

/// A birth date that may have unknown parts, rendered ISO-style with `XX`; `None` if impossible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub year: Option<i32>,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl std::fmt::Display for PartialDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.year {
            Some(y) => write!(f, "{y:04}")?,
            None => write!(f, "XXXX")?,
        }
        for part in [self.month, self.day] {
            match part {
                Some(v) => write!(f, "-{v:02}")?,
                None => write!(f, "-XX")?,
            }
        }
        Ok(())
    }
}

fn two(s: &str) -> Result<Option<u32>, ()> {
    match s {
        "<<" => Ok(None),
        _ if s.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(s.parse().expect("digits"))),
        _ => Err(()),
    }
}

/// YYMMDD with `<<` for unknown parts; 20YY unless after `as_of`, then 19YY.
fn birth_date(raw: &str, as_of: NaiveDate) -> Option<PartialDate> {
    let (yy, mm, dd) = (two(&raw[0..2]).ok()?, two(&raw[2..4]).ok()?, two(&raw[4..6]).ok()?);
    let year = yy.map(|yy| {
        let y = 2000 + yy as i32;
        let after = match (mm, dd) {
            (Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).is_some_and(|date| date > as_of) || y > as_of.year(),
            (Some(m), None) => y > as_of.year() || (y == as_of.year() && m > as_of.month()),
            _ => y > as_of.year(),
        };
        if after { y - 100 } else { y }
    });
    if mm.is_some_and(|m| !(1..=12).contains(&m)) || dd.is_some_and(|d| !(1..=31).contains(&d)) {
        return None;
    }
    if let (Some(y), Some(m), Some(d)) = (year, mm, dd) {
        NaiveDate::from_ymd_opt(y, m, d)?;
    }
    if let (Some(m), Some(d)) = (mm, dd) {
        // Without a year, 29 February is still possible.
        NaiveDate::from_ymd_opt(2000, m, d)?;
    }
    Some(PartialDate { year, month: mm, day: dd })
}

/// YYMMDD read as 20YY; every part must be known.
fn expiry_date(raw: &str) -> Option<NaiveDate> {
    if !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(2000 + raw[0..2].parse::<i32>().ok()?, raw[2..4].parse().ok()?, raw[4..6].parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    }

    #[test]
    fn the_check_digit_of_the_icao_specimen_number_is_six() {
        assert_eq!(check_digit("L898902C3"), 6);
        assert_eq!(check_digit("740812"), 2);
        assert_eq!(check_digit("<<<<<<"), 0);
    }

    #[test]
    fn the_td3_specimen_parses_with_every_check_digit() {
        let r = parse(
            "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
            None,
            as_of(),
        );
        assert!(r.valid, "{r:?}");
        let f = r.fields.unwrap();
        assert_eq!(f.surname, "ERIKSSON");
        assert_eq!(f.given_name_components, ["ANNA", "MARIA"]);
        assert_eq!(f.birth_date.as_deref(), Some("1974-08-12"));
        assert_eq!(r.expired_as_of, Some(true));
    }

    #[test]
    fn a_short_line_is_reported_against_the_format_it_was_meant_to_be() {
        let td3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";
        assert_eq!(parse(td3, None, as_of()).structure_errors, ["expected 2 lines of 44 characters"]);
        assert_eq!(parse("", None, as_of()).format, None);
    }

    #[test]
    fn unknown_birth_date_parts_are_written_xx() {
        assert_eq!(birth_date("7408<<", as_of()).unwrap().to_string(), "1974-08-XX");
        assert_eq!(birth_date("74<<<<", as_of()).unwrap().to_string(), "1974-XX-XX");
        assert!(birth_date("741312", as_of()).is_none());
    }
}
