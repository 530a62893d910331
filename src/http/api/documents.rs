//! Validating a document number or a machine-readable zone, the same way intake does.

use axum::extract::State;

use crate::app::App;
use crate::domain::FieldError;
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;
use crate::identity::documents::{self, Request, Verdict};

/// Validates one document number (`{"scheme"|"country", "input"}`) or one ICAO 9303 MRZ
/// (`{"mrz"}`) as of today (UTC): the verdict, the normalised number, the error class
/// (`checksum`, `length`, `format`, `date`, `region`) and the fields the number or MRZ carries.
/// The same code answers `hospes documents validate --json`. A request that cannot be answered
/// is a problem naming its field: `400 malformed_request` without `input` (or `mrz`), without
/// `scheme` or `country`, or with an unknown `scheme`; `422 validation_failed` (field `country`)
/// when no national number scheme is known for the country.
#[utoipa::path(post, path = "/v1/documents/validate", tag = "documents", request_body = Request,
    responses((status = 200, body = Verdict), (status = 400, body = crate::http::error::Problem),
              (status = 422, body = crate::http::error::Problem)))]
pub async fn validate(State(app): State<App>, ApiJson(request): ApiJson<Request>) -> Result<axum::Json<Verdict>, ApiError> {
    // One way to name the scheme, one thing to check: a request that gives two is ambiguous.
    if request.scheme.is_some() && request.country.is_some() {
        return Err(ApiError::malformed("country", "give either scheme or country, not both"));
    }
    if request.mrz.is_some() && request.input.is_some() {
        return Err(ApiError::malformed("mrz", "give either input or mrz, not both"));
    }
    if let Some(country) = &request.country
        && crate::identity::countries::to_alpha3(country, true).is_none()
    {
        return Err(ApiError::malformed("country", "country: use an ISO 3166-1 alpha-2 or alpha-3 code such as ES or ESP"));
    }
    let verdict = documents::validate(&request, app.now().date_naive());
    let message = verdict.message.clone().unwrap_or_default();
    match verdict.request_error.as_deref() {
        None => Ok(axum::Json(verdict)),
        Some("no_scheme_for_country") => {
            Err(ApiError::Validation(vec![FieldError::new("country", "no_scheme_for_country", message)]))
        }
        Some("unknown_scheme") => Err(ApiError::malformed("scheme", message)),
        Some(_) if request.input.is_none() => Err(ApiError::malformed("input", message)),
        Some(_) => Err(ApiError::malformed("scheme", message)),
    }
}
