//! One story through every method of the `Store` trait, run against SQLite always and against
//! PostgreSQL when `HOSPES_TEST_DATABASE=postgres` (as `.ci/run` does): both backends must behave
//! the same.

use chrono::{Duration, Utc};
use hospes::domain::{CheckinStatus, Contact, Event, Flag, FlagReason, Stay};
use hospes::store::{CheckinRecord, EventWrite, JobRelease, NewCheckin, NewJob, Property, Role, SealRecord, Store, StoreError, User};

use crate::helpers::{TestDb, person_with};

async fn story(store: &dyn Store) {
    let now = Utc::now();
    store.ping().await.unwrap();

    // Users and sessions.
    let user = User {
        id: "u1".into(),
        email: "l@example.com".into(),
        password_hash: "$argon2id$...".into(),
        role: Role::Landlord,
        jurisdictions: vec![],
        totp_secret: None,
        disabled: false,
        created_at: now,
    };
    store.create_user(&user).await.unwrap();
    assert!(matches!(store.create_user(&User { id: "u2".into(), ..user.clone() }).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.user_by_email("l@example.com").await.unwrap().unwrap().id, "u1");
    assert_eq!(store.user("u1").await.unwrap().unwrap().created_at.timestamp(), now.timestamp());
    let police = User { id: "p1".into(), email: "p@example.com".into(), role: Role::Police, jurisdictions: vec!["ES-M".into(), "ES-B".into()], ..user.clone() };
    store.create_user(&police).await.unwrap();
    assert_eq!(store.user("p1").await.unwrap().unwrap().jurisdictions, vec!["ES-M", "ES-B"]);
    store.create_session(b"hash-1", "u1", now, now + Duration::hours(1)).await.unwrap();
    assert_eq!(store.session_user(b"hash-1", now).await.unwrap().unwrap().id, "u1");
    assert!(store.session_user(b"hash-1", now + Duration::hours(2)).await.unwrap().is_none(), "expired");
    assert!(store.session_user(b"other", now).await.unwrap().is_none());
    store.delete_session(b"hash-1").await.unwrap();
    assert!(store.session_user(b"hash-1", now).await.unwrap().is_none());

    // Properties.
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
    assert_eq!(store.property("prop1").await.unwrap().unwrap(), Property { created_at: store.property("prop1").await.unwrap().unwrap().created_at, ..property.clone() });
    assert_eq!(store.properties_of("u1").await.unwrap().len(), 1);
    assert!(store.properties_of("p1").await.unwrap().is_empty());

    // Accepting a check-in writes it, its persons, its first seal and its job together.
    let stay = Stay {
        check_in: chrono::DateTime::parse_from_rfc3339("2026-12-01T14:00:00+01:00").unwrap(),
        check_out: chrono::DateTime::parse_from_rfc3339("2026-12-04T11:00:00+01:00").unwrap(),
    };
    let persons = vec![person_with("valid", Some("ESP")).person.clone(), person_with("valid", Some("CHN")).person.clone()];
    let record = CheckinRecord {
        id: "c1".into(),
        property_id: "prop1".into(),
        landlord_id: "u1".into(),
        jurisdiction: "ES-M".into(),
        status: CheckinStatus::Submitted,
        flags: vec![],
        channel: "invitation".into(),
        stay: stay.clone(),
        contact: Contact { phone: Some("+34 600".into()), email: None },
        person_count: 2,
        digest_salt: vec![1, 2, 3],
        erase_after: now + Duration::days(365),
        created_at: now,
        updated_at: now,
        partner_id: None,
    };
    let seal = |seq, event, jws: &str| SealRecord { checkin_id: "c1".into(), seq, event, jws: jws.into(), created_at: now };
    let new = NewCheckin {
        record: record.clone(),
        persons: persons.clone(),
        receipt_token_hash: b"receipt-1".to_vec(),
        first_seal: seal(0, Event::Submitted, "jws-0"),
        job: NewJob { kind: "registry_check".into(), checkin_id: Some("c1".into()), payload: serde_json::json!({}), max_attempts: 3, run_at: now },
    };
    store.accept_checkin(&new).await.unwrap();
    assert!(matches!(store.accept_checkin(&new).await, Err(StoreError::Conflict(_))), "the same check-in twice");
    let loaded = store.checkin("c1").await.unwrap().unwrap();
    assert_eq!(loaded.stay, stay);
    assert_eq!(loaded.stay.check_in.offset().local_minus_utc(), 3600, "the offset is kept");
    assert_eq!(loaded.contact, record.contact);
    assert_eq!(loaded.digest_salt, vec![1, 2, 3]);
    assert_eq!(store.persons("c1").await.unwrap(), persons);
    assert_eq!(store.checkin_by_receipt_token(b"receipt-1").await.unwrap().unwrap().id, "c1");
    assert!(store.checkin_by_receipt_token(b"nope").await.unwrap().is_none());
    assert_eq!(store.checkins_of_property("prop1", 10).await.unwrap().len(), 1);
    assert_eq!(store.seals("c1").await.unwrap().len(), 1);

    // Jobs: claim under a lease, one worker at a time; a lapsed lease is taken again.
    assert_eq!(store.queue_stats(now).await.unwrap().ready, 1);
    let lease = now + Duration::seconds(30);
    let job = store.claim_job("w1", now, lease).await.unwrap().unwrap();
    assert_eq!((job.kind.as_str(), job.attempts, job.checkin_id.as_deref()), ("registry_check", 1, Some("c1")));
    assert!(store.claim_job("w2", now, lease).await.unwrap().is_none(), "leased to w1");
    assert!(store.extend_lease(job.id, "w1", now + Duration::seconds(60)).await.unwrap());
    assert!(!store.extend_lease(job.id, "w2", now + Duration::seconds(60)).await.unwrap(), "not w2's job");
    let later = now + Duration::seconds(61);
    assert!(store.claim_job("w2", later, later + Duration::seconds(30)).await.unwrap().is_none(), "until reclaimed");
    assert_eq!(store.reclaim_expired_leases(later).await.unwrap(), 1);
    let retaken = store.claim_job("w2", later, later + Duration::seconds(30)).await.unwrap().unwrap();
    assert_eq!((retaken.id, retaken.attempts), (job.id, 2));
    assert!(!store.extend_lease(job.id, "w1", later).await.unwrap(), "w1 lost it");
    store.release_job(job.id, "w2", &JobRelease::Retry { run_at: later + Duration::seconds(10), error: "timeout".into() }, later).await.unwrap();
    assert!(store.claim_job("w3", later, later).await.unwrap().is_none(), "not yet due");
    let third = store.claim_job("w3", later + Duration::seconds(10), later + Duration::seconds(40)).await.unwrap().unwrap();
    assert_eq!(third.attempts, 3);
    store.mark_checking("c1", later).await.unwrap();
    assert_eq!(store.checkin("c1").await.unwrap().unwrap().status, CheckinStatus::Checking);

    // Recording the outcome: applied once, in the same transaction as the job's completion.
    let flags = vec![Flag { person: 1, reason: FlagReason::IdentityMismatch, fields: vec!["birth_date".into()] }];
    let write = EventWrite {
        checkin_id: "c1".into(),
        expected: CheckinStatus::Submitted,
        new_status: CheckinStatus::Flagged,
        flags: Some(flags.clone()),
        expected_flags: None,
        seal: seal(1, Event::Flagged, "jws-1"),
        complete_job: Some((third.id, "w3".into())),
    };
    assert!(store.record_event(&write).await.unwrap());
    assert!(!store.record_event(&write).await.unwrap(), "a second application is a no-op");
    let verified = EventWrite { new_status: CheckinStatus::Verified, seal: seal(1, Event::Verified, "jws-1b"), flags: Some(vec![]), ..write.clone() };
    assert!(!store.record_event(&verified).await.unwrap(), "a contradicting outcome is refused");
    let c = store.checkin("c1").await.unwrap().unwrap();
    assert_eq!((c.status, c.flags), (CheckinStatus::Flagged, flags));
    assert_eq!(store.seals("c1").await.unwrap().iter().map(|s| s.jws.as_str()).collect::<Vec<_>>(), vec!["jws-0", "jws-1"]);
    assert_eq!(store.queue_stats(later + Duration::days(1)).await.unwrap(), Default::default(), "the job is done");

    // A dead letter stays out of the queue.
    let new2 = NewCheckin {
        record: CheckinRecord { id: "c2".into(), ..record.clone() },
        receipt_token_hash: b"receipt-2".to_vec(),
        first_seal: SealRecord { checkin_id: "c2".into(), ..seal(0, Event::Submitted, "jws-c2") },
        job: NewJob { checkin_id: Some("c2".into()), ..new.job.clone() },
        ..new.clone()
    };
    store.accept_checkin(&new2).await.unwrap();
    let j = store.claim_job("w1", later, later + Duration::seconds(30)).await.unwrap().unwrap();
    store.release_job(j.id, "w1", &JobRelease::Dead { error: "gave up".into() }, later).await.unwrap();
    let stats = store.queue_stats(later + Duration::days(1)).await.unwrap();
    assert_eq!((stats.ready, stats.dead), (0, 1));
    let dead = store.dead_jobs(10).await.unwrap();
    assert_eq!((dead.len(), dead[0].last_error.as_deref(), dead[0].checkin_id.as_deref()), (1, Some("gave up"), Some("c2")));
    assert_eq!(store.requeue_dead_jobs(Some(&[dead[0].id]), later).await.unwrap(), 1);
    assert_eq!(store.requeue_dead_jobs(None, later).await.unwrap(), 0, "nothing else is dead");
    let again = store.claim_job("w1", later, later + Duration::seconds(30)).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (j.id, 1), "a requeued job starts its attempts afresh");

    // A postponed job does not count the claim as an attempt.
    store.release_job(again.id, "w1", &JobRelease::Postpone { run_at: later + Duration::seconds(5) }, later).await.unwrap();
    assert!(store.claim_job("w1", later, later).await.unwrap().is_none());
    let next = store.claim_job("w1", later + Duration::seconds(5), later + Duration::seconds(35)).await.unwrap().unwrap();
    assert_eq!(next.attempts, 1);
    let stats = store.queue_stats(later + Duration::seconds(5)).await.unwrap();
    assert_eq!((stats.ready, stats.running), (0, 1));

    // Privacy: the blind index finds both check-ins of a document, newest last in creation order.
    let doc = &persons[0].document;
    let found = store.checkins_with_document(&doc.issuing_country, &doc.number).await.unwrap();
    assert_eq!(found.len(), 2);
    assert!(store.checkins_with_document(&doc.issuing_country, "NOPE").await.unwrap().is_empty());
    assert_eq!(store.reencrypt_batch(10).await.unwrap(), 0, "everything is under the active key");
    assert_eq!(store.data_key_usage().await.unwrap().iter().map(|(_, n)| n).sum::<i64>(), 6, "4 persons, 2 contacts");
    // Due for erasure, in (erase_after, id) order, page by page.
    let due = now + Duration::days(365);
    assert!(store.due_for_erasure(due - Duration::seconds(1), None, 10).await.unwrap().is_empty());
    let first = store.due_for_erasure(due, None, 1).await.unwrap();
    assert_eq!(first[0].id, "c1");
    let next = store.due_for_erasure(due, Some((first[0].erase_after, first[0].id.clone())), 10).await.unwrap();
    assert_eq!(next.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c2"]);
    // Sealing `purged` erases persons, contact and salt with it, and only then.
    let purge = EventWrite {
        checkin_id: "c1".into(),
        expected: CheckinStatus::Flagged,
        new_status: CheckinStatus::Purged,
        flags: None,
        expected_flags: None,
        seal: seal(2, Event::Purged, "jws-2"),
        complete_job: None,
    };
    assert!(store.record_event(&purge).await.unwrap());
    assert!(!store.record_event(&purge).await.unwrap(), "purged once");
    let c = store.checkin("c1").await.unwrap().unwrap();
    assert_eq!((c.status, c.contact, c.digest_salt.len()), (CheckinStatus::Purged, Contact::default(), 0));
    assert!(store.persons("c1").await.unwrap().is_empty());
    assert_eq!(store.seals("c1").await.unwrap().len(), 3, "the seals stay");
    assert_eq!(store.persons("c2").await.unwrap(), persons, "the other check-in is untouched");
    assert_eq!(store.checkins_with_document(&doc.issuing_country, &doc.number).await.unwrap(), vec!["c2"]);
    assert_eq!(store.due_for_erasure(due, None, 10).await.unwrap().iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["c2"]);

    group_commit(store, &new2, now).await;
}

/// Writes sent at once share a group commit: accepted check-ins in multi-row statements, and when
/// one write of a group fails, the group is written again write by write so that it fails alone.
/// Either way every seal is a leaf, without gap, and each accepted check-in learns its leaf and a
/// tree head that holds it.
async fn group_commit(store: &dyn Store, template: &NewCheckin, now: chrono::DateTime<Utc>) {
    let fresh = |id: String| NewCheckin {
        record: CheckinRecord { id: id.clone(), ..template.record.clone() },
        receipt_token_hash: format!("receipt-{id}").into_bytes(),
        first_seal: SealRecord { checkin_id: id.clone(), jws: format!("jws-{id}"), ..template.first_seal.clone() },
        job: NewJob { checkin_id: Some(id.clone()), ..template.job.clone() },
        ..template.clone()
    };
    let before = store.log_head().await.unwrap().tree_size;
    let ready_before = store.queue_stats(now + Duration::days(30)).await.unwrap().ready;
    // A group without a failure: 30 check-ins and the same outcome twice (applied once).
    let group: Vec<NewCheckin> = (0..30).map(|i| fresh(format!("g{i}"))).collect();
    let outcome = |jws: &str| EventWrite {
        checkin_id: "c2".into(),
        expected: CheckinStatus::Submitted,
        new_status: CheckinStatus::Verified,
        flags: Some(vec![]),
        expected_flags: None,
        seal: SealRecord { checkin_id: "c2".into(), seq: 1, event: Event::Verified, jws: jws.into(), created_at: now },
        complete_job: None,
    };
    let (first, second) = (outcome("jws-c2-verified"), outcome("jws-c2-verified-again"));
    let (accepted, applied) = futures::join!(
        futures::future::join_all(group.iter().map(|c| store.accept_checkin(c))),
        futures::future::join_all([store.record_event(&first), store.record_event(&second)]),
    );
    let logged: Vec<_> = accepted.into_iter().map(Result::unwrap).collect();
    let applied: Vec<bool> = applied.into_iter().map(Result::unwrap).collect();
    assert_eq!(applied.iter().filter(|a| **a).count(), 1, "one outcome applies: {applied:?}");
    let mut leaves: Vec<u64> = logged.iter().map(|l| l.leaf_index).collect();
    for l in &logged {
        assert!(l.leaf_index >= before && l.leaf_index < l.head.tree_size, "{l:?}");
    }
    leaves.sort();
    leaves.dedup();
    assert_eq!(leaves.len(), 30, "a leaf each");
    for c in &group {
        assert_eq!(store.seals(&c.record.id).await.unwrap().len(), 1);
        assert_eq!(store.persons(&c.record.id).await.unwrap(), c.persons);
    }
    assert_eq!(store.seals("c2").await.unwrap().len(), 2, "one outcome seal");
    assert_eq!(store.log_head().await.unwrap().tree_size, before + 31, "30 first seals and one outcome");
    assert_eq!(store.queue_stats(now + Duration::days(30)).await.unwrap().ready, ready_before + 30, "a job each");

    // A group with a failing write: the check-in whose id exists already fails alone.
    let before = store.log_head().await.unwrap().tree_size;
    let mut second_group: Vec<NewCheckin> = (0..10).map(|i| fresh(format!("h{i}"))).collect();
    second_group[4] = NewCheckin { receipt_token_hash: b"receipt-other".to_vec(), ..fresh("g7".into()) };
    let results = futures::future::join_all(second_group.iter().map(|c| store.accept_checkin(c))).await;
    for (i, r) in results.iter().enumerate() {
        match i {
            4 => assert!(matches!(r, Err(StoreError::Conflict(_))), "{r:?}"),
            _ => assert!(r.is_ok(), "{i}: {r:?}"),
        }
    }
    assert!(store.checkin_by_receipt_token(b"receipt-other").await.unwrap().is_none(), "the failed write left nothing");
    assert_eq!(store.seals("g7").await.unwrap().len(), 1);
    let head = store.log_head().await.unwrap().tree_size;
    assert_eq!(head, before + 9, "a leaf for each write that succeeded, no gap");
    let mut all: Vec<u64> = Vec::new();
    for id in (0..30).map(|i| format!("g{i}")).chain((0..10).filter(|i| *i != 4).map(|i| format!("h{i}"))) {
        all.extend(store.seal_leaf_indexes(&id).await.unwrap().into_iter().map(Option::unwrap));
    }
    all.extend(store.seal_leaf_indexes("c2").await.unwrap().into_iter().skip(1).map(Option::unwrap));
    all.sort();
    assert_eq!(all, ((head - 40)..head).collect::<Vec<_>>(), "the groups' seals are the log's last 40 leaves");
}

#[tokio::test]
async fn the_sqlite_store_keeps_every_promise_of_the_trait() {
    let dir = tempfile::tempdir().unwrap();
    let store = hospes::store::SqliteStore::connect(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap()
        .with_cipher(Some(std::sync::Arc::new(hospes::privacy::DataCipher::ephemeral())));
    store.migrate().await.unwrap();
    story(&store).await;
}

#[tokio::test]
async fn the_postgres_store_keeps_every_promise_of_the_trait() {
    if std::env::var("HOSPES_TEST_DATABASE").as_deref() != Ok("postgres") {
        eprintln!("PostgreSQL story skipped: set HOSPES_TEST_DATABASE=postgres (.ci/run does)");
        return;
    }
    let db = TestDb::create().await;
    let store = hospes::store::PgStore::connect(db.url())
        .await
        .unwrap()
        .with_cipher(Some(std::sync::Arc::new(hospes::privacy::DataCipher::ephemeral())));
    store.migrate().await.unwrap();
    story(&store).await;
}
