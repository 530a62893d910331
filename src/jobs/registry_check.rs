//! The registry-check job: asks the registry about every person of a check-in and seals the
//! outcome (`verified` or `flagged`).
//!
//! Retry policy: a transient failure (unavailable, timeout, rate limited, an answer we do not
//! understand) is retried with exponential backoff and full jitter ([`Backoff::REGISTRY`]),
//! never sooner than a `Retry-After`; an open circuit breaker postpones the job without counting
//! an attempt. After [`crate::app::REGISTRY_CHECK_MAX_ATTEMPTS`] attempts, or when the job is older
//! than [`MAX_AGE`], the check-in is flagged `registry_unavailable` (sealed) and the job is
//! dead-lettered — never verified. Running the job again after its outcome was sealed changes
//! nothing; requeuing a dead-lettered one asks the registry again and seals its real answer
//! (`verified`, or `rechecked` with the real flags).

use std::time::{Duration, Instant};

use rand::Rng;

use crate::app::App;
use crate::domain::{CheckinStatus, Event, Outcome, awaits_registry};
use crate::registry::{IdentityClaim, RegistryError};
use crate::seal::payload::SealOutcome;
use crate::store::{CheckinRecord, Job, JobRelease};

use super::Backoff;

/// A registry check that has not found an answer after this long gives up, however few attempts
/// it made (an open circuit breaker postpones without counting attempts).
pub const MAX_AGE: Duration = Duration::from_secs(6 * 3600);

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    Permanent(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Submit(#[from] crate::app::SubmitError),
}

/// Runs one registry check. Returns `Ok` when the job was completed, retried, postponed or
/// dead-lettered as planned; `Err` only for failures that dead-letter it as broken.
pub async fn run(app: &App, job: &Job, worker: &str) -> Result<(), JobError> {
    let Some(checkin_id) = job.checkin_id.as_deref() else {
        return Err(JobError::Permanent("registry check without a check-in".into()));
    };
    let Some(checkin) = app.store.checkin(checkin_id).await? else {
        return Err(JobError::Permanent("registry check of a missing check-in".into()));
    };
    if !awaits_registry(checkin.status, &checkin.flags) {
        app.store.complete_job(job.id, worker, app.now()).await?;
        return Ok(());
    }
    if job.attempts > job.max_attempts {
        return give_up(app, job, worker, &checkin, "attempts exhausted before this claim").await;
    }
    // The claim moved the check-in to `checking` (in its transaction).
    let persons = app.store.persons(checkin_id).await?;
    let mut checks = Vec::with_capacity(persons.len());
    for person in &persons {
        let started = Instant::now();
        let answer = app.registry.check(&IdentityClaim::from(person)).await;
        match answer {
            Ok(check) => {
                metrics::histogram!("hospes_registry_seconds").record(started.elapsed().as_secs_f64());
                checks.push(check);
            }
            Err(e) => {
                metrics::counter!("hospes_registry_errors_total", "kind" => e.kind()).increment(1);
                return retry_or_give_up(app, job, worker, &checkin, e).await;
            }
        }
    }
    // The per-field answers, for the police review (idempotent: a rerun overwrites them).
    app.store.save_registry_answers(checkin_id, &checks, app.now()).await?;
    let (event, flags) = match Outcome::from_checks(&checks) {
        Outcome::Verified => (Event::Verified, vec![]),
        // A late answer for a check-in already flagged `registry_unavailable`.
        Outcome::Flagged(flags) if checkin.status == CheckinStatus::Flagged => (Event::Rechecked, flags),
        Outcome::Flagged(flags) => (Event::Flagged, flags),
    };
    let applied = app
        .record_event(&checkin, event, Some(SealOutcome { flags, resolution: None }), Some((job.id, worker.to_owned())))
        .await?;
    if !applied {
        // Someone else sealed an outcome first; the job is still done.
        app.store.complete_job(job.id, worker, app.now()).await?;
    }
    metrics::counter!("hospes_registry_outcomes_total", "event" => event.as_str()).increment(1);
    tracing::info!(checkin.id = %checkin.id, job.id = job.id, attempt = job.attempts, event = event.as_str(), applied, "registry check done");
    Ok(())
}

fn after(app: &App, delay: Duration) -> chrono::DateTime<chrono::Utc> {
    app.now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(300))
}

async fn retry_or_give_up(app: &App, job: &Job, worker: &str, checkin: &CheckinRecord, error: RegistryError) -> Result<(), JobError> {
    let too_old = (app.now() - job.created_at).to_std().is_ok_and(|age| age > MAX_AGE);
    if let RegistryError::CircuitOpen { retry_after } = error {
        if !too_old {
            // Not an attempt: the registry was not asked. Spread the wake-ups.
            let jitter = Duration::from_millis(rand::thread_rng().gen_range(0..=1000));
            app.store.release_job(job.id, worker, &JobRelease::Postpone { run_at: after(app, retry_after + jitter) }, app.now()).await?;
            return Ok(());
        }
    }
    if job.attempts >= job.max_attempts || too_old {
        return give_up(app, job, worker, checkin, error.kind()).await;
    }
    let delay = Backoff::REGISTRY.delay(job.attempts, error.retry_after());
    tracing::warn!(checkin.id = %checkin.id, job.id = job.id, attempt = job.attempts, error.kind = error.kind(),
        retry_in_ms = delay.as_millis() as u64, "registry check will be retried");
    app.store.release_job(job.id, worker, &JobRelease::Retry { run_at: after(app, delay), error: error.kind().to_owned() }, app.now()).await?;
    Ok(())
}

/// Flags the check-in `registry_unavailable` (sealed; unless it already is), then dead-letters
/// the job. In that order: if the worker dies in between, the next claim finds the outcome sealed
/// and only moves the job.
async fn give_up(app: &App, job: &Job, worker: &str, checkin: &CheckinRecord, error: &str) -> Result<(), JobError> {
    if checkin.status.awaits_registry() {
        let flags = Outcome::registry_unavailable(checkin.person_count as usize).flags().to_vec();
        app.record_event(checkin, Event::Flagged, Some(SealOutcome { flags, resolution: None }), None).await?;
    }
    app.store.release_job(job.id, worker, &JobRelease::Dead { error: error.to_owned() }, app.now()).await?;
    metrics::counter!("hospes_jobs_dead_total", "kind" => super::REGISTRY_CHECK).increment(1);
    tracing::error!(checkin.id = %checkin.id, job.id = job.id, attempts = job.attempts, error.kind = error,
        "registry check dead-lettered; check-in flagged registry_unavailable");
    Ok(())
}
