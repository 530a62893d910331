//! A partner's webhook endpoints (key with `webhooks:manage`): create (the `whsec_` secret is
//! shown then and on rotation), list, read, change or re-enable, delete, rotate the secret, read
//! the log of delivery attempts, and redeliver an event. Another partner's endpoint is `404`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::App;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::ApiJson;
use crate::http::partner::{KeyRights, Partner};
use crate::store::{PartnerKey, WebhookAttempt, WebhookEndpoint};
use crate::webhooks::{signing, target};

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"url": "https://pms.example/hospes/webhooks"}))]
#[serde(deny_unknown_fields)]
pub struct EndpointRequest {
    /// Where to `POST` the events: an absolute `https` (or `http`) URL, no credentials in it.
    pub url: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointUpdate {
    /// A new URL.
    #[serde(default)]
    pub url: Option<String>,
    /// `true` re-enables a disabled endpoint (and forgets its failures).
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    /// `true` unless disabled after `410 Gone` or persistent failure.
    pub enabled: bool,
    /// `gone` or `persistent_failure`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Failed deliveries in a row.
    pub failures: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The `whsec_` secret that signs `v1`: only in the answers to creation and rotation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl EndpointView {
    fn of(e: WebhookEndpoint, with_secret: bool) -> EndpointView {
        EndpointView {
            enabled: e.disabled_at.is_none(),
            secret: with_secret.then_some(e.secret),
            id: e.id,
            url: e.url,
            disabled_reason: e.disabled_reason,
            failures: e.failures,
            created_at: e.created_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"event_id": "msg_0193a1f28d007abc8def0123456789ab"}))]
#[serde(deny_unknown_fields)]
pub struct RedeliverRequest {
    /// The `webhook-id` of the event to send again.
    pub event_id: String,
}

fn checked_url(url: &str) -> Result<String, ApiError> {
    target::check_url(url).map(|_| url.to_owned()).map_err(|e| ApiError::malformed("url", e.to_string()))
}

async fn own_endpoint(app: &App, key: &PartnerKey, id: &str) -> Result<WebhookEndpoint, ApiError> {
    key.require("webhooks:manage")?;
    app.store.webhook_endpoint(id).await?.filter(|e| e.partner_id == key.partner_id).ok_or(ApiError::NotFound)
}

/// Adds an endpoint. The answer carries its `whsec_` secret, once.
#[utoipa::path(post, path = "/v1/webhooks/endpoints", tag = "webhooks", request_body = EndpointRequest,
    security(("partner_key" = ["webhooks:manage"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: see the `idempotency` tag")),
    responses((status = 201, body = EndpointView), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 429, body = Problem)))]
pub async fn create(State(app): State<App>, Partner(key): Partner, ApiJson(req): ApiJson<EndpointRequest>) -> Result<Response, ApiError> {
    key.require("webhooks:manage")?;
    let id = uuid::Uuid::now_v7().to_string();
    let secret = signing::new_secret();
    let endpoint = WebhookEndpoint {
        secret: crate::webhooks::seal_secret(&app.vault, &id, &secret),
        id,
        partner_id: key.partner_id.clone(),
        url: checked_url(&req.url)?,
        failures: 0,
        disabled_at: None,
        disabled_reason: None,
        created_at: app.now(),
    };
    app.store.create_webhook_endpoint(&endpoint).await?;
    Ok((StatusCode::CREATED, axum::Json(EndpointView::of(WebhookEndpoint { secret, ..endpoint }, true))).into_response())
}

/// The partner's endpoints (without their secrets).
#[utoipa::path(get, path = "/v1/webhooks/endpoints", tag = "webhooks", security(("partner_key" = ["webhooks:manage"])),
    responses((status = 200, body = Vec<EndpointView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 429, body = Problem)))]
pub async fn list(State(app): State<App>, Partner(key): Partner) -> Result<axum::Json<Vec<EndpointView>>, ApiError> {
    key.require("webhooks:manage")?;
    let endpoints = app.store.webhook_endpoints(&key.partner_id).await?;
    Ok(axum::Json(endpoints.into_iter().map(|e| EndpointView::of(e, false)).collect()))
}

/// One endpoint.
#[utoipa::path(get, path = "/v1/webhooks/endpoints/{id}", tag = "webhooks", security(("partner_key" = ["webhooks:manage"])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses((status = 200, body = EndpointView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn get(State(app): State<App>, Partner(key): Partner, Path(id): Path<String>) -> Result<axum::Json<EndpointView>, ApiError> {
    Ok(axum::Json(EndpointView::of(own_endpoint(&app, &key, &id).await?, false)))
}

/// Changes an endpoint's URL, or re-enables it (`{"enabled": true}`).
#[utoipa::path(patch, path = "/v1/webhooks/endpoints/{id}", tag = "webhooks", request_body = EndpointUpdate,
    security(("partner_key" = ["webhooks:manage"])), params(("id" = String, Path, description = "Endpoint id")),
    responses((status = 200, body = EndpointView), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 429, body = Problem)))]
pub async fn update(
    State(app): State<App>,
    Partner(key): Partner,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<EndpointUpdate>,
) -> Result<axum::Json<EndpointView>, ApiError> {
    let endpoint = own_endpoint(&app, &key, &id).await?;
    let url = req.url.as_deref().map(checked_url).transpose()?;
    if req.enabled == Some(false) {
        return Err(ApiError::malformed("enabled", "only true (re-enable) is accepted; delete an endpoint to stop it"));
    }
    app.store.update_webhook_endpoint(&endpoint.id, url.as_deref(), None, req.enabled == Some(true)).await?;
    let endpoint = own_endpoint(&app, &key, &id).await?;
    Ok(axum::Json(EndpointView::of(endpoint, false)))
}

/// Deletes an endpoint and its log; its pending deliveries end.
#[utoipa::path(delete, path = "/v1/webhooks/endpoints/{id}", tag = "webhooks", security(("partner_key" = ["webhooks:manage"])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn delete(State(app): State<App>, Partner(key): Partner, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    let endpoint = own_endpoint(&app, &key, &id).await?;
    app.store.delete_webhook_endpoint(&endpoint.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces the endpoint's `whsec_` secret; the answer carries the new one, once. Deliveries
/// from now on are signed with it.
#[utoipa::path(post, path = "/v1/webhooks/endpoints/{id}/rotate-secret", tag = "webhooks",
    security(("partner_key" = ["webhooks:manage"])),
    params(("id" = String, Path, description = "Endpoint id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: see the `idempotency` tag")),
    responses((status = 200, body = EndpointView), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 429, body = Problem)))]
pub async fn rotate_secret(State(app): State<App>, Partner(key): Partner, Path(id): Path<String>) -> Result<axum::Json<EndpointView>, ApiError> {
    let endpoint = own_endpoint(&app, &key, &id).await?;
    let secret = signing::new_secret();
    let sealed = crate::webhooks::seal_secret(&app.vault, &endpoint.id, &secret);
    app.store.update_webhook_endpoint(&endpoint.id, None, Some(&sealed), false).await?;
    Ok(axum::Json(EndpointView::of(WebhookEndpoint { secret, ..endpoint }, true)))
}

/// The last 100 delivery attempts at the endpoint, newest first.
#[utoipa::path(get, path = "/v1/webhooks/endpoints/{id}/attempts", tag = "webhooks", security(("partner_key" = ["webhooks:manage"])),
    params(("id" = String, Path, description = "Endpoint id")),
    responses((status = 200, body = Vec<WebhookAttempt>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 429, body = Problem)))]
pub async fn attempts(State(app): State<App>, Partner(key): Partner, Path(id): Path<String>) -> Result<axum::Json<Vec<WebhookAttempt>>, ApiError> {
    let endpoint = own_endpoint(&app, &key, &id).await?;
    Ok(axum::Json(app.store.webhook_attempts(&endpoint.id, 100).await?))
}

/// Sends an event to the endpoint again (same `webhook-id`), with a fresh retry schedule.
/// `202`: the delivery is queued.
#[utoipa::path(post, path = "/v1/webhooks/endpoints/{id}/redeliver", tag = "webhooks", request_body = RedeliverRequest,
    security(("partner_key" = ["webhooks:manage"])),
    params(("id" = String, Path, description = "Endpoint id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: see the `idempotency` tag")),
    responses((status = 202, description = "Queued"), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 413, body = Problem), (status = 415, body = Problem), (status = 429, body = Problem)))]
pub async fn redeliver(
    State(app): State<App>,
    Partner(key): Partner,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RedeliverRequest>,
) -> Result<StatusCode, ApiError> {
    let endpoint = own_endpoint(&app, &key, &id).await?;
    let event = app.store.webhook_event(&req.event_id).await?.filter(|e| e.partner_id == key.partner_id).ok_or(ApiError::NotFound)?;
    app.store.enqueue_webhook_delivery(&event.id, &endpoint.id, app.now()).await?;
    app.wake.notify_one();
    Ok(StatusCode::ACCEPTED)
}

/// The partner's last 100 events, newest first (ids, types, statuses: what the webhooks carry),
/// to find one to redeliver.
#[utoipa::path(get, path = "/v1/webhooks/events", tag = "webhooks", security(("partner_key" = ["webhooks:manage"])),
    responses((status = 200, body = Vec<crate::store::WebhookEvent>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 429, body = Problem)))]
pub async fn events(State(app): State<App>, Partner(key): Partner) -> Result<axum::Json<Vec<crate::store::WebhookEvent>>, ApiError> {
    key.require("webhooks:manage")?;
    Ok(axum::Json(app.store.webhook_events_of(&key.partner_id, 100).await?))
}

/// The public key that signs webhooks (`v1a`, Ed25519), as Standard Webhooks publishes it
/// (`whpk_` + base64) and as a JWK (RFC 8037).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookKeys {
    pub keys: Vec<WebhookKey>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookKey {
    /// `whpk_` + standard base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    /// The same key as an OKP JWK (`crv: Ed25519`, `x` base64url).
    pub jwk: serde_json::Value,
}

/// The webhook signing key(s), at a stable URL.
#[utoipa::path(get, path = "/.well-known/webhook-keys", tag = "webhooks", responses((status = 200, body = WebhookKeys)))]
pub async fn keys(State(app): State<App>) -> axum::Json<WebhookKeys> {
    use base64::Engine;
    let public = app.partners.webhook_key.verifying_key().to_bytes();
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(public);
    axum::Json(WebhookKeys {
        keys: vec![WebhookKey {
            public_key: signing::public_key(&app.partners.webhook_key),
            jwk: serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": x, "use": "sig", "alg": "EdDSA"}),
        }],
    })
}
