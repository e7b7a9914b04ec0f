//! Documents made from reports: CSV and XLSX (and, later, PDF). Invariant: rendering only —
//! every function takes the report and returns bytes; no store, no clock, no file system.

mod csv;
mod documents;
pub mod pdf;
mod xlsx;

pub use self::csv::{day_list_csv, range_csv};
pub use self::documents::{day_sheet_pdf, range_report_pdf, receipt_pdf, reset_slip_pdf};
pub use self::xlsx::report_xlsx;

/// The Chinese headings of the confirmation list (CSV and XLSX share them).
pub(crate) const LIST_HEADINGS: [&str; 12] =
    ["确认时间", "报名号", "姓名", "身份证号", "专业", "类别", "准考证号", "受理员", "授权主管", "标记", "状态", "同步"];

/// The Chinese headings of the statistics table.
pub(crate) const STATS_HEADINGS: [&str; 7] = ["日期", "确认", "撤销", "新生", "在籍", "存疑", "已复核"];

pub(crate) fn status_label(e: &crate::api::DayEntry) -> &'static str {
    match e.status {
        crate::api::EntryStatus::Confirmed => "已确认",
        crate::api::EntryStatus::Revoked => "已撤销",
    }
}

pub(crate) fn sync_label(e: &crate::api::DayEntry) -> &'static str {
    match e.sync {
        crate::api::EntrySync::Pending => "待上传",
        crate::api::EntrySync::Accepted => "省平台已接收",
        crate::api::EntrySync::Rejected => "被退回",
    }
}

/// One list row as text, in the order of [`LIST_HEADINGS`].
pub(crate) fn list_row(e: &crate::api::DayEntry) -> [String; 12] {
    [
        e.confirmed_at.clone(),
        e.registration_id.clone(),
        e.name.clone(),
        e.id_number_masked.clone(),
        e.major.clone(),
        e.kind.clone(),
        e.admission_number.clone().unwrap_or_else(|| "待分配".into()),
        e.staff_id.clone(),
        e.supervisor_id.clone().unwrap_or_default(),
        e.flag_labels.join("、"),
        status_label(e).into(),
        sync_label(e).into(),
    ]
}

pub(crate) fn stats_row(s: &crate::api::DayStats, label: &str) -> [String; 7] {
    [
        s.date.clone().unwrap_or_else(|| label.to_string()),
        s.confirmed.to_string(),
        s.revoked.to_string(),
        s.new.to_string(),
        s.enrolled.to_string(),
        s.flagged.to_string(),
        s.signed_off.to_string(),
    ]
}
