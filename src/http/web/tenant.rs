//! The tenant's pages: the form opened from the property's QR code, and the receipt with what
//! was registered about them, who received it and when it is erased (and its JSON download).

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use super::WebForm;

use super::checkin_form::{CheckinFormPage, CheckinFormValues};
use super::landlord::{PageLinks, checkin_page};
use super::{Lang, error_notice, notice, render};
use crate::app::{App, Channel};
use crate::http::api::checkins;
use crate::http::auth;
use crate::http::error::ApiError;

fn invitation_problem(lang: &Lang, e: ApiError) -> Response {
    let key = match e {
        ApiError::InvitationExpired => "invitation-expired",
        ApiError::InvitationRevoked => "invitation-revoked",
        ApiError::InvitationInvalid => "invitation-invalid",
        other => return error_notice(lang, other),
    };
    notice(lang, StatusCode::UNAUTHORIZED, "invitation-heading", &lang.t(key), None)
}

pub async fn form(State(app): State<App>, lang: Lang, Path(token): Path<String>) -> Response {
    let property = match checkins::invited_property(&app, &token).await {
        Ok(p) => p,
        Err(e) => return invitation_problem(&lang, e),
    };
    let today = app.local_today(&property);
    let form = CheckinFormValues {
        check_in: format!("{}T14:00", today.format("%Y-%m-%d")),
        check_out: format!("{}T11:00", (today + chrono::Days::new(1)).format("%Y-%m-%d")),
        document_type: "passport".into(),
        ..Default::default()
    };
    let page = CheckinFormPage::new(&lang, "form-heading-tenant", &property, format!("/i/{token}"), None, form, &[]);
    render(StatusCode::OK, &page)
}

pub async fn submit(State(app): State<App>, lang: Lang, Path(token): Path<String>, WebForm(form): WebForm<BTreeMap<String, String>>) -> Response {
    let property = match checkins::invited_property(&app, &token).await {
        Ok(p) => p,
        Err(e) => return invitation_problem(&lang, e),
    };
    let values: CheckinFormValues = serde_json::to_value(&form).and_then(serde_json::from_value).unwrap_or_default();
    let result = match values.to_input(&property.time_zone) {
        Ok(input) => app.submit(&property, &input, Channel::Invitation).await.map_err(ApiError::from),
        Err(errors) => Err(ApiError::Validation(errors)),
    };
    match result {
        Ok(accepted) => Redirect::to(&format!("/r/{}", accepted.receipt_token)).into_response(),
        Err(ApiError::Validation(errors)) => {
            let page = CheckinFormPage::new(&lang, "form-heading-tenant", &property, format!("/i/{token}"), None, values, &errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => error_notice(&lang, e),
    }
}

pub(super) async fn by_receipt_token(app: &App, token: &str) -> Result<crate::store::CheckinRecord, ApiError> {
    app.store.checkin_by_receipt_token(&auth::token_hash(token)).await?.ok_or(ApiError::NotFound)
}

/// What the tenant's receipt page shows about their personal data.
pub struct TenantPrivacy {
    /// Per person, in the page's collation order of their names: the guest number (as the
    /// check-in declared them, which "accompanied by guest N" refers to) and (label, value) lines.
    pub persons: Vec<(String, Vec<(String, String)>)>,
    pub contact: Vec<(String, String)>,
    /// Recipient, what, why, when.
    pub recipients: Vec<(String, String, String, String)>,
    pub erasure: String,
    pub erased: bool,
    pub data_json: String,
}

fn person_lines(lang: &Lang, p: &crate::domain::Person) -> Vec<(String, String)> {
    let mut lines = vec![
        (lang.t("field-given_names"), p.given_names.clone()),
        (lang.t("field-family_name"), p.family_name.clone()),
    ];
    if let Some(s) = &p.second_family_name {
        lines.push((lang.t("field-second_family_name"), s.clone()));
    }
    lines.push((lang.t("field-birth_date"), lang.date(p.birth_date)));
    lines.push((lang.t("field-nationality"), p.nationality.clone()));
    if let Some(s) = &p.sex {
        lines.push((lang.t("field-sex"), s.clone()));
    }
    let kind = lang.t(&format!("document-type-{}", p.document.kind.as_str()));
    lines.push((lang.t("privacy-document"), format!("{kind} {} ({})", p.document.number, p.document.issuing_country)));
    if let Some(s) = &p.document.support_number {
        lines.push((lang.t("field-support_number"), s.clone()));
    }
    if let Some(g) = &p.guardian {
        let relationship = lang.try_t(&format!("relationship-{}", g.relationship)).unwrap_or_else(|| g.relationship.replace('_', " "));
        let text = lang.t_with("privacy-accompanied-text", &[("number", lang.number(g.person + 1).into()), ("relationship", relationship.into())]);
        lines.push((lang.t("privacy-accompanied"), text));
    }
    lines
}

fn tenant_privacy(lang: &Lang, export: &crate::privacy::export::PersonalDataExport, token: &str) -> TenantPrivacy {
    let r = &export.retention;
    let erasure = match r.erased_at {
        Some(t) => lang.t_with(
            "privacy-erased",
            &[("date", lang.date(t.date_naive()).into()), ("jurisdiction", export.jurisdiction.clone().into())],
        ),
        None => lang.t_with(
            "privacy-erase-on",
            &[("date", lang.date(r.erase_after.date_naive()).into()), ("jurisdiction", export.jurisdiction.clone().into())],
        ),
    };
    let mut contact = Vec::new();
    if let Some(p) = &export.contact.phone {
        contact.push((lang.t("form-phone"), p.clone()));
    }
    if let Some(e) = &export.contact.email {
        contact.push((lang.t("form-email"), e.clone()));
    }
    let label = |r: &str| lang.try_t(&format!("recipient-{r}")).unwrap_or_else(|| r.to_owned());
    TenantPrivacy {
        persons: {
            let mut numbered: Vec<(usize, &crate::domain::Person)> = export.persons.iter().enumerate().collect();
            lang.sort_by_name(&mut numbered, |(_, p)| super::i18n::listing_name(p));
            numbered.into_iter().map(|(i, p)| (lang.number(i + 1), person_lines(lang, p))).collect()
        },
        contact,
        recipients: export
            .recipients
            .iter()
            .map(|x| {
                let key = format!("recipient-{}-data", x.recipient);
                let data = lang.try_t1(&key, "jurisdiction", &export.jurisdiction).unwrap_or_else(|| x.data.clone());
                let purpose = lang.try_t(&format!("recipient-{}-purpose", x.recipient)).unwrap_or_else(|| x.purpose.clone());
                (label(x.recipient), data, purpose, x.at.map(|t| format!("{} UTC", lang.datetime(&t))).unwrap_or_default())
            })
            .collect(),
        erasure,
        erased: r.erased_at.is_some(),
        data_json: format!("/r/{token}/data.json"),
    }
}

pub async fn receipt(State(app): State<App>, lang: Lang, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        let export = crate::privacy::export::export(&app, &c).await?;
        let links = PageLinks { back: None, base: format!("/r/{token}"), receipt_json: format!("/r/{token}/receipt.json") };
        let mut page = checkin_page(&app, &lang, c, "receipt-title", links).await?;
        page.privacy = Some(tenant_privacy(&lang, &export, &token));
        Ok::<_, ApiError>(page)
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(ApiError::NotFound) => notice(&lang, StatusCode::NOT_FOUND, "receipt-not-found", &lang.t("receipt-not-found-text"), None),
        Err(e) => error_notice(&lang, e),
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
pub async fn receipt_print(State(app): State<App>, lang: Lang, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        super::landlord::receipt_print_page(&app, &lang, &c.id, format!("/r/{token}"), format!("/r/{token}/receipt.svg"), format!("/r/{token}/receipt.json")).await
    }
    .await;
    match result {
        Ok(page) => render(StatusCode::OK, &page),
        Err(ApiError::NotFound) => notice(&lang, StatusCode::NOT_FOUND, "receipt-not-found", &lang.t("receipt-not-found-text"), None),
        Err(e) => error_notice(&lang, e),
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
