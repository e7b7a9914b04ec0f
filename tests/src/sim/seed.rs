//! Deterministic demo and test data: realistic candidates, enrollment codes, review tasks.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};
use serde_json::json;

use crate::cards::with_check;

pub const REGIONS: &str = include_str!("../../../src-tauri/reference/hubei-regions.tsv");
pub const MAJORS: &str = include_str!("../../../src-tauri/reference/majors.tsv");
pub const NATIONS: &str = include_str!("../../../src-tauri/reference/nations.tsv");

/// `(region_code, region_name, county_code, county_name)` rows.
pub fn regions() -> Vec<(String, String, String, String)> {
    REGIONS
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 4).then(|| (f[0].into(), f[1].into(), f[2].into(), f[3].trim().into()))
        })
        .collect()
}

/// `(code, name, level, chief_university)` rows.
pub fn majors() -> Vec<(String, String, String, String)> {
    MAJORS
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 4).then(|| (f[0].into(), f[1].into(), f[2].into(), f[3].trim().into()))
        })
        .collect()
}

pub fn county_name(code: &str) -> Option<(String, String, String)> {
    regions().into_iter().find(|r| r.2 == code).map(|r| (r.0, r.1, r.3))
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "平", "刚", "子涵",
    "浩然", "雨萱", "梓轩",
];
/// 生僻字, the usual cause of name mismatches: BMP rarities, an Extension A and a supplementary-plane character.
const RARE: &[&str] = &["喆", "堃", "犇", "淼", "垚", "昇", "㵘", "𠮷", "䶮", "頔"];

/// The exam sitting: two-digit year and sitting digit (`1` April, `2` October).
pub const SITTING: &str = "271";

pub struct SeedOptions {
    pub county: String,
    pub registrations: usize,
    pub seed: u64,
}

/// The status of candidate `i`: fixed shares so every state is always present.
fn status_of(i: usize) -> &'static str {
    match i % 25 {
        3 | 17 => "confirmed",
        9 => "cancelled",
        21 => "moved",
        _ => "pre_registered",
    }
}

fn prior_status_of(i: usize) -> &'static str {
    ["verified", "pending", "report_uploaded", "approved", "rejected", "verified"][i % 6]
}

/// Builds one registration body.
fn registration(rng: &mut StdRng, i: usize, county: &str, region: &str, seq: usize) -> serde_json::Value {
    let majors = majors();
    let (mcode, mname, level, chief) = &majors[rng.gen_range(0..majors.len())];
    let year = rng.gen_range(1972..=2006);
    let birth = chrono::NaiveDate::from_ymd_opt(year, rng.gen_range(1..=12), 1).unwrap() + chrono::Days::new(rng.gen_range(0..28));
    let order = rng.gen_range(0..1000u32);
    let id_number = with_check(&format!("{county}{}{order:03}", birth.format("%Y%m%d")));
    let gender = if (order % 2) == 1 { "1" } else { "2" };
    let surname = SURNAMES[rng.gen_range(0..SURNAMES.len())];
    let given = if i % 13 == 5 {
        format!("{}{}", GIVEN[rng.gen_range(0..GIVEN.len())], RARE[rng.gen_range(0..RARE.len())])
    } else {
        GIVEN[rng.gen_range(0..GIVEN.len())].to_string()
    };
    let kind = if i % 10 < 7 { "new" } else { "enrolled" };
    let upgrade = level == "本科" && i.is_multiple_of(2);
    let prior = if upgrade {
        json!({"status": prior_status_of(i / 2), "school": "湖北某职业技术学院", "certificate_no": format!("1{:016}", rng.gen_range(0..10_000_000_000_000_000u64))})
    } else {
        json!({"status": "not_required", "school": null, "certificate_no": null})
    };
    let admission = (kind == "enrolled").then(|| format!("{}262{:05}", &county[2..6], seq));
    json!({
        "registration_id": format!("R2027{}{:05}", &county[2..6], seq),
        "version": 1,
        "kind": kind,
        "status": status_of(i),
        "id_type": "resident",
        "id_number": id_number,
        "name": format!("{surname}{given}"),
        "gender": gender,
        "birth_date": birth.format("%Y-%m-%d").to_string(),
        "phone_masked": format!("13{}****{:04}", rng.gen_range(0..10), rng.gen_range(0..10000)),
        "region_code": region,
        "county_code": county,
        "major": {"code": mcode, "name": mname, "level": level},
        "chief_university": chief,
        "upgrade": upgrade,
        "prior_education": prior,
        "admission_number": admission,
        "online_attempts": rng.gen_range(0..6),
        "updated_at": "2026-11-20T21:04:11+08:00",
    })
}

/// Bytes standing in for an uploaded photo in review tasks (not a decodable JPEG).
pub const TINY_JPEG_B64: &str = "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wAALCAAIAAgBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAAA//EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AN//Z";
/// A minimal PDF standing in for an uploaded 学历认证报告.
pub const TINY_PDF_B64: &str =
    "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==";

/// The uploaded photo of the demo's photo tasks: a real portrait on its own (non-blue) background,
/// as JPEG — the kind of upload that fails the automatic checks. The tiny stand-in without the
/// sample photos.
fn task_photo_b64() -> &'static str {
    static PHOTO: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PHOTO.get_or_init(|| {
        use base64::Engine;
        let dir = std::env::var_os("ZKDESK_TESTDATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cache/testdata"));
        let Ok(img) = image::open(dir.join("astronaut.png")) else { return TINY_JPEG_B64.to_string() };
        let mut jpeg = Vec::new();
        let encoded = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img.to_rgb8());
        if encoded.is_err() {
            return TINY_JPEG_B64.to_string();
        }
        base64::engine::general_purpose::STANDARD.encode(jpeg)
    })
}

/// The demo's 学历认证报告: a real PDF with Chinese text, made by the station's own PDF writer;
/// the tiny stand-in when no CJK font is installed.
fn report_pdf_b64() -> &'static str {
    static PDF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PDF.get_or_init(|| {
        use base64::Engine;
        use zkdesk::report::pdf::{render, Item};
        let field = |l: &str, v: &str| Item::Field { label: l.into(), value: v.into() };
        let items = [
            Item::Title("教育部学历证书电子注册备案表".into()),
            Item::Text { text: "（模拟数据，仅供演示与测试）".into(), size: 10.0 },
            Item::Rule,
            field("毕业院校", "湖北某职业技术学院"),
            field("层次", "专科"),
            field("专业", "会计"),
            field("学习形式", "普通全日制"),
            field("毕业日期", "2019年06月30日"),
            field("证书编号", "1 0 5 2 0 1 2 0 1 9 0 6 0 0 0 1 2"),
            Item::Gap(20.0),
            Item::Text { text: "在线验证码：DEMO0000000000000000".into(), size: 10.0 },
        ];
        match render(&items, "学信网（模拟）") {
            Ok(pdf) => base64::engine::general_purpose::STANDARD.encode(pdf),
            Err(_) => TINY_PDF_B64.to_string(),
        }
    })
}

/// Seeds registrations for `county` (and a tenth as many in each other county of its region),
/// enrollment codes, and review tasks. Returns the enrollment codes for `county`.
pub fn seed(conn: &mut Connection, opts: &SeedOptions) -> rusqlite::Result<Vec<String>> {
    let (region, _, _) = county_name(&opts.county).unwrap_or_else(|| (opts.county[..4].to_string(), String::new(), String::new()));
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let tx = conn.transaction()?;
    let mut counties: Vec<(String, usize)> = vec![(opts.county.clone(), opts.registrations)];
    for (r, _, c, _) in regions() {
        if r == region && c != opts.county {
            counties.push((c, (opts.registrations / 10).max(2)));
        }
    }
    let mut ids = std::collections::HashSet::new();
    for (county, n) in &counties {
        let mut seq = 0;
        let mut i = 0;
        while seq < *n {
            let reg = registration(&mut rng, i, county, &region, seq + 1);
            i += 1;
            if !ids.insert(reg["id_number"].as_str().unwrap().to_string()) {
                continue;
            }
            seq += 1;
            let body = reg.to_string();
            tx.execute(
                "INSERT INTO registration (registration_id, version, region_code, county_code, status, body) VALUES (?1, 1, ?2, ?3, ?4, ?5)",
                params![reg["registration_id"].as_str(), region, county, reg["status"].as_str(), body],
            )?;
            tx.execute(
                "INSERT INTO reg_change (registration_id, region_code, body) VALUES (?1, ?2, ?3)",
                params![reg["registration_id"].as_str(), region, body],
            )?;
            // Review work for this county's office.
            if county == &opts.county && i % 40 == 7 {
                add_task(&tx, &reg, "photo", county)?;
            }
            if county == &opts.county && reg["prior_education"]["status"] == "report_uploaded" {
                add_task(&tx, &reg, "prior_education", county)?;
            }
        }
    }
    let mut codes = Vec::new();
    for k in 0..5 {
        let code = format!("{}{:04}", &opts.county[2..6], (opts.seed as usize * 7919 + k * 104_729) % 10_000);
        tx.execute("INSERT OR IGNORE INTO enrollment_code (code, county_code) VALUES (?1, ?2)", params![code, opts.county])?;
        codes.push(code);
    }
    tx.commit()?;
    Ok(codes)
}

fn add_task(tx: &rusqlite::Transaction<'_>, reg: &serde_json::Value, kind: &str, county: &str) -> rusqlite::Result<()> {
    let task_id = format!("T{}-{}", &reg["registration_id"].as_str().unwrap()[1..], kind);
    let body = json!({
        "task_id": task_id, "version": 1, "kind": kind, "status": "open",
        "registration_id": reg["registration_id"], "created_at": "2026-11-21T10:00:00+08:00",
        "photo": if kind == "photo" { json!({"jpeg_base64": task_photo_b64(), "auto_check_failures": ["background"]}) } else { serde_json::Value::Null },
        "documents": if kind == "prior_education" { json!([{"name": "学历认证报告.pdf", "media_type": "application/pdf", "content_base64": report_pdf_b64()}]) } else { json!([]) },
        "declared": if kind == "prior_education" { json!({"school": reg["prior_education"]["school"], "certificate_no": reg["prior_education"]["certificate_no"], "graduation_date": "2019-06-30"}) } else { serde_json::Value::Null },
    });
    tx.execute(
        "INSERT INTO review_task (task_id, version, county_code, status, body) VALUES (?1, 1, ?2, 'open', ?3)",
        params![task_id, county, body.to_string()],
    )?;
    tx.execute("INSERT INTO task_change (task_id, county_code, body) VALUES (?1, ?2, ?3)", params![task_id, county, body.to_string()])?;
    Ok(())
}
