-- The police workspace (PostgreSQL): known jurisdictions, second factors and recovery codes,
-- sign-in throttling, privileged sessions (idle timeout), the registry's per-field answers,
-- resolutions (the note encrypted), access grants, and the append-only, hash-chained audit log
-- with its sealed heads. Times are TIMESTAMPTZ, except the audit log's: the exact RFC 3339 text
-- that its hash covers.

CREATE TABLE jurisdictions (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    country    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- The last RFC 6238 time step accepted for this user: a code of that step or an earlier one is
-- refused (no replay). `users.totp_secret` holds the secret, encrypted (see police::vault).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT -1;

-- Sessions of police officers and admins end after `idle_secs` without a request.
ALTER TABLE sessions ADD COLUMN idle_secs BIGINT;
ALTER TABLE sessions ADD COLUMN idle_until TIMESTAMPTZ;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE recovery_codes (
    id         BIGSERIAL PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    salt       BYTEA NOT NULL,
    hash       BYTEA NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- One-time links an admin hands out to enrol (or re-enrol) a second factor.
CREATE TABLE factor_enrolments (
    token_hash     BYTEA PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id),
    pending_secret TEXT,
    created_at     TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    used_at        TIMESTAMPTZ
);

-- Failed sign-ins per account key (a hash of the e-mail address, whether or not it exists).
CREATE TABLE login_throttle (
    key             BYTEA PRIMARY KEY,
    failures        BIGINT NOT NULL DEFAULT 0,
    window_start    TIMESTAMPTZ NOT NULL,
    last_attempt_at TIMESTAMPTZ,
    locked_until    TIMESTAMPTZ
);

-- The registry's comparison per person and field (match results, never the registry's data).
CREATE TABLE registry_answers (
    checkin_id TEXT NOT NULL REFERENCES checkins (id),
    person_idx BIGINT NOT NULL,
    answer     TEXT NOT NULL,
    checked_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (checkin_id, person_idx)
);

CREATE TABLE police_resolutions (
    checkin_id  TEXT PRIMARY KEY REFERENCES checkins (id),
    outcome     TEXT NOT NULL CHECK (outcome IN ('cleared', 'confirmed', 'needs_follow_up')),
    note        TEXT NOT NULL,
    officer_id  TEXT NOT NULL REFERENCES users (id),
    resolved_at TIMESTAMPTZ NOT NULL
);

-- An officer who opened a check-in (with a reason, audited) may read it until `expires_at`.
CREATE TABLE access_grants (
    officer_id TEXT NOT NULL REFERENCES users (id),
    checkin_id TEXT NOT NULL REFERENCES checkins (id),
    audit_seq  BIGINT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (officer_id, checkin_id)
);

CREATE TABLE audit_log (
    seq          BIGINT PRIMARY KEY,
    time         TEXT NOT NULL,
    actor_id     TEXT,
    actor_role   TEXT NOT NULL,
    action       TEXT NOT NULL,
    subject      TEXT,
    jurisdiction TEXT,
    reason       TEXT,
    reason_text  TEXT,
    detail       TEXT NOT NULL DEFAULT '{}',
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_log_subject ON audit_log (subject);

CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, count, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoints (
    id    BIGSERIAL PRIMARY KEY,
    count BIGINT NOT NULL UNIQUE,
    head  TEXT NOT NULL,
    time  TEXT NOT NULL,
    jws   TEXT NOT NULL
);

-- Append-only, also against a stray statement: only someone who drops these triggers (the
-- database owner) can change history, and the hash chain and the sealed heads show it.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
