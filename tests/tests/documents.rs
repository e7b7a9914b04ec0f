//! Documents as PDFs made in Rust and printed through a real CUPS queue (scripts/cups.sh):
//! the receipt carries the candidate in Chinese with the font embedded as a subset; the day
//! sheet and range report carry the day's numbers; a failed print says why and keeps the file.

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

/// The first page as 20 dpi grey pixels (poppler's pdftoppm, PGM).
fn page_pixels(pdf: &std::path::Path, scratch: &std::path::Path) -> Vec<u8> {
    let root = scratch.join(format!("page-{}", uuid::Uuid::now_v7()));
    let out = std::process::Command::new("pdftoppm").args(["-r", "20", "-gray", "-singlefile", "-f", "1"]).arg(pdf).arg(&root).output().expect("pdftoppm runs");
    assert!(out.status.success(), "pdftoppm: {}", String::from_utf8_lossy(&out.stderr));
    let pgm = std::fs::read(root.with_extension("pgm")).expect("pdftoppm wrote the page");
    // P5 header: magic, width, height, maxval, each followed by whitespace; then the pixels.
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    pgm[i + 1..].to_vec()
}

fn fonts(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdffonts").arg(pdf).output().expect("pdffonts runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A station with one confirmed candidate whose name has a rare character; returns (dir, id, name).
fn station_with_one(sim: &Sim) -> (tempfile::TempDir, String, String) {
    let dir = supervised_station(sim);
    let d = dir.path();
    let regs = confirmable(&zkdesk_tests::fixtures::open(d), 400);
    // A name with 𠮷 (outside the basic plane) or another 生僻字 of CJK Extension A.
    let rare = |r: &&zkdesk::domain::registration::Registration| r.name.contains('𠮷');
    let ext_a = |r: &&zkdesk::domain::registration::Registration| r.name.chars().any(|c| ('\u{3400}'..='\u{4DBF}').contains(&c));
    let reg = regs.iter().find(rare).or_else(|| regs.iter().find(ext_a)).expect("the seed has candidates with 生僻字").clone();
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
    let desk = zkdesk_tests::fixtures::open(d);
    let staff = desk.login("S001", "shouli-2026", &now()).unwrap();
    let receipt = desk.receipt(&id).unwrap();
    assert!(text.contains(&receipt.id_number_masked), "the masked id number {}:\n{text}", receipt.id_number_masked);
    assert!(text.contains(&receipt.admission_number), "the admission number {}:\n{text}", receipt.admission_number);
    assert!(!text.contains("420102199"), "the id number is masked on paper");
    drop(staff);
    let f = fonts(&out);
    let row = f.lines().find(|l| l.contains("CID")).unwrap_or_else(|| panic!("a CID font: {f}"));
    assert!(row.split_whitespace().filter(|w| *w == "yes").count() >= 2, "embedded and subset: {row}");

    let missing = zkctl(d, &["--json", "receipt", "nope", "--pdf", d.join("x.pdf").to_str().unwrap(), "--staff", "S001"], &ENV);
    assert_eq!(missing.status.code(), Some(1));
    assert!(!d.join("x.pdf").exists());
}

#[test]
fn the_day_sheet_and_range_report_carry_the_days_numbers() {
    let sim = Sim::start("420102", 400, 96);
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

/// The 报表 page's export (the GUI's one call): each format is the file it says, named for its
/// days, in today's documents folder; a one-day CSV is the day's list, a longer one the totals.
#[test]
fn the_report_page_exports_xlsx_csv_and_pdf_for_a_day_and_a_range() {
    use zkdesk::desk::ExportFormat;
    let sim = Sim::start("420102", 400, 96);
    let (dir, _, name) = station_with_one(&sim);
    let desk = zkdesk_tests::fixtures::open(dir.path());
    let session = desk.login("A001", "zhuguan-2026", &now()).unwrap();
    let day = zkdesk::domain::office_day::of(&now()).to_string();
    let week_ago = (zkdesk::domain::office_day::of(&now()) - chrono::Days::new(6)).to_string();
    for (from, format, magic, file) in [
        (&day, ExportFormat::Xlsx, &b"PK\x03\x04"[..], format!("现场确认-{day}.xlsx")),
        (&day, ExportFormat::Csv, "\u{feff}".as_bytes(), format!("现场确认-{day}.csv")),
        (&day, ExportFormat::Pdf, b"%PDF", format!("现场确认-{day}.pdf")),
        (&week_ago, ExportFormat::Csv, "\u{feff}".as_bytes(), format!("现场确认统计-{week_ago}至{day}.csv")),
        (&week_ago, ExportFormat::Pdf, b"%PDF", format!("现场确认统计-{week_ago}至{day}.pdf")),
    ] {
        let path = desk.export_report(&session, from, &day, format, &now()).unwrap();
        assert_eq!(path.file_name().unwrap().to_str().unwrap(), file);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(magic), "{file} starts as a {format:?} file");
        if format == ExportFormat::Csv {
            let text = String::from_utf8(bytes).unwrap();
            assert_eq!(text.contains(&name), from == &day, "only the day's list names the candidate: {text}");
        }
    }
    let pdf = desk.export_report(&session, &day, &day, ExportFormat::Pdf, &now()).unwrap();
    assert!(poppler("pdftotext", &pdf).contains("日结单"), "a one-day PDF is the 日结单");
}

#[test]
fn printing_goes_to_cups_and_a_failure_says_why_and_keeps_the_file() {
    let sim = Sim::start("420102", 400, 97);
    let (dir, id, _) = station_with_one(&sim);
    let d = dir.path();
    let docs = d.join("documents");
    ok("documents dir", zkctl(d, &["--json", "settings", "set", "documents_dir", docs.to_str().unwrap(), "--supervisor", "A001"], &ENV));
    let desk = zkdesk_tests::fixtures::open(d);
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
    // cups-pdf writes what it printed under the job owner's ~/PDF, named after the job's title
    // (the file name, 回执-<id>.pdf, with non-ASCII bytes spelled out): wait for it to land.
    let home = std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME"));
    let printed = (0..300)
        .find_map(|_| {
            // Complete once it ends with the PDF trailer (cups-pdf writes it in place).
            let complete = |p: &std::path::PathBuf| std::fs::read(p).is_ok_and(|b| b.trim_ascii_end().ends_with(b"%%EOF"));
            let found = std::fs::read_dir(home.join("PDF"))
                .ok()?
                .flatten()
                .map(|e| e.path())
                .find(|p| p.to_string_lossy().contains(&id) && complete(p));
            if found.is_none() {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            found
        })
        .expect("cups-pdf wrote the printed receipt");
    // cups-pdf re-renders through Ghostscript (text comes back without its Unicode map), so the
    // printout is compared with the saved receipt as pictures: the same page, pixel for pixel near.
    let (a, b) = (page_pixels(std::path::Path::new(&o.path), d), page_pixels(&printed, d));
    assert_eq!(a.len(), b.len(), "same page size");
    let diff = a.iter().zip(&b).map(|(x, y)| (*x as f64 - *y as f64).abs()).sum::<f64>() / a.len() as f64;
    let ink = b.iter().filter(|p| **p < 128).count();
    assert!(ink > b.len() / 200, "the printout is not blank ({ink} dark pixels)");
    assert!(diff < 12.0, "the printout matches the receipt (mean difference {diff:.1} of 255)");
    assert!(!std::path::Path::new("回执-".to_string().as_str()).exists(), "nothing in the working directory");
}
