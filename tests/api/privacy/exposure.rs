//! Exposure: minimisation, the tenant's own view of their data, and no personal value in logs,
//! metrics or any answer to someone not entitled to it.

use chrono::Duration;
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn fields_the_profile_does_not_ask_for_are_neither_collected_nor_stored() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let resp = app
        .create_property(&token, &json!({"name": "Studio", "address": "1 rue de Rivoli", "jurisdiction": "FR-75C", "time_zone": "Europe/Paris"}))
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
    assert!(html.contains("erased 3 years after check-out"));
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
    assert!(html.contains("will be erased on 4 Dec 2029"));
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
