//! The data keys in `keys/`, apart from the seal keys: the AEAD keys that encrypt personal fields
//! at rest and backups, and the HMAC key of the blind index.
//!
//! Files (all 32 random bytes, base64url, mode `0600`, never committed):
//! - `data-<kid>.key`: one XChaCha20-Poly1305 key per key id (`kid`: 12 lower-case hex digits,
//!   random, so it says nothing about the key), listed with its creation time in `data-keys.json`.
//!   The newest listed key encrypts; every listed key decrypts, so rotation never strands a row.
//! - `blind-index.key`: the HMAC-SHA256 key of the document-number blind index.
//!
//! Like the seal keys, development generates missing keys on first run (with a warning) and
//! production refuses to start without them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// A 32-byte secret that is wiped from memory when dropped.
pub type Secret = Zeroizing<[u8; 32]>;

pub const MANIFEST: &str = "data-keys.json";
pub const BLIND_INDEX_FILE: &str = "blind-index.key";

#[derive(Debug, thiserror::Error)]
pub enum DataKeyError {
    #[error("no data key in {0}: create one with `hospes keys generate-data` (production never generates keys itself)")]
    NoKey(PathBuf),
    #[error("no blind-index key at {0}: create one with `hospes keys generate-data` (production never generates keys itself)")]
    NoBlindIndexKey(PathBuf),
    #[error("cannot read key file {path}: {reason}")]
    BadFile { path: PathBuf, reason: String },
    #[error("key file {path} is readable by other users (mode {mode:o}); make it 0600")]
    Permissions { path: PathBuf, mode: u32 },
    #[error("i/o on the key directory: {0}")]
    Io(#[from] std::io::Error),
}

/// One entry of `data-keys.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DataKeyEntry {
    pub kid: String,
    /// RFC 3339 time the key was created (it encrypts from then on).
    pub created: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    keys: Vec<DataKeyEntry>,
}

/// The loaded data keys. `Debug` prints key ids only.
pub struct DataKeys {
    pub(super) active: String,
    pub(super) keys: BTreeMap<String, Secret>,
    pub(super) blind_index: Secret,
    entries: Vec<DataKeyEntry>,
}

impl std::fmt::Debug for DataKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataKeys").field("active", &self.active).field("kids", &self.keys.keys().collect::<Vec<_>>()).finish()
    }
}

impl DataKeys {
    /// Loads the data keys from `dir`, generating a first data key and the blind-index key when
    /// they are missing and `may_generate` is true.
    pub fn load_or_generate(dir: &Path, may_generate: bool) -> Result<DataKeys, DataKeyError> {
        if read_manifest(dir)?.keys.is_empty() {
            if !may_generate {
                return Err(DataKeyError::NoKey(dir.to_owned()));
            }
            let kid = generate(dir)?;
            tracing::warn!(key.id = %kid, keys.dir = %dir.display(), "generated a development data key; production must bring its own");
        }
        let blind = dir.join(BLIND_INDEX_FILE);
        if !blind.exists() {
            if !may_generate {
                return Err(DataKeyError::NoBlindIndexKey(blind));
            }
            write_secret(&blind)?;
            tracing::warn!(keys.file = %blind.display(), "generated a development blind-index key");
        }
        Self::load(dir)
    }

    /// Loads the data keys from `dir` without generating anything.
    pub fn load(dir: &Path) -> Result<DataKeys, DataKeyError> {
        let manifest = read_manifest(dir)?;
        let mut keys = BTreeMap::new();
        for entry in &manifest.keys {
            keys.insert(entry.kid.clone(), read_secret(&dir.join(key_file(&entry.kid)))?);
        }
        let active = newest(&manifest.keys).ok_or_else(|| DataKeyError::NoKey(dir.to_owned()))?;
        let blind_path = dir.join(BLIND_INDEX_FILE);
        if !blind_path.exists() {
            return Err(DataKeyError::NoBlindIndexKey(blind_path));
        }
        let blind_index = read_secret(&blind_path)?;
        Ok(DataKeys { active, keys, blind_index, entries: manifest.keys })
    }

    /// Random keys held in memory only (tests).
    pub fn ephemeral() -> DataKeys {
        let kid = new_kid();
        let mut keys = BTreeMap::new();
        keys.insert(kid.clone(), Zeroizing::new(crate::random_bytes::<32>()));
        let entry = DataKeyEntry { kid: kid.clone(), created: "1970-01-01T00:00:00Z".into() };
        DataKeys { active: kid, keys, blind_index: Zeroizing::new(crate::random_bytes::<32>()), entries: vec![entry] }
    }

    /// The same keys plus a new active one held in memory only (tests of rotation).
    pub fn with_ephemeral_key(mut self) -> DataKeys {
        let kid = new_kid();
        self.keys.insert(kid.clone(), Zeroizing::new(crate::random_bytes::<32>()));
        self.entries.push(DataKeyEntry { kid: kid.clone(), created: "9999-12-31T23:59:59Z".into() });
        self.active = kid;
        self
    }

    pub fn active_kid(&self) -> &str {
        &self.active
    }

    pub fn entries(&self) -> &[DataKeyEntry] {
        &self.entries
    }

    pub(super) fn key(&self, kid: &str) -> Option<&Secret> {
        self.keys.get(kid)
    }
}

/// Generates a new data key in `dir` (it becomes the active one) and, if missing, the
/// blind-index key. Returns the new key id.
pub fn generate(dir: &Path) -> Result<String, DataKeyError> {
    std::fs::create_dir_all(dir)?;
    let kid = new_kid();
    write_secret(&dir.join(key_file(&kid)))?;
    let blind = dir.join(BLIND_INDEX_FILE);
    if !blind.exists() {
        write_secret(&blind)?;
    }
    let mut manifest = read_manifest(dir)?;
    manifest.keys.push(DataKeyEntry { kid: kid.clone(), created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true) });
    let tmp = dir.join(format!("{MANIFEST}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec_pretty(&manifest).expect("manifest serialises"))?;
    std::fs::rename(tmp, dir.join(MANIFEST))?;
    Ok(kid)
}

fn key_file(kid: &str) -> String {
    format!("data-{kid}.key")
}

fn new_kid() -> String {
    hex::encode(crate::random_bytes::<6>())
}

/// The newest entry (by creation time; the later in the list on a tie).
fn newest(entries: &[DataKeyEntry]) -> Option<String> {
    entries.iter().rev().max_by(|a, b| a.created.cmp(&b.created)).map(|e| e.kid.clone())
}

fn read_manifest(dir: &Path) -> Result<Manifest, DataKeyError> {
    let path = dir.join(MANIFEST);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| bad(&path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
        Err(e) => Err(e.into()),
    }
}

fn write_secret(path: &Path) -> Result<(), DataKeyError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let text = Zeroizing::new(B64.encode(crate::random_bytes::<32>()));
    options.open(path)?.write_all(text.as_bytes())?;
    Ok(())
}

fn read_secret(path: &Path) -> Result<Secret, DataKeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| bad(path, e))?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(DataKeyError::Permissions { path: path.to_owned(), mode });
        }
    }
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| bad(path, e))?);
    let bytes = Zeroizing::new(B64.decode(text.trim()).map_err(|e| bad(path, e))?);
    let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| bad(path, "expected 32 bytes, base64url"))?;
    Ok(Zeroizing::new(key))
}

fn bad(path: &Path, reason: impl std::fmt::Display) -> DataKeyError {
    DataKeyError::BadFile { path: path.to_owned(), reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn development_generates_production_refuses_and_the_newest_key_is_active() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(DataKeys::load_or_generate(dir.path(), false), Err(DataKeyError::NoKey(_))));
        let first = DataKeys::load_or_generate(dir.path(), true).unwrap();
        let second_kid = generate(dir.path()).unwrap();
        let ring = DataKeys::load(dir.path()).unwrap();
        assert_eq!(ring.active_kid(), second_kid);
        assert!(ring.key(first.active_kid()).is_some(), "older keys still decrypt");
        assert!(!format!("{ring:?}").contains(&B64.encode(ring.key(&second_kid).unwrap().as_slice())));
    }

    #[cfg(unix)]
    #[test]
    fn a_world_readable_data_key_stops_loading() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let kid = generate(dir.path()).unwrap();
        std::fs::set_permissions(dir.path().join(key_file(&kid)), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(DataKeys::load(dir.path()), Err(DataKeyError::Permissions { .. })));
    }
}
