//! Properties: a landlord's places, each with its check-in QR code.

use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::App;
use crate::domain::FieldError;
use crate::http::auth::Landlord;
use crate::http::error::ApiError;
use crate::http::extract::ApiJson;
use crate::store::Property;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProperty {
    /// A name the landlord recognises, e.g. "Flat 3B".
    pub name: Option<String>,
    /// The postal address.
    pub address: Option<String>,
    /// ISO 3166-2 subdivision code (`ES-M`, `CN-TJ`); its country picks the validation profile.
    #[schema(example = "ES-M")]
    pub jurisdiction: Option<String>,
    /// IANA time zone of the property, e.g. `Europe/Madrid`.
    #[schema(example = "Europe/Madrid")]
    pub time_zone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PropertyView {
    pub id: String,
    pub name: String,
    pub address: String,
    pub jurisdiction: String,
    pub time_zone: String,
    /// The URL in the property's check-in QR code; its last path segment is the signed,
    /// expiring invitation token.
    pub invitation_url: String,
    pub qr_svg: String,
    pub qr_png: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl PropertyView {
    pub fn new(app: &App, p: &Property) -> Self {
        PropertyView {
            invitation_url: app.invitation_url(p),
            qr_svg: format!("/v1/properties/{}/qr.svg", p.id),
            qr_png: format!("/v1/properties/{}/qr.png", p.id),
            id: p.id.clone(),
            name: p.name.clone(),
            address: p.address.clone(),
            jurisdiction: p.jurisdiction.clone(),
            time_zone: p.time_zone.clone(),
            created_at: p.created_at,
        }
    }
}

/// Validates a new property's fields, naming each bad one.
pub fn validate_property(input: &NewProperty) -> Result<(String, String, String, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut text = |field: &str, value: &Option<String>, max: usize| -> String {
        let v = value.as_deref().map(str::trim).unwrap_or_default();
        if v.is_empty() {
            errors.push(FieldError::new(field, "required", "This field is required."));
        } else if v.chars().count() > max {
            errors.push(FieldError::new(field, "too_long", format!("At most {max} characters.")));
        }
        v.to_owned()
    };
    let name = text("name", &input.name, 120);
    let address = text("address", &input.address, 300);
    let jurisdiction = text("jurisdiction", &input.jurisdiction, 6).to_ascii_uppercase();
    let time_zone = text("time_zone", &input.time_zone, 64);
    if !jurisdiction.is_empty() && !crate::identity::intake::is_jurisdiction_code(&jurisdiction) {
        errors.push(FieldError::new(
            "jurisdiction",
            "format",
            "Use an ISO 3166-2 subdivision code such as ES-M or CN-TJ.",
        ));
    }
    if !time_zone.is_empty() && time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(FieldError::new("time_zone", "format", "Use an IANA time zone such as Europe/Madrid."));
    }
    if errors.is_empty() { Ok((name, address, jurisdiction, time_zone)) } else { Err(errors) }
}

/// Creates a property for the signed-in landlord.
#[utoipa::path(post, path = "/v1/properties", tag = "properties", request_body = NewProperty,
    security(("bearer" = [])),
    responses((status = 201, body = PropertyView), (status = 401, body = crate::http::error::Problem),
              (status = 422, body = crate::http::error::Problem)))]
pub async fn create(State(app): State<App>, Landlord(user): Landlord, ApiJson(input): ApiJson<NewProperty>) -> Result<Response, ApiError> {
    let (name, address, jurisdiction, time_zone) = validate_property(&input).map_err(ApiError::Validation)?;
    let property = Property {
        id: uuid::Uuid::now_v7().to_string(),
        landlord_id: user.id,
        name,
        address,
        jurisdiction,
        time_zone,
        invitation_epoch: 0,
        created_at: app.now(),
    };
    app.store.create_property(&property).await?;
    let view = PropertyView::new(&app, &property);
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/v1/properties/{}", property.id))], axum::Json(view)).into_response())
}

/// Lists the signed-in landlord's properties.
#[utoipa::path(get, path = "/v1/properties", tag = "properties", security(("bearer" = [])),
    responses((status = 200, body = Vec<PropertyView>), (status = 401, body = crate::http::error::Problem)))]
pub async fn list(State(app): State<App>, Landlord(user): Landlord) -> Result<axum::Json<Vec<PropertyView>>, ApiError> {
    let properties = app.store.properties_of(&user.id).await?;
    Ok(axum::Json(properties.iter().map(|p| PropertyView::new(&app, p)).collect()))
}

/// The landlord's own property, or `404` (also for another landlord's property).
pub async fn owned(app: &App, landlord_id: &str, id: &str) -> Result<Property, ApiError> {
    match app.store.property(id).await? {
        Some(p) if p.landlord_id == landlord_id => Ok(p),
        _ => Err(ApiError::NotFound),
    }
}

/// One property of the signed-in landlord.
#[utoipa::path(get, path = "/v1/properties/{id}", tag = "properties", security(("bearer" = [])),
    params(("id" = String, Path, description = "Property id")),
    responses((status = 200, body = PropertyView), (status = 404, body = crate::http::error::Problem)))]
pub async fn get(State(app): State<App>, Landlord(user): Landlord, Path(id): Path<String>) -> Result<axum::Json<PropertyView>, ApiError> {
    let property = owned(&app, &user.id, &id).await?;
    Ok(axum::Json(PropertyView::new(&app, &property)))
}

/// The property's check-in QR code as SVG (level M error correction, four-module quiet zone).
#[utoipa::path(get, path = "/v1/properties/{id}/qr.svg", tag = "properties", security(("bearer" = [])),
    params(("id" = String, Path, description = "Property id")),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = crate::http::error::Problem)))]
pub async fn qr_svg(State(app): State<App>, Landlord(user): Landlord, Path(id): Path<String>) -> Result<Response, ApiError> {
    let property = owned(&app, &user.id, &id).await?;
    let svg = crate::qr::render::svg(&app.invitation_qr_text(&property));
    Ok(([(header::CONTENT_TYPE, "image/svg+xml"), (header::CACHE_CONTROL, "private, no-store")], svg).into_response())
}

/// The property's check-in QR code as PNG (8 pixels per module).
#[utoipa::path(get, path = "/v1/properties/{id}/qr.png", tag = "properties", security(("bearer" = [])),
    params(("id" = String, Path, description = "Property id")),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = crate::http::error::Problem)))]
pub async fn qr_png(State(app): State<App>, Landlord(user): Landlord, Path(id): Path<String>) -> Result<Response, ApiError> {
    let property = owned(&app, &user.id, &id).await?;
    let png = crate::qr::render::png(&app.invitation_qr_text(&property), 8);
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, no-store")], png).into_response())
}
