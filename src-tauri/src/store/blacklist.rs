//! Id numbers a supervisor has barred from confirmation. Invariant: keys are normalised
//! GB 11643 numbers (upper-case X, no spaces) — the caller normalises before every call.

use rusqlite::{params, Connection, OptionalExtension};

pub fn reason(conn: &Connection, id_number: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT reason FROM blacklist WHERE id_number = ?1", [id_number], |r| r.get(0)).optional()
}

/// Adds the number, or replaces the reason of one already barred.
pub fn put(conn: &Connection, id_number: &str, reason: &str, added_by: &str, at: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO blacklist (id_number, reason, added_by, added_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id_number) DO UPDATE SET reason = excluded.reason",
        params![id_number, reason, added_by, at],
    )?;
    Ok(())
}

/// Whether a row was removed.
pub fn remove(conn: &Connection, id_number: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM blacklist WHERE id_number = ?1", [id_number])? == 1)
}

pub struct BlacklistRow {
    pub id_number: String,
    pub reason: String,
    pub added_by: String,
    pub added_at: String,
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<BlacklistRow>> {
    let mut stmt = conn.prepare("SELECT id_number, reason, added_by, added_at FROM blacklist ORDER BY added_at DESC")?;
    let rows = stmt.query_map([], |r| Ok(BlacklistRow { id_number: r.get(0)?, reason: r.get(1)?, added_by: r.get(2)?, added_at: r.get(3)? }))?;
    rows.collect()
}
