//! hospes: rental check-in and tenant verification.
//!
//! This file only wires the modules together; each module's own documentation says what it owns.

pub mod config;
pub mod domain;
pub mod identity;
pub mod qr;
