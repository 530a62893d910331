//! Storage of the transparency log of seals (see [`crate::seal::log`] for the tree itself).
//!
//! Tables (migration 0006): `tlog_hashes` (the stored hashes, append-only, by stored-hash index),
//! `tlog_head` (one row: tree size and root) and `seals.leaf_index`. A seal's leaf is appended in
//! the transaction that inserts the seal row, so there is never a seal without a leaf, a leaf
//! without a seal, nor a gap. Appends are one at a time: every append first updates the
//! `tlog_head` row, which on PostgreSQL holds that row's lock until commit (a second writer waits,
//! then reads the size the first one committed), and on SQLite happens inside a `BEGIN IMMEDIATE`
//! write transaction (the database lock). Two instances on one database therefore never fork the
//! tree nor reuse a leaf index.
//!
//! Reading needs no lock: stored hashes are written once, so a root or a proof for any size up to
//! the committed head reads the same hashes whenever it runs.

use async_trait::async_trait;

use super::StoreResult;
use crate::seal::log::{Hash, PrefetchedHashes};

/// The log's tree head: how many leaves it has and their root (RFC 9162 §2.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeHead {
    pub tree_size: u64,
    pub root_hash: Hash,
}

/// The transparency log's reads, and its appends outside a seal write.
#[async_trait]
pub trait LogStore {
    /// The committed tree head.
    async fn log_head(&self) -> StoreResult<TreeHead>;
    /// The stored hashes at `indexes` (all must exist: [`super::StoreError::Corrupt`] otherwise).
    async fn log_hashes(&self, indexes: &[u64]) -> StoreResult<PrefetchedHashes>;
    /// The leaf index of each seal of a check-in, in seal order (`None`: not logged, which only a
    /// database written before the log existed and not yet migrated can hold).
    async fn seal_leaf_indexes(&self, checkin_id: &str) -> StoreResult<Vec<Option<u64>>>;
    /// Appends seals that have no leaf yet (written before the log existed), oldest first, in
    /// batches of one transaction each; returns how many. Run by `migrate`.
    async fn log_backfill(&self) -> StoreResult<u64>;
    /// Appends raw leaves in one transaction and returns the new head. For benchmarks and tests
    /// of the log on a scratch database only: the service appends nothing but seals, with them.
    async fn log_append_raw(&self, leaves: &[String]) -> StoreResult<TreeHead>;
}

pub(super) fn corrupt(e: crate::seal::log::LogError) -> super::StoreError {
    super::StoreError::Corrupt(format!("transparency log: {e}"))
}

pub(super) fn to_i64(n: u64) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| super::StoreError::Corrupt("transparency log index out of range".into()))
}

pub(super) fn hash_of(bytes: &[u8]) -> StoreResult<Hash> {
    Hash::from_slice(bytes).ok_or_else(|| super::StoreError::Corrupt("transparency log hash is not 32 bytes".into()))
}

/// `$1, $2, ... $n`.
pub(super) fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Rows per multi-row `INSERT` into `tlog_hashes` (two parameters each).
pub(super) const INSERT_CHUNK: usize = 400;

macro_rules! impl_log_store {
    ($T:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::tlog::LogStore for $T {
            async fn log_head(&self) -> $crate::store::StoreResult<$crate::store::tlog::TreeHead> {
                let (size, root): (i64, Vec<u8>) =
                    sqlx::query_as("SELECT tree_size, root_hash FROM tlog_head WHERE id = 1").fetch_one(self.pool()).await?;
                Ok($crate::store::tlog::TreeHead {
                    tree_size: u64::try_from(size).map_err(|_| $crate::store::StoreError::Corrupt("negative tree size".into()))?,
                    root_hash: $crate::store::tlog::hash_of(&root)?,
                })
            }

            async fn log_hashes(&self, indexes: &[u64]) -> $crate::store::StoreResult<$crate::seal::log::PrefetchedHashes> {
                Self::fetch_log_hashes(self.pool(), indexes).await
            }

            async fn seal_leaf_indexes(&self, checkin_id: &str) -> $crate::store::StoreResult<Vec<Option<u64>>> {
                let rows: Vec<(Option<i64>,)> = sqlx::query_as("SELECT leaf_index FROM seals WHERE checkin_id = $1 ORDER BY seq")
                    .bind(checkin_id)
                    .fetch_all(self.pool())
                    .await?;
                Ok(rows.into_iter().map(|(i,)| i.and_then(|i| u64::try_from(i).ok())).collect())
            }

            async fn log_backfill(&self) -> $crate::store::StoreResult<u64> {
                let mut total = 0;
                loop {
                    let mut tx = self.begin_write().await?;
                    let rows: Vec<(i64, String)> =
                        sqlx::query_as("SELECT id, jws FROM seals WHERE leaf_index IS NULL ORDER BY id LIMIT 500")
                            .fetch_all(&mut *tx)
                            .await?;
                    if rows.is_empty() {
                        tx.rollback().await?;
                        return Ok(total);
                    }
                    let leaves: Vec<&[u8]> = rows.iter().map(|(_, jws)| jws.as_bytes()).collect();
                    let (first, _) = Self::log_append_tx(&mut tx, &leaves).await?;
                    for (i, (id, _)) in rows.iter().enumerate() {
                        sqlx::query("UPDATE seals SET leaf_index = $1 WHERE id = $2")
                            .bind($crate::store::tlog::to_i64(first + i as u64)?)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    total += rows.len() as u64;
                }
            }

            async fn log_append_raw(&self, leaves: &[String]) -> $crate::store::StoreResult<$crate::store::tlog::TreeHead> {
                let mut tx = self.begin_write().await?;
                let leaves: Vec<&[u8]> = leaves.iter().map(|l| l.as_bytes()).collect();
                Self::log_append_tx(&mut tx, &leaves).await?;
                let (size, root): (i64, Vec<u8>) =
                    sqlx::query_as("SELECT tree_size, root_hash FROM tlog_head WHERE id = 1").fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok($crate::store::tlog::TreeHead { tree_size: size as u64, root_hash: $crate::store::tlog::hash_of(&root)? })
            }
        }

        impl $T {
            /// Appends `leaves` to the log inside `tx` and returns the leaf index of the first and
            /// the tree head after them. Takes the log's write lock (the `tlog_head` row) until
            /// `tx` ends.
            async fn log_append_tx(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                leaves: &[&[u8]],
            ) -> $crate::store::StoreResult<(u64, $crate::store::tlog::TreeHead)> {
                use $crate::store::tlog::{corrupt, to_i64};
                let count = leaves.len() as u64;
                let new_size: i64 =
                    sqlx::query_scalar("UPDATE tlog_head SET tree_size = tree_size + $1 WHERE id = 1 RETURNING tree_size")
                        .bind(to_i64(count)?)
                        .fetch_one(&mut **tx)
                        .await?;
                let old_size = u64::try_from(new_size).map_err(|_| $crate::store::StoreError::Corrupt("negative tree size".into()))?
                    - count;
                let need = $crate::seal::log::indexes_for_append(old_size, count).map_err(corrupt)?;
                let old = Self::fetch_log_hashes(&mut **tx, &need).await?;
                let appended = $crate::seal::log::append_leaves(old_size, leaves, &old).map_err(corrupt)?;
                let rows: Vec<(u64, $crate::seal::log::Hash)> = appended.rows().collect();
                for chunk in rows.chunks($crate::store::tlog::INSERT_CHUNK) {
                    let values = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect::<Vec<_>>().join(", ");
                    let sql = format!("INSERT INTO tlog_hashes (stored_index, hash) VALUES {values}");
                    let mut query = sqlx::query(&sql);
                    for (index, hash) in chunk {
                        query = query.bind(to_i64(*index)?).bind(hash.as_bytes().to_vec());
                    }
                    query.execute(&mut **tx).await?;
                }
                sqlx::query("UPDATE tlog_head SET root_hash = $1 WHERE id = 1")
                    .bind(appended.root_hash.as_bytes().to_vec())
                    .execute(&mut **tx)
                    .await?;
                Ok((old_size, $crate::store::tlog::TreeHead { tree_size: old_size + count, root_hash: appended.root_hash }))
            }

            async fn fetch_log_hashes<'e, E>(executor: E, indexes: &[u64]) -> $crate::store::StoreResult<$crate::seal::log::PrefetchedHashes>
            where
                E: sqlx::Executor<'e, Database = <$T as $crate::store::shared::Backend>::Db>,
            {
                let mut found = $crate::seal::log::PrefetchedHashes::new();
                if indexes.is_empty() {
                    return Ok(found);
                }
                let sql = format!(
                    "SELECT stored_index, hash FROM tlog_hashes WHERE stored_index IN ({})",
                    $crate::store::tlog::placeholders(indexes.len())
                );
                let mut query = sqlx::query_as::<_, (i64, Vec<u8>)>(&sql);
                for i in indexes {
                    query = query.bind($crate::store::tlog::to_i64(*i)?);
                }
                for (index, hash) in query.fetch_all(executor).await? {
                    found.insert(index as u64, $crate::store::tlog::hash_of(&hash)?);
                }
                if found.len() != indexes.len() {
                    return Err($crate::store::StoreError::Corrupt("transparency log: a stored hash is missing".into()));
                }
                Ok(found)
            }
        }
    };
}
