//! Where each field sits in the three MRZ formats: ICAO Doc 9303-5 §4.2.2 (TD1, 3 × 30),
//! Doc 9303-6 §4.2.2 (TD2, 2 × 36) and Doc 9303-4 §4.2.2 (TD3, 2 × 44), including which
//! characters each composite check digit covers. The lines must already be known to be ASCII
//! and of the right length.

/// The zone cut into its positional fields (all ASCII, checked before cutting).
pub(super) struct Raw<'a> {
    pub(super) code: &'a str,
    pub(super) state: &'a str,
    pub(super) name: &'a str,
    pub(super) number: &'a str,
    pub(super) number_check: u8,
    /// Optional field that a long document number overflows into.
    pub(super) overflow: &'a str,
    pub(super) nationality: &'a str,
    pub(super) birth: &'a str,
    pub(super) birth_check: u8,
    pub(super) sex: &'a str,
    pub(super) expiry: &'a str,
    pub(super) expiry_check: u8,
    pub(super) optional_2: &'a str,
    /// TD3 personal number check digit.
    pub(super) optional_check: Option<u8>,
    pub(super) composite_input: String,
    pub(super) composite_check: u8,
}

pub(super) fn cut_td1(l: &[String]) -> Raw<'_> {
    let (a, b, c) = (l[0].as_str(), l[1].as_str(), l[2].as_str());
    Raw {
        code: &a[0..2],
        state: &a[2..5],
        number: &a[5..14],
        number_check: a.as_bytes()[14],
        overflow: &a[15..30],
        birth: &b[0..6],
        birth_check: b.as_bytes()[6],
        sex: &b[7..8],
        expiry: &b[8..14],
        expiry_check: b.as_bytes()[14],
        nationality: &b[15..18],
        optional_2: &b[18..29],
        composite_input: format!("{}{}{}{}", &a[5..30], &b[0..7], &b[8..15], &b[18..29]),
        composite_check: b.as_bytes()[29],
        optional_check: None,
        name: c,
    }
}

pub(super) fn cut_td2(l: &[String]) -> Raw<'_> {
    let (a, b) = (l[0].as_str(), l[1].as_str());
    Raw {
        code: &a[0..2],
        state: &a[2..5],
        name: &a[5..36],
        number: &b[0..9],
        number_check: b.as_bytes()[9],
        nationality: &b[10..13],
        birth: &b[13..19],
        birth_check: b.as_bytes()[19],
        sex: &b[20..21],
        expiry: &b[21..27],
        expiry_check: b.as_bytes()[27],
        overflow: &b[28..35],
        optional_2: "",
        optional_check: None,
        composite_input: format!("{}{}{}", &b[0..10], &b[13..20], &b[21..35]),
        composite_check: b.as_bytes()[35],
    }
}

pub(super) fn cut_td3(l: &[String]) -> Raw<'_> {
    let (a, b) = (l[0].as_str(), l[1].as_str());
    Raw {
        code: &a[0..2],
        state: &a[2..5],
        name: &a[5..44],
        number: &b[0..9],
        number_check: b.as_bytes()[9],
        nationality: &b[10..13],
        birth: &b[13..19],
        birth_check: b.as_bytes()[19],
        sex: &b[20..21],
        expiry: &b[21..27],
        expiry_check: b.as_bytes()[27],
        overflow: &b[28..42],
        optional_2: "",
        optional_check: Some(b.as_bytes()[42]),
        composite_input: format!("{}{}{}", &b[0..10], &b[13..20], &b[21..43]),
        composite_check: b.as_bytes()[43],
    }
}

