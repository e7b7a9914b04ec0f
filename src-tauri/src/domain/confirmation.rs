//! The Confirmation item of province-api.md (field names as in the contract), and the flags.

use serde::{Deserialize, Serialize};

pub const FLAG_MANUAL_ENTRY: &str = "manual_entry";
pub const FLAG_NAME_MISMATCH: &str = "name_mismatch";
pub const FLAG_CARD_EXPIRED: &str = "card_expired";
pub const FLAG_PAPER_PRIOR_EDUCATION: &str = "paper_prior_education";
pub const FLAG_SUPERVISOR_OVERRIDE: &str = "supervisor_override";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardBlock {
    /// chip | manual
    pub source: String,
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
    pub flags: Vec<String>,
    pub attachments: Vec<Attachment>,
}
