//! The supervisor desk: any day's confirmations, 存疑 sign-off, revocation, 日结 against the
//! province. Every function here is supervisor work, authorised here.

use std::collections::HashMap;

use chrono::Days;
use serde_json::json;

use super::{rfc3339, Desk, Now, Session};
use crate::api::{
    CardSourceName, RevocationState, AuditLine, ConfirmationDetail, DayEntry, DayFilter, DayReport, DayTotals, EntryStatus, EntrySync, FlagName, ReconcileReport,
    RevokeResult, StatusDiff,
};
use crate::domain::confirmation::{ConfirmationState, Flag};
use crate::domain::face_match::{self, Bands};
use crate::domain::registration::Registration;
use crate::domain::{office_day, DeskError, ErrorCode, Role};
use crate::idcard::gb11643;
use crate::store::confirmations::{self, ConfirmationRecord};
use crate::store::outbox::{self, Kind};
use crate::store::revocations::{self, NewRevocation};
use crate::store::{audit, registrations, signoffs, station};

/// A reason or note longer than this is refused (it goes into the audit chain and to the province).
const MAX_TEXT: usize = 500;

fn bounded(text: &str, what: &str) -> Result<String, DeskError> {
    let t = text.trim();
    if t.chars().count() > MAX_TEXT {
        return Err(DeskError::invalid(format!("{what}不能超过 {MAX_TEXT} 个字"), format!("{what} longer than {MAX_TEXT} characters")));
    }
    Ok(t.to_string())
}

fn not_found(id: &str) -> DeskError {
    DeskError::new(ErrorCode::NotFound, "未找到该确认记录", format!("no confirmation {id}"))
}

/// Where a confirmation stands: withdrawn (or being withdrawn), and its sync state with the province.
fn status_and_sync(rec: &ConfirmationRecord) -> (EntryStatus, EntrySync) {
    let revoking = matches!(rec.revocation.as_ref().map(|(s, _)| s.as_str()), Some("pending" | "accepted"));
    let status = if rec.state == ConfirmationState::Revoked || revoking { EntryStatus::Revoked } else { EntryStatus::Confirmed };
    let sync = match rec.state {
        ConfirmationState::Pending => EntrySync::Pending,
        ConfirmationState::Accepted | ConfirmationState::Revoked => EntrySync::Accepted,
        ConfirmationState::Rejected => EntrySync::Rejected,
    };
    (status, sync)
}

/// Any flag on a confirmation needs a supervisor's review (design: "存疑 sign-off").
fn flagged(rec: &ConfirmationRecord) -> bool {
    !rec.flags.is_empty()
}

pub(super) fn entry_of(rec: &ConfirmationRecord, reg: Option<&Registration>, bands: &Bands) -> DayEntry {
    let (status, sync) = status_and_sync(rec);
    DayEntry {
        confirmation_id: rec.confirmation_id.clone(),
        registration_id: rec.registration_id.clone(),
        name: reg.map(|r| r.name.clone()).unwrap_or_default(),
        id_number_masked: reg.map(|r| gb11643::mask(&r.id_number)).unwrap_or_default(),
        major: reg.map(|r| format!("{}（{}）", r.major.name, r.major.code)).unwrap_or_default(),
        kind: reg.map(|r| r.kind.label().to_string()).unwrap_or_default(),
        admission_number: rec.admission_number.clone(),
        confirmed_at: rec.confirmed_at.clone(),
        staff_id: rec.staff_id.clone(),
        supervisor_id: rec.supervisor_id.clone(),
        flags: crate::api::flags(&rec.flags),
        flag_labels: rec.flags.iter().map(|f| f.label().to_string()).collect(),
        status,
        sync,
        reject_reason: rec.reject_reason.clone(),
        signed_off_by: rec.signed_off_by.clone(),
        needs_signoff: flagged(rec) && rec.signed_off_by.is_none() && status == EntryStatus::Confirmed,
        revocation: rec.revocation.as_ref().map(|(s, _)| RevocationState::parse(s)),
        revocation_reason: rec.revocation.as_ref().and_then(|(_, r)| r.clone()),
        face_match_score: rec.face_match_score,
        face_match_band: rec.face_match_score.map(|s| bands.band(s).into()),
        face_match_text: rec.face_match_score.map(|s| face_match::describe(s, bands)),
    }
}

fn totals(entries: &[DayEntry]) -> DayTotals {
    let mut t = DayTotals::default();
    for e in entries {
        match e.status {
            EntryStatus::Confirmed => t.confirmed += 1,
            EntryStatus::Revoked => t.revoked += 1,
        }
        t.flagged += (!e.flags.is_empty()) as i64;
        t.signed_off += e.signed_off_by.is_some() as i64;
        match e.sync {
            EntrySync::Pending => t.sync_pending += 1,
            EntrySync::Accepted => t.sync_accepted += 1,
            EntrySync::Rejected => t.sync_rejected += 1,
        }
    }
    t
}

/// Name prefix, id-number digits (anywhere in the number), or a 报名号.
fn matches_search(e: &DayEntry, reg: Option<&Registration>, q: &str) -> bool {
    let q = q.trim();
    q.is_empty()
        || e.name.starts_with(q)
        || e.registration_id.eq_ignore_ascii_case(q)
        || (q.len() >= 4 && reg.is_some_and(|r| r.id_number.contains(&q.to_ascii_uppercase())))
}

fn keep(e: &DayEntry, reg: Option<&Registration>, f: &DayFilter) -> bool {
    f.staff_id.as_deref().is_none_or(|s| e.staff_id == s)
        && f.flag.is_none_or(|fl| e.flags.contains(&fl))
        && f.status.is_none_or(|s| e.status == s)
        && f.sync.is_none_or(|s| e.sync == s)
        && f.search.as_deref().is_none_or(|q| matches_search(e, reg, q))
}

impl Desk {
    /// The confirmations of one office day (+08:00) with their registrations, newest first.
    pub(super) fn day_records(&self, day: chrono::NaiveDate) -> Result<Vec<(ConfirmationRecord, Option<Registration>)>, DeskError> {
        Ok(self.records_by_day(day, day)?.remove(&day).unwrap_or_default())
    }

    /// The confirmations of the office days `first..=last`, grouped by day, each day newest
    /// first. One scan for the whole range: a range report must not read the table per day.
    pub(super) fn records_by_day(
        &self,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Result<std::collections::BTreeMap<chrono::NaiveDate, Vec<(ConfirmationRecord, Option<Registration>)>>, DeskError> {
        let c = self.store.conn();
        // Stored times carry the clock's own offset: ask a day more on each side, then keep the office day.
        let (from, to) = (first - Days::new(1), last + Days::new(1));
        let mut out = std::collections::BTreeMap::<_, Vec<_>>::new();
        for rec in confirmations::between_days(c, &from.to_string(), &to.to_string())? {
            match office_day::of_text(&rec.confirmed_at) {
                Some(day) if (first..=last).contains(&day) => {
                    let reg = registrations::get(c, &rec.registration_id)?;
                    out.entry(day).or_default().push((rec, reg));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn day_of(filter_date: Option<&str>, now: &Now) -> Result<chrono::NaiveDate, DeskError> {
        match filter_date {
            None => Ok(office_day::of(now)),
            Some(d) => office_day::parse(d).ok_or_else(|| DeskError::invalid("日期格式应为 YYYY-MM-DD", format!("bad date {d:?}"))),
        }
    }

    /// 今日确认 for any day: the filtered list and the whole day's totals.
    pub fn day_report(&self, session: &Session, filter: &DayFilter, now: &Now) -> Result<DayReport, DeskError> {
        self.authorize(session, Role::Supervisor, "day report")?;
        let day = Self::day_of(filter.date.as_deref(), now)?;
        let rows = self.day_records(day)?;
        let bands = self.face_bands()?;
        let all: Vec<DayEntry> = rows.iter().map(|(rec, reg)| entry_of(rec, reg.as_ref(), &bands)).collect();
        let items = all.iter().zip(&rows).filter(|(e, (_, reg))| keep(e, reg.as_ref(), filter)).map(|(e, _)| e.clone()).collect();
        Ok(DayReport { date: day.to_string(), items, totals: totals(&all) })
    }

    /// One confirmation with its audit trail (oldest first) and photo.
    pub fn confirmation_detail(&self, session: &Session, confirmation_id: &str) -> Result<ConfirmationDetail, DeskError> {
        self.authorize(session, Role::Supervisor, "show confirmation")?;
        let c = self.store.conn();
        let (rec, jpeg) = confirmations::get_with_photo(c, confirmation_id)?.ok_or_else(|| not_found(confirmation_id))?;
        let reg = registrations::get(c, &rec.registration_id)?;
        let audit = audit::about_confirmation(c, confirmation_id)?
            .into_iter()
            .map(|e| AuditLine { seq: e.seq, at: e.at, actor: e.actor, action: e.kind })
            .collect();
        use base64::Engine;
        let manual = rec.flags.contains(&Flag::ManualEntry);
        Ok(ConfirmationDetail {
            entry: entry_of(&rec, reg.as_ref(), &self.face_bands()?),
            audit,
            card_source: if manual { CardSourceName::Manual } else { CardSourceName::Chip },
            photo_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(jpeg),
        })
    }

    /// The supervisor signs off a flagged (存疑) confirmation, optionally with a note.
    pub fn signoff(&self, session: &Session, confirmation_id: &str, note: Option<&str>, now: &Now) -> Result<(), DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "sign off")?;
        let note = note.map(|n| bounded(n, "备注")).transpose()?.filter(|n| !n.is_empty());
        let rec = confirmations::get(self.store.conn(), confirmation_id)?.ok_or_else(|| not_found(confirmation_id))?;
        if !flagged(&rec) {
            return Err(DeskError::invalid("该确认没有需要复核的标记", format!("{confirmation_id} carries no flag")));
        }
        let at = rfc3339(now);
        let detail = json!({"confirmation_id": confirmation_id, "note": note});
        self.store.write(|tx| {
            if !signoffs::insert(tx, confirmation_id, &sup.staff_id, note.as_deref(), &at)? {
                return Err(DeskError::new(ErrorCode::Conflict, "该确认已复核签字", format!("{confirmation_id} already signed off")));
            }
            audit::record(tx, &at, &sup.staff_id, "signed_off", &detail)?;
            Ok(())
        })
    }

    /// Withdraws a confirmation with a reason; the revocation goes to the province through the outbox.
    pub fn revoke(
        &self,
        session: &Session,
        confirmation_id: &str,
        reason: &str,
        revocation_id: &str,
        now: &Now,
    ) -> Result<RevokeResult, DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "revoke")?;
        let reason = bounded(reason, "撤销原因")?;
        if reason.is_empty() {
            return Err(DeskError::invalid("请填写撤销原因", "empty revocation reason"));
        }
        let rec = confirmations::get(self.store.conn(), confirmation_id)?.ok_or_else(|| not_found(confirmation_id))?;
        if matches!(rec.state, ConfirmationState::Rejected | ConfirmationState::Revoked) {
            return Err(DeskError::invalid("该确认已被省平台退回或已撤销，无需撤销", format!("{confirmation_id} is {:?}", rec.state)));
        }
        let at = rfc3339(now);
        let item = json!({
            "revocation_id": revocation_id, "confirmation_id": confirmation_id, "supervisor_id": sup.staff_id,
            "reason": reason, "revoked_at": at,
        });
        let detail = json!({"confirmation_id": confirmation_id, "revocation_id": revocation_id, "reason": reason});
        self.store.write(|tx| {
            if revocations::live_for(tx, confirmation_id)?.is_some() {
                return Err(DeskError::new(ErrorCode::Conflict, "该确认已在撤销中", format!("{confirmation_id} has a live revocation")));
            }
            let new = NewRevocation { revocation_id, confirmation_id, supervisor_id: &sup.staff_id, reason: &reason, revoked_at: &at };
            revocations::insert(tx, &new)?;
            outbox::push(tx, Kind::Revocation, revocation_id, &item, &at)?;
            audit::record(tx, &at, &sup.staff_id, "revoked", &detail)?;
            Ok(())
        })?;
        Ok(RevokeResult { revocation_id: revocation_id.into(), confirmation_id: confirmation_id.into() })
    }

    /// 日结: the day's local confirmations against what the province holds for this station.
    pub fn reconcile(&self, session: &Session, date: &str, now: &Now) -> Result<ReconcileReport, DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "reconcile")?;
        let day = Self::day_of(Some(date), now)?;
        station::get(self.store.conn())?.ok_or_else(|| DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记", "not enrolled"))?;
        let local = self.day_records(day)?;
        let province = crate::sync::province_day(&self.store, &day.to_string())?;
        let theirs: HashMap<&str, &str> = province.iter().map(|p| (p.confirmation_id.as_str(), p.status.as_str())).collect();
        let mut report = ReconcileReport {
            date: day.to_string(),
            local: local.len() as i64,
            province: province.len() as i64,
            matched: 0,
            missing_at_province: vec![],
            unknown_locally: vec![],
            status_differs: vec![],
            balanced: false,
            unsigned: vec![],
        };
        let bands = self.face_bands()?;
        for (rec, reg) in &local {
            let e = entry_of(rec, reg.as_ref(), &bands);
            if e.needs_signoff {
                report.unsigned.push(rec.confirmation_id.clone());
            }
            let ours = match rec.state {
                ConfirmationState::Pending => "pending",
                ConfirmationState::Accepted => "accepted",
                ConfirmationState::Rejected => "rejected",
                ConfirmationState::Revoked => "revoked",
            };
            match theirs.get(rec.confirmation_id.as_str()) {
                None => report.missing_at_province.push(rec.confirmation_id.clone()),
                Some(t) if *t == ours => report.matched += 1,
                Some(t) => report.status_differs.push(StatusDiff {
                    confirmation_id: rec.confirmation_id.clone(),
                    local: ours.into(),
                    province: t.to_string(),
                }),
            }
        }
        let ours: std::collections::HashSet<&str> = local.iter().map(|(r, _)| r.confirmation_id.as_str()).collect();
        report.unknown_locally = province.iter().filter(|p| !ours.contains(p.confirmation_id.as_str())).map(|p| p.confirmation_id.clone()).collect();
        report.balanced = report.missing_at_province.is_empty() && report.unknown_locally.is_empty() && report.status_differs.is_empty();
        let detail = json!({"date": report.date, "balanced": report.balanced, "local": report.local, "province": report.province});
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &sup.staff_id, "reconciled", &detail))?;
        Ok(report)
    }
}

impl FlagName {
    /// The core flag this transport name stands for.
    pub fn core(self) -> Flag {
        Flag::ALL.into_iter().find(|f| FlagName::from(*f) == self).expect("every transport flag names a core flag")
    }
}
