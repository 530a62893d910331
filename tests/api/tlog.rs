//! The transparency log wired into sealing: every seal a leaf in the seal's own transaction,
//! receipts with inclusion proofs and the signed checkpoint, the log's routes, tampering, several
//! instances writing at once, and the offline checks of `hospes verify --checkpoint` and
//! `hospes log verify`.

use std::collections::BTreeMap;
use std::sync::Arc;

use ed25519_dalek::VerifyingKey;
use hospes::seal::log::{Checkpoint, ConsistencyProof, Hash, InclusionProof, MemoryHashStore};
use hospes::seal::receipt::{self, Receipt, ReceiptError};
use serde_json::{Value, json};

use crate::helpers::*;

fn jwks_keys(app: &TestApp) -> BTreeMap<String, VerifyingKey> {
    hospes::seal::keyring::parse_jwks(&app.app.keys.jwks())
}

/// Submits one check-in by invitation; returns its id.
async fn submit(app: &TestApp, base: &str, property: &Value) -> String {
    let body = json!({"invitation": invitation_of(property), "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("CHN")))], "contact": {"phone": "+86 138 0000 0000"}});
    let resp = app.client.post(format!("{base}/v1/checkins")).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    let accepted: Value = resp.json().await.unwrap();
    accepted["id"].as_str().unwrap().to_owned()
}

async fn get_json<T: serde::de::DeserializeOwned>(app: &TestApp, path: &str) -> T {
    let resp = app.client.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}: {}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

async fn checkpoint_note(app: &TestApp, tree_size: Option<u64>) -> String {
    let path = match tree_size {
        Some(n) => format!("/v1/log/checkpoint?tree_size={n}"),
        None => "/v1/log/checkpoint".to_owned(),
    };
    let resp = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    resp.text().await.unwrap()
}

/// Every seal of the log, by leaf index, read around the product.
async fn logged_seals(app: &TestApp) -> Vec<(i64, String)> {
    let sql = "SELECT leaf_index, jws FROM seals ORDER BY leaf_index";
    if app.db.url().starts_with("postgres") {
        let pool = sqlx::PgPool::connect(app.db.url()).await.unwrap();
        sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(app.db.url()).await.unwrap();
        sqlx::query_as(sql).fetch_all(&pool).await.unwrap()
    }
}

async fn raw(app: &TestApp, sql: &str) {
    if app.db.url().starts_with("postgres") {
        let pool = sqlx::PgPool::connect(app.db.url()).await.unwrap();
        sqlx::raw_sql(sql).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::SqlitePool::connect(app.db.url()).await.unwrap();
        sqlx::raw_sql(sql).execute(&pool).await.unwrap();
    }
}

#[tokio::test]
async fn every_seal_is_a_leaf_and_its_receipt_proves_inclusion_in_the_signed_checkpoint() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let first = submit(&app, &app.base, &property).await;
    let second = submit(&app, &app.base, &property).await;
    app.drain_jobs().await;

    // Four seals (two submitted, two verified), leaves 0..4 with no gap, each its JWS.
    let logged = logged_seals(&app).await;
    assert_eq!(logged.iter().map(|(i, _)| *i).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    let mut tree = MemoryHashStore::new();
    tree.append(&logged.iter().map(|(_, j)| j.as_str()).collect::<Vec<_>>()).unwrap();

    let receipt: Receipt = app.receipt(&first, &token).await.json().await.unwrap();
    assert_eq!(receipt.seals.len(), 2);
    let verified = receipt::verify_logged(&receipt, &jwks_keys(&app), None).expect("the receipt verifies with its log");
    assert_eq!(verified.checkpoint.tree_size, 4);
    assert_eq!(verified.checkpoint.root_hash, tree.root_hash(4).unwrap(), "the checkpoint signs the root of the seals");
    assert_eq!(verified.checkpoint.origin, format!("{}/log", app.base.trim_start_matches("http://")));
    assert_eq!(verified.seals.iter().map(|s| s.event.as_str()).collect::<Vec<_>>(), ["submitted", "verified"]);

    // The 202 answer already carries the first seal's proof.
    let accepted: Value = app
        .client
        .post(app.url("/v1/checkins"))
        .json(&json!({"invitation": invitation_of(&property), "stay": stay_json(),
            "persons": [person_json(person_with("valid", Some("CHN")))], "contact": {"phone": "+86 138 0000 0000"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first_receipt: Receipt = serde_json::from_value(accepted["receipt"].clone()).unwrap();
    assert_eq!(first_receipt.seals[0].log.as_ref().unwrap().leaf_index, 4);
    receipt::verify_logged(&first_receipt, &jwks_keys(&app), None).expect("the first receipt verifies");

    // A receipt for an earlier tree size proves only the seals in that tree.
    let old: Receipt = app.client.get(app.url(&format!("/v1/checkins/{second}/receipt?tree_size=2")))
        .bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(old.seals.len(), 1, "the second check-in's verified seal is leaf 3, not in a tree of 2");
    let trusted = receipt::open_checkpoint(&checkpoint_note(&app, Some(2)).await, &jwks_keys(&app)).unwrap();
    receipt::verify_logged(&old, &jwks_keys(&app), Some(&trusted)).expect("verifies against a held checkpoint of its size");
    let resp = app.client.get(app.url(&format!("/v1/checkins/{second}/receipt?tree_size=99"))).bearer_auth(&token).send().await.unwrap();
    let problem = assert_problem(resp, 400, "malformed_request").await;
    assert!(problem["detail"].as_str().unwrap().contains("the log has "), "{problem}");
    // A tree older than the check-in proves none of its seals: a problem, not an empty receipt.
    for size in [0, 1] {
        let resp = app.client.get(app.url(&format!("/v1/checkins/{second}/receipt?tree_size={size}"))).bearer_auth(&token).send().await.unwrap();
        let problem = assert_problem(resp, 400, "malformed_request").await;
        assert_eq!(problem["errors"][0]["field"], "tree_size");
    }
}

#[tokio::test]
async fn the_log_routes_serve_proofs_that_verify_and_name_bad_fields() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    for _ in 0..3 {
        submit(&app, &app.base, &property).await;
    }
    let keys = jwks_keys(&app);
    let old = receipt::open_checkpoint(&checkpoint_note(&app, None).await, &keys).unwrap();
    assert_eq!(old.tree_size, 3);
    app.drain_jobs().await;
    submit(&app, &app.base, &property).await;
    let new = receipt::open_checkpoint(&checkpoint_note(&app, None).await, &keys).unwrap();
    assert_eq!(new.tree_size, 7);
    // The checkpoint of a past size is the one served then, byte for byte.
    assert_eq!(receipt::open_checkpoint(&checkpoint_note(&app, Some(3)).await, &keys).unwrap(), old);

    let logged = logged_seals(&app).await;
    for leaf in [0u64, 4, 6] {
        let proof: InclusionProof = get_json(&app, &format!("/v1/log/proof/inclusion?leaf_index={leaf}&tree_size=7")).await;
        proof.verify_against_checkpoint(logged[leaf as usize].1.as_bytes(), &new).expect("inclusion verifies");
        assert!(proof.verify(logged[(leaf as usize + 1) % 7].1.as_bytes()).is_err(), "a proof for another leaf");
    }
    let proof: ConsistencyProof = get_json(&app, "/v1/log/proof/consistency?from=3&to=7").await;
    hospes::seal::log::verify_checkpoint_consistency(&old, &new, &proof.consistency_proof).expect("consistent");
    let mut forged = proof.consistency_proof.clone();
    forged[0] = Hash([9; 32]);
    assert!(hospes::seal::log::verify_checkpoint_consistency(&old, &new, &forged).is_err());

    let vkeys = app.client.get(app.url("/v1/log/verifier-keys")).send().await.unwrap().text().await.unwrap();
    assert!(vkeys.lines().next().unwrap().starts_with(&format!("{}+", old.origin)));

    for (path, field) in [
        ("/v1/log/proof/inclusion?leaf_index=7&tree_size=7", "leaf_index"),
        ("/v1/log/proof/inclusion?tree_size=7", "leaf_index"),
        ("/v1/log/proof/inclusion?leaf_index=x", "leaf_index"),
        ("/v1/log/proof/inclusion?leaf_index=0&tree_size=8", "tree_size"),
        ("/v1/log/proof/consistency?from=5&to=3", "from"),
        ("/v1/log/proof/consistency?from=3&to=8", "to"),
        ("/v1/log/checkpoint?tree_size=8", "tree_size"),
    ] {
        let resp = app.client.get(app.url(path)).send().await.unwrap();
        let problem = assert_problem(resp, 400, "malformed_request").await;
        assert_eq!(problem["errors"][0]["field"], field, "{path}");
    }
}

#[tokio::test]
async fn tampered_receipts_and_checkpoints_are_refused() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let a = submit(&app, &app.base, &property).await;
    let b = submit(&app, &app.base, &property).await;
    let keys = jwks_keys(&app);
    let good: Receipt = app.receipt(&a, &token).await.json().await.unwrap();
    let other: Receipt = app.receipt(&b, &token).await.json().await.unwrap();
    receipt::verify_logged(&good, &keys, None).unwrap();

    // A proof for another leaf.
    let mut swapped = good.clone();
    swapped.seals[0].log = other.seals[0].log.clone();
    assert!(matches!(receipt::verify_logged(&swapped, &keys, None), Err(ReceiptError::NotIncluded { index: 0, .. })));
    // A proof without a leaf index that matches.
    let mut moved = good.clone();
    moved.seals[0].log.as_mut().unwrap().leaf_index = 1;
    assert!(receipt::verify_logged(&moved, &keys, None).is_err());
    // No proof at all.
    let mut bare = good.clone();
    bare.seals[0].log = None;
    assert!(matches!(receipt::verify_logged(&bare, &keys, None), Err(ReceiptError::NotLogged { index: 0 })));

    // A checkpoint whose signature is forged, or whose tree head was altered under the signature.
    let note = good.checkpoint.clone().unwrap();
    let (body, sig_line) = note.split_once("\n\n").unwrap();
    let (prefix, sig) = sig_line.rsplit_once(' ').unwrap();
    let mut sig = sig.trim_end().as_bytes().to_vec();
    sig[10] = if sig[10] == b'A' { b'B' } else { b'A' };
    let forged = format!("{body}\n\n{prefix} {}\n", String::from_utf8(sig).unwrap());
    let mut forged_receipt = good.clone();
    forged_receipt.checkpoint = Some(forged);
    assert!(matches!(receipt::verify_logged(&forged_receipt, &keys, None), Err(ReceiptError::Checkpoint(_))));
    let altered = note.replacen("\n2\n", "\n1\n", 1);
    assert_ne!(altered, note);
    let mut altered_receipt = good.clone();
    altered_receipt.checkpoint = Some(altered);
    assert!(matches!(receipt::verify_logged(&altered_receipt, &keys, None), Err(ReceiptError::Checkpoint(_))));

    // Seals and checkpoint under a key the verifier does not know.
    let stranger = hospes::seal::KeyRing::ephemeral(ed25519_dalek::SigningKey::from_bytes(&[3; 32]));
    let unknown = hospes::seal::keyring::parse_jwks(&stranger.jwks());
    assert!(matches!(receipt::verify_logged(&good, &unknown, None), Err(ReceiptError::Seal { .. })));
    let mut keyless = receipt::Receipt { checkin_id: good.checkin_id.clone(), seals: good.seals.clone(), checkpoint: None };
    assert!(matches!(receipt::verify_logged(&keyless, &keys, None), Err(ReceiptError::NoCheckpoint)));
    keyless.checkpoint = Some(
        Checkpoint::new("elsewhere.example/log", 2, good.seals[0].log.as_ref().unwrap().root_hash)
            .unwrap()
            .sign(&ed25519_dalek::SigningKey::from_bytes(&[3; 32]))
            .unwrap(),
    );
    assert!(matches!(receipt::verify_logged(&keyless, &keys, None), Err(ReceiptError::Checkpoint(_))));
}

#[tokio::test]
async fn a_rewritten_log_is_not_consistent_with_an_earlier_checkpoint() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    for _ in 0..3 {
        submit(&app, &app.base, &property).await;
    }
    let keys = jwks_keys(&app);
    let old = receipt::open_checkpoint(&checkpoint_note(&app, None).await, &keys).unwrap();
    let truncate_to_one = "DELETE FROM tlog_hashes WHERE stored_index >= 1; UPDATE tlog_head SET tree_size = 1; \
                           UPDATE seals SET leaf_index = NULL WHERE leaf_index >= 1";
    // Control: the log cut back to one leaf and the same seals appended again, in the same order,
    // is the same tree.
    raw(&app, truncate_to_one).await;
    assert_eq!(app.app.store.log_backfill().await.unwrap(), 2);
    let again = receipt::open_checkpoint(&checkpoint_note(&app, None).await, &keys).unwrap();
    assert_eq!(again, old);
    // Someone with database access and the signing key rewrites the log from leaf 1 on: a forged
    // seal in place of leaf 1, then the genuine ones after it, and signs the new head.
    raw(&app, truncate_to_one).await;
    app.app.store.log_append_raw(&["a seal that was never made".to_owned()]).await.unwrap();
    app.app.store.log_backfill().await.unwrap();
    let rewritten = receipt::open_checkpoint(&checkpoint_note(&app, None).await, &keys).unwrap();
    assert_eq!(rewritten.tree_size, 4);
    let proof: ConsistencyProof = get_json(&app, "/v1/log/proof/consistency?from=3&to=4").await;
    assert!(
        hospes::seal::log::verify_checkpoint_consistency(&old, &rewritten, &proof.consistency_proof).is_err(),
        "a rewritten log must fail consistency with a checkpoint taken before"
    );
}

#[tokio::test]
async fn two_instances_sealing_at_once_leave_no_gap_and_no_fork() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    // A second instance: its own connection pool on the same database, its own HTTP server.
    let store = hospes::store::connect_encrypted(app.db.url(), app.cipher.clone()).await.unwrap();
    let second = hospes::app::App { store, ..app.app.clone() };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let second_base = format!("http://{}", listener.local_addr().unwrap());
    let router = hospes::http::router(second);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let app = Arc::new(app);
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..24 {
        let (app, property) = (app.clone(), property.clone());
        let base = if i % 2 == 0 { app.base.clone() } else { second_base.clone() };
        tasks.spawn(async move { submit(&app, &base, &property).await });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    app.drain_jobs().await;
    let logged = logged_seals(&app).await;
    assert_eq!(logged.len(), 48);
    assert_eq!(logged.iter().map(|(i, _)| *i).collect::<Vec<_>>(), (0..48).collect::<Vec<_>>(), "leaves 0..48, no gap");
    let mut tree = MemoryHashStore::new();
    tree.append(&logged.iter().map(|(_, j)| j.as_str()).collect::<Vec<_>>()).unwrap();
    let head = app.app.store.log_head().await.unwrap();
    assert_eq!((head.tree_size, head.root_hash), (48, tree.root_hash(48).unwrap()), "one tree, no fork");
}

#[tokio::test]
async fn hospes_verify_checks_inclusion_against_a_held_checkpoint_and_log_verify_checks_consistency() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let id = submit(&app, &app.base, &property).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name);
    std::fs::write(path("jwks.json"), app.app.keys.jwks().to_string()).unwrap();
    std::fs::write(path("old.note"), checkpoint_note(&app, None).await).unwrap();
    let receipt = app.receipt(&id, &token).await.text().await.unwrap();
    std::fs::write(path("receipt.json"), &receipt).unwrap();
    app.drain_jobs().await;
    submit(&app, &app.base, &property).await;
    std::fs::write(path("new.note"), checkpoint_note(&app, None).await).unwrap();
    let jwks = path("jwks.json");
    let jwks = jwks.to_str();

    let verify = |file: &str, checkpoint: Option<&str>| {
        let (file, checkpoint, keys_dir) = (path(file), checkpoint.map(path), path("no-keys"));
        async move {
            let mut out = Vec::new();
            let ok = hospes::seal::cli::verify(file.to_str().unwrap(), jwks, checkpoint.as_deref(), &keys_dir, &mut out).await.unwrap();
            (ok, String::from_utf8(out).unwrap())
        }
    };
    let (ok, out) = verify("receipt.json", Some("old.note")).await;
    assert!(ok, "{out}");
    assert!(out.contains("included in log") && out.contains("at tree size 1"), "{out}");
    let (ok, out) = verify("receipt.json", Some("new.note")).await;
    assert!(!ok && out.contains("INVALID"), "a receipt for size 1 against a checkpoint of size 3: {out}");

    let log_verify = |from: &str, to: &str, proof: Option<&str>| {
        let (from, to, proof, keys_dir) = (path(from), path(to), proof.map(path), path("no-keys"));
        let url = app.base.clone();
        async move {
            let mut out = Vec::new();
            let ok = hospes::seal::cli::log_verify(&from, &to, proof.as_deref(), proof.is_none().then_some(url.as_str()), jwks, &keys_dir, &mut out)
                .await
                .unwrap();
            (ok, String::from_utf8(out).unwrap())
        }
    };
    let (ok, out) = log_verify("old.note", "new.note", None).await;
    assert!(ok, "{out}");
    let proof: ConsistencyProof = get_json(&app, "/v1/log/proof/consistency?from=1&to=3").await;
    let mut bad = proof.clone();
    bad.consistency_proof[0] = Hash([1; 32]);
    std::fs::write(path("bad.json"), serde_json::to_string(&bad).unwrap()).unwrap();
    let (ok, out) = log_verify("old.note", "new.note", Some("bad.json")).await;
    assert!(!ok && out.contains("INVALID"), "{out}");
    std::fs::write(path("forged.note"), std::fs::read_to_string(path("new.note")).unwrap().replacen("\n3\n", "\n2\n", 1)).unwrap();
    let (ok, out) = log_verify("old.note", "forged.note", Some("bad.json")).await;
    assert!(!ok && out.contains("INVALID: checkpoint"), "{out}");
}

#[tokio::test]
async fn interop_receipts_and_log_proofs_verify_with_the_independent_rfc9162_checker() {
    let python = std::env::var("HOSPES_PYTHON").unwrap_or_else(|_| "python3".into());
    if std::process::Command::new(&python).args(["-c", "import cryptography"]).output().map_or(true, |o| !o.status.success()) {
        assert!(std::env::var_os("HOSPES_INTEROP_REQUIRED").is_none(), "{python} with `cryptography` is required");
        eprintln!("skipping: {python} with `cryptography` not found (set HOSPES_PYTHON; .ci/run does)");
        return;
    }
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let id = submit(&app, &app.base, &property).await;
    let old = checkpoint_note(&app, None).await;
    app.drain_jobs().await;
    for _ in 0..4 {
        submit(&app, &app.base, &property).await;
    }
    let mut receipt: Value = app.receipt(&id, &token).await.json().await.unwrap();
    let new = checkpoint_note(&app, None).await;
    let vkeys = app.client.get(app.url("/v1/log/verifier-keys")).send().await.unwrap().text().await.unwrap();
    let vkey = vkeys.lines().next().unwrap().to_owned();
    let keys = jwks_keys(&app);
    let (old_c, new_c) = (receipt::open_checkpoint(&old, &keys).unwrap(), receipt::open_checkpoint(&new, &keys).unwrap());
    let proof: ConsistencyProof =
        get_json(&app, &format!("/v1/log/proof/consistency?from={}&to={}", old_c.tree_size, new_c.tree_size)).await;
    let consistency = json!({"old_size": old_c.tree_size, "old_root": old_c.root_hash, "new_size": new_c.tree_size,
        "new_root": new_c.root_hash, "consistency_proof": proof.consistency_proof});
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop/rfc9162_check.py");
    let check = |name: &str, value: &Value| {
        let file = dir.path().join(name);
        std::fs::write(&file, value.to_string()).unwrap();
        std::process::Command::new(&python).arg(script).arg("--vkey").arg(&vkey).arg(&file).output().unwrap()
    };
    let out = check("receipt.json", &receipt);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let out = check("consistency.json", &consistency);
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let out = check("checkpoints.json", &json!({"checkpoint": new, "verifier_key": vkey}));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // And the same checker refuses a proof for another leaf and a forged consistency proof.
    receipt["seals"][0]["log"]["leaf_index"] = json!(1);
    assert_eq!(check("moved.json", &receipt).status.code(), Some(1));
    let mut forged = consistency.clone();
    forged["consistency_proof"][0] = json!(Hash([7; 32]));
    assert_eq!(check("forged.json", &forged).status.code(), Some(1));
}
