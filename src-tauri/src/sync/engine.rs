//! One sync cycle: reference data, the two feeds, number blocks, the outbox.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::backoff;
use super::client::{Answer, ApiError, Province};
use crate::domain::confirmation::ConfirmationItem;
use crate::domain::registration::Registration;
use crate::domain::{DeskError, ErrorCode};
use crate::store::{audit, blocks, confirmations, outbox, registrations, settings, station};

type Now = DateTime<FixedOffset>;

pub const FEED_PAGE: u32 = 1000;
pub const BLOCK_SIZE: i64 = 100;
pub const MAX_BATCH_ITEMS: usize = 50;
pub const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;
/// A clock further off than this must be shown to staff (province-api.md).
pub const CLOCK_WARN_MS: i64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Default)]
pub struct CycleOptions {
    /// Ignore the backoff wait (the 立即同步 button, `zkctl sync`).
    pub force: bool,
}

/// Reported while a cycle runs (the 同步 page's progress bar during the first download).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Progress {
    /// reference | registrations | review_tasks | number_blocks | outbox
    pub phase: String,
    pub done: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SyncReport {
    /// The backoff wait had not passed; nothing was attempted.
    pub skipped: bool,
    pub reference_updated: bool,
    pub registrations_applied: i64,
    pub registrations_ignored: i64,
    pub tasks_applied: i64,
    pub blocks_leased: i64,
    pub accepted: i64,
    pub parked: i64,
    pub resent_after_stale: i64,
    pub clock_offset_ms: Option<i64>,
    /// Chinese, for staff; set when the cycle stopped early.
    pub error: Option<String>,
    /// English, for the log.
    pub error_detail: Option<String>,
    pub retry_at: Option<String>,
}

fn rfc(t: &Now) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

struct Cycle<'a> {
    conn: &'a mut Connection,
    api: Province,
    clock: &'a dyn Fn() -> Now,
    progress: &'a mut dyn FnMut(Progress),
    report: SyncReport,
}

/// Enrolls this workstation with an enrollment code and stores the station and its token.
pub fn enroll(conn: &mut Connection, server_url: &str, code: &str, device_name: &str, now: &Now) -> Result<station::StationRow, DeskError> {
    let api = Province::new(server_url, None).map_err(api_error)?;
    let a = api.enroll(code.trim(), device_name).map_err(api_error)?;
    let b = &a.body;
    let s = |v: &Value| {
        v.as_str().map(String::from).ok_or_else(|| api_error(ApiError::Garbage(format!("enrollment answer lacks a field: {b}"))))
    };
    let row = station::StationRow {
        station_id: s(&b["station_id"])?,
        server_url: server_url.trim_end_matches('/').to_string(),
        token: s(&b["token"])?,
        region_code: s(&b["region"]["code"])?,
        region_name: s(&b["region"]["name"])?,
        county_code: s(&b["county"]["code"])?,
        county_name: s(&b["county"]["name"])?,
        office_name: s(&b["office_name"])?,
        device_name: device_name.to_string(),
        enrolled_at: rfc(now),
        token_revoked: false,
    };
    let tx = conn.transaction()?;
    // A new enrollment starts the feeds afresh: the cache may belong to another station or server.
    if station::get(&tx)?.is_some_and(|old| old.server_url != row.server_url || old.county_code != row.county_code) {
        tx.execute("DELETE FROM feed_cursor", [])?;
    }
    station::put(&tx, &row)?;
    audit::record(&tx, &rfc(now), "zkctl", "station_enrolled", &json!({"station_id": row.station_id, "server": row.server_url}))?;
    tx.commit()?;
    Ok(row)
}

pub fn api_error(e: ApiError) -> DeskError {
    let code = match e {
        ApiError::Unauthorized => ErrorCode::NotAuthorized,
        ApiError::Refused { ref code, .. } if code == "NOT_FOUND" => ErrorCode::NotFound,
        ApiError::Refused { ref code, .. } if code == "ALREADY_USED" => ErrorCode::Conflict,
        _ => ErrorCode::Network,
    };
    DeskError::new(code, e.message(), e.to_string())
}

/// Runs one cycle. Network trouble is not an `Err`: it ends the cycle early with the reason in
/// the report and a backoff stored for the next one. `Err` is for local problems (the store).
pub fn run_cycle(
    conn: &mut Connection,
    clock: &dyn Fn() -> Now,
    opts: &CycleOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, DeskError> {
    let Some(st) = station::get(conn)? else {
        return Err(DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记，请先用登记码登记", "station not enrolled"));
    };
    if st.token_revoked {
        return Err(DeskError::new(
            ErrorCode::NotEnrolled,
            "省平台已拒绝本工作站的凭证，请重新登记工作站",
            "token revoked by a 401; enroll again",
        ));
    }
    let now = clock();
    if !opts.force {
        if let Some(at) = settings::get(conn, "sync_retry_at")?.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()) {
            if at > now {
                return Ok(SyncReport { skipped: true, retry_at: Some(rfc(&at)), ..Default::default() });
            }
        }
    }
    let api = Province::new(&st.server_url, Some(st.token.clone())).map_err(api_error)?;
    let mut c = Cycle { conn, api, clock, progress, report: SyncReport::default() };
    let outcome = c.steps();
    let Cycle { conn, mut report, .. } = c;
    match outcome {
        Ok(()) => {
            settings::set(conn, "sync_failures", "0")?;
            conn.execute("DELETE FROM setting WHERE key IN ('sync_retry_at', 'last_error', 'last_error_detail')", [])?;
            settings::set(conn, "last_sync", &rfc(&clock()))?;
        }
        Err(Stop::Local(e)) => return Err(e),
        Err(Stop::Api(e)) => {
            let failures: u32 = settings::get(conn, "sync_failures")?.and_then(|v| v.parse().ok()).unwrap_or(0);
            let wait = match &e {
                ApiError::Unauthorized => None,
                // A 400 is our bug: keep the items, report, and do not hammer the province with it.
                ApiError::Refused { .. } => Some(Duration::from_secs(3600)),
                _ => Some(backoff::delay(failures, e.retry_after(), rand::random::<f64>())),
            };
            if matches!(e, ApiError::Unauthorized) {
                station::revoke_token(conn)?;
                audit::record(conn, &rfc(&clock()), "sync", "station_token_revoked", &json!({}))?;
            }
            settings::set(conn, "sync_failures", &(failures + 1).to_string())?;
            if let Some(w) = wait {
                let at = clock() + chrono::Duration::from_std(w).unwrap_or_default();
                settings::set(conn, "sync_retry_at", &rfc(&at))?;
                report.retry_at = Some(rfc(&at));
            }
            settings::set(conn, "last_error", &e.message())?;
            settings::set(conn, "last_error_detail", &e.to_string())?;
            tracing::warn!("sync stopped: {e}");
            report.error = Some(e.message());
            report.error_detail = Some(e.to_string());
        }
    }
    Ok(report)
}

enum Stop {
    Api(ApiError),
    Local(DeskError),
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Api(e)
    }
}

impl From<rusqlite::Error> for Stop {
    fn from(e: rusqlite::Error) -> Self {
        Stop::Local(e.into())
    }
}

#[derive(Deserialize)]
struct Page<T> {
    items: Vec<T>,
    next_cursor: String,
    has_more: bool,
}

#[derive(Deserialize)]
struct Task {
    task_id: String,
    version: i64,
    kind: String,
    status: String,
    registration_id: String,
    created_at: String,
}

impl Cycle<'_> {
    fn steps(&mut self) -> Result<(), Stop> {
        self.reference()?;
        self.registrations()?;
        self.review_tasks()?;
        self.number_blocks()?;
        self.outbox()?;
        Ok(())
    }

    /// Measures and keeps the offset between the province's clock and ours.
    fn clock_offset<T>(&mut self, a: &Answer<T>) -> Result<(), Stop> {
        if let Some(server) = a.server_time {
            let ours = (self.clock)() - chrono::Duration::from_std(a.sent_at_mid.elapsed()).unwrap_or_default();
            let offset = (server - ours).num_milliseconds();
            settings::set(self.conn, "clock_offset_ms", &offset.to_string())?;
            self.report.clock_offset_ms = Some(offset);
        }
        Ok(())
    }

    fn reference(&mut self) -> Result<(), Stop> {
        (self.progress)(Progress { phase: "reference".into(), done: 0 });
        let etag = settings::get(self.conn, "reference_etag")?;
        if let Some(a) = self.api.reference(etag.as_deref())? {
            self.clock_offset(&a)?;
            let tx = self.conn.transaction()?;
            settings::set(&tx, "reference", &a.body.to_string())?;
            if let Some(e) = &a.etag {
                settings::set(&tx, "reference_etag", e)?;
            }
            tx.commit()?;
            self.report.reference_updated = true;
        }
        Ok(())
    }

    fn cursor(&self, feed: &str) -> Result<Option<String>, Stop> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT cursor FROM feed_cursor WHERE feed = ?1", [feed], |r| r.get(0)).optional()?.flatten())
    }

    fn set_cursor(tx: &Connection, feed: &str, cursor: &str, now: &str) -> rusqlite::Result<()> {
        tx.execute(
            "INSERT INTO feed_cursor (feed, cursor, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
            rusqlite::params![feed, cursor, now],
        )?;
        Ok(())
    }

    fn registrations(&mut self) -> Result<(), Stop> {
        loop {
            let cursor = self.cursor("registrations")?;
            let a: Answer<Page<Registration>> = self.api.feed("/registrations", cursor.as_deref(), FEED_PAGE)?;
            self.clock_offset(&a)?;
            if let Some(bad) = a.body.items.iter().find_map(|r| r.validate().err()) {
                return Err(ApiError::Garbage(bad).into());
            }
            let now = rfc(&(self.clock)());
            let tx = self.conn.transaction()?;
            for r in &a.body.items {
                if registrations::apply(&tx, r)? {
                    self.report.registrations_applied += 1;
                } else {
                    self.report.registrations_ignored += 1;
                }
            }
            // The cursor moves in the same transaction as the page: a crash loses neither.
            Self::set_cursor(&tx, "registrations", &a.body.next_cursor, &now)?;
            tx.commit()?;
            (self.progress)(Progress {
                phase: "registrations".into(),
                done: self.report.registrations_applied + self.report.registrations_ignored,
            });
            if !a.body.has_more {
                return Ok(());
            }
        }
    }

    fn review_tasks(&mut self) -> Result<(), Stop> {
        loop {
            let cursor = self.cursor("review_tasks")?;
            let a: Answer<Page<Value>> = self.api.feed("/review-tasks", cursor.as_deref(), FEED_PAGE)?;
            self.clock_offset(&a)?;
            let tasks: Vec<(Task, &Value)> = a
                .body
                .items
                .iter()
                .map(|v| {
                    serde_json::from_value::<Task>(v.clone()).map(|t| (t, v)).map_err(|e| ApiError::Garbage(format!("review task: {e}")))
                })
                .collect::<Result<_, _>>()?;
            let now = rfc(&(self.clock)());
            let tx = self.conn.transaction()?;
            for (t, body) in tasks {
                let n = tx.execute(
                    "INSERT INTO review_task (task_id, version, kind, status, registration_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (task_id) DO UPDATE SET version = excluded.version, status = excluded.status, body = excluded.body
                     WHERE excluded.version > review_task.version",
                    rusqlite::params![t.task_id, t.version, t.kind, t.status, t.registration_id, body.to_string(), t.created_at],
                )?;
                self.report.tasks_applied += n as i64;
            }
            Self::set_cursor(&tx, "review_tasks", &a.body.next_cursor, &now)?;
            tx.commit()?;
            (self.progress)(Progress { phase: "review_tasks".into(), done: self.report.tasks_applied });
            if !a.body.has_more {
                return Ok(());
            }
        }
    }

    /// Keeps one untouched block in hand, so the counter can print numbers through an outage.
    fn number_blocks(&mut self) -> Result<(), Stop> {
        while blocks::untouched(self.conn)? < 1 {
            // The request id is stored before asking, so a crash mid-request re-asks for the same block.
            let request_id = match settings::get(self.conn, "block_request")? {
                Some(r) => r,
                None => {
                    let r = uuid::Uuid::now_v7().to_string();
                    settings::set(self.conn, "block_request", &r)?;
                    r
                }
            };
            let a: Answer<blocks::Lease> = self.api.post("/number-blocks", &json!({"request_id": request_id, "size": BLOCK_SIZE}))?;
            self.clock_offset(&a)?;
            let l = &a.body;
            if l.prefix.len() != 7 || l.last_seq < l.first_seq || l.last_seq > 99_999 {
                return Err(ApiError::Garbage(format!("number block {} is malformed", l.block_id)).into());
            }
            let now = rfc(&(self.clock)());
            let tx = self.conn.transaction()?;
            if !blocks::has_request(&tx, &request_id)? {
                blocks::insert(&tx, &request_id, l, &now)?;
                self.report.blocks_leased += 1;
            }
            tx.execute("DELETE FROM setting WHERE key = 'block_request'", [])?;
            tx.commit()?;
            (self.progress)(Progress { phase: "number_blocks".into(), done: self.report.blocks_leased });
        }
        Ok(())
    }

    fn outbox(&mut self) -> Result<(), Stop> {
        for kind in outbox::Kind::ALL {
            loop {
                let items = outbox::pending(self.conn, kind, MAX_BATCH_ITEMS)?;
                if items.is_empty() {
                    break;
                }
                // Fill the batch up to the byte limit (always at least one item).
                let mut batch = Vec::new();
                let mut bytes = 16;
                for it in items {
                    if !batch.is_empty() && bytes + it.payload.len() + 1 > MAX_BATCH_BYTES {
                        break;
                    }
                    bytes += it.payload.len() + 1;
                    batch.push(it);
                }
                self.push(kind, &batch)?;
                (self.progress)(Progress { phase: "outbox".into(), done: self.report.accepted + self.report.parked });
            }
        }
        Ok(())
    }

    /// Sends one batch; on 413 halves it; applies each result.
    fn push(&mut self, kind: outbox::Kind, batch: &[outbox::Item]) -> Result<(), Stop> {
        let (path, id_field) = kind.endpoint();
        let body = format!("{{\"items\":[{}]}}", batch.iter().map(|i| i.payload.as_str()).collect::<Vec<_>>().join(","));
        let a: Answer<Value> = match self.api.post_raw(path, body) {
            Err(ApiError::TooLarge) if batch.len() > 1 => {
                let (a, b) = batch.split_at(batch.len() / 2);
                self.push(kind, a)?;
                return self.push(kind, b);
            }
            Err(ApiError::TooLarge) => {
                let now = rfc(&(self.clock)());
                let reason = "TOO_LARGE: 单条数据超过省平台上限";
                outbox::park(
                    self.conn,
                    &batch[0].client_id,
                    &json!({"status": "rejected", "reason": {"code": "TOO_LARGE"}}),
                    reason,
                    &now,
                )?;
                self.report.parked += 1;
                return Ok(());
            }
            other => other?,
        };
        self.clock_offset(&a)?;
        let results = a.body["results"].as_array().ok_or_else(|| ApiError::Garbage("answer has no results array".into()))?;
        if results.len() != batch.len() || results.iter().zip(batch).any(|(r, i)| r[id_field].as_str() != Some(i.client_id.as_str())) {
            return Err(ApiError::Garbage(format!("{} results for {} items, or ids out of order", results.len(), batch.len())).into());
        }
        let now = rfc(&(self.clock)());
        let mut stale = Vec::new();
        let tx = self.conn.transaction()?;
        for (r, item) in results.iter().zip(batch) {
            let status = r["status"].as_str().unwrap_or("");
            let reason_code = r["reason"]["code"].as_str();
            let accepted = match (status, reason_code) {
                ("accepted", _) | ("duplicate", None) => true,
                ("rejected", Some(_)) | ("duplicate", Some(_)) => false,
                _ => {
                    return Err(ApiError::Garbage(format!("result for {} has status {status:?}", item.client_id)).into());
                }
            };
            if accepted {
                outbox::mark_done(&tx, &item.client_id, r, &now)?;
                if kind == outbox::Kind::Confirmation {
                    confirmations::accepted(
                        &tx,
                        &item.client_id,
                        r["admission_number"].as_str(),
                        r["sms_queued"].as_bool().unwrap_or(false),
                    )?;
                }
                self.report.accepted += 1;
            } else if kind == outbox::Kind::Confirmation && reason_code == Some("STALE_VERSION") {
                stale.push((item.clone(), r.clone()));
            } else {
                let reason = format!("{}: {}", reason_code.unwrap_or("UNKNOWN"), r["reason"]["message"].as_str().unwrap_or(""));
                outbox::park(&tx, &item.client_id, r, &reason, &now)?;
                if kind == outbox::Kind::Confirmation {
                    confirmations::rejected(&tx, &item.client_id, &reason)?;
                }
                audit::record(
                    &tx,
                    &now,
                    "sync",
                    "outbox_parked",
                    &json!({"kind": kind.as_str(), "client_id": item.client_id, "reason": reason}),
                )?;
                self.report.parked += 1;
            }
        }
        tx.commit()?;
        if !stale.is_empty() {
            self.recheck_stale(stale)?;
        }
        Ok(())
    }

    /// STALE_VERSION: pull the newer registration and, if it can still be confirmed, send the
    /// confirmation again under a new id (the old id's rejection is final at the province).
    fn recheck_stale(&mut self, stale: Vec<(outbox::Item, Value)>) -> Result<(), Stop> {
        self.registrations()?;
        let now = rfc(&(self.clock)());
        let tx = self.conn.transaction()?;
        for (item, result) in stale {
            let mut c: ConfirmationItem = serde_json::from_str(&item.payload).map_err(|e| Stop::Local(DeskError::storage(e)))?;
            let fresh = registrations::get(&tx, &c.registration_id)?;
            match fresh {
                Some(r) if r.status == "pre_registered" && r.version > c.registration_version && r.id_number == c.card.id_number => {
                    let new_id = uuid::Uuid::now_v7().to_string();
                    outbox::park(&tx, &item.client_id, &result, &format!("STALE_VERSION: 已按新版本重发（{new_id}）"), &now)?;
                    confirmations::rekey(&tx, &item.client_id, &new_id, r.version)?;
                    c.confirmation_id = new_id.clone();
                    c.registration_version = r.version;
                    outbox::push(&tx, outbox::Kind::Confirmation, &new_id, &serde_json::to_value(&c).expect("item serializes"), &now)?;
                    audit::record(
                        &tx,
                        &now,
                        "sync",
                        "confirmation_resent",
                        &json!({"old": item.client_id, "new": new_id, "version": r.version}),
                    )?;
                    self.report.resent_after_stale += 1;
                }
                _ => {
                    let reason = "STALE_VERSION: 报名信息已变更，不再符合确认条件，请主管处理".to_string();
                    outbox::park(&tx, &item.client_id, &result, &reason, &now)?;
                    confirmations::rejected(&tx, &item.client_id, &reason)?;
                    self.report.parked += 1;
                }
            }
        }
        tx.commit()?;
        // The re-sent items go out in this same cycle.
        self.outbox()
    }
}
