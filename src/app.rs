//! The application: the shared state of the HTTP layer and the workers, and the use cases that
//! both call — accepting a check-in, recording a sealed event. Handlers and jobs stay thin; the
//! rules of what commits together live here and in the store.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::domain::input::SubmissionInput;
use crate::domain::{CheckinStatus, Event, FieldError, Flag, Submission};
use crate::identity::intake::{self, Profile};
use crate::invitation::{InvitationClaims, InvitationSigner};
use crate::jobs::REGISTRY_CHECK;
use crate::registry::Registry;
use crate::seal::payload::{SealOutcome, SealPayload, SealStay, person_digest, seal_time};
use crate::seal::{KeyRing, jws};
use crate::store::{CheckinRecord, EventWrite, NewCheckin, NewJob, Property, SealRecord, Store, StoreError};

/// Everything a request handler or a worker needs.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub registry: Arc<dyn Registry>,
    pub keys: Arc<KeyRing>,
    pub clock: Arc<dyn Clock>,
    pub invitations: InvitationSigner,
    pub qr: crate::qr::Decoder,
    /// Base URL tenants reach (for invitation URLs), without a trailing slash.
    pub public_url: String,
    pub invitation_ttl: chrono::Duration,
    /// Wakes idle in-process workers when a job is enqueued.
    pub wake: Arc<Notify>,
    /// Seals the police workspace's secrets at rest (second factors, resolution notes).
    pub vault: Arc<crate::police::vault::Vault>,
    /// How long each jurisdiction keeps personal data (see [`crate::privacy::retention`]).
    pub retention: crate::privacy::RetentionPolicy,
    /// Partner keys' rate limits and the webhook signing key (see [`crate::partners`]).
    pub partners: Arc<crate::partners::Partners>,
}

/// How a check-in arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The tenant, through the property's invitation.
    Invitation,
    /// The landlord, typing or pre-filling from an identity credential.
    Landlord,
    /// A partner system, with an API key.
    Partner,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Invitation => "invitation",
            Channel::Landlord => "landlord",
            Channel::Partner => "partner",
        }
    }
}

/// A check-in just accepted: its record, its first seal and the tenant's receipt token (shown
/// once, stored only as a hash).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub record: CheckinRecord,
    pub seal: SealRecord,
    pub receipt_token: String,
    /// The first seal's leaf in the transparency log, and the log's head as it committed.
    pub logged: crate::store::Logged,
}

#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("the submission has {} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("sealing failed: {0}")]
    Seal(#[from] jws::JwsError),
}

/// Attempts of a registry check before it is dead-lettered (and the check-in flagged
/// `registry_unavailable`).
pub const REGISTRY_CHECK_MAX_ATTEMPTS: i32 = 8;

impl App {
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A property's current invitation token (signed, expiring; see [`crate::invitation`]).
    pub fn invitation_token(&self, property: &Property) -> String {
        let claims = InvitationClaims {
            p: property.id.clone(),
            e: property.invitation_epoch,
            x: (self.now() + self.invitation_ttl).timestamp(),
        };
        self.invitations.issue(&claims)
    }

    /// The invitation URL a tenant opens: `{public URL}/i/{token}`.
    pub fn invitation_url(&self, property: &Property) -> String {
        format!("{}/i/{}", self.public_url, self.invitation_token(property))
    }

    /// What a property's check-in QR code holds: the invitation URL with its scheme and host in
    /// upper case and `/I/`, so that all of it is in the QR alphanumeric set and the code stays
    /// small (a path prefix of the public URL is kept as it is).
    pub fn invitation_qr_text(&self, property: &Property) -> String {
        let (scheme, rest) = self.public_url.split_once("://").unwrap_or(("http", &self.public_url));
        let (host, path) = rest.split_once('/').map(|(h, p)| (h, format!("/{p}"))).unwrap_or((rest, String::new()));
        format!("{}://{}{path}/I/{}", scheme.to_uppercase(), host.to_uppercase(), self.invitation_token(property))
    }

    /// The local date at a property (for "not in the future" rules).
    pub fn local_today(&self, property: &Property) -> chrono::NaiveDate {
        let now = self.now();
        match property.time_zone.parse::<chrono_tz::Tz>() {
            Ok(tz) => now.with_timezone(&tz).date_naive(),
            Err(_) => now.date_naive(),
        }
    }

    /// Validates a submission for `property` without storing it.
    pub fn validate(&self, property: &Property, input: &SubmissionInput) -> Result<Submission, Vec<FieldError>> {
        let mut profile = Profile::for_jurisdiction(&property.jurisdiction);
        if let Ok(tz) = property.time_zone.parse::<chrono_tz::Tz>() {
            profile = profile.with_time_zone(tz);
        }
        intake::validate_submission(input, &profile, self.local_today(property))
    }

    /// Accepts a check-in: validates it, then stores it with its first seal (`submitted`) and its
    /// registry-check job in one transaction, and wakes a worker.
    pub async fn submit(&self, property: &Property, input: &SubmissionInput, channel: Channel) -> Result<Accepted, SubmitError> {
        self.submit_for(property, input, channel, None).await
    }

    /// [`App::submit`] on behalf of a partner system (`partner_id`), whose webhooks then report
    /// the check-in's events.
    pub async fn submit_for(
        &self,
        property: &Property,
        input: &SubmissionInput,
        channel: Channel,
        partner_id: Option<String>,
    ) -> Result<Accepted, SubmitError> {
        let submission = self.validate(property, input).map_err(SubmitError::Invalid)?;
        let now = self.now();
        let id = uuid::Uuid::now_v7().to_string();
        let salt = crate::random_bytes::<16>().to_vec();
        let record = CheckinRecord {
            id: id.clone(),
            property_id: property.id.clone(),
            landlord_id: property.landlord_id.clone(),
            jurisdiction: property.jurisdiction.clone(),
            status: CheckinStatus::Submitted,
            flags: vec![],
            channel: channel.as_str().to_owned(),
            stay: submission.stay.clone(),
            contact: submission.contact.clone(),
            person_count: submission.persons.len() as i64,
            digest_salt: salt,
            erase_after: self.retention.erase_after(&property.jurisdiction, &submission.stay, now),
            created_at: now,
            updated_at: now,
            partner_id: partner_id.clone(),
        };
        let payload = self.payload(&record, &submission.persons, Event::Submitted, now, None, None);
        let seal = SealRecord {
            checkin_id: id.clone(),
            seq: 0,
            event: Event::Submitted,
            jws: self.keys.seal(&payload, now)?.compact,
            created_at: now,
        };
        let receipt_token = crate::http::auth::new_token("hrt_");
        let job = NewJob {
            kind: REGISTRY_CHECK.to_owned(),
            checkin_id: Some(id.clone()),
            payload: serde_json::json!({}),
            max_attempts: REGISTRY_CHECK_MAX_ATTEMPTS,
            run_at: now,
        };
        let new = NewCheckin {
            record: record.clone(),
            persons: submission.persons,
            receipt_token_hash: crate::http::auth::token_hash(&receipt_token),
            first_seal: seal.clone(),
            job,
        };
        let logged = self.store.accept_checkin(&new).await?;
        self.wake.notify_one();
        metrics::counter!("hospes_checkins_accepted_total", "channel" => channel.as_str()).increment(1);
        Ok(Accepted { record, seal, receipt_token, logged })
    }

    /// Seals `event` for a check-in that is in status `expected` and applies the new status (and
    /// flags), completing `job` in the same transaction. `Ok(false)`: someone else already moved
    /// the check-in on (nothing sealed twice).
    pub async fn record_event(
        &self,
        checkin: &CheckinRecord,
        event: Event,
        outcome: Option<SealOutcome>,
        job: Option<(i64, String)>,
    ) -> Result<bool, SubmitError> {
        let write = self.prepare_event(checkin, event, outcome, job).await?;
        let applied = self.store.record_event(&write).await?;
        if applied {
            metrics::counter!("hospes_seals_total", "event" => event.as_str()).increment(1);
        }
        Ok(applied)
    }

    /// Seals `event` for a check-in and describes the write that applies it (for a store method
    /// that writes more in the same transaction, such as a police resolution with its note).
    pub async fn prepare_event(
        &self,
        checkin: &CheckinRecord,
        event: Event,
        outcome: Option<SealOutcome>,
        job: Option<(i64, String)>,
    ) -> Result<EventWrite, SubmitError> {
        let new_status = checkin.status.apply(event).map_err(|e| {
            SubmitError::Invalid(vec![FieldError::new("status", "transition", e.to_string())])
        })?;
        let persons = self.store.persons(&checkin.id).await?;
        let seals = self.store.seals(&checkin.id).await?;
        let prev = seals.last().map(|s| jws::seal_hash(&s.jws));
        let now = self.now();
        let payload = self.payload(checkin, &persons, event, now, outcome.clone(), prev);
        let seal = SealRecord {
            checkin_id: checkin.id.clone(),
            seq: seals.len() as i64,
            event,
            jws: self.keys.seal(&payload, now)?.compact,
            created_at: now,
        };
        let flags: Option<Vec<Flag>> = match event {
            Event::Verified | Event::Flagged | Event::Rechecked => Some(outcome.map(|o| o.flags).unwrap_or_default()),
            _ => None,
        };
        // The registry's late answer for a check-in flagged `registry_unavailable` applies only
        // while its flags are still exactly those.
        let expected_flags = (checkin.status == CheckinStatus::Flagged && matches!(event, Event::Verified | Event::Rechecked))
            .then(|| checkin.flags.clone());
        Ok(EventWrite {
            checkin_id: checkin.id.clone(),
            expected: checkin.status,
            expected_flags,
            new_status,
            flags,
            seal,
            complete_job: job,
        })
    }

    fn payload(
        &self,
        checkin: &CheckinRecord,
        persons: &[crate::domain::Person],
        event: Event,
        time: DateTime<Utc>,
        outcome: Option<SealOutcome>,
        prev: Option<String>,
    ) -> SealPayload {
        SealPayload {
            v: crate::seal::payload::PAYLOAD_VERSION,
            checkin: checkin.id.clone(),
            event: event.as_str().to_owned(),
            time: seal_time(time),
            property: checkin.property_id.clone(),
            jurisdiction: checkin.jurisdiction.clone(),
            stay: SealStay::from(&checkin.stay),
            persons: persons.iter().map(|p| person_digest(&checkin.digest_salt, p)).collect(),
            outcome,
            prev,
        }
    }
}
