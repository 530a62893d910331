//! The officers' pages: sign-in with a second factor, the queue, a check-in (opened with a
//! reason), its resolution, the dashboard, the CSV export. Every form carries a CSRF token; the
//! sign-in form, before any session, a double-submit cookie.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;

use super::{SignedIn, WebSession, check_csrf, error_page, not_found, render, session_cookie};
use crate::app::App;
use crate::domain::{AccessReason, FlagReason, Resolution};
use crate::http::api::auth as api_auth;
use crate::http::error::ApiError;
use crate::police::review::{self, AgeBucket, QueueFilter, ReviewError};
use crate::police::{charts, stats};
use crate::store::{ReviewQuery, Role, User};

/// The cookie of the double-submit CSRF token on forms shown before a session exists.
pub const FORM_COOKIE: &str = "hospes_form";

pub fn router() -> axum::Router<App> {
    axum::Router::new()
        .route("/police", get(|| async { Redirect::to("/police/queue") }))
        .route("/police/login", get(login_page).post(login))
        .route("/police/logout", post(logout))
        .route("/police/queue", get(queue))
        .route("/police/queue.csv", post(export))
        .route("/police/dashboard", get(dashboard))
        .route("/police/checkins/{id}", get(checkin))
        .route("/police/checkins/{id}/open", post(open))
        .route("/police/checkins/{id}/resolve", post(resolve))
}

/// "45 seconds", "3 minutes".
pub fn wait_text(secs: u64) -> String {
    match secs {
        0..=1 => "a second".into(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// A signed-in officer. No session: to the sign-in page; another role: not found.
pub struct WebOfficer {
    pub user: User,
    pub csrf: String,
}

impl axum::extract::FromRequestParts<App> for WebOfficer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, app: &App) -> Result<Self, Response> {
        match WebSession::from_request_parts(parts, app).await? {
            WebSession(Some(SignedIn { user, csrf, .. })) if user.role == Role::Police => Ok(WebOfficer { user, csrf }),
            WebSession(Some(_)) => Err(not_found()),
            WebSession(None) => Err(Redirect::to("/police/login").into_response()),
        }
    }
}

/// A fresh double-submit token and the cookie that carries it.
pub fn form_token(app: &App) -> (String, String) {
    let token = crate::http::auth::new_token("");
    let secure = if app.public_url.starts_with("https://") { "; Secure" } else { "" };
    let cookie = format!("{FORM_COOKIE}={token}; Path=/police; HttpOnly; SameSite=Strict; Max-Age=3600{secure}");
    (token, cookie)
}

/// Checks a pre-session form's token against its cookie.
#[allow(clippy::result_large_err)] // the page to show, as the session forms' `check_csrf` does
pub fn check_form_token(headers: &HeaderMap, form: &BTreeMap<String, String>) -> Result<(), Response> {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == FORM_COOKIE)
        .map(|(_, v)| v.to_owned());
    match (cookie, form.get("csrf")) {
        (Some(c), Some(f)) if !c.is_empty() && c == *f => Ok(()),
        _ => Err(super::message(
            StatusCode::FORBIDDEN,
            "Please try again",
            "This form expired or did not come from this site. Reload the page and submit it again.",
            Some(("/police/login", "Sign in")),
        )),
    }
}

#[derive(Template)]
#[template(path = "police/login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    error: Option<String>,
}

fn login_form(app: &App, status: StatusCode, email: String, error: Option<String>) -> Response {
    let (csrf, cookie) = form_token(app);
    let mut resp = render(status, &LoginPage { csrf, email, error });
    resp.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("a cookie is a header value"));
    resp
}

pub async fn login_page(State(app): State<App>) -> Response {
    login_form(&app, StatusCode::OK, String::new(), None)
}

pub async fn login(State(app): State<App>, headers: HeaderMap, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_form_token(&headers, &form) {
        return resp;
    }
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let email = field("email");
    let user = match api_auth::check_credentials(&app, &email, &field("password"), Some(&field("code"))).await {
        Ok(user) => user,
        // One message for a wrong address, password or code: the page tells nothing more.
        Err(ApiError::BadCredentials | ApiError::MfaRequired) => {
            let error = "The e-mail address, the password or the code is wrong (a code works once; wait for the next one).";
            return login_form(&app, StatusCode::UNAUTHORIZED, email, Some(error.into()));
        }
        Err(ApiError::RateLimited { retry_after_secs }) => {
            let error = format!("Too many failed attempts. Try again in {}.", wait_text(retry_after_secs));
            let mut resp = login_form(&app, StatusCode::TOO_MANY_REQUESTS, email, Some(error));
            resp.headers_mut().insert(header::RETRY_AFTER, retry_after_secs.into());
            return resp;
        }
        Err(e) => return error_page(e),
    };
    match api_auth::start_session(&app, &user).await {
        Ok((token, _)) => {
            let secure = app.public_url.starts_with("https://");
            let cookie = session_cookie(&token, secure, crate::police::ABSOLUTE_TIMEOUT.num_seconds());
            let to = match user.role {
                Role::Police => "/police/queue",
                Role::Admin => "/admin",
                Role::Landlord => "/properties",
            };
            let clear = format!("{FORM_COOKIE}=; Path=/police; HttpOnly; SameSite=Strict; Max-Age=0");
            let mut resp = ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response();
            resp.headers_mut().append(header::SET_COOKIE, clear.parse().expect("a cookie is a header value"));
            resp
        }
        Err(e) => error_page(e),
    }
}

/// Ends the session (any role) and returns to the police sign-in page.
pub async fn logout(State(app): State<App>, WebSession(session): WebSession, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Some(s) = session {
        if let Err(resp) = check_csrf(&s.csrf, &form) {
            return resp;
        }
        if let Err(e) = app.store.delete_session(&crate::http::auth::token_hash(&s.token)).await {
            return error_page(e.into());
        }
    }
    ([(header::SET_COOKIE, session_cookie("", false, 0))], Redirect::to("/police/login")).into_response()
}

fn review_error(e: ReviewError) -> Response {
    match e {
        ReviewError::NotFound => not_found(),
        ReviewError::Store(e) => error_page(e.into()),
        other => super::message(StatusCode::CONFLICT, "This did not work", &other.to_string(), Some(("/police/queue", "Back to the queue"))),
    }
}

struct ReasonChip {
    code: String,
    label: String,
    count: usize,
    severity: u8,
}

struct Row {
    id: String,
    flagged_at: String,
    age: String,
    severity: u8,
    reasons: String,
    property: String,
    jurisdiction: String,
    persons: i64,
    status: String,
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "police/queue.html")]
struct QueuePage {
    csrf: String,
    email: String,
    jurisdictions: String,
    total_open: usize,
    shown: usize,
    chips: Vec<ReasonChip>,
    ages: Vec<(String, String, usize)>,
    reasons: Vec<Choice>,
    properties: Vec<Choice>,
    age_choices: Vec<Choice>,
    sorts: Vec<Choice>,
    from: String,
    to: String,
    filter_fields: Vec<(String, String)>,
    access_reasons: Vec<(String, String)>,
    rows: Vec<Row>,
    error: Option<String>,
}

const ALL_REASONS: [FlagReason; 8] = [
    FlagReason::DocumentLostOrStolen,
    FlagReason::HolderDeceased,
    FlagReason::DocumentInvalid,
    FlagReason::NotFound,
    FlagReason::IdentityMismatch,
    FlagReason::DocumentExpired,
    FlagReason::NeedsReview,
    FlagReason::RegistryUnavailable,
];

fn reason_label(r: FlagReason) -> String {
    r.as_str().replace('_', " ")
}

fn access_reasons() -> Vec<(String, String)> {
    AccessReason::ALL.iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect()
}

async fn queue_page(app: &App, officer: &WebOfficer, fields: &BTreeMap<String, String>, error: Option<String>) -> Response {
    let (filter, error) = match QueueFilter::from_fields(fields) {
        Ok(f) => (f, error),
        Err(e) => (QueueFilter::default(), Some(e.to_string())),
    };
    let q = match review::queue(app, &officer.user, &filter).await {
        Ok(q) => q,
        Err(e) => return error_page(e.into()),
    };
    let choice = |value: &str, label: String, selected: bool| Choice { value: value.to_owned(), label, selected };
    let page = QueuePage {
        csrf: officer.csrf.clone(),
        email: officer.user.email.clone(),
        jurisdictions: officer.user.jurisdictions.join(", "),
        total_open: q.total_open,
        shown: q.items.len(),
        chips: q
            .by_reason
            .iter()
            .map(|(r, n)| ReasonChip { code: r.as_str().into(), label: reason_label(*r), count: *n, severity: r.severity() })
            .collect(),
        ages: q.by_age.iter().map(|(a, n)| (a.as_str().to_owned(), a.label().to_owned(), *n)).collect(),
        reasons: ALL_REASONS.iter().map(|r| choice(r.as_str(), reason_label(*r), filter.reason == Some(*r))).collect(),
        properties: q.properties.iter().map(|(id, name)| choice(id, name.clone(), filter.property.as_deref() == Some(id))).collect(),
        age_choices: AgeBucket::ALL.iter().map(|a| choice(a.as_str(), a.label().to_owned(), filter.age == Some(*a))).collect(),
        sorts: [("oldest", "oldest flag first"), ("newest", "newest flag first"), ("severity", "most severe first")]
            .iter()
            .map(|(v, l)| choice(v, (*l).to_owned(), filter.sort.as_str() == *v))
            .collect(),
        from: filter.from.map(|d| d.to_string()).unwrap_or_default(),
        to: filter.to.map(|d| d.to_string()).unwrap_or_default(),
        filter_fields: filter.to_fields().into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        access_reasons: access_reasons(),
        rows: q
            .items
            .iter()
            .map(|i| Row {
                id: i.row.id.clone(),
                flagged_at: i.flagged_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                age: stats::human_duration(i.age),
                severity: i.severity,
                reasons: i.reasons.iter().map(|r| reason_label(*r)).collect::<Vec<_>>().join(", "),
                property: i.row.property_name.clone(),
                jurisdiction: i.row.jurisdiction.clone(),
                persons: i.row.person_count,
                status: super::landlord::status_label(i.row.status).to_owned(),
            })
            .collect(),
        error,
    };
    render(if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

pub async fn queue(State(app): State<App>, officer: WebOfficer, Query(fields): Query<BTreeMap<String, String>>) -> Response {
    queue_page(&app, &officer, &fields, None).await
}

pub async fn export(State(app): State<App>, officer: WebOfficer, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&officer.csrf, &form) {
        return resp;
    }
    let filter = match QueueFilter::from_fields(&form) {
        Ok(f) => f,
        Err(e) => return queue_page(&app, &officer, &form, Some(e.to_string())).await,
    };
    let reason = form.get("reason_code").and_then(|r| AccessReason::parse(r));
    let text = form.get("reason_text").cloned().unwrap_or_default();
    match review::export_csv(&app, &officer.user, &filter, reason, &text).await {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"queue.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        Err(ReviewError::Invalid(message)) => queue_page(&app, &officer, &form, Some(format!("Export: {message}."))).await,
        Err(e) => review_error(e),
    }
}

struct FieldLine {
    name: String,
    declared: String,
    registry: String,
    flagged: bool,
}

struct PersonBlock {
    heading: String,
    nationality: String,
    guardian: Option<String>,
    fields: Vec<FieldLine>,
    flags: Vec<String>,
}

struct SealLine {
    event: String,
    time: String,
    state: String,
    problem: Option<String>,
    jws: String,
}

#[derive(Template)]
#[template(path = "police/checkin.html")]
struct CheckinPage {
    csrf: String,
    id: String,
    jurisdiction: String,
    status: String,
    status_code: String,
    /// (text, severity)
    flags: Vec<(String, u8)>,
    /// Shown only after an audited opening.
    opened: Option<Opened>,
    access_reasons: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    error: Option<String>,
    reason_text: String,
}

struct Opened {
    property: String,
    address: String,
    stay: String,
    contact: String,
    persons: Vec<PersonBlock>,
    seals: Vec<SealLine>,
    needs_review: bool,
    resolution: Option<(String, String, String)>,
}

fn field_label(name: &str) -> &'static str {
    match name {
        "family_name" => "Family name",
        "given_names" => "Given names",
        "birth_date" => "Birth date",
        "document" => "Document",
        _ => "Field",
    }
}

async fn checkin_page(app: &App, officer: &WebOfficer, id: &str, error: Option<String>, reason_text: String) -> Response {
    let checkin = match review::visible(app, &officer.user, id).await {
        Ok(c) => c,
        Err(e) => return review_error(e),
    };
    let opened = match review::record(app, &officer.user, id).await {
        Ok(r) => Some(Opened {
            property: r.property.name.clone(),
            address: r.property.address.clone(),
            stay: super::landlord::stay_text(&r.checkin),
            contact: [r.checkin.contact.phone.clone(), r.checkin.contact.email.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · "),
            persons: r
                .persons
                .iter()
                .map(|p| PersonBlock {
                    heading: format!("Guest {}", p.index + 1),
                    nationality: p.person.nationality.clone(),
                    guardian: p.person.guardian.as_ref().map(|g| format!("accompanied by guest {} ({})", g.person + 1, g.relationship)),
                    fields: p
                        .fields
                        .iter()
                        .map(|f| FieldLine {
                            name: field_label(&f.field).to_owned(),
                            declared: f.declared.clone(),
                            registry: f.registry.clone().map(|r| r.replace('_', " ")).unwrap_or_else(|| "not compared".into()),
                            flagged: f.flagged,
                        })
                        .collect(),
                    flags: p.flags.iter().map(|f| reason_label(f.reason)).collect(),
                })
                .collect(),
            seals: r
                .seals
                .iter()
                .map(|s| SealLine {
                    event: s.event.clone(),
                    time: s.time.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
                    state: s.state.clone(),
                    problem: s.problem.clone(),
                    jws: s.jws.clone(),
                })
                .collect(),
            needs_review: r.needs_review,
            resolution: r.resolution.as_ref().map(|res| {
                (res.outcome.label().to_owned(), res.note.clone(), res.resolved_at.format("%Y-%m-%d %H:%M UTC").to_string())
            }),
        }),
        Err(ReviewError::NotOpened) => None,
        Err(e) => return review_error(e),
    };
    let page = CheckinPage {
        csrf: officer.csrf.clone(),
        id: checkin.id.clone(),
        jurisdiction: checkin.jurisdiction.clone(),
        status: super::landlord::status_label(checkin.status).to_owned(),
        status_code: checkin.status.as_str().to_owned(),
        flags: checkin
            .flags
            .iter()
            .map(|f| (format!("Guest {}: {}", f.person + 1, reason_label(f.reason)), f.reason.severity()))
            .collect(),
        opened,
        access_reasons: access_reasons(),
        outcomes: Resolution::ALL.iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect(),
        reason_text,
        error,
    };
    render(if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

pub async fn checkin(State(app): State<App>, officer: WebOfficer, Path(id): Path<String>) -> Response {
    checkin_page(&app, &officer, &id, None, String::new()).await
}

pub async fn open(State(app): State<App>, officer: WebOfficer, Path(id): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&officer.csrf, &form) {
        return resp;
    }
    let reason = form.get("reason_code").and_then(|r| AccessReason::parse(r));
    let text = form.get("reason_text").cloned().unwrap_or_default();
    match review::open(&app, &officer.user, &id, reason, &text).await {
        Ok(_) => Redirect::to(&format!("/police/checkins/{id}")).into_response(),
        Err(ReviewError::Invalid(message)) => checkin_page(&app, &officer, &id, Some(message), text).await,
        Err(e) => review_error(e),
    }
}

pub async fn resolve(State(app): State<App>, officer: WebOfficer, Path(id): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&officer.csrf, &form) {
        return resp;
    }
    let outcome = form.get("outcome").and_then(|o| Resolution::parse(o));
    let note = form.get("note").cloned().unwrap_or_default();
    match review::resolve(&app, &officer.user, &id, outcome, &note).await {
        Ok(()) => Redirect::to(&format!("/police/checkins/{id}")).into_response(),
        Err(ReviewError::Invalid(message)) => checkin_page(&app, &officer, &id, Some(message), String::new()).await,
        Err(e) => review_error(e),
    }
}

#[derive(Template)]
#[template(path = "police/dashboard.html")]
struct DashboardPage {
    csrf: String,
    jurisdictions: String,
    days: u32,
    daily_svg: String,
    reasons_svg: String,
    resolution_svg: String,
    /// (severity, what it covers)
    legend: Vec<(u8, &'static str)>,
    open_now: usize,
    /// (check-in id, age, reasons, severity)
    oldest: Option<(String, String, String, u8)>,
    median: String,
    summaries: Vec<(&'static str, stats::Summary, String)>,
}

/// Days the dashboard covers.
pub const DASHBOARD_DAYS: u32 = 30;

pub async fn dashboard(State(app): State<App>, officer: WebOfficer) -> Response {
    let now = app.now();
    let since = (now.date_naive() - chrono::Duration::days(i64::from(DASHBOARD_DAYS) - 1)).and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let jurisdictions = officer.user.jurisdictions.clone();
    let window_query = ReviewQuery { jurisdictions: jurisdictions.clone(), created_since: Some(since), ..Default::default() };
    let open_query = ReviewQuery { jurisdictions, open_only: true, ..Default::default() };
    let (window, open) = match (app.store.review_rows(&window_query).await, app.store.review_rows(&open_query).await) {
        (Ok(w), Ok(o)) => (w, o),
        (Err(e), _) | (_, Err(e)) => return error_page(e.into()),
    };
    let d = stats::dashboard(&window, &open, now, DASHBOARD_DAYS);
    let median = |m: Option<chrono::Duration>| m.map(stats::human_duration).unwrap_or_else(|| "—".into());
    let page = DashboardPage {
        csrf: officer.csrf,
        jurisdictions: officer.user.jurisdictions.join(", "),
        days: DASHBOARD_DAYS,
        daily_svg: charts::daily(&d.days).svg(),
        reasons_svg: charts::by_reason(&d.by_reason).svg(),
        resolution_svg: charts::resolution_times(&d.resolution_times).svg(),
        legend: charts::severity_legend(),
        open_now: d.open_now,
        oldest: d.oldest_open.as_ref().map(|o| {
            let severity = o.reasons.first().map(|r| r.severity()).unwrap_or(1);
            (
                o.checkin_id.clone(),
                stats::human_duration(o.age),
                o.reasons.iter().map(|r| reason_label(*r)).collect::<Vec<_>>().join(", "),
                severity,
            )
        }),
        median: median(d.median_resolution),
        summaries: vec![
            ("Today", d.today.clone(), median(d.today.median_resolution)),
            ("Last 7 days", d.week.clone(), median(d.week.median_resolution)),
        ],
    };
    render(StatusCode::OK, &page)
}
