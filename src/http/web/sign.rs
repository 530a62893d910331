//! The printable door sign of a property: its check-in QR code with a line in every available
//! language, laid out for A5 or A4 paper by the print stylesheet (CSS named pages, `@page` with
//! `size: A5` / `size: A4`, CSS Paged Media Level 3 §7).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Lang, WebLandlord, error_notice, render};
use crate::app::App;
use crate::http::api::properties as api_properties;
use crate::store::Property;

#[derive(Template)]
#[template(path = "sign.html")]
struct SignPage {
    lang: Lang,
    property: Property,
    qr_svg: String,
    invitation_url: String,
    /// `a5` or `a4`.
    size: &'static str,
    /// The call to scan, in every available language (tag, text).
    calls: Vec<(String, String)>,
}

#[derive(Deserialize)]
pub struct SignQuery {
    size: Option<String>,
}

pub async fn door_sign(State(app): State<App>, lang: Lang, landlord: WebLandlord, Path(id): Path<String>, Query(q): Query<SignQuery>) -> Response {
    let property = match api_properties::owned(&app, &landlord.user.id, &id).await {
        Ok(p) => p,
        Err(e) => return error_notice(&lang, e),
    };
    let size = if q.size.as_deref() == Some("a4") { "a4" } else { "a5" };
    let calls = super::i18n::available()
        .into_iter()
        .filter_map(|l| Lang::exact(&l.to_string()))
        .map(|l| (l.tag(), l.t("sign-scan")))
        .collect();
    let page = SignPage {
        qr_svg: crate::qr::render::svg(&app.invitation_qr_text(&property)),
        invitation_url: app.invitation_url(&property),
        property,
        size,
        calls,
        lang,
    };
    render(StatusCode::OK, &page)
}
