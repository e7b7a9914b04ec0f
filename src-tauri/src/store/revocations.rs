//! Revocations: a supervisor's withdrawal of a confirmation, carried by the outbox.
//! Invariant: a revocation leaves `pending` once, for `accepted` or `rejected`, when the province answers.

use rusqlite::{params, Connection, OptionalExtension};

pub struct NewRevocation<'a> {
    pub revocation_id: &'a str,
    pub confirmation_id: &'a str,
    pub supervisor_id: &'a str,
    pub reason: &'a str,
    pub revoked_at: &'a str,
}

pub fn insert(conn: &Connection, r: &NewRevocation<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO revocation (revocation_id, confirmation_id, supervisor_id, reason, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![r.revocation_id, r.confirmation_id, r.supervisor_id, r.reason, r.revoked_at],
    )?;
    Ok(())
}

/// A revocation of this confirmation still waiting or accepted (a second one makes no sense).
pub fn live_for(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT revocation_id FROM revocation WHERE confirmation_id = ?1 AND state IN ('pending', 'accepted')",
        [confirmation_id],
        |r| r.get(0),
    )
    .optional()
}

/// The province's answer. Returns the confirmation the revocation is about.
pub fn answered(conn: &Connection, revocation_id: &str, accepted: bool, reason: Option<&str>) -> rusqlite::Result<Option<String>> {
    conn.execute(
        "UPDATE revocation SET state = ?2, result_reason = ?3 WHERE revocation_id = ?1",
        params![revocation_id, if accepted { "accepted" } else { "rejected" }, reason],
    )?;
    conn.query_row("SELECT confirmation_id FROM revocation WHERE revocation_id = ?1", [revocation_id], |r| r.get(0)).optional()
}
