-- The transparency log of seals (RFC 9162 Merkle tree; see src/seal/log/).
--
-- tlog_hashes holds the tree's stored hashes in the Go sumdb / tlog_tiles layout: dense,
-- append-only indexes, written once and never changed. tlog_head is the one row every append
-- updates in its transaction: its row lock (PostgreSQL) or the write transaction (SQLite,
-- BEGIN IMMEDIATE) makes appends one at a time, so leaf indexes have no gap and no fork.
-- The root of any past size is computed from the stored hashes. seals.leaf_index is the seal's
-- leaf (the leaf is the seal's compact JWS bytes).
CREATE TABLE tlog_hashes (
    stored_index BIGINT PRIMARY KEY,
    hash         BLOB NOT NULL
);

CREATE TABLE tlog_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    tree_size BIGINT NOT NULL,
    root_hash BLOB NOT NULL
);

-- The empty tree: size 0, root SHA-256("") (RFC 9162 section 2.1.1).
INSERT INTO tlog_head (id, tree_size, root_hash)
VALUES (1, 0, X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

ALTER TABLE seals ADD COLUMN leaf_index BIGINT;
CREATE UNIQUE INDEX seals_leaf_index ON seals (leaf_index);
