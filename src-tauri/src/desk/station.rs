//! Station enrollment and sync, as staff and `zkctl` ask for them.

use serde_json::json;

use super::{rfc3339, Desk, Now};
use crate::api::StationInfo;
use crate::domain::DeskError;
use crate::store::{outbox, settings, station};
use crate::sync::{self, CycleOptions, Progress, SyncReport};

impl Desk {
    /// Enrolls the workstation (supervisor work in the app; `zkctl station enroll` on the machine).
    pub fn enroll_station(&mut self, server_url: &str, code: &str, device_name: &str, now: &Now) -> Result<StationInfo, DeskError> {
        let row = sync::enroll(self.store.conn_mut(), server_url, code, device_name, now)?;
        tracing::info!(station = %row.station_id, "station enrolled");
        self.station_info()?.ok_or_else(|| DeskError::storage(format!("station {} vanished after enrollment", row.station_id)))
    }

    pub fn station_info(&self) -> Result<Option<StationInfo>, DeskError> {
        let c = self.store.conn();
        Ok(station::get(c)?.map(|s| StationInfo {
            station_id: s.station_id,
            server_url: s.server_url,
            office_name: s.office_name,
            region_code: s.region_code,
            region_name: s.region_name,
            county_code: s.county_code,
            county_name: s.county_name,
            device_name: s.device_name,
            enrolled_at: s.enrolled_at,
            token_revoked: s.token_revoked,
        }))
    }

    /// One sync cycle; `clock` is read at each step (offsets are measured against it).
    pub fn sync_now(&mut self, clock: &dyn Fn() -> Now, force: bool, progress: &mut dyn FnMut(Progress)) -> Result<SyncReport, DeskError> {
        let report = sync::run_cycle(self.store.conn_mut(), clock, &CycleOptions { force }, progress)?;
        if report.parked > 0 || report.error.is_some() {
            crate::store::audit::record(
                self.store.conn(),
                &rfc3339(&clock()),
                "sync",
                "sync_cycle",
                &json!({"accepted": report.accepted, "parked": report.parked, "error": report.error_detail}),
            )?;
        }
        Ok(report)
    }

    pub fn parked_items(&self) -> Result<Vec<outbox::ParkedItem>, DeskError> {
        Ok(outbox::parked(self.store.conn())?)
    }

    pub fn sync_page(&self) -> Result<crate::api::SyncPage, DeskError> {
        Ok(crate::api::SyncPage {
            station: self.station_info()?,
            status: self.status()?,
            parked: self.parked_items()?,
            retry_at: settings::get(self.store.conn(), "sync_retry_at")?,
        })
    }
}
