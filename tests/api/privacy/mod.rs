//! Privacy by construction (issue 10), proven end to end on the database the suite runs on
//! (SQLite, or PostgreSQL with `HOSPES_TEST_DATABASE=postgres`): no personal value in any raw
//! column, a blind-index look-up, the retention purge with a verifiable receipt afterwards, data
//! minimisation, the tenant's view of their data, no personal data in logs, metrics or others'
//! responses, key rotation, and backup and restore.

use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Value, json};

use crate::helpers::*;

mod at_rest;
mod exposure;
mod retention;

/// The recognisable synthetic values of the two tenants below: none may leak.
pub(super) const SECRETS: &[&str] = &[
    "Zzyzx",
    "Qwerty",
    "ZQ9X7Y5W3V1",
    "1961-07-13",
    "611 987 654",
    "zzyzx.qwerty@example.org",
    "Yggdravil",
    "Quixbyte",
    "Vexelmort",
    "73519864L",
    "QZX918273",
    "1983-02-17",
];

/// A tenant with a British passport, unknown to the registry (so the check flags them).
pub(super) fn zzyzx() -> Value {
    json!({
        "given_names": "Zzyzx", "family_name": "Qwerty", "birth_date": "1961-07-13",
        "nationality": "GBR", "sex": "F",
        "document": {"type": "passport", "number": "ZQ9X7Y5W3V1", "issuing_country": "GBR"}
    })
}

/// A tenant with a Spanish DNI (second surname and support number), unknown to the registry.
pub(super) fn yggdravil() -> Value {
    json!({
        "given_names": "Yggdravil", "family_name": "Quixbyte", "second_family_name": "Vexelmort",
        "birth_date": "1983-02-17", "nationality": "ESP",
        "document": {"type": "id_card", "number": "73519864L", "issuing_country": "ESP", "support_number": "QZX918273"}
    })
}

pub(super) fn contact() -> Value {
    json!({"phone": "+34 611 987 654", "email": "zzyzx.qwerty@example.org"})
}

pub(super) async fn submit(app: &TestApp, property: &Value, persons: Vec<Value>, contact: Value) -> Value {
    let body = json!({"invitation": invitation_of(property), "stay": stay_json(), "persons": persons, "contact": contact});
    let resp = app.submit_checkin(None, &body).await;
    assert_eq!(resp.status(), 202, "{}", resp.text().await.unwrap());
    resp.json().await.unwrap()
}

/// Every byte the database holds, as text: the SQLite files (database and WAL), or every row
/// of every PostgreSQL table as JSON.
pub(super) async fn raw_database(app: &TestApp) -> String {
    match &app.db {
        TestDb::Sqlite { url, .. } => {
            let path = url.strip_prefix("sqlite://").unwrap();
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            String::from_utf8_lossy(&bytes).into_owned()
        }
        TestDb::Postgres { url, .. } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            let mut all = String::new();
            for t in tables {
                let rows: String = sqlx::query_scalar(&format!(
                    "SELECT COALESCE(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{t}\" t"
                ))
                .fetch_one(&pool)
                .await
                .unwrap();
                all.push_str(&rows);
            }
            pool.close().await;
            all
        }
    }
}

/// One number from a query on the test's database, whichever backend it is.
pub(super) async fn count(app: &TestApp, sql: &str) -> i64 {
    match &app.db {
        TestDb::Sqlite { url, .. } => {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
        TestDb::Postgres { url, .. } => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
    }
}

pub(super) fn leaks<'a>(haystack: &str, secrets: &[&'a str]) -> Vec<&'a str> {
    let lower = haystack.to_lowercase();
    secrets.iter().copied().filter(|s| lower.contains(&s.to_lowercase())).collect()
}

/// Runs the `hospes` binary with the test's database and keys; returns (success, stdout, stderr).
pub(super) async fn hospes(app: &TestApp, args: &[&str], stdin: Option<Vec<u8>>) -> (bool, Vec<u8>, String) {
    use tokio::io::AsyncWriteExt;
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"));
    cmd.args(args)
        .env("HOSPES_DATABASE_URL", app.db.url())
        .env("HOSPES_KEYS_DIR", app._keys_dir.path())
        .env("HOSPES_ENV", "production")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(&bytes).await.unwrap();
    }
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    (out.status.success(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}
