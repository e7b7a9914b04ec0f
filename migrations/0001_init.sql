-- zkdesk local store, schema 1.
-- Times are RFC 3339 text with offset; ids are text. Every table is STRICT so a wrong type fails loudly.

-- The enrolled station: at most one row (id = 1).
CREATE TABLE station (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    station_id    TEXT NOT NULL,
    server_url    TEXT NOT NULL,
    token         TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    region_name   TEXT NOT NULL,
    county_code   TEXT NOT NULL,
    county_name   TEXT NOT NULL,
    office_name   TEXT NOT NULL,
    device_name   TEXT NOT NULL,
    enrolled_at   TEXT NOT NULL,
    token_revoked INTEGER NOT NULL DEFAULT 0  -- set after a 401: sync stops until enrolled again
) STRICT;

CREATE TABLE staff (
    staff_id      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('counter', 'supervisor')),
    password_hash TEXT NOT NULL,               -- Argon2id PHC string
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Cache of the province's registration feed. `body` is the Registration JSON as received.
CREATE TABLE registration (
    registration_id TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    id_number       TEXT NOT NULL,
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    county_code     TEXT NOT NULL,
    body            TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX registration_by_id_number ON registration (id_number);
CREATE INDEX registration_by_name ON registration (name);

-- Leased admission-number blocks; next_seq only grows, so a number is never handed out twice.
CREATE TABLE number_block (
    block_id    TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL UNIQUE,
    prefix      TEXT NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    next_seq    INTEGER NOT NULL,
    valid_until TEXT NOT NULL,
    leased_at   TEXT NOT NULL,
    CHECK (next_seq BETWEEN first_seq AND last_seq + 1)
) STRICT;

CREATE TABLE photo (
    photo_id   TEXT PRIMARY KEY,
    jpeg       BLOB NOT NULL,
    sha256     TEXT NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    dpi        INTEGER NOT NULL,
    checks     TEXT NOT NULL,                  -- JSON of the photo checks
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE confirmation (
    confirmation_id     TEXT PRIMARY KEY,
    registration_id     TEXT NOT NULL REFERENCES registration (registration_id),
    registration_version INTEGER NOT NULL,
    staff_id            TEXT NOT NULL REFERENCES staff (staff_id),
    supervisor_id       TEXT REFERENCES staff (staff_id),
    confirmed_at        TEXT NOT NULL,
    photo_id            TEXT NOT NULL REFERENCES photo (photo_id),
    card                TEXT NOT NULL,             -- JSON of the card block sent to the province
    flags               TEXT NOT NULL,             -- JSON array
    admission_number    TEXT UNIQUE,               -- local number from a leased block, or the province's
    number_source       TEXT NOT NULL CHECK (number_source IN ('block', 'enrolled', 'province')),
    state               TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'accepted', 'rejected', 'revoked')),
    reject_reason       TEXT,
    sms_queued          INTEGER
) STRICT;
CREATE INDEX confirmation_by_registration ON confirmation (registration_id);
CREATE INDEX confirmation_by_day ON confirmation (confirmed_at);

-- Everything that must reach the province, written in the same transaction as the fact it carries.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL CHECK (kind IN ('confirmation', 'revocation', 'review_decision', 'password_reset')),
    client_id    TEXT NOT NULL UNIQUE,          -- kept forever: a resend is harmless
    payload      TEXT NOT NULL,                 -- JSON item as the API wants it
    state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'parked')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    result       TEXT,                          -- JSON result from the province
    parked_reason TEXT,
    created_at   TEXT NOT NULL,
    done_at      TEXT
) STRICT;
CREATE INDEX outbox_pending ON outbox (state, kind, seq);

CREATE TABLE feed_cursor (
    feed       TEXT PRIMARY KEY,               -- 'registrations' | 'review_tasks'
    cursor     TEXT,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE review_task (
    task_id         TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    registration_id TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;

CREATE TABLE review_decision (
    decision_id  TEXT PRIMARY KEY,
    task_id      TEXT NOT NULL REFERENCES review_task (task_id),
    task_version INTEGER NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    reason_code  TEXT,
    comment      TEXT,
    reviewer_id  TEXT NOT NULL REFERENCES staff (staff_id),
    decided_at   TEXT NOT NULL
) STRICT;

-- Id numbers a supervisor has barred from confirmation.
CREATE TABLE blacklist (
    id_number  TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    added_by   TEXT NOT NULL,
    added_at   TEXT NOT NULL
) STRICT;

-- Small key/value settings and sync state (backoff, clock offset, reference ETag, reader choice).
CREATE TABLE setting (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Append-only; each row's hash covers the previous row's hash, so an edit or a deletion breaks the chain.
CREATE TABLE audit_event (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT NOT NULL,                    -- JSON
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END;
