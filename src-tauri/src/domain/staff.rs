//! Staff roles and the authorization rule: which role may do what.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{DeskError, ErrorCode};

/// Consecutive wrong passwords that lock an account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;
/// Longest staff name (it is printed on receipts and written to the audit chain).
pub const MAX_NAME_CHARS: usize = 32;
/// The audit actor of a login attempt whose id is not a staff id at all (never the text itself).
pub const INVALID_ID_ACTOR: &str = "(invalid-id)";

/// The lock still in force at `now`, if any (`locked_until` as stored, RFC 3339).
pub fn still_locked(locked_until: Option<&str>, now: &DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    locked_until.and_then(|t| DateTime::parse_from_rfc3339(t).ok()).filter(|until| until > now)
}

/// After `failures` consecutive failures: the time the account stays locked until, if it locks now.
pub fn lock_after(failures: i64, now: &DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    (failures >= MAX_FAILED_LOGINS).then(|| *now + chrono::Duration::minutes(LOCKOUT_MINUTES))
}

/// `LOCKED`, saying when to retry (office time, +08:00).
pub fn locked_error(staff_id: &str, until: &DateTime<FixedOffset>) -> DeskError {
    let china = FixedOffset::east_opt(8 * 3600).expect("+08:00");
    let at = until.with_timezone(&china).format("%H:%M");
    DeskError::new(
        ErrorCode::Locked,
        format!("密码连续输错 {MAX_FAILED_LOGINS} 次，账号已锁定，请于 {at} 后重试（或请主管协助）"),
        format!("account {staff_id} is locked until {}", until.to_rfc3339()),
    )
}

/// A staff name: 1–32 characters after trimming, no control characters.
pub fn validate_staff_name(name: &str) -> Result<&str, DeskError> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(DeskError::invalid(
            format!("姓名须为 1–{MAX_NAME_CHARS} 个字符，不能含控制字符"),
            format!("invalid staff name ({n} characters)"),
        ));
    }
    Ok(name)
}

pub type StaffId = String;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 受理员
    Counter,
    /// 主管
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counter => "counter",
            Role::Supervisor => "supervisor",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DeskError> {
        match s {
            "counter" => Ok(Role::Counter),
            "supervisor" => Ok(Role::Supervisor),
            other => Err(DeskError::invalid("角色只能是 受理员(counter) 或 主管(supervisor)", format!("unknown role {other:?}"))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Counter => "受理员",
            Role::Supervisor => "主管",
        }
    }
}

/// Supervisor-only actions fail for counter staff with a Chinese reason.
pub fn require_supervisor(role: Role, action: &str) -> Result<(), DeskError> {
    match role {
        Role::Supervisor => Ok(()),
        Role::Counter => Err(DeskError::not_authorized(action)),
    }
}

/// Staff ids are short and printable: they appear on receipts and in the province's records.
pub fn validate_staff_id(id: &str) -> Result<(), DeskError> {
    let ok = !id.is_empty() && id.len() <= 32 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        // Never the id itself in the detail: it may be 100 KB of anything.
        Err(DeskError::invalid(
            "工号只能包含字母、数字、- 和 _，长度 1–32",
            format!("invalid staff id ({} characters)", id.chars().count()),
        ))
    }
}

/// A new password must be 8–128 characters (a megabyte "password" is work for Argon2, not security).
pub fn validate_new_password(pw: &str) -> Result<(), DeskError> {
    match pw.chars().count() {
        8..=128 => Ok(()),
        n if n < 8 => Err(DeskError::invalid("密码至少 8 位", "password shorter than 8 characters")),
        _ => Err(DeskError::invalid("密码不能超过 128 位", "password longer than 128 characters")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_cannot_do_supervisor_work() {
        assert!(require_supervisor(Role::Supervisor, "x").is_ok());
        let err = require_supervisor(Role::Counter, "staff add").unwrap_err();
        assert_eq!(err.code, crate::domain::ErrorCode::NotAuthorized);
    }

    #[test]
    fn five_failures_lock_for_fifteen_minutes() {
        let now = DateTime::parse_from_rfc3339("2026-08-31T09:00:00+08:00").unwrap();
        assert_eq!(lock_after(4, &now), None);
        let until = lock_after(5, &now).unwrap();
        assert_eq!(until - now, chrono::Duration::minutes(15));
        let stored = until.to_rfc3339();
        assert_eq!(still_locked(Some(&stored), &now), Some(until));
        assert_eq!(still_locked(Some(&stored), &until), None, "unlocked at the minute");
        assert_eq!(still_locked(None, &now), None);
        let e = locked_error("S001", &until);
        assert_eq!(e.code, ErrorCode::Locked);
        assert!(e.message.contains("09:15"), "{}", e.message);
    }

    #[test]
    fn names_are_bounded() {
        assert_eq!(validate_staff_name("  张三 ").unwrap(), "张三");
        assert!(validate_staff_name("").is_err());
        assert!(validate_staff_name(&"名".repeat(33)).is_err());
        assert!(validate_staff_name("a\u{0}b").is_err());
        assert!(validate_staff_id(&"A".repeat(100_000)).unwrap_err().detail.len() < 100);
        assert!(validate_new_password("12345678").is_ok());
        assert!(validate_new_password("1234567").is_err());
        assert!(validate_new_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn staff_ids_are_checked() {
        assert!(validate_staff_id("S001").is_ok());
        assert!(validate_staff_id("").is_err());
        assert!(validate_staff_id("张三").is_err());
        assert!(validate_staff_id("a b").is_err());
    }
}
