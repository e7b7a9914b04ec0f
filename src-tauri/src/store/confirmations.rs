//! Local confirmations and their photos. Invariant: a confirmation, its photo, its outbox row
//! (and the caller's audit event) are written in one transaction by [`record`].

use rusqlite::{params, Connection, OptionalExtension};

use super::outbox::{self, Kind};
use crate::domain::confirmation::ConfirmationItem;

pub struct PhotoRow<'a> {
    pub jpeg: &'a [u8],
    pub sha256: &'a str,
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
    pub checks_json: &'a str,
}

/// Where the admission number came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberSource {
    Block,
    Enrolled,
    Province,
}

impl NumberSource {
    fn as_str(self) -> &'static str {
        match self {
            NumberSource::Block => "block",
            NumberSource::Enrolled => "enrolled",
            NumberSource::Province => "province",
        }
    }
}

/// Writes the confirmation, its photo and its outbox row. Call inside a transaction.
pub fn record(conn: &Connection, item: &ConfirmationItem, photo: &PhotoRow<'_>, source: NumberSource) -> rusqlite::Result<()> {
    let photo_id = item.confirmation_id.clone();
    conn.execute(
        "INSERT INTO photo (photo_id, jpeg, sha256, width, height, dpi, checks, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![photo_id, photo.jpeg, photo.sha256, photo.width, photo.height, photo.dpi, photo.checks_json, item.confirmed_at],
    )?;
    conn.execute(
        "INSERT INTO confirmation (confirmation_id, registration_id, registration_version, staff_id, supervisor_id, confirmed_at, photo_id, card, flags, admission_number, number_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            item.confirmation_id,
            item.registration_id,
            item.registration_version,
            item.staff_id,
            item.supervisor_id,
            item.confirmed_at,
            photo_id,
            serde_json::to_string(&item.card).expect("card serializes"),
            serde_json::to_string(&item.flags).expect("flags serialize"),
            item.admission_number,
            source.as_str(),
        ],
    )?;
    outbox::push(
        conn,
        Kind::Confirmation,
        &item.confirmation_id,
        &serde_json::to_value(item).expect("item serializes"),
        &item.confirmed_at,
    )?;
    Ok(())
}

/// The province accepted: keep its admission number (authoritative).
pub fn accepted(conn: &Connection, confirmation_id: &str, admission_number: Option<&str>, sms_queued: bool) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE confirmation SET state = 'accepted', admission_number = COALESCE(?2, admission_number), sms_queued = ?3, reject_reason = NULL WHERE confirmation_id = ?1",
        params![confirmation_id, admission_number, sms_queued as i64],
    )?;
    Ok(())
}

pub fn rejected(conn: &Connection, confirmation_id: &str, reason: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE confirmation SET state = 'rejected', reject_reason = ?2 WHERE confirmation_id = ?1",
        params![confirmation_id, reason],
    )?;
    Ok(())
}

/// The confirmation row behind a client id that was re-sent under a new id (after STALE_VERSION).
pub fn rekey(conn: &Connection, old_id: &str, new_id: &str, registration_version: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE confirmation SET confirmation_id = ?2, registration_version = ?3, state = 'pending', reject_reason = NULL WHERE confirmation_id = ?1",
        params![old_id, new_id, registration_version],
    )?;
    Ok(())
}

pub fn state(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<Option<(String, Option<String>)>> {
    conn.query_row("SELECT state, admission_number FROM confirmation WHERE confirmation_id = ?1", [confirmation_id], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()
}
