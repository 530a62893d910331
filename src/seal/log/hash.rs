//! The log's hash type and the two hash functions of RFC 9162 §2.1.1 (SHA-256 for this log).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;

use super::LogError;

/// Size of a [`struct@Hash`] in bytes (SHA-256).
pub const HASH_SIZE: usize = 32;

/// A node of the Merkle tree: a leaf hash, an interior node hash or a root hash.
///
/// Written as standard, padded base64 (RFC 4648 §4) wherever it leaves the process: in receipts,
/// proofs and checkpoints; `Display`, `Debug` and serde use that form.
#[derive(Copy, Clone, Default, PartialEq, Eq, PartialOrd, Ord, std::hash::Hash)]
pub struct Hash(pub [u8; HASH_SIZE]);

/// The root hash of the empty tree, `SHA-256("")` (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = Hash([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

/// The leaf hash `SHA-256(0x00 || leaf)` (RFC 9162 §2.1.1). In hospes a leaf is a seal's compact
/// JWS, as the ASCII bytes that were signed and served.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(leaf);
    Hash(h.finalize().into())
}

/// The interior node hash `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

impl Hash {
    /// The raw 32 bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_SIZE] {
        &self.0
    }

    /// Standard, padded base64 of the 32 bytes (44 characters).
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// Parses standard, padded base64 of exactly 32 bytes; anything else (URL-safe alphabet,
    /// missing padding, non-canonical trailing bits, another length) is
    /// [`LogError::MalformedHash`].
    pub fn from_base64(text: &str) -> Result<Self, LogError> {
        let bytes = BASE64
            .decode(text)
            .map_err(|_| LogError::MalformedHash(text.chars().take(64).collect()))?;
        Self::from_slice(&bytes).ok_or_else(|| LogError::MalformedHash(text.chars().take(64).collect()))
    }

    /// The hash in `bytes` when it holds exactly 32 bytes (a `BYTEA`/`BLOB` column).
    pub fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Hash)
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_base64())
    }
}

impl Serialize for Hash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Hash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Hash::from_base64(&text).map_err(serde::de::Error::custom)
    }
}

impl From<tlog_tiles::tlog::Hash> for Hash {
    fn from(h: tlog_tiles::tlog::Hash) -> Self {
        Hash(h.0)
    }
}

impl From<Hash> for tlog_tiles::tlog::Hash {
    fn from(h: Hash) -> Self {
        tlog_tiles::tlog::Hash(h.0)
    }
}
