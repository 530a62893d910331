//! A worker: claims jobs one at a time under a lease and runs them, until told to stop. On
//! shutdown it stops claiming, finishes the job it holds, then returns.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;
use crate::store::Job;

pub struct Worker {
    app: App,
    id: String,
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// How long an idle worker waits before looking again (it is woken sooner by new jobs).
    pub idle_poll: Duration,
}

impl Worker {
    pub fn new(app: App) -> Worker {
        let id = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Worker { app, id, lease: Duration::from_secs(30), idle_poll: Duration::from_millis(500) }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `shutdown` turns true. Every half lease it also makes the jobs of dead workers
    /// (leases that ran out) ready again.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(worker.id = %self.id, "worker started");
        let mut last_reclaim = std::time::Instant::now() - self.lease;
        while !*shutdown.borrow() {
            if last_reclaim.elapsed() >= self.lease / 2 {
                last_reclaim = std::time::Instant::now();
                match self.app.store.reclaim_expired_leases(self.app.now()).await {
                    Ok(0) => {}
                    Ok(n) => tracing::warn!(worker.id = %self.id, jobs = n, "took back jobs whose lease ran out"),
                    Err(e) => tracing::warn!(worker.id = %self.id, error = %e, "could not reclaim expired leases"),
                }
            }
            match self.run_once().await {
                Ok(true) => continue,
                Ok(false) => {
                    tokio::select! {
                        _ = self.app.wake.notified() => {}
                        _ = tokio::time::sleep(self.idle_poll) => {}
                        _ = shutdown.changed() => {}
                    }
                }
                Err(e) => {
                    tracing::error!(worker.id = %self.id, error = %e, "worker could not claim a job");
                    tokio::time::sleep(self.idle_poll).await;
                }
            }
        }
        tracing::info!(worker.id = %self.id, "worker stopped");
    }

    /// Claims and runs one job. `Ok(false)` when no job was ready.
    pub async fn run_once(&self) -> Result<bool, crate::store::StoreError> {
        let now = self.app.now();
        let lease_until = now + chrono::Duration::from_std(self.lease).expect("lease fits");
        let Some(job) = self.app.store.claim_job(&self.id, now, lease_until).await? else {
            return Ok(false);
        };
        metrics::counter!("hospes_job_attempts_total", "kind" => job.kind.clone()).increment(1);
        let heartbeat = self.heartbeat(&job);
        let result = match job.kind.as_str() {
            super::REGISTRY_CHECK => super::registry_check::run(&self.app, &job, &self.id).await,
            super::WEBHOOK_DELIVERY => crate::webhooks::delivery::run(&self.app, &job, &self.id).await,
            other => Err(super::registry_check::JobError::Permanent(format!("unknown job kind {other}"))),
        };
        heartbeat.abort();
        if let Err(e) = result {
            tracing::error!(worker.id = %self.id, job.id = job.id, job.kind = %job.kind, error = %e, "job failed");
            let release = crate::store::JobRelease::Dead { error: e.to_string() };
            self.app.store.release_job(job.id, &self.id, &release, self.app.now()).await?;
        }
        Ok(true)
    }

    /// Extends the job's lease every third of the lease while the job runs.
    fn heartbeat(&self, job: &Job) -> tokio::task::JoinHandle<()> {
        let (app, id, job_id, lease) = (self.app.clone(), self.id.clone(), job.id, self.lease);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(lease / 3).await;
                let until = app.now() + chrono::Duration::from_std(lease).expect("lease fits");
                match app.store.extend_lease(job_id, &id, until).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(worker.id = %id, job.id = job_id, "lost the lease of a running job");
                        return;
                    }
                    Err(e) => tracing::warn!(worker.id = %id, job.id = job_id, error = %e, "heartbeat failed"),
                }
            }
        })
    }
}
