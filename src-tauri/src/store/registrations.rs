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
        params![r.registration_id, r.version, r.id_number, r.name, r.status.as_str(), r.county_code, body, r.updated_at],
    )?;
    Ok(n == 1)
}

pub fn get(conn: &Connection, registration_id: &str) -> rusqlite::Result<Option<Registration>> {
    // Cached: the day list and the reports look up one registration per confirmation.
    let mut stmt = conn.prepare_cached("SELECT body FROM registration WHERE registration_id = ?1")?;
    let body: Option<String> = stmt.query_row([registration_id], |r| r.get(0)).optional()?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

/// Decodes stored bodies. A body that no longer parses is reported in the log and skipped, so
/// one bad row cannot hide the others (the feed checks every body before it is stored).
fn bodies(stmt: &mut rusqlite::CachedStatement<'_>, params: impl rusqlite::Params) -> rusqlite::Result<Vec<Registration>> {
    let rows = stmt.query_map(params, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        match serde_json::from_str(&body) {
            Ok(r) => out.push(r),
            Err(e) => tracing::error!(registration_id = %id, "cached registration does not parse: {e}"),
        }
    }
    Ok(out)
}

pub fn by_id_number(conn: &Connection, id_number: &str) -> rusqlite::Result<Vec<Registration>> {
    let mut stmt =
        conn.prepare_cached("SELECT registration_id, body FROM registration WHERE id_number = ?1 ORDER BY registration_id")?;
    bodies(&mut stmt, [id_number])
}

/// By the last 4 to 6 characters of the id number (upper-case X).
pub fn by_id_suffix(conn: &Connection, suffix: &str, limit: i64) -> rusqlite::Result<Vec<Registration>> {
    let mut stmt = conn.prepare_cached(
        "SELECT registration_id, body FROM registration WHERE substr(id_number, -length(?1)) = upper(?1) ORDER BY registration_id LIMIT ?2",
    )?;
    bodies(&mut stmt, params![suffix, limit])
}

/// By a name prefix. Compared as text, not with LIKE, so rare and private-use characters (and
/// `%`/`_` typed by staff) match exactly; the `name` index serves the range.
pub fn by_name_prefix(conn: &Connection, prefix: &str, limit: i64) -> rusqlite::Result<Vec<Registration>> {
    let mut stmt = conn.prepare_cached(
        "SELECT registration_id, body FROM registration WHERE name >= ?1 AND substr(name, 1, length(?1)) = ?1 ORDER BY name, registration_id LIMIT ?2",
    )?;
    bodies(&mut stmt, params![prefix, limit])
}

/// The demo's sample candidates: which kind of case to pick in `county`.
#[derive(Debug, Clone, Copy)]
pub enum DemoPick {
    /// Pre-registered here, not confirmed yet, nothing pending (专升本 verified or not needed).
    Confirmable,
    /// Pre-registered in another county.
    OtherCounty,
    /// Already confirmed at the province.
    Confirmed,
    /// 专升本 with the 学历认证 still pending.
    PriorEducationPending,
}

pub fn demo_picks(conn: &Connection, pick: DemoPick, county: &str, limit: i64) -> rusqlite::Result<Vec<Registration>> {
    let sql = match pick {
        DemoPick::Confirmable => {
            "SELECT registration_id, body FROM registration WHERE county_code = ?1 AND status = 'pre_registered'
             AND (json_extract(body, '$.upgrade') = 0 OR json_extract(body, '$.prior_education.status') IN ('verified', 'approved'))
             AND registration_id NOT IN (SELECT registration_id FROM confirmation) ORDER BY registration_id LIMIT ?2"
        }
        DemoPick::OtherCounty => {
            "SELECT registration_id, body FROM registration WHERE county_code <> ?1 AND status = 'pre_registered' ORDER BY registration_id LIMIT ?2"
        }
        DemoPick::Confirmed => {
            "SELECT registration_id, body FROM registration WHERE county_code = ?1 AND status = 'confirmed' ORDER BY registration_id LIMIT ?2"
        }
        DemoPick::PriorEducationPending => {
            "SELECT registration_id, body FROM registration WHERE county_code = ?1 AND status = 'pre_registered' AND json_extract(body, '$.upgrade') = 1
             AND json_extract(body, '$.prior_education.status') IN ('pending', 'report_uploaded') ORDER BY registration_id LIMIT ?2"
        }
    };
    let mut stmt = conn.prepare_cached(sql)?;
    bodies(&mut stmt, params![county, limit])
}

pub fn count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM registration", [], |r| r.get(0))
}
