//! Small key/value settings (device choice, sync state) kept in the `setting` table.
//! Invariant: every key is a type below with its value type, so no caller reads or writes a
//! setting by a string name or parses its text.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};

/// A value kept as text in the `setting` table.
pub trait SettingValue: Sized {
    fn encode(&self) -> String;
    /// `None` when the stored text is not a value of this type (treated as unset).
    fn decode(text: &str) -> Option<Self>;
}

impl SettingValue for String {
    fn encode(&self) -> String {
        self.clone()
    }
    fn decode(text: &str) -> Option<Self> {
        Some(text.to_string())
    }
}

impl SettingValue for i64 {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl SettingValue for u32 {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl SettingValue for bool {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl SettingValue for f64 {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        text.parse().ok().filter(|v: &f64| v.is_finite())
    }
}

impl SettingValue for DateTime<FixedOffset> {
    fn encode(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
    }
    fn decode(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text).ok()
    }
}

impl SettingValue for serde_json::Value {
    fn encode(&self) -> String {
        self.to_string()
    }
    fn decode(text: &str) -> Option<Self> {
        serde_json::from_str(text).ok()
    }
}

/// A setting: its name in the table and the type of its value.
pub trait Setting {
    const NAME: &'static str;
    type Value: SettingValue;
}

macro_rules! settings {
    ($($(#[$doc:meta])* $ty:ident = $name:literal : $value:ty;)*) => {
        $(
            $(#[$doc])*
            pub struct $ty;
            impl Setting for $ty {
                const NAME: &'static str = $name;
                type Value = $value;
            }
        )*
    };
}

settings! {
    /// The card reader spec (`serial:…`, `pcsc[:NAME]`, `sim:FILE`).
    Reader = "reader": String;
    /// The camera spec (`webcam[:N]`, `file:PATH`, `pattern`).
    Camera = "camera": String;
    /// The province's reference data (regions, majors), as last received.
    Reference = "reference": serde_json::Value;
    ReferenceEtag = "reference_etag": String;
    /// Province clock minus ours, in milliseconds, measured at the last answer.
    ClockOffsetMs = "clock_offset_ms": i64;
    LastSync = "last_sync": DateTime<FixedOffset>;
    /// Why the last cycle stopped: Chinese for staff, English for the log.
    LastError = "last_error": String;
    LastErrorDetail = "last_error_detail": String;
    /// No automatic cycle before this instant (backoff).
    SyncRetryAt = "sync_retry_at": DateTime<FixedOffset>;
    SyncFailures = "sync_failures": u32;
    /// The request id of a number-block lease in flight (re-asked after a crash).
    BlockRequest = "block_request": String;
    /// The seq of the newest audit row, kept outside the chain so a cut tail is seen.
    AuditTip = "audit_tip": i64;
    /// Seconds between automatic sync cycles.
    SyncIntervalSecs = "sync_interval_secs": u32;
    /// Minutes without input before the screen locks.
    IdleLockMinutes = "idle_lock_minutes": u32;
    /// The office name printed on receipts (default: the enrolled office's).
    ReceiptOfficeName = "receipt_office_name": String;
    /// The CUPS printer receipts go to.
    Printer = "printer": String;
    /// Where saved documents go (a folder per office day inside it).
    DocumentsDir = "documents_dir": String;
    /// The deadline of one exchange with the province, in ms (default 60 s; for tests and slow links).
    HttpDeadlineMs = "http_deadline_ms": i64;
    /// Face match (cosine): at or above this the live face is the chip photo's (default 0.45).
    FacePassBand = "face_pass_band": f64;
    /// Face match: from this up to the pass band, 存疑 (flag face_mismatch, signed off later);
    /// below it a supervisor must authorise at the counter (default 0.30).
    FaceReviewBand = "face_review_band": f64;
    /// The 替考 check (the same face confirmed today under another id number); on unless set
    /// to false (a training station where one volunteer plays every candidate).
    FaceSameFaceCheck = "face_same_face_check": bool;
}

pub fn get<S: Setting>(conn: &Connection) -> rusqlite::Result<Option<S::Value>> {
    let text: Option<String> = conn.query_row("SELECT value FROM setting WHERE key = ?1", [S::NAME], |r| r.get(0)).optional()?;
    Ok(text.and_then(|t| S::Value::decode(&t)))
}

pub fn set<S: Setting>(conn: &Connection, value: &S::Value) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![S::NAME, value.encode()],
    )?;
    Ok(())
}

pub fn clear<S: Setting>(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM setting WHERE key = ?1", [S::NAME])?;
    Ok(())
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_round_trip_and_garbage_reads_as_unset() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::open(dir.path(), &crate::keyring::DataKey::random()).unwrap();
        let c = store.conn();
        assert_eq!(get::<ClockOffsetMs>(c).unwrap(), None);
        set::<ClockOffsetMs>(c, &-1500).unwrap();
        assert_eq!(get::<ClockOffsetMs>(c).unwrap(), Some(-1500));
        c.execute("UPDATE setting SET value = 'soon' WHERE key = 'clock_offset_ms'", []).unwrap();
        assert_eq!(get::<ClockOffsetMs>(c).unwrap(), None, "text that is not an i64 is unset, not a panic");
        clear::<ClockOffsetMs>(c).unwrap();
        assert_eq!(get::<ClockOffsetMs>(c).unwrap(), None, "cleared");
    }
}
