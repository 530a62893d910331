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
                // An unknown field is refused (a misspelt optional field would otherwise be lost
                // without a word); its name is the client's key, not a value.
                if let Some(rest) = message.strip_prefix("unknown field `") {
                    let key = rest.split('`').next().unwrap_or_default();
                    // The path ends with the unknown key itself.
                    let base = base.strip_suffix(key).map(|b| b.trim_end_matches('.')).unwrap_or_default().to_owned();
                    let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
                    let folded = key.to_ascii_lowercase();
                    let nearest = expected
                        .iter()
                        .map(|e| (strsim::jaro_winkler(&folded, e), *e))
                        .filter(|(score, _)| *score > 0.8)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, e)| e);
                    // A key could hold anything (a name, a document number): it is named back only
                    // when it is a near miss of a field of this request, and then with the fix.
                    let (name, hint) = match nearest {
                        Some(e) if key.len() <= 64 && key.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_') => {
                            (key, format!(" (did you mean {e}?)"))
                        }
                        _ => ("(unknown name)", String::new()),
                    };
                    let field = if base.is_empty() { name.to_owned() } else { format!("{base}.{name}") };
                    let known = match hint.is_empty() && !expected.is_empty() {
                        true => format!("; the fields here are {}", expected.join(", ")),
                        false => String::new(),
                    };
                    return ApiError::malformed(&field, format!("{field} is not a field of this request{hint}{known}"));
                }
                let field = if base.is_empty() { "body".to_owned() } else { base };
                ApiError::malformed(&field, format!("{field} has the wrong type or an unknown value"))
            }
        }
    })
}

/// The query string as name-value pairs; typed readers name the field when a value is wrong and
/// never quote it.
pub struct ApiQuery(pub std::collections::HashMap<String, String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, ApiError> {
        let query = axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(&parts.uri)
            .map_err(|_| ApiError::malformed("query", "the query string is not valid URL encoding"))?;
        Ok(ApiQuery(query.0))
    }
}

impl ApiQuery {
    /// A non-negative integer parameter, if present.
    pub fn u64(&self, name: &str) -> Result<Option<u64>, ApiError> {
        self.0
            .get(name)
            .map(|v| v.parse::<u64>().map_err(|_| ApiError::malformed(name, format!("{name} must be a non-negative integer"))))
            .transpose()
    }

    /// A required non-negative integer parameter.
    pub fn required_u64(&self, name: &str) -> Result<u64, ApiError> {
        self.u64(name)?.ok_or_else(|| ApiError::malformed(name, format!("{name} is required")))
    }
}
