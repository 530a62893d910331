//! Our proofs checked by an independent implementation: `tests/interop/rfc9162_check.py`, written
//! from RFC 9162 §2.1 and the C2SP specs. This test writes JSON from our log and runs it.
//!
//! It needs `python3` (standard library only). Without it the test says so and passes, unless
//! `HOSPES_INTEROP_REQUIRED=1` (as CI sets it). Checkpoint signatures are checked too when the
//! Python `cryptography` package is importable. `HOSPES_INTEROP_OUT=DIR` keeps the JSON files.

use std::path::{Path, PathBuf};
use std::process::Command;

use ed25519_dalek::SigningKey;
use hospes::seal::log::{Checkpoint, Hash, MemoryHashStore, verifier_key};
use serde_json::{Value, json};

const ORIGIN: &str = "hospes.example/log";

fn python() -> Option<String> {
    let python = std::env::var("HOSPES_PYTHON").unwrap_or_else(|_| "python3".into());
    let found = Command::new(&python).arg("--version").output().is_ok_and(|o| o.status.success());
    if found {
        return Some(python);
    }
    assert!(std::env::var_os("HOSPES_INTEROP_REQUIRED").is_none(), "{python} not found and HOSPES_INTEROP_REQUIRED is set");
    eprintln!("skipping the RFC 9162 interop check: {python} not found");
    None
}

fn has_cryptography(python: &str) -> bool {
    Command::new(python).args(["-c", "import cryptography"]).output().is_ok_and(|o| o.status.success())
}

struct Checker {
    python: String,
    dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
}

impl Checker {
    fn new(python: String) -> Self {
        match std::env::var_os("HOSPES_INTEROP_OUT") {
            Some(dir) => {
                std::fs::create_dir_all(&dir).unwrap();
                Checker { python, dir: dir.into(), _temp: None }
            }
            None => {
                let temp = tempfile::tempdir().unwrap();
                Checker { python, dir: temp.path().to_owned(), _temp: Some(temp) }
            }
        }
    }

    /// Writes `objects` as JSON Lines to `name` and returns the checker's exit code.
    fn run(&self, name: &str, objects: &[Value], extra_args: &[&str]) -> i32 {
        let path = self.dir.join(name);
        let lines: Vec<String> = objects.iter().map(|o| o.to_string()).collect();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/rfc9162_check.py");
        let out = Command::new(&self.python).arg(script).args(extra_args).arg(&path).output().unwrap();
        eprintln!("{name}: {}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        out.status.code().unwrap_or(-1)
    }
}

fn jws(i: u64) -> String {
    format!("eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJpIjo{i:06}fQ.{}", "c2ln".repeat(21))
}

fn b64s(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_base64).collect()
}

fn inclusion(store: &MemoryHashStore, size: u64, index: u64) -> Value {
    json!({
        "leaf": jws(index),
        "leaf_index": index,
        "tree_size": size,
        "inclusion_proof": b64s(&store.inclusion_proof(size, index).unwrap()),
        "root_hash": store.root_hash(size).unwrap().to_base64(),
    })
}

fn consistency(store: &MemoryHashStore, old: u64, new: u64) -> Value {
    json!({
        "old_size": old,
        "old_root": store.root_hash(old).unwrap().to_base64(),
        "new_size": new,
        "new_root": store.root_hash(new).unwrap().to_base64(),
        "consistency_proof": b64s(&store.consistency_proof(old, new).unwrap()),
    })
}

fn log_of(size: u64) -> MemoryHashStore {
    let mut store = MemoryHashStore::new();
    store.append(&(0..size).map(jws).collect::<Vec<_>>()).unwrap();
    store
}

fn receipt(store: &MemoryHashStore, indexes: &[u64], note: &str) -> Value {
    let size = store.tree_size();
    let seals: Vec<Value> = indexes
        .iter()
        .map(|&i| json!({"jws": jws(i), "log": {
            "leaf_index": i,
            "tree_size": size,
            "inclusion_proof": b64s(&store.inclusion_proof(size, i).unwrap()),
            "root_hash": store.root_hash(size).unwrap().to_base64(),
        }}))
        .collect();
    json!({"checkin_id": "0190c0de-0000-7000-8000-000000000000", "seals": seals, "checkpoint": note})
}

/// The checker itself agrees with the RFC 6962 reference vectors (CT's test data), so passing it
/// means more than agreeing with ourselves.
#[test]
fn the_independent_checker_accepts_the_rfc6962_reference_vectors() {
    let Some(python) = python() else { return };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
    let out = Command::new(python)
        .arg(dir.join("rfc9162_check.py"))
        .arg(dir.join("rfc6962_reference_vectors.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_proof_of_our_log_passes_the_independent_rfc9162_checker() {
    let Some(python) = python() else { return };
    let checker = Checker::new(python);
    let store = log_of(70);
    let mut objects = Vec::new();
    for size in 1..=70 {
        for index in 0..size {
            objects.push(inclusion(&store, size, index));
        }
        for old in 0..=size {
            objects.push(consistency(&store, old, size));
        }
    }
    assert_eq!(checker.run("valid_proofs.jsonl", &objects, &[]), 0);

    let key = SigningKey::from_bytes(&[11; 32]);
    let note = Checkpoint::new(ORIGIN, 70, store.root_hash(70).unwrap()).unwrap().sign(&key).unwrap();
    assert_eq!(checker.run("receipt.json", &[receipt(&store, &[3, 41, 69], &note)], &[]), 0);
}

#[test]
fn the_independent_checker_rejects_tampered_proofs() {
    let Some(python) = python() else { return };
    let checker = Checker::new(python);
    let store = log_of(45);
    let good = inclusion(&store, 45, 17);

    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut other_leaf = good.clone();
    other_leaf["leaf"] = json!(jws(18));
    cases.push(("proof_for_another_leaf", other_leaf));
    let mut wrong_index = good.clone();
    wrong_index["leaf_index"] = json!(16);
    cases.push(("wrong_leaf_index", wrong_index));
    let mut wrong_size = good.clone();
    wrong_size["tree_size"] = json!(70);
    cases.push(("wrong_tree_size", wrong_size));
    let mut flipped = good.clone();
    let mut node = Hash::from_base64(flipped["inclusion_proof"][2].as_str().unwrap()).unwrap();
    node.0[5] ^= 0x20;
    flipped["inclusion_proof"][2] = json!(node.to_base64());
    cases.push(("flipped_proof_byte", flipped));
    let mut changed_seal = good.clone();
    changed_seal["leaf"] = json!(jws(17).replacen("eyJpIjo", "eyJpIjp", 1));
    cases.push(("changed_seal", changed_seal));
    let mut truncated = good.clone();
    truncated["inclusion_proof"].as_array_mut().unwrap().pop();
    cases.push(("truncated_proof", truncated));

    // A log rewritten after a checkpoint at size 30: seal 12 replaced, then grown to 45.
    let mut rewritten = MemoryHashStore::new();
    let mut leaves: Vec<String> = (0..45).map(jws).collect();
    leaves[12] = "eyJhbGciOiJFZERTQSJ9.Zm9yZ2Vk.c2ln".into();
    rewritten.append(&leaves).unwrap();
    let mut fork = consistency(&rewritten, 30, 45);
    fork["old_root"] = json!(store.root_hash(30).unwrap().to_base64());
    cases.push(("rewritten_log", fork));
    let mut swapped = consistency(&store, 30, 45);
    let (a, b) = (swapped["old_root"].clone(), swapped["new_root"].clone());
    swapped["old_root"] = b;
    swapped["new_root"] = a;
    cases.push(("swapped_roots", swapped));

    // A receipt whose seal is proven in another tree than its checkpoint's.
    let key = SigningKey::from_bytes(&[12; 32]);
    let note = Checkpoint::new(ORIGIN, 44, store.root_hash(44).unwrap()).unwrap().sign(&key).unwrap();
    cases.push(("receipt_checkpoint_mismatch", receipt(&store, &[5], &note)));

    for (name, case) in cases {
        assert_eq!(checker.run(&format!("{name}.json"), &[case], &[]), 1, "{name} passed the checker");
    }
    // Sanity: the untampered originals pass.
    assert_eq!(checker.run("untampered.jsonl", &[good, consistency(&store, 30, 45)], &[]), 0);
}

#[test]
fn the_independent_checker_verifies_checkpoint_signatures() {
    let Some(python) = python() else { return };
    if !has_cryptography(&python) {
        eprintln!("skipping checkpoint signatures: the Python 'cryptography' package is not installed");
        return;
    }
    let checker = Checker::new(python);
    let key = SigningKey::from_bytes(&[13; 32]);
    let vkey = verifier_key(ORIGIN, &key.verifying_key()).unwrap();
    let store = log_of(9);
    let note = Checkpoint::new(ORIGIN, 9, store.root_hash(9).unwrap()).unwrap().sign(&key).unwrap();
    assert_eq!(checker.run("checkpoint.json", &[json!({"checkpoint": note, "verifier_key": vkey})], &[]), 0);
    assert_eq!(checker.run("receipt_signed.json", &[receipt(&store, &[0, 8], &note)], &["--vkey", &vkey]), 0);

    let forged = note.replacen("\n9\n", "\n8\n", 1);
    assert_eq!(checker.run("forged_checkpoint.json", &[json!({"checkpoint": forged, "verifier_key": vkey})], &[]), 1);
    let other_key = SigningKey::from_bytes(&[14; 32]);
    let impostor = Checkpoint::new(ORIGIN, 9, store.root_hash(9).unwrap()).unwrap().sign(&other_key).unwrap();
    assert_eq!(checker.run("impostor_checkpoint.json", &[json!({"checkpoint": impostor, "verifier_key": vkey})], &[]), 1);
}
