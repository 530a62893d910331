//! The tenant's pages: the form opened from the property's QR code, and the receipt with what
//! was registered about them, who received it and when it is erased (and its JSON download).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::checkin_form::{CheckinFormPage, CheckinFormValues};
use super::landlord::checkin_page;
use super::{error_page, message, render};
use crate::app::{App, Channel};
use crate::http::api::checkins;
use crate::http::auth;
use crate::http::error::ApiError;

fn invitation_problem(e: ApiError) -> Response {
    let text = match e {
        ApiError::InvitationExpired => "This check-in code has expired. Ask your landlord for the current code.",
        ApiError::InvitationRevoked => "This check-in code was replaced by the landlord. Ask for the current code.",
        ApiError::InvitationInvalid => "This link is not a valid check-in code. Scan the code at the property again.",
        other => return error_page(other),
    };
    message(StatusCode::UNAUTHORIZED, "This check-in link cannot be used", text, None)
}

pub async fn form(State(app): State<App>, Path(token): Path<String>) -> Response {
    let property = match checkins::invited_property(&app, &token).await {
        Ok(p) => p,
        Err(e) => return invitation_problem(e),
    };
    let today = app.local_today(&property);
    let form = CheckinFormValues {
        check_in: format!("{}T14:00", today.format("%Y-%m-%d")),
        check_out: format!("{}T11:00", (today + chrono::Days::new(1)).format("%Y-%m-%d")),
        document_type: "passport".into(),
        ..Default::default()
    };
    let page = CheckinFormPage::new("Check in", &property, format!("/i/{token}"), None, form, &[]);
    render(StatusCode::OK, &page)
}

pub async fn submit(State(app): State<App>, Path(token): Path<String>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    let property = match checkins::invited_property(&app, &token).await {
        Ok(p) => p,
        Err(e) => return invitation_problem(e),
    };
    let values: CheckinFormValues = serde_json::to_value(&form).and_then(serde_json::from_value).unwrap_or_default();
    let result = match values.to_input(&property.time_zone) {
        Ok(input) => app.submit(&property, &input, Channel::Invitation).await.map_err(ApiError::from),
        Err(errors) => Err(ApiError::Validation(errors)),
    };
    match result {
        Ok(accepted) => Redirect::to(&format!("/r/{}", accepted.receipt_token)).into_response(),
        Err(ApiError::Validation(errors)) => {
            let page = CheckinFormPage::new("Check in", &property, format!("/i/{token}"), None, values, &errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => error_page(e),
    }
}

async fn by_receipt_token(app: &App, token: &str) -> Result<crate::store::CheckinRecord, ApiError> {
    app.store.checkin_by_receipt_token(&auth::token_hash(token)).await?.ok_or(ApiError::NotFound)
}

/// What the tenant's receipt page shows about their personal data.
pub struct TenantPrivacy {
    /// Per person: (label, value) lines.
    pub persons: Vec<Vec<(String, String)>>,
    pub contact: Vec<(String, String)>,
    /// Recipient, what, why, when.
    pub recipients: Vec<(String, String, String, String)>,
    pub erasure: String,
    pub erased: bool,
    pub data_json: String,
}

fn person_lines(p: &crate::domain::Person) -> Vec<(String, String)> {
    let mut lines = vec![
        ("Given names".to_owned(), p.given_names.clone()),
        ("Family name".to_owned(), p.family_name.clone()),
    ];
    if let Some(s) = &p.second_family_name {
        lines.push(("Second family name".into(), s.clone()));
    }
    lines.push(("Date of birth".into(), p.birth_date.format("%Y-%m-%d").to_string()));
    lines.push(("Nationality".into(), p.nationality.clone()));
    if let Some(s) = &p.sex {
        lines.push(("Sex".into(), s.clone()));
    }
    lines.push(("Document".into(), format!("{} {} ({})", p.document.kind.as_str().replace('_', " "), p.document.number, p.document.issuing_country)));
    if let Some(s) = &p.document.support_number {
        lines.push(("Support number".into(), s.clone()));
    }
    if let Some(g) = &p.guardian {
        lines.push(("Accompanied by".into(), format!("guest {} ({})", g.person + 1, g.relationship.replace('_', " "))));
    }
    lines
}

fn tenant_privacy(export: &crate::privacy::export::PersonalDataExport, token: &str) -> TenantPrivacy {
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d").to_string();
    let r = &export.retention;
    let erasure = match r.erased_at {
        Some(t) => format!(
            "Your personal data was erased on {} ({}: {}). The seals remain: they prove that this check-in existed and was erased, and hold no personal data.",
            day(t), export.jurisdiction, r.rule
        ),
        None => format!(
            "Your personal data will be erased on {} ({}: kept {} by law), or later if a police review is still open.",
            day(r.erase_after), export.jurisdiction, r.rule
        ),
    };
    let mut contact = Vec::new();
    if let Some(p) = &export.contact.phone {
        contact.push(("Phone".to_owned(), p.clone()));
    }
    if let Some(e) = &export.contact.email {
        contact.push(("E-mail".to_owned(), e.clone()));
    }
    let label = |r: &str| match r {
        "landlord" => "Your landlord",
        "population_registry" => "The population registry",
        "police" => "The police",
        other => other,
    }
    .to_owned();
    TenantPrivacy {
        persons: export.persons.iter().map(person_lines).collect(),
        contact,
        recipients: export
            .recipients
            .iter()
            .map(|x| (label(x.recipient), x.data.clone(), x.purpose.clone(), x.at.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()))
            .collect(),
        erasure,
        erased: r.erased_at.is_some(),
        data_json: format!("/r/{token}/data.json"),
    }
}

pub async fn receipt(State(app): State<App>, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        let export = crate::privacy::export::export(&app, &c).await?;
        let mut page = checkin_page(&app, c, "Your check-in", None, format!("/r/{token}/receipt.json")).await?;
        page.privacy = Some(tenant_privacy(&export, &token));
        Ok::<_, ApiError>(page)
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(ApiError::NotFound) => message(StatusCode::NOT_FOUND, "Receipt not found", "This receipt link is not valid.", None),
        Err(e) => error_page(e),
    }
}

pub async fn receipt_json(State(app): State<App>, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        checkins::receipt_of(&app, &c.id).await
    }
    .await;
    match result {
        Ok(receipt) => (
            [(header::CONTENT_DISPOSITION, "attachment; filename=\"receipt.json\""), (header::CACHE_CONTROL, "no-store")],
            axum::Json(receipt),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// The tenant's printable receipt.
pub async fn receipt_print(State(app): State<App>, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        super::landlord::receipt_print_page(&app, &c.id, format!("/r/{token}"), format!("/r/{token}/receipt.svg"), format!("/r/{token}/receipt.json")).await
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(ApiError::NotFound) => message(StatusCode::NOT_FOUND, "Receipt not found", "This receipt link is not valid.", None),
        Err(e) => error_page(e),
    }
}

/// The tenant's receipt as a QR code (SVG).
pub async fn receipt_svg(State(app): State<App>, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        let text = checkins::receipt_qr_text(&app, &c.id).await?.ok_or(ApiError::NotFound)?;
        crate::qr::render::try_svg(&text).map_err(ApiError::internal)
    }
    .await;
    match result {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "no-store")], svg).into_response(),
        Err(e) => e.into_response(),
    }
}

/// The tenant's own data as JSON: what was registered, who received it, when it is erased.
pub async fn data_json(State(app): State<App>, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        Ok::<_, ApiError>(crate::privacy::export::export(&app, &c).await?)
    }
    .await;
    match result {
        Ok(export) => (
            [(header::CONTENT_DISPOSITION, "attachment; filename=\"my-check-in.json\""), (header::CACHE_CONTROL, "no-store")],
            axum::Json(export),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
