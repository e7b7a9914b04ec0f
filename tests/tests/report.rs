//! Reports through `zkctl report`: the numbers match `zkctl today` exactly, CSV opens in Excel in
//! Chinese (BOM, headings), XLSX holds the list and the statistics.

use serde_json::Value;
use zkdesk_tests::fixtures::{card_file, card_for, confirmable, good_photo_file, now};
use zkdesk_tests::sim::Sim;
use zkdesk_tests::station::*;
use zkdesk_tests::zkctl;



/// The workbook as an independent reader sees it (openpyxl, installed by scripts/setup.sh into
/// .cache/pylib): `{sheet: [[cell as text]]}`.
fn openpyxl(path: &std::path::Path) -> Value {
    let pylib = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cache/pylib");
    let script = "import json, sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nprint(json.dumps({ws.title: [[('' if c is None else str(c)) for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}, ensure_ascii=False))";
    let out = std::process::Command::new("python3").env("PYTHONPATH", &pylib).args(["-c", script]).arg(path).output().expect("python3 runs");
    assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The text of one member of a zip file (XLSX), read with Python's standard library.
fn zip_member(path: &std::path::Path, member: &str) -> String {
    let out = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())"])
        .arg(path)
        .arg(member)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{member}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn reports_match_the_day_list_and_export_in_chinese() {
    let sim = Sim::start("420102", 150, 91);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let regs = confirmable(&zkdesk_tests::fixtures::open(d), 10);
    let photo = good_photo_file(d);
    let mut ids = Vec::new();
    for (i, r) in regs.iter().take(4).enumerate() {
        let card = if i == 3 { zkdesk::idcard::IdentityCard { name: format!("{}\u{E0A1}", r.name), ..card_for(r) } } else { card_for(r) };
        let reader = card_file(d, &[card]);
        let mut args = vec!["--json", "confirm", "--reader", &reader, "--photo", photo.to_str().unwrap(), "--staff", "S001"];
        if i == 3 {
            args.extend(["--supervisor", "A001", "--override", "name_mismatch"]);
        }
        ids.push(ok("confirm", zkctl(d, &args, &ENV))["confirmation_id"].as_str().unwrap().to_string());
    }
    ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    ok("revoke", zkctl(d, &["--json", "revoke", &ids[0], "--supervisor", "A001", "--reason", "重复确认"], &ENV));
    let date = zkdesk::domain::office_day::of(&now()).to_string();

    let today = ok("today", zkctl(d, &["--json", "today", "--supervisor", "A001", "--date", &date], &ENV));
    let out = d.join("day.json");
    ok("report json", zkctl(d, &["--json", "report", "daily", "--supervisor", "A001", "--date", &date, "--format", "json", "-o", out.to_str().unwrap()], &ENV));
    let r: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let day = &r["days"][0];
    for k in ["confirmed", "revoked", "flagged", "signed_off"] {
        assert_eq!(day[k], today["totals"][k], "{k} matches zkctl today");
    }
    assert_eq!((day["confirmed"].as_i64(), day["revoked"].as_i64(), day["flagged"].as_i64()), (Some(3), Some(1), Some(1)));
    let sum = |m: &Value| m.as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum::<i64>();
    assert_eq!(sum(&day["by_staff"]), 3);
    assert_eq!(sum(&day["by_hour"]), 3);
    assert_eq!(sum(&day["by_major"]), 3);
    assert_eq!(day["new"].as_i64().unwrap() + day["enrolled"].as_i64().unwrap(), 3);
    assert_eq!(r["total"]["confirmed"], 3);

    let csv = d.join("day.csv");
    ok("report csv", zkctl(d, &["--json", "report", "daily", "--supervisor", "A001", "--date", &date, "--format", "csv", "-o", csv.to_str().unwrap()], &ENV));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "UTF-8 with BOM");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.lines().next().unwrap().contains("确认时间,报名号,姓名"));
    assert_eq!(text.lines().count(), 1 + 4 + 1, "heading, four confirmations, totals");
    assert!(text.contains("已撤销") && text.contains("姓名不一致"));

    let xlsx = d.join("range.xlsx");
    let yesterday = (zkdesk::domain::office_day::of(&now()) - chrono::Days::new(1)).to_string();
    ok(
        "report xlsx",
        zkctl(d, &["--json", "report", "range", "--supervisor", "A001", "--from", &yesterday, "--to", &date, "--format", "xlsx", "-o", xlsx.to_str().unwrap()], &ENV),
    );
    let book = zip_member(&xlsx, "xl/workbook.xml");
    assert!(book.contains("确认明细") && book.contains("统计"), "{book}");
    let strings = zip_member(&xlsx, "xl/sharedStrings.xml");
    assert!(strings.contains(&regs[1].name), "the list carries the candidates");
    let sheet = zip_member(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<pane") && sheet.contains("frozen"), "frozen header row");
    let wb = openpyxl(&xlsx);
    let list = wb["确认明细"].as_array().unwrap();
    assert_eq!(list[0][0], "确认时间");
    assert_eq!(list[0][2], "姓名");
    assert_eq!(list.len(), 1 + 4 + 1, "heading, the four confirmations, the totals row");
    assert!(list[1][0].as_str().unwrap().starts_with(&date), "times are dates: {}", list[1][0]);
    let totals = list.last().unwrap()[1].as_str().unwrap().to_string();
    assert!(totals.contains("确认 3") && totals.contains("撤销 1"), "{totals}");
    let stats = wb["统计"].as_array().unwrap();
    let total_row = stats.iter().find(|r| r[0] == "合计").expect("a totals row");
    for (col, key) in [(1, "confirmed"), (2, "revoked"), (3, "new"), (4, "enrolled"), (5, "flagged"), (6, "signed_off")] {
        let n: f64 = total_row[col].as_str().unwrap().parse().unwrap();
        assert_eq!(n as i64, r["total"][key].as_i64().unwrap(), "{key} in the XLSX equals the JSON");
    }

    let json_range = d.join("range.json");
    ok("range json", zkctl(d, &["--json", "report", "range", "--supervisor", "A001", "--from", &yesterday, "--to", &date, "--format", "json", "-o", json_range.to_str().unwrap()], &ENV));
    let rr: Value = serde_json::from_slice(&std::fs::read(&json_range).unwrap()).unwrap();
    assert_eq!(rr["days"].as_array().unwrap().len(), 2);
    assert_eq!(rr["days"][0]["confirmed"], 0);
    assert_eq!(rr["total"]["confirmed"], 3);

    let backwards = zkctl(d, &["--json", "report", "range", "--supervisor", "A001", "--from", &date, "--to", &yesterday, "--format", "json", "-o", "/dev/null"], &ENV);
    assert_eq!(backwards.status.code(), Some(1));
    let counter = zkctl(d, &["--json", "report", "daily", "--supervisor", "S001", "--date", &date, "--format", "json", "-o", "/dev/null"], &[("ZKDESK_SUPERVISOR_PASSWORD", "shouli-2026")]);
    assert_eq!(counter.status.code(), Some(1), "supervisors only");
}
