//! The registry-check job: asks the registry about every person of a check-in and seals the
//! outcome (`verified` or `flagged`). Transient registry failures are retried with backoff; after
//! the last attempt the job is dead-lettered and the check-in is flagged `registry_unavailable`
//! — never verified. Running it again after its outcome was sealed changes nothing.

use std::time::Instant;

use crate::app::App;
use crate::domain::{Event, Outcome};
use crate::registry::{IdentityClaim, RegistryError};
use crate::seal::payload::SealOutcome;
use crate::store::{Job, JobRelease};

use super::Backoff;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("{0}")]
    Permanent(String),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Submit(#[from] crate::app::SubmitError),
}

/// Runs one registry check. Returns `Ok` when the job was completed, retried or dead-lettered as
/// planned; `Err` only for failures that should dead-letter it as broken.
pub async fn run(app: &App, job: &Job, worker: &str) -> Result<(), JobError> {
    let Some(checkin_id) = job.checkin_id.as_deref() else {
        return Err(JobError::Permanent("registry check without a check-in".into()));
    };
    let Some(checkin) = app.store.checkin(checkin_id).await? else {
        return Err(JobError::Permanent("registry check of a missing check-in".into()));
    };
    if !checkin.status.awaits_registry() {
        app.store.complete_job(job.id, worker, app.now()).await?;
        return Ok(());
    }
    if job.attempts > job.max_attempts {
        return give_up(app, job, worker, &checkin, "attempts exhausted before this claim").await;
    }
    app.store.mark_checking(checkin_id, app.now()).await?;
    let persons = app.store.persons(checkin_id).await?;
    let mut checks = Vec::with_capacity(persons.len());
    for person in &persons {
        let started = Instant::now();
        let answer = app.registry.check(&IdentityClaim::from(person)).await;
        metrics::histogram!("hospes_registry_seconds").record(started.elapsed().as_secs_f64());
        match answer {
            Ok(check) => checks.push(check),
            Err(e) => {
                metrics::counter!("hospes_registry_errors_total", "kind" => e.kind()).increment(1);
                return retry_or_give_up(app, job, worker, &checkin, e).await;
            }
        }
    }
    let outcome = Outcome::from_checks(&checks);
    let (event, flags) = match outcome {
        Outcome::Verified => (Event::Verified, vec![]),
        Outcome::Flagged(flags) => (Event::Flagged, flags),
    };
    let applied = app
        .record_event(&checkin, event, Some(SealOutcome { flags, resolution: None }), Some((job.id, worker.to_owned())))
        .await?;
    metrics::counter!("hospes_registry_outcomes_total", "event" => event.as_str()).increment(1);
    tracing::info!(checkin.id = %checkin.id, event = event.as_str(), applied, "registry check done");
    Ok(())
}

async fn retry_or_give_up(
    app: &App,
    job: &Job,
    worker: &str,
    checkin: &crate::store::CheckinRecord,
    error: RegistryError,
) -> Result<(), JobError> {
    if job.attempts >= job.max_attempts {
        return give_up(app, job, worker, checkin, &error.to_string()).await;
    }
    let delay = Backoff::REGISTRY.delay(job.attempts, error.retry_after());
    let run_at = app.now() + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(300));
    tracing::warn!(checkin.id = %checkin.id, job.id = job.id, attempt = job.attempts, error.kind = error.kind(), retry_in_ms = delay.as_millis() as u64, "registry check will be retried");
    app.store.release_job(job.id, worker, &JobRelease::Retry { run_at, error: error.kind().to_owned() }, app.now()).await?;
    Ok(())
}

/// Flags the check-in `registry_unavailable` (sealed), then dead-letters the job. In that order:
/// if the worker dies in between, the next claim finds the outcome sealed and only moves the job.
async fn give_up(
    app: &App,
    job: &Job,
    worker: &str,
    checkin: &crate::store::CheckinRecord,
    error: &str,
) -> Result<(), JobError> {
    let flags = Outcome::registry_unavailable(checkin.person_count as usize).flags().to_vec();
    app.record_event(checkin, Event::Flagged, Some(SealOutcome { flags, resolution: None }), None).await?;
    app.store.release_job(job.id, worker, &JobRelease::Dead { error: error.to_owned() }, app.now()).await?;
    metrics::counter!("hospes_jobs_dead_total", "kind" => super::REGISTRY_CHECK).increment(1);
    tracing::error!(checkin.id = %checkin.id, job.id = job.id, "registry check dead-lettered; check-in flagged registry_unavailable");
    Ok(())
}
