//! Storage of the partner interface: partners and their API keys (SHA-256 only), idempotency
//! records, a partner's check-ins page by page, and webhooks (endpoints, events, attempts).
//!
//! [`PartnerStore`] is a supertrait of [`super::Store`], implemented for both backends by
//! [`impl_partner_store!`] with SQL that both engines understand (see `shared.rs`). The webhook
//! outbox itself is written by the seal's own transaction (`enqueue_webhooks` in `shared.rs`).
//! Nothing here holds personal data.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{CheckinRecord, StoreResult};

/// A partner system (another authority, a property-management system, a large landlord).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A partner's API key, without the key: its SHA-256 is all that is stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PartnerKey {
    pub id: String,
    pub partner_id: String,
    /// The key's first characters (`hsk_live_` and four more), to recognise it in a list.
    pub prefix: String,
    #[serde(skip)]
    pub key_hash: Vec<u8>,
    /// Among `checkins:write`, `checkins:read`, `webhooks:manage`, `seals:read`.
    pub scopes: Vec<String>,
    /// ISO 3166-2 codes the key may submit to and read from.
    pub jurisdictions: Vec<String>,
    /// Requests a minute this key may make (a burst of as many, refilled evenly).
    pub rate_per_minute: i64,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The first answer to a request with an `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotentResponse {
    /// SHA-256 of the method, path and body of the first request.
    pub request_hash: Vec<u8>,
    pub status: i64,
    /// The response headers that are replayed (`content-type`, `location`), as JSON.
    pub headers: String,
    pub body: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

/// Which of a partner's check-ins to list, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckinPage {
    pub partner_id: String,
    pub jurisdictions: Vec<String>,
    pub status: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_before: Option<DateTime<Utc>>,
    /// Only those after this `(created_at, id)` (the cursor).
    pub after: Option<(DateTime<Utc>, String)>,
    pub limit: i64,
}

/// An endpoint a partner receives webhooks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEndpoint {
    pub id: String,
    pub partner_id: String,
    pub url: String,
    /// `whsec_` and base64 of 32 random bytes (Standard Webhooks), as stored: sealed by
    /// [`crate::webhooks::seal_secret`].
    pub secret: String,
    pub failures: i64,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// An event of the outbox: ids, type and status only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WebhookEvent {
    /// The `webhook-id`, the same on every delivery attempt.
    pub id: String,
    #[serde(skip)]
    pub partner_id: String,
    pub checkin_id: String,
    /// `checkin.<event>`: `checkin.submitted`, `checkin.verified`, `checkin.flagged`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The check-in's status right after the event.
    pub status: String,
    pub created_at: DateTime<Utc>,
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WebhookAttempt {
    pub id: i64,
    pub event_id: String,
    pub endpoint_id: String,
    /// 1 for the first attempt of this event at this endpoint.
    pub attempt: i64,
    /// The status the endpoint answered; absent when it could not be reached.
    pub status_code: Option<i64>,
    /// Why it failed, in our words (`timeout`, `connect`, `refused_address`, `redirect`, ...).
    pub error: Option<String>,
    pub duration_ms: i64,
    pub created_at: DateTime<Utc>,
}

#[async_trait]
pub trait PartnerStore: Send + Sync + 'static {
    async fn create_partner(&self, p: &Partner) -> StoreResult<()>;
    async fn partner(&self, id: &str) -> StoreResult<Option<Partner>>;
    async fn partners(&self) -> StoreResult<Vec<Partner>>;
    async fn create_partner_key(&self, k: &PartnerKey) -> StoreResult<()>;
    /// The keys of a partner (all partners: `None`), revoked ones included.
    async fn partner_keys(&self, partner_id: Option<&str>) -> StoreResult<Vec<PartnerKey>>;
    /// The live (unrevoked) key with this hash, its last-used time set to `now`.
    async fn use_partner_key(&self, key_hash: &[u8], now: DateTime<Utc>) -> StoreResult<Option<PartnerKey>>;
    /// Revokes a key; `false` when there is no such live key.
    async fn revoke_partner_key(&self, id: &str, now: DateTime<Utc>) -> StoreResult<bool>;

    /// The record of a key: an answer, or (status 0) a request still running.
    async fn idempotent_response(&self, scope: &str, key: &str) -> StoreResult<Option<IdempotentResponse>>;
    /// Claims a key for a request about to run (a record with status 0); `false` when another
    /// request holds it — unless that claim was made before `stale_before` (its instance died),
    /// which is then taken over.
    async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        request_hash: &[u8],
        now: DateTime<Utc>,
        stale_before: DateTime<Utc>,
    ) -> StoreResult<bool>;
    /// Stores the answer of the request that claimed the key.
    async fn save_idempotent_response(&self, scope: &str, key: &str, r: &IdempotentResponse) -> StoreResult<bool>;
    /// Gives a claimed key back without an answer (one not worth replaying: 401, 429, 5xx).
    async fn release_idempotency_key(&self, scope: &str, key: &str) -> StoreResult<()>;
    /// Forgets answers stored before `before`; returns how many.
    async fn purge_idempotent_responses(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    async fn partner_checkins(&self, q: &CheckinPage) -> StoreResult<Vec<CheckinRecord>>;

    async fn create_webhook_endpoint(&self, e: &WebhookEndpoint) -> StoreResult<()>;
    async fn webhook_endpoint(&self, id: &str) -> StoreResult<Option<WebhookEndpoint>>;
    async fn webhook_endpoints(&self, partner_id: &str) -> StoreResult<Vec<WebhookEndpoint>>;
    async fn delete_webhook_endpoint(&self, id: &str) -> StoreResult<bool>;
    /// Sets the URL, the secret, or re-enables (`enable`: clears the disabled state and failures).
    async fn update_webhook_endpoint(&self, id: &str, url: Option<&str>, secret: Option<&str>, enable: bool) -> StoreResult<bool>;
    async fn webhook_event(&self, id: &str) -> StoreResult<Option<WebhookEvent>>;
    /// A partner's events, newest first.
    async fn webhook_events_of(&self, partner_id: &str, limit: i64) -> StoreResult<Vec<WebhookEvent>>;
    /// Records an attempt and its effect on the endpoint in one transaction: a success resets
    /// its failures; a failure counts one; `disable` disables it with that reason.
    async fn record_webhook_attempt(&self, a: &WebhookAttempt, success: bool, disable: Option<&str>) -> StoreResult<()>;
    /// The attempts at an endpoint, newest first.
    async fn webhook_attempts(&self, endpoint_id: &str, limit: i64) -> StoreResult<Vec<WebhookAttempt>>;
    /// Attempts of one event at one endpoint so far.
    async fn webhook_attempt_count(&self, event_id: &str, endpoint_id: &str) -> StoreResult<i64>;
    /// Enqueues a delivery of an event to an endpoint again (the redeliver action).
    async fn enqueue_webhook_delivery(&self, event_id: &str, endpoint_id: &str, now: DateTime<Utc>) -> StoreResult<()>;
}

#[derive(sqlx::FromRow)]
pub(super) struct PartnerKeyRow {
    id: String,
    partner_id: String,
    prefix: String,
    key_hash: Vec<u8>,
    scopes: String,
    jurisdictions: String,
    rate_per_minute: i64,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

fn list(s: &str) -> Vec<String> {
    s.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl From<PartnerKeyRow> for PartnerKey {
    fn from(r: PartnerKeyRow) -> PartnerKey {
        PartnerKey {
            scopes: list(&r.scopes),
            jurisdictions: list(&r.jurisdictions),
            id: r.id,
            partner_id: r.partner_id,
            prefix: r.prefix,
            key_hash: r.key_hash,
            rate_per_minute: r.rate_per_minute,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EndpointRow {
    id: String,
    partner_id: String,
    url: String,
    secret: String,
    failures: i64,
    disabled_at: Option<DateTime<Utc>>,
    disabled_reason: Option<String>,
    created_at: DateTime<Utc>,
}

impl From<EndpointRow> for WebhookEndpoint {
    fn from(r: EndpointRow) -> WebhookEndpoint {
        WebhookEndpoint {
            id: r.id,
            partner_id: r.partner_id,
            url: r.url,
            secret: r.secret,
            failures: r.failures,
            disabled_at: r.disabled_at,
            disabled_reason: r.disabled_reason,
            created_at: r.created_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    id: String,
    partner_id: String,
    checkin_id: String,
    #[sqlx(rename = "type")]
    kind: String,
    status: String,
    created_at: DateTime<Utc>,
}

impl From<EventRow> for WebhookEvent {
    fn from(r: EventRow) -> WebhookEvent {
        WebhookEvent { id: r.id, partner_id: r.partner_id, checkin_id: r.checkin_id, kind: r.kind, status: r.status, created_at: r.created_at }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct AttemptRow {
    id: i64,
    event_id: String,
    endpoint_id: String,
    attempt: i64,
    status_code: Option<i64>,
    error: Option<String>,
    duration_ms: i64,
    created_at: DateTime<Utc>,
}

impl From<AttemptRow> for WebhookAttempt {
    fn from(r: AttemptRow) -> WebhookAttempt {
        WebhookAttempt {
            id: r.id,
            event_id: r.event_id,
            endpoint_id: r.endpoint_id,
            attempt: r.attempt,
            status_code: r.status_code,
            error: r.error,
            duration_ms: r.duration_ms,
            created_at: r.created_at,
        }
    }
}

/// A bind value of the check-in page query.
pub(super) enum Param {
    Text(String),
    Time(DateTime<Utc>),
    Int(i64),
}

/// The page query: `$n` placeholders in order, with their values.
pub(super) fn page_sql(q: &CheckinPage) -> (String, Vec<Param>) {
    let mut params = vec![Param::Text(q.partner_id.clone())];
    let mut sql = format!(
        "SELECT {} FROM checkins c JOIN properties p ON p.id = c.property_id WHERE c.partner_id = $1",
        super::shared::CHECKIN_COLUMNS
    );
    let next = |p: Param, params: &mut Vec<Param>| {
        params.push(p);
        format!("${}", params.len())
    };
    let marks: Vec<String> = q.jurisdictions.iter().map(|j| next(Param::Text(j.clone()), &mut params)).collect();
    if marks.is_empty() {
        sql.push_str(" AND 1 = 0");
    } else {
        sql.push_str(&format!(" AND c.jurisdiction IN ({})", marks.join(", ")));
    }
    if let Some(s) = &q.status {
        sql.push_str(&format!(" AND c.status = {}", next(Param::Text(s.clone()), &mut params)));
    }
    if let Some(t) = q.created_from {
        sql.push_str(&format!(" AND c.created_at >= {}", next(Param::Time(t), &mut params)));
    }
    if let Some(t) = q.created_before {
        sql.push_str(&format!(" AND c.created_at < {}", next(Param::Time(t), &mut params)));
    }
    if let Some((t, id)) = &q.after {
        let t = next(Param::Time(*t), &mut params);
        let id = next(Param::Text(id.clone()), &mut params);
        sql.push_str(&format!(" AND (c.created_at > {t} OR (c.created_at = {t} AND c.id > {id}))"));
    }
    let limit = next(Param::Int(q.limit), &mut params);
    sql.push_str(&format!(" ORDER BY c.created_at, c.id LIMIT {limit}"));
    (sql, params)
}

macro_rules! impl_partner_store {
    ($T:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::PartnerStore for $T {
            async fn create_partner(&self, p: &$crate::store::Partner) -> $crate::store::StoreResult<()> {
                sqlx::query("INSERT INTO partners (id, name, created_at) VALUES ($1, $2, $3)")
                    .bind(&p.id)
                    .bind(&p.name)
                    .bind(p.created_at)
                    .execute(self.pool())
                    .await
                    .map_err($crate::store::shared::conflict)?;
                Ok(())
            }

            async fn partner(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::Partner>> {
                let row: Option<(String, String, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as("SELECT id, name, created_at FROM partners WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
                Ok(row.map(|(id, name, created_at)| $crate::store::Partner { id, name, created_at }))
            }

            async fn partners(&self) -> $crate::store::StoreResult<Vec<$crate::store::Partner>> {
                let rows: Vec<(String, String, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as("SELECT id, name, created_at FROM partners ORDER BY name").fetch_all(self.pool()).await?;
                Ok(rows.into_iter().map(|(id, name, created_at)| $crate::store::Partner { id, name, created_at }).collect())
            }

            async fn create_partner_key(&self, k: &$crate::store::PartnerKey) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO partner_keys (id, partner_id, prefix, key_hash, scopes, jurisdictions, rate_per_minute, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&k.id)
                .bind(&k.partner_id)
                .bind(&k.prefix)
                .bind(&k.key_hash)
                .bind(k.scopes.join(","))
                .bind(k.jurisdictions.join(","))
                .bind(k.rate_per_minute)
                .bind(k.created_at)
                .execute(self.pool())
                .await
                .map_err($crate::store::shared::conflict)?;
                Ok(())
            }

            async fn partner_keys(&self, partner_id: Option<&str>) -> $crate::store::StoreResult<Vec<$crate::store::PartnerKey>> {
                let rows: Vec<$crate::store::partners::PartnerKeyRow> = sqlx::query_as(
                    "SELECT * FROM partner_keys WHERE ($1 IS NULL OR partner_id = $1) ORDER BY created_at, id",
                )
                .bind(partner_id)
                .fetch_all(self.pool())
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn use_partner_key(
                &self,
                key_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<Option<$crate::store::PartnerKey>> {
                let row: Option<$crate::store::partners::PartnerKeyRow> = sqlx::query_as(
                    "UPDATE partner_keys SET last_used_at = $2 WHERE key_hash = $1 AND revoked_at IS NULL RETURNING *",
                )
                .bind(key_hash)
                .bind(now)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.map(Into::into))
            }

            async fn revoke_partner_key(&self, id: &str, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query("UPDATE partner_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(self.pool())
                    .await?
                    .rows_affected();
                Ok(n == 1)
            }

            async fn idempotent_response(
                &self,
                scope: &str,
                key: &str,
            ) -> $crate::store::StoreResult<Option<$crate::store::IdempotentResponse>> {
                let row: Option<(Vec<u8>, i64, String, Vec<u8>, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
                    "SELECT request_hash, status, headers, body, created_at FROM idempotency_keys WHERE scope = $1 AND idem_key = $2",
                )
                .bind(scope)
                .bind(key)
                .fetch_optional(self.pool())
                .await?;
                Ok(row.map(|(request_hash, status, headers, body, created_at)| $crate::store::IdempotentResponse {
                    request_hash,
                    status,
                    headers,
                    body,
                    created_at,
                }))
            }

            async fn claim_idempotency_key(
                &self,
                scope: &str,
                key: &str,
                request_hash: &[u8],
                now: chrono::DateTime<chrono::Utc>,
                stale_before: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query(
                    "INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, headers, body, created_at) \
                     VALUES ($1, $2, $3, 0, '{}', $4, $5) ON CONFLICT (scope, idem_key) DO NOTHING",
                )
                .bind(scope)
                .bind(key)
                .bind(request_hash)
                .bind(Vec::<u8>::new())
                .bind(now)
                .execute(self.pool())
                .await?
                .rows_affected();
                if n == 1 {
                    return Ok(true);
                }
                let taken = sqlx::query(
                    "UPDATE idempotency_keys SET request_hash = $3, created_at = $4 \
                     WHERE scope = $1 AND idem_key = $2 AND status = 0 AND created_at < $5",
                )
                .bind(scope)
                .bind(key)
                .bind(request_hash)
                .bind(now)
                .bind(stale_before)
                .execute(self.pool())
                .await?
                .rows_affected();
                Ok(taken == 1)
            }

            async fn save_idempotent_response(
                &self,
                scope: &str,
                key: &str,
                r: &$crate::store::IdempotentResponse,
            ) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query(
                    "UPDATE idempotency_keys SET status = $3, headers = $4, body = $5 \
                     WHERE scope = $1 AND idem_key = $2 AND status = 0 AND request_hash = $6",
                )
                .bind(scope)
                .bind(key)
                .bind(r.status)
                .bind(&r.headers)
                .bind(&r.body)
                .bind(&r.request_hash)
                .execute(self.pool())
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            async fn release_idempotency_key(&self, scope: &str, key: &str) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2 AND status = 0")
                    .bind(scope)
                    .bind(key)
                    .execute(self.pool())
                    .await?;
                Ok(())
            }

            async fn purge_idempotent_responses(&self, before: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<u64> {
                Ok(sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(before).execute(self.pool()).await?.rows_affected())
            }

            async fn partner_checkins(
                &self,
                q: &$crate::store::CheckinPage,
            ) -> $crate::store::StoreResult<Vec<$crate::store::CheckinRecord>> {
                let (sql, params) = $crate::store::partners::page_sql(q);
                let mut query = sqlx::query_as::<_, $crate::store::shared::CheckinRow>(&sql);
                for p in params {
                    query = match p {
                        $crate::store::partners::Param::Text(s) => query.bind(s),
                        $crate::store::partners::Param::Time(t) => query.bind(t),
                        $crate::store::partners::Param::Int(i) => query.bind(i),
                    };
                }
                let rows = query.fetch_all(self.pool()).await?;
                rows.into_iter().map(|r| r.into_record(self.cipher())).collect()
            }

            async fn create_webhook_endpoint(&self, e: &$crate::store::WebhookEndpoint) -> $crate::store::StoreResult<()> {
                sqlx::query("INSERT INTO webhook_endpoints (id, partner_id, url, secret, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&e.id)
                    .bind(&e.partner_id)
                    .bind(&e.url)
                    .bind(&e.secret)
                    .bind(e.created_at)
                    .execute(self.pool())
                    .await
                    .map_err($crate::store::shared::conflict)?;
                Ok(())
            }

            async fn webhook_endpoint(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::WebhookEndpoint>> {
                let row: Option<$crate::store::partners::EndpointRow> =
                    sqlx::query_as("SELECT * FROM webhook_endpoints WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
                Ok(row.map(Into::into))
            }

            async fn webhook_endpoints(&self, partner_id: &str) -> $crate::store::StoreResult<Vec<$crate::store::WebhookEndpoint>> {
                let rows: Vec<$crate::store::partners::EndpointRow> =
                    sqlx::query_as("SELECT * FROM webhook_endpoints WHERE partner_id = $1 ORDER BY created_at, id")
                        .bind(partner_id)
                        .fetch_all(self.pool())
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn delete_webhook_endpoint(&self, id: &str) -> $crate::store::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM webhook_attempts WHERE endpoint_id = $1").bind(id).execute(&mut *tx).await?;
                let n = sqlx::query("DELETE FROM webhook_endpoints WHERE id = $1").bind(id).execute(&mut *tx).await?.rows_affected();
                tx.commit().await?;
                Ok(n == 1)
            }

            async fn update_webhook_endpoint(
                &self,
                id: &str,
                url: Option<&str>,
                secret: Option<&str>,
                enable: bool,
            ) -> $crate::store::StoreResult<bool> {
                let n = sqlx::query(
                    "UPDATE webhook_endpoints SET url = COALESCE($2, url), secret = COALESCE($3, secret), \
                     disabled_at = CASE WHEN $4 THEN NULL ELSE disabled_at END, \
                     disabled_reason = CASE WHEN $4 THEN NULL ELSE disabled_reason END, \
                     failures = CASE WHEN $4 THEN 0 ELSE failures END WHERE id = $1",
                )
                .bind(id)
                .bind(url)
                .bind(secret)
                .bind(enable)
                .execute(self.pool())
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            async fn webhook_event(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::WebhookEvent>> {
                let row: Option<$crate::store::partners::EventRow> =
                    sqlx::query_as("SELECT * FROM webhook_events WHERE id = $1").bind(id).fetch_optional(self.pool()).await?;
                Ok(row.map(Into::into))
            }

            async fn webhook_events_of(&self, partner_id: &str, limit: i64) -> $crate::store::StoreResult<Vec<$crate::store::WebhookEvent>> {
                let rows: Vec<$crate::store::partners::EventRow> =
                    sqlx::query_as("SELECT * FROM webhook_events WHERE partner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
                        .bind(partner_id)
                        .bind(limit)
                        .fetch_all(self.pool())
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn record_webhook_attempt(
                &self,
                a: &$crate::store::WebhookAttempt,
                success: bool,
                disable: Option<&str>,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO webhook_attempts (event_id, endpoint_id, attempt, status_code, error, duration_ms, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&a.event_id)
                .bind(&a.endpoint_id)
                .bind(a.attempt)
                .bind(a.status_code)
                .bind(&a.error)
                .bind(a.duration_ms)
                .bind(a.created_at)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE webhook_endpoints SET failures = CASE WHEN $2 THEN 0 ELSE failures + 1 END, \
                     disabled_at = CASE WHEN $3 IS NULL THEN disabled_at ELSE $4 END, \
                     disabled_reason = COALESCE($3, disabled_reason) WHERE id = $1",
                )
                .bind(&a.endpoint_id)
                .bind(success)
                .bind(disable)
                .bind(a.created_at)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn webhook_attempts(&self, endpoint_id: &str, limit: i64) -> $crate::store::StoreResult<Vec<$crate::store::WebhookAttempt>> {
                let rows: Vec<$crate::store::partners::AttemptRow> =
                    sqlx::query_as("SELECT * FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY id DESC LIMIT $2")
                        .bind(endpoint_id)
                        .bind(limit)
                        .fetch_all(self.pool())
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn webhook_attempt_count(&self, event_id: &str, endpoint_id: &str) -> $crate::store::StoreResult<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM webhook_attempts WHERE event_id = $1 AND endpoint_id = $2")
                    .bind(event_id)
                    .bind(endpoint_id)
                    .fetch_one(self.pool())
                    .await?;
                Ok(n)
            }

            async fn enqueue_webhook_delivery(
                &self,
                event_id: &str,
                endpoint_id: &str,
                now: chrono::DateTime<chrono::Utc>,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO jobs (kind, checkin_id, payload, state, attempts, max_attempts, run_at, created_at, updated_at) \
                     VALUES ($1, NULL, $2, 'ready', 0, $3, $4, $4, $4)",
                )
                .bind($crate::jobs::WEBHOOK_DELIVERY)
                .bind(serde_json::json!({"event": event_id, "endpoint": endpoint_id}).to_string())
                .bind($crate::webhooks::delivery::MAX_ATTEMPTS)
                .bind(now)
                .execute(self.pool())
                .await?;
                Ok(())
            }
        }
    };
}
