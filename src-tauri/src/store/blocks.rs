//! Leased admission-number blocks. Invariant: `next_seq` only grows, and a number is taken in the
//! same transaction as the confirmation that uses it — so no number is ever handed out twice;
//! a number some confirmation already holds is skipped, never handed out again.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::number_block::Held;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Lease {
    pub block_id: String,
    pub prefix: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub valid_until: String,
}

pub fn insert(conn: &Connection, request_id: &str, l: &Lease, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO number_block (block_id, request_id, prefix, first_seq, last_seq, next_seq, valid_until, leased_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6, ?7)",
        params![l.block_id, request_id, l.prefix, l.first_seq, l.last_seq, l.valid_until, now],
    )?;
    Ok(())
}

/// Every block held, for the overlap check of a new lease.
pub fn held(conn: &Connection) -> rusqlite::Result<Vec<Held>> {
    let mut stmt = conn.prepare_cached("SELECT block_id, prefix, first_seq, last_seq FROM number_block")?;
    let rows = stmt.query_map([], |r| Ok(Held { block_id: r.get(0)?, prefix: r.get(1)?, first_seq: r.get(2)?, last_seq: r.get(3)? }))?;
    rows.collect()
}

/// Takes the next number from the oldest block still valid at `now` (RFC 3339, compared as time),
/// skipping numbers a confirmation already holds (a block that overlapped older numbers).
pub fn take_number(conn: &Connection, now: &chrono::DateTime<chrono::FixedOffset>) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT block_id, prefix, next_seq, last_seq, valid_until FROM number_block WHERE next_seq <= last_seq ORDER BY leased_at, first_seq",
    )?;
    let blocks: Vec<(String, String, i64, i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect::<Result<_, _>>()?;
    let mut used = conn.prepare_cached("SELECT 1 FROM confirmation WHERE admission_number = ?1")?;
    for (block_id, prefix, first, last, valid_until) in blocks {
        let valid = chrono::DateTime::parse_from_rfc3339(&valid_until).is_ok_and(|v| v >= *now);
        if !valid {
            continue;
        }
        let mut seq = first;
        while seq <= last {
            let number = format!("{prefix}{seq:05}");
            seq += 1;
            if used.query_row([&number], |_| Ok(())).optional()?.is_some() {
                tracing::warn!(block_id, "admission number {number} is already used; skipped");
                continue;
            }
            conn.execute("UPDATE number_block SET next_seq = ?2 WHERE block_id = ?1", params![block_id, seq])?;
            return Ok(Some(number));
        }
        // Every number left in the block was used: the block is spent.
        conn.execute("UPDATE number_block SET next_seq = last_seq + 1 WHERE block_id = ?1", params![block_id])?;
    }
    Ok(None)
}

/// Blocks not yet touched: the spare the station keeps for when the network is down.
pub fn untouched(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM number_block WHERE next_seq = first_seq", [], |r| r.get(0))
}


pub fn has_request(conn: &Connection, request_id: &str) -> rusqlite::Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM number_block WHERE request_id = ?1", [request_id], |_| Ok(())).optional()?.is_some())
}
