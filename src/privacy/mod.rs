//! Privacy by construction: what makes personal data unreadable at rest, erased when the law
//! says so, and absent from what others see.
//!
//! - [`keys`]: the data keys in `keys/` (apart from the seal keys) and the blind-index key.
//! - [`cipher`]: field-level encryption (XChaCha20-Poly1305, each value bound to its row and
//!   column) and the keyed blind index of document numbers. The store applies it to every
//!   personal field it writes; nothing else sees ciphertexts.
//! - [`retention`]: how long each jurisdiction keeps personal data, and when a check-in's is due.
//! - [`backup`]: encrypted, consistent snapshots of the SQLite database, and their restore.
//! - [`export`]: what a tenant sees behind their receipt token: their data, its recipients, its
//!   erasure date.
//!
//! - [`cli`]: the operator commands (`keys rotate-data`, `retention`, `backup`, `restore`).
//!
//! This module does no SQL and serves no page; the store, the purge job and the tenant's pages
//! call it.

pub mod backup;
pub mod cipher;
pub mod cli;
pub mod export;
pub mod keys;
pub mod retention;

pub use cipher::{CipherError, DataCipher, Place};
pub use keys::{DataKeyError, DataKeys};
pub use retention::RetentionPolicy;
