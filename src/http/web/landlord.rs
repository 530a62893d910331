//! The landlord's pages: sign in, properties, a property's QR and check-ins, checking a tenant in
//! (typed or from a photo of the tenant's identity QR), a check-in's live status.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use super::WebForm;

use super::checkin_form::{CheckinFormPage, CheckinFormValues};
use super::{Lang, WebLandlord, error_notice, notice, render, session_cookie};
use crate::app::{App, Channel};
use crate::http::api::{auth as api_auth, checkins, credentials, properties as api_properties};
use crate::http::error::ApiError;
use crate::store::{CheckinRecord, Property};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    /// The double-submit token of the sign-in form (login CSRF: a cross-site form must not sign
    /// the reader in to someone else's account).
    csrf: String,
    email: String,
    error: Option<String>,
}

pub async fn home(super::WebSession(session): super::WebSession) -> Response {
    use crate::store::Role;
    match session.map(|s| s.user.role) {
        Some(Role::Landlord) => Redirect::to("/properties").into_response(),
        Some(Role::Police) => Redirect::to("/police/queue").into_response(),
        Some(Role::Admin) => Redirect::to("/admin").into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

pub async fn login_page(State(app): State<App>, lang: Lang) -> Response {
    let (csrf, cookie) = super::police::form_token_for(&app, "/login");
    let mut resp = render(StatusCode::OK, &LoginPage { lang, csrf, email: String::new(), error: None });
    if let Ok(value) = header::HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, value);
    }
    resp
}

pub async fn login(State(app): State<App>, lang: Lang, headers: axum::http::HeaderMap, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = super::police::check_form_token_for(&app, &lang, &headers, &form, "/login") {
        return resp;
    }
    let csrf = form.get("csrf").cloned().unwrap_or_default();
    let email = form.get("email").cloned().unwrap_or_default();
    let password = form.get("password").cloned().unwrap_or_default();
    let user = match api_auth::check_credentials(&app, &email, &password, None).await {
        Ok(user) => user,
        Err(e @ (ApiError::BadCredentials | ApiError::MfaRequired)) => {
            let error = match e {
                ApiError::MfaRequired => lang.t("login-police-elsewhere"),
                _ => lang.t("login-wrong"),
            };
            return render(StatusCode::UNAUTHORIZED, &LoginPage { lang, csrf, email, error: Some(error) });
        }
        Err(ApiError::RateLimited { retry_after_secs }) => {
            let minutes = retry_after_secs.div_ceil(60).max(1) as i64;
            let error = lang.count("login-rate-limited", minutes);
            return render(StatusCode::TOO_MANY_REQUESTS, &LoginPage { lang, csrf, email, error: Some(error) });
        }
        Err(e) => return error_notice(&lang, e),
    };
    match api_auth::start_session(&app, &user).await {
        Ok((token, _)) => {
            let cookie = session_cookie(&token, app.public_url.starts_with("https://"), api_auth::TOKEN_TTL_HOURS * 3600);
            ([(header::SET_COOKIE, cookie)], Redirect::to("/properties")).into_response()
        }
        Err(e) => error_notice(&lang, e),
    }
}

pub async fn logout(State(app): State<App>, lang: Lang, landlord: WebLandlord, headers: axum::http::HeaderMap, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = landlord.check_csrf(&form) {
        return resp;
    }
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == crate::http::auth::SESSION_COOKIE)
        .map(|(_, v)| v.to_owned());
    if let Some(token) = token
        && let Err(e) = app.store.delete_session(&crate::http::auth::token_hash(&token)).await
    {
        return error_notice(&lang, e.into());
    }
    let cookie = session_cookie("", false, 0);
    ([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response()
}

#[derive(Default)]
struct PropertyForm {
    name: String,
    address: String,
    jurisdiction: String,
    time_zone: String,
}

#[derive(Template)]
#[template(path = "properties.html")]
struct PropertiesPage {
    lang: Lang,
    csrf: String,
    properties: Vec<Property>,
    form: PropertyForm,
    errors: BTreeMap<String, String>,
}

pub async fn properties(State(app): State<App>, lang: Lang, landlord: WebLandlord) -> Response {
    match app.store.properties_of(&landlord.user.id).await {
        Ok(properties) => render(
            StatusCode::OK,
            &PropertiesPage { lang, csrf: landlord.csrf, properties, form: PropertyForm::default(), errors: BTreeMap::new() },
        ),
        Err(e) => error_notice(&lang, e.into()),
    }
}

pub async fn create_property(State(app): State<App>, lang: Lang, landlord: WebLandlord, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    if let Err(resp) = landlord.check_csrf(&form) {
        return resp;
    }
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let input = api_properties::NewProperty {
        name: Some(field("name")),
        address: Some(field("address")),
        jurisdiction: Some(field("jurisdiction")),
        time_zone: Some(field("time_zone")),
    };
    match api_properties::validate_property(&input) {
        Ok((name, address, jurisdiction, time_zone)) => {
            let property = Property {
                id: uuid::Uuid::now_v7().to_string(),
                landlord_id: landlord.user.id.clone(),
                name,
                address,
                jurisdiction,
                time_zone,
                invitation_epoch: 0,
                created_at: app.now(),
            };
            match app.store.create_property(&property).await {
                Ok(()) => Redirect::to(&format!("/properties/{}", property.id)).into_response(),
                Err(e) => error_notice(&lang, e.into()),
            }
        }
        Err(errors) => {
            let properties = app.store.properties_of(&landlord.user.id).await.unwrap_or_default();
            let form = PropertyForm { name: field("name"), address: field("address"), jurisdiction: field("jurisdiction"), time_zone: field("time_zone") };
            let errors = errors.iter().map(|e| (e.field.clone(), lang.field_error(&e.field, e))).collect();
            render(StatusCode::UNPROCESSABLE_ENTITY, &PropertiesPage { lang, csrf: landlord.csrf, properties, form, errors })
        }
    }
}

struct CheckinLine {
    id: String,
    /// Still awaiting the registry: the page's script polls its status.
    pending: bool,
    stay: String,
    status: String,
    status_label: String,
    persons: String,
    channel: String,
}

#[derive(Template)]
#[template(path = "property.html")]
struct PropertyPage {
    lang: Lang,
    csrf: String,
    property: Property,
    qr_svg: String,
    invitation_url: String,
    checkins: Vec<CheckinLine>,
}

/// The stay in the reader's language, in the property's own offset.
pub fn stay_in(lang: &Lang, c: &CheckinRecord) -> String {
    format!("{} → {}", lang.datetime(&c.stay.check_in), lang.datetime(&c.stay.check_out))
}

/// A status in the reader's language (`status-<status>`).
pub fn status_in(lang: &Lang, status: crate::domain::CheckinStatus) -> String {
    lang.t(&format!("status-{}", status.as_str()))
}

pub async fn property(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    let property = match api_properties::owned(&app, &landlord.user.id, &id).await {
        Ok(p) => p,
        Err(e) => return error_notice(&lang, e),
    };
    let checkins = match app.store.checkins_of_property(&property.id, 50).await {
        Ok(list) => list,
        Err(e) => return error_notice(&lang, e.into()),
    };
    let invitation_url = app.invitation_url(&property);
    let page = PropertyPage {
        csrf: landlord.csrf,
        qr_svg: crate::qr::render::svg(&app.invitation_qr_text(&property)),
        invitation_url,
        checkins: checkins
            .iter()
            .map(|c| CheckinLine {
                id: c.id.clone(),
                pending: c.status.awaits_registry(),
                stay: stay_in(&lang, c),
                status: c.status.as_str().to_owned(),
                status_label: status_in(&lang, c.status),
                persons: lang.count("guests", c.person_count),
                channel: lang.t(&format!("channel-{}", c.channel)),
            })
            .collect(),
        property,
        lang,
    };
    render(StatusCode::OK, &page)
}

/// Tomorrow's usual stay: check-in today 14:00, check-out tomorrow 11:00, local time.
fn default_stay(app: &App, property: &Property) -> CheckinFormValues {
    let today = app.local_today(property);
    CheckinFormValues {
        check_in: format!("{}T14:00", today.format("%Y-%m-%d")),
        check_out: format!("{}T11:00", (today + chrono::Days::new(1)).format("%Y-%m-%d")),
        document_type: "passport".into(),
        ..Default::default()
    }
}

pub async fn checkin_form(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    let property = match api_properties::owned(&app, &landlord.user.id, &id).await {
        Ok(p) => p,
        Err(e) => return error_notice(&lang, e),
    };
    let form = default_stay(&app, &property);
    let mut page = CheckinFormPage::new(&lang, "form-heading-landlord", &property, format!("/properties/{id}/checkin"), Some(landlord.csrf), form, &[]);
    page.back = Some(format!("/properties/{id}"));
    render(StatusCode::OK, &page)
}

pub async fn submit_checkin(
    State(app): State<App>,
    lang: Lang,
    landlord: WebLandlord,
    Path(id): Path<String>,
    WebForm(form): WebForm<BTreeMap<String, String>>,
) -> Response {
    if let Err(resp) = landlord.check_csrf(&form) {
        return resp;
    }
    let property = match api_properties::owned(&app, &landlord.user.id, &id).await {
        Ok(p) => p,
        Err(e) => return error_notice(&lang, e),
    };
    let values: CheckinFormValues = serde_json::to_value(&form).and_then(serde_json::from_value).unwrap_or_default();
    let action = format!("/properties/{id}/checkin");
    let result = match values.to_input(&property.time_zone) {
        Ok(input) => app.submit(&property, &input, Channel::Landlord).await.map_err(ApiError::from),
        Err(errors) => Err(ApiError::Validation(errors)),
    };
    match result {
        Ok(accepted) => Redirect::to(&format!("/checkins/{}", accepted.record.id)).into_response(),
        Err(ApiError::Validation(errors)) => {
            let mut page = CheckinFormPage::new(&lang, "form-heading-landlord", &property, action, Some(landlord.csrf), values, &errors);
            page.back = Some(format!("/properties/{id}"));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => error_notice(&lang, e),
    }
}

/// The scan's address opened directly (e.g. by the language switch on its result): back to the
/// property.
pub async fn scan_again(Path(id): Path<String>) -> Response {
    Redirect::to(&format!("/properties/{id}")).into_response()
}

/// Reads the photo of a tenant's identity QR and shows the pre-filled check-in form.
pub async fn scan(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>, mut multipart: Multipart) -> Response {
    let property = match api_properties::owned(&app, &landlord.user.id, &id).await {
        Ok(p) => p,
        Err(e) => return error_notice(&lang, e),
    };
    let back = format!("/properties/{id}");
    let mut csrf_ok = false;
    let mut photo = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("csrf") => csrf_ok = field.text().await.is_ok_and(|t| t == landlord.csrf),
                Some("photo") => match field.bytes().await {
                    Ok(bytes) => photo = Some(bytes),
                    Err(_) => return scan_failed(&lang, ApiError::TooLarge { limit_mb: credentials::PHOTO_LIMIT_BYTES >> 20 }, &back),
                },
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return scan_failed(&lang, ApiError::malformed("photo", "The upload could not be read. Try again."), &back),
        }
    }
    if !csrf_ok {
        return notice(&lang, StatusCode::FORBIDDEN, "csrf-heading", &lang.t("csrf-text"), Some((&back, "back")));
    }
    let Some(photo) = photo.filter(|p| !p.is_empty()) else {
        return scan_failed(&lang, ApiError::malformed("photo", "Choose or take a photo first."), &back);
    };
    match credentials::scan_photo(&app, photo).await {
        Ok(scanned) => {
            let mut form = CheckinFormValues::with_person(&scanned.person);
            let stay = default_stay(&app, &property);
            form.check_in = stay.check_in;
            form.check_out = stay.check_out;
            let mut page = CheckinFormPage::new(&lang, "form-heading-landlord", &property, format!("/properties/{id}/checkin"), Some(landlord.csrf), form, &[]);
            page.note = Some(lang.t("scan-read-ok"));
            page.back = Some(back.clone());
            render(StatusCode::OK, &page)
        }
        Err(e) => scan_failed(&lang, e, &back),
    }
}

/// Why a photo could not be used, in the landlord's language: HEIC/AVIF (name the setting to
/// change), no readable code, a code that is not a valid credential, too large.
fn scan_failed(lang: &Lang, e: ApiError, back: &str) -> Response {
    let status = e.status();
    let text = match &e {
        // The decoder's message starts with the format it recognised ("HEIC photos cannot…").
        ApiError::UnsupportedMedia(detail) => {
            lang.t1("scan-error-format", "format", detail.split_whitespace().next().unwrap_or("HEIC"))
        }
        ApiError::NoQrCode(_) => lang.t("scan-error-no-code"),
        ApiError::CredentialInvalid(_) => lang.t("scan-error-not-credential"),
        ApiError::CredentialExpired => lang.t("scan-error-expired"),
        ApiError::TooLarge { limit_mb } => lang.count("scan-error-too-large", *limit_mb as i64),
        ApiError::Malformed { .. } => lang.t("scan-error-no-photo"),
        _ => return error_notice(lang, e),
    };
    notice(lang, status, "scan-error-heading", &text, Some((back, "scan-try-again")))
}

#[derive(Template)]
#[template(path = "checkin.html")]
pub struct CheckinPage {
    pub lang: Lang,
    pub heading: String,
    pub back: Option<String>,
    pub status: String,
    pub status_label: String,
    pub pending: bool,
    pub flags: Vec<String>,
    pub stay: String,
    pub persons: String,
    /// For the landlord: the guests' full names, each in its own name's order, listed in the
    /// page's collation order.
    pub guests: Vec<String>,
    pub seals: Vec<SealLine>,
    pub receipt_json: String,
    /// The live status: server-sent events, and the JSON to poll where they do not work.
    pub events_url: String,
    pub poll_url: String,
    /// The receipt's QR code (a PNG `data:` URI) holding the compact receipt (`HR1:`), which
    /// `hospes verify` and `POST /v1/seals/verify` read.
    pub receipt_qr: Option<String>,
    /// The page that verifies the receipt's seals with the service's public keys.
    pub verify_url: String,
    /// The printable receipt page.
    pub receipt_print: String,
    /// The landlord's check-out form (when the check-in can be checked out) and its CSRF token.
    pub checkout_action: Option<String>,
    pub csrf: String,
    /// The police review's sealed outcome, if any (never the note).
    pub resolution: Option<String>,
    /// For the tenant only: their data, its recipients and its erasure.
    pub privacy: Option<super::tenant::TenantPrivacy>,
}

/// A printable receipt: its QR code, its seals and the checkpoint they are proven in, in the
/// reader's language.
#[derive(Template)]
#[template(path = "receipt_print.html")]
pub struct ReceiptPrintPage {
    pub lang: Lang,
    pub back: String,
    pub checkin_id: String,
    pub qr_url: Option<String>,
    pub seals: Vec<PrintedSeal>,
    /// The transparency log's origin and tree size, in words.
    pub log_text: String,
    pub root_hash: String,
    pub receipt_json: String,
}

pub struct PrintedSeal {
    pub event: String,
    pub time: String,
    /// "leaf 1,234", or empty before the seal is in the log.
    pub leaf: String,
}

/// The printable receipt of a check-in; `qr_url` serves its QR code.
pub async fn receipt_print_page(
    app: &App,
    lang: &Lang,
    checkin_id: &str,
    back: String,
    qr_url: String,
    receipt_json: String,
) -> Result<ReceiptPrintPage, ApiError> {
    let receipt = checkins::receipt_of(app, checkin_id).await?;
    let qr = crate::seal::receipt_qr::encode(&receipt).is_ok().then_some(qr_url);
    let checkpoint = receipt.checkpoint.as_deref().unwrap_or_default();
    let mut lines = checkpoint.lines();
    let (origin, tree_size, root_hash) =
        (lines.next().unwrap_or_default().to_owned(), lines.next().and_then(|l| l.parse::<u64>().ok()).unwrap_or(0), lines.next().unwrap_or_default().to_owned());
    let seals = receipt
        .seals
        .iter()
        .map(|s| {
            let payload = crate::seal::jws::parse(&s.jws).ok().and_then(|p| serde_json::from_slice::<crate::seal::payload::SealPayload>(&p.payload).ok());
            let event = payload.as_ref().map(|p| lang.try_t(&format!("event-{}", p.event)).unwrap_or_else(|| p.event.clone())).unwrap_or_default();
            let time = payload
                .map(|p| match chrono::DateTime::parse_from_rfc3339(&p.time) {
                    Ok(t) => format!("{} UTC", lang.datetime(&t.to_utc())),
                    Err(_) => p.time,
                })
                .unwrap_or_default();
            PrintedSeal {
                event,
                time,
                leaf: s.log.as_ref().map(|l| lang.t1("print-leaf", "index", &lang.number(l.leaf_index))).unwrap_or_default(),
            }
        })
        .collect();
    let log_text = lang.t_with("print-log", &[("origin", origin.into()), ("size", lang.number(tree_size).into())]);
    Ok(ReceiptPrintPage { lang: lang.clone(), back, checkin_id: checkin_id.to_owned(), qr_url: qr, seals, log_text, root_hash, receipt_json })
}

pub async fn receipt_print(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    let result = async {
        let (c, _) = checkins::readable(&app, None, Some(&landlord.user), &id).await?;
        receipt_print_page(&app, &lang, &c.id, format!("/checkins/{id}"), format!("/v1/checkins/{id}/receipt.svg"), format!("/v1/checkins/{id}/receipt")).await
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_notice(&lang, e),
    }
}

pub struct SealLine {
    pub event: String,
    pub time: String,
    pub jws: String,
}

/// Where a check-in's page lives and what it links to: `/checkins/{id}` for its landlord,
/// `/r/{token}` for the tenant.
pub struct PageLinks {
    pub back: Option<String>,
    /// The page's own address; `/events`, `/status.json` and `/verify` hang below it.
    pub base: String,
    pub receipt_json: String,
}

/// The status page of a check-in (shared with the tenant's receipt page); `heading` is a key.
pub async fn checkin_page(app: &App, lang: &Lang, c: CheckinRecord, heading: &str, links: PageLinks) -> Result<CheckinPage, ApiError> {
    let seals = app.store.seals(&c.id).await?;
    // The compact receipt (`HR1:`, what `hospes verify` and `POST /v1/seals/verify` read), one
    // pixel a module, scaled up crisply by the stylesheet: as an SVG path it would weigh more than
    // the whole page. None until the newest seal is in the transparency log.
    let receipt = checkins::receipt_of(app, &c.id).await?;
    let receipt_qr = crate::seal::receipt_qr::encode(&receipt).ok().and_then(|text| crate::qr::render::try_png(&text, 1).ok()).map(|png| {
        use base64::Engine;
        format!("data:image/png;base64,{}", base64::engine::general_purpose::STANDARD.encode(png))
    });
    Ok(CheckinPage {
        resolution: crate::police::review::sealed_resolution(&seals).map(|r| lang.t(&format!("resolution-{}", r.as_str()))),
        heading: lang.t(heading),
        back: links.back,
        status: c.status.as_str().to_owned(),
        status_label: status_in(lang, c.status),
        pending: c.status.awaits_registry(),
        flags: c
            .flags
            .iter()
            .map(|f| {
                lang.t_with(
                    "checkin-flag",
                    &[("number", ((f.person + 1) as i64).into()), ("reason", lang.t(&format!("flag-{}", f.reason.as_str())).into())],
                )
            })
            .collect(),
        stay: stay_in(lang, &c),
        persons: lang.count("guests", c.person_count),
        guests: Vec::new(),
        seals: seals
            .into_iter()
            .map(|s| SealLine { event: lang.t(&format!("event-{}", s.event.as_str())), time: format!("{} UTC", lang.datetime(&s.created_at)), jws: s.jws })
            .collect(),
        receipt_json: links.receipt_json,
        events_url: format!("{}/events", links.base),
        poll_url: format!("{}/status.json", links.base),
        verify_url: format!("{}/verify", links.base),
        receipt_print: format!("{}/print", links.base),
        receipt_qr,
        checkout_action: None,
        csrf: String::new(),
        privacy: None,
        lang: lang.clone(),
    })
}

pub async fn checkin(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    let result = async {
        let (c, _) = checkins::readable(&app, None, Some(&landlord.user), &id).await?;
        let links = PageLinks {
            back: Some(format!("/properties/{}", c.property_id)),
            base: format!("/checkins/{id}"),
            receipt_json: format!("/v1/checkins/{id}/receipt"),
        };
        let can_check_out = c.status.apply(crate::domain::Event::CheckedOut).is_ok();
        let mut guests = app.store.persons(&c.id).await?;
        lang.sort_by_name(&mut guests, super::i18n::listing_name);
        let mut page = checkin_page(&app, &lang, c, "checkin-heading", links).await?;
        page.guests = guests.iter().map(super::i18n::full_name).collect();
        if can_check_out {
            page.checkout_action = Some(format!("/checkins/{id}/checkout"));
            page.csrf = landlord.csrf.clone();
        }
        Ok::<_, ApiError>(page)
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(e) => error_notice(&lang, e),
    }
}

/// Records the tenant's check-out (a sealed `checked_out` event) and shows the check-in again.
pub async fn checkout(
    State(app): State<App>,
    lang: Lang,
    landlord: WebLandlord,
    Path(id): Path<String>,
    WebForm(form): WebForm<BTreeMap<String, String>>,
) -> Response {
    if let Err(resp) = landlord.check_csrf(&form) {
        return resp;
    }
    let result = async {
        let (c, _) = checkins::readable(&app, None, Some(&landlord.user), &id).await?;
        match app.record_event(&c, crate::domain::Event::CheckedOut, None, None).await {
            Ok(_) => Ok(()),
            Err(crate::app::SubmitError::Invalid(_)) => Err(ApiError::Conflict(lang.t("checkout-not-now"))),
            Err(e) => Err(ApiError::internal(e)),
        }
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("/checkins/{id}")).into_response(),
        Err(ApiError::Conflict(text)) => notice(&lang, StatusCode::CONFLICT, "checkout-heading", &text, Some((&format!("/checkins/{id}"), "back"))),
        Err(e) => error_notice(&lang, e),
    }
}
