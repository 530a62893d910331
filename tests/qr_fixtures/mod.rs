//! Small made-for-purpose images for the QR tests, generated in code (no binary fixtures):
//! codes on canvases, EXIF orientations, other formats, hostile files.
#![allow(dead_code)]

use image::{DynamicImage, GrayImage, ImageEncoder, ImageFormat, Luma};

/// A code for `text`, `module_px` pixels a module, with its 4-module quiet zone.
pub fn code(text: &str, module_px: u32) -> GrayImage {
    qrcode::QrCode::new(text.as_bytes())
        .expect("text fits")
        .render::<Luma<u8>>()
        .quiet_zone(true)
        .module_dimensions(module_px, module_px)
        .build()
}

/// A white canvas with each code pasted at its top-left position.
pub fn canvas(width: u32, height: u32, codes: &[(&GrayImage, u32, u32)]) -> GrayImage {
    let mut canvas = GrayImage::from_pixel(width, height, Luma([255]));
    for (code, x, y) in codes {
        image::imageops::replace(&mut canvas, *code, i64::from(*x), i64::from(*y));
    }
    canvas
}

/// Three codes in an L: "A" top left, "B" top right, "C" bottom left. Every one of the eight
/// EXIF orientations puts them in a different reading order, so decoding ["A", "B", "C"]
/// proves the orientation was applied.
pub fn l_shape() -> GrayImage {
    let (a, b, c) = (code("A", 6), code("B", 6), code("C", 6));
    let side = a.width();
    canvas(side * 3, side * 3, &[(&a, 0, 0), (&b, side * 2, 0), (&c, 0, side * 2)])
}

pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut out), format).expect("encode");
    out
}

pub fn jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image.write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)).expect("jpeg");
    out
}

/// A JPEG whose EXIF Orientation is `orientation`, storing `upright` so that a viewer applying
/// the orientation shows it upright (the stored pixels are transformed by the inverse).
pub fn jpeg_with_orientation(upright: &GrayImage, orientation: u8) -> Vec<u8> {
    use image::metadata::Orientation;
    // Each orientation is its own inverse except the quarter turns.
    let inverse = match orientation {
        6 => 8,
        8 => 6,
        o => o,
    };
    let mut stored = DynamicImage::ImageLuma8(upright.clone());
    stored.apply_orientation(Orientation::from_exif(inverse).expect("1..=8"));
    let tiff: Vec<u8> = [
        &b"II*\0"[..],
        &8u32.to_le_bytes(),
        &1u16.to_le_bytes(),
        &0x0112u16.to_le_bytes(),
        &3u16.to_le_bytes(),
        &1u32.to_le_bytes(),
        &u16::from(orientation).to_le_bytes(),
        &[0, 0],
        &0u32.to_le_bytes(),
    ]
    .concat();
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    encoder.set_exif_metadata(tiff).expect("exif");
    encoder.write_image(stored.as_bytes(), stored.width(), stored.height(), stored.color().into()).expect("jpeg");
    out
}

/// A CMYK JPEG (Adobe APP14), baseline or progressive, of a gray image.
pub fn jpeg_encoder_crate(image: &GrayImage, cmyk: bool, progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_progressive(progressive);
    let (w, h) = (image.width() as u16, image.height() as u16);
    if cmyk {
        let data: Vec<u8> = image.pixels().flat_map(|p| [0, 0, 0, 255 - p.0[0]]).collect();
        encoder.encode(&data, w, h, jpeg_encoder::ColorType::Cmyk).expect("cmyk jpeg");
    } else {
        encoder.encode(image.as_raw(), w, h, jpeg_encoder::ColorType::Luma).expect("jpeg");
    }
    out
}

/// CRC-32 (ISO 3309), as PNG chunks need.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    [&(data.len() as u32).to_be_bytes()[..], &body, &crc32(&body).to_be_bytes()].concat()
}

/// A PNG of a few dozen bytes whose header declares `width` × `height` pixels of `bit_depth`
/// and `color_type` (PNG §11.2.2), followed by a tiny compressed stream of zeros.
pub fn png_declaring(width: u32, height: u32, bit_depth: u8, color_type: u8) -> Vec<u8> {
    let ihdr = [&width.to_be_bytes()[..], &height.to_be_bytes(), &[bit_depth, color_type, 0, 0, 0]].concat();
    // zlib stream: a single fixed-Huffman block holding one zero byte (filter type None).
    let idat = [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01];
    [&b"\x89PNG\r\n\x1a\n"[..], &png_chunk(b"IHDR", &ihdr), &png_chunk(b"IDAT", &idat), &png_chunk(b"IEND", &[])]
        .concat()
}

/// A real 16 × 16 JPEG whose frame header (SOF0) is patched to declare `width` × `height`.
pub fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = jpeg(&DynamicImage::ImageLuma8(GrayImage::from_pixel(16, 16, Luma([128]))), 80);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline JPEG");
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

/// A GIF header declaring a `width` × `height` logical screen and one frame of that size.
pub fn gif_declaring(width: u16, height: u16) -> Vec<u8> {
    let mut out = b"GIF89a".to_vec();
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.extend_from_slice(&[0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // 2-colour global table
    out.extend_from_slice(&[0x2C, 0, 0, 0, 0]);
    out.extend_from_slice(&width.to_le_bytes());
    out.extend_from_slice(&height.to_le_bytes());
    out.extend_from_slice(&[0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
    out
}

/// The first bytes of an ISO-BMFF file (`ftyp` box) with the given major and compatible brands,
/// as an iPhone HEIC or an AVIF starts.
pub fn iso_bmff(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let size = 16 + 4 * compatible.len() as u32;
    let mut out = size.to_be_bytes().to_vec();
    out.extend_from_slice(b"ftyp");
    out.extend_from_slice(major);
    out.extend_from_slice(&[0, 0, 0, 0]);
    for brand in compatible {
        out.extend_from_slice(*brand);
    }
    // a `meta` box header and some payload, as the real files continue
    out.extend_from_slice(&[0, 0, 0, 0x21, b'm', b'e', b't', b'a']);
    out.extend_from_slice(&[0u8; 64]);
    out
}

/// Rotates by `degrees` about the centre (bilinear, white fill), keeping the size.
pub fn rotated(image: &GrayImage, degrees: f32) -> GrayImage {
    let (w, h) = (image.width() as f32, image.height() as f32);
    let (sin, cos) = degrees.to_radians().sin_cos();
    GrayImage::from_fn(image.width(), image.height(), |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - w / 2.0, y as f32 + 0.5 - h / 2.0);
        let (sx, sy) = (cos * dx + sin * dy + w / 2.0 - 0.5, -sin * dx + cos * dy + h / 2.0 - 0.5);
        let px = |x: f32, y: f32| -> f32 {
            if x < 0.0 || y < 0.0 || x >= w || y >= h {
                255.0
            } else {
                f32::from(image.get_pixel(x as u32, y as u32).0[0])
            }
        };
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let v = px(x0, y0) * (1.0 - fx) * (1.0 - fy)
            + px(x0 + 1.0, y0) * fx * (1.0 - fy)
            + px(x0, y0 + 1.0) * (1.0 - fx) * fy
            + px(x0 + 1.0, y0 + 1.0) * fx * fy;
        Luma([v.round().clamp(0.0, 255.0) as u8])
    })
}
