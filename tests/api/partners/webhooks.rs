//! Webhooks to a local receiver: the outbox follows every seal, signatures verify, a failure is
//! retried with the same id, `410` disables the endpoint, redelivery, the attempts log.

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};

use super::*;

/// What the receiver got: headers (lower-case names) and body.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: std::collections::HashMap<String, String>,
    pub body: Vec<u8>,
}

/// A webhook receiver on port 0 that answers with the statuses of `script` in turn (then 200).
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let script: Arc<Mutex<Vec<u16>>> = Arc::default();
        let (g, s) = (got.clone(), script.clone());
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let (g, s) = (g.clone(), s.clone());
                async move {
                    let headers = headers.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
                    g.lock().unwrap().push(Received { headers, body: body.to_vec() });
                    let mut script = s.lock().unwrap();
                    let status = if script.is_empty() { 200 } else { script.remove(0) };
                    // A redirect points back here: a client that followed it would post twice.
                    let location = if (300..400).contains(&status) { "/hook" } else { "" };
                    (axum::http::StatusCode::from_u16(status).unwrap(), [(axum::http::header::LOCATION, location)])
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Receiver { url, got, script }
    }

    pub fn answer_next(&self, statuses: &[u16]) {
        self.script.lock().unwrap().extend_from_slice(statuses);
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

/// Checks `v1` (HMAC-SHA256 with the `whsec_` secret) of a received webhook.
pub fn v1_verifies(r: &Received, secret: &str) -> bool {
    let key = B64.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{}.{}.", r.headers["webhook-id"], r.headers["webhook-timestamp"]).as_bytes());
    mac.update(&r.body);
    let expected = B64.encode(mac.finalize().into_bytes());
    r.headers["webhook-signature"].split(' ').any(|s| s == format!("v1,{expected}"))
}

pub async fn endpoint(app: &TestApp, key: &str, url: &str) -> Value {
    let resp = post(app, key, "/v1/webhooks/endpoints", &json!({"url": url})).await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn every_seal_of_a_partners_checkin_is_delivered_signed_without_personal_data() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    let secret = ep["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"));
    let listed: Value = get(&app, &key, "/v1/webhooks/endpoints").await.json().await.unwrap();
    assert!(listed[0].get("secret").is_none(), "the secret is shown only once: {listed}");

    let body = partner_checkin(&property);
    let resp = post(&app, &key, "/v1/checkins", &body).await;
    let id = resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    // A landlord's own check-in at the same property is nobody's webhook.
    let landlord = app.login("owner@example.com", PASSWORD).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let mut own = body.clone();
    own["property_id"] = property["id"].clone();
    assert_eq!(app.submit_checkin(Some(&landlord), &own).await.status(), 202);
    app.drain_jobs().await;

    let got = receiver.received();
    let types: Vec<String> = got.iter().map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["type"].as_str().unwrap().to_owned()).collect();
    assert_eq!(types, ["checkin.submitted", "checkin.verified"]);
    let ids: Vec<&str> = got.iter().map(|r| r.headers["webhook-id"].as_str()).collect();
    assert_ne!(ids[0], ids[1]);
    for r in &got {
        assert!(v1_verifies(r, secret), "v1 verifies");
        assert!(!v1_verifies(r, &hospes::webhooks::signing::new_secret()), "not with another secret");
        assert!(r.headers["webhook-signature"].contains(" v1a,"));
        let payload: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(payload["data"]["checkin_id"], id.as_str());
        let text = String::from_utf8(r.body.clone()).unwrap();
        let person = &body["persons"][0];
        for field in ["family_name", "given_names", "birth_date"] {
            assert!(!text.contains(person[field].as_str().unwrap()), "no {field} in a webhook");
        }
        assert!(!text.contains(person["document"]["number"].as_str().unwrap()));
    }
    let verified: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_eq!(verified["data"]["status"], "verified");

    // The published key verifies v1a.
    let keys: Value = app.client.get(app.url("/.well-known/webhook-keys")).send().await.unwrap().json().await.unwrap();
    let public = B64.decode(keys["keys"][0]["public_key"].as_str().unwrap().strip_prefix("whpk_").unwrap()).unwrap();
    let public = ed25519_dalek::VerifyingKey::from_bytes(&public.try_into().unwrap()).unwrap();
    let r = &got[0];
    let sig = r.headers["webhook-signature"].split(' ').find_map(|s| s.strip_prefix("v1a,")).unwrap();
    let sig = ed25519_dalek::Signature::from_slice(&B64.decode(sig).unwrap()).unwrap();
    let mut content = format!("{}.{}.", r.headers["webhook-id"], r.headers["webhook-timestamp"]).into_bytes();
    content.extend_from_slice(&r.body);
    assert!(public.verify_strict(&content, &sig).is_ok());
}

#[tokio::test]
async fn a_failed_delivery_is_retried_with_the_same_id_and_logged() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    receiver.answer_next(&[500, 503]);
    post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    app.drain_jobs().await; // submitted: 500; the registry check: verified → 503
    assert_eq!(receiver.received().len(), 2);
    app.clock.advance(chrono::Duration::seconds(4));
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 2, "not before the first delay (5 s)");
    app.clock.advance(chrono::Duration::seconds(2));
    app.drain_jobs().await;
    let got = receiver.received();
    assert_eq!(got.len(), 4);
    let id_of = |r: &Received| r.headers["webhook-id"].clone();
    assert_eq!(id_of(&got[2]), id_of(&got[0]), "a retry keeps its webhook-id");
    assert_eq!(id_of(&got[3]), id_of(&got[1]));
    assert_eq!(got[2].body, got[0].body, "and its body");

    let log: Value = get(&app, &key, &format!("/v1/webhooks/endpoints/{}/attempts", ep["id"].as_str().unwrap())).await.json().await.unwrap();
    let statuses: Vec<i64> = log.as_array().unwrap().iter().map(|a| a["status_code"].as_i64().unwrap()).collect();
    assert_eq!(statuses, [200, 200, 503, 500], "newest first");
    assert_eq!(log[0]["attempt"], 2);
    let ep_now: Value = get(&app, &key, &format!("/v1/webhooks/endpoints/{}", ep["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(ep_now["failures"], 0, "a success resets the count");
    assert_eq!(ep_now["enabled"], true);
}

#[tokio::test]
async fn a_410_disables_the_endpoint_and_redelivery_sends_the_same_event_again() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    let ep_path = format!("/v1/webhooks/endpoints/{}", ep["id"].as_str().unwrap());
    receiver.answer_next(&[410]);
    post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 1, "nothing more after 410");
    let now: Value = get(&app, &key, &ep_path).await.json().await.unwrap();
    assert_eq!((now["enabled"].clone(), now["disabled_reason"].clone()), (json!(false), json!("gone")));
    app.clock.advance(chrono::Duration::days(4));
    app.drain_jobs().await;
    assert_eq!(receiver.received().len(), 1);

    // Re-enabled, the partner asks for the lost event again: same id, same body.
    let resp = app.client.patch(app.url(&ep_path)).bearer_auth(&key).json(&json!({"enabled": true})).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let first = receiver.received()[0].clone();
    // The partner finds the lost event in its list of events.
    let events: Value = get(&app, &key, "/v1/webhooks/events").await.json().await.unwrap();
    let types: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["checkin.verified", "checkin.submitted"], "newest first");
    assert_eq!(events[1]["id"], first.headers["webhook-id"].as_str());
    let redeliver = format!("{ep_path}/redeliver");
    let resp = post(&app, &key, &redeliver, &json!({"event_id": first.headers["webhook-id"]})).await;
    assert_eq!(resp.status(), 202);
    app.drain_jobs().await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].headers["webhook-id"], first.headers["webhook-id"]);
    assert_eq!(got[1].body, first.body);
    assert_problem(post(&app, &key, &redeliver, &json!({"event_id": "msg_none"})).await, 404, "not_found").await;

    // Another partner sees none of it.
    let (_, other) = partner_key(&app, "Other", ALL, &["ES-M"], 100).await;
    assert_problem(get(&app, &other, &ep_path).await, 404, "not_found").await;
    assert_problem(post(&app, &other, &redeliver, &json!({"event_id": first.headers["webhook-id"]})).await, 404, "not_found").await;
}

#[tokio::test]
async fn an_endpoint_failing_for_three_days_is_disabled() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    receiver.answer_next(&[500; 40]);
    post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    app.drain_jobs().await;
    for _ in 0..12 {
        app.clock.advance(chrono::Duration::hours(21));
        app.drain_jobs().await;
    }
    let got = receiver.received();
    // Two events (submitted, verified): the first tried 11 times, which disables the endpoint
    // just before the second's 11th attempt, which then never goes out.
    assert_eq!(got.len(), 2 * hospes::webhooks::delivery::MAX_ATTEMPTS as usize - 1);
    let now: Value = get(&app, &key, &format!("/v1/webhooks/endpoints/{}", ep["id"].as_str().unwrap())).await.json().await.unwrap();
    assert_eq!(now["enabled"], false);
    assert_eq!(now["disabled_reason"], "persistent_failure");
}

#[tokio::test]
async fn endpoint_urls_must_be_http_and_secrets_rotate() {
    let app = TestApp::spawn().await;
    let (_, key) = madrid_partner(&app).await;
    for bad in ["ftp://example.org/", "not a url", "http://user:pw@example.org/"] {
        let problem = assert_problem(post(&app, &key, "/v1/webhooks/endpoints", &json!({"url": bad})).await, 400, "malformed_request").await;
        assert_eq!(problem["errors"][0]["field"], "url");
    }
    let ep = endpoint(&app, &key, "https://partner.example/hook").await;
    let rotate = format!("/v1/webhooks/endpoints/{}/rotate-secret", ep["id"].as_str().unwrap());
    let rotated: Value = post(&app, &key, &rotate, &json!({})).await.json().await.unwrap();
    assert!(rotated["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_ne!(rotated["secret"], ep["secret"]);
    let del = app.client.delete(app.url(&format!("/v1/webhooks/endpoints/{}", ep["id"].as_str().unwrap()))).bearer_auth(&key).send().await.unwrap();
    assert_eq!(del.status(), 204);
    let listed: Value = get(&app, &key, "/v1/webhooks/endpoints").await.json().await.unwrap();
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn without_the_operators_leave_a_loopback_target_is_refused_and_a_redirect_is_not_followed() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    // A worker of a service configured as in production (no private targets).
    let mut strict = app.app.clone();
    strict.partners = std::sync::Arc::new(hospes::partners::Partners::new([3; 32], false));
    let worker = hospes::jobs::Worker::new(strict);
    while worker.run_once().await.unwrap() {}
    assert!(receiver.received().is_empty(), "nothing sent to 127.0.0.1");
    let attempts_path = format!("/v1/webhooks/endpoints/{}/attempts", ep["id"].as_str().unwrap());
    let log: Value = get(&app, &key, &attempts_path).await.json().await.unwrap();
    assert!(!log.as_array().unwrap().is_empty());
    for a in log.as_array().unwrap() {
        assert_eq!(a["error"], "refused_address");
        assert!(a["status_code"].is_null());
    }

    // A redirect is a failure, never followed.
    receiver.answer_next(&[307, 307]);
    app.clock.advance(chrono::Duration::seconds(10));
    app.drain_jobs().await;
    let got = receiver.received();
    assert_eq!(got.len(), 2, "one request per event, no second request to a Location");
    let log: Value = get(&app, &key, &attempts_path).await.json().await.unwrap();
    assert_eq!(log[0]["status_code"], 307);
    assert_eq!(log[0]["error"], "redirect");
}

#[tokio::test]
async fn an_endpoint_secret_is_stored_sealed_and_still_signs() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    let stored = app.app.store.webhook_endpoint(ep["id"].as_str().unwrap()).await.unwrap().unwrap();
    let secret = ep["secret"].as_str().unwrap();
    assert!(!stored.secret.contains(secret.strip_prefix("whsec_").unwrap()), "not in the clear");
    assert!(stored.secret.starts_with("pv1."));
    post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    app.drain_jobs().await;
    assert!(receiver.received().iter().all(|r| v1_verifies(r, secret)));
    assert_eq!(receiver.received().len(), 2);

    // After a rotation, deliveries are signed with the new secret only.
    let rotate = format!("/v1/webhooks/endpoints/{}/rotate-secret", ep["id"].as_str().unwrap());
    let rotated: Value = post(&app, &key, &rotate, &json!({})).await.json().await.unwrap();
    let new_secret = rotated["secret"].as_str().unwrap();
    post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    app.drain_jobs().await;
    let got = receiver.received();
    assert_eq!(got.len(), 4);
    assert!(got[2..].iter().all(|r| v1_verifies(r, new_secret) && !v1_verifies(r, secret)));
}
