//! Property tests: for every scheme with a check digit, generated valid numbers are accepted and
//! changing one digit to another digit is caught. (The Dutch document number has no check
//! digit; its property is that the letter O is never accepted.)

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

use super::*;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn birth_date(from: i32, to: i32) -> impl Strategy<Value = NaiveDate> {
    (from..=to, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

/// Index of a digit in `s`, and a different digit to put there.
fn digit_change(s: &str, pick: usize, delta: u32) -> Option<(usize, char)> {
    let digits: Vec<usize> = s.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).collect();
    let at = *digits.get(pick % digits.len().max(1))?;
    let old = s.as_bytes()[at] - b'0';
    Some((at, char::from_digit((old as u32 + delta) % 10, 10).unwrap()))
}

fn changed(s: &str, at: usize, c: char) -> String {
    let mut out = s.to_owned();
    out.replace_range(at..at + 1, &c.to_string());
    out
}

fn assert_change_caught(scheme: Scheme, valid: &str, pick: usize, delta: u32) -> Result<(), TestCaseError> {
    prop_assert!(scheme.check(valid, as_of()).is_ok(), "{} rejects generated {valid}", scheme.name());
    if let Some((at, c)) = digit_change(valid, pick, delta) {
        let other = changed(valid, at, c);
        prop_assert!(scheme.check(&other, as_of()).is_err(), "{} accepts {other} (from {valid})", scheme.name());
    }
    Ok(())
}

/// Codes in use in every year (no bounds in the table).
const CN_REGIONS: [&str; 6] = ["110101", "110108", "310104", "230000", "110102", "110105"];
const DE_ALPHABET: &[u8] = b"0123456789CFGHJKLMNPRTVWXYZ";

proptest! {
    #[test]
    fn a_changed_digit_of_a_chinese_resident_number_is_caught(
        region in 0usize..6, birth in birth_date(1930, 2020), order in 0u32..1000, pick in 0usize..18, delta in 1u32..10,
    ) {
        let body = format!("{}{}{order:03}", CN_REGIONS[region], birth.format("%Y%m%d"));
        let number = format!("{body}{}", cn::check_character(&body));
        assert_change_caught(Scheme::CnRic, &number, pick, delta)?;
    }

    #[test]
    fn a_changed_digit_of_a_dni_or_nie_is_caught(n in 0u32..100_000_000, prefix in 0usize..3, pick in 0usize..8, delta in 1u32..10) {
        let dni = format!("{n:08}{}", es::control_letter(&format!("{n:08}")));
        assert_change_caught(Scheme::EsDni, &dni, pick, delta)?;
        let seven = n % 10_000_000;
        let nie = format!("{}{seven:07}{}", ["X", "Y", "Z"][prefix], es::control_letter(&format!("{prefix}{seven:07}")));
        assert_change_caught(Scheme::EsNie, &nie, pick, delta)?;
    }

    #[test]
    fn a_changed_digit_of_a_codice_fiscale_is_caught(
        letters in "[A-Z]{6}", birth in birth_date(1930, 2020), female in any::<bool>(), place in "[A-Z][0-9]{3}",
        omocodic in 0usize..8, pick in 0usize..7, delta in 1u32..10,
    ) {
        let day = birth.day() + if female { 40 } else { 0 };
        let month = "ABCDEHLMPRST".as_bytes()[birth.month0() as usize] as char;
        let mut first15: Vec<u8> = format!("{letters}{:02}{month}{day:02}{place}", birth.year() % 100).into_bytes();
        // Omocodia: replace the right-most digits with letters, as the Agenzia delle Entrate does.
        for &p in [15usize, 14, 13, 11, 10, 8, 7].iter().take(omocodic) {
            first15[p - 1] = b"LMNPQRSTUV"[(first15[p - 1] - b'0') as usize];
        }
        let first15 = String::from_utf8(first15).unwrap();
        let code = format!("{first15}{}", it::check_letter(&first15));
        assert_change_caught(Scheme::ItCodiceFiscale, &code, pick, delta)?;
    }

    #[test]
    fn a_changed_digit_of_a_cartao_de_cidadao_number_is_caught(
        civil in 0u32..1_000_000_000, version in "Z[A-Z]", pick in 0usize..10, delta in 1u32..10,
    ) {
        let first11 = format!("{civil:09}{version}");
        let number = format!("{first11}{}", pt::check_digit(&first11));
        assert_change_caught(Scheme::PtCc, &number, pick, delta)?;
    }

    #[test]
    fn a_changed_digit_of_a_nir_is_caught(
        sex in 1u32..=2, yy in 0u32..100, mm in 1u32..=12, dept in 1u32..96, commune in 1u32..1000, order in 1u32..1000,
        pick in 0usize..15, delta in 1u32..10,
    ) {
        let dept = if dept == 20 { 21 } else { dept };
        let first13 = format!("{sex}{yy:02}{mm:02}{dept:02}{commune:03}{order:03}");
        let number = format!("{first13}{}", fr::key(&first13));
        assert_change_caught(Scheme::FrNir, &number, pick, delta)?;
    }

    #[test]
    fn a_changed_digit_of_a_pesel_is_caught(birth in birth_date(1906, 2025), serial in 0u32..10_000, pick in 0usize..11, delta in 1u32..10) {
        let month = birth.month() + if birth.year() >= 2000 { 20 } else { 0 };
        let first10 = format!("{:02}{month:02}{:02}{serial:04}", birth.year() % 100, birth.day());
        let number = format!("{first10}{}", pl::check_digit(&first10));
        assert_change_caught(Scheme::PlPesel, &number, pick, delta)?;
    }

    #[test]
    fn a_changed_digit_of_a_german_card_number_is_caught(serial in proptest::collection::vec(0usize..27, 9), pick in 0usize..10, delta in 1u32..10) {
        let serial: String = serial.into_iter().map(|i| DE_ALPHABET[i] as char).collect();
        let number = format!("{serial}{}", crate::identity::mrz::check_digit(&serial));
        assert_change_caught(Scheme::DePersonalausweisMrz, &number, pick, delta)?;
    }

    /// Belgium's one blind spot: the century is told by which of two check numbers matches, so
    /// a few single-digit changes turn a number into the other century's valid number. Any
    /// change that is not caught must therefore decode to a different birth century.
    #[test]
    fn a_changed_digit_of_a_belgian_national_number_is_caught_or_changes_the_century(
        birth in birth_date(1930, 2025), order in 1u32..998, pick in 0usize..11, delta in 1u32..10,
    ) {
        let first9 = format!("{}{order:03}", birth.format("%y%m%d"));
        let century = birth.year() / 100 * 100;
        let number = format!("{first9}{:02}", be::check_number(&first9, century));
        let valid = Scheme::BeNn.check(&number, as_of());
        prop_assert!(valid.is_ok(), "rejects generated {number}");
        let (at, c) = digit_change(&number, pick, delta).unwrap();
        let other = changed(&number, at, c);
        if let Ok(v) = Scheme::BeNn.check(&other, as_of()) {
            let year = |f: &NumberFields| f.birth_date.as_deref().map(|d| d[..2].to_owned());
            prop_assert_ne!(year(&v.fields), year(&valid.unwrap().fields), "{} accepted in the same century", other);
        }
    }

    #[test]
    fn a_dutch_document_number_never_contains_the_letter_o(prefix in "[A-NP-Z]{2}", body in "[A-NP-Z0-9]{6}", last in 0u32..10, at in 0usize..8) {
        let number = format!("{prefix}{body}{last}");
        prop_assert!(Scheme::NlIdentiteitskaartnummer.check(&number, as_of()).is_ok());
        let with_o = changed(&number, at, 'O');
        prop_assert_eq!(Scheme::NlIdentiteitskaartnummer.check(&with_o, as_of()).unwrap_err().class, ErrorClass::Format);
    }
}
