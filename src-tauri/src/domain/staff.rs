//! Staff roles and the authorization rule: which role may do what.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::DeskError;

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
        Err(DeskError::invalid("工号只能包含字母、数字、- 和 _，长度 1–32", format!("invalid staff id {id:?}")))
    }
}

/// A new password must be at least 8 characters; the province's audit asks for no more here.
pub fn validate_new_password(pw: &str) -> Result<(), DeskError> {
    if pw.chars().count() >= 8 {
        Ok(())
    } else {
        Err(DeskError::invalid("密码至少 8 位", "password shorter than 8 characters"))
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
    fn staff_ids_are_checked() {
        assert!(validate_staff_id("S001").is_ok());
        assert!(validate_staff_id("").is_err());
        assert!(validate_staff_id("张三").is_err());
        assert!(validate_staff_id("a b").is_err());
    }
}
