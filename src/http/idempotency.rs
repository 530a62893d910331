//! `Idempotency-Key` on every `POST` (after the IETF httpapi draft
//! `draft-ietf-httpapi-idempotency-key-header`): the first answer to a key is stored with a hash
//! of the request (method, path, query, body); a retry with the same key and the same request
//! gets that answer again, byte for byte, without running the handler; the same key with another
//! request is `409 idempotency_key_reused`. The key is claimed before the request runs: a retry
//! that arrives while the first is still running gets `409 idempotency_key_in_progress` (and
//! should retry later) instead of running twice; a claim left by an instance that died is taken
//! over after [`CLAIM_SECS`].
//!
//! Keys are scoped to the caller's credential (the SHA-256 of its `Authorization` header;
//! anonymous callers share one scope, so their keys should be random), and kept for
//! [`RETENTION_HOURS`]. Answers that say nothing about the request — `401`, `429` and server
//! errors — are not stored, so a retry runs again. Two `POST`s are exempt: signing in and
//! creating a partner key, whose answers are credentials that must not be stored in the clear.
//! The request body is never stored, only its hash.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::app::App;
use crate::store::IdempotentResponse;

pub const HEADER: &str = "idempotency-key";
/// How long an answer is replayed.
pub const RETENTION_HOURS: i64 = 24;
/// A claim older than this (its request never finished: the instance died) is taken over.
pub const CLAIM_SECS: i64 = 120;
/// Longest key accepted.
pub const MAX_KEY_LEN: usize = 255;

/// Largest body buffered here (photo uploads are the largest `POST`s).
const MAX_BODY: usize = crate::http::api::credentials::PHOTO_LIMIT_BYTES + 64 * 1024;
/// Largest answer stored.
const MAX_ANSWER: usize = 4 * 1024 * 1024;

fn exempt(path: &str) -> bool {
    path == "/v1/auth/login" || (path.starts_with("/v1/admin/partners/") && path.ends_with("/keys"))
}

/// The middleware.
pub async fn layer(State(app): State<App>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST || exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get(HEADER) else { return next.run(req).await };
    let key = match key.to_str() {
        Ok(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN => k.to_owned(),
        _ => return ApiError::malformed("Idempotency-Key", format!("1 to {MAX_KEY_LEN} visible ASCII characters")).into_response(),
    };
    match run(app, key, req, next).await {
        Ok(r) | Err(r) => r,
    }
}

async fn run(app: App, key: String, req: Request, next: Next) -> Result<Response, Response> {
    let scope = scope_of(req.headers());
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::TooLarge { limit_mb: MAX_BODY / (1024 * 1024) }.into_response())?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str());
    hasher.update([0]);
    hasher.update(parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    hasher.update([0]);
    hasher.update(&bytes);
    let request_hash = hasher.finalize().to_vec();
    let store_error = |e: crate::store::StoreError| ApiError::from(e).into_response();
    let now = app.now();
    app.store.purge_idempotent_responses(now - chrono::Duration::hours(RETENTION_HOURS)).await.map_err(store_error)?;
    // Claim the key before running, so that a retry arriving while the first request still
    // runs (a client that timed out) is told so instead of running it twice.
    let stale_before = now - chrono::Duration::seconds(CLAIM_SECS);
    if !app.store.claim_idempotency_key(&scope, &key, &request_hash, now, stale_before).await.map_err(store_error)? {
        let Some(stored) = app.store.idempotent_response(&scope, &key).await.map_err(store_error)? else {
            return Err(ApiError::IdempotencyKeyInProgress.into_response());
        };
        if stored.status == 0 {
            return Err(ApiError::IdempotencyKeyInProgress.into_response());
        }
        if stored.request_hash != request_hash {
            return Err(ApiError::IdempotencyKeyReused.into_response());
        }
        metrics::counter!("hospes_idempotent_replays_total").increment(1);
        return Ok(replay(&stored));
    }
    let resp = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let status = resp.status();
    if status.is_server_error() || status == StatusCode::UNAUTHORIZED || status == StatusCode::TOO_MANY_REQUESTS {
        app.store.release_idempotency_key(&scope, &key).await.map_err(store_error)?;
        return Ok(resp);
    }
    let (mut rparts, rbody) = resp.into_parts();
    let Ok(body) = axum::body::to_bytes(rbody, MAX_ANSWER).await else {
        let _ = app.store.release_idempotency_key(&scope, &key).await;
        return Err(ApiError::internal("an answer too large to keep for Idempotency-Key").into_response());
    };
    let headers: serde_json::Map<String, serde_json::Value> = [header::CONTENT_TYPE, header::LOCATION, header::RETRY_AFTER]
        .iter()
        .filter_map(|h| rparts.headers.get(h).and_then(|v| v.to_str().ok()).map(|v| (h.as_str().to_owned(), v.into())))
        .collect();
    let record = IdempotentResponse {
        request_hash,
        status: i64::from(status.as_u16()),
        headers: serde_json::Value::Object(headers).to_string(),
        body: body.to_vec(),
        created_at: now,
    };
    app.store.save_idempotent_response(&scope, &key, &record).await.map_err(store_error)?;
    rparts.headers.remove(header::CONTENT_LENGTH);
    Ok(Response::from_parts(rparts, Body::from(body)))
}

/// The caller's scope: the SHA-256 of its `Authorization` header, hex, or `anonymous`.
fn scope_of(headers: &HeaderMap) -> String {
    match headers.get(header::AUTHORIZATION) {
        Some(v) => hex::encode(Sha256::digest(v.as_bytes())),
        None => "anonymous".to_owned(),
    }
}

fn replay(stored: &IdempotentResponse) -> Response {
    let status = StatusCode::from_u16(stored.status as u16).unwrap_or(StatusCode::OK);
    let mut resp = (status, stored.body.clone()).into_response();
    if let Ok(serde_json::Value::Object(headers)) = serde_json::from_str::<serde_json::Value>(&stored.headers) {
        for (name, value) in headers {
            if let (Ok(name), Some(Ok(value))) =
                (header::HeaderName::from_bytes(name.as_bytes()), value.as_str().map(HeaderValue::from_str))
            {
                resp.headers_mut().insert(name, value);
            }
        }
    }
    resp.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}
