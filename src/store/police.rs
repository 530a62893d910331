//! Storage of the police workspace: jurisdictions, second factors, sign-in throttling,
//! privileged sessions, the registry's per-field answers, the review queue, resolutions, access
//! grants and the hash-chained audit log.
//!
//! [`PoliceStore`] is a supertrait of [`super::Store`], implemented for both backends by
//! [`impl_police_store!`] with SQL that both engines understand (see `shared.rs` for the
//! conventions). Values that must stay secret at rest (second-factor secrets, resolution notes)
//! arrive here already sealed by [`crate::police::vault`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{EventWrite, StoreResult, User};
use crate::audit::{AuditCheckpoint, AuditDraft, AuditEntry};
use crate::domain::{CheckinStatus, Flag, PersonCheck};
use crate::police::lockout::Throttle;

/// A jurisdiction the service knows: an ISO 3166-2 code and its display name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Jurisdiction {
    pub code: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub created_at: DateTime<Utc>,
}

/// An unused recovery code: `SHA-256(salt ‖ normalised code)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryCode {
    pub id: i64,
    pub salt: Vec<u8>,
    pub hash: Vec<u8>,
}

/// A live enrolment link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub user_id: String,
    /// The secret offered on the enrolment page, sealed, until it is confirmed.
    pub pending_secret: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// What completing an enrolment writes, in one transaction.
#[derive(Debug, Clone)]
pub struct CompletedEnrolment {
    pub token_hash: Vec<u8>,
    pub user_id: String,
    /// The confirmed secret, sealed.
    pub secret: String,
    /// The time step of the code that confirmed it (not accepted again).
    pub step: i64,
    /// New recovery codes as `(salt, hash)`; the old ones are deleted.
    pub recovery_codes: Vec<(Vec<u8>, Vec<u8>)>,
    pub now: DateTime<Utc>,
}

/// What the review queue and the dashboards read: a check-in without personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub id: String,
    pub property_id: String,
    pub property_name: String,
    pub jurisdiction: String,
    pub status: CheckinStatus,
    pub flags: Vec<Flag>,
    pub person_count: i64,
    pub created_at: DateTime<Utc>,
    /// When the `flagged` seal was made.
    pub flagged_at: Option<DateTime<Utc>>,
    /// When the `resolved` seal was made.
    pub resolved_at: Option<DateTime<Utc>>,
    /// `cleared`, `confirmed`, `needs_follow_up`.
    pub resolution: Option<String>,
}

/// Which check-ins to read. Always limited to `jurisdictions` (an empty list reads nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewQuery {
    pub jurisdictions: Vec<String>,
    /// Only check-ins that were flagged.
    pub flagged_only: bool,
    /// Only those still awaiting review (see [`crate::domain::needs_review`]).
    pub open_only: bool,
    pub created_since: Option<DateTime<Utc>>,
}

/// An officer's resolution of a check-in. The note is sealed (see [`crate::police::vault`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionRecord {
    pub checkin_id: String,
    pub outcome: String,
    pub note: String,
    pub officer_id: String,
    pub resolved_at: DateTime<Utc>,
}

#[async_trait]
pub trait PoliceStore: Send + Sync + 'static {
    async fn create_jurisdiction(&self, j: &Jurisdiction) -> StoreResult<()>;
    async fn jurisdictions(&self) -> StoreResult<Vec<Jurisdiction>>;

    /// Every account, by role then e-mail address.
    async fn users(&self) -> StoreResult<Vec<User>>;
    /// Disables (ending every session) or enables an account; `false` when there is none.
    async fn set_user_disabled(&self, user_id: &str, disabled: bool) -> StoreResult<bool>;
    async fn set_user_jurisdictions(&self, user_id: &str, jurisdictions: &[String]) -> StoreResult<bool>;
    /// Sets the password of an account that has none yet (created from the admin page); `false`
    /// if it has one.
    async fn set_first_password(&self, user_id: &str, password_hash: &str) -> StoreResult<bool>;

    /// A session that also ends after `idle_secs` without a request.
    async fn create_privileged_session(
        &self,
        token_hash: &[u8],
        user_id: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
        idle_secs: i64,
    ) -> StoreResult<()>;
    /// Ends every session of a user.
    async fn delete_sessions_of(&self, user_id: &str) -> StoreResult<()>;

    /// Accepts RFC 6238 time step `step` for a user only if it is later than the last one
    /// accepted (so a code is never accepted twice, on any instance).
    async fn accept_totp_step(&self, user_id: &str, step: i64) -> StoreResult<bool>;
    /// The unused recovery codes of a user.
    async fn recovery_codes(&self, user_id: &str) -> StoreResult<Vec<RecoveryCode>>;
    /// Marks a recovery code used; `false` if it already was.
    async fn use_recovery_code(&self, id: i64, now: DateTime<Utc>) -> StoreResult<bool>;
    /// Removes a user's second factor, recovery codes, enrolment links and sessions.
    async fn reset_second_factor(&self, user_id: &str) -> StoreResult<()>;
    async fn create_enrolment(&self, token_hash: &[u8], user_id: &str, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()>;
    /// A live (unused, unexpired) enrolment link.
    async fn enrolment(&self, token_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<Enrolment>>;
    async fn set_enrolment_secret(&self, token_hash: &[u8], sealed_secret: &str) -> StoreResult<()>;
    /// Uses the link and binds the second factor; `false` if the link was used or expired.
    async fn complete_enrolment(&self, c: &CompletedEnrolment) -> StoreResult<bool>;

    /// Reads the throttle of `key` under a lock, stores `f(state)`, and returns the state before.
    async fn update_throttle(
        &self,
        key: &[u8],
        now: DateTime<Utc>,
        f: &(dyn Fn(Throttle) -> Throttle + Send + Sync),
    ) -> StoreResult<Throttle>;
    async fn clear_throttle(&self, key: &[u8]) -> StoreResult<()>;

    /// Stores the registry's comparison of each person (replacing an earlier answer).
    async fn save_registry_answers(&self, checkin_id: &str, answers: &[PersonCheck], now: DateTime<Utc>) -> StoreResult<()>;
    async fn registry_answers(&self, checkin_id: &str) -> StoreResult<Vec<PersonCheck>>;

    /// Check-ins of some jurisdictions without personal data, oldest flag first.
    async fn review_rows(&self, q: &ReviewQuery) -> StoreResult<Vec<ReviewRow>>;
    /// Seals the resolution ([`super::Store::record_event`]'s rules) and stores its note in the
    /// same transaction; `false` when the check-in had moved on or was resolved already.
    async fn resolve_checkin(&self, write: &EventWrite, resolution: &ResolutionRecord) -> StoreResult<bool>;
    async fn resolution(&self, checkin_id: &str) -> StoreResult<Option<ResolutionRecord>>;
    /// Lets an officer read a check-in until `expires_at` (after an audited opening).
    async fn grant_access(&self, officer_id: &str, checkin_id: &str, audit_seq: i64, now: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()>;
    async fn access_granted(&self, officer_id: &str, checkin_id: &str, now: DateTime<Utc>) -> StoreResult<bool>;

    /// Chains and appends an entry at `time` (RFC 3339, see [`crate::audit::entry_time`]).
    async fn append_audit(&self, draft: &AuditDraft, time: &str) -> StoreResult<AuditEntry>;
    /// Entries after `after_seq`, oldest first.
    async fn audit_entries(&self, after_seq: i64, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// The newest entries, newest first.
    async fn recent_audit_entries(&self, limit: i64) -> StoreResult<Vec<AuditEntry>>;
    /// `(count, hash)` of the head.
    async fn audit_head(&self) -> StoreResult<(i64, String)>;
    async fn audit_checkpoints(&self) -> StoreResult<Vec<AuditCheckpoint>>;
    async fn save_audit_checkpoint(&self, cp: &AuditCheckpoint) -> StoreResult<()>;
}

#[derive(sqlx::FromRow)]
pub(super) struct JurisdictionRow {
    pub code: String,
    pub name: String,
    pub country: String,
    pub created_at: DateTime<Utc>,
}

impl From<JurisdictionRow> for Jurisdiction {
    fn from(r: JurisdictionRow) -> Self {
        Jurisdiction { code: r.code, name: r.name, country: r.country, created_at: r.created_at }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ThrottleRow {
    pub failures: i64,
    pub window_start: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl From<ThrottleRow> for Throttle {
    fn from(r: ThrottleRow) -> Self {
        Throttle { failures: r.failures, window_start: r.window_start, last_attempt_at: r.last_attempt_at, locked_until: r.locked_until }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ReviewDbRow {
    pub id: String,
    pub property_id: String,
    pub property_name: String,
    pub jurisdiction: String,
    pub status: String,
    pub flags: String,
    pub person_count: i64,
    pub created_at: DateTime<Utc>,
    pub flagged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
}

impl TryFrom<ReviewDbRow> for ReviewRow {
    type Error = super::StoreError;
    fn try_from(r: ReviewDbRow) -> Result<Self, Self::Error> {
        Ok(ReviewRow {
            status: CheckinStatus::parse(&r.status).ok_or_else(|| super::StoreError::Corrupt(format!("unknown status {}", r.status)))?,
            flags: serde_json::from_str(&r.flags).map_err(|_| super::StoreError::Corrupt("flags".into()))?,
            id: r.id,
            property_id: r.property_id,
            property_name: r.property_name,
            jurisdiction: r.jurisdiction,
            person_count: r.person_count,
            created_at: r.created_at,
            flagged_at: r.flagged_at,
            resolved_at: r.resolved_at,
            resolution: r.resolution,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AuditRow {
    pub seq: i64,
    pub time: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub action: String,
    pub subject: Option<String>,
    pub jurisdiction: Option<String>,
    pub reason: Option<String>,
    pub reason_text: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        // An unreadable detail is kept as a string, so that verification reports the entry as
        // altered instead of failing to read the log.
        let detail = serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::String(r.detail));
        AuditEntry {
            seq: r.seq,
            time: r.time,
            draft: AuditDraft {
                actor_id: r.actor_id,
                actor_role: r.actor_role,
                action: r.action,
                subject: r.subject,
                jurisdiction: r.jurisdiction,
                reason: r.reason,
                reason_text: r.reason_text,
                detail,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

pub(super) const REVIEW_SELECT: &str = "SELECT c.id, c.property_id, p.name AS property_name, c.jurisdiction, c.status, c.flags, \
     c.person_count, c.created_at, fs.created_at AS flagged_at, rs.created_at AS resolved_at, r.outcome AS resolution \
     FROM checkins c JOIN properties p ON p.id = c.property_id \
     LEFT JOIN seals fs ON fs.checkin_id = c.id AND fs.event = 'flagged' \
     LEFT JOIN seals rs ON rs.checkin_id = c.id AND rs.event = 'resolved' \
     LEFT JOIN police_resolutions r ON r.checkin_id = c.id";

/// A parameter of the review query.
pub(super) enum Param {
    Text(String),
    Time(DateTime<Utc>),
}

/// The review query's SQL and its parameters, in order.
pub(super) fn review_sql(q: &ReviewQuery) -> (String, Vec<Param>) {
    let mut params = Vec::new();
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("${}", params.len())
    };
    let marks: Vec<String> = q.jurisdictions.iter().map(|j| next(Param::Text(j.clone()), &mut params)).collect();
    let mut sql = format!("{REVIEW_SELECT} WHERE c.jurisdiction IN ({})", if marks.is_empty() { "NULL".into() } else { marks.join(", ") });
    if q.flagged_only || q.open_only {
        sql.push_str(" AND fs.id IS NOT NULL");
    }
    if q.open_only {
        sql.push_str(" AND rs.id IS NULL AND c.status IN ('flagged', 'checked_out') AND c.flags <> '[]'");
    }
    if let Some(t) = q.created_since {
        sql.push_str(&format!(" AND c.created_at >= {}", next(Param::Time(t), &mut params)));
    }
    sql.push_str(" ORDER BY COALESCE(fs.created_at, c.created_at), c.id");
    (sql, params)
}

macro_rules! impl_police_store {
    ($T:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::PoliceStore for $T {
            async fn create_jurisdiction(&self, j: &$crate::store::Jurisdiction) -> $crate::store::StoreResult<()> {
                sqlx::query("INSERT INTO jurisdictions (code, name, country, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&j.code)
                    .bind(&j.name)
                    .bind(&j.country)
                    .bind(j.created_at)
                    .execute(self.pool())
                    .await
                    .map_err($crate::store::shared::conflict)?;
                Ok(())
            }

            async fn jurisdictions(&self) -> $crate::store::StoreResult<Vec<$crate::store::Jurisdiction>> {
                let rows: Vec<$crate::store::police::JurisdictionRow> =
                    sqlx::query_as("SELECT * FROM jurisdictions ORDER BY code").fetch_all(self.pool()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn users(&self) -> $crate::store::StoreResult<Vec<$crate::store::User>> {
                let rows: Vec<$crate::store::shared::UserRow> =
                    sqlx::query_as("SELECT * FROM users ORDER BY role, email").fetch_all(self.pool()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn set_user_disabled(&self, user_id: &str, disabled: bool) -> $crate::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let n = sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(disabled)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if disabled {
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(n == 1)
            }

            async fn set_user_jurisdictions(&self, user_id: &str, jurisdictions: &[String]) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query("UPDATE users SET jurisdictions = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(jurisdictions.join(","))
                    .execute(self.pool())
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            async fn set_first_password(&self, user_id: &str, password_hash: &str) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3")
                    .bind(user_id)
                    .bind(password_hash)
                    .bind($crate::police::admin::NO_PASSWORD)
                    .execute(self.pool())
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            async fn create_privileged_session(
                &self,
                token_hash: &[u8],
                user_id: &str,
                now: chrono::DateTime<chrono::Utc>,
                expires_at: chrono::DateTime<chrono::Utc>,
                idle_secs: i64,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, idle_secs, idle_until) \
                     VALUES ($1, $2, $3, $3, $4, $5, $6)",
                )
                .bind(token_hash)
                .bind(user_id)
                .bind(now)
                .bind(expires_at)
                .bind(idle_secs)
                .bind(now + chrono::Duration::seconds(idle_secs))
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn delete_sessions_of(&self, user_id: &str) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(self.pool()).await?;
                Ok(())
            }

            async fn accept_totp_step(&self, user_id: &str, step: i64) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2")
                    .bind(user_id)
                    .bind(step)
                    .execute(self.pool())
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            async fn recovery_codes(&self, user_id: &str) -> $crate::store::StoreResult<Vec<$crate::store::RecoveryCode>> {
                let rows: Vec<(i64, Vec<u8>, Vec<u8>)> =
                    sqlx::query_as("SELECT id, salt, hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL ORDER BY id")
                        .bind(user_id)
                        .fetch_all(self.pool())
                        .await?;
                Ok(rows.into_iter().map(|(id, salt, hash)| $crate::store::RecoveryCode { id, salt, hash }).collect())
            }

            async fn use_recovery_code(&self, id: i64, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query("UPDATE recovery_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(self.pool())
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            async fn reset_second_factor(&self, user_id: &str) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE users SET totp_secret = NULL, totp_last_step = -1 WHERE id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                for sql in [
                    "DELETE FROM recovery_codes WHERE user_id = $1",
                    "DELETE FROM factor_enrolments WHERE user_id = $1",
                    "DELETE FROM sessions WHERE user_id = $1",
                ] {
                    sqlx::query(sql).bind(user_id).execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn create_enrolment(
                &self,
                token_hash: &[u8],
                user_id: &str,
                now: chrono::DateTime<chrono::Utc>,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                // One live link per account: a new one replaces the old.
                sqlx::query("DELETE FROM factor_enrolments WHERE user_id = $1 AND used_at IS NULL")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO factor_enrolments (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user_id)
                    .bind(now)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn enrolment(
                &self,
                token_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Option<$crate::store::Enrolment>> {
                let row: Option<(String, Option<String>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT user_id, pending_secret, expires_at FROM factor_enrolments \
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.map(|(user_id, pending_secret, expires_at)| $crate::store::Enrolment { user_id, pending_secret, expires_at }))
            }

            async fn set_enrolment_secret(&self, token_hash: &[u8], sealed_secret: &str) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE factor_enrolments SET pending_secret = $2 WHERE token_hash = $1 AND used_at IS NULL")
                    .bind(token_hash)
                    .bind(sealed_secret)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn complete_enrolment(&self, c: &$crate::store::CompletedEnrolment) -> $crate::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let used = sqlx::query(
                    "UPDATE factor_enrolments SET used_at = $3, pending_secret = NULL \
                     WHERE token_hash = $1 AND user_id = $2 AND used_at IS NULL AND expires_at > $3",
                )
                .bind(&c.token_hash)
                .bind(&c.user_id)
                .bind(c.now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if used != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query("UPDATE users SET totp_secret = $2, totp_last_step = $3 WHERE id = $1")
                    .bind(&c.user_id)
                    .bind(&c.secret)
                    .bind(c.step)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(&c.user_id).execute(&mut *tx).await?;
                for (salt, hash) in &c.recovery_codes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, salt, hash, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(&c.user_id)
                        .bind(salt)
                        .bind(hash)
                        .bind(c.now)
                        .execute(&mut *tx)
                        .await?;
                }
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(&c.user_id).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn update_throttle(
                &self,
                key: &[u8],
                now: chrono::DateTime<chrono::Utc>,
                f: &(dyn Fn($crate::police::lockout::Throttle) -> $crate::police::lockout::Throttle + Send + Sync),
            ) -> $crate::store::StoreResult<$crate::police::lockout::Throttle> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 0, $2) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                // An UPDATE, not a SELECT: it locks the row on PostgreSQL until commit.
                let row: $crate::store::police::ThrottleRow = sqlx::query_as(
                    "UPDATE login_throttle SET failures = failures WHERE key = $1 \
                     RETURNING failures, window_start, last_attempt_at, locked_until",
                )
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
                let before: $crate::police::lockout::Throttle = row.into();
                let after = f(before.clone());
                sqlx::query(
                    "UPDATE login_throttle SET failures = $2, window_start = $3, last_attempt_at = $4, locked_until = $5 WHERE key = $1",
                )
                .bind(key)
                .bind(after.failures)
                .bind(after.window_start)
                .bind(after.last_attempt_at)
                .bind(after.locked_until)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(before)
            }

            async fn clear_throttle(&self, key: &[u8]) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM login_throttle WHERE key = $1").bind(key).execute(self.pool()).await?;
                Ok(())
            }

            async fn save_registry_answers(
                &self,
                checkin_id: &str,
                answers: &[$crate::domain::PersonCheck],
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                // Relaxed: the outcome's durable commit follows and covers it; if it is lost, the
                // rerun of the check writes it again (an upsert).
                let mut tx = self.begin_relaxed().await?;
                for (i, a) in answers.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO registry_answers (checkin_id, person_idx, answer, checked_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (checkin_id, person_idx) DO UPDATE SET answer = excluded.answer, checked_at = excluded.checked_at",
                    )
                    .bind(checkin_id)
                    .bind(i as i64)
                    .bind(serde_json::to_string(a).expect("an answer serialises"))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn registry_answers(&self, checkin_id: &str) -> $crate::store::StoreResult<Vec<$crate::domain::PersonCheck>> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("SELECT answer FROM registry_answers WHERE checkin_id = $1 ORDER BY person_idx")
                        .bind(checkin_id)
                        .fetch_all(self.pool())
                        .await?;
                rows.into_iter()
                    .map(|(a,)| serde_json::from_str(&a).map_err(|_| $crate::store::StoreError::Corrupt("registry answer".into())))
                    .collect()
            }

            async fn review_rows(&self, q: &$crate::store::ReviewQuery) -> $crate::store::StoreResult<Vec<$crate::store::ReviewRow>> {
                let (sql, params) = $crate::store::police::review_sql(q);
                let mut query = sqlx::query_as::<_, $crate::store::police::ReviewDbRow>(&sql);
                for p in params {
                    query = match p {
                        $crate::store::police::Param::Text(s) => query.bind(s),
                        $crate::store::police::Param::Time(t) => query.bind(t),
                    };
                }
                let rows = query.fetch_all(self.pool()).await?;
                rows.into_iter().map(TryInto::try_into).collect()
            }

            async fn resolve_checkin(
                &self,
                w: &$crate::store::EventWrite,
                r: &$crate::store::ResolutionRecord,
            ) -> $crate::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                if !Self::apply_event(&mut tx, w).await? {
                    tx.rollback().await?;
                    return Ok(false);
                }
                let inserted = sqlx::query(
                    "INSERT INTO police_resolutions (checkin_id, outcome, note, officer_id, resolved_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&r.checkin_id)
                .bind(&r.outcome)
                .bind(&r.note)
                .bind(&r.officer_id)
                .bind(r.resolved_at)
                .execute(&mut *tx)
                .await
                .map_err($crate::store::shared::conflict);
                match inserted {
                    Ok(_) => {
                        tx.commit().await?;
                        Ok(true)
                    }
                    Err($crate::store::StoreError::Conflict(_)) => {
                        tx.rollback().await?;
                        Ok(false)
                    }
                    Err(e) => Err(e),
                }
            }

            async fn resolution(&self, checkin_id: &str) -> $crate::store::StoreResult<Option<$crate::store::ResolutionRecord>> {
                let row: Option<(String, String, String, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT checkin_id, outcome, note, officer_id, resolved_at FROM police_resolutions WHERE checkin_id = $1",
                )
                .bind(checkin_id)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.map(|(checkin_id, outcome, note, officer_id, resolved_at)| $crate::store::ResolutionRecord {
                    checkin_id,
                    outcome,
                    note,
                    officer_id,
                    resolved_at,
                }))
            }

            async fn grant_access(
                &self,
                officer_id: &str,
                checkin_id: &str,
                audit_seq: i64,
                now: chrono::DateTime<chrono::Utc>,
                expires_at: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO access_grants (officer_id, checkin_id, audit_seq, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (officer_id, checkin_id) DO UPDATE SET audit_seq = excluded.audit_seq, \
                     granted_at = excluded.granted_at, expires_at = excluded.expires_at",
                )
                .bind(officer_id)
                .bind(checkin_id)
                .bind(audit_seq)
                .bind(now)
                .bind(expires_at)
                .execute(self.pool())
                .await?;
                Ok(())
            }

            async fn access_granted(
                &self,
                officer_id: &str,
                checkin_id: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let row: Option<(i64,)> = sqlx::query_as(
                    "SELECT audit_seq FROM access_grants WHERE officer_id = $1 AND checkin_id = $2 AND expires_at > $3",
                )
                .bind(officer_id)
                .bind(checkin_id)
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.is_some())
            }

            async fn append_audit(&self, d: &$crate::audit::AuditDraft, time: &str) -> $crate::store::StoreResult<$crate::audit::AuditEntry> {
                let mut tx = self.begin_write().await?;
                // An UPDATE, not a SELECT: appenders queue on the head row on PostgreSQL (SQLite's
                // immediate transaction already serialises them).
                let (count, prev): (i64, String) =
                    sqlx::query_as("UPDATE audit_head SET count = count WHERE id = 1 RETURNING count, hash")
                        .fetch_one(&mut *tx)
                        .await?;
                let seq = count + 1;
                let hash = $crate::audit::entry_hash(seq, time, d, &prev);
                sqlx::query(
                    "INSERT INTO audit_log (seq, time, actor_id, actor_role, action, subject, jurisdiction, reason, reason_text, \
                     detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(seq)
                .bind(time)
                .bind(&d.actor_id)
                .bind(&d.actor_role)
                .bind(&d.action)
                .bind(&d.subject)
                .bind(&d.jurisdiction)
                .bind(&d.reason)
                .bind(&d.reason_text)
                .bind(d.detail.to_string())
                .bind(&prev)
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE audit_head SET count = $1, hash = $2 WHERE id = 1")
                    .bind(seq)
                    .bind(&hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok($crate::audit::AuditEntry { seq, time: time.to_owned(), draft: d.clone(), prev_hash: prev, hash })
            }

            async fn audit_entries(&self, after_seq: i64, limit: i64) -> $crate::store::StoreResult<Vec<$crate::audit::AuditEntry>> {
                let rows: Vec<$crate::store::police::AuditRow> =
                    sqlx::query_as("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
                        .bind(after_seq)
                        .bind(limit)
                        .fetch_all(self.pool())
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn recent_audit_entries(&self, limit: i64) -> $crate::store::StoreResult<Vec<$crate::audit::AuditEntry>> {
                let rows: Vec<$crate::store::police::AuditRow> =
                    sqlx::query_as("SELECT * FROM audit_log ORDER BY seq DESC LIMIT $1").bind(limit).fetch_all(self.pool()).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn audit_head(&self) -> $crate::store::StoreResult<(i64, String)> {
                Ok(sqlx::query_as("SELECT count, hash FROM audit_head WHERE id = 1").fetch_one(self.pool()).await?)
            }

            async fn audit_checkpoints(&self) -> $crate::store::StoreResult<Vec<$crate::audit::AuditCheckpoint>> {
                let rows: Vec<(i64, String, String, String)> =
                    sqlx::query_as("SELECT count, head, time, jws FROM audit_checkpoints ORDER BY count").fetch_all(self.pool()).await?;
                Ok(rows
                    .into_iter()
                    .map(|(count, head, time, jws)| $crate::audit::AuditCheckpoint { count, head, time, jws })
                    .collect())
            }

            async fn save_audit_checkpoint(&self, cp: &$crate::audit::AuditCheckpoint) -> $crate::store::StoreResult<()> {
                sqlx::query("INSERT INTO audit_checkpoints (count, head, time, jws) VALUES ($1, $2, $3, $4)")
                    .bind(cp.count)
                    .bind(&cp.head)
                    .bind(&cp.time)
                    .bind(&cp.jws)
                    .execute(self.pool())
                    .await
                    .map_err($crate::store::shared::conflict)?;
                Ok(())
            }
        }

        impl $T {
            /// Erases an officer's note with the check-in's personal data (the sealed outcome
            /// stays); inside the purge's transaction.
            async fn erase_police_notes(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                checkin_id: &str,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("UPDATE police_resolutions SET note = '' WHERE checkin_id = $1").bind(checkin_id).execute(&mut **tx).await?;
                Ok(())
            }
        }
    };
}
