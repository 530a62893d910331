//! hospes: rental check-in and tenant verification.
//!
//! This file only wires the modules together; each module's own documentation says what it owns.

pub mod app;
pub mod audit;
pub mod clock;
pub mod config;
pub mod domain;
pub mod http;
pub mod identity;
pub mod invitation;
pub mod privacy;
pub mod jobs;
pub mod police;
pub mod qr;
pub mod registry;
pub mod seal;
pub mod serve;
pub mod store;
pub mod transparency;

/// Where the shared test corpora live (`shared/testdata`: QR photos, identity vectors).
/// Used by tests and benchmarks only: `HOSPES_TESTDATA` if set, else the `shared/testdata` folder
/// beside the repository, else `/work/shared/testdata`. Panics with a clear message when none
/// exists, so a test never silently skips its corpus.
#[doc(hidden)]
pub fn shared_testdata_dir() -> std::path::PathBuf {
    let mut candidates = Vec::new();
    if let Ok(dir) = std::env::var("HOSPES_TESTDATA") {
        candidates.push(std::path::PathBuf::from(dir));
    }
    candidates.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/testdata"));
    candidates.push(std::path::PathBuf::from("/work/shared/testdata"));
    candidates
        .iter()
        .find(|dir| dir.join("identity").is_dir() && dir.join("qr").is_dir())
        .cloned()
        .unwrap_or_else(|| panic!("shared test data not found; set HOSPES_TESTDATA (looked in {candidates:?})"))
}

/// `N` bytes from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator is available");
    bytes
}
