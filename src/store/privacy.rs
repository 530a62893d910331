//! The store's privacy methods, apart from the rest of the trait: the blind-index look-up, the
//! check-ins due for erasure, the erasure itself (run by `record_event` in the transaction that
//! seals `purged`) and the re-encryption of rows under retired data keys.
//!
//! Personal fields are encrypted and decrypted at the row boundary (`shared.rs`, with the
//! [`crate::privacy::DataCipher`] the store was opened with); SQL only ever sees envelopes and
//! blind-index values.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use crate::domain::CheckinStatus;

/// A check-in whose personal data is due for erasure (nothing personal in it).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ErasureCandidate {
    pub id: String,
    pub jurisdiction: String,
    pub status: String,
    pub erase_after: DateTime<Utc>,
}

impl ErasureCandidate {
    pub fn status(&self) -> Option<CheckinStatus> {
        CheckinStatus::parse(&self.status)
    }
}

#[async_trait]
pub trait PrivacyStore: Send + Sync {
    /// Ids of the check-ins that declared this document (issuing country, normalised number),
    /// newest first, found through the blind index. Purged check-ins are not found.
    async fn checkins_with_document(&self, issuing_country: &str, number: &str) -> StoreResult<Vec<String>>;

    /// Check-ins not yet purged whose `erase_after` is at or before `until`, in order of
    /// (`erase_after`, id), after the cursor `after` (exclusive), at most `limit`.
    async fn due_for_erasure(
        &self,
        until: DateTime<Utc>,
        after: Option<(DateTime<Utc>, String)>,
        limit: i64,
    ) -> StoreResult<Vec<ErasureCandidate>>;

    /// Re-encrypts up to `limit` person rows and `limit` contacts that are under a key other
    /// than the active data key, in one transaction; returns how many rows it rewrote (0: done).
    async fn reencrypt_batch(&self, limit: i64) -> StoreResult<u64>;

    /// Rows (persons and contacts) per data key id.
    async fn data_key_usage(&self) -> StoreResult<Vec<(String, i64)>>;
}

macro_rules! impl_privacy_store {
    ($T:ty) => {
        #[async_trait::async_trait]
        impl $crate::store::privacy::PrivacyStore for $T {
            async fn checkins_with_document(&self, issuing_country: &str, number: &str) -> $crate::store::StoreResult<Vec<String>> {
                let cipher = $crate::store::shared::need(self.cipher())?;
                let index = cipher.document_index(issuing_country, number);
                let ids: Vec<(String,)> = sqlx::query_as(
                    "SELECT c.id FROM checkin_persons cp JOIN checkins c ON c.id = cp.checkin_id \
                     WHERE cp.document_index = $1 GROUP BY c.id, c.created_at ORDER BY c.created_at DESC, c.id DESC",
                )
                .bind(index)
                .fetch_all(self.pool())
                .await?;
                Ok(ids.into_iter().map(|(id,)| id).collect())
            }

            async fn due_for_erasure(
                &self,
                until: chrono::DateTime<chrono::Utc>,
                after: Option<(chrono::DateTime<chrono::Utc>, String)>,
                limit: i64,
            ) -> $crate::store::StoreResult<Vec<$crate::store::privacy::ErasureCandidate>> {
                let (after_time, after_id) = after.unwrap_or((chrono::DateTime::<chrono::Utc>::UNIX_EPOCH, String::new()));
                Ok(sqlx::query_as(
                    "SELECT id, jurisdiction, status, erase_after FROM checkins \
                     WHERE status <> 'purged' AND erase_after <= $1 \
                       AND (erase_after > $2 OR (erase_after = $2 AND id > $3)) \
                     ORDER BY erase_after, id LIMIT $4",
                )
                .bind(until)
                .bind(after_time)
                .bind(after_id)
                .bind(limit)
                .fetch_all(self.pool())
                .await?)
            }

            async fn reencrypt_batch(&self, limit: i64) -> $crate::store::StoreResult<u64> {
                let cipher = $crate::store::shared::need(self.cipher())?;
                let active = cipher.active_kid().to_owned();
                let mut tx = self.begin_write().await?;
                let persons: Vec<$crate::store::shared::PersonRow> = sqlx::query_as(
                    "SELECT * FROM checkin_persons WHERE data_kid <> $1 ORDER BY checkin_id, idx LIMIT $2",
                )
                .bind(&active)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                let mut n = 0;
                for row in &persons {
                    let person = row.decrypt(cipher)?;
                    let p = $crate::store::shared::PersonColumns::encrypt(cipher, &row.checkin_id, row.idx, &person);
                    sqlx::query(
                        "UPDATE checkin_persons SET data_kid = $3, given_names = $4, family_name = $5, second_family_name = $6, \
                         birth_date = $7, nationality = $8, sex = $9, document_type = $10, document_number = $11, \
                         document_country = $12, support_number = $13, guardian = $14, document_index = $15 \
                         WHERE checkin_id = $1 AND idx = $2",
                    )
                    .bind(&row.checkin_id)
                    .bind(row.idx)
                    .bind(&p.data_kid)
                    .bind(&p.given_names)
                    .bind(&p.family_name)
                    .bind(&p.second_family_name)
                    .bind(&p.birth_date)
                    .bind(&p.nationality)
                    .bind(&p.sex)
                    .bind(&p.document_type)
                    .bind(&p.document_number)
                    .bind(&p.document_country)
                    .bind(&p.support_number)
                    .bind(&p.guardian)
                    .bind(&p.document_index)
                    .execute(&mut *tx)
                    .await?;
                    n += 1;
                }
                let contacts: Vec<$crate::store::shared::ContactRow> = sqlx::query_as(
                    "SELECT id, contact_phone, contact_email FROM checkins \
                     WHERE data_kid IS NOT NULL AND data_kid <> $1 ORDER BY id LIMIT $2",
                )
                .bind(&active)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                for row in &contacts {
                    let contact = row.decrypt(cipher)?;
                    let c = $crate::store::shared::ContactColumns::encrypt(Some(cipher), &row.id, &contact)?;
                    sqlx::query("UPDATE checkins SET data_kid = $2, contact_phone = $3, contact_email = $4 WHERE id = $1")
                        .bind(&row.id)
                        .bind(&c.data_kid)
                        .bind(&c.phone)
                        .bind(&c.email)
                        .execute(&mut *tx)
                        .await?;
                    n += 1;
                }
                tx.commit().await?;
                Ok(n)
            }

            async fn data_key_usage(&self) -> $crate::store::StoreResult<Vec<(String, i64)>> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT data_kid, CAST(SUM(n) AS BIGINT) FROM ( \
                       SELECT data_kid, COUNT(*) AS n FROM checkin_persons GROUP BY data_kid \
                       UNION ALL \
                       SELECT data_kid, COUNT(*) AS n FROM checkins WHERE data_kid IS NOT NULL GROUP BY data_kid \
                     ) u GROUP BY data_kid ORDER BY data_kid",
                )
                .fetch_all(self.pool())
                .await?;
                Ok(rows)
            }
        }

        impl $T {
            /// Deletes a check-in's persons, its contact and its digest salt (the seals stay, and
            /// with the salt gone their digests can no longer be linked to anyone).
            async fn erase_personal_data(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                checkin_id: &str,
            ) -> $crate::store::StoreResult<()> {
                sqlx::query("DELETE FROM checkin_persons WHERE checkin_id = $1").bind(checkin_id).execute(&mut **tx).await?;
                sqlx::query(
                    "UPDATE checkins SET contact_phone = NULL, contact_email = NULL, data_kid = NULL, digest_salt = $2 WHERE id = $1",
                )
                .bind(checkin_id)
                .bind(Vec::<u8>::new())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }
        }
    };
}
