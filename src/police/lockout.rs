//! Throttling of failed sign-ins, per account, the same for an address that has no account.
//!
//! Policy (ASVS V2.2.1): every attempt is counted before the password is checked (so a burst of
//! parallel guesses is counted too) and refunded when it turns out not to be a failure. From the
//! second failure on, the next attempt must wait 2, 4, 8 seconds; the fifth failure within
//! [`WINDOW`] locks the account for [`LOCK`]. While it waits or is locked, an attempt is answered
//! `429 rate_limited` with `Retry-After` and the password is not even checked — for a known and an
//! unknown address alike, so neither the answer nor its timing tells whether an account exists.
//! A successful sign-in clears the count. At most 5 guesses per 15 minutes: 20 an hour, under
//! ASVS's ceiling of 100.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// Failures that lock the account.
pub const MAX_FAILURES: i64 = 5;
/// Failures older than this are forgotten.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long a lock lasts.
pub const LOCK: Duration = Duration::minutes(15);

/// The throttle of one account key, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    pub failures: i64,
    pub window_start: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Throttle {
    pub fn fresh(now: DateTime<Utc>) -> Throttle {
        Throttle { failures: 0, window_start: now, last_attempt_at: None, locked_until: None }
    }
}

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Proceed,
    /// Too soon after the last failure.
    Wait(Duration),
    /// Locked for this long still.
    Locked(Duration),
}

impl Verdict {
    /// Seconds for `Retry-After` (at least 1), if refused.
    pub fn retry_after_secs(self) -> Option<u64> {
        match self {
            Verdict::Proceed => None,
            Verdict::Wait(d) | Verdict::Locked(d) => Some(((d.num_milliseconds() + 999) / 1000).max(1) as u64),
        }
    }
}

/// The key an account's throttle is stored under: a hash of the normalised address, so an
/// address without an account leaves no readable trace.
pub fn key(email: &str) -> Vec<u8> {
    Sha256::new().chain_update(b"hospes sign-in throttle v1\n").chain_update(email.as_bytes()).finalize().to_vec()
}

/// The wait after `failures` failures.
pub fn delay_after(failures: i64) -> Duration {
    if failures < 2 { Duration::zero() } else { Duration::seconds(1 << (failures - 1).min(10)) }
}

/// Decides an attempt at `now` and returns the state to store (the attempt counted when it may
/// proceed).
pub fn admit(state: Throttle, now: DateTime<Utc>) -> (Verdict, Throttle) {
    if let Some(until) = state.locked_until.filter(|u| *u > now) {
        return (Verdict::Locked(until - now), state);
    }
    let mut s = state;
    if s.locked_until.is_some() || s.window_start + WINDOW <= now {
        s = Throttle::fresh(now);
    }
    if s.failures >= MAX_FAILURES {
        s.locked_until = Some(now + LOCK);
        return (Verdict::Locked(LOCK), s);
    }
    if let Some(last) = s.last_attempt_at {
        let ready = last + delay_after(s.failures);
        if ready > now {
            return (Verdict::Wait(ready - now), s);
        }
    }
    s.failures += 1;
    s.last_attempt_at = Some(now);
    (Verdict::Proceed, s)
}

/// The attempt was not a failure after all (the password was right; the second factor is still
/// to come): give it back.
pub fn refund(mut s: Throttle) -> Throttle {
    s.failures = (s.failures - 1).max(0);
    if s.failures == 0 {
        s.last_attempt_at = None;
    }
    s
}

/// The attempt failed: lock at the last allowed failure. Returns whether it locked now.
pub fn failed(mut s: Throttle, now: DateTime<Utc>) -> (Throttle, bool) {
    let lock = s.failures >= MAX_FAILURES && s.locked_until.is_none();
    if lock {
        s.locked_until = Some(now + LOCK);
    }
    (s, lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_slow_down_then_lock_then_expire() {
        let t0 = Utc::now();
        let mut s = Throttle::fresh(t0);
        let mut now = t0;
        for n in 1..=MAX_FAILURES {
            let (verdict, next) = admit(s.clone(), now);
            assert_eq!(verdict, Verdict::Proceed, "attempt {n}");
            s = failed(next, now).0;
            // Immediately again: refused from the second failure on.
            let (again, _) = admit(s.clone(), now);
            if (2..MAX_FAILURES).contains(&n) {
                assert_eq!(again, Verdict::Wait(delay_after(n)));
            }
            now += delay_after(n);
        }
        assert!(matches!(admit(s.clone(), now).0, Verdict::Locked(_)));
        let (verdict, _) = admit(s, t0 + LOCK + Duration::seconds(20));
        assert_eq!(verdict, Verdict::Proceed, "the lock ends");
    }

    #[test]
    fn a_refunded_attempt_does_not_count() {
        let now = Utc::now();
        let (_, s) = admit(Throttle::fresh(now), now);
        assert_eq!(refund(s).failures, 0);
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(Verdict::Wait(Duration::milliseconds(1500)).retry_after_secs(), Some(2));
        assert_eq!(Verdict::Proceed.retry_after_secs(), None);
    }
}
