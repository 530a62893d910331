//! The receipt's "verify" page: checks every seal of a check-in's receipt with the service's
//! public keys, exactly as `hospes verify` does offline (Ed25519 JWS, RFC 7515 / RFC 8037; each
//! seal of this check-in and chained to the one before), and says so in the reader's language.

use std::collections::BTreeMap;

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
    receipt_json: String,
}

async fn page(app: &App, lang: Lang, c: &CheckinRecord, back: String, receipt_json: String) -> Result<VerifyPage, ApiError> {
    let receipt = checkins::receipt_of(app, &c.id).await?;
    let keys: BTreeMap<String, ed25519_dalek::VerifyingKey> =
        app.keys.entries().iter().filter_map(|e| app.keys.public_key(&e.kid).map(|k| (e.kid.clone(), *k))).collect();
    let result = crate::seal::receipt::verify(&receipt, &keys)
        .map(|seals| {
            seals
                .into_iter()
                .map(|s| {
                    let time = chrono::DateTime::parse_from_rfc3339(&s.time).map(|t| format!("{} UTC", lang.datetime(&t.to_utc()))).unwrap_or(s.time);
                    (lang.t(&format!("event-{}", s.event)), time, s.kid)
                })
                .collect()
        })
        .map_err(|e| e.to_string());
    Ok(VerifyPage { lang, back, result, receipt_json })
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
