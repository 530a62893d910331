//! The decode rate floor on `shared/testdata/qr`: at least 96 % of the labeled images read
//! correctly, no wrong text, no panic. A rate, not a timing (timings: `scripts/bench_qr.py`).

use hospes::qr::{Limits, decode::decode_bytes_traced};

#[test]
fn corpus_decode_rate_is_at_least_96_percent_with_no_wrong_text() {
    let dir = hospes::shared_testdata_dir().join("qr");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).expect("MANIFEST.tsv");
    let (mut labeled, mut correct, mut wrong, mut panics) = (0, 0, Vec::new(), 0);
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let bytes = std::fs::read(dir.join(cols[0])).expect("image");
        let (result, trace) = decode_bytes_traced(&bytes, &Limits::default());
        panics += trace.panics;
        if cols[1].is_empty() {
            continue; // unlabeled
        }
        labeled += 1;
        let mut expected = vec![std::fs::read_to_string(dir.join(cols[1])).expect("text")];
        if !cols[3].is_empty() {
            expected.push(std::fs::read_to_string(dir.join(cols[3])).expect("alt text"));
        }
        let texts = result.unwrap_or_default();
        correct += usize::from(texts.iter().any(|t| expected.contains(t)));
        if let Some(bad) = texts.iter().find(|t| !expected.contains(t)) {
            wrong.push(format!("{}: {bad:?}", cols[0]));
        }
    }
    assert_eq!(labeled, 256);
    assert!(wrong.is_empty(), "wrong texts: {wrong:#?}");
    assert_eq!(panics, 0, "decoder panics (caught) on the corpus");
    let rate = correct as f64 / labeled as f64;
    assert!(rate >= 0.96, "decoded {correct}/{labeled} = {:.1} %", 100.0 * rate);
}
