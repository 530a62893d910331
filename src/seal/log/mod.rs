//! The transparency log of seals: an RFC 9162 (RFC 6962) Merkle tree over the seals' compact JWS
//! bytes, with inclusion and consistency proofs, and tree heads published as C2SP
//! `tlog-checkpoint`s signed as C2SP `signed-note`s.
//!
//! This module is pure: no database, no clock, no I/O. The log's state is the list of *stored
//! hashes* in the Go sumdb / `tlog_tiles` layout (see [`stored_hash_index`]): appending leaf `n` stores its leaf
//! hash plus the hashes of the subtrees it completes, at dense, append-only *stored-hash indexes*,
//! and every root, inclusion proof and consistency proof is computed from at most `O(log n)` of
//! them. The database layer owns the table; this module says which indexes to read and what to
//! write.
//!
//! # How the database layer uses it
//!
//! The caller reads first, then calls a pure function on what it read:
//!
//! 1. ask which stored hashes are needed: [`indexes_for_append`], [`indexes_for_root`],
//!    [`indexes_for_inclusion_proof`], [`indexes_for_consistency_proof`];
//! 2. fetch them (`SELECT stored_index, hash FROM tlog_hashes WHERE stored_index IN (...)`) into a
//!    [`PrefetchedHashes`];
//! 3. call [`append_leaves`], [`root_hash`], [`inclusion_proof`] or [`consistency_proof`] with it.
//!
//! An append returns an [`Appended`]: the hashes to insert at `first_stored_index + i` and the new
//! root, ready for [`Checkpoint::sign`], all in the same transaction as the seals. Anything that
//! implements [`HashReader`] works in step 3; [`MemoryHashStore`] is the in-memory log used by tests
//! and benchmarks.
//!
//! Verification needs no storage: [`verify_inclusion`], [`verify_consistency`],
//! [`InclusionProof::verify_against_checkpoint`] (a receipt's seal) and
//! [`verify_checkpoint_consistency`] (`hospes log verify --from OLD --to NEW`).
//!
//! The Merkle algorithms come from the `tlog_tiles` crate (a port of Go's `sumdb/tlog`); the note
//! format from `signed_note`, with our own strict Ed25519 verifier. This module wraps both so that
//! neither crate's types appear in its API.

mod checkpoint;
mod hash;
mod store;
mod tree;
mod verify;

pub use checkpoint::{Checkpoint, CheckpointError, NoteVerifier, verifier_key};
pub use hash::{EMPTY_ROOT, HASH_SIZE, Hash, leaf_hash, node_hash};
pub use store::{
    HashReader, MemoryHashStore, PrefetchedHashes, split_stored_hash_index, stored_hash_count,
    stored_hash_index,
};
pub use tree::{
    Appended, append_leaf_hashes, append_leaves, consistency_proof, inclusion_proof,
    indexes_for_append, indexes_for_consistency_proof, indexes_for_inclusion_proof,
    indexes_for_root, root_hash,
};
pub use verify::{
    ConsistencyProof, InclusionProof, verify_checkpoint_consistency, verify_consistency,
    verify_inclusion,
};

/// The largest tree this log handles: `2^62` leaves, so that every stored-hash index (about twice
/// the leaf count) fits in an `i64` database column.
pub const MAX_TREE_SIZE: u64 = 1 << 62;

/// Why a log operation or a proof check failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogError {
    /// A leaf index at or past the end of the tree.
    #[error("leaf index {leaf_index} is not in a tree of size {tree_size}")]
    LeafIndexOutOfRange { leaf_index: u64, tree_size: u64 },
    /// An older tree larger than the newer one, or a size past [`MAX_TREE_SIZE`].
    #[error("tree sizes out of range: old {old_size}, new {new_size}")]
    TreeSizeOutOfRange { old_size: u64, new_size: u64 },
    /// The hash store lacks a hash that the operation needs (a prefetch that missed an index).
    #[error("stored hash {0} is missing")]
    MissingHash(u64),
    /// The hash store failed for its own reason.
    #[error("hash store: {0}")]
    Store(String),
    /// A proof that does not prove what it claims: wrong hashes, wrong length, wrong leaf.
    #[error("the proof does not verify")]
    InvalidProof,
    /// A proof checked against a tree head (checkpoint) of another size or root.
    #[error("the proof is for tree size {proof_size} but the checkpoint is for {checkpoint_size}")]
    CheckpointSizeMismatch { proof_size: u64, checkpoint_size: u64 },
    /// The root a proof names differs from the checkpoint's root.
    #[error("the proof's root hash differs from the checkpoint's")]
    RootMismatch,
    /// Two checkpoints of different logs.
    #[error("the checkpoints are of different logs: {old} and {new}")]
    OriginMismatch { old: String, new: String },
    /// A hash that is not standard, padded base64 of 32 bytes.
    #[error("malformed hash: {0}")]
    MalformedHash(String),
}

