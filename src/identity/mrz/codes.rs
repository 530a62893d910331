//! The three-letter codes that may appear as issuing state or nationality in an MRZ
//! (ICAO Doc 9303-3, 8th edition, §5 "Three-letter codes").
//!
//! They are the ISO 3166-1 alpha-3 codes (from the `rust_iso3166` crate) — except Germany,
//! which is `D` (§5 Part A; written `D<<`), so `DEU` is *not* an MRZ code — plus the codes
//! Doc 9303-3 adds for British nationality classes (Part B), the United Nations (Part C), other
//! issuing organisations (Part D) and persons without a nationality (Part E), and `UTO`, the
//! fictitious state of ICAO's specimens.

/// Doc 9303-3 §5 codes that are not ISO 3166-1 alpha-3.
const ICAO_ONLY: &[&str] = &[
    // Part A: Germany.
    "D",
    // Part B: British nationality classes.
    "GBD", "GBN", "GBO", "GBP", "GBS",
    // Part C: United Nations.
    "UNO", "UNA", "UNK",
    // Part D: other issuing organisations.
    "EUE", "XBA", "XIM", "XCC", "XCE", "XCO", "XDC", "XEC", "XES", "XMP", "XOM", "XPO",
    // Part E: persons without a nationality, refugees, unspecified.
    "XXA", "XXB", "XXC", "XXX",
    // Kosovo (issued by the Republic of Kosovo, accepted by ICAO's PKD).
    "RKS",
    // Utopia, the specimen state of Doc 9303.
    "UTO",
];

/// Whether `code` (fillers `<` already removed) may stand as an issuing state or nationality.
pub fn is_known(code: &str) -> bool {
    if ICAO_ONLY.contains(&code) {
        return true;
    }
    code.len() == 3 && code != "DEU" && rust_iso3166::from_alpha3(code).is_some()
}

/// The ISO 3166-1 alpha-3 code for an MRZ state code (`D` → `DEU`); other codes unchanged.
pub fn to_alpha3(code: &str) -> String {
    if code == "D" { "DEU".to_owned() } else { code.to_owned() }
}
