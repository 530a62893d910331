//! The tenant's pages: the form opened from the property's QR code, and the receipt.

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

pub async fn receipt(State(app): State<App>, Path(token): Path<String>) -> Response {
    let result = async {
        let c = by_receipt_token(&app, &token).await?;
        checkin_page(&app, c, "Your check-in", None, format!("/r/{token}/receipt.json")).await
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
