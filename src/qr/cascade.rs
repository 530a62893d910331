//! The decode cascade: which decoder runs on which version of the image, in which order.
//!
//! Every step is one decoder on one preprocessed raster. Steps run in [`CASCADE`] order until
//! one reads a code; the order was chosen by measurement on `shared/testdata/qr` (see
//! `benches/qr_corpus.rs`): cheap steps that read most photos first, rescue steps after.
//! A panic inside a step is caught, recorded, and the cascade goes on.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::Limits;
use super::engines::{self, Binarizer, Found};
use super::luma::Luma;

/// Images up to this side are read at full resolution first (the whole corpus: scans and
/// photos up to 1920 px).
const WORK_SIDE_PX: usize = 2048;

/// Larger photos (phone cameras: 4000 px and up) are box-downscaled by an integer factor to at
/// most this side first: a code that fills a tenth of a 12 MP frame still has 4+ px a module,
/// and rxing reads 1.4 MP in a few milliseconds. Smaller codes are left to the later steps at
/// half and full resolution.
const PHOTO_WORK_SIDE_PX: usize = 1400;

/// Above this many finder-pattern candidates on the working raster (every corpus image has at
/// most 6), rqrr and ZXing's Java detector are skipped: their grouping of candidates grows with
/// the square or cube of the count (a hostile 360 × 360 px file tiled with 1 600 patterns kept
/// rqrr busy for 30 s a pass).
const MAX_FINDER_PATTERNS_FOR_SLOW_DETECTORS: usize = 40;

/// After this long, the remaining steps are skipped (a photo normally finishes in well under a
/// second, a 48 MP one without a code in about half a second): a hostile file cannot hold a
/// decode permit for longer than this plus one step.
const CASCADE_BUDGET: std::time::Duration = std::time::Duration::from_secs(3);

/// A decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Rxing,
    RxingGlobal,
    RxingHarder,
    Rqrr,
    RxingLegacy,
}

/// A version of the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prep {
    /// The working raster (the photo, downscaled to at most [`WORK_SIDE_PX`]).
    Base,
    Inverted,
    Blurred,
    Otsu,
    /// Twice the working raster's size: rescues modules under ~4 px.
    Up2,
    /// Half the working raster's size: rescues noisy or very large codes.
    Down2,
    /// A third of the working raster's size.
    Down3,
    /// A large photo at half the downscaling of the working raster (when that was 4× or more).
    Half,
    /// The full-resolution photo, when the working raster was downscaled.
    Full,
    /// A large photo at three quarters of the working raster's downscaling (from the
    /// full-resolution photo).
    Finer,
    /// The working raster enlarged by 4/3 (bilinear), for a photo read at a quarter of its size:
    /// about the scale a 12 MP photo's first raster had before (a third).
    Up4By3,
    /// A white quiet zone added around the working raster; small rasters also enlarged
    /// (nearest neighbour) to about 400 px.
    Padded,
    /// Each grid rqrr found but could not read, cut from the full-resolution photo and doubled.
    RqrrCrops,
}

/// The steps in order. Measured on the corpus (256 labeled images; `QR_STEPS=1 cargo bench
/// --bench qr_corpus`): the first step reads 233, each later one is there for the images only it
/// rescues (count in the comment), cheapest first. `Up4By3` runs only for photos read at a
/// quarter of their size (none in the corpus; one of the eight phone-like 12 MP photos of
/// `scripts/make_phone_photos.py`). rqrr rescues none of the labeled images on
/// its own, but on a slightly blurred raster it reads two unlabeled photos (a billboard, a
/// utility bill) that neither rxing nor zxing-cpp read; it also finds code outlines that rxing
/// then reads from a re-cropped, enlarged cut.
pub const CASCADE: &[(Engine, Prep)] = &[
    (Engine::Rxing, Prep::Base),         // 233
    (Engine::Rxing, Prep::Up4By3),       // phone photos read at a quarter (a scale rxing reads better)
    (Engine::Rxing, Prep::Inverted),     // +4 light-on-dark codes
    (Engine::RxingGlobal, Prep::Base),   // +1 uneven light
    (Engine::RxingHarder, Prep::Base),   // +1 small code in a large photo
    (Engine::RxingGlobal, Prep::Down3),  // +3 textured modules, large codes
    (Engine::RxingGlobal, Prep::Down2),  // +1 circle-dot modules
    (Engine::RxingLegacy, Prep::Base),   // +2 ZXing's Java detector
    (Engine::Rxing, Prep::Half),         // photos above WORK_SIDE_PX: smaller codes
    (Engine::Rxing, Prep::Full),         // and the smallest
    (Engine::RxingGlobal, Prep::Padded), // +1 no quiet zone
    (Engine::Rxing, Prep::Up2),          // +1 modules under ~3 px
    (Engine::Rqrr, Prep::Base),          // second detector; records unread outlines
    (Engine::Rxing, Prep::RqrrCrops),    // outlines rqrr found, re-cut from full resolution
    (Engine::Rqrr, Prep::Blurred),       // 2 unlabeled jsQR photos nothing else reads
];

/// What the cascade did: which step read the codes and whether any decoder panicked.
#[derive(Debug, Default, Clone)]
pub struct Trace {
    pub step: Option<(Engine, Prep)>,
    pub panics: u32,
    pub steps_run: u32,
    /// Finder-pattern candidates on the working raster.
    pub finder_patterns: usize,
    /// Whether the cascade stopped at [`CASCADE_BUDGET`].
    pub out_of_time: bool,
    /// Time spent decoding the file to a raster, in milliseconds.
    pub load_ms: f64,
    /// Whether the first raster was read at a quarter of the photo's size (a large JPEG).
    pub quarter: bool,
}

/// The image in all the versions the steps need, each made on first use.
pub struct Images<'a> {
    /// The photo at full resolution; upright once `orientation` is 1. Empty (0 × 0) for a photo
    /// read at a quarter of its size first, until a step needs it (see `source`).
    full: Luma,
    /// Where the full-resolution photo comes from when it has not been decoded yet.
    source: Option<(&'a [u8], &'a Limits)>,
    /// Whether the working raster was read at a quarter of the photo's size.
    pub quarter: bool,
    /// EXIF orientation still to apply to `full` (the working raster is made upright at once:
    /// turning a 12 MP raster costs more than reading most photos).
    orientation: u8,
    /// Integer factor from full to base.
    factor: usize,
    /// The working raster when it differs from `full` (downscaled).
    downscaled: Option<Luma>,
    unread_grids: Vec<[(f32, f32); 4]>,
    /// Finder-pattern candidates rxing saw on the working raster (first step).
    finder_patterns: usize,
}

impl<'a> Images<'a> {
    /// `full` as stored, with its EXIF orientation (1–8).
    pub fn new(full: Luma, orientation: u8) -> Images<'a> {
        let side = full.width.max(full.height);
        let factor = if side <= WORK_SIDE_PX { 1 } else { side.div_ceil(PHOTO_WORK_SIDE_PX) };
        let (full, orientation, downscaled) = if factor > 1 {
            let base = full_downscaled_upright(&full, factor, orientation);
            (full, orientation, Some(base))
        } else {
            (full.oriented(orientation), 1, None)
        };
        Images {
            full,
            source: None,
            quarter: false,
            orientation,
            factor,
            downscaled,
            unread_grids: Vec::new(),
            finder_patterns: 0,
        }
    }

    /// A large JPEG read at a quarter of its size (see [`super::quarter`]), as stored, with its
    /// EXIF orientation; the full-resolution photo is decoded from `bytes` only if a step needs it.
    pub fn from_quarter(quarter: Luma, orientation: u8, bytes: &'a [u8], limits: &'a Limits) -> Images<'a> {
        let side = quarter.width.max(quarter.height);
        let extra = if side <= PHOTO_WORK_SIDE_PX { 1 } else { side.div_ceil(PHOTO_WORK_SIDE_PX) };
        let base = full_downscaled_upright(&quarter, extra, orientation);
        Images {
            full: Luma::new(0, 0, Vec::new()),
            source: Some((bytes, limits)),
            quarter: true,
            orientation,
            factor: 4 * extra,
            downscaled: Some(base),
            unread_grids: Vec::new(),
            finder_patterns: 0,
        }
    }

    /// Decodes the full-resolution photo if it was read at a quarter first. On failure `full`
    /// stays empty and the steps that need it read nothing.
    fn load_full(&mut self) {
        if let Some((bytes, limits)) = self.source.take()
            && let Ok((full, orientation)) = super::load::load_unoriented(bytes, limits)
        {
            self.full = full;
            self.orientation = orientation;
        }
    }

    /// Turns the full-resolution raster upright, before a step that reads it.
    fn upright_full(&mut self) {
        self.load_full();
        if self.orientation != 1 && self.full.width > 0 {
            let full = std::mem::replace(&mut self.full, Luma::new(0, 0, Vec::new()));
            self.full = full.oriented(self.orientation);
            self.orientation = 1;
        }
    }

    fn base(&self) -> &Luma {
        self.downscaled.as_ref().unwrap_or(&self.full)
    }

    /// The rasters for a step, each with the scale that maps its pixels back to base pixels.
    fn rasters(&self, prep: Prep) -> Vec<(Cow<'_, Luma>, f32)> {
        let f = self.factor as f32;
        let base = self.base();
        let owned = |luma: Luma, scale: f32| vec![(Cow::Owned(luma), scale)];
        match prep {
            Prep::Base => vec![(Cow::Borrowed(base), 1.0)],
            Prep::Inverted => owned(base.inverted(), 1.0),
            Prep::Blurred => owned(base.blurred(), 1.0),
            Prep::Down3 => owned(base.downscaled(3), 3.0),
            Prep::Otsu => owned(base.otsu_thresholded(), 1.0),
            Prep::Up2 if base.width.max(base.height) <= 1600 => owned(base.upscaled2(), 0.5),
            Prep::Down2 => owned(base.downscaled(2), 2.0),
            Prep::Half | Prep::Full | Prep::Finer | Prep::RqrrCrops if self.full.width == 0 => Vec::new(),
            Prep::Finer if self.factor >= 4 => {
                let finer = self.factor * 3 / 4;
                owned(self.full.downscaled(finer), finer as f32 / f)
            }
            Prep::Up4By3 if self.quarter => owned(base.resized(base.width * 4 / 3, base.height * 4 / 3), 0.75),
            Prep::Half if self.factor >= 4 => {
                owned(self.full.downscaled(self.factor / 2), (self.factor / 2) as f32 / f)
            }
            Prep::Full if self.factor > 1 => vec![(Cow::Borrowed(&self.full), 1.0 / f)],
            Prep::RqrrCrops => self.crops().into_iter().map(|(l, s)| (Cow::Owned(l), s)).collect(),
            Prep::Padded => {
                let side = base.width.max(base.height);
                let factor = (400 / side.max(1)).clamp(1, 8);
                let border = side / 10 + 2;
                owned(base.padded(border, factor), 1.0 / factor as f32)
            }
            _ => Vec::new(),
        }
    }

    fn crops(&self) -> Vec<(Luma, f32)> {
        let f = self.factor as f32;
        let mut out = Vec::new();
        for corners in self.unread_grids.iter().take(4) {
            let xs = corners.map(|c| c.0 * f);
            let ys = corners.map(|c| c.1 * f);
            let (x0, x1) = (xs.iter().cloned().fold(f32::MAX, f32::min), xs.iter().cloned().fold(f32::MIN, f32::max));
            let (y0, y1) = (ys.iter().cloned().fold(f32::MAX, f32::min), ys.iter().cloned().fold(f32::MIN, f32::max));
            let margin = 0.15 * (x1 - x0).max(y1 - y0);
            let (cx0, cy0) = ((x0 - margin).max(0.0) as usize, (y0 - margin).max(0.0) as usize);
            let crop = self.full.cropped(cx0, cy0, (x1 + margin) as usize + 1, (y1 + margin) as usize + 1);
            if crop.width < 21 || crop.height < 21 || crop.width.max(crop.height) > 1600 {
                continue;
            }
            // Points come back relative to the crop; the offset is lost, but crops are single codes.
            out.push((crop.upscaled2(), 0.5 / f));
        }
        out
    }
}

/// Runs one step; returns the codes with points in base-raster pixels.
pub fn run_step(images: &mut Images, engine: Engine, prep: Prep, trace: &mut Trace) -> Vec<Found> {
    let slow = matches!(engine, Engine::Rqrr | Engine::RxingLegacy);
    if slow && images.finder_patterns > MAX_FINDER_PATTERNS_FOR_SLOW_DETECTORS {
        return Vec::new();
    }
    if matches!(prep, Prep::Half | Prep::Full | Prep::Finer | Prep::RqrrCrops) {
        images.upright_full();
    }
    let mut found = Vec::new();
    let mut unread_grids = None;
    let mut finder_patterns = None;
    for (raster, scale) in images.rasters(prep) {
        trace.steps_run += 1;
        let result = catch_unwind(AssertUnwindSafe(|| {
            let rxing = |binarizer, try_harder| {
                let outcome = engines::rxing(&raster, binarizer, try_harder);
                (outcome.found, Vec::new(), Some(outcome.finder_patterns))
            };
            match engine {
                Engine::Rxing => rxing(Binarizer::Hybrid, false),
                Engine::RxingGlobal => rxing(Binarizer::GlobalHistogram, false),
                Engine::RxingHarder => rxing(Binarizer::Hybrid, true),
                Engine::RxingLegacy => (engines::rxing_legacy(&raster), Vec::new(), None),
                Engine::Rqrr => {
                    let outcome = engines::rqrr(&raster);
                    (outcome.found, outcome.unread, None)
                }
            }
        }));
        match result {
            Ok((codes, unread, patterns)) => {
                if engine == Engine::Rqrr && prep == Prep::Base {
                    unread_grids = Some(unread);
                }
                if prep == Prep::Base {
                    finder_patterns = finder_patterns.max(patterns);
                }
                found.extend(codes.into_iter().map(|mut c| {
                    c.points.iter_mut().for_each(|p| *p = (p.0 * scale, p.1 * scale));
                    c
                }));
            }
            Err(_) => trace.panics += 1,
        }
    }
    if let Some(unread) = unread_grids {
        images.unread_grids = unread;
    }
    if let Some(patterns) = finder_patterns {
        images.finder_patterns = images.finder_patterns.max(patterns);
        trace.finder_patterns = images.finder_patterns;
    }
    found
}

/// Runs the cascade until a step reads at least one code.
pub fn run(mut images: Images<'_>) -> (Vec<Found>, Trace) {
    let started = std::time::Instant::now();
    let mut trace = Trace::default();
    for &(engine, prep) in CASCADE {
        if started.elapsed() > CASCADE_BUDGET {
            trace.out_of_time = true;
            break;
        }
        let found = run_step(&mut images, engine, prep, &mut trace);
        if !found.is_empty() {
            trace.step = Some((engine, prep));
            return (found, trace);
        }
    }
    (Vec::new(), trace)
}

/// The working raster: `full` box-downscaled by `factor`, then turned upright.
fn full_downscaled_upright(full: &Luma, factor: usize, orientation: u8) -> Luma {
    full.downscaled(factor).oriented(orientation)
}

/// Puts codes in reading order (rows top to bottom, left to right within a row) and drops
/// repeated texts.
pub fn reading_order(mut found: Vec<Found>) -> Vec<String> {
    let centre = |f: &Found| -> (f32, f32, f32) {
        let n = f.points.len().max(1) as f32;
        let (sx, sy) = f.points.iter().fold((0.0, 0.0), |a, p| (a.0 + p.0, a.1 + p.1));
        let ys = f.points.iter().map(|p| p.1);
        let h = ys.clone().fold(f32::MIN, f32::max) - ys.fold(f32::MAX, f32::min);
        (sx / n, sy / n, h.max(1.0))
    };
    found.sort_by(|a, b| centre(a).1.total_cmp(&centre(b).1));
    // Group into rows: a code joins the current row if its centre is within half the row's
    // first code's height of that code's centre.
    let mut rows: Vec<Vec<Found>> = Vec::new();
    for f in found {
        match rows.last_mut() {
            Some(row) if (centre(&f).1 - centre(&row[0]).1).abs() < 0.5 * centre(&row[0]).2 => row.push(f),
            _ => rows.push(vec![f]),
        }
    }
    let mut texts: Vec<String> = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| centre(a).0.total_cmp(&centre(b).0));
        for f in row {
            if !texts.contains(&f.text) {
                texts.push(f.text);
            }
        }
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus_image(path: &str) -> Luma {
        let bytes = std::fs::read(crate::shared_testdata_dir().join("qr").join(path)).expect("corpus image");
        crate::qr::load::load(&bytes, &crate::qr::Limits::default()).expect("loads")
    }

    #[test]
    fn a_panic_inside_a_decoder_is_caught_and_the_cascade_goes_on() {
        // rqrr 0.11 panics in `detect_grids` on this monitor photo (an open upstream bug).
        let mut images = Images::new(corpus_image("zxing/qrcode-6/7.png"), 1);
        let mut trace = Trace::default();
        assert!(run_step(&mut images, Engine::Rqrr, Prep::Base, &mut trace).is_empty());
        assert_eq!(trace.panics, 1);
        // The same image is still read by the next step.
        assert!(!run_step(&mut images, Engine::Rxing, Prep::Base, &mut trace).is_empty());
    }

    #[test]
    fn a_large_photo_is_turned_upright_small_first_and_at_full_resolution_when_needed() {
        let raw = Luma::new(4200, 2100, (0..4200 * 2100).map(|i| (i % 251) as u8).collect());
        for orientation in 1..=8 {
            let mut images = Images::new(raw.clone(), orientation);
            assert_eq!(images.factor, 3);
            assert_eq!(images.base(), &raw.clone().oriented(orientation).downscaled(3), "orientation {orientation}");
            images.upright_full();
            assert_eq!(images.full, raw.clone().oriented(orientation), "orientation {orientation}");
        }
    }

    #[test]
    fn reading_order_is_rows_then_columns() {
        let at = |text: &str, x: f32, y: f32| Found {
            text: text.into(),
            points: vec![(x, y), (x + 10.0, y), (x + 10.0, y + 10.0), (x, y + 10.0)],
        };
        let found = vec![at("C", 0.0, 50.0), at("B", 40.0, 2.0), at("A", 0.0, 0.0), at("A", 0.0, 0.0)];
        assert_eq!(reading_order(found), ["A", "B", "C"]);
    }
}
