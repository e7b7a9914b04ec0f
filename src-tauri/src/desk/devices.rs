//! The device choice (card reader, camera): read by anyone, changed by supervisors.

use serde_json::json;

use super::{rfc3339, Desk, Now, Session};
use crate::domain::{DeskError, Role};
use crate::store::audit;
use crate::store::settings::{self, Camera, Reader};

/// The devices used when nothing is stored or given on the command line.
pub const DEFAULT_READER: &str = "pcsc";
pub const DEFAULT_CAMERA: &str = "webcam:0";

/// Reader and camera specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceChoice {
    pub reader: String,
    pub camera: String,
}

impl Desk {
    /// The stored choice; `reader`/`camera` (command-line arguments) win over it.
    pub fn device_choice(&self, reader: Option<String>, camera: Option<String>) -> Result<DeviceChoice, DeskError> {
        let c = self.store.conn();
        Ok(DeviceChoice {
            reader: reader.or(settings::get::<Reader>(c)?).unwrap_or_else(|| DEFAULT_READER.into()),
            camera: camera.or(settings::get::<Camera>(c)?).unwrap_or_else(|| DEFAULT_CAMERA.into()),
        })
    }

    /// Stores a new choice (supervisors only) after checking both specs parse.
    pub fn set_device_choice(&self, session: &Session, choice: &DeviceChoice, now: &Now) -> Result<(), DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "set devices")?;
        crate::idcard::reader::ReaderSpec::parse(&choice.reader).map_err(|e| DeskError::invalid("读卡器设置无效", e))?;
        crate::camera::CameraSpec::parse(&choice.camera).map_err(|e| DeskError::invalid("摄像头设置无效", e))?;
        let detail = json!({"reader": choice.reader, "camera": choice.camera});
        self.store.write(|tx| {
            settings::set::<Reader>(tx, &choice.reader)?;
            settings::set::<Camera>(tx, &choice.camera)?;
            audit::record(tx, &rfc3339(now), &sup.staff_id, "devices_set", &detail)
        })?;
        Ok(())
    }
}
