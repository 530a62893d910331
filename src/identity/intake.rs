//! Validation of a whole submission at intake: turns a [`SubmissionInput`] into a validated
//! [`Submission`] or the complete list of [`FieldError`]s, each naming the person and the field.
//!
//! This first version checks structure, dates and code shapes only; document-number schemes, MRZ,
//! names and jurisdiction profiles deepen it.

use chrono::{DateTime, NaiveDate};

use crate::domain::input::{PersonInput, SubmissionInput};
use crate::domain::{Contact, Document, DocumentKind, FieldError, Guardian, Person, Stay, Submission};

/// The rules of one jurisdiction (ISO 3166-2 code, e.g. `ES-M`; its country picks the profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub code: String,
}

impl Profile {
    pub fn for_jurisdiction(jurisdiction: &str) -> Profile {
        Profile { code: jurisdiction.split('-').next().unwrap_or_default().to_ascii_uppercase() }
    }
}

/// Validates a submission against `profile` as of the date `today` (the property's local date).
pub fn validate_submission(
    input: &SubmissionInput,
    _profile: &Profile,
    today: NaiveDate,
) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    let stay = validate_stay(input, &mut errors);
    if input.persons.is_empty() {
        errors.push(FieldError::new("persons", "required", "At least one person is required."));
    }
    let persons: Vec<Option<Person>> = input
        .persons
        .iter()
        .enumerate()
        .map(|(i, p)| validate_person(i, p, today, &mut errors))
        .collect();
    let contact = input.contact.clone().unwrap_or_default();
    let contact = Contact {
        phone: contact.phone.filter(|s| !s.trim().is_empty()),
        email: contact.email.filter(|s| !s.trim().is_empty()),
    };
    if contact.phone.is_none() && contact.email.is_none() {
        errors.push(FieldError::new("contact", "required", "Give a phone number or an e-mail address."));
    }
    if let Some(email) = &contact.email {
        if !email.contains('@') {
            errors.push(FieldError::new("contact.email", "format", "This is not an e-mail address."));
        }
    }
    match (stay, errors.is_empty()) {
        (Some(stay), true) => {
            Ok(Submission { stay, persons: persons.into_iter().flatten().collect(), contact })
        }
        _ => Err(errors),
    }
}

fn validate_stay(input: &SubmissionInput, errors: &mut Vec<FieldError>) -> Option<Stay> {
    let stay = input.stay.clone().unwrap_or_default();
    let parse = |field: &str, value: &Option<String>, errors: &mut Vec<FieldError>| match value {
        None => {
            errors.push(FieldError::new(field, "required", "This date and time is required."));
            None
        }
        Some(s) => match DateTime::parse_from_rfc3339(s.trim()) {
            Ok(t) => Some(t),
            Err(_) => {
                errors.push(FieldError::new(
                    field,
                    "format",
                    "Use a date and time with its offset, like 2026-12-01T14:00:00+08:00.",
                ));
                None
            }
        },
    };
    let check_in = parse("stay.check_in", &stay.check_in, errors);
    let check_out = parse("stay.check_out", &stay.check_out, errors);
    let (check_in, check_out) = (check_in?, check_out?);
    if check_out <= check_in {
        errors.push(FieldError::new("stay.check_out", "checkout_before_checkin", "Check-out must be after check-in."));
        return None;
    }
    Some(Stay { check_in, check_out })
}

fn validate_person(i: usize, p: &PersonInput, today: NaiveDate, errors: &mut Vec<FieldError>) -> Option<Person> {
    let before = errors.len();
    let field = |name: &str| format!("persons[{i}].{name}");
    let required = |name: &str, value: &Option<String>, errors: &mut Vec<FieldError>| -> Option<String> {
        match value.as_deref().map(str::trim) {
            Some(v) if !v.is_empty() => Some(v.to_owned()),
            _ => {
                errors.push(FieldError::new(field(name), "required", "This field is required.").for_person(i));
                None
            }
        }
    };
    let given_names = required("given_names", &p.given_names, errors);
    let family_name = required("family_name", &p.family_name, errors);
    let birth_date = required("birth_date", &p.birth_date, errors).and_then(|s| {
        match NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) if d > today => {
                errors.push(FieldError::new(field("birth_date"), "birth_in_future", "The birth date is in the future.").for_person(i));
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.push(FieldError::new(field("birth_date"), "invalid_date", "Use a date like 1990-05-31.").for_person(i));
                None
            }
        }
    });
    let nationality = required("nationality", &p.nationality, errors).and_then(|c| country(&field("nationality"), i, &c, errors));
    let doc = p.document.clone().unwrap_or_default();
    let kind = required("document.type", &doc.kind, errors).and_then(|k| match k.as_str() {
        "passport" => Some(DocumentKind::Passport),
        "id_card" => Some(DocumentKind::IdCard),
        "residence_permit" => Some(DocumentKind::ResidencePermit),
        "other" => Some(DocumentKind::Other),
        _ => {
            errors.push(FieldError::new(field("document.type"), "format", "Choose passport, id_card, residence_permit or other.").for_person(i));
            None
        }
    });
    let number = required("document.number", &doc.number, errors).map(|n| {
        n.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase()
    });
    let issuing_country = required("document.issuing_country", &doc.issuing_country, errors)
        .and_then(|c| country(&field("document.issuing_country"), i, &c, errors));
    let guardian = p.guardian.as_ref().and_then(|g| match (g.person, g.relationship.clone()) {
        (Some(person), Some(relationship)) if person != i => Some(Guardian { person, relationship }),
        _ => {
            errors.push(FieldError::new(field("guardian"), "format", "Name the accompanying adult and the relationship.").for_person(i));
            None
        }
    });
    if errors.len() > before {
        return None;
    }
    Some(Person {
        given_names: given_names?,
        family_name: family_name?,
        second_family_name: p.second_family_name.clone().filter(|s| !s.trim().is_empty()),
        birth_date: birth_date?,
        nationality: nationality?,
        sex: p.sex.clone(),
        document: Document { kind: kind?, number: number?, issuing_country: issuing_country?, support_number: doc.support_number },
        guardian,
    })
}

fn country(field: &str, person: usize, code: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let code = code.to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Some(code)
    } else {
        errors.push(FieldError::new(field, "country", "Use the three-letter country code (ISO 3166-1 alpha-3), like ESP or CHN.").for_person(person));
        None
    }
}

/// Whether `code` has the shape of an ISO 3166-2 subdivision code (`ES-M`, `CN-TJ`, `DE-BE`):
/// an alpha-2 country code, a hyphen, one to three letters or digits.
pub fn is_jurisdiction_code(code: &str) -> bool {
    match code.split_once('-') {
        Some((country, sub)) => {
            country.len() == 2
                && country.bytes().all(|b| b.is_ascii_uppercase())
                && (1..=3).contains(&sub.len())
                && sub.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        }
        None => false,
    }
}
