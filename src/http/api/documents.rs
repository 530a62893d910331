//! Validating a document number or a machine-readable zone, the same way intake does.

use axum::extract::State;

use crate::app::App;
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;
use crate::identity::documents::{self, Request, Verdict};

/// Validates one document number (`{"scheme"|"country", "input"}`) or one ICAO 9303 MRZ
/// (`{"mrz"}`) as of today (UTC): the verdict, the normalised number, the error class
/// (`checksum`, `length`, `format`, `date`, `region`) and the fields the number or MRZ carries.
/// The same code answers `hospes documents validate --json`.
#[utoipa::path(post, path = "/v1/documents/validate", tag = "documents", request_body = Request,
    responses((status = 200, body = Verdict), (status = 400, body = crate::http::error::Problem)))]
pub async fn validate(State(app): State<App>, ApiJson(request): ApiJson<Request>) -> Result<axum::Json<Verdict>, ApiError> {
    Ok(axum::Json(documents::validate(&request, app.now().date_naive())))
}
