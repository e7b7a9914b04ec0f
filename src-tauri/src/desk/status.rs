//! Counts and states for `zkctl status`, the status bar, and the audit check.

use super::{rfc3339, Desk};
use crate::api::{AuditProvinceReport, AuditReport, Health, Indicator, StatusBar, StatusReport};
use crate::domain::DeskError;
use crate::store::settings::{self, ClockOffsetMs, LastError, LastSync};
use crate::store::{audit, outbox, registrations, staff, station};

impl Desk {
    pub fn status(&self) -> Result<StatusReport, DeskError> {
        let c = self.store.conn();
        let clock_offset_ms = settings::get::<ClockOffsetMs>(c)?;
        let (outbox_pending, outbox_parked) = outbox::counts(c)?;
        Ok(StatusReport {
            station_id: station::get(c)?.map(|s| s.station_id),
            registrations: registrations::count(c)?,
            outbox_pending,
            outbox_parked,
            last_sync: settings::get::<LastSync>(c)?.map(|t| rfc3339(&t)),
            clock_offset_ms,
            clock_warning: clock_offset_ms.is_some_and(|o| o.abs() > crate::sync::CLOCK_WARN_MS),
            last_error: settings::get::<LastError>(c)?,
            schema_version: self.store.schema_version()?,
            staff: staff::count_enabled(c)?,
        })
    }

    /// What the status bar shows. Devices and sync report here as they come to exist.
    pub fn status_bar(&self) -> Result<StatusBar, DeskError> {
        let s = self.status()?;
        let revoked = self.station_info()?.is_some_and(|i| i.token_revoked);
        let network = match (&s.station_id, &s.last_error) {
            (None, _) => Indicator { health: Health::Off, label: "未登记工作站".into() },
            _ if revoked => Indicator { health: Health::Down, label: "需重新登记工作站".into() },
            (Some(_), Some(_)) => Indicator { health: Health::Down, label: "省平台连接中断".into() },
            (Some(_), None) if s.clock_warning => Indicator { health: Health::Warn, label: "本机时钟偏差过大".into() },
            (Some(_), None) => Indicator {
                health: Health::Ok,
                label: format!("已同步 {}", s.last_sync.as_deref().and_then(|t| t.get(11..16)).unwrap_or("—")),
            },
        };
        let queue = match (s.outbox_pending, s.outbox_parked) {
            (0, 0) => Indicator { health: Health::Ok, label: "待上传 0".into() },
            (p, 0) => Indicator { health: Health::Warn, label: format!("待上传 {p}") },
            (p, k) => Indicator { health: Health::Down, label: format!("待上传 {p}，被退回 {k}") },
        };
        Ok(StatusBar {
            reader: Indicator { health: Health::Off, label: "读卡器：未启动".into() },
            camera: Indicator { health: Health::Off, label: "摄像头：未启动".into() },
            network,
            queue,
        })
    }

    pub fn audit_verify(&self) -> Result<AuditReport, DeskError> {
        let r = audit::verify(self.store.conn())?;
        let broken_seq = r.broken.as_ref().map(|b| match b {
            audit::ChainBreak::Edited { seq } | audit::ChainBreak::Unlinked { seq, .. } => *seq,
            audit::ChainBreak::Truncated { last_seq } => *last_seq + 1,
        });
        Ok(AuditReport { ok: r.broken.is_none(), rows: r.rows, broken: r.broken.map(|b| b.describe()), broken_seq })
    }

    /// The local check, then the province's copy of our tip: a chain rewritten wholesale (hashes
    /// recomputed, so it verifies locally) no longer holds the row the province was sent.
    pub fn audit_verify_province(&self) -> Result<AuditProvinceReport, DeskError> {
        let local = self.audit_verify()?;
        let (seq, hash) = crate::sync::province_audit_tip(&self.store)?;
        let broken = if seq == 0 {
            None
        } else {
            match audit::hash_at(self.store.conn(), seq)? {
                None => Some(format!("the province holds audit row {seq}, which the local chain no longer has (cut or rewritten)")),
                Some(h) if !h.eq_ignore_ascii_case(&hash) => {
                    Some(format!("audit row {seq} differs from the one the province received: the local chain was rewritten"))
                }
                Some(_) => None,
            }
        };
        Ok(AuditProvinceReport {
            local,
            province_seq: seq,
            province_hash: (seq > 0).then_some(hash),
            province_ok: broken.is_none(),
            province_broken: broken,
        })
    }
}
