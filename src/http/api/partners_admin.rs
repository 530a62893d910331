//! The operator's API for partners (an admin's bearer token): create partners, issue keys
//! (shown once), list them with their last use, revoke them. `hospes partners ...` does the same
//! from a terminal.

use axum::extract::{FromRequestParts, Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::App;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::ApiJson;
use crate::store::{Partner, PartnerKey, Role, User};

/// A signed-in admin (bearer token). Other roles get `404`.
pub struct Admin(pub User);

impl FromRequestParts<App> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let crate::http::auth::Authenticated(user) = crate::http::auth::Authenticated::from_request_parts(parts, app).await?;
        if user.role == Role::Admin { Ok(Admin(user)) } else { Err(ApiError::NotFound) }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"name": "Madrid PMS"}))]
#[serde(deny_unknown_fields)]
pub struct PartnerRequest {
    /// A name to recognise the partner by (unique).
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"scopes": ["checkins:write", "checkins:read", "webhooks:manage", "seals:read"],
                          "jurisdictions": ["ES-M"], "rate_per_minute": 600}))]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    /// Among `checkins:write`, `checkins:read`, `webhooks:manage`, `seals:read`.
    pub scopes: Vec<String>,
    /// ISO 3166-2 codes the key may submit to and read from.
    pub jurisdictions: Vec<String>,
    /// Requests a minute (default 600).
    #[serde(default)]
    pub rate_per_minute: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedKey {
    /// The key itself: `hsk_live_...`. Shown once, never again.
    pub key: String,
    #[serde(flatten)]
    pub record: PartnerKey,
}

/// Creates a partner.
#[utoipa::path(post, path = "/v1/admin/partners", tag = "admin", request_body = PartnerRequest, security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: see the `idempotency` tag")),
    responses((status = 201, body = Partner), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 409, body = Problem), (status = 413, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn create_partner(State(app): State<App>, _: Admin, ApiJson(req): ApiJson<PartnerRequest>) -> Result<Response, ApiError> {
    let partner = crate::partners::new_partner(&req.name, app.now()).map_err(|e| ApiError::Validation(vec![e]))?;
    app.store.create_partner(&partner).await?;
    Ok((StatusCode::CREATED, axum::Json(partner)).into_response())
}

/// Every partner.
#[utoipa::path(get, path = "/v1/admin/partners", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<Partner>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn partners(State(app): State<App>, _: Admin) -> Result<axum::Json<Vec<Partner>>, ApiError> {
    Ok(axum::Json(app.store.partners().await?))
}

/// Issues a key for a partner. The answer holds the key, once; only its SHA-256 is kept.
/// (`Idempotency-Key` is ignored here: the answer is a credential and is never stored.)
#[utoipa::path(post, path = "/v1/admin/partners/{id}/keys", tag = "admin", request_body = KeyRequest, security(("bearer" = [])),
    params(("id" = String, Path, description = "Partner id")),
    responses((status = 201, body = CreatedKey), (status = 400, body = Problem), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)))]
pub async fn create_key(
    State(app): State<App>,
    _: Admin,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<KeyRequest>,
) -> Result<Response, ApiError> {
    let partner = app.store.partner(&id).await?.ok_or(ApiError::NotFound)?;
    let rate = req.rate_per_minute.unwrap_or(crate::partners::DEFAULT_RATE_PER_MINUTE);
    let new = crate::partners::new_key(&partner.id, &req.scopes, &req.jurisdictions, rate, app.now()).map_err(ApiError::Validation)?;
    app.store.create_partner_key(&new.record).await?;
    Ok((StatusCode::CREATED, axum::Json(CreatedKey { key: new.key, record: new.record })).into_response())
}

/// A partner's keys (prefix, scopes, jurisdictions, last use, revocation), never the keys.
#[utoipa::path(get, path = "/v1/admin/partners/{id}/keys", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Partner id")),
    responses((status = 200, body = Vec<PartnerKey>), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn keys(State(app): State<App>, _: Admin, Path(id): Path<String>) -> Result<axum::Json<Vec<PartnerKey>>, ApiError> {
    let partner = app.store.partner(&id).await?.ok_or(ApiError::NotFound)?;
    Ok(axum::Json(app.store.partner_keys(Some(&partner.id)).await?))
}

/// Revokes a key at once (its next request is `401`).
#[utoipa::path(post, path = "/v1/admin/partner-keys/{id}/revoke", tag = "admin", security(("bearer" = [])),
    params(("id" = String, Path, description = "Key id")),
    responses((status = 204, description = "Revoked"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub async fn revoke(State(app): State<App>, _: Admin, Path(id): Path<String>) -> Result<StatusCode, ApiError> {
    if app.store.revoke_partner_key(&id, app.now()).await? { Ok(StatusCode::NO_CONTENT) } else { Err(ApiError::NotFound) }
}
