//! The settings supervisors may change (`zkctl settings show|set`, the 设置 page), each checked
//! before it is stored. Sync state and the audit tip are settings too, but never editable.

use serde_json::json;

use super::{rfc3339, Desk, Now, Session};
use crate::api::SettingInfo;
use crate::domain::{DeskError, Role};
use crate::store::audit;
use crate::store::settings::{
    self, Camera, DocumentsDir, FacePassBand, FaceReviewBand, IdleLockMinutes, Printer, Reader, ReceiptOfficeName, Setting, SyncIntervalSecs,
};

/// Every setting a supervisor may change, in the order the 设置 page shows them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Editable {
    Reader,
    Camera,
    SyncInterval,
    IdleLock,
    OfficeName,
    Printer,
    DocumentsDir,
    FacePass,
    FaceReview,
}

const EDITABLE: [Editable; 9] = [
    Editable::Reader,
    Editable::Camera,
    Editable::SyncInterval,
    Editable::IdleLock,
    Editable::OfficeName,
    Editable::Printer,
    Editable::DocumentsDir,
    Editable::FacePass,
    Editable::FaceReview,
];

/// A value that passed its setting's checks, carrying which setting it is for, so storing it
/// cannot pick the wrong key.
enum Checked {
    Reader(String),
    Camera(String),
    SyncInterval(u32),
    IdleLock(u32),
    OfficeName(String),
    Printer(String),
    DocumentsDir(String),
    FacePass(f64),
    FaceReview(f64),
}

impl Editable {
    fn name(self) -> &'static str {
        match self {
            Self::Reader => Reader::NAME,
            Self::Camera => Camera::NAME,
            Self::SyncInterval => SyncIntervalSecs::NAME,
            Self::IdleLock => IdleLockMinutes::NAME,
            Self::OfficeName => ReceiptOfficeName::NAME,
            Self::Printer => Printer::NAME,
            Self::DocumentsDir => DocumentsDir::NAME,
            Self::FacePass => FacePassBand::NAME,
            Self::FaceReview => FaceReviewBand::NAME,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Reader => "读卡器",
            Self::Camera => "摄像头",
            Self::SyncInterval => "自动同步间隔（秒）",
            Self::IdleLock => "无操作自动锁屏（分钟）",
            Self::OfficeName => "回执上的办公室名称",
            Self::Printer => "回执打印机",
            Self::DocumentsDir => "文件保存位置（每天一个文件夹）",
            Self::FacePass => "人证比对通过线（0–1，默认 0.45）",
            Self::FaceReview => "人证比对复核线（0–1，默认 0.30；低于此线须主管授权）",
        }
    }

    fn find(key: &str) -> Option<Self> {
        EDITABLE.into_iter().find(|e| e.name() == key)
    }
}

fn number_in(value: &str, range: std::ops::RangeInclusive<u32>, label: &str) -> Result<u32, DeskError> {
    value.trim().parse::<u32>().ok().filter(|v| range.contains(v)).ok_or_else(|| {
        DeskError::invalid(
            format!("{label}须为 {} 到 {} 之间的整数", range.start(), range.end()),
            format!("{label}: {value:?} out of range"),
        )
    })
}

fn text(value: &str, label: &str) -> Result<String, DeskError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > 100 {
        return Err(DeskError::invalid(format!("{label}须为 1 到 100 个字"), format!("{label}: empty or too long")));
    }
    Ok(v.to_string())
}

fn band(value: &str, label: &str, name: &str) -> Result<f64, DeskError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| (0.0..=1.0).contains(v))
        .ok_or_else(|| DeskError::invalid(format!("{label}须为 0 到 1 之间的数"), format!("{name}: {value:?} out of range")))
}

impl Desk {
    pub fn settings_show(&self, session: &Session) -> Result<Vec<SettingInfo>, DeskError> {
        self.authorize(session, Role::Supervisor, "settings show")?;
        let c = self.store.conn();
        let choice = self.device_choice(None, None)?;
        let bands = self.face_bands()?;
        let value = |e: Editable| -> Result<String, DeskError> {
            Ok(match e {
                Editable::Reader => choice.reader.clone(),
                Editable::Camera => choice.camera.clone(),
                Editable::SyncInterval => settings::get::<SyncIntervalSecs>(c)?.unwrap_or(DEFAULT_SYNC_INTERVAL_SECS).to_string(),
                Editable::IdleLock => settings::get::<IdleLockMinutes>(c)?.unwrap_or(DEFAULT_IDLE_LOCK_MINUTES).to_string(),
                Editable::OfficeName => settings::get::<ReceiptOfficeName>(c)?.unwrap_or_default(),
                Editable::Printer => settings::get::<Printer>(c)?.unwrap_or_default(),
                Editable::DocumentsDir => settings::get::<DocumentsDir>(c)?.unwrap_or_default(),
                Editable::FacePass => bands.pass.to_string(),
                Editable::FaceReview => bands.review.to_string(),
            })
        };
        EDITABLE
            .into_iter()
            .map(|e| Ok(SettingInfo { key: e.name().to_string(), value: value(e)?, label: e.label().to_string() }))
            .collect()
    }

    /// Checks and stores one setting, audited with the supervisor who changed it.
    pub fn settings_set(&self, session: &Session, key: &str, value: &str, now: &Now) -> Result<(), DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "settings set")?;
        let Some(setting) = Editable::find(key) else {
            let known: Vec<&str> = EDITABLE.iter().map(|e| e.name()).collect();
            return Err(DeskError::invalid(format!("没有名为 {key} 的设置"), format!("unknown setting {key:?}; one of {known:?}")));
        };
        // Checked before the transaction: a bad value writes nothing.
        let checked = self.check_setting(setting, value)?;
        let detail = json!({"key": setting.name(), "value": value});
        let at = rfc3339(now);
        self.store.write(|tx| {
            match checked {
                Checked::Reader(v) => settings::set::<Reader>(tx, &v)?,
                Checked::Camera(v) => settings::set::<Camera>(tx, &v)?,
                Checked::SyncInterval(v) => settings::set::<SyncIntervalSecs>(tx, &v)?,
                Checked::IdleLock(v) => settings::set::<IdleLockMinutes>(tx, &v)?,
                Checked::OfficeName(v) => settings::set::<ReceiptOfficeName>(tx, &v)?,
                Checked::Printer(v) => settings::set::<Printer>(tx, &v)?,
                Checked::DocumentsDir(v) => settings::set::<DocumentsDir>(tx, &v)?,
                Checked::FacePass(v) => settings::set::<FacePassBand>(tx, &v)?,
                Checked::FaceReview(v) => settings::set::<FaceReviewBand>(tx, &v)?,
            }
            audit::record(tx, &at, &sup.staff_id, "setting_changed", &detail)?;
            Ok(())
        })
    }

    fn check_setting(&self, setting: Editable, value: &str) -> Result<Checked, DeskError> {
        let label = setting.label();
        Ok(match setting {
            Editable::Reader => {
                crate::idcard::reader::ReaderSpec::parse(value).map_err(|e| DeskError::invalid("读卡器设置无效", e))?;
                Checked::Reader(value.trim().into())
            }
            Editable::Camera => {
                crate::camera::CameraSpec::parse(value).map_err(|e| DeskError::invalid("摄像头设置无效", e))?;
                Checked::Camera(value.trim().into())
            }
            Editable::SyncInterval => Checked::SyncInterval(number_in(value, 10..=3600, label)?),
            Editable::IdleLock => Checked::IdleLock(number_in(value, 1..=120, label)?),
            Editable::OfficeName => Checked::OfficeName(text(value, label)?),
            Editable::Printer => Checked::Printer(text(value, label)?),
            Editable::DocumentsDir => {
                if !std::path::Path::new(value.trim()).is_absolute() {
                    return Err(DeskError::invalid("保存位置须为完整路径（以 / 开头）", format!("documents_dir {value:?} is not absolute")));
                }
                Checked::DocumentsDir(value.trim().into())
            }
            Editable::FacePass | Editable::FaceReview => {
                let v = band(value, label, setting.name())?;
                // The bands must stay ordered, whichever of the two is being changed.
                let now = self.face_bands()?;
                let (pass, review) = if setting == Editable::FacePass { (v, now.review) } else { (now.pass, v) };
                if review > pass {
                    return Err(DeskError::invalid("复核线不能高于通过线", format!("review band {review} above pass band {pass}")));
                }
                if setting == Editable::FacePass {
                    Checked::FacePass(v)
                } else {
                    Checked::FaceReview(v)
                }
            }
        })
    }
}

impl Desk {
    /// What every screen needs to know, for anyone logged in.
    pub fn ui_settings(&self, session: &Session) -> Result<crate::api::UiSettings, DeskError> {
        self.authorize(session, Role::Counter, "ui settings")?;
        let c = self.store.conn();
        Ok(crate::api::UiSettings {
            idle_lock_minutes: settings::get::<IdleLockMinutes>(c)?.unwrap_or(DEFAULT_IDLE_LOCK_MINUTES),
            sync_interval_secs: self.sync_interval_secs()?,
        })
    }

    /// Seconds between automatic sync cycles (the scheduler reads it before each wait).
    pub fn sync_interval_secs(&self) -> Result<u32, DeskError> {
        Ok(settings::get::<SyncIntervalSecs>(self.store.conn())?.unwrap_or(DEFAULT_SYNC_INTERVAL_SECS))
    }
}

pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
pub const DEFAULT_SYNC_INTERVAL_SECS: u32 = 30;
