//! The operator's commands for the police workspace (`hospes users ...`, `hospes jurisdictions
//! ...`, `hospes audit ...`): thin calls into [`super::admin`] and [`crate::audit`], acting as
//! `operator` in the audit log. Output is tab-separated, one record per line.

use std::io::Write;

use anyhow::Context;

use super::admin::{self, Actor};
use crate::app::App;
use crate::store::Role;

/// `hospes users add --role police|admin ...`: prints the id, and the enrolment link on stderr.
pub async fn add_privileged(app: &App, role: Role, email: &str, jurisdictions: &[String], password: &str) -> anyhow::Result<()> {
    let (user, link) = admin::create_account(app, &Actor::operator(), role, email, jurisdictions, Some(password)).await?;
    println!("{}", user.id);
    eprintln!("enrol the second factor (one-time link, valid 72 hours): {link}");
    Ok(())
}

/// `hospes users list`.
pub async fn list_users(app: &App) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for u in app.store.users().await? {
        let factor = if !super::is_privileged(u.role) { "-" } else if u.totp_secret.is_some() { "enrolled" } else { "not-enrolled" };
        let state = if u.disabled { "disabled" } else { "active" };
        writeln!(out, "{}\t{}\t{}\t{}\t{}\t{}", u.id, u.email, u.role.as_str(), u.jurisdictions.join(","), factor, state)?;
    }
    Ok(())
}

/// What `hospes users <action> --email E` does.
pub enum UserAction {
    Enrol,
    ResetFactor,
    Disable,
    Enable,
    Jurisdictions(Vec<String>),
}

pub async fn user_action(app: &App, email: &str, action: UserAction) -> anyhow::Result<()> {
    let user = admin::user_by_email(app, email).await.context("no account with that e-mail address")?;
    let actor = Actor::operator();
    match action {
        UserAction::Enrol => println!("{}", admin::enrolment_link(app, &actor, &user.id).await?),
        UserAction::ResetFactor => println!("{}", admin::reset_factor(app, &actor, &user.id).await?),
        UserAction::Disable => admin::set_disabled(app, &actor, &user.id, true).await?,
        UserAction::Enable => admin::set_disabled(app, &actor, &user.id, false).await?,
        UserAction::Jurisdictions(codes) => println!("{}", admin::set_jurisdictions(app, &actor, &user.id, &codes).await?.join(",")),
    }
    Ok(())
}

/// `hospes jurisdictions add CODE`.
pub async fn add_jurisdiction(app: &App, code: &str) -> anyhow::Result<()> {
    let j = admin::create_jurisdiction(app, &Actor::operator(), code).await?;
    println!("{}\t{}", j.code, j.name);
    Ok(())
}

/// `hospes jurisdictions list`.
pub async fn list_jurisdictions(app: &App) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for j in app.store.jurisdictions().await? {
        writeln!(out, "{}\t{}\t{}", j.code, j.name, j.country)?;
    }
    Ok(())
}

/// `hospes audit list`: the newest entries, oldest of them first, as JSON Lines.
pub async fn list_audit(app: &App, limit: i64) -> anyhow::Result<()> {
    let mut entries = app.store.recent_audit_entries(limit).await?;
    entries.reverse();
    let mut out = std::io::stdout().lock();
    for e in entries {
        writeln!(out, "{}", serde_json::to_string(&e)?)?;
    }
    Ok(())
}

/// `hospes audit verify`: exits non-zero when the log does not verify.
pub async fn verify_audit(app: &App) -> anyhow::Result<bool> {
    let v = crate::audit::verify(app).await?;
    for p in &v.problems {
        println!("PROBLEM\t{p}");
    }
    let sealed = v.sealed_up_to.map(|n| n.to_string()).unwrap_or_else(|| "none".into());
    if v.ok() {
        println!("VALID: {} entries, {} checkpoints (newest seals {sealed})", v.entries, v.checkpoints);
    } else {
        println!("INVALID: {} problem(s) in {} entries", v.problems.len(), v.entries);
    }
    Ok(v.ok())
}

/// `hospes audit seal`: seals the head now.
pub async fn seal_audit(app: &App) -> anyhow::Result<()> {
    match crate::audit::seal_head(app).await? {
        Some(cp) => println!("sealed {} entries\t{}", cp.count, cp.head),
        None => println!("the newest checkpoint already seals the head"),
    }
    Ok(())
}

