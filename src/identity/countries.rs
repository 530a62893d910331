//! Country and subdivision codes: ISO 3166-1 (alpha-2, alpha-3) and ISO 3166-2, from the
//! `rust_iso3166` crate, plus the ICAO Doc 9303-3 §5 codes that travel documents carry (`D` for
//! Germany, `XXA` stateless, `XXB`/`XXC` refugees, `XXX` unspecified nationality).

/// Nationality codes of Doc 9303-3 §5 Part E that are not countries but are valid nationalities.
const ICAO_NATIONALITIES: &[&str] = &["XXA", "XXB", "XXC", "XXX"];

/// A country or nationality code normalised to ISO 3166-1 alpha-3 (upper-cased; ICAO `D` and
/// `D<<` become `DEU`; Part E codes kept). `allow_alpha2` also accepts and converts alpha-2.
pub fn to_alpha3(code: &str, allow_alpha2: bool) -> Option<String> {
    let code = code.trim().trim_end_matches('<').to_ascii_uppercase();
    match code.len() {
        1 if code == "D" => Some("DEU".to_owned()),
        2 if allow_alpha2 => rust_iso3166::from_alpha2(&code).map(|c| c.alpha3.to_owned()),
        3 if ICAO_NATIONALITIES.contains(&code.as_str()) => Some(code),
        3 => rust_iso3166::from_alpha3(&code).map(|c| c.alpha3.to_owned()),
        _ => None,
    }
}

/// The ISO 3166-1 alpha-2 code of a country given as alpha-2 or alpha-3.
pub fn to_alpha2(code: &str) -> Option<String> {
    let code = code.trim().to_ascii_uppercase();
    match code.len() {
        2 => rust_iso3166::from_alpha2(&code).map(|c| c.alpha2.to_owned()),
        3 => rust_iso3166::from_alpha3(&code).map(|c| c.alpha2.to_owned()),
        _ => None,
    }
}

/// Whether `code` is an ISO 3166-2 subdivision code (`ES-M`, `CN-TJ`).
pub fn is_subdivision(code: &str) -> bool {
    rust_iso3166::iso3166_2::from_code(&code.trim().to_ascii_uppercase()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn germany_is_d_in_documents_and_deu_everywhere_else() {
        assert_eq!(to_alpha3("D<<", false).as_deref(), Some("DEU"));
        assert_eq!(to_alpha3("esp", false).as_deref(), Some("ESP"));
        assert_eq!(to_alpha3("ES", false), None);
        assert_eq!(to_alpha3("ES", true).as_deref(), Some("ESP"));
        assert_eq!(to_alpha3("XXA", false).as_deref(), Some("XXA"));
        assert_eq!(to_alpha3("ZZZ", true), None);
    }

    #[test]
    fn subdivisions_come_from_iso_3166_2() {
        assert!(is_subdivision("ES-M"));
        assert!(is_subdivision("cn-tj"));
        assert!(!is_subdivision("ES-ZZ"));
    }
}
