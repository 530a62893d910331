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
    /// Fraction of checks answered `200` with the JSON body cut short.
    #[arg(long = "truncate-rate", default_value_t = 0.0)]
    pub truncate_rate: f64,
    /// Fraction of checks answered `200` with a body that is not a valid answer (garbage, wrong
    /// types, or a document status hospes does not know).
    #[arg(long = "malformed-rate", default_value_t = 0.0)]
    pub malformed_rate: f64,
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
    let (fail, hang, truncate, malformed, variant) = {
        let mut rng = rand::thread_rng();
        let mut draw = |p: f64| rng.gen_bool(p.clamp(0.0, 1.0));
        (draw(faults.error_rate), draw(faults.timeout_rate), draw(faults.truncate_rate), draw(faults.malformed_rate), rand::thread_rng().gen_range(0..3u8))
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
    let answer = state.registry.answer(&claim);
    let json = |body: String| ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    if malformed {
        return json(match variant {
            0 => "<html>gateway error</html>".to_owned(),
            1 => r#"{"found": "yes", "document_status": 7}"#.to_owned(),
            _ => {
                let mut v = serde_json::to_value(&answer).unwrap_or_default();
                v["found"] = serde_json::Value::Bool(true);
                v["document_status"] = serde_json::Value::String("suspended".into());
                v.to_string()
            }
        });
    }
    let body = serde_json::to_string(&answer).unwrap_or_default();
    if truncate {
        return json(body[..body.len() / 2].to_owned());
    }
    json(body)
}

async fn jwks(State(state): State<Arc<SimState>>) -> Json<serde_json::Value> {
    let key = state.registry.population().credential_key().verifying_key();
    Json(serde_json::json!({ "keys": [crate::seal::keyring::jwk(&key)] }))
}
