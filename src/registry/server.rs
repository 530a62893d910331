//! `hospes registry-sim`: the simulated registry served over HTTP with the registry protocol, and
//! fault injection for tests (added latency, errors, timeouts, rate limiting).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rand::Rng;

use super::IdentityClaim;
use super::sim::SimulatedRegistry;

/// Faults the simulator injects, each drawn independently per request.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Faults {
    /// Latency added to every answer, in milliseconds.
    #[arg(long = "latency-ms", default_value_t = 0)]
    pub latency_ms: u64,
    /// Fraction of checks answered `503` (0.0 to 1.0).
    #[arg(long = "error-rate", default_value_t = 0.0)]
    pub error_rate: f64,
    /// Fraction of checks that never answer within a client's patience (held for 60 s).
    #[arg(long = "timeout-rate", default_value_t = 0.0)]
    pub timeout_rate: f64,
    /// Checks allowed per second; more get `429` with `Retry-After: 1` (0: no limit).
    #[arg(long = "rate-limit", default_value_t = 0)]
    pub rate_limit: u64,
}

struct SimState {
    registry: SimulatedRegistry,
    faults: Faults,
    window: AtomicU64,
    count: AtomicU64,
}

/// The simulator's router (also used in-process by tests).
pub fn router(registry: SimulatedRegistry, faults: Faults) -> Router {
    let state = Arc::new(SimState { registry, faults, window: AtomicU64::new(0), count: AtomicU64::new(0) });
    Router::new()
        .route("/v1/checks", post(check))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(state)
}

/// Serves the simulator on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, registry: SimulatedRegistry, faults: Faults) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(listen = %listener.local_addr()?, population = registry.population().people.len(), "registry simulator listening");
    axum::serve(listener, router(registry, faults)).await
}

async fn check(State(state): State<Arc<SimState>>, Json(claim): Json<IdentityClaim>) -> Response {
    let faults = &state.faults;
    if faults.rate_limit > 0 {
        let second = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
        if state.window.swap(second, Ordering::Relaxed) != second {
            state.count.store(0, Ordering::Relaxed);
        }
        if state.count.fetch_add(1, Ordering::Relaxed) >= faults.rate_limit {
            let mut resp = StatusCode::TOO_MANY_REQUESTS.into_response();
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return resp;
        }
    }
    let (fail, hang) = {
        let mut rng = rand::thread_rng();
        (rng.gen_bool(faults.error_rate.clamp(0.0, 1.0)), rng.gen_bool(faults.timeout_rate.clamp(0.0, 1.0)))
    };
    if faults.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(faults.latency_ms)).await;
    }
    if hang {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
    if fail {
        return (StatusCode::SERVICE_UNAVAILABLE, "simulated failure").into_response();
    }
    Json(state.registry.answer(&claim)).into_response()
}

async fn jwks(State(state): State<Arc<SimState>>) -> Json<serde_json::Value> {
    let key = state.registry.population().credential_key().verifying_key();
    Json(serde_json::json!({ "keys": [crate::seal::keyring::jwk(&key)] }))
}
