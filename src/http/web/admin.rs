//! The admin pages: accounts (create police and admin accounts, set an officer's jurisdictions,
//! reset a second factor, disable or enable), jurisdictions, and the audit log with its
//! verification. Admins sign in at `/police/login` with their second factor. Nothing here edits
//! or deletes an audit entry. In the reader's language, like the police workspace; the audit
//! log's own records (actions, codes, details) are shown as stored.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use super::WebForm;

use super::{Lang, SignedIn, WebSession, check_csrf, error_page, not_found, render};
use crate::app::App;
use crate::police::admin::{self, Actor, AdminError};
use crate::store::{Role, User};

pub fn router() -> axum::Router<App> {
    axum::Router::new()
        .route("/admin", get(index))
        // The forms' targets answer a GET (the language switch of a page shown after a POST
        // links to its own address) with the page the forms belong to.
        .route("/admin/accounts", get(to_index).post(create_account))
        .route("/admin/jurisdictions", get(to_index).post(create_jurisdiction))
        .route("/admin/users/{id}/reset-factor", get(to_index).post(reset_factor))
        .route("/admin/users/{id}/disable", get(to_index).post(disable))
        .route("/admin/users/{id}/enable", get(to_index).post(enable))
        .route("/admin/users/{id}/jurisdictions", get(to_index).post(jurisdictions))
        .route("/admin/audit", get(audit_log))
}

async fn to_index() -> Redirect {
    Redirect::to("/admin")
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
    role_label: String,
    jurisdictions: String,
    enrolled: bool,
    disabled: bool,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "admin/index.html")]
struct IndexPage {
    lang: Lang,
    csrf: String,
    accounts: Vec<Account>,
    jurisdictions: Vec<(String, String)>,
    notice: Option<(String, Option<String>)>,
    error: Option<String>,
}

async fn index_page(
    app: &App,
    lang: &Lang,
    admin: &WebAdmin,
    status: StatusCode,
    notice: Option<(String, Option<String>)>,
    error: Option<String>,
) -> Response {
    let (users, jurisdictions) = match (app.store.users().await, app.store.jurisdictions().await) {
        (Ok(u), Ok(j)) => (u, j),
        (Err(e), _) | (_, Err(e)) => return error_page(e.into()),
    };
    let mut jurisdictions: Vec<(String, String)> = jurisdictions.into_iter().map(|j| (j.code, j.name)).collect();
    lang.sort_by_name(&mut jurisdictions, |(_, name)| name.clone());
    let page = IndexPage {
        lang: lang.clone(),
        csrf: admin.csrf.clone(),
        accounts: users
            .into_iter()
            .map(|u| Account {
                is_me: u.id == admin.user.id,
                id: u.id,
                email: u.email,
                role: u.role.as_str().to_owned(),
                role_label: lang.t(&format!("admin-role-{}", u.role.as_str())),
                jurisdictions: u.jurisdictions.join(","),
                enrolled: u.totp_secret.is_some(),
                disabled: u.disabled,
            })
            .collect(),
        jurisdictions,
        notice,
        error,
    };
    render(status, &page)
}

pub async fn index(State(app): State<App>, lang: Lang, admin: WebAdmin) -> Response {
    index_page(&app, &lang, &admin, StatusCode::OK, None, None).await
}

async fn outcome(app: &App, lang: &Lang, admin: &WebAdmin, result: Result<(String, Option<String>), AdminError>) -> Response {
    match result {
        Ok(notice) => index_page(app, lang, admin, StatusCode::OK, Some(notice), None).await,
        Err(AdminError::NotFound) => not_found(),
        Err(AdminError::Store(e)) => error_page(e.into()),
        Err(e @ AdminError::Conflict(_)) => index_page(app, lang, admin, StatusCode::CONFLICT, None, Some(e.to_string())).await,
        Err(e) => index_page(app, lang, admin, StatusCode::UNPROCESSABLE_ENTITY, None, Some(e.to_string())).await,
    }
}

fn codes(form: &BTreeMap<String, String>) -> Vec<String> {
    form.get("jurisdictions").map(|j| j.split([',', ' ']).map(str::to_owned).filter(|s| !s.is_empty()).collect()).unwrap_or_default()
}

pub async fn create_account(State(app): State<App>, lang: Lang, admin: WebAdmin, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let role = match form.get("role").map(String::as_str) {
        Some("police") => Role::Police,
        Some("admin") => Role::Admin,
        _ => return outcome(&app, &lang, &admin, Err(AdminError::Invalid(lang.t("admin-choose-role")))).await,
    };
    let email = form.get("email").cloned().unwrap_or_default();
    let result = admin::create_account(&app, &Actor::admin(&admin.user), role, &email, &codes(&form), None)
        .await
        .map(|(user, link)| (lang.t1("admin-account-created", "email", &user.email), Some(link)));
    outcome(&app, &lang, &admin, result).await
}

pub async fn create_jurisdiction(State(app): State<App>, lang: Lang, admin: WebAdmin, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let result = admin::create_jurisdiction(&app, &Actor::admin(&admin.user), &code)
        .await
        .map(|j| (lang.t_with("admin-jurisdiction-added", &[("code", j.code.into()), ("name", j.name.into())]), None));
    outcome(&app, &lang, &admin, result).await
}

pub async fn reset_factor(State(app): State<App>, lang: Lang, admin: WebAdmin, Path(id): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let result = admin::reset_factor(&app, &Actor::admin(&admin.user), &id)
        .await
        .map(|link| (lang.t("admin-factor-reset"), Some(link)));
    outcome(&app, &lang, &admin, result).await
}

async fn set_disabled(app: &App, lang: &Lang, admin: &WebAdmin, id: &str, form: &BTreeMap<String, String>, disabled: bool) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, form) {
        return resp;
    }
    let result = admin::set_disabled(app, &Actor::admin(&admin.user), id, disabled)
        .await
        .map(|()| (lang.t(if disabled { "admin-account-disabled" } else { "admin-account-enabled" }), None));
    outcome(app, lang, admin, result).await
}

pub async fn disable(State(app): State<App>, lang: Lang, admin: WebAdmin, Path(id): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    set_disabled(&app, &lang, &admin, &id, &form, true).await
}

pub async fn enable(State(app): State<App>, lang: Lang, admin: WebAdmin, Path(id): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    set_disabled(&app, &lang, &admin, &id, &form, false).await
}

pub async fn jurisdictions(State(app): State<App>, lang: Lang, admin: WebAdmin, Path(id): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&admin.csrf, &form) {
        return resp;
    }
    let result = admin::set_jurisdictions(&app, &Actor::admin(&admin.user), &id, &codes(&form))
        .await
        .map(|codes| (lang.t1("admin-jurisdictions-set", "list", &codes.join(", ")), None));
    outcome(&app, &lang, &admin, result).await
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
    lang: Lang,
    csrf: String,
    ok: bool,
    /// "12 entries chained; 1 sealed checkpoint (…)"
    summary: String,
    problems: Vec<String>,
    entries: Vec<EntryLine>,
}

/// The audit log, newest first (the last 500 entries), with the verification of the whole chain.
pub async fn audit_log(State(app): State<App>, lang: Lang, admin: WebAdmin) -> Response {
    let verification = match crate::audit::verify(&app).await {
        Ok(v) => v,
        Err(e) => return error_page(e.into()),
    };
    let entries = match app.store.recent_audit_entries(500).await {
        Ok(e) => e,
        Err(e) => return error_page(e.into()),
    };
    let sealed = verification.sealed_up_to.map(|n| lang.number(n)).unwrap_or_else(|| lang.t("audit-none-yet"));
    let summary = lang.t_with(
        "audit-summary",
        &[
            ("entries", verification.entries.into()),
            ("entries_figure", lang.number(verification.entries).into()),
            ("checkpoints", (verification.checkpoints as i64).into()),
            ("checkpoints_figure", lang.number(verification.checkpoints).into()),
            ("sealed", sealed.into()),
        ],
    );
    let page = AuditPage {
        csrf: admin.csrf,
        ok: verification.ok(),
        summary,
        problems: verification.problems.iter().map(|p| p.to_string()).collect(),
        entries: entries
            .into_iter()
            .map(|e| EntryLine {
                seq: e.seq,
                time: match chrono::DateTime::parse_from_rfc3339(&e.time) {
                    // The column says UTC.
                    Ok(t) => lang.datetime_seconds(&t.to_utc()),
                    Err(_) => e.time,
                },
                actor: format!("{} {}", e.draft.actor_role, e.draft.actor_id.unwrap_or_default()),
                action: e.draft.action,
                subject: [e.draft.subject, e.draft.jurisdiction].into_iter().flatten().collect::<Vec<_>>().join(" · "),
                reason: [e.draft.reason, e.draft.reason_text].into_iter().flatten().collect::<Vec<_>>().join(": "),
                detail: if e.draft.detail == serde_json::json!({}) { String::new() } else { e.draft.detail.to_string() },
            })
            .collect(),
        lang,
    };
    render(StatusCode::OK, &page)
}
