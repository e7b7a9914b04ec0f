//! The append-only audit chain. Invariant: row n stores SHA-256(row n-1's hash ‖ row n's fields),
//! so editing or deleting any row is detected by [`verify`].

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash the first row chains from.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub detail: serde_json::Value,
}

fn row_hash(prev: &str, seq: i64, at: &str, actor: &str, kind: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    // Length-prefix each field so that moving bytes between fields changes the hash.
    for part in [prev, &seq.to_string(), at, actor, kind, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends one event. Call inside the transaction that makes the fact it records.
pub fn append(conn: &Connection, at: &str, actor: &str, kind: &str, detail: &serde_json::Value) -> rusqlite::Result<i64> {
    let last: Option<(i64, String)> =
        conn.query_row("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_string()),
    };
    let detail = detail.to_string();
    let hash = row_hash(&prev, seq, at, actor, kind, &detail);
    conn.execute(
        "INSERT INTO audit_event (seq, at, actor, kind, detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![seq, at, actor, kind, detail, prev, hash],
    )?;
    Ok(seq)
}

/// Where the chain breaks, if it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ChainBreak {
    /// The row's content no longer matches its hash (edited).
    Edited { seq: i64 },
    /// The row does not chain from the row before it (a row before it was deleted or replaced).
    Unlinked { seq: i64, expected_prev_seq: i64 },
    /// The last rows were removed: fewer rows than the count recorded at the last append.
    Truncated { last_seq: i64 },
}

impl ChainBreak {
    pub fn describe(&self) -> String {
        match self {
            ChainBreak::Edited { seq } => {
                format!("audit_event row {seq} was edited (hash mismatch)")
            }
            ChainBreak::Unlinked { seq, expected_prev_seq } => {
                format!("audit_event row {seq} does not chain from row {expected_prev_seq}: a row was deleted or replaced")
            }
            ChainBreak::Truncated { last_seq } => {
                format!("audit_event rows after {last_seq} were deleted")
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub rows: i64,
    pub last_hash: String,
    pub broken: Option<ChainBreak>,
}

/// Walks the chain from the first row, then compares the tip with `audit_tip` (kept in the
/// setting table) so that a deleted tail is detected too.
pub fn verify(conn: &Connection) -> rusqlite::Result<VerifyReport> {
    let mut stmt = conn.prepare("SELECT seq, at, actor, kind, detail, prev_hash, hash FROM audit_event ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    let mut prev_hash = GENESIS.to_string();
    let mut prev_seq = 0i64;
    let mut count = 0i64;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let (at, actor, kind, detail): (String, String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let (stored_prev, stored_hash): (String, String) = (r.get(5)?, r.get(6)?);
        count += 1;
        if seq != prev_seq + 1 || stored_prev != prev_hash {
            return Ok(VerifyReport {
                rows: count,
                last_hash: prev_hash,
                broken: Some(ChainBreak::Unlinked { seq, expected_prev_seq: prev_seq }),
            });
        }
        if row_hash(&stored_prev, seq, &at, &actor, &kind, &detail) != stored_hash {
            return Ok(VerifyReport { rows: count, last_hash: prev_hash, broken: Some(ChainBreak::Edited { seq }) });
        }
        prev_hash = stored_hash;
        prev_seq = seq;
    }
    // The tip count is kept outside the chain so that deleting the newest rows is noticed.
    let tip = super::settings::get::<super::settings::AuditTip>(conn)?;
    let broken = match tip {
        Some(t) if t > prev_seq => Some(ChainBreak::Truncated { last_seq: prev_seq }),
        _ => None,
    };
    Ok(VerifyReport { rows: count, last_hash: prev_hash, broken })
}

/// The newest row's seq and hash (the `audit_tip` sent to the province), `None` for an empty chain.
pub fn tip(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()
}

/// The stored hash of row `seq`, if the row exists.
pub fn hash_at(conn: &Connection, seq: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT hash FROM audit_event WHERE seq = ?1", [seq], |r| r.get(0)).optional()
}

/// Appends and records the tip; the normal entry point. The tip never goes down: after a cut
/// tail, the next event (the login of whoever runs `audit verify`, say) must not hide the cut.
pub fn record(conn: &Connection, at: &str, actor: &str, kind: &str, detail: &serde_json::Value) -> rusqlite::Result<i64> {
    let seq = append(conn, at, actor, kind, detail)?;
    let tip = super::settings::get::<super::settings::AuditTip>(conn)?.unwrap_or(0).max(seq);
    super::settings::set::<super::settings::AuditTip>(conn, &tip)?;
    Ok(seq)
}

/// An `audit_event` row selected as `seq, at, actor, kind, detail`.
fn event_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEvent> {
    let detail: String = r.get(4)?;
    Ok(AuditEvent {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        kind: r.get(3)?,
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
    })
}

pub fn recent(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare("SELECT seq, at, actor, kind, detail FROM audit_event ORDER BY seq DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit], event_row)?;
    rows.collect()
}

/// Every event whose detail names this confirmation, oldest first.
pub fn about_confirmation(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<Vec<AuditEvent>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, actor, kind, detail FROM audit_event WHERE json_extract(detail, '$.confirmation_id') = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([confirmation_id], event_row)?;
    rows.collect()
}
