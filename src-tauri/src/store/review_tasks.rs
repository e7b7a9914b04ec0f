//! The province's review tasks (审核任务), as pulled. Invariant: a task is only ever replaced
//! by a higher version.

use rusqlite::{params, Connection};

pub struct TaskRow<'a> {
    pub task_id: &'a str,
    pub version: i64,
    pub kind: &'a str,
    pub status: &'a str,
    pub registration_id: &'a str,
    /// The task JSON as received.
    pub body: &'a str,
    pub created_at: &'a str,
}

/// Stores the task unless this or a newer version is held. Returns whether it was applied.
pub fn apply(conn: &Connection, t: &TaskRow<'_>) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO review_task (task_id, version, kind, status, registration_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (task_id) DO UPDATE SET version = excluded.version, status = excluded.status, body = excluded.body
         WHERE excluded.version > review_task.version",
        params![t.task_id, t.version, t.kind, t.status, t.registration_id, t.body, t.created_at],
    )?;
    Ok(n == 1)
}
