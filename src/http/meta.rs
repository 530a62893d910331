//! Operational endpoints: health, readiness, Prometheus metrics, the public keys (JWKS), the
//! OpenAPI document and its reader.

use std::sync::OnceLock;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use crate::app::App;

/// The process's Prometheus recorder (installed once).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets(&[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
            .expect("valid buckets")
            .install_recorder()
            .expect("no other metrics recorder is installed")
    })
}

pub fn router(openapi: &utoipa::openapi::OpenApi) -> axum::Router<App> {
    let openapi_yaml = openapi.to_yaml().expect("the OpenAPI document serialises");
    let docs = axum::response::Html(docs_page(openapi));
    axum::Router::new()
        .route("/docs", get(|| async { asset("text/html; charset=utf-8", include_bytes!("../../static/docs.html")) }))
        .route("/docs/init.js", get(|| async { asset("text/javascript", include_bytes!("../../static/docs.js")) }))
        .route(
            "/docs/swagger-ui/swagger-ui-bundle.js",
            get(|| async { asset("text/javascript", include_bytes!("../../static/swagger-ui/swagger-ui-bundle.js")) }),
        )
        .route(
            "/docs/swagger-ui/swagger-ui.css",
            get(|| async { asset("text/css", include_bytes!("../../static/swagger-ui/swagger-ui.css")) }),
        )
        .route(
            "/docs/swagger-ui/LICENSE",
            get(|| async { asset("text/plain; charset=utf-8", include_bytes!("../../static/swagger-ui/LICENSE")) }),
        )
        .route("/docs/operations", get(move || {
            let docs = docs.clone();
            async move { docs }
        }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/.well-known/jwks.json", get(jwks))
        .route(
            "/openapi.yaml",
            get(move || {
                let yaml = openapi_yaml.clone();
                async move { ([(header::CONTENT_TYPE, "application/yaml")], yaml) }
            }),
        )
}

/// A file vendored into the binary (Swagger UI, from the npm package `swagger-ui-dist`; see
/// `scripts/vendor-swagger-ui.sh`), so that `/docs` sends no request off the machine.
fn asset(content_type: &'static str, bytes: &'static [u8]) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], bytes).into_response()
}

async fn readyz(State(app): State<App>) -> Response {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

async fn metrics(State(app): State<App>) -> Response {
    if let Ok(q) = app.store.queue_stats(app.now()).await {
        metrics::gauge!("hospes_jobs_ready").set(q.ready as f64);
        metrics::gauge!("hospes_jobs_running").set(q.running as f64);
        metrics::gauge!("hospes_jobs_dead").set(q.dead as f64);
        metrics::gauge!("hospes_jobs_oldest_ready_seconds").set(q.oldest_ready_secs as f64);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], metrics_handle().render()).into_response()
}

async fn jwks(State(app): State<App>) -> Response {
    ([(header::CONTENT_TYPE, "application/jwk-set+json"), (header::CACHE_CONTROL, "public, max-age=300")], app.keys.jwks().to_string())
        .into_response()
}

/// Counts and times requests by route template (never the concrete path, which may carry a
/// token) and status, and logs one line per request.
pub async fn observe(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let started = std::time::Instant::now();
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    let elapsed = started.elapsed();
    metrics::counter!("hospes_http_requests_total", "route" => route.clone(), "status" => status.to_string()).increment(1);
    metrics::histogram!("hospes_http_request_seconds", "route" => route.clone()).record(elapsed.as_secs_f64());
    tracing::debug!(http.method = %method, http.route = %route, http.status = status, duration_ms = elapsed.as_millis() as u64, "request");
    resp
}

struct Operation {
    method: String,
    path: String,
    summary: String,
    statuses: String,
    auth: bool,
}

#[derive(askama::Template)]
#[template(path = "docs.html")]
struct DocsPage {
    operations: Vec<Operation>,
    problems: Vec<(&'static str, u16, &'static str)>,
}

/// `/docs`: the API rendered from the same OpenAPI document, on the server, with no asset from
/// another host.
pub fn docs_page(openapi: &utoipa::openapi::OpenApi) -> String {
    use askama::Template;
    let mut operations = Vec::new();
    for (path, item) in &openapi.paths.paths {
        let methods = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in methods {
            let Some(op) = op else { continue };
            let statuses = op.responses.responses.keys().cloned().collect::<Vec<_>>().join(", ");
            operations.push(Operation {
                method: method.to_owned(),
                path: path.clone(),
                summary: op.summary.clone().or_else(|| op.description.clone()).unwrap_or_default(),
                statuses,
                auth: op.security.as_ref().is_some_and(|s| !s.is_empty()),
            });
        }
    }
    let page = DocsPage { operations, problems: crate::http::error::PROBLEM_CODES.to_vec() };
    page.render().unwrap_or_else(|_| "API documentation could not be rendered; see /openapi.yaml".into())
}
