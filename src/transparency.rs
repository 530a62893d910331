//! The transparency log as the service publishes it: signed checkpoints, inclusion and
//! consistency proofs read from the store, and receipts that carry them.
//!
//! The tree and the proof algorithms are [`crate::seal::log`]'s (pure); the rows are the store's
//! ([`crate::store::LogStore`]); this module joins the two and signs.
//!
//! # Checkpoints
//!
//! The log's origin (its name in the C2SP `tlog-checkpoint`, and the key name in the
//! `signed-note`) is the public URL without its scheme, followed by `/log`
//! (`hospes.example/log`). The checkpoint is signed with the active seal key when it is served.
//! The tree head it signs (size and root) was committed in the same transaction as the seals it
//! covers; Ed25519 signatures are deterministic (RFC 8032 §5.1.6), so one tree head under one key
//! always yields byte-identical notes. The note's verifier key is
//! `<origin>+<key hash>+<base64(0x01 || public key)>` for any key of the JWKS
//! ([`App::log_verifier_keys`]).

use crate::app::App;
use crate::seal::log::{
    self, Checkpoint, CheckpointError, ConsistencyProof, Hash, InclusionProof, LogError, PrefetchedHashes,
};
use crate::seal::receipt::{Receipt, ReceiptSeal};
use crate::store::{StoreError, TreeHead};

/// Why a log read failed.
#[derive(Debug, thiserror::Error)]
pub enum TransparencyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Sizes or indexes out of range for the committed tree (the caller's mistake).
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("signing the checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
}

/// A signed checkpoint and the tree head it signs.
#[derive(Debug, Clone)]
pub struct SignedCheckpoint {
    pub head: TreeHead,
    /// The C2SP signed note.
    pub note: String,
}

/// The log origin for a public URL: scheme dropped, `/log` appended (`https://h.example/x/` →
/// `h.example/x/log`).
pub fn log_origin(public_url: &str) -> String {
    let rest = public_url.split_once("://").map(|(_, r)| r).unwrap_or(public_url);
    format!("{}/log", rest.trim_end_matches('/'))
}

impl App {
    /// The transparency log's origin (see the module documentation).
    pub fn log_origin(&self) -> String {
        log_origin(&self.public_url)
    }

    /// The signed-note verifier key of every published seal key, for this log's origin.
    pub fn log_verifier_keys(&self) -> Vec<String> {
        let origin = self.log_origin();
        self.keys
            .entries()
            .iter()
            .filter_map(|e| self.keys.public_key(&e.kid))
            .filter_map(|k| log::verifier_key(&origin, k).ok())
            .collect()
    }
}

async fn hashes(app: &App, indexes: Vec<u64>) -> Result<PrefetchedHashes, TransparencyError> {
    Ok(app.store.log_hashes(&indexes).await?)
}

/// The committed head, or the head of the first `tree_size` leaves (which must not exceed it).
pub async fn head_at(app: &App, tree_size: Option<u64>) -> Result<TreeHead, TransparencyError> {
    let head = app.store.log_head().await?;
    let Some(size) = tree_size.filter(|&s| s != head.tree_size) else { return Ok(head) };
    if size > head.tree_size {
        return Err(LogError::TreeSizeOutOfRange { old_size: size, new_size: head.tree_size }.into());
    }
    let found = hashes(app, log::indexes_for_root(size)?).await?;
    Ok(TreeHead { tree_size: size, root_hash: log::root_hash(size, &found)? })
}

/// The signed checkpoint of the committed head (or of its first `tree_size` leaves).
pub async fn checkpoint(app: &App, tree_size: Option<u64>) -> Result<SignedCheckpoint, TransparencyError> {
    let head = head_at(app, tree_size).await?;
    Ok(SignedCheckpoint { head, note: sign(app, &head)? })
}

fn sign(app: &App, head: &TreeHead) -> Result<String, TransparencyError> {
    Ok(Checkpoint::new(&app.log_origin(), head.tree_size, head.root_hash)?.sign(app.keys.signing_key())?)
}

/// The inclusion proof of leaf `leaf_index` in the tree `head`.
pub async fn inclusion_proof(app: &App, head: &TreeHead, leaf_index: u64) -> Result<InclusionProof, TransparencyError> {
    let found = hashes(app, log::indexes_for_inclusion_proof(head.tree_size, leaf_index)?).await?;
    Ok(InclusionProof {
        leaf_index,
        tree_size: head.tree_size,
        inclusion_proof: log::inclusion_proof(head.tree_size, leaf_index, &found)?,
        root_hash: head.root_hash,
    })
}

/// The consistency proof from the tree of `old_size` leaves to the tree of `new_size`, both at
/// most the committed size.
pub async fn consistency_proof(app: &App, old_size: u64, new_size: u64) -> Result<ConsistencyProof, TransparencyError> {
    let head = app.store.log_head().await?;
    if new_size > head.tree_size || old_size > new_size {
        return Err(LogError::TreeSizeOutOfRange { old_size, new_size }.into());
    }
    let found = hashes(app, log::indexes_for_consistency_proof(old_size, new_size)?).await?;
    Ok(ConsistencyProof { old_size, new_size, consistency_proof: log::consistency_proof(old_size, new_size, &found)? })
}

/// A check-in's receipt: its seals in order, each with its inclusion proof in the tree of the
/// committed head (or of its first `tree_size` leaves, to match a checkpoint the reader already
/// holds), and that tree's signed checkpoint. A seal not in that tree (newer than `tree_size`)
/// is left out, so every seal of the receipt is proven.
pub async fn receipt(app: &App, checkin_id: &str, tree_size: Option<u64>) -> Result<Receipt, TransparencyError> {
    let seals = app.store.seals(checkin_id).await?;
    let leaves = app.store.seal_leaf_indexes(checkin_id).await?;
    let head = head_at(app, tree_size).await?;
    let mut out = Vec::with_capacity(seals.len());
    for (seal, leaf) in seals.into_iter().zip(leaves) {
        let log = match leaf {
            Some(i) if i < head.tree_size => Some(inclusion_proof(app, &head, i).await?),
            Some(_) => break,
            None => None,
        };
        out.push(ReceiptSeal { jws: seal.jws, log });
    }
    Ok(Receipt { checkin_id: checkin_id.to_owned(), seals: out, checkpoint: Some(sign(app, &head)?) })
}

/// The receipt of a check-in just accepted: its one seal, proven in the tree head its commit
/// left behind (no read of the seals or of the head: the group commit returned both).
pub async fn first_receipt(app: &App, checkin_id: &str, seal_jws: &str, logged: crate::store::Logged) -> Result<Receipt, TransparencyError> {
    let proof = inclusion_proof(app, &logged.head, logged.leaf_index).await?;
    Ok(Receipt {
        checkin_id: checkin_id.to_owned(),
        seals: vec![ReceiptSeal { jws: seal_jws.to_owned(), log: Some(proof) }],
        checkpoint: Some(sign(app, &logged.head)?),
    })
}

/// The root of the first `tree_size` leaves, for tests and tools.
pub async fn root_at(app: &App, tree_size: u64) -> Result<Hash, TransparencyError> {
    Ok(head_at(app, Some(tree_size)).await?.root_hash)
}
