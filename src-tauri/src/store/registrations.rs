//! The registration cache. Invariant: a row is only ever replaced by a higher version.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::registration::Registration;

/// Stores `r` unless the cache already holds this or a newer version. Returns whether it was applied.
pub fn apply(conn: &Connection, r: &Registration) -> rusqlite::Result<bool> {
    let body = serde_json::to_string(r).expect("registration serializes");
    let n = conn.execute(
        "INSERT INTO registration (registration_id, version, id_number, name, status, county_code, body, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (registration_id) DO UPDATE SET version = excluded.version, id_number = excluded.id_number, name = excluded.name,
           status = excluded.status, county_code = excluded.county_code, body = excluded.body, updated_at = excluded.updated_at
         WHERE excluded.version > registration.version",
        params![r.registration_id, r.version, r.id_number, r.name, r.status, r.county_code, body, r.updated_at],
    )?;
    Ok(n == 1)
}

pub fn get(conn: &Connection, registration_id: &str) -> rusqlite::Result<Option<Registration>> {
    let body: Option<String> =
        conn.query_row("SELECT body FROM registration WHERE registration_id = ?1", [registration_id], |r| r.get(0)).optional()?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

pub fn by_id_number(conn: &Connection, id_number: &str) -> rusqlite::Result<Vec<Registration>> {
    let mut stmt = conn.prepare_cached("SELECT body FROM registration WHERE id_number = ?1 ORDER BY registration_id")?;
    let rows = stmt.query_map([id_number], |r| r.get::<_, String>(0))?;
    Ok(rows.filter_map(|b| b.ok().and_then(|b| serde_json::from_str(&b).ok())).collect())
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM registration", [], |r| r.get(0))
}
