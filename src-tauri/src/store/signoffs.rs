//! 存疑 sign-offs. Invariant: at most one per confirmation (the primary key), written with its
//! audit event in one transaction by the caller.

use rusqlite::{params, Connection};

/// Whether the sign-off was new (false: already signed off).
pub fn insert(conn: &Connection, confirmation_id: &str, supervisor_id: &str, note: Option<&str>, at: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT OR IGNORE INTO signoff (confirmation_id, supervisor_id, note, signed_at) VALUES (?1, ?2, ?3, ?4)",
        params![confirmation_id, supervisor_id, note, at],
    )?;
    Ok(n == 1)
}
