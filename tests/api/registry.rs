//! The registry over a real socket: every fault the simulator injects becomes an error, never an
//! answer, and nothing is ever verified without a complete, well-formed answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use hospes::registry::http::HttpRegistry;
use hospes::registry::server::Faults;
use hospes::registry::sim::SimulatedRegistry;
use hospes::registry::{IdentityClaim, Registry, RegistryError};
use serde_json::{Value, json};

use crate::helpers::*;

async fn simulator(faults: Faults) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = hospes::registry::server::router(SimulatedRegistry::new(population().clone()), faults);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    url
}

fn claim() -> IdentityClaim {
    IdentityClaim::from(&person_with("valid", Some("ESP")).person)
}

#[tokio::test]
async fn every_injected_fault_is_an_error_and_never_an_answer() {
    let cases: Vec<(Faults, fn(&RegistryError) -> bool)> = vec![
        (Faults { error_rate: 1.0, ..Default::default() }, |e| matches!(e, RegistryError::Unavailable(_))),
        (Faults { truncate_rate: 1.0, ..Default::default() }, |e| matches!(e, RegistryError::Protocol(_))),
        (Faults { malformed_rate: 1.0, ..Default::default() }, |e| matches!(e, RegistryError::Protocol(_))),
        (Faults { timeout_rate: 1.0, ..Default::default() }, |e| matches!(e, RegistryError::Timeout)),
    ];
    for (faults, expected) in cases {
        let url = simulator(faults.clone()).await;
        let registry = HttpRegistry::new(&url, Duration::from_millis(300)).unwrap();
        for _ in 0..6 {
            let err = registry.check(&claim()).await.expect_err("a fault must not become an answer");
            assert!(expected(&err), "{faults:?} gave {err:?}");
        }
    }
    let url = simulator(Faults { rate_limit: 1, ..Default::default() }).await;
    let registry = HttpRegistry::new(&url, Duration::from_secs(2)).unwrap();
    let mut limited = None;
    for _ in 0..5 {
        if let Err(e) = registry.check(&claim()).await {
            limited = Some(e);
        }
    }
    assert_eq!(limited, Some(RegistryError::RateLimited { retry_after: Some(Duration::from_secs(1)) }));
    let down = HttpRegistry::new("http://127.0.0.1:9", Duration::from_millis(300)).unwrap();
    assert!(matches!(down.check(&claim()).await, Err(RegistryError::Unavailable(_))));
}

#[tokio::test]
async fn a_registry_answering_garbage_never_verifies_anyone() {
    let url = simulator(Faults { malformed_rate: 1.0, ..Default::default() }).await;
    let app = TestApp::spawn_with(Arc::new(HttpRegistry::new(&url, Duration::from_secs(2)).unwrap())).await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let body = json!({"invitation": invitation_of(&property), "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("ESP")))], "contact": {"phone": "+34 600 000 000"}});
    let accepted: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    for _ in 0..20 {
        app.drain_jobs().await;
        app.clock.advance(chrono::Duration::hours(1));
    }
    // The tenant's receipt token does not expire like the landlord's session.
    let view: Value = app.get_checkin(accepted["id"].as_str().unwrap(), accepted["receipt_token"].as_str().unwrap()).await.json().await.unwrap();
    assert_eq!(view["status"], "flagged");
    assert_eq!(view["flags"][0]["reason"], "registry_unavailable");
}

/// The simulated registry behind a switch.
struct Switch {
    up: AtomicBool,
    inner: SimulatedRegistry,
}

#[async_trait::async_trait]
impl Registry for Switch {
    async fn check(&self, claim: &IdentityClaim) -> Result<hospes::domain::PersonCheck, RegistryError> {
        if self.up.load(Ordering::SeqCst) { self.inner.check(claim).await } else { Err(RegistryError::Timeout) }
    }
    async fn credential_keys(&self) -> Result<std::collections::BTreeMap<String, ed25519_dalek::VerifyingKey>, RegistryError> {
        self.inner.credential_keys().await
    }
}

#[tokio::test]
async fn requeued_dead_letters_seal_the_registrys_real_answer() {
    let switch = Arc::new(Switch { up: AtomicBool::new(false), inner: SimulatedRegistry::new(population().clone()) });
    let app = TestApp::spawn_with(switch.clone()).await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let mut impostor = person_json(person_with("valid", Some("DEU")));
    impostor["birth_date"] = json!("1950-01-01");
    let mut ids = vec![];
    for person in [person_json(person_with("valid", Some("ESP"))), impostor] {
        let body = json!({"invitation": invitation_of(&property), "stay": stay_json(), "persons": [person], "contact": {"phone": "+34 600 000 000"}});
        ids.push(app.submit_checkin(None, &body).await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    for _ in 0..=hospes::app::REGISTRY_CHECK_MAX_ATTEMPTS {
        app.drain_jobs().await;
        app.clock.advance(chrono::Duration::hours(1));
    }
    for id in &ids {
        let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
        assert_eq!(view["flags"][0]["reason"], "registry_unavailable");
    }
    let dead = app.app.store.dead_jobs(10).await.unwrap();
    assert_eq!(dead.len(), 2);
    assert_eq!(dead[0].last_error.as_deref(), Some("timeout"));

    switch.up.store(true, Ordering::SeqCst);
    assert_eq!(app.app.store.requeue_dead_jobs(None, app.app.now()).await.unwrap(), 2);
    app.drain_jobs().await;
    let genuine: Value = app.get_checkin(&ids[0], &token).await.json().await.unwrap();
    assert_eq!(genuine["status"], "verified");
    let events: Vec<&str> = genuine["seals"].as_array().unwrap().iter().map(|s| s["event"].as_str().unwrap()).collect();
    assert_eq!(events, vec!["submitted", "flagged", "verified"]);
    let impostor: Value = app.get_checkin(&ids[1], &token).await.json().await.unwrap();
    assert_eq!(impostor["status"], "flagged");
    assert_eq!(impostor["flags"][0]["reason"], "identity_mismatch");
    let events: Vec<&str> = impostor["seals"].as_array().unwrap().iter().map(|s| s["event"].as_str().unwrap()).collect();
    assert_eq!(events, vec!["submitted", "flagged", "rechecked"]);
    // Requeuing again changes nothing: the real answers are sealed.
    app.app.store.requeue_dead_jobs(None, app.app.now()).await.unwrap();
    app.drain_jobs().await;
    assert_eq!(app.app.store.seals(&ids[1]).await.unwrap().len(), 3);
}

/// The simulated registry, slowly.
struct Slow(SimulatedRegistry);

#[async_trait::async_trait]
impl Registry for Slow {
    async fn check(&self, claim: &IdentityClaim) -> Result<hospes::domain::PersonCheck, RegistryError> {
        tokio::time::sleep(Duration::from_millis(700)).await;
        self.0.check(claim).await
    }
    async fn credential_keys(&self) -> Result<std::collections::BTreeMap<String, ed25519_dalek::VerifyingKey>, RegistryError> {
        self.0.credential_keys().await
    }
}

#[tokio::test]
async fn a_worker_told_to_stop_finishes_the_check_it_holds_and_claims_no_more() {
    let app = TestApp::spawn_with(Arc::new(Slow(SimulatedRegistry::new(population().clone())))).await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let mut ids = vec![];
    for _ in 0..3 {
        let body = json!({"invitation": invitation_of(&property), "stay": stay_json(),
            "persons": [person_json(person_with("valid", Some("ESP")))], "contact": {"phone": "+34 600 000 000"}});
        ids.push(app.submit_checkin(None, &body).await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(hospes::jobs::Worker::new(app.app.clone()).run(stopped));
    // Stop while the first check is with the registry.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), worker).await.expect("the worker stops").unwrap();
    let first = app.app.store.checkin(&ids[0]).await.unwrap().unwrap();
    assert_eq!(first.status.as_str(), "verified", "the job in hand was finished");
    let stats = app.app.store.queue_stats(app.app.now()).await.unwrap();
    assert_eq!((stats.ready, stats.running), (2, 0), "nothing else was claimed, nothing is left held");
}

#[tokio::test]
async fn metrics_show_the_queue_the_registry_and_the_outcomes_without_personal_data() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let person = person_with("valid", Some("ESP"));
    let body = json!({"invitation": invitation_of(&property), "stay": stay_json(),
        "persons": [person_json(person)], "contact": {"phone": "+34 600 000 000"}});
    app.submit_checkin(None, &body).await;
    let before = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(before.contains("hospes_jobs_ready"), "{before}");
    app.drain_jobs().await;
    let text = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    for name in [
        "hospes_jobs_ready",
        "hospes_jobs_running",
        "hospes_jobs_dead",
        "hospes_jobs_oldest_ready_seconds",
        "hospes_job_attempts_total",
        "hospes_registry_seconds_bucket",
        "hospes_registry_outcomes_total",
        "hospes_checkins_accepted_total",
        "hospes_http_requests_total",
    ] {
        assert!(text.contains(name), "{name} missing from /metrics");
    }
    for secret in [&person.person.family_name, &person.person.document.number, &person.person.birth_date.to_string()] {
        assert!(!text.contains(secret.as_str()), "personal data in /metrics");
    }
}
