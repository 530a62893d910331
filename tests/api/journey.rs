//! The whole check-in journey over HTTP, with the real CLI for adding the landlord and verifying
//! receipts.

use serde_json::{Value, json};

use crate::helpers::*;

/// The real `hospes` binary, run without blocking the runtime that serves the test's HTTP.
fn hospes_cli() -> tokio::process::Command {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"))
}

/// `hospes verify FILE --jwks URL` on a receipt; returns (exit success, stdout).
async fn verify_cli(app: &TestApp, receipt: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("receipt.json");
    std::fs::write(&path, receipt).unwrap();
    let out = hospes_cli()
        .arg("verify")
        .arg(&path)
        .arg("--jwks")
        .arg(app.url("/.well-known/jwks.json"))
        .output()
        .await
        .expect("run hospes verify");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn submit_by_invitation(app: &TestApp, property: &Value, person: Value) -> Value {
    let body = json!({
        "invitation": invitation_of(property),
        "stay": stay_json(),
        "persons": [person],
        "contact": {"phone": "+34 600 000 000"},
    });
    let resp = app.submit_checkin(None, &body).await;
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let accepted: Value = resp.json().await.unwrap();
    assert_eq!(location, format!("/v1/checkins/{}", accepted["id"].as_str().unwrap()));
    assert_eq!(accepted["status"], "submitted");
    accepted
}

#[tokio::test]
async fn a_landlord_added_by_the_cli_checks_in_three_tenants_and_only_the_genuine_one_is_verified() {
    let app = TestApp::spawn().await;

    // 2. The operator adds a landlord with the CLI.
    let mut add = hospes_cli()
        .args(["users", "add", "--role", "landlord", "--email", "Landlord@Example.com", "--password-stdin"])
        .env("HOSPES_DATABASE_URL", app.db.url())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).await.unwrap();
    assert!(add.wait_with_output().await.unwrap().status.success());

    // 3. The landlord signs in and adds a property; its QR holds the invitation URL.
    let login = app.login("landlord@example.com", PASSWORD).await;
    assert_eq!(login.status(), 200);
    let token = login.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let property = app.madrid_property(&token).await;
    let pid = property["id"].as_str().unwrap();
    assert!(property["invitation_url"].as_str().unwrap().starts_with(&app.url("/i/")));
    let svg = app.client.get(app.url(&format!("/v1/properties/{pid}/qr.svg"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let png = app.client.get(app.url(&format!("/v1/properties/{pid}/qr.png"))).bearer_auth(&token).send().await.unwrap();
    let png = png.bytes().await.unwrap();
    let decoded = hospes::qr::decode_bytes(&png, &hospes::qr::Limits::default()).expect("our own QR decodes");
    // The code holds the invitation in upper case (QR alphanumeric mode); it opens the same form.
    let invitation = invitation_of(&property);
    assert_eq!(decoded, vec![format!("{}/I/{invitation}", app.base.to_uppercase())]);
    let form = app.client.get(&decoded[0].replace("HTTP://", "http://")).send().await.unwrap();
    assert_eq!(form.status(), 200);

    // 4. Three tenants submit through the invitation.
    let genuine = person_with("valid", Some("ESP"));
    let mut wrong_birth = person_json(person_with("valid", Some("DEU")));
    wrong_birth["birth_date"] = json!("1970-01-01");
    let mut unknown = person_json(person_with("valid", Some("FRA")));
    unknown["document"]["number"] = json!("99ZZ99999");
    let a = submit_by_invitation(&app, &property, person_json(genuine)).await;
    let b = submit_by_invitation(&app, &property, wrong_birth).await;
    let c = submit_by_invitation(&app, &property, unknown).await;

    // 6. The worker checks them against the registry.
    assert_eq!(app.drain_jobs().await, 3);

    let expect = [(&a, "verified", None), (&b, "flagged", Some("identity_mismatch")), (&c, "flagged", Some("not_found"))];
    for (accepted, status, reason) in expect {
        let id = accepted["id"].as_str().unwrap();
        let tenant_token = accepted["receipt_token"].as_str().unwrap();
        // The landlord and the tenant both read it.
        for reader in [token.as_str(), tenant_token] {
            let view: Value = app.get_checkin(id, reader).await.json().await.unwrap();
            assert_eq!(view["status"], status, "{view}");
            assert_eq!(view["seals"].as_array().unwrap().len(), 2);
            match reason {
                None => assert_eq!(view["flags"], json!([])),
                Some(r) => assert_eq!(view["flags"][0]["reason"], r),
            }
        }
        // 7–8. The receipt verifies offline with the published keys, and not once a byte changes.
        let receipt = app.receipt(id, tenant_token).await.text().await.unwrap();
        let (ok, out) = verify_cli(&app, &receipt).await;
        assert!(ok, "a genuine receipt must verify: {out}");
        assert!(out.contains("VALID: 2 seal(s)"));
        let parsed: Value = serde_json::from_str(&receipt).unwrap();
        let events: Vec<String> = parsed["seals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let jws = s["jws"].as_str().unwrap();
                let payload = jws.split('.').nth(1).unwrap();
                let payload: Value = serde_json::from_slice(&base64_url(payload)).unwrap();
                payload["event"].as_str().unwrap().to_owned()
            })
            .collect();
        assert_eq!(events, vec!["submitted".to_owned(), status.to_owned()]);
        let tampered = tamper_one_byte(&receipt);
        let (ok, out) = verify_cli(&app, &tampered).await;
        assert!(!ok, "a tampered receipt must not verify");
        assert!(out.starts_with("INVALID"), "{out}");
    }
}

fn base64_url(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}

/// Changes one byte in the middle of the last seal's payload.
fn tamper_one_byte(receipt: &str) -> String {
    let mut parsed: Value = serde_json::from_str(receipt).unwrap();
    let seals = parsed["seals"].as_array_mut().unwrap();
    let jws = seals.last().unwrap()["jws"].as_str().unwrap().to_owned();
    let dot = jws.find('.').unwrap();
    let i = dot + 10;
    let mut bytes = jws.into_bytes();
    bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
    seals.last_mut().unwrap()["jws"] = json!(String::from_utf8(bytes).unwrap());
    parsed.to_string()
}

#[tokio::test]
async fn a_landlord_checks_a_tenant_in_by_property_id_and_reads_it_back() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let body = json!({
        "property_id": property["id"],
        "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("CHN")))],
        "contact": {"email": "guest@example.com"},
    });
    let resp = app.submit_checkin(Some(&token), &body).await;
    assert_eq!(resp.status(), 202);
    let accepted: Value = resp.json().await.unwrap();
    let id = accepted["id"].as_str().unwrap();
    app.drain_jobs().await;
    let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
    assert_eq!(view["status"], "verified");
    assert_eq!(view["channel"], "landlord");
    assert_eq!(view["persons"][0]["family_name"], person_with("valid", Some("CHN")).person.family_name);
    let list: Value = app
        .client
        .get(app.url(&format!("/v1/properties/{}/checkins", property["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["id"], id);
    assert!(list[0].get("persons").is_none(), "lists carry no personal data");
}

#[tokio::test]
async fn registry_truths_become_their_flags() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    for (truth, reason) in [
        ("expired", "document_expired"),
        ("revoked", "document_invalid"),
        ("lost_or_stolen", "document_lost_or_stolen"),
        ("holder_deceased", "holder_deceased"),
    ] {
        let accepted = submit_by_invitation(&app, &property, person_json(person_with(truth, None))).await;
        app.drain_jobs().await;
        let view: Value = app.get_checkin(accepted["id"].as_str().unwrap(), &token).await.json().await.unwrap();
        assert_eq!(view["status"], "flagged");
        assert_eq!(view["flags"][0]["reason"], reason, "truth {truth}");
    }
}

#[tokio::test]
async fn a_family_is_one_checkin_flagged_when_any_person_is() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let mut impostor = person_json(person_with("valid", Some("ITA")));
    impostor["given_names"] = json!("Somebody Else");
    let body = json!({
        "invitation": invitation_of(&property),
        "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("GBR"))), impostor],
        "contact": {"phone": "+34 600 000 000"},
    });
    let accepted: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    app.drain_jobs().await;
    let view: Value = app.get_checkin(accepted["id"].as_str().unwrap(), &token).await.json().await.unwrap();
    assert_eq!(view["status"], "flagged");
    assert_eq!(view["flags"], json!([{"person": 1, "reason": "identity_mismatch", "fields": ["given_names"]}]));
}

#[tokio::test]
async fn a_photo_of_a_tenants_identity_qr_prefills_the_person() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let person = person_with("valid", Some("CHN"));
    let credential = hospes::registry::credential::issue(
        &population().credential_key(),
        "registry-sim",
        &person.person,
        app.app.now().timestamp(),
        3600,
    );
    // A phone photo: the code rendered, then saved as a JPEG.
    let png = hospes::qr::render::png(&credential, 5);
    let img = image::load_from_memory(&png).unwrap().to_rgb8();
    let mut jpeg = std::io::Cursor::new(Vec::new());
    img.write_to(&mut jpeg, image::ImageFormat::Jpeg).unwrap();
    let resp = app.scan(&token, jpeg.into_inner(), "IMG_0001.jpg").await;
    assert_eq!(resp.status(), 200);
    let scanned: Value = resp.json().await.unwrap();
    assert_eq!(scanned["person"], person_json(person));
    assert_eq!(scanned["issuer"], "registry-sim");
    // The pre-filled person checks in and is verified.
    let body = json!({"property_id": app.madrid_property(&token).await["id"], "stay": stay_json(),
        "persons": [scanned["person"]], "contact": {"phone": "+34 600 000 000"}});
    let accepted: Value = app.submit_checkin(Some(&token), &body).await.json().await.unwrap();
    app.drain_jobs().await;
    let view: Value = app.get_checkin(accepted["id"].as_str().unwrap(), &token).await.json().await.unwrap();
    assert_eq!(view["status"], "verified");
}

#[tokio::test]
async fn the_jwks_publishes_the_key_that_signs_the_seals() {
    let app = TestApp::spawn().await;
    let jwks: Value = app.client.get(app.url("/.well-known/jwks.json")).send().await.unwrap().json().await.unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    assert_eq!(key["kid"], app.app.keys.active_kid());
}

#[tokio::test]
async fn an_outcome_is_sealed_once_however_often_the_job_runs() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let accepted = submit_by_invitation(&app, &property, person_json(person_with("valid", None))).await;
    let id = accepted["id"].as_str().unwrap();
    // A second worker that read the check-in before the first one sealed its outcome.
    let stale = app.app.store.checkin(id).await.unwrap().unwrap();
    app.drain_jobs().await;
    let again = app
        .app
        .record_event(&stale, hospes::domain::Event::Verified, Some(Default::default()), None)
        .await
        .unwrap();
    assert!(!again, "the second application is a no-op");
    let flagged = app
        .app
        .record_event(&stale, hospes::domain::Event::Flagged, Some(Default::default()), None)
        .await
        .unwrap();
    assert!(!flagged, "a contradicting outcome is refused too");
    let seals = app.app.store.seals(id).await.unwrap();
    assert_eq!(seals.iter().map(|s| s.event.as_str()).collect::<Vec<_>>(), vec!["submitted", "verified"]);
}

/// A registry that is always down.
struct DownRegistry;

#[async_trait::async_trait]
impl hospes::registry::Registry for DownRegistry {
    async fn check(&self, _: &hospes::registry::IdentityClaim) -> Result<hospes::domain::PersonCheck, hospes::registry::RegistryError> {
        Err(hospes::registry::RegistryError::Unavailable("down for the test".into()))
    }
    async fn credential_keys(
        &self,
    ) -> Result<std::collections::BTreeMap<String, ed25519_dalek::VerifyingKey>, hospes::registry::RegistryError> {
        Err(hospes::registry::RegistryError::Unavailable("down for the test".into()))
    }
}

#[tokio::test]
async fn a_registry_that_never_answers_ends_registry_unavailable_and_never_verified() {
    let app = TestApp::spawn_with(std::sync::Arc::new(DownRegistry)).await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let accepted = submit_by_invitation(&app, &property, person_json(person_with("valid", None))).await;
    let id = accepted["id"].as_str().unwrap();
    let mut attempts = 0;
    loop {
        attempts += app.drain_jobs().await;
        let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
        if view["status"] == "flagged" {
            assert_eq!(view["flags"][0]["reason"], "registry_unavailable");
            break;
        }
        assert_ne!(view["status"], "verified");
        assert!(attempts <= hospes::app::REGISTRY_CHECK_MAX_ATTEMPTS as usize, "too many attempts");
        app.clock.advance(chrono::Duration::minutes(30));
    }
    assert_eq!(attempts, hospes::app::REGISTRY_CHECK_MAX_ATTEMPTS as usize);
    let receipt = app.receipt(id, &token).await.text().await.unwrap();
    assert!(verify_cli(&app, &receipt).await.0);
}

#[tokio::test]
async fn the_registry_check_works_over_http_against_the_registry_simulator() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let registry_url = format!("http://{}", listener.local_addr().unwrap());
    let sim = hospes::registry::sim::SimulatedRegistry::new(population().clone());
    let router = hospes::registry::server::router(sim, Default::default());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let http = hospes::registry::http::HttpRegistry::new(&registry_url, std::time::Duration::from_secs(5)).unwrap();
    let app = TestApp::spawn_with(std::sync::Arc::new(http)).await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let good = submit_by_invitation(&app, &property, person_json(person_with("valid", Some("ESP")))).await;
    let mut wrong = person_json(person_with("valid", Some("ITA")));
    wrong["birth_date"] = json!("1971-02-03");
    let bad = submit_by_invitation(&app, &property, wrong).await;
    app.drain_jobs().await;
    let status = |v: Value| v["status"].as_str().unwrap().to_owned();
    assert_eq!(status(app.get_checkin(good["id"].as_str().unwrap(), &token).await.json().await.unwrap()), "verified");
    assert_eq!(status(app.get_checkin(bad["id"].as_str().unwrap(), &token).await.json().await.unwrap()), "flagged");
    // Identity credentials verify with the keys the registry publishes over HTTP.
    let person = &person_with("valid", Some("FRA")).person;
    let credential = hospes::registry::credential::issue(&population().credential_key(), "registry-sim", person, app.app.now().timestamp(), 600);
    let resp = app.scan(&token, hospes::qr::render::png(&credential, 5), "id.png").await;
    assert_eq!(resp.status(), 200);
}
