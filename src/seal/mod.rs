//! Electronic seals: RFC 8785 canonical JSON payloads, signed as RFC 7515 compact JWS with
//! `alg: EdDSA` (RFC 8037), keys in a key ring identified by RFC 7638 thumbprints, receipts and
//! their offline verification.
//!
//! This module owns the seal format. It never sees personal data in plain form: the payload
//! carries persons only as salted digests ([`payload::person_digest`]).

pub mod cli;
pub mod jws;
pub mod keyring;
pub mod log;
pub mod payload;
pub mod receipt;
pub mod receipt_qr;

pub use jws::{JwsError, SignedSeal};
pub use keyring::{KeyRing, KeyRingError};
