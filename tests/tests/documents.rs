//! Documents as PDFs made in Rust and printed through a real CUPS queue (scripts/cups.sh):
//! the receipt carries the candidate in Chinese with the font embedded as a subset; the day
//! sheet and range report carry the day's numbers; a failed print says why and keeps the file.

use zkdesk::desk::Desk;
use zkdesk_tests::fixtures::{card_file, card_for, confirmable, good_photo_file, now};
use zkdesk_tests::sim::Sim;
use zkdesk_tests::station::*;
use zkdesk_tests::zkctl;



/// poppler's view of a PDF: `pdftotext` text, or `pdffonts` table.
fn poppler(tool: &str, pdf: &std::path::Path) -> String {
    let out = std::process::Command::new(tool).arg(pdf).arg("-").output().unwrap_or_else(|e| panic!("{tool} runs (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fonts(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdffonts").arg(pdf).output().expect("pdffonts runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A station with one confirmed candidate whose name has a rare character; returns (dir, id, name).
fn station_with_one(sim: &Sim) -> (tempfile::TempDir, String, String) {
    let dir = supervised_station(sim);
    let d = dir.path();
    let regs = confirmable(&Desk::open(d).unwrap(), 40);
    // A name with a character outside the basic plane when there is one (生僻字), else any.
    let reg = regs.iter().find(|r| r.name.chars().any(|c| c as u32 > 0xFFFF)).or(regs.first()).unwrap().clone();
    let reader = card_file(d, &[card_for(&reg)]);
    let photo = good_photo_file(d);
    let c = ok("confirm", zkctl(d, &["--json", "confirm", "--reader", &reader, "--photo", photo.to_str().unwrap(), "--staff", "S001"], &ENV));
    (dir, c["confirmation_id"].as_str().unwrap().to_string(), reg.name)
}

#[test]
fn the_receipt_is_a_pdf_with_the_candidate_in_an_embedded_subset_font() {
    let sim = Sim::start("420102", 400, 95);
    let (dir, id, name) = station_with_one(&sim);
    let d = dir.path();
    let out = d.join("receipt.pdf");
    ok("receipt", zkctl(d, &["--json", "receipt", &id, "--pdf", out.to_str().unwrap(), "--staff", "S001"], &ENV));
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "a PDF");
    assert!(bytes.len() < 600_000, "the 19 MB CJK font is embedded as a subset: {} bytes", bytes.len());
    let text = poppler("pdftotext", &out);
    assert!(text.contains("现场确认回执"), "{text}");
    assert!(text.contains(&name), "the candidate's name {name:?} prints, rare characters included:\n{text}");
    assert!(!text.contains("420102199"), "the id number is masked on paper");
    let f = fonts(&out);
    let row = f.lines().find(|l| l.contains("CID")).unwrap_or_else(|| panic!("a CID font: {f}"));
    assert!(row.split_whitespace().filter(|w| *w == "yes").count() >= 2, "embedded and subset: {row}");

    let missing = zkctl(d, &["--json", "receipt", "nope", "--pdf", d.join("x.pdf").to_str().unwrap(), "--staff", "S001"], &ENV);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!d.join("x.pdf").exists());
}

#[test]
fn the_day_sheet_and_range_report_carry_the_days_numbers() {
    let sim = Sim::start("420102", 120, 96);
    let (dir, _, name) = station_with_one(&sim);
    let d = dir.path();
    let date = zkdesk::domain::office_day::of(&now()).to_string();
    let sheet = d.join("day.pdf");
    ok("day sheet", zkctl(d, &["--json", "report", "daily", "--supervisor", "A001", "--date", &date, "--format", "pdf", "-o", sheet.to_str().unwrap()], &ENV));
    let text = poppler("pdftotext", &sheet);
    assert!(text.contains("日结单") && text.contains("确认 1 人"), "{text}");
    assert!(text.contains(&name), "the list is on the sheet");
    assert!(text.contains("与省平台对账"), "the reconciliation is on the sheet when the province answers");
    assert!(text.contains("主管"), "signature lines");
    let range = d.join("range.pdf");
    let from = (zkdesk::domain::office_day::of(&now()) - chrono::Days::new(6)).to_string();
    ok("range", zkctl(d, &["--json", "report", "range", "--supervisor", "A001", "--from", &from, "--to", &date, "--format", "pdf", "-o", range.to_str().unwrap()], &ENV));
    let text = poppler("pdftotext", &range);
    assert!(text.contains("每日确认人数") && text.contains("按时段"), "charts are drawn: {text}");
    assert!(text.contains("合计"));
}

#[test]
fn printing_goes_to_cups_and_a_failure_says_why_and_keeps_the_file() {
    let sim = Sim::start("420102", 120, 97);
    let (dir, id, _) = station_with_one(&sim);
    let d = dir.path();
    let docs = d.join("documents");
    ok("documents dir", zkctl(d, &["--json", "settings", "set", "documents_dir", docs.to_str().unwrap(), "--supervisor", "A001"], &ENV));
    let desk = Desk::open(d).unwrap();
    let staff = desk.login("S001", "shouli-2026", &now()).unwrap();
    let folder = docs.join(zkdesk::domain::office_day::of(&now()).to_string());

    let none = desk.print_receipt(&staff, &id, &now());
    let outcome = none.unwrap();
    assert!(!outcome.printed, "no printer chosen (and no CUPS default): {}", outcome.message);
    assert!(std::path::Path::new(&outcome.path).starts_with(&folder), "saved in the day's folder: {}", outcome.path);
    assert!(std::path::Path::new(&outcome.path).exists(), "the PDF is kept");

    let sup = desk.login("A001", "zhuguan-2026", &now()).unwrap();
    for (printer, expect) in [("NO-SUCH-PRINTER", "不存在"), ("ZKDESK-OFF", "脱机")] {
        desk.settings_set(&sup, "printer", printer, &now()).unwrap();
        let o = desk.print_receipt(&staff, &id, &now()).unwrap();
        assert!(!o.printed && o.message.contains(expect), "{printer}: {}", o.message);
    }
    desk.settings_set(&sup, "printer", "ZKDESK-PDF", &now()).unwrap();
    let o = desk.print_receipt(&staff, &id, &now()).unwrap();
    assert!(o.printed, "{}", o.message);
    assert!(o.message.contains("ZKDESK-PDF-"), "the CUPS job id is reported: {}", o.message);
    assert!(!std::path::Path::new("回执-".to_string().as_str()).exists(), "nothing in the working directory");
}
