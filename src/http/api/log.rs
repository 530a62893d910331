//! The transparency log over HTTP: the signed checkpoint at a stable URL, its verifier keys, and
//! inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4). Public: the log holds no personal
//! data, only seals' hashes.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::http::error::ApiError;
use crate::http::extract::ApiQuery;
use crate::seal::log::{ConsistencyProof, InclusionProof};

const TEXT: &str = "text/plain; charset=utf-8";

/// The log's latest checkpoint: a C2SP `tlog-checkpoint` (origin, tree size, base64 root hash,
/// one per line) signed as a C2SP `signed-note` by the active seal key under the log's origin
/// (`<public host>/log`). With `tree_size`, the checkpoint of the log's first `tree_size` leaves.
/// Check it with a verifier key from `/v1/log/verifier-keys`. `400` when `tree_size` exceeds the
/// log's size.
#[utoipa::path(get, path = "/v1/log/checkpoint", tag = "log",
    params(("tree_size" = Option<u64>, Query, description = "A past size of the log (default: its current size)")),
    responses((status = 200, description = "The signed note", content_type = "text/plain", body = String),
              (status = 400, body = crate::http::error::Problem)))]
pub async fn checkpoint(State(app): State<App>, query: ApiQuery) -> Result<Response, ApiError> {
    let signed = crate::transparency::checkpoint(&app, query.u64("tree_size")?).await?;
    Ok(([(header::CONTENT_TYPE, TEXT), (header::CACHE_CONTROL, "no-cache")], signed.note).into_response())
}

/// The signed-note verifier keys of the log, one per line, for every published seal key (active
/// and retired): `<origin>+<key hash, 8 hex digits>+<base64(0x01 || Ed25519 public key)>`.
#[utoipa::path(get, path = "/v1/log/verifier-keys", tag = "log",
    responses((status = 200, description = "Verifier keys, one per line", content_type = "text/plain", body = String)))]
pub async fn verifier_keys(State(app): State<App>) -> Response {
    let mut text = app.log_verifier_keys().join("\n");
    text.push('\n');
    ([(header::CONTENT_TYPE, TEXT)], text).into_response()
}

/// The inclusion proof (RFC 9162 §2.1.3.1) of leaf `leaf_index` in the tree of the log's first
/// `tree_size` leaves (default: the current size). The leaf is a seal's compact JWS bytes; the
/// proof's hashes are standard padded base64. `400` naming the field when `leaf_index` is not
/// below `tree_size` or `tree_size` exceeds the log's size.
#[utoipa::path(get, path = "/v1/log/proof/inclusion", tag = "log",
    params(("leaf_index" = u64, Query, description = "Zero-based leaf index"),
           ("tree_size" = Option<u64>, Query, description = "Size of the tree to prove inclusion in (default: the current size)")),
    responses((status = 200, body = InclusionProof), (status = 400, body = crate::http::error::Problem)))]
pub async fn inclusion(State(app): State<App>, query: ApiQuery) -> Result<axum::Json<InclusionProof>, ApiError> {
    let leaf_index = query.required_u64("leaf_index")?;
    let head = crate::transparency::head_at(&app, query.u64("tree_size")?).await?;
    Ok(axum::Json(crate::transparency::inclusion_proof(&app, &head, leaf_index).await?))
}

/// The consistency proof (RFC 9162 §2.1.4.1) from the tree of `from` leaves to the tree of `to`
/// leaves: it shows the older tree is a prefix of the newer, so nothing logged before was removed
/// or rewritten. `400` naming the field when `from > to` or `to` exceeds the log's size.
#[utoipa::path(get, path = "/v1/log/proof/consistency", tag = "log",
    params(("from" = u64, Query, description = "Size of the older tree"),
           ("to" = u64, Query, description = "Size of the newer tree")),
    responses((status = 200, body = ConsistencyProof), (status = 400, body = crate::http::error::Problem)))]
pub async fn consistency(State(app): State<App>, query: ApiQuery) -> Result<axum::Json<ConsistencyProof>, ApiError> {
    let from = query.required_u64("from")?;
    let to = query.required_u64("to")?;
    if from > to {
        return Err(ApiError::malformed("from", "from must not exceed to"));
    }
    Ok(axum::Json(crate::transparency::consistency_proof(&app, from, to).await.map_err(|e| match e {
        crate::transparency::TransparencyError::Log(_) => ApiError::malformed("to", "to exceeds the log's size"),
        other => other.into(),
    })?))
}
