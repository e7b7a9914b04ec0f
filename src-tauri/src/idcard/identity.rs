//! The one identity type every reader ends in, and its JSON form (what `zkctl card` prints).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证
    Resident,
    /// 港澳台居民居住证 (`J`)
    HmtPermit,
    /// 外国人永久居留身份证, 2017 layout (`I`)
    #[serde(rename = "foreign_permanent_2017")]
    ForeignPermanent2017,
    /// 外国人永久居留身份证, 2023 layout (`Y`)
    #[serde(rename = "foreign_permanent_2023")]
    ForeignPermanent2023,
}

impl IdType {
    /// The province API knows one foreign type.
    pub fn api_name(self) -> &'static str {
        match self {
            IdType::Resident => "resident",
            IdType::HmtPermit => "hmt_permit",
            IdType::ForeignPermanent2017 | IdType::ForeignPermanent2023 => "foreign_permanent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            IdType::Resident => "居民身份证",
            IdType::HmtPermit => "港澳台居民居住证",
            IdType::ForeignPermanent2017 | IdType::ForeignPermanent2023 => "外国人永久居留身份证",
        }
    }
}

/// An identity as read from a card (absent fields are omitted in JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IdentityCard {
    pub id_type: IdType,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub english_name: Option<String>,
    /// GB/T 2261.1: `0` unknown, `1` 男, `2` 女, `9` unspecified; kept as read.
    pub gender: String,
    /// GB/T 3304 two-digit code, residents only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub nation: Option<String>,
    /// ISO 3166 alpha-3, foreigners only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub nationality: Option<String>,
    /// `YYYY-MM-DD`, or the raw text when the card holds something that is not a date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub birth_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub address: Option<String>,
    pub id_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub authority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub valid_from: Option<String>,
    /// `YYYY-MM-DD` or `long_term` (长期).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub valid_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pass_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub issue_count: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub card_uid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub photo_wlt_base64: Option<String>,
    /// The id number passed its format and check-digit rules.
    pub id_number_valid: bool,
}

/// `valid_to` value for a card valid without end (长期).
pub const LONG_TERM: &str = "long_term";

impl IdentityCard {
    /// The card has expired on `today` (a `long_term` card never does; an unreadable date is not judged here).
    pub fn expired_on(&self, today: chrono::NaiveDate) -> bool {
        match self.valid_to.as_deref() {
            Some(LONG_TERM) | None => false,
            Some(d) => chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok_and(|to| to < today),
        }
    }
}

/// 男 / 女 / 未知 / 未说明 for a GB/T 2261.1 code.
pub fn gender_name(code: &str) -> &'static str {
    match code {
        "1" => "男",
        "2" => "女",
        "9" => "未说明",
        _ => "未知",
    }
}

/// The nation's name from the reference table, if the code is known.
pub fn nation_name(code: &str) -> Option<&'static str> {
    static TABLE: &str = include_str!("../../reference/nations.tsv");
    TABLE.lines().skip(1).find_map(|l| {
        let (c, n) = l.split_once('\t')?;
        (c == code).then_some(n.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_names() {
        assert_eq!(nation_name("01"), Some("汉"));
        assert_eq!(nation_name("03"), Some("回"));
        assert_eq!(nation_name("99"), None);
        assert_eq!(gender_name("2"), "女");
        assert_eq!(gender_name("7"), "未知");
    }
}
