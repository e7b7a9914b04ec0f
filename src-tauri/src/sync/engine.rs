//! One sync cycle: reference data, the two feeds, number blocks, the outbox.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::backoff;
use super::client::{Answer, ApiError, Limits, Province};
use crate::domain::confirmation::ConfirmationItem;
use crate::domain::registration::{Registration, RegistrationStatus};
use crate::domain::{DeskError, ErrorCode};
use crate::store::feeds::Feed;
use crate::store::settings::{
    self, BlockRequest, ClockOffsetMs, HttpDeadlineMs, LastError, LastErrorDetail, LastSync, Reference, ReferenceEtag, SyncFailures, SyncRetryAt,
};
use crate::store::{audit, blocks, confirmations, feeds, outbox, registrations, review_tasks, revocations, station, Store};

type Now = DateTime<FixedOffset>;

pub const FEED_PAGE: u32 = 1000;
/// Pages of one feed per cycle; the rest comes next cycle (a feed that never ends cannot hold the outbox back).
pub const MAX_PAGES_PER_CYCLE: usize = 1000;
/// A cursor is opaque, but not unbounded: it is stored and sent back in the URL.
pub const MAX_CURSOR_LEN: usize = 1024;
/// Leases asked for in one cycle (one is enough; the rest covers refusals).
pub const MAX_LEASES_PER_CYCLE: usize = 3;
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

/// The steps of a cycle, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Reference,
    Registrations,
    ReviewTasks,
    NumberBlocks,
    Outbox,
}

/// Reported while a cycle runs (the 同步 page's progress bar during the first download).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Progress {
    pub phase: Phase,
    pub done: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SyncReport {
    /// The backoff wait had not passed; nothing was attempted.
    pub skipped: bool,
    pub reference_updated: bool,
    pub registrations_applied: i64,
    pub registrations_ignored: i64,
    /// Registrations kept with a status, kind or prior-education status this build does not know.
    pub registrations_unknown_values: i64,
    pub tasks_applied: i64,
    pub blocks_leased: i64,
    /// Number blocks the province offered that failed validation (refused, audited, never used).
    pub blocks_refused: i64,
    pub accepted: i64,
    /// Accepted confirmations whose province number another local confirmation already holds.
    pub number_conflicts: i64,
    pub parked: i64,
    pub resent_after_stale: i64,
    /// Review decisions the province refused as STALE_VERSION (decide again on the new version).
    pub decisions_stale: i64,
    pub clock_offset_ms: Option<i64>,
    /// Steps that failed while the cycle went on (a feed, the number blocks), English, for the log.
    pub step_errors: Vec<String>,
    /// Chinese, for staff; set when the cycle stopped early or a step failed.
    pub error: Option<String>,
    /// English, for the log.
    pub error_detail: Option<String>,
    pub retry_at: Option<String>,
}

fn rfc(t: &Now) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

struct Cycle<'a> {
    store: &'a Store,
    api: Province,
    clock: &'a dyn Fn() -> Now,
    progress: &'a mut dyn FnMut(Progress),
    report: SyncReport,
    /// The station's county code (number blocks must carry its digits).
    county: String,
    /// The first step that failed while the cycle went on.
    first_error: Option<ApiError>,
}

/// Enrolls this workstation with an enrollment code and stores the station and its token.
/// `actor` is the person who enrolled (written to the audit chain with the station).
pub fn enroll(
    store: &Store,
    actor: &str,
    server_url: &str,
    code: &str,
    device_name: &str,
    now: &Now,
) -> Result<station::StationRow, DeskError> {
    let api = Province::new(server_url, None).map_err(api_error)?;
    let a = api.enroll(code.trim(), device_name).map_err(api_error)?;
    if county_digits(&a.body["county"]["code"]).is_none() {
        return Err(api_error(ApiError::Garbage("enrollment answer has no six-digit county code".into())));
    }
    let b = &a.body;
    // Name the missing field only: the answer carries the token, which no message may show.
    let s = |v: &Value, field: &str| {
        v.as_str()
            .filter(|t| !t.is_empty() && t.len() <= 512)
            .map(String::from)
            .ok_or_else(|| api_error(ApiError::Garbage(format!("enrollment answer lacks a usable {field}"))))
    };
    let row = station::StationRow {
        station_id: s(&b["station_id"], "station_id")?,
        server_url: server_url.trim_end_matches('/').to_string(),
        token: s(&b["token"], "token")?,
        region_code: s(&b["region"]["code"], "region.code")?,
        region_name: s(&b["region"]["name"], "region.name")?,
        county_code: s(&b["county"]["code"], "county.code")?,
        county_name: s(&b["county"]["name"], "county.name")?,
        office_name: s(&b["office_name"], "office_name")?,
        device_name: device_name.to_string(),
        enrolled_at: rfc(now),
        token_revoked: false,
    };
    store.write(|tx| {
        // A new enrollment starts the feeds afresh: the cache may belong to another station or server.
        if station::get(tx)?.is_some_and(|old| old.server_url != row.server_url || old.county_code != row.county_code) {
            feeds::reset_all(tx)?;
        }
        station::put(tx, &row)?;
        audit::record(tx, &rfc(now), actor, "station_enrolled", &json!({"station_id": row.station_id, "server": row.server_url}))?;
        Ok::<_, DeskError>(())
    })?;
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
    store: &Store,
    clock: &dyn Fn() -> Now,
    opts: &CycleOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport, DeskError> {
    let Some(st) = station::get(store.conn())? else {
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
        if let Some(at) = settings::get::<SyncRetryAt>(store.conn())? {
            if at > now {
                return Ok(SyncReport { skipped: true, retry_at: Some(rfc(&at)), ..Default::default() });
            }
        }
    }
    let api = province(store, &st)?;
    let mut c = Cycle { store, api, clock, progress, report: SyncReport::default(), county: st.county_code.clone(), first_error: None };
    let outcome = c.steps();
    // A step that failed while the cycle went on still counts as a failed cycle (backoff, shown).
    let outcome = match (outcome, c.first_error.take()) {
        (Ok(()), Some(e)) => Err(Stop::Api(e)),
        (other, _) => other,
    };
    let mut report = c.report;
    match outcome {
        Ok(()) => store.write(|tx| {
            settings::set::<SyncFailures>(tx, &0)?;
            settings::clear::<SyncRetryAt>(tx)?;
            settings::clear::<LastError>(tx)?;
            settings::clear::<LastErrorDetail>(tx)?;
            settings::set::<LastSync>(tx, &clock())
        })?,
        Err(Stop::Local(e)) => return Err(e),
        Err(Stop::Api(e)) => {
            report.retry_at = record_failure(store, &e, clock)?.map(|at| rfc(&at));
            tracing::warn!("sync stopped: {e}");
            report.error = Some(e.message());
            report.error_detail = Some(e.to_string());
        }
    }
    Ok(report)
}

/// The province client for the enrolled station, with the deadline a test or site may set.
fn province(store: &Store, st: &station::StationRow) -> Result<Province, DeskError> {
    let mut limits = Limits::default();
    if let Some(ms) = settings::get::<HttpDeadlineMs>(store.conn())? {
        limits.deadline = Duration::from_millis(ms.clamp(100, 600_000) as u64);
    }
    Province::with_limits(&st.server_url, Some(st.token.clone()), limits).map_err(api_error)
}

/// The four county digits (`CCDD` of `PPCCDD`) a station's admission numbers start with.
fn county_digits(code: &Value) -> Option<&str> {
    code.as_str().filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit())).map(|c| &c[2..6])
}

/// The tip of the local audit chain, as the contract's `audit_tip` (v1.1), for every POST.
fn audit_tip(conn: &rusqlite::Connection) -> rusqlite::Result<Value> {
    Ok(match audit::tip(conn)? {
        Some((seq, hash)) => json!({"seq": seq, "hash": hash}),
        None => json!({"seq": 0, "hash": audit::GENESIS}),
    })
}

/// What the province holds as this station's audit tip (`GET /stations/me/audit-tip`, v1.1).
pub fn province_audit_tip(store: &Store) -> Result<(i64, String), DeskError> {
    let Some(st) = station::get(store.conn())? else {
        return Err(DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记，无法向省平台核对审计记录", "station not enrolled"));
    };
    let api = province(store, &st)?;
    let a: Answer<Value> = api.get("/stations/me/audit-tip").map_err(api_error)?;
    let seq = a.body["seq"].as_i64().filter(|s| *s >= 0);
    let hash = a.body["hash"].as_str().filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    match (seq, hash) {
        (Some(0), _) => Ok((0, String::new())),
        (Some(seq), Some(hash)) => Ok((seq, hash.to_ascii_lowercase())),
        _ => Err(api_error(ApiError::Garbage("audit tip answer lacks seq or hash".into()))),
    }
}

/// Stores why the cycle stopped and when to try again; a 401 revokes the token, audited in the
/// same transaction. Returns the next attempt's time, if there is one.
fn record_failure(store: &Store, e: &ApiError, clock: &dyn Fn() -> Now) -> Result<Option<Now>, DeskError> {
    store.write(|tx| {
        let failures = settings::get::<SyncFailures>(tx)?.unwrap_or(0);
        let wait = match e {
            ApiError::Unauthorized => None,
            // A 400 is our bug: keep the items, report, and do not hammer the province with it.
            ApiError::Refused { .. } | ApiError::Redirected { .. } => Some(Duration::from_secs(3600)),
            _ => Some(backoff::delay(failures, e.retry_after(), rand::random::<f64>())),
        };
        if matches!(e, ApiError::Unauthorized) {
            station::revoke_token(tx)?;
            audit::record(tx, &rfc(&clock()), SYNC_ACTOR, "station_token_revoked", &json!({}))?;
        }
        settings::set::<SyncFailures>(tx, &(failures + 1))?;
        let retry_at = wait.map(|w| clock() + chrono::Duration::from_std(w).unwrap_or_default());
        if let Some(at) = &retry_at {
            settings::set::<SyncRetryAt>(tx, at)?;
        }
        settings::set::<LastError>(tx, &e.message())?;
        settings::set::<LastErrorDetail>(tx, &e.to_string())?;
        Ok(retry_at)
    })
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

/// One step of a cycle, failing alone (see `steps`).
type Step<'c> = fn(&mut Cycle<'c>) -> Result<(), Stop>;

impl Cycle<'_> {
    /// The feeds and the number blocks each end on their own trouble without ending the cycle,
    /// so the outbox is pushed every cycle; only a 401 (or a local error) stops everything.
    fn steps(&mut self) -> Result<(), Stop> {
        let steps: [(&str, Step<'_>); 4] = [
            ("reference", Self::reference),
            ("registrations", Self::registrations),
            ("review tasks", Self::review_tasks),
            ("number blocks", Self::number_blocks),
        ];
        for (name, step) in steps {
            match step(self) {
                Ok(()) => {}
                Err(Stop::Api(ApiError::Unauthorized)) => return Err(Stop::Api(ApiError::Unauthorized)),
                Err(Stop::Api(e)) => {
                    tracing::warn!("sync step {name} failed, the cycle goes on: {e}");
                    self.report.step_errors.push(format!("{name}: {e}"));
                    self.first_error.get_or_insert(e);
                }
                Err(local) => return Err(local),
            }
        }
        self.outbox()?;
        if self.report.decisions_stale > 0 {
            // The tasks changed under our decisions: pull them so the supervisor decides on what is current.
            match self.review_tasks() {
                Err(Stop::Api(e)) if !matches!(e, ApiError::Unauthorized) => {
                    self.report.step_errors.push(format!("review tasks: {e}"));
                    self.first_error.get_or_insert(e);
                }
                other => other?,
            }
        }
        Ok(())
    }

    /// Checks a feed page before anything in it is stored: no more items than asked, a cursor
    /// that moves (never back to one seen this cycle) and stays bounded.
    fn check_page<T>(feed: &str, page: &Page<T>, asked: u32, seen: &mut std::collections::HashSet<String>) -> Result<(), ApiError> {
        if page.items.len() > asked as usize {
            return Err(ApiError::Garbage(format!("{feed} page has {} items, {asked} were asked for", page.items.len())));
        }
        if page.next_cursor.len() > MAX_CURSOR_LEN {
            return Err(ApiError::Garbage(format!("{feed} cursor is {} bytes long", page.next_cursor.len())));
        }
        if page.has_more && !seen.insert(page.next_cursor.clone()) {
            return Err(ApiError::Garbage(format!("{feed} cursor does not advance ({:?} again)", page.next_cursor)));
        }
        Ok(())
    }

    /// Measures and keeps the offset between the province's clock and ours.
    fn clock_offset<T>(&mut self, a: &Answer<T>) -> Result<(), Stop> {
        if let Some(server) = a.server_time {
            let ours = (self.clock)() - chrono::Duration::from_std(a.sent_at_mid.elapsed()).unwrap_or_default();
            let offset = (server - ours).num_milliseconds();
            settings::set::<ClockOffsetMs>(self.store.conn(), &offset)?;
            self.report.clock_offset_ms = Some(offset);
        }
        Ok(())
    }

    fn reference(&mut self) -> Result<(), Stop> {
        (self.progress)(Progress { phase: Phase::Reference, done: 0 });
        let etag = settings::get::<ReferenceEtag>(self.store.conn())?;
        if let Some(a) = self.api.reference(etag.as_deref())? {
            self.clock_offset(&a)?;
            self.store.write(|tx| {
                settings::set::<Reference>(tx, &a.body)?;
                match &a.etag {
                    Some(e) => settings::set::<ReferenceEtag>(tx, e),
                    None => Ok(()),
                }
            })?;
            self.report.reference_updated = true;
        }
        Ok(())
    }

    fn registrations(&mut self) -> Result<(), Stop> {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES_PER_CYCLE {
            let cursor = feeds::cursor(self.store.conn(), Feed::Registrations)?;
            seen.extend(cursor.clone());
            let a: Answer<Page<Value>> = self.api.feed("/registrations", cursor.as_deref(), FEED_PAGE)?;
            self.clock_offset(&a)?;
            Self::check_page("registrations", &a.body, FEED_PAGE, &mut seen)?;
            // A registration we cannot read stops the feed here (the cursor stays), rather than
            // being dropped silently: the province is told nothing, staff see why sync stopped.
            let regs: Vec<Registration> = a
                .body
                .items
                .iter()
                .map(|v| {
                    let r: Registration = serde_json::from_value(v.clone())
                        .map_err(|e| ApiError::Garbage(format!("registration {}: {e}", v["registration_id"])))?;
                    r.validate().map_err(ApiError::Garbage)?;
                    let unknown = r.unknown_values();
                    if !unknown.is_empty() {
                        tracing::warn!(registration_id = %r.registration_id, "registration kept with values this build does not know: {}", unknown.join(", "));
                    }
                    Ok(r)
                })
                .collect::<Result<_, ApiError>>()?;
            let now = rfc(&(self.clock)());
            let (applied, ignored) = self.store.write(|tx| {
                let mut applied = 0;
                for r in &regs {
                    applied += registrations::apply(tx, r)? as i64;
                }
                // The cursor moves in the same transaction as the page: a crash loses neither.
                feeds::set_cursor(tx, Feed::Registrations, &a.body.next_cursor, &now)?;
                Ok::<_, rusqlite::Error>((applied, regs.len() as i64 - applied))
            })?;
            self.report.registrations_applied += applied;
            self.report.registrations_ignored += ignored;
            self.report.registrations_unknown_values += regs.iter().filter(|r| !r.unknown_values().is_empty()).count() as i64;
            (self.progress)(Progress {
                phase: Phase::Registrations,
                done: self.report.registrations_applied + self.report.registrations_ignored,
            });
            if !a.body.has_more {
                return Ok(());
            }
        }
        Ok(())
    }

    fn review_tasks(&mut self) -> Result<(), Stop> {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES_PER_CYCLE {
            let cursor = feeds::cursor(self.store.conn(), Feed::ReviewTasks)?;
            seen.extend(cursor.clone());
            let a: Answer<Page<Value>> = self.api.feed("/review-tasks", cursor.as_deref(), FEED_PAGE)?;
            self.clock_offset(&a)?;
            Self::check_page("review-tasks", &a.body, FEED_PAGE, &mut seen)?;
            let tasks: Vec<(Task, String)> = a
                .body
                .items
                .iter()
                .map(|v| {
                    let t = serde_json::from_value::<Task>(v.clone()).map_err(|e| ApiError::Garbage(format!("review task: {e}")))?;
                    if !(1..=crate::domain::registration::MAX_VERSION).contains(&t.version) {
                        return Err(ApiError::Garbage(format!("review task {:?} has an absurd version {}", t.task_id, t.version)));
                    }
                    Ok((t, v.to_string()))
                })
                .collect::<Result<_, _>>()?;
            let now = rfc(&(self.clock)());
            let applied = self.store.write(|tx| {
                let mut applied = 0;
                for (t, body) in &tasks {
                    let row = review_tasks::TaskRow {
                        task_id: &t.task_id,
                        version: t.version,
                        kind: &t.kind,
                        status: &t.status,
                        registration_id: &t.registration_id,
                        body,
                        created_at: &t.created_at,
                    };
                    applied += review_tasks::apply(tx, &row)? as i64;
                }
                feeds::set_cursor(tx, Feed::ReviewTasks, &a.body.next_cursor, &now)?;
                Ok::<_, rusqlite::Error>(applied)
            })?;
            self.report.tasks_applied += applied;
            (self.progress)(Progress { phase: Phase::ReviewTasks, done: self.report.tasks_applied });
            if !a.body.has_more {
                return Ok(());
            }
        }
        Ok(())
    }

    /// Keeps one untouched block in hand, so the counter can print numbers through an outage.
    /// Every lease is validated first (design "Trust"); one that fails is refused, audited and
    /// never used, and its request id is dropped so the next lease is a fresh request.
    fn number_blocks(&mut self) -> Result<(), Stop> {
        for _ in 0..MAX_LEASES_PER_CYCLE {
            if blocks::untouched(self.store.conn())? >= 1 {
                return Ok(());
            }
            // The request id is stored before asking, so a crash mid-request re-asks for the same block.
            let request_id = match settings::get::<BlockRequest>(self.store.conn())? {
                Some(r) => r,
                None => {
                    let r = uuid::Uuid::now_v7().to_string();
                    settings::set::<BlockRequest>(self.store.conn(), &r)?;
                    r
                }
            };
            let tip = audit_tip(self.store.conn())?;
            let a: Answer<Value> =
                self.api.post("/number-blocks", &json!({"request_id": request_id, "size": BLOCK_SIZE, "audit_tip": tip}))?;
            self.clock_offset(&a)?;
            let lease: blocks::Lease = serde_json::from_value(a.body.clone())
                .map_err(|e| ApiError::Garbage(format!("number block answer: {e}")))?;
            let now_t = (self.clock)();
            let now = rfc(&now_t);
            let county = self.county.clone();
            let verdict = self.store.write(|tx| {
                if blocks::has_request(tx, &request_id)? {
                    // Our own earlier answer, seen again after a crash: already held.
                    settings::clear::<BlockRequest>(tx)?;
                    return Ok::<_, rusqlite::Error>(Ok(false));
                }
                let held = blocks::held(tx)?;
                let check = crate::domain::number_block::check(
                    &crate::domain::number_block::Offer {
                        block_id: &lease.block_id,
                        prefix: &lease.prefix,
                        first_seq: lease.first_seq,
                        last_seq: lease.last_seq,
                        valid_until: &lease.valid_until,
                    },
                    &county,
                    &held,
                    &now_t,
                );
                settings::clear::<BlockRequest>(tx)?;
                match check {
                    Ok(()) => {
                        blocks::insert(tx, &request_id, &lease, &now)?;
                        audit::record(tx, &now, SYNC_ACTOR, "number_block_leased", &json!({"block_id": lease.block_id, "prefix": lease.prefix, "first_seq": lease.first_seq, "last_seq": lease.last_seq}))?;
                        Ok(Ok(true))
                    }
                    Err(why) => {
                        audit::record(tx, &now, SYNC_ACTOR, "number_block_refused", &json!({"request_id": request_id, "reason": why}))?;
                        Ok(Err(why))
                    }
                }
            })?;
            match verdict {
                Ok(leased) => self.report.blocks_leased += leased as i64,
                Err(why) => {
                    self.report.blocks_refused += 1;
                    tracing::warn!("number block refused: {why}");
                    return Err(ApiError::Garbage(format!("number block refused: {why}")).into());
                }
            }
            (self.progress)(Progress { phase: Phase::NumberBlocks, done: self.report.blocks_leased });
        }
        if blocks::untouched(self.store.conn())? < 1 {
            return Err(ApiError::Garbage(format!("no usable number block after {MAX_LEASES_PER_CYCLE} leases")).into());
        }
        Ok(())
    }

    fn outbox(&mut self) -> Result<(), Stop> {
        for kind in outbox::Kind::ALL {
            loop {
                let items = outbox::pending(self.store.conn(), kind, MAX_BATCH_ITEMS)?;
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
                (self.progress)(Progress { phase: Phase::Outbox, done: self.report.accepted + self.report.parked });
            }
        }
        Ok(())
    }

    /// Sends one batch; on 413 halves it; applies each result.
    fn push(&mut self, kind: outbox::Kind, batch: &[outbox::Item]) -> Result<(), Stop> {
        let (path, id_field) = kind.endpoint();
        let tip = audit_tip(self.store.conn())?;
        let items = batch.iter().map(|i| i.payload.as_str()).collect::<Vec<_>>().join(",");
        let body = format!("{{\"items\":[{items}],\"audit_tip\":{tip}}}");
        let a: Answer<Value> = match self.api.post_raw(path, body) {
            Err(ApiError::TooLarge) if batch.len() > 1 => {
                let (a, b) = batch.split_at(batch.len() / 2);
                self.push(kind, a)?;
                return self.push(kind, b);
            }
            Err(ApiError::TooLarge) => {
                let now = rfc(&(self.clock)());
                let reason = "TOO_LARGE: 单条数据超过省平台上限";
                let result = json!({"status": "rejected", "reason": {"code": "TOO_LARGE"}});
                self.store.write(|tx| park(tx, kind, &batch[0].client_id, &result, reason, &now))?;
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
        let stale = self.store.write(|tx| {
            let mut stale = Vec::new();
            for (r, item) in results.iter().zip(batch) {
                match classify(r).map_err(|status| ApiError::Garbage(format!("result for {} has status {status:?}", item.client_id)))? {
                    Outcome::Accepted => {
                        outbox::mark_done(tx, &item.client_id, r, &now)?;
                        match kind {
                            outbox::Kind::Confirmation => {
                                let number = r["admission_number"].as_str();
                                let sms = r["sms_queued"].as_bool().unwrap_or(false);
                                if let Some(holder) = confirmations::accepted(tx, &item.client_id, number, sms)? {
                                    // The province gave a number another local confirmation holds: keep
                                    // ours, close the item (the province accepted it), and say so.
                                    tracing::warn!(confirmation = %item.client_id, other = %holder, "admission number {number:?} accepted twice");
                                    audit::record(tx, &now, SYNC_ACTOR, "admission_number_conflict", &json!({"confirmation_id": item.client_id, "admission_number": number, "held_by": holder}))?;
                                    self.report.number_conflicts += 1;
                                }
                            }
                            outbox::Kind::Revocation => {
                                // The province withdrew it; the feed brings the registration back as pre_registered.
                                if let Some(confirmation_id) = revocations::answered(tx, &item.client_id, true, None)? {
                                    confirmations::revoked(tx, &confirmation_id)?;
                                }
                            }
                            outbox::Kind::ReviewDecision => review_tasks::decision_answered(tx, &item.client_id, "accepted", None)?,
                            outbox::Kind::PasswordReset => {}
                        }
                        self.report.accepted += 1;
                    }
                    Outcome::Stale if kind == outbox::Kind::Confirmation => stale.push((item.clone(), r.clone())),
                    outcome @ (Outcome::Stale | Outcome::Rejected) => {
                        if matches!(outcome, Outcome::Stale) {
                            self.report.decisions_stale += 1;
                        }
                        let code = r["reason"]["code"].as_str().unwrap_or("UNKNOWN");
                        let reason = format!("{code}: {}", r["reason"]["message"].as_str().unwrap_or(""));
                        park(tx, kind, &item.client_id, r, &reason, &now)?;
                        self.report.parked += 1;
                    }
                }
            }
            Ok::<_, Stop>(stale)
        })?;
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
        let store = self.store;
        store.write(|tx| self.resend_or_park(tx, stale, &now))?;
        // The re-sent items go out in this same cycle.
        self.outbox()
    }

    fn resend_or_park(&mut self, tx: &rusqlite::Connection, stale: Vec<(outbox::Item, Value)>, now: &str) -> Result<(), Stop> {
        for (item, result) in stale {
            let mut c: ConfirmationItem = serde_json::from_str(&item.payload).map_err(|e| Stop::Local(DeskError::storage(e)))?;
            let fresh = registrations::get(tx, &c.registration_id)?;
            match fresh {
                Some(r) if r.status == RegistrationStatus::PreRegistered && r.version > c.registration_version && r.id_number == c.card.id_number => {
                    let new_id = uuid::Uuid::now_v7().to_string();
                    outbox::park(tx, &item.client_id, &result, &format!("STALE_VERSION: 已按新版本重发（{new_id}）"), now)?;
                    confirmations::rekey(tx, &item.client_id, &new_id, r.version)?;
                    c.confirmation_id = new_id.clone();
                    c.registration_version = r.version;
                    outbox::push(tx, outbox::Kind::Confirmation, &new_id, &serde_json::to_value(&c).expect("item serializes"), now)?;
                    audit::record(
                        tx,
                        now,
                        SYNC_ACTOR,
                        "confirmation_resent",
                        &json!({"old": item.client_id, "new": new_id, "version": r.version}),
                    )?;
                    self.report.resent_after_stale += 1;
                }
                _ => {
                    let reason = "STALE_VERSION: 报名信息已变更，不再符合确认条件，请主管处理";
                    park(tx, outbox::Kind::Confirmation, &item.client_id, &result, reason, now)?;
                    self.report.parked += 1;
                }
            }
        }
        Ok(())
    }
}

/// The audit actor for what the sync thread does on its own.
pub const SYNC_ACTOR: &str = "sync";

/// What one item's result says.
enum Outcome {
    Accepted,
    Stale,
    Rejected,
}

/// `Err` carries a status the contract does not know.
fn classify(r: &Value) -> Result<Outcome, String> {
    let status = r["status"].as_str().unwrap_or("");
    match (status, r["reason"]["code"].as_str()) {
        ("accepted", _) | ("duplicate", None) => Ok(Outcome::Accepted),
        ("rejected" | "duplicate", Some("STALE_VERSION")) => Ok(Outcome::Stale),
        ("rejected" | "duplicate", Some(_)) => Ok(Outcome::Rejected),
        _ => Err(status.to_string()),
    }
}

/// Parks an item with its reason for the supervisor (a rejected confirmation says so too),
/// audited in the caller's transaction.
fn park(tx: &rusqlite::Connection, kind: outbox::Kind, client_id: &str, result: &Value, reason: &str, now: &str) -> rusqlite::Result<()> {
    outbox::park(tx, client_id, result, reason, now)?;
    match kind {
        outbox::Kind::Confirmation => confirmations::rejected(tx, client_id, reason)?,
        outbox::Kind::Revocation => {
            revocations::answered(tx, client_id, false, Some(reason))?;
        }
        outbox::Kind::ReviewDecision => {
            // STALE_VERSION: the task changed, the supervisor decides again on the new version (the
            // feed brings it); TASK_CLOSED: another station decided first, ours is superseded.
            let state = match result["reason"]["code"].as_str() {
                Some("STALE_VERSION") => "stale",
                Some("TASK_CLOSED") => "superseded",
                _ => "rejected",
            };
            review_tasks::decision_answered(tx, client_id, state, Some(reason))?;
        }
        outbox::Kind::PasswordReset => {}
    }
    audit::record(tx, now, SYNC_ACTOR, "outbox_parked", &json!({"kind": kind.as_str(), "client_id": client_id, "reason": reason}))?;
    Ok(())
}
