//! Retention: the purge when the period ends (clock moved), held check-ins, idempotence, the
//! purged receipt still verifying; Italy's erasure once transmitted.

use chrono::Duration;
use serde_json::{Value, json};

use super::*;

/// Moves the clock, signs the landlord in again (sessions expire) and returns the new token.
async fn later(app: &TestApp, by: Duration, email: &str) -> String {
    app.clock.advance(by);
    app.login(email, PASSWORD).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_purge_erases_personal_data_when_the_retention_ends_and_the_receipt_still_verifies() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let genuine = person_json(person_with("valid", Some("ESP")));
    let verified = submit(&app, &property, vec![genuine.clone()], contact()).await;
    let flagged = submit(&app, &property, vec![zzyzx()], contact()).await;
    app.drain_jobs().await;
    let (id, tenant) = (verified["id"].as_str().unwrap(), verified["receipt_token"].as_str().unwrap());
    let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
    assert_eq!(view["status"], "verified");
    // Spain keeps the data three years after check-out (2026-12-04T10:00Z).
    assert_eq!(view["erase_after"], "2029-12-04T10:00:00Z");
    let salt_before = app.app.store.checkin(id).await.unwrap().unwrap().digest_salt;
    assert!(!salt_before.is_empty());

    // Before the period ends nothing is due; the report says when.
    app.clock.set(chrono::DateTime::parse_from_rfc3339("2029-12-04T09:59:59Z").unwrap().to_utc());
    assert_eq!(hospes::jobs::retention::purge_due(&app.app).await.unwrap(), Default::default());
    let report = hospes::jobs::retention::report(&app.app, Duration::days(30)).await.unwrap();
    assert_eq!(report.len(), 1);
    assert_eq!((report[0].jurisdiction.as_str(), report[0].due_now, report[0].due_within_horizon), ("ES-M", 0, 2));
    assert_eq!(report[0].retention, "3 year(s) after check-out");

    // Past it, the verified check-in is purged; the flagged one awaits its police review.
    let token = later(&app, Duration::seconds(2), "l@example.com").await;
    let report = hospes::jobs::retention::report(&app.app, Duration::days(30)).await.unwrap();
    assert_eq!((report[0].due_now, report[0].held), (1, 1));
    let outcome = hospes::jobs::retention::purge_due(&app.app).await.unwrap();
    assert_eq!((outcome.purged, outcome.held, outcome.failed), (1, 1, 0));
    let again = hospes::jobs::retention::purge_due(&app.app).await.unwrap();
    assert_eq!((again.purged, again.held), (0, 1), "idempotent: nothing purged twice");

    let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
    assert_eq!(view["status"], "purged");
    assert_eq!(view["persons"], json!([]));
    let events: Vec<&str> = view["seals"].as_array().unwrap().iter().map(|s| s["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["submitted", "verified", "purged"]);
    let record = app.app.store.checkin(id).await.unwrap().unwrap();
    assert_eq!(record.contact, Default::default());
    assert!(record.digest_salt.is_empty(), "the digest salt is erased");
    assert!(app.app.store.persons(id).await.unwrap().is_empty());
    let other = app.app.store.checkin(flagged["id"].as_str().unwrap()).await.unwrap().unwrap();
    assert_eq!(other.contact.email.as_deref(), Some("zzyzx.qwerty@example.org"), "held data is untouched");
    let number = genuine["document"]["number"].as_str().unwrap();
    assert!(app.app.store.checkins_with_document("ESP", number).await.unwrap().is_empty(), "the index entry is gone too");
    assert!(!raw_database(&app).await.contains(genuine["family_name"].as_str().unwrap()));

    // The receipt of the purged check-in still verifies, with the library and with the CLI.
    let receipt = app.receipt(id, tenant).await.text().await.unwrap();
    let parsed = hospes::seal::receipt::parse_receipt_text(&receipt).unwrap();
    let keys = hospes::seal::keyring::parse_jwks(&app.app.keys.jwks());
    let seals = hospes::seal::receipt::verify(&parsed, &keys).unwrap();
    assert_eq!(seals.iter().map(|s| s.event.as_str()).collect::<Vec<_>>(), ["submitted", "verified", "purged"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("receipt.json"), &receipt).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"))
        .arg("verify")
        .arg(dir.path().join("receipt.json"))
        .arg("--jwks")
        .arg(app.url("/.well-known/jwks.json"))
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("VALID: 3 seal(s)"), "{stdout}");

    // The tenant's page says it was erased, and shows nothing personal any more.
    let html = app.client.get(app.url(&format!("/r/{tenant}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("was erased on 4 Dec 2029"), "{html}");
    assert!(!html.contains(genuine["family_name"].as_str().unwrap()));
}

#[tokio::test]
async fn italy_erases_once_the_registration_is_transmitted() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let resp = app
        .create_property(&token, &json!({"name": "Casa", "address": "Via Roma 1", "jurisdiction": "IT-RM", "time_zone": "Europe/Rome"}))
        .await;
    let property: Value = resp.json().await.unwrap();
    let accepted = submit(&app, &property, vec![person_json(person_with("valid", Some("ITA")))], json!({})).await;
    let id = accepted["id"].as_str().unwrap();
    assert_eq!(hospes::jobs::retention::purge_due(&app.app).await.unwrap().held, 1, "not before the registry answered");
    app.drain_jobs().await;
    app.clock.advance(Duration::seconds(1));
    assert_eq!(hospes::jobs::retention::purge_due(&app.app).await.unwrap().purged, 1);
    let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
    assert_eq!(view["status"], "purged");
}
