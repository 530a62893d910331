//! The police workspace over the API: second factor, throttling, sessions, the queue, opening
//! with a reason, resolving, the export, and every route tried as the wrong user.

use hospes::police::factor;
use hospes::store::{Role, User};
use serde_json::{Value, json};

use crate::helpers::*;

/// An officer (or admin) with an enrolled second factor.
pub struct Enrolled {
    pub user: User,
    pub secret: Vec<u8>,
}

/// Creates an account of `role` and enrols its second factor through the real enrolment path
/// (link, offer, confirmation with a code).
pub async fn enrolled(app: &TestApp, role: Role, email: &str, jurisdictions: &[&str]) -> Enrolled {
    let user = app.add_user(role, email, jurisdictions).await;
    let url = factor::issue_enrolment(&app.app, &user.id).await.unwrap();
    let token = url.rsplit('/').next().unwrap().to_owned();
    let offer = factor::offer(&app.app, &token, &user, None).await.unwrap();
    let secret = totp_rs::Secret::try_from_base32(&offer.base32).unwrap().as_bytes().to_vec();
    let pending = app.app.store.enrolment(&hospes::http::auth::token_hash(&token), app.app.now()).await.unwrap().unwrap().pending_secret;
    let code = factor::code_at(&secret, app.app.now().timestamp() as u64);
    factor::confirm(&app.app, &token, &user, pending.as_deref(), &code).await.unwrap();
    let user = app.app.store.user(&user.id).await.unwrap().unwrap();
    Enrolled { user, secret }
}

/// The current code (after moving the clock to the next 30-second step, so that no code is
/// accepted twice).
pub fn next_code(app: &TestApp, secret: &[u8]) -> String {
    app.clock.advance(chrono::Duration::seconds(30));
    factor::code_at(secret, app.app.now().timestamp() as u64)
}

pub async fn login_with_code(app: &TestApp, email: &str, password: &str, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": email, "password": password, "totp": code}))
        .send()
        .await
        .unwrap()
}

/// A bearer token of an enrolled officer or admin.
pub async fn token_of(app: &TestApp, who: &Enrolled) -> String {
    let code = next_code(app, &who.secret);
    let resp = login_with_code(app, &who.user.email, PASSWORD, &code).await;
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    resp.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

/// Submits a check-in of one person at `property` and runs the registry check; its id.
pub async fn checkin_of(app: &TestApp, property: &Value, person: Value) -> String {
    let body = json!({"invitation": invitation_of(property), "stay": stay_json(), "persons": [person], "contact": {"phone": "+34 600 000 000"}});
    let resp = app.submit_checkin(None, &body).await;
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    let id = resp.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    app.drain_jobs().await;
    id
}

/// A property in Barcelona (ES-B) for the landlord.
pub async fn barcelona_property(app: &TestApp, token: &str) -> Value {
    let resp = app
        .create_property(token, &json!({"name": "Pis 2", "address": "Carrer Major 2", "jurisdiction": "ES-B", "time_zone": "Europe/Madrid"}))
        .await;
    assert_eq!(resp.status(), 201);
    resp.json().await.unwrap()
}

pub async fn queue(app: &TestApp, token: &str, query: &str) -> reqwest::Response {
    app.client.get(app.url(&format!("/v1/police/queue{query}"))).bearer_auth(token).send().await.unwrap()
}

pub async fn access(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(&format!("/v1/police/checkins/{id}/access"))).bearer_auth(token).json(body).send().await.unwrap()
}

pub async fn resolve(app: &TestApp, token: &str, id: &str, body: &Value) -> reqwest::Response {
    app.client.post(app.url(&format!("/v1/police/checkins/{id}/resolution"))).bearer_auth(token).json(body).send().await.unwrap()
}

pub fn reason() -> Value {
    json!({"reason": "queue_review", "reason_text": "Working the queue"})
}

/// A landlord with a Madrid and a Barcelona property, a stolen-document check-in in each and a
/// verified one in Madrid.
pub struct Scene {
    pub landlord: String,
    pub madrid: Value,
    pub stolen_madrid: String,
    pub stolen_barcelona: String,
    pub verified_madrid: String,
}

pub async fn scene(app: &TestApp) -> Scene {
    let landlord = app.landlord("landlord@example.com").await;
    let madrid = app.madrid_property(&landlord).await;
    let barcelona = barcelona_property(app, &landlord).await;
    let stolen = person_json(person_with("lost_or_stolen", None));
    let stolen_madrid = checkin_of(app, &madrid, stolen.clone()).await;
    let stolen_barcelona = checkin_of(app, &barcelona, stolen).await;
    let verified_madrid = checkin_of(app, &madrid, person_json(person_with("valid", Some("ESP")))).await;
    Scene { landlord, madrid, stolen_madrid, stolen_barcelona, verified_madrid }
}

#[tokio::test]
async fn an_officer_signs_in_with_a_totp_code_and_a_replayed_code_is_refused() {
    let app = TestApp::spawn().await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    assert!(officer.user.totp_secret.as_deref().is_some_and(|s| s.starts_with("pv1.")), "the secret is stored sealed");
    assert_problem(app.login("officer@example.com", PASSWORD).await, 401, "mfa_required").await;
    let code = next_code(&app, &officer.secret);
    assert_problem(login_with_code(&app, "officer@example.com", "wrong password!", &code).await, 401, "invalid_credentials").await;
    let resp = login_with_code(&app, "officer@example.com", PASSWORD, &code).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["role"], "police");
    // The same code again, within its 30 seconds: refused.
    assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, &code).await, 401, "mfa_required").await;
    // A code of an earlier step is refused too once a later one was used.
    let earlier = factor::code_at(&officer.secret, (app.app.now().timestamp() - 30) as u64);
    assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, &earlier).await, 401, "mfa_required").await;
    // Admins need their second factor as well.
    let admin = enrolled(&app, Role::Admin, "admin@example.com", &[]).await;
    assert_problem(app.login("admin@example.com", PASSWORD).await, 401, "mfa_required").await;
    token_of(&app, &admin).await;
}

#[tokio::test]
async fn a_recovery_code_signs_in_once() {
    let app = TestApp::spawn().await;
    let user = app.add_user(Role::Police, "officer@example.com", &["ES-M"]).await;
    let url = factor::issue_enrolment(&app.app, &user.id).await.unwrap();
    let token = url.rsplit('/').next().unwrap();
    let offer = factor::offer(&app.app, token, &user, None).await.unwrap();
    let secret = totp_rs::Secret::try_from_base32(&offer.base32).unwrap().as_bytes().to_vec();
    let pending = app.app.store.enrolment(&hospes::http::auth::token_hash(token), app.app.now()).await.unwrap().unwrap().pending_secret;
    let code = factor::code_at(&secret, app.app.now().timestamp() as u64);
    let codes = factor::confirm(&app.app, token, &user, pending.as_deref(), &code).await.unwrap();
    assert_eq!(codes.len(), 10);
    // The link works once.
    assert!(app.app.store.enrolment(&hospes::http::auth::token_hash(token), app.app.now()).await.unwrap().is_none());
    let typed = codes[0].to_lowercase();
    assert_eq!(login_with_code(&app, "officer@example.com", PASSWORD, &typed).await.status(), 200);
    assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, &typed).await, 401, "mfa_required").await;
    assert_eq!(login_with_code(&app, "officer@example.com", PASSWORD, &codes[1]).await.status(), 200);
}

#[tokio::test]
async fn failed_sign_ins_slow_down_then_lock_and_unknown_addresses_get_the_same_answers() {
    let app = TestApp::spawn().await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let mut answers = Vec::new();
    for email in ["officer@example.com", "nobody@example.com"] {
        let mut seen = Vec::new();
        for attempt in 1..=5 {
            let resp = app.login(email, "wrong password!").await;
            seen.push(resp.status().as_u16());
            // Right away again: too soon from the second failure on (not counted).
            if (2..5).contains(&attempt) {
                let again = app.login(email, "wrong password!").await;
                assert_eq!(again.status(), 429, "attempt {attempt} for {email}");
                assert!(again.headers().contains_key("retry-after"));
            }
            app.clock.advance(chrono::Duration::seconds(20));
        }
        let locked = assert_problem(app.login(email, "wrong password!").await, 429, "rate_limited").await;
        answers.push((seen, locked));
    }
    assert_eq!(answers[0], answers[1], "a known and an unknown address are answered alike");
    assert_eq!(answers[0].0, vec![401; 5]);
    // While locked, even the right password and code do not sign in.
    let code = next_code(&app, &officer.secret);
    assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, &code).await, 429, "rate_limited").await;
    // After the lock, they do.
    app.clock.advance(chrono::Duration::minutes(16));
    let code = next_code(&app, &officer.secret);
    assert_eq!(login_with_code(&app, "officer@example.com", PASSWORD, &code).await.status(), 200);
    // Guessing second-factor codes is throttled the same way.
    for _ in 0..5 {
        app.clock.advance(chrono::Duration::seconds(20));
        assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, "000000").await, 401, "mfa_required").await;
    }
    assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, "000000").await, 429, "rate_limited").await;
}

#[tokio::test]
async fn police_sessions_end_after_15_minutes_idle_and_12_hours_in_all() {
    let app = TestApp::spawn().await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;
    assert_eq!(queue(&app, &token, "").await.status(), 200);
    app.clock.advance(chrono::Duration::minutes(16));
    assert_problem(queue(&app, &token, "").await, 401, "unauthorized").await;

    let token = token_of(&app, &officer).await;
    // Active every 14 minutes: alive until 12 hours, then over however active.
    for _ in 0..51 {
        app.clock.advance(chrono::Duration::minutes(14));
        assert_eq!(queue(&app, &token, "").await.status(), 200);
    }
    app.clock.advance(chrono::Duration::minutes(14));
    assert_problem(queue(&app, &token, "").await, 401, "unauthorized").await;

    // A landlord's session has no idle timeout.
    let landlord = app.landlord("l@example.com").await;
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(app.client.get(app.url("/v1/properties")).bearer_auth(&landlord).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_loses_its_sessions() {
    let app = TestApp::spawn().await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;
    let operator = hospes::police::admin::Actor::operator();
    hospes::police::admin::set_disabled(&app.app, &operator, &officer.user.id, true).await.unwrap();
    assert_problem(queue(&app, &token, "").await, 401, "unauthorized").await;
    let code = next_code(&app, &officer.secret);
    assert_problem(login_with_code(&app, "officer@example.com", PASSWORD, &code).await, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn the_queue_holds_only_flagged_checkins_of_the_officers_jurisdictions_oldest_first() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    app.clock.advance(chrono::Duration::hours(30));
    let mut impostor = person_json(person_with("valid", Some("DEU")));
    impostor["birth_date"] = json!("1950-01-01");
    let mismatch = checkin_of(&app, &s.madrid, impostor).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;

    let q: Value = queue(&app, &token, "").await.json().await.unwrap();
    let ids: Vec<&str> = q["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [s.stolen_madrid.as_str(), mismatch.as_str()], "Madrid's flags only, oldest first");
    assert!(!ids.contains(&s.verified_madrid.as_str()) && !ids.contains(&s.stolen_barcelona.as_str()));
    assert_eq!(q["total_open"], 2);
    assert_eq!(q["by_reason"][0], json!({"reason": "document_lost_or_stolen", "count": 1}));
    assert_eq!(q["items"][0]["severity"], 5);
    assert!(q["items"][0].get("persons").is_none(), "no personal data in the queue");

    let filtered: Value = queue(&app, &token, "?reason=identity_mismatch").await.json().await.unwrap();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["total_open"], 2);
    let newest: Value = queue(&app, &token, "?sort=newest").await.json().await.unwrap();
    assert_eq!(newest["items"][0]["id"], mismatch.as_str());
    let young: Value = queue(&app, &token, "?age=lt1d").await.json().await.unwrap();
    assert_eq!(young["items"].as_array().unwrap().len(), 1);
    let other_property: Value = queue(&app, &token, "?property=nope").await.json().await.unwrap();
    assert!(other_property["items"].as_array().unwrap().is_empty());
    let today = app.app.now().date_naive();
    let dated: Value = queue(&app, &token, &format!("?from={today}&to={today}")).await.json().await.unwrap();
    assert_eq!(dated["items"][0]["id"], mismatch.as_str());
    assert_problem(queue(&app, &token, "?age=forever").await, 400, "malformed_request").await;
    assert_problem(queue(&app, &token, "?reason=bogus").await, 400, "malformed_request").await;

    // An officer of both jurisdictions sees both.
    let both = enrolled(&app, Role::Police, "both@example.com", &["ES-M", "ES-B"]).await;
    let both_token = token_of(&app, &both).await;
    let q: Value = queue(&app, &both_token, "").await.json().await.unwrap();
    assert_eq!(q["total_open"], 3);
}

#[tokio::test]
async fn opening_a_checkin_requires_a_reason_and_is_audited_before_the_data_is_shown() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;
    let before = app.app.store.audit_head().await.unwrap().0;
    assert_problem(access(&app, &token, &s.stolen_madrid, &json!({})).await, 422, "validation_failed").await;
    assert_problem(access(&app, &token, &s.stolen_madrid, &json!({"reason": "investigation", "reason_text": "x"})).await, 422, "validation_failed")
        .await;
    assert_eq!(app.app.store.audit_head().await.unwrap().0, before, "a refused opening leaves no access and no entry");
    // Resolving without opening is refused.
    let resp = resolve(&app, &token, &s.stolen_madrid, &json!({"outcome": "confirmed", "note": "n"})).await;
    assert_problem(resp, 409, "conflict").await;

    let resp = access(&app, &token, &s.stolen_madrid, &json!({"reason": "investigation", "reason_text": "Case 2026/123"})).await;
    assert_eq!(resp.status(), 200);
    let opened: Value = resp.json().await.unwrap();
    let entry = app.app.store.audit_entries(opened["audit_seq"].as_i64().unwrap() - 1, 1).await.unwrap().remove(0);
    assert_eq!(entry.draft.action, "checkin.opened");
    assert_eq!(entry.draft.actor_id.as_deref(), Some(officer.user.id.as_str()));
    assert_eq!(entry.draft.subject.as_deref(), Some(s.stolen_madrid.as_str()));
    assert_eq!((entry.draft.reason.as_deref(), entry.draft.reason_text.as_deref()), (Some("investigation"), Some("Case 2026/123")));
    // Declared data beside the registry's answer, per field.
    let stolen = &person_with("lost_or_stolen", None).person;
    let fields = &opened["persons"][0]["fields"];
    assert_eq!(fields[0]["field"], "family_name");
    assert!(fields[0]["declared"].as_str().unwrap().starts_with(&stolen.family_name));
    assert_eq!(fields[0]["registry"], "match");
    assert_eq!(fields[3]["registry"], "lost_or_stolen");
    assert_eq!(fields[3]["flagged"], true);
    assert_eq!(opened["seals"].as_array().unwrap().iter().map(|s| s["state"].as_str().unwrap()).collect::<Vec<_>>(), ["verified", "verified"]);
    assert_eq!(opened["needs_review"], true);
}

#[tokio::test]
async fn a_resolution_is_sealed_and_the_landlord_sees_the_outcome_but_not_the_note() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;
    assert_eq!(access(&app, &token, &s.stolen_madrid, &reason()).await.status(), 200);
    assert_problem(resolve(&app, &token, &s.stolen_madrid, &json!({"outcome": "confirmed", "note": ""})).await, 422, "validation_failed").await;
    assert_problem(resolve(&app, &token, &s.stolen_madrid, &json!({"note": "n"})).await, 422, "validation_failed").await;
    let note = "Passport reported stolen in Lyon; informed the duty officer";
    let resp = resolve(&app, &token, &s.stolen_madrid, &json!({"outcome": "confirmed", "note": note})).await;
    assert_eq!(resp.status(), 200);
    let done: Value = resp.json().await.unwrap();
    let payload = hospes::seal::jws::parse(done["seal"].as_str().unwrap()).unwrap().payload;
    let payload = String::from_utf8(payload).unwrap();
    assert!(payload.contains("\"resolution\":\"confirmed\"") && !payload.contains("Lyon"), "{payload}");
    // Once only.
    assert_problem(resolve(&app, &token, &s.stolen_madrid, &json!({"outcome": "cleared", "note": "again"})).await, 409, "conflict").await;
    // The landlord sees the sealed outcome, never the note; the receipt still verifies.
    let view: Value = app.get_checkin(&s.stolen_madrid, &s.landlord).await.json().await.unwrap();
    assert_eq!(view["status"], "resolved");
    assert_eq!(view["resolution"], "confirmed");
    assert!(!view.to_string().contains("Lyon"));
    let receipt: hospes::seal::receipt::Receipt = app.receipt(&s.stolen_madrid, &s.landlord).await.json().await.unwrap();
    let keys = hospes::seal::keyring::parse_jwks(&app.app.keys.jwks());
    let seals = hospes::seal::receipt::verify(&receipt, &keys).unwrap();
    assert_eq!(seals.last().unwrap().event, "resolved");
    // The note is stored sealed, and the officer reads it back.
    let stored = app.app.store.resolution(&s.stolen_madrid).await.unwrap().unwrap();
    assert!(stored.note.starts_with("pv1.") && !stored.note.contains("Lyon"));
    let reopened: Value = access(&app, &token, &s.stolen_madrid, &reason()).await.json().await.unwrap();
    assert_eq!(reopened["resolution"]["note"], note);
    assert_eq!(reopened["needs_review"], false);
    let q: Value = queue(&app, &token, "").await.json().await.unwrap();
    assert_eq!(q["total_open"], 0);
}

#[tokio::test]
async fn a_checked_out_flagged_checkin_stays_in_the_queue_until_resolved() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let checkin = app.app.store.checkin(&s.stolen_madrid).await.unwrap().unwrap();
    assert!(app.app.record_event(&checkin, hospes::domain::Event::CheckedOut, None, None).await.unwrap());
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;
    let q: Value = queue(&app, &token, "").await.json().await.unwrap();
    assert_eq!(q["items"][0]["id"], s.stolen_madrid.as_str());
    assert_eq!(q["items"][0]["status"], "checked_out");
    assert_eq!(access(&app, &token, &s.stolen_madrid, &reason()).await.status(), 200);
    assert_eq!(resolve(&app, &token, &s.stolen_madrid, &json!({"outcome": "needs_follow_up", "note": "Left already"})).await.status(), 200);
    let view: Value = app.get_checkin(&s.stolen_madrid, &s.landlord).await.json().await.unwrap();
    assert_eq!((view["status"].as_str(), view["resolution"].as_str()), (Some("checked_out"), Some("needs_follow_up")));
    let q: Value = queue(&app, &token, "").await.json().await.unwrap();
    assert_eq!(q["total_open"], 0);
}

#[tokio::test]
async fn the_csv_export_requires_a_reason_and_is_audited() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let token = token_of(&app, &officer).await;
    let export = |body: Value| app.client.post(app.url("/v1/police/queue/export?reason=document_lost_or_stolen")).bearer_auth(&token).json(&body).send();
    assert_problem(export(json!({})).await.unwrap(), 422, "validation_failed").await;
    let resp = export(reason()).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = resp.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("checkin_id,jurisdiction,"));
    assert!(lines[1].starts_with(&s.stolen_madrid));
    assert!(!csv.contains(&person_with("lost_or_stolen", None).person.family_name), "no personal data");
    let last = app.app.store.recent_audit_entries(1).await.unwrap().remove(0);
    assert_eq!(last.draft.action, "queue.exported");
    assert_eq!(last.draft.detail["rows"], 1);
    assert_eq!(last.draft.detail["filter"]["reason"], "document_lost_or_stolen");
}

#[tokio::test]
async fn every_police_route_answers_404_to_the_wrong_user() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let madrid = enrolled(&app, Role::Police, "madrid@example.com", &["ES-M"]).await;
    let barcelona = enrolled(&app, Role::Police, "barcelona@example.com", &["ES-B"]).await;
    let admin = enrolled(&app, Role::Admin, "admin@example.com", &[]).await;
    let madrid_token = token_of(&app, &madrid).await;
    let barcelona_token = token_of(&app, &barcelona).await;
    let admin_token = token_of(&app, &admin).await;
    // The Barcelona officer opened their own check-in (an access grant exists for it, not for Madrid's).
    assert_eq!(access(&app, &barcelona_token, &s.stolen_barcelona, &reason()).await.status(), 200);
    let guessed = uuid::Uuid::now_v7().to_string();

    // Another jurisdiction's check-in, or a guessed id, through every route.
    for id in [&s.stolen_barcelona, &guessed] {
        assert_problem(access(&app, &madrid_token, id, &reason()).await, 404, "not_found").await;
        assert_problem(resolve(&app, &madrid_token, id, &json!({"outcome": "cleared", "note": "n"})).await, 404, "not_found").await;
    }
    let q: Value = queue(&app, &madrid_token, &format!("?property={}", s.madrid["id"].as_str().unwrap())).await.json().await.unwrap();
    assert!(q["items"].as_array().unwrap().iter().all(|i| i["jurisdiction"] == "ES-M"));
    // A filter on another jurisdiction's property finds nothing.
    let barcelona_property = app.app.store.checkin(&s.stolen_barcelona).await.unwrap().unwrap().property_id;
    let q: Value = queue(&app, &madrid_token, &format!("?property={barcelona_property}")).await.json().await.unwrap();
    assert!(q["items"].as_array().unwrap().is_empty());
    let csv = app
        .client
        .post(app.url(&format!("/v1/police/queue/export?property={barcelona_property}")))
        .bearer_auth(&madrid_token)
        .json(&reason())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header");

    // Landlords and admins: the police routes do not exist for them.
    for token in [&s.landlord, &admin_token] {
        assert_problem(queue(&app, token, "").await, 404, "not_found").await;
        assert_problem(access(&app, token, &s.stolen_madrid, &reason()).await, 404, "not_found").await;
        assert_problem(resolve(&app, token, &s.stolen_madrid, &json!({"outcome": "cleared", "note": "n"})).await, 404, "not_found").await;
        let resp = app.client.post(app.url("/v1/police/queue/export")).bearer_auth(token).json(&reason()).send().await.unwrap();
        assert_problem(resp, 404, "not_found").await;
    }
    // A tenant's receipt token and no token at all.
    assert_problem(queue(&app, "hrt_guess", "").await, 401, "unauthorized").await;
    assert_problem(app.client.get(app.url("/v1/police/queue")).send().await.unwrap(), 401, "unauthorized").await;

    // Officers and admins on the landlord's routes: 404 as well.
    let pid = s.madrid["id"].as_str().unwrap();
    for token in [&madrid_token, &admin_token] {
        for path in [
            "/v1/properties".to_owned(),
            format!("/v1/properties/{pid}"),
            format!("/v1/properties/{pid}/qr.svg"),
            format!("/v1/properties/{pid}/checkins"),
            format!("/v1/checkins/{}", s.stolen_madrid),
            format!("/v1/checkins/{}/receipt", s.stolen_madrid),
        ] {
            let resp = app.client.get(app.url(&path)).bearer_auth(token).send().await.unwrap();
            assert_problem(resp, 404, "not_found").await;
        }
    }
}
