//! The check-in form shared by the tenant's page and the landlord's: its fields, how they become a
//! [`SubmissionInput`], and how field errors find their way back to the right input.

use std::collections::BTreeMap;

use askama::Template;
use chrono::{NaiveDateTime, TimeZone};
use serde::Deserialize;

use crate::domain::input::{ContactInput, DocumentInput, PersonInput, StayInput, SubmissionInput};
use crate::domain::{FieldError, Person};

/// The form's values exactly as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckinFormValues {
    #[serde(default)]
    pub check_in: String,
    #[serde(default)]
    pub check_out: String,
    #[serde(default)]
    pub given_names: String,
    #[serde(default)]
    pub family_name: String,
    #[serde(default)]
    pub second_family_name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub nationality: String,
    #[serde(default)]
    pub document_type: String,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub issuing_country: String,
    #[serde(default)]
    pub support_number: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

pub struct FieldView {
    pub name: &'static str,
    pub label: String,
    pub hint: String,
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
}

#[derive(Template)]
#[template(path = "checkin_form.html")]
pub struct CheckinFormPage {
    pub lang: super::Lang,
    pub heading: String,
    pub property_name: String,
    pub time_zone: String,
    pub action: String,
    pub csrf: Option<String>,
    pub note: Option<String>,
    /// Where the header's "Back" link goes (the landlord's property page), if anywhere.
    pub back: Option<String>,
    pub form: CheckinFormValues,
    pub person_fields: Vec<FieldView>,
    pub document_types: Vec<(&'static str, String)>,
    /// Form field name → message.
    pub errors: BTreeMap<String, String>,
    /// Whether the jurisdiction's profile asks for a contact (data minimisation: otherwise the
    /// form does not collect one).
    pub ask_contact: bool,
    pub contact_required: bool,
    /// The jurisdiction's retention, in words, for the notice.
    pub retention: String,
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

impl CheckinFormValues {
    /// Pre-fills the person fields from a person (an identity credential).
    pub fn with_person(person: &Person) -> Self {
        CheckinFormValues {
            given_names: person.given_names.clone(),
            family_name: person.family_name.clone(),
            second_family_name: person.second_family_name.clone().unwrap_or_default(),
            birth_date: person.birth_date.format("%Y-%m-%d").to_string(),
            nationality: person.nationality.clone(),
            document_type: person.document.kind.as_str().to_owned(),
            document_number: person.document.number.clone(),
            issuing_country: person.document.issuing_country.clone(),
            support_number: person.document.support_number.clone().unwrap_or_default(),
            ..Default::default()
        }
    }

    /// Converts the form into a submission, turning the local stay times into RFC 3339 with the
    /// property's offset. Times that do not exist locally (a clock change) are errors.
    pub fn to_input(&self, time_zone: &str) -> Result<SubmissionInput, Vec<FieldError>> {
        let tz: chrono_tz::Tz = time_zone.parse().unwrap_or(chrono_tz::UTC);
        let mut errors = Vec::new();
        let mut local = |field: &str, value: &str| -> Option<String> {
            let value = value.trim();
            if value.is_empty() {
                return None;
            }
            let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
                .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"));
            match naive {
                Err(_) => {
                    errors.push(FieldError::new(field, "format", "Enter a date and time."));
                    None
                }
                Ok(naive) => match tz.from_local_datetime(&naive).earliest() {
                    Some(t) => Some(t.fixed_offset().to_rfc3339()),
                    None => {
                        errors.push(FieldError::new(
                            field,
                            "nonexistent_local_time",
                            "This time does not exist at the property (the clocks change then). Choose another time.",
                        ));
                        None
                    }
                },
            }
        };
        let check_in = local("stay.check_in", &self.check_in);
        let check_out = local("stay.check_out", &self.check_out);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SubmissionInput {
            stay: Some(StayInput { check_in, check_out }),
            persons: vec![PersonInput {
                given_names: opt(&self.given_names),
                family_name: opt(&self.family_name),
                second_family_name: opt(&self.second_family_name),
                birth_date: opt(&self.birth_date),
                nationality: opt(&self.nationality),
                sex: None,
                document: Some(DocumentInput {
                    kind: opt(&self.document_type),
                    number: opt(&self.document_number),
                    issuing_country: opt(&self.issuing_country),
                    support_number: opt(&self.support_number),
                    mrz: None,
                }),
                guardian: None,
            }],
            contact: Some(ContactInput { phone: opt(&self.phone), email: opt(&self.email) }),
        })
    }

    /// The person fields the profile asks for (data minimisation: a support number only where
    /// Spanish DNI/NIE rules apply).
    fn person_fields(&self, rules: &crate::identity::profile::Rules, lang: &super::Lang) -> Vec<FieldView> {
        // Labels are `field-<name>`, hints `field-<name>-hint` (an empty message: no hint).
        let f = |name: &'static str, kind, value: &String, required| FieldView {
            name,
            label: lang.t(&format!("field-{name}")),
            hint: lang.t(&format!("field-{name}-hint")).trim().to_owned(),
            kind,
            value: value.clone(),
            required,
        };
        let mut fields = vec![
            f("given_names", "text", &self.given_names, rules.given_names_required),
            f("family_name", "text", &self.family_name, true),
            f("second_family_name", "text", &self.second_family_name, false),
            f("birth_date", "date", &self.birth_date, true),
            f("nationality", "text", &self.nationality, true),
            f("document_type", "select", &self.document_type, true),
            f("document_number", "text", &self.document_number, true),
            f("issuing_country", "text", &self.issuing_country, true),
            f("support_number", "text", &self.support_number, false),
        ];
        if !rules.support_number_for_dni_nie {
            fields.retain(|f| f.name != "support_number");
        }
        fields
    }
}

/// The form input a submission field error belongs to (`persons[0].document.number` →
/// `document_number`, `stay.check_in` → `check_in`).
pub fn form_field(field: &str) -> String {
    let field = field.strip_prefix("persons[0].").unwrap_or(field);
    match field {
        "stay.check_in" => "check_in".into(),
        "stay.check_out" => "check_out".into(),
        "contact.phone" => "phone".into(),
        "contact.email" => "email".into(),
        "document.type" => "document_type".into(),
        "document.number" => "document_number".into(),
        "document.issuing_country" => "issuing_country".into(),
        "document.support_number" => "support_number".into(),
        other => other.replace('.', "_"),
    }
}

impl CheckinFormPage {
    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }

    /// The form in `lang`; `heading` is a message key; field errors are shown in `lang` too.
    pub fn new(
        lang: &super::Lang,
        heading: &str,
        property: &crate::store::Property,
        action: String,
        csrf: Option<String>,
        form: CheckinFormValues,
        errors: &[FieldError],
    ) -> Self {
        let mut by_field = BTreeMap::new();
        for e in errors {
            let field = form_field(&e.field);
            let message = lang.field_error(&field, e);
            by_field.entry(field).or_insert(message);
        }
        let profile = crate::identity::Profile::for_jurisdiction(&property.jurisdiction);
        let rules = profile.rules();
        CheckinFormPage {
            ask_contact: rules.contact_required || rules.keeps_optional_contact,
            contact_required: rules.contact_required,
            retention: lang.retention(&profile.retention()),
            heading: lang.t(heading),
            property_name: property.name.clone(),
            time_zone: property.time_zone.clone(),
            action,
            csrf,
            note: None,
            back: None,
            person_fields: form.person_fields(&rules, lang),
            form,
            document_types: ["passport", "id_card", "residence_permit", "other"]
                .into_iter()
                .map(|kind| (kind, lang.t(&format!("document-type-{kind}"))))
                .collect(),
            errors: by_field,
            lang: lang.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_stay_times_take_the_property_offset_and_gaps_are_refused() {
        let form = CheckinFormValues { check_in: "2026-07-01T14:00".into(), check_out: "2026-07-03T11:00".into(), ..Default::default() };
        let input = form.to_input("Europe/Madrid").unwrap();
        assert_eq!(input.stay.unwrap().check_in.unwrap(), "2026-07-01T14:00:00+02:00");
        let gap = CheckinFormValues { check_in: "2026-03-29T02:30".into(), check_out: "2026-03-30T11:00".into(), ..Default::default() };
        let errors = gap.to_input("Europe/Madrid").unwrap_err();
        assert_eq!(errors[0].code, "nonexistent_local_time");
    }

    #[test]
    fn submission_errors_map_to_form_inputs() {
        assert_eq!(form_field("persons[0].document.number"), "document_number");
        assert_eq!(form_field("stay.check_out"), "check_out");
        assert_eq!(form_field("persons[0].birth_date"), "birth_date");
    }
}
