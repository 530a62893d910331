//! Seal benchmarks, reported as ratios measured in one run (`cargo bench --bench seal_bench`):
//!
//! 1. sealing (canonical JSON payload, JAdES-shaped header, JWS compact serialization, Ed25519)
//!    against raw ed25519-dalek signing of a message of the same length (goal ≥ 0.9);
//! 2. verifying many seals with batch verification against one by one with `verify_strict`
//!    (goal ≥ 1.8×);
//! 3. appending seals to the transparency log in the database, in one transaction per batch and
//!    in one transaction per seal (as the service does), on SQLite (a temporary file) and, when
//!    `HOSPES_BENCH_POSTGRES_URL` names a scratch database (raw leaves are appended to its log),
//!    on PostgreSQL.
//!    Goal ≥ 20 000 leaves/s on one core (the database's own work included).
//!
//! `SEAL_BENCH_N` sets the number of seals (default 20 000).

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use hospes::seal::KeyRing;
use hospes::seal::payload::{SealPayload, SealStay};

fn payload(i: usize) -> SealPayload {
    SealPayload {
        v: 1,
        checkin: format!("0193a1b2-c3d4-7e5f-8a9b-{i:012x}"),
        event: "verified".into(),
        time: "2026-12-01T06:00:00Z".into(),
        property: "0193a1b2-0000-7e5f-8a9b-0c1d2e3f4a5b".into(),
        jurisdiction: "ES-M".into(),
        stay: SealStay { check_in: "2026-12-01T13:00:00Z".into(), check_out: "2026-12-04T10:00:00Z".into() },
        persons: vec!["x5jHcVtFvj1K9cQe0m4rQm2n3tKk3d0sM3F7b0cVx2Q".into(), "0m4rQm2n3tKk3d0sM3F7b0cVx2Qx5jHcVtFvj1K9cQe".into()],
        outcome: Some(Default::default()),
        prev: Some("n3tKk3d0sM3F7b0cVx2Qx5jHcVtFvj1K9cQe0m4rQm2".into()),
    }
}

fn rate(n: usize, start: Instant) -> f64 {
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let n: usize = std::env::var("SEAL_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let key = SigningKey::from_bytes(&[42; 32]);
    let ring = KeyRing::ephemeral(key.clone());
    let at = chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap();
    let payloads: Vec<SealPayload> = (0..n).map(payload).collect();

    // The two sides of each ratio run alternately, in rounds of 500, and their times are summed:
    // a machine shared with other work slows both sides alike instead of one phase.
    let rounds: Vec<std::ops::Range<usize>> = (0..n).step_by(500).map(|i| i..(i + 500).min(n)).collect();

    // 1. Sealing against raw signing of a message as long as a seal's signing input.
    let sample = ring.seal(&payloads[0], at).unwrap().compact;
    let input_len = sample.rsplit_once('.').unwrap().0.len();
    let messages: Vec<Vec<u8>> = (0..n).map(|i| { let mut m = vec![b'a'; input_len]; m[..8].copy_from_slice(&(i as u64).to_be_bytes()); m }).collect();
    let (mut raw_time, mut seal_time, mut canonical_time) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut seals: Vec<String> = Vec::with_capacity(n);
    for r in &rounds {
        let start = Instant::now();
        for m in &messages[r.clone()] {
            black_box(key.sign(m));
        }
        raw_time += start.elapsed();
        let start = Instant::now();
        for p in &payloads[r.clone()] {
            seals.push(ring.seal(p, at).unwrap().compact);
        }
        seal_time += start.elapsed();
        let start = Instant::now();
        for p in &payloads[r.clone()] {
            black_box(hospes::seal::jws::canonical_json(p).unwrap());
        }
        canonical_time += start.elapsed();
    }
    let per_s = |d: Duration| n as f64 / d.as_secs_f64();
    println!(
        "sealing: {:.0} seals/s; raw ed25519-dalek sign of {input_len} bytes: {:.0}/s; ratio {:.2} (goal >= 0.9); \
RFC 8785 canonicalisation of the payload alone: {:.0}/s",
        per_s(seal_time), per_s(raw_time), raw_time.as_secs_f64() / seal_time.as_secs_f64(), per_s(canonical_time)
    );

    // 2. Batch (64 a batch) against one-by-one strict verification, alternating.
    let vk = key.verifying_key();
    let refs: Vec<&str> = seals.iter().map(String::as_str).collect();
    let (mut single_time, mut batch_time) = (Duration::ZERO, Duration::ZERO);
    for r in &rounds {
        let start = Instant::now();
        for s in &refs[r.clone()] {
            hospes::seal::jws::verify(s, |_| Some(&vk)).unwrap();
        }
        single_time += start.elapsed();
        let start = Instant::now();
        for chunk in refs[r.clone()].chunks(64) {
            hospes::seal::jws::verify_batch(chunk, |_| Some(&vk)).unwrap();
        }
        batch_time += start.elapsed();
    }
    println!(
        "verification: batches of 64 {:.0}/s, one by one (verify_strict) {:.0}/s; speed-up {:.2}x (goal >= 1.8x)",
        per_s(batch_time), per_s(single_time), single_time.as_secs_f64() / batch_time.as_secs_f64()
    );

    // 3. Appending to the log in the database.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
        append_bench("SQLite", &sqlite, &seals).await;
        if let Ok(url) = std::env::var("HOSPES_BENCH_POSTGRES_URL") {
            append_bench("PostgreSQL", &url, &seals).await;
        }
    });
}

async fn append_bench(name: &str, url: &str, seals: &[String]) {
    let store = hospes::store::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    let start = Instant::now();
    for chunk in seals.chunks(1000) {
        store.log_append_raw(chunk).await.unwrap();
    }
    let batched = rate(seals.len(), start);
    let single_n = seals.len().min(2000);
    let start = Instant::now();
    for s in &seals[..single_n] {
        store.log_append_raw(std::slice::from_ref(s)).await.unwrap();
    }
    let single = rate(single_n, start);
    let head = store.log_head().await.unwrap();
    println!(
        "log append on {name}: {batched:.0} leaves/s in transactions of 1000, {single:.0} leaves/s one transaction per leaf (goal >= 20000 leaves/s); tree size now {}",
        head.tree_size
    );
}
