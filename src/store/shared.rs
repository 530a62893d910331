//! The SQL that SQLite and PostgreSQL both understand, written once.
//!
//! [`impl_store!`] implements [`super::Store`] for a backend type that provides, as inherent
//! methods, only what differs between the engines: `BACKEND`, `pool`, `writer` (single writes), `run_migrations`,
//! `begin_write` (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: `BEGIN`), `begin_relaxed` (no wait for the fsync) and `claim_job_inner`
//! (SQLite: one immediate transaction; PostgreSQL: `FOR UPDATE SKIP LOCKED`). Parameters are
//! written `$1, $2, ...`, which both engines accept (SQLite binds them by first appearance).

use chrono::{DateTime, NaiveDate, Utc};

use super::{CheckinRecord, Job, Property, Role, SealRecord, StoreError, User};
use crate::domain::{CheckinStatus, Contact, Document, DocumentKind, Event, Guardian, Person, Stay};
use crate::privacy::{DataCipher, Place};

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
     c.erase_after, c.created_at, c.updated_at, c.partner_id";

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
    erase_after: DateTime<Utc>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    partner_id: Option<String>,
}

impl CheckinRow {
    /// The record, its contact decrypted (which needs the data keys only when there is one).
    pub(super) fn into_record(self, cipher: Option<&DataCipher>) -> Result<CheckinRecord, StoreError> {
        let r = self;
        let time = |s: &str| {
            DateTime::parse_from_rfc3339(s).map_err(|_| StoreError::Corrupt("check-in time".into()))
        };
        let contact = match (&r.contact_phone, &r.contact_email) {
            (None, None) => Contact::default(),
            (phone, email) => {
                let c = need(cipher)?;
                Contact {
                    phone: c.decrypt_opt(contact_place(&r.id, "contact_phone"), phone.as_deref()).map_err(privacy)?,
                    email: c.decrypt_opt(contact_place(&r.id, "contact_email"), email.as_deref()).map_err(privacy)?,
                }
            }
        };
        Ok(CheckinRecord {
            status: CheckinStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown status {}", r.status)))?,
            flags: serde_json::from_str(&r.flags).map_err(|_| StoreError::Corrupt("flags".into()))?,
            stay: Stay { check_in: time(&r.check_in)?, check_out: time(&r.check_out)? },
            contact,
            erase_after: r.erase_after,
            id: r.id,
            property_id: r.property_id,
            landlord_id: r.landlord_id,
            jurisdiction: r.jurisdiction,
            channel: r.channel,
            person_count: r.person_count,
            digest_salt: r.digest_salt,
            created_at: r.created_at,
            updated_at: r.updated_at,
            partner_id: r.partner_id,
        })
    }
}

/// A person's row: every personal column an envelope of [`crate::privacy::cipher`].
#[derive(sqlx::FromRow)]
pub(super) struct PersonRow {
    pub(super) checkin_id: String,
    pub(super) idx: i64,
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
    guardian: Option<String>,
}

impl PersonRow {
    /// The person, decrypted. Every value must authenticate for this row and column.
    pub(super) fn decrypt(&self, cipher: &DataCipher) -> Result<Person, StoreError> {
        let row = person_row_key(&self.checkin_id, self.idx);
        let open = |column, v: &str| cipher.decrypt(person_place(&row, column), v).map_err(privacy);
        let open_opt = |column, v: &Option<String>| cipher.decrypt_opt(person_place(&row, column), v.as_deref()).map_err(privacy);
        let kind = match open("document_type", &self.document_type)?.as_str() {
            "passport" => DocumentKind::Passport,
            "id_card" => DocumentKind::IdCard,
            "residence_permit" => DocumentKind::ResidencePermit,
            "other" => DocumentKind::Other,
            _ => return Err(StoreError::Corrupt("document type".into())),
        };
        let guardian = match open_opt("guardian", &self.guardian)? {
            Some(json) => Some(serde_json::from_str::<Guardian>(&json).map_err(|_| StoreError::Corrupt("guardian".into()))?),
            None => None,
        };
        Ok(Person {
            birth_date: NaiveDate::parse_from_str(&open("birth_date", &self.birth_date)?, "%Y-%m-%d")
                .map_err(|_| StoreError::Corrupt("birth date".into()))?,
            guardian,
            given_names: open("given_names", &self.given_names)?,
            family_name: open("family_name", &self.family_name)?,
            second_family_name: open_opt("second_family_name", &self.second_family_name)?,
            nationality: open("nationality", &self.nationality)?,
            sex: open_opt("sex", &self.sex)?,
            document: Document {
                kind,
                number: open("document_number", &self.document_number)?,
                issuing_country: open("document_country", &self.document_country)?,
                support_number: open_opt("support_number", &self.support_number)?,
            },
        })
    }
}

/// The columns of a person's row, encrypted for that row, with the blind index.
/// The leaves a group commit has given out: the next leaf index, and the seals (their JWS, the
/// leaf data) to append, in order.
pub(crate) struct LeafCursor {
    pub(crate) next: u64,
    pub(crate) jws: Vec<String>,
}

impl LeafCursor {
    /// Where the cursor is, to go back there when a write is rolled back to its savepoint.
    pub(crate) fn mark(&self) -> (u64, usize) {
        (self.next, self.jws.len())
    }

    pub(crate) fn reset(&mut self, (next, len): (u64, usize)) {
        self.next = next;
        self.jws.truncate(len);
    }
}

/// The encrypted columns of an accepted check-in, made before its transaction.
pub(crate) struct CheckinColumns {
    pub(super) contact: ContactColumns,
    pub(super) persons: Vec<PersonColumns>,
}

pub(super) struct PersonColumns {
    pub(super) data_kid: String,
    pub(super) given_names: String,
    pub(super) family_name: String,
    pub(super) second_family_name: Option<String>,
    pub(super) birth_date: String,
    pub(super) nationality: String,
    pub(super) sex: Option<String>,
    pub(super) document_type: String,
    pub(super) document_number: String,
    pub(super) document_country: String,
    pub(super) support_number: Option<String>,
    pub(super) guardian: Option<String>,
    pub(super) document_index: Vec<u8>,
}

impl PersonColumns {
    pub(super) fn encrypt(cipher: &DataCipher, checkin_id: &str, idx: i64, p: &Person) -> PersonColumns {
        let row = person_row_key(checkin_id, idx);
        let seal = |column, v: &str| cipher.encrypt(person_place(&row, column), v);
        let seal_opt = |column, v: Option<&str>| cipher.encrypt_opt(person_place(&row, column), v);
        let guardian = p.guardian.as_ref().map(|g| serde_json::to_string(g).expect("a guardian serialises"));
        PersonColumns {
            data_kid: cipher.active_kid().to_owned(),
            given_names: seal("given_names", &p.given_names),
            family_name: seal("family_name", &p.family_name),
            second_family_name: seal_opt("second_family_name", p.second_family_name.as_deref()),
            birth_date: seal("birth_date", &p.birth_date.format("%Y-%m-%d").to_string()),
            nationality: seal("nationality", &p.nationality),
            sex: seal_opt("sex", p.sex.as_deref()),
            document_type: seal("document_type", p.document.kind.as_str()),
            document_number: seal("document_number", &p.document.number),
            document_country: seal("document_country", &p.document.issuing_country),
            support_number: seal_opt("support_number", p.document.support_number.as_deref()),
            guardian: seal_opt("guardian", guardian.as_deref()),
            document_index: cipher.document_index(&p.document.issuing_country, &p.document.number),
        }
    }
}

/// A check-in's contact columns, encrypted for its row; `data_kid` is `None` when there is no
/// contact.
pub(super) struct ContactColumns {
    pub(super) data_kid: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) email: Option<String>,
}

impl ContactColumns {
    pub(super) fn encrypt(cipher: Option<&DataCipher>, checkin_id: &str, contact: &Contact) -> Result<ContactColumns, StoreError> {
        if contact.phone.is_none() && contact.email.is_none() {
            return Ok(ContactColumns { data_kid: None, phone: None, email: None });
        }
        let c = need(cipher)?;
        Ok(ContactColumns {
            data_kid: Some(c.active_kid().to_owned()),
            phone: c.encrypt_opt(contact_place(checkin_id, "contact_phone"), contact.phone.as_deref()),
            email: c.encrypt_opt(contact_place(checkin_id, "contact_email"), contact.email.as_deref()),
        })
    }
}

/// The contact columns of a check-in, for re-encryption.
#[derive(sqlx::FromRow)]
pub(super) struct ContactRow {
    pub(super) id: String,
    contact_phone: Option<String>,
    contact_email: Option<String>,
}

impl ContactRow {
    pub(super) fn decrypt(&self, cipher: &DataCipher) -> Result<Contact, StoreError> {
        Ok(Contact {
            phone: cipher.decrypt_opt(contact_place(&self.id, "contact_phone"), self.contact_phone.as_deref()).map_err(privacy)?,
            email: cipher.decrypt_opt(contact_place(&self.id, "contact_email"), self.contact_email.as_deref()).map_err(privacy)?,
        })
    }
}

fn person_row_key(checkin_id: &str, idx: i64) -> String {
    format!("{checkin_id}/{idx}")
}

fn person_place<'a>(row: &'a str, column: &'static str) -> Place<'a> {
    Place { table: "checkin_persons", column, row }
}

fn contact_place<'a>(checkin_id: &'a str, column: &'static str) -> Place<'a> {
    Place { table: "checkins", column, row: checkin_id }
}

/// The data cipher, or the error that says this store was opened without data keys.
pub(super) fn need(cipher: Option<&DataCipher>) -> Result<&DataCipher, StoreError> {
    cipher.ok_or_else(|| StoreError::Privacy("this store was opened without data keys".into()))
}

fn privacy(e: crate::privacy::CipherError) -> StoreError {
    StoreError::Privacy(e.to_string())
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
    pub(super) id: i64,
    pub(super) kind: String,
    pub(super) checkin_id: Option<String>,
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

/// Rows per multi-row INSERT in a group commit: at most 18 parameters a row, so a statement
/// stays far below SQLite's bound of 32 766 parameters and PostgreSQL's 65 535.
pub(super) const ROWS_PER_INSERT: usize = 256;

/// A group write's answer: an accepted check-in's leaf (`leaf`) with the head of the log its
/// group left behind.
pub(super) fn written(applied: bool, leaf: Option<u64>, head: Option<super::TreeHead>) -> super::group::Written {
    let logged = leaf.zip(head).map(|(leaf_index, head)| super::Logged { leaf_index, head });
    super::group::Written { applied, logged }
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
                self.run_migrations().await?;
                let logged = $crate::store::tlog::LogStore::log_backfill(self).await?;
                if logged > 0 {
                    tracing::info!(seals.count = logged, "appended seals written before the transparency log to it");
                }
                Ok(())
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
                .execute(self.writer())
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
                .execute(self.writer())
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
                    .execute(self.writer())
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
                .execute(self.writer())
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

            async fn accept_checkin(&self, c: &$crate::store::NewCheckin) -> $crate::store::StoreResult<$crate::store::Logged> {
                let r = &c.record;
                let cipher = self.cipher();
                let contact = $crate::store::shared::ContactColumns::encrypt(cipher, &r.id, &r.contact)?;
                let persons: Vec<$crate::store::shared::PersonColumns> = match c.persons.is_empty() {
                    true => Vec::new(),
                    false => {
                        let cipher = $crate::store::shared::need(cipher)?;
                        c.persons
                            .iter()
                            .enumerate()
                            .map(|(i, p)| $crate::store::shared::PersonColumns::encrypt(cipher, &r.id, i as i64, p))
                            .collect()
                    }
                };
                let columns = $crate::store::shared::CheckinColumns { contact, persons };
                let written = self.group_write($crate::store::group::GroupOp::Accept(Box::new((c.clone(), columns)))).await?;
                written.logged.ok_or_else(|| $crate::store::StoreError::Corrupt("an accepted check-in without its leaf".into()))
            }

            async fn checkin(&self, id: &str) -> $crate::store::StoreResult<Option<$crate::store::CheckinRecord>> {
                let sql = format!(
                    "SELECT {} FROM checkins c JOIN properties p ON p.id = c.property_id WHERE c.id = $1",
                    $crate::store::shared::CHECKIN_COLUMNS
                );
                let row: Option<$crate::store::shared::CheckinRow> =
                    sqlx::query_as(&sql).bind(id).fetch_optional(self.pool()).await?;
                row.map(|r| r.into_record(self.cipher())).transpose()
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
                row.map(|r| r.into_record(self.cipher())).transpose()
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
                rows.into_iter().map(|r| r.into_record(self.cipher())).collect()
            }

            async fn persons(&self, checkin_id: &str) -> $crate::store::StoreResult<Vec<$crate::domain::Person>> {
                let rows: Vec<$crate::store::shared::PersonRow> =
                    sqlx::query_as("SELECT * FROM checkin_persons WHERE checkin_id = $1 ORDER BY idx")
                        .bind(checkin_id)
                        .fetch_all(self.pool())
                        .await?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let cipher = $crate::store::shared::need(self.cipher())?;
                rows.iter().map(|r| r.decrypt(cipher)).collect()
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
                    .execute(self.writer())
                    .await?;
                Ok(())
            }

            async fn record_event(&self, w: &$crate::store::EventWrite) -> $crate::store::StoreResult<bool> {
                Ok(self.group_write($crate::store::group::GroupOp::Event(Box::new(w.clone()))).await?.applied)
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

            async fn reclaim_expired_leases(&self, now: chrono::DateTime<chrono::Utc>) -> $crate::store::StoreResult<u64> {
                let n = sqlx::query(
                    "UPDATE jobs SET state = 'ready', lease_until = NULL, locked_by = NULL, updated_at = $1 \
                     WHERE state = 'running' AND lease_until < $1",
                )
                .bind(now)
                .execute(self.writer())
                .await?
                .rows_affected();
                Ok(n)
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
                .execute(self.writer())
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
                .execute(self.writer())
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
                .execute(self.writer())
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
            /// Applies an event inside `tx` (see `record_event`): its own savepoint, so that an event
            /// someone else applied first leaves nothing behind but the job's completion.
            async fn event_in_tx(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                w: &$crate::store::EventWrite,
                leaves: &mut $crate::store::shared::LeafCursor,
            ) -> $crate::store::StoreResult<bool> {
                sqlx::query("SAVEPOINT hospes_event").execute(&mut **tx).await?;
                let before = leaves.mark();
                let applied = Self::apply_event_with(tx, w, Some(&mut *leaves)).await?;
                if !applied {
                    leaves.reset(before);
                }
                if !applied {
                    sqlx::query("ROLLBACK TO SAVEPOINT hospes_event").execute(&mut **tx).await?;
                } else if w.new_status == $crate::domain::CheckinStatus::Purged {
                    // Erasure commits with its `purged` seal, or not at all.
                    Self::erase_personal_data(tx, &w.checkin_id).await?;
                    Self::erase_police_notes(tx, &w.checkin_id).await?;
                }
                sqlx::query("RELEASE SAVEPOINT hospes_event").execute(&mut **tx).await?;
                Self::complete_job_in_tx(tx, w).await?;
                Ok(applied)
            }

            /// Completes the job that made an event, whether or not the event applied.
            async fn complete_job_in_tx(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                w: &$crate::store::EventWrite,
            ) -> $crate::store::StoreResult<()> {
                if let Some((job_id, worker)) = &w.complete_job {
                    sqlx::query(
                        "UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = $3 \
                         WHERE id = $1 AND locked_by = $2 AND state = 'running'",
                    )
                    .bind(job_id)
                    .bind(worker)
                    .bind(w.seal.created_at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            /// Group commit: sends a write to this store's writer, which commits whatever writes
            /// are waiting together, in one transaction (one log lock, one fsync for all of them).
            async fn group_write(&self, op: $crate::store::group::GroupOp) -> $crate::store::StoreResult<$crate::store::group::Written> {
                let sender = self.group.sender(|| {
                    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
                    let writer = self.detached();
                    // The writer runs on a thread of its own (the runtime's blocking pool, driving
                    // its future with `block_on`), not as a task: each statement of a group is a
                    // round trip, and as a task the writer would wait behind every request task in
                    // the runtime's queue after each one. Profiled: at 16 clients on SQLite the
                    // group's cycle went from ~4 ms (mostly queueing) to the engine's own time.
                    let handle = tokio::runtime::Handle::current();
                    tokio::task::spawn_blocking(move || handle.block_on(writer.run_group(rx)));
                    tx
                });
                let (reply, answer) = tokio::sync::oneshot::channel();
                sender
                    .send($crate::store::group::Pending { op, reply })
                    .map_err(|_| $crate::store::group::writer_gone())?;
                answer.await.map_err(|_| $crate::store::group::writer_gone())?
            }

            /// The writer: takes a write, then every write already waiting (up to
            /// [`$crate::store::group::GROUP_MAX`]), and commits them together. Each write runs in
            /// its own savepoint, so one that fails (a conflict) fails alone; if the commit itself
            /// fails, each write is tried again in a transaction of its own.
            async fn run_group(self, mut rx: tokio::sync::mpsc::UnboundedReceiver<$crate::store::group::Pending>) {
                while let Some(first) = rx.recv().await {
                    let mut batch = vec![first];
                    while batch.len() < $crate::store::group::GROUP_MAX {
                        match rx.try_recv() {
                            Ok(p) => batch.push(p),
                            Err(_) => break,
                        }
                    }
                    metrics::histogram!("hospes_group_commit_size").record(batch.len() as f64);
                    match self.commit_group(&batch).await {
                        Ok(results) => {
                            for (p, r) in batch.into_iter().zip(results) {
                                let _ = p.reply.send(r);
                            }
                        }
                        Err(e) if batch.len() == 1 => {
                            let p = batch.pop().expect("one write");
                            let _ = p.reply.send(Err(e));
                        }
                        Err(e) => {
                            tracing::warn!(writes = batch.len(), error = %e, "group commit failed; committing its writes one by one");
                            for p in batch {
                                let r = match self.commit_group(std::slice::from_ref(&p)).await {
                                    Ok(mut r) => r.pop().expect("one result"),
                                    Err(e) => Err(e),
                                };
                                let _ = p.reply.send(r);
                            }
                        }
                    }
                }
            }

            /// Commits a group: first as a few multi-row statements without savepoints
            /// ([`Self::commit_group_fast`]); if anything in it fails (a conflict, an event whose
            /// seal someone else wrote), the whole transaction is rolled back and the group is
            /// written again write by write, each in its own savepoint, so that the failing write
            /// fails alone.
            async fn commit_group(
                &self,
                batch: &[$crate::store::group::Pending],
            ) -> $crate::store::StoreResult<Vec<$crate::store::StoreResult<$crate::store::group::Written>>> {
                match self.commit_group_fast(batch).await {
                    Ok(results) => Ok(results),
                    Err(e) => {
                        tracing::debug!(writes = batch.len(), error = %e, "group commit: writing the group again write by write");
                        self.commit_group_savepoints(batch).await
                    }
                }
            }

            /// The common case of a group, in as few statements as the engines allow: one
            /// multi-row INSERT per table for the accepted check-ins (on SQLite every statement is
            /// a round trip to the connection's thread, so statements, not rows, are the cost),
            /// the events one after the other, the log append once. Any error fails the whole
            /// group (the caller then writes it write by write).
            async fn commit_group_fast(
                &self,
                batch: &[$crate::store::group::Pending],
            ) -> $crate::store::StoreResult<Vec<$crate::store::StoreResult<$crate::store::group::Written>>> {
                let (mut tx, base) = self.begin_group().await?;
                let mut leaves = $crate::store::shared::LeafCursor { next: base, jws: Vec::new() };
                let accepts: Vec<&($crate::store::NewCheckin, $crate::store::shared::CheckinColumns)> = batch
                    .iter()
                    .filter_map(|p| match &p.op {
                        $crate::store::group::GroupOp::Accept(a) => Some(&**a),
                        $crate::store::group::GroupOp::Event(_) => None,
                    })
                    .collect();
                if !accepts.is_empty() {
                    Self::accept_batch_in_tx(&mut tx, &accepts, &mut leaves).await?;
                }
                // The accepted check-ins' first seals took the group's first leaves, in order.
                let mut accepted_leaf = base;
                let mut results = Vec::with_capacity(batch.len());
                for p in batch {
                    results.push(match &p.op {
                        $crate::store::group::GroupOp::Accept(_) => {
                            accepted_leaf += 1;
                            (true, Some(accepted_leaf - 1))
                        }
                        $crate::store::group::GroupOp::Event(w) => (Self::event_fast_in_tx(&mut tx, w, &mut leaves).await?, None),
                    });
                }
                let head = Self::append_group_leaves(&mut tx, &leaves, base).await?;
                tx.commit().await?;
                Ok(results.into_iter().map(|(applied, leaf)| Ok($crate::store::shared::written(applied, leaf, head))).collect())
            }

            /// A group's transaction with the log's write lock taken first (the `tlog_head` row),
            /// and the log's size then: the seals of the group get the next leaf indexes as they
            /// are written, and their leaves are appended at the end, at once.
            async fn begin_group(
                &self,
            ) -> $crate::store::StoreResult<(sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>, u64)> {
                let mut tx = self.begin_write().await?;
                let size: i64 = sqlx::query_scalar("UPDATE tlog_head SET tree_size = tree_size WHERE id = 1 RETURNING tree_size")
                    .fetch_one(&mut *tx)
                    .await?;
                let base = u64::try_from(size).map_err(|_| $crate::store::StoreError::Corrupt("negative tree size".into()))?;
                Ok((tx, base))
            }

            /// Appends the leaves a group gave out, at `base` where the group found the log.
            async fn append_group_leaves(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                leaves: &$crate::store::shared::LeafCursor,
                base: u64,
            ) -> $crate::store::StoreResult<Option<$crate::store::tlog::TreeHead>> {
                if leaves.jws.is_empty() {
                    return Ok(None);
                }
                let refs: Vec<&[u8]> = leaves.jws.iter().map(|j| j.as_bytes()).collect();
                let (first, head) = Self::log_append_tx(tx, &refs).await?;
                if first != base {
                    return Err($crate::store::StoreError::Corrupt("the log moved while its lock was held".into()));
                }
                Ok(Some(head))
            }

            /// Accepted check-ins in one multi-row INSERT per table (in chunks that stay under
            /// SQLite's 32 766 bound parameters): the check-ins, their persons, their first seals
            /// (taking the next leaf indexes in order, with the webhook outbox of a partner's) and
            /// their registry-check jobs. A group's fast path writes all of them at once; the
            /// write-by-write path, one.
            async fn accept_batch_in_tx(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                accepts: &[&($crate::store::NewCheckin, $crate::store::shared::CheckinColumns)],
                leaves: &mut $crate::store::shared::LeafCursor,
            ) -> $crate::store::StoreResult<()> {
                use $crate::store::shared::ROWS_PER_INSERT;
                for chunk in accepts.chunks(ROWS_PER_INSERT) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO checkins (id, property_id, jurisdiction, status, flags, channel, check_in, check_out, \
                         contact_phone, contact_email, person_count, digest_salt, receipt_token_hash, created_at, updated_at, \
                         data_kid, erase_after, partner_id) ",
                    );
                    q.push_values(chunk, |mut b, (c, columns)| {
                        let r = &c.record;
                        b.push_bind(&r.id)
                            .push_bind(&r.property_id)
                            .push_bind(&r.jurisdiction)
                            .push_bind(r.status.as_str())
                            .push_bind($crate::store::shared::flags_json(&r.flags))
                            .push_bind(&r.channel)
                            .push_bind(r.stay.check_in.to_rfc3339())
                            .push_bind(r.stay.check_out.to_rfc3339())
                            .push_bind(&columns.contact.phone)
                            .push_bind(&columns.contact.email)
                            .push_bind(c.persons.len() as i64)
                            .push_bind(&r.digest_salt)
                            .push_bind(&c.receipt_token_hash)
                            .push_bind(r.created_at)
                            .push_bind(r.created_at)
                            .push_bind(&columns.contact.data_kid)
                            .push_bind(r.erase_after)
                            .push_bind(&r.partner_id);
                    });
                    q.build().execute(&mut **tx).await.map_err($crate::store::shared::conflict)?;
                }
                let persons: Vec<(&str, i64, &$crate::store::shared::PersonColumns)> = accepts
                    .iter()
                    .flat_map(|(c, columns)| {
                        columns.persons.iter().enumerate().map(move |(i, p)| (c.record.id.as_str(), i as i64, p))
                    })
                    .collect();
                for chunk in persons.chunks(ROWS_PER_INSERT) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO checkin_persons (checkin_id, idx, data_kid, given_names, family_name, second_family_name, \
                         birth_date, nationality, sex, document_type, document_number, document_country, support_number, \
                         guardian, document_index) ",
                    );
                    q.push_values(chunk, |mut b, (id, i, p)| {
                        b.push_bind(*id)
                            .push_bind(*i)
                            .push_bind(&p.data_kid)
                            .push_bind(&p.given_names)
                            .push_bind(&p.family_name)
                            .push_bind(&p.second_family_name)
                            .push_bind(&p.birth_date)
                            .push_bind(&p.nationality)
                            .push_bind(&p.sex)
                            .push_bind(&p.document_type)
                            .push_bind(&p.document_number)
                            .push_bind(&p.document_country)
                            .push_bind(&p.support_number)
                            .push_bind(&p.guardian)
                            .push_bind(&p.document_index);
                    });
                    q.build().execute(&mut **tx).await.map_err($crate::store::shared::conflict)?;
                }
                for chunk in accepts.chunks(ROWS_PER_INSERT) {
                    let mut indexes = Vec::with_capacity(chunk.len());
                    for (c, _) in chunk {
                        indexes.push($crate::store::tlog::to_i64(leaves.next)?);
                        leaves.next += 1;
                        leaves.jws.push(c.first_seal.jws.clone());
                    }
                    let mut q = sqlx::QueryBuilder::new("INSERT INTO seals (checkin_id, seq, event, jws, created_at, leaf_index) ");
                    q.push_values(chunk.iter().zip(indexes), |mut b, ((c, _), index)| {
                        let s = &c.first_seal;
                        b.push_bind(&s.checkin_id)
                            .push_bind(s.seq)
                            .push_bind(s.event.as_str())
                            .push_bind(&s.jws)
                            .push_bind(s.created_at)
                            .push_bind(index);
                    });
                    q.build().execute(&mut **tx).await.map_err($crate::store::shared::conflict)?;
                }
                // Only a partner's check-ins have webhooks to enqueue (known before the write).
                for (c, _) in accepts.iter().filter(|(c, _)| c.record.partner_id.is_some()) {
                    Self::enqueue_webhooks(tx, &c.first_seal).await?;
                }
                for chunk in accepts.chunks(ROWS_PER_INSERT) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO jobs (kind, checkin_id, payload, state, attempts, max_attempts, run_at, created_at, updated_at) ",
                    );
                    q.push_values(chunk, |mut b, (c, _)| {
                        let j = &c.job;
                        b.push_bind(&j.kind)
                            .push_bind(&j.checkin_id)
                            .push_bind(j.payload.to_string())
                            .push_bind("ready")
                            .push_bind(0_i32)
                            .push_bind(j.max_attempts)
                            .push_bind(j.run_at)
                            .push_bind(c.record.created_at)
                            .push_bind(c.record.created_at);
                    });
                    q.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// An event of a group without a savepoint: its state change, and if that applied, its
            /// seal. A seal someone else wrote first is an error here (the group is then written
            /// again with savepoints, where it is a `false`).
            async fn event_fast_in_tx(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                w: &$crate::store::EventWrite,
                leaves: &mut $crate::store::shared::LeafCursor,
            ) -> $crate::store::StoreResult<bool> {
                let applied = Self::update_for_event(tx, w).await?;
                if applied {
                    Self::insert_seal_with(tx, &w.seal, Some(&mut *leaves)).await?;
                    if w.new_status == $crate::domain::CheckinStatus::Purged {
                        Self::erase_personal_data(tx, &w.checkin_id).await?;
                        Self::erase_police_notes(tx, &w.checkin_id).await?;
                    }
                }
                Self::complete_job_in_tx(tx, w).await?;
                Ok(applied)
            }

            async fn commit_group_savepoints(
                &self,
                batch: &[$crate::store::group::Pending],
            ) -> $crate::store::StoreResult<Vec<$crate::store::StoreResult<$crate::store::group::Written>>> {
                let (mut tx, base) = self.begin_group().await?;
                let mut leaves = $crate::store::shared::LeafCursor { next: base, jws: Vec::new() };
                let mut results = Vec::with_capacity(batch.len());
                for p in batch {
                    sqlx::query("SAVEPOINT hospes_write").execute(&mut *tx).await?;
                    let before = leaves.mark();
                    let r = match &p.op {
                        $crate::store::group::GroupOp::Accept(a) => {
                            Self::accept_batch_in_tx(&mut tx, &[&**a], &mut leaves).await.map(|_| (true, Some(before.0)))
                        }
                        $crate::store::group::GroupOp::Event(w) => Self::event_in_tx(&mut tx, w, &mut leaves).await.map(|a| (a, None)),
                    };
                    if r.is_err() {
                        sqlx::query("ROLLBACK TO SAVEPOINT hospes_write").execute(&mut *tx).await?;
                        leaves.reset(before);
                    }
                    sqlx::query("RELEASE SAVEPOINT hospes_write").execute(&mut *tx).await?;
                    results.push(r);
                }
                let head = Self::append_group_leaves(&mut tx, &leaves, base).await?;
                tx.commit().await?;
                Ok(results.into_iter().map(|r| r.map(|(applied, leaf)| $crate::store::shared::written(applied, leaf, head))).collect())
            }

            async fn apply_event(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                w: &$crate::store::EventWrite,
            ) -> $crate::store::StoreResult<bool> {
                Self::apply_event_with(tx, w, None).await
            }

            async fn apply_event_with(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                w: &$crate::store::EventWrite,
                leaves: Option<&mut $crate::store::shared::LeafCursor>,
            ) -> $crate::store::StoreResult<bool> {
                if !Self::update_for_event(tx, w).await? {
                    return Ok(false);
                }
                Ok(match Self::insert_seal_with(tx, &w.seal, leaves).await {
                    Ok(()) => true,
                    Err($crate::store::StoreError::Conflict(_)) => false,
                    Err(e) => return Err(e),
                })
            }

            /// An event's state change: `true` if the check-in was in the expected state (and
            /// flags) and has moved on.
            async fn update_for_event(
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
                Ok(updated == 1)
            }

            /// Inserts a seal and makes it a leaf of the transparency log in the same transaction
            /// (no seal without a leaf, no gap): appended at once (`leaves: None`, taking the log
            /// lock), or, in a group commit, given the next leaf index of the group, whose leaves
            /// `commit_group` appends together before it commits.
            async fn insert_seal_with(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                s: &$crate::store::SealRecord,
                leaves: Option<&mut $crate::store::shared::LeafCursor>,
            ) -> $crate::store::StoreResult<()> {
                let grouped_index = leaves.as_ref().map(|l| l.next);
                sqlx::query("INSERT INTO seals (checkin_id, seq, event, jws, created_at, leaf_index) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(&s.checkin_id)
                    .bind(s.seq)
                    .bind(s.event.as_str())
                    .bind(&s.jws)
                    .bind(s.created_at)
                    .bind(grouped_index.map($crate::store::tlog::to_i64).transpose()?)
                    .execute(&mut **tx)
                    .await
                    .map_err($crate::store::shared::conflict)?;
                match leaves {
                    Some(l) => {
                        l.next += 1;
                        l.jws.push(s.jws.clone());
                    }
                    None => {
                        let (leaf_index, _) = Self::log_append_tx(tx, &[s.jws.as_bytes()]).await?;
                        sqlx::query("UPDATE seals SET leaf_index = $1 WHERE checkin_id = $2 AND seq = $3")
                            .bind($crate::store::tlog::to_i64(leaf_index)?)
                            .bind(&s.checkin_id)
                            .bind(s.seq)
                            .execute(&mut **tx)
                            .await?;
                    }
                }
                Self::enqueue_webhooks(tx, s).await
            }

            /// The webhook outbox: for a check-in a partner submitted, one event per seal and one
            /// delivery job per active endpoint of that partner, in the seal's transaction.
            async fn enqueue_webhooks(
                tx: &mut sqlx::Transaction<'static, <$T as $crate::store::shared::Backend>::Db>,
                s: &$crate::store::SealRecord,
            ) -> $crate::store::StoreResult<()> {
                let event_id = format!("msg_{}", uuid::Uuid::now_v7().simple());
                let inserted = sqlx::query(
                    "INSERT INTO webhook_events (id, partner_id, checkin_id, type, status, created_at) \
                     SELECT $1, c.partner_id, c.id, $2, c.status, $3 FROM checkins c WHERE c.id = $4 AND c.partner_id IS NOT NULL",
                )
                .bind(&event_id)
                .bind(format!("checkin.{}", s.event.as_str()))
                .bind(s.created_at)
                .bind(&s.checkin_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
                if inserted == 1 {
                    sqlx::query(
                        "INSERT INTO jobs (kind, checkin_id, payload, state, attempts, max_attempts, run_at, created_at, updated_at) \
                         SELECT $1, NULL, '{\"event\":\"' || $2 || '\",\"endpoint\":\"' || e.id || '\"}', 'ready', 0, $3, $4, $4, $4 \
                         FROM webhook_endpoints e JOIN webhook_events ev ON ev.partner_id = e.partner_id \
                         WHERE ev.id = $2 AND e.disabled_at IS NULL",
                    )
                    .bind($crate::jobs::WEBHOOK_DELIVERY)
                    .bind(&event_id)
                    .bind($crate::webhooks::delivery::MAX_ATTEMPTS)
                    .bind(s.created_at)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }
        }
    };
}

/// Names the sqlx database type of a backend, for the shared code's transaction types.
pub(super) trait Backend {
    type Db: sqlx::Database;
}
