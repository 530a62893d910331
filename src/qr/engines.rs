//! The two QR decoders behind one shape: rxing (a port of ZXing's C++ QR reader) and rqrr
//! (a port of quirc). Each takes a grayscale raster and returns every code it reads, with its
//! corner points in that raster's pixels. Neither sees files, formats or limits.

use rxing::{
    BinaryBitmap, DecodeHints, Luma8Source,
    common::{BitMatrix, DetectorRXingResult, GlobalHistogramBinarizer, HybridBinarizer},
    qrcode::cpp_port::{
        decoder::Decode,
        detector::{FindFinderPatterns, GenerateFinderPatternSets, SampleQR},
    },
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

/// Finder-pattern sets tried per raster, best-scored first. A real photo needs a handful; a
/// hostile image tiled with finder patterns yields hundreds of thousands, each costing a
/// sampling and a Reed-Solomon decode (a 360 × 360 px PNG of 1 600 patterns took 2 s a pass).
/// Measured on the corpus: no code is read beyond the 7th set.
const MAX_FINDER_PATTERN_SETS: usize = 64;

/// What rxing saw on one raster.
#[derive(Debug, Default)]
pub struct RxingOutcome {
    pub found: Vec<Found>,
    /// Finder-pattern candidates (1:1:3:1:1 rings) on the raster: the other detectors' cost
    /// grows with it, so the cascade skips them when it is implausibly high.
    pub finder_patterns: usize,
}

/// Reads every QR code rxing finds: ZXing-C++'s detector and decoder as ported in rxing's
/// `cpp_port` (what its `QrReader` does), with at most [`MAX_FINDER_PATTERN_SETS`] sets tried.
/// `try_harder` scans every row for finder patterns.
pub fn rxing(img: &Luma, binarizer: Binarizer, try_harder: bool) -> RxingOutcome {
    let Ok(source) = Luma8Source::new_with_slice(&img.pixels, img.width as u32, img.height as u32) else {
        return RxingOutcome::default();
    };
    match binarizer {
        Binarizer::Hybrid => read_bits(BinaryBitmap::new(HybridBinarizer::new(source)).get_black_matrix(), try_harder),
        Binarizer::GlobalHistogram => {
            read_bits(BinaryBitmap::new(GlobalHistogramBinarizer::new(source)).get_black_matrix(), try_harder)
        }
    }
}

fn read_bits(bits: &BitMatrix, try_harder: bool) -> RxingOutcome {
    let mut patterns = FindFinderPatterns(bits, try_harder, 0);
    let finder_patterns = patterns.len();
    let mut used = Vec::new();
    let mut found = Vec::new();
    for set in GenerateFinderPatternSets(&mut patterns).into_iter().take(MAX_FINDER_PATTERN_SETS) {
        if [set.bl, set.tl, set.tr].iter().any(|p| used.contains(p)) {
            continue;
        }
        let Ok(detected) = SampleQR(bits, &set) else { continue };
        let Ok(decoded) = Decode(detected.getBits()) else { continue };
        if decoded.isValid() {
            used.extend([set.bl, set.tl, set.tr]);
            let points = detected.getPoints().iter().map(|p| (p.x, p.y)).collect();
            found.push(Found { text: decoded.text(), points });
        }
    }
    RxingOutcome { found, finder_patterns }
}

/// rxing's port of ZXing's Java QR reader (a different finder-pattern detector and sampler).
pub fn rxing_legacy(img: &Luma) -> Vec<Found> {
    let Ok(source) = Luma8Source::new_with_slice(&img.pixels, img.width as u32, img.height as u32) else {
        return Vec::new();
    };
    let hints = DecodeHints { TryHarder: Some(true), ..DecodeHints::default() };
    let mut bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
    match rxing::Reader::decode_with_hints(&mut rxing::qrcode::QRCodeReader, &mut bitmap, &hints) {
        Ok(r) => {
            vec![Found { text: r.getText().to_owned(), points: r.getPoints().iter().map(|p| (p.x, p.y)).collect() }]
        }
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
