//! Leased admission-number blocks. Invariant: `next_seq` only grows, and a number is taken in the
//! same transaction as the confirmation that uses it — so no number is ever handed out twice.

use rusqlite::{params, Connection, OptionalExtension};

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
        "INSERT OR IGNORE INTO number_block (block_id, request_id, prefix, first_seq, last_seq, next_seq, valid_until, leased_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6, ?7)",
        params![l.block_id, request_id, l.prefix, l.first_seq, l.last_seq, l.valid_until, now],
    )?;
    Ok(())
}

/// Takes the next number from the oldest block still valid at `now` (RFC 3339, compared as time).
pub fn take_number(conn: &Connection, now: &chrono::DateTime<chrono::FixedOffset>) -> rusqlite::Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT block_id, prefix, next_seq, valid_until FROM number_block WHERE next_seq <= last_seq ORDER BY leased_at, first_seq",
    )?;
    let blocks: Vec<(String, String, i64, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect::<Result<_, _>>()?;
    for (block_id, prefix, seq, valid_until) in blocks {
        let valid = chrono::DateTime::parse_from_rfc3339(&valid_until).is_ok_and(|v| v >= *now);
        if !valid {
            continue;
        }
        conn.execute("UPDATE number_block SET next_seq = next_seq + 1 WHERE block_id = ?1 AND next_seq = ?2", params![block_id, seq])?;
        return Ok(Some(format!("{prefix}{seq:05}")));
    }
    Ok(None)
}

/// Blocks not yet touched: the spare the station keeps for when the network is down.
pub fn untouched(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM number_block WHERE next_seq = first_seq", [], |r| r.get(0))
}

pub fn remaining(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COALESCE(SUM(last_seq - next_seq + 1), 0) FROM number_block", [], |r| r.get(0))
}

pub fn has_request(conn: &Connection, request_id: &str) -> rusqlite::Result<bool> {
    Ok(conn.query_row("SELECT 1 FROM number_block WHERE request_id = ?1", [request_id], |_| Ok(())).optional()?.is_some())
}
