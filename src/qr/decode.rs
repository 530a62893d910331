//! The synchronous entry point: bytes of an uploaded image in, every QR text out.

use std::panic::{AssertUnwindSafe, catch_unwind};

use super::{DecodeError, Limits, cascade, load};

/// Decodes every QR code in an image, in reading order (rows top to bottom, left to right).
///
/// The format is sniffed from `bytes` (JPEG, PNG, GIF, WebP, BMP, TIFF); EXIF orientation is
/// applied. CPU-bound (milliseconds to about a second for 48 MP): call it from a blocking
/// thread, or use [`super::Decoder`], which does.
///
/// # Errors
/// [`DecodeError::UnsupportedFormat`] for HEIC/HEIF, AVIF and non-images;
/// [`DecodeError::TooLarge`] beyond `limits`; [`DecodeError::Corrupt`] for invalid files;
/// [`DecodeError::NoCode`] when no code is readable; [`DecodeError::DecoderPanic`] when a
/// decoder panicked (caught) and nothing was read.
pub fn decode_bytes(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, DecodeError> {
    decode_bytes_traced(bytes, limits).0
}

/// [`decode_bytes`] plus what the cascade did, for the benchmark and tests.
#[doc(hidden)]
pub fn decode_bytes_traced(bytes: &[u8], limits: &Limits) -> (Result<Vec<String>, DecodeError>, cascade::Trace) {
    let started = std::time::Instant::now();
    let images = match images(bytes, limits) {
        Ok(images) => images,
        Err(err) => {
            let panics = u32::from(err == DecodeError::DecoderPanic);
            return (Err(err), cascade::Trace { panics, ..Default::default() });
        }
    };
    let load_ms = started.elapsed().as_secs_f64() * 1e3;
    let quarter = images.quarter;
    let (found, trace) = match catch_unwind(AssertUnwindSafe(|| cascade::run(images))) {
        Ok((found, trace)) => (found, cascade::Trace { load_ms, quarter, ..trace }),
        Err(_) => {
            return (Err(DecodeError::DecoderPanic), cascade::Trace { panics: 1, ..Default::default() });
        }
    };
    let result = if !found.is_empty() {
        Ok(cascade::reading_order(found))
    } else if trace.panics > 0 {
        Err(DecodeError::DecoderPanic)
    } else {
        Err(DecodeError::NoCode)
    };
    (result, trace)
}

/// For the benchmark's analysis mode: the texts each cascade step reads on its own.
#[doc(hidden)]
pub fn texts_per_step(bytes: &[u8], limits: &Limits) -> Result<Vec<(String, Vec<String>, f64)>, DecodeError> {
    let mut images = images(bytes, limits)?;
    let mut trace = cascade::Trace::default();
    let mut out = Vec::new();
    // The crops step needs rqrr's unread grids from the base raster first. Extra steps, not in
    // the cascade, show what else could pay.
    let extra = [
        (cascade::Engine::Rqrr, cascade::Prep::Up2),
        (cascade::Engine::Rqrr, cascade::Prep::Blurred),
        (cascade::Engine::Rqrr, cascade::Prep::Otsu),
        (cascade::Engine::Rqrr, cascade::Prep::Down2),
        (cascade::Engine::Rqrr, cascade::Prep::Padded),
        (cascade::Engine::RxingGlobal, cascade::Prep::Blurred),
        (cascade::Engine::Rxing, cascade::Prep::Down2),
        (cascade::Engine::RxingHarder, cascade::Prep::Up4By3),
        (cascade::Engine::Rxing, cascade::Prep::Finer),
    ];
    for &(engine, prep) in cascade::CASCADE.iter().chain(&extra) {
        let start = std::time::Instant::now();
        let found = cascade::run_step(&mut images, engine, prep, &mut trace);
        let ms = start.elapsed().as_secs_f64() * 1e3;
        out.push((format!("{engine:?}/{prep:?}"), cascade::reading_order(found), ms));
    }
    Ok(out)
}

/// The image as the cascade starts from it: a large JPEG at a quarter of its size when
/// [`load::load_quarter`] reads it, otherwise the whole photo. A panic in a decoder is caught.
fn images<'a>(bytes: &'a [u8], limits: &'a Limits) -> Result<cascade::Images<'a>, DecodeError> {
    catch_unwind(AssertUnwindSafe(|| match load::load_quarter(bytes, limits) {
        Some((quarter, orientation)) => Ok(cascade::Images::from_quarter(quarter, orientation, bytes, limits)),
        None => load::load_unoriented(bytes, limits).map(|(full, orientation)| cascade::Images::new(full, orientation)),
    }))
    .unwrap_or(Err(DecodeError::DecoderPanic))
}
