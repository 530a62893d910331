//! Name hygiene and normalisation: rules R1 and R2 of `names_RULES.md` (the policy behind
//! `shared/testdata/identity/names.jsonl`), shared by the registry comparison and by intake.
//!
//! - R1 rejects, before any folding: General Category Cf, Cc (tab excepted), Co, Cs, Zl, Zp;
//!   zero-width and bidi controls, soft hyphen, CGJ, Mongolian vowel separator; Mathematical
//!   Alphanumeric Symbols (U+1D400..U+1D7FF, which NFKC would silently fold to ASCII); and any
//!   decimal digit (General Category Nd), since ICAO Doc 9303-3 §4.6 allows no digits in names.
//! - R2 folds full-width ASCII (U+FF01..U+FF5E) to ASCII, applies Unicode NFC (UAX #15) and
//!   collapses whitespace — no other compatibility folding — and then rejects a token (split on
//!   whitespace and ASCII hyphen) whose letters mix scripts, using the resolved script sets of
//!   UTS #39 §5.1 (so Han+Hiragana+Katakana and Han+Hangul are single-script).

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_script::{Script, UnicodeScript};
use unicode_security::mixed_script::AugmentedScriptSet;

/// Why a name string is rejected (never repeats the string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An invisible, control, private-use or bidi character.
    Invisible(char),
    /// A Mathematical Alphanumeric Symbol such as 𝐉.
    MathAlphanumeric(char),
    /// A decimal digit of any script.
    Digit(char),
    /// A token whose letters come from several scripts (e.g. Latin with a Cyrillic `а`);
    /// the scripts found, by Unicode name.
    MixedScript(Vec<&'static str>),
}

impl Problem {
    /// A stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Invisible(_) => "invisible_character",
            Problem::MathAlphanumeric(_) => "invalid_character",
            Problem::Digit(_) => "digit_in_name",
            Problem::MixedScript(_) => "mixed_script",
        }
    }

    /// What is wrong, for a log or rule trace: code points and script names only.
    pub fn describe(&self) -> String {
        match self {
            Problem::Invisible(c) => format!("invisible/control character U+{:04X}", *c as u32),
            Problem::MathAlphanumeric(c) => format!("mathematical alphanumeric symbol U+{:04X}", *c as u32),
            Problem::Digit(c) => format!("digit U+{:04X} in a name", *c as u32),
            Problem::MixedScript(scripts) => format!("mixed scripts in one token: {scripts:?}"),
        }
    }

    /// A sentence for the tenant.
    pub fn message(&self) -> &'static str {
        match self {
            Problem::Invisible(_) => {
                "The name contains an invisible or control character. Type it again without copying and pasting."
            }
            Problem::MathAlphanumeric(_) => "The name contains decorative letters. Type it with ordinary letters.",
            Problem::Digit(_) => "A name cannot contain digits.",
            Problem::MixedScript(_) => {
                "A word of the name mixes letters of different alphabets (for example a Cyrillic letter in a Latin name). Type it again in one alphabet."
            }
        }
    }
}

/// R1 on the raw string.
pub fn raw_problem(s: &str) -> Option<Problem> {
    s.chars().find_map(|c| {
        if is_invisible(c) {
            Some(Problem::Invisible(c))
        } else if ('\u{1D400}'..='\u{1D7FF}').contains(&c) {
            Some(Problem::MathAlphanumeric(c))
        } else if c.general_category() == GeneralCategory::DecimalNumber {
            Some(Problem::Digit(c))
        } else {
            None
        }
    })
}

fn is_invisible(c: char) -> bool {
    use GeneralCategory as G;
    let listed = matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
            | '\u{034F}'
    );
    let category = match c.general_category() {
        G::Control => c != '\t',
        G::Format | G::PrivateUse | G::Surrogate | G::LineSeparator | G::ParagraphSeparator => true,
        _ => false,
    };
    listed || category
}

/// R2 steps 1–3: full-width ASCII folded, NFC, whitespace collapsed and trimmed.
pub fn normalize(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    let nfc: String = folded.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// R2 step 4 on a normalised string: the first token whose letters mix scripts.
pub fn mixed_script_problem(normalized: &str) -> Option<Problem> {
    normalized.split(|c: char| c.is_whitespace() || c == '-').find_map(|token| {
        let set = AugmentedScriptSet::for_str(token);
        set.is_empty().then(|| Problem::MixedScript(scripts(token)))
    })
}

/// R1 then R2: the normalised string, or the first problem.
pub fn check(s: &str) -> Result<String, Problem> {
    if let Some(p) = raw_problem(s) {
        return Err(p);
    }
    let n = normalize(s);
    match mixed_script_problem(&n) {
        Some(p) => Err(p),
        None => Ok(n),
    }
}

/// The scripts of the letters of `s` (Common, Inherited and Unknown ignored), by Unicode
/// name, sorted.
pub fn scripts(s: &str) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = s
        .chars()
        .map(|c| c.script())
        .filter(|sc| !matches!(sc, Script::Common | Script::Inherited | Script::Unknown))
        .map(Script::full_name)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// Whether the strings, taken together, use a single script in the sense of UTS #39 §5.1
/// (Common/Inherited characters fit any script; Japanese and Korean mixes count as one).
pub fn single_script(parts: &[&str]) -> bool {
    let mut set = AugmentedScriptSet::default();
    for p in parts {
        set.intersect_with(AugmentedScriptSet::for_str(p));
    }
    !set.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cyrillic_a_inside_a_latin_name_is_mixed_script() {
        assert_eq!(check("Iv\u{430}nov"), Err(Problem::MixedScript(vec!["Cyrillic", "Latin"])));
        assert!(check("Иванов Ivan").is_ok(), "different scripts in different tokens are not mixed tokens");
    }

    #[test]
    fn japanese_and_korean_mixes_are_one_script() {
        assert!(check("山田たろう").is_ok());
        assert!(check("김金").is_ok());
    }

    #[test]
    fn invisible_characters_digits_and_math_letters_are_rejected_before_folding() {
        assert_eq!(check("Fros\u{200B}t"), Err(Problem::Invisible('\u{200B}')));
        assert_eq!(check("J0hn"), Err(Problem::Digit('0')));
        assert_eq!(check("\u{1D409}ohn"), Err(Problem::MathAlphanumeric('\u{1D409}')));
        assert_eq!(check("\u{FF3A}\u{FF28}\u{FF21}\u{FF2E}\u{FF27}"), Ok("ZHANG".to_owned()));
    }
}
