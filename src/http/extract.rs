//! Request-body extractors whose errors name the field and never quote the value.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// JSON body (`application/json`) deserialised with the path of the first bad field reported,
/// as `malformed_request` naming that field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(ApiError::UnsupportedMedia("send the body as application/json".into()));
        }
        let _ = state;
        let bytes: Bytes = axum::body::to_bytes(req.into_body(), super::JSON_LIMIT_BYTES).await.map_err(|_| {
            ApiError::TooLarge { limit_mb: super::JSON_LIMIT_BYTES / (1024 * 1024) }
        })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Parses JSON, reporting where it is wrong without quoting it.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner();
        match inner.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof | serde_json::error::Category::Io => {
                ApiError::malformed("body", format!("the body is not valid JSON (line {}, column {})", inner.line(), inner.column()))
            }
            serde_json::error::Category::Data => {
                let message = inner.to_string();
                let base = if path == "." { String::new() } else { path };
                // serde names a missing field between backticks; that is a field name, not a value.
                if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
                    let field = if base.is_empty() { name.to_owned() } else { format!("{base}.{name}") };
                    return ApiError::malformed(&field, format!("{field} is required"));
                }
                let field = if base.is_empty() { "body".to_owned() } else { base };
                ApiError::malformed(&field, format!("{field} has the wrong type or an unknown value"))
            }
        }
    })
}
