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
