//! The province's Registration (province-api.md, field names as in the contract).

use serde::{Deserialize, Serialize};

/// Declares a vocabulary of the province: known values as variants, and any other value kept
/// as received (`Unknown`), so a new value from the province is stored and reported, never dropped.
macro_rules! province_vocabulary {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)*
            Unknown(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::Unknown(s) => s,
                }
            }

            pub fn parse(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)*
                    other => Self::Unknown(other.to_string()),
                }
            }

            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self::parse(&String::deserialize(d)?))
            }
        }
    };
}

province_vocabulary! {
    /// `Registration.status`.
    RegistrationStatus { PreRegistered = "pre_registered", Confirmed = "confirmed", Cancelled = "cancelled", Moved = "moved" }
}

province_vocabulary! {
    /// `Registration.kind`: 新生 or 在籍.
    RegistrationKind { New = "new", Enrolled = "enrolled" }
}

province_vocabulary! {
    /// `Registration.prior_education.status` (专升本).
    PriorEducationStatus {
        Verified = "verified", Pending = "pending", ReportUploaded = "report_uploaded",
        Approved = "approved", Rejected = "rejected", NotRequired = "not_required",
    }
}

impl RegistrationKind {
    /// 新生 / 在籍
    pub fn label(&self) -> &'static str {
        if *self == RegistrationKind::Enrolled {
            "在籍"
        } else {
            "新生"
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Major {
    pub code: String,
    pub name: String,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorEducation {
    pub status: PriorEducationStatus,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub certificate_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub registration_id: String,
    pub version: i64,
    pub kind: RegistrationKind,
    pub status: RegistrationStatus,
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

/// The highest version a pulled item may carry. Versions rise by one per change; anything near
/// `i64::MAX` is garbage, and stored it would shut out every later version of that registration.
pub const MAX_VERSION: i64 = i32::MAX as i64;

impl Registration {
    /// The shape checks a pulled item must pass before it is stored.
    pub fn validate(&self) -> Result<(), String> {
        let id: String = self.registration_id.chars().take(40).collect();
        if self.registration_id.is_empty() || self.version < 1 {
            return Err(format!("registration {id:?} has no id or a version below 1"));
        }
        if self.version > MAX_VERSION {
            return Err(format!("registration {id:?} has an absurd version {} (more than {MAX_VERSION})", self.version));
        }
        Ok(())
    }

    /// Values of the province's vocabulary this build does not know (kept, and reported by sync;
    /// the counter treats such a registration as not confirmable).
    pub fn unknown_values(&self) -> Vec<String> {
        let mut v = Vec::new();
        if !self.status.is_known() {
            v.push(format!("status {:?}", self.status.as_str()));
        }
        if !self.kind.is_known() {
            v.push(format!("kind {:?}", self.kind.as_str()));
        }
        if !self.prior_education.status.is_known() {
            v.push(format!("prior_education.status {:?}", self.prior_education.status.as_str()));
        }
        v
    }
}
