//! A circuit breaker in front of the registry: after `threshold` consecutive failures it stops
//! asking (the breaker *opens*) for a cool-down that doubles up to a ceiling while failures go on;
//! when the cool-down ends it lets one request through (*half-open*) and closes again on the
//! first success. While open, checks fail at once with [`RegistryError::CircuitOpen`], which the
//! registry-check job treats as "postpone", not as a failed attempt.
//!
//! One breaker per process, shared by its workers. Only transport-level failures count
//! (unavailable, timeout, protocol errors); `429 Too Many Requests` is honoured through its
//! `Retry-After` instead.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ed25519_dalek::VerifyingKey;

use super::{IdentityClaim, Registry, RegistryError};
use crate::domain::PersonCheck;

/// The breaker's state, as the `hospes_registry_breaker_state` gauge reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    Closed = 0,
    Open = 1,
    HalfOpen = 2,
}

#[derive(Debug)]
struct Inner {
    consecutive_failures: u32,
    open_until: Option<Instant>,
    cooldown: Duration,
    probing: bool,
}

/// Settings of a [`Breaker`].
#[derive(Debug, Clone, Copy)]
pub struct BreakerConfig {
    /// Consecutive failures that open the breaker.
    pub threshold: u32,
    /// First cool-down.
    pub cooldown: Duration,
    /// Longest cool-down.
    pub max_cooldown: Duration,
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig { threshold: 5, cooldown: Duration::from_secs(2), max_cooldown: Duration::from_secs(60) }
    }
}

/// A [`Registry`] wrapped in a circuit breaker.
pub struct Breaker<R> {
    inner: R,
    config: BreakerConfig,
    state: Mutex<Inner>,
}

impl<R: Registry> Breaker<R> {
    pub fn new(inner: R, config: BreakerConfig) -> Self {
        let state = Inner { consecutive_failures: 0, open_until: None, cooldown: config.cooldown, probing: false };
        metrics::gauge!("hospes_registry_breaker_state").set(BreakerState::Closed as i32 as f64);
        Breaker { inner, config, state: Mutex::new(state) }
    }

    pub fn state(&self) -> BreakerState {
        let s = self.state.lock().expect("breaker lock");
        match s.open_until {
            None => BreakerState::Closed,
            Some(until) if Instant::now() < until => BreakerState::Open,
            Some(_) => BreakerState::HalfOpen,
        }
    }

    /// Whether a request may go out now; `Err` with the wait when the breaker is open (or a probe
    /// is already out).
    fn admit(&self) -> Result<(), Duration> {
        let mut s = self.state.lock().expect("breaker lock");
        match s.open_until {
            None => Ok(()),
            Some(until) => {
                let now = Instant::now();
                if now < until {
                    Err(until - now)
                } else if s.probing {
                    Err(Duration::from_millis(500))
                } else {
                    s.probing = true;
                    Ok(())
                }
            }
        }
    }

    fn record(&self, ok: bool) {
        let mut s = self.state.lock().expect("breaker lock");
        s.probing = false;
        if ok {
            if s.open_until.is_some() {
                tracing::info!("registry circuit closed again");
            }
            s.consecutive_failures = 0;
            s.open_until = None;
            s.cooldown = self.config.cooldown;
        } else {
            s.consecutive_failures += 1;
            if s.open_until.is_some() {
                // A failed probe: open again, for longer.
                s.cooldown = (s.cooldown * 2).min(self.config.max_cooldown);
                s.open_until = Some(Instant::now() + s.cooldown);
            } else if s.consecutive_failures >= self.config.threshold {
                s.open_until = Some(Instant::now() + s.cooldown);
                tracing::warn!(failures = s.consecutive_failures, cooldown_ms = s.cooldown.as_millis() as u64, "registry circuit opened");
            }
        }
        let state = match s.open_until {
            None => BreakerState::Closed,
            Some(_) => BreakerState::Open,
        };
        metrics::gauge!("hospes_registry_breaker_state").set(state as i32 as f64);
    }
}

#[async_trait]
impl<R: Registry> Registry for Breaker<R> {
    async fn check(&self, claim: &IdentityClaim) -> Result<PersonCheck, RegistryError> {
        if let Err(wait) = self.admit() {
            return Err(RegistryError::CircuitOpen { retry_after: wait });
        }
        let result = self.inner.check(claim).await;
        match &result {
            Ok(_) | Err(RegistryError::RateLimited { .. }) => self.record(true),
            Err(_) => self.record(false),
        }
        result
    }

    async fn credential_keys(&self) -> Result<BTreeMap<String, VerifyingKey>, RegistryError> {
        self.inner.credential_keys().await
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

    use super::*;

    struct Flaky {
        up: AtomicBool,
        calls: AtomicU32,
    }

    #[async_trait]
    impl Registry for Flaky {
        async fn check(&self, _: &IdentityClaim) -> Result<PersonCheck, RegistryError> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            if self.up.load(Ordering::SeqCst) {
                Ok(PersonCheck { found: false, family_name: None, given_names: None, birth_date: None, document_status: None })
            } else {
                Err(RegistryError::Unavailable("down".into()))
            }
        }
        async fn credential_keys(&self) -> Result<BTreeMap<String, VerifyingKey>, RegistryError> {
            Ok(BTreeMap::new())
        }
    }

    fn claim() -> IdentityClaim {
        IdentityClaim {
            document: super::super::ClaimDocument { kind: crate::domain::DocumentKind::Passport, number: "X".into(), issuing_country: "ESP".into() },
            family_name: "A".into(),
            second_family_name: None,
            given_names: "B".into(),
            birth_date: "2000-01-01".into(),
        }
    }

    #[tokio::test]
    async fn the_breaker_opens_after_repeated_failures_and_closes_after_a_good_probe() {
        let config = BreakerConfig { threshold: 3, cooldown: Duration::from_millis(50), max_cooldown: Duration::from_millis(200) };
        let breaker = Breaker::new(Flaky { up: AtomicBool::new(false), calls: AtomicU32::new(0) }, config);
        for _ in 0..3 {
            assert!(matches!(breaker.check(&claim()).await, Err(RegistryError::Unavailable(_))));
        }
        assert_eq!(breaker.state(), BreakerState::Open);
        assert!(matches!(breaker.check(&claim()).await, Err(RegistryError::CircuitOpen { .. })));
        assert_eq!(breaker.inner.calls.load(Ordering::SeqCst), 3, "an open breaker does not ask");
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        // The probe fails: open again, for longer.
        assert!(matches!(breaker.check(&claim()).await, Err(RegistryError::Unavailable(_))));
        assert_eq!(breaker.state(), BreakerState::Open);
        tokio::time::sleep(Duration::from_millis(110)).await;
        breaker.inner.up.store(true, Ordering::SeqCst);
        assert!(breaker.check(&claim()).await.is_ok());
        assert_eq!(breaker.state(), BreakerState::Closed);
    }
}
