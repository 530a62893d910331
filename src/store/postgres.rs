//! PostgreSQL, for production: several service instances share one database. Workers claim jobs
//! with `FOR UPDATE SKIP LOCKED`, so they never wait on each other's rows.

use std::time::Duration;

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::StoreResult;
use super::shared::{Backend, JobRow};

/// The claim, and (for a registry check) the check-in's move to `checking`, in one statement.
const CLAIM_SQL: &str = "WITH claimed AS ( \
       UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, locked_by = $3, updated_at = $1 \
       WHERE id = (SELECT id FROM jobs WHERE state = 'ready' AND run_at <= $1 ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) \
       RETURNING id, kind, checkin_id, payload, attempts, max_attempts, lease_until, created_at), \
     checking AS ( \
       UPDATE checkins SET status = 'checking', updated_at = $1 \
       WHERE id IN (SELECT checkin_id FROM claimed WHERE kind = 'registry_check') AND status = 'submitted') \
     SELECT * FROM claimed";

#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    cipher: Option<std::sync::Arc<crate::privacy::DataCipher>>,
}

impl Backend for PgStore {
    type Db = sqlx::Postgres;
}

impl PgStore {
    pub const BACKEND: &'static str = "postgres";

    pub async fn connect(url: &str) -> StoreResult<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // Opened at start-up, so the first burst does not wait for connections.
            .min_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        Ok(PgStore { pool, cipher: None })
    }

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// For single writes outside a transaction (the same pool: PostgreSQL has row locks).
    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// The same store, encrypting personal data with `cipher` (or refusing to touch it: `None`).
    pub fn with_cipher(mut self, cipher: Option<std::sync::Arc<crate::privacy::DataCipher>>) -> Self {
        self.cipher = cipher;
        self
    }

    fn cipher(&self) -> Option<&crate::privacy::DataCipher> {
        self.cipher.as_deref()
    }

    async fn run_migrations(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/postgres").run(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// A write transaction that does not wait for its WAL flush (`synchronous_commit = off`,
    /// PostgreSQL's documented per-transaction trade: a crash may lose it, never corrupt). Only for
    /// writes whose loss is harmless or that a later durable commit covers.
    async fn begin_relaxed(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut *tx).await?;
        Ok(tx)
    }

    async fn claim_job_inner(
        &self,
        worker: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease_until: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Option<JobRow>> {
        Ok(sqlx::query_as(CLAIM_SQL).bind(now).bind(lease_until).bind(worker).fetch_optional(&self.pool).await?)
    }
}

impl_store!(PgStore);
impl_police_store!(PgStore);
impl_privacy_store!(PgStore);
impl_log_store!(PgStore);
