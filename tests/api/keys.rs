//! The seal key ring in operation: production refuses to start without keys and never makes one,
//! a bad key file stops start-up with its name, rotation keeps old seals verifiable, and a seal
//! dated outside its key's validity period is refused.

use std::process::Stdio;

use hospes::seal::receipt::{self, Receipt, ReceiptError};
use serde_json::{Value, json};

use crate::helpers::*;

/// `hospes serve` in production with `keys_dir`; returns (exit success, stderr) once it exits.
async fn serve_in_production(keys_dir: &std::path::Path, data_dir: &std::path::Path) -> (bool, String) {
    let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"))
        .arg("serve")
        .env("HOSPES_ENV", "production")
        .env("HOSPES_KEYS_DIR", keys_dir)
        .env("HOSPES_DATA_DIR", data_dir)
        .env("HOSPES_LISTEN", "127.0.0.1:0")
        .env_remove("HOSPES_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("a refused start-up exits at once")
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[tokio::test]
async fn production_refuses_to_start_without_a_seal_key_and_never_generates_one() {
    let keys = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (ok, stderr) = serve_in_production(keys.path(), data.path()).await;
    assert!(!ok);
    assert!(stderr.contains("no seal key") && stderr.contains("hospes keys generate"), "{stderr}");
    assert_eq!(std::fs::read_dir(keys.path()).unwrap().count(), 0, "production wrote nothing into keys/");
}

#[tokio::test]
async fn a_seal_key_file_with_a_wrong_permission_or_format_stops_start_up_naming_the_file() {
    use std::os::unix::fs::PermissionsExt;
    let keys = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let kid = hospes::seal::keyring::generate(keys.path()).unwrap();
    let key_file = keys.path().join(format!("{kid}.key.pem"));
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (ok, stderr) = serve_in_production(keys.path(), data.path()).await;
    assert!(!ok && stderr.contains(&format!("{kid}.key.pem")) && stderr.contains("0600"), "{stderr}");
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&key_file, "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n").unwrap();
    let (ok, stderr) = serve_in_production(keys.path(), data.path()).await;
    assert!(!ok && stderr.contains(&format!("{kid}.key.pem")) && stderr.contains("cannot read key file"), "{stderr}");
}

#[tokio::test]
async fn after_rotation_old_seals_still_verify_and_a_retired_key_cannot_seal_anew() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    // Seals are dated by the service's clock; the keys' periods by the wall clock.
    app.clock.set(chrono::Utc::now());
    let body = json!({"invitation": invitation_of(&property), "stay": stay_json(),
        "persons": [person_json(person_with("valid", Some("CHN")))], "contact": {"phone": "+86 138 0000 0000"}});
    let accepted: Value = app.submit_checkin(None, &body).await.json().await.unwrap();
    let id = accepted["id"].as_str().unwrap();
    let old_ring = app.app.keys.clone();

    // Rotate in the instance's keys directory and start a second instance with the new ring.
    let new_kid = hospes::seal::keyring::rotate(app._keys_dir.path(), chrono::Duration::zero()).unwrap();
    app.clock.set(chrono::Utc::now());
    let ring = hospes::seal::KeyRing::load(app._keys_dir.path()).unwrap();
    assert_eq!(ring.active_kid(), new_kid);
    let second = hospes::app::App { keys: std::sync::Arc::new(ring.clone()), ..app.app.clone() };
    let checkin = second.store.checkin(id).await.unwrap().unwrap();
    // The registry answer is sealed by the rotated instance, under the new key.
    second.record_event(&checkin, hospes::domain::Event::Verified, None, None).await.unwrap();
    let receipt: Receipt = hospes::transparency::receipt(&second, id, None).await.unwrap();
    let jwks = ring.jwks();
    let keys = hospes::seal::keyring::parse_jwks(&jwks);
    let verified = receipt::verify_logged(&receipt, &keys, None).expect("old and new seals verify with the rotated JWKS");
    assert_eq!(verified.seals[0].kid, old_ring.active_kid());
    assert_eq!(verified.seals[1].kid, new_kid);
    let validity = hospes::seal::keyring::parse_jwks_validity(&jwks);
    receipt::check_key_validity(&verified.seals, &validity).expect("each seal within its key's period");

    // A seal made with the retired key after its retirement is refused, though its signature is good.
    let until = validity[old_ring.active_kid()].valid_until.unwrap();
    let late = chrono::DateTime::from_timestamp(until + 3600, 0).unwrap();
    let payload: Value = serde_json::from_slice(&hospes::seal::jws::parse(&receipt.seals[0].jws).unwrap().payload).unwrap();
    let forged = old_ring.seal(&payload, late).unwrap();
    let single = receipt::parse_receipt_text(&forged.compact).unwrap();
    let seals = receipt::verify(&single, &keys).expect("the signature itself is good");
    assert!(matches!(receipt::check_key_validity(&seals, &validity), Err(ReceiptError::KeyNotValid { index: 0, .. })));
}
