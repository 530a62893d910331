//! Administration: jurisdictions, police and admin accounts, second-factor resets, disabling.
//! The admin pages and the command line call these; every change is written to the audit log
//! (by the admin who made it, or by `operator` for the command line).

use crate::app::App;
use crate::audit::{self, AuditDraft, action};
use crate::store::{Jurisdiction, Role, StoreError, User};

/// The password hash of an account that has not chosen its password yet: it matches no password
/// (not a PHC string); the officer chooses one on the enrolment page.
pub const NO_PASSWORD: &str = "!";

/// Who makes a change.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<String>,
    pub role: &'static str,
}

impl Actor {
    /// The operator at the command line.
    pub fn operator() -> Actor {
        Actor { id: None, role: "operator" }
    }

    pub fn admin(user: &User) -> Actor {
        Actor { id: Some(user.id.clone()), role: "admin" }
    }

    fn draft(&self, action: &str) -> AuditDraft {
        AuditDraft::new(self.id.as_deref(), self.role, action)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error("no such account")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An ISO 3166-2 subdivision: `(code, name, country alpha-2)`.
pub fn subdivision(code: &str) -> Option<(String, String, String)> {
    let code = code.trim().to_ascii_uppercase();
    rust_iso3166::iso3166_2::from_code(&code).map(|s| (s.code.to_owned(), s.name.to_owned(), s.country_code.to_owned()))
}

/// Checks a new password: 12 to 128 characters, nothing else required (ASVS V2.1).
pub fn check_password(password: &str) -> Result<(), AdminError> {
    match password.chars().count() {
        n if n < 12 => Err(AdminError::Invalid("the password must have at least 12 characters".into())),
        n if n > 128 => Err(AdminError::Invalid("the password must have at most 128 characters".into())),
        _ => Ok(()),
    }
}

/// Adds a jurisdiction from the ISO 3166-2 list.
pub async fn create_jurisdiction(app: &App, actor: &Actor, code: &str) -> Result<Jurisdiction, AdminError> {
    let (code, name, country) =
        subdivision(code).ok_or_else(|| AdminError::Invalid(format!("{} is not an ISO 3166-2 subdivision code such as ES-M", code.trim())))?;
    let j = Jurisdiction { code: code.clone(), name, country, created_at: app.now() };
    match app.store.create_jurisdiction(&j).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(AdminError::Conflict(format!("{code} exists already"))),
        Err(e) => return Err(e.into()),
    }
    audit::record(app, actor.draft(action::JURISDICTION_CREATED).subject(&code).jurisdiction(&code)).await?;
    Ok(j)
}

/// The codes normalised, each a known jurisdiction (a valid ISO 3166-2 code not yet known is
/// added).
async fn known_jurisdictions(app: &App, actor: &Actor, codes: &[String]) -> Result<Vec<String>, AdminError> {
    let known: Vec<String> = app.store.jurisdictions().await?.into_iter().map(|j| j.code).collect();
    let mut out = Vec::new();
    for code in codes.iter().map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty()) {
        if !known.contains(&code) {
            create_jurisdiction(app, actor, &code).await?;
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

/// Creates a police or admin account. Without a password, the officer chooses one on the
/// enrolment page. Returns the account and its enrolment link.
pub async fn create_account(
    app: &App,
    actor: &Actor,
    role: Role,
    email: &str,
    jurisdictions: &[String],
    password: Option<&str>,
) -> Result<(User, String), AdminError> {
    let email = email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 || email.contains(char::is_whitespace) {
        return Err(AdminError::Invalid("that is not an e-mail address".into()));
    }
    if role == Role::Landlord {
        return Err(AdminError::Invalid("landlords sign up with `hospes users add --role landlord`".into()));
    }
    if let Some(p) = password {
        check_password(p)?;
    }
    let jurisdictions = if role == Role::Police { known_jurisdictions(app, actor, jurisdictions).await? } else { vec![] };
    if role == Role::Police && jurisdictions.is_empty() {
        return Err(AdminError::Invalid("a police account needs at least one jurisdiction".into()));
    }
    let user = User {
        id: uuid::Uuid::now_v7().to_string(),
        email,
        password_hash: match password {
            Some(p) => {
                let p = p.to_owned();
                tokio::task::spawn_blocking(move || crate::http::auth::hash_password(&p))
                    .await
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
            }
            None => NO_PASSWORD.to_owned(),
        },
        role,
        jurisdictions,
        totp_secret: None,
        disabled: false,
        created_at: app.now(),
    };
    match app.store.create_user(&user).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Err(AdminError::Conflict("an account with that e-mail address exists already".into())),
        Err(e) => return Err(e.into()),
    }
    audit::record(
        app,
        actor
            .draft(action::ACCOUNT_CREATED)
            .subject(&user.id)
            .detail(serde_json::json!({"role": role.as_str(), "jurisdictions": user.jurisdictions})),
    )
    .await?;
    let link = issue_enrolment(app, actor, &user).await?;
    Ok((user, link))
}

async fn issue_enrolment(app: &App, actor: &Actor, user: &User) -> Result<String, AdminError> {
    let link = super::factor::issue_enrolment(app, &user.id).await?;
    audit::record(app, actor.draft(action::FACTOR_ENROLMENT_ISSUED).subject(&user.id)).await?;
    Ok(link)
}

pub async fn user(app: &App, id: &str) -> Result<User, AdminError> {
    app.store.user(id).await?.ok_or(AdminError::NotFound)
}

pub async fn user_by_email(app: &App, email: &str) -> Result<User, AdminError> {
    app.store.user_by_email(&email.trim().to_lowercase()).await?.ok_or(AdminError::NotFound)
}

/// Removes an account's second factor, recovery codes and sessions, and issues a new enrolment
/// link (returned).
pub async fn reset_factor(app: &App, actor: &Actor, user_id: &str) -> Result<String, AdminError> {
    let user = user(app, user_id).await?;
    if !super::is_privileged(user.role) {
        return Err(AdminError::Invalid("only police and admin accounts have a second factor".into()));
    }
    app.store.reset_second_factor(&user.id).await?;
    audit::record(app, actor.draft(action::FACTOR_RESET).subject(&user.id)).await?;
    issue_enrolment(app, actor, &user).await
}

/// Issues an enrolment link for an account that has no second factor yet.
pub async fn enrolment_link(app: &App, actor: &Actor, user_id: &str) -> Result<String, AdminError> {
    let user = user(app, user_id).await?;
    if !super::is_privileged(user.role) {
        return Err(AdminError::Invalid("only police and admin accounts have a second factor".into()));
    }
    if user.totp_secret.is_some() {
        return Err(AdminError::Conflict("the account has a second factor; reset it to enrol a new one".into()));
    }
    issue_enrolment(app, actor, &user).await
}

/// Disables (ending its sessions) or enables an account. An admin cannot disable themselves.
pub async fn set_disabled(app: &App, actor: &Actor, user_id: &str, disabled: bool) -> Result<(), AdminError> {
    if disabled && actor.id.as_deref() == Some(user_id) {
        return Err(AdminError::Invalid("you cannot disable your own account".into()));
    }
    if !app.store.set_user_disabled(user_id, disabled).await? {
        return Err(AdminError::NotFound);
    }
    let what = if disabled { action::ACCOUNT_DISABLED } else { action::ACCOUNT_ENABLED };
    audit::record(app, actor.draft(what).subject(user_id)).await?;
    Ok(())
}

/// Sets a police account's jurisdictions (at least one).
pub async fn set_jurisdictions(app: &App, actor: &Actor, user_id: &str, codes: &[String]) -> Result<Vec<String>, AdminError> {
    let user = user(app, user_id).await?;
    if user.role != Role::Police {
        return Err(AdminError::Invalid("only police accounts have jurisdictions".into()));
    }
    let codes = known_jurisdictions(app, actor, codes).await?;
    if codes.is_empty() {
        return Err(AdminError::Invalid("a police account needs at least one jurisdiction".into()));
    }
    app.store.set_user_jurisdictions(&user.id, &codes).await?;
    audit::record(app, actor.draft(action::ACCOUNT_JURISDICTIONS).subject(&user.id).detail(serde_json::json!({"jurisdictions": codes}))).await?;
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdivisions_come_with_their_names() {
        assert_eq!(subdivision("es-m"), Some(("ES-M".into(), "Madrid".into(), "ES".into())));
        assert_eq!(subdivision("ES-ZZ"), None);
        assert!(check_password("short").is_err());
        assert!(check_password("correct horse battery staple").is_ok());
    }
}
