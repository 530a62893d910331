//! The API's errors: one enum, turned into `application/problem+json` (RFC 9457) with a stable
//! `code` for each kind (listed in the OpenAPI document). Details of server errors are logged
//! once and never sent; no message ever carries a submitted value.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{detail}")]
    Malformed { field: Option<String>, detail: String },
    #[error("sign in first")]
    Unauthorized,
    #[error("this session token is unknown or has expired: sign in again")]
    InvalidToken,
    #[error("this API key is unknown, revoked, or belongs to a disabled partner: ask the operator for a new key")]
    InvalidApiKey,
    #[error("wrong e-mail address or password")]
    BadCredentials,
    #[error("a second factor is required")]
    MfaRequired,
    #[error("not found")]
    NotFound,
    #[error("the invitation is not valid")]
    InvitationInvalid,
    #[error("the invitation has expired")]
    InvitationExpired,
    #[error("the invitation was withdrawn by the landlord")]
    InvitationRevoked,
    #[error("{0}")]
    Conflict(String),
    #[error("this API key lacks the scope {0}")]
    InsufficientScope(&'static str),
    #[error("this Idempotency-Key was used with a different request")]
    IdempotencyKeyReused,
    #[error("a request with this Idempotency-Key is still being processed; retry in a moment")]
    IdempotencyKeyInProgress,
    #[error("the request body is too large (at most {limit_mb} MB)")]
    TooLarge { limit_mb: usize },
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("{0}")]
    NoQrCode(String),
    #[error("{0}")]
    CredentialInvalid(String),
    #[error("the identity credential has expired; ask the tenant to open a fresh one")]
    CredentialExpired,
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error")]
    Internal(String),
    #[error("the service is not ready")]
    Unavailable,
    #[error("this path does not take this HTTP method; the Allow header lists those it takes")]
    MethodNotAllowed,
}

/// The problem document (RFC 9457 §3.1) with hospes's extension members.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// `/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine-readable code, one of those listed in the OpenAPI document.
    pub code: String,
    /// For `validation_failed` and `malformed_request`: each invalid field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Every problem code the API can answer with, its status and its title.
pub const PROBLEM_CODES: &[(&str, u16, &str)] = &[
    ("validation_failed", 422, "Some fields are invalid"),
    ("malformed_request", 400, "The request could not be read"),
    ("method_not_allowed", 405, "Method not allowed"),
    ("unauthorized", 401, "Authentication required"),
    ("invalid_api_key", 401, "The API key is not valid"),
    ("invalid_credentials", 401, "Wrong e-mail address or password"),
    ("mfa_required", 401, "A second factor is required"),
    ("not_found", 404, "Not found"),
    ("invitation_invalid", 401, "Invalid invitation"),
    ("invitation_expired", 401, "Expired invitation"),
    ("invitation_revoked", 401, "Withdrawn invitation"),
    ("insufficient_scope", 403, "The API key lacks a scope"),
    ("conflict", 409, "Conflict"),
    ("idempotency_key_reused", 409, "Idempotency-Key reused with another request"),
    ("idempotency_key_in_progress", 409, "A request with this Idempotency-Key is still running"),
    ("payload_too_large", 413, "Request body too large"),
    ("unsupported_media_type", 415, "Unsupported file type"),
    ("no_qr_code", 422, "No readable QR code"),
    ("credential_invalid", 422, "The identity credential does not verify"),
    ("credential_expired", 422, "The identity credential has expired"),
    ("rate_limited", 429, "Too many requests"),
    ("internal", 500, "Internal error"),
    ("unavailable", 503, "Service unavailable"),
];

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::Malformed { .. } => "malformed_request",
            ApiError::Unauthorized | ApiError::InvalidToken => "unauthorized",
            ApiError::InvalidApiKey => "invalid_api_key",
            ApiError::BadCredentials => "invalid_credentials",
            ApiError::MfaRequired => "mfa_required",
            ApiError::NotFound => "not_found",
            ApiError::InvitationInvalid => "invitation_invalid",
            ApiError::InvitationExpired => "invitation_expired",
            ApiError::InvitationRevoked => "invitation_revoked",
            ApiError::Conflict(_) => "conflict",
            ApiError::InsufficientScope(_) => "insufficient_scope",
            ApiError::IdempotencyKeyReused => "idempotency_key_reused",
            ApiError::IdempotencyKeyInProgress => "idempotency_key_in_progress",
            ApiError::TooLarge { .. } => "payload_too_large",
            ApiError::UnsupportedMedia(_) => "unsupported_media_type",
            ApiError::NoQrCode(_) => "no_qr_code",
            ApiError::CredentialInvalid(_) => "credential_invalid",
            ApiError::CredentialExpired => "credential_expired",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::Internal(_) => "internal",
            ApiError::Unavailable => "unavailable",
            ApiError::MethodNotAllowed => "method_not_allowed",
        }
    }

    pub fn status(&self) -> StatusCode {
        let code = self.code();
        let status = PROBLEM_CODES.iter().find(|(c, _, _)| *c == code).map(|(_, s, _)| *s).unwrap_or(500);
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// A malformed-request error naming one field.
    pub fn malformed(field: &str, detail: impl Into<String>) -> ApiError {
        ApiError::Malformed { field: Some(field.to_owned()), detail: detail.into() }
    }

    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(e.to_string())
    }

    pub fn problem(&self) -> Problem {
        let code = self.code();
        let title = PROBLEM_CODES.iter().find(|(c, _, _)| *c == code).map(|(_, _, t)| *t).unwrap_or("Error");
        let errors = match self {
            ApiError::Validation(errors) => errors.clone(),
            ApiError::Malformed { field: Some(field), detail } => {
                vec![FieldError::new(field.clone(), "malformed", detail.clone())]
            }
            _ => vec![],
        };
        let detail = match self {
            ApiError::Internal(_) => Some("Something went wrong on our side; nothing you sent was lost. Try again.".into()),
            other => Some(other.to_string()),
        };
        Problem { kind: format!("/problems/{code}"), title: title.to_owned(), status: self.status().as_u16(), detail, code: code.to_owned(), errors }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(error = %detail, "internal error");
        }
        let problem = self.problem();
        let mut resp = (self.status(), axum::Json(problem)).into_response();
        resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        match self {
            ApiError::RateLimited { retry_after_secs } => {
                resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
            }
            ApiError::Unauthorized | ApiError::BadCredentials | ApiError::MfaRequired => {
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            ApiError::InvalidApiKey | ApiError::InvalidToken => {
                // RFC 6750 §3.1: the token was given and is not valid.
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            }
            _ => {}
        }
        resp
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Conflict(what) => ApiError::Conflict(format!("already exists ({what})")),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::transparency::TransparencyError> for ApiError {
    fn from(e: crate::transparency::TransparencyError) -> Self {
        use crate::seal::log::LogError;
        match e {
            crate::transparency::TransparencyError::Store(e) => e.into(),
            crate::transparency::TransparencyError::Log(LogError::TreeSizeOutOfRange { old_size, new_size }) if old_size > new_size => {
                ApiError::malformed("tree_size", format!("tree_size: the log has {new_size} leaves; ask for a tree of at most that many"))
            }
            crate::transparency::TransparencyError::Log(e @ LogError::TreeSizeOutOfRange { .. }) => {
                ApiError::malformed("tree_size", e.to_string())
            }
            crate::transparency::TransparencyError::Log(e @ LogError::LeafIndexOutOfRange { .. }) => {
                ApiError::malformed("leaf_index", e.to_string())
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::app::SubmitError> for ApiError {
    fn from(e: crate::app::SubmitError) -> Self {
        match e {
            crate::app::SubmitError::Invalid(errors) => ApiError::Validation(errors),
            crate::app::SubmitError::Store(e) => e.into(),
            crate::app::SubmitError::Seal(e) => ApiError::Internal(e.to_string()),
        }
    }
}
