//! Server-rendered pages for landlords, tenants, police officers and admins (askama templates;
//! progressive enhancement, no script required), each in the reader's language ([`i18n`]). Forms keep what was typed when something is wrong and name each field.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sha2::{Digest, Sha256};

use crate::app::App;
use crate::http::auth::{self, SESSION_COOKIE};
use crate::http::error::ApiError;
use crate::store::{Role, User};

mod admin;
mod checkin_form;
mod enrol;
pub mod i18n;
mod landlord;
mod live;
pub(crate) mod police;
mod sign;
mod tenant;
mod verify;

pub use i18n::Lang;

pub fn router() -> axum::Router<App> {
    axum::Router::new()
        .route("/", get(landlord::home))
        .route("/static/app.css", get(stylesheet))
        .route("/static/app.js", get(script))
        .route("/login", get(landlord::login_page).post(landlord::login))
        .route("/logout", post(landlord::logout))
        .route("/properties", get(landlord::properties).post(landlord::create_property))
        .route("/properties/{id}", get(landlord::property))
        .route("/properties/{id}/checkin", get(landlord::checkin_form).post(landlord::submit_checkin))
        .route("/properties/{id}/scan", get(landlord::scan_again).post(landlord::scan))
        .route("/properties/{id}/sign", get(sign::door_sign))
        .route("/checkins/{id}", get(landlord::checkin))
        .route("/checkins/{id}/events", get(live::landlord_events))
        .route("/checkins/{id}/status.json", get(live::landlord_status))
        .route("/checkins/{id}/checkout", post(landlord::checkout))
        .route("/checkins/{id}/verify", get(verify::landlord))
        .route("/checkins/{id}/print", get(landlord::receipt_print))
        .route("/i/{token}", get(tenant::form).post(tenant::submit))
        // What the printed QR code holds (upper case, for the QR alphanumeric mode).
        .route("/I/{token}", get(tenant::form).post(tenant::submit))
        .route("/r/{token}", get(tenant::receipt))
        .route("/r/{token}/receipt.json", get(tenant::receipt_json))
        .route("/r/{token}/receipt.svg", get(tenant::receipt_svg))
        .route("/r/{token}/print", get(tenant::receipt_print))
        .route("/r/{token}/data.json", get(tenant::data_json))
        .route("/r/{token}/events", get(live::tenant_events))
        .route("/r/{token}/status.json", get(live::tenant_status))
        .route("/r/{token}/verify", get(verify::tenant))
        .merge(police::router())
        .merge(enrol::router())
        .merge(admin::router())
        .layer(axum::middleware::from_fn(i18n::remember_choice))
}

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css"), (header::CACHE_CONTROL, "public, max-age=3600")], include_str!("../../../static/app.css"))
        .into_response()
}

/// The pages' one script: progressive enhancement only (photo preview and checks, inline
/// validation, live status); every page works without it.
async fn script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript"), (header::CACHE_CONTROL, "public, max-age=3600")], include_str!("../../../static/app.js"))
        .into_response()
}

/// Renders a template, or a plain 500 if rendering fails (logged).
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong; please try again.").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub heading: String,
    pub message: String,
    pub link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "notice.html")]
pub struct NoticePage {
    pub lang: Lang,
    pub heading: String,
    pub message: String,
    pub link: Option<(String, String)>,
}

/// A submitted form (`application/x-www-form-urlencoded`). A body that is not one (another
/// content type, bytes that do not parse) gets a page in the reader's language instead of the
/// framework's plain-text rejection.
pub struct WebForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S> for WebForm<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let lang = match Lang::from_request_parts(&mut parts, state).await {
            Ok(lang) => lang,
            Err(never) => match never {},
        };
        let req = axum::extract::Request::from_parts(parts, body);
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(WebForm(value)),
            Err(rejection) => Err(notice(&lang, rejection.status(), "form-unreadable-heading", &lang.t("form-unreadable"), None)),
        }
    }
}

/// A page telling a landlord or a tenant what went wrong and what to do, in their language:
/// `heading` is a message key; `message` is already translated; `link` is (href, message key).
pub fn notice(lang: &Lang, status: StatusCode, heading: &str, message: &str, link: Option<(&str, &str)>) -> Response {
    let page = NoticePage {
        lang: lang.clone(),
        heading: lang.t(heading),
        message: message.to_owned(),
        link: link.map(|(h, key)| (h.to_owned(), lang.t(key))),
    };
    render(status, &page)
}

/// An API error shown as a page in the reader's language: the problem's code picks the message
/// `problem-<code>` when the locale has one, else the problem's English title and detail.
pub fn error_notice(lang: &Lang, e: ApiError) -> Response {
    let status = e.status();
    if let ApiError::Internal(detail) = &e {
        tracing::error!(error = %detail, "internal error on a page");
    }
    let problem = e.problem();
    let code = e.code();
    let heading = lang.try_t(&format!("problem-{code}-title")).unwrap_or_else(|| problem.title.clone());
    let detail = lang.try_t(&format!("problem-{code}")).unwrap_or_else(|| problem.detail.clone().unwrap_or_default());
    let page = NoticePage { lang: lang.clone(), heading, message: detail, link: None };
    render(status, &page)
}

/// A page telling the user what went wrong and what to do.
pub fn message(status: StatusCode, heading: &str, message: &str, link: Option<(&str, &str)>) -> Response {
    let page = MessagePage {
        heading: heading.to_owned(),
        message: message.to_owned(),
        link: link.map(|(h, l)| (h.to_owned(), l.to_owned())),
    };
    render(status, &page)
}

/// An API error shown as a page.
pub fn error_page(e: ApiError) -> Response {
    let status = e.status();
    if let ApiError::Internal(detail) = &e {
        tracing::error!(error = %detail, "internal error on a page");
    }
    let detail = e.problem().detail.unwrap_or_default();
    message(status, e.problem().title.as_str(), &detail, None)
}

/// The CSRF token of a session: derived from the session token, which only the browser that
/// holds the `HttpOnly`, `SameSite=Strict` cookie knows.
pub fn csrf_for(session_token: &str) -> String {
    use base64::Engine;
    let digest = Sha256::new().chain_update(b"hospes csrf v1").chain_update(session_token.as_bytes()).finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..18])
}

/// A landlord signed in through the session cookie. Anyone else is sent to the sign-in page.
pub struct WebLandlord {
    pub user: User,
    pub csrf: String,
}

pub struct ToLogin;

impl IntoResponse for ToLogin {
    fn into_response(self) -> Response {
        Redirect::to("/login").into_response()
    }
}

impl FromRequestParts<App> for WebLandlord {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        match WebSession::from_request_parts(parts, app).await? {
            WebSession(Some(s)) if s.user.role == Role::Landlord => Ok(WebLandlord { user: s.user, csrf: s.csrf }),
            // Another role: the landlord's pages do not exist for them.
            WebSession(Some(_)) => Err(not_found()),
            WebSession(None) => Err(ToLogin.into_response()),
        }
    }
}

/// The signed-in user of the session cookie, if any, with the session's CSRF token.
pub struct WebSession(pub Option<SignedIn>);

pub struct SignedIn {
    pub user: User,
    pub csrf: String,
    pub token: String,
}

impl FromRequestParts<App> for WebSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Response> {
        let Some(token) = auth::cookie(parts, SESSION_COOKIE) else { return Ok(WebSession(None)) };
        match app.store.session_user(&auth::token_hash(&token), app.now()).await {
            Ok(Some(user)) => Ok(WebSession(Some(SignedIn { user, csrf: csrf_for(&token), token }))),
            Ok(None) => Ok(WebSession(None)),
            Err(e) => Err(error_page(e.into())),
        }
    }
}

/// The page for anything that is not there, or not for this user.
pub fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not found", "There is nothing here, or nothing you may see.", None)
}

/// Checks a form's CSRF token against the session's; `Err` is the page to show.
#[allow(clippy::result_large_err)]
pub fn check_csrf(expected: &str, form: &BTreeMap<String, String>) -> Result<(), Response> {
    if form.get("csrf").is_some_and(|t| t == expected) {
        Ok(())
    } else {
        Err(message(
            StatusCode::FORBIDDEN,
            "Please try again",
            "This form expired or did not come from this site. Reload the page and submit it again.",
            None,
        ))
    }
}

impl WebLandlord {
    /// Checks a form's CSRF token.
    #[allow(clippy::result_large_err)]
    pub fn check_csrf(&self, form: &BTreeMap<String, String>) -> Result<(), Response> {
        check_csrf(&self.csrf, form)
    }
}

/// The cookie that carries a session.
pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}
