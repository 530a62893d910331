//! Partner reads and batches: `GET /v1/checkins` (the caller's check-ins, by cursor) and
//! `POST /v1/checkins/batch` (up to [`BATCH_MAX`] check-ins, one result per item).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::checkins::{CheckinRequest, submission_property_for};
use crate::app::App;
use crate::domain::{CheckinStatus, FieldError, Flag, Stay};
use crate::http::auth::MaybeAuthenticated;
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;
use crate::http::partner::{KeyRights, MaybePartner, Partner};
use crate::store::{CheckinPage, CheckinRecord};

/// Most items in one batch.
pub const BATCH_MAX: usize = 100;
/// Most check-ins on one page.
pub const PAGE_MAX: i64 = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only check-ins in this status.
    pub status: Option<CheckinStatus>,
    /// Only check-ins created at or after this time (RFC 3339).
    pub created_from: Option<chrono::DateTime<chrono::Utc>>,
    /// Only check-ins created before this time (RFC 3339).
    pub created_before: Option<chrono::DateTime<chrono::Utc>>,
    /// The `next_cursor` of the previous page (opaque).
    pub cursor: Option<String>,
    /// Check-ins per page, 1 to 100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// A check-in in a list: ids, status and flags, no personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinSummary {
    pub id: String,
    pub property_id: String,
    pub jurisdiction: String,
    pub status: CheckinStatus,
    pub flags: Vec<Flag>,
    pub stay: Stay,
    pub person_count: i64,
    pub url: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<CheckinRecord> for CheckinSummary {
    fn from(c: CheckinRecord) -> CheckinSummary {
        CheckinSummary {
            url: format!("/v1/checkins/{}", c.id),
            id: c.id,
            property_id: c.property_id,
            jurisdiction: c.jurisdiction,
            status: c.status,
            flags: c.flags,
            stay: c.stay,
            person_count: c.person_count,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinList {
    /// Oldest first.
    pub items: Vec<CheckinSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

fn encode_cursor(c: &CheckinRecord) -> String {
    B64.encode(format!("{}|{}", c.created_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), c.id))
}

fn decode_cursor(s: &str) -> Result<(chrono::DateTime<chrono::Utc>, String), ApiError> {
    let bad = || ApiError::malformed("cursor", "not a cursor this API gave out");
    let text = String::from_utf8(B64.decode(s).map_err(|_| bad())?).map_err(|_| bad())?;
    let (time, id) = text.split_once('|').ok_or_else(bad)?;
    let time = chrono::DateTime::parse_from_rfc3339(time).map_err(|_| bad())?.with_timezone(&chrono::Utc);
    Ok((time, id.to_owned()))
}

/// A query string that does not deserialise: names the parameter (serde's message starts with
/// it) and says what it takes, without repeating the value sent.
fn query_problem(e: axum::extract::rejection::QueryRejection) -> ApiError {
    let text = e.body_text();
    let field = text
        .split_once(": ")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map(|(name, _)| name.trim())
        .filter(|name| ["status", "created_from", "created_before", "cursor", "limit"].contains(name));
    match field {
        Some("status") => ApiError::malformed("status", "one of submitted, checking, verified, flagged, resolved, checked_out, purged"),
        Some(name @ ("created_from" | "created_before")) => ApiError::malformed(name, "an RFC 3339 date and time with its offset"),
        Some("limit") => ApiError::malformed("limit", "an integer from 1 to 100"),
        Some(name) => ApiError::malformed(name, "this value is not accepted"),
        None => ApiError::malformed("query", "the query string is invalid; see this operation's parameters in openapi.yaml"),
    }
}

/// The partner's check-ins in its key's jurisdictions, oldest first, by cursor. Carries an
/// `ETag`; `If-None-Match` with it answers `304`.
#[utoipa::path(get, path = "/v1/checkins", tag = "partners", security(("partner_key" = ["checkins:read"])),
    params(ListQuery, ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer")),
    responses((status = 200, body = CheckinList, headers(("ETag" = String))),
              (status = 304, description = "Not modified since the `ETag` given in `If-None-Match`", headers(("ETag" = String))),
              (status = 400, body = crate::http::error::Problem), (status = 401, body = crate::http::error::Problem),
              (status = 403, body = crate::http::error::Problem), (status = 429, body = crate::http::error::Problem)))]
pub async fn list(
    State(app): State<App>,
    headers: HeaderMap,
    Partner(key): Partner,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    key.require("checkins:read")?;
    let Query(q) = query.map_err(query_problem)?;
    let limit = q.limit.unwrap_or(50);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ApiError::malformed("limit", "from 1 to 100"));
    }
    let page = CheckinPage {
        partner_id: key.partner_id.clone(),
        jurisdictions: key.jurisdictions.clone(),
        status: q.status.map(|s| s.as_str().to_owned()),
        created_from: q.created_from,
        created_before: q.created_before,
        after: q.cursor.as_deref().map(decode_cursor).transpose()?,
        limit: limit + 1,
    };
    let mut rows = app.store.partner_checkins(&page).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(encode_cursor)
    } else {
        None
    };
    let list = CheckinList { items: rows.into_iter().map(Into::into).collect(), next_cursor };
    Ok(crate::http::etag::json(&headers, &list))
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{
    "property_id": "0193a1f2-7c1e-7d55-9a30-5f1c2b3d4e5f",
    "stay": {"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-04T11:00:00+01:00"},
    "persons": [{"given_names": "MARIA", "family_name": "GARCIA", "second_family_name": "LOPEZ", "birth_date": "1990-05-17", "nationality": "ESP",
                 "document": {"type": "id_card", "number": "12345678Z", "issuing_country": "ESP", "support_number": "ABC123456"}}],
    "contact": {"phone": "+34 600 000 000"}}]}))]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// 1 to 100 check-ins, each as `POST /v1/checkins` takes it (with `property_id`).
    pub items: Vec<serde_json::Value>,
}

/// One item's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResult {
    /// The item's position in `items`, from 0.
    pub index: usize,
    /// `accepted` or `rejected`.
    pub outcome: String,
    /// For an accepted item: the check-in's id, status, URL and the tenant's receipt token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<CheckinStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_token: Option<String>,
    /// For a rejected item: the problem code (`validation_failed`, `malformed_request`,
    /// `not_found`, ...) and the item's field errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"accepted": 1, "rejected": 1, "results": [
    {"index": 0, "outcome": "accepted", "id": "0193a1f2-8d00-7abc-8def-0123456789ab", "status": "submitted",
     "url": "/v1/checkins/0193a1f2-8d00-7abc-8def-0123456789ab", "receipt_token": "hrt_..."},
    {"index": 1, "outcome": "rejected", "code": "validation_failed",
     "errors": [{"field": "persons[0].birth_date", "person": 0, "code": "future", "message": "the birth date is in the future"}]}]}))]
pub struct BatchResponse {
    pub accepted: usize,
    pub rejected: usize,
    /// One per item, in order.
    pub results: Vec<BatchResult>,
}

/// Submits up to 100 check-ins at once. Each item is validated at intake and stored on its
/// own (a bad item does not hold back the others); the answer has one result per item, in
/// order. `200` whatever the items' fate; a batch that is not a list of 1 to 100 is `400`.
#[utoipa::path(post, path = "/v1/checkins/batch", tag = "partners", request_body = BatchRequest,
    security(("partner_key" = ["checkins:write"]), ("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: see the `idempotency` tag")),
    responses((status = 200, body = BatchResponse), (status = 400, body = crate::http::error::Problem),
              (status = 401, body = crate::http::error::Problem), (status = 403, body = crate::http::error::Problem),
              (status = 409, body = crate::http::error::Problem), (status = 413, body = crate::http::error::Problem),
              (status = 415, body = crate::http::error::Problem), (status = 429, body = crate::http::error::Problem)))]
pub async fn batch(
    State(app): State<App>,
    MaybePartner(partner): MaybePartner,
    MaybeAuthenticated(user): MaybeAuthenticated,
    ApiJson(req): ApiJson<BatchRequest>,
) -> Result<Response, ApiError> {
    match &partner {
        Some(key) => key.require("checkins:write")?,
        None if user.is_none() => return Err(ApiError::Unauthorized),
        None => {}
    }
    if req.items.is_empty() || req.items.len() > BATCH_MAX {
        return Err(ApiError::malformed("items", format!("give 1 to {BATCH_MAX} items")));
    }
    let mut results = Vec::with_capacity(req.items.len());
    for (index, item) in req.items.into_iter().enumerate() {
        let outcome = async {
            let item: CheckinRequest = crate::http::extract::parse_json(&serde_json::to_vec(&item).map_err(ApiError::internal)?)?;
            let (property, channel, partner_id) = submission_property_for(&app, user.as_ref(), partner.as_ref(), &item).await?;
            Ok::<_, ApiError>(app.submit_for(&property, &item.submission(), channel, partner_id).await?)
        }
        .await;
        results.push(match outcome {
            Ok(a) => BatchResult {
                index,
                outcome: "accepted".into(),
                url: Some(format!("/v1/checkins/{}", a.record.id)),
                id: Some(a.record.id),
                status: Some(a.record.status),
                receipt_token: Some(a.receipt_token),
                code: None,
                errors: vec![],
            },
            Err(e @ (ApiError::Internal(_) | ApiError::Unavailable)) => return Err(e),
            Err(e) => {
                let problem = e.problem();
                BatchResult {
                    index,
                    outcome: "rejected".into(),
                    id: None,
                    status: None,
                    url: None,
                    receipt_token: None,
                    code: Some(problem.code),
                    errors: if problem.errors.is_empty() {
                        vec![FieldError::new("body", "rejected", problem.detail.unwrap_or_default())]
                    } else {
                        problem.errors
                    },
                }
            }
        });
    }
    let accepted = results.iter().filter(|r| r.outcome == "accepted").count();
    let rejected = results.len() - accepted;
    Ok(axum::Json(BatchResponse { accepted, rejected, results }).into_response())
}
