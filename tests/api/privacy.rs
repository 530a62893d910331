//! Privacy by construction (issue 10), proven end to end on the database the suite runs on
//! (SQLite, or PostgreSQL with `HOSPES_TEST_DATABASE=postgres`): no personal value in any raw
//! column, a blind-index look-up, the retention purge with a verifiable receipt afterwards, data
//! minimisation, the tenant's view of their data, no personal data in logs, metrics or others'
//! responses, key rotation, and backup and restore.

use std::sync::{Arc, Mutex, OnceLock};

use chrono::Duration;
use serde_json::{Value, json};

use crate::helpers::*;

/// The recognisable synthetic values of the two tenants below: none may leak.
const SECRETS: &[&str] = &[
    "Zzyzx",
    "Qwerty",
    "ZQ9X7Y5W3V1",
    "1961-07-13",
    "611 987 654",
    "zzyzx.qwerty@example.org",
    "Yggdravil",
    "Quixbyte",
    "Vexelmort",
    "73519864L",
    "QZX918273",
    "1983-02-17",
];

/// A tenant with a British passport, unknown to the registry (so the check flags them).
fn zzyzx() -> Value {
    json!({
        "given_names": "Zzyzx", "family_name": "Qwerty", "birth_date": "1961-07-13",
        "nationality": "GBR", "sex": "F",
        "document": {"type": "passport", "number": "ZQ9X7Y5W3V1", "issuing_country": "GBR"}
    })
}

/// A tenant with a Spanish DNI (second surname and support number), unknown to the registry.
fn yggdravil() -> Value {
    json!({
        "given_names": "Yggdravil", "family_name": "Quixbyte", "second_family_name": "Vexelmort",
        "birth_date": "1983-02-17", "nationality": "ESP",
        "document": {"type": "id_card", "number": "73519864L", "issuing_country": "ESP", "support_number": "QZX918273"}
    })
}

fn contact() -> Value {
    json!({"phone": "+34 611 987 654", "email": "zzyzx.qwerty@example.org"})
}

async fn submit(app: &TestApp, property: &Value, persons: Vec<Value>, contact: Value) -> Value {
    let body = json!({"invitation": invitation_of(property), "stay": stay_json(), "persons": persons, "contact": contact});
    let resp = app.submit_checkin(None, &body).await;
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

/// Every byte the database holds, as text: the SQLite files (database and WAL), or every row
/// of every PostgreSQL table as JSON.
async fn raw_database(app: &TestApp) -> String {
    match &app.db {
        TestDb::Sqlite { url, .. } => {
            let path = url.strip_prefix("sqlite://").unwrap();
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        TestDb::Postgres { url, .. } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            let mut all = String::new();
            for t in tables {
                let rows: String = sqlx::query_scalar(&format!(
                    "SELECT COALESCE(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{t}\" t"
                ))
                .fetch_one(&pool)
                .await
                .unwrap();
                all.push_str(&rows);
            }
            pool.close().await;
            all
        }
    }
}

/// One number from a query on the test's database, whichever backend it is.
async fn count(app: &TestApp, sql: &str) -> i64 {
    match &app.db {
        TestDb::Sqlite { url, .. } => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
        TestDb::Postgres { url, .. } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
    }
}

fn leaks<'a>(haystack: &str, secrets: &[&'a str]) -> Vec<&'a str> {
    let lower = haystack.to_lowercase();
    secrets.iter().copied().filter(|s| lower.contains(&s.to_lowercase())).collect()
}

#[tokio::test]
async fn no_personal_value_is_in_any_column_of_any_table_after_a_journey() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let accepted = submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await;
    app.drain_jobs().await;
    // A landlord scans a credential photo: decoded in memory, never stored.
    let scanned = &person_with("valid", Some("DEU")).person;
    let credential = hospes::registry::credential::issue(
        &population().credential_key(), "hospes registry-sim", scanned, app.app.now().timestamp(), 3600,
    );
    assert_eq!(app.scan(&token, hospes::qr::render::png(&credential, 5), "id.png").await.status(), 200);

    // The data is there and readable for those entitled to it ...
    let id = accepted["id"].as_str().unwrap();
    let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
    assert_eq!(view["status"], "flagged");
    assert_eq!(view["persons"][1]["document"]["support_number"], "QZX918273");
    let record = app.app.store.checkin(id).await.unwrap().unwrap();
    assert_eq!(record.contact.email.as_deref(), Some("zzyzx.qwerty@example.org"));

    // ... and a dump of the database shows none of it.
    let raw = raw_database(&app).await;
    assert!(raw.contains(id) && raw.contains("hx1."), "the dump is not empty: it holds the check-in and envelopes");
    let found: Vec<&str> = SECRETS.iter().copied().filter(|s| raw.contains(s)).collect();
    assert!(found.is_empty(), "personal values in the raw tables: {found:?}");
    for v in [&scanned.family_name, &scanned.document.number] {
        assert!(!raw.contains(v.as_str()), "a scanned credential left a trace in the database");
    }
}

#[tokio::test]
async fn earlier_checkins_of_a_document_are_found_through_the_blind_index_only() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let first = submit(&app, &property, vec![zzyzx()], contact()).await;
    let other = submit(&app, &property, vec![yggdravil()], contact()).await;
    app.clock.advance(Duration::seconds(5));
    let second = submit(&app, &property, vec![yggdravil(), zzyzx()], contact()).await;
    let found = app.app.store.checkins_with_document("GBR", "ZQ9X7Y5W3V1").await.unwrap();
    assert_eq!(found, vec![second["id"].as_str().unwrap(), first["id"].as_str().unwrap()], "newest first");
    assert_eq!(app.app.store.checkins_with_document("gbr", "ZQ9X7Y5W3V1").await.unwrap().len(), 2);
    assert!(app.app.store.checkins_with_document("ESP", "ZQ9X7Y5W3V1").await.unwrap().is_empty(), "the country is part of the index");
    assert!(app.app.store.checkins_with_document("GBR", "ZQ9X7Y5W3V2").await.unwrap().is_empty());
    assert_eq!(app.app.store.checkins_with_document("ESP", "73519864L").await.unwrap().len(), 2);
    assert!(!found.contains(&other["id"].as_str().unwrap().to_owned()));
}

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
    assert!(html.contains("was erased on 2029-12-04"), "{html}");
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

#[tokio::test]
async fn fields_the_profile_does_not_ask_for_are_neither_collected_nor_stored() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let resp = app
        .create_property(&token, &json!({"name": "Studio", "address": "1 rue de Rivoli", "jurisdiction": "FR-75", "time_zone": "Europe/Paris"}))
        .await;
    let property: Value = resp.json().await.unwrap();
    let mut person = person_json(person_with("valid", Some("FRA")));
    person["sex"] = json!("F");
    person["document"]["support_number"] = json!("ABC123456");
    let accepted = submit(&app, &property, vec![person], contact()).await;
    let id = accepted["id"].as_str().unwrap();
    let stored = app.app.store.persons(id).await.unwrap();
    assert_eq!((stored[0].sex.as_deref(), stored[0].document.support_number.as_deref()), (None, None));
    assert_eq!(app.app.store.checkin(id).await.unwrap().unwrap().contact, Default::default());
    // The French form does not ask for them; the Spanish one asks for what Spain requires.
    let path = property["invitation_url"].as_str().unwrap().strip_prefix(&app.base).unwrap().to_owned();
    let html = app.client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("name=\"phone\"") && !html.contains("name=\"support_number\""), "{html}");
    let madrid = app.madrid_property(&token).await;
    let path = madrid["invitation_url"].as_str().unwrap().strip_prefix(&app.base).unwrap().to_owned();
    let html = app.client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("name=\"phone\"") && html.contains("name=\"support_number\""));
    assert!(html.contains("erased 3 year(s) after check-out"));
}

#[tokio::test]
async fn the_tenant_sees_what_was_registered_who_received_it_and_when_it_is_erased() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let accepted = submit(&app, &property, vec![zzyzx()], contact()).await;
    let tenant = accepted["receipt_token"].as_str().unwrap();
    let html = app.client.get(app.url(&format!("/r/{tenant}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Zzyzx") && html.contains("ZQ9X7Y5W3V1") && html.contains("zzyzx.qwerty@example.org"));
    assert!(html.contains("Your landlord") && !html.contains("The population registry"), "not sent before the check runs");
    assert!(html.contains("will be erased on 2029-12-04"));
    app.drain_jobs().await;
    let html = app.client.get(app.url(&format!("/r/{tenant}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("The population registry") && html.contains("The police") && html.contains("ES-M"), "{html}");

    let resp = app.client.get(app.url(&format!("/r/{tenant}/data.json"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    let data: Value = resp.json().await.unwrap();
    assert_eq!(data["persons"][0]["family_name"], "Qwerty");
    assert_eq!(data["contact"]["phone"], "+34 611 987 654");
    let recipients: Vec<&str> = data["recipients"].as_array().unwrap().iter().map(|r| r["recipient"].as_str().unwrap()).collect();
    assert_eq!(recipients, ["landlord", "population_registry", "police"]);
    assert_eq!(data["retention"]["erase_after"], "2029-12-04T10:00:00Z");
    assert_eq!(data["retention"]["rule"], "3 year(s) after check-out");
    let wrong = app.client.get(app.url("/r/hrt_not-a-token/data.json")).send().await.unwrap();
    assert_eq!(wrong.status(), 404);
}

/// Everything logged by this test binary at debug level, from the first call on.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || LogWriter(writer.clone()))
            .try_init()
            .expect("no other subscriber in this test binary");
        buffer
    })
    .clone()
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn personal_data_never_reaches_logs_metrics_or_anyone_not_entitled_to_it() {
    let logs = captured_logs();
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let stranger = app.landlord("other@example.com").await;
    let property = app.madrid_property(&token).await;
    let mut seen_by_others = Vec::new();

    // Submissions: by API (one invalid first: the error names fields, never values), and by page.
    let mut bad = zzyzx();
    bad["birth_date"] = json!("1961-13-45");
    let body = json!({"invitation": invitation_of(&property), "stay": stay_json(), "persons": [bad, yggdravil()], "contact": contact()});
    let resp = app.submit_checkin(None, &body).await;
    assert_eq!(resp.status(), 422);
    seen_by_others.push(resp.text().await.unwrap());
    let mut wrong_type = body.clone();
    wrong_type["persons"][0]["document"]["number"] = json!(["ZQ9X7Y5W3V1"]);
    seen_by_others.push(app.submit_checkin(None, &wrong_type).await.text().await.unwrap());
    let accepted = submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await;
    let id = accepted["id"].as_str().unwrap();
    let tenant = accepted["receipt_token"].as_str().unwrap();
    let invitation = property["invitation_url"].as_str().unwrap();
    let form = [
        ("check_in", "2026-12-01T14:00"), ("check_out", "2026-12-04T11:00"), ("given_names", "Yggdravil"),
        ("family_name", "Quixbyte"), ("second_family_name", "Vexelmort"), ("birth_date", "1983-02-17"),
        ("nationality", "ESP"), ("document_type", "id_card"), ("document_number", "73519864L"),
        ("issuing_country", "ESP"), ("support_number", "QZX918273"), ("phone", "+34 611 987 654"),
    ];
    let resp = app.client.post(invitation).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let receipt_page = resp.headers()["location"].to_str().unwrap().to_owned();
    seen_by_others.push(receipt_page.clone());
    app.drain_jobs().await;

    // What the tenant's receipt (shown to anyone they choose) and the URLs carry.
    let receipt = app.receipt(id, tenant).await.text().await.unwrap();
    let mut public = receipt.clone();
    for seal in serde_json::from_str::<Value>(&receipt).unwrap()["seals"].as_array().unwrap() {
        let jws = hospes::seal::jws::parse(seal["jws"].as_str().unwrap()).unwrap();
        public.push_str(&String::from_utf8_lossy(&jws.payload));
    }
    public.push_str(&format!("{accepted}"));
    let accepted_public = {
        let mut a = accepted.clone();
        a.as_object_mut().unwrap().remove("receipt_token");
        a.to_string()
    };
    seen_by_others.push(accepted_public);
    seen_by_others.push(public);
    seen_by_others.push(invitation.to_owned());

    // Other readers: another landlord, nobody, a made-up receipt token, the landlord's list.
    for (who, resp) in [
        ("another landlord", app.get_checkin(id, &stranger).await),
        ("anonymous", app.client.get(app.url(&format!("/v1/checkins/{id}"))).send().await.unwrap()),
        ("a wrong receipt token", app.get_checkin(id, "hrt_guess").await),
        ("another landlord's receipt", app.receipt(id, &stranger).await),
        ("a guessed receipt page", app.client.get(app.url("/r/hrt_guess")).send().await.unwrap()),
    ] {
        assert!(resp.status().is_client_error(), "{who}");
        seen_by_others.push(resp.text().await.unwrap());
    }
    let pid = property["id"].as_str().unwrap();
    let list = app.client.get(app.url(&format!("/v1/properties/{pid}/checkins"))).bearer_auth(&token).send().await.unwrap();
    seen_by_others.push(list.text().await.unwrap());
    let metrics = app.client.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("hospes_checkins_accepted_total"));
    seen_by_others.push(metrics);

    // The entitled readers do see it (so the checks above are not vacuous).
    let mine = app.get_checkin(id, &token).await.text().await.unwrap();
    assert!(mine.contains("Zzyzx") && mine.contains("73519864L"));

    // The purge, years later, logs ids only.
    app.clock.advance(Duration::days(4 * 366));
    hospes::jobs::retention::purge_due(&app.app).await.unwrap();

    for (i, text) in seen_by_others.iter().enumerate() {
        let found = leaks(text, SECRETS);
        assert!(found.is_empty(), "response {i} leaks {found:?}: {text}");
    }
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(logs.contains("registry check done") && logs.contains("DEBUG"), "the capture works at debug level");
    assert!(logs.contains(id), "ids are logged");
    let found = leaks(&logs, SECRETS);
    assert!(found.is_empty(), "the logs leak {found:?}");
}

#[tokio::test]
async fn rotating_the_data_key_re_encrypts_every_row_in_resumable_batches() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await["id"].as_str().unwrap().to_owned());
    }
    let old = app.cipher.active_kid().to_owned();
    let keys_dir = app._keys_dir.path();
    let new = hospes::privacy::keys::generate(keys_dir).unwrap();
    let rotated = Arc::new(hospes::privacy::DataCipher::new(hospes::privacy::DataKeys::load(keys_dir).unwrap()));
    assert_eq!(rotated.active_kid(), new);
    let store = hospes::store::connect_encrypted(app.db.url(), rotated.clone()).await.unwrap();

    // One batch, then "a crash": the rest is done by the CLI, which picks up where it stopped.
    assert_eq!(store.reencrypt_batch(2).await.unwrap(), 4, "two persons and two contacts");
    let usage = store.data_key_usage().await.unwrap();
    assert_eq!(usage, vec![(old.clone(), 5), (new.clone(), 4)].into_iter().collect::<std::collections::BTreeMap<_, _>>().into_iter().collect::<Vec<_>>());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"))
        .args(["keys", "rotate-data", "--batch", "1"])
        .env("HOSPES_DATABASE_URL", app.db.url())
        .env("HOSPES_KEYS_DIR", keys_dir)
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("every personal field is under data key {new}")));
    assert_eq!(store.data_key_usage().await.unwrap(), vec![(new.clone(), 9)]);
    for id in &ids {
        let persons = store.persons(id).await.unwrap();
        assert_eq!(persons[1].document.number, "73519864L");
        assert_eq!(store.checkin(id).await.unwrap().unwrap().contact.phone.as_deref(), Some("+34 611 987 654"));
    }
    assert_eq!(store.checkins_with_document("GBR", "ZQ9X7Y5W3V1").await.unwrap().len(), 3);
    let old_envelopes = count(
        &app,
        &format!("SELECT COUNT(*) FROM checkin_persons WHERE given_names LIKE 'hx1.{old}.%' OR document_number LIKE 'hx1.{old}.%' OR support_number LIKE 'hx1.{old}.%'"),
    )
    .await;
    assert_eq!(old_envelopes, 0, "no envelope under the old key is left");
    let contacts = count(&app, &format!("SELECT COUNT(*) FROM checkins WHERE contact_phone LIKE 'hx1.{new}.%' AND contact_email LIKE 'hx1.{new}.%'")).await;
    assert_eq!(contacts, 3);
}

#[tokio::test]
async fn a_store_without_data_keys_refuses_personal_data() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let id = submit(&app, &property, vec![zzyzx()], contact()).await["id"].as_str().unwrap().to_owned();
    let keyless = hospes::store::connect(app.db.url()).await.unwrap();
    assert!(matches!(keyless.persons(&id).await, Err(hospes::store::StoreError::Privacy(_))));
    assert!(matches!(keyless.checkin(&id).await, Err(hospes::store::StoreError::Privacy(_))));
    let stranger = hospes::store::connect_encrypted(app.db.url(), Arc::new(hospes::privacy::DataCipher::ephemeral())).await.unwrap();
    let err = stranger.persons(&id).await.unwrap_err().to_string();
    assert!(err.contains("not in the key ring") && !err.contains("Zzyzx"), "{err}");
}

/// Runs the `hospes` binary with the test's database and keys; returns (success, stdout, stderr).
async fn hospes(app: &TestApp, args: &[&str], stdin: Option<Vec<u8>>) -> (bool, Vec<u8>, String) {
    use tokio::io::AsyncWriteExt;
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"));
    cmd.args(args)
        .env("HOSPES_DATABASE_URL", app.db.url())
        .env("HOSPES_KEYS_DIR", app._keys_dir.path())
        .env("HOSPES_ENV", "production")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(&bytes).await.unwrap();
    }
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    (out.status.success(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn a_backup_is_encrypted_and_restores_into_a_new_database_that_the_service_reads() {
    let app = TestApp::spawn().await;
    let token = app.landlord("landlord-backup@example.com").await;
    let property = app.madrid_property(&token).await;
    let id = submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await["id"].as_str().unwrap().to_owned();
    app.drain_jobs().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("hospes.backup");
    let backup_arg = backup.to_str().unwrap();

    let restored_url = match &app.db {
        TestDb::Sqlite { .. } => {
            let (ok, _, err) = hospes(&app, &["backup", "--out", backup_arg], None).await;
            assert!(ok, "{err}");
            let restored = dir.path().join("restored.db");
            let (ok, _, err) = hospes(&app, &["restore", backup_arg, "--to", restored.to_str().unwrap()], None).await;
            assert!(ok, "{err}");
            let (ok, _, err) = hospes(&app, &["restore", backup_arg, "--to", restored.to_str().unwrap()], None).await;
            assert!(!ok && err.contains("exists already"), "never overwrites: {err}");
            (format!("sqlite://{}", restored.display()), None)
        }
        TestDb::Postgres { url, admin_url, .. } => {
            // `hospes backup` points to pg_dump, whose archive it encrypts from standard input.
            let (ok, _, err) = hospes(&app, &["backup", "--out", backup_arg], None).await;
            assert!(!ok && err.contains("pg_dump"), "{err}");
            let dump = std::process::Command::new("pg_dump").args(["--format=custom", url]).output().unwrap();
            assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
            let (ok, _, err) = hospes(&app, &["backup", "--stdin", "--out", backup_arg], Some(dump.stdout.clone())).await;
            assert!(ok, "{err}");
            let (ok, restored_dump, err) = hospes(&app, &["restore", backup_arg, "--to", "-"], None).await;
            assert!(ok && restored_dump == dump.stdout, "{err}");
            let name = format!("hospes_restore_{}", uuid::Uuid::new_v4().simple());
            let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
            let target = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
            let mut restore = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &target])
                .stdin(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            restore.stdin.take().unwrap().write_all(&restored_dump).unwrap();
            assert!(restore.wait().unwrap().success());
            (target, Some((admin, name)))
        }
    };
    let (restored_url, cleanup) = restored_url;

    // The backup file itself reveals nothing: not the database format, not an account, not a person.
    let bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"HOSPES-BACKUP-1\n"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("SQLite format 3") && !text.contains("PGDMP") && !text.contains("landlord-backup@example.com"));
    assert!(leaks(&text, SECRETS).is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o077, 0, "the backup is private");
    }

    // The service reads the restored data back with its keys.
    let restored = hospes::store::connect_encrypted(&restored_url, app.cipher.clone()).await.unwrap();
    restored.migrate().await.unwrap();
    assert_eq!(restored.persons(&id).await.unwrap(), app.app.store.persons(&id).await.unwrap());
    assert_eq!(restored.checkin(&id).await.unwrap().unwrap().contact.email.as_deref(), Some("zzyzx.qwerty@example.org"));
    assert_eq!(restored.seals(&id).await.unwrap().len(), 2);
    assert!(restored.user_by_email("landlord-backup@example.com").await.unwrap().is_some());
    drop(restored);
    if let Some((admin, name)) = cleanup {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
    }
}
