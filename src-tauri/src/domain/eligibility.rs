//! Who may be confirmed at this counter, and why not. Pure: every input, including today's
//! date and what the local store knows, is passed in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::confirmation::Flag;
use super::registration::{PriorEducationStatus, Registration, RegistrationStatus};
use crate::idcard::IdentityCard;

/// The stable refusal codes of the design (`zkctl confirm --json`: `{"refused": {"code"}}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefusalCode {
    IdNumberInvalid,
    CardExpired,
    NotFound,
    AlreadyConfirmed,
    NotEligible,
    WrongCounty,
    PriorEducationPending,
    NameMismatch,
    Blacklisted,
    PhotoRejected,
    NotAuthorized,
    /// Too many failed logins (not a counter rule; `zkctl --json` prints it as a refusal).
    Locked,
    /// The live face scored below the review band against the chip photo.
    FaceMismatch,
    /// 替考: the same face was confirmed today at this station under another id number.
    SameFaceOtherId,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::IdNumberInvalid => "ID_NUMBER_INVALID",
            RefusalCode::CardExpired => "CARD_EXPIRED",
            RefusalCode::NotFound => "NOT_FOUND",
            RefusalCode::AlreadyConfirmed => "ALREADY_CONFIRMED",
            RefusalCode::NotEligible => "NOT_ELIGIBLE",
            RefusalCode::WrongCounty => "WRONG_COUNTY",
            RefusalCode::PriorEducationPending => "PRIOR_EDUCATION_PENDING",
            RefusalCode::NameMismatch => "NAME_MISMATCH",
            RefusalCode::Blacklisted => "BLACKLISTED",
            RefusalCode::PhotoRejected => "PHOTO_REJECTED",
            RefusalCode::NotAuthorized => "NOT_AUTHORIZED",
            RefusalCode::Locked => "LOCKED",
            RefusalCode::FaceMismatch => "FACE_MISMATCH",
            RefusalCode::SameFaceOtherId => "SAME_FACE_OTHER_ID",
        }
    }
}

/// What lifts a refusal, when anything can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lift {
    /// A supervisor's credentials; sets the flag.
    Supervisor(Flag),
    /// The scanned paper 学历认证报告; sets `paper_prior_education`.
    PaperReport,
}

impl Lift {
    pub fn flag(self) -> Flag {
        match self {
            Lift::Supervisor(f) => f,
            Lift::PaperReport => Flag::PaperPriorEducation,
        }
    }
}

/// A refusal: the stable code of the design, and the message staff read aloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
    /// `None`: nothing at this counter lifts it.
    pub lift: Option<Lift>,
}

impl Refusal {
    /// The flag that lifts it, when one can.
    pub fn override_flag(&self) -> Option<Flag> {
        self.lift.map(Lift::flag)
    }

    pub fn needs_supervisor(&self) -> bool {
        matches!(self.lift, Some(Lift::Supervisor(_)))
    }
}

fn refusal(code: RefusalCode, message: String) -> Refusal {
    Refusal { code, message, lift: None }
}

fn overridable(code: RefusalCode, message: String, lift: Lift) -> Refusal {
    Refusal { code, message, lift: Some(lift) }
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
    pub fn open_refusals(&self, flags: &[Flag]) -> Vec<&Refusal> {
        self.refusals.iter().filter(|r| r.override_flag().is_none_or(|f| !flags.contains(&f))).collect()
    }
}

fn hard(r: Refusal) -> Assessment {
    Assessment { registration: None, refusals: vec![r] }
}

fn status_label(s: &RegistrationStatus) -> &'static str {
    match s {
        RegistrationStatus::Confirmed => "已确认",
        RegistrationStatus::Cancelled => "已取消",
        RegistrationStatus::Moved => "已转出",
        RegistrationStatus::PreRegistered | RegistrationStatus::Unknown(_) => "不可确认",
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
            RefusalCode::IdNumberInvalid,
            format!("身份证号码 {} 无效（校验位或出生日期错误），请核对证件或手工录入", card.id_number),
        ));
    }
    if let Some(reason) = f.blacklisted {
        return hard(refusal(RefusalCode::Blacklisted, format!("注意：该证件号码在禁止名单中（{reason}），请立即联系主管")));
    }
    if let Some(c) = f.confirmed_here {
        return Assessment {
            registration: f.registrations.iter().find(|r| r.registration_id == c.registration_id).cloned(),
            refusals: vec![refusal(
                RefusalCode::AlreadyConfirmed,
                format!(
                    "该考生已于 {} 在{}完成现场确认，可重打回执",
                    &c.confirmed_at[..16.min(c.confirmed_at.len())].replace('T', " "),
                    c.station
                ),
            )],
        };
    }
    // Prefer a registration waiting here, then one waiting elsewhere, then any.
    let waiting_here = f.registrations.iter().find(|r| r.status == RegistrationStatus::PreRegistered && r.county_code == f.station_county);
    let waiting = waiting_here.or_else(|| f.registrations.iter().find(|r| r.status == RegistrationStatus::PreRegistered));
    let Some(reg) = waiting.or_else(|| f.registrations.first()) else {
        return hard(refusal(RefusalCode::NotFound, "未找到该考生的网上报名信息，请考生先完成网上报名".into()));
    };
    match &reg.status {
        RegistrationStatus::PreRegistered => {}
        RegistrationStatus::Confirmed => {
            return Assessment {
                registration: Some(reg.clone()),
                refusals: vec![refusal(
                    RefusalCode::AlreadyConfirmed,
                    format!(
                        "该考生已完成确认（{}，准考证号 {}），可重打回执",
                        reg.updated_at.get(..10).unwrap_or(""),
                        reg.admission_number.as_deref().unwrap_or("待分配")
                    ),
                )],
            };
        }
        other => return hard(refusal(RefusalCode::NotEligible, format!("该报名{}，不能现场确认", status_label(other)))),
    }
    if reg.county_code != f.station_county {
        return hard(refusal(
            RefusalCode::WrongCounty,
            format!("该考生报考的是{}，请到{}自考办现场确认", (f.county_name)(&reg.county_code), (f.county_name)(&reg.county_code)),
        ));
    }
    let mut refusals = Vec::new();
    if card.expired_on(f.today) {
        refusals.push(overridable(
            RefusalCode::CardExpired,
            format!("身份证已过有效期（{}），需主管授权", card.valid_to.as_deref().unwrap_or("")),
            Lift::Supervisor(Flag::CardExpired),
        ));
    }
    if reg.upgrade && !matches!(reg.prior_education.status, PriorEducationStatus::Verified | PriorEducationStatus::Approved) {
        refusals.push(overridable(
            RefusalCode::PriorEducationPending,
            "专升本考生的前置学历尚未通过认证，请扫描考生携带的纸质《学历认证报告》后再确认".into(),
            Lift::PaperReport,
        ));
    }
    if !same_name(&card.name, &reg.name) {
        refusals.push(overridable(
            RefusalCode::NameMismatch,
            format!("证件姓名“{}”与报名姓名“{}”不一致（常见于生僻字），需主管核实授权", card.name, reg.name),
            Lift::Supervisor(Flag::NameMismatch),
        ));
    }
    Assessment { registration: Some(reg.clone()), refusals }
}
