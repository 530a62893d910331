//! One person of a submission: names, birth date, sex, nationality, document, MRZ.

use chrono::NaiveDate;

use crate::domain::input::PersonInput;
use crate::domain::{Document, DocumentKind, FieldError, Person};
use crate::identity::countries;
use crate::identity::dates;
use crate::identity::documents::{self, ErrorClass, Scheme};
use crate::identity::mrz;
use crate::identity::names::{self, Decision, NameParts, hygiene};
use crate::identity::profile::Profile;

/// Longest accepted name field, in characters.
const MAX_NAME_CHARS: usize = 100;

/// What intake learned about one person, even when some of their fields are invalid.
pub(super) struct Checked {
    pub person: Option<Person>,
    pub birth_date: Option<NaiveDate>,
}

/// Collects the errors of person `i`.
struct Errors<'a> {
    i: usize,
    list: &'a mut Vec<FieldError>,
}

impl Errors<'_> {
    fn push(&mut self, field: &str, code: &str, message: &str) {
        self.list.push(FieldError::new(format!("persons[{}].{field}", self.i), code, message).for_person(self.i));
    }

    fn required(&mut self, field: &str, value: &Option<String>) -> Option<String> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(v.to_owned()),
            _ => {
                self.push(field, "required", "This field is required.");
                None
            }
        }
    }
}

pub(super) fn validate(i: usize, p: &PersonInput, profile: &Profile, today: NaiveDate, list: &mut Vec<FieldError>) -> Checked {
    let before = list.len();
    let mut e = Errors { i, list };
    let rules = profile.rules();

    let family_name = e.required("family_name", &p.family_name).and_then(|n| name(&mut e, "family_name", &n));
    let given_names = match rules.given_names_required {
        true => e.required("given_names", &p.given_names).and_then(|n| name(&mut e, "given_names", &n)),
        false => name(&mut e, "given_names", p.given_names.as_deref().unwrap_or_default()),
    };
    let second = p.second_family_name.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let second_family_name = second.and_then(|n| name(&mut e, "second_family_name", n));
    if let (Some(f), Some(g)) = (&family_name, &given_names) {
        let parts: Vec<&str> = [Some(f.as_str()), second_family_name.as_deref(), Some(g.as_str())].into_iter().flatten().collect();
        if !hygiene::single_script(&parts) {
            e.push(
                "given_names",
                "mixed_script",
                "All parts of the name must be written in the same alphabet, as on the document.",
            );
        }
    }

    let birth_date = e.required("birth_date", &p.birth_date).and_then(|s| match dates::parse_date(&s) {
        None => {
            e.push("birth_date", "invalid_date", "Use an existing date like 1990-05-31.");
            None
        }
        Some(d) => match dates::check_birth_date(d, today) {
            Ok(_) => Some(d),
            Err(err) => {
                e.push("birth_date", err.code(), err.message());
                None
            }
        },
    });
    let sex = p.sex.as_deref().map(str::trim).filter(|s| !s.is_empty()).and_then(|s| {
        let s = s.to_ascii_uppercase();
        if matches!(s.as_str(), "F" | "M" | "X") {
            Some(s)
        } else {
            e.push("sex", "format", "Use F, M or X as on the document.");
            None
        }
    });
    let country = |e: &mut Errors, field: &str, value: &Option<String>| {
        e.required(field, value).and_then(|c| match countries::to_alpha3(&c, rules.alpha2_accepted) {
            Some(a3) => Some(a3),
            None => {
                e.push(field, "country", "Use the three-letter country code (ISO 3166-1 alpha-3), like ESP or CHN.");
                None
            }
        })
    };
    let nationality = country(&mut e, "nationality", &p.nationality);

    let doc = p.document.clone().unwrap_or_default();
    let kind = e.required("document.type", &doc.kind).and_then(|k| match k.to_ascii_lowercase().as_str() {
        "passport" => Some(DocumentKind::Passport),
        "id_card" => Some(DocumentKind::IdCard),
        "residence_permit" => Some(DocumentKind::ResidencePermit),
        "other" => Some(DocumentKind::Other),
        _ => {
            e.push("document.type", "format", "Choose passport, id_card, residence_permit or other.");
            None
        }
    });
    let issuing_country = country(&mut e, "document.issuing_country", &doc.issuing_country);
    let raw_number = e.required("document.number", &doc.number);
    let scheme = match (kind, &issuing_country, &raw_number) {
        (Some(k), Some(c), Some(n)) => Some(scheme_for(k, c, n)),
        _ => None,
    };
    let number = match (scheme, &raw_number) {
        (Some(s), Some(n)) => check_number(&mut e, s, n, today, birth_date, sex.as_deref()),
        _ => None,
    };

    let dni = scheme == Some(DocScheme::National(Scheme::EsDni));
    let dni_or_nie = dni || scheme == Some(DocScheme::National(Scheme::EsNie));
    if dni && rules.second_family_name_for_dni && second.is_none() {
        e.push("second_family_name", "required", "Holders of a Spanish DNI must give their second surname.");
    }
    let support_number = doc.support_number.as_deref().map(documents::fold).map(|s| s.replace([' ', '-'], ""));
    let support_number = support_number.filter(|s| !s.is_empty());
    if dni_or_nie && rules.support_number_for_dni_nie {
        match &support_number {
            None => e.push(
                "document.support_number",
                "required",
                "Give the support number printed on the DNI or NIE card (IDESP / número de soporte).",
            ),
            Some(s) if !support_number_ok(s) => e.push(
                "document.support_number",
                "format",
                "A support number is three letters and six digits (DNI) or a letter and eight digits (NIE).",
            ),
            Some(_) => {}
        }
    }

    if let Some(text) = doc.mrz.as_deref().filter(|s| !s.trim().is_empty()) {
        let declared = Declared {
            family: family_name.as_deref(),
            second: second_family_name.as_deref(),
            given: given_names.as_deref(),
            birth_date,
            sex: sex.as_deref(),
            nationality: nationality.as_deref(),
            issuing_country: issuing_country.as_deref(),
            number: number.as_deref(),
        };
        check_mrz(&mut e, text, &declared, today);
    }

    if e.list.len() > before {
        return Checked { person: None, birth_date };
    }
    Checked {
        person: Some(Person {
            given_names: given_names.unwrap_or_default(),
            family_name: family_name.expect("checked"),
            second_family_name,
            birth_date: birth_date.expect("checked"),
            nationality: nationality.expect("checked"),
            sex,
            document: Document {
                kind: kind.expect("checked"),
                number: number.expect("checked"),
                issuing_country: issuing_country.expect("checked"),
                support_number,
            },
            guardian: None,
        }),
        birth_date,
    }
}

/// Hygiene, script and shape checks of one name field; the NFC-normalised name when valid.
fn name(e: &mut Errors, field: &str, raw: &str) -> Option<String> {
    let n = match hygiene::check(raw) {
        Ok(n) => n,
        Err(problem) => {
            e.push(field, problem.code(), problem.message());
            return None;
        }
    };
    if n.chars().count() > MAX_NAME_CHARS {
        e.push(field, "too_long", "This name is too long.");
        return None;
    }
    let allowed = |c: char| {
        c.is_alphabetic()
            || c == ' '
            || matches!(c, '-' | '\u{2010}' | '\'' | '\u{2019}' | '\u{02BC}' | '.' | ',')
            || unicode_mark(c)
    };
    if !n.chars().all(allowed) {
        e.push(field, "invalid_character", "A name may contain only letters, spaces, hyphens and apostrophes.");
        return None;
    }
    Some(n)
}

fn unicode_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    c.general_category_group() == GeneralCategoryGroup::Mark
}

/// How the number of a document is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DocScheme {
    /// A national scheme whose number is the document's number.
    National(Scheme),
    /// German identity card: nine-character serial, with or without its MRZ check digit.
    GermanSerial,
    /// Any other document: letters and digits only, 1 to 20 of them.
    Generic,
}

/// The scheme that fits a document type and issuing country. Schemes whose number is not the
/// document's own number (Italy's codice fiscale, France's NIR, Belgium's and Poland's national
/// numbers) are not applied to document numbers.
fn scheme_for(kind: DocumentKind, issuing: &str, number: &str) -> DocScheme {
    use DocumentKind as K;
    let nie_prefix = matches!(documents::fold(number).chars().next(), Some('X' | 'Y' | 'Z'));
    match (kind, issuing) {
        (K::IdCard, "CHN") => DocScheme::National(Scheme::CnRic),
        (K::IdCard | K::ResidencePermit, "ESP") if nie_prefix => DocScheme::National(Scheme::EsNie),
        (K::IdCard, "ESP") => DocScheme::National(Scheme::EsDni),
        (K::ResidencePermit, "ESP") => DocScheme::National(Scheme::EsNie),
        (K::IdCard, "PRT") => DocScheme::National(Scheme::PtCc),
        (K::IdCard | K::Passport, "NLD") => DocScheme::National(Scheme::NlIdentiteitskaartnummer),
        (K::IdCard, "DEU") => DocScheme::GermanSerial,
        _ => DocScheme::Generic,
    }
}

/// Checks the number; returns it normalised. Compares what the number encodes (birth date, sex)
/// with what was declared.
fn check_number(
    e: &mut Errors,
    scheme: DocScheme,
    raw: &str,
    today: NaiveDate,
    birth: Option<NaiveDate>,
    sex: Option<&str>,
) -> Option<String> {
    let field = "document.number";
    let result = match scheme {
        DocScheme::National(s) => s.check(raw, today).map(|v| (v.normalized, v.fields)),
        DocScheme::GermanSerial => documents::de::check_serial(raw).map(|s| (s, Default::default())),
        DocScheme::Generic => {
            let n = documents::compact(raw, &[' ', '-']);
            if !n.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
                Err(documents::Invalid { class: ErrorClass::Format, reason: ErrorClass::Format.message() })
            } else if n.is_empty() || n.len() > 20 {
                Err(documents::Invalid { class: ErrorClass::Length, reason: ErrorClass::Length.message() })
            } else {
                Ok((n, Default::default()))
            }
        }
    };
    match result {
        Err(invalid) => {
            e.push(field, invalid.class.as_str(), invalid.reason);
            None
        }
        Ok((number, fields)) => {
            let encoded_birth = fields.birth_date.as_deref().and_then(dates::parse_date);
            if let (Some(a), Some(b)) = (encoded_birth, birth)
                && a != b {
                    e.push("birth_date", "document_mismatch", "The birth date does not match the one in the document number.");
                }
            if let (Some(a), Some(b)) = (fields.sex.as_deref(), sex)
                && b != "X" && a != b {
                    e.push("sex", "document_mismatch", "The sex does not match the one in the document number.");
                }
            Some(number)
        }
    }
}

/// A DNI support number (three letters, six digits) or an NIE card support number (a letter
/// and eight digits).
fn support_number_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let dni = b.len() == 9 && b[..3].iter().all(u8::is_ascii_uppercase) && b[3..].iter().all(u8::is_ascii_digit);
    let nie = b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit);
    dni || nie
}

/// The declared values an MRZ is compared with (those that were valid).
struct Declared<'a> {
    family: Option<&'a str>,
    second: Option<&'a str>,
    given: Option<&'a str>,
    birth_date: Option<NaiveDate>,
    sex: Option<&'a str>,
    nationality: Option<&'a str>,
    issuing_country: Option<&'a str>,
    number: Option<&'a str>,
}

/// Checks a machine-readable zone and compares it with the declared fields.
fn check_mrz(e: &mut Errors, text: &str, d: &Declared, today: NaiveDate) {
    let report = mrz::parse(text, None, today);
    let Some(f) = report.fields.as_ref().filter(|_| report.valid) else {
        let (code, message) = match report.error_class() {
            Some(ErrorClass::Checksum) => ("mrz_checksum", "A check digit of the machine-readable zone does not match: read it again."),
            _ => ("mrz_format", "The machine-readable zone is not complete or not readable: read it again."),
        };
        e.push("document.mrz", code, message);
        return;
    };
    if report.expired_as_of == Some(true) {
        e.push("document.mrz", "document_expired", "The document has expired.");
    }
    let mismatch = |e: &mut Errors, field: &str| {
        e.push(field, "mrz_mismatch", "This does not match the document's machine-readable zone.");
    };
    // Some cards print another number in the document-number field and the personal number in
    // the optional data (Spain's DNI: support number, then the DNI number).
    if d.number.is_some_and(|n| n != f.document_number && n != f.optional_data) {
        mismatch(e, "document.number");
    }
    if d.issuing_country.is_some_and(|c| c != mrz::codes::to_alpha3(&f.issuing_state)) {
        mismatch(e, "document.issuing_country");
    }
    if d.nationality.is_some_and(|c| c != mrz::codes::to_alpha3(&f.nationality)) {
        mismatch(e, "nationality");
    }
    if let Some(b) = d.birth_date {
        let known = f.birth_date.as_deref().unwrap_or_default();
        let declared = b.to_string();
        if known.len() != declared.len() || known.chars().zip(declared.chars()).any(|(k, c)| k != 'X' && k != c) {
            mismatch(e, "birth_date");
        }
    }
    if let Some(s) = d.sex
        && f.sex != "<" && s != "X" && s != f.sex {
            mismatch(e, "sex");
        }
    // A name that fills the MRZ name field may have been truncated (Doc 9303-3 §4.6): no comparison.
    if let (Some(family), Some(given), false) = (d.family, d.given, f.name_truncation_possible) {
        let family = match d.second {
            Some(second) => format!("{family} {second}"),
            None => family.to_owned(),
        };
        let decision = names::match_names(&NameParts::new(&f.surname, &f.given_names), &NameParts::new(family, given));
        let accepted = matches!(decision.decision, Decision::Match | Decision::ProbableMatch | Decision::NeedsTransliteration);
        if !accepted {
            mismatch(e, "family_name");
        }
    }
}
