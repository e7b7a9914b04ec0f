//! Reports at scale: 30 days with 30,000 confirmations — JSON (goal ≤ 1 s), XLSX (≤ 3 s) and the
//! range PDF (≤ 3 s) — and one receipt PDF (≤ 150 ms). Run in release:
//! `cargo bench -p zkdesk-tests --bench report`.

use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use zkdesk::desk::{Desk, Session};

const DAYS: u32 = 30;
const PER_DAY: u32 = 1000;

/// A store with a supervisor and DAYS × PER_DAY confirmations of November 2026 (+08:00), each with
/// its registration and a small photo, written straight into the tables the way the counter does.
fn store(dir: &std::path::Path) -> (Desk, Session) {
    let (desk, session) = zkdesk_tests::fixtures::new_store(dir);
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").unwrap();
    let args = zkdesk::api::NewStaffArgs {
        staff_id: "A001".into(),
        name: "王主管".into(),
        role: zkdesk::api::Role::Supervisor,
        password: "zhuguan-2026".into(),
    };
    let _ = (&args, &now);
    desk.store()
        .write(|tx| {
            tx.execute(
                "INSERT INTO station (id, station_id, server_url, token, region_code, region_name, county_code, county_name, office_name, device_name, enrolled_at)
                 VALUES (1, 'ST-420102-01', 'http://127.0.0.1:1', 't', '4201', '武汉市', '420102', '江岸区', '武汉市江岸区自学考试办公室', 'bench', '2026-11-01T08:00:00+08:00')",
                [],
            )?;
            // One real 480×640 JPEG shared by every confirmation (the receipt embeds it).
            let mut jpeg = Vec::new();
            let img = image::RgbImage::from_fn(480, 640, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 200]));
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
            tx.execute(
                "INSERT INTO photo (photo_id, jpeg, sha256, width, height, dpi, checks, created_at) VALUES ('p', ?1, 'x', 480, 640, 300, '[]', '2026-11-01T08:00:00+08:00')",
                [jpeg],
            )?;
            let mut reg = tx.prepare("INSERT INTO registration (registration_id, version, id_number, name, status, county_code, body, updated_at) VALUES (?1, 1, ?2, ?3, 'confirmed', '420102', ?4, '2026-11-01T08:00:00+08:00')")?;
            let mut conf = tx.prepare(
                "INSERT INTO confirmation (confirmation_id, registration_id, registration_version, staff_id, confirmed_at, photo_id, card, flags, admission_number, number_source, state)
                 VALUES (?1, ?2, 1, 'A001', ?3, 'p', '{}', ?4, ?5, 'block', 'accepted')",
            )?;
            for d in 0..DAYS {
                for k in 0..PER_DAY {
                    let i = d * PER_DAY + k;
                    let rid = format!("R2027010{i:07}");
                    let id = zkdesk_tests::cards::with_check(&format!("42010219900307{:03}", i % 1000));
                    let body = serde_json::json!({
                        "registration_id": rid, "version": 1, "kind": if i % 10 < 7 { "new" } else { "enrolled" }, "status": "confirmed",
                        "id_type": "resident", "id_number": id, "name": format!("考生{i}"), "gender": "1", "birth_date": "1990-03-07",
                        "region_code": "4201", "county_code": "420102",
                        "major": {"code": format!("05010{}", i % 5), "name": "汉语言文学", "level": if i % 3 == 0 { "专科" } else { "本科" }},
                        "upgrade": false, "prior_education": {"status": "not_required"}, "updated_at": "2026-11-01T08:00:00+08:00"
                    });
                    reg.execute(params![rid, id, format!("考生{i}"), body.to_string()])?;
                    let at = format!("2026-11-{:02}T{:02}:{:02}:00+08:00", d + 1, 8 + k % 10, k % 60);
                    let flags = if k % 50 == 0 { "[\"name_mismatch\",\"supervisor_override\"]" } else { "[]" };
                    conf.execute(params![format!("c-{i}"), rid, at, flags, format!("0102271{i:05}")])?;
                }
            }
            Ok::<_, rusqlite::Error>(())
        })
        .unwrap();
    (desk, session)
}

fn reports(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (desk, s) = store(dir.path());
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-01T09:00:00+08:00").unwrap();
    let r = desk.report_range(&s, "2026-11-01", "2026-11-30", &now).unwrap();
    assert_eq!(r.total.confirmed, (DAYS * PER_DAY) as i64, "every confirmation is counted");
    let mut g = c.benchmark_group("report_30_days_30000");
    g.sample_size(10);
    g.bench_function("json", |b| {
        b.iter(|| serde_json::to_vec(&desk.report_range(&s, "2026-11-01", "2026-11-30", &now).unwrap()).unwrap())
    });
    g.bench_function("xlsx", |b| {
        b.iter(|| zkdesk::report::report_xlsx(&desk.report_range(&s, "2026-11-01", "2026-11-30", &now).unwrap()).unwrap())
    });
    g.bench_function("pdf", |b| b.iter(|| desk.range_pdf(&s, "2026-11-01", "2026-11-30", &now).unwrap()));
    g.finish();
    c.bench_function("receipt_pdf", |b| b.iter(|| desk.receipt_pdf(&s, "c-12345").unwrap()));
}

criterion_group!(benches, reports);
criterion_main!(benches);
