//! XLSX with `rust_xlsxwriter`: a 确认明细 sheet (the list: frozen header, widths, times as
//! dates, a totals row) and a 统计 sheet (per day, the total, and the breakdowns).

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{list_row, stats_row, LIST_HEADINGS, STATS_HEADINGS};
use crate::api::RangeReport;

const LIST_WIDTHS: [f64; 12] = [20.0, 16.0, 10.0, 22.0, 28.0, 8.0, 16.0, 10.0, 10.0, 24.0, 10.0, 14.0];

fn header(ws: &mut Worksheet, headings: &[&str], bold: &Format) -> Result<(), XlsxError> {
    for (c, h) in headings.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn list_sheet(ws: &mut Worksheet, r: &RangeReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("确认明细")?;
    header(ws, &LIST_HEADINGS, bold)?;
    let when = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (c, w) in LIST_WIDTHS.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, e) in r.entries.iter().enumerate() {
        let row = i as u32 + 1;
        let cells = list_row(e);
        // The time as an Excel date (in the office's +08:00), the text when it does not parse.
        match chrono::DateTime::parse_from_rfc3339(&e.confirmed_at) {
            Ok(t) => ws.write_datetime_with_format(row, 0, t.with_timezone(&crate::domain::office_day::cst()).naive_local(), &when)?,
            Err(_) => ws.write_string(row, 0, &cells[0])?,
        };
        for (c, v) in cells.iter().enumerate().skip(1) {
            ws.write_string(row, c as u16, v)?;
        }
    }
    let total_row = r.entries.len() as u32 + 1;
    let t = &r.total;
    ws.write_string_with_format(total_row, 0, "合计", bold)?;
    ws.write_string_with_format(
        total_row,
        1,
        format!("确认 {}，撤销 {}，存疑 {}，已复核 {}", t.confirmed, t.revoked, t.flagged, t.signed_off),
        bold,
    )?;
    Ok(())
}

fn stats_sheet(ws: &mut Worksheet, r: &RangeReport, bold: &Format) -> Result<(), XlsxError> {
    ws.set_name("统计")?;
    header(ws, &STATS_HEADINGS, bold)?;
    ws.set_column_width(0, 14.0)?;
    let mut row = 1u32;
    for d in r.days.iter().chain(std::iter::once(&r.total)) {
        let cells = stats_row(d, "合计");
        ws.write_string(row, 0, &cells[0])?;
        for (c, v) in cells.iter().enumerate().skip(1) {
            ws.write_number(row, c as u16, v.parse::<f64>().unwrap_or(0.0))?;
        }
        row += 1;
    }
    // Breakdowns of the whole range, one block each.
    row += 1;
    for (title, map) in [
        ("按受理员", &r.total.by_staff),
        ("按专业代码", &r.total.by_major),
        ("按层次", &r.total.by_level),
        ("按时段（时）", &r.total.by_hour),
        ("按同步结果", &r.total.by_sync),
    ] {
        ws.write_string_with_format(row, 0, title, bold)?;
        row += 1;
        for (k, v) in map {
            ws.write_string(row, 0, k)?;
            ws.write_number(row, 1, *v as f64)?;
            row += 1;
        }
        row += 1;
    }
    Ok(())
}

/// The workbook's bytes.
pub fn report_xlsx(r: &RangeReport) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    list_sheet(wb.add_worksheet(), r, &bold)?;
    stats_sheet(wb.add_worksheet(), r, &bold)?;
    wb.save_to_buffer()
}
