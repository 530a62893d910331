//! Identity rules: document-number schemes, ICAO 9303 machine-readable zones, names (hygiene,
//! transliteration, matching), dates, country codes, jurisdiction profiles, and the intake
//! validation of a whole submission that uses all of them.
//!
//! Pure code: no I/O, no network, no database, no clock (the reference date is always passed
//! in). Each module cites the standard or the rule file it implements.

pub mod cli;
pub mod countries;
pub mod dates;
pub mod documents;
pub mod intake;
pub mod mrz;
pub mod names;
pub mod profile;

pub use profile::{Profile, ProfileKind};
