//! The audit log: append-only in the database, hash-chained, its head sealed; tampering with the
//! table directly (as someone with database access would) is detected. And the operator's
//! command line for accounts, jurisdictions and the log.

use hospes::audit::{self, AuditDraft, AuditProblem};
use tokio::io::AsyncWriteExt;

use crate::helpers::*;

/// Runs SQL on the test database directly, around the product.
async fn raw(app: &TestApp, sql: &str) -> Result<u64, sqlx::Error> {
    if app.db.url().starts_with("postgres") {
        let pool = sqlx::PgPool::connect(app.db.url()).await?;
        let n = sqlx::raw_sql(sql).execute(&pool).await?.rows_affected();
        pool.close().await;
        Ok(n)
    } else {
        let pool = sqlx::SqlitePool::connect(app.db.url()).await?;
        let n = sqlx::raw_sql(sql).execute(&pool).await?.rows_affected();
        pool.close().await;
        Ok(n)
    }
}

/// What an attacker with the database owner's rights does first.
async fn drop_append_only_triggers(app: &TestApp) {
    let sql = if app.db.url().starts_with("postgres") {
        "DROP TRIGGER audit_log_append_only ON audit_log; DROP TRIGGER audit_checkpoints_append_only ON audit_checkpoints"
    } else {
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoints_no_delete"
    };
    raw(app, sql).await.unwrap();
}

async fn some_entries(app: &TestApp, n: usize) {
    for i in 0..n {
        let draft = AuditDraft::new(Some("officer-1"), "police", audit::action::CHECKIN_OPENED)
            .subject(format!("checkin-{i}"))
            .jurisdiction("ES-M")
            .reason("queue_review", "Working the queue");
        audit::record(&app.app, draft).await.unwrap();
        app.clock.advance(chrono::Duration::seconds(1));
    }
}

#[tokio::test]
async fn the_audit_log_refuses_changes_and_detects_an_altered_entry() {
    let app = TestApp::spawn().await;
    some_entries(&app, 5).await;
    assert!(audit::verify(&app.app).await.unwrap().ok());
    assert!(raw(&app, "UPDATE audit_log SET reason_text = 'nothing to see' WHERE seq = 2").await.is_err(), "the database refuses");
    assert!(raw(&app, "DELETE FROM audit_log WHERE seq = 2").await.is_err(), "the database refuses");
    drop_append_only_triggers(&app).await;
    assert_eq!(raw(&app, "UPDATE audit_log SET reason_text = 'nothing to see' WHERE seq = 2").await.unwrap(), 1);
    let v = audit::verify(&app.app).await.unwrap();
    assert_eq!(v.problems, vec![AuditProblem::Altered { seq: 2 }]);
}

#[tokio::test]
async fn the_audit_log_detects_a_deleted_entry() {
    let app = TestApp::spawn().await;
    some_entries(&app, 5).await;
    drop_append_only_triggers(&app).await;
    raw(&app, "DELETE FROM audit_log WHERE seq = 3").await.unwrap();
    let v = audit::verify(&app.app).await.unwrap();
    assert!(v.problems.contains(&AuditProblem::Missing { expected: 3, found: 4 }), "{:?}", v.problems);
    assert!(!v.ok());
}

#[tokio::test]
async fn a_truncated_audit_log_is_caught_by_its_sealed_head_also_from_the_cli() {
    let app = TestApp::spawn().await;
    some_entries(&app, 5).await;
    let cp = audit::seal_head(&app.app).await.unwrap().expect("a new checkpoint");
    assert_eq!(cp.count, 5);
    assert!(audit::seal_head(&app.app).await.unwrap().is_none(), "nothing new to seal");
    let (ok, out) = cli(&app, &["audit", "verify"], None).await;
    assert!(ok, "{out}");
    // Remove the last entry and rewind the head to match: only the sealed checkpoint knows.
    drop_append_only_triggers(&app).await;
    let fourth = app.app.store.audit_entries(3, 1).await.unwrap().remove(0).hash;
    raw(&app, "DELETE FROM audit_log WHERE seq = 5").await.unwrap();
    raw(&app, &format!("UPDATE audit_head SET count = 4, hash = '{fourth}' WHERE id = 1")).await.unwrap();
    let v = audit::verify(&app.app).await.unwrap();
    assert_eq!(v.problems, vec![AuditProblem::Truncated { count: 5, entries: 4 }]);
    let (ok, out) = cli(&app, &["audit", "verify"], None).await;
    assert!(!ok && out.contains("INVALID"), "{out}");
}

#[tokio::test]
async fn the_head_is_sealed_every_32_entries() {
    let app = TestApp::spawn().await;
    some_entries(&app, 33).await;
    let cps = app.app.store.audit_checkpoints().await.unwrap();
    assert_eq!(cps.iter().map(|c| c.count).collect::<Vec<_>>(), vec![32]);
    assert!(audit::verify(&app.app).await.unwrap().ok());
}

/// Runs `hospes ARGS` against the test's database and keys; (success, stdout + stderr).
pub async fn cli(app: &TestApp, args: &[&str], stdin: Option<&str>) -> (bool, String) {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hospes"))
        .args(args)
        .env("HOSPES_DATABASE_URL", app.db.url())
        .env("HOSPES_KEYS_DIR", app._keys_dir.path())
        .env("HOSPES_PUBLIC_URL", &app.base)
        .env("HOSPES_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).await.unwrap();
    }
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test]
async fn the_operator_manages_officers_and_jurisdictions_from_the_cli() {
    let app = TestApp::spawn().await;
    let (ok, out) = cli(&app, &["jurisdictions", "add", "ES-ZZ"], None).await;
    assert!(!ok && out.contains("ISO 3166-2"), "{out}");
    let (ok, out) = cli(&app, &["jurisdictions", "add", "es-b"], None).await;
    assert!(ok && out.contains("ES-B\tBarcelona"), "{out}");
    // `users add --role police` as DESIGN.md names it; an unknown-yet valid jurisdiction is added.
    let args = ["users", "add", "--role", "police", "--email", "Officer@Example.com", "--password-stdin", "--jurisdiction", "ES-M"];
    let (ok, out) = cli(&app, &args, Some(&format!("{PASSWORD}\n"))).await;
    assert!(ok && out.contains("/police/enrol/hen_"), "{out}");
    let (_, out) = cli(&app, &["jurisdictions", "list"], None).await;
    assert!(out.contains("ES-M\tMadrid\tES") && out.contains("ES-B\tBarcelona"), "{out}");
    let (_, out) = cli(&app, &["users", "list"], None).await;
    assert!(out.contains("officer@example.com\tpolice\tES-M\tnot-enrolled\tactive"), "{out}");
    let (ok, out) = cli(&app, &["users", "jurisdictions", "--email", "officer@example.com", "--set", "ES-M,ES-B"], None).await;
    assert!(ok && out.trim() == "ES-M,ES-B", "{out}");
    let (ok, out) = cli(&app, &["users", "reset-factor", "--email", "officer@example.com"], None).await;
    assert!(ok && out.trim().contains("/police/enrol/hen_"), "{out}");
    let (ok, _) = cli(&app, &["users", "disable", "--email", "officer@example.com"], None).await;
    assert!(ok);
    let (_, out) = cli(&app, &["users", "list"], None).await;
    assert!(out.contains("ES-M,ES-B\tnot-enrolled\tdisabled"), "{out}");
    // Every change is in the audit log, by the operator, and the log verifies.
    let (ok, out) = cli(&app, &["audit", "list"], None).await;
    assert!(ok);
    let actions: Vec<String> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .inspect(|e| assert_eq!(e["actor_role"], "operator"))
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect();
    for action in ["jurisdiction.created", "account.created", "factor.enrolment_issued", "account.jurisdictions_set", "factor.reset", "account.disabled"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    let (ok, out) = cli(&app, &["audit", "verify"], None).await;
    assert!(ok && out.contains("VALID"), "{out}");
}
