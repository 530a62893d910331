//! The landlord's and the tenant's pages, driven as a browser would (forms, cookies, redirects).

use serde_json::Value;

use crate::helpers::*;

/// Signs in through the page; returns the session cookie (`name=value`).
async fn sign_in(app: &TestApp, email: &str) -> String {
    app.add_user(hospes::store::Role::Landlord, email, &[]).await;
    let resp = app.client.post(app.url("/login")).form(&[("email", email), ("password", PASSWORD)]).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/properties");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The value of the hidden `csrf` input of a page.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("the page has a CSRF token") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_landlord_signs_in_adds_a_property_and_sees_its_qr_code() {
    let app = TestApp::spawn().await;
    let (status, _) = page(&app, "/properties", None).await;
    assert_eq!(status, 303, "signed-out visitors are sent to the sign-in page");
    let wrong = app.client.post(app.url("/login")).form(&[("email", "x@example.com"), ("password", "nope")]).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(wrong.text().await.unwrap().contains("Wrong e-mail address or password"));

    let cookie = sign_in(&app, "l@example.com").await;
    let (status, html) = page(&app, "/properties", Some(&cookie)).await;
    assert_eq!(status, 200);
    let token = csrf(&html);

    // Without the CSRF token the form is refused; with bad fields it comes back with the values kept.
    let resp = app
        .client
        .post(app.url("/properties"))
        .header("cookie", &cookie)
        .form(&[("name", "Flat 3B"), ("address", "Calle Mayor 1"), ("jurisdiction", "ES-M"), ("time_zone", "Europe/Madrid")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let resp = app
        .client
        .post(app.url("/properties"))
        .header("cookie", &cookie)
        .form(&[("csrf", token.as_str()), ("name", "Flat 3B"), ("address", "Calle Mayor 1"), ("jurisdiction", "Madrid"), ("time_zone", "Europe/Madrid")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("value=\"Calle Mayor 1\""), "typed values are kept");
    assert!(html.contains("ISO 3166-2"));

    let resp = app
        .client
        .post(app.url("/properties"))
        .header("cookie", &cookie)
        .form(&[("csrf", token.as_str()), ("name", "Flat 3B"), ("address", "Calle Mayor 1"), ("jurisdiction", "ES-M"), ("time_zone", "Europe/Madrid")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let (status, html) = page(&app, &location, Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg"), "the property page shows its QR code");
    assert!(html.contains("capture=\"environment\""), "the photo input opens the back camera");
}

#[tokio::test]
async fn a_tenant_opens_the_invitation_fixes_a_mistake_and_gets_a_receipt_that_turns_verified() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let invitation = property["invitation_url"].as_str().unwrap().to_owned();
    let path = invitation.strip_prefix(&app.base).unwrap().to_owned();
    let (status, html) = page(&app, &path, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Check in") && html.contains("Flat 3B"));

    let p = &person_with("valid", Some("ESP")).person;
    let birth = p.birth_date.format("%Y-%m-%d").to_string();
    let support = p.document.support_number.clone().unwrap();
    let mut form = vec![
        ("check_in", "2026-12-01T14:00".to_owned()),
        ("check_out", "2026-12-04T11:00".to_owned()),
        ("given_names", p.given_names.clone()),
        ("family_name", p.family_name.clone()),
        ("second_family_name", p.second_family_name.clone().unwrap_or_default()),
        ("birth_date", "2999-01-01".to_owned()),
        ("nationality", "ESP".to_owned()),
        ("document_type", "id_card".to_owned()),
        ("document_number", p.document.number.clone()),
        ("issuing_country", "ESP".to_owned()),
        ("support_number", support),
        ("phone", "+34 600 000 000".to_owned()),
    ];
    let resp = app.client.post(&invitation).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 422);
    let html = resp.text().await.unwrap();
    assert!(html.contains("aria-invalid=\"true\""), "the wrong field is marked");
    assert!(html.contains(&format!("value=\"{}\"", p.document.number)), "what was typed is kept");

    form[5].1 = birth;
    let resp = app.client.post(&invitation).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    let receipt_page = resp.headers()["location"].to_str().unwrap().to_owned();
    assert!(receipt_page.starts_with("/r/hrt_"));
    let (_, html) = page(&app, &receipt_page, None).await;
    assert!(html.contains("Submitted"));
    assert!(html.contains("http-equiv=\"refresh\""), "the page refreshes while the check runs");
    app.drain_jobs().await;
    let (_, html) = page(&app, &receipt_page, None).await;
    assert!(html.contains("Verified"), "{html}");
    let receipt: Value = app.client.get(app.url(&format!("{receipt_page}/receipt.json"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(receipt["seals"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_landlord_photographs_an_identity_qr_and_gets_a_prefilled_form() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, "l@example.com").await;
    let token_resp = app.login("l@example.com", PASSWORD).await.json::<Value>().await.unwrap();
    let property = app.madrid_property(token_resp["token"].as_str().unwrap()).await;
    let pid = property["id"].as_str().unwrap();
    let (_, html) = page(&app, &format!("/properties/{pid}"), Some(&cookie)).await;
    let csrf = csrf(&html);
    let person = &person_with("valid", Some("DEU")).person;
    let credential = hospes::registry::credential::issue(&population().credential_key(), "registry-sim", person, app.app.now().timestamp(), 600);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .part("photo", reqwest::multipart::Part::bytes(hospes::qr::render::png(&credential, 5)).file_name("photo.png"));
    let resp = app.client.post(app.url(&format!("/properties/{pid}/scan"))).header("cookie", &cookie).multipart(form).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains(&format!("value=\"{}\"", person.document.number)));
    assert!(html.contains("signature is valid"));
}
