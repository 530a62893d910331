//! The two QR decoders behind one shape: rxing (a port of ZXing's C++ QR reader) and rqrr
//! (a port of quirc). Each takes a grayscale raster and returns every code it reads, with its
//! corner points in that raster's pixels. Neither sees files, formats or limits.

use std::collections::HashSet;

use rxing::{
    BarcodeFormat, BinaryBitmap, DecodeHints, Luma8Source,
    common::{GlobalHistogramBinarizer, HybridBinarizer},
    multi::MultipleBarcodeReader,
    qrcode::cpp_port::QrReader,
};

use super::{luma::Luma, text};

/// One code read from a raster.
#[derive(Debug, Clone)]
pub struct Found {
    pub text: String,
    /// Corner (or finder-pattern) points in the raster's pixel coordinates.
    pub points: Vec<(f32, f32)>,
}

/// How rxing turns gray into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binarizer {
    /// Local thresholds over 8 × 8 blocks (ZXing's default for 2-D codes).
    Hybrid,
    /// One threshold per row from the histogram: better on blur and low contrast.
    GlobalHistogram,
}

/// Reads every QR code rxing finds. `try_harder` scans every row for finder patterns.
pub fn rxing(img: &Luma, binarizer: Binarizer, try_harder: bool) -> Vec<Found> {
    let Ok(source) = Luma8Source::new_with_slice(&img.pixels, img.width as u32, img.height as u32) else {
        return Vec::new();
    };
    let hints = DecodeHints {
        PossibleFormats: Some(HashSet::from([BarcodeFormat::QR_CODE])),
        TryHarder: Some(try_harder),
        ..DecodeHints::default()
    };
    let results = match binarizer {
        Binarizer::Hybrid => {
            QrReader.decode_multiple_with_hints(&mut BinaryBitmap::new(HybridBinarizer::new(source)), &hints)
        }
        Binarizer::GlobalHistogram => QrReader
            .decode_multiple_with_hints(&mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)), &hints),
    };
    results
        .unwrap_or_default()
        .into_iter()
        .filter(|r| *r.getBarcodeFormat() == BarcodeFormat::QR_CODE)
        .map(|r| Found { text: r.getText().to_owned(), points: r.getPoints().iter().map(|p| (p.x, p.y)).collect() })
        .collect()
}

/// rxing's port of ZXing's Java QR reader (a different finder-pattern detector and sampler).
pub fn rxing_legacy(img: &Luma) -> Vec<Found> {
    let Ok(source) = Luma8Source::new_with_slice(&img.pixels, img.width as u32, img.height as u32) else {
        return Vec::new();
    };
    let hints = DecodeHints { TryHarder: Some(true), ..DecodeHints::default() };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    match rxing::Reader::decode_with_hints(&mut rxing::qrcode::QRCodeReader, &mut bitmap, &hints) {
        Ok(r) => vec![Found { text: r.getText().to_owned(), points: r.getPoints().iter().map(|p| (p.x, p.y)).collect() }],
        _ => Vec::new(),
    }
}

/// What rqrr saw: the codes it read and the outlines of grids it found but could not read.
#[derive(Debug, Default)]
pub struct RqrrOutcome {
    pub found: Vec<Found>,
    /// Corners (top-left, top-right, bottom-right, bottom-left) of unreadable grids.
    pub unread: Vec<[(f32, f32); 4]>,
}

/// Reads every QR code rqrr finds.
pub fn rqrr(img: &Luma) -> RqrrOutcome {
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(img.width, img.height, |x, y| img.get(x, y));
    let mut outcome = RqrrOutcome::default();
    for grid in prepared.detect_grids() {
        let corners = grid.bounds.map(|p| (p.x as f32, p.y as f32));
        let mut payload = Vec::new();
        match grid.decode_to(&mut payload) {
            Ok(_) => outcome.found.push(Found { text: text::from_payload(&payload), points: corners.to_vec() }),
            Err(_) => outcome.unread.push(corners),
        }
    }
    outcome
}
