//! The JSON API under `/v1/`, with its OpenAPI 3.1 document generated from the same handlers
//! (utoipa), so that routes and specification cannot drift apart.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;

pub mod auth;
pub mod checkins;
pub mod credentials;
pub mod documents;
pub mod log;
pub mod police;
pub mod properties;
pub mod seals;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "hospes",
        description = "Rental check-in and tenant verification. Every check-in and every change of its \
state is sealed (JWS, RFC 7515, `alg: EdDSA`, RFC 8037, over RFC 8785 canonical JSON); receipts verify \
offline with the keys at `/.well-known/jwks.json`.\n\nErrors are `application/problem+json` (RFC 9457) \
with a stable `code`; see the `Problem` and `ProblemCode` schemas.",
        license(name = "Apache-2.0", identifier = "Apache-2.0")
    ),
    modifiers(&Extras),
    tags(
        (name = "auth", description = "Sign in"),
        (name = "properties", description = "A landlord's properties and their check-in QR codes"),
        (name = "checkins", description = "Check-ins, their status and their sealed receipts"),
        (name = "log", description = "The transparency log of seals: signed checkpoints (C2SP tlog-checkpoint, signed-note), inclusion and consistency proofs (RFC 9162)"),
        (name = "documents", description = "Document numbers and machine-readable zones, validated as at intake"),
        (name = "police", description = "The review of flagged check-ins by police officers of their jurisdiction (second factor required; every opening audited)"),
    ),
    components(schemas(crate::http::error::Problem, crate::domain::FieldError))
)]
struct ApiDoc;

/// Adds the bearer security scheme and the list of problem codes.
struct Extras;

impl utoipa::Modify for Extras {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A token from `POST /v1/auth/login`, or a tenant's receipt token"))
                    .build(),
            ),
        );
        let codes: Vec<String> = crate::http::error::PROBLEM_CODES.iter().map(|(c, _, _)| (*c).to_owned()).collect();
        let description = crate::http::error::PROBLEM_CODES
            .iter()
            .map(|(c, s, t)| format!("- `{c}` ({s}): {t}"))
            .collect::<Vec<_>>()
            .join("\n");
        let schema = utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(codes))
            .description(Some(format!("Stable problem codes (the `code` member of a problem document):\n{description}")))
            .build();
        components.schemas.insert("ProblemCode".into(), schema.into());
    }
}

/// The API routes and their OpenAPI document.
pub fn router() -> (axum::Router<App>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(properties::create, properties::list))
        .routes(routes!(properties::get))
        .routes(routes!(properties::qr_svg))
        .routes(routes!(properties::qr_png))
        .routes(routes!(checkins::of_property))
        .routes(routes!(checkins::submit))
        .routes(routes!(checkins::get))
        .routes(routes!(checkins::receipt))
        .routes(routes!(checkins::receipt_qr))
        .routes(routes!(seals::verify))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::verifier_keys))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(credentials::scan))
        .routes(routes!(documents::validate))
        .routes(routes!(police::queue))
        .routes(routes!(police::access))
        .routes(routes!(police::resolve))
        .routes(routes!(police::export))
        .split_for_parts()
}

/// The OpenAPI document as YAML (what `/openapi.yaml` serves and `openapi.yaml` holds).
pub fn openapi_yaml() -> String {
    router().1.to_yaml().expect("the OpenAPI document serialises")
}
