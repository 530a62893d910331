//! Enrolling a second factor through an admin's one-time link: the account's password (or, for
//! an account created without one, a new password), then the QR code for the authenticator app
//! and a code from it, then the recovery codes, shown once. In the reader's language, like the
//! rest of the police workspace.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use super::WebForm;

use super::police::{check_form_token, form_token, wait_text};
use super::{Lang, error_page, notice, render};
use crate::app::App;
use crate::audit::{self, AuditDraft, action};
use crate::police::admin::{NO_PASSWORD, check_password};
use crate::police::factor::{self, EnrolError};
use crate::police::lockout;
use crate::store::{Enrolment, User};

pub fn router() -> axum::Router<App> {
    axum::Router::new().route("/police/enrol/{token}", get(page).post(submit))
}

#[derive(Template)]
#[template(path = "police/enrol.html")]
struct EnrolPage {
    lang: Lang,
    csrf: String,
    token: String,
    email: String,
    /// `password`, `confirm` or `done`.
    step: &'static str,
    needs_password: bool,
    qr_svg: Option<String>,
    base32: Option<String>,
    codes: Vec<String>,
    error: Option<String>,
}

fn invalid_link(lang: &Lang) -> Response {
    notice(lang, StatusCode::NOT_FOUND, "enrol-invalid-heading", &lang.t("enrol-invalid"), None)
}

async fn live(app: &App, lang: &Lang, token: &str) -> Result<(Enrolment, User), Response> {
    let found = app.store.enrolment(&crate::http::auth::token_hash(token), app.now()).await.map_err(|e| error_page(e.into()))?;
    let Some(enrolment) = found else { return Err(invalid_link(lang)) };
    match app.store.user(&enrolment.user_id).await {
        Ok(Some(user)) if !user.disabled => Ok((enrolment, user)),
        Ok(_) => Err(invalid_link(lang)),
        Err(e) => Err(error_page(e.into())),
    }
}

fn page_for(lang: &Lang, user: &User, token: &str, csrf: String, step: &'static str) -> EnrolPage {
    EnrolPage {
        lang: lang.clone(),
        csrf,
        token: token.to_owned(),
        email: user.email.clone(),
        step,
        needs_password: user.password_hash == NO_PASSWORD,
        qr_svg: None,
        base32: None,
        codes: vec![],
        error: None,
    }
}

pub async fn page(State(app): State<App>, lang: Lang, Path(token): Path<String>) -> Response {
    let (_, user) = match live(&app, &lang, &token).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let (csrf, cookie) = form_token(&app);
    let mut resp = render(StatusCode::OK, &page_for(&lang, &user, &token, csrf, "password"));
    resp.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("a cookie is a header value"));
    resp
}

/// Checks the account's password under the sign-in throttle; `Err` is the page to show.
async fn check_password_step(app: &App, user: &User, form: &BTreeMap<String, String>, page: &mut EnrolPage) -> Result<(), StatusCode> {
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    if user.password_hash == NO_PASSWORD {
        let (new, repeat) = (field("new_password"), field("repeat_password"));
        // The only rule is the length (12 to 128 characters), which the message states.
        if check_password(&new).is_err() {
            page.error = Some(page.lang.t("enrol-password-length"));
            return Err(StatusCode::UNPROCESSABLE_ENTITY);
        }
        if new != repeat {
            page.error = Some(page.lang.t("enrol-passwords-differ"));
            return Err(StatusCode::UNPROCESSABLE_ENTITY);
        }
        let hash = tokio::task::spawn_blocking(move || crate::http::auth::hash_password(&new)).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        return match app.store.set_first_password(&user.id, &hash).await {
            Ok(true) => Ok(()),
            _ => Err(StatusCode::CONFLICT),
        };
    }
    let key = lockout::key(&user.email);
    let now = app.now();
    let before = app.store.update_throttle(&key, now, &|s| lockout::admit(s, now).1).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    if let Some(secs) = lockout::admit(before, now).0.retry_after_secs() {
        page.error = Some(page.lang.t1("police-rate-limited", "wait", &wait_text(&page.lang, secs)));
        return Err(StatusCode::TOO_MANY_REQUESTS);
    }
    let (password, hash) = (field("password"), user.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || crate::http::auth::verify_password(&password, &hash)).await.unwrap_or(false);
    if ok {
        app.store.update_throttle(&key, now, &lockout::refund).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
        return Ok(());
    }
    app.store.update_throttle(&key, now, &|s| lockout::failed(s, now).0).await.map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    page.error = Some(page.lang.t("enrol-password-wrong"));
    Err(StatusCode::UNAUTHORIZED)
}

pub async fn submit(State(app): State<App>, lang: Lang, Path(token): Path<String>, headers: HeaderMap, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = check_form_token(&app, &lang, &headers, &form) {
        return resp;
    }
    let (enrolment, user) = match live(&app, &lang, &token).await {
        Ok(found) => found,
        Err(resp) => return resp,
    };
    let csrf = form.get("csrf").cloned().unwrap_or_default();
    match form.get("step").map(String::as_str) {
        Some("password") => {
            let mut page = page_for(&lang, &user, &token, csrf, "password");
            if let Err(status) = check_password_step(&app, &user, &form, &mut page).await {
                if status == StatusCode::INTERNAL_SERVER_ERROR || status == StatusCode::CONFLICT {
                    return invalid_link(&lang);
                }
                return render(status, &page);
            }
            match factor::offer(&app, &token, &user, enrolment.pending_secret.as_deref()).await {
                Ok(offer) => {
                    page.step = "confirm";
                    page.needs_password = false;
                    page.qr_svg = Some(offer.qr_svg);
                    page.base32 = Some(offer.base32);
                    render(StatusCode::OK, &page)
                }
                Err(e) => error_page(e.into()),
            }
        }
        Some("confirm") => {
            let code = form.get("code").cloned().unwrap_or_default();
            match factor::confirm(&app, &token, &user, enrolment.pending_secret.as_deref(), &code).await {
                Ok(codes) => {
                    if let Err(e) = audit::record(&app, AuditDraft::new(Some(&user.id), user.role.as_str(), action::FACTOR_ENROLLED).subject(&user.id)).await {
                        return error_page(e.into());
                    }
                    let mut page = page_for(&lang, &user, &token, String::new(), "done");
                    page.codes = codes;
                    render(StatusCode::OK, &page)
                }
                // The QR code is not shown again here (whoever posts a wrong code learns nothing);
                // the link, with the password, shows it again.
                Err(EnrolError::WrongCode) => {
                    let mut page = page_for(&lang, &user, &token, csrf, "confirm");
                    page.error = Some(lang.t("enrol-wrong-code"));
                    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
                }
                Err(EnrolError::LinkInvalid) => invalid_link(&lang),
                Err(EnrolError::Store(e)) => error_page(e.into()),
            }
        }
        _ => invalid_link(&lang),
    }
}
