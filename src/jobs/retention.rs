//! The retention purge: erases the personal data of every check-in whose retention period has
//! ended, sealing a `purged` event for each (the erasure commits with its seal, see
//! [`crate::store::Store::record_event`]). The seals and the transparency log stay: a verifier
//! still sees that the check-in existed, and that it was erased and when.
//!
//! Idempotent and resumable: each check-in is one transaction; a check-in already purged is not
//! found again, and one that another instance purged first is counted, not sealed twice. `serve`
//! and `worker` run it every `HOSPES_RETENTION_INTERVAL_SECS`; `hospes retention purge` runs it
//! once, `hospes retention report` shows what is due.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::watch;

use crate::app::App;
use crate::domain::Event;
use crate::privacy::retention::held;
use crate::store::StoreError;

/// Check-ins read per query.
pub const BATCH: i64 = 200;

/// What one purge run did. Counts only: nothing personal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeOutcome {
    /// Check-ins erased and sealed `purged` by this run.
    pub purged: usize,
    /// Due but held: awaiting the registry, or flagged and not yet resolved by police.
    pub held: usize,
    /// Purged by someone else meanwhile (another instance).
    pub raced: usize,
    /// Failed (logged with the check-in id); retried by the next run.
    pub failed: usize,
}

/// Purges every check-in due at the app's current time.
pub async fn purge_due(app: &App) -> Result<PurgeOutcome, StoreError> {
    let now = app.now();
    let mut outcome = PurgeOutcome::default();
    let mut cursor = None;
    loop {
        let batch = app.store.due_for_erasure(now, cursor.clone(), BATCH).await?;
        let Some(last) = batch.last() else { break };
        cursor = Some((last.erase_after, last.id.clone()));
        for candidate in &batch {
            if candidate.status().is_none_or(held) {
                outcome.held += 1;
                continue;
            }
            let Some(record) = app.store.checkin(&candidate.id).await? else { continue };
            match app.record_event(&record, Event::Purged, None, None).await {
                Ok(true) => {
                    outcome.purged += 1;
                    metrics::counter!("hospes_checkins_purged_total").increment(1);
                    tracing::info!(checkin.id = %record.id, checkin.jurisdiction = %record.jurisdiction, "personal data erased; purged event sealed");
                }
                Ok(false) => outcome.raced += 1,
                Err(e) => {
                    outcome.failed += 1;
                    tracing::error!(checkin.id = %record.id, error = %e, "purge failed; the next run retries");
                }
            }
        }
    }
    Ok(outcome)
}

/// One line of `hospes retention report`: per jurisdiction, how many check-ins are due now
/// (and will be purged), held, and due within the horizon.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportLine {
    pub jurisdiction: String,
    /// The retention in force, in words.
    pub retention: String,
    pub due_now: usize,
    pub held: usize,
    pub due_within_horizon: usize,
    /// The earliest erasure time among them (RFC 3339).
    pub earliest: Option<DateTime<Utc>>,
}

/// What is due at the app's current time and within `horizon` after it.
pub async fn report(app: &App, horizon: chrono::Duration) -> Result<Vec<ReportLine>, StoreError> {
    let now = app.now();
    let mut lines: BTreeMap<String, ReportLine> = BTreeMap::new();
    let mut cursor = None;
    loop {
        let batch = app.store.due_for_erasure(now + horizon, cursor.clone(), BATCH).await?;
        let Some(last) = batch.last() else { break };
        cursor = Some((last.erase_after, last.id.clone()));
        for c in &batch {
            let line = lines.entry(c.jurisdiction.clone()).or_insert_with(|| ReportLine {
                jurisdiction: c.jurisdiction.clone(),
                retention: app.retention.for_jurisdiction(&c.jurisdiction).to_string(),
                ..Default::default()
            });
            line.earliest = Some(line.earliest.map_or(c.erase_after, |e| e.min(c.erase_after)));
            match (c.erase_after <= now, c.status().is_none_or(held)) {
                (true, false) => line.due_now += 1,
                (true, true) => line.held += 1,
                (false, _) => line.due_within_horizon += 1,
            }
        }
    }
    Ok(lines.into_values().collect())
}

/// Runs the purge every `interval` until `shutdown` turns true (never, when `interval` is 0).
pub async fn run_every(app: App, interval: Duration, mut shutdown: watch::Receiver<bool>) {
    if interval.is_zero() {
        return;
    }
    while !*shutdown.borrow() {
        match purge_due(&app).await {
            Ok(o) if o.purged + o.failed > 0 => {
                tracing::info!(purged = o.purged, held = o.held, raced = o.raced, failed = o.failed, "retention purge ran");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "retention purge could not read the due check-ins"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
    }
}
