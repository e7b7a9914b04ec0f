//! The province's Registration (province-api.md, field names as in the contract).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Major {
    pub code: String,
    pub name: String,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PriorEducation {
    /// verified | pending | report_uploaded | approved | rejected | not_required
    pub status: String,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub certificate_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Registration {
    pub registration_id: String,
    pub version: i64,
    /// new | enrolled
    pub kind: String,
    /// pre_registered | confirmed | cancelled | moved
    pub status: String,
    pub id_type: String,
    pub id_number: String,
    pub name: String,
    pub gender: String,
    pub birth_date: String,
    #[serde(default)]
    pub phone_masked: Option<String>,
    pub region_code: String,
    pub county_code: String,
    pub major: Major,
    #[serde(default)]
    pub chief_university: Option<String>,
    pub upgrade: bool,
    pub prior_education: PriorEducation,
    #[serde(default)]
    pub admission_number: Option<String>,
    #[serde(default)]
    pub online_attempts: Option<i64>,
    pub updated_at: String,
}

impl Registration {
    /// The shape checks a pulled item must pass before it is stored.
    pub fn validate(&self) -> Result<(), String> {
        if self.registration_id.is_empty() || self.version < 1 {
            return Err(format!("registration {:?} has no id or a version below 1", self.registration_id));
        }
        if !matches!(self.status.as_str(), "pre_registered" | "confirmed" | "cancelled" | "moved") {
            return Err(format!("registration {} has unknown status {:?}", self.registration_id, self.status));
        }
        if !matches!(self.kind.as_str(), "new" | "enrolled") {
            return Err(format!("registration {} has unknown kind {:?}", self.registration_id, self.kind));
        }
        Ok(())
    }
}
