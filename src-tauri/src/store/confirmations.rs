//! Local confirmations and their photos. Invariant: a confirmation, its photo, its outbox row
//! (and the caller's audit event) are written in one transaction by [`record`].

use rusqlite::{params, Connection, OptionalExtension};

use super::outbox::{self, Kind};
use crate::domain::confirmation::{ConfirmationItem, ConfirmationState, Flag};

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
            flags_json(&item.flags),
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

/// The province accepted: keep its admission number (authoritative) — unless another local
/// confirmation already holds that number; then ours stays as it was and the holder's id is
/// returned, so one bad answer can never jam the outbox on the UNIQUE constraint.
pub fn accepted(
    conn: &Connection,
    confirmation_id: &str,
    admission_number: Option<&str>,
    sms_queued: bool,
) -> rusqlite::Result<Option<String>> {
    let holder = match admission_number {
        Some(n) => number_holder(conn, n)?.filter(|h| h != confirmation_id),
        None => None,
    };
    let number = if holder.is_some() { None } else { admission_number };
    conn.execute(
        "UPDATE confirmation SET state = 'accepted', admission_number = COALESCE(?2, admission_number), sms_queued = ?3, reject_reason = NULL WHERE confirmation_id = ?1",
        params![confirmation_id, number, sms_queued as i64],
    )?;
    Ok(holder)
}

/// The confirmation that holds an admission number, if any.
pub fn number_holder(conn: &Connection, admission_number: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT confirmation_id FROM confirmation WHERE admission_number = ?1", [admission_number], |r| r.get(0)).optional()
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

fn flags_json(flags: &[Flag]) -> String {
    serde_json::to_string(flags).expect("flags serialize")
}

/// Flags as stored; an unknown flag (written by a newer build) is logged and left out.
fn parse_flags(json: &str) -> Vec<Flag> {
    let names: Vec<String> = serde_json::from_str(json).unwrap_or_default();
    names
        .iter()
        .filter_map(|n| {
            let f = Flag::parse(n);
            if f.is_none() {
                tracing::warn!("stored confirmation carries an unknown flag {n:?}");
            }
            f
        })
        .collect()
}

fn parse_state(text: String) -> rusqlite::Result<ConfirmationState> {
    ConfirmationState::parse(&text)
        .ok_or_else(|| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("state {text:?}").into()))
}

/// The newest live (pending or accepted) confirmation for an id number: (registration id, when).
pub fn live_for_id_number(conn: &Connection, id_number: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row(
        "SELECT c.registration_id, c.confirmed_at FROM confirmation c JOIN registration r ON r.registration_id = c.registration_id
         WHERE r.id_number = ?1 AND c.state IN ('pending', 'accepted') ORDER BY c.confirmed_at DESC LIMIT 1",
        [id_number],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// The state of the newest confirmation of a registration, if any.
pub fn latest_state(conn: &Connection, registration_id: &str) -> rusqlite::Result<Option<ConfirmationState>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT state FROM confirmation WHERE registration_id = ?1 ORDER BY confirmed_at DESC LIMIT 1",
            [registration_id],
            |r| r.get(0),
        )
        .optional()?;
    text.map(parse_state).transpose()
}

/// A stored confirmation with what its receipt and lists show.
#[derive(Debug, Clone)]
pub struct ConfirmationRecord {
    pub confirmation_id: String,
    pub registration_id: String,
    pub confirmed_at: String,
    pub staff_id: String,
    /// The staff member's name, or the id when the account is gone.
    pub staff_name: String,
    pub admission_number: Option<String>,
    pub flags: Vec<Flag>,
    pub state: ConfirmationState,
    pub reject_reason: Option<String>,
    /// Who authorised an override or manual entry.
    pub supervisor_id: Option<String>,
    pub signed_off_by: Option<String>,
    /// The newest revocation: its state (pending | accepted | rejected) and the province's reason.
    pub revocation: Option<(String, Option<String>)>,
    /// Chip photo vs. live photo (cosine), when a chip photo was decoded (migration 0005).
    pub face_match_score: Option<f64>,
}

const RECORD_COLUMNS: &str = "c.confirmation_id, c.registration_id, c.confirmed_at, c.staff_id, COALESCE(s.name, c.staff_id),
    c.admission_number, c.flags, c.state, c.reject_reason, c.supervisor_id,
    (SELECT so.supervisor_id FROM signoff so WHERE so.confirmation_id = c.confirmation_id),
    (SELECT rv.state FROM revocation rv WHERE rv.confirmation_id = c.confirmation_id ORDER BY rv.revoked_at DESC LIMIT 1),
    (SELECT rv.result_reason FROM revocation rv WHERE rv.confirmation_id = c.confirmation_id ORDER BY rv.revoked_at DESC LIMIT 1),
    c.face_match_score";

fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConfirmationRecord> {
    Ok(ConfirmationRecord {
        confirmation_id: r.get(0)?,
        registration_id: r.get(1)?,
        confirmed_at: r.get(2)?,
        staff_id: r.get(3)?,
        staff_name: r.get(4)?,
        admission_number: r.get(5)?,
        flags: parse_flags(&r.get::<_, String>(6)?),
        state: parse_state(r.get(7)?)?,
        reject_reason: r.get(8)?,
        supervisor_id: r.get(9)?,
        signed_off_by: r.get(10)?,
        revocation: r.get::<_, Option<String>>(11)?.map(|state| Ok::<_, rusqlite::Error>((state, r.get(12)?))).transpose()?,
        face_match_score: r.get(13)?,
    })
}

/// One confirmation and its photo's JPEG.
pub fn get_with_photo(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<Option<(ConfirmationRecord, Vec<u8>)>> {
    conn.query_row(
        &format!(
            "SELECT {RECORD_COLUMNS}, p.jpeg FROM confirmation c JOIN photo p ON p.photo_id = c.photo_id
             LEFT JOIN staff s ON s.staff_id = c.staff_id WHERE c.confirmation_id = ?1"
        ),
        [confirmation_id],
        |r| Ok((record_row(r)?, r.get(14)?)),
    )
    .optional()
}

/// Confirmations whose `confirmed_at`, as written (in the clock's own offset), falls on a day from
/// `from` to `to` (YYYY-MM-DD), newest first. Callers that need the office day (+08:00) ask for
/// one day more on each side and filter.
pub fn between_days(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<ConfirmationRecord>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {RECORD_COLUMNS} FROM confirmation c LEFT JOIN staff s ON s.staff_id = c.staff_id
         WHERE substr(c.confirmed_at, 1, 10) BETWEEN ?1 AND ?2 ORDER BY c.confirmed_at DESC"
    ))?;
    let rows = stmt.query_map([from, to], record_row)?;
    rows.collect()
}

pub fn get(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<Option<ConfirmationRecord>> {
    conn.query_row(
        &format!("SELECT {RECORD_COLUMNS} FROM confirmation c LEFT JOIN staff s ON s.staff_id = c.staff_id WHERE c.confirmation_id = ?1"),
        [confirmation_id],
        record_row,
    )
    .optional()
}

/// The province withdrew it: the registration may be confirmed again.
pub fn revoked(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE confirmation SET state = 'revoked' WHERE confirmation_id = ?1", [confirmation_id])?;
    Ok(())
}

/// The spec photo of this registration's live (pending or accepted) confirmation here, if any.
pub fn live_photo_for_registration(conn: &Connection, registration_id: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.query_row(
        "SELECT p.jpeg FROM confirmation c JOIN photo p ON p.photo_id = c.photo_id
         WHERE c.registration_id = ?1 AND c.state IN ('pending', 'accepted') ORDER BY c.confirmed_at DESC LIMIT 1",
        [registration_id],
        |r| r.get(0),
    )
    .optional()
}

/// The newest live (pending or accepted) confirmation of a registration here, if any.
pub fn live_for_registration(conn: &Connection, registration_id: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT confirmation_id FROM confirmation WHERE registration_id = ?1 AND state IN ('pending', 'accepted')
         ORDER BY confirmed_at DESC LIMIT 1",
        [registration_id],
        |r| r.get(0),
    )
    .optional()
}
