//! Validators for reads: a strong `ETag` (RFC 9110 §8.8.3) computed from the JSON body, and
//! `If-None-Match` (RFC 9110 §13.1.2) answered with `304 Not Modified` and no body.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// `"` + base64url of the first 16 bytes of SHA-256(body) + `"`.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{}\"", B64.encode(&Sha256::digest(body)[..16]))
}

/// Whether `If-None-Match` names `etag` (or is `*`). Weak comparison, as §13.1.2 asks.
pub fn matches(headers: &HeaderMap, etag: &str) -> bool {
    headers.get_all(header::IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
        let tag = tag.trim();
        tag == "*" || tag.trim_start_matches("W/") == etag
    })
}

/// `200` with the JSON body and its `ETag`, or `304` when the client holds it already.
pub fn json<T: Serialize>(headers: &HeaderMap, value: &T) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => return super::error::ApiError::internal(e).into_response(),
    };
    let etag = etag_of(&body);
    let tag = HeaderValue::from_str(&etag).expect("an ETag is ASCII");
    if matches(headers, &etag) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
    }
    (StatusCode::OK, [(header::ETAG, tag), (header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_matches_the_tag_weakly_or_a_star() {
        let etag = etag_of(b"{}");
        let mut h = HeaderMap::new();
        assert!(!matches(&h, &etag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_str(&format!("\"x\", W/{etag}")).unwrap());
        assert!(matches(&h, &etag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("\"other\""));
        assert!(!matches(&h, &etag));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(matches(&h, &etag));
    }
}
