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

/// A held task with this station's lock and newest decision.
#[derive(Debug, Clone)]
pub struct TaskRecord {
    pub task_id: String,
    pub version: i64,
    pub kind: String,
    pub status: String,
    pub registration_id: String,
    pub body: serde_json::Value,
    pub created_at: String,
    pub locked_by: Option<String>,
    pub decision: Option<DecisionRecord>,
}

#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub decision_id: String,
    pub task_version: i64,
    pub decision: String,
    pub reason_code: Option<String>,
    pub comment: Option<String>,
    pub reviewer_id: String,
    /// pending | accepted | stale | superseded | rejected
    pub state: String,
    pub result_reason: Option<String>,
}

const TASK_COLUMNS: &str = "t.task_id, t.version, t.kind, t.status, t.registration_id, t.body, t.created_at, t.locked_by,
    d.decision_id, d.task_version, d.decision, d.reason_code, d.comment, d.reviewer_id, d.state, d.result_reason";

/// The newest decision per task, joined in.
const TASK_FROM: &str = "review_task t LEFT JOIN review_decision d ON d.decision_id =
    (SELECT d2.decision_id FROM review_decision d2 WHERE d2.task_id = t.task_id ORDER BY d2.decided_at DESC, d2.rowid DESC LIMIT 1)";

fn task_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRecord> {
    let body: String = r.get(5)?;
    let decision = match r.get::<_, Option<String>>(8)? {
        None => None,
        Some(decision_id) => Some(DecisionRecord {
            decision_id,
            task_version: r.get(9)?,
            decision: r.get(10)?,
            reason_code: r.get(11)?,
            comment: r.get(12)?,
            reviewer_id: r.get(13)?,
            state: r.get(14)?,
            result_reason: r.get(15)?,
        }),
    };
    Ok(TaskRecord {
        task_id: r.get(0)?,
        version: r.get(1)?,
        kind: r.get(2)?,
        status: r.get(3)?,
        registration_id: r.get(4)?,
        body: serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
        created_at: r.get(6)?,
        locked_by: r.get(7)?,
        decision,
    })
}

/// Tasks, oldest first, optionally of one kind and status.
pub fn list(conn: &Connection, kind: Option<&str>, status: Option<&str>) -> rusqlite::Result<Vec<TaskRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE (?1 IS NULL OR t.kind = ?1) AND (?2 IS NULL OR t.status = ?2)
         ORDER BY t.created_at, t.task_id"
    ))?;
    let rows = stmt.query_map(params![kind, status], task_row)?;
    rows.collect()
}

pub fn get(conn: &Connection, task_id: &str) -> rusqlite::Result<Option<TaskRecord>> {
    use rusqlite::OptionalExtension;
    conn.query_row(&format!("SELECT {TASK_COLUMNS} FROM {TASK_FROM} WHERE t.task_id = ?1"), [task_id], task_row).optional()
}

/// Takes the lock for `staff_id` unless another holds it. Returns who holds it now.
pub fn lock(conn: &Connection, task_id: &str, staff_id: &str, at: &str) -> rusqlite::Result<Option<String>> {
    use rusqlite::OptionalExtension;
    conn.execute(
        "UPDATE review_task SET locked_by = ?2, locked_at = ?3 WHERE task_id = ?1 AND (locked_by IS NULL OR locked_by = ?2)",
        params![task_id, staff_id, at],
    )?;
    conn.query_row("SELECT locked_by FROM review_task WHERE task_id = ?1", [task_id], |r| r.get(0)).optional().map(Option::flatten)
}

pub fn unlock(conn: &Connection, task_id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE review_task SET locked_by = NULL, locked_at = NULL WHERE task_id = ?1", [task_id])?;
    Ok(())
}

pub struct NewDecision<'a> {
    pub decision_id: &'a str,
    pub task_id: &'a str,
    pub task_version: i64,
    pub decision: &'a str,
    pub reason_code: Option<&'a str>,
    pub comment: Option<&'a str>,
    pub reviewer_id: &'a str,
    pub decided_at: &'a str,
}

pub fn insert_decision(conn: &Connection, d: &NewDecision<'_>) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO review_decision (decision_id, task_id, task_version, decision, reason_code, comment, reviewer_id, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![d.decision_id, d.task_id, d.task_version, d.decision, d.reason_code, d.comment, d.reviewer_id, d.decided_at],
    )?;
    Ok(())
}

/// The province's answer to a decision (accepted | stale | superseded | rejected).
pub fn decision_answered(conn: &Connection, decision_id: &str, state: &str, reason: Option<&str>) -> rusqlite::Result<()> {
    conn.execute("UPDATE review_decision SET state = ?2, result_reason = ?3 WHERE decision_id = ?1", params![decision_id, state, reason])?;
    Ok(())
}
