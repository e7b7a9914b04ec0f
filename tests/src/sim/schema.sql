-- The province simulator's own state (one SQLite file, or memory).
CREATE TABLE station (
    station_id  TEXT PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE,
    county_code TEXT NOT NULL,
    region_code TEXT NOT NULL,
    device_name TEXT NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE enrollment_code (
    code        TEXT PRIMARY KEY,
    county_code TEXT NOT NULL,
    used_by     TEXT
);
CREATE TABLE registration (
    registration_id TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    region_code     TEXT NOT NULL,
    county_code     TEXT NOT NULL,
    status          TEXT NOT NULL,
    body            TEXT NOT NULL
);
-- The feed: one row per change; the cursor is the last seq seen.
CREATE TABLE reg_change (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id TEXT NOT NULL,
    region_code     TEXT NOT NULL,
    body            TEXT NOT NULL
);
CREATE TABLE number_seq (
    prefix TEXT PRIMARY KEY,
    next   INTEGER NOT NULL
);
CREATE TABLE block (
    block_id   TEXT PRIMARY KEY,
    request_id TEXT NOT NULL UNIQUE,
    station_id TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    first_seq  INTEGER NOT NULL,
    last_seq   INTEGER NOT NULL,
    answer     TEXT NOT NULL
);
CREATE TABLE used_number (
    number          TEXT PRIMARY KEY,
    confirmation_id TEXT NOT NULL
);
-- The first outcome of every client id, returned again on resend.
CREATE TABLE outcome (
    client_id TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    result    TEXT NOT NULL
);
CREATE TABLE confirmation (
    confirmation_id  TEXT PRIMARY KEY,
    registration_id  TEXT NOT NULL,
    station_id       TEXT NOT NULL,
    admission_number TEXT NOT NULL,
    flags            TEXT NOT NULL,
    photo_sha256     TEXT NOT NULL,
    photo_bytes      INTEGER NOT NULL,
    body             TEXT NOT NULL,
    revoked          INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sms (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    registration_id TEXT NOT NULL,
    kind            TEXT NOT NULL
);
CREATE TABLE review_task (
    task_id         TEXT PRIMARY KEY,
    version         INTEGER NOT NULL,
    county_code     TEXT NOT NULL,
    status          TEXT NOT NULL,
    body            TEXT NOT NULL
);
CREATE TABLE task_change (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     TEXT NOT NULL,
    county_code TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE TABLE decision (
    decision_id TEXT PRIMARY KEY,
    task_id     TEXT NOT NULL,
    body        TEXT NOT NULL
);
CREATE TABLE password_reset (
    request_id      TEXT PRIMARY KEY,
    registration_id TEXT NOT NULL,
    body            TEXT NOT NULL
);
-- v1.1: what the province records of each confirmation it was sent, for GET /confirmations (日结).
-- The CST office day of confirmed_at is kept to select by date.
CREATE TABLE received (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    confirmation_id  TEXT NOT NULL UNIQUE,
    station_id       TEXT NOT NULL,
    registration_id  TEXT NOT NULL,
    status           TEXT NOT NULL,
    admission_number TEXT,
    confirmed_at     TEXT NOT NULL,
    office_day       TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    reason           TEXT
);
