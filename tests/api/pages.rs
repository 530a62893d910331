//! The landlord's and the tenant's pages, driven as a browser would (forms, cookies, redirects).

use serde_json::Value;

use crate::helpers::*;

/// The sign-in form's token and the cookie that carries it (`name=value`), as a browser gets them.
async fn login_form(app: &TestApp) -> (String, String) {
    let resp = app.client.get(app.url("/login")).send().await.unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Path=/login") && cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"), "{cookie}");
    let html = resp.text().await.unwrap();
    (csrf(&html), cookie.split(';').next().unwrap().to_owned())
}

/// Signs in through the page; returns the session cookie (`name=value`).
async fn sign_in(app: &TestApp, email: &str) -> String {
    app.add_user(hospes::store::Role::Landlord, email, &[]).await;
    let (token, form_cookie) = login_form(app).await;
    let resp = app
        .client
        .post(app.url("/login"))
        .header("cookie", form_cookie)
        .form(&[("email", email), ("password", PASSWORD), ("csrf", &token)])
        .send()
        .await
        .unwrap();
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
    let (token, form_cookie) = login_form(&app).await;
    let wrong = app
        .client
        .post(app.url("/login"))
        .header("cookie", &form_cookie)
        .form(&[("email", "x@example.com"), ("password", "nope"), ("csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Wrong e-mail address or password"));
    assert_eq!(csrf(&html), token, "the form shown again keeps its token");
    // Login CSRF: a form posted from another site has neither the cookie nor the token, and a
    // right password does not sign the reader in to that account.
    app.add_user(hospes::store::Role::Landlord, "attacker@example.com", &[]).await;
    // A planted cookie with a token of the planter's choosing does not pass either: the token is
    // signed by the server (signed double-submit).
    for (cookie, token) in [
        (None, None),
        (None, Some(token.as_str())),
        (Some(form_cookie.as_str()), None),
        (Some(form_cookie.as_str()), Some("forged")),
        (Some("hospes_form=x"), Some("x")),
        (Some("hospes_form=x.00112233445566778899aabbccddeeff"), Some("x.00112233445566778899aabbccddeeff")),
    ] {
        let mut req = app.client.post(app.url("/login"));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        let mut form = vec![("email", "attacker@example.com"), ("password", PASSWORD)];
        if let Some(t) = token {
            form.push(("csrf", t));
        }
        let resp = req.form(&form).send().await.unwrap();
        assert_eq!(resp.status(), 403, "{cookie:?} {token:?}");
        assert!(resp.headers().get("set-cookie").is_none(), "no session");
    }

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

/// A landlord with a property and a check-in submitted through the invitation form: the session
/// cookie, the property id, the check-in id, the invitation path and the receipt page path.
async fn scene(app: &TestApp) -> (String, String, String, String, String) {
    scene_with(app, &person_with("valid", Some("DEU")).person).await
}

async fn scene_with(app: &TestApp, p: &hospes::domain::Person) -> (String, String, String, String, String) {
    let cookie = sign_in(app, "l@example.com").await;
    let token = app.login("l@example.com", PASSWORD).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let property = app.madrid_property(&token).await;
    let pid = property["id"].as_str().unwrap().to_owned();
    let invitation = property["invitation_url"].as_str().unwrap().to_owned();
    let form = [
        ("check_in", "2026-12-01T14:00".to_owned()),
        ("check_out", "2026-12-04T11:00".to_owned()),
        ("given_names", p.given_names.clone()),
        ("family_name", p.family_name.clone()),
        ("birth_date", p.birth_date.format("%Y-%m-%d").to_string()),
        ("nationality", p.nationality.clone()),
        ("document_type", p.document.kind.as_str().to_owned()),
        ("document_number", p.document.number.clone()),
        ("issuing_country", p.document.issuing_country.clone()),
        ("phone", "+49 30 0000000".to_owned()),
    ];
    let resp = app.client.post(&invitation).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    let receipt = resp.headers()["location"].to_str().unwrap().to_owned();
    app.drain_jobs().await;
    let checkins: Value = app.client.get(app.url(&format!("/v1/properties/{pid}/checkins"))).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let cid = checkins.as_array().or_else(|| checkins["checkins"].as_array()).unwrap()[0]["id"].as_str().unwrap().to_owned();
    let invitation_path = invitation.strip_prefix(&app.base).unwrap().to_owned();
    (cookie, pid, cid, invitation_path, receipt)
}

#[tokio::test]
async fn every_landlord_and_tenant_page_weighs_under_60_kb_with_its_stylesheet_and_script() {
    let app = TestApp::spawn().await;
    let (cookie, pid, cid, invitation, receipt) = scene(&app).await;
    let mut assets = 0;
    for asset in ["/static/app.css", "/static/app.js"] {
        let (status, body) = page(&app, asset, None).await;
        assert_eq!(status, 200);
        assets += body.len();
    }
    let pages = [
        ("/login".to_owned(), None),
        ("/properties".to_owned(), Some(&cookie)),
        (format!("/properties/{pid}"), Some(&cookie)),
        (format!("/properties/{pid}/checkin"), Some(&cookie)),
        (format!("/properties/{pid}/sign"), Some(&cookie)),
        (format!("/checkins/{cid}"), Some(&cookie)),
        (format!("/checkins/{cid}/verify"), Some(&cookie)),
        (invitation, None),
        (receipt.clone(), None),
        (format!("{receipt}/verify"), None),
    ];
    let mut report = Vec::new();
    for (path, cookie) in &pages {
        let (status, html) = page(&app, path, cookie.map(String::as_str)).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("href=\"/static/app.css\"") && html.contains("src=\"/static/app.js\""), "{path} links its assets");
        for attr in ["src=\"", "href=\"", "action=\""] {
            for (at, _) in html.match_indices(attr) {
                let url = html[at + attr.len()..].split('"').next().unwrap();
                let local = url.starts_with('/') || url.starts_with('?') || url.starts_with('#') || url.starts_with("data:") || url.starts_with(&app.base);
                assert!(local, "{path} refers to another host: {url}");
            }
        }
        let total = html.len() + assets;
        report.push(format!("{path}: {} B page + {assets} B assets = {total} B", html.len()));
        assert!(total < 60 * 1024, "{path} weighs {total} bytes with its assets");
    }
    eprintln!("page weights (uncompressed):\n{}", report.join("\n"));
}

#[tokio::test]
async fn the_language_follows_the_switch_then_the_cookie_then_accept_language() {
    let app = TestApp::spawn().await;
    let (_, _, _, invitation, receipt) = scene(&app).await;
    let get = |path: String, headers: Vec<(&'static str, &'static str)>| {
        let mut req = app.client.get(app.url(&path));
        for (k, v) in headers {
            req = req.header(k, v);
        }
        req.send()
    };
    let html = get(invitation.clone(), vec![("accept-language", "zh-CN,zh;q=0.9,en;q=0.5")]).await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("入住登记") && html.contains("法律要求房东登记住客"));
    let html = get(invitation.clone(), vec![("accept-language", "es-ES,es;q=0.9")]).await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">") && html.contains("Registro de entrada") && html.contains("se borra 3 años después de la salida"));
    let html = get(invitation.clone(), vec![("accept-language", "de-DE")]).await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("erased 3 years after check-out"));

    // The switch wins over Accept-Language and is remembered in a cookie.
    let resp = get(format!("{invitation}?lang=es"), vec![("accept-language", "zh-CN")]).await.unwrap();
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("lang=es;") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(resp.text().await.unwrap().contains("<html lang=\"es\">"));
    let html = get(receipt.clone(), vec![("accept-language", "zh-CN"), ("cookie", "lang=es")]).await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">") && html.contains("Verificado") && html.contains("Lo que se registró sobre usted"));
    // An unknown language in the switch is ignored (and not echoed into a cookie).
    let resp = get(format!("{receipt}?lang=xx%3Cscript"), vec![("accept-language", "zh-CN")]).await.unwrap();
    assert!(resp.headers().get("set-cookie").is_none());
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("已核验"));
    // Every page offers the switch, each language by its own name.
    for name in ["English", "Español", "中文（简体）"] {
        assert!(html.contains(name), "{name}");
    }
}

#[tokio::test]
async fn the_live_status_streams_server_sent_events_and_answers_polls() {
    let app = TestApp::spawn().await;
    let (cookie, _, cid, _, receipt) = scene(&app).await;
    let resp = app.client.get(app.url(&format!("{receipt}/status.json"))).send().await.unwrap();
    assert_eq!(resp.json::<Value>().await.unwrap(), serde_json::json!({"status": "verified"}));
    let resp = app.client.get(app.url(&format!("/checkins/{cid}/events"))).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    // A settled check-in: one event with its status, then the stream ends.
    let body = resp.text().await.unwrap();
    assert!(body.contains("event: status") && body.contains(r#"data: {"status":"verified"}"#), "{body}");
    // Someone else's check-in: no stream.
    let resp = app.client.get(app.url(&format!("/checkins/{cid}/events"))).send().await.unwrap();
    assert_eq!(resp.status(), 303, "signed-out visitors are sent to sign in");
    let resp = app.client.get(app.url("/r/hrt_nothing/events")).send().await.unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn a_heic_photo_or_a_photo_without_a_code_is_explained_in_the_landlords_language() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, "l@example.com").await;
    let token = app.login("l@example.com", PASSWORD).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let pid = app.madrid_property(&token).await["id"].as_str().unwrap().to_owned();
    let (_, html) = page(&app, &format!("/properties/{pid}"), Some(&cookie)).await;
    let csrf = csrf(&html);
    let upload = |bytes: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .part("photo", reqwest::multipart::Part::bytes(bytes).file_name(name));
        app.client
            .post(app.url(&format!("/properties/{pid}/scan")))
            .header("cookie", format!("{cookie}; lang=es"))
            .multipart(form)
            .send()
    };
    let resp = upload(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec(), "IMG_0001.HEIC").await.unwrap();
    assert_eq!(resp.status(), 415);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">") && html.contains("Las fotos HEIC no se pueden leer aquí"), "{html}");
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&image::RgbImage::from_pixel(640, 480, image::Rgb([200, 200, 200])))
        .unwrap();
    let resp = upload(plain, "photo.jpg").await.unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("No se ha encontrado ningún código QR en la foto"));
}

#[tokio::test]
async fn a_flagged_checkin_names_the_guest_and_the_reason_in_the_tenants_language() {
    let app = TestApp::spawn().await;
    let guest = &person_with("lost_or_stolen", None).person;
    let (cookie, _, cid, _, receipt) = scene_with(&app, guest).await;
    let html = app.client.get(app.url(&receipt)).header("accept-language", "zh-CN").send().await.unwrap().text().await.unwrap();
    assert!(html.contains("已标记") && html.contains("住客 1：证件已报失或被盗"), "{html}");
    let (_, html) = page(&app, &format!("/checkins/{cid}?lang=es"), Some(&cookie)).await;
    assert!(html.contains("Con alerta") && html.contains("Huésped 1: el documento consta como perdido o robado"), "{html}");
    assert!(html.contains(&format!("<li>{}</li>", hospes::http::web::i18n::full_name(guest))), "the landlord sees the guest's name");
}

#[tokio::test]
async fn the_receipt_pages_qr_code_holds_the_compact_receipt_that_the_service_verifies() {
    let app = TestApp::spawn().await;
    let (_, _, _, _, receipt) = scene(&app).await;
    let (_, html) = page(&app, &receipt, None).await;
    let at = html.find("src=\"data:image/png;base64,").expect("a receipt QR code") + "src=\"data:image/png;base64,".len();
    let b64 = html[at..].split('"').next().unwrap().replace("&#x2f;", "/").replace("&#43;", "+").replace("&#61;", "=");
    use base64::Engine;
    let png = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
    let texts = app.app.qr.decode(bytes::Bytes::from(png)).await.expect("the receipt QR code reads");
    assert!(texts[0].starts_with("HR1:"), "{}", texts[0]);
    let report: Value =
        app.client.post(app.url("/v1/seals/verify")).header("content-type", "text/plain").body(texts[0].clone()).send().await.unwrap().json().await.unwrap();
    assert_eq!(report["valid"], true, "{report}");
    assert_eq!(report["seals"].as_array().unwrap().len(), 2);
}

/// Whether `html` holds a time in RFC 3339's machine form (`2026-12-01T14:00`), which no page
/// shows a reader.
fn has_rfc3339_time(html: &str) -> bool {
    let b = html.as_bytes();
    b.windows(13).any(|w| {
        w[..4].iter().all(u8::is_ascii_digit) && w[4] == b'-' && w[7] == b'-' && w[10] == b'T' && w[11..13].iter().all(u8::is_ascii_digit)
    })
}

#[tokio::test]
async fn the_printable_receipt_is_in_the_readers_language_with_the_locales_dates_and_figures() {
    let app = TestApp::spawn().await;
    let (cookie, _, cid, _, receipt) = scene(&app).await;
    let print = format!("{receipt}/print");
    let html = app.client.get(app.url(&print)).header("accept-language", "es-ES,es;q=0.9").send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">") && html.contains("Justificante sellado") && html.contains("Registro de transparencia"), "{html}");
    assert!(html.contains("Verificado") && html.contains("Cualquier persona puede comprobarlo sin conexión con <code>hospes verify</code>"), "{html}");
    for english in ["Transparency log", "Seals</h2>", "Download the receipt", "Anyone can check it"] {
        assert!(!html.contains(english), "English left: {english}");
    }
    assert!(!has_rfc3339_time(&html) && html.contains(" UTC</small>"), "seal times in the locale's format: {html}");

    // The landlord's printable receipt, switched to Chinese.
    let (status, html) = page(&app, &format!("/checkins/{cid}/print?lang=zh-CN"), Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("已盖章的回执") && html.contains("透明日志") && html.contains("树大小"), "{html}");
    assert!(html.contains("已核验") && !html.contains("Transparency log") && !has_rfc3339_time(&html));

    // English stays English.
    let (_, html) = page(&app, &format!("/checkins/{cid}/print"), Some(&cookie)).await;
    assert!(html.contains("Transparency log") && html.contains("tree size") && html.contains("Verified"));
}

#[tokio::test]
async fn guests_are_listed_in_the_collation_order_of_the_pages_language() {
    let app = TestApp::spawn().await;
    let cookie = sign_in(&app, "l@example.com").await;
    let token = app.login("l@example.com", PASSWORD).await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let property = app.madrid_property(&token).await;
    // Three adults with valid documents, renamed: declared Oliva, Ñúñez, Nuño. Code points would
    // put Ñ after O; Spanish puts Ñ between N and O; English reads Ñ as N (so Ñúñez < Nuño).
    let adults = population().people.iter().filter(|p| {
        serde_json::to_value(p.truth.document_status).unwrap() == "valid" && p.person.birth_date.format("%Y").to_string().as_str() < "2000"
    });
    let names = [("Carmen", "Oliva"), ("Ana", "Ñúñez"), ("Luis", "Nuño")];
    let persons: Vec<Value> = adults
        .zip(names)
        .map(|(p, (given, family))| {
            let mut person = person_json(p);
            person["given_names"] = given.into();
            person["family_name"] = family.into();
            person["second_family_name"] = "Ruiz".into();
            person
        })
        .collect();
    let body = serde_json::json!({"property_id": property["id"], "stay": stay_json(), "persons": persons, "contact": {"phone": "+34 600 000 000"}});
    let resp = app.submit_checkin(Some(&token), &body).await;
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    let id = resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let order = |html: &str| {
        let mut at: Vec<(usize, &str)> = ["Carmen Oliva Ruiz", "Ana Ñúñez Ruiz", "Luis Nuño Ruiz"].iter().map(|n| (html.find(&format!("<li>{n}</li>")).expect(n), *n)).collect();
        at.sort();
        at.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
    };
    let (_, html) = page(&app, &format!("/checkins/{id}?lang=es"), Some(&cookie)).await;
    assert_eq!(order(&html), ["Luis Nuño Ruiz", "Ana Ñúñez Ruiz", "Carmen Oliva Ruiz"]);
    let (_, html) = page(&app, &format!("/checkins/{id}?lang=en"), Some(&cookie)).await;
    assert_eq!(order(&html), ["Ana Ñúñez Ruiz", "Luis Nuño Ruiz", "Carmen Oliva Ruiz"]);
}

#[tokio::test]
async fn a_body_that_is_not_the_pages_form_gets_a_page_in_the_readers_language() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property: Value = app.create_property(&token, &serde_json::json!({"name": "Flat", "address": "x", "jurisdiction": "ES-M", "time_zone": "Europe/Madrid"}))
        .await.json().await.unwrap();
    let invitation = invitation_of(&property);
    for (path, lang, expected) in [
        (format!("/i/{invitation}"), "es", "No se ha podido leer el formulario"),
        ("/login".to_owned(), "zh-CN", "无法读取表单"),
        ("/police/login".to_owned(), "en", "The form could not be read"),
    ] {
        let resp = app
            .client
            .post(app.url(&path))
            .header("accept-language", lang)
            .header("content-type", "application/json")
            .body("{\"email\": \"x\"}")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 415, "{path}");
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert!(resp.text().await.unwrap().contains(expected), "{path}");
    }
}
