//! The Confirmation item of province-api.md (field names as in the contract), and the flags.

use serde::{Deserialize, Serialize};

/// A mark on a confirmation, sent to the province in `flags` (province-api.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Typed by staff or found by search, authorised by a supervisor.
    ManualEntry,
    NameMismatch,
    CardExpired,
    /// A scanned 学历认证报告 stands in for the online verification.
    PaperPriorEducation,
    /// A supervisor lifted a refusal (always set beside the flag it lifted, or for a failed photo).
    SupervisorOverride,
    /// The live face scored in the review band against the chip photo (存疑, signed off later),
    /// or in the fail band and a supervisor authorised it at the counter.
    FaceMismatch,
}

impl Flag {
    pub const ALL: [Flag; 6] = [
        Flag::ManualEntry,
        Flag::NameMismatch,
        Flag::CardExpired,
        Flag::PaperPriorEducation,
        Flag::SupervisorOverride,
        Flag::FaceMismatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Flag::ManualEntry => "manual_entry",
            Flag::NameMismatch => "name_mismatch",
            Flag::CardExpired => "card_expired",
            Flag::PaperPriorEducation => "paper_prior_education",
            Flag::SupervisorOverride => "supervisor_override",
            Flag::FaceMismatch => "face_mismatch",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// What staff read (never the code).
    pub fn label(self) -> &'static str {
        match self {
            Flag::ManualEntry => "手工录入",
            Flag::NameMismatch => "姓名不一致",
            Flag::CardExpired => "证件过期",
            Flag::PaperPriorEducation => "纸质学历认证报告",
            Flag::SupervisorOverride => "主管授权",
            Flag::FaceMismatch => "人证比对存疑",
        }
    }
}

/// Where the identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardSource {
    /// Read from the card's chip.
    Chip,
    /// Typed by staff (card unreadable, temporary card) or found by search; needs a supervisor.
    Manual,
}

/// A confirmation's state with the province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmationState {
    Pending,
    Accepted,
    Rejected,
    Revoked,
}

impl ConfirmationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmationState::Pending => "pending",
            ConfirmationState::Accepted => "accepted",
            ConfirmationState::Rejected => "rejected",
            ConfirmationState::Revoked => "revoked",
        }
    }

    /// The store's CHECK constraint admits only these.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pending, Self::Accepted, Self::Rejected, Self::Revoked].into_iter().find(|v| v.as_str() == s)
    }
}

/// What this station did with a registration (`zkctl lookup`'s `local_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocalStatus {
    None,
    Pending,
    Accepted,
    Rejected,
    Revoked,
}

impl From<Option<ConfirmationState>> for LocalStatus {
    fn from(s: Option<ConfirmationState>) -> Self {
        match s {
            None => LocalStatus::None,
            Some(ConfirmationState::Pending) => LocalStatus::Pending,
            Some(ConfirmationState::Accepted) => LocalStatus::Accepted,
            Some(ConfirmationState::Rejected) => LocalStatus::Rejected,
            Some(ConfirmationState::Revoked) => LocalStatus::Revoked,
        }
    }
}

impl LocalStatus {
    pub fn label(self) -> &'static str {
        match self {
            LocalStatus::None => "未确认",
            LocalStatus::Pending => "已确认，待上传",
            LocalStatus::Accepted => "已确认，省平台已接收",
            LocalStatus::Rejected => "已确认，被省平台退回",
            LocalStatus::Revoked => "已撤销",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardBlock {
    pub source: CardSource,
    pub id_type: String,
    pub id_number: String,
    pub name: String,
    pub gender: String,
    pub nation: Option<String>,
    pub birth_date: Option<String>,
    pub address: Option<String>,
    pub authority: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub card_uid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhotoBlock {
    pub jpeg_base64: String,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checks {
    pub face_count: u32,
    pub background: String,
    pub face_match_score: Option<f64>,
    /// The recognition model that gave the score (e.g. `sface-2021dec`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_match_model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub kind: String,
    pub media_type: String,
    pub content_base64: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmationItem {
    pub confirmation_id: String,
    pub registration_id: String,
    pub registration_version: i64,
    pub station_id: String,
    pub staff_id: String,
    pub supervisor_id: Option<String>,
    pub confirmed_at: String,
    pub clock_offset_ms: i64,
    pub card: CardBlock,
    pub photo: PhotoBlock,
    pub checks: Checks,
    pub admission_number: Option<String>,
    pub flags: Vec<Flag>,
    pub attachments: Vec<Attachment>,
}
