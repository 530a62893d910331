//! Comparing a declared name with the population registry's record.
//!
//! [`match_names`] applies the rules of `shared/testdata/identity/names_RULES.md` in order,
//! the first that fires deciding:
//!
//! | rule | what | decision |
//! | --- | --- | --- |
//! | R1, R2 | invisible/control characters, math letters, digits (Doc 9303-3 §4.6); mixed scripts inside one token (UTS #39 §5.1) | `reject_input` |
//! | R3 | different scripts (张伟 vs ZHANG WEI, Иванов vs IVANOV, whole-script confusables) | `needs_transliteration` |
//! | R4 | ideographic/Hangul names: equal after NFC ignoring spaces, else review | `match` / `needs_review` |
//! | R5 | components equal under ICAO Doc 9303-3 §6 Table A renderings | `match` |
//! | R6 | family and given names swapped | `probable_match` |
//! | R6b | same components, different order within a field | `needs_review` |
//! | R7 | one field equal, the other's declared components a strict in-order subsequence | `probable_match` |
//! | R8 | one field equal, the declared field has extra components | `needs_review` |
//! | R9 | equal once separators are ignored | `probable_match` |
//! | R10 | Jaro-Winkler on MRZ renderings, weaker field ≥ 0.94 / ≥ 0.85 / below | `probable_match` / `needs_review` / `no_match` |
//!
//! The R10 thresholds are [`PROBABLE_THRESHOLD`] and [`REVIEW_THRESHOLD`]; the score is the
//! standard Jaro-Winkler similarity (prefix scale 0.1, prefix up to 4, boost only above 0.7, as
//! `strsim::jaro_winkler`), the best over up to [`MAX_COMBINATIONS`] rendering combinations per
//! side. No phonetic matching, nickname tables, or automatic transliteration between scripts.
//! A match never happens silently across scripts or through confusable characters.

pub mod hygiene;
pub mod translit;

use serde::{Deserialize, Serialize};

use crate::domain::FieldMatch;

/// R10: a weaker-field score at or above this is a probable match.
pub const PROBABLE_THRESHOLD: f64 = 0.94;
/// R10: a weaker-field score at or above this (and below [`PROBABLE_THRESHOLD`]) needs review.
pub const REVIEW_THRESHOLD: f64 = 0.85;
/// R10: rendering combinations tried per side and field.
pub const MAX_COMBINATIONS: usize = 16;

/// A name as two fields; several given names are space-separated in `given`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NameParts {
    #[serde(default)]
    pub family: String,
    #[serde(default)]
    pub given: String,
}

impl NameParts {
    pub fn new(family: impl Into<String>, given: impl Into<String>) -> NameParts {
        NameParts { family: family.into(), given: given.into() }
    }

    /// A person's name as compared with the registry: the second surname, when there is one,
    /// is a further component of the family name (as in the MRZ: `GARCIA<LOPEZ`).
    pub fn from_person(person: &crate::domain::Person) -> NameParts {
        let family = match &person.second_family_name {
            Some(second) => format!("{} {second}", person.family_name),
            None => person.family_name.clone(),
        };
        NameParts { family, given: person.given_names.clone() }
    }
}

/// The overall decision (see the module table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Accept automatically.
    Match,
    /// Accept only if the document number and the birth date also match exactly.
    ProbableMatch,
    /// A person must look.
    NeedsReview,
    /// Different scripts: compare native-script names or the registry's Latin form instead.
    NeedsTransliteration,
    /// Different names.
    NoMatch,
    /// Malformed or suspicious input: ask for re-entry, never strip and match.
    RejectInput,
}

impl Decision {
    /// The per-field result this decision amounts to (`reject_input` needs review).
    pub fn field_match(self) -> FieldMatch {
        match self {
            Decision::Match => FieldMatch::Match,
            Decision::ProbableMatch => FieldMatch::ProbableMatch,
            Decision::NeedsReview | Decision::RejectInput => FieldMatch::NeedsReview,
            Decision::NeedsTransliteration => FieldMatch::NeedsTransliteration,
            Decision::NoMatch => FieldMatch::NoMatch,
        }
    }
}

/// Jaro-Winkler scores per field (rounded to 4 decimals), when R10-style scores were computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scores {
    pub family: f64,
    pub given: f64,
}

/// The answer of [`match_names`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NameDecision {
    pub decision: Decision,
    /// The rule that decided: `R1` ... `R10` (R2's mixed-script rejection reports as `R1`).
    pub rule: String,
    /// Human-readable trace of the deciding rule; code points and script names, never names.
    pub rules: Vec<String>,
    /// Per-field results, as the registry check records them.
    pub family: FieldMatch,
    pub given: FieldMatch,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<Scores>,
}

/// A pair of JSON Lines input for `hospes names match --json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRequest {
    pub registry: NameParts,
    pub declared: NameParts,
}

/// One name field as components, each with its set of MRZ renderings.
struct Field {
    comps: Vec<Vec<String>>,
}

impl Field {
    fn new(text: String) -> Field {
        Field { comps: translit::components(&text).iter().map(|c| translit::renderings(c)).collect() }
    }

    /// Space-joined renderings of the whole field, up to [`MAX_COMBINATIONS`].
    fn joined(&self) -> Vec<String> {
        let mut out = vec![String::new()];
        for (i, options) in self.comps.iter().enumerate() {
            let mut next = Vec::new();
            'outer: for prefix in &out {
                for o in options {
                    if next.len() == MAX_COMBINATIONS {
                        break 'outer;
                    }
                    next.push(if i == 0 { o.clone() } else { format!("{prefix} {o}") });
                }
            }
            out = next;
        }
        out
    }

    /// Renderings of the field with the separators dropped.
    fn concatenated(&self) -> Vec<String> {
        self.joined().into_iter().map(|s| s.replace(' ', "")).collect()
    }
}

fn comp_eq(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// R5 equality of two fields: same number of components, pairwise equal in order.
fn field_eq(a: &Field, b: &Field) -> bool {
    a.comps.len() == b.comps.len() && a.comps.iter().zip(&b.comps).all(|(x, y)| comp_eq(x, y))
}

/// Same components in another order (a perfect matching under component equality).
fn permutation(a: &Field, b: &Field) -> bool {
    a.comps.len() == b.comps.len() && !a.comps.is_empty() && perfect_matching(&a.comps, &b.comps)
}

fn perfect_matching(a: &[Vec<String>], b: &[Vec<String>]) -> bool {
    fn augment(i: usize, a: &[Vec<String>], b: &[Vec<String>], seen: &mut [bool], owner: &mut [Option<usize>]) -> bool {
        for j in 0..b.len() {
            if !seen[j] && comp_eq(&a[i], &b[j]) {
                seen[j] = true;
                if owner[j].is_none_or(|k| augment(k, a, b, seen, owner)) {
                    owner[j] = Some(i);
                    return true;
                }
            }
        }
        false
    }
    let mut owner = vec![None; b.len()];
    (0..a.len()).all(|i| augment(i, a, b, &mut vec![false; b.len()], &mut owner))
}

/// `short`'s components form an in-order subsequence of `long`'s.
fn subsequence(short: &Field, long: &Field) -> bool {
    let mut it = long.comps.iter();
    short.comps.iter().all(|s| it.any(|l| comp_eq(s, l)))
}

/// Declared components are a strict, non-empty, in-order subsequence of the registry's.
fn missing_components(registry: &Field, declared: &Field) -> bool {
    !declared.comps.is_empty() && declared.comps.len() < registry.comps.len() && subsequence(declared, registry)
}

fn concat_eq(a: &Field, b: &Field) -> bool {
    let bs = b.concatenated();
    a.concatenated().iter().any(|x| bs.contains(x))
}

/// Jaro-Winkler as jellyfish computes it: 0 when either side is empty, otherwise
/// `strsim::jaro_winkler` (both use the standard formula). Two empty fields score 1.
fn jw(a: &str, b: &str) -> f64 {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => 1.0,
        (true, false) | (false, true) => 0.0,
        _ => strsim::jaro_winkler(a, b),
    }
}

fn best_jw(a: &Field, b: &Field) -> f64 {
    let bs = b.joined();
    a.joined().iter().flat_map(|x| bs.iter().map(move |y| jw(x, y))).fold(0.0, f64::max)
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn by_score(equal: bool, score: f64) -> FieldMatch {
    if equal {
        FieldMatch::Match
    } else if score >= PROBABLE_THRESHOLD {
        FieldMatch::ProbableMatch
    } else if score >= REVIEW_THRESHOLD {
        FieldMatch::NeedsReview
    } else {
        FieldMatch::NoMatch
    }
}

fn decided(decision: Decision, rule: &str, text: String, family: FieldMatch, given: FieldMatch) -> NameDecision {
    NameDecision { decision, rule: rule.to_owned(), rules: vec![text], family, given, scores: None }
}

/// Compares a declared name with the registry's record by the rules R1–R10 (module docs).
pub fn match_names(registry: &NameParts, declared: &NameParts) -> NameDecision {
    // R1 and R2: hygiene on all four strings, then normalisation.
    let inputs = [
        ("registry.family", &registry.family),
        ("registry.given", &registry.given),
        ("declared.family", &declared.family),
        ("declared.given", &declared.given),
    ];
    let mut normalized = Vec::with_capacity(4);
    for (label, text) in inputs {
        match hygiene::check(text) {
            Ok(n) => normalized.push(n),
            Err(problem) => {
                let both = FieldMatch::NeedsReview;
                return decided(Decision::RejectInput, "R1", format!("R1: {label}: {}", problem.describe()), both, both);
            }
        }
    }
    let [rf, rg, df, dg]: [String; 4] = normalized.try_into().expect("four strings");

    // R3: the scripts used differ.
    let reg_scripts = hygiene::scripts(&format!("{rf} {rg}"));
    let dec_scripts = hygiene::scripts(&format!("{df} {dg}"));
    // (A side without any letter has no script to compare; it falls through to the scores.)
    if reg_scripts != dec_scripts && !reg_scripts.is_empty() && !dec_scripts.is_empty() {
        let mut text = format!("R3: scripts differ registry={reg_scripts:?} declared={dec_scripts:?}");
        let skeleton = |s: &str| unicode_security::skeleton(s).collect::<String>();
        let confusable = |a: &str, b: &str| !a.is_empty() && skeleton(a) == skeleton(b);
        if confusable(&rf, &df) || confusable(&rg, &dg) {
            text.push_str("; whole-script confusable (UTS #39 skeleton)");
        }
        let t = FieldMatch::NeedsTransliteration;
        return decided(Decision::NeedsTransliteration, "R3", text, t, t);
    }

    // R4: ideographic or Hangul names are compared exactly.
    if reg_scripts.iter().any(|s| matches!(*s, "Han" | "Hangul" | "Hiragana" | "Katakana")) {
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let fam = squeeze(&rf) == squeeze(&df);
        let giv = squeeze(&rg) == squeeze(&dg);
        let m = |eq: bool| if eq { FieldMatch::Match } else { FieldMatch::NeedsReview };
        return if fam && giv {
            decided(Decision::Match, "R4", "R4: ideographic names equal after NFC".into(), m(fam), m(giv))
        } else {
            let text = "R4: ideographic names differ; no fuzzy matching on ideographs".into();
            decided(Decision::NeedsReview, "R4", text, m(fam), m(giv))
        };
    }

    let (rf, rg, df, dg) = (Field::new(rf), Field::new(rg), Field::new(df), Field::new(dg));
    let (fam_eq, giv_eq) = (field_eq(&rf, &df), field_eq(&rg, &dg));
    let (mm, pm, nr) = (FieldMatch::Match, FieldMatch::ProbableMatch, FieldMatch::NeedsReview);
    let m = |eq: bool, other: FieldMatch| if eq { mm } else { other };

    // R5: equal component by component.
    if fam_eq && giv_eq {
        let text = "R5: components equal under NFC + ICAO 9303 transliteration equivalence".into();
        return with_scores(decided(Decision::Match, "R5", text, mm, mm), &rf, &rg, &df, &dg);
    }
    // R6: swapped fields.
    if field_eq(&rf, &dg) && field_eq(&rg, &df) {
        let text = "R6: family and given names swapped".into();
        return with_scores(decided(Decision::ProbableMatch, "R6", text, pm, pm), &rf, &rg, &df, &dg);
    }
    // R6b: same components in another order inside a field.
    let fam_perm = !fam_eq && permutation(&rf, &df);
    let giv_perm = !giv_eq && permutation(&rg, &dg);
    if (fam_eq || fam_perm) && (giv_eq || giv_perm) {
        let text = "R6b: same name components in a different order within a field".into();
        return with_scores(decided(Decision::NeedsReview, "R6b", text, m(fam_eq, nr), m(giv_eq, nr)), &rf, &rg, &df, &dg);
    }
    // R7: components missing from one field.
    if fam_eq && missing_components(&rg, &dg) {
        let text = "R7: declared given names are a subset of the registry's (missing given name)".into();
        return with_scores(decided(Decision::ProbableMatch, "R7", text, mm, pm), &rf, &rg, &df, &dg);
    }
    if giv_eq && missing_components(&rf, &df) {
        let text = "R7: declared family-name components are a subset of the registry's".into();
        return with_scores(decided(Decision::ProbableMatch, "R7", text, pm, mm), &rf, &rg, &df, &dg);
    }
    // R8: extra components declared.
    let extra = |reg: &Field, dec: &Field| dec.comps.len() > reg.comps.len() && subsequence(reg, dec);
    if (fam_eq && extra(&rg, &dg)) || (giv_eq && extra(&rf, &df)) {
        let text = "R8: declared name has components the registry does not have".into();
        return with_scores(decided(Decision::NeedsReview, "R8", text, m(fam_eq, nr), m(giv_eq, nr)), &rf, &rg, &df, &dg);
    }
    // R9: equal once separators are ignored.
    if concat_eq(&rf, &df) && concat_eq(&rg, &dg) {
        let text = "R9: equal once component separators are ignored".into();
        return with_scores(decided(Decision::ProbableMatch, "R9", text, m(fam_eq, pm), m(giv_eq, pm)), &rf, &rg, &df, &dg);
    }
    // R10: typos, by Jaro-Winkler on the MRZ renderings.
    let (sf, sg) = (best_jw(&rf, &df), best_jw(&rg, &dg));
    let s = sf.min(sg);
    let (decision, text) = if s >= PROBABLE_THRESHOLD {
        (Decision::ProbableMatch, "R10: Jaro-Winkler >= 0.94 on both family and given name")
    } else if s >= REVIEW_THRESHOLD {
        (Decision::NeedsReview, "R10: Jaro-Winkler in [0.85, 0.94) on the weaker field")
    } else {
        (Decision::NoMatch, "R10: Jaro-Winkler < 0.85 on the weaker field")
    };
    let mut d = decided(decision, "R10", text.into(), by_score(fam_eq, sf), by_score(giv_eq, sg));
    d.scores = Some(Scores { family: round4(sf), given: round4(sg) });
    d
}

fn with_scores(mut d: NameDecision, rf: &Field, rg: &Field, df: &Field, dg: &Field) -> NameDecision {
    d.scores = Some(Scores { family: round4(best_jw(rf, df)), given: round4(best_jw(rg, dg)) });
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(rf: &str, rg: &str, df: &str, dg: &str) -> Decision {
        match_names(&NameParts::new(rf, rg), &NameParts::new(df, dg)).decision
    }

    #[test]
    fn mueller_matches_its_icao_transliterations() {
        for declared in ["MUELLER", "MULLER", "Muller", "MUXXLLER", "Mu\u{308}ller"] {
            assert_eq!(decide("Müller", "Jürgen", declared, "Jurgen"), Decision::Match, "{declared}");
        }
        assert_eq!(decide("Mueller", "Hans", "Muller", "Hans"), Decision::NeedsReview);
    }

    #[test]
    fn a_hidden_cyrillic_letter_is_rejected_and_a_whole_cyrillic_lookalike_needs_transliteration() {
        assert_eq!(decide("Ivanov", "Anna", "Iv\u{430}nov", "Anna"), Decision::RejectInput);
        let d = match_names(&NameParts::new("Pope", "Anna"), &NameParts::new("Роре", "Анна"));
        assert_eq!(d.decision, Decision::NeedsTransliteration);
        assert!(d.rules[0].contains("whole-script confusable"), "{:?}", d.rules);
    }

    #[test]
    fn chinese_characters_against_pinyin_are_never_guessed() {
        assert_eq!(decide("张", "伟", "ZHANG", "WEI"), Decision::NeedsTransliteration);
        assert_eq!(decide("張", "偉", "张", "伟"), Decision::NeedsReview);
    }

    #[test]
    fn an_empty_declaration_is_no_match_not_a_script_question() {
        assert_eq!(decide("Smith", "John", "", ""), Decision::NoMatch);
    }

    #[test]
    fn a_missing_second_given_name_is_probable_and_an_extra_one_needs_review() {
        assert_eq!(decide("Eriksson", "Anna Maria", "Eriksson", "Anna"), Decision::ProbableMatch);
        assert_eq!(decide("Eriksson", "Anna", "Eriksson", "Anna Maria"), Decision::NeedsReview);
    }
}
