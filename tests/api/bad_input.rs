//! Every malformed request gets a clear problem+json answer that names the field, and loses
//! nothing already accepted.

use serde_json::{Value, json};

use crate::helpers::*;

async fn tenant_body(app: &TestApp, token: &str) -> (Value, Value) {
    let property = app.madrid_property(token).await;
    let body = json!({
        "invitation": invitation_of(&property),
        "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("ESP")))],
        "contact": {"phone": "+34 600 000 000"},
    });
    (property, body)
}

#[tokio::test]
async fn an_expired_invitation_has_its_own_error() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let (_, body) = tenant_body(&app, &token).await;
    app.clock.advance(chrono::Duration::days(31));
    assert_problem(app.submit_checkin(None, &body).await, 401, "invitation_expired").await;
    let page = app.client.get(app.url(&format!("/i/{}", body["invitation"].as_str().unwrap()))).send().await.unwrap();
    assert_eq!(page.status(), 401);
    assert!(page.text().await.unwrap().contains("expired"));
}

#[tokio::test]
async fn a_forged_invitation_is_refused() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let (_, mut body) = tenant_body(&app, &token).await;
    let genuine = body["invitation"].as_str().unwrap().to_owned();
    // A later expiry written into the token, the old tag kept.
    let forged_claims = {
        let base32 = data_encoding::BASE32_NOPAD;
        let mut bytes = base32.decode(genuine.as_bytes()).unwrap();
        bytes[20] = bytes[20].wrapping_add(1);
        base32.encode(&bytes)
    };
    body["invitation"] = json!(forged_claims);
    assert_problem(app.submit_checkin(None, &body).await, 401, "invitation_invalid").await;
    body["invitation"] = json!("not-a-token");
    assert_problem(app.submit_checkin(None, &body).await, 401, "invitation_invalid").await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.landlord("l@example.com").await;
    let wrong = assert_problem(app.login("l@example.com", "wrong password!").await, 401, "invalid_credentials").await;
    let unknown = assert_problem(app.login("nobody@example.com", PASSWORD).await, 401, "invalid_credentials").await;
    assert_eq!(wrong, unknown);
}

#[tokio::test]
async fn a_police_officers_password_alone_never_yields_a_token() {
    let app = TestApp::spawn().await;
    app.add_user(hospes::store::Role::Police, "officer@example.com", &["ES-M"]).await;
    let problem = assert_problem(app.login("officer@example.com", PASSWORD).await, 401, "mfa_required").await;
    assert!(problem.get("token").is_none());
}

#[tokio::test]
async fn malformed_json_and_wrong_types_name_the_field() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let (_, body) = tenant_body(&app, &token).await;
    let resp = app
        .client
        .post(app.url("/v1/checkins"))
        .header("content-type", "application/json")
        .body("{\"invitation\": ")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert!(problem["detail"].as_str().unwrap().contains("not valid JSON"));

    let mut wrong_type = body.clone();
    wrong_type["persons"][0]["given_names"] = json!({"Zzyzx": 1});
    let problem = assert_problem(app.submit_checkin(None, &wrong_type).await, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "persons[0].given_names");
    assert!(!problem.to_string().contains("Zzyzx"), "errors never quote the value");

    let resp = app.client.post(app.url("/v1/checkins")).body(body.to_string()).send().await.unwrap();
    assert_problem(resp, 415, "unsupported_media_type").await;
}

#[tokio::test]
async fn every_invalid_field_is_named_with_its_person_and_never_echoed() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let (_, mut body) = tenant_body(&app, &token).await;
    body["persons"][0]["family_name"] = json!("");
    body["persons"][0]["birth_date"] = json!("2999-01-01");
    body["persons"][0]["nationality"] = json!("Zzyzx");
    body["stay"]["check_out"] = json!("2026-11-30T11:00:00+01:00");
    body["contact"] = json!({});
    let problem = assert_problem(app.submit_checkin(None, &body).await, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    for expected in ["stay.check_out", "persons[0].family_name", "persons[0].birth_date", "persons[0].nationality", "contact"] {
        assert!(fields.contains(&expected), "{expected} missing from {fields:?}");
    }
    for e in problem["errors"].as_array().unwrap() {
        if e["field"].as_str().unwrap().starts_with("persons[0]") {
            assert_eq!(e["person"], 0);
        }
        assert!(!e["message"].as_str().unwrap().is_empty());
    }
    assert!(!problem.to_string().contains("Zzyzx"));
    // Nothing was stored, so nothing waits in the queue.
    assert_eq!(app.drain_jobs().await, 0);
}

#[tokio::test]
async fn property_fields_are_checked() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let resp = app
        .create_property(&token, &json!({"name": "", "address": "x", "jurisdiction": "Madrid", "time_zone": "Mars/Olympus"}))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, vec!["name", "jurisdiction", "time_zone"]);
}

#[tokio::test]
async fn uploads_that_are_not_usable_photos_each_get_their_own_answer() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;

    // More than 25 MB.
    let resp = app.scan(&token, vec![0u8; 26 * 1024 * 1024], "huge.jpg").await;
    assert_problem(resp, 413, "payload_too_large").await;

    // Not an image at all.
    let resp = app.scan(&token, b"%PDF-1.7 definitely not a photo".to_vec(), "scan.jpg").await;
    assert_problem(resp, 415, "unsupported_media_type").await;

    // HEIC bytes under a .jpg name: detected from the bytes.
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0u8; 64]);
    let problem = assert_problem(app.scan(&token, heic, "IMG_0002.jpg").await, 415, "unsupported_media_type").await;
    assert!(problem["detail"].as_str().unwrap().contains("Most compatible"));

    // A photo without a QR code.
    let blank = image::RgbImage::from_pixel(640, 480, image::Rgb([200, 200, 200]));
    let mut png = std::io::Cursor::new(Vec::new());
    blank.write_to(&mut png, image::ImageFormat::Png).unwrap();
    assert_problem(app.scan(&token, png.into_inner(), "wall.png").await, 422, "no_qr_code").await;

    // A QR code that is not a credential.
    let qr = hospes::qr::render::png("https://example.com/menu", 6);
    assert_problem(app.scan(&token, qr, "menu.png").await, 422, "credential_invalid").await;

    // A credential signed by someone other than the registry.
    let person = &person_with("valid", None).person;
    let forged = hospes::registry::credential::issue(
        &hospes::registry::sim::Population::generate(1, 999).credential_key(),
        "registry-sim",
        person,
        app.app.now().timestamp(),
        3600,
    );
    let problem =
        assert_problem(app.scan(&token, hospes::qr::render::png(&forged, 5), "id.png").await, 422, "credential_invalid").await;
    assert!(problem["detail"].as_str().unwrap().contains("signature"));

    // An expired credential.
    let old = hospes::registry::credential::issue(&population().credential_key(), "registry-sim", person, 1_000, 60);
    assert_problem(app.scan(&token, hospes::qr::render::png(&old, 5), "id.png").await, 422, "credential_expired").await;

    // No photo field.
    let form = reqwest::multipart::Form::new().text("other", "x");
    let resp = app.client.post(app.url("/v1/credentials/scan")).bearer_auth(&token).multipart(form).send().await.unwrap();
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "photo");
}

#[tokio::test]
async fn another_landlords_property_and_checkins_do_not_exist_for_you() {
    let app = TestApp::spawn().await;
    let alice = app.landlord("alice@example.com").await;
    let bob = app.landlord("bob@example.com").await;
    let (property, body) = tenant_body(&app, &alice).await;
    let accepted: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    let pid = property["id"].as_str().unwrap();
    let cid = accepted["id"].as_str().unwrap();
    for path in [
        format!("/v1/properties/{pid}"),
        format!("/v1/properties/{pid}/qr.svg"),
        format!("/v1/properties/{pid}/qr.png"),
        format!("/v1/properties/{pid}/checkins"),
        format!("/v1/checkins/{cid}"),
        format!("/v1/checkins/{cid}/receipt"),
    ] {
        let resp = app.client.get(app.url(&path)).bearer_auth(&bob).send().await.unwrap();
        assert_problem(resp, 404, "not_found").await;
    }
    let resp = app
        .submit_checkin(Some(&bob), &json!({"property_id": pid, "stay": stay_json(), "persons": body["persons"], "contact": body["contact"]}))
        .await;
    assert_problem(resp, 404, "not_found").await;
    // A receipt token opens its own check-in only.
    let other: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    let resp = app.get_checkin(cid, other["receipt_token"].as_str().unwrap()).await;
    assert_problem(resp, 404, "not_found").await;
    // Without any token.
    let resp = app.client.get(app.url(&format!("/v1/checkins/{cid}"))).send().await.unwrap();
    assert_problem(resp, 401, "unauthorized").await;
}

#[tokio::test]
async fn a_json_body_over_the_limit_is_refused() {
    let app = TestApp::spawn().await;
    let big = json!({"invitation": "x".repeat(2 * 1024 * 1024)});
    assert_problem(app.submit_checkin(None, &big).await, 413, "payload_too_large").await;
}

#[tokio::test]
async fn unknown_fields_are_refused_by_name_with_a_suggestion_and_never_stored() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let (_, body) = tenant_body(&app, &token).await;
    // A misspelt optional field would otherwise be dropped without a word.
    let mut misspelt = body.clone();
    misspelt["persons"][0]["secnd_family_name"] = json!("LOPEZ");
    let problem = assert_problem(app.submit_checkin(None, &misspelt).await, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "persons[0].secnd_family_name", "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("did you mean second_family_name?"), "{problem}");
    assert!(!problem.to_string().contains("LOPEZ"), "the value is never quoted");
    let mut top = body.clone();
    top["notes"] = json!("x");
    let problem = assert_problem(app.submit_checkin(None, &top).await, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "(unknown name)", "not a near miss: not repeated");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("the fields here are invitation, property_id"), "{problem}");
    // A key that is not a near miss of a field is not repeated (it could hold anything).
    for key in ["Maria Zzyzx 1990", "12345678Z", "zzyzx"] {
        let mut odd = body.clone();
        odd["persons"][0][key] = json!(1);
        let problem = assert_problem(app.submit_checkin(None, &odd).await, 400, "malformed_request").await;
        assert!(!problem.to_string().contains(key), "{problem}");
        assert_eq!(problem["errors"][0]["field"], "persons[0].(unknown name)");
    }
    assert_eq!(app.drain_jobs().await, 0, "nothing was stored");
    // The same holds for every JSON body, e.g. a property.
    let resp = app
        .create_property(&token, &json!({"name": "Flat", "address": "x", "jurisdiction": "ES-M", "time_zone": "Europe/Madrid", "timezone": "x"}))
        .await;
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("did you mean time_zone?"), "{problem}");
}

#[tokio::test]
async fn a_jurisdiction_must_be_a_real_iso_3166_2_subdivision() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    // Shaped like a code but no such subdivision: its flagged check-ins would reach no officer.
    let resp = app
        .create_property(&token, &json!({"name": "Flat", "address": "x", "jurisdiction": "ES-MM", "time_zone": "Europe/Madrid"}))
        .await;
    let problem = assert_problem(resp, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "jurisdiction");
    let resp = app
        .create_property(&token, &json!({"name": "Flat", "address": "x", "jurisdiction": "cn-tj", "time_zone": "Asia/Shanghai"}))
        .await;
    assert_eq!(resp.status(), 201);
}

#[tokio::test]
async fn unknown_routes_answer_problem_json() {
    let app = TestApp::spawn().await;
    let resp = app.client.get(app.url("/v1/nothing-here")).send().await.unwrap();
    assert_problem(resp, 404, "not_found").await;
}

#[tokio::test]
async fn document_validation_answers_like_intake() {
    let app = TestApp::spawn().await;
    let valid: Value = app.client.post(app.url("/v1/documents/validate")).json(&json!({"scheme": "es.dni", "input": "12345678-z"}))
        .send().await.unwrap().json().await.unwrap();
    assert_eq!(valid["valid"], true, "{valid}");
    assert_eq!(valid["normalized"], "12345678Z");
    let bad: Value = app.client.post(app.url("/v1/documents/validate")).json(&json!({"scheme": "es.dni", "input": "12345678A"}))
        .send().await.unwrap().json().await.unwrap();
    assert_eq!((bad["valid"].clone(), bad["error_class"].clone()), (json!(false), json!("checksum")));
    // A request that cannot be answered is a problem naming the field, not a 200.
    let ask = |body: Value| app.client.post(app.url("/v1/documents/validate")).json(&body).send();
    let problem = assert_problem(ask(json!({})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "input");
    let problem = assert_problem(ask(json!({"input": "12345678Z"})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "scheme");
    let problem = assert_problem(ask(json!({"scheme": "xx.nope", "input": "1"})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "scheme");
    let problem = assert_problem(ask(json!({"country": "AQ", "input": "1"})).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "country");
    let problem = assert_problem(ask(json!({"scheme": "es.dni", "country": "IT", "input": "1"})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "country", "two ways to name the scheme");
    let problem = assert_problem(ask(json!({"input": "1", "mrz": "P<ESP"})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "mrz", "two things to check");
    let problem = assert_problem(ask(json!({"country": "ZZZ", "input": "1"})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "country", "not a country at all");
    let problem = assert_problem(ask(json!({"scheme": "es.dni", "inptu": "1"})).await.unwrap(), 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "inptu");
}

#[tokio::test]
async fn a_scan_that_is_not_multipart_is_a_problem_document() {
    // Found by schemathesis: axum's own rejection was plain text.
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let resp = app.client.post(app.url("/v1/credentials/scan")).bearer_auth(&token).send().await.unwrap();
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert_eq!(problem["errors"][0]["field"], "photo");
}

#[tokio::test]
async fn a_method_a_path_does_not_take_gets_a_problem_with_allow() {
    let app = TestApp::spawn().await;
    let resp = app.client.put(app.url("/v1/checkins")).send().await.unwrap();
    let allow = resp.headers().get("allow").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(allow.contains("POST"), "allow: {allow:?}");
    let problem = assert_problem(resp, 405, "method_not_allowed").await;
    assert!(problem["detail"].as_str().unwrap().contains("Allow"));
}

#[tokio::test]
async fn a_token_that_is_not_a_live_session_is_told_so_in_the_challenge() {
    let app = TestApp::spawn().await;
    let resp = app.client.get(app.url("/v1/properties")).send().await.unwrap();
    assert_eq!(resp.headers()["www-authenticate"], "Bearer", "no credentials: a plain challenge");
    assert_problem(resp, 401, "unauthorized").await;
    let resp = app.client.get(app.url("/v1/properties")).bearer_auth("hsp_not_a_session").send().await.unwrap();
    assert_eq!(resp.headers()["www-authenticate"], "Bearer error=\"invalid_token\"", "RFC 6750 §3.1");
    let problem = assert_problem(resp, 401, "unauthorized").await;
    assert!(problem["detail"].as_str().unwrap().contains("sign in again"), "{problem}");
}
