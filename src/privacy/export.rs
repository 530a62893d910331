//! What a tenant may know about their check-in (GDPR art. 15, PIPL art. 45): what was
//! registered, who received it, and when it will be erased. Shown behind the receipt token on
//! the tenant's page and downloadable as JSON. Assembled from the store through the app; no SQL.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::app::App;
use crate::domain::{CheckinStatus, Contact, Event, Person, Stay};
use crate::store::{CheckinRecord, StoreError};

/// The tenant's own data and its recipients, as downloaded from `/r/{token}/data.json`.
#[derive(Debug, Clone, Serialize)]
pub struct PersonalDataExport {
    pub checkin_id: String,
    pub jurisdiction: String,
    pub status: CheckinStatus,
    pub stay: Stay,
    /// The persons as registered (empty once erased).
    pub persons: Vec<Person>,
    pub contact: Contact,
    /// Who received the data, and what.
    pub recipients: Vec<Recipient>,
    pub retention: RetentionView,
    pub generated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recipient {
    /// `landlord`, `population_registry` or `police`.
    pub recipient: &'static str,
    /// What they received or may open, in words.
    pub data: String,
    /// Why.
    pub purpose: String,
    /// When (the registry: when its answer was sealed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionView {
    /// The jurisdiction's retention, in words (`3 year(s) after check-out`).
    pub rule: String,
    /// When the personal data is (or was) due for erasure.
    pub erase_after: DateTime<Utc>,
    /// When it was erased (the `purged` seal), once it has been.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erased_at: Option<DateTime<Utc>>,
}

/// Assembles the export of one check-in for its tenant.
pub async fn export(app: &App, checkin: &CheckinRecord) -> Result<PersonalDataExport, StoreError> {
    let seals = app.store.seals(&checkin.id).await?;
    let persons = app.store.persons(&checkin.id).await?;
    let mut recipients = vec![Recipient {
        recipient: "landlord",
        data: "the persons and the contact as registered, the stay, and the outcome of the identity check".into(),
        purpose: "the guest registration the law requires of hosts".into(),
        at: Some(checkin.created_at),
    }];
    if let Some(outcome) = seals.iter().find(|s| matches!(s.event, Event::Verified | Event::Flagged | Event::Rechecked)) {
        let unavailable = checkin.flags.iter().all(|f| f.reason == crate::domain::FlagReason::RegistryUnavailable)
            && !checkin.flags.is_empty();
        if !unavailable {
            recipients.push(Recipient {
                recipient: "population_registry",
                data: "each person's names, birth date, and document type, number and issuing country (not nationality, sex, contact or stay)".into(),
                purpose: "to confirm that the document is valid and belongs to the person".into(),
                at: Some(outcome.created_at),
            });
        }
    }
    if !checkin.flags.is_empty() {
        recipients.push(Recipient {
            recipient: "police",
            data: format!("the check-in, for police reviewers of {} (each opening is logged with a reason)", checkin.jurisdiction),
            purpose: "the identity check raised a question that police review".into(),
            at: None,
        });
    }
    let erased_at = seals.iter().find(|s| s.event == Event::Purged).map(|s| s.created_at);
    Ok(PersonalDataExport {
        checkin_id: checkin.id.clone(),
        jurisdiction: checkin.jurisdiction.clone(),
        status: checkin.status,
        stay: checkin.stay.clone(),
        persons,
        contact: checkin.contact.clone(),
        recipients,
        retention: RetentionView {
            rule: app.retention.for_jurisdiction(&checkin.jurisdiction).to_string(),
            erase_after: checkin.erase_after,
            erased_at,
        },
        generated_at: app.now(),
    })
}
