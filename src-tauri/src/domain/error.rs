//! The one error type every caller sees: a stable code, a Chinese message for staff,
//! and an English detail for the logs.

use serde::Serialize;

use super::eligibility::RefusalCode;

/// Stable machine-readable error codes (also the refusal codes of `zkctl --json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    BadCredentials,
    AccountDisabled,
    /// Too many failed logins: the account is locked for a while (the message says until when).
    Locked,
    NotAuthorized,
    NotLoggedIn,
    InvalidInput,
    Conflict,
    NotFound,
    Storage,
    AuditBroken,
    /// The province could not be reached or answered badly (retried later).
    Network,
    /// A counter rule refused the candidate (the message says why).
    Refused,
    /// The station is not enrolled (or must enroll again after a 401).
    NotEnrolled,
    /// A review task is closed: decided already, here or elsewhere.
    TaskClosed,
    /// A supervisor reset the password: the account must set its own before doing anything else.
    PasswordChangeRequired,
    /// The app session is behind the idle lock: nothing is done for it until it is unlocked.
    SessionLocked,
}

/// An error with a message fit for counter staff (`message`, Chinese) and one for the log (`detail`).
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[error("{code:?}: {detail}")]
pub struct DeskError {
    pub code: ErrorCode,
    /// Shown to staff, in Simplified Chinese.
    pub message: String,
    /// Written to the log, in English.
    pub detail: String,
    /// Which counter rule refused, when `code` is `Refused`.
    pub refusal: Option<RefusalCode>,
}

impl DeskError {
    pub fn new(code: ErrorCode, message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { code, message: message.into(), detail: detail.into(), refusal: None }
    }

    /// A counter rule said no; `message` says why, for staff.
    pub fn refused(code: RefusalCode, message: impl Into<String>) -> Self {
        Self { code: ErrorCode::Refused, message: message.into(), detail: format!("refused: {}", code.as_str()), refusal: Some(code) }
    }

    /// The refusal code `zkctl --json` prints: the rule's, or NOT_AUTHORIZED for a failed login.
    pub fn refusal_code(&self) -> Option<RefusalCode> {
        match self.code {
            ErrorCode::BadCredentials | ErrorCode::AccountDisabled | ErrorCode::NotAuthorized => Some(RefusalCode::NotAuthorized),
            ErrorCode::Locked => Some(RefusalCode::Locked),
            _ => self.refusal,
        }
    }

    pub fn bad_credentials() -> Self {
        Self::new(ErrorCode::BadCredentials, "工号或密码错误", "wrong staff id or password")
    }

    pub fn not_authorized(action: &str) -> Self {
        Self::new(ErrorCode::NotAuthorized, "此操作需要主管权限", format!("supervisor role required for {action}"))
    }

    pub fn invalid(message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidInput, message, detail)
    }

    pub fn storage(detail: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::Storage, "本地数据库出错，请联系技术支持（数据未丢失）", format!("storage: {detail}"))
    }
}
