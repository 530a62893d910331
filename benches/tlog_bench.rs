//! Transparency-log benchmark: `cargo bench --bench tlog_bench` (one thread; prints a table).
//!
//! Appends are measured as the database layer will run them, minus the database: per batch, plan
//! the stored hashes to read, fetch them (here from memory into a `PrefetchedHashes`), hash the
//! leaves and compute the new stored hashes and root, then write them. The goal is at least
//! 20 000 leaves/s on one core for single-seal appends. `TLOG_BENCH_LEAVES` sets the log size
//! (default 1 000 000).

use std::hint::black_box;
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use hospes::seal::log::{self, Checkpoint, HashReader, MemoryHashStore, NoteVerifier, PrefetchedHashes};

/// A leaf shaped like a hospes seal: a compact EdDSA JWS of about 750 bytes.
fn seal_like(i: u64) -> Vec<u8> {
    let payload = format!(
        "{{\"checkin\":\"0190c0de-{i:04x}-7000-8000-000000000000\",\"event\":\"verified\",\"iat\":1767225600,\
\"outcome\":{{\"flags\":[]}},\"person_digest\":\"{}\",\"prev\":\"{}\",\"property\":\"0190c0de-0000-7000-8000-00000000beef\",\
\"stay\":{{\"check_in\":\"2026-12-01T14:00:00+08:00\",\"check_out\":\"2026-12-05T11:00:00+08:00\"}}}}",
        "a".repeat(43),
        "b".repeat(43)
    );
    let header = "eyJhbGciOiJFZERTQSIsImtpZCI6IlNhbXBsZUtleUlkLVJGQzc2MzgtdGh1bWJwcmludC0wMDAwMDAwMDAwMDAwMDAwIiwidHlwIjoiaG9zcGVzLXNlYWwrand0In0";
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!("{header}.{}.{}", b64.encode(payload), b64.encode([7u8; 64])).into_bytes()
}

fn row(what: &str, count: u64, elapsed: Duration) {
    let rate = count as f64 / elapsed.as_secs_f64();
    let per = elapsed.as_secs_f64() * 1e6 / count as f64;
    println!("| {what:<58} | {count:>9} | {rate:>12.0} /s | {per:>9.2} µs |");
}

/// One append as the database layer runs it: plan, fetch, compute, write.
fn append_like_the_database(store: &mut MemoryHashStore, leaves: &[Vec<u8>]) -> log::Hash {
    let size = store.tree_size();
    let need = log::indexes_for_append(size, leaves.len() as u64).unwrap();
    let fetched: PrefetchedHashes = need.iter().copied().zip(store.read_hashes(&need).unwrap()).collect();
    let appended = log::append_leaves(size, leaves, &fetched).unwrap();
    store.apply(&appended).unwrap();
    appended.root_hash
}

fn main() {
    let total: u64 = std::env::var("TLOG_BENCH_LEAVES").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let pool: Vec<Vec<u8>> = (0..4096).map(seal_like).collect();
    println!("leaf size: {} bytes (a seal-shaped compact JWS); log size: {total}", pool[0].len());
    println!("| {:<58} | {:>9} | {:>15} | {:>12} |", "operation", "count", "rate", "per op");
    println!("|{}|{}|{}|{}|", "-".repeat(60), "-".repeat(11), "-".repeat(17), "-".repeat(14));

    // Floor: the leaf hash alone.
    let start = Instant::now();
    for i in 0..200_000u64 {
        black_box(log::leaf_hash(&pool[(i % 4096) as usize]));
    }
    row("leaf hash only, SHA-256(0x00 || JWS)", 200_000, start.elapsed());

    // Build the log in batches of 1000. `which[i]` is the pool entry that leaf i is.
    let mut store = MemoryHashStore::new();
    let mut which: Vec<usize> = Vec::new();
    let start = Instant::now();
    let mut i = 0u64;
    while i < total {
        let n = 1000.min(total - i);
        let batch: Vec<Vec<u8>> = (i..i + n).map(|j| pool[(j % 4096) as usize].clone()).collect();
        which.extend((i..i + n).map(|j| (j % 4096) as usize));
        black_box(append_like_the_database(&mut store, &batch));
        i += n;
    }
    row("append, batches of 1000 (plan+fetch+hash+store+root)", total, start.elapsed());

    // Single-seal appends on top of the big log: the service's common case.
    let singles = 100_000u64;
    let leaves: Vec<Vec<Vec<u8>>> = (0..singles).map(|j| vec![pool[(j % 4096) as usize].clone()]).collect();
    let start = Instant::now();
    for leaf in &leaves {
        black_box(append_like_the_database(&mut store, leaf));
    }
    which.extend((0..singles).map(|j| (j % 4096) as usize));
    row("append, one seal at a time (plan+fetch+hash+store+root)", singles, start.elapsed());

    let leaves: Vec<Vec<Vec<u8>>> = (0..singles).map(|j| pool[(j % 4000) as usize..][..10].to_vec()).take(10_000).collect();
    let start = Instant::now();
    for batch in &leaves {
        black_box(append_like_the_database(&mut store, batch));
    }
    which.extend((0..10_000u64).flat_map(|j| (j % 4000) as usize..(j % 4000) as usize + 10));
    row("append, batches of 10 (leaves)", 100_000, start.elapsed());

    // Independent implementation, same work (in-memory push + root), for comparison.
    {
        use ct_merkle::mem_backed_tree::MemoryBackedTree;
        let mut theirs: MemoryBackedTree<sha2_v011::Sha256, Vec<u8>> = MemoryBackedTree::new();
        let start = Instant::now();
        for j in 0..singles {
            theirs.push(pool[(j % 4096) as usize].clone());
            black_box(theirs.root());
        }
        row("ct-merkle MemoryBackedTree push + root (for comparison)", singles, start.elapsed());
    }

    let size = store.tree_size();
    let root = store.root_hash(size).unwrap();
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };

    let n = 100_000u64;
    let start = Instant::now();
    let mut proofs = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let index = next() % size;
        let need = log::indexes_for_inclusion_proof(size, index).unwrap();
        let fetched: PrefetchedHashes = need.iter().copied().zip(store.read_hashes(&need).unwrap()).collect();
        proofs.push((index, log::inclusion_proof(size, index, &fetched).unwrap()));
    }
    row(&format!("inclusion proof at size {size} (plan+fetch+prove)"), n, start.elapsed());

    let start = Instant::now();
    for (index, proof) in &proofs {
        let leaf = log::leaf_hash(&pool[which[*index as usize]]);
        log::verify_inclusion(&leaf, *index, size, proof, &root).unwrap();
    }
    row("inclusion proof verification (incl. leaf hash)", n, start.elapsed());

    let start = Instant::now();
    let mut consistency = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let old = 1 + next() % (size - 1);
        let need = log::indexes_for_consistency_proof(old, size).unwrap();
        let fetched: PrefetchedHashes = need.iter().copied().zip(store.read_hashes(&need).unwrap()).collect();
        consistency.push((old, log::consistency_proof(old, size, &fetched).unwrap()));
    }
    row("consistency proof to latest (plan+fetch+prove)", n, start.elapsed());

    let n_roots = 2_000u64;
    let olds: Vec<_> = consistency.iter().take(n_roots as usize).map(|(o, p)| (*o, store.root_hash(*o).unwrap(), p)).collect();
    let start = Instant::now();
    for (old, old_root, proof) in &olds {
        log::verify_consistency(*old, old_root, size, &root, proof).unwrap();
    }
    row("consistency proof verification", n_roots, start.elapsed());

    let key = SigningKey::from_bytes(&[42; 32]);
    let verifier = NoteVerifier::new("hospes.example/log", &key.verifying_key()).unwrap();
    let cp = Checkpoint::new("hospes.example/log", size, root).unwrap();
    let n = 10_000u64;
    let start = Instant::now();
    let mut note = String::new();
    for _ in 0..n {
        note = cp.sign(&key).unwrap();
    }
    row("checkpoint sign (signed note, Ed25519)", n, start.elapsed());
    let start = Instant::now();
    for _ in 0..n {
        black_box(Checkpoint::open(&note, &verifier).unwrap());
    }
    row("checkpoint open (parse + verify_strict)", n, start.elapsed());
}
