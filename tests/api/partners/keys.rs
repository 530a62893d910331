//! Keys: issued by an admin and shown once, scopes, jurisdictions, revocation, rate limits.

use hospes::store::Role;
use serde_json::{Value, json};

use super::*;
use crate::police::{enrolled, token_of};

#[tokio::test]
async fn an_admin_issues_a_key_shown_once_that_works_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = enrolled(&app, Role::Admin, "admin@example.com", &[]).await;
    let token = token_of(&app, &admin).await;
    let resp = post(&app, &token, "/v1/admin/partners", &json!({"name": "Madrid PMS"})).await;
    assert_eq!(resp.status(), 201);
    let partner: Value = resp.json().await.unwrap();
    let keys_url = format!("/v1/admin/partners/{}/keys", partner["id"].as_str().unwrap());
    let bad = post(&app, &token, &keys_url, &json!({"scopes": ["root"], "jurisdictions": ["ES-M"]})).await;
    let problem = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "scopes[0]");
    let resp = post(&app, &token, &keys_url, &json!({"scopes": ["checkins:read"], "jurisdictions": ["ES-M"]})).await;
    assert_eq!(resp.status(), 201);
    let created: Value = resp.json().await.unwrap();
    let key = created["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("hsk_live_"));
    assert_eq!(created["prefix"], &key[..13]);

    // Listed with prefix, scopes and last use; never the key or its hash.
    let list = get(&app, &token, &keys_url).await.text().await.unwrap();
    assert!(!list.contains(&key) && !list.contains("key_hash"), "{list}");
    assert!(list.contains("\"last_used_at\":null"));
    assert_eq!(get(&app, &key, "/v1/checkins").await.status(), 200);
    let list: Value = get(&app, &token, &keys_url).await.json().await.unwrap();
    assert!(list[0]["last_used_at"].is_string(), "last use recorded: {list}");

    // A landlord cannot use the admin API.
    let landlord = app.landlord("l@example.com").await;
    assert_problem(get(&app, &landlord, &keys_url).await, 404, "not_found").await;

    let revoke = format!("/v1/admin/partner-keys/{}/revoke", created["id"].as_str().unwrap());
    assert_eq!(post(&app, &token, &revoke, &json!({})).await.status(), 204);
    let refused = get(&app, &key, "/v1/checkins").await;
    assert_eq!(refused.headers()["www-authenticate"], "Bearer error=\"invalid_token\"", "RFC 6750 §3.1");
    let problem = assert_problem(refused, 401, "invalid_api_key").await;
    assert!(problem["detail"].as_str().unwrap().contains("revoked"), "{problem}");
    assert_problem(post(&app, &token, &revoke, &json!({})).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_key_without_the_scope_gets_403_naming_it() {
    let app = TestApp::spawn().await;
    let landlord = app.landlord("owner@example.com").await;
    let property = app.madrid_property(&landlord).await;
    let (_, reader) = partner_key(&app, "Reader", &["checkins:read"], &["ES-M"], 100).await;
    let (_, writer) = partner_key(&app, "Writer", &["checkins:write"], &["ES-M"], 100).await;
    let problem = assert_problem(post(&app, &reader, "/v1/checkins", &partner_checkin(&property)).await, 403, "insufficient_scope").await;
    assert!(problem["detail"].as_str().unwrap().contains("checkins:write"));
    let resp = post(&app, &writer, "/v1/checkins", &partner_checkin(&property)).await;
    assert_eq!(resp.status(), 202);
    let id = resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_problem(get(&app, &writer, &format!("/v1/checkins/{id}")).await, 403, "insufficient_scope").await;
    assert_problem(get(&app, &writer, "/v1/checkins").await, 403, "insufficient_scope").await;
    assert_problem(get(&app, &writer, &format!("/v1/checkins/{id}/receipt")).await, 403, "insufficient_scope").await;
    assert_problem(get(&app, &writer, "/v1/webhooks/endpoints").await, 403, "insufficient_scope").await;
}

#[tokio::test]
async fn another_jurisdiction_or_another_partner_gets_404() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let (_, tianjin) = partner_key(&app, "Tianjin bureau", ALL, &["CN-TJ"], 100).await;
    let (_, other_madrid) = partner_key(&app, "Other agency", ALL, &["ES-M"], 100).await;
    // Submitting to a property outside the key's jurisdictions: as if it did not exist.
    assert_problem(post(&app, &tianjin, "/v1/checkins", &partner_checkin(&property)).await, 404, "not_found").await;
    let resp = post(&app, &key, "/v1/checkins", &partner_checkin(&property)).await;
    assert_eq!(resp.status(), 202);
    let id = resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let mine: Value = get(&app, &key, &format!("/v1/checkins/{id}")).await.json().await.unwrap();
    assert_eq!(mine["status"], "submitted");
    assert!(mine.get("persons").is_none(), "a partner never reads the persons back: {mine}");
    for other in [&tianjin, &other_madrid] {
        assert_problem(get(&app, other, &format!("/v1/checkins/{id}")).await, 404, "not_found").await;
        assert_problem(get(&app, other, &format!("/v1/checkins/{id}/receipt")).await, 404, "not_found").await;
        let list: Value = get(&app, other, "/v1/checkins").await.json().await.unwrap();
        assert_eq!(list["items"], json!([]));
    }
    // The landlord of the property still reads it, persons included.
    let landlord_token = app.login("owner@example.com", PASSWORD).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let seen: Value = app.get_checkin(&id, &landlord_token).await.json().await.unwrap();
    assert_eq!(seen["channel"], "partner");
    assert_eq!(seen["persons"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after() {
    let app = TestApp::spawn().await;
    let (_, key) = partner_key(&app, "Busy", &["checkins:read"], &["ES-M"], 3).await;
    let (_, calm) = partner_key(&app, "Calm", &["checkins:read"], &["ES-M"], 3).await;
    for _ in 0..3 {
        assert_eq!(get(&app, &key, "/v1/checkins").await.status(), 200);
    }
    let resp = get(&app, &key, "/v1/checkins").await;
    let retry_after: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    assert_problem(resp, 429, "rate_limited").await;
    // Limits are per key.
    assert_eq!(get(&app, &calm, "/v1/checkins").await.status(), 200);
}

#[tokio::test]
async fn an_idempotent_retry_gets_the_first_answer_and_another_body_409() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let body = partner_checkin(&property);
    let send = |body: Value, idem: &'static str| {
        let req = app.client.post(app.url("/v1/checkins")).bearer_auth(&key).header("Idempotency-Key", idem).json(&body);
        async move { req.send().await.unwrap() }
    };
    let first = send(body.clone(), "k-1").await;
    assert_eq!(first.status(), 202);
    let location = first.headers()["location"].clone();
    let first: Value = first.json().await.unwrap();
    let again = send(body.clone(), "k-1").await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.json::<Value>().await.unwrap(), first, "the same answer, the same check-in");
    let list: Value = get(&app, &key, "/v1/checkins").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "stored once");

    let mut other = body.clone();
    other["stay"]["check_out"] = json!("2026-12-05T11:00:00+01:00");
    assert_problem(send(other.clone(), "k-1").await, 409, "idempotency_key_reused").await;
    // A new key is a new request.
    assert_eq!(send(other, "k-2").await.status(), 202);
    // Another credential has its own keys.
    let (_, key2) = partner_key(&app, "Second", ALL, &["ES-M"], 100).await;
    let resp = app.client.post(app.url("/v1/checkins")).bearer_auth(&key2).header("Idempotency-Key", "k-1").json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 202);
    assert_ne!(resp.json::<Value>().await.unwrap()["id"], first["id"]);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_problem_json() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let mut body = partner_checkin(&property);
    body["padding"] = json!("x".repeat(hospes::http::JSON_LIMIT_BYTES + 1));
    assert_problem(post(&app, &key, "/v1/checkins", &body).await, 413, "payload_too_large").await;
    let batch = json!({"items": [body]});
    assert_problem(post(&app, &key, "/v1/checkins/batch", &batch).await, 413, "payload_too_large").await;
}

#[tokio::test]
async fn a_retry_while_the_first_request_still_runs_is_told_so_and_a_dead_claim_is_taken_over() {
    let app = TestApp::spawn().await;
    let (property, key) = madrid_partner(&app).await;
    let body = partner_checkin(&property);
    let send = || app.client.post(app.url("/v1/checkins")).bearer_auth(&key).header("Idempotency-Key", "slow").json(&body).send();
    // The first request holds the key (as it does while its handler runs).
    let scope = hex::encode(sha2::Digest::finalize(sha2::Digest::chain_update(sha2::Sha256::default(), format!("Bearer {key}"))));
    let now = app.app.now();
    assert!(app.app.store.claim_idempotency_key(&scope, "slow", b"hash of the first", now, now).await.unwrap());
    let resp = send().await.unwrap();
    assert_problem(resp, 409, "idempotency_key_in_progress").await;
    let list: Value = get(&app, &key, "/v1/checkins").await.json().await.unwrap();
    assert_eq!(list["items"], json!([]), "the retry did not run");
    // The first request never finished (its instance died): after the claim's time, a retry runs.
    app.clock.advance(chrono::Duration::seconds(hospes::http::idempotency::CLAIM_SECS + 1));
    assert_eq!(send().await.unwrap().status(), 202);
    let again = send().await.unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
}
