//! Name components and their admissible MRZ renderings, per ICAO Doc 9303-3 §4.6 (name
//! structure: apostrophes deleted, hyphens and other punctuation separate components) and §6
//! Table A (transliteration of multinational Latin-based characters), with the alternatives that
//! Table A permits: Ä → AE|A, Å → AA|A, Ö → OE|O, Ü → UE|UXX|U, Ñ → N|NXX; single options
//! Ø → OE, Æ → AE, Œ → OE, Þ → TH, Ð → D, Ł → L, ß → SS, ı/İ → I, Ĳ → IJ; any other Latin
//! letter with diacritics → its base letter. Letters of other scripts are kept (upper-cased):
//! names in different scripts never reach this comparison (rule R3).

use unicode_normalization::UnicodeNormalization;

/// At most this many renderings are kept per component (first-listed variants first).
pub const MAX_RENDERINGS: usize = 64;

/// Splits a (normalised) field into components: whitespace, hyphens and dashes, commas and `<`
/// separate; apostrophes are deleted and their parts joined; other non-letters are dropped.
pub fn components(field: &str) -> Vec<String> {
    field
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | ',' | '<')
        })
        .map(|part| part.chars().filter(|c| c.is_alphabetic() || is_mark(*c)).collect::<String>())
        .filter(|part| part.chars().any(char::is_alphabetic))
        .collect()
}

fn is_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// The admissible renderings of one letter, first-listed first.
fn letter(c: char) -> Vec<String> {
    let fixed: &[&str] = match c {
        'Ä' | 'ä' => &["AE", "A"],
        'Å' | 'å' => &["AA", "A"],
        'Ö' | 'ö' => &["OE", "O"],
        'Ü' | 'ü' => &["UE", "UXX", "U"],
        'Ñ' | 'ñ' => &["N", "NXX"],
        'Ø' | 'ø' => &["OE"],
        'Æ' | 'æ' => &["AE"],
        'Œ' | 'œ' => &["OE"],
        'Þ' | 'þ' => &["TH"],
        'Ð' | 'ð' | 'Đ' | 'đ' => &["D"],
        'Ł' | 'ł' => &["L"],
        'ẞ' | 'ß' => &["SS"],
        'ı' | 'İ' => &["I"],
        'Ĳ' | 'ĳ' => &["IJ"],
        'Ħ' | 'ħ' => &["H"],
        'Ŧ' | 'ŧ' => &["T"],
        'Ŋ' | 'ŋ' => &["N"],
        'Ŀ' | 'ŀ' => &["L"],
        _ => &[],
    };
    if !fixed.is_empty() {
        return fixed.iter().map(|s| (*s).to_owned()).collect();
    }
    if is_mark(c) {
        return vec![String::new()];
    }
    // Base letter of a decomposable Latin letter (Č → C, é → E).
    let base = c.nfd().next().unwrap_or(c);
    if base.is_ascii_alphabetic() {
        return vec![base.to_ascii_uppercase().to_string()];
    }
    vec![c.to_uppercase().collect()]
}

/// Every admissible rendering of a component (capped at [`MAX_RENDERINGS`]).
pub fn renderings(component: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in component.chars() {
        let options = letter(c);
        let mut next = Vec::with_capacity(out.len() * options.len());
        'outer: for prefix in &out {
            for option in &options {
                if next.len() == MAX_RENDERINGS {
                    break 'outer;
                }
                next.push(format!("{prefix}{option}"));
            }
        }
        out = next;
    }
    out
}

/// The first-listed rendering of a component (the one an MRZ generator would print).
pub fn primary(component: &str) -> String {
    component.chars().map(|c| letter(c).swap_remove(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mueller_has_three_icao_renderings() {
        assert_eq!(renderings("Müller"), ["MUELLER", "MUXXLLER", "MULLER"]);
        assert_eq!(renderings("Strauß"), ["STRAUSS"]);
        assert_eq!(renderings("Işık"), ["ISIK"]);
    }

    #[test]
    fn apostrophes_join_and_hyphens_separate_components() {
        assert_eq!(components("O\u{2019}Connor"), ["OConnor"]);
        assert_eq!(components("García-López, Ana"), ["García", "López", "Ana"]);
        assert_eq!(components("  "), Vec::<String>::new());
    }
}
