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

/// (name, Chinese label) of every editable setting.
const EDITABLE: &[(&str, &str)] = &[
    (Reader::NAME, "读卡器"),
    (Camera::NAME, "摄像头"),
    (SyncIntervalSecs::NAME, "自动同步间隔（秒）"),
    (IdleLockMinutes::NAME, "无操作自动锁屏（分钟）"),
    (ReceiptOfficeName::NAME, "回执上的办公室名称"),
    (Printer::NAME, "回执打印机"),
    (DocumentsDir::NAME, "文件保存位置（每天一个文件夹）"),
    (FacePassBand::NAME, "人证比对通过线（0–1，默认 0.45）"),
    (FaceReviewBand::NAME, "人证比对复核线（0–1，默认 0.30；低于此线须主管授权）"),
];

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

impl Desk {
    pub fn settings_show(&self, session: &Session) -> Result<Vec<SettingInfo>, DeskError> {
        self.authorize(session, Role::Supervisor, "settings show")?;
        let c = self.store.conn();
        let choice = self.device_choice(None, None)?;
        let value = |name: &str| -> Result<String, DeskError> {
            Ok(match name {
                n if n == Reader::NAME => choice.reader.clone(),
                n if n == Camera::NAME => choice.camera.clone(),
                n if n == SyncIntervalSecs::NAME => settings::get::<SyncIntervalSecs>(c)?.unwrap_or(DEFAULT_SYNC_INTERVAL_SECS).to_string(),
                n if n == IdleLockMinutes::NAME => settings::get::<IdleLockMinutes>(c)?.unwrap_or(DEFAULT_IDLE_LOCK_MINUTES).to_string(),
                n if n == ReceiptOfficeName::NAME => settings::get::<ReceiptOfficeName>(c)?.unwrap_or_default(),
                n if n == DocumentsDir::NAME => settings::get::<DocumentsDir>(c)?.unwrap_or_default(),
                n if n == FacePassBand::NAME => settings::get::<FacePassBand>(c)?.unwrap_or(0.45).to_string(),
                n if n == FaceReviewBand::NAME => settings::get::<FaceReviewBand>(c)?.unwrap_or(0.30).to_string(),
                _ => settings::get::<Printer>(c)?.unwrap_or_default(),
            })
        };
        EDITABLE
            .iter()
            .map(|(name, label)| Ok(SettingInfo { key: name.to_string(), value: value(name)?, label: label.to_string() }))
            .collect()
    }

    /// Checks and stores one setting, audited with the supervisor who changed it.
    pub fn settings_set(&self, session: &Session, key: &str, value: &str, now: &Now) -> Result<(), DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "settings set")?;
        let Some((name, label)) = EDITABLE.iter().find(|(n, _)| *n == key) else {
            let known: Vec<&str> = EDITABLE.iter().map(|(n, _)| *n).collect();
            return Err(DeskError::invalid(format!("没有名为 {key} 的设置"), format!("unknown setting {key:?}; one of {known:?}")));
        };
        let detail = json!({"key": name, "value": value});
        let at = rfc3339(now);
        // Parse before the transaction: a bad value writes nothing.
        enum Value {
            Text(String),
            Number(u32),
            Band(f64),
        }
        let parsed = match *name {
            n if n == Reader::NAME => {
                crate::idcard::reader::ReaderSpec::parse(value).map_err(|e| DeskError::invalid("读卡器设置无效", e))?;
                Value::Text(value.trim().into())
            }
            n if n == Camera::NAME => {
                crate::camera::CameraSpec::parse(value).map_err(|e| DeskError::invalid("摄像头设置无效", e))?;
                Value::Text(value.trim().into())
            }
            n if n == SyncIntervalSecs::NAME => Value::Number(number_in(value, 10..=3600, label)?),
            n if n == IdleLockMinutes::NAME => Value::Number(number_in(value, 1..=120, label)?),
            n if n == FacePassBand::NAME || n == FaceReviewBand::NAME => {
                let v = value.trim().parse::<f64>().ok().filter(|v| (0.0..=1.0).contains(v)).ok_or_else(|| {
                    DeskError::invalid(format!("{label}须为 0 到 1 之间的数"), format!("{name}: {value:?} out of range"))
                })?;
                let c = self.store.conn();
                let (pass, review) = if n == FacePassBand::NAME {
                    (v, settings::get::<FaceReviewBand>(c)?.unwrap_or(0.30))
                } else {
                    (settings::get::<FacePassBand>(c)?.unwrap_or(0.45), v)
                };
                if review > pass {
                    return Err(DeskError::invalid("复核线不能高于通过线", format!("review band {review} above pass band {pass}")));
                }
                Value::Band(v)
            }
            n if n == DocumentsDir::NAME => {
                if !std::path::Path::new(value.trim()).is_absolute() {
                    return Err(DeskError::invalid("保存位置须为完整路径（以 / 开头）", format!("documents_dir {value:?} is not absolute")));
                }
                Value::Text(value.trim().into())
            }
            _ => Value::Text(text(value, label)?),
        };
        self.store.write(|tx| {
            match (*name, parsed) {
                (n, Value::Text(v)) if n == Reader::NAME => settings::set::<Reader>(tx, &v)?,
                (n, Value::Text(v)) if n == Camera::NAME => settings::set::<Camera>(tx, &v)?,
                (n, Value::Number(v)) if n == SyncIntervalSecs::NAME => settings::set::<SyncIntervalSecs>(tx, &v)?,
                (n, Value::Number(v)) if n == IdleLockMinutes::NAME => settings::set::<IdleLockMinutes>(tx, &v)?,
                (n, Value::Text(v)) if n == ReceiptOfficeName::NAME => settings::set::<ReceiptOfficeName>(tx, &v)?,
                (n, Value::Text(v)) if n == DocumentsDir::NAME => settings::set::<DocumentsDir>(tx, &v)?,
                (_, Value::Text(v)) => settings::set::<Printer>(tx, &v)?,
                (n, Value::Band(v)) if n == FacePassBand::NAME => settings::set::<FacePassBand>(tx, &v)?,
                (_, Value::Band(v)) => settings::set::<FaceReviewBand>(tx, &v)?,
                (_, Value::Number(_)) => unreachable!("numbers are parsed only for numeric settings"),
            }
            audit::record(tx, &at, &sup.staff_id, "setting_changed", &detail)?;
            Ok(())
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
