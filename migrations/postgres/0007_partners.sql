-- Partner systems: API keys (stored as SHA-256), idempotency records, the check-ins a partner
-- submitted, and webhooks (endpoints, the event outbox written in the transaction of the seal,
-- and the log of delivery attempts). No table here holds personal data.

CREATE TABLE partners (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE partner_keys (
    id              TEXT PRIMARY KEY,
    partner_id      TEXT NOT NULL REFERENCES partners (id),
    -- The first characters of the key (`hsk_live_` and a few more), for display.
    prefix          TEXT NOT NULL,
    key_hash        BYTEA NOT NULL UNIQUE,
    scopes          TEXT NOT NULL,
    jurisdictions   TEXT NOT NULL,
    rate_per_minute BIGINT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    revoked_at      TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ
);

ALTER TABLE checkins ADD COLUMN partner_id TEXT REFERENCES partners (id);
CREATE INDEX checkins_partner ON checkins (partner_id, created_at, id);

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash BYTEA NOT NULL,
    status       BIGINT NOT NULL,
    headers      TEXT NOT NULL,
    body         BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, idem_key)
);

CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    partner_id  TEXT NOT NULL REFERENCES partners (id),
    url         TEXT NOT NULL,
    secret      TEXT NOT NULL,
    -- Failed deliveries in a row (reset by a success); the endpoint is disabled past a limit.
    failures    BIGINT NOT NULL DEFAULT 0,
    disabled_at TIMESTAMPTZ,
    disabled_reason TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE webhook_events (
    id         TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    checkin_id TEXT NOT NULL,
    type       TEXT NOT NULL,
    status     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_events_partner ON webhook_events (partner_id, created_at);

CREATE TABLE webhook_attempts (
    id          BIGSERIAL PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES webhook_events (id),
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    attempt     BIGINT NOT NULL,
    -- The HTTP status the endpoint answered, or NULL when it could not be reached.
    status_code BIGINT,
    error       TEXT,
    duration_ms BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
