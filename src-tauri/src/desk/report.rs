//! Statistics for one day or a range, built from the same entries as the supervisor's day list
//! (`day_report`), so the numbers always match `zkctl today`.

use std::collections::BTreeMap;

use super::supervisor::entry_of;
use super::{Desk, Now, Session};
use crate::api::{DayEntry, DayStats, EntryStatus, RangeReport};
use crate::domain::registration::{Registration, RegistrationKind};
use crate::domain::{office_day, DeskError, Role};
use crate::store::confirmations::ConfirmationRecord;

/// A range longer than this is refused (a year of days).
const MAX_DAYS: i64 = 366;

fn bump(m: &mut BTreeMap<String, i64>, k: impl Into<String>) {
    *m.entry(k.into()).or_insert(0) += 1;
}

fn add(total: &mut DayStats, d: &DayStats) {
    total.confirmed += d.confirmed;
    total.revoked += d.revoked;
    total.new += d.new;
    total.enrolled += d.enrolled;
    total.flagged += d.flagged;
    total.signed_off += d.signed_off;
    for (from, into) in [
        (&d.by_staff, &mut total.by_staff),
        (&d.by_major, &mut total.by_major),
        (&d.by_level, &mut total.by_level),
        (&d.by_hour, &mut total.by_hour),
        (&d.by_sync, &mut total.by_sync),
    ] {
        for (k, v) in from {
            *into.entry(k.clone()).or_insert(0) += v;
        }
    }
}

/// One day's counts from its entries and registrations.
fn day_stats(date: &str, rows: &[(DayEntry, &ConfirmationRecord, Option<&Registration>)]) -> DayStats {
    let mut s = DayStats { date: Some(date.into()), ..Default::default() };
    for (e, rec, reg) in rows {
        s.flagged += (!e.flags.is_empty()) as i64;
        s.signed_off += e.signed_off_by.is_some() as i64;
        if e.status == EntryStatus::Revoked {
            s.revoked += 1;
            continue;
        }
        s.confirmed += 1;
        match reg.map(|r| &r.kind) {
            Some(RegistrationKind::Enrolled) => s.enrolled += 1,
            _ => s.new += 1,
        }
        bump(&mut s.by_staff, &rec.staff_id);
        if let Some(r) = reg {
            bump(&mut s.by_major, &r.major.code);
            bump(&mut s.by_level, &r.major.level);
        }
        if let Ok(t) = chrono::DateTime::parse_from_rfc3339(&rec.confirmed_at) {
            bump(&mut s.by_hour, t.with_timezone(&office_day::cst()).format("%H").to_string());
        }
        let sync = serde_json::to_value(e.sync).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        bump(&mut s.by_sync, sync);
    }
    s
}

impl Desk {
    /// Statistics from `from` to `to` (YYYY-MM-DD, office days, inclusive), with the list.
    pub fn report_range(&self, session: &Session, from: &str, to: &str, _now: &Now) -> Result<RangeReport, DeskError> {
        self.authorize(session, Role::Supervisor, "report")?;
        let parse = |d: &str| office_day::parse(d).ok_or_else(|| DeskError::invalid("日期格式应为 YYYY-MM-DD", format!("bad date {d:?}")));
        let (first, last) = (parse(from)?, parse(to)?);
        if last < first {
            return Err(DeskError::invalid("结束日期不能早于开始日期", format!("{to} before {from}")));
        }
        if (last - first).num_days() >= MAX_DAYS {
            return Err(DeskError::invalid(format!("统计范围不能超过 {MAX_DAYS} 天"), format!("range {from}..{to} too long")));
        }
        let mut report =
            RangeReport { from: first.to_string(), to: last.to_string(), days: vec![], total: DayStats::default(), entries: vec![] };
        let mut by_day = self.records_by_day(first, last)?;
        let bands = self.face_bands()?;
        for day in first.iter_days().take_while(|d| *d <= last) {
            let records = by_day.remove(&day).unwrap_or_default();
            let rows: Vec<(DayEntry, &ConfirmationRecord, Option<&Registration>)> =
                records.iter().map(|(rec, reg)| (entry_of(rec, reg.as_ref(), &bands), rec, reg.as_ref())).collect();
            let stats = day_stats(&day.to_string(), &rows);
            add(&mut report.total, &stats);
            report.days.push(stats);
            // Oldest first within the day too, as a sheet is read.
            report.entries.extend(rows.into_iter().rev().map(|(e, _, _)| e));
        }
        Ok(report)
    }
}
