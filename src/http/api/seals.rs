//! `POST /v1/seals/verify`: a receipt checked by the service, for callers without a JOSE
//! library: as JSON, as the text of its QR code, or as a photo of that code. The same checks as
//! `hospes verify` ([`crate::seal::receipt::verify_logged`] and the keys' validity periods) with
//! the service's published keys, plus whether the receipt's tree is a prefix of the log today.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::header;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::App;
use crate::http::api::credentials::{PhotoUpload, decode_problem, read_photo};
use crate::http::error::ApiError;
use crate::seal::receipt::{self, Receipt};

/// What the service found.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyReport {
    /// Every seal verified (strict Ed25519, a published key valid at the signing time, the `prev`
    /// chain) and is included (RFC 9162) in the tree the receipt's checkpoint signs.
    pub valid: bool,
    /// Why not, when `valid` is false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub checkin_id: String,
    /// The verified seals, oldest first.
    pub seals: Vec<VerifiedSealView>,
    /// The checkpoint the seals were proven in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<CheckpointView>,
    /// Whether the checkpoint's tree is the first `tree_size` leaves of the log as it is now (a
    /// `false` here for a valid receipt means the log was rewritten since).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_current_log: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifiedSealView {
    /// Key id (RFC 7638 thumbprint).
    pub kid: String,
    pub event: String,
    /// The payload's time (RFC 3339, UTC).
    pub time: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CheckpointView {
    pub origin: String,
    pub tree_size: u64,
    /// Standard padded base64 of the 32-byte root.
    pub root_hash: String,
}

/// Verifies a receipt. Body: the receipt JSON (`application/json`), the text of its QR code or a
/// single compact JWS (`text/plain`), or a photo of its QR code (`multipart/form-data`, field
/// `photo`). `200` with `valid` true or false for any readable receipt; `400` naming the field
/// for an unreadable one; `422` for a photo with no QR code; `415` for other media types.
#[utoipa::path(post, path = "/v1/seals/verify", tag = "log",
    request_body(description = "A receipt as JSON, its QR text (text/plain), or a photo of its QR code (multipart, field `photo`)",
        content((Receipt = "application/json"), (String = "text/plain"), (PhotoUpload = "multipart/form-data"))),
    responses((status = 200, body = VerifyReport), (status = 400, body = crate::http::error::Problem),
              (status = 413, body = crate::http::error::Problem), (status = 415, body = crate::http::error::Problem),
              (status = 422, body = crate::http::error::Problem)))]
pub async fn verify(State(app): State<App>, request: Request) -> Result<axum::Json<VerifyReport>, ApiError> {
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let receipt = if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &app).await.map_err(|_| ApiError::malformed("photo", "not multipart/form-data"))?;
        let photo = read_photo(multipart).await?;
        if photo.is_empty() {
            return Err(ApiError::malformed("photo", "the photo is empty"));
        }
        let texts = app.qr.decode(photo).await.map_err(decode_problem)?;
        texts
            .iter()
            .find_map(|t| receipt::parse_receipt_text(t).ok())
            .ok_or_else(|| ApiError::malformed("photo", "the QR code in the photo is not a hospes receipt"))?
    } else {
        let is_json = content_type.starts_with("application/json") || content_type.contains("+json");
        if !is_json && !content_type.starts_with("text/plain") {
            return Err(ApiError::UnsupportedMedia("send the receipt as application/json, text/plain or a multipart photo".into()));
        }
        let body: Bytes = axum::body::to_bytes(request.into_body(), crate::http::JSON_LIMIT_BYTES)
            .await
            .map_err(|_| ApiError::TooLarge { limit_mb: crate::http::JSON_LIMIT_BYTES / (1024 * 1024) })?;
        if is_json {
            crate::http::extract::parse_json::<Receipt>(&body)?
        } else {
            let text = std::str::from_utf8(&body).map_err(|_| ApiError::malformed("body", "the text is not UTF-8"))?;
            receipt::parse_receipt_text(text).map_err(|e| ApiError::malformed("body", e.to_string()))?
        }
    };
    Ok(axum::Json(report(&app, &receipt).await?))
}

/// The service's verdict on a receipt (also the receipt pages' "verify" page).
pub async fn report(app: &App, receipt: &Receipt) -> Result<VerifyReport, ApiError> {
    let jwks = app.keys.jwks();
    let keys = crate::seal::keyring::parse_jwks(&jwks);
    let validity = crate::seal::keyring::parse_jwks_validity(&jwks);
    let mut out = VerifyReport {
        valid: false,
        error: None,
        checkin_id: receipt.checkin_id.clone(),
        seals: Vec::new(),
        checkpoint: None,
        in_current_log: None,
    };
    let verified = match receipt::verify_logged(receipt, &keys, None)
        .and_then(|v| receipt::check_key_validity(&v.seals, &validity).map(|()| v))
    {
        Ok(v) => v,
        Err(e) => {
            out.error = Some(e.to_string());
            return Ok(out);
        }
    };
    let c = &verified.checkpoint;
    out.in_current_log = Some(if c.origin == app.log_origin() {
        match crate::transparency::head_at(app, Some(c.tree_size)).await {
            Ok(head) => head.root_hash == c.root_hash,
            Err(crate::transparency::TransparencyError::Log(_)) => false,
            Err(e) => return Err(e.into()),
        }
    } else {
        false
    });
    out.valid = true;
    out.seals = verified.seals.iter().map(|s| VerifiedSealView { kid: s.kid.clone(), event: s.event.clone(), time: s.time.clone() }).collect();
    out.checkpoint = Some(CheckpointView { origin: c.origin.clone(), tree_size: c.tree_size, root_hash: c.root_hash.to_base64() });
    Ok(out)
}
