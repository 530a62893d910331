//! The admin pages: accounts (create police and admin accounts, set an officer's jurisdictions,
//! reset a second factor, disable or enable), jurisdictions, and the audit log with its
//! verification. Admins sign in at `/police/login` with their second factor. Nothing here edits
//! or deletes an audit entry.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;

use super::{SignedIn, WebSession, check_csrf, error_page, not_found, render};
use crate::app::App;
use crate::police::admin::{self, Actor, AdminError};
use crate::store::{Role, User};

pub fn router() -> axum::Router<App> {
    axum::Router::new()
        .route("/admin", get(index))
        .route("/admin/accounts", post(create_account))
        .route("/admin/jurisdictions", post(create_jurisdiction))
        .route("/admin/users/{id}/reset-factor", post(reset_factor))
        .route("/admin/users/{id}/disable", post(disable))
        .route("/admin/users/{id}/enable", post(enable))
        .route("/admin/users/{id}/jurisdictions", post(jurisdictions))
        .route("/admin/audit", get(audit_log))
}

/// A signed-in admin. No session: to the sign-in page; another role: not found.
pub struct WebAdmin {
    pub user: User,
    pub csrf: String,
}

impl axum::extract::FromRequestParts<App> for WebAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, app: &App) -> Result<Self, Response> {
        match WebSession::from_request_parts(parts, app).await? {
            WebSession(Some(SignedIn { user, csrf, .. })) if user.role == Role::Admin => Ok(WebAdmin { user, csrf }),
            WebSession(Some(_)) => Err(not_found()),
            WebSession(None) => Err(Redirect::to("/police/login").into_response()),
        }
    }
}

struct Account {
    id: String,
    email: String,
    role: String,
    jurisdictions: String,
    enrolled: bool,
    disabled: bool,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    csrf: String,
    accounts: Vec<Account>,
    jurisdictions: Vec<(String, String)>,
    notice: Option<(String, Option<String>)>,
    error: Option<String>,
}

async fn index_page(app: &App, admin: &WebAdmin, status: StatusCode, notice: Option<(String, Option<String>)>, error: Option<String>) -> Response {
    let (users, jurisdictions) = match (app.store.users().await, app.store.jurisdictions().await) {
        (Ok(u), Ok(j)) => (u, j),
        (Err(e), _) | (_, Err(e)) => return error_page(e.into()),
    };
    let page = IndexPage {
        csrf: admin.csrf.clone(),
        accounts: users
            .into_iter()
            .map(|u| Account {
                is_me: u.id == admin.user.id,
                id: u.id,
                email: u.email,
                role: u.role.as_str().to_owned(),
                jurisdictions: u.jurisdictions.join(","),
                enrolled: u.totp_secret.is_some(),
                disabled: u.disabled,
            })
            .collect(),
        jurisdictions: jurisdictions.into_iter().map(|j| (j.code, j.name)).collect(),
        notice,
        error,
    };
    render(status, &page)
}

pub async fn index(State(app): State<App>, admin: WebAdmin) -> Response {
    index_page(&app, &admin, StatusCode::OK, None, None).await
}

async fn outcome(app: &App, admin: &WebAdmin, result: Result<(String, Option<String>), AdminError>) -> Response {
    match result {
        Ok(notice) => index_page(app, admin, StatusCode::OK, Some(notice), None).await,
        Err(AdminError::NotFound) => not_found(),
        Err(AdminError::Store(e)) => error_page(e.into()),
        Err(e @ AdminError::Conflict(_)) => index_page(app, admin, StatusCode::CONFLICT, None, Some(e.to_string())).await,
        Err(e) => index_page(app, admin, StatusCode::UNPROCESSABLE_ENTITY, None, Some(e.to_string())).await,
    }
}

fn codes(form: &BTreeMap<String, String>) -> Vec<String> {
    form.get("jurisdictions").map(|j| j.split([',', ' ']).map(str::to_owned).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
}

pub async fn create_account(State(app): State<App>, admin: WebAdmin, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let role = match form.get("role").map(String::as_str) {
        Some("police") => Role::Police,
        Some("admin") => Role::Admin,
        _ => return outcome(&app, &admin, Err(AdminError::Invalid("choose police or admin".into()))).await,
    };
    let email = form.get("email").cloned().unwrap_or_default();
    let result = admin::create_account(&app, &Actor::admin(&admin.user), role, &email, &codes(&form), None)
        .await
        .map(|(user, link)| (format!("Account {} created. Hand this one-time link to its owner (valid 72 hours):", user.email), Some(link)));
    outcome(&app, &admin, result).await
}

pub async fn create_jurisdiction(State(app): State<App>, admin: WebAdmin, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let result = admin::create_jurisdiction(&app, &Actor::admin(&admin.user), &code).await.map(|j| (format!("Jurisdiction {} ({}) added.", j.code, j.name), None));
    outcome(&app, &admin, result).await
}

pub async fn reset_factor(State(app): State<App>, admin: WebAdmin, Path(id): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let result = admin::reset_factor(&app, &Actor::admin(&admin.user), &id)
        .await
        .map(|link| ("Second factor removed and sessions ended. Hand this one-time link to the account's owner:".to_owned(), Some(link)));
    outcome(&app, &admin, result).await
}

async fn set_disabled(app: &App, admin: &WebAdmin, id: &str, form: &BTreeMap<String, String>, disabled: bool) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, form) {
        return resp;
    }
    let result = admin::set_disabled(app, &Actor::admin(&admin.user), id, disabled)
        .await
        .map(|()| ((if disabled { "Account disabled; its sessions ended." } else { "Account enabled." }).to_owned(), None));
    outcome(app, admin, result).await
}

pub async fn disable(State(app): State<App>, admin: WebAdmin, Path(id): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    set_disabled(&app, &admin, &id, &form, true).await
}

pub async fn enable(State(app): State<App>, admin: WebAdmin, Path(id): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    set_disabled(&app, &admin, &id, &form, false).await
}

pub async fn jurisdictions(State(app): State<App>, admin: WebAdmin, Path(id): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let result = admin::set_jurisdictions(&app, &Actor::admin(&admin.user), &id, &codes(&form))
        .await
        .map(|codes| (format!("Jurisdictions set: {}.", codes.join(", ")), None));
    outcome(&app, &admin, result).await
}

struct EntryLine {
    seq: i64,
    time: String,
    actor: String,
    action: String,
    subject: String,
    reason: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    csrf: String,
    ok: bool,
    entries_total: i64,
    checkpoints: usize,
    sealed_up_to: String,
    problems: Vec<String>,
    entries: Vec<EntryLine>,
}

/// The audit log, newest first (the last 500 entries), with the verification of the whole chain.
pub async fn audit_log(State(app): State<App>, admin: WebAdmin) -> Response {
    let verification = match crate::audit::verify(&app).await {
        Ok(v) => v,
        Err(e) => return error_page(e.into()),
    };
    let entries = match app.store.recent_audit_entries(500).await {
        Ok(e) => e,
        Err(e) => return error_page(e.into()),
    };
    let page = AuditPage {
        csrf: admin.csrf,
        ok: verification.ok(),
        entries_total: verification.entries,
        checkpoints: verification.checkpoints,
        sealed_up_to: verification.sealed_up_to.map(|n| n.to_string()).unwrap_or_else(|| "none yet".into()),
        problems: verification.problems.iter().map(|p| p.to_string()).collect(),
        entries: entries
            .into_iter()
            .map(|e| EntryLine {
                seq: e.seq,
                time: e.time,
                actor: format!("{} {}", e.draft.actor_role, e.draft.actor_id.unwrap_or_default()),
                action: e.draft.action,
                subject: [e.draft.subject, e.draft.jurisdiction].into_iter().flatten().collect::<Vec<_>>().join(" · "),
                reason: [e.draft.reason, e.draft.reason_text].into_iter().flatten().collect::<Vec<_>>().join(": "),
                detail: if e.draft.detail == serde_json::json!({}) { String::new() } else { e.draft.detail.to_string() },
            })
            .collect(),
    };
    render(StatusCode::OK, &page)
}
