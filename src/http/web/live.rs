//! A check-in's live status for its pages: server-sent events (the HTML `text/event-stream`
//! format) that announce each status change, and a small JSON document for clients that poll
//! instead. The landlord reaches them below `/checkins/{id}`, the tenant below `/r/{token}`.
//!
//! Each event is `event: status` with `data: {"status": "<status>"}` (a status as in the API:
//! `submitted`, `checking`, `verified`, `flagged`, ...). The stream reads the check-in once a
//! second, sends its status at once and then on every change, and ends once the status no longer
//! awaits the registry or after ten minutes (the page's script then polls `status.json`, and
//! without a script the page refreshes itself). No personal data is sent: the status only.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::Stream;

use super::WebLandlord;
use crate::app::App;
use crate::domain::CheckinStatus;
use crate::http::api::checkins;
use crate::http::error::ApiError;

/// How often the stream reads the check-in.
const TICK: Duration = Duration::from_secs(1);
/// How long one stream lasts at most, in ticks.
const MAX_TICKS: u32 = 600;

fn status_json(status: CheckinStatus) -> String {
    serde_json::json!({ "status": status.as_str() }).to_string()
}

/// The stream of a check-in's status changes.
fn status_events(app: App, id: String) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let state = (app, id, None::<CheckinStatus>, 0u32, false);
    let stream = futures::stream::unfold(state, |(app, id, last, ticks, done)| async move {
        if done {
            return None;
        }
        let mut ticks = ticks;
        loop {
            if ticks > 0 {
                tokio::time::sleep(TICK).await;
            }
            ticks += 1;
            let status = match app.store.checkin(&id).await {
                Ok(Some(c)) => c.status,
                // Gone (purged) or the store failing: end the stream; the page's script polls.
                _ => return None,
            };
            let settled = !status.awaits_registry() || ticks >= MAX_TICKS;
            if Some(status) != last {
                let event = Event::default().event("status").data(status_json(status));
                return Some((Ok(event), (app, id, Some(status), ticks, settled)));
            }
            if settled {
                return None;
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

pub async fn landlord_events(State(app): State<App>, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    match checkins::readable(&app, None, Some(&landlord.user), &id).await {
        Ok((c, _)) => status_events(app, c.id).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn tenant_events(State(app): State<App>, Path(token): Path<String>) -> Response {
    match super::tenant::by_receipt_token(&app, &token).await {
        Ok(c) => status_events(app, c.id).into_response(),
        Err(e) => e.into_response(),
    }
}

fn status_response(result: Result<CheckinStatus, ApiError>) -> Response {
    match result {
        Ok(status) => ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], status_json(status)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `{"status": "<status>"}`, for polling.
pub async fn landlord_status(State(app): State<App>, landlord: WebLandlord, Path(id): Path<String>) -> Response {
    status_response(checkins::readable(&app, None, Some(&landlord.user), &id).await.map(|(c, _)| c.status))
}

pub async fn tenant_status(State(app): State<App>, Path(token): Path<String>) -> Response {
    status_response(super::tenant::by_receipt_token(&app, &token).await.map(|c| c.status))
}
