//! The receipt's "verify" page: the check-in's receipt checked by the service exactly as
//! `POST /v1/seals/verify` and `hospes verify` do (Ed25519 JWS, RFC 7515 / RFC 8037, with a key
//! valid at the signing time; each seal of this check-in and chained to the one before; the
//! newest included, RFC 9162, in the tree the signed checkpoint names, and that tree still a
//! prefix of the log), said in the reader's language.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Lang, WebLandlord, error_notice, render};
use crate::app::App;
use crate::http::api::checkins;
use crate::http::error::ApiError;
use crate::store::CheckinRecord;

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    lang: Lang,
    back: String,
    /// `Ok`: (event, time, key id) per seal; `Err`: why the receipt does not verify.
    result: Result<Vec<(String, String, String)>, String>,
    /// The checkpoint's tree size, and whether that tree is still the start of the log.
    log: Option<(u64, bool)>,
    receipt_json: String,
}

async fn page(app: &App, lang: Lang, c: &CheckinRecord, back: String, receipt_json: String) -> Result<VerifyPage, ApiError> {
    let receipt = checkins::receipt_of(app, &c.id).await?;
    let report = crate::http::api::seals::report(app, &receipt).await?;
    let time = |t: &str| chrono::DateTime::parse_from_rfc3339(t).map(|t| format!("{} UTC", lang.datetime(&t.to_utc()))).unwrap_or_else(|_| t.to_owned());
    let result = match report.valid {
        true => Ok(report.seals.iter().map(|s| (lang.t(&format!("event-{}", s.event)), time(&s.time), s.kid.clone())).collect()),
        false => Err(report.error.clone().unwrap_or_default()),
    };
    let log = report.checkpoint.as_ref().map(|c| (c.tree_size, report.in_current_log == Some(true)));
    Ok(VerifyPage { lang, back, result, log, receipt_json })
}

pub async fn landlord(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    let result = async {
        let (c, _) = checkins::readable(&app, None, Some(&landlord.user), &id).await?;
        page(&app, lang.clone(), &c, format!("/checkins/{id}"), format!("/v1/checkins/{id}/receipt")).await
    }
    .await;
    match result {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_notice(&lang, e),
    }
}

pub async fn tenant(State(app): State<App>, lang: Lang, Path(token): Path<String>) -> Response {
    let result = async {
        let c = super::tenant::by_receipt_token(&app, &token).await?;
        page(&app, lang.clone(), &c, format!("/r/{token}"), format!("/r/{token}/receipt.json")).await
    }
    .await;
    match result {
        Ok(p) => render(StatusCode::OK, &p),
        Err(e) => error_notice(&lang, e),
    }
}
