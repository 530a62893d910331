//! Partner systems over HTTP: the extractors that turn an API key (`Authorization: Bearer
//! hsk_live_...`) into a [`PartnerKey`], count it against its rate limit (`429` with
//! `Retry-After`, RFC 6585 §4 and RFC 9110 §10.2.3), and check its scopes (`403
//! insufficient_scope`) and jurisdictions (`404`, as for any record the caller may not see).

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::error::ApiError;
use crate::app::App;
use crate::store::PartnerKey;

/// The partner key of the request, if it carries one (`None` for any other credential).
#[derive(Clone)]
pub struct MaybePartner(pub Option<PartnerKey>);

/// The request's partner key; other callers get `401`.
pub struct Partner(pub PartnerKey);

/// The bearer token of the request when it is a partner key.
fn partner_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("bearer "))?.trim();
    token.starts_with(crate::partners::KEY_PREFIX).then_some(token)
}

impl FromRequestParts<App> for MaybePartner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        // Once per request, however many extractors ask (the rate limit counts requests).
        if let Some(done) = parts.extensions.get::<MaybePartner>() {
            return Ok(done.clone());
        }
        let Some(token) = partner_token(parts) else { return Ok(MaybePartner(None)) };
        let key = app
            .store
            .use_partner_key(&crate::http::auth::token_hash(token), app.now())
            .await?
            .ok_or(ApiError::InvalidApiKey)?;
        if let Err(wait) = app.partners.limits.check(&key) {
            metrics::counter!("hospes_partner_rate_limited_total").increment(1);
            return Err(ApiError::RateLimited { retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64 });
        }
        let found = MaybePartner(Some(key));
        parts.extensions.insert(found.clone());
        Ok(found)
    }
}

impl FromRequestParts<App> for Partner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        match MaybePartner::from_request_parts(parts, app).await? {
            MaybePartner(Some(key)) => Ok(Partner(key)),
            MaybePartner(None) => Err(ApiError::Unauthorized),
        }
    }
}

/// A key's rights.
pub trait KeyRights {
    /// `403 insufficient_scope` unless the key holds `scope`.
    fn require(&self, scope: &'static str) -> Result<(), ApiError>;
    /// Whether the key may act in `jurisdiction`.
    fn covers(&self, jurisdiction: &str) -> bool;
}

impl KeyRights for PartnerKey {
    fn require(&self, scope: &'static str) -> Result<(), ApiError> {
        if self.scopes.iter().any(|s| s == scope) { Ok(()) } else { Err(ApiError::InsufficientScope(scope)) }
    }

    fn covers(&self, jurisdiction: &str) -> bool {
        self.jurisdictions.iter().any(|j| j.eq_ignore_ascii_case(jurisdiction))
    }
}
