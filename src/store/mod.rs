//! Storage: the [`Store`] trait and its two implementations, SQLite (the embedded default) and
//! PostgreSQL (production, several instances sharing one database).
//!
//! Each method is one unit of work: a method that writes several rows does so in one transaction,
//! so the service decides what commits together by choosing the method (accepting a check-in
//! writes the check-in, its persons, its first seal and its registry-check job at once). All SQL
//! of the product lives under this module; the SQL that both engines understand is written once
//! (`shared.rs`), and each backend adds only what differs (opening a write transaction, claiming a
//! job).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::domain::{CheckinStatus, Contact, Event, Flag, Person, Stay};
use crate::privacy::DataCipher;

#[macro_use]
mod shared;
mod group;
#[macro_use]
pub mod police;
#[macro_use]
pub mod privacy;
#[macro_use]
pub mod tlog;
#[macro_use]
pub mod partners;
mod postgres;
mod sqlite;

pub use police::{
    CompletedEnrolment, Enrolment, Jurisdiction, PoliceStore, RecoveryCode, ResolutionRecord, ReviewQuery, ReviewRow,
};
pub use postgres::PgStore;
pub use partners::{
    CheckinPage, IdempotentResponse, Partner, PartnerKey, PartnerStore, WebhookAttempt, WebhookEndpoint, WebhookEvent,
};
pub use privacy::{ErasureCandidate, PrivacyStore};
pub use sqlite::SqliteStore;
pub use tlog::{LogStore, TreeHead};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (e.g. an e-mail address already in use).
    #[error("conflict on {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Personal data could not be encrypted or decrypted (no data keys, an unknown key id, a
    /// value that does not authenticate). Never carries the value.
    #[error("personal data: {0}")]
    Privacy(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Opens the store named by `url` (`sqlite://PATH` or `postgres://...`), creating the SQLite file
/// and its directory when missing. Migrations are not run here (see [`Store::migrate`]).
///
/// A store opened this way has no data keys: it serves accounts, properties, seals and jobs, and
/// refuses to write or read personal data ([`StoreError::Privacy`]). The service opens its store
/// with [`connect_encrypted`].
pub async fn connect(url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    open(url, None).await
}

/// Opens the store named by `url` with the data cipher that encrypts every personal field it
/// writes and decrypts what it reads (see [`crate::privacy`]).
pub async fn connect_encrypted(url: &str, cipher: std::sync::Arc<DataCipher>) -> StoreResult<std::sync::Arc<dyn Store>> {
    open(url, Some(cipher)).await
}

async fn open(url: &str, cipher: Option<std::sync::Arc<DataCipher>>) -> StoreResult<std::sync::Arc<dyn Store>> {
    if is_postgres(url) {
        Ok(std::sync::Arc::new(PgStore::connect(url).await?.with_cipher(cipher)))
    } else {
        Ok(std::sync::Arc::new(SqliteStore::connect(url).await?.with_cipher(cipher)))
    }
}

/// Whether a database URL names PostgreSQL.
pub fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Landlord,
    Police,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Landlord => "landlord",
            Role::Police => "police",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Some(match s {
            "landlord" => Role::Landlord,
            "police" => Role::Police,
            "admin" => Role::Admin,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    /// ISO 3166-2 codes an officer works in.
    pub jurisdictions: Vec<String>,
    pub totp_secret: Option<String>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub id: String,
    pub landlord_id: String,
    pub name: String,
    pub address: String,
    /// ISO 3166-2 code.
    pub jurisdiction: String,
    /// IANA time zone.
    pub time_zone: String,
    /// Invitations carry the epoch they were issued under; raising it revokes them all.
    pub invitation_epoch: i64,
    pub created_at: DateTime<Utc>,
}

/// A check-in without its persons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinRecord {
    pub id: String,
    pub property_id: String,
    pub landlord_id: String,
    pub jurisdiction: String,
    pub status: CheckinStatus,
    pub flags: Vec<Flag>,
    /// How it arrived: `invitation`, `landlord`, `credential`.
    pub channel: String,
    pub stay: Stay,
    pub contact: Contact,
    pub person_count: i64,
    /// Salt of the persons' digests in the seals (empty once purged).
    pub digest_salt: Vec<u8>,
    /// When the personal data is due for erasure (the jurisdiction's retention, see
    /// [`crate::privacy::retention`]).
    pub erase_after: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The partner system that submitted it (see [`crate::partners`]), if one did.
    pub partner_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealRecord {
    pub checkin_id: String,
    /// 0 for the first seal of a check-in, then 1, 2, ...
    pub seq: i64,
    pub event: Event,
    /// The compact JWS exactly as signed.
    pub jws: String,
    pub created_at: DateTime<Utc>,
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub checkin_id: Option<String>,
    pub payload: serde_json::Value,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub checkin_id: Option<String>,
    pub payload: serde_json::Value,
    /// Attempts started so far, including this one.
    pub attempts: i32,
    pub max_attempts: i32,
    pub lease_until: DateTime<Utc>,
    /// When the job was enqueued.
    pub created_at: DateTime<Utc>,
}

/// A job in the dead letters, for operators.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeadJob {
    pub id: i64,
    pub kind: String,
    pub checkin_id: Option<String>,
    pub attempts: i32,
    /// The last failure's kind (never personal data).
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The queue at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueStats {
    /// Jobs ready to run now (including leases that ran out).
    pub ready: i64,
    /// Jobs held by a worker under a live lease.
    pub running: i64,
    pub dead: i64,
    /// Age of the oldest ready job, in seconds (0 when none).
    pub oldest_ready_secs: i64,
}

/// A seal's place in the transparency log as its transaction committed: its leaf index and the
/// log's tree head right after that commit (a head that includes the leaf, for a receipt that
/// needs no further read of the head).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Logged {
    pub leaf_index: u64,
    pub head: tlog::TreeHead,
}

/// Everything accepting a check-in writes, in one transaction.
#[derive(Debug, Clone)]
pub struct NewCheckin {
    pub record: CheckinRecord,
    pub persons: Vec<Person>,
    /// SHA-256 of the tenant's receipt token.
    pub receipt_token_hash: Vec<u8>,
    pub first_seal: SealRecord,
    pub job: NewJob,
}

/// A sealed state change: applied only if the check-in is still in `expected` status (so two
/// workers racing on the same outcome seal it once), optionally completing the job that made it.
#[derive(Debug, Clone)]
pub struct EventWrite {
    pub checkin_id: String,
    pub expected: CheckinStatus,
    pub new_status: CheckinStatus,
    /// New flags, when the event changes them.
    pub flags: Option<Vec<Flag>>,
    /// When set, the change applies only if the check-in's flags are exactly these (a re-check
    /// of a check-in flagged `registry_unavailable` must not race another one).
    pub expected_flags: Option<Vec<Flag>>,
    pub seal: SealRecord,
    /// `(job id, worker)` to mark done in the same transaction.
    pub complete_job: Option<(i64, String)>,
}

/// What happened to a job given back by its worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobRelease {
    /// Try again at this time.
    Retry { run_at: DateTime<Utc>, error: String },
    /// Give up: the job moves to the dead letters.
    Dead { error: String },
    /// Not attempted (the registry's circuit is open): run again at this time, without counting
    /// this claim as an attempt.
    Postpone { run_at: DateTime<Utc> },
}

/// Every method that touches personal data encrypts on write and decrypts on read; the privacy
/// methods (blind index, erasure, re-encryption) are in [`PrivacyStore`]; the police workspace's
/// methods are in [`PoliceStore`]; the transparency log's in [`LogStore`].
#[async_trait]
pub trait Store: PrivacyStore + PoliceStore + LogStore + PartnerStore + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Applies the migrations of this backend.
    async fn migrate(&self) -> StoreResult<()>;
    /// A trivial query, for readiness checks.
    async fn ping(&self) -> StoreResult<()>;

    async fn create_user(&self, user: &User) -> StoreResult<()>;
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;

    async fn create_session(&self, token_hash: &[u8], user_id: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()>;
    /// The user of a live session (not expired at `now`, nor idle past its idle timeout when it
    /// has one), touching its last-seen time and extending its idle deadline.
    async fn session_user(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<User>>;
    async fn delete_session(&self, token_hash: &[u8]) -> StoreResult<()>;

    async fn create_property(&self, property: &Property) -> StoreResult<()>;
    async fn property(&self, id: &str) -> StoreResult<Option<Property>>;
    async fn properties_of(&self, landlord_id: &str) -> StoreResult<Vec<Property>>;

    /// Stores a check-in, its persons, its first seal and its job in one transaction; returns
    /// where the first seal is in the transparency log.
    async fn accept_checkin(&self, checkin: &NewCheckin) -> StoreResult<Logged>;
    async fn checkin(&self, id: &str) -> StoreResult<Option<CheckinRecord>>;
    async fn checkin_by_receipt_token(&self, token_hash: &[u8]) -> StoreResult<Option<CheckinRecord>>;
    async fn checkins_of_property(&self, property_id: &str, limit: i64) -> StoreResult<Vec<CheckinRecord>>;
    async fn persons(&self, checkin_id: &str) -> StoreResult<Vec<Person>>;
    async fn seals(&self, checkin_id: &str) -> StoreResult<Vec<SealRecord>>;
    /// Marks a check-in `checking` if it is `submitted` (not a sealed event).
    async fn mark_checking(&self, checkin_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
    /// Applies a sealed state change; `Ok(false)` when the check-in was no longer in the expected
    /// status or the event was already sealed (nothing written, the job is still completed).
    /// Sealing `purged` erases the check-in's personal data in the same transaction.
    async fn record_event(&self, write: &EventWrite) -> StoreResult<bool>;

    /// Claims the oldest ready job for `worker` until `lease_until`.
    async fn claim_job(&self, worker: &str, now: DateTime<Utc>, lease_until: DateTime<Utc>) -> StoreResult<Option<Job>>;
    /// Makes jobs whose lease ran out at `now` ready again (their worker died); returns how many.
    async fn reclaim_expired_leases(&self, now: DateTime<Utc>) -> StoreResult<u64>;
    /// Extends the lease of a job this worker still holds; `false` when it no longer holds it.
    async fn extend_lease(&self, job_id: i64, worker: &str, lease_until: DateTime<Utc>) -> StoreResult<bool>;
    async fn complete_job(&self, job_id: i64, worker: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn release_job(&self, job_id: i64, worker: &str, release: &JobRelease, now: DateTime<Utc>) -> StoreResult<()>;
    /// Counts of the queue at `now`.
    async fn queue_stats(&self, now: DateTime<Utc>) -> StoreResult<QueueStats>;
    /// The dead letters, newest first.
    async fn dead_jobs(&self, limit: i64) -> StoreResult<Vec<DeadJob>>;
    /// Puts dead jobs back in the queue with fresh attempts (`ids`: those; `None`: all).
    /// Returns how many were requeued.
    async fn requeue_dead_jobs(&self, ids: Option<&[i64]>, now: DateTime<Utc>) -> StoreResult<u64>;
}
