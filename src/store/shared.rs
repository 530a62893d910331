//! The SQL that SQLite and PostgreSQL both understand, written once.
//!
//! [`impl_store!`] implements [`super::Store`] for a backend type that provides, as inherent
//! methods, only what differs between the engines: `BACKEND`, `pool`, `run_migrations`,
//! `begin_write` (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: `BEGIN`) and `claim_job_inner`
//! (SQLite: one immediate transaction; PostgreSQL: `FOR UPDATE SKIP LOCKED`). Parameters are
//! written `$1, $2, ...`, which both engines accept (SQLite binds them by first appearance).

use chrono::{DateTime, NaiveDate, Utc};

use super::{CheckinRecord, Job, Property, Role, SealRecord, StoreError, User};
use crate::domain::{CheckinStatus, Contact, Document, DocumentKind, Event, Guardian, Person, Stay};

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    id: String,
    email: String,
    password_hash: String,
    role: String,
    jurisdictions: String,
    totp_secret: Option<String>,
    disabled: bool,
    created_at: DateTime<Utc>,
}

/// A session's user and its idle timeout.
#[derive(sqlx::FromRow)]
pub(super) struct SessionUserRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub idle_secs: Option<i64>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<User, StoreError> {
        Ok(User {
            role: Role::parse(&r.role).ok_or_else(|| StoreError::Corrupt(format!("unknown role {}", r.role)))?,
            jurisdictions: r.jurisdictions.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            id: r.id,
            email: r.email,
            password_hash: r.password_hash,
            totp_secret: r.totp_secret,
            disabled: r.disabled,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PropertyRow {
    id: String,
    landlord_id: String,
    name: String,
    address: String,
    jurisdiction: String,
    time_zone: String,
    invitation_epoch: i64,
    created_at: DateTime<Utc>,
}

impl From<PropertyRow> for Property {
    fn from(r: PropertyRow) -> Property {
        Property {
            id: r.id,
            landlord_id: r.landlord_id,
            name: r.name,
            address: r.address,
            jurisdiction: r.jurisdiction,
            time_zone: r.time_zone,
            invitation_epoch: r.invitation_epoch,
            created_at: r.created_at,
        }
    }
}

/// Columns of a check-in joined with its property's landlord.
pub(super) const CHECKIN_COLUMNS: &str = "c.id, c.property_id, p.landlord_id, c.jurisdiction, c.status, c.flags, \
     c.channel, c.check_in, c.check_out, c.contact_phone, c.contact_email, c.person_count, c.digest_salt, \
     c.created_at, c.updated_at";

#[derive(sqlx::FromRow)]
pub(super) struct CheckinRow {
    id: String,
    property_id: String,
    landlord_id: String,
    jurisdiction: String,
    status: String,
    flags: String,
    channel: String,
    check_in: String,
    check_out: String,
    contact_phone: Option<String>,
    contact_email: Option<String>,
    person_count: i64,
    digest_salt: Vec<u8>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<CheckinRow> for CheckinRecord {
    type Error = StoreError;
    fn try_from(r: CheckinRow) -> Result<CheckinRecord, StoreError> {
        let time = |s: &str| {
            DateTime::parse_from_rfc3339(s).map_err(|_| StoreError::Corrupt("check-in time".into()))
        };
        Ok(CheckinRecord {
            status: CheckinStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown status {}", r.status)))?,
            flags: serde_json::from_str(&r.flags).map_err(|_| StoreError::Corrupt("flags".into()))?,
            stay: Stay { check_in: time(&r.check_in)?, check_out: time(&r.check_out)? },
            contact: Contact { phone: r.contact_phone, email: r.contact_email },
            id: r.id,
            property_id: r.property_id,
            landlord_id: r.landlord_id,
            jurisdiction: r.jurisdiction,
            channel: r.channel,
            person_count: r.person_count,
            digest_salt: r.digest_salt,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct PersonRow {
    given_names: String,
    family_name: String,
    second_family_name: Option<String>,
    birth_date: String,
    nationality: String,
    sex: Option<String>,
    document_type: String,
    document_number: String,
    document_country: String,
    support_number: Option<String>,
    guardian_idx: Option<i64>,
    guardian_relationship: Option<String>,
}

impl TryFrom<PersonRow> for Person {
    type Error = StoreError;
    fn try_from(r: PersonRow) -> Result<Person, StoreError> {
        let kind = match r.document_type.as_str() {
            "passport" => DocumentKind::Passport,
            "id_card" => DocumentKind::IdCard,
            "residence_permit" => DocumentKind::ResidencePermit,
            "other" => DocumentKind::Other,
            _ => return Err(StoreError::Corrupt("document type".into())),
        };
        Ok(Person {
            birth_date: NaiveDate::parse_from_str(&r.birth_date, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt("birth date".into()))?,
            guardian: match (r.guardian_idx, r.guardian_relationship) {
                (Some(i), Some(relationship)) => Some(Guardian { person: i as usize, relationship }),
                _ => None,
            },
            given_names: r.given_names,
            family_name: r.family_name,
            second_family_name: r.second_family_name,
            nationality: r.nationality,
            sex: r.sex,
            document: Document {
                kind,
                number: r.document_number,
                issuing_country: r.document_country,
                support_number: r.support_number,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SealRow {
    checkin_id: String,
    seq: i64,
    event: String,
    jws: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<SealRow> for SealRecord {
    type Error = StoreError;
    fn try_from(r: SealRow) -> Result<SealRecord, StoreError> {
        Ok(SealRecord {
            event: Event::parse(&r.event).ok_or_else(|| StoreError::Corrupt(format!("unknown event {}", r.event)))?,
            checkin_id: r.checkin_id,
            seq: r.seq,
            jws: r.jws,
            created_at: r.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct DeadJobRow {
    pub id: i64,
    pub kind: String,
    pub checkin_id: Option<String>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<DeadJobRow> for super::DeadJob {
    fn from(r: DeadJobRow) -> Self {
        super::DeadJob {
            id: r.id,
            kind: r.kind,
            checkin_id: r.checkin_id,
            attempts: r.attempts,
            last_error: r.last_error,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct JobRow {
    id: i64,
    kind: String,
    checkin_id: Option<String>,
    payload: String,
    attempts: i32,
    max_attempts: i32,
    lease_until: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<JobRow> for Job {
    type Error = StoreError;
    fn try_from(r: JobRow) -> Result<Job, StoreError> {
        Ok(Job {
            payload: serde_json::from_str(&r.payload).map_err(|_| StoreError::Corrupt("job payload".into()))?,
            lease_until: r.lease_until.ok_or_else(|| StoreError::Corrupt("claimed job without lease".into()))?,
            id: r.id,
            kind: r.kind,
            checkin_id: r.checkin_id,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            created_at: r.created_at,
        })
    }
}

/// Turns a unique-constraint violation into [`StoreError::Conflict`] naming the constraint (or
/// table), and anything else into [`StoreError::Database`].
pub(super) fn conflict(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        if db.is_unique_violation() {
            let name = db.constraint().map(str::to_owned).unwrap_or_else(|| db.message().to_owned());
            return StoreError::Conflict(name);
        }
    }
    StoreError::Database(e)
}

pub(super) fn flags_json(flags: &[crate::domain::Flag]) -> String {
    serde_json::to_string(flags).expect("flags serialise")
}

macro_rules! impl_store {
    ($T:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $T {
            fn backend(&self) -> &'static str {
                <$T>::BACKEND
            }

            async fn migrate(&self) -> $crate::store::StoreResult<()> {
                self.run_migrations().await
            }

            async fn ping(&self) -> $crate::store::StoreResult<()> {
                sqlx::query("SELECT 1").execute(self.pool()).await?;
                Ok(())
            }

            async fn create_user(&self, u: &$crate::store::User) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO users (id, email, password_hash, role, jurisdictions, totp_secret, disabled, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&u.id)
                .bind(&u.email)
                .bind(&u.password_hash)
                .bind(u.role.as_str())
                .bind(u.jurisdictions.join(","))
                .bind(&u.totp_secret)
                .bind(u.disabled)
                .bind(u.created_at)
                .execute(self.pool())
                .await
                .map_err($crate::store::shared::conflict)?;
                Ok(())
            }

            async fn user(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::User>> {
                let row: Option<$crate::store::shared::UserRow> =
                    sqlx::query_as("SELECT * FROM users WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn user_by_email(&self, email: &str) -> $crate::store::StoreResult<Option<$crate::store::User>> {
                let row: Option<$crate::store::shared::UserRow> = sqlx::query_as("SELECT * FROM users WHERE email = $1")
                    .bind(email)
                    .fetch_optional(self.pool())
                    .await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn create_session(
                &self,
                token_hash: &[u8],
                user_id: &str,
                now: chrono::DateTime<chrono::Utc>,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(now)
                .bind(expires_at)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn session_user(
                &self,
                token_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Option<$crate::store::User>> {
                let row: Option<$crate::store::shared::SessionUserRow> = sqlx::query_as(
                    "SELECT u.*, s.idle_secs FROM sessions s JOIN users u ON u.id = s.user_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND (s.idle_until IS NULL OR s.idle_until > $2) \
                     AND NOT u.disabled",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
                let Some(row) = row else { return Ok(None) };
                sqlx::query("UPDATE sessions SET last_seen_at = $2, idle_until = $3 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(now)
                    .bind(row.idle_secs.map(|s| now + chrono::Duration::seconds(s)))
                    .execute(self.pool())
                    .await?;
                row.user.try_into().map(Some)
            }

            async fn delete_session(&self, token_hash: &[u8]) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(self.pool()).await?;
                Ok(())
            }

            async fn create_property(&self, p: &$crate::store::Property) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO properties (id, landlord_id, name, address, jurisdiction, time_zone, invitation_epoch, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&p.id)
                .bind(&p.landlord_id)
                .bind(&p.name)
                .bind(&p.address)
                .bind(&p.jurisdiction)
                .bind(&p.time_zone)
                .bind(p.invitation_epoch)
                .bind(p.created_at)
                .execute(self.pool())
                .await
                .map_err($crate::store::shared::conflict)?;
                Ok(())
            }

            async fn property(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::Property>> {
                let row: Option<$crate::store::shared::PropertyRow> =
                    sqlx::query_as("SELECT * FROM properties WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
                Ok(row.map(Into::into))
            }

            async fn properties_of(&self, landlord_id: &str) -> $crate::store::StoreResult<Vec<$crate::store::Property>> {
                let rows: Vec<$crate::store::shared::PropertyRow> =
                    sqlx::query_as("SELECT * FROM properties WHERE landlord_id = $1 ORDER BY created_at, id")
                        .bind(landlord_id)
                        .fetch_all(self.pool())
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn accept_checkin(&self, c: &$crate::store::NewCheckin) -> $crate::store::StoreResult<()> {
                let r = &c.record;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO checkins (id, property_id, jurisdiction, status, flags, channel, check_in, check_out, \
                     contact_phone, contact_email, person_count, digest_salt, receipt_token_hash, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
                )
                .bind(&r.id)
                .bind(&r.property_id)
                .bind(&r.jurisdiction)
                .bind(r.status.as_str())
                .bind($crate::store::shared::flags_json(&r.flags))
                .bind(&r.channel)
                .bind(r.stay.check_in.to_rfc3339())
                .bind(r.stay.check_out.to_rfc3339())
                .bind(&r.contact.phone)
                .bind(&r.contact.email)
                .bind(c.persons.len() as i64)
                .bind(&r.digest_salt)
                .bind(&c.receipt_token_hash)
                .bind(r.created_at)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::shared::conflict)?;
                for (i, p) in c.persons.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO checkin_persons (checkin_id, idx, given_names, family_name, second_family_name, \
                         birth_date, nationality, sex, document_type, document_number, document_country, support_number, \
                         guardian_idx, guardian_relationship) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                    )
                    .bind(&r.id)
                    .bind(i as i64)
                    .bind(&p.given_names)
                    .bind(&p.family_name)
                    .bind(&p.second_family_name)
                    .bind(p.birth_date.format("%Y-%m-%d").to_string())
                    .bind(&p.nationality)
                    .bind(&p.sex)
                    .bind(p.document.kind.as_str())
                    .bind(&p.document.number)
                    .bind(&p.document.issuing_country)
                    .bind(&p.document.support_number)
                    .bind(p.guardian.as_ref().map(|g| g.person as i64))
                    .bind(p.guardian.as_ref().map(|g| g.relationship.clone()))
                    .execute(&mut *tx)
                    .await?;
                }
                Self::insert_seal(&mut tx, &c.first_seal).await?;
                let j = &c.job;
                sqlx::query(
                    "INSERT INTO jobs (kind, checkin_id, payload, state, attempts, max_attempts, run_at, created_at, updated_at) \
                     VALUES ($1, $2, $3, 'ready', 0, $4, $5, $6, $6)",
                )
                .bind(&j.kind)
                .bind(&j.checkin_id)
                .bind(j.payload.to_string())
                .bind(j.max_attempts)
                .bind(j.run_at)
                .bind(r.created_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn checkin(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::CheckinRecord>> {
                let sql = format!(
                    "SELECT {} FROM checkins c JOIN properties p ON p.id = c.property_id WHERE c.id = $1",
                    $crate::store::shared::CHECKIN_COLUMNS
                );
                let row: Option<$crate::store::shared::CheckinRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(self.pool()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn checkin_by_receipt_token(
                &self,
                token_hash: &[u8],
            ) -> $crate::store::StoreResult<Option<$crate::store::CheckinRecord>> {
                let sql = format!(
                    "SELECT {} FROM checkins c JOIN properties p ON p.id = c.property_id WHERE c.receipt_token_hash = $1",
                    $crate::store::shared::CHECKIN_COLUMNS
                );
                let row: Option<$crate::store::shared::CheckinRow> =
                    sqlx::query_as(&sql).bind(token_hash).fetch_optional(self.pool()).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn checkins_of_property(
                &self,
                property_id: &str,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::CheckinRecord>> {
                let sql = format!(
                    "SELECT {} FROM checkins c JOIN properties p ON p.id = c.property_id WHERE c.property_id = $1 \
                     ORDER BY c.created_at DESC, c.id LIMIT $2",
                    $crate::store::shared::CHECKIN_COLUMNS
                );
                let rows: Vec<$crate::store::shared::CheckinRow> =
                    sqlx::query_as(&sql).bind(property_id).bind(limit).fetch_all(self.pool()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn persons(&self, checkin_id: &str) -> $crate::store::StoreResult<Vec<$crate::domain::Person>> {
                let rows: Vec<$crate::store::shared::PersonRow> =
                    sqlx::query_as("SELECT * FROM checkin_persons WHERE checkin_id = $1 ORDER BY idx")
                        .bind(checkin_id)
                        .fetch_all(self.pool())
                        .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn seals(&self, checkin_id: &str) -> $crate::store::StoreResult<Vec<$crate::store::SealRecord>> {
                let rows: Vec<$crate::store::shared::SealRow> = sqlx::query_as(
                    "SELECT checkin_id, seq, event, jws, created_at FROM seals WHERE checkin_id = $1 ORDER BY seq",
                )
                .bind(checkin_id)
                .fetch_all(self.pool())
                .await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn mark_checking(&self, checkin_id: &str, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE checkins SET status = 'checking', updated_at = $2 WHERE id = $1 AND status = 'submitted'")
                    .bind(checkin_id)
                    .bind(now)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn record_event(&self, w: &$crate::store::EventWrite) -> $crate::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let applied = Self::apply_event(&mut tx, w).await?;
                if !applied {
                    tx.rollback().await?;
                    tx = self.begin_write().await?;
                }
                if let Some((job_id, worker)) = &w.complete_job {
                    sqlx::query(
                        "UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = $3 \
                         WHERE id = $1 AND locked_by = $2 AND state = 'running'",
                    )
                    .bind(job_id)
                    .bind(worker)
                    .bind(w.seal.created_at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(applied)
            }

            async fn claim_job(
                &self,
                worker: &str,
                now: chrono::DateTime<chrono::Utc>,
                lease_until: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Option<$crate::store::Job>> {
                let row: Option<$crate::store::shared::JobRow> = self.claim_job_inner(worker, now, lease_until).await?;
                row.map(TryInto::try_into).transpose()
            }

            async fn extend_lease(
                &self,
                job_id: i64,
                worker: &str,
                lease_until: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query(
                    "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND locked_by = $2 AND state = 'running'",
                )
                .bind(job_id)
                .bind(worker)
                .bind(lease_until)
                .execute(self.pool())
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            async fn complete_job(&self, job_id: i64, worker: &str, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = $3 \
                     WHERE id = $1 AND locked_by = $2 AND state = 'running'",
                )
                .bind(job_id)
                .bind(worker)
                .bind(now)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn release_job(
                &self,
                job_id: i64,
                worker: &str,
                release: &$crate::store::JobRelease,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                let (state, run_at, error, uncount) = match release {
                    $crate::store::JobRelease::Retry { run_at, error } => ("ready", *run_at, Some(error.as_str()), 0),
                    $crate::store::JobRelease::Dead { error } => ("dead", now, Some(error.as_str()), 0),
                    $crate::store::JobRelease::Postpone { run_at } => ("ready", *run_at, None, 1),
                };
                sqlx::query(
                    "UPDATE jobs SET state = $3, run_at = $4, last_error = COALESCE($5, last_error), \
                     attempts = attempts - $7, lease_until = NULL, locked_by = NULL, updated_at = $6 \
                     WHERE id = $1 AND locked_by = $2 AND state = 'running'",
                )
                .bind(job_id)
                .bind(worker)
                .bind(state)
                .bind(run_at)
                .bind(error)
                .bind(now)
                .bind(uncount)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn queue_stats(&self, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<$crate::store::QueueStats> {
                let (ready, running, dead): (i64, i64, i64) = sqlx::query_as(
                    "SELECT \
                       COALESCE(SUM(CASE WHEN (state = 'ready' AND run_at <= $1) OR (state = 'running' AND lease_until < $1) THEN 1 ELSE 0 END), 0), \
                       COALESCE(SUM(CASE WHEN state = 'running' AND lease_until >= $1 THEN 1 ELSE 0 END), 0), \
                       COALESCE(SUM(CASE WHEN state = 'dead' THEN 1 ELSE 0 END), 0) \
                     FROM jobs WHERE state <> 'done'",
                )
                .bind(now)
                .fetch_one(self.pool())
                .await?;
                let oldest: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
                    "SELECT MIN(run_at) FROM jobs WHERE state = 'ready' AND run_at <= $1",
                )
                .bind(now)
                .fetch_one(self.pool())
                .await?;
                let oldest_ready_secs = oldest.map(|t| (now - t).num_seconds().max(0)).unwrap_or(0);
                Ok($crate::store::QueueStats { ready, running, dead, oldest_ready_secs })
            }

            async fn dead_jobs(&self, limit: i64) -> $crate::store::StoreResult<Vec<$crate::store::DeadJob>> {
                let rows: Vec<$crate::store::shared::DeadJobRow> = sqlx::query_as(
                    "SELECT id, kind, checkin_id, attempts, last_error, created_at, updated_at FROM jobs \
                     WHERE state = 'dead' ORDER BY updated_at DESC, id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn requeue_dead_jobs(&self, ids: Option<&[i64]>, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let mut n = 0;
                let update = "UPDATE jobs SET state = 'ready', attempts = 0, run_at = $1, created_at = $1, updated_at = $1, \
                              lease_until = NULL, locked_by = NULL WHERE state = 'dead'";
                match ids {
                    None => n += sqlx::query(update).bind(now).execute(&mut *tx).await?.rows_affected(),
                    Some(ids) => {
                        for id in ids {
                            n += sqlx::query(&format!("{update} AND id = $2")).bind(now).bind(id).execute(&mut *tx).await?.rows_affected();
                        }
                    }
                }
                tx.commit().await?;
                Ok(n)
            }
        }

        impl $T {
            /// The state change and the seal of an event, inside `tx`; `false` (and the caller rolls
            /// back) when the check-in was not in the expected state or the event was sealed already.
            async fn apply_event(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                w: &$crate::store::EventWrite,
            ) -> $crate::store::StoreResult<bool> {
                let expected = [w.expected.as_str(), if w.expected == $crate::domain::CheckinStatus::Submitted { "checking" } else { w.expected.as_str() }];
                let updated = sqlx::query(
                    "UPDATE checkins SET status = $2, flags = COALESCE($3, flags), updated_at = $4 \
                     WHERE id = $1 AND status IN ($5, $6) AND ($7 IS NULL OR flags = $7)",
                )
                .bind(&w.checkin_id)
                .bind(w.new_status.as_str())
                .bind(w.flags.as_ref().map(|f| $crate::store::shared::flags_json(f)))
                .bind(w.seal.created_at)
                .bind(expected[0])
                .bind(expected[1])
                .bind(w.expected_flags.as_ref().map(|f| $crate::store::shared::flags_json(f)))
                .execute(&mut **tx)
                .await?
                .rows_affected();
                Ok(updated == 1 && match Self::insert_seal(tx, &w.seal).await {
                    Ok(()) => true,
                    Err($crate::store::StoreError::Conflict(_)) => false,
                    Err(e) => return Err(e),
                })
            }

            async fn insert_seal(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                s: &$crate::store::SealRecord,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("INSERT INTO seals (checkin_id, seq, event, jws, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&s.checkin_id)
                    .bind(s.seq)
                    .bind(s.event.as_str())
                    .bind(&s.jws)
                    .bind(s.created_at)
                    .execute(&mut **tx)
                    .await
                    .map_err($crate::store::shared::conflict)?;
                Ok(())
            }
        }
    };
}

/// Names the sqlx database type of a backend, for the shared code's transaction types.
pub(super) trait Backend {
    type Db: sqlx::Database;
}
