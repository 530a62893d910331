//! Where the log's hashes live: the stored-hash index scheme and the [`HashReader`] trait.
//!
//! The scheme is Go's `sumdb/tlog` (Crosby and Wallach, "Efficient Data Structures for
//! Tamper-Evident Logging", §3.3), as `tlog_tiles` implements it. The hash of the `n`-th complete
//! subtree of `2^level` leaves has one dense index, [`stored_hash_index`]`(level, n)`. Appending
//! leaf `n` writes its leaf hash at `stored_hash_index(0, n)` followed by the hashes of the subtrees
//! it completes (one per trailing 1 bit of `n`), so the stored hashes of a tree of `s` leaves are
//! exactly the indexes `0..stored_hash_count(s)`, written once and never changed: an append-only
//! table keyed by index. About two hashes are stored per leaf.

use std::cell::RefCell;
use std::collections::HashMap;

use super::{Hash, LogError};

/// The stored-hash index of the `n`-th complete subtree of `2^level` leaves (level 0: leaf `n`).
pub fn stored_hash_index(level: u8, n: u64) -> u64 {
    tlog_tiles::tlog::stored_hash_index(level, n)
}

/// The inverse of [`stored_hash_index`]: `(level, n)` of a stored-hash index.
pub fn split_stored_hash_index(index: u64) -> (u8, u64) {
    tlog_tiles::tlog::split_stored_hash_index(index)
}

/// How many hashes a tree of `tree_size` leaves has stored; the next append writes its first hash
/// at this index.
pub fn stored_hash_count(tree_size: u64) -> u64 {
    tlog_tiles::tlog::stored_hash_count(tree_size)
}

/// Reads stored hashes by index. The database layer implements it over a prefetched map
/// ([`PrefetchedHashes`]); tests use [`MemoryHashStore`].
///
/// The trait is synchronous on purpose: an async caller first asks for the indexes an operation
/// needs (`indexes_for_*`), fetches them, then runs the pure operation on what it fetched.
pub trait HashReader {
    /// The hashes at `indexes`, in the same order (indexes may repeat). A missing index is
    /// [`LogError::MissingHash`]; a store failure is [`LogError::Store`].
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, LogError>;
}

impl<R: HashReader + ?Sized> HashReader for &R {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, LogError> {
        (**self).read_hashes(indexes)
    }
}

/// Hashes fetched from the database for one operation, by stored-hash index.
#[derive(Debug, Clone, Default)]
pub struct PrefetchedHashes {
    hashes: HashMap<u64, Hash>,
}

impl PrefetchedHashes {
    /// An empty set: enough for appending to an empty tree.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the hash stored at `index`.
    pub fn insert(&mut self, index: u64, hash: Hash) {
        self.hashes.insert(index, hash);
    }

    /// How many hashes it holds.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }
}

impl FromIterator<(u64, Hash)> for PrefetchedHashes {
    fn from_iter<I: IntoIterator<Item = (u64, Hash)>>(iter: I) -> Self {
        Self { hashes: iter.into_iter().collect() }
    }
}

impl HashReader for PrefetchedHashes {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, LogError> {
        indexes
            .iter()
            .map(|i| self.hashes.get(i).copied().ok_or(LogError::MissingHash(*i)))
            .collect()
    }
}

/// The whole log in memory: every stored hash in index order. For tests, benchmarks and tools;
/// the service keeps its hashes in the database.
#[derive(Debug, Clone, Default)]
pub struct MemoryHashStore {
    hashes: Vec<Hash>,
    tree_size: u64,
}

impl MemoryHashStore {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves.
    pub fn tree_size(&self) -> u64 {
        self.tree_size
    }

    /// Every stored hash, in index order (what the `tlog_hashes` table would hold).
    pub fn stored_hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// Appends leaves (compact JWS bytes) and returns what an append to the database would write.
    pub fn append<L: AsRef<[u8]>>(&mut self, leaves: &[L]) -> Result<super::Appended, LogError> {
        let appended = super::append_leaves(self.tree_size, leaves, &*self)?;
        self.apply(&appended)?;
        Ok(appended)
    }

    /// Appends precomputed leaf hashes.
    pub fn append_hashes(&mut self, leaf_hashes: &[Hash]) -> Result<super::Appended, LogError> {
        let appended = super::append_leaf_hashes(self.tree_size, leaf_hashes, &*self)?;
        self.apply(&appended)?;
        Ok(appended)
    }

    /// Writes an [`super::Appended`] computed elsewhere, as the database layer would.
    pub fn apply(&mut self, appended: &super::Appended) -> Result<(), LogError> {
        if appended.old_size != self.tree_size || appended.first_stored_index != self.hashes.len() as u64 {
            return Err(LogError::TreeSizeOutOfRange { old_size: appended.old_size, new_size: self.tree_size });
        }
        self.hashes.extend_from_slice(&appended.hashes);
        self.tree_size = appended.tree_size;
        Ok(())
    }

    /// The root of the tree's first `tree_size` leaves.
    pub fn root_hash(&self, tree_size: u64) -> Result<Hash, LogError> {
        self.check_size(tree_size)?;
        super::root_hash(tree_size, self)
    }

    /// The inclusion proof of `leaf_index` in the tree of the first `tree_size` leaves.
    pub fn inclusion_proof(&self, tree_size: u64, leaf_index: u64) -> Result<Vec<Hash>, LogError> {
        self.check_size(tree_size)?;
        super::inclusion_proof(tree_size, leaf_index, self)
    }

    /// The consistency proof from the tree of `old_size` leaves to the one of `new_size`.
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Hash>, LogError> {
        self.check_size(new_size)?;
        super::consistency_proof(old_size, new_size, self)
    }

    fn check_size(&self, tree_size: u64) -> Result<(), LogError> {
        if tree_size > self.tree_size {
            return Err(LogError::TreeSizeOutOfRange { old_size: tree_size, new_size: self.tree_size });
        }
        Ok(())
    }
}

impl HashReader for MemoryHashStore {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, LogError> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.hashes.get(i))
                    .copied()
                    .ok_or(LogError::MissingHash(i))
            })
            .collect()
    }
}

/// Lets `tlog_tiles` read through one of our [`HashReader`]s, keeping our error for the caller.
pub(super) struct TlogReader<'a, R: ?Sized> {
    inner: &'a R,
    error: RefCell<Option<LogError>>,
}

impl<'a, R: HashReader + ?Sized> TlogReader<'a, R> {
    pub(super) fn new(inner: &'a R) -> Self {
        Self { inner, error: RefCell::new(None) }
    }

    /// Turns a `tlog_tiles` failure back into the reader's own error when it caused it.
    pub(super) fn error(&self, e: tlog_tiles::tlog::Error) -> LogError {
        self.error.borrow_mut().take().unwrap_or_else(|| LogError::Store(e.to_string()))
    }
}

impl<R: HashReader + ?Sized> tlog_tiles::tlog::HashReader for TlogReader<'_, R> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::tlog::Hash>, tlog_tiles::tlog::Error> {
        match self.inner.read_hashes(indexes) {
            Ok(hashes) if hashes.len() == indexes.len() => Ok(hashes.into_iter().map(Into::into).collect()),
            Ok(_) => {
                *self.error.borrow_mut() = Some(LogError::Store("read_hashes returned a wrong count".into()));
                Err(tlog_tiles::tlog::Error::IndexesNotInTree)
            }
            Err(e) => {
                *self.error.borrow_mut() = Some(e);
                Err(tlog_tiles::tlog::Error::IndexesNotInTree)
            }
        }
    }
}

/// Records which indexes `tlog_tiles` asks for, answering with zero hashes: how the
/// `indexes_for_*` functions learn exactly what a proof will read, without duplicating its logic.
#[derive(Default)]
pub(super) struct IndexRecorder {
    pub(super) indexes: RefCell<Vec<u64>>,
}

impl tlog_tiles::tlog::HashReader for IndexRecorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::tlog::Hash>, tlog_tiles::tlog::Error> {
        self.indexes.borrow_mut().extend_from_slice(indexes);
        Ok(vec![tlog_tiles::tlog::Hash::default(); indexes.len()])
    }
}
