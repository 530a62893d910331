//! The check-in domain: submissions, persons, documents, stays, states and their transitions,
//! registry outcomes and flags. Pure code: no I/O, no clock, no database, no HTTP.

pub mod checkin;
pub mod input;
pub mod outcome;
pub mod person;
pub mod review;

pub use checkin::{CheckinStatus, Contact, Event, Stay, Submission, TransitionError, awaits_registry};
pub use outcome::{DocumentStatus, FieldMatch, Flag, FlagReason, Outcome, PersonCheck};
pub use person::{Document, DocumentKind, Guardian, Person};
pub use review::{AccessReason, Resolution, needs_review};

/// One problem with one field of a submission, as data.
///
/// `field` is the path of the field in the submitted JSON (`persons[1].birth_date`,
/// `stay.check_out`); `person` is the index of the person it concerns, if any; `code` is a stable
/// machine-readable rule name (`required`, `checksum`, `birth_in_future`, ...); `message` says what
/// is wrong in words a tenant understands. Neither `code` nor `message` ever repeats the submitted
/// value, so a field error can be logged and shown without leaking personal data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<usize>,
    pub code: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError { field: field.into(), person: None, code: code.to_owned(), message: message.into() }
    }

    pub fn for_person(mut self, index: usize) -> Self {
        self.person = Some(index);
        self
    }
}
