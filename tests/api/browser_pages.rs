//! The landlord's and the tenant's pages in a real browser (headless Chromium over WebDriver), at
//! phone sizes (390×844 and 360×640): the landlord creates a property and the test reads the QR
//! code off the screenshot of the property page; a tenant whose browser asks for Chinese opens
//! that invitation, makes a mistake, corrects it and submits; the receipt turns `verified` live;
//! the landlord uploads a phone photo of an identity QR, submits and sees `verified` live, then
//! records the check-out. Every page is checked with axe-core (no serious or critical WCAG 2.2
//! A/AA violation) and saved as screenshots under `target/screenshots/`. The first render of the
//! invitation page under a throttled mobile profile is measured and reported (not asserted).
//!
//! Runs only with `HOSPES_BROWSER_TESTS=1` and `HOSPES_AXE_JS` (see `webdriver`).

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use crate::helpers::*;
use crate::webdriver::{Driver, Session, enabled, screenshots_dir};

const PHONES: [(u32, u32); 2] = [(390, 844), (360, 640)];

/// Screenshots at both phone sizes and an axe-core run; violations are collected, not fatal
/// at once, so that every page is still photographed.
async fn check_page(c: &Session, name: &str, violations: &mut Vec<String>) {
    c.shots(name, &PHONES).await;
    // Nothing loaded from another host.
    let foreign = c
        .execute("return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin) && !n.startsWith('data:') && !n.startsWith('blob:'));", vec![])
        .await
        .unwrap();
    assert_eq!(foreign, json!([]), "{name} loaded resources from another host");
    for v in c.axe_serious().await {
        violations.push(format!("{name}: {v}"));
    }
}

async fn set_value(c: &Session, id: &str, value: &str) {
    // Date inputs take typed text in the browser's locale order; set the ISO value instead.
    c.execute("document.getElementById(arguments[0]).value = arguments[1];", vec![json!(id), json!(value)]).await.unwrap();
}

async fn type_into(c: &Session, id: &str, value: &str) {
    let input = c.find(Locator::Id(id)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn submit(c: &Session, form_css: &str) {
    c.find(Locator::Css(&format!("{form_css} button[type=submit]"))).await.unwrap().click().await.unwrap();
}

async fn wait_for(c: &Session, css: &str) {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} did not appear: {e}"));
}

async fn html_lang(c: &Session) -> String {
    c.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap().unwrap_or_default()
}

/// A phone photo of a code: the QR image small on a large, unevenly lit background, as JPEG.
fn phone_photo(qr_png: &[u8]) -> Vec<u8> {
    let qr = image::load_from_memory(qr_png).unwrap().to_luma8();
    let (w, h) = (1200u32, 1600u32);
    let mut photo = image::RgbImage::from_fn(w, h, |x, y| {
        let shade = 150 + ((x + y) * 60 / (w + h)) as u8;
        image::Rgb([shade, shade - 10, shade - 25])
    });
    let (ox, oy) = (300u32, 520u32);
    for (x, y, p) in qr.enumerate_pixels() {
        if ox + x < w && oy + y < h {
            let v = p.0[0];
            photo.put_pixel(ox + x, oy + y, image::Rgb([v, v, v.saturating_sub(5)]));
        }
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&photo).unwrap();
    jpeg
}

/// The number of pages of a PDF and the size of its first page's MediaBox, in points (Chromium
/// writes page dictionaries uncompressed).
fn pdf_pages(pdf: &[u8]) -> (usize, (f64, f64)) {
    let text = String::from_utf8_lossy(pdf);
    let pages = text.matches("/Type /Page\n").count() + text.matches("/Type /Page ").count() + text.matches("/Type /Page/").count()
        + text.matches("/Type /Page>").count();
    let at = text.find("/MediaBox [").expect("a MediaBox") + "/MediaBox [".len();
    let numbers: Vec<f64> = text[at..].split(']').next().unwrap().split_whitespace().map(|n| n.parse().unwrap()).collect();
    (pages, (numbers[2] - numbers[0], numbers[3] - numbers[1]))
}

/// The first contentful paint of `url` under a throttled mobile profile (150 ms latency,
/// 1.6 Mbit/s down, 750 kbit/s up, CPU slowed 4×), in milliseconds since navigation start.
async fn throttled_first_paint(c: &Session, url: &str) -> f64 {
    c.throttle_network(150, 200_000, 93_750).await;
    c.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 4})).await;
    c.goto(url).await.unwrap();
    wait_for(c, "main h1").await;
    let fcp = c
        .execute(
            "const e = performance.getEntriesByName('first-contentful-paint')[0]; return e ? e.startTime : -1;",
            vec![],
        )
        .await
        .unwrap();
    c.cdp("Emulation.setCPUThrottlingRate", json!({"rate": 1})).await;
    c.throttle_network(0, 100_000_000, 100_000_000).await;
    fcp.as_f64().unwrap()
}

#[tokio::test]
async fn browser_a_landlord_and_a_chinese_speaking_tenant_check_in_on_phones_and_see_verified_live() {
    if !enabled() {
        return;
    }
    let app = TestApp::spawn().await;
    app.add_user(hospes::store::Role::Landlord, "landlord@example.com", &[]).await;
    let driver = Driver::start().await;
    let mut violations = Vec::new();
    let shots = screenshots_dir();

    // The landlord signs in and creates a property.
    let landlord = driver.session(390, 844, Some("en-GB,en")).await;
    landlord.goto(&app.url("/login")).await.unwrap();
    check_page(&landlord, "landlord-1-login", &mut violations).await;
    type_into(&landlord, "email", "landlord@example.com").await;
    type_into(&landlord, "password", PASSWORD).await;
    submit(&landlord, "form[action='/login']").await;
    wait_for(&landlord, "form[action='/properties']").await;
    assert_eq!(html_lang(&landlord).await, "en");
    type_into(&landlord, "name", "Flat 3B").await;
    type_into(&landlord, "address", "Calle Mayor 1, Madrid").await;
    type_into(&landlord, "jurisdiction", "ES-M").await;
    type_into(&landlord, "time_zone", "Europe/Madrid").await;
    check_page(&landlord, "landlord-2-properties", &mut violations).await;
    submit(&landlord, "form[action='/properties']").await;
    wait_for(&landlord, "#scan-form").await;
    let property_url = landlord.current_url().await.unwrap().to_string();
    // First paints under the throttled mobile profile (a figure to report, not an assertion).
    let mut first_paints = vec![("landlord's property page (stylesheet and script cached)", throttled_first_paint(&landlord, &property_url).await)];
    check_page(&landlord, "landlord-3-property", &mut violations).await;

    // Read the property's QR code off the screen, as a tenant's camera would.
    let qr_png = landlord.find(Locator::Css(".qr svg")).await.unwrap().screenshot().await.unwrap();
    std::fs::write(shots.join("landlord-property-qr.png"), &qr_png).unwrap();
    let texts = app.app.qr.decode(bytes::Bytes::from(qr_png)).await.expect("the QR code on the screen reads");
    let invitation = texts[0].clone();
    assert!(invitation.contains("/I/"), "{invitation}");

    // The printable door sign.
    landlord.goto(&format!("{property_url}/sign")).await.unwrap();
    wait_for(&landlord, ".sheet .qr svg").await;
    let sign = landlord.source().await.unwrap();
    assert!(sign.contains("扫码登记入住") && sign.contains("Escanee para registrarse") && sign.contains("Scan to check in"));
    check_page(&landlord, "landlord-4-door-sign", &mut violations).await;
    // Printed: one page of the paper size chosen (A5 148×210 mm, A4 210×297 mm, in points).
    for (size, width_pt, height_pt) in [("a5", 419.5, 595.3), ("a4", 595.3, 841.9)] {
        landlord.goto(&format!("{property_url}/sign?size={size}")).await.unwrap();
        wait_for(&landlord, ".sheet .qr svg").await;
        let pdf = landlord.cdp("Page.printToPDF", json!({"preferCSSPageSize": true, "printBackground": true})).await;
        use base64::Engine;
        let pdf = base64::engine::general_purpose::STANDARD.decode(pdf["data"].as_str().unwrap()).unwrap();
        std::fs::write(shots.join(format!("door-sign-{size}.pdf")), &pdf).unwrap();
        let (pages, (w, h)) = pdf_pages(&pdf);
        assert_eq!(pages, 1, "the {size} door sign prints on one page");
        assert!((w - width_pt).abs() < 2.0 && (h - height_pt).abs() < 2.0, "{size}: {w}×{h} pt");
        // What the printed sheet looks like: print media at the paper's size in CSS pixels.
        landlord.cdp("Emulation.setEmulatedMedia", json!({"media": "print"})).await;
        let (pw, ph) = ((width_pt * 96.0 / 72.0) as u32, (height_pt * 96.0 / 72.0) as u32);
        landlord.cdp("Emulation.setDeviceMetricsOverride", json!({"width": pw, "height": ph, "deviceScaleFactor": 1, "mobile": false})).await;
        std::fs::write(shots.join(format!("door-sign-print-{size}.png")), landlord.screenshot().await.unwrap()).unwrap();
        landlord.cdp("Emulation.setEmulatedMedia", json!({"media": ""})).await;
        landlord.cdp("Emulation.setDeviceMetricsOverride", json!({"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true})).await;
    }

    // The tenant's phone asks for Chinese. First render of the invitation, throttled.
    let tenant = driver.session(390, 844, Some("zh-CN,zh")).await;
    let invitation_url = invitation.replacen("HTTP://", "http://", 1);
    let fcp_ms = throttled_first_paint(&tenant, &invitation_url).await;
    first_paints.push(("tenant's invitation form (new browser, nothing cached)", fcp_ms));
    assert!(fcp_ms > 0.0, "the page painted");
    assert_eq!(html_lang(&tenant).await, "zh-CN", "Accept-Language chose Chinese");
    assert_eq!(tenant.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap(), "入住登记");
    check_page(&tenant, "tenant-1-form-zh", &mut violations).await;

    // Keyboard focus order: skip link, home, the language switch, then the form in reading order
    // (a date or time input takes one Tab per part; repeats are folded).
    let mut order: Vec<String> = Vec::new();
    tenant.execute("document.activeElement.blur(); window.focus();", vec![]).await.unwrap();
    for _ in 0..60 {
        tenant.active_element().await.unwrap().send_keys(&fantoccini::key::Key::Tab.to_string()).await.unwrap();
        let focused = tenant
            .execute("const e = document.activeElement; return e.id || e.getAttribute('hreflang') || e.className || e.tagName;", vec![])
            .await
            .unwrap();
        let focused = focused.as_str().unwrap_or_default().to_owned();
        if order.last() != Some(&focused) {
            order.push(focused);
        }
        if order.len() == 12 {
            break;
        }
    }
    assert_eq!(
        order,
        [
            "skip", "brand", "en", "es", "check_in", "check_out", "given_names", "family_name", "second_family_name", "birth_date",
            "nationality", "document_type"
        ],
        "{order:?}"
    );

    // A mistake (a two-letter nationality), shown in Chinese next to the field, then corrected.
    let p = &person_with("valid", Some("CHN")).person;
    type_into(&tenant, "given_names", &p.given_names).await;
    type_into(&tenant, "family_name", &p.family_name).await;
    set_value(&tenant, "birth_date", &p.birth_date.format("%Y-%m-%d").to_string()).await;
    type_into(&tenant, "nationality", "CN").await;
    tenant.find(Locator::Id("document_type")).await.unwrap().select_by_value(p.document.kind.as_str()).await.unwrap();
    type_into(&tenant, "issuing_country", &p.document.issuing_country).await;
    // A mistyped identity card number is caught inline, in Chinese, before submitting (the
    // identity module's checksum, through POST /v1/documents/validate).
    if p.document.kind.as_str() == "id_card" {
        let mut wrong = p.document.number.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '1' { '2' } else { '1' });
        type_into(&tenant, "document_number", &wrong).await;
        tenant.find(Locator::Id("phone")).await.unwrap().click().await.unwrap();
        wait_for(&tenant, "#document_number-error:not([hidden])").await;
        let inline = tenant.find(Locator::Id("document_number-error")).await.unwrap().text().await.unwrap();
        assert!(inline.contains("校验不通过"), "{inline}");
        check_page(&tenant, "tenant-1b-inline-error-zh", &mut violations).await;
    }
    type_into(&tenant, "document_number", &p.document.number).await;
    if tenant.find(Locator::Id("phone")).await.is_ok() {
        type_into(&tenant, "phone", "+86 138 0000 0000").await;
    }
    submit(&tenant, "#checkin-form").await;
    wait_for(&tenant, "#errors").await;
    let error = tenant.find(Locator::Id("nationality-error")).await.unwrap().text().await.unwrap();
    assert!(error.contains("三个字母的国家代码"), "{error}");
    check_page(&tenant, "tenant-2-form-error-zh", &mut violations).await;
    type_into(&tenant, "nationality", &p.nationality).await;
    submit(&tenant, "#checkin-form").await;
    wait_for(&tenant, "#live").await;
    assert!(tenant.current_url().await.unwrap().path().starts_with("/r/hrt_"));
    let status = tenant.find(Locator::Id("status")).await.unwrap().text().await.unwrap();
    assert_eq!(status, "已提交");
    check_page(&tenant, "tenant-3-receipt-submitted-zh", &mut violations).await;

    // The landlord's property page lists it as submitted.
    landlord.goto(&property_url).await.unwrap();
    wait_for(&landlord, "li[data-poll-item] .status-submitted").await;

    // The registry check runs; the open receipt page turns verified by itself, and so does the
    // landlord's list.
    app.drain_jobs().await;
    wait_for(&tenant, "#status.status-verified").await;
    wait_for(&landlord, "li .status-verified").await;
    check_page(&landlord, "landlord-4b-property-with-checkin", &mut violations).await;
    assert_eq!(tenant.find(Locator::Id("status")).await.unwrap().text().await.unwrap(), "已核验");
    let receipt = tenant.source().await.unwrap();
    assert!(receipt.contains("登记了您的哪些信息") && receipt.contains(&p.document.number));
    check_page(&tenant, "tenant-4-receipt-verified-zh", &mut violations).await;
    tenant.find(Locator::Css("a[href$='/verify']")).await.unwrap().click().await.unwrap();
    wait_for(&tenant, ".seal-verified").await;
    assert!(tenant.source().await.unwrap().contains("已收录在公开的透明日志中"), "the verify page reports the log inclusion");
    check_page(&tenant, "tenant-5-verify-zh", &mut violations).await;

    let receipt_url = tenant.current_url().await.unwrap().to_string().replace("/verify", "");
    first_paints.push(("tenant's receipt, verified (cached)", throttled_first_paint(&tenant, &receipt_url).await));
    let figures: Vec<String> = first_paints.iter().map(|(page, ms)| format!("{page}: first contentful paint {ms:.0} ms")).collect();
    let report = format!("throttled mobile profile (150 ms RTT, 1.6 Mbit/s down, 750 kbit/s up, CPU 4x slower):\n{}\n", figures.join("\n"));
    eprint!("{report}");
    std::fs::write(shots.join("first-render.txt"), report).unwrap();

    // The tenant's printable receipt, in Chinese like the rest.
    tenant.goto(&format!("{receipt_url}/print")).await.unwrap();
    wait_for(&tenant, "main h1").await;
    assert_eq!(tenant.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap(), "已盖章的回执");
    check_page(&tenant, "tenant-6-receipt-print-zh", &mut violations).await;

    // The landlord photographs a tenant's identity QR: a HEIC file is refused before upload...
    landlord.goto(&property_url).await.unwrap();
    wait_for(&landlord, "#scan-form").await;
    let dir = tempfile::tempdir().unwrap();
    let heic = dir.path().join("IMG_0001.HEIC");
    std::fs::write(&heic, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
    landlord.find(Locator::Id("photo")).await.unwrap().send_keys(heic.to_str().unwrap()).await.unwrap();
    wait_for(&landlord, "#photo-error:not([hidden])").await;
    assert!(landlord.find(Locator::Id("photo-error")).await.unwrap().text().await.unwrap().contains("HEIC"));
    check_page(&landlord, "landlord-5-photo-heic", &mut violations).await;

    // ...a photo without a QR code is explained...
    let blank = dir.path().join("blank.jpg");
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 85)
        .encode_image(&image::RgbImage::from_pixel(800, 600, image::Rgb([180, 170, 160])))
        .unwrap();
    std::fs::write(&blank, plain).unwrap();
    landlord.find(Locator::Id("photo")).await.unwrap().send_keys(blank.to_str().unwrap()).await.unwrap();
    submit(&landlord, "#scan-form").await;
    wait_for(&landlord, "div[role=alert]").await;
    assert!(landlord.source().await.unwrap().contains("No QR code could be found"));
    check_page(&landlord, "landlord-6-photo-without-qr", &mut violations).await;

    // ...and a phone photo of an identity credential pre-fills the form.
    landlord.goto(&property_url).await.unwrap();
    wait_for(&landlord, "#scan-form").await;
    let guest = &person_with("valid", Some("DEU")).person;
    let credential = hospes::registry::credential::issue(&population().credential_key(), "registry-sim", guest, app.app.now().timestamp(), 600);
    let photo = dir.path().join("photo.jpg");
    std::fs::write(&photo, phone_photo(&hospes::qr::render::png(&credential, 6))).unwrap();
    landlord.find(Locator::Id("photo")).await.unwrap().send_keys(photo.to_str().unwrap()).await.unwrap();
    wait_for(&landlord, "#photo-preview:not([hidden])").await;
    check_page(&landlord, "landlord-7-photo-preview", &mut violations).await;
    submit(&landlord, "#scan-form").await;
    wait_for(&landlord, "#checkin-form").await;
    let number = landlord.find(Locator::Id("document_number")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert_eq!(number, guest.document.number);
    check_page(&landlord, "landlord-8-scanned-form", &mut violations).await;
    if landlord.find(Locator::Id("phone")).await.is_ok() {
        type_into(&landlord, "phone", "+49 30 0000000").await;
    }
    submit(&landlord, "#checkin-form").await;
    wait_for(&landlord, "#live").await;
    check_page(&landlord, "landlord-9-checkin-submitted", &mut violations).await;
    app.drain_jobs().await;
    wait_for(&landlord, "#status.status-verified").await;
    assert_eq!(landlord.find(Locator::Id("status")).await.unwrap().text().await.unwrap(), "Verified");
    let names = landlord.find(Locator::Css("ul.guests")).await.unwrap().text().await.unwrap();
    assert_eq!(names, format!("{} {}", guest.given_names, guest.family_name));
    check_page(&landlord, "landlord-10-checkin-verified", &mut violations).await;

    // Check-out, sealed.
    submit(&landlord, "form[action$='/checkout']").await;
    wait_for(&landlord, "#status.status-checked_out").await;
    check_page(&landlord, "landlord-11-checked-out", &mut violations).await;

    // The property's list shows both check-ins; switching the language works on any page.
    landlord.goto(&format!("{property_url}?lang=es")).await.unwrap();
    wait_for(&landlord, "#scan-form").await;
    assert_eq!(html_lang(&landlord).await, "es");
    assert!(landlord.source().await.unwrap().contains("Verificado"));
    check_page(&landlord, "landlord-12-property-es", &mut violations).await;

    // axe-core does see violations: an input without a label is reported.
    landlord.execute("document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text id=unlabelled>');", vec![]).await.unwrap();
    let found = landlord.axe_serious().await;
    assert!(found.iter().any(|v| v.starts_with("label ") && v.contains("#unlabelled")), "{found:?}");

    tenant.client.clone().close().await.unwrap();
    landlord.client.clone().close().await.unwrap();
    drop(driver);
    assert!(violations.is_empty(), "axe-core found serious or critical violations:\n{}", violations.join("\n"));
}
