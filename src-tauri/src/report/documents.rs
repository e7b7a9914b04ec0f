//! The printed documents: the 现场确认回执, the password-reset slip, the day sheet (日结单) and the
//! range report, each as a list of [`Item`]s for [`pdf::render`].

use base64::Engine;

use super::pdf::{self, Item, PdfError};
use super::{list_row, stats_row, STATS_HEADINGS};
use crate::api::{DayEntry, RangeReport, Receipt, ReconcileReport, ResetSlip};

fn field(label: &str, value: impl Into<String>) -> Item {
    Item::Field { label: label.into(), value: value.into() }
}

fn text(t: impl Into<String>, size: f32) -> Item {
    Item::Text { text: t.into(), size }
}

/// The printed time: `2026-12-01 09:12`.
fn when(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&crate::domain::office_day::cst()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// The receipt a candidate takes home. `office` overrides the enrolled office's name when set.
pub fn receipt_pdf(r: &Receipt, office: Option<&str>) -> Result<Vec<u8>, PdfError> {
    let office = office.filter(|o| !o.is_empty()).unwrap_or(&r.office_name);
    let photo = base64::engine::general_purpose::STANDARD.decode(&r.photo_jpeg_base64).map_err(|e| PdfError::Build(e.to_string()))?;
    let mut items = vec![
        Item::Title("高等教育自学考试现场确认回执".into()),
        text(office, 12.0),
        Item::Rule,
        Item::PhotoRight { jpeg: photo, width: 90.0, height: 120.0 },
        field("姓名", &r.name),
        field("身份证号", &r.id_number_masked),
        field("报名号", &r.registration_id),
        field("报考专业", &r.major),
        field("层次", &r.level),
        field("类别", &r.kind),
        field("准考证号", &r.admission_number),
        field("确认时间", when(&r.confirmed_at)),
        field("受理员", &r.staff),
        field("确认编号", &r.confirmation_id),
        Item::Gap(10.0),
        Item::Rule,
        text("准考证号及初始密码将以短信发送至报名时登记的手机号码，请妥善保管本回执。", 10.0),
        text("如信息有误，请当场向工作人员提出。", 10.0),
        Item::Signatures(vec!["考生签字".into(), "受理员签字".into()]),
    ];
    if r.state == crate::api::ConfirmationStateName::Revoked {
        items.insert(1, text("【本确认已撤销】", 14.0));
    }
    pdf::render(&items, &format!("{office} · {}", r.station_id))
}

/// The slip for an in-person password reset.
pub fn reset_slip_pdf(s: &ResetSlip) -> Result<Vec<u8>, PdfError> {
    let items = vec![
        Item::Title("自学考试网上报名密码重置单".into()),
        text(&s.office_name, 12.0),
        Item::Rule,
        field("姓名", &s.name),
        field("身份证号", &s.id_number_masked),
        field("报名号", &s.registration_id),
        field("申请时间", when(&s.requested_at)),
        field("受理员", &s.staff),
        field("申请编号", &s.request_id),
        Item::Gap(10.0),
        text("新密码将以短信发送至报名时登记的手机号码。", 10.0),
        Item::Signatures(vec!["考生签字".into(), "受理员签字".into()]),
    ];
    pdf::render(&items, &s.office_name)
}

const LIST_WIDTHS: [f32; 7] = [0.12, 0.16, 0.1, 0.2, 0.16, 0.14, 0.12];

fn list_items(entries: &[DayEntry]) -> Vec<Item> {
    let mut items = vec![Item::Row {
        cells: ["时间", "报名号", "姓名", "身份证号", "准考证号", "标记", "状态"].map(String::from).to_vec(),
        widths: LIST_WIDTHS.to_vec(),
        bold: true,
    }];
    for e in entries {
        let r = list_row(e);
        let cells = vec![when(&r[0]).get(11..).unwrap_or("").to_string(), r[1].clone(), r[2].clone(), r[3].clone(), r[6].clone(), r[9].clone(), r[10].clone()];
        items.push(Item::Row { cells, widths: LIST_WIDTHS.to_vec(), bold: false });
    }
    items
}

/// 日结单: the day's counts, its list, what still waits for a sign-off, the reconciliation when
/// one was made, and signature lines for the staff and the supervisor.
pub fn day_sheet_pdf(office: &str, r: &RangeReport, reconcile: Option<&ReconcileReport>) -> Result<Vec<u8>, PdfError> {
    let t = &r.total;
    let mut items = vec![
        Item::Title(format!("现场确认日结单（{}）", r.from)),
        text(office, 12.0),
        Item::Rule,
        text(format!("确认 {} 人（新生 {}，在籍 {}），撤销 {}，存疑 {}，已复核 {}", t.confirmed, t.new, t.enrolled, t.revoked, t.flagged, t.signed_off), 11.0),
    ];
    let unsigned: Vec<&DayEntry> = r.entries.iter().filter(|e| e.needs_signoff).collect();
    items.push(text(
        if unsigned.is_empty() { "存疑记录均已复核。".to_string() } else { format!("尚有 {} 条存疑记录未复核，日结前须由主管复核签字。", unsigned.len()) },
        11.0,
    ));
    if let Some(c) = reconcile {
        items.push(text(
            format!(
                "与省平台对账：本站 {}，省平台 {}，一致 {}，省平台缺少 {}，本站未知 {}，状态不一致 {} —— {}",
                c.local,
                c.province,
                c.matched,
                c.missing_at_province.len(),
                c.unknown_locally.len(),
                c.status_differs.len(),
                if c.balanced { "平衡" } else { "不平衡" }
            ),
            11.0,
        ));
    }
    items.push(Item::Gap(6.0));
    items.extend(list_items(&r.entries));
    items.push(Item::Gap(12.0));
    items.push(Item::Signatures(vec!["受理员".into(), "主管".into()]));
    pdf::render(&items, &format!("{office} · 日结单 {}", r.from))
}

/// The range report: counts per day, charts by hour and by level, and the totals.
pub fn range_report_pdf(office: &str, r: &RangeReport) -> Result<Vec<u8>, PdfError> {
    let widths = vec![1.0 / STATS_HEADINGS.len() as f32; STATS_HEADINGS.len()];
    let mut items = vec![Item::Title(format!("现场确认统计（{} 至 {}）", r.from, r.to)), text(office, 12.0), Item::Rule];
    items.push(Item::Row { cells: STATS_HEADINGS.map(String::from).to_vec(), widths: widths.clone(), bold: true });
    for d in &r.days {
        items.push(Item::Row { cells: stats_row(d, "").to_vec(), widths: widths.clone(), bold: false });
    }
    items.push(Item::Row { cells: stats_row(&r.total, "合计").to_vec(), widths: widths.clone(), bold: true });
    items.push(Item::Gap(12.0));
    if r.days.len() > 1 {
        let per_day = r.days.iter().map(|d| (d.date.clone().unwrap_or_default().get(5..).unwrap_or("").to_string(), d.confirmed)).collect();
        items.push(Item::Bars { title: "每日确认人数".into(), bars: per_day });
    }
    let by_hour = (7..=19).map(|h| (format!("{h:02}"), r.total.by_hour.get(&format!("{h:02}")).copied().unwrap_or(0))).collect();
    items.push(Item::Bars { title: "按时段（时）".into(), bars: by_hour });
    items.push(Item::Bars { title: "按层次".into(), bars: r.total.by_level.iter().map(|(k, v)| (k.clone(), *v)).collect() });
    pdf::render(&items, &format!("{office} · 统计 {} 至 {}", r.from, r.to))
}
