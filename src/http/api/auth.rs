//! Signing in to the API.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::App;
use crate::http::auth::{self, Authenticated};
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;
use crate::store::{Role, User};

/// How long an API token lives.
pub const TOKEN_TTL_HOURS: i64 = 12;

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The current TOTP code (RFC 6238), required for police officers.
    #[serde(default)]
    pub totp: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Bearer token for `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub role: Role,
}

/// Checks e-mail and password (and, for police, the second factor). The same answer and the same
/// work for an unknown address as for a wrong password.
pub async fn check_credentials(app: &App, email: &str, password: &str, totp: Option<&str>) -> Result<User, ApiError> {
    let email = email.trim().to_lowercase();
    let user = app.store.user_by_email(&email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| auth::dummy_hash().to_owned());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        _ => return Err(ApiError::BadCredentials),
    };
    if user.role == Role::Police {
        // The second factor (TOTP enrolment and verification) belongs to the police workspace;
        // until an officer has one, the password alone never yields a session.
        let _ = totp;
        return Err(ApiError::MfaRequired);
    }
    Ok(user)
}

/// Creates a session for `user` and returns its token and expiry.
pub async fn start_session(app: &App, user: &User) -> Result<(String, chrono::DateTime<chrono::Utc>), ApiError> {
    let token = auth::new_token("hsp_");
    let now = app.now();
    let expires_at = now + chrono::Duration::hours(TOKEN_TTL_HOURS);
    app.store.create_session(&auth::token_hash(&token), &user.id, now, expires_at).await?;
    Ok((token, expires_at))
}

/// Exchanges e-mail and password for a bearer token. A police officer's password alone answers
/// `401 mfa_required`.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = crate::http::error::Problem),
              (status = 401, body = crate::http::error::Problem, description = "`invalid_credentials` or `mfa_required`")))]
pub async fn login(State(app): State<App>, ApiJson(req): ApiJson<LoginRequest>) -> Result<axum::Json<LoginResponse>, ApiError> {
    let user = check_credentials(&app, &req.email, &req.password, req.totp.as_deref()).await?;
    let (token, expires_at) = start_session(&app, &user).await?;
    tracing::info!(user.id = %user.id, role = user.role.as_str(), "signed in");
    Ok(axum::Json(LoginResponse { token, expires_at, role: user.role }))
}

/// Ends the session of the token used.
#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::http::error::Problem)))]
pub async fn logout(
    State(app): State<App>,
    _signed_in: Authenticated,
    headers: axum::http::HeaderMap,
) -> Result<axum::http::StatusCode, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    app.store.delete_session(&auth::token_hash(token.trim())).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
