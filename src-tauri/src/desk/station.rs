//! Station enrollment and sync, as staff and `zkctl` ask for them.

use serde_json::json;

use super::{rfc3339, Actor, Desk, Now};
use crate::api::StationInfo;
use crate::domain::DeskError;
use crate::store::settings::{self, SyncRetryAt};
use crate::store::{audit, outbox, station};
use crate::sync::{self, CycleOptions, Progress, SyncReport};

impl Desk {
    /// Enrolls the workstation: supervisor work (or `zkctl` before any supervisor exists), since
    /// re-pointing a station sends its pending items to another server.
    pub fn enroll_station(
        &self,
        actor: &Actor,
        server_url: &str,
        code: &str,
        device_name: &str,
        now: &Now,
    ) -> Result<StationInfo, DeskError> {
        self.authorize_admin(actor, "enroll station")?;
        let row = sync::enroll(&self.store, actor.audit_name(), server_url, code, device_name, now)?;
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
    pub fn sync_now(&self, clock: &dyn Fn() -> Now, force: bool, progress: &mut dyn FnMut(Progress)) -> Result<SyncReport, DeskError> {
        let report = sync::run_cycle(&self.store, clock, &CycleOptions { force }, progress)?;
        if report.parked > 0 || report.error.is_some() {
            let detail = json!({"accepted": report.accepted, "parked": report.parked, "error": report.error_detail});
            self.store.write(|tx| audit::record(tx, &rfc3339(&clock()), sync::SYNC_ACTOR, "sync_cycle", &detail))?;
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
            parked: self.parked_items()?.into_iter().map(Into::into).collect(),
            retry_at: settings::get::<SyncRetryAt>(self.store.conn())?.map(|t| rfc3339(&t)),
        })
    }
}
