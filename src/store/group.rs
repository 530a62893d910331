//! Group commit: the writes that accept check-ins and seal their events wait in one queue per
//! store, and one writer commits whatever is waiting together, in one transaction.
//!
//! Why: every seal is a leaf of the transparency log, and the log has one writer at a time (the
//! `tlog_head` row lock on PostgreSQL, the database lock on SQLite), held until commit. One
//! transaction per check-in would serialise every intake behind the previous one's fsync; a
//! group of them shares the lock, the log append and the fsync. Each write runs in its own
//! savepoint, so a write that fails (a conflict, a check-in someone else moved on) fails alone,
//! and a caller's answer comes only after the commit that made its write durable.
//! `hospes_group_commit_size` (histogram on `/metrics`) shows how many writes share a commit.

use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot};

use super::{EventWrite, NewCheckin, StoreError, StoreResult};
use super::shared::CheckinColumns;

/// At most this many writes share a transaction (a bound on how long the log lock is held).
pub(crate) const GROUP_MAX: usize = 64;

pub(crate) enum GroupOp {
    Accept(Box<(NewCheckin, CheckinColumns)>),
    Event(Box<EventWrite>),
}

pub(crate) struct Pending {
    pub(crate) op: GroupOp,
    pub(crate) reply: oneshot::Sender<StoreResult<Written>>,
}

/// What a write of a group did.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Written {
    /// `true`: accepted, or the event applied; `false`: the event was not applied.
    pub(crate) applied: bool,
    /// An accepted check-in's first seal: its leaf and the log's head after the group's commit.
    pub(crate) logged: Option<super::Logged>,
}

/// A store's queue to its writer, started on the first write. Clones of a store share it; the
/// writer itself holds a store without one (so the writer ends when the last store is dropped).
#[derive(Clone, Default)]
pub(crate) struct GroupCommit {
    sender: Arc<OnceLock<mpsc::UnboundedSender<Pending>>>,
}

impl GroupCommit {
    pub(crate) fn sender(&self, start: impl FnOnce() -> mpsc::UnboundedSender<Pending>) -> &mpsc::UnboundedSender<Pending> {
        self.sender.get_or_init(start)
    }
}

pub(crate) fn writer_gone() -> StoreError {
    StoreError::Database(sqlx::Error::PoolClosed)
}
