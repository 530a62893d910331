//! The police and admin pages, driven as a browser would: the sign-in with a second factor,
//! CSRF on every form, the queue, opening with a reason, resolving, the dashboard, the export,
//! enrolment links, the admin pages, and 404 for the wrong user.

use hospes::police::factor;
use hospes::store::Role;

use crate::helpers::*;
use crate::police::{Enrolled, enrolled, next_code, scene};

/// The value of a hidden input named `name`.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name} in the page")) + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

fn set_cookie(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

async fn get(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String) {
    let mut req = app.client.get(app.url(path));
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = req.send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn post(app: &TestApp, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.client.post(app.url(path)).header("cookie", cookie).form(form).send().await.unwrap()
}

/// Signs in on `/police/login`; returns the session cookie (`name=value`).
async fn sign_in(app: &TestApp, who: &Enrolled) -> String {
    let page = app.client.get(app.url("/police/login")).send().await.unwrap();
    let form_cookie = set_cookie(&page, "hospes_form").expect("a form cookie").split(';').next().unwrap().to_owned();
    let csrf = hidden(&page.text().await.unwrap(), "csrf");
    let code = next_code(app, &who.secret);
    let form = [("csrf", csrf.as_str()), ("email", who.user.email.as_str()), ("password", PASSWORD), ("code", code.as_str())];
    let resp = post(app, "/police/login", &form_cookie, &form).await;
    assert_eq!(resp.status(), 303, "{}", resp.text().await.unwrap());
    let cookie = set_cookie(&resp, "hospes_session").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"), "{cookie}");
    cookie.split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_officer_signs_in_on_the_page_opens_a_checkin_with_a_reason_and_resolves_it() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let cookie = sign_in(&app, &officer).await;
    let (status, html) = get(&app, "/police/queue", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains(&s.stolen_madrid) && !html.contains(&s.stolen_barcelona));
    let csrf = hidden(&html, "csrf");

    let path = format!("/police/checkins/{}", s.stolen_madrid);
    let family_name = &person_with("lost_or_stolen", None).person.family_name;
    let (status, html) = get(&app, &path, Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Why are you opening this record?") && !html.contains(family_name.as_str()), "nothing shown before a reason");
    let open = format!("{path}/open");
    assert_eq!(post(&app, &open, &cookie, &[("reason_code", "queue_review"), ("reason_text", "Working the queue")]).await.status(), 403);
    let resp = post(&app, &open, &cookie, &[("csrf", &csrf), ("reason_code", ""), ("reason_text", "Working the queue")]).await;
    assert_eq!(resp.status(), 422);
    let resp = post(&app, &open, &cookie, &[("csrf", &csrf), ("reason_code", "queue_review"), ("reason_text", "Working the queue")]).await;
    assert_eq!(resp.status(), 303);
    let (_, html) = get(&app, &path, Some(&cookie)).await;
    assert!(html.contains(family_name.as_str()) && html.contains("lost or stolen") && html.contains("seal-verified"));

    let resolve = format!("{path}/resolve");
    assert_eq!(post(&app, &resolve, &cookie, &[("outcome", "confirmed"), ("note", "Stolen in Lyon")]).await.status(), 403);
    let resp = post(&app, &resolve, &cookie, &[("csrf", &csrf), ("outcome", "confirmed"), ("note", "Stolen in Lyon")]).await;
    assert_eq!(resp.status(), 303);
    let (_, html) = get(&app, &path, Some(&cookie)).await;
    assert!(html.contains("Resolution: <span class=\"resolution\">Confirmed</span>") && html.contains("Stolen in Lyon"));
    let (_, html) = get(&app, "/police/queue", Some(&cookie)).await;
    assert!(!html.contains(&s.stolen_madrid), "resolved: out of the queue");

    // The landlord's page shows the outcome, not the note.
    let landlord_cookie = format!("hospes_session={}", s.landlord);
    let (status, html) = get(&app, &format!("/checkins/{}", s.stolen_madrid), Some(&landlord_cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Police review: <strong class=\"resolution\">Confirmed</strong>") && !html.contains("Lyon"));

    // Signing out ends the session.
    assert_eq!(post(&app, "/police/logout", &cookie, &[("csrf", &csrf)]).await.status(), 303);
    assert_eq!(get(&app, "/police/queue", Some(&cookie)).await.0, 303);
}

#[tokio::test]
async fn police_and_admin_pages_refuse_missing_csrf_tokens_and_answer_404_to_the_wrong_user() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let madrid = enrolled(&app, Role::Police, "madrid@example.com", &["ES-M"]).await;
    let barcelona = enrolled(&app, Role::Police, "barcelona@example.com", &["ES-B"]).await;
    let admin = enrolled(&app, Role::Admin, "admin@example.com", &[]).await;

    // The sign-in form itself: no form cookie, no entry.
    let code = next_code(&app, &madrid.secret);
    let resp = app
        .client
        .post(app.url("/police/login"))
        .form(&[("csrf", "x"), ("email", "madrid@example.com"), ("password", PASSWORD), ("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);

    let madrid_cookie = sign_in(&app, &madrid).await;
    let barcelona_cookie = sign_in(&app, &barcelona).await;
    let admin_cookie = sign_in(&app, &admin).await;
    let landlord_cookie = format!("hospes_session={}", s.landlord);
    let guessed = uuid::Uuid::now_v7().to_string();

    // Not signed in: to the sign-in page.
    assert_eq!(get(&app, "/police/queue", None).await.0, 303);
    assert_eq!(get(&app, "/admin", None).await.0, 303);
    // Another jurisdiction's check-in or a guessed id, on every page and form.
    for id in [&s.stolen_madrid, &guessed] {
        let path = format!("/police/checkins/{id}");
        assert_eq!(get(&app, &path, Some(&barcelona_cookie)).await.0, 404);
        let (_, html) = get(&app, "/police/queue", Some(&barcelona_cookie)).await;
        let csrf = hidden(&html, "csrf");
        let open = [("csrf", csrf.as_str()), ("reason_code", "queue_review"), ("reason_text", "Working the queue")];
        assert_eq!(post(&app, &format!("{path}/open"), &barcelona_cookie, &open).await.status(), 404);
        let resolve = [("csrf", csrf.as_str()), ("outcome", "cleared"), ("note", "n")];
        assert_eq!(post(&app, &format!("{path}/resolve"), &barcelona_cookie, &resolve).await.status(), 404);
    }
    // Landlords and admins on the police pages; officers and landlords on the admin pages;
    // officers and admins on the landlord's pages.
    for cookie in [&landlord_cookie, &admin_cookie] {
        for path in ["/police/queue", "/police/dashboard", &format!("/police/checkins/{}", s.stolen_madrid)] {
            assert_eq!(get(&app, path, Some(cookie)).await.0, 404, "{path}");
        }
    }
    for cookie in [&landlord_cookie, &madrid_cookie] {
        for path in ["/admin", "/admin/audit"] {
            assert_eq!(get(&app, path, Some(cookie)).await.0, 404, "{path}");
        }
        assert_eq!(post(&app, "/admin/jurisdictions", cookie, &[("code", "ES-B")]).await.status(), 404);
    }
    let pid = s.madrid["id"].as_str().unwrap();
    for cookie in [&madrid_cookie, &admin_cookie] {
        for path in ["/properties".to_owned(), format!("/properties/{pid}"), format!("/checkins/{}", s.stolen_madrid)] {
            assert_eq!(get(&app, &path, Some(cookie)).await.0, 404, "{path}");
        }
    }
    // A landlord cannot see another landlord's check-in page either.
    let other = app.landlord("other@example.com").await;
    assert_eq!(get(&app, &format!("/checkins/{}", s.stolen_madrid), Some(&format!("hospes_session={other}"))).await.0, 404);
    // The CSV export without a CSRF token.
    let resp = post(&app, "/police/queue.csv", &madrid_cookie, &[("reason_code", "queue_review"), ("reason_text", "Weekly report")]).await;
    assert_eq!(resp.status(), 403);
}

#[tokio::test]
async fn a_page_session_ends_after_15_idle_minutes() {
    let app = TestApp::spawn().await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let cookie = sign_in(&app, &officer).await;
    app.clock.advance(chrono::Duration::minutes(14));
    assert_eq!(get(&app, "/police/queue", Some(&cookie)).await.0, 200);
    app.clock.advance(chrono::Duration::minutes(14));
    assert_eq!(get(&app, "/police/queue", Some(&cookie)).await.0, 200, "each request restarts the idle time");
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(get(&app, "/police/queue", Some(&cookie)).await.0, 303);
}

#[tokio::test]
async fn the_dashboard_draws_its_charts_as_svg_and_the_export_downloads_csv() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let cookie = sign_in(&app, &officer).await;
    let (status, html) = get(&app, "/police/dashboard", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert_eq!(html.matches("<svg").count(), 3, "three server-drawn charts");
    assert!(html.contains("#b42318"), "a stolen document in the most severe colour");
    assert!(!html.contains("<script"));
    let (_, queue) = get(&app, "/police/queue", Some(&cookie)).await;
    let csrf = hidden(&queue, "csrf");
    let resp = post(&app, "/police/queue.csv", &cookie, &[("csrf", &csrf), ("reason_code", ""), ("reason_text", "Weekly report")]).await;
    assert_eq!(resp.status(), 422, "a reason is required");
    let resp = post(&app, "/police/queue.csv", &cookie, &[("csrf", &csrf), ("reason_code", "quality_assurance"), ("reason_text", "Weekly report")]).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().contains("queue.csv"));
    assert!(resp.text().await.unwrap().contains(&s.stolen_madrid));
}

#[tokio::test]
async fn an_enrolment_link_sets_the_password_and_the_second_factor_and_works_once() {
    let app = TestApp::spawn().await;
    let operator = hospes::police::admin::Actor::operator();
    let (_, link) = hospes::police::admin::create_account(&app.app, &operator, Role::Police, "new@example.com", &["ES-M".into()], None)
        .await
        .unwrap();
    let path = link.strip_prefix(&app.base).unwrap().to_owned();
    // No password yet: signing in is impossible.
    assert_problem(app.login("new@example.com", "anything at all, really").await, 401, "invalid_credentials").await;

    let page = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let form_cookie = set_cookie(&page, "hospes_form").unwrap().split(';').next().unwrap().to_owned();
    let html = page.text().await.unwrap();
    assert!(html.contains("Choose a password"));
    let csrf = hidden(&html, "csrf");
    let resp = post(&app, &path, &form_cookie, &[("csrf", &csrf), ("step", "password"), ("new_password", "short"), ("repeat_password", "short")]).await;
    assert_eq!(resp.status(), 422);
    let resp = post(&app, &path, &form_cookie, &[("csrf", &csrf), ("step", "password"), ("new_password", PASSWORD), ("repeat_password", PASSWORD)]).await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<svg"), "the QR code");
    let base32 = html.split("id=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap();
    let secret = totp_rs::Secret::try_from_base32(base32).unwrap().as_bytes().to_vec();
    // A wrong code: refused, and the QR code is not shown again.
    let resp = post(&app, &path, &form_cookie, &[("csrf", &csrf), ("step", "confirm"), ("code", "000000")]).await;
    assert_eq!(resp.status(), 422);
    assert!(!resp.text().await.unwrap().contains("<svg"));
    let code = factor::code_at(&secret, app.app.now().timestamp() as u64);
    let resp = post(&app, &path, &form_cookie, &[("csrf", &csrf), ("step", "confirm"), ("code", &code)]).await;
    assert_eq!(resp.status(), 200);
    let html = resp.text().await.unwrap();
    assert_eq!(html.matches("<li>").count(), 10, "ten recovery codes");
    // The link works once.
    assert_eq!(get(&app, &path, None).await.0, 404);
    let user = app.app.store.user_by_email("new@example.com").await.unwrap().unwrap();
    sign_in(&app, &Enrolled { user, secret }).await;
}

#[tokio::test]
async fn an_admin_creates_an_account_resets_its_factor_and_disables_it_on_the_admin_pages() {
    let app = TestApp::spawn().await;
    let admin = enrolled(&app, Role::Admin, "admin@example.com", &[]).await;
    let officer = enrolled(&app, Role::Police, "officer@example.com", &["ES-M"]).await;
    let cookie = sign_in(&app, &admin).await;
    let officer_cookie = sign_in(&app, &officer).await;
    let (status, html) = get(&app, "/admin", Some(&cookie)).await;
    assert_eq!(status, 200);
    let csrf = hidden(&html, "csrf");

    assert_eq!(post(&app, "/admin/jurisdictions", &cookie, &[("code", "ES-B")]).await.status(), 403);
    let resp = post(&app, "/admin/jurisdictions", &cookie, &[("csrf", &csrf), ("code", "ES-B")]).await;
    assert!(resp.text().await.unwrap().contains("Barcelona"));
    let resp = post(&app, "/admin/accounts", &cookie, &[("csrf", &csrf), ("email", "new@example.com"), ("role", "police"), ("jurisdictions", "ES-B")]).await;
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("/police/enrol/hen_"));
    let resp = post(&app, "/admin/accounts", &cookie, &[("csrf", &csrf), ("email", "x@example.com"), ("role", "police"), ("jurisdictions", "")]).await;
    assert_eq!(resp.status(), 422, "a police account needs a jurisdiction");

    let id = &officer.user.id;
    let resp = post(&app, &format!("/admin/users/{id}/jurisdictions"), &cookie, &[("csrf", &csrf), ("jurisdictions", "ES-M, ES-B")]).await;
    assert!(resp.text().await.unwrap().contains("Jurisdictions set: ES-M, ES-B"));
    let resp = post(&app, &format!("/admin/users/{id}/reset-factor"), &cookie, &[("csrf", &csrf)]).await;
    assert!(resp.text().await.unwrap().contains("/police/enrol/hen_"));
    assert_eq!(get(&app, "/police/queue", Some(&officer_cookie)).await.0, 303, "the reset ended the officer's sessions");
    let code = next_code(&app, &officer.secret);
    let login = crate::police::login_with_code(&app, "officer@example.com", PASSWORD, &code).await;
    assert_problem(login, 401, "mfa_required").await;
    assert_eq!(post(&app, &format!("/admin/users/{id}/disable"), &cookie, &[("csrf", &csrf)]).await.status(), 200);
    assert!(app.app.store.user(id).await.unwrap().unwrap().disabled);
    let resp = post(&app, &format!("/admin/users/{}/disable", admin.user.id), &cookie, &[("csrf", &csrf)]).await;
    assert_eq!(resp.status(), 422, "not oneself");
    assert_eq!(post(&app, &format!("/admin/users/{}/disable", uuid::Uuid::now_v7()), &cookie, &[("csrf", &csrf)]).await.status(), 404);

    let (status, html) = get(&app, "/admin/audit", Some(&cookie)).await;
    assert_eq!(status, 200);
    assert!(html.contains("Intact.") && html.contains("factor.reset") && html.contains("account.disabled"));
}

/// A GET with the officer's session and `Accept-Language` (and any cookie beside the session).
async fn get_in(app: &TestApp, path: &str, cookie: &str, accept_language: &str) -> (u16, String) {
    let resp = app.client.get(app.url(path)).header("cookie", cookie).header("accept-language", accept_language).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn an_officer_whose_browser_asks_for_spanish_works_in_spanish_and_the_switch_gives_chinese() {
    let app = TestApp::spawn().await;
    let s = scene(&app).await;
    let officer = enrolled(&app, Role::Police, "agente@example.com", &["ES-M"]).await;

    // The sign-in page follows Accept-Language before any session.
    let resp = app.client.get(app.url("/police/login")).header("accept-language", "es-ES,es;q=0.9").send().await.unwrap();
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\">") && html.contains("Policía y administración") && html.contains("Código de su aplicación de autenticación"));
    assert!(!html.contains("Police and administrators") && !html.contains("<script"), "no English, no script");
    let cookie = sign_in(&app, &officer).await;

    // The queue: headings, reasons, filters and figures in Spanish; the CSRF token still there.
    let (status, html) = get_in(&app, "/police/queue", &cookie, "es-ES,es;q=0.9").await;
    assert_eq!(status, 200);
    assert!(html.contains("Registros con alerta pendientes de revisión") && html.contains("documento extraviado o sustraído"), "{html}");
    assert!(html.contains("primero la alerta más antigua") && html.contains("Descargar CSV") && html.contains("Con alerta"));
    for english in ["Flagged check-ins awaiting review", "oldest flag first", "Download CSV", "document lost or stolen", "Review</a>"] {
        assert!(!html.contains(english), "English left: {english}");
    }
    let csrf = hidden(&html, "csrf");
    assert!(!csrf.is_empty());

    // The check-in: asked for a reason in Spanish; a missing reason is explained in Spanish.
    let path = format!("/police/checkins/{}", s.stolen_madrid);
    let (_, html) = get_in(&app, &path, &cookie, "es").await;
    assert!(html.contains("¿Por qué abre este registro?") && html.contains("Revisión de la alerta (trabajo de bandeja)"), "{html}");
    let resp = app
        .client
        .post(app.url(&format!("{path}/open")))
        .header("cookie", cookie.as_str())
        .header("accept-language", "es")
        .form(&[("csrf", csrf.as_str()), ("reason_code", ""), ("reason_text", "Revisión semanal")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 422);
    assert!(resp.text().await.unwrap().contains("Seleccione el motivo por el que abre este registro."));
    // Without the CSRF token nothing opens, in any language.
    let resp = app
        .client
        .post(app.url(&format!("{path}/open")))
        .header("cookie", cookie.as_str())
        .header("accept-language", "es")
        .form(&[("reason_code", "queue_review"), ("reason_text", "Revisión semanal")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let open = [("csrf", csrf.as_str()), ("reason_code", "queue_review"), ("reason_text", "Revisión semanal")];
    assert_eq!(post(&app, &format!("{path}/open"), &cookie, &open).await.status(), 303);
    let (_, html) = get_in(&app, &path, &cookie, "es").await;
    assert!(html.contains("Fecha de nacimiento") && html.contains("Declarado") && html.contains("Huésped 1: documento extraviado o sustraído"), "{html}");
    assert!(html.contains("Sellar la resolución") && html.contains("verificado"));
    let birth = person_with("lost_or_stolen", None).person.birth_date;
    assert!(html.contains(&birth.format("%-d/%-m/%Y").to_string()), "the birth date in the Spanish format");

    // The dashboard: Spanish titles, charts drawn on the server.
    let (_, html) = get_in(&app, "/police/dashboard", &cookie, "es").await;
    assert!(html.contains("Registros y alertas por día") && html.contains("Alertas por motivo") && html.contains("últimos 30 días"));
    assert_eq!(html.matches("<svg").count(), 3);

    // The switch: Chinese, remembered in the `lang` cookie, over Accept-Language.
    let resp = app.client.get(app.url("/police/queue?lang=zh-CN")).header("cookie", cookie.as_str()).header("accept-language", "es").send().await.unwrap();
    assert!(resp.headers()["set-cookie"].to_str().unwrap().starts_with("lang=zh-CN;"));
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("待复核的已标记入住登记") && html.contains("证件已报失或被盗"), "{html}");
    let (_, html) = get_in(&app, &path, &format!("{cookie}; lang=zh-CN"), "es").await;
    assert!(html.contains("出生日期") && html.contains("申报内容") && !html.contains("Fecha de nacimiento"), "{html}");
    // The switch on a page shown after a POST links to the form's address: a GET there goes
    // back to the check-in.
    let resp = app.client.get(app.url(&format!("{path}/open?lang=es"))).header("cookie", cookie.as_str()).send().await.unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], path.as_str());
}

#[tokio::test]
async fn the_admin_pages_and_the_enrolment_link_speak_the_admins_language() {
    let app = TestApp::spawn().await;
    let admin = enrolled(&app, Role::Admin, "admin@example.com", &[]).await;
    let cookie = sign_in(&app, &admin).await;
    let (_, html) = get_in(&app, "/admin", &cookie, "es").await;
    assert!(html.contains("Cuentas y demarcaciones") && html.contains("Restablecer el segundo factor") && !html.contains("Accounts and jurisdictions"));
    let csrf = hidden(&html, "csrf");
    let resp = app
        .client
        .post(app.url("/admin/accounts"))
        .header("cookie", cookie.as_str())
        .header("accept-language", "zh-CN")
        .form(&[("csrf", csrf.as_str()), ("email", "new@example.com"), ("role", "police"), ("jurisdictions", "ES-M")])
        .send()
        .await
        .unwrap();
    let html = resp.text().await.unwrap();
    assert!(html.contains("已创建账户 new@example.com") && html.contains("/police/enrol/hen_"), "{html}");
    let link = html.split("/police/enrol/").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let (_, html) = get_in(&app, &format!("/police/enrol/{link}"), "", "zh-CN").await;
    assert!(html.contains("设置您的第二重验证") && html.contains("设置密码"), "{html}");
    let (_, html) = get_in(&app, "/admin/audit", &cookie, "es").await;
    assert!(html.contains("Íntegro.") && html.contains("entradas encadenadas") && html.contains("Hora (UTC)"), "{html}");
}
