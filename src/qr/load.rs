//! Turns uploaded bytes into an upright grayscale raster, within [`Limits`].
//!
//! The format is sniffed from the bytes, never from a file name. A large JPEG (12 MP and up) is
//! read first at a quarter of its size by [`super::quarter`] ([`load_quarter`]); the cascade
//! asks for the full-resolution raster ([`load_unoriented`]) only when a step needs it. JPEG goes
//! through zune-jpeg straight to luma (the chroma planes are never converted);
//! PNG, GIF, WebP, BMP and TIFF go through the `image` crate with its limits set from ours and
//! are converted to luma in place. A baseline JPEG with restart markers is cut into strips that
//! decode on all cores at once (see [`super::restart`]). The EXIF orientation is returned with
//! the raster, not applied: the cascade turns its small working copy upright, and the
//! full-resolution raster only when a step needs it.
//! HEIC/HEIF, AVIF and anything that is not an image are refused with
//! [`DecodeError::UnsupportedFormat`].

use std::io::Cursor;

use image::{ColorType, ImageDecoder, ImageError, ImageFormat, ImageReader};
use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
use zune_jpeg::JpegDecoder;

use super::{DecodeError, Limits, luma::Luma};

/// The image formats we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    WebP,
    Bmp,
    Tiff,
}

/// Recognises the format from the first bytes (magic numbers), or names what it is not.
pub fn sniff(bytes: &[u8]) -> Result<Format, DecodeError> {
    let unsupported = |format| Err(DecodeError::UnsupportedFormat { format });
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Ok(Format::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Ok(Format::Png),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Ok(Format::Gif),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Ok(Format::WebP),
        [b'B', b'M', ..] => Ok(Format::Bmp),
        [b'I', b'I', 42, 0, ..] | [b'M', b'M', 0, 42, ..] => Ok(Format::Tiff),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => unsupported(iso_bmff_brand(bytes)),
        [0xFF, 0x0A, ..] | [0, 0, 0, 0x0C, b'J', b'X', b'L', b' ', ..] => unsupported("JPEG XL"),
        [b'%', b'P', b'D', b'F', ..] => unsupported("PDF"),
        _ => unsupported("unknown"),
    }
}

/// Names an ISO base media file (ISO/IEC 14496-12 `ftyp` box) by its major and compatible brands.
fn iso_bmff_brand(bytes: &[u8]) -> &'static str {
    let box_len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
    let ftyp = &bytes[8..box_len.clamp(12, bytes.len().max(12)).min(bytes.len())];
    let brands: Vec<&[u8]> = ftyp.chunks_exact(4).enumerate().filter(|(i, _)| *i != 1).map(|(_, b)| b).collect();
    let has = |names: &[&[u8]]| brands.iter().any(|b| names.contains(b));
    if has(&[b"avif", b"avis"]) {
        "AVIF"
    } else if has(&[b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"]) {
        "HEIC"
    } else {
        "ISO media (video)"
    }
}

/// Decodes `bytes` to an upright grayscale image.
#[cfg(test)]
pub fn load(bytes: &[u8], limits: &Limits) -> Result<Luma, DecodeError> {
    load_unoriented(bytes, limits).map(|(luma, orientation)| luma.oriented(orientation))
}

/// Decodes `bytes` to a grayscale image as stored, with its EXIF orientation (1–8, 1 when none).
pub fn load_unoriented(bytes: &[u8], limits: &Limits) -> Result<(Luma, u8), DecodeError> {
    if bytes.len() > limits.max_bytes {
        tracing::debug!(target: "hospes::qr", size_bytes = bytes.len(), "file above the byte limit");
        return Err(DecodeError::TooLarge);
    }
    match sniff(bytes)? {
        Format::Jpeg => load_jpeg(bytes, limits),
        Format::Png => load_with_image(bytes, ImageFormat::Png, limits),
        Format::Gif => load_with_image(bytes, ImageFormat::Gif, limits),
        Format::WebP => load_with_image(bytes, ImageFormat::WebP, limits),
        Format::Bmp => load_with_image(bytes, ImageFormat::Bmp, limits),
        Format::Tiff => load_with_image(bytes, ImageFormat::Tiff, limits),
    }
}

/// Photos with a longer side of at least this many pixels (12 MP phone photos: 4 000 px and up) are
/// read at a quarter of their size first: about 1 000 px and more, what the cascade's first steps
/// read anyway.
const MIN_SIDE_FOR_QUARTER: usize = 3600;

/// A large JPEG's luma at a quarter of its width and height, with its EXIF orientation, when
/// [`super::quarter`] reads it; `None` for anything else (other formats, smaller photos, files
/// above the limits, JPEG variants it does not read), which the caller decodes whole with
/// [`load_unoriented`] (and which reports any error).
pub fn load_quarter(bytes: &[u8], limits: &Limits) -> Option<(Luma, u8)> {
    if bytes.len() > limits.max_bytes || sniff(bytes) != Ok(Format::Jpeg) {
        return None;
    }
    let options = DecoderOptions::default().set_max_width(usize::from(u16::MAX)).set_max_height(usize::from(u16::MAX));
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().ok()?;
    let (width, height) = decoder.dimensions()?;
    if width.max(height) < MIN_SIDE_FOR_QUARTER || limits.check_dimensions(width as u64, height as u64).is_err() {
        return None;
    }
    let orientation = decoder.exif().and_then(|tiff| super::exif::orientation(tiff.as_slice())).unwrap_or(1);
    let quarter = super::quarter::decode(bytes)?;
    (quarter.width == width.div_ceil(4) && quarter.height == height.div_ceil(4)).then_some((quarter, orientation))
}

/// zune-jpeg first (fast, luma only); jpeg-decoder when zune-jpeg cannot read the file (it fails
/// on some valid files, e.g. progressive CMYK).
fn load_jpeg(bytes: &[u8], limits: &Limits) -> Result<(Luma, u8), DecodeError> {
    match load_jpeg_zune(bytes, limits) {
        Err(DecodeError::Corrupt) => load_jpeg_fallback(bytes, limits),
        other => other,
    }
}

fn load_jpeg_fallback(bytes: &[u8], limits: &Limits) -> Result<(Luma, u8), DecodeError> {
    use jpeg_decoder::PixelFormat;
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc_bytes).unwrap_or(usize::MAX));
    decoder.read_info().map_err(|e| corrupt(e.to_string()))?;
    let info = decoder.info().ok_or_else(|| corrupt("JPEG without a frame header"))?;
    let (width, height) = (usize::from(info.width), usize::from(info.height));
    limits.check_dimensions(width as u64, height as u64)?;
    let orientation = decoder.exif_data().and_then(super::exif::orientation).unwrap_or(1);
    let pixels = decoder.decode().map_err(|e| corrupt(e.to_string()))?;
    let n = width * height;
    let pixels = match info.pixel_format {
        PixelFormat::L8 => pixels,
        PixelFormat::L16 => to_luma_in_place(pixels, ColorType::L16, n)?,
        PixelFormat::RGB24 => to_luma_in_place(pixels, ColorType::Rgb8, n)?,
        // jpeg-decoder hands back ink amounts (Adobe's inversion undone): light = (1-C)(1-K).
        PixelFormat::CMYK32 => {
            let rgb: Vec<u8> = pixels
                .chunks_exact(4)
                .flat_map(|p| {
                    let k = 255 - u32::from(p[3]);
                    [0, 1, 2].map(|i| ((255 - u32::from(p[i])) * k / 255) as u8)
                })
                .collect();
            to_luma_in_place(rgb, ColorType::Rgb8, n)?
        }
    };
    if pixels.len() < n {
        return Err(corrupt("JPEG decoded to an unexpected size"));
    }
    Ok((Luma::new(width, height, pixels[..n].to_vec()), orientation))
}

fn load_jpeg_zune(bytes: &[u8], limits: &Limits) -> Result<(Luma, u8), DecodeError> {
    // zune-jpeg's own size limit would report as a format error; ours is checked after the header.
    let options = DecoderOptions::default()
        .set_max_width(usize::from(u16::MAX))
        .set_max_height(usize::from(u16::MAX))
        .set_strict_mode(false);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    decoder.decode_headers().map_err(jpeg_error)?;
    let (width, height) = decoder.dimensions().ok_or_else(|| corrupt("JPEG without a frame header"))?;
    limits.check_dimensions(width as u64, height as u64)?;
    let orientation = decoder.exif().and_then(|tiff| super::exif::orientation(tiff.as_slice())).unwrap_or(1);
    // Luma straight from the Y plane; CMYK and YCCK (print workflows) have no Y plane, so they
    // go through RGB.
    let via_rgb = matches!(decoder.input_colorspace(), Some(ColorSpace::CMYK | ColorSpace::YCCK));
    let out = if via_rgb { ColorSpace::RGB } else { ColorSpace::Luma };
    let options = options.jpeg_set_out_colorspace(out);
    let cut = !via_rgb && width * height >= MIN_PIXELS_FOR_STRIPS;
    let pixels = match cut.then(|| decode_in_strips(bytes, options, width, height)).flatten() {
        Some(pixels) => pixels,
        None => {
            decoder.set_options(options);
            let pixels = decoder.decode().map_err(jpeg_error)?;
            if via_rgb { to_luma_in_place(pixels, ColorType::Rgb8, width * height)? } else { pixels }
        }
    };
    if pixels.len() != width * height {
        return Err(corrupt("JPEG decoded to an unexpected size"));
    }
    Ok((Luma::new(width, height, pixels), orientation))
}

/// Below this many pixels a JPEG is decoded whole: starting threads would cost more than the
/// strips save (a 1 MP photo decodes in about 5 ms).
const MIN_PIXELS_FOR_STRIPS: usize = 1 << 20;

/// At most this many strips per photo (and never more than the cores).
const MAX_STRIPS: usize = 4;

/// Decodes a JPEG with restart markers as strips on several threads, each strip straight into
/// its rows of the luma buffer. `None` when the file cannot be cut or a strip fails to decode
/// (the caller then decodes the file whole, which reports the error as it always did).
fn decode_in_strips(bytes: &[u8], options: DecoderOptions, width: usize, height: usize) -> Option<Vec<u8>> {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let strips = super::restart::split(bytes, cores.min(MAX_STRIPS))?;
    if strips.iter().map(|s| s.height_px).sum::<usize>() != height {
        return None;
    }
    let mut pixels = vec![0u8; width * height];
    let mut rows: Vec<&mut [u8]> = Vec::with_capacity(strips.len());
    let mut rest = pixels.as_mut_slice();
    for strip in &strips {
        let (these, below) = rest.split_at_mut(strip.height_px * width);
        rows.push(these);
        rest = below;
    }
    let decode = |jpeg: &[u8], out: &mut [u8], height_px: usize| -> bool {
        let mut decoder = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
        decoder.decode_headers().is_ok()
            && decoder.dimensions() == Some((width, height_px))
            && decoder.decode_into(out).is_ok()
    };
    let all_decoded = std::thread::scope(|scope| {
        let mut jobs = strips.iter().zip(rows);
        let (first, first_out) = jobs.next()?;
        let others: Vec<_> =
            jobs.map(|(strip, out)| scope.spawn(move || decode(&strip.jpeg, out, strip.height_px))).collect();
        let mut ok = decode(&first.jpeg, first_out, first.height_px);
        // A panic in a strip's thread counts as a failed strip; the whole-file decode that
        // follows runs under the caller's catch_unwind.
        for handle in others {
            ok &= handle.join().unwrap_or(false);
        }
        Some(ok)
    })?;
    all_decoded.then_some(pixels)
}

fn jpeg_error(err: zune_jpeg::errors::DecodeErrors) -> DecodeError {
    use zune_jpeg::errors::DecodeErrors;
    match err {
        DecodeErrors::LargeDimensions(_) => too_large(err),
        other => corrupt(format!("JPEG: {other}")),
    }
}

fn corrupt(reason: impl std::fmt::Display) -> DecodeError {
    tracing::debug!(target: "hospes::qr", %reason, "image is corrupt");
    DecodeError::Corrupt
}

fn too_large(reason: impl std::fmt::Display) -> DecodeError {
    tracing::debug!(target: "hospes::qr", %reason, "image above the limits");
    DecodeError::TooLarge
}

fn load_with_image(bytes: &[u8], format: ImageFormat, limits: &Limits) -> Result<(Luma, u8), DecodeError> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_side_px);
    image_limits.max_image_height = Some(limits.max_side_px);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(image_limits);
    let mut decoder = reader.into_decoder().map_err(image_error)?;
    let (width, height) = decoder.dimensions();
    limits.check_dimensions(u64::from(width), u64::from(height))?;
    let orientation = decoder.orientation().map(exif_value).unwrap_or(1);
    let color = decoder.color_type();
    let total = usize::try_from(decoder.total_bytes()).map_err(|_| corrupt("image too large"))?;
    if total as u64 > limits.max_alloc_bytes {
        return Err(too_large(format_args!("{total} bytes decoded (limit {})", limits.max_alloc_bytes)));
    }
    let mut buf = vec![0u8; total];
    decoder.read_image(&mut buf).map_err(image_error)?;
    let (width, height) = (width as usize, height as usize);
    let pixels = to_luma_in_place(buf, color, width * height)?;
    Ok((Luma::new(width, height, pixels), orientation))
}

fn exif_value(orientation: image::metadata::Orientation) -> u8 {
    use image::metadata::Orientation::*;
    match orientation {
        NoTransforms => 1,
        FlipHorizontal => 2,
        Rotate180 => 3,
        FlipVertical => 4,
        Rotate90FlipH => 5,
        Rotate90 => 6,
        Rotate270FlipH => 7,
        Rotate270 => 8,
    }
}

fn image_error(err: ImageError) -> DecodeError {
    match err {
        ImageError::Limits(e) => too_large(e),
        ImageError::Unsupported(e) => corrupt(format!("unsupported image feature: {e}")),
        other => corrupt(other.to_string()),
    }
}

/// Converts decoded samples of any colour type to 8-bit luma (ITU-R BT.601 weights), alpha
/// composited over white, reusing the decoder's buffer.
fn to_luma_in_place(mut buf: Vec<u8>, color: ColorType, pixel_count: usize) -> Result<Vec<u8>, DecodeError> {
    let bpp = usize::from(color.bytes_per_pixel());
    if buf.len() < pixel_count * bpp {
        return Err(corrupt("decoded buffer shorter than the image"));
    }
    // Reads one sample of channel `c` of pixel `i`, scaled to 0..=255.
    let sample = |buf: &[u8], i: usize, c: usize| -> u32 {
        let at = i * bpp;
        match color {
            ColorType::L16 | ColorType::La16 | ColorType::Rgb16 | ColorType::Rgba16 => {
                u32::from(u16::from_ne_bytes([buf[at + 2 * c], buf[at + 2 * c + 1]]) >> 8)
            }
            ColorType::Rgb32F | ColorType::Rgba32F => {
                let b = &buf[at + 4 * c..at + 4 * c + 4];
                (f32::from_ne_bytes([b[0], b[1], b[2], b[3]]).clamp(0.0, 1.0) * 255.0 + 0.5) as u32
            }
            _ => u32::from(buf[at + c]),
        }
    };
    let (channels, alpha) = match color {
        ColorType::L8 | ColorType::L16 => (1, false),
        ColorType::La8 | ColorType::La16 => (1, true),
        ColorType::Rgb8 | ColorType::Rgb16 | ColorType::Rgb32F => (3, false),
        ColorType::Rgba8 | ColorType::Rgba16 | ColorType::Rgba32F => (3, true),
        _ => return Err(corrupt("unsupported colour type")),
    };
    if channels == 1 && !alpha && bpp == 1 {
        buf.truncate(pixel_count);
        return Ok(buf);
    }
    for i in 0..pixel_count {
        let mut y = if channels == 1 {
            sample(&buf, i, 0)
        } else {
            (77 * sample(&buf, i, 0) + 150 * sample(&buf, i, 1) + 29 * sample(&buf, i, 2) + 128) >> 8
        };
        if alpha {
            let a = sample(&buf, i, channels);
            y = (y * a + 255 * (255 - a) + 127) / 255;
        }
        // Output index i never passes input index i * bpp, so writing in place is safe.
        buf[i] = y.min(255) as u8;
    }
    buf.truncate(pixel_count);
    buf.shrink_to_fit();
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_heic_and_avif_by_brand() {
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(sniff(heic), Err(DecodeError::UnsupportedFormat { format: "HEIC" }));
        let avif = b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf";
        assert_eq!(sniff(avif), Err(DecodeError::UnsupportedFormat { format: "AVIF" }));
        let mif1_avif = b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif";
        assert_eq!(sniff(mif1_avif), Err(DecodeError::UnsupportedFormat { format: "AVIF" }));
        assert_eq!(sniff(b"\0\0\0\x08ftyp"), Err(DecodeError::UnsupportedFormat { format: "ISO media (video)" }));
    }

    #[test]
    fn sniffs_images_and_refuses_text() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0"), Ok(Format::Jpeg));
        assert_eq!(sniff(b"GIF89a"), Ok(Format::Gif));
        assert_eq!(sniff(b"hello"), Err(DecodeError::UnsupportedFormat { format: "unknown" }));
        assert_eq!(sniff(b""), Err(DecodeError::UnsupportedFormat { format: "unknown" }));
    }

    /// A 1600 × 1200 4:2:0 photo-like JPEG with restart markers every `interval` MCUs.
    fn jpeg_with_restarts(interval: u16) -> Vec<u8> {
        let (w, h) = (1600u16, 1200u16);
        let rgb: Vec<u8> = (0..u32::from(h))
            .flat_map(|y| (0..u32::from(w)).map(move |x| (x, y)))
            .flat_map(|(x, y)| [(x * 7 + y) as u8, ((x ^ y) & 0xFF) as u8, ((x * y) >> 6) as u8])
            .collect();
        let mut out = Vec::new();
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        encoder.set_restart_interval(interval);
        encoder.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).expect("jpeg");
        out
    }

    fn decoded_whole(bytes: &[u8]) -> Vec<u8> {
        let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::Luma);
        JpegDecoder::new_with_options(ZCursor::new(bytes), options).decode().expect("decodes")
    }

    #[test]
    fn strips_cut_at_restart_markers_decode_to_the_same_pixels_as_the_whole_file() {
        // one restart a row (100 MCUs), and an interval that ends on a row every 7 rows
        for interval in [100, 7] {
            let bytes = jpeg_with_restarts(interval);
            let strips = crate::qr::restart::split(&bytes, 2).expect("cut at a restart marker");
            assert_eq!(strips.len(), 2);
            assert_eq!(strips.iter().map(|s| s.height_px).sum::<usize>(), 1200);
            let options = DecoderOptions::default().jpeg_set_out_colorspace(ColorSpace::Luma);
            let pixels = decode_in_strips(&bytes, options, 1600, 1200).expect("strips decode");
            assert!(pixels == decoded_whole(&bytes), "interval {interval}: strips differ from the whole");
        }
    }

    #[test]
    fn a_truncated_jpeg_with_restart_markers_is_never_a_panic() {
        let bytes = jpeg_with_restarts(100);
        for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() * 9 / 10] {
            let _ = load_unoriented(&bytes[..cut], &Limits::default());
        }
    }

    #[test]
    fn rgba_is_composited_over_white() {
        // one transparent black pixel, one opaque black pixel
        let buf = vec![0, 0, 0, 0, 0, 0, 0, 255];
        assert_eq!(to_luma_in_place(buf, ColorType::Rgba8, 2).unwrap(), vec![255, 0]);
    }
}
