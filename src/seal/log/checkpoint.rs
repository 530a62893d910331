//! Checkpoints: the log's signed tree heads, in the C2SP `tlog-checkpoint` format, signed as a
//! C2SP `signed-note` with an Ed25519 key whose name is the log's origin.
//!
//! A signed checkpoint reads:
//!
//! ```text
//! hospes.example/log
//! 42
//! 2QZ6f0ZEDkLnRUoOv6MuXQ/3kcWgKbN4mXyJCkZp0Fg=
//!
//! — hospes.example/log AbCdEf...base64(key hash || signature)...
//! ```
//!
//! The key hash is the signed-note one, `SHA-256(name || 0x0A || 0x01 || public key)[:4]`, and the
//! verifier key string is `<name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>`. Note
//! parsing and formatting are the `signed_note` crate's; signatures are checked here with strict
//! Ed25519 (`verify_strict`: no small-order keys, no malleable signatures). Other signatures on
//! the note (witness cosignatures) are ignored; one valid signature by the log's key is required.

use ed25519_dalek::{Signature, SigningKey, VerifyingKey};
use signed_note::{Note, NoteError, VerifierList};

use super::Hash;

/// The signed-note signature type byte of Ed25519.
const ALG_ED25519: u8 = 0x01;

/// Why a checkpoint could not be signed, parsed or trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// An origin (key name) that is empty or holds whitespace, `+` or control characters.
    #[error("invalid log origin {0:?}: it must be non-empty, without spaces, '+' or control characters")]
    InvalidOrigin(String),
    /// A verifier key string not of the form `<name>+<8 hex digits>+<base64>`, or whose key hash
    /// does not match its name and key.
    #[error("malformed verifier key: {0}")]
    MalformedVerifierKey(&'static str),
    /// A verifier key of a signature type other than Ed25519.
    #[error("unsupported verifier key type {0:#04x}")]
    UnsupportedKeyType(u8),
    /// A small-order (weak) Ed25519 public key, which would accept forged signatures.
    #[error("weak Ed25519 public key")]
    WeakKey,
    /// Not a well-formed signed note.
    #[error("malformed signed note")]
    MalformedNote,
    /// A signed note whose text is not a well-formed checkpoint.
    #[error("malformed checkpoint")]
    MalformedCheckpoint,
    /// No signature line of the expected key (name and key hash).
    #[error("the checkpoint is not signed by {0}")]
    NotSignedByKey(String),
    /// A signature line of the expected key whose signature is wrong: a forgery or an alteration.
    #[error("the checkpoint's signature by {0} does not verify")]
    BadSignature(String),
    /// A correctly signed checkpoint of another log.
    #[error("the checkpoint is for log {found:?}, expected {expected:?}")]
    WrongOrigin { expected: String, found: String },
    /// The signing key failed.
    #[error("signing failed")]
    Signing,
}

/// A tree head: the log `origin` had `tree_size` leaves with root `root_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity, e.g. `hospes.example/log`; also the name of its signing key.
    pub origin: String,
    /// Number of leaves.
    pub tree_size: u64,
    /// Root hash of those leaves (RFC 9162 §2.1.1).
    pub root_hash: Hash,
}

fn check_origin(origin: &str) -> Result<(), CheckpointError> {
    if origin.is_empty() || origin.chars().any(|c| c.is_whitespace() || c.is_control() || c == '+') {
        return Err(CheckpointError::InvalidOrigin(origin.chars().take(100).collect()));
    }
    Ok(())
}

impl Checkpoint {
    /// A checkpoint; the origin must be a valid signed-note key name.
    pub fn new(origin: &str, tree_size: u64, root_hash: Hash) -> Result<Self, CheckpointError> {
        check_origin(origin)?;
        Ok(Self { origin: origin.to_owned(), tree_size, root_hash })
    }

    /// The checkpoint body: origin, decimal size and base64 root, each on its own line.
    pub fn to_text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.tree_size, self.root_hash)
    }

    /// The whole signed note, signed by `key` under the key name `origin`.
    pub fn sign(&self, key: &SigningKey) -> Result<String, CheckpointError> {
        check_origin(&self.origin)?;
        let signer = NoteSigner { name: &self.origin, key_id: key_id(&self.origin, &key.verifying_key()), key };
        let mut note = Note::new(self.to_text().as_bytes(), &[]).map_err(|_| CheckpointError::MalformedCheckpoint)?;
        note.add_sigs(&[&signer]).map_err(|_| CheckpointError::Signing)?;
        String::from_utf8(note.to_bytes()).map_err(|_| CheckpointError::MalformedNote)
    }

    /// Parses a signed checkpoint note and checks it: well-formed, signed by `verifier`'s key with a
    /// valid strict Ed25519 signature, and for the log `verifier` names (origin = key name).
    pub fn open(note: &str, verifier: &NoteVerifier) -> Result<Self, CheckpointError> {
        let parsed = Note::from_bytes(note.as_bytes()).map_err(|_| CheckpointError::MalformedNote)?;
        let known = VerifierList::new(vec![Box::new(verifier.clone())]);
        match parsed.verify(&known) {
            Ok(_) => {}
            Err(NoteError::InvalidSignature { .. }) => {
                return Err(CheckpointError::BadSignature(verifier.verifier_key()));
            }
            Err(NoteError::UnverifiedNote) => {
                return Err(CheckpointError::NotSignedByKey(verifier.verifier_key()));
            }
            Err(_) => return Err(CheckpointError::MalformedNote),
        }
        let body = tlog_tiles::Checkpoint::from_bytes(parsed.text()).map_err(|_| CheckpointError::MalformedCheckpoint)?;
        if body.origin() != verifier.name() {
            return Err(CheckpointError::WrongOrigin {
                expected: verifier.name().to_owned(),
                found: body.origin().chars().take(100).collect(),
            });
        }
        Self::new(body.origin(), body.size(), (*body.hash()).into())
    }
}

/// The signed-note key hash, `SHA-256(name || 0x0A || 0x01 || public key)[:4]` as a big-endian u32.
fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    signed_note::key_id(name, &encoded_key(key))
}

fn encoded_key(key: &VerifyingKey) -> Vec<u8> {
    let mut encoded = Vec::with_capacity(33);
    encoded.push(ALG_ED25519);
    encoded.extend_from_slice(key.as_bytes());
    encoded
}

/// The verifier key string of the log `origin` with public key `key`:
/// `<origin>+<key hash>+<base64(0x01 || key)>`. Published beside the JWKS.
pub fn verifier_key(origin: &str, key: &VerifyingKey) -> Result<String, CheckpointError> {
    Ok(NoteVerifier::new(origin, key)?.verifier_key())
}

/// A trusted checkpoint key: the log's name and its Ed25519 public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    name: String,
    key_id: u32,
    key: VerifyingKey,
}

impl NoteVerifier {
    /// The verifier of the log `name` with public key `key`; rejects weak keys.
    pub fn new(name: &str, key: &VerifyingKey) -> Result<Self, CheckpointError> {
        check_origin(name)?;
        if key.is_weak() {
            return Err(CheckpointError::WeakKey);
        }
        Ok(Self { name: name.to_owned(), key_id: key_id(name, key), key: *key })
    }

    /// Parses a verifier key string `<name>+<key hash>+<base64(0x01 || public key)>`, checking that
    /// the key hash matches the name and key.
    pub fn from_verifier_key(vkey: &str) -> Result<Self, CheckpointError> {
        use base64::Engine;
        let (name, rest) = vkey.split_once('+').ok_or(CheckpointError::MalformedVerifierKey("no '+'"))?;
        let (id_hex, key_b64) = rest.split_once('+').ok_or(CheckpointError::MalformedVerifierKey("one '+'"))?;
        if id_hex.len() != 8 || !id_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CheckpointError::MalformedVerifierKey("key hash is not 8 hex digits"));
        }
        let id = u32::from_str_radix(id_hex, 16).map_err(|_| CheckpointError::MalformedVerifierKey("key hash"))?;
        let encoded = base64::engine::general_purpose::STANDARD
            .decode(key_b64)
            .map_err(|_| CheckpointError::MalformedVerifierKey("key is not base64"))?;
        let (&alg, raw) = encoded.split_first().ok_or(CheckpointError::MalformedVerifierKey("empty key"))?;
        if alg != ALG_ED25519 {
            return Err(CheckpointError::UnsupportedKeyType(alg));
        }
        let raw: &[u8; 32] = raw.try_into().map_err(|_| CheckpointError::MalformedVerifierKey("key is not 32 bytes"))?;
        let key = VerifyingKey::from_bytes(raw).map_err(|_| CheckpointError::MalformedVerifierKey("not an Ed25519 point"))?;
        let verifier = Self::new(name, &key)?;
        if verifier.key_id != id {
            return Err(CheckpointError::MalformedVerifierKey("key hash does not match name and key"));
        }
        Ok(verifier)
    }

    /// The verifier key string.
    pub fn verifier_key(&self) -> String {
        signed_note::new_ed25519_verifier_key(&self.name, &self.key)
    }

    /// The key name: the log's origin.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The signed-note key hash.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The Ed25519 public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl signed_note::Verifier for NoteVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.key_id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        Signature::from_slice(sig).is_ok_and(|sig| self.key.verify_strict(msg, &sig).is_ok())
    }
}

/// Signs a note with a borrowed key; the private key never leaves its `SigningKey`.
struct NoteSigner<'a> {
    name: &'a str,
    key_id: u32,
    key: &'a SigningKey,
}

impl signed_note::Signer for NoteSigner<'_> {
    fn name(&self) -> &str {
        self.name
    }

    fn key_id(&self) -> u32 {
        self.key_id
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, ed25519_dalek::SignatureError> {
        use ed25519_dalek::Signer;
        Ok(self.key.try_sign(msg)?.to_bytes().to_vec())
    }
}
