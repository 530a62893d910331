//! Check-ins: submission (by a tenant through an invitation, or by the landlord), status and
//! receipts.

use axum::extract::{Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::{Accepted, App, Channel};
use crate::domain::input::SubmissionInput;
use crate::domain::{CheckinStatus, Flag, Person, Stay};
use crate::http::auth::{self, MaybeAuthenticated};
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::invitation::InvitationError;
use crate::seal::receipt::Receipt;
use crate::http::partner::{KeyRights, MaybePartner};
use crate::store::{CheckinRecord, PartnerKey, Property, Role, User};

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({
    "property_id": "0193a1f2-7c1e-7d55-9a30-5f1c2b3d4e5f",
    "stay": {"check_in": "2026-12-01T14:00:00+01:00", "check_out": "2026-12-04T11:00:00+01:00"},
    "persons": [{"given_names": "MARIA", "family_name": "GARCIA", "second_family_name": "LOPEZ",
                 "birth_date": "1990-05-17", "nationality": "ESP", "sex": "F",
                 "document": {"type": "id_card", "number": "12345678Z", "issuing_country": "ESP", "support_number": "ABC123456"}}],
    "contact": {"phone": "+34 600 000 000"}
}))]
#[serde(deny_unknown_fields)]
pub struct CheckinRequest {
    /// The invitation token from the property's QR code (tenant self check-in, no account).
    #[serde(default)]
    pub invitation: Option<String>,
    /// The property, for a landlord-assisted check-in (with the landlord's bearer token).
    #[serde(default)]
    pub property_id: Option<String>,
    #[serde(default)]
    pub stay: Option<crate::domain::input::StayInput>,
    #[serde(default)]
    pub persons: Vec<crate::domain::input::PersonInput>,
    /// A phone or e-mail: required by some profiles (Spain, China); where the profile does not
    /// ask for one, it is dropped at intake and never stored.
    #[serde(default)]
    pub contact: Option<crate::domain::input::ContactInput>,
}

impl CheckinRequest {
    /// The part the identity rules validate. (Not `#[serde(flatten)]`: flattening would hide the
    /// path of a malformed field.)
    pub fn submission(&self) -> SubmissionInput {
        SubmissionInput { stay: self.stay.clone(), persons: self.persons.clone(), contact: self.contact.clone() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinAccepted {
    pub id: String,
    pub status: CheckinStatus,
    /// The check-in's URL (also in `Location`).
    pub url: String,
    /// A token that lets the tenant read this check-in and its receipt without an account
    /// (`Authorization: Bearer <receipt_token>`). Shown once.
    pub receipt_token: String,
    /// The first sealed receipt (the `submitted` seal).
    pub receipt: Receipt,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SealView {
    pub seq: i64,
    pub event: crate::domain::Event,
    /// The seal: compact JWS, `alg: EdDSA`, exactly as signed.
    pub jws: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckinView {
    pub id: String,
    pub property_id: String,
    pub jurisdiction: String,
    pub status: CheckinStatus,
    /// Per person, why the check-in was flagged (empty unless `flagged` or `resolved`).
    pub flags: Vec<Flag>,
    pub stay: Stay,
    pub person_count: i64,
    /// `invitation` or `landlord`.
    pub channel: String,
    /// The persons as declared: shown only to the property's landlord and to the tenant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub persons: Option<Vec<Person>>,
    pub seals: Vec<SealView>,
    /// The police review's outcome once sealed (`cleared`, `confirmed`, `needs_follow_up`); the
    /// officer's note is never shown here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution: Option<crate::domain::Resolution>,
    pub receipt_url: String,
    /// When the personal data of this check-in is due for erasure, by the jurisdiction's
    /// retention period (later if a registry check or police review is still open). Once
    /// erased, `status` is `purged` and `persons` is empty.
    pub erase_after: chrono::DateTime<chrono::Utc>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Who may read a check-in, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Landlord,
    Tenant,
    /// The partner system that submitted it (never sees the persons).
    Partner,
}

/// Resolves the property a submission is for: by invitation (no account), or by `property_id`
/// for its landlord.
pub async fn submission_property(app: &App, user: Option<&User>, req: &CheckinRequest) -> Result<(Property, Channel), ApiError> {
    submission_property_for(app, user, None, req).await.map(|(p, c, _)| (p, c))
}

/// [`submission_property`], for a partner key too: with `checkins:write`, `property_id` names a
/// property in one of the key's jurisdictions (`404` otherwise). Returns the partner's id with
/// the property.
pub async fn submission_property_for(
    app: &App,
    user: Option<&User>,
    partner: Option<&PartnerKey>,
    req: &CheckinRequest,
) -> Result<(Property, Channel, Option<String>), ApiError> {
    if let Some(key) = partner {
        key.require("checkins:write")?;
        let Some(id) = &req.property_id else {
            return Err(ApiError::malformed("property_id", "a partner key submits with a property_id"));
        };
        if req.invitation.is_some() {
            return Err(ApiError::malformed("invitation", "give either an invitation or a property_id, not both"));
        }
        let property = app.store.property(id).await?.filter(|p| key.covers(&p.jurisdiction)).ok_or(ApiError::NotFound)?;
        return Ok((property, Channel::Partner, Some(key.partner_id.clone())));
    }
    let (property, channel) = match (&req.invitation, &req.property_id) {
        (Some(_), Some(_)) => Err(ApiError::malformed("invitation", "give either an invitation or a property_id, not both")),
        (Some(token), None) => Ok::<_, ApiError>((invited_property(app, token).await?, Channel::Invitation)),
        (None, Some(id)) => {
            let user = user.filter(|u| u.role == Role::Landlord).ok_or(ApiError::Unauthorized)?;
            Ok((super::properties::owned(app, &user.id, id).await?, Channel::Landlord))
        }
        (None, None) => Err(ApiError::malformed("invitation", "an invitation token or a property_id is required")),
    }?;
    Ok((property, channel, None))
}

/// The property an invitation token opens, after checking signature, expiry and epoch.
pub async fn invited_property(app: &App, token: &str) -> Result<Property, ApiError> {
    let claims = app.invitations.verify(token, app.now().timestamp()).map_err(|e| match e {
        InvitationError::Invalid => ApiError::InvitationInvalid,
        InvitationError::Expired => ApiError::InvitationExpired,
    })?;
    let property = app.store.property(&claims.p).await?.ok_or(ApiError::InvitationInvalid)?;
    if property.invitation_epoch != claims.e {
        return Err(ApiError::InvitationRevoked);
    }
    Ok(property)
}

/// The `202` answer to an accepted check-in, with its first receipt (the `submitted` seal, its
/// inclusion proof and the log's checkpoint).
pub async fn accepted_response(app: &App, accepted: &Accepted) -> Result<Response, ApiError> {
    let id = &accepted.record.id;
    let body = CheckinAccepted {
        id: id.clone(),
        status: accepted.record.status,
        url: format!("/v1/checkins/{id}"),
        receipt_token: accepted.receipt_token.clone(),
        receipt: crate::transparency::first_receipt(app, id, &accepted.seal.jws, accepted.logged).await?,
    };
    Ok((StatusCode::ACCEPTED, [(header::LOCATION, format!("/v1/checkins/{id}"))], axum::Json(body)).into_response())
}

/// Submits a check-in. With `invitation`: a tenant's self check-in, no account needed. With
/// `property_id` and the landlord's bearer token: a landlord-assisted check-in. With
/// `property_id` and a partner key (`checkins:write`): a partner's check-in for a property in one
/// of the key's jurisdictions, reported by the partner's webhooks. The check-in, its
/// first seal and its registry check are stored in one transaction; the registry check runs in
/// the background.
#[utoipa::path(post, path = "/v1/checkins", tag = "checkins", request_body = CheckinRequest,
    security((), ("bearer" = []), ("partner_key" = ["checkins:write"])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry safe: see the `idempotency` tag")),
    responses((status = 202, body = CheckinAccepted, headers(("Location" = String))),
              (status = 400, body = crate::http::error::Problem), (status = 401, body = crate::http::error::Problem),
              (status = 403, body = crate::http::error::Problem), (status = 404, body = crate::http::error::Problem),
              (status = 409, body = crate::http::error::Problem), (status = 413, body = crate::http::error::Problem),
              (status = 415, body = crate::http::error::Problem), (status = 422, body = crate::http::error::Problem),
              (status = 429, body = crate::http::error::Problem)))]
pub async fn submit(
    State(app): State<App>,
    MaybePartner(partner): MaybePartner,
    MaybeAuthenticated(user): MaybeAuthenticated,
    ApiJson(req): ApiJson<CheckinRequest>,
) -> Result<Response, ApiError> {
    let (property, channel, partner_id) = submission_property_for(&app, user.as_ref(), partner.as_ref(), &req).await?;
    let accepted = app.submit_for(&property, &req.submission(), channel, partner_id).await?;
    accepted_response(&app, &accepted).await
}

/// Finds a check-in the caller may read, or `404` (whoever else asks, and whatever id).
pub async fn readable(app: &App, parts_token: Option<&str>, user: Option<&User>, id: &str) -> Result<(CheckinRecord, Reader), ApiError> {
    readable_by(app, parts_token, user, None, id).await
}

/// [`readable`], for a partner key too: its own check-ins in its jurisdictions, with `scope`.
pub async fn readable_by(
    app: &App,
    parts_token: Option<&str>,
    user: Option<&User>,
    partner: Option<(&PartnerKey, &'static str)>,
    id: &str,
) -> Result<(CheckinRecord, Reader), ApiError> {
    if let Some((key, scope)) = partner {
        key.require(scope)?;
        return match app.store.checkin(id).await? {
            Some(c) if c.partner_id.as_deref() == Some(key.partner_id.as_str()) && key.covers(&c.jurisdiction) => {
                Ok((c, Reader::Partner))
            }
            _ => Err(ApiError::NotFound),
        };
    }
    if let Some(token) = parts_token.filter(|t| t.starts_with("hrt_")) {
        return match app.store.checkin_by_receipt_token(&auth::token_hash(token)).await? {
            Some(c) if c.id == id => Ok((c, Reader::Tenant)),
            _ => Err(ApiError::NotFound),
        };
    }
    let user = user.ok_or(ApiError::Unauthorized)?;
    match app.store.checkin(id).await? {
        Some(c) if user.role == Role::Landlord && c.landlord_id == user.id => Ok((c, Reader::Landlord)),
        _ => Err(ApiError::NotFound),
    }
}

/// The caller's receipt or session token, from the `Authorization` header or the cookie.
pub struct RawToken(pub Option<String>);

impl axum::extract::FromRequestParts<App> for RawToken {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Self, ApiError> {
        Ok(RawToken(auth::request_token(parts)))
    }
}

/// The view of a check-in; with its persons only when `with_persons` (its landlord or tenant
/// reading that one check-in).
pub async fn view(app: &App, checkin: CheckinRecord, with_persons: bool) -> Result<CheckinView, ApiError> {
    let seals = app.store.seals(&checkin.id).await?;
    let persons = if with_persons { Some(app.store.persons(&checkin.id).await?) } else { None };
    Ok(CheckinView {
        resolution: crate::police::review::sealed_resolution(&seals),
        receipt_url: format!("/v1/checkins/{}/receipt", checkin.id),
        seals: seals
            .into_iter()
            .map(|s| SealView { seq: s.seq, event: s.event, jws: s.jws, created_at: s.created_at })
            .collect(),
        persons,
        id: checkin.id,
        property_id: checkin.property_id,
        jurisdiction: checkin.jurisdiction,
        status: checkin.status,
        flags: checkin.flags,
        stay: checkin.stay,
        person_count: checkin.person_count,
        channel: checkin.channel,
        erase_after: checkin.erase_after,
        created_at: checkin.created_at,
        updated_at: checkin.updated_at,
    })
}

/// A check-in's status, flags and seals. Readable by the property's landlord, by the tenant
/// holding the receipt token, and by the partner that submitted it (key with `checkins:read`,
/// within its jurisdictions; without the persons); `404` for anyone else. Carries an `ETag`;
/// `If-None-Match` with it answers `304` (RFC 9110 §13.1.2).
#[utoipa::path(get, path = "/v1/checkins/{id}", tag = "checkins", security(("bearer" = []), ("partner_key" = ["checkins:read"])),
    params(("id" = String, Path, description = "Check-in id"),
           ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer")),
    responses((status = 200, body = CheckinView, headers(("ETag" = String))),
              (status = 304, description = "Not modified since the `ETag` given in `If-None-Match`", headers(("ETag" = String))),
              (status = 401, body = crate::http::error::Problem), (status = 403, body = crate::http::error::Problem),
              (status = 404, body = crate::http::error::Problem), (status = 429, body = crate::http::error::Problem)))]
pub async fn get(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    MaybePartner(partner): MaybePartner,
    RawToken(token): RawToken,
    MaybeAuthenticated(user): MaybeAuthenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let partner = partner.as_ref().map(|k| (k, "checkins:read"));
    let (checkin, reader) = readable_by(&app, token.as_deref(), user.as_ref(), partner, &id).await?;
    let with_persons = matches!(reader, Reader::Landlord | Reader::Tenant);
    Ok(crate::http::etag::json(&headers, &view(&app, checkin, with_persons).await?))
}

/// Builds a check-in's receipt: its seals with their inclusion proofs and the log's checkpoint
/// (see [`crate::transparency::receipt`]).
pub async fn receipt_of(app: &App, checkin_id: &str) -> Result<Receipt, ApiError> {
    Ok(crate::transparency::receipt(app, checkin_id, None).await?)
}

/// The check-in's receipt: every seal, in order, each a compact JWS that verifies offline with the
/// keys at `/.well-known/jwks.json`, with its inclusion proof (RFC 9162 §2.1.3) in the
/// transparency log and the log's signed checkpoint (C2SP `tlog-checkpoint` as a `signed-note`),
/// so that `hospes verify` checks signature, chain and inclusion offline. `400` when `tree_size`
/// exceeds the log's size or the tree it names is older than the check-in's first seal.
#[utoipa::path(get, path = "/v1/checkins/{id}/receipt", tag = "checkins", security(("bearer" = []), ("partner_key" = ["seals:read"])),
    params(("id" = String, Path, description = "Check-in id"),
           ("tree_size" = Option<u64>, Query, description = "Prove the seals in the tree of the log's first `tree_size` leaves \
            (a checkpoint the reader already holds) instead of the latest; seals newer than that tree are left out"),
           ("If-None-Match" = Option<String>, Header, description = "An `ETag` of an earlier answer")),
    responses((status = 200, body = Receipt, headers(("ETag" = String))),
              (status = 304, description = "Not modified since the `ETag` given in `If-None-Match`", headers(("ETag" = String))),
              (status = 400, body = crate::http::error::Problem),
              (status = 401, body = crate::http::error::Problem), (status = 403, body = crate::http::error::Problem),
              (status = 404, body = crate::http::error::Problem), (status = 429, body = crate::http::error::Problem)))]
pub async fn receipt(
    State(app): State<App>,
    headers: axum::http::HeaderMap,
    MaybePartner(partner): MaybePartner,
    RawToken(token): RawToken,
    MaybeAuthenticated(user): MaybeAuthenticated,
    Path(id): Path<String>,
    query: ApiQuery,
) -> Result<Response, ApiError> {
    let partner = partner.as_ref().map(|k| (k, "seals:read"));
    let (checkin, _) = readable_by(&app, token.as_deref(), user.as_ref(), partner, &id).await?;
    let tree_size = query.u64("tree_size")?;
    let receipt = crate::transparency::receipt(&app, &checkin.id, tree_size).await?;
    if tree_size.is_some() && receipt.seals.is_empty() {
        // A tree older than the check-in proves none of its seals: an empty receipt would look
        // like a check-in without seals.
        return Err(ApiError::malformed("tree_size", "tree_size: that tree is older than this check-in's first seal; give a larger tree_size"));
    }
    Ok(crate::http::etag::json(&headers, &receipt))
}

/// The receipt's compact text for its QR code (`HR1:` + Base45 of DEFLATE; see
/// `docs/receipt-qr.md`), or `None` when the receipt has no compact form (a seal with a
/// certificate chain in its header).
pub async fn receipt_qr_text(app: &App, checkin_id: &str) -> Result<Option<String>, ApiError> {
    let receipt = receipt_of(app, checkin_id).await?;
    Ok(crate::seal::receipt_qr::encode(&receipt).ok())
}

/// The receipt as a QR code (SVG, level M, at most version 25 for a typical check-in): the
/// compact encoding of the receipt (seals, the newest seal's inclusion proof and the checkpoint's
/// signature), which `hospes verify` and `POST /v1/seals/verify` read. `404` also when the
/// receipt has no compact form.
#[utoipa::path(get, path = "/v1/checkins/{id}/receipt.svg", tag = "checkins", security(("bearer" = [])),
    params(("id" = String, Path, description = "Check-in id")),
    responses((status = 200, description = "SVG image", content_type = "image/svg+xml", body = String),
              (status = 401, body = crate::http::error::Problem), (status = 404, body = crate::http::error::Problem)))]
pub async fn receipt_qr(
    State(app): State<App>,
    RawToken(token): RawToken,
    MaybeAuthenticated(user): MaybeAuthenticated,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (checkin, _) = readable(&app, token.as_deref(), user.as_ref(), &id).await?;
    let text = receipt_qr_text(&app, &checkin.id).await?.ok_or(ApiError::NotFound)?;
    let svg = crate::qr::render::try_svg(&text).map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "no-store")], svg).into_response())
}

/// The landlord's check-ins of one property, newest first (at most 100).
#[utoipa::path(get, path = "/v1/properties/{id}/checkins", tag = "checkins", security(("bearer" = [])),
    params(("id" = String, Path, description = "Property id")),
    responses((status = 200, body = Vec<CheckinView>), (status = 404, body = crate::http::error::Problem)))]
pub async fn of_property(
    State(app): State<App>,
    crate::http::auth::Landlord(user): crate::http::auth::Landlord,
    Path(id): Path<String>,
) -> Result<axum::Json<Vec<CheckinView>>, ApiError> {
    let property = super::properties::owned(&app, &user.id, &id).await?;
    let mut views = Vec::new();
    for c in app.store.checkins_of_property(&property.id, 100).await? {
        views.push(view(&app, c, false).await?);
    }
    Ok(axum::Json(views))
}
