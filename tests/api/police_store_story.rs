//! One story through the `PoliceStore` methods that stand on their own (accounts, sessions with
//! an idle timeout, second factors, enrolment links, the throttle, the audit log), on SQLite
//! always and on PostgreSQL with `HOSPES_TEST_DATABASE=postgres`. The methods around check-ins
//! (review rows, resolutions, access grants, registry answers) are exercised on both backends by
//! the police API tests.

use chrono::{Duration, DurationRound, Utc};
use hospes::audit::{self, AuditCheckpoint, AuditDraft};
use hospes::police::lockout::{self, Throttle};
use hospes::store::{CompletedEnrolment, Jurisdiction, Role, Store, StoreError, User};

use crate::helpers::TestDb;

async fn story(store: &dyn Store) {
    // Whole microseconds, as PostgreSQL keeps them.
    let now = Utc::now().duration_trunc(Duration::microseconds(1)).unwrap();

    let j = Jurisdiction { code: "ES-M".into(), name: "Madrid".into(), country: "ES".into(), created_at: now };
    store.create_jurisdiction(&j).await.unwrap();
    assert!(matches!(store.create_jurisdiction(&j).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.jurisdictions().await.unwrap(), vec![j]);

    let officer = User {
        id: "p1".into(),
        email: "p@example.com".into(),
        password_hash: hospes::police::admin::NO_PASSWORD.into(),
        role: Role::Police,
        jurisdictions: vec!["ES-M".into()],
        totp_secret: None,
        disabled: false,
        created_at: now,
    };
    store.create_user(&officer).await.unwrap();
    assert_eq!(store.users().await.unwrap().len(), 1);
    assert!(store.set_first_password("p1", "$argon2id$first").await.unwrap());
    assert!(!store.set_first_password("p1", "$argon2id$second").await.unwrap(), "only the first time");
    assert!(store.set_user_jurisdictions("p1", &["ES-M".into(), "ES-B".into()]).await.unwrap());
    assert_eq!(store.user("p1").await.unwrap().unwrap().jurisdictions, vec!["ES-M", "ES-B"]);
    assert!(!store.set_user_jurisdictions("nobody", &["ES-M".into()]).await.unwrap());

    // A privileged session: idle after 15 minutes unless used, over after its absolute end.
    store.create_privileged_session(b"s1", "p1", now, now + Duration::hours(12), 900).await.unwrap();
    assert!(store.session_user(b"s1", now + Duration::minutes(14)).await.unwrap().is_some());
    assert!(store.session_user(b"s1", now + Duration::minutes(28)).await.unwrap().is_some(), "each use extends the idle time");
    assert!(store.session_user(b"s1", now + Duration::minutes(44)).await.unwrap().is_none(), "idle");
    store.create_privileged_session(b"s2", "p1", now, now + Duration::hours(12), 900).await.unwrap();
    assert!(store.set_user_disabled("p1", true).await.unwrap());
    assert!(store.session_user(b"s2", now).await.unwrap().is_none(), "disabling ends sessions");
    assert!(store.set_user_disabled("p1", false).await.unwrap());
    store.create_privileged_session(b"s3", "p1", now, now + Duration::hours(12), 900).await.unwrap();
    store.delete_sessions_of("p1").await.unwrap();
    assert!(store.session_user(b"s3", now).await.unwrap().is_none());

    // Enrolment: a link, a pending secret, completion once; then time steps only move forward.
    store.create_enrolment(b"e1", "p1", now, now + Duration::hours(72)).await.unwrap();
    store.set_enrolment_secret(b"e1", "pv1.pending").await.unwrap();
    let e = store.enrolment(b"e1", now).await.unwrap().unwrap();
    assert_eq!((e.user_id.as_str(), e.pending_secret.as_deref()), ("p1", Some("pv1.pending")));
    assert!(store.enrolment(b"e1", now + Duration::hours(73)).await.unwrap().is_none(), "expired");
    let done = CompletedEnrolment {
        token_hash: b"e1".to_vec(),
        user_id: "p1".into(),
        secret: "pv1.secret".into(),
        step: 100,
        recovery_codes: vec![(vec![1, 2, 3, 4], vec![9; 32]), (vec![5, 6, 7, 8], vec![8; 32])],
        now,
    };
    assert!(store.complete_enrolment(&done).await.unwrap());
    assert!(!store.complete_enrolment(&done).await.unwrap(), "a link works once");
    assert_eq!(store.user("p1").await.unwrap().unwrap().totp_secret.as_deref(), Some("pv1.secret"));
    assert!(!store.accept_totp_step("p1", 100).await.unwrap(), "the confirming code's step is used");
    assert!(store.accept_totp_step("p1", 101).await.unwrap());
    assert!(!store.accept_totp_step("p1", 101).await.unwrap(), "no replay");
    let codes = store.recovery_codes("p1").await.unwrap();
    assert_eq!(codes.len(), 2);
    assert!(store.use_recovery_code(codes[0].id, now).await.unwrap());
    assert!(!store.use_recovery_code(codes[0].id, now).await.unwrap());
    assert_eq!(store.recovery_codes("p1").await.unwrap().len(), 1);
    store.create_privileged_session(b"s4", "p1", now, now + Duration::hours(12), 900).await.unwrap();
    store.reset_second_factor("p1").await.unwrap();
    let reset = store.user("p1").await.unwrap().unwrap();
    assert!(reset.totp_secret.is_none() && store.recovery_codes("p1").await.unwrap().is_empty());
    assert!(store.session_user(b"s4", now).await.unwrap().is_none());
    assert!(store.accept_totp_step("p1", 1).await.unwrap(), "steps start over");

    // The throttle: read-modify-write under a lock; cleared on success.
    let key = lockout::key("p@example.com");
    let before = store.update_throttle(&key, now, &|s| lockout::admit(s, now).1).await.unwrap();
    assert_eq!(before, Throttle::fresh(now));
    let before = store.update_throttle(&key, now, &|s| s).await.unwrap();
    assert_eq!((before.failures, before.last_attempt_at), (1, Some(now)));
    store.clear_throttle(&key).await.unwrap();
    assert_eq!(store.update_throttle(&key, now, &|s| s).await.unwrap().failures, 0);

    // The audit log: chained appends, pages, the head, checkpoints once per count.
    assert_eq!(store.audit_head().await.unwrap(), (0, audit::GENESIS.to_owned()));
    let a = store.append_audit(&AuditDraft::new(Some("p1"), "police", "checkin.opened").subject("c1"), "2026-12-01T10:00:00.000Z").await.unwrap();
    let b = store.append_audit(&AuditDraft::new(None, "operator", "account.created").subject("p1"), "2026-12-01T10:00:01.000Z").await.unwrap();
    assert_eq!((a.seq, b.seq, b.prev_hash.as_str()), (1, 2, a.hash.as_str()));
    assert_eq!(store.audit_entries(0, 10).await.unwrap(), vec![a.clone(), b.clone()]);
    assert_eq!(store.audit_entries(1, 10).await.unwrap(), vec![b.clone()]);
    assert_eq!(store.recent_audit_entries(1).await.unwrap(), vec![b.clone()]);
    assert_eq!(store.audit_head().await.unwrap(), (2, b.hash.clone()));
    let cp = AuditCheckpoint { count: 2, head: b.hash.clone(), time: "t".into(), jws: "x.y.z".into() };
    store.save_audit_checkpoint(&cp).await.unwrap();
    assert!(matches!(store.save_audit_checkpoint(&cp).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.audit_checkpoints().await.unwrap(), vec![cp]);
}

#[tokio::test]
async fn the_sqlite_store_keeps_every_promise_of_the_police_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = hospes::store::SqliteStore::connect(&format!("sqlite://{}", dir.path().join("s.db").display())).await.unwrap();
    store.migrate().await.unwrap();
    story(&store).await;
}

#[tokio::test]
async fn the_postgres_store_keeps_every_promise_of_the_police_store() {
    if std::env::var("HOSPES_TEST_DATABASE").as_deref() != Ok("postgres") {
        eprintln!("PostgreSQL story skipped: set HOSPES_TEST_DATABASE=postgres (.ci/run does)");
        return;
    }
    let db = TestDb::create().await;
    let store = hospes::store::PgStore::connect(db.url()).await.unwrap();
    store.migrate().await.unwrap();
    story(&store).await;
}
