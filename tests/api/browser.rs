//! The police workspace in a real browser: headless Chromium driven over WebDriver
//! (`chromedriver`, Debian's `chromium-driver`). Runs only with `HOSPES_BROWSER_TESTS=1` (CI sets
//! it and installs the browser); saves screenshots under `target/screenshots/`.

use fantoccini::Locator;
use hospes::store::Role;
use serde_json::json;

use crate::helpers::*;
use crate::police::{barcelona_property, checkin_of, enrolled, next_code, scene};
use crate::webdriver::{Driver, enabled, screenshots_dir};

#[tokio::test]
async fn browser_an_officer_signs_in_with_a_totp_code_opens_a_flagged_checkin_with_a_reason_and_resolves_it() {
    if !enabled() {
        return;
    }
    let app = TestApp::spawn().await;
    // A queue and a dashboard with something in them: flags of several severities, one resolved.
    let s = scene(&app).await;
    let mut impostor = person_json(person_with("valid", Some("DEU")));
    impostor["birth_date"] = json!("1950-01-01");
    app.clock.advance(chrono::Duration::hours(5));
    checkin_of(&app, &s.madrid, impostor).await;
    checkin_of(&app, &s.madrid, person_json(person_with("expired", None))).await;
    let barcelona = barcelona_property(&app, &s.landlord).await;
    checkin_of(&app, &barcelona, person_json(person_with("revoked", None))).await;
    app.clock.advance(chrono::Duration::hours(2));
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;

    let driver = Driver::start().await;
    let c = driver.session(1280, 1100, None).await;
    let shots = screenshots_dir();

    // Sign in: password and a code from the authenticator.
    c.goto(&app.url("/police/login")).await.unwrap();
    c.find(Locator::Id("email")).await.unwrap().send_keys("officer@example.com").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    let code = next_code(&app, &officer.secret);
    c.find(Locator::Id("code")).await.unwrap().send_keys(&code).await.unwrap();
    c.find(Locator::Css("form[action='/police/login'] button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("queue")).await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/police/queue"));
    let queue_html = c.source().await.unwrap();
    assert!(queue_html.contains(&s.stolen_madrid) && !queue_html.contains(&s.stolen_barcelona));
    std::fs::write(shots.join("police-queue.png"), c.screenshot().await.unwrap()).unwrap();

    // Open the stolen-document check-in with a reason.
    c.find(Locator::Css(&format!("a[href='/police/checkins/{}']", s.stolen_madrid))).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("reason_code")).await.unwrap().select_by_value("queue_review").await.unwrap();
    c.find(Locator::Id("reason_text")).await.unwrap().send_keys("Stolen passport flag, morning queue").await.unwrap();
    c.find(Locator::Css("form[action$='/open'] button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Id("note")).await.unwrap();
    let record = c.source().await.unwrap();
    assert!(record.contains(&person_with("lost_or_stolen", None).person.family_name));
    assert!(record.contains("seal-verified"));
    std::fs::write(shots.join("police-checkin.png"), c.screenshot().await.unwrap()).unwrap();

    // Resolve it.
    c.find(Locator::Css("input[name=outcome][value=confirmed]")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("note")).await.unwrap().send_keys("Passport reported stolen; duty officer informed").await.unwrap();
    c.find(Locator::Css("form[action$='/resolve'] button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("span.resolution")).await.unwrap();
    assert_eq!(c.find(Locator::Css("span.resolution")).await.unwrap().text().await.unwrap(), "Confirmed");
    let view: serde_json::Value = app.get_checkin(&s.stolen_madrid, &s.landlord).await.json().await.unwrap();
    assert_eq!(view["resolution"], "confirmed");

    // The dashboard.
    c.goto(&app.url("/police/dashboard")).await.unwrap();
    c.wait().for_element(Locator::Css("svg.chart")).await.unwrap();
    std::fs::write(shots.join("police-dashboard.png"), c.screenshot().await.unwrap()).unwrap();
    // The same workspace in Spanish (the switch) and the record in Chinese.
    c.goto(&app.url("/police/dashboard?lang=es")).await.unwrap();
    c.wait().for_element(Locator::Css("svg.chart")).await.unwrap();
    assert!(c.source().await.unwrap().contains("Registros y alertas por día"));
    std::fs::write(shots.join("police-dashboard-es.png"), c.screenshot().await.unwrap()).unwrap();
    c.goto(&app.url(&format!("/police/checkins/{}?lang=zh-CN", s.stolen_madrid))).await.unwrap();
    c.wait().for_element(Locator::Css("span.resolution")).await.unwrap();
    assert_eq!(c.find(Locator::Css("span.resolution")).await.unwrap().text().await.unwrap(), "已确认");
    std::fs::write(shots.join("police-checkin-zh.png"), c.screenshot().await.unwrap()).unwrap();
    c.goto(&app.url("/police/queue")).await.unwrap();
    c.wait().for_element(Locator::Id("open-count")).await.unwrap();
    c.client.clone().close().await.unwrap();
    drop(driver);
    for name in ["police-queue.png", "police-checkin.png", "police-dashboard.png", "police-dashboard-es.png", "police-checkin-zh.png"] {
        assert!(std::fs::metadata(shots.join(name)).unwrap().len() > 10_000, "{name} has content");
    }
}
