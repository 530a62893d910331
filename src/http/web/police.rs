//! The officers' pages: sign-in with a second factor, the queue, a check-in (opened with a
//! reason), its resolution, the dashboard, the CSV export. Every form carries a CSRF token; the
//! sign-in form, before any session, a double-submit cookie. Every page is in the officer's
//! language (`?lang=`, the `lang` cookie, `Accept-Language`; see [`super::i18n`]): the messages
//! live in `locales/<tag>/police.ftl`, figures, dates and durations follow the locale, and the
//! persons of a record are listed in the locale's collation order.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use super::WebForm;
use fluent_templates::fluent_bundle::FluentValue;

use super::{Lang, SignedIn, WebSession, check_csrf, error_page, not_found, notice, render, session_cookie};
use crate::app::App;
use crate::domain::review::MIN_REASON_CHARS;
use crate::domain::{AccessReason, FlagReason, Resolution};
use crate::http::api::auth as api_auth;
use crate::http::error::ApiError;
use crate::police::review::{self, AgeBucket, QueueFilter, ReviewError};
use crate::police::charts::reason_label;
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
        // The forms' targets answer a GET (the language switch of a page shown after a POST
        // links to its own address) with the page the form belongs to.
        .route("/police/queue.csv", get(|| async { Redirect::to("/police/queue") }).post(export))
        .route("/police/dashboard", get(dashboard))
        .route("/police/checkins/{id}", get(checkin))
        .route("/police/checkins/{id}/open", get(to_checkin).post(open))
        .route("/police/checkins/{id}/resolve", get(to_checkin).post(resolve))
}

async fn to_checkin(Path(id): Path<String>) -> Redirect {
    // Check-in ids are UUIDs; anything else cannot be a check-in and goes to the queue.
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Redirect::to(&format!("/police/checkins/{id}"))
    } else {
        Redirect::to("/police/queue")
    }
}

/// "45 seconds", "3 minutes", in the reader's language.
pub fn wait_text(lang: &Lang, secs: u64) -> String {
    match secs {
        0..=90 => lang.count("police-wait-seconds", secs.max(1) as i64),
        _ => lang.count("police-wait-minutes", secs.div_ceil(60) as i64),
    }
}

/// A duration as the workspace shows it ("3 d 1 h", "2 h 5 min", "7 min"), in the locale's
/// figures and units.
pub fn duration_text(lang: &Lang, d: chrono::Duration) -> String {
    let minutes = d.num_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    let n = |v: i64| FluentValue::from(lang.number(v));
    if days > 0 {
        lang.t_with("police-duration-days", &[("days", n(days)), ("hours", n(hours))])
    } else if hours > 0 {
        lang.t_with("police-duration-hours", &[("hours", n(hours)), ("minutes", n(mins))])
    } else {
        lang.t_with("police-duration-minutes", &[("minutes", n(mins))])
    }
}

/// A UTC time on the workspace's pages: the locale's date and time, marked UTC.
pub fn utc_text(lang: &Lang, t: &chrono::DateTime<chrono::Utc>) -> String {
    format!("{} UTC", lang.datetime(t))
}

/// A list in the locale's separator ("a, b"; "甲、乙").
pub fn list_text(lang: &Lang, items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join(&lang.t("list-separator"))
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
    form_token_for(app, "/police")
}

/// A pre-session form's token and its cookie, scoped to `path` (double-submit: a cross-site form
/// has neither the `SameSite=Strict` cookie nor its value).
pub fn form_token_for(app: &App, path: &str) -> (String, String) {
    let token = app.invitations.sign_form_token(&crate::http::auth::new_token(""));
    let secure = if app.public_url.starts_with("https://") { "; Secure" } else { "" };
    let cookie = format!("{FORM_COOKIE}={token}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=3600{secure}");
    (token, cookie)
}

/// Checks a pre-session form's token against its cookie.
#[allow(clippy::result_large_err)] // the page to show, as the session forms' `check_csrf` does
pub fn check_form_token(app: &App, lang: &Lang, headers: &HeaderMap, form: &BTreeMap<String, String>) -> Result<(), Response> {
    check_form_token_for(app, lang, headers, form, "/police/login")
}

/// Checks a pre-session form's token against its cookie; on failure, a page that sends the
/// reader back to `retry` (the form, with a fresh token).
#[allow(clippy::result_large_err)]
pub fn check_form_token_for(app: &App, lang: &Lang, headers: &HeaderMap, form: &BTreeMap<String, String>, retry: &'static str) -> Result<(), Response> {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == FORM_COOKIE)
        .map(|(_, v)| v.to_owned());
    match (cookie, form.get("csrf")) {
        (Some(c), Some(f)) if !c.is_empty() && c == *f && app.invitations.verify_form_token(&c) => Ok(()),
        _ => Err(notice(lang, StatusCode::FORBIDDEN, "csrf-heading", &lang.t("csrf-text"), Some((retry, "login-submit")))),
    }
}

#[derive(Template)]
#[template(path = "police/login.html")]
struct LoginPage {
    lang: Lang,
    csrf: String,
    email: String,
    error: Option<String>,
}

fn login_form(app: &App, lang: Lang, status: StatusCode, email: String, error: Option<String>) -> Response {
    let (csrf, cookie) = form_token(app);
    let mut resp = render(status, &LoginPage { lang, csrf, email, error });
    resp.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("a cookie is a header value"));
    resp
}

pub async fn login_page(State(app): State<App>, lang: Lang) -> Response {
    login_form(&app, lang, StatusCode::OK, String::new(), None)
}

pub async fn login(State(app): State<App>, lang: Lang, headers: HeaderMap, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_form_token(&app, &lang, &headers, &form) {
        return resp;
    }
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let email = field("email");
    let user = match api_auth::check_credentials(&app, &email, &field("password"), Some(&field("code"))).await {
        Ok(user) => user,
        // One message for a wrong address, password or code: the page tells nothing more.
        Err(ApiError::BadCredentials | ApiError::MfaRequired) => {
            let error = lang.t("police-login-wrong");
            return login_form(&app, lang, StatusCode::UNAUTHORIZED, email, Some(error));
        }
        Err(ApiError::RateLimited { retry_after_secs }) => {
            let error = lang.t1("police-rate-limited", "wait", &wait_text(&lang, retry_after_secs));
            let mut resp = login_form(&app, lang, StatusCode::TOO_MANY_REQUESTS, email, Some(error));
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
pub async fn logout(State(app): State<App>, WebSession(session): WebSession, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
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

/// Why the service refused an officer's form, in the officer's language. The service refuses
/// a form for a missing choice (`choice` is then `None`) or for text outside its length
/// (`text_key` states the bounds); its English message names the same thing.
fn invalid_text(lang: &Lang, choice: Option<()>, choice_key: &str, text_key: &str, min: usize) -> String {
    match choice {
        None => lang.t(choice_key),
        Some(()) => lang.t_with(
            text_key,
            &[("min", (min as i64).into()), ("max", lang.number(crate::domain::review::MAX_TEXT_CHARS).into())],
        ),
    }
}

fn review_error(lang: &Lang, e: ReviewError) -> Response {
    let text = match e {
        ReviewError::NotFound => return not_found(),
        ReviewError::Store(e) => return error_page(e.into()),
        ReviewError::NotOpened => lang.t("police-error-not-opened"),
        ReviewError::Conflict => lang.t("police-error-conflict"),
        other => other.to_string(),
    };
    notice(lang, StatusCode::CONFLICT, "police-error-heading", &text, Some(("/police/queue", "police-back-to-queue")))
}

struct ReasonChip {
    code: String,
    label: String,
    count: String,
    severity: u8,
}

struct Row {
    id: String,
    flagged_at: String,
    age: String,
    severity: u8,
    severity_text: String,
    severity_title: String,
    reasons: String,
    property: String,
    jurisdiction: String,
    persons: String,
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
    lang: Lang,
    csrf: String,
    email: String,
    jurisdictions: String,
    total_open: String,
    shown: String,
    chips: Vec<ReasonChip>,
    /// (code, "waiting under a day", count)
    ages: Vec<(String, String, String)>,
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

fn reasons_text(lang: &Lang, reasons: &[FlagReason]) -> String {
    list_text(lang, reasons.iter().map(|r| reason_label(lang, *r)))
}

fn access_reasons(lang: &Lang) -> Vec<(String, String)> {
    AccessReason::ALL.iter().map(|r| (r.as_str().to_owned(), lang.t(&format!("police-access-{}", r.as_str())))).collect()
}

fn outcomes(lang: &Lang) -> Vec<(String, String)> {
    Resolution::ALL.iter().map(|r| (r.as_str().to_owned(), lang.t(&format!("resolution-{}", r.as_str())))).collect()
}

async fn queue_page(app: &App, lang: Lang, officer: &WebOfficer, fields: &BTreeMap<String, String>, error: Option<String>) -> Response {
    let (filter, error) = match QueueFilter::from_fields(fields) {
        Ok(f) => (f, error),
        Err(e) => (QueueFilter::default(), Some(e.to_string())),
    };
    let q = match review::queue(app, &officer.user, &filter).await {
        Ok(q) => q,
        Err(e) => return error_page(e.into()),
    };
    let choice = |value: &str, label: String, selected: bool| Choice { value: value.to_owned(), label, selected };
    let mut properties: Vec<Choice> =
        q.properties.iter().map(|(id, name)| choice(id, name.clone(), filter.property.as_deref() == Some(id))).collect();
    lang.sort_by_name(&mut properties, |c| c.label.clone());
    let page = QueuePage {
        csrf: officer.csrf.clone(),
        email: officer.user.email.clone(),
        jurisdictions: list_text(&lang, officer.user.jurisdictions.iter().cloned()),
        total_open: lang.number(q.total_open),
        shown: lang.number(q.items.len()),
        chips: q
            .by_reason
            .iter()
            .map(|(r, n)| ReasonChip { code: r.as_str().into(), label: reason_label(&lang, *r), count: lang.number(*n), severity: r.severity() })
            .collect(),
        ages: q.by_age.iter().map(|(a, n)| (a.as_str().to_owned(), lang.t(&format!("police-waiting-{}", a.as_str())), lang.number(*n))).collect(),
        reasons: ALL_REASONS.iter().map(|r| choice(r.as_str(), reason_label(&lang, *r), filter.reason == Some(*r))).collect(),
        properties,
        age_choices: AgeBucket::ALL.iter().map(|a| choice(a.as_str(), lang.t(&format!("police-age-{}", a.as_str())), filter.age == Some(*a))).collect(),
        sorts: ["oldest", "newest", "severity"]
            .iter()
            .map(|v| choice(v, lang.t(&format!("police-sort-{v}")), filter.sort.as_str() == *v))
            .collect(),
        from: filter.from.map(|d| d.to_string()).unwrap_or_default(),
        to: filter.to.map(|d| d.to_string()).unwrap_or_default(),
        filter_fields: filter.to_fields().into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        access_reasons: access_reasons(&lang),
        rows: q
            .items
            .iter()
            .map(|i| Row {
                id: i.row.id.clone(),
                flagged_at: utc_text(&lang, &i.flagged_at),
                age: duration_text(&lang, i.age),
                severity: i.severity,
                severity_text: lang.number(i.severity),
                severity_title: lang.t1("police-severity", "level", &lang.number(i.severity)),
                reasons: reasons_text(&lang, &i.reasons),
                property: i.row.property_name.clone(),
                jurisdiction: i.row.jurisdiction.clone(),
                persons: lang.number(i.row.person_count),
                status: super::landlord::status_in(&lang, i.row.status),
            })
            .collect(),
        error,
        lang,
    };
    render(if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

pub async fn queue(State(app): State<App>, lang: Lang, officer: WebOfficer, Query(fields): Query<BTreeMap<String, String>>) -> Response {
    queue_page(&app, lang, &officer, &fields, None).await
}

pub async fn export(State(app): State<App>, lang: Lang, officer: WebOfficer, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&officer.csrf, &form) {
        return resp;
    }
    let filter = match QueueFilter::from_fields(&form) {
        Ok(f) => f,
        Err(e) => return queue_page(&app, lang, &officer, &form, Some(e.to_string())).await,
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
        Err(ReviewError::Invalid(_)) => {
            let why = invalid_text(&lang, reason.map(|_| ()), "police-error-choose-reason", "police-error-reason-text", MIN_REASON_CHARS);
            let error = lang.t1("police-export-error", "problem", &why);
            queue_page(&app, lang, &officer, &form, Some(error)).await
        }
        Err(e) => review_error(&lang, e),
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
    flags: String,
}

struct SealLine {
    event: String,
    time: String,
    state: String,
    state_label: String,
    problem: Option<String>,
    jws: String,
}

#[derive(Template)]
#[template(path = "police/checkin.html")]
struct CheckinPage {
    lang: Lang,
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

/// One declared field beside the registry's answer, in the reader's language: the birth date
/// in the locale's format, the document type by its name.
fn field_line(lang: &Lang, person: &crate::domain::Person, f: &review::FieldView) -> FieldLine {
    let declared = match f.field.as_str() {
        "birth_date" => lang.date(person.birth_date),
        "document" => {
            let kind = lang.t(&format!("document-type-{}", person.document.kind.as_str()));
            format!("{kind} {} ({})", person.document.number, person.document.issuing_country)
        }
        _ => f.declared.clone(),
    };
    let registry = match &f.registry {
        Some(r) => lang.try_t(&format!("police-registry-{r}")).unwrap_or_else(|| r.replace('_', " ")),
        None => lang.t("police-registry-none"),
    };
    FieldLine { name: lang.t(&format!("police-field-{}", f.field)), declared, registry, flagged: f.flagged }
}

fn person_block(lang: &Lang, p: &review::PersonView) -> PersonBlock {
    PersonBlock {
        heading: lang.t1("privacy-guest", "number", &lang.number(p.index + 1)),
        nationality: p.person.nationality.clone(),
        guardian: p.person.guardian.as_ref().map(|g| {
            let relationship = lang.try_t(&format!("relationship-{}", g.relationship)).unwrap_or_else(|| g.relationship.replace('_', " "));
            lang.t_with("police-accompanied", &[("number", lang.number(g.person + 1).into()), ("relationship", relationship.into())])
        }),
        fields: p.fields.iter().map(|f| field_line(lang, &p.person, f)).collect(),
        flags: list_text(lang, p.flags.iter().map(|f| reason_label(lang, f.reason))),
    }
}

fn opened_view(lang: &Lang, mut r: review::RecordView) -> Opened {
    // Listed by name in the reader's collation; each keeps its guest number, which the flags use.
    lang.sort_by_name(&mut r.persons, |p| super::i18n::listing_name(&p.person));
    Opened {
        property: r.property.name.clone(),
        address: r.property.address.clone(),
        stay: super::landlord::stay_in(lang, &r.checkin),
        contact: [r.checkin.contact.phone.clone(), r.checkin.contact.email.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · "),
        persons: r.persons.iter().map(|p| person_block(lang, p)).collect(),
        seals: r
            .seals
            .iter()
            .map(|s| SealLine {
                event: lang.try_t(&format!("event-{}", s.event)).unwrap_or_else(|| s.event.clone()),
                time: format!("{} UTC", lang.datetime_seconds(&s.time)),
                state_label: lang.t(&format!("police-seal-{}", s.state)),
                state: s.state.clone(),
                problem: s.problem.clone(),
                jws: s.jws.clone(),
            })
            .collect(),
        needs_review: r.needs_review,
        resolution: r
            .resolution
            .as_ref()
            .map(|res| (lang.t(&format!("resolution-{}", res.outcome.as_str())), res.note.clone(), utc_text(lang, &res.resolved_at))),
    }
}

async fn checkin_page(app: &App, lang: Lang, officer: &WebOfficer, id: &str, error: Option<String>, reason_text: String) -> Response {
    let checkin = match review::visible(app, &officer.user, id).await {
        Ok(c) => c,
        Err(e) => return review_error(&lang, e),
    };
    let opened = match review::record(app, &officer.user, id).await {
        Ok(r) => Some(opened_view(&lang, r)),
        Err(ReviewError::NotOpened) => None,
        Err(e) => return review_error(&lang, e),
    };
    let page = CheckinPage {
        csrf: officer.csrf.clone(),
        id: checkin.id.clone(),
        jurisdiction: checkin.jurisdiction.clone(),
        status: super::landlord::status_in(&lang, checkin.status),
        status_code: checkin.status.as_str().to_owned(),
        flags: checkin
            .flags
            .iter()
            .map(|f| {
                let text = lang.t_with("checkin-flag", &[("number", lang.number(f.person + 1).into()), ("reason", reason_label(&lang, f.reason).into())]);
                (text, f.reason.severity())
            })
            .collect(),
        opened,
        access_reasons: access_reasons(&lang),
        outcomes: outcomes(&lang),
        reason_text,
        error,
        lang,
    };
    render(if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK }, &page)
}

pub async fn checkin(State(app): State<App>, lang: Lang, officer: WebOfficer, Path(id): Path<String>) -> Response {
    checkin_page(&app, lang, &officer, &id, None, String::new()).await
}

pub async fn open(State(app): State<App>, lang: Lang, officer: WebOfficer, Path(id): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&officer.csrf, &form) {
        return resp;
    }
    let reason = form.get("reason_code").and_then(|r| AccessReason::parse(r));
    let text = form.get("reason_text").cloned().unwrap_or_default();
    match review::open(&app, &officer.user, &id, reason, &text).await {
        Ok(_) => Redirect::to(&format!("/police/checkins/{id}")).into_response(),
        Err(ReviewError::Invalid(_)) => {
            let why = invalid_text(&lang, reason.map(|_| ()), "police-error-choose-reason", "police-error-reason-text", MIN_REASON_CHARS);
            checkin_page(&app, lang, &officer, &id, Some(why), text).await
        }
        Err(e) => review_error(&lang, e),
    }
}

pub async fn resolve(State(app): State<App>, lang: Lang, officer: WebOfficer, Path(id): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_csrf(&officer.csrf, &form) {
        return resp;
    }
    let outcome = form.get("outcome").and_then(|o| Resolution::parse(o));
    let note = form.get("note").cloned().unwrap_or_default();
    match review::resolve(&app, &officer.user, &id, outcome, &note).await {
        Ok(()) => Redirect::to(&format!("/police/checkins/{id}")).into_response(),
        Err(ReviewError::Invalid(_)) => {
            let why = invalid_text(&lang, outcome.map(|_| ()), "police-error-choose-outcome", "police-error-note-text", 1);
            checkin_page(&app, lang, &officer, &id, Some(why), String::new()).await
        }
        Err(e) => review_error(&lang, e),
    }
}

/// One column of the dashboard's summary table, every figure in the locale's notation.
struct SummaryColumn {
    label: String,
    checkins: String,
    flagged: String,
    resolved: String,
    cleared: String,
    confirmed: String,
    needs_follow_up: String,
    median: String,
}

#[derive(Template)]
#[template(path = "police/dashboard.html")]
struct DashboardPage {
    lang: Lang,
    csrf: String,
    /// "ES-M, last 30 days"
    period: String,
    daily_svg: String,
    reasons_svg: String,
    resolution_svg: String,
    /// (severity, what it covers)
    legend: Vec<(u8, String)>,
    open_now: String,
    /// (check-in id, age, reasons, severity)
    oldest: Option<(String, String, String, u8)>,
    median: String,
    summaries: Vec<SummaryColumn>,
}

/// Days the dashboard covers.
pub const DASHBOARD_DAYS: u32 = 30;

pub async fn dashboard(State(app): State<App>, lang: Lang, officer: WebOfficer) -> Response {
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
    let median = |m: Option<chrono::Duration>| m.map(|m| duration_text(&lang, m)).unwrap_or_else(|| "—".into());
    let column = |label: &str, s: &stats::Summary| SummaryColumn {
        label: lang.t(label),
        checkins: lang.number(s.checkins),
        flagged: lang.number(s.flagged),
        resolved: lang.number(s.resolved),
        cleared: lang.number(s.cleared),
        confirmed: lang.number(s.confirmed),
        needs_follow_up: lang.number(s.needs_follow_up),
        median: median(s.median_resolution),
    };
    let page = DashboardPage {
        csrf: officer.csrf.clone(),
        period: lang.t_with(
            "police-dashboard-period",
            &[("jurisdictions", list_text(&lang, officer.user.jurisdictions.iter().cloned()).into()), ("count", i64::from(DASHBOARD_DAYS).into())],
        ),
        daily_svg: charts::daily(&lang, &d.days).svg(),
        reasons_svg: charts::by_reason(&lang, &d.by_reason).svg(),
        resolution_svg: charts::resolution_times(&lang, &d.resolution_times).svg(),
        legend: charts::severity_legend(&lang),
        open_now: lang.number(d.open_now),
        oldest: d.oldest_open.as_ref().map(|o| {
            let severity = o.reasons.first().map(|r| r.severity()).unwrap_or(1);
            (o.checkin_id.clone(), duration_text(&lang, o.age), reasons_text(&lang, &o.reasons), severity)
        }),
        median: median(d.median_resolution),
        summaries: vec![column("police-summary-today", &d.today), column("police-summary-week", &d.week)],
        lang: lang.clone(),
    };
    render(StatusCode::OK, &page)
}
