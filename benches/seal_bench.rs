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
use std::time::Instant;

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

    // 1. Sealing against raw signing of a message as long as a seal's signing input.
    let sample = ring.seal(&payloads[0], at).unwrap().compact;
    let input_len = sample.rsplit_once('.').unwrap().0.len();
    let messages: Vec<Vec<u8>> = (0..n).map(|i| { let mut m = vec![b'a'; input_len]; m[..8].copy_from_slice(&(i as u64).to_be_bytes()); m }).collect();
    let start = Instant::now();
    for m in &messages {
        black_box(key.sign(m));
    }
    let raw = rate(n, start);
    let start = Instant::now();
    let seals: Vec<String> = payloads.iter().map(|p| ring.seal(p, at).unwrap().compact).collect();
    let sealing = rate(n, start);
    println!("sealing: {sealing:.0} seals/s; raw ed25519-dalek sign of {input_len} bytes: {raw:.0}/s; ratio {:.2} (goal >= 0.9)", sealing / raw);

    // 2. Batch against one-by-one strict verification.
    let vk = key.verifying_key();
    let refs: Vec<&str> = seals.iter().map(String::as_str).collect();
    let start = Instant::now();
    for s in &refs {
        hospes::seal::jws::verify(s, |_| Some(&vk)).unwrap();
    }
    let single = rate(n, start);
    let start = Instant::now();
    for chunk in refs.chunks(64) {
        hospes::seal::jws::verify_batch(chunk, |_| Some(&vk)).unwrap();
    }
    let batch = rate(n, start);
    println!("verification: batches of 64 {batch:.0}/s, one by one (verify_strict) {single:.0}/s; speed-up {:.2}x (goal >= 1.8x)", batch / single);

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
