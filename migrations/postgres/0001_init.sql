-- hospes schema, PostgreSQL. Same tables and names as the SQLite schema.

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('landlord', 'police', 'admin')),
    jurisdictions TEXT NOT NULL DEFAULT '',
    totp_secret   TEXT,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash   BYTEA PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE properties (
    id               TEXT PRIMARY KEY,
    landlord_id      TEXT NOT NULL REFERENCES users (id),
    name             TEXT NOT NULL,
    address          TEXT NOT NULL,
    jurisdiction     TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    invitation_epoch BIGINT NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX properties_landlord ON properties (landlord_id, created_at);

CREATE TABLE checkins (
    id                 TEXT PRIMARY KEY,
    property_id        TEXT NOT NULL REFERENCES properties (id),
    jurisdiction       TEXT NOT NULL,
    status             TEXT NOT NULL,
    flags              TEXT NOT NULL DEFAULT '[]',
    channel            TEXT NOT NULL,
    check_in           TEXT NOT NULL,
    check_out          TEXT NOT NULL,
    contact_phone      TEXT,
    contact_email      TEXT,
    person_count       BIGINT NOT NULL,
    digest_salt        BYTEA NOT NULL,
    receipt_token_hash BYTEA NOT NULL UNIQUE,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX checkins_property ON checkins (property_id, created_at);
CREATE INDEX checkins_jurisdiction_status ON checkins (jurisdiction, status);

CREATE TABLE checkin_persons (
    checkin_id            TEXT NOT NULL REFERENCES checkins (id),
    idx                   BIGINT NOT NULL,
    given_names           TEXT NOT NULL,
    family_name           TEXT NOT NULL,
    second_family_name    TEXT,
    birth_date            TEXT NOT NULL,
    nationality           TEXT NOT NULL,
    sex                   TEXT,
    document_type         TEXT NOT NULL,
    document_number       TEXT NOT NULL,
    document_country      TEXT NOT NULL,
    support_number        TEXT,
    guardian_idx          BIGINT,
    guardian_relationship TEXT,
    PRIMARY KEY (checkin_id, idx)
);

CREATE TABLE seals (
    id         BIGSERIAL PRIMARY KEY,
    checkin_id TEXT NOT NULL REFERENCES checkins (id),
    seq        BIGINT NOT NULL,
    event      TEXT NOT NULL,
    jws        TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (checkin_id, event),
    UNIQUE (checkin_id, seq)
);

CREATE TABLE jobs (
    id           BIGSERIAL PRIMARY KEY,
    kind         TEXT NOT NULL,
    checkin_id   TEXT,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'running', 'done', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       TIMESTAMPTZ NOT NULL,
    lease_until  TIMESTAMPTZ,
    locked_by    TEXT,
    last_error   TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX jobs_claim ON jobs (state, run_at);
