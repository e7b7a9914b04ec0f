//! CSV for Excel: UTF-8 with a byte-order mark (so Excel reads Chinese), CRLF line ends, every
//! field quoted when it needs to be (RFC 4180).

use super::{list_row, stats_row, LIST_HEADINGS, STATS_HEADINGS};
use crate::api::RangeReport;

const BOM: &[u8] = "\u{feff}".as_bytes();

fn field(f: &str) -> String {
    // A leading = + - @ would be read by Excel as a formula: keep it text.
    let f = if f.starts_with(['=', '+', '-', '@']) { format!("'{f}") } else { f.to_string() };
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}

fn line<S: AsRef<str>>(out: &mut Vec<u8>, fields: &[S]) {
    let l: Vec<String> = fields.iter().map(|f| field(f.as_ref())).collect();
    out.extend_from_slice(l.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
}

/// The day's (or range's) confirmation list, with a totals line.
pub fn day_list_csv(r: &RangeReport) -> Vec<u8> {
    let mut out = BOM.to_vec();
    line(&mut out, &LIST_HEADINGS);
    for e in &r.entries {
        line(&mut out, &list_row(e));
    }
    let t = &r.total;
    line(&mut out, &[format!("合计：确认 {}，撤销 {}，存疑 {}，已复核 {}", t.confirmed, t.revoked, t.flagged, t.signed_off)]);
    out
}

/// One line per day, then the total.
pub fn range_csv(r: &RangeReport) -> Vec<u8> {
    let mut out = BOM.to_vec();
    line(&mut out, &STATS_HEADINGS);
    for d in &r.days {
        line(&mut out, &stats_row(d, ""));
    }
    line(&mut out, &stats_row(&r.total, "合计"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("张三"), "张三");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=1+1"), "'=1+1");
    }
}
