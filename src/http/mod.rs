//! HTTP: the router that joins the JSON API (`/v1/`, with its OpenAPI document), the pages for
//! landlords and tenants, and the operational endpoints. Handlers hold no SQL and no business
//! rules; they call [`crate::app::App`].

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::app::App;

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod etag;
pub mod idempotency;
pub mod meta;
pub mod partner;
pub mod web;

/// Largest JSON body accepted, in bytes.
pub const JSON_LIMIT_BYTES: usize = 1024 * 1024;

/// The whole service's router.
pub fn router(app: App) -> axum::Router {
    // Install the metrics recorder before anything records.
    meta::metrics_handle();
    let (api, openapi) = api::router();
    axum::Router::new()
        .merge(api)
        .merge(meta::router(&openapi))
        .merge(web::router())
        .fallback(|| async { error::ApiError::NotFound })
        .layer(axum::middleware::from_fn(method_not_allowed_problem))
        .layer(axum::middleware::from_fn_with_state(app.clone(), idempotency::layer))
        .layer(axum::middleware::from_fn(meta::observe))
        // Photos of identity QR codes are the largest bodies; JSON bodies are capped lower by
        // `ApiJson`.
        .layer(DefaultBodyLimit::max(api::credentials::PHOTO_LIMIT_BYTES + 64 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; frame-ancestors 'none'"),
        ))
        .with_state(app)
}

/// axum answers a method a path does not take with an empty `405` and its `Allow` header; this
/// gives it a problem+json body (RFC 9457) too, keeping the `Allow` header (RFC 9110 §15.5.6).
async fn method_not_allowed_problem(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let resp = next.run(req).await;
    if resp.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED || resp.headers().contains_key(header::CONTENT_TYPE) {
        return resp;
    }
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut problem = error::ApiError::MethodNotAllowed.into_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    problem
}
