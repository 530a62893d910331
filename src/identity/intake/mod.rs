//! Validation of a whole submission at intake: turns a [`SubmissionInput`] into a validated
//! [`Submission`] or the complete list of [`FieldError`]s.
//!
//! Every error names the field by its path in the submitted JSON (`persons[1].document.number`),
//! the person by index, a stable code (`required`, `checksum`, `mixed_script`,
//! `guardian_not_adult`, ...) and a message a tenant understands. No message or code ever
//! repeats a submitted value, so errors can be logged and shown without leaking personal data.
//!
//! What is checked, for every profile ([`Profile`] adds its own requirements):
//! - the stay: RFC 3339 instants, check-out at least one night after check-in (counted on the
//!   property's calendar when its time zone is known, and then each offset must be the zone's);
//! - each person: names (hygiene and script rules of `identity::names::hygiene`), birth date
//!   (ISO 8601, not in the future, at most 120 years back), nationality and issuing country
//!   (ISO 3166-1 alpha-3), the document number by the scheme that fits its type and issuing
//!   country, the MRZ when one was read, and the consistency of all of them;
//! - minors (under 18 on the check-in date): an adult of the same check-in and the relationship;
//! - contact: format always, presence when the profile requires it.
//!
//! Pure code: `today` (the property's local date) is passed in.

mod person;

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone};

use crate::domain::input::SubmissionInput;
use crate::domain::{Contact, FieldError, Guardian, Submission};
use crate::identity::dates::{self, ADULT_AGE};

pub use crate::identity::profile::{Profile, ProfileKind, RELATIONSHIPS, Rules};

/// Validates a submission against `profile` as of `today` (the property's local date).
pub fn validate_submission(
    input: &SubmissionInput,
    profile: &Profile,
    today: NaiveDate,
) -> Result<Submission, Vec<FieldError>> {
    let mut errors = Vec::new();
    let stay = validate_stay(input, profile, &mut errors);
    if let Some((stay, check_in_date)) = &stay {
        validate_stay_bounds(stay, *check_in_date, profile, today, &mut errors);
    }
    if input.persons.is_empty() {
        errors.push(FieldError::new("persons", "required", "At least one person is required."));
    }
    if input.persons.len() > MAX_PERSONS {
        errors.push(FieldError::new(
            "persons",
            "too_many",
            &format!("At most {MAX_PERSONS} persons per check-in; check a larger group in as several check-ins."),
        ));
    }
    validate_distinct_documents(input, &mut errors);
    // Minors are judged on the check-in date (the property's calendar).
    let on = stay.as_ref().map(|(_, date)| *date).unwrap_or(today);
    let checked: Vec<person::Checked> =
        input.persons.iter().enumerate().map(|(i, p)| person::validate(i, p, profile, today, &mut errors)).collect();
    let guardians = validate_guardians(input, &checked, profile, on, &mut errors);
    let contact = validate_contact(input, profile, &mut errors);
    match stay {
        Some((stay, _)) if errors.is_empty() => {
            let persons = checked
                .into_iter()
                .zip(guardians)
                .map(|(c, guardian)| {
                    let mut p = c.person.expect("no errors, so every person is valid");
                    p.guardian = guardian;
                    p
                })
                .collect();
            Ok(minimise(Submission { stay, persons, contact }, profile))
        }
        _ => Err(errors),
    }
}

/// Data minimisation: drops what the profile does not ask for, after it served intake's checks
/// (a sex the document number encodes, a support number of a non-Spanish document, a contact
/// nobody needs), so that it is never stored.
pub fn minimise(mut submission: Submission, profile: &Profile) -> Submission {
    let rules = profile.rules();
    for p in &mut submission.persons {
        if !rules.keeps_sex {
            p.sex = None;
        }
        let spanish_card = p.document.issuing_country == "ESP"
            && matches!(p.document.kind, crate::domain::DocumentKind::IdCard | crate::domain::DocumentKind::ResidencePermit);
        if !(rules.support_number_for_dni_nie && spanish_card) {
            p.document.support_number = None;
        }
    }
    if !rules.contact_required && !rules.keeps_optional_contact {
        submission.contact = Contact::default();
    }
    submission
}

/// At most this many persons in one check-in.
pub const MAX_PERSONS: usize = 20;
/// A stay may begin at most this many days before the property's today (a late registration)…
pub const MAX_DAYS_BEFORE: i64 = 366;
/// …and at most this many days after it (a booking made well ahead).
pub const MAX_DAYS_AHEAD: i64 = 731;
/// A stay lasts at most this many nights (three years); the personal data's retention runs from
/// the check-out, so an unbounded stay would keep it for ever.
pub const MAX_NIGHTS: i64 = 1096;

fn validate_stay_bounds(
    stay: &crate::domain::Stay,
    check_in_date: NaiveDate,
    profile: &Profile,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) {
    let days_from_today = (check_in_date - today).num_days();
    if days_from_today < -MAX_DAYS_BEFORE {
        errors.push(FieldError::new(
            "stay.check_in",
            "too_far_past",
            &format!("A check-in can be registered up to {MAX_DAYS_BEFORE} days after it began."),
        ));
    } else if days_from_today > MAX_DAYS_AHEAD {
        errors.push(FieldError::new(
            "stay.check_in",
            "too_far_ahead",
            &format!("A check-in can be registered at most {MAX_DAYS_AHEAD} days ahead."),
        ));
    }
    let local = |t: DateTime<FixedOffset>| match profile.time_zone {
        Some(tz) => t.with_timezone(&tz).date_naive(),
        None => t.date_naive(),
    };
    if dates::nights(local(stay.check_in), local(stay.check_out)) > MAX_NIGHTS {
        errors.push(FieldError::new(
            "stay.check_out",
            "too_long",
            &format!("A stay lasts at most {MAX_NIGHTS} nights; register a longer tenancy again when it is renewed."),
        ));
    }
}

/// The same document twice in one check-in is a mistake (a copied row), never two people.
fn validate_distinct_documents(input: &SubmissionInput, errors: &mut Vec<FieldError>) {
    let mut seen = std::collections::HashSet::new();
    for (i, p) in input.persons.iter().enumerate() {
        let Some(doc) = p.document.as_ref() else { continue };
        let (Some(number), Some(country)) = (doc.number.as_deref(), doc.issuing_country.as_deref()) else { continue };
        let key = (country.trim().to_uppercase(), number.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_uppercase());
        if key.1.is_empty() {
            continue;
        }
        if !seen.insert(key) {
            errors.push(FieldError {
                person: Some(i),
                ..FieldError::new(
                    format!("persons[{i}].document.number"),
                    "duplicate",
                    "This document is already given for another person of this check-in.",
                )
            });
        }
    }
}

fn validate_stay(
    input: &SubmissionInput,
    profile: &Profile,
    errors: &mut Vec<FieldError>,
) -> Option<(crate::domain::Stay, NaiveDate)> {
    let stay = input.stay.clone().unwrap_or_default();
    let parse = |field: &str, value: &Option<String>, errors: &mut Vec<FieldError>| {
        let Some(text) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
            errors.push(FieldError::new(field, "required", "This date and time is required."));
            return None;
        };
        let Ok(t) = DateTime::parse_from_rfc3339(text) else {
            errors.push(FieldError::new(
                field,
                "format",
                "Use a date and time with its offset, like 2026-12-01T14:00:00+08:00.",
            ));
            return None;
        };
        if let Some(tz) = profile.time_zone
            && tz.offset_from_utc_datetime(&t.naive_utc()).fix() != *t.offset() {
                errors.push(FieldError::new(
                    field,
                    "offset_mismatch",
                    "The UTC offset does not match the property's time zone on that date.",
                ));
                return None;
            }
        Some(t)
    };
    let check_in = parse("stay.check_in", &stay.check_in, errors);
    let check_out = parse("stay.check_out", &stay.check_out, errors);
    let (check_in, check_out) = (check_in?, check_out?);
    let local = |t: DateTime<FixedOffset>| match profile.time_zone {
        Some(tz) => t.with_timezone(&tz).date_naive(),
        None => t.date_naive(),
    };
    let nights = dates::nights(local(check_in), local(check_out));
    let error = if check_out <= check_in || nights < 0 {
        Some(dates::DateError::CheckoutBeforeCheckin)
    } else if nights == 0 {
        Some(dates::DateError::ZeroNights)
    } else {
        None
    };
    if let Some(e) = error {
        errors.push(FieldError::new("stay.check_out", e.code(), e.message()));
        return None;
    }
    Some((crate::domain::Stay { check_in, check_out }, local(check_in)))
}

/// Every minor needs an adult of the same check-in and the relationship; every guardian
/// reference must point at another person of the check-in.
fn validate_guardians(
    input: &SubmissionInput,
    checked: &[person::Checked],
    profile: &Profile,
    on: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Vec<Option<Guardian>> {
    let age = |i: usize| checked.get(i).and_then(|c| c.birth_date).map(|b| dates::age_on(b, on));
    let mut out = Vec::with_capacity(input.persons.len());
    for (i, p) in input.persons.iter().enumerate() {
        let field = |name: &str| format!("persons[{i}].{name}");
        let err = |name: &str, code: &str, message: &str| FieldError::new(field(name), code, message).for_person(i);
        let minor = age(i).is_some_and(|a| a < ADULT_AGE);
        let Some(g) = &p.guardian else {
            if minor {
                errors.push(err(
                    "guardian",
                    "guardian_required",
                    "A minor must be accompanied by an adult of this check-in: name that person and how you are related.",
                ));
            }
            out.push(None);
            continue;
        };
        let before = errors.len();
        match g.person {
            None => errors.push(err("guardian.person", "required", "Say which person of this check-in accompanies the minor.")),
            Some(k) if k == i || k >= input.persons.len() => errors.push(err(
                "guardian.person",
                "guardian_invalid",
                "The accompanying adult must be another person of this check-in.",
            )),
            Some(k) if minor && age(k).is_some_and(|a| a < ADULT_AGE) => errors.push(err(
                "guardian.person",
                "guardian_not_adult",
                "The accompanying person must be an adult (18 or older on the check-in date).",
            )),
            Some(_) => {}
        }
        let relationship = g.relationship.as_deref().map(str::trim).unwrap_or_default().to_lowercase();
        if relationship.is_empty() {
            errors.push(err("guardian.relationship", "required", "Say how the adult is related to the minor."));
        } else if profile.rules().closed_relationships && !RELATIONSHIPS.contains(&relationship.as_str()) {
            errors.push(err(
                "guardian.relationship",
                "relationship_unknown",
                "Choose the relationship from the list (parent, legal guardian, grandparent, sibling, ...).",
            ));
        }
        out.push((errors.len() == before).then(|| Guardian { person: g.person.unwrap_or_default(), relationship }));
    }
    out
}

fn validate_contact(input: &SubmissionInput, profile: &Profile, errors: &mut Vec<FieldError>) -> Contact {
    let contact = input.contact.clone().unwrap_or_default();
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let contact = Contact { phone: clean(contact.phone), email: clean(contact.email) };
    if profile.rules().contact_required && contact.phone.is_none() && contact.email.is_none() {
        errors.push(FieldError::new("contact", "required", "Give a phone number or an e-mail address."));
    }
    if let Some(email) = &contact.email
        && !email_ok(email) {
            errors.push(FieldError::new("contact.email", "format", "This is not an e-mail address."));
        }
    if let Some(phone) = &contact.phone
        && !phone_ok(phone) {
            errors.push(FieldError::new(
                "contact.phone",
                "format",
                "Give the phone number with its country code, like +34 600 000 000.",
            ));
        }
    contact
}

fn email_ok(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Digits with optional `+`, spaces, dots, hyphens and parentheses; 6 to 15 digits (ITU-T E.164).
fn phone_ok(phone: &str) -> bool {
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')')) && (6..=15).contains(&digits)
}

/// Whether `code` is an ISO 3166-2 subdivision code (`ES-M`, `CN-TJ`, `DE-BE`, `FR-75C`): an
/// alpha-2 country code, a hyphen, one to three letters or digits, and a subdivision that exists
/// in ISO 3166-2 (the `rust_iso3166` crate's list). A property's jurisdiction decides which police
/// see its flagged check-ins, so a mistyped one (`ES-MM`) would hide them from everyone: it is
/// refused rather than accepted by its shape.
pub fn is_jurisdiction_code(code: &str) -> bool {
    is_jurisdiction_shape(code) && crate::identity::countries::is_subdivision(code)
}

/// Whether `code` has the shape of an ISO 3166-2 code (`CC-SSS`, upper case), known or not.
fn is_jurisdiction_shape(code: &str) -> bool {
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

#[cfg(test)]
mod tests;
