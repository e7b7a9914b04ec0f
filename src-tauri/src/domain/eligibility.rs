//! Who may be confirmed at this counter, and why not. Pure: every input, including today's
//! date and what the local store knows, is passed in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::confirmation::{FLAG_CARD_EXPIRED, FLAG_NAME_MISMATCH, FLAG_PAPER_PRIOR_EDUCATION};
use super::registration::Registration;
use crate::idcard::IdentityCard;

/// A refusal: the stable code of the design, and the message staff read aloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Refusal {
    /// ID_NUMBER_INVALID | CARD_EXPIRED | NOT_FOUND | ALREADY_CONFIRMED | NOT_ELIGIBLE | WRONG_COUNTY |
    /// PRIOR_EDUCATION_PENDING | NAME_MISMATCH | BLACKLISTED | PHOTO_REJECTED | NOT_AUTHORIZED
    pub code: String,
    pub message: String,
    /// The flag that lifts it, when one can: `card_expired` and `name_mismatch` need a
    /// supervisor; `paper_prior_education` needs the scanned report.
    pub override_flag: Option<String>,
    /// True when only a supervisor can lift it.
    pub needs_supervisor: bool,
}

fn refusal(code: &str, message: String) -> Refusal {
    Refusal { code: code.into(), message, override_flag: None, needs_supervisor: false }
}

fn overridable(code: &str, message: String, flag: &str, supervisor: bool) -> Refusal {
    Refusal { code: code.into(), message, override_flag: Some(flag.into()), needs_supervisor: supervisor }
}

/// What the local store knows about an earlier confirmation of this candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalConfirmation {
    pub registration_id: String,
    pub confirmed_at: String,
    pub station: String,
}

pub struct Facts<'a> {
    pub card: &'a IdentityCard,
    /// Registrations for the card's id number, from the cache.
    pub registrations: &'a [Registration],
    pub station_county: &'a str,
    /// County code → name, for "go to that office".
    pub county_name: &'a dyn Fn(&str) -> String,
    pub today: NaiveDate,
    pub blacklisted: Option<&'a str>,
    pub confirmed_here: Option<&'a LocalConfirmation>,
}

/// The outcome of the checks: the registration to confirm (if one matched) and what stands in
/// the way. Hard refusals come alone; overridable ones may stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub registration: Option<Registration>,
    pub refusals: Vec<Refusal>,
}

impl Assessment {
    /// Refusals not lifted by `flags`.
    pub fn open_refusals(&self, flags: &[String]) -> Vec<&Refusal> {
        self.refusals.iter().filter(|r| r.override_flag.as_ref().is_none_or(|f| !flags.contains(f))).collect()
    }
}

fn hard(r: Refusal) -> Assessment {
    Assessment { registration: None, refusals: vec![r] }
}

fn status_label(s: &str) -> &'static str {
    match s {
        "confirmed" => "已确认",
        "cancelled" => "已取消",
        "moved" => "已转出",
        _ => "不可确认",
    }
}

/// Names match when equal after trimming and ignoring inner spaces (some cards pad names).
fn same_name(a: &str, b: &str) -> bool {
    let n = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    n(a) == n(b)
}

pub fn assess(f: &Facts<'_>) -> Assessment {
    let card = f.card;
    if !card.id_number_valid {
        return hard(refusal(
            "ID_NUMBER_INVALID",
            format!("身份证号码 {} 无效（校验位或出生日期错误），请核对证件或手工录入", card.id_number),
        ));
    }
    if let Some(reason) = f.blacklisted {
        return hard(refusal("BLACKLISTED", format!("注意：该证件号码在禁止名单中（{reason}），请立即联系主管")));
    }
    if let Some(c) = f.confirmed_here {
        return Assessment {
            registration: f.registrations.iter().find(|r| r.registration_id == c.registration_id).cloned(),
            refusals: vec![refusal(
                "ALREADY_CONFIRMED",
                format!(
                    "该考生已于 {} 在{}完成现场确认，可重打回执",
                    &c.confirmed_at[..16.min(c.confirmed_at.len())].replace('T', " "),
                    c.station
                ),
            )],
        };
    }
    // Prefer a registration waiting here, then one waiting elsewhere, then any.
    let waiting_here = f.registrations.iter().find(|r| r.status == "pre_registered" && r.county_code == f.station_county);
    let waiting = waiting_here.or_else(|| f.registrations.iter().find(|r| r.status == "pre_registered"));
    let Some(reg) = waiting.or_else(|| f.registrations.first()) else {
        return hard(refusal("NOT_FOUND", "未找到该考生的网上报名信息，请考生先完成网上报名".into()));
    };
    match reg.status.as_str() {
        "pre_registered" => {}
        "confirmed" => {
            return Assessment {
                registration: Some(reg.clone()),
                refusals: vec![refusal(
                    "ALREADY_CONFIRMED",
                    format!(
                        "该考生已完成确认（{}，准考证号 {}），可重打回执",
                        reg.updated_at.get(..10).unwrap_or(""),
                        reg.admission_number.as_deref().unwrap_or("待分配")
                    ),
                )],
            };
        }
        other => return hard(refusal("NOT_ELIGIBLE", format!("该报名{}，不能现场确认", status_label(other)))),
    }
    if reg.county_code != f.station_county {
        return hard(refusal(
            "WRONG_COUNTY",
            format!("该考生报考的是{}，请到{}自考办现场确认", (f.county_name)(&reg.county_code), (f.county_name)(&reg.county_code)),
        ));
    }
    let mut refusals = Vec::new();
    if card.expired_on(f.today) {
        refusals.push(overridable(
            "CARD_EXPIRED",
            format!("身份证已过有效期（{}），需主管授权", card.valid_to.as_deref().unwrap_or("")),
            FLAG_CARD_EXPIRED,
            true,
        ));
    }
    if reg.upgrade && !matches!(reg.prior_education.status.as_str(), "verified" | "approved") {
        refusals.push(overridable(
            "PRIOR_EDUCATION_PENDING",
            "专升本考生的前置学历尚未通过认证，请扫描考生携带的纸质《学历认证报告》后再确认".into(),
            FLAG_PAPER_PRIOR_EDUCATION,
            false,
        ));
    }
    if !same_name(&card.name, &reg.name) {
        refusals.push(overridable(
            "NAME_MISMATCH",
            format!("证件姓名“{}”与报名姓名“{}”不一致（常见于生僻字），需主管核实授权", card.name, reg.name),
            FLAG_NAME_MISMATCH,
            true,
        ));
    }
    Assessment { registration: Some(reg.clone()), refusals }
}
