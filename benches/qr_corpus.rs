//! QR decode rate and time on `shared/testdata/qr` (hospes only; `scripts/bench_qr.py` puts
//! zxing-cpp beside it). Run: `cargo bench --bench qr_corpus`.
//! `QR_STEPS=1` also prints, per image, which cascade steps read it (to order the cascade).
//! `QR_FILTER=substring[,substring]` restricts to matching paths; `QR_FILES=a.png,b.jpg` reads
//! other files instead of the corpus. `QR_REPEAT=n` decodes each file n times (percentiles over
//! all decodes; each line shows the file's median, p95 and the median time to decode the
//! raster), e.g. for the 12 MP photos of `scripts/make_phone_photos.py`.

use std::time::Instant;

use hospes::qr::{Limits, decode};

struct Row {
    path: String,
    expected: Option<Vec<String>>,
}

fn manifest() -> (std::path::PathBuf, Vec<Row>) {
    if let Ok(files) = std::env::var("QR_FILES") {
        let rows = files.split(',').map(|f| Row { path: f.to_owned(), expected: None }).collect();
        return (std::path::PathBuf::from("."), rows);
    }
    let dir = hospes::shared_testdata_dir().join("qr");
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let filter = std::env::var("QR_FILTER").unwrap_or_default();
    let rows = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            if !filter.split(',').any(|f| cols[0].contains(f)) {
                return None;
            }
            let read = |f: &str| std::fs::read_to_string(dir.join(f)).expect("expected text");
            let expected = (!cols[1].is_empty()).then(|| {
                let mut v = vec![read(cols[1])];
                if !cols[3].is_empty() {
                    v.push(read(cols[3]));
                }
                v
            });
            Some(Row { path: cols[0].to_owned(), expected })
        })
        .collect();
    (dir, rows)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo as f64)
}

fn main() {
    let (dir, rows) = manifest();
    let limits = Limits::default();
    let steps = std::env::var("QR_STEPS").is_ok();
    let (mut labeled, mut correct, mut wrong, mut panics) = (0, 0, 0, 0);
    let mut times = Vec::new();
    let mut per_step: std::collections::BTreeMap<String, usize> = Default::default();
    let repeat: usize = std::env::var("QR_REPEAT").ok().and_then(|n| n.parse().ok()).unwrap_or(1).max(1);
    for row in &rows {
        let bytes = std::fs::read(dir.join(&row.path)).expect("image");
        let (mut these, mut loads) = (Vec::new(), Vec::new());
        let mut outcome = None;
        for _ in 0..repeat {
            let start = Instant::now();
            let (result, trace) = decode::decode_bytes_traced(&bytes, &limits);
            these.push(start.elapsed().as_secs_f64() * 1e3);
            loads.push(trace.load_ms);
            outcome = Some((result, trace));
        }
        let (result, trace) = outcome.expect("decoded at least once");
        times.extend(&these);
        these.sort_by(f64::total_cmp);
        loads.sort_by(f64::total_cmp);
        let ms = percentile(&these, 0.5);
        let spread = if repeat > 1 {
            format!(" (p95 {:.1}, raster {:.1})", percentile(&these, 0.95), percentile(&loads, 0.5))
        } else {
            String::new()
        };
        panics += trace.panics;
        let texts = result.clone().unwrap_or_default();
        let verdict = match &row.expected {
            None => "unlabeled",
            Some(expected) => {
                labeled += 1;
                let ok = texts.iter().any(|t| expected.contains(t));
                let bad = texts.iter().any(|t| !expected.contains(t));
                correct += usize::from(ok);
                wrong += usize::from(bad);
                match (ok, bad) {
                    (true, false) => "ok",
                    (true, true) => "ok+WRONG",
                    (false, true) => "WRONG",
                    (false, false) => "miss",
                }
            }
        };
        let step = trace.step.map(|s| format!("{:?}/{:?}", s.0, s.1)).unwrap_or_else(|| "-".into());
        *per_step.entry(step.clone()).or_default() += usize::from(verdict.starts_with("ok"));
        let (steps_run, patterns) = (trace.steps_run, trace.finder_patterns);
        println!("{verdict:9} {ms:8.1} ms{spread}  steps={steps_run:2} fp={patterns:4} {step:24} {}", row.path);
        if verdict == "WRONG" || verdict == "ok+WRONG" {
            println!("          got {texts:?}");
        }
        if steps {
            for (name, texts, ms) in decode::texts_per_step(&bytes, &limits).unwrap_or_default() {
                let mark = match &row.expected {
                    _ if texts.is_empty() => ".",
                    Some(expected) if texts.iter().any(|t| expected.contains(t)) => "+",
                    Some(_) => "X",
                    None => "?", // unlabeled: read something
                };
                print!(" {mark}{name}({ms:.0})");
            }
            println!();
        }
    }
    times.sort_by(f64::total_cmp);
    println!("\nsteps that read each correct image: {per_step:?}");
    println!(
        "hospes: {correct}/{labeled} labeled decoded correctly ({:.1} %), {wrong} wrong, {panics} panics caught; \
         median {:.1} ms, p95 {:.1} ms over {} decodes",
        100.0 * correct as f64 / labeled.max(1) as f64,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times.len()
    );
}
