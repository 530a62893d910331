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
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The current TOTP code (RFC 6238), or one of the account's recovery codes; required for
    /// police officers and admins. A code is accepted once.
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

/// Checks e-mail and password and, for police officers and admins, the second factor (a TOTP
/// code or a recovery code). The same answer, after the same work, for an unknown address as for
/// a wrong password; failures are throttled per address (see [`crate::police::lockout`]).
pub async fn check_credentials(app: &App, email: &str, password: &str, second_factor: Option<&str>) -> Result<User, ApiError> {
    use crate::police::factor::{self, FactorCheck};
    use crate::police::lockout;
    let email = email.trim().to_lowercase();
    let key = lockout::key(&email);
    let now = app.now();
    let before = app.store.update_throttle(&key, now, &|s| lockout::admit(s, now).1).await?;
    let verdict = lockout::admit(before, now).0;
    if let Some(retry_after_secs) = verdict.retry_after_secs() {
        return Err(ApiError::RateLimited { retry_after_secs });
    }
    let user = app.store.user_by_email(&email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| auth::dummy_hash().to_owned());
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(ApiError::internal)?;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        other => return Err(failed(app, &key, other.as_ref(), ApiError::BadCredentials).await),
    };
    if crate::police::is_privileged(user.role) {
        let code = second_factor.map(str::trim).filter(|c| !c.is_empty());
        let Some(code) = code else {
            // Not a failure: the password was right and the second factor is the next step.
            app.store.update_throttle(&key, now, &lockout::refund).await?;
            return Err(ApiError::MfaRequired);
        };
        match factor::check(app, &user, code).await? {
            FactorCheck::Accepted => {}
            FactorCheck::RecoveryCodeUsed => {
                crate::audit::record(
                    app,
                    crate::audit::AuditDraft::new(Some(&user.id), user.role.as_str(), crate::audit::action::RECOVERY_CODE_USED)
                        .subject(&user.id),
                )
                .await?;
            }
            FactorCheck::Rejected | FactorCheck::NotEnrolled => return Err(failed(app, &key, Some(&user), ApiError::MfaRequired).await),
        }
    }
    app.store.clear_throttle(&key).await?;
    Ok(user)
}

/// Records a failed attempt (locking the address at the last allowed failure, audited for police
/// and admin accounts) and returns `answer`.
async fn failed(app: &App, key: &[u8], user: Option<&User>, answer: ApiError) -> ApiError {
    let now = app.now();
    let locked = std::sync::atomic::AtomicBool::new(false);
    let result = app
        .store
        .update_throttle(key, now, &|s| {
            let (s, now_locked) = crate::police::lockout::failed(s, now);
            locked.store(now_locked, std::sync::atomic::Ordering::Relaxed);
            s
        })
        .await;
    if let Err(e) = result {
        return e.into();
    }
    if locked.load(std::sync::atomic::Ordering::Relaxed) {
        tracing::warn!(user.id = user.map(|u| u.id.as_str()).unwrap_or("-"), "sign-in locked after repeated failures");
        if let Some(u) = user.filter(|u| crate::police::is_privileged(u.role)) {
            let draft = crate::audit::AuditDraft::new(None, "service", crate::audit::action::LOCKED_OUT).subject(&u.id);
            if let Err(e) = crate::audit::record(app, draft).await {
                return e.into();
            }
        }
    }
    answer
}

/// Creates a session for `user` and returns its token and expiry. Police officers and admins get
/// [`crate::police::ABSOLUTE_TIMEOUT`] in all and [`crate::police::IDLE_TIMEOUT`] idle; they are
/// recorded in the audit log.
pub async fn start_session(app: &App, user: &User) -> Result<(String, chrono::DateTime<chrono::Utc>), ApiError> {
    let token = auth::new_token("hsp_");
    let now = app.now();
    if crate::police::is_privileged(user.role) {
        let expires_at = now + crate::police::ABSOLUTE_TIMEOUT;
        let idle = crate::police::IDLE_TIMEOUT.num_seconds();
        app.store.create_privileged_session(&auth::token_hash(&token), &user.id, now, expires_at, idle).await?;
        crate::audit::record(app, crate::audit::AuditDraft::new(Some(&user.id), user.role.as_str(), crate::audit::action::SIGNED_IN))
            .await?;
        return Ok((token, expires_at));
    }
    let expires_at = now + chrono::Duration::hours(TOKEN_TTL_HOURS);
    app.store.create_session(&auth::token_hash(&token), &user.id, now, expires_at).await?;
    Ok((token, expires_at))
}

/// Exchanges e-mail and password (and, for police officers and admins, `totp`) for a bearer
/// token. A police officer's password alone answers `401 mfa_required`; repeated failures answer
/// `429 rate_limited` with `Retry-After`, whether or not the address has an account.
#[utoipa::path(post, path = "/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = crate::http::error::Problem),
              (status = 401, body = crate::http::error::Problem, description = "`invalid_credentials` or `mfa_required`"),
              (status = 429, body = crate::http::error::Problem, description = "`rate_limited`: too many failed sign-ins")))]
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
