//! Webhooks to partner systems, after the Standard Webhooks specification
//! (<https://www.standardwebhooks.com/>, `spec/standard-webhooks.md`): the outbox (written in the
//! transaction of each seal, see `enqueue_webhooks` in `store/shared.rs`), the signatures
//! ([`signing`]), the refusal of private targets ([`target`]) and the delivery job with its
//! retry schedule ([`delivery`]).
//!
//! A payload carries ids, the event type and the check-in's status, never personal data.

pub mod delivery;
pub mod signing;
pub mod target;

use serde::Serialize;

use crate::store::WebhookEvent;

/// The body of a webhook (`application/json`): `{"type", "timestamp", "data": {...}}`, the
/// envelope Standard Webhooks recommends.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(example = json!({"type": "checkin.verified", "timestamp": "2026-12-01T13:00:05Z",
    "data": {"checkin_id": "0193a1f2-8d00-7abc-8def-0123456789ab", "status": "verified",
             "url": "/v1/checkins/0193a1f2-8d00-7abc-8def-0123456789ab"}}))]
pub struct WebhookPayload {
    /// `checkin.submitted`, `checkin.verified`, `checkin.flagged`, `checkin.rechecked`,
    /// `checkin.resolved`, `checkin.checked_out`, `checkin.purged`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When the event happened (RFC 3339, UTC).
    pub timestamp: String,
    pub data: WebhookData,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookData {
    pub checkin_id: String,
    /// The check-in's status right after the event.
    pub status: String,
    /// `GET` this (with a `checkins:read` key) for the flags and seals.
    pub url: String,
}

/// An endpoint's `whsec_` secret as stored: sealed with the workspace key (see
/// [`crate::police::vault`]), bound to the endpoint, so a copy of the database alone cannot sign
/// webhooks.
pub fn seal_secret(vault: &crate::police::vault::Vault, endpoint_id: &str, secret: &str) -> String {
    vault.seal(&format!("webhook_endpoints.secret:{endpoint_id}"), secret.as_bytes())
}

/// The `whsec_` secret of an endpoint from its stored form; `None` when it does not open.
pub fn open_secret(vault: &crate::police::vault::Vault, endpoint_id: &str, sealed: &str) -> Option<String> {
    let bytes = vault.open(&format!("webhook_endpoints.secret:{endpoint_id}"), sealed).ok()?;
    String::from_utf8(bytes).ok()
}

/// The exact bytes sent for an event (the same on every attempt).
pub fn payload_bytes(event: &WebhookEvent) -> Vec<u8> {
    let payload = WebhookPayload {
        kind: event.kind.clone(),
        timestamp: event.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        data: WebhookData {
            checkin_id: event.checkin_id.clone(),
            status: event.status.clone(),
            url: format!("/v1/checkins/{}", event.checkin_id),
        },
    };
    serde_json::to_vec(&payload).expect("a webhook payload serialises")
}
