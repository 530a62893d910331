//! The webhook delivery job (kind [`crate::jobs::WEBHOOK_DELIVERY`]): one event to one endpoint.
//!
//! Retry policy: a delivery that fails (no answer, a timeout, any status but 2xx) is tried again
//! after [`SCHEDULE`] — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 10 h, 15 h, 20 h, about three
//! days in all — with the same `webhook-id` (and body) every time and a fresh timestamp and
//! signature. `410 Gone` disables the endpoint at once; a delivery that exhausts its schedule
//! disables it too (`persistent_failure`). A disabled or deleted endpoint's jobs end quietly.
//! Every attempt is logged (status, duration, our short error code) for the partner to read.

use std::time::{Duration, Instant};

use crate::app::App;
use crate::jobs::registry_check::JobError;
use crate::store::{Job, JobRelease, WebhookAttempt};

/// Delays after each failed attempt, in seconds.
pub const SCHEDULE: &[i64] = &[5, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000, 54_000, 72_000];

/// Attempts of one delivery: the first and one after each delay of [`SCHEDULE`].
pub const MAX_ATTEMPTS: i32 = SCHEDULE.len() as i32 + 1;

/// How long an endpoint has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(serde::Deserialize)]
struct Payload {
    event: String,
    endpoint: String,
}

/// How one attempt went.
enum Outcome {
    Delivered(u16),
    Gone,
    Failed { status: Option<u16>, error: Option<String> },
}

/// Runs one delivery attempt.
pub async fn run(app: &App, job: &Job, worker: &str) -> Result<(), JobError> {
    let payload: Payload =
        serde_json::from_value(job.payload.clone()).map_err(|_| JobError::Permanent("webhook delivery without event and endpoint".into()))?;
    let (Some(event), Some(endpoint)) =
        (app.store.webhook_event(&payload.event).await?, app.store.webhook_endpoint(&payload.endpoint).await?)
    else {
        app.store.complete_job(job.id, worker, app.now()).await?;
        return Ok(());
    };
    if endpoint.disabled_at.is_some() || endpoint.partner_id != event.partner_id {
        app.store.complete_job(job.id, worker, app.now()).await?;
        return Ok(());
    }
    let attempt = app.store.webhook_attempt_count(&event.id, &endpoint.id).await? + 1;
    let body = super::payload_bytes(&event);
    let started = Instant::now();
    let outcome = match super::open_secret(&app.vault, &endpoint.id, &endpoint.secret) {
        Some(secret) => send(app, &endpoint.url, &secret, &event.id, body).await,
        None => Outcome::Failed { status: None, error: Some("bad_secret".into()) },
    };
    let duration_ms = started.elapsed().as_millis() as i64;
    let now = app.now();
    let last = job.attempts >= job.max_attempts;
    let (status_code, error, success, disable) = match &outcome {
        Outcome::Delivered(s) => (Some(*s), None, true, None),
        Outcome::Gone => (Some(410), Some("gone".to_owned()), false, Some("gone")),
        Outcome::Failed { status, error } => (*status, error.clone(), false, last.then_some("persistent_failure")),
    };
    let record = WebhookAttempt {
        id: 0,
        event_id: event.id.clone(),
        endpoint_id: endpoint.id.clone(),
        attempt,
        status_code: status_code.map(i64::from),
        error,
        duration_ms,
        created_at: now,
    };
    app.store.record_webhook_attempt(&record, success, disable).await?;
    metrics::counter!("hospes_webhook_attempts_total", "outcome" => match outcome {
        Outcome::Delivered(_) => "delivered",
        Outcome::Gone => "gone",
        Outcome::Failed { .. } => "failed",
    })
    .increment(1);
    match outcome {
        Outcome::Delivered(_) | Outcome::Gone => app.store.complete_job(job.id, worker, now).await?,
        Outcome::Failed { .. } if last => {
            let release = JobRelease::Dead { error: "webhook delivery failed on every attempt".into() };
            app.store.release_job(job.id, worker, &release, now).await?
        }
        Outcome::Failed { .. } => {
            let delay = SCHEDULE[(job.attempts as usize).saturating_sub(1).min(SCHEDULE.len() - 1)];
            let release = JobRelease::Retry { run_at: now + chrono::Duration::seconds(delay), error: "webhook delivery failed".into() };
            app.store.release_job(job.id, worker, &release, now).await?
        }
    }
    Ok(())
}

/// Signs and posts the body to the endpoint, connecting only to the address checked by
/// [`super::target`] and following no redirect.
async fn send(app: &App, url: &str, secret: &str, id: &str, body: Vec<u8>) -> Outcome {
    let failed = |error: &str| Outcome::Failed { status: None, error: Some(error.to_owned()) };
    let url = match super::target::check_url(url) {
        Ok(u) => u,
        Err(e) => return failed(e.code()),
    };
    let addr = match super::target::resolve(&url, app.partners.allow_private_webhooks).await {
        Ok(a) => a,
        Err(e) => return failed(e.code()),
    };
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_owned();
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .resolve(&host, addr)
        .user_agent(concat!("hospes-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(_) => return failed("client"),
    };
    let timestamp = app.now().timestamp();
    let Some(signature) = super::signing::signature_header(secret, &app.partners.webhook_key, id, timestamp, &body) else {
        return failed("bad_secret");
    };
    let resp = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match resp {
        Ok(r) if r.status().is_success() => Outcome::Delivered(r.status().as_u16()),
        Ok(r) if r.status().as_u16() == 410 => Outcome::Gone,
        Ok(r) if r.status().is_redirection() => Outcome::Failed { status: Some(r.status().as_u16()), error: Some("redirect".into()) },
        Ok(r) => Outcome::Failed { status: Some(r.status().as_u16()), error: None },
        Err(e) if e.is_timeout() => failed("timeout"),
        Err(e) if e.is_connect() => failed("connect"),
        Err(_) => failed("transport"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_spans_about_three_days() {
        let total: i64 = SCHEDULE.iter().sum();
        assert!((70 * 3600..=76 * 3600).contains(&total), "{total} s");
        assert_eq!(MAX_ATTEMPTS, 11);
    }
}
