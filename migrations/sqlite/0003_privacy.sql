-- Privacy (issue 10): personal fields encrypted at rest, a blind index of document numbers,
-- and the time each check-in's personal data is due for erasure.
--
-- Every personal column of checkin_persons and the contact columns of checkins now hold
-- envelopes `hx1.<kid>.<base64url>` (XChaCha20-Poly1305, see src/privacy/cipher.rs); data_kid
-- names the data key a row's envelopes are under, so that key rotation finds the rows left to
-- re-encrypt. SQL cannot encrypt, so plaintext rows written before this migration (development
-- databases only: no production data existed) are dropped rather than kept in the clear.

DROP TABLE checkin_persons;
CREATE TABLE checkin_persons (
    checkin_id         TEXT NOT NULL REFERENCES checkins (id),
    idx                BIGINT NOT NULL,
    data_kid           TEXT NOT NULL,
    given_names        TEXT NOT NULL,
    family_name        TEXT NOT NULL,
    second_family_name TEXT,
    birth_date         TEXT NOT NULL,
    nationality        TEXT NOT NULL,
    sex                TEXT,
    document_type      TEXT NOT NULL,
    document_number    TEXT NOT NULL,
    document_country   TEXT NOT NULL,
    support_number     TEXT,
    -- JSON {"person": index, "relationship": ...}, encrypted.
    guardian           TEXT,
    -- HMAC-SHA256 of issuing country and document number under the blind-index key.
    document_index     BLOB NOT NULL,
    PRIMARY KEY (checkin_id, idx)
);
CREATE INDEX checkin_persons_document_index ON checkin_persons (document_index);
CREATE INDEX checkin_persons_data_kid ON checkin_persons (data_kid);

UPDATE checkins SET contact_phone = NULL, contact_email = NULL;
ALTER TABLE checkins ADD COLUMN data_kid TEXT;
-- When the personal data is due for erasure (UTC), set at acceptance from the jurisdiction's
-- retention; rows from before this migration get the default, twelve months after check-out.
ALTER TABLE checkins ADD COLUMN erase_after TEXT NOT NULL DEFAULT '1970-01-01T00:00:00+00:00';
UPDATE checkins SET erase_after = strftime('%Y-%m-%dT%H:%M:%S+00:00', check_out, '+12 months');
CREATE INDEX checkins_erase_after ON checkins (erase_after) WHERE status <> 'purged';
CREATE INDEX checkins_data_kid ON checkins (data_kid) WHERE data_kid IS NOT NULL;
