//! Checking proofs without the log: what `hospes verify` and `hospes log verify` run offline.

use serde::{Deserialize, Serialize};
use tlog_tiles::tlog as tl;

use super::{Checkpoint, EMPTY_ROOT, Hash, LogError, leaf_hash};

/// No tree of at most 2^64 leaves has a longer inclusion proof; longer input is rejected before
/// any hashing, so a hostile receipt costs nothing.
const MAX_INCLUSION_PROOF_LEN: usize = 64;
/// The same bound for consistency proofs (at most about 2 log2 n hashes).
const MAX_CONSISTENCY_PROOF_LEN: usize = 130;

/// Checks that `proof` proves leaf `leaf_index`, with leaf hash `leaf_hash`, is in the tree of
/// `tree_size` leaves whose root is `root_hash` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(
    leaf_hash: &Hash,
    leaf_index: u64,
    tree_size: u64,
    proof: &[Hash],
    root_hash: &Hash,
) -> Result<(), LogError> {
    if leaf_index >= tree_size {
        return Err(LogError::LeafIndexOutOfRange { leaf_index, tree_size });
    }
    if proof.len() > MAX_INCLUSION_PROOF_LEN {
        return Err(LogError::InvalidProof);
    }
    let proof: Vec<tl::Hash> = proof.iter().map(|h| (*h).into()).collect();
    tl::check_record(&proof, tree_size, (*root_hash).into(), leaf_index, (*leaf_hash).into())
        .map_err(|_| LogError::InvalidProof)
}

/// Checks that `proof` proves the tree of `old_size` leaves with root `old_root` is a prefix of the
/// tree of `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2): nothing was removed or
/// rewritten in between. Equal sizes need equal roots and an empty proof; the empty tree (root
/// [`EMPTY_ROOT`]) is a prefix of every tree, with an empty proof.
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), LogError> {
    if old_size > new_size {
        return Err(LogError::TreeSizeOutOfRange { old_size, new_size });
    }
    let trivially = |ok: bool| if ok && proof.is_empty() { Ok(()) } else { Err(LogError::InvalidProof) };
    if old_size == new_size {
        return trivially(old_root == new_root);
    }
    if old_size == 0 {
        return trivially(*old_root == EMPTY_ROOT);
    }
    if proof.len() > MAX_CONSISTENCY_PROOF_LEN {
        return Err(LogError::InvalidProof);
    }
    let proof: Vec<tl::Hash> = proof.iter().map(|h| (*h).into()).collect();
    tl::check_tree(&proof, new_size, (*new_root).into(), old_size, (*old_root).into())
        .map_err(|_| LogError::InvalidProof)
}

/// A seal's place in the log, as a receipt carries it:
/// `{"leaf_index", "tree_size", "inclusion_proof": [base64 hashes], "root_hash"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InclusionProof {
    /// Zero-based position of the seal in the log.
    pub leaf_index: u64,
    /// Size of the tree the proof is for.
    pub tree_size: u64,
    /// The inclusion path, leaf-side sibling first (RFC 9162 §2.1.3.1), each hash standard
    /// padded base64 of 32 bytes.
    #[schema(value_type = Vec<String>)]
    pub inclusion_proof: Vec<Hash>,
    /// Root of the tree of `tree_size` leaves (standard padded base64 of 32 bytes).
    #[schema(value_type = String)]
    pub root_hash: Hash,
}

impl InclusionProof {
    /// Checks that `leaf` (the seal's compact JWS bytes) is at `leaf_index` in the tree of
    /// `tree_size` leaves with `root_hash`.
    pub fn verify(&self, leaf: &[u8]) -> Result<(), LogError> {
        verify_inclusion(&leaf_hash(leaf), self.leaf_index, self.tree_size, &self.inclusion_proof, &self.root_hash)
    }

    /// [`Self::verify`], and that the tree is the one `checkpoint` signs: same size, same root.
    /// The checkpoint's signature must have been checked already ([`Checkpoint::open`]).
    pub fn verify_against_checkpoint(&self, leaf: &[u8], checkpoint: &Checkpoint) -> Result<(), LogError> {
        if self.tree_size != checkpoint.tree_size {
            return Err(LogError::CheckpointSizeMismatch {
                proof_size: self.tree_size,
                checkpoint_size: checkpoint.tree_size,
            });
        }
        if self.root_hash != checkpoint.root_hash {
            return Err(LogError::RootMismatch);
        }
        self.verify(leaf)
    }
}

/// A consistency proof as served over HTTP and read by `hospes log verify`:
/// `{"old_size", "new_size", "consistency_proof": [base64 hashes]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    /// Size of the older tree.
    pub old_size: u64,
    /// Size of the newer tree.
    pub new_size: u64,
    /// The proof nodes (RFC 9162 §2.1.4.1), each standard padded base64 of 32 bytes.
    #[schema(value_type = Vec<String>)]
    pub consistency_proof: Vec<Hash>,
}

/// Checks that the log `new` signs extends the log `old` signs, by `proof` (RFC 9162 §2.1.4.2):
/// same origin, and the older tree a prefix of the newer. Both checkpoints' signatures must have
/// been checked already ([`Checkpoint::open`]).
pub fn verify_checkpoint_consistency(old: &Checkpoint, new: &Checkpoint, proof: &[Hash]) -> Result<(), LogError> {
    if old.origin != new.origin {
        return Err(LogError::OriginMismatch { old: old.origin.clone(), new: new.origin.clone() });
    }
    verify_consistency(old.tree_size, &old.root_hash, new.tree_size, &new.root_hash, proof)
}
