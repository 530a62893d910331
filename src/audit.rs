//! The audit log: an append-only, hash-chained record of who looked at or changed what, when and
//! why (an officer opening a check-in, a resolution, an export, a second factor reset, ...).
//!
//! Each entry's hash covers its content and the previous entry's hash:
//! `hash_n = hex(SHA-256("hospes-audit-v1\n" || JCS(entry_n with prev = hash_{n-1})))`, with
//! RFC 8785 canonical JSON, so altering an entry breaks its hash and deleting one breaks the next
//! entry's link. The store keeps the head (count and last hash) beside the log, and the head is
//! sealed from time to time: a JWS (RFC 7515, EdDSA, the seal key) over
//! `{"log":"hospes-audit","count","head","time"}`, so that removing entries from the end (and
//! rewinding the head) is caught by the last sealed checkpoint. [`record`] seals after every
//! [`CHECKPOINT_EVERY`] entries, and the service seals whatever is newer every
//! [`CHECKPOINT_INTERVAL`].
//!
//! Entries carry ids, codes and an officer's stated reason, never a person's data. Nothing in the
//! product updates or deletes an entry; the database refuses it too (triggers).

use std::collections::BTreeMap;

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::seal::jws;
use crate::store::StoreError;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// JOSE `typ` of a sealed audit head.
pub const CHECKPOINT_TYP: &str = "hospes-audit-checkpoint+jws";
/// A checkpoint is sealed at least every this many entries.
pub const CHECKPOINT_EVERY: i64 = 32;
/// And whatever is newer than the last checkpoint is sealed this often by the service.
pub const CHECKPOINT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// What happened, as a stable code.
pub mod action {
    pub const SIGNED_IN: &str = "auth.signed_in";
    pub const LOCKED_OUT: &str = "auth.locked_out";
    pub const CHECKIN_OPENED: &str = "checkin.opened";
    pub const CHECKIN_RESOLVED: &str = "checkin.resolved";
    pub const QUEUE_EXPORTED: &str = "queue.exported";
    pub const FACTOR_ENROLMENT_ISSUED: &str = "factor.enrolment_issued";
    pub const FACTOR_ENROLLED: &str = "factor.enrolled";
    pub const FACTOR_RESET: &str = "factor.reset";
    pub const RECOVERY_CODE_USED: &str = "factor.recovery_code_used";
    pub const ACCOUNT_CREATED: &str = "account.created";
    pub const ACCOUNT_DISABLED: &str = "account.disabled";
    pub const ACCOUNT_ENABLED: &str = "account.enabled";
    pub const ACCOUNT_JURISDICTIONS: &str = "account.jurisdictions_set";
    pub const JURISDICTION_CREATED: &str = "jurisdiction.created";
}

/// An entry before it is chained: who, what, about what, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditDraft {
    /// The user who acted; `None` for the operator's command line or the service itself.
    pub actor_id: Option<String>,
    /// `police`, `admin`, `landlord`, `operator` (the CLI) or `service`.
    pub actor_role: String,
    pub action: String,
    /// What was acted on: a check-in id, a user id, a jurisdiction code.
    pub subject: Option<String>,
    pub jurisdiction: Option<String>,
    /// The stated reason's code (from the short list), if one was required.
    pub reason: Option<String>,
    /// The stated reason in the actor's words.
    pub reason_text: Option<String>,
    /// Anything else, as a JSON object of ids and codes (no personal data, no floats).
    pub detail: serde_json::Value,
}

impl AuditDraft {
    pub fn new(actor_id: Option<&str>, actor_role: &str, action: &str) -> AuditDraft {
        AuditDraft {
            actor_id: actor_id.map(str::to_owned),
            actor_role: actor_role.to_owned(),
            action: action.to_owned(),
            detail: serde_json::json!({}),
            ..Default::default()
        }
    }

    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub fn jurisdiction(mut self, jurisdiction: impl Into<String>) -> Self {
        self.jurisdiction = Some(jurisdiction.into());
        self
    }

    pub fn reason(mut self, code: &str, text: &str) -> Self {
        self.reason = Some(code.to_owned());
        self.reason_text = Some(text.to_owned());
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// A chained entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    /// 1, 2, 3, ... without gaps.
    pub seq: i64,
    /// RFC 3339, UTC, milliseconds: exactly the text the hash covers.
    pub time: String,
    #[serde(flatten)]
    pub draft: AuditDraft,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Serialize)]
struct Hashed<'a> {
    seq: i64,
    time: &'a str,
    actor_id: &'a Option<String>,
    actor_role: &'a str,
    action: &'a str,
    subject: &'a Option<String>,
    jurisdiction: &'a Option<String>,
    reason: &'a Option<String>,
    reason_text: &'a Option<String>,
    detail: &'a serde_json::Value,
    prev: &'a str,
}

/// The hash of entry `seq` (see the module documentation), lowercase hex.
pub fn entry_hash(seq: i64, time: &str, draft: &AuditDraft, prev: &str) -> String {
    let hashed = Hashed {
        seq,
        time,
        actor_id: &draft.actor_id,
        actor_role: &draft.actor_role,
        action: &draft.action,
        subject: &draft.subject,
        jurisdiction: &draft.jurisdiction,
        reason: &draft.reason,
        reason_text: &draft.reason_text,
        detail: &draft.detail,
        prev,
    };
    let canonical = serde_json_canonicalizer::to_vec(&hashed).expect("an audit entry serialises");
    hex::encode(Sha256::new().chain_update(b"hospes-audit-v1\n").chain_update(&canonical).finalize())
}

/// The time format of entries.
pub fn entry_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A sealed head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditCheckpoint {
    pub count: i64,
    pub head: String,
    pub time: String,
    /// Compact JWS over [`CheckpointPayload`].
    pub jws: String,
}

/// What a checkpoint's JWS says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointPayload {
    pub log: String,
    pub count: i64,
    pub head: String,
    pub time: String,
}

/// Something wrong with the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum AuditProblem {
    #[error("entry {seq} was altered (its hash does not match its content)")]
    Altered { seq: i64 },
    #[error("entries are missing: expected {expected}, found {found}")]
    Missing { expected: i64, found: i64 },
    #[error("entry {seq} does not follow the entry before it (an entry was removed or replaced)")]
    BrokenLink { seq: i64 },
    #[error("the stored head ({count} entries) does not match the log ({entries} entries)")]
    HeadMismatch { count: i64, entries: i64 },
    #[error("the checkpoint at {count} entries does not verify: {reason}")]
    CheckpointInvalid { count: i64, reason: String },
    #[error("the checkpoint at {count} entries sealed another history than the log holds")]
    CheckpointMismatch { count: i64 },
    #[error("a checkpoint sealed {count} entries but the log holds only {entries}: entries were removed from the end")]
    Truncated { count: i64, entries: i64 },
}

/// The result of [`ChainVerifier::finish`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub entries: i64,
    pub checkpoints: usize,
    /// The newest checkpoint's entry count, if any.
    pub sealed_up_to: Option<i64>,
    pub problems: Vec<AuditProblem>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the chain entry by entry (so a long log is read in pages), then the head and the
/// sealed checkpoints.
pub struct ChainVerifier {
    prev: String,
    next_seq: i64,
    /// Hash after `count` entries, for each checkpoint count.
    wanted: BTreeMap<i64, Option<String>>,
    problems: Vec<AuditProblem>,
}

impl ChainVerifier {
    /// `checkpoint_counts`: the entry counts that checkpoints claim to seal.
    pub fn new(checkpoint_counts: impl IntoIterator<Item = i64>) -> ChainVerifier {
        ChainVerifier {
            prev: GENESIS.to_owned(),
            next_seq: 1,
            wanted: checkpoint_counts.into_iter().map(|c| (c, None)).collect(),
            problems: Vec::new(),
        }
    }

    /// Feeds the next entry (in `seq` order).
    pub fn push(&mut self, e: &AuditEntry) {
        if e.seq != self.next_seq {
            self.problems.push(AuditProblem::Missing { expected: self.next_seq, found: e.seq });
        } else if e.prev_hash != self.prev {
            self.problems.push(AuditProblem::BrokenLink { seq: e.seq });
        }
        if entry_hash(e.seq, &e.time, &e.draft, &e.prev_hash) != e.hash {
            self.problems.push(AuditProblem::Altered { seq: e.seq });
        }
        // Follow what the log says from here on, so one problem is reported once.
        self.prev = e.hash.clone();
        self.next_seq = e.seq + 1;
        if let Some(slot) = self.wanted.get_mut(&e.seq) {
            *slot = Some(e.hash.clone());
        }
    }

    /// Checks the stored head and every checkpoint (signature with `keys`, and that it seals the
    /// history the log holds).
    pub fn finish(
        mut self,
        head: (i64, String),
        checkpoints: &[AuditCheckpoint],
        keys: &BTreeMap<String, VerifyingKey>,
    ) -> Verification {
        let entries = self.next_seq - 1;
        if head.0 != entries || (entries > 0 && head.1 != self.prev) || (entries == 0 && head.1 != GENESIS) {
            self.problems.push(AuditProblem::HeadMismatch { count: head.0, entries });
        }
        for cp in checkpoints {
            match verify_checkpoint(cp, keys) {
                Err(reason) => self.problems.push(AuditProblem::CheckpointInvalid { count: cp.count, reason }),
                Ok(()) if cp.count > entries => {
                    self.problems.push(AuditProblem::Truncated { count: cp.count, entries })
                }
                Ok(()) => {
                    let at = if cp.count == 0 { Some(GENESIS.to_owned()) } else { self.wanted.get(&cp.count).cloned().flatten() };
                    if at.as_deref() != Some(cp.head.as_str()) {
                        self.problems.push(AuditProblem::CheckpointMismatch { count: cp.count });
                    }
                }
            }
        }
        Verification {
            entries,
            checkpoints: checkpoints.len(),
            sealed_up_to: checkpoints.iter().map(|c| c.count).max(),
            problems: self.problems,
        }
    }
}

/// Verifies a checkpoint's signature and that its payload names its stored count and head.
pub fn verify_checkpoint(cp: &AuditCheckpoint, keys: &BTreeMap<String, VerifyingKey>) -> Result<(), String> {
    let (header, payload) = jws::verify(&cp.jws, |kid| keys.get(kid)).map_err(|e| e.to_string())?;
    if header.typ.as_deref() != Some(CHECKPOINT_TYP) {
        return Err("not an audit checkpoint".into());
    }
    let payload: CheckpointPayload = serde_json::from_slice(&payload).map_err(|_| "unreadable payload".to_owned())?;
    if payload.log != "hospes-audit" || payload.count != cp.count || payload.head != cp.head {
        return Err("the signed payload does not match the stored checkpoint".into());
    }
    Ok(())
}

/// Appends an entry to the audit log (and seals the head every [`CHECKPOINT_EVERY`] entries).
pub async fn record(app: &App, draft: AuditDraft) -> Result<AuditEntry, StoreError> {
    let entry = app.store.append_audit(&draft, &entry_time(app.now())).await?;
    if entry.seq % CHECKPOINT_EVERY == 0
        && let Err(e) = seal_head(app).await
    {
        tracing::error!(error = %e, "sealing the audit head failed; the next append or interval tries again");
    }
    Ok(entry)
}

/// Seals the current head unless the newest checkpoint already covers it. Returns the new
/// checkpoint.
pub async fn seal_head(app: &App) -> Result<Option<AuditCheckpoint>, StoreError> {
    let (count, head) = app.store.audit_head().await?;
    let latest = app.store.audit_checkpoints().await?.into_iter().map(|c| c.count).max();
    if latest.is_some_and(|l| l >= count) {
        return Ok(None);
    }
    let time = entry_time(app.now());
    let payload = CheckpointPayload { log: "hospes-audit".into(), count, head: head.clone(), time: time.clone() };
    let signed = jws::sign_typed(&payload, app.keys.signing_key(), app.keys.active_kid(), CHECKPOINT_TYP)
        .map_err(|e| StoreError::Corrupt(format!("sealing the audit head: {e}")))?;
    let cp = AuditCheckpoint { count, head, time, jws: signed.compact };
    match app.store.save_audit_checkpoint(&cp).await {
        Ok(()) => Ok(Some(cp)),
        // Another instance sealed the same head first.
        Err(StoreError::Conflict(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Verifies the whole log against the stored head and the checkpoints, with the key ring's
/// public keys.
pub async fn verify(app: &App) -> Result<Verification, StoreError> {
    let checkpoints = app.store.audit_checkpoints().await?;
    let mut verifier = ChainVerifier::new(checkpoints.iter().map(|c| c.count));
    let mut after = 0;
    loop {
        let page = app.store.audit_entries(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for e in &page {
            verifier.push(e);
        }
    }
    let head = app.store.audit_head().await?;
    let keys = crate::seal::keyring::parse_jwks(&app.keys.jwks());
    Ok(verifier.finish(head, &checkpoints, &keys))
}

/// Seals whatever is newer than the last checkpoint every [`CHECKPOINT_INTERVAL`], until
/// `shutdown` turns true.
pub async fn seal_every(app: App, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(CHECKPOINT_INTERVAL) => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = seal_head(&app).await {
            tracing::warn!(error = %e, "sealing the audit head failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let draft = AuditDraft::new(Some("u1"), "police", action::CHECKIN_OPENED).subject(format!("c{seq}"));
                let time = format!("2026-12-01T10:00:{seq:02}.000Z");
                let hash = entry_hash(seq, &time, &draft, &prev);
                let e = AuditEntry { seq, time, draft, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    fn run(entries: &[AuditEntry], head: (i64, String)) -> Verification {
        let mut v = ChainVerifier::new([]);
        for e in entries {
            v.push(e);
        }
        v.finish(head, &[], &BTreeMap::new())
    }

    #[test]
    fn an_intact_chain_verifies() {
        let entries = chain(5);
        let head = (5, entries[4].hash.clone());
        assert!(run(&entries, head).ok());
        assert!(run(&[], (0, GENESIS.to_owned())).ok());
    }

    #[test]
    fn an_altered_entry_and_a_removed_one_are_found() {
        let mut entries = chain(5);
        let head = (5, entries[4].hash.clone());
        entries[1].draft.reason_text = Some("changed".into());
        assert_eq!(run(&entries, head.clone()).problems, vec![AuditProblem::Altered { seq: 2 }]);
        let mut entries = chain(5);
        entries.remove(2);
        assert_eq!(run(&entries, head).problems, vec![AuditProblem::Missing { expected: 3, found: 4 }]);
    }

    #[test]
    fn a_checkpoint_catches_a_rewound_head() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let kid = crate::seal::keyring::thumbprint(&key.verifying_key());
        let keys = BTreeMap::from([(kid.clone(), key.verifying_key())]);
        let entries = chain(4);
        let payload = CheckpointPayload { log: "hospes-audit".into(), count: 4, head: entries[3].hash.clone(), time: "t".into() };
        let cp = AuditCheckpoint {
            count: 4,
            head: entries[3].hash.clone(),
            time: "t".into(),
            jws: jws::sign_typed(&payload, &key, &kid, CHECKPOINT_TYP).unwrap().compact,
        };
        let mut v = ChainVerifier::new([4]);
        entries.iter().for_each(|e| v.push(e));
        assert!(v.finish((4, entries[3].hash.clone()), std::slice::from_ref(&cp), &keys).ok());
        // The last entry removed and the head rewound to match: the checkpoint still says 4.
        let mut v = ChainVerifier::new([4]);
        entries[..3].iter().for_each(|e| v.push(e));
        let result = v.finish((3, entries[2].hash.clone()), &[cp], &keys);
        assert_eq!(result.problems, vec![AuditProblem::Truncated { count: 4, entries: 3 }]);
    }
}
