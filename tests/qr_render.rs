//! The codes hospes prints survive being photographed: rendered, rasterised small, rotated 7°,
//! blurred slightly and JPEG-compressed at quality 50, they still decode with rqrr (alone, no
//! preprocessing), with hospes's own cascade, and with zxing-cpp when a Python with `zxing-cpp`
//! is named by `HOSPES_ZXING_PYTHON` (the benchmark's venv; see scripts/bench_qr.py) or is CI's
//! `HOSPES_PYTHON` with `zxing-cpp` and `pillow` installed.

mod qr_fixtures;

use hospes::qr::{Limits, decode::decode_bytes, render};
use image::{DynamicImage, GrayImage, Luma, imageops};

const INVITATION: &str = "https://checkin.hospes.example/i/3q2-7HkPx9vT1aY6bR0cLpE4";
const RECEIPT: &str = "https://checkin.hospes.example/r/0192f4a1-7b6c-7d45-a9e1-3f8c2d1e9b0a";

/// Photographed small: `px_per_module` pixels a module, 7° tilt, slight blur, JPEG quality 50.
fn photographed(png: &[u8], module_px: u32, px_per_module: f32) -> Vec<u8> {
    let sharp = image::load_from_memory(png).unwrap().to_luma8();
    let scale = px_per_module / module_px as f32;
    let (w, h) = ((sharp.width() as f32 * scale) as u32, (sharp.height() as f32 * scale) as u32);
    let small = imageops::resize(&sharp, w, h, imageops::FilterType::Triangle);
    // Room for the corners to turn into, then the tilt and the blur.
    let margin = w / 5;
    let mut framed = GrayImage::from_pixel(w + 2 * margin, h + 2 * margin, Luma([255]));
    imageops::replace(&mut framed, &small, i64::from(margin), i64::from(margin));
    let tilted = qr_fixtures::rotated(&framed, 7.0);
    let blurred = imageops::blur(&tilted, 0.6);
    qr_fixtures::jpeg(&DynamicImage::ImageLuma8(blurred), 50)
}

fn rqrr_texts(jpeg: &[u8]) -> Vec<String> {
    let gray = image::load_from_memory(jpeg).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(gray.width() as usize, gray.height() as usize, |x, y| {
        gray.get_pixel(x as u32, y as u32).0[0]
    });
    prepared.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, text)| text).collect()
}

/// A Python that has zxing-cpp: `HOSPES_ZXING_PYTHON`, else CI's interop Python (`HOSPES_PYTHON`)
/// when `zxingcpp` imports there.
fn zxing_python() -> Option<String> {
    if let Ok(python) = std::env::var("HOSPES_ZXING_PYTHON") {
        return Some(python);
    }
    let python = std::env::var("HOSPES_PYTHON").ok()?;
    let probe = std::process::Command::new(&python).args(["-c", "import zxingcpp, PIL"]).output().ok()?;
    probe.status.success().then_some(python)
}

/// zxing-cpp's texts for each file, or `None` when no Python with zxing-cpp is configured.
fn zxing_cpp_texts(files: &[std::path::PathBuf]) -> Option<Vec<Vec<String>>> {
    let python = zxing_python()?;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/zxing_decode.py");
    let out = std::process::Command::new(python).arg(script).args(files).output().expect("run zxing-cpp");
    assert!(out.status.success(), "zxing-cpp: {}", String::from_utf8_lossy(&out.stderr));
    let lines = String::from_utf8(out.stdout).unwrap();
    Some(
        lines
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["texts"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_owned()).collect())
            .collect(),
    )
}

#[test]
fn printed_codes_decode_after_being_photographed_small_tilted_blurred_and_compressed() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut expected = Vec::new();
    for text in [INVITATION, RECEIPT] {
        let png = render::png(text, 4);
        for px_per_module in [3.0, 4.0] {
            let jpeg = photographed(&png, 4, px_per_module);
            assert_eq!(rqrr_texts(&jpeg), [text], "rqrr at {px_per_module} px a module");
            assert_eq!(decode_bytes(&jpeg, &Limits::default()).unwrap(), [text], "hospes at {px_per_module} px a module");
            let path = dir.path().join(format!("{}-{px_per_module}.jpg", files.len()));
            std::fs::write(&path, &jpeg).unwrap();
            files.push(path);
            expected.push(text);
        }
    }
    match zxing_cpp_texts(&files) {
        Some(all) => {
            for ((texts, text), file) in all.iter().zip(&expected).zip(&files) {
                assert_eq!(texts, &[text.to_string()], "zxing-cpp on {}", file.display());
            }
        }
        None => eprintln!("zxing-cpp part skipped: set HOSPES_ZXING_PYTHON to a Python with zxing-cpp"),
    }
}

#[test]
fn the_svg_is_a_scalable_document_of_the_same_code() {
    let svg = render::svg(INVITATION);
    assert!(svg.starts_with("<?xml") || svg.starts_with("<svg"));
    assert!(svg.contains("viewBox") && svg.contains("#000000"));
}

#[test]
fn the_png_has_the_quiet_zone_and_module_size_asked_for() {
    let png = render::png("https://checkin.hospes.example/i/abc", 5);
    let image = image::load_from_memory(&png).unwrap().to_luma8();
    let modules = image.width() / 5;
    assert_eq!(image.width() % 5, 0);
    // The quiet zone: the outer 4 modules are white all round.
    let q = render::QUIET_ZONE_MODULES * 5;
    assert!((0..image.width()).all(|i| image.get_pixel(i, q - 1).0[0] == 255 && image.get_pixel(q - 1, i).0[0] == 255));
    assert!(image.get_pixel(q, q).0[0] == 0, "finder pattern starts after the quiet zone");
    assert!(modules >= 21 + 8);
    assert_eq!(decode_bytes(&png, &Limits::default()).unwrap(), ["https://checkin.hospes.example/i/abc"]);
}

#[test]
fn texts_too_long_for_any_qr_code_are_an_error_not_a_panic() {
    let long = "x".repeat(3000);
    assert!(matches!(render::try_png(&long, 2), Err(render::RenderError::TooLong { len: 3000 })));
    assert!(render::try_svg(&"y".repeat(2500)).is_ok(), "falls back to level L");
}

/// The invitation a property's door sign carries (`src/invitation.rs`: a 53-character base32
/// token after an upper-case URL, all QR alphanumeric) is a version-4 code that rqrr and the
/// cascade read from a small, tilted, blurred, compressed photo.
#[test]
fn an_invitation_url_decodes_with_rqrr_when_photographed() {
    let signer = hospes::invitation::InvitationSigner::new([7; 32]);
    let claims = hospes::invitation::InvitationClaims { p: "0192f4a1-7b6c-7d45-a9e1-3f8c2d1e9b0a".into(), e: 0, x: 1_798_761_600 };
    // What `App::invitation_qr_text` prints: upper case, all in the QR alphanumeric set.
    let url = format!("HTTPS://CHECKIN.EXAMPLE-HOSPES.ORG/I/{}", signer.issue(&claims));
    assert_eq!(qrcode::QrCode::with_error_correction_level(&url, qrcode::EcLevel::M).unwrap().version(), qrcode::Version::Normal(4));
    let png = render::png(&url, 4);
    for px_per_module in [3.0, 4.0] {
        let jpeg = photographed(&png, 4, px_per_module);
        assert_eq!(decode_bytes(&jpeg, &Limits::default()).unwrap(), [url.clone()]);
        assert_eq!(rqrr_texts(&jpeg), [url.clone()], "rqrr at {px_per_module} px a module");
    }
}
