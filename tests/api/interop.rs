//! Interoperability: receipts verify with an independent JOSE implementation (Python's
//! `jwcrypto`), and the committed `openapi.yaml` is exactly what the code generates.

use serde_json::{Value, json};

use crate::helpers::*;

/// The Python with `jwcrypto` installed, from `HOSPES_PYTHON` (`.ci/run` sets it to its venv).
fn python() -> Option<String> {
    std::env::var("HOSPES_PYTHON").ok()
}

#[tokio::test]
async fn receipts_verify_with_jwcrypto_and_a_tampered_one_does_not() {
    let Some(python) = python() else {
        eprintln!("jwcrypto interop skipped: set HOSPES_PYTHON to a Python with jwcrypto (.ci/run does)");
        return;
    };
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let body = json!({"invitation": invitation_of(&property), "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("CHN")))], "contact": {"phone": "+86 138 0000 0000"}});
    let accepted: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    app.drain_jobs().await;
    let id = accepted["id"].as_str().unwrap();
    let receipt: Value = app.receipt(id, &token).await.json().await.unwrap();
    let jwks = app.client.get(app.url("/.well-known/jwks.json")).send().await.unwrap().text().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("jwks.json"), jwks).unwrap();
    std::fs::write(dir.path().join("receipt.json"), receipt.to_string()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/jose_verify_receipt.py");
    let run = |file: &str| {
        std::process::Command::new(&python)
            .arg(script)
            .arg(dir.path().join(file))
            .arg(dir.path().join("jwks.json"))
            .output()
            .expect("run python")
    };
    let out = run("receipt.json");
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("VALID: 2 seal(s)"));

    let mut tampered = receipt.clone();
    let jws = tampered["seals"][1]["jws"].as_str().unwrap().to_owned();
    let (head, sig) = jws.rsplit_once('.').unwrap();
    let mut sig = sig.as_bytes().to_vec();
    sig[5] = if sig[5] == b'A' { b'B' } else { b'A' };
    tampered["seals"][1]["jws"] = json!(format!("{head}.{}", String::from_utf8(sig).unwrap()));
    std::fs::write(dir.path().join("tampered.json"), tampered.to_string()).unwrap();
    assert!(!run("tampered.json").status.success(), "jwcrypto must refuse a changed signature");
}

#[test]
fn the_committed_openapi_document_is_what_the_code_generates() {
    let generated = hospes::http::api::openapi_yaml();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    if std::env::var("HOSPES_UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is out of date: regenerate it with `HOSPES_UPDATE_OPENAPI=1 cargo test --test api openapi`"
    );
}

#[tokio::test]
async fn webhooks_verify_with_the_standard_webhooks_library_and_pynacl() {
    let Some(python) = python() else {
        eprintln!("webhook interop skipped: set HOSPES_PYTHON to a Python with standardwebhooks and pynacl (.ci/run does)");
        return;
    };
    use crate::partners::webhooks::{Receiver, endpoint};
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let (property, key) = crate::partners::madrid_partner(&app).await;
    let ep = endpoint(&app, &key, &receiver.url).await;
    crate::partners::post(&app, &key, "/v1/checkins", &crate::partners::partner_checkin(&property)).await;
    app.drain_jobs().await;
    let got = receiver.received();
    assert_eq!(got.len(), 2);
    let keys: Value = app.client.get(app.url("/.well-known/webhook-keys")).send().await.unwrap().json().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/standard_webhooks_verify.py");
    for (i, r) in got.iter().enumerate() {
        let case = json!({"headers": r.headers, "body": String::from_utf8(r.body.clone()).unwrap(),
            "secret": ep["secret"], "public_key": keys["keys"][0]["public_key"]});
        let file = dir.path().join(format!("webhook-{i}.json"));
        std::fs::write(&file, case.to_string()).unwrap();
        let out = std::process::Command::new(&python).arg(script).arg(&file).output().expect("run python");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("VALID"), "{stdout}");
    }
}

#[tokio::test]
async fn docs_render_swagger_ui_from_files_served_here_with_no_outside_reference() {
    let app = TestApp::spawn().await;
    let resp = app.client.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.starts_with("default-src 'self'"), "the browser may fetch nothing from elsewhere: {csp}");
    let page = resp.text().await.unwrap();
    let refs: Vec<&str> = page.split(['"', '\'']).filter(|s| s.starts_with('/') || s.contains("://")).collect();
    assert!(refs.len() >= 3, "{refs:?}");
    for r in &refs {
        assert!(r.starts_with('/') && !r.starts_with("//"), "only local references: {r}");
        let asset = app.client.get(app.url(r)).send().await.unwrap();
        assert_eq!(asset.status(), 200, "{r}");
    }
    let bundle = app.client.get(app.url("/docs/swagger-ui/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(bundle.headers()["content-type"], "text/javascript");
    assert!(bundle.text().await.unwrap().contains("SwaggerUIBundle"));
    let init = app.client.get(app.url("/docs/init.js")).send().await.unwrap().text().await.unwrap();
    assert!(init.contains("url: \"/openapi.yaml\"") && init.contains("validatorUrl: null"));
    let license = app.client.get(app.url("/docs/swagger-ui/LICENSE")).send().await.unwrap().text().await.unwrap();
    assert!(license.contains("Apache License"));
    let list = app.client.get(app.url("/docs/operations")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("/v1/checkins/batch"));
}
