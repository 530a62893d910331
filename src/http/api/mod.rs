//! The JSON API under `/v1/`, with its OpenAPI 3.1 document generated from the same handlers
//! (utoipa), so that routes and specification cannot drift apart.

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;

pub mod auth;
pub mod batch;
pub mod checkins;
pub mod credentials;
pub mod documents;
pub mod log;
pub mod police;
pub mod partners_admin;
pub mod properties;
pub mod seals;
pub mod webhooks;

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
        (name = "partners", description = "Partner systems with an API key (`Authorization: Bearer hsk_live_...`): \
check-ins one by one (`POST /v1/checkins` with `property_id`) or in batches, their list by cursor, statuses and receipts. \
A key holds scopes (`checkins:write`, `checkins:read`, `webhooks:manage`, `seals:read`; a missing one is `403 insufficient_scope`) \
and jurisdictions (records elsewhere are `404`), and a rate limit per minute (`429 rate_limited` with `Retry-After`, RFC 6585 §4)."),
        (name = "webhooks", description = "Webhooks after the Standard Webhooks specification: each `POST` carries `webhook-id` (the same on \
every retry), `webhook-timestamp` (Unix seconds) and `webhook-signature` with `v1,<base64 HMAC-SHA256 keyed with the endpoint's whsec_ secret>` \
and `v1a,<base64 Ed25519 signature by the key at /.well-known/webhook-keys>` over `{id}.{timestamp}.{body}`. The body is a `WebhookPayload`: \
ids, type and status, never personal data. Failed deliveries are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 10 h, 15 h and 20 h \
(about three days); `410 Gone` or a schedule exhausted disables the endpoint. Redirects are not followed; private, loopback and link-local \
targets are refused."),
        (name = "idempotency", description = "Every `POST` takes an `Idempotency-Key` header (1 to 255 characters). The first answer to a key \
(other than 401, 429 and 5xx) is kept for 24 hours with a hash of the request: a retry with the same key and request gets it again \
(with `idempotent-replayed: true`), the same key with another request is `409 idempotency_key_reused`, and a retry while the first \
request is still running is `409 idempotency_key_in_progress` (retry later; it never runs twice). Keys are per credential. \
Signing in and issuing a partner key ignore the header (their answers are credentials and are never stored)."),
        (name = "admin", description = "The operator's API (an admin's bearer token): partners and their keys"),
        (name = "police", description = "The review of flagged check-ins by police officers of their jurisdiction (second factor required; every opening audited)"),
    ),
    components(schemas(crate::http::error::Problem, crate::domain::FieldError, crate::webhooks::WebhookPayload,
        crate::webhooks::WebhookData, crate::store::WebhookEvent))
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
        components.add_security_scheme(
            "partner_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("hsk_live_")
                    .description(Some("A partner's API key (`hsk_live_...`), issued by an operator; its scopes are listed per operation"))
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

/// Applies [`problems_everywhere`] to every operation (once the routes have added them).
fn document_problems(openapi: &mut utoipa::openapi::OpenApi) {
    {
        for item in openapi.paths.paths.values_mut() {
            if let Some(op) = &mut item.post {
                problems_everywhere(op, true);
            }
            for op in [&mut item.get, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten() {
                problems_everywhere(op, false);
            }
        }
    }
}

/// Problems are `application/problem+json` (RFC 9457 §3), and every operation lists the
/// problems any request can meet: `400` (a malformed path, query or header), `401` (a credential
/// that is wrong, expired or revoked) where it takes one, `413` and `415` where it takes a body,
/// `409` (a reused `Idempotency-Key`) on every `POST`, and `429` (a partner key over its rate)
/// where a partner key is accepted.
fn problems_everywhere(op: &mut utoipa::openapi::path::Operation, is_post: bool) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let is_problem = |schema: &Option<RefOr<utoipa::openapi::schema::Schema>>| {
        matches!(schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"))
    };
    for response in op.responses.responses.values_mut() {
        if let RefOr::T(r) = response
            && r.content.get("application/json").is_some_and(|c| is_problem(&c.schema))
            && let Some(c) = r.content.shift_remove("application/json")
        {
            r.content.insert("application/problem+json".into(), c);
        }
    }
    let security = op.security.clone().unwrap_or_default();
    let schemes = serde_json::to_value(&security).unwrap_or_default().to_string();
    let has_body = op.request_body.is_some();
    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_owned()).or_insert_with(|| {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build();
            RefOr::T(ResponseBuilder::new().description(description).content("application/problem+json", content).build())
        });
    };
    add("400", "`malformed_request`: a path, query or header that cannot be read");
    if !security.is_empty() {
        add("401", "`unauthorized`: no credential, or one that is wrong, expired or revoked");
    }
    if has_body {
        add("413", "`payload_too_large`: the body is over the limit");
        add("415", "`unsupported_media_type`: the body is not `application/json`");
    }
    if is_post {
        add("409", "`idempotency_key_reused`: this `Idempotency-Key` came with another request; `idempotency_key_in_progress`: the first request with it is still running");
    }
    if schemes.contains("partner_key") {
        add("403", "`insufficient_scope`: the partner key lacks the scope this operation needs");
        add("429", "`rate_limited`: the partner key is over its rate; `Retry-After` says when to try again (RFC 6585 §4)");
        if let Some(RefOr::T(r)) = op.responses.responses.get_mut("429") {
            let mut header = utoipa::openapi::header::Header::new(utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::schema::Type::Integer));
            header.description = Some("Seconds to wait before the key's next request is accepted (RFC 9110 §10.2.3)".into());
            r.headers.insert("Retry-After".into(), header);
        }
    }
}

/// The API routes and their OpenAPI document.
pub fn router() -> (axum::Router<App>, utoipa::openapi::OpenApi) {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(properties::create, properties::list))
        .routes(routes!(properties::get))
        .routes(routes!(properties::qr_svg))
        .routes(routes!(properties::qr_png))
        .routes(routes!(checkins::of_property))
        .routes(routes!(checkins::submit, batch::list))
        .routes(routes!(batch::batch))
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
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::get, webhooks::update, webhooks::delete))
        .routes(routes!(webhooks::rotate_secret))
        .routes(routes!(webhooks::attempts))
        .routes(routes!(webhooks::redeliver))
        .routes(routes!(webhooks::events))
        .routes(routes!(webhooks::keys))
        .routes(routes!(partners_admin::create_partner, partners_admin::partners))
        .routes(routes!(partners_admin::create_key, partners_admin::keys))
        .routes(routes!(partners_admin::revoke))
        .split_for_parts();
    let mut openapi = openapi;
    document_problems(&mut openapi);
    (router, openapi)
}

/// The OpenAPI document as YAML (what `/openapi.yaml` serves and `openapi.yaml` holds).
pub fn openapi_yaml() -> String {
    router().1.to_yaml().expect("the OpenAPI document serialises")
}
