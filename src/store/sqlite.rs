//! The embedded default: SQLite in WAL mode with `synchronous=FULL`; every write transaction
//! begins `IMMEDIATE`, so writers queue on the database lock (under `busy_timeout`) instead of
//! failing when a read transaction tries to upgrade.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use super::StoreResult;
use super::shared::{Backend, JobRow};

/// The claim: one statement inside one immediate transaction, followed by [`CHECKING_SQL`].
const CLAIM_SQL: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, locked_by = $3, updated_at = $1 \
     WHERE id = (SELECT id FROM jobs WHERE state = 'ready' AND run_at <= $1 ORDER BY run_at, id LIMIT 1) \
     RETURNING id, kind, checkin_id, payload, attempts, max_attempts, lease_until, created_at";

/// A claimed registry check moves its check-in to `checking`, in the claim's transaction.
const CHECKING_SQL: &str = "UPDATE checkins SET status = 'checking', updated_at = $1 WHERE id = $2 AND status = 'submitted'";

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// One connection for write transactions: writers of this process queue for it in order
    /// (a fair async queue) instead of meeting at the database lock, where SQLite's busy
    /// handler makes the losers sleep and retry (p99 of hundreds of milliseconds under load).
    /// Other processes on the same file still queue at the database lock under `busy_timeout`.
    write_pool: SqlitePool,
    cipher: Option<std::sync::Arc<crate::privacy::DataCipher>>,
}

impl Backend for SqliteStore {
    type Db = sqlx::Sqlite;
}

impl SqliteStore {
    pub const BACKEND: &'static str = "sqlite";

    /// Opens (creating if needed) the database at `url` (`sqlite://PATH` or `sqlite::memory:`).
    pub async fn connect(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(30))
            .foreign_keys(true)
            // Deleted rows (a purge, an old envelope after key rotation) are overwritten with
            // zeros in the database file instead of lingering in free pages.
            .pragma("secure_delete", "ON");
        if let Some(dir) = options.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| sqlx::Error::Io(e))?;
            }
        }
        let in_memory = options.get_filename().as_os_str() == ":memory:";
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options.clone()).await?;
        let write_pool = match in_memory {
            // A second pool would open a second, empty database.
            true => pool.clone(),
            false => SqlitePoolOptions::new()
                .max_connections(1)
                // Every write is durable (`synchronous=FULL`) unless it asks otherwise for its
                // own transaction (`begin_relaxed`): the setting is restored on every acquire.
                .before_acquire(|conn, _| {
                    Box::pin(async move {
                        sqlx::query("PRAGMA synchronous = FULL").execute(conn).await?;
                        Ok(true)
                    })
                })
                .connect_with(options)
                .await?,
        };
        Ok(SqliteStore { pool, write_pool, cipher: None })
    }

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// For single writes outside a transaction: the write connection (see `write_pool`).
    fn writer(&self) -> &SqlitePool {
        &self.write_pool
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
        sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.write_pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// A write transaction that does not wait for its own fsync (`synchronous=NORMAL`, restored to
    /// `FULL` when the connection is next acquired). Only for writes that nobody relies on until a
    /// later durable commit, or whose loss to a power cut is harmless: WAL frames are synced in
    /// order, so the next `FULL` commit makes them durable with everything before it.
    async fn begin_relaxed(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        // sqlite3_exec runs both statements; the pragma cannot change inside a transaction.
        Ok(self.write_pool.begin_with("PRAGMA synchronous = NORMAL; BEGIN IMMEDIATE").await?)
    }

    /// Claims a job, relaxed (see [`Self::begin_relaxed`]): a claim lost to a power cut only makes
    /// the job ready again, and running it twice seals nothing twice. This saves an fsync per
    /// registry check.
    async fn claim_job_inner(
        &self,
        worker: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease_until: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Option<JobRow>> {
        let mut tx = self.begin_relaxed().await?;
        let row: Option<JobRow> =
            sqlx::query_as(CLAIM_SQL).bind(now).bind(lease_until).bind(worker).fetch_optional(&mut *tx).await?;
        if let Some(job) = row.as_ref().filter(|j| j.kind == crate::jobs::REGISTRY_CHECK) {
            sqlx::query(CHECKING_SQL).bind(now).bind(&job.checkin_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(row)
    }
}

impl_store!(SqliteStore);
impl_police_store!(SqliteStore);
impl_privacy_store!(SqliteStore);
impl_log_store!(SqliteStore);
