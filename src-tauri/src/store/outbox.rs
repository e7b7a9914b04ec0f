//! The outbox: what must reach the province, written in the same transaction as the fact.
//! Invariant: an item keeps its client id forever; it leaves `pending` only for `done` (the
//! province answered) or `parked` (rejected, for a supervisor).

use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Confirmation,
    Revocation,
    ReviewDecision,
    PasswordReset,
}

impl Kind {
    /// Drained in this order.
    pub const ALL: [Kind; 4] = [Kind::Confirmation, Kind::Revocation, Kind::ReviewDecision, Kind::PasswordReset];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Confirmation => "confirmation",
            Kind::Revocation => "revocation",
            Kind::ReviewDecision => "review_decision",
            Kind::PasswordReset => "password_reset",
        }
    }

    /// The endpoint and the item's id field in province-api.md.
    pub fn endpoint(self) -> (&'static str, &'static str) {
        match self {
            Kind::Confirmation => ("/confirmations", "confirmation_id"),
            Kind::Revocation => ("/revocations", "revocation_id"),
            Kind::ReviewDecision => ("/review-decisions", "decision_id"),
            Kind::PasswordReset => ("/password-resets", "request_id"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub seq: i64,
    pub client_id: String,
    pub payload: String,
}

pub fn push(conn: &Connection, kind: Kind, client_id: &str, payload: &serde_json::Value, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO outbox (kind, client_id, payload, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![kind.as_str(), client_id, payload.to_string(), now],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn pending(conn: &Connection, kind: Kind, limit: usize) -> rusqlite::Result<Vec<Item>> {
    let mut stmt =
        conn.prepare_cached("SELECT seq, client_id, payload FROM outbox WHERE state = 'pending' AND kind = ?1 ORDER BY seq LIMIT ?2")?;
    let rows =
        stmt.query_map(params![kind.as_str(), limit as i64], |r| Ok(Item { seq: r.get(0)?, client_id: r.get(1)?, payload: r.get(2)? }))?;
    rows.collect()
}

pub fn mark_done(conn: &Connection, client_id: &str, result: &serde_json::Value, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'done', result = ?2, done_at = ?3, attempts = attempts + 1 WHERE client_id = ?1",
        params![client_id, result.to_string(), now],
    )?;
    Ok(())
}

pub fn park(conn: &Connection, client_id: &str, result: &serde_json::Value, reason: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET state = 'parked', result = ?2, parked_reason = ?3, done_at = ?4, attempts = attempts + 1 WHERE client_id = ?1",
        params![client_id, result.to_string(), reason, now],
    )?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ParkedItem {
    pub kind: String,
    pub client_id: String,
    pub reason: String,
    pub at: String,
}

pub fn parked(conn: &Connection) -> rusqlite::Result<Vec<ParkedItem>> {
    let mut stmt = conn.prepare("SELECT kind, client_id, COALESCE(parked_reason, ''), COALESCE(done_at, created_at) FROM outbox WHERE state = 'parked' ORDER BY seq DESC LIMIT 200")?;
    let rows = stmt.query_map([], |r| Ok(ParkedItem { kind: r.get(0)?, client_id: r.get(1)?, reason: r.get(2)?, at: r.get(3)? }))?;
    rows.collect()
}

/// (pending, parked) item counts.
pub fn counts(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT COALESCE(SUM(state = 'pending'), 0), COALESCE(SUM(state = 'parked'), 0) FROM outbox",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}
