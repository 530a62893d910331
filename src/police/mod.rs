//! The police workspace: what officers (and the admins who manage them) can do, and the rules
//! that guard it. HTTP handlers (`http::web::police`, `http::web::admin`, `http::api::police`)
//! and the command line call these use cases; SQL stays in `store::police`.
//!
//! - [`factor`]: the second factor (TOTP, RFC 6238) with enrolment links and recovery codes.
//! - [`lockout`]: throttling and locking of failed sign-ins.
//! - [`review`]: the queue of flagged check-ins of an officer's jurisdictions, opening a record
//!   (with a reason, audited first), resolving it (sealed), the CSV export.
//! - [`stats`] and [`charts`]: the dashboard's figures and its server-drawn SVG charts.
//! - [`admin`]: jurisdictions and accounts.
//! - [`vault`]: secrets at rest.
//!
//! Access rule: an officer sees a check-in only if its jurisdiction is one of theirs; anything
//! else is "not found", whatever the route.

use chrono::Duration;

use crate::store::Role;

pub mod admin;
pub mod charts;
pub mod cli;
pub mod factor;
pub mod lockout;
pub mod review;
pub mod stats;
pub mod vault;

/// A police or admin session ends after this long without a request (ASVS V3.3.2, level 3).
pub const IDLE_TIMEOUT: Duration = Duration::minutes(15);
/// ... and after this long in all.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// How long an officer may read a check-in after opening it with a reason.
pub const ACCESS_GRANT: Duration = Duration::minutes(15);

/// Roles that sign in with a second factor and get the shorter sessions.
pub fn is_privileged(role: Role) -> bool {
    matches!(role, Role::Police | Role::Admin)
}
