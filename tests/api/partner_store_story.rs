//! One story through the `PartnerStore` methods (partners, keys, idempotency records, webhook
//! endpoints, attempts and redelivery), on SQLite always and on PostgreSQL with
//! `HOSPES_TEST_DATABASE=postgres`. The outbox written with each seal and the partner's list of
//! check-ins are exercised on both backends by the partner API tests.

use chrono::{Duration, DurationRound, Utc};
use hospes::domain::{CheckinStatus, Contact, Event, Stay};
use hospes::store::{
    CheckinRecord, IdempotentResponse, NewCheckin, NewJob, Property, Role, SealRecord, Store, StoreError, User, WebhookAttempt,
    WebhookEndpoint,
};

use crate::helpers::TestDb;

async fn story(store: &dyn Store) {
    let now = Utc::now().duration_trunc(Duration::microseconds(1)).unwrap();

    // Partners and keys.
    let p = hospes::partners::new_partner("Agency", now).unwrap();
    store.create_partner(&p).await.unwrap();
    let twin = hospes::partners::new_partner("Agency", now).unwrap();
    assert!(matches!(store.create_partner(&twin).await, Err(StoreError::Conflict(_))), "names are unique");
    assert_eq!(store.partner(&p.id).await.unwrap(), Some(p.clone()));
    assert_eq!(store.partners().await.unwrap(), vec![p.clone()]);
    let k = hospes::partners::new_key(&p.id, &["checkins:read".into()], &["ES-M".into()], 60, now).unwrap();
    store.create_partner_key(&k.record).await.unwrap();
    let later = now + Duration::minutes(1);
    let used = store.use_partner_key(&k.record.key_hash, later).await.unwrap().unwrap();
    assert_eq!(used.last_used_at, Some(later));
    assert_eq!(used.scopes, vec!["checkins:read"]);
    assert_eq!(store.partner_keys(Some(&p.id)).await.unwrap()[0].last_used_at, Some(later));
    assert_eq!(store.partner_keys(None).await.unwrap().len(), 1);
    assert!(store.use_partner_key(b"not a key hash", later).await.unwrap().is_none());
    assert!(store.revoke_partner_key(&k.record.id, later).await.unwrap());
    assert!(!store.revoke_partner_key(&k.record.id, later).await.unwrap(), "once");
    assert!(store.use_partner_key(&k.record.key_hash, later).await.unwrap().is_none(), "revoked");

    // Idempotency: claim, answer, replay; a second claim fails until the first is stale.
    assert!(store.claim_idempotency_key("s", "k", b"h1", now, now - Duration::minutes(2)).await.unwrap());
    assert!(!store.claim_idempotency_key("s", "k", b"h2", now, now - Duration::minutes(2)).await.unwrap());
    assert_eq!(store.idempotent_response("s", "k").await.unwrap().unwrap().status, 0, "in progress");
    let answer = IdempotentResponse { request_hash: b"h1".to_vec(), status: 202, headers: "{}".into(), body: b"{}".to_vec(), created_at: now };
    assert!(store.save_idempotent_response("s", "k", &answer).await.unwrap());
    assert_eq!(store.idempotent_response("s", "k").await.unwrap(), Some(answer.clone()));
    assert!(!store.claim_idempotency_key("s", "k", b"h1", later, later).await.unwrap(), "an answered key is never taken over");
    assert!(store.claim_idempotency_key("s", "dead", b"h", now, now).await.unwrap());
    assert!(store.claim_idempotency_key("s", "dead", b"h", later, later).await.unwrap(), "a stale claim is taken over");
    store.release_idempotency_key("s", "dead").await.unwrap();
    assert!(store.idempotent_response("s", "dead").await.unwrap().is_none());
    assert_eq!(store.purge_idempotent_responses(later).await.unwrap(), 1);
    assert!(store.idempotent_response("s", "k").await.unwrap().is_none());

    // Webhook endpoints and their attempts.
    let e = WebhookEndpoint {
        id: "e1".into(),
        partner_id: p.id.clone(),
        url: "https://pms.example/hook".into(),
        secret: "pv1.sealed".into(),
        failures: 0,
        disabled_at: None,
        disabled_reason: None,
        created_at: now,
    };
    store.create_webhook_endpoint(&e).await.unwrap();
    assert_eq!(store.webhook_endpoints(&p.id).await.unwrap(), vec![e.clone()]);
    assert!(store.update_webhook_endpoint("e1", Some("https://pms.example/v2"), None, false).await.unwrap());
    assert_eq!(store.webhook_endpoint("e1").await.unwrap().unwrap().url, "https://pms.example/v2");
    assert!(!store.update_webhook_endpoint("nope", None, None, true).await.unwrap());
    assert!(store.webhook_event("msg_none").await.unwrap().is_none());
    // Attempts refer to an event of the outbox, which sealing a partner's check-in writes in
    // the seal's transaction, with a delivery job for each enabled endpoint.
    let event_id = partner_checkin(store, &p.id, now).await;
    let events = store.webhook_events_of(&p.id, 10).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0].kind.as_str(), events[0].status.as_str(), events[0].checkin_id.as_str()), ("checkin.submitted", "submitted", "c1"));
    assert_eq!(store.webhook_event(&event_id).await.unwrap().unwrap(), events[0]);
    let mut kinds = Vec::new();
    while let Some(job) = store.claim_job("w", now, now + Duration::seconds(30)).await.unwrap() {
        kinds.push(job.kind.clone());
        if job.kind == hospes::jobs::WEBHOOK_DELIVERY {
            assert_eq!(job.payload, serde_json::json!({"event": event_id, "endpoint": "e1"}));
        }
        store.complete_job(job.id, "w", now).await.unwrap();
    }
    kinds.sort();
    assert_eq!(kinds, ["registry_check", "webhook_delivery"]);
    let attempt = |n: i64, status: Option<i64>| WebhookAttempt {
        id: 0,
        event_id: event_id.clone(),
        endpoint_id: "e1".into(),
        attempt: n,
        status_code: status,
        error: None,
        duration_ms: 5,
        created_at: now,
    };
    store.record_webhook_attempt(&attempt(1, Some(500)), false, None).await.unwrap();
    store.record_webhook_attempt(&attempt(2, None), false, None).await.unwrap();
    assert_eq!(store.webhook_endpoint("e1").await.unwrap().unwrap().failures, 2);
    store.record_webhook_attempt(&attempt(3, Some(200)), true, None).await.unwrap();
    assert_eq!(store.webhook_endpoint("e1").await.unwrap().unwrap().failures, 0, "a success resets");
    store.record_webhook_attempt(&attempt(4, Some(410)), false, Some("gone")).await.unwrap();
    let gone = store.webhook_endpoint("e1").await.unwrap().unwrap();
    assert_eq!((gone.disabled_at, gone.disabled_reason.as_deref()), (Some(now), Some("gone")));
    let log = store.webhook_attempts("e1", 10).await.unwrap();
    assert_eq!(log.iter().map(|a| a.attempt).collect::<Vec<_>>(), [4, 3, 2, 1], "newest first");
    assert_eq!(store.webhook_attempt_count(&event_id, "e1").await.unwrap(), 4);
    assert!(store.update_webhook_endpoint("e1", None, Some("pv1.new"), true).await.unwrap());
    let back = store.webhook_endpoint("e1").await.unwrap().unwrap();
    assert_eq!((back.disabled_at, back.failures, back.secret.as_str()), (None, 0, "pv1.new"));

    // Redelivery enqueues a delivery job.
    store.enqueue_webhook_delivery(&event_id, "e1", now).await.unwrap();
    let job = store.claim_job("w", now, now + Duration::seconds(30)).await.unwrap().unwrap();
    assert_eq!(job.kind, hospes::jobs::WEBHOOK_DELIVERY);
    assert_eq!(job.payload, serde_json::json!({"event": event_id, "endpoint": "e1"}));

    assert!(store.delete_webhook_endpoint("e1").await.unwrap());
    assert!(store.webhook_endpoint("e1").await.unwrap().is_none());
    assert!(!store.delete_webhook_endpoint("e1").await.unwrap());
}

/// Accepts a check-in `c1` submitted by the partner (no persons: no data keys needed); the id
/// of the outbox event its `submitted` seal wrote.
async fn partner_checkin(store: &dyn Store, partner_id: &str, now: chrono::DateTime<Utc>) -> String {
    let landlord = User {
        id: "u1".into(),
        email: "l@example.com".into(),
        password_hash: "x".into(),
        role: Role::Landlord,
        jurisdictions: vec![],
        totp_secret: None,
        disabled: false,
        created_at: now,
    };
    store.create_user(&landlord).await.unwrap();
    let property = Property {
        id: "prop1".into(),
        landlord_id: "u1".into(),
        name: "Flat".into(),
        address: "Calle 1".into(),
        jurisdiction: "ES-M".into(),
        time_zone: "Europe/Madrid".into(),
        invitation_epoch: 0,
        created_at: now,
    };
    store.create_property(&property).await.unwrap();
    let stay = Stay {
        check_in: chrono::DateTime::parse_from_rfc3339("2026-12-01T14:00:00+01:00").unwrap(),
        check_out: chrono::DateTime::parse_from_rfc3339("2026-12-04T11:00:00+01:00").unwrap(),
    };
    let record = CheckinRecord {
        id: "c1".into(),
        property_id: "prop1".into(),
        landlord_id: "u1".into(),
        jurisdiction: "ES-M".into(),
        status: CheckinStatus::Submitted,
        flags: vec![],
        channel: "partner".into(),
        stay,
        contact: Contact::default(),
        person_count: 0,
        digest_salt: vec![1],
        erase_after: now + Duration::days(365),
        created_at: now,
        updated_at: now,
        partner_id: Some(partner_id.to_owned()),
    };
    let seal = SealRecord { checkin_id: "c1".into(), seq: 0, event: Event::Submitted, jws: "a.b.c".into(), created_at: now };
    let job = NewJob { kind: "registry_check".into(), checkin_id: Some("c1".into()), payload: serde_json::json!({}), max_attempts: 3, run_at: now };
    store.accept_checkin(&NewCheckin { record, persons: vec![], receipt_token_hash: vec![9; 32], first_seal: seal, job }).await.unwrap();
    store.webhook_events_of(partner_id, 1).await.unwrap()[0].id.clone()
}

#[tokio::test]
async fn the_sqlite_store_keeps_every_promise_of_the_partner_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = hospes::store::SqliteStore::connect(&format!("sqlite://{}", dir.path().join("s.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    story(&store).await;
}

#[tokio::test]
async fn the_postgres_store_keeps_every_promise_of_the_partner_store() {
    if std::env::var("HOSPES_TEST_DATABASE").as_deref() != Ok("postgres") {
        eprintln!("PostgreSQL story skipped: set HOSPES_TEST_DATABASE=postgres (.ci/run does)");
        return;
    }
    let db = TestDb::create().await;
    let store = hospes::store::PgStore::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    story(&store).await;
}
