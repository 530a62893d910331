//! Appending to the tree and computing roots and proofs from stored hashes (RFC 9162 §2.1).
//!
//! Every operation comes in two halves: `indexes_for_*` says which stored hashes it will read
//! (at most `O(log n)`, sorted, without duplicates), and the operation itself reads them through a
//! [`HashReader`] in a single `read_hashes` call. The Merkle algorithms are `tlog_tiles`'s.

use tlog_tiles::tlog as tl;

use super::store::{IndexRecorder, TlogReader};
use super::{Hash, HashReader, LogError, MAX_TREE_SIZE, leaf_hash, stored_hash_count, stored_hash_index};

/// What appending a batch of leaves writes: `hashes[i]` goes to stored-hash index
/// `first_stored_index + i`, and the tree then has `tree_size` leaves and root `root_hash`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    /// Leaves before the append; the batch's leaves have indexes `old_size..tree_size`.
    pub old_size: u64,
    /// Leaves after the append.
    pub tree_size: u64,
    /// Stored-hash index of `hashes[0]`; equals `stored_hash_count(old_size)`.
    pub first_stored_index: u64,
    /// The new stored hashes, in index order: each leaf hash followed by the subtrees it completes.
    pub hashes: Vec<Hash>,
    /// The root of the tree of `tree_size` leaves (RFC 9162 §2.1.1), to sign as a checkpoint.
    pub root_hash: Hash,
}

impl Appended {
    /// The rows to insert: `(stored_index, hash)`.
    pub fn rows(&self) -> impl Iterator<Item = (u64, Hash)> + '_ {
        (self.first_stored_index..).zip(self.hashes.iter().copied())
    }

    /// The leaf index of the batch's `i`-th leaf.
    pub fn leaf_index(&self, i: usize) -> u64 {
        self.old_size + i as u64
    }
}

fn check_sizes(old_size: u64, new_size: u64) -> Result<(), LogError> {
    if old_size > new_size || new_size > MAX_TREE_SIZE {
        return Err(LogError::TreeSizeOutOfRange { old_size, new_size });
    }
    Ok(())
}

fn sorted(mut indexes: Vec<u64>) -> Vec<u64> {
    indexes.sort_unstable();
    indexes.dedup();
    indexes
}

/// The stored hashes of a tree of `tree_size` leaves that appending `count` leaves reads (to hash
/// the subtrees the new leaves complete, and the new root): at most about `2 log2(tree_size)`.
pub fn indexes_for_append(tree_size: u64, count: u64) -> Result<Vec<u64>, LogError> {
    let new_size = tree_size.saturating_add(count);
    check_sizes(tree_size, new_size)?;
    let base = stored_hash_count(tree_size);
    let mut need = Vec::new();
    // Leaf m completes one subtree per trailing 1 bit of m; the left half of the subtree at
    // level i+1 is stored at (i, (m >> i) - 1). Only the first leaves of a batch reach back into
    // old storage, but the walk is cheap next to hashing.
    for m in tree_size..new_size {
        for level in 0..m.trailing_ones() as u8 {
            let index = stored_hash_index(level, (m >> level) - 1);
            if index < base {
                need.push(index);
            }
        }
    }
    need.extend(tl::sub_tree_index(0, new_size, Vec::new()).into_iter().filter(|&i| i < base));
    Ok(sorted(need))
}

/// The stored hashes that the root of a tree of `tree_size` leaves is computed from: one per set
/// bit of `tree_size`.
pub fn indexes_for_root(tree_size: u64) -> Result<Vec<u64>, LogError> {
    check_sizes(0, tree_size)?;
    Ok(sorted(tl::sub_tree_index(0, tree_size, Vec::new())))
}

/// The stored hashes that [`inclusion_proof`] reads.
pub fn indexes_for_inclusion_proof(tree_size: u64, leaf_index: u64) -> Result<Vec<u64>, LogError> {
    check_inclusion(tree_size, leaf_index)?;
    let recorder = IndexRecorder::default();
    tl::prove_record(tree_size, leaf_index, &recorder).map_err(|e| LogError::Store(e.to_string()))?;
    Ok(sorted(recorder.indexes.into_inner()))
}

/// The stored hashes that [`consistency_proof`] reads.
pub fn indexes_for_consistency_proof(old_size: u64, new_size: u64) -> Result<Vec<u64>, LogError> {
    check_sizes(old_size, new_size)?;
    if old_size == 0 {
        return Ok(Vec::new());
    }
    let recorder = IndexRecorder::default();
    tl::prove_tree(new_size, old_size, &recorder).map_err(|e| LogError::Store(e.to_string()))?;
    Ok(sorted(recorder.indexes.into_inner()))
}

/// Appends leaves (compact JWS bytes) to a tree of `tree_size` leaves. Reads exactly
/// [`indexes_for_append`]`(tree_size, leaves.len())` from `reader`, once.
pub fn append_leaves<L: AsRef<[u8]>, R: HashReader + ?Sized>(
    tree_size: u64,
    leaves: &[L],
    reader: &R,
) -> Result<Appended, LogError> {
    let hashes: Vec<Hash> = leaves.iter().map(|l| leaf_hash(l.as_ref())).collect();
    append_leaf_hashes(tree_size, &hashes, reader)
}

/// Like [`append_leaves`], for leaves already hashed with [`leaf_hash`].
pub fn append_leaf_hashes<R: HashReader + ?Sized>(
    tree_size: u64,
    leaf_hashes: &[Hash],
    reader: &R,
) -> Result<Appended, LogError> {
    let need = indexes_for_append(tree_size, leaf_hashes.len() as u64)?;
    let old = reader.read_hashes(&need)?;
    if old.len() != need.len() {
        return Err(LogError::Store("read_hashes returned a wrong count".into()));
    }
    let old: Vec<(u64, tl::Hash)> = need.into_iter().zip(old.into_iter().map(Into::into)).collect();
    let base = stored_hash_count(tree_size);
    let mut new: Vec<tl::Hash> = Vec::with_capacity(leaf_hashes.len() * 2 + 1);
    for (m, h) in (tree_size..).zip(leaf_hashes) {
        let overlay = Overlay { base, old: &old, new: &new };
        let stored = tl::stored_hashes_for_record_hash(m, (*h).into(), &overlay)
            .map_err(|e| LogError::Store(e.to_string()))?;
        new.extend(stored);
    }
    let new_size = tree_size + leaf_hashes.len() as u64;
    let overlay = Overlay { base, old: &old, new: &new };
    let root = tl::tree_hash(new_size, &overlay).map_err(|e| LogError::Store(e.to_string()))?;
    Ok(Appended {
        old_size: tree_size,
        tree_size: new_size,
        first_stored_index: base,
        hashes: new.into_iter().map(Into::into).collect(),
        root_hash: root.into(),
    })
}

/// Old hashes (prefetched, sorted by index) below `base`, the batch's new hashes from `base` on.
struct Overlay<'a> {
    base: u64,
    old: &'a [(u64, tl::Hash)],
    new: &'a [tl::Hash],
}

impl tl::HashReader for Overlay<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tl::Hash>, tl::Error> {
        indexes
            .iter()
            .map(|&i| {
                let found = if i >= self.base {
                    usize::try_from(i - self.base).ok().and_then(|j| self.new.get(j))
                } else {
                    self.old.binary_search_by_key(&i, |(k, _)| *k).ok().map(|j| &self.old[j].1)
                };
                found.copied().ok_or(tl::Error::IndexesNotInTree)
            })
            .collect()
    }
}

/// The root hash of the tree of the first `tree_size` leaves (RFC 9162 §2.1.1); [`EMPTY_ROOT`]
/// for 0. Reads [`indexes_for_root`].
///
/// [`EMPTY_ROOT`]: super::EMPTY_ROOT
pub fn root_hash<R: HashReader + ?Sized>(tree_size: u64, reader: &R) -> Result<Hash, LogError> {
    check_sizes(0, tree_size)?;
    let r = TlogReader::new(reader);
    tl::tree_hash(tree_size, &r).map(Into::into).map_err(|e| r.error(e))
}

fn check_inclusion(tree_size: u64, leaf_index: u64) -> Result<(), LogError> {
    check_sizes(0, tree_size)?;
    if leaf_index >= tree_size {
        return Err(LogError::LeafIndexOutOfRange { leaf_index, tree_size });
    }
    Ok(())
}

/// The inclusion proof (RFC 9162 §2.1.3.1 "inclusion path") of leaf `leaf_index` in the tree of the
/// first `tree_size` leaves, leaf-side sibling first. Reads [`indexes_for_inclusion_proof`].
pub fn inclusion_proof<R: HashReader + ?Sized>(
    tree_size: u64,
    leaf_index: u64,
    reader: &R,
) -> Result<Vec<Hash>, LogError> {
    check_inclusion(tree_size, leaf_index)?;
    let r = TlogReader::new(reader);
    let proof = tl::prove_record(tree_size, leaf_index, &r).map_err(|e| r.error(e))?;
    Ok(proof.into_iter().map(Into::into).collect())
}

/// The consistency proof (RFC 9162 §2.1.4.1) from the tree of `old_size` leaves to the tree of
/// `new_size`; empty when `old_size` is 0 or equals `new_size`. Reads
/// [`indexes_for_consistency_proof`].
pub fn consistency_proof<R: HashReader + ?Sized>(
    old_size: u64,
    new_size: u64,
    reader: &R,
) -> Result<Vec<Hash>, LogError> {
    check_sizes(old_size, new_size)?;
    if old_size == 0 {
        return Ok(Vec::new());
    }
    let r = TlogReader::new(reader);
    let proof = tl::prove_tree(new_size, old_size, &r).map_err(|e| r.error(e))?;
    Ok(proof.into_iter().map(Into::into).collect())
}
