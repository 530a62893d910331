//! The police API: the queue of flagged check-ins of the officer's jurisdictions, opening a
//! check-in with a reason (audited before anything is returned), resolving it, exporting the
//! queue. Bearer tokens only (from `POST /v1/auth/login` with a TOTP code); any other role, any
//! other jurisdiction, any unknown id: `404`.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::app::App;
use crate::domain::{AccessReason, CheckinStatus, FieldError, Flag, FlagReason, Resolution, Stay};
use crate::http::auth::Officer;
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;
use crate::police::review::{self, PersonView, QueueFilter, ResolutionView, ReviewError, SealCheck};

impl From<ReviewError> for ApiError {
    fn from(e: ReviewError) -> Self {
        match e {
            ReviewError::NotFound => ApiError::NotFound,
            ReviewError::Invalid(message) => ApiError::Validation(vec![FieldError::new("body", "invalid", message)]),
            ReviewError::NotOpened | ReviewError::Conflict => ApiError::Conflict(e.to_string()),
            ReviewError::Store(e) => e.into(),
            ReviewError::Seal(e) => ApiError::Internal(e),
        }
    }
}

/// The queue's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// Only check-ins with this flag reason (`identity_mismatch`, `not_found`, `document_invalid`,
    /// `document_expired`, `document_lost_or_stolen`, `holder_deceased`, `needs_review`,
    /// `registry_unavailable`).
    pub reason: Option<String>,
    /// Only this property.
    pub property: Option<String>,
    /// Flagged on or after this UTC day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Flagged on or before this UTC day.
    pub to: Option<String>,
    /// Age of the flag: `lt1d`, `1-3d`, `3-7d`, `gt7d`.
    pub age: Option<String>,
    /// `oldest` (default), `newest`, `severity`.
    pub sort: Option<String>,
}

impl QueueParams {
    fn filter(&self) -> Result<QueueFilter, ApiError> {
        let mut fields = BTreeMap::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                fields.insert(k.to_owned(), v);
            }
        };
        put("reason", self.reason.clone());
        put("property", self.property.clone());
        put("from", self.from.clone());
        put("to", self.to.clone());
        put("age", self.age.clone());
        put("sort", self.sort.clone());
        QueueFilter::from_fields(&fields).map_err(|e| ApiError::malformed("query", e.to_string()))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueEntry {
    pub id: String,
    pub jurisdiction: String,
    pub property_id: String,
    pub property_name: String,
    pub status: CheckinStatus,
    pub flagged_at: chrono::DateTime<chrono::Utc>,
    /// How long the flag has been open, in seconds.
    pub age_seconds: i64,
    /// The most severe reason's severity (5 highest).
    pub severity: u8,
    /// Distinct reasons, most severe first.
    pub reasons: Vec<FlagReason>,
    pub person_count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonCount {
    pub reason: FlagReason,
    pub count: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    /// Check-ins awaiting review in the officer's jurisdictions, before filtering.
    pub total_open: usize,
    /// Per reason, before filtering.
    pub by_reason: Vec<ReasonCount>,
    /// After filtering, in order.
    pub items: Vec<QueueEntry>,
}

/// The flagged check-ins awaiting review in the officer's jurisdictions, oldest flag first.
#[utoipa::path(get, path = "/v1/police/queue", tag = "police", security(("bearer" = [])), params(QueueParams),
    responses((status = 200, body = QueueView), (status = 400, body = crate::http::error::Problem),
              (status = 401, body = crate::http::error::Problem), (status = 404, body = crate::http::error::Problem)))]
pub async fn queue(State(app): State<App>, Officer(officer): Officer, Query(params): Query<QueueParams>) -> Result<axum::Json<QueueView>, ApiError> {
    let filter = params.filter()?;
    let q = review::queue(&app, &officer, &filter).await?;
    Ok(axum::Json(QueueView {
        total_open: q.total_open,
        by_reason: q.by_reason.iter().map(|(reason, count)| ReasonCount { reason: *reason, count: *count }).collect(),
        items: q
            .items
            .into_iter()
            .map(|i| QueueEntry {
                id: i.row.id,
                jurisdiction: i.row.jurisdiction,
                property_id: i.row.property_id,
                property_name: i.row.property_name,
                status: i.row.status,
                flagged_at: i.flagged_at,
                age_seconds: i.age.num_seconds(),
                severity: i.severity,
                reasons: i.reasons,
                person_count: i.row.person_count,
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    /// Why the record is opened (the short list).
    pub reason: Option<AccessReason>,
    /// The reason in the officer's words (at least 5 characters). Written to the audit log.
    #[serde(default)]
    pub reason_text: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OpenedCheckin {
    pub id: String,
    pub jurisdiction: String,
    pub status: CheckinStatus,
    pub flags: Vec<Flag>,
    pub stay: Stay,
    pub property_id: String,
    pub property_name: String,
    pub property_address: String,
    /// Whether it still awaits review.
    pub needs_review: bool,
    /// Declared data beside the registry's per-field answer.
    pub persons: Vec<PersonView>,
    /// The seals, each verified with the service's keys.
    pub seals: Vec<SealCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<ResolutionView>,
    /// The audit log entry that records this opening.
    pub audit_seq: i64,
}

/// Opens a check-in of the officer's jurisdictions: the reason is written to the audit log
/// first, then the record is returned (and may be read again for 15 minutes).
#[utoipa::path(post, path = "/v1/police/checkins/{id}/access", tag = "police", security(("bearer" = [])), request_body = AccessRequest,
    params(("id" = String, Path, description = "Check-in id")),
    responses((status = 200, body = OpenedCheckin), (status = 401, body = crate::http::error::Problem),
              (status = 404, body = crate::http::error::Problem), (status = 422, body = crate::http::error::Problem)))]
pub async fn access(
    State(app): State<App>,
    Officer(officer): Officer,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AccessRequest>,
) -> Result<axum::Json<OpenedCheckin>, ApiError> {
    let entry = review::open(&app, &officer, &id, req.reason, &req.reason_text).await?;
    let r = review::record(&app, &officer, &id).await?;
    Ok(axum::Json(OpenedCheckin {
        id: r.checkin.id,
        jurisdiction: r.checkin.jurisdiction,
        status: r.checkin.status,
        flags: r.checkin.flags,
        stay: r.checkin.stay,
        property_id: r.property.id,
        property_name: r.property.name,
        property_address: r.property.address,
        needs_review: r.needs_review,
        persons: r.persons,
        seals: r.seals,
        resolution: r.resolution,
        audit_seq: entry.seq,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionRequest {
    pub outcome: Option<Resolution>,
    /// For the police only: never sealed, never shown to the landlord; stored encrypted.
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResolutionDone {
    pub id: String,
    pub outcome: Resolution,
    /// The `resolved` seal (compact JWS).
    pub seal: String,
}

/// Resolves a check-in the officer opened (within the last 15 minutes): the outcome is sealed as
/// `resolved`; the note is kept for the police. `409` if it was resolved already.
#[utoipa::path(post, path = "/v1/police/checkins/{id}/resolution", tag = "police", security(("bearer" = [])), request_body = ResolutionRequest,
    params(("id" = String, Path, description = "Check-in id")),
    responses((status = 200, body = ResolutionDone), (status = 401, body = crate::http::error::Problem),
              (status = 404, body = crate::http::error::Problem), (status = 409, body = crate::http::error::Problem),
              (status = 422, body = crate::http::error::Problem)))]
pub async fn resolve(
    State(app): State<App>,
    Officer(officer): Officer,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ResolutionRequest>,
) -> Result<axum::Json<ResolutionDone>, ApiError> {
    review::resolve(&app, &officer, &id, req.outcome, &req.note).await?;
    let seal = app.store.seals(&id).await?.into_iter().find(|s| s.event == crate::domain::Event::Resolved).ok_or(ApiError::NotFound)?;
    Ok(axum::Json(ResolutionDone { id, outcome: req.outcome.expect("resolve checked the outcome"), seal: seal.jws }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    pub reason: Option<AccessReason>,
    #[serde(default)]
    pub reason_text: String,
}

/// Exports the (filtered) queue as CSV. The export is written to the audit log with its reason
/// and filter first.
#[utoipa::path(post, path = "/v1/police/queue/export", tag = "police", security(("bearer" = [])), request_body = ExportRequest,
    params(QueueParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 401, body = crate::http::error::Problem),
              (status = 404, body = crate::http::error::Problem), (status = 422, body = crate::http::error::Problem)))]
pub async fn export(
    State(app): State<App>,
    Officer(officer): Officer,
    Query(params): Query<QueueParams>,
    ApiJson(req): ApiJson<ExportRequest>,
) -> Result<Response, ApiError> {
    let csv = review::export_csv(&app, &officer, &params.filter()?, req.reason, &req.reason_text).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8"), (header::CONTENT_DISPOSITION, "attachment; filename=\"queue.csv\"")],
        csv,
    )
        .into_response())
}
