//! The durable job queue and its workers.
//!
//! Jobs are rows of the `jobs` table, enqueued in the same transaction as the business write that
//! needs them (see [`crate::store::Store::accept_checkin`]). A worker claims one job under a lease,
//! extends the lease with a heartbeat while it works, and either completes it (in the same
//! transaction as its effect), schedules a retry with exponential backoff and full jitter, or
//! moves it to the dead letters. Every effect is idempotent, so a job that runs twice (a worker
//! that died after its effect but before completing) seals nothing twice.

pub mod registry_check;
pub mod retention;
pub mod worker;

pub use worker::Worker;

/// Kind of the job that checks a check-in's persons against the population registry.
pub const REGISTRY_CHECK: &str = "registry_check";

/// Kind of the job that delivers one webhook event to one endpoint (see
/// [`crate::webhooks::delivery`]).
pub const WEBHOOK_DELIVERY: &str = "webhook_delivery";

use std::time::Duration;

use rand::Rng;

/// Exponential backoff with full jitter (delay drawn uniformly from `[0, min(cap, base·2^n)]`),
/// never shorter than what the other side asked for in `Retry-After`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Backoff {
    pub const REGISTRY: Backoff = Backoff { base: Duration::from_secs(2), cap: Duration::from_secs(300) };

    /// The delay before attempt `attempt + 1`, after `attempt` failed attempts (1-based).
    pub fn delay(&self, attempt: i32, retry_after: Option<Duration>) -> Duration {
        let exp = self.base.saturating_mul(1u32 << attempt.clamp(0, 20) as u32).min(self.cap);
        let jittered = Duration::from_millis(rand::thread_rng().gen_range(0..=exp.as_millis() as u64));
        jittered.max(retry_after.unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_its_cap_and_honours_retry_after() {
        let b = Backoff { base: Duration::from_secs(1), cap: Duration::from_secs(10) };
        for attempt in 0..30 {
            assert!(b.delay(attempt, None) <= Duration::from_secs(10));
        }
        assert!(b.delay(1, Some(Duration::from_secs(30))) >= Duration::from_secs(30));
    }
}
