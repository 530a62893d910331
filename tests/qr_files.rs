//! Phone photos and hostile files through `qr::decode::decode_bytes`, each with the right
//! answer; and the async `qr::Decoder`.

mod qr_fixtures;

use hospes::qr::{DecodeError, Decoder, Limits, decode::decode_bytes};
use image::{DynamicImage, GrayImage, ImageFormat, Luma};
use qr_fixtures as fx;

fn decode(bytes: &[u8]) -> Result<Vec<String>, DecodeError> {
    decode_bytes(bytes, &Limits::default())
}

fn url_code() -> GrayImage {
    fx::code("https://hospes.example/i/7Hq2kP", 5)
}

#[test]
fn every_exif_orientation_is_applied_before_reading_order() {
    let upright = fx::l_shape();
    for orientation in 1..=8 {
        let jpeg = fx::jpeg_with_orientation(&upright, orientation);
        assert_eq!(decode(&jpeg).unwrap(), ["A", "B", "C"], "EXIF orientation {orientation}");
    }
}

#[test]
fn a_code_upright_only_after_rotation_is_read() {
    // Stored lying on its side with EXIF 6 (the usual portrait phone photo).
    let jpeg = fx::jpeg_with_orientation(&url_code(), 6);
    assert_eq!(decode(&jpeg).unwrap(), ["https://hospes.example/i/7Hq2kP"]);
}

#[test]
fn an_inverted_code_is_read() {
    let mut code = url_code();
    image::imageops::invert(&mut code);
    assert_eq!(decode(&fx::encode(&DynamicImage::ImageLuma8(code), ImageFormat::Png)).unwrap(), [
        "https://hospes.example/i/7Hq2kP"
    ]);
}

#[test]
fn a_mirrored_code_is_read() {
    let code = image::imageops::flip_horizontal(&url_code());
    assert_eq!(decode(&fx::encode(&DynamicImage::ImageLuma8(code), ImageFormat::Png)).unwrap(), [
        "https://hospes.example/i/7Hq2kP"
    ]);
}

#[test]
fn a_code_on_a_phone_screen_is_read() {
    // Low contrast (a backlit screen photographed), a pixel grid darkening every third row and
    // column, and a brightness gradient across the photo.
    let code = url_code();
    let (w, h) = code.dimensions();
    let screen = GrayImage::from_fn(w, h, |x, y| {
        let v = f32::from(code.get_pixel(x, y).0[0]);
        let mut v = 70.0 + v * (150.0 / 255.0);
        if x % 3 == 0 || y % 3 == 0 {
            v *= 0.8;
        }
        v *= 0.75 + 0.25 * x as f32 / w as f32;
        Luma([v as u8])
    });
    assert_eq!(decode(&fx::jpeg(&DynamicImage::ImageLuma8(screen), 80)).unwrap(), ["https://hospes.example/i/7Hq2kP"]);
}

#[test]
fn two_codes_in_one_photo_come_back_in_reading_order() {
    let (left, right) = (fx::code("first: property", 5), fx::code("second: receipt", 5));
    let w = left.width();
    let photo = fx::canvas(w * 2 + 40, w + 40, &[(&right, w + 30, 20), (&left, 10, 20)]);
    let jpeg = fx::jpeg(&DynamicImage::ImageLuma8(photo), 90);
    assert_eq!(decode(&jpeg).unwrap(), ["first: property", "second: receipt"]);
}

#[test]
fn heic_and_avif_are_refused_whatever_the_file_is_called() {
    for (bytes, format) in [
        (fx::iso_bmff(b"heic", &[b"mif1", b"heic"]), "HEIC"),
        (fx::iso_bmff(b"mif1", &[b"mif1", b"heix"]), "HEIC"),
        (fx::iso_bmff(b"avif", &[b"avif", b"mif1", b"miaf"]), "AVIF"),
    ] {
        let err = decode(&bytes).unwrap_err();
        assert_eq!(err, DecodeError::UnsupportedFormat { format });
        assert!(err.to_string().contains("Most compatible"), "tells the landlord what to do: {err}");
        // The CLI reads a file named .jpg the same way: by its bytes.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("IMG_0001.jpg");
        std::fs::write(&path, &bytes).unwrap();
        let mut out = Vec::new();
        assert_eq!(hospes::qr::cli::decode_files(&[path], &mut out).unwrap(), 1);
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["code"], "unsupported_format");
        assert!(line.get("texts").is_none() && line["error"].as_str().unwrap().contains(format));
    }
}

#[test]
fn non_images_are_unsupported_not_corrupt() {
    for bytes in [&b""[..], b"%PDF-1.7\n", b"hello, world", &[0u8; 64]] {
        assert!(matches!(decode(bytes), Err(DecodeError::UnsupportedFormat { .. })), "{bytes:?}");
    }
}

#[test]
fn tiny_files_declaring_enormous_dimensions_are_too_large() {
    for bytes in [
        fx::png_declaring(100_000, 100_000, 8, 0),
        fx::png_declaring(10_000, 10_000, 8, 6),
        fx::jpeg_declaring(60_000, 60_000),
        fx::jpeg_declaring(9_000, 9_000),
        fx::gif_declaring(65_535, 65_535),
    ] {
        assert!(bytes.len() < 1000);
        assert!(matches!(decode(&bytes), Err(DecodeError::TooLarge)), "{:?}", decode(&bytes));
    }
}

#[test]
fn a_png_bomb_stops_at_the_allocation_limit() {
    // 8192 × 6144 px of 16-bit RGBA is 384 MiB decoded: within the pixel limit, above the
    // 192 MiB allocation limit, refused before anything is allocated.
    let bomb = fx::png_declaring(8192, 6144, 16, 6);
    assert!(matches!(decode(&bomb), Err(DecodeError::TooLarge)));
    // A real deflate bomb: 2000 × 2000 16-bit RGBA of zeros compresses ~1000:1; with a tighter
    // allocation limit it is refused too.
    let zeros = image::ImageBuffer::<image::Rgba<u16>, _>::new(2000, 2000);
    let png = fx::encode(&DynamicImage::ImageRgba16(zeros), ImageFormat::Png);
    assert!(png.len() < 200_000, "{} bytes", png.len());
    let tight = Limits { max_alloc_bytes: 16 * 1024 * 1024, ..Limits::default() };
    assert!(matches!(decode_bytes(&png, &tight), Err(DecodeError::TooLarge)));
    assert_eq!(decode(&png), Err(DecodeError::NoCode), "within default limits it decodes (blank)");
}

#[test]
fn an_image_tiled_with_finder_patterns_is_refused_quickly() {
    // 1 600 finder patterns (7 × 7 modules, 1 px each) in a 360 × 360 px PNG: every
    // triple is a candidate code. Unbounded, rxing took 2 s and rqrr 30 s a pass over it.
    let tile = |x: u32, y: u32| {
        let (x, y) = (x % 9, y % 9);
        let ring = x.min(y).min(8 - x).min(8 - y);
        Luma([if ring == 1 || ring >= 3 { 0 } else { 255 }])
    };
    let png = fx::encode(&DynamicImage::ImageLuma8(GrayImage::from_fn(360, 360, tile)), ImageFormat::Png);
    assert!(png.len() < 40_000, "{} bytes", png.len());
    let started = std::time::Instant::now();
    let (result, trace) = hospes::qr::decode::decode_bytes_traced(&png, &Limits::default());
    assert_eq!(result, Err(DecodeError::NoCode));
    assert!(trace.finder_patterns > 1000, "{trace:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "took {:?}", started.elapsed());
}

#[test]
fn files_above_the_byte_limit_are_too_large() {
    let limits = Limits { max_bytes: 1000, ..Limits::default() };
    let png = fx::encode(&DynamicImage::ImageLuma8(url_code()), ImageFormat::Png);
    assert!(png.len() > 1000);
    assert!(matches!(decode_bytes(&png, &limits), Err(DecodeError::TooLarge)));
}

#[test]
fn a_truncated_jpeg_is_corrupt_or_read_never_a_panic() {
    // The code fills the top of the photo; the bottom is noise, which holds most of the bytes.
    let code = url_code();
    let mut photo = fx::canvas(code.width(), code.height() * 2, &[(&code, 0, 0)]);
    let mut seed = 12345u32;
    for y in code.height()..code.height() * 2 {
        for x in 0..code.width() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            photo.put_pixel(x, y, Luma([(seed >> 24) as u8]));
        }
    }
    let jpeg = fx::jpeg(&DynamicImage::ImageLuma8(photo), 90);
    for keep in [2, 3, 20, 200, jpeg.len() / 4, jpeg.len() / 2, jpeg.len() * 3 / 4, jpeg.len() - 2] {
        match decode(&jpeg[..keep]) {
            Ok(texts) => assert_eq!(texts, ["https://hospes.example/i/7Hq2kP"], "kept {keep}"),
            Err(DecodeError::Corrupt | DecodeError::NoCode | DecodeError::UnsupportedFormat { .. }) => {}
            Err(other) => panic!("kept {keep} bytes: {other:?}"),
        }
    }
    assert!(matches!(decode(&jpeg[..20]), Err(DecodeError::Corrupt)));
    // Most of the code survives in three quarters of the file.
    assert_eq!(decode(&jpeg[..jpeg.len() * 3 / 4]).unwrap(), ["https://hospes.example/i/7Hq2kP"]);
}

#[test]
fn cmyk_and_progressive_jpegs_are_read() {
    let code = url_code();
    for (cmyk, progressive) in [(true, false), (false, true), (true, true)] {
        let jpeg = fx::jpeg_encoder_crate(&code, cmyk, progressive);
        assert_eq!(decode(&jpeg), Ok(vec!["https://hospes.example/i/7Hq2kP".to_owned()]), "cmyk {cmyk} progressive {progressive}");
    }
}

#[test]
fn sixteen_bit_png_webp_gif_bmp_tiff_and_transparent_png_are_read() {
    let code = url_code();
    let gray = DynamicImage::ImageLuma8(code.clone());
    let wide = DynamicImage::ImageLuma16(DynamicImage::ImageLuma8(code.clone()).to_luma16());
    let rgb = DynamicImage::ImageRgb8(gray.to_rgb8());
    // Black modules on a transparent background, as screenshots and generated codes often are.
    let transparent = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(code.width(), code.height(), |x, y| {
        if code.get_pixel(x, y).0[0] < 128 { image::Rgba([0, 0, 0, 255]) } else { image::Rgba([0, 0, 0, 0]) }
    }));
    for (image, format) in [
        (&wide, ImageFormat::Png),
        (&rgb, ImageFormat::WebP),
        (&rgb, ImageFormat::Gif),
        (&rgb, ImageFormat::Bmp),
        (&gray, ImageFormat::Tiff),
        (&transparent, ImageFormat::Png),
    ] {
        let bytes = fx::encode(image, format);
        assert_eq!(decode(&bytes).unwrap(), ["https://hospes.example/i/7Hq2kP"], "{format:?} {:?}", image.color());
    }
}

#[test]
fn an_image_without_a_code_is_no_code() {
    let blank = fx::jpeg(&DynamicImage::ImageLuma8(GrayImage::from_pixel(320, 240, Luma([200]))), 80);
    assert_eq!(decode(&blank), Err(DecodeError::NoCode));
}

#[test]
fn error_codes_are_stable() {
    assert_eq!(DecodeError::UnsupportedFormat { format: "HEIC" }.code(), "unsupported_format");
    assert_eq!(DecodeError::TooLarge.code(), "too_large");
    assert_eq!(DecodeError::Corrupt.code(), "corrupt");
    assert_eq!(DecodeError::NoCode.code(), "no_code");
    assert_eq!(DecodeError::DecoderPanic.code(), "decoder_panic");
}

#[test]
fn the_cli_prints_one_json_object_per_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("door.png");
    std::fs::write(&good, fx::encode(&DynamicImage::ImageLuma8(url_code()), ImageFormat::Png)).unwrap();
    let missing = dir.path().join("missing.jpg");
    let mut out = Vec::new();
    let failures = hospes::qr::cli::decode_files(&[good.clone(), missing], &mut out).unwrap();
    assert_eq!(failures, 1);
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["file"], good.to_string_lossy().as_ref());
    assert_eq!(lines[0]["texts"], serde_json::json!(["https://hospes.example/i/7Hq2kP"]));
    assert!(lines[0]["ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(lines[1]["code"], "io");
    assert!(lines[1]["error"].is_string() && lines[1].get("texts").is_none());
}

#[tokio::test(flavor = "current_thread")]
async fn decoding_runs_off_the_runtime_and_a_burst_all_completes() {
    let decoder = Decoder::new(2, Limits::default());
    let photo = bytes::Bytes::from(fx::jpeg(&DynamicImage::ImageLuma8(url_code()), 85));
    // A ticker on the single runtime thread keeps running while decodes are in flight: the
    // decodes are on the blocking pool, not on this thread.
    let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let ticker = {
        let ticks = ticks.clone();
        tokio::spawn(async move {
            loop {
                ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
        })
    };
    let burst: Vec<_> = (0..8)
        .map(|_| {
            let (decoder, photo) = (decoder.clone(), photo.clone());
            tokio::spawn(async move { decoder.decode(photo).await })
        })
        .collect();
    for task in burst {
        assert_eq!(task.await.unwrap().unwrap(), ["https://hospes.example/i/7Hq2kP"]);
    }
    ticker.abort();
    assert!(ticks.load(std::sync::atomic::Ordering::Relaxed) > 1);
    assert_eq!(decoder.decode(bytes::Bytes::from_static(b"not an image")).await, Err(DecodeError::UnsupportedFormat {
        format: "unknown"
    }));
}

#[tokio::test(flavor = "current_thread")]
async fn the_bound_on_concurrent_decodes_holds() {
    let decoder = Decoder::new(3, Limits::default());
    assert_eq!(decoder.available_permits(), 3);
    let photo = bytes::Bytes::from(fx::jpeg(&DynamicImage::ImageLuma8(fx::canvas(2000, 2000, &[])), 85));
    let running: Vec<_> = (0..6).map(|_| tokio::spawn({
        let (decoder, photo) = (decoder.clone(), photo.clone());
        async move { decoder.decode(photo).await }
    })).collect();
    tokio::task::yield_now().await;
    assert_eq!(decoder.available_permits(), 0, "three decodes hold every permit, three wait");
    for task in running {
        assert_eq!(task.await.unwrap(), Err(DecodeError::NoCode));
    }
    assert_eq!(decoder.available_permits(), 3);
}

/// Writes small inputs of every kind to `$HOSPES_QR_SEEDS`, as seeds for the fuzzer
/// (`fuzz/README.md`). Not a check: run with `--ignored`.
#[test]
#[ignore]
fn write_seed_files() {
    let Ok(dir) = std::env::var("HOSPES_QR_SEEDS") else { return };
    let dir = std::path::PathBuf::from(dir);
    let code = fx::code("https://hospes.example/i/7Hq2kP", 2);
    let gray = DynamicImage::ImageLuma8(code.clone());
    let rgb = DynamicImage::ImageRgb8(gray.to_rgb8());
    let mut seeds: Vec<(String, Vec<u8>)> = vec![
        ("code.png".into(), fx::encode(&gray, ImageFormat::Png)),
        ("code16.png".into(), fx::encode(&DynamicImage::ImageLuma16(gray.to_luma16()), ImageFormat::Png)),
        ("code-rgba.png".into(), fx::encode(&DynamicImage::ImageRgba8(gray.to_rgba8()), ImageFormat::Png)),
        ("code.webp".into(), fx::encode(&rgb, ImageFormat::WebP)),
        ("code.gif".into(), fx::encode(&rgb, ImageFormat::Gif)),
        ("code.bmp".into(), fx::encode(&gray, ImageFormat::Bmp)),
        ("code.tiff".into(), fx::encode(&gray, ImageFormat::Tiff)),
        ("code.jpg".into(), fx::jpeg(&gray, 60)),
        ("cmyk.jpg".into(), fx::jpeg_encoder_crate(&code, true, false)),
        ("progressive.jpg".into(), fx::jpeg_encoder_crate(&code, false, true)),
        ("two.png".into(), fx::encode(&DynamicImage::ImageLuma8(fx::canvas(140, 70, &[(&fx::code("A", 2), 0, 0), (&fx::code("B", 2), 70, 0)])), ImageFormat::Png)),
        ("heic.bin".into(), fx::iso_bmff(b"heic", &[b"mif1", b"heic"])),
        ("huge.png".into(), fx::png_declaring(100_000, 100_000, 8, 0)),
        ("huge.jpg".into(), fx::jpeg_declaring(60_000, 60_000)),
        ("huge.gif".into(), fx::gif_declaring(65_535, 65_535)),
    ];
    for orientation in 1..=8 {
        seeds.push((format!("exif{orientation}.jpg"), fx::jpeg_with_orientation(&code, orientation)));
    }
    for (name, bytes) in seeds {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// A 4032 × 3024 (12 MP) photo-like picture: textured grey (sensor noise and grain, so that
/// the JPEG is megabytes like a phone's) with `code` at (`x`, `y`).
fn phone_photo(code: &GrayImage, x: u32, y: u32) -> GrayImage {
    let mut seed = 0x2545_F491_u32;
    let mut photo = GrayImage::from_fn(4032, 3024, |px, py| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = ((px / 5 + py / 7) % 9) as i32 * 3;
        Luma([(150 + grain + (seed % 41) as i32 - 20) as u8])
    });
    image::imageops::overlay(&mut photo, code, i64::from(x), i64::from(y));
    photo
}

#[test]
fn a_12_megapixel_photo_is_read_from_a_quarter_size_raster_on_two_threads() {
    use hospes::qr::decode::decode_bytes_traced;
    // 4:2:0 colour like a phone's JPEG, and grey with EXIF orientation 6 (held upright).
    let photo = phone_photo(&fx::code("https://hospes.example/i/7Hq2kP", 24), 1500, 900);
    let colour = fx::jpeg(&DynamicImage::ImageRgb8(DynamicImage::ImageLuma8(photo.clone()).to_rgb8()), 90);
    let upright = image::imageops::rotate90(&photo);
    let sideways = fx::jpeg_with_orientation(&upright, 6);
    for (name, jpeg) in [("4:2:0 colour", colour), ("grey, EXIF 6", sideways)] {
        assert!(jpeg.len() > 1 << 20, "{name}: a photo-sized file ({} bytes)", jpeg.len());
        let (texts, trace) = decode_bytes_traced(&jpeg, &Limits::default());
        assert_eq!(texts.unwrap(), ["https://hospes.example/i/7Hq2kP"], "{name}");
        assert!(trace.quarter, "{name}: read from the quarter-size raster");
    }
}

#[test]
fn a_code_too_small_for_the_quarter_raster_is_read_at_full_resolution() {
    use hospes::qr::decode::decode_bytes_traced;
    // 4 px modules: one pixel a module at a quarter of the size.
    let photo = phone_photo(&fx::code("https://hospes.example/i/small", 4), 2900, 2100);
    let jpeg = fx::jpeg(&DynamicImage::ImageLuma8(photo), 92);
    let (texts, trace) = decode_bytes_traced(&jpeg, &Limits::default());
    assert_eq!(texts.unwrap(), ["https://hospes.example/i/small"]);
    assert!(trace.quarter && trace.steps_run > 2, "first the quarter raster, then the full photo: {trace:?}");
}
