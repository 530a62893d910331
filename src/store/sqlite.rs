//! The embedded default: SQLite in WAL mode with `synchronous=FULL`; every write transaction
//! begins `IMMEDIATE`, so writers queue on the database lock (under `busy_timeout`) instead of
//! failing when a read transaction tries to upgrade.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use super::StoreResult;
use super::shared::{Backend, JobRow};

/// The claim: one statement inside one immediate transaction.
const CLAIM_SQL: &str = "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $2, locked_by = $3, updated_at = $1 \
     WHERE id = (SELECT id FROM jobs WHERE state = 'ready' AND run_at <= $1 ORDER BY run_at, id LIMIT 1) \
     RETURNING id, kind, checkin_id, payload, attempts, max_attempts, lease_until, created_at";

#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
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
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(SqliteStore { pool, cipher: None })
    }

    fn pool(&self) -> &SqlitePool {
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
        sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    async fn claim_job_inner(
        &self,
        worker: &str,
        now: chrono::DateTime<chrono::Utc>,
        lease_until: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Option<JobRow>> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query_as(CLAIM_SQL).bind(now).bind(lease_until).bind(worker).fetch_optional(&mut *tx).await?;
        tx.commit().await?;
        Ok(row)
    }
}

impl_store!(SqliteStore);
impl_police_store!(SqliteStore);
impl_partner_store!(SqliteStore);
impl_privacy_store!(SqliteStore);
