//! Receipts checked by the service (`POST /v1/seals/verify`: JSON, QR text, photo of the QR
//! code), the receipt's QR code and its printable page.

use hospes::seal::receipt::Receipt;
use serde_json::{Value, json};

use crate::helpers::*;

async fn verified_checkin(app: &TestApp) -> (String, String, Value) {
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let body = json!({"invitation": invitation_of(&property), "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("CHN")))], "contact": {"phone": "+86 138 0000 0000"}});
    let accepted: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    app.drain_jobs().await;
    (accepted["id"].as_str().unwrap().to_owned(), token, accepted)
}

async fn verify_json(app: &TestApp, body: &Value) -> Value {
    let resp = app.client.post(app.url("/v1/seals/verify")).json(body).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn the_service_verifies_a_receipt_as_json_and_refuses_a_tampered_one() {
    let app = TestApp::spawn().await;
    let (id, token, _) = verified_checkin(&app).await;
    let receipt: Value = app.receipt(&id, &token).await.json().await.unwrap();
    let report = verify_json(&app, &receipt).await;
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["in_current_log"], true);
    assert_eq!(report["seals"].as_array().unwrap().len(), 2);
    assert_eq!(report["checkpoint"]["tree_size"], 2);

    let mut tampered = receipt.clone();
    let jws = tampered["seals"][0]["jws"].as_str().unwrap().to_owned();
    let (head, rest) = jws.split_once('.').unwrap();
    let mut payload = rest.as_bytes().to_vec();
    payload[3] = if payload[3] == b'A' { b'B' } else { b'A' };
    tampered["seals"][0]["jws"] = json!(format!("{head}.{}", String::from_utf8(payload).unwrap()));
    let report = verify_json(&app, &tampered).await;
    assert_eq!(report["valid"], false);
    assert!(report["error"].as_str().unwrap().starts_with("seal 0"), "{report}");

    let resp = app.client.post(app.url("/v1/seals/verify")).json(&json!({"seals": "none"})).send().await.unwrap();
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "seals");
    let resp = app.client.post(app.url("/v1/seals/verify")).header("content-type", "application/xml").body("<r/>").send().await.unwrap();
    assert_problem(resp, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn the_receipt_qr_code_carries_a_receipt_that_verifies_from_its_text_and_from_a_photo() {
    let app = TestApp::spawn().await;
    let (id, token, accepted) = verified_checkin(&app).await;
    let receipt: Receipt = app.receipt(&id, &token).await.json().await.unwrap();
    let text = hospes::seal::receipt_qr::encode(&receipt).unwrap();

    let resp = app.client.post(app.url("/v1/seals/verify")).header("content-type", "text/plain").body(text.clone()).send().await.unwrap();
    let report: Value = resp.json().await.unwrap();
    assert_eq!((report["valid"].clone(), report["checkin_id"].clone()), (json!(true), json!(id)), "{report}");

    // The API serves the code as SVG (to the landlord; the tenant has it under the receipt link).
    let resp = app.client.get(app.url(&format!("/v1/checkins/{id}/receipt.svg"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "image/svg+xml");
    // A photo of the code (a PNG at 4 px a module) verifies through the upload.
    let png = hospes::qr::render::try_png(&text, 4).unwrap();
    let form = reqwest::multipart::Form::new().part("photo", reqwest::multipart::Part::bytes(png).file_name("receipt.png"));
    let resp = app.client.post(app.url("/v1/seals/verify")).multipart(form).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let report: Value = resp.json().await.unwrap();
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["seals"][1]["event"], "verified");

    // A photo without a code, and a code that is not a receipt.
    let blank = hospes::qr::render::try_png("https://example.com/not-a-receipt", 4).unwrap();
    let form = reqwest::multipart::Form::new().part("photo", reqwest::multipart::Part::bytes(blank).file_name("x.png"));
    let resp = app.client.post(app.url("/v1/seals/verify")).multipart(form).send().await.unwrap();
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "photo");

    // `hospes verify` reads the QR text too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("qr.txt"), &text).unwrap();
    std::fs::write(dir.path().join("jwks.json"), app.app.keys.jwks().to_string()).unwrap();
    let mut out = Vec::new();
    let ok = hospes::seal::cli::verify(
        dir.path().join("qr.txt").to_str().unwrap(),
        dir.path().join("jwks.json").to_str(),
        None,
        &dir.path().join("none"),
        &mut out,
    )
    .await
    .unwrap();
    assert!(ok, "{}", String::from_utf8_lossy(&out));

    // The tenant's printable receipt shows the code.
    let tenant = accepted["receipt_token"].as_str().unwrap();
    let page = app.client.get(app.url(&format!("/r/{tenant}/print"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/r/{tenant}/receipt.svg")) && page.contains("<strong>Verified</strong>"), "{page}");
    let svg = app.client.get(app.url(&format!("/r/{tenant}/receipt.svg"))).send().await.unwrap();
    assert_eq!(svg.status(), 200);
}
