//! The key ring in `keys/`: Ed25519 seal keys as PKCS#8 PEM files, each named by its key id (the
//! RFC 7638 JWK thumbprint of its public key), and the JWKS (RFC 7517) that publishes them.
//!
//! Files: `<kid>.key.pem` (private, PKCS#8, mode 0600, never committed) and `<kid>.pub.pem`
//! (public, SubjectPublicKeyInfo). The newest private key (by the `created` order written in
//! `keyring.json`) signs; every public key stays published so that old seals keep verifying.
//! Development generates a key on first run; production refuses to generate one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum KeyRingError {
    #[error("no seal key in {0}: generate one with `hospes keys generate` (production never generates keys itself)")]
    NoKey(PathBuf),
    #[error("cannot read key file {path}: {reason}")]
    BadFile { path: PathBuf, reason: String },
    #[error("key file {path} is readable by other users (mode {mode:o}); make it 0600")]
    Permissions { path: PathBuf, mode: u32 },
    #[error("i/o on the key directory: {0}")]
    Io(#[from] std::io::Error),
}

/// One entry of `keyring.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyEntry {
    pub kid: String,
    /// RFC 3339 time the key was created (it signs from then on).
    pub created: String,
    /// RFC 3339 time the key stopped signing, if retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    keys: Vec<KeyEntry>,
}

/// Loaded keys: the active signing key and every published public key.
#[derive(Clone)]
pub struct KeyRing {
    active_kid: String,
    signing: SigningKey,
    public: BTreeMap<String, VerifyingKey>,
    entries: Vec<KeyEntry>,
    /// The active key's certificate chain (DER, its own certificate first), if supplied.
    certificates: Vec<Vec<u8>>,
}

/// When a published key may have signed: from its creation until its retirement (seconds since
/// the epoch, inclusive; `None`: unbounded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyValidity {
    pub valid_from: Option<i64>,
    pub valid_until: Option<i64>,
}

impl KeyValidity {
    /// Whether a seal signed at `signed_at` (seconds since the epoch) falls in the period.
    pub fn covers(&self, signed_at: i64) -> bool {
        self.valid_from.is_none_or(|f| signed_at >= f) && self.valid_until.is_none_or(|u| signed_at <= u)
    }
}

fn epoch_seconds(rfc3339: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| t.timestamp())
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRing").field("active_kid", &self.active_kid).field("keys", &self.public.len()).finish()
    }
}

/// RFC 7638 §3 thumbprint of an Ed25519 public key as an OKP JWK (RFC 8037 §2):
/// SHA-256 over `{"crv":"Ed25519","kty":"OKP","x":"..."}`, base64url without padding.
pub fn thumbprint(key: &VerifyingKey) -> String {
    let jwk = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, B64.encode(key.as_bytes()));
    B64.encode(Sha256::digest(jwk.as_bytes()))
}

/// A JWK (RFC 7517 §4, RFC 8037 §2) for an Ed25519 public key.
pub fn jwk(key: &VerifyingKey) -> serde_json::Value {
    serde_json::json!({
        "kty": "OKP", "crv": "Ed25519", "x": B64.encode(key.as_bytes()),
        "kid": thumbprint(key), "use": "sig", "alg": "EdDSA",
    })
}

impl KeyRing {
    /// Loads the key ring from `dir`. When it holds no private key and `may_generate` is true, a
    /// new key is generated and written (and a warning logged); otherwise that is an error.
    pub fn load_or_generate(dir: &Path, may_generate: bool) -> Result<KeyRing, KeyRingError> {
        let manifest = read_manifest(dir)?;
        if manifest.keys.is_empty() {
            if !may_generate {
                return Err(KeyRingError::NoKey(dir.to_owned()));
            }
            let kid = generate(dir)?;
            tracing::warn!(key.id = %kid, keys.dir = %dir.display(), "generated a development seal key; production must bring its own");
        }
        Self::load(dir)
    }

    /// Loads the key ring from `dir` without generating anything.
    pub fn load(dir: &Path) -> Result<KeyRing, KeyRingError> {
        let manifest = read_manifest(dir)?;
        let mut public = BTreeMap::new();
        for entry in &manifest.keys {
            let path = dir.join(format!("{}.pub.pem", entry.kid));
            let pem = std::fs::read_to_string(&path).map_err(|e| bad(&path, e))?;
            let key = VerifyingKey::from_public_key_pem(&pem).map_err(|e| bad(&path, e))?;
            if thumbprint(&key) != entry.kid {
                return Err(bad(&path, "the key does not match its key id"));
            }
            public.insert(entry.kid.clone(), key);
        }
        let active = manifest
            .keys
            .iter()
            .filter(|e| e.retired.is_none())
            .max_by(|a, b| a.created.cmp(&b.created))
            .ok_or_else(|| KeyRingError::NoKey(dir.to_owned()))?;
        let path = dir.join(format!("{}.key.pem", active.kid));
        check_private_permissions(&path)?;
        let pem = std::fs::read_to_string(&path).map_err(|e| bad(&path, e))?;
        let signing = SigningKey::from_pkcs8_pem(&pem).map_err(|e| bad(&path, e))?;
        if thumbprint(&signing.verifying_key()) != active.kid {
            return Err(bad(&path, "the private key does not match its key id"));
        }
        let certificates = read_certificates(dir, &active.kid)?;
        if let Some(first) = certificates.first()
            && !certificate_holds_key(first, &signing.verifying_key())
        {
            return Err(bad(&dir.join(format!("{}.cert.pem", active.kid)), "the first certificate is not for this key"));
        }
        Ok(KeyRing { active_kid: active.kid.clone(), signing, public, entries: manifest.keys, certificates })
    }

    /// A key ring held in memory only (tests, the registry simulator).
    pub fn ephemeral(signing: SigningKey) -> KeyRing {
        let kid = thumbprint(&signing.verifying_key());
        let mut public = BTreeMap::new();
        public.insert(kid.clone(), signing.verifying_key());
        let entry = KeyEntry { kid: kid.clone(), created: "1970-01-01T00:00:00Z".into(), retired: None };
        KeyRing { active_kid: kid, signing, public, entries: vec![entry], certificates: Vec::new() }
    }

    /// The same ring with a certificate chain (DER, the seal key's own first) for the active key.
    pub fn with_certificates(mut self, certificates: Vec<Vec<u8>>) -> KeyRing {
        self.certificates = certificates;
        self
    }

    /// The active key's certificate chain (DER), empty when none was supplied.
    pub fn certificates(&self) -> &[Vec<u8>] {
        &self.certificates
    }

    /// Seals `payload` with the active key, signed at `at` (the header's `iat`).
    pub fn seal<T: super::jws::Canonical>(&self, payload: &T, at: chrono::DateTime<chrono::Utc>) -> Result<super::SignedSeal, super::JwsError> {
        super::jws::sign_seal(payload, &self.signing, &self.active_kid, at.timestamp(), &self.certificates)
    }

    /// The validity period of a published key.
    pub fn validity(&self, kid: &str) -> KeyValidity {
        self.entries
            .iter()
            .find(|e| e.kid == kid)
            .map(|e| KeyValidity {
                valid_from: epoch_seconds(&e.created),
                valid_until: e.retired.as_deref().and_then(epoch_seconds),
            })
            .unwrap_or_default()
    }

    pub fn active_kid(&self) -> &str {
        &self.active_kid
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.signing
    }

    pub fn public_key(&self, kid: &str) -> Option<&VerifyingKey> {
        self.public.get(kid)
    }

    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The JWKS document served at `/.well-known/jwks.json`: every published key, active and
    /// retired, with its validity period (`valid_from`, `valid_until`: seconds since the epoch).
    pub fn jwks(&self) -> serde_json::Value {
        let keys = self
            .public
            .iter()
            .map(|(kid, key)| {
                let mut jwk = jwk(key);
                let validity = self.validity(kid);
                if let Some(from) = validity.valid_from {
                    jwk["valid_from"] = from.into();
                }
                if let Some(until) = validity.valid_until {
                    jwk["valid_until"] = until.into();
                }
                jwk
            })
            .collect::<Vec<_>>();
        serde_json::json!({ "keys": keys })
    }
}

/// Parses a JWKS document into its Ed25519 keys by key id (keys of other types are skipped).
pub fn parse_jwks(jwks: &serde_json::Value) -> BTreeMap<String, VerifyingKey> {
    let mut keys = BTreeMap::new();
    for k in jwks.get("keys").and_then(|k| k.as_array()).into_iter().flatten() {
        if k.get("kty").and_then(|v| v.as_str()) != Some("OKP") || k.get("crv").and_then(|v| v.as_str()) != Some("Ed25519") {
            continue;
        }
        let Some(x) = k.get("x").and_then(|v| v.as_str()).and_then(|x| B64.decode(x).ok()) else { continue };
        let Ok(bytes) = <[u8; 32]>::try_from(x.as_slice()) else { continue };
        let Ok(key) = VerifyingKey::from_bytes(&bytes) else { continue };
        let kid = k.get("kid").and_then(|v| v.as_str()).map(str::to_owned).unwrap_or_else(|| thumbprint(&key));
        keys.insert(kid, key);
    }
    keys
}

/// The validity periods that a JWKS publishes (`valid_from`, `valid_until`), by key id.
pub fn parse_jwks_validity(jwks: &serde_json::Value) -> BTreeMap<String, KeyValidity> {
    let mut out = BTreeMap::new();
    for (kid, key) in parse_jwks(jwks) {
        let _ = key;
        out.insert(kid, KeyValidity::default());
    }
    for k in jwks.get("keys").and_then(|k| k.as_array()).into_iter().flatten() {
        let Some(kid) = k.get("kid").and_then(|v| v.as_str()) else { continue };
        if let Some(v) = out.get_mut(kid) {
            v.valid_from = k.get("valid_from").and_then(|v| v.as_i64());
            v.valid_until = k.get("valid_until").and_then(|v| v.as_i64());
        }
    }
    out
}

/// Rotates the seal key: generates a new key (which signs from now on, for instances started
/// from now on) and retires every other key at `now + overlap`. Running instances sign with the
/// key they loaded until they restart: restart them all within `overlap`, or their seals made
/// after it fail the validity check. Retired public keys stay published. Returns the new key id.
pub fn rotate(dir: &Path, overlap: chrono::Duration) -> Result<String, KeyRingError> {
    let kid = generate(dir)?;
    let mut manifest = read_manifest(dir)?;
    let until = (chrono::Utc::now() + overlap).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for entry in manifest.keys.iter_mut().filter(|e| e.kid != kid && e.retired.is_none()) {
        entry.retired = Some(until.clone());
    }
    write_manifest(dir, &manifest)?;
    Ok(kid)
}

/// The certificate chain in `<kid>.cert.pem`, if present: PEM `CERTIFICATE` blocks (RFC 7468),
/// returned as DER, the seal key's certificate first. It must certify the key: its
/// SubjectPublicKeyInfo must hold the key's public bytes.
fn read_certificates(dir: &Path, kid: &str) -> Result<Vec<Vec<u8>>, KeyRingError> {
    let path = dir.join(format!("{kid}.cert.pem"));
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(bad(&path, e)),
    };
    let mut chain = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let end_marker = "-----END CERTIFICATE-----";
        let end = rest[start..].find(end_marker).ok_or_else(|| bad(&path, "unterminated PEM block"))? + start + end_marker.len();
        let (label, der) = pem_rfc7468::decode_vec(&rest.as_bytes()[start..end]).map_err(|e| bad(&path, e))?;
        if label != "CERTIFICATE" {
            return Err(bad(&path, "not a CERTIFICATE block"));
        }
        chain.push(der);
        rest = &rest[end..];
    }
    if chain.is_empty() {
        return Err(bad(&path, "no PEM CERTIFICATE block"));
    }
    Ok(chain)
}

/// Whether a DER certificate holds `key` as its subject public key: the Ed25519
/// SubjectPublicKeyInfo has one fixed DER encoding (RFC 8410 §4), searched for in the certificate.
pub fn certificate_holds_key(der: &[u8], key: &VerifyingKey) -> bool {
    const SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
    let mut spki = SPKI_PREFIX.to_vec();
    spki.extend_from_slice(key.as_bytes());
    der.windows(spki.len()).any(|w| w == spki.as_slice())
}

/// Generates a new seal key in `dir`, writes its files and records it in `keyring.json`.
/// Returns its key id.
pub fn generate(dir: &Path) -> Result<String, KeyRingError> {
    std::fs::create_dir_all(dir)?;
    let signing = SigningKey::from_bytes(&crate::random_bytes::<32>());
    let kid = thumbprint(&signing.verifying_key());
    let private = signing.to_pkcs8_pem(Default::default()).map_err(|e| bad(dir, e))?;
    let public = signing.verifying_key().to_public_key_pem(Default::default()).map_err(|e| bad(dir, e))?;
    write_private(&dir.join(format!("{kid}.key.pem")), private.as_bytes())?;
    std::fs::write(dir.join(format!("{kid}.pub.pem")), public.as_bytes())?;
    let mut manifest = read_manifest(dir)?;
    manifest.keys.push(KeyEntry {
        kid: kid.clone(),
        created: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        retired: None,
    });
    write_manifest(dir, &manifest)?;
    Ok(kid)
}

/// Reads a 32-byte secret from `dir/name`, generating it first when allowed.
pub fn secret(dir: &Path, name: &str, may_generate: bool) -> Result<[u8; 32], KeyRingError> {
    let path = dir.join(name);
    if !path.exists() {
        if !may_generate {
            return Err(KeyRingError::NoKey(path));
        }
        std::fs::create_dir_all(dir)?;
        match write_private(&path, B64.encode(crate::random_bytes::<32>()).as_bytes()) {
            Ok(()) => tracing::warn!(keys.file = %path.display(), "generated a development secret"),
            // Another process generated it first: use theirs.
            Err(KeyRingError::Io(e)) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    check_private_permissions(&path)?;
    let text = std::fs::read_to_string(&path).map_err(|e| bad(&path, e))?;
    let bytes = B64.decode(text.trim()).map_err(|e| bad(&path, e))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| bad(&path, "expected 32 bytes, base64url"))
}

fn read_manifest(dir: &Path) -> Result<Manifest, KeyRingError> {
    let path = dir.join("keyring.json");
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| bad(&path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
        Err(e) => Err(e.into()),
    }
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), KeyRingError> {
    let tmp = dir.join("keyring.json.tmp");
    std::fs::write(&tmp, serde_json::to_vec_pretty(manifest).expect("manifest serialises"))?;
    std::fs::rename(tmp, dir.join("keyring.json"))?;
    Ok(())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyRingError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)?;
    Ok(())
}

fn check_private_permissions(path: &Path) -> Result<(), KeyRingError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_err(|e| bad(path, e))?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyRingError::Permissions { path: path.to_owned(), mode });
        }
    }
    Ok(())
}

fn bad(path: &Path, reason: impl std::fmt::Display) -> KeyRingError {
    KeyRingError::BadFile { path: path.to_owned(), reason: reason.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc8037_appendix_a3_thumbprint() {
        // RFC 8037 Appendix A.2/A.3: the public key and its RFC 7638 thumbprint.
        let x = B64.decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap();
        let key = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        assert_eq!(thumbprint(&key), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn a_generated_key_ring_loads_and_publishes_its_key() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(KeyRing::load_or_generate(dir.path(), false), Err(KeyRingError::NoKey(_))));
        let ring = KeyRing::load_or_generate(dir.path(), true).unwrap();
        let again = KeyRing::load(dir.path()).unwrap();
        assert_eq!(ring.active_kid(), again.active_kid());
        let jwks = ring.jwks();
        assert_eq!(jwks["keys"][0]["kid"], ring.active_kid());
        assert_eq!(parse_jwks(&jwks).len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_world_readable_private_key_stops_loading() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let kid = generate(dir.path()).unwrap();
        let path = dir.path().join(format!("{kid}.key.pem"));
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(KeyRing::load(dir.path()), Err(KeyRingError::Permissions { .. })));
    }

    #[test]
    fn a_key_file_in_a_wrong_format_stops_loading_with_its_name() {
        let dir = tempfile::tempdir().unwrap();
        let kid = generate(dir.path()).unwrap();
        std::fs::write(dir.path().join(format!("{kid}.key.pem")), "not a key").unwrap();
        match KeyRing::load(dir.path()) {
            Err(KeyRingError::BadFile { path, .. }) => assert!(path.ends_with(format!("{kid}.key.pem"))),
            other => panic!("expected BadFile, got {other:?}"),
        }
        std::fs::write(dir.path().join("keyring.json"), "{").unwrap();
        assert!(matches!(KeyRing::load(dir.path()), Err(KeyRingError::BadFile { .. })));
    }

    #[test]
    fn rotation_signs_with_the_new_key_and_keeps_the_old_one_published_with_its_period() {
        let dir = tempfile::tempdir().unwrap();
        let old = generate(dir.path()).unwrap();
        let new = rotate(dir.path(), chrono::Duration::zero()).unwrap();
        assert_ne!(old, new);
        let ring = KeyRing::load(dir.path()).unwrap();
        assert_eq!(ring.active_kid(), new);
        let jwks = ring.jwks();
        let validity = parse_jwks_validity(&jwks);
        assert_eq!(parse_jwks(&jwks).len(), 2);
        let old_period = validity[&old];
        assert!(old_period.valid_from.is_some() && old_period.valid_until.is_some());
        assert!(validity[&new].valid_until.is_none());
        let until = old_period.valid_until.unwrap();
        assert!(old_period.covers(until) && !old_period.covers(until + 1));
        assert!(!old_period.covers(old_period.valid_from.unwrap() - 1));
        // Rotating again retires the second key too; the first keeps its period.
        let third = rotate(dir.path(), chrono::Duration::zero()).unwrap();
        let ring = KeyRing::load(dir.path()).unwrap();
        assert_eq!(ring.active_kid(), third);
        assert_eq!(ring.validity(&old), old_period);
        assert!(ring.validity(&new).valid_until.is_some());
    }

    #[test]
    fn a_certificate_for_another_key_stops_loading() {
        let dir = tempfile::tempdir().unwrap();
        let kid = generate(dir.path()).unwrap();
        let other = SigningKey::from_bytes(&[9; 32]).verifying_key();
        let mut der = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
        der.extend_from_slice(other.as_bytes());
        let pem = pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, &der).unwrap();
        std::fs::write(dir.path().join(format!("{kid}.cert.pem")), pem).unwrap();
        assert!(matches!(KeyRing::load(dir.path()), Err(KeyRingError::BadFile { .. })));
    }
}
