//! At rest: no personal value in the raw tables, blind-index look-ups, key rotation, a store
//! without keys, encrypted backups and their restore.

use chrono::Duration;
use serde_json::Value;

use super::*;

#[tokio::test]
async fn no_personal_value_is_in_any_column_of_any_table_after_a_journey() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let accepted = submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await;
    app.drain_jobs().await;
    // A landlord scans a credential photo: decoded in memory, never stored.
    let scanned = &person_with("valid", Some("DEU")).person;
    let credential = hospes::registry::credential::issue(
        &population().credential_key(), "hospes registry-sim", scanned, app.app.now().timestamp(), 3600,
    );
    assert_eq!(app.scan(&token, hospes::qr::render::png(&credential, 5), "id.png").await.status(), 200);

    // The data is there and readable for those entitled to it ...
    let id = accepted["id"].as_str().unwrap();
    let view: Value = app.get_checkin(id, &token).await.json().await.unwrap();
    assert_eq!(view["status"], "flagged");
    assert_eq!(view["persons"][1]["document"]["support_number"], "QZX918273");
    let record = app.app.store.checkin(id).await.unwrap().unwrap();
    assert_eq!(record.contact.email.as_deref(), Some("zzyzx.qwerty@example.org"));

    // ... and a dump of the database shows none of it.
    let raw = raw_database(&app).await;
    assert!(raw.contains(id) && raw.contains("hx1."), "the dump is not empty: it holds the check-in and envelopes");
    let found: Vec<&str> = SECRETS.iter().copied().filter(|s| raw.contains(s)).collect();
    assert!(found.is_empty(), "personal values in the raw tables: {found:?}");
    for v in [&scanned.family_name, &scanned.document.number] {
        assert!(!raw.contains(v.as_str()), "a scanned credential left a trace in the database");
    }
}

#[tokio::test]
async fn earlier_checkins_of_a_document_are_found_through_the_blind_index_only() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let first = submit(&app, &property, vec![zzyzx()], contact()).await;
    let other = submit(&app, &property, vec![yggdravil()], contact()).await;
    app.clock.advance(Duration::seconds(5));
    let second = submit(&app, &property, vec![yggdravil(), zzyzx()], contact()).await;
    let found = app.app.store.checkins_with_document("GBR", "ZQ9X7Y5W3V1").await.unwrap();
    assert_eq!(found, vec![second["id"].as_str().unwrap(), first["id"].as_str().unwrap()], "newest first");
    assert_eq!(app.app.store.checkins_with_document("gbr", "ZQ9X7Y5W3V1").await.unwrap().len(), 2);
    assert!(app.app.store.checkins_with_document("ESP", "ZQ9X7Y5W3V1").await.unwrap().is_empty(), "the country is part of the index");
    assert!(app.app.store.checkins_with_document("GBR", "ZQ9X7Y5W3V2").await.unwrap().is_empty());
    assert_eq!(app.app.store.checkins_with_document("ESP", "73519864L").await.unwrap().len(), 2);
    assert!(!found.contains(&other["id"].as_str().unwrap().to_owned()));
}

#[tokio::test]
async fn rotating_the_data_key_re_encrypts_every_row_in_resumable_batches() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await["id"].as_str().unwrap().to_owned());
    }
    let old = app.cipher.active_kid().to_owned();
    let keys_dir = app._keys_dir.path();
    let new = hospes::privacy::keys::generate(keys_dir).unwrap();
    let rotated = Arc::new(hospes::privacy::DataCipher::new(hospes::privacy::DataKeys::load(keys_dir).unwrap()));
    assert_eq!(rotated.active_kid(), new);
    let store = hospes::store::connect_encrypted(app.db.url(), rotated.clone()).await.unwrap();

    // One batch, then "a crash": the rest is done by the CLI, which picks up where it stopped.
    assert_eq!(store.reencrypt_batch(2).await.unwrap(), 4, "two persons and two contacts");
    let usage = store.data_key_usage().await.unwrap();
    assert_eq!(usage, vec![(old.clone(), 5), (new.clone(), 4)].into_iter().collect::<std::collections::BTreeMap<_, _>>().into_iter().collect::<Vec<_>>());
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"))
        .args(["keys", "rotate-data", "--batch", "1"])
        .env("HOSPES_DATABASE_URL", app.db.url())
        .env("HOSPES_KEYS_DIR", keys_dir)
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("every personal field is under data key {new}")));
    assert_eq!(store.data_key_usage().await.unwrap(), vec![(new.clone(), 9)]);
    for id in &ids {
        let persons = store.persons(id).await.unwrap();
        assert_eq!(persons[1].document.number, "73519864L");
        assert_eq!(store.checkin(id).await.unwrap().unwrap().contact.phone.as_deref(), Some("+34 611 987 654"));
    }
    assert_eq!(store.checkins_with_document("GBR", "ZQ9X7Y5W3V1").await.unwrap().len(), 3);
    let old_envelopes = count(
        &app,
        &format!("SELECT COUNT(*) FROM checkin_persons WHERE given_names LIKE 'hx1.{old}.%' OR document_number LIKE 'hx1.{old}.%' OR support_number LIKE 'hx1.{old}.%'"),
    )
    .await;
    assert_eq!(old_envelopes, 0, "no envelope under the old key is left");
    let contacts = count(&app, &format!("SELECT COUNT(*) FROM checkins WHERE contact_phone LIKE 'hx1.{new}.%' AND contact_email LIKE 'hx1.{new}.%'")).await;
    assert_eq!(contacts, 3);
}

#[tokio::test]
async fn a_store_without_data_keys_refuses_personal_data() {
    let app = TestApp::spawn().await;
    let token = app.landlord("l@example.com").await;
    let property = app.madrid_property(&token).await;
    let id = submit(&app, &property, vec![zzyzx()], contact()).await["id"].as_str().unwrap().to_owned();
    let keyless = hospes::store::connect(app.db.url()).await.unwrap();
    assert!(matches!(keyless.persons(&id).await, Err(hospes::store::StoreError::Privacy(_))));
    assert!(matches!(keyless.checkin(&id).await, Err(hospes::store::StoreError::Privacy(_))));
    let stranger = hospes::store::connect_encrypted(app.db.url(), Arc::new(hospes::privacy::DataCipher::ephemeral())).await.unwrap();
    let err = stranger.persons(&id).await.unwrap_err().to_string();
    assert!(err.contains("not in the key ring") && !err.contains("Zzyzx"), "{err}");
}

#[tokio::test]
async fn a_backup_is_encrypted_and_restores_into_a_new_database_that_the_service_reads() {
    let app = TestApp::spawn().await;
    let token = app.landlord("landlord-backup@example.com").await;
    let property = app.madrid_property(&token).await;
    let id = submit(&app, &property, vec![zzyzx(), yggdravil()], contact()).await["id"].as_str().unwrap().to_owned();
    app.drain_jobs().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("hospes.backup");
    let backup_arg = backup.to_str().unwrap();

    let restored_url = match &app.db {
        TestDb::Sqlite { .. } => {
            let (ok, _, err) = hospes(&app, &["backup", "--out", backup_arg], None).await;
            assert!(ok, "{err}");
            let restored = dir.path().join("restored.db");
            let (ok, _, err) = hospes(&app, &["restore", backup_arg, "--to", restored.to_str().unwrap()], None).await;
            assert!(ok, "{err}");
            let (ok, _, err) = hospes(&app, &["restore", backup_arg, "--to", restored.to_str().unwrap()], None).await;
            assert!(!ok && err.contains("exists already"), "never overwrites: {err}");
            (format!("sqlite://{}", restored.display()), None)
        }
        TestDb::Postgres { url, admin_url, .. } => {
            // `hospes backup` points to pg_dump, whose archive it encrypts from standard input.
            let (ok, _, err) = hospes(&app, &["backup", "--out", backup_arg], None).await;
            assert!(!ok && err.contains("pg_dump"), "{err}");
            let dump = std::process::Command::new("pg_dump").args(["--format=custom", url]).output().unwrap();
            assert!(dump.status.success(), "pg_dump: {}", String::from_utf8_lossy(&dump.stderr));
            let (ok, _, err) = hospes(&app, &["backup", "--stdin", "--out", backup_arg], Some(dump.stdout.clone())).await;
            assert!(ok, "{err}");
            let (ok, restored_dump, err) = hospes(&app, &["restore", backup_arg, "--to", "-"], None).await;
            assert!(ok && restored_dump == dump.stdout, "{err}");
            let name = format!("hospes_restore_{}", uuid::Uuid::new_v4().simple());
            let admin = sqlx::PgPool::connect(admin_url).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.unwrap();
            let target = format!("{}/{name}", url.rsplit_once('/').unwrap().0);
            let mut restore = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &target])
                .stdin(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            restore.stdin.take().unwrap().write_all(&restored_dump).unwrap();
            assert!(restore.wait().unwrap().success());
            (target, Some((admin, name)))
        }
    };
    let (restored_url, cleanup) = restored_url;

    // The backup file itself reveals nothing: not the database format, not an account, not a person.
    let bytes = std::fs::read(&backup).unwrap();
    assert!(bytes.starts_with(b"HOSPES-BACKUP-1\n"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("SQLite format 3") && !text.contains("PGDMP") && !text.contains("landlord-backup@example.com"));
    assert!(leaks(&text, SECRETS).is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o077, 0, "the backup is private");
    }

    // The service reads the restored data back with its keys.
    let restored = hospes::store::connect_encrypted(&restored_url, app.cipher.clone()).await.unwrap();
    restored.migrate().await.unwrap();
    assert_eq!(restored.persons(&id).await.unwrap(), app.app.store.persons(&id).await.unwrap());
    assert_eq!(restored.checkin(&id).await.unwrap().unwrap().contact.email.as_deref(), Some("zzyzx.qwerty@example.org"));
    assert_eq!(restored.seals(&id).await.unwrap().len(), 2);
    assert!(restored.user_by_email("landlord-backup@example.com").await.unwrap().is_some());
    drop(restored);
    if let Some((admin, name)) = cleanup {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
    }
}
