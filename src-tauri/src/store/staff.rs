//! Staff accounts: rows of the `staff` table.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::Role;

#[derive(Debug, Clone)]
pub struct StaffRow {
    pub staff_id: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: String,
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StaffRow> {
    let role: String = r.get(2)?;
    Ok(StaffRow {
        staff_id: r.get(0)?,
        name: r.get(1)?,
        // The CHECK constraint only admits the two roles.
        role: if role == "supervisor" { Role::Supervisor } else { Role::Counter },
        password_hash: r.get(3)?,
        disabled: r.get::<_, i64>(4)? != 0,
        created_at: r.get(5)?,
    })
}

const COLUMNS: &str = "staff_id, name, role, password_hash, disabled, created_at";

pub fn get(conn: &Connection, staff_id: &str) -> rusqlite::Result<Option<StaffRow>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM staff WHERE staff_id = ?1"), [staff_id], from_row).optional()
}

pub fn list(conn: &Connection) -> rusqlite::Result<Vec<StaffRow>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM staff ORDER BY staff_id"))?;
    let rows = stmt.query_map([], from_row)?;
    rows.collect()
}

pub fn insert(conn: &Connection, row: &StaffRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO staff (staff_id, name, role, password_hash, disabled, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![row.staff_id, row.name, row.role.as_str(), row.password_hash, row.disabled as i64, row.created_at],
    )?;
    Ok(())
}

pub fn set_disabled(conn: &Connection, staff_id: &str, disabled: bool) -> rusqlite::Result<bool> {
    let n = conn.execute("UPDATE staff SET disabled = ?2 WHERE staff_id = ?1", params![staff_id, disabled as i64])?;
    Ok(n == 1)
}

pub fn count_supervisors(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM staff WHERE role = 'supervisor' AND disabled = 0", [], |r| r.get(0))
}

/// A successful login: the failure count starts again and any lock is lifted.
pub fn reset_failed_logins(conn: &Connection, staff_id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE staff SET failed_logins = 0, locked_until = NULL WHERE staff_id = ?1", [staff_id])?;
    Ok(())
}

/// Counts a failed login against an existing account (unknown ids have no row to count on);
/// returns the consecutive failures so far.
pub fn count_failed_login(conn: &Connection, staff_id: &str) -> rusqlite::Result<i64> {
    conn.query_row("UPDATE staff SET failed_logins = failed_logins + 1 WHERE staff_id = ?1 RETURNING failed_logins", [staff_id], |r| {
        r.get(0)
    })
    .optional()
    .map(|n| n.unwrap_or(0))
}

/// Locks an account until `until` (RFC 3339); the count starts again when the lock ends.
pub fn lock(conn: &Connection, staff_id: &str, until: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE staff SET failed_logins = 0, locked_until = ?2 WHERE staff_id = ?1", params![staff_id, until])?;
    Ok(())
}

/// The end of the account's lock as stored (possibly past), if it was ever locked.
pub fn locked_until(conn: &Connection, staff_id: &str) -> rusqlite::Result<Option<String>> {
    Ok(conn.query_row("SELECT locked_until FROM staff WHERE staff_id = ?1", [staff_id], |r| r.get(0)).optional()?.flatten())
}

pub fn count_enabled(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT COUNT(*) FROM staff WHERE disabled = 0", [], |r| r.get(0))
}

/// Name and role changes (`None` keeps the value).
pub fn edit(conn: &Connection, staff_id: &str, name: Option<&str>, role: Option<Role>) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE staff SET name = COALESCE(?2, name), role = COALESCE(?3, role) WHERE staff_id = ?1",
        params![staff_id, name, role.map(Role::as_str)],
    )?;
    Ok(n == 1)
}

/// A supervisor's reset: the new hash, and a password change required at the next login.
pub fn reset_password(conn: &Connection, staff_id: &str, password_hash: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE staff SET password_hash = ?2, must_change_password = 1, failed_logins = 0 WHERE staff_id = ?1",
        params![staff_id, password_hash],
    )?;
    Ok(n == 1)
}

/// A password the account chose itself (recovery): no change required at the next login.
pub fn set_password(conn: &Connection, staff_id: &str, password_hash: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE staff SET password_hash = ?2, must_change_password = 0, failed_logins = 0 WHERE staff_id = ?1",
        params![staff_id, password_hash],
    )?;
    Ok(n == 1)
}

pub fn must_change_password(conn: &Connection, staff_id: &str) -> rusqlite::Result<bool> {
    conn.query_row("SELECT must_change_password FROM staff WHERE staff_id = ?1", [staff_id], |r| r.get::<_, i64>(0))
        .optional()
        .map(|v| v == Some(1))
}

/// The account's own new password: the reset's "change at next login" is done.
pub fn set_own_password(conn: &Connection, staff_id: &str, password_hash: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE staff SET password_hash = ?2, must_change_password = 0 WHERE staff_id = ?1",
        params![staff_id, password_hash],
    )?;
    Ok(n == 1)
}
