-- Schema 2: the supervisor desk — 存疑 sign-off, revocations, password change at next login.

-- A supervisor's sign-off of a flagged (存疑) confirmation: at most one per confirmation.
CREATE TABLE signoff (
    confirmation_id TEXT PRIMARY KEY REFERENCES confirmation (confirmation_id),
    supervisor_id   TEXT NOT NULL REFERENCES staff (staff_id),
    note            TEXT,
    signed_at       TEXT NOT NULL
) STRICT;

-- A supervisor's withdrawal of a confirmation, sent through the outbox (kind 'revocation').
-- state: pending (queued), accepted (the province withdrew it), rejected (parked with its reason).
CREATE TABLE revocation (
    revocation_id   TEXT PRIMARY KEY,
    confirmation_id TEXT NOT NULL REFERENCES confirmation (confirmation_id),
    supervisor_id   TEXT NOT NULL REFERENCES staff (staff_id),
    reason          TEXT NOT NULL,
    revoked_at      TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
    result_reason   TEXT
) STRICT;
CREATE INDEX revocation_by_confirmation ON revocation (confirmation_id);

-- Set by a supervisor's password reset: the account must choose a new password at its next login.
ALTER TABLE staff ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- The review queues (审核任务): a task is worked on by one supervisor at this station at a time.
ALTER TABLE review_task ADD COLUMN locked_by TEXT REFERENCES staff (staff_id);
ALTER TABLE review_task ADD COLUMN locked_at TEXT;
-- A decision's fate at the province: pending (queued), accepted, stale (the task changed: decide
-- again), superseded (another station decided first), rejected (parked with its reason).
ALTER TABLE review_decision ADD COLUMN state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'accepted', 'stale', 'superseded', 'rejected'));
ALTER TABLE review_decision ADD COLUMN result_reason TEXT;
