//! The counter with 1,000,000 cached registrations: lookup by id number (goal ≤ 1 ms p99) and
//! card frame in → candidate and eligibility ready (goal ≤ 50 ms p99). Criterion reports the
//! typical time; the p99 of 10,000 timed runs is printed before it.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::params;
use zkdesk::desk::Desk;
use zkdesk::idcard::samv::{join_read, parse_reply, Decoded, Reply, Status, StreamDecoder};
use zkdesk::idcard::{identity_from_read, text};
use zkdesk::store::registrations;
use zkdesk_tests::cards::with_check;
use zkdesk_tests::fixtures::card_for;

const N: u32 = 1_000_000;

fn id_of(i: u32) -> String {
    // Distinct, valid numbers: a birth date per i / 1000, an order per i % 1000.
    let day = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new((i / 1000) as u64);
    with_check(&format!("420102{}{:03}", day.format("%Y%m%d"), i % 1000))
}

fn store(dir: &std::path::Path) -> Desk {
    let (desk, _) = zkdesk_tests::fixtures::new_store(dir);
    desk.store().write(|tx| {
    tx.execute(
        "INSERT INTO station (id, station_id, server_url, token, region_code, region_name, county_code, county_name, office_name, device_name, enrolled_at)
         VALUES (1, 'ST-420102-01', 'http://127.0.0.1:1', 't', '4201', '武汉市', '420102', '江岸区', '江岸区自考办', 'bench', '2026-11-22T08:00:00+08:00')",
        [],
    )
    .unwrap();
    {
        let mut stmt = tx.prepare("INSERT INTO registration (registration_id, version, id_number, name, status, county_code, body, updated_at) VALUES (?1, 1, ?2, ?3, 'pre_registered', '420102', ?4, ?5)").unwrap();
        for i in 0..N {
            let id = id_of(i);
            let rid = format!("R20270102{i:07}");
            let body = serde_json::json!({
                "registration_id": rid, "version": 1, "kind": "new", "status": "pre_registered", "id_type": "resident",
                "id_number": id, "name": "张三", "gender": "1", "birth_date": "1990-03-07", "phone_masked": "138****1234",
                "region_code": "4201", "county_code": "420102", "major": {"code": "050101", "name": "汉语言文学", "level": "本科"},
                "chief_university": "华中师范大学", "upgrade": false, "prior_education": {"status": "not_required", "school": null, "certificate_no": null},
                "admission_number": null, "online_attempts": 1, "updated_at": "2026-11-20T21:04:11+08:00"
            });
            stmt.execute(params![rid, id, "张三", body.to_string(), "2026-11-20T21:04:11+08:00"]).unwrap();
        }
    }
    Ok::<_, rusqlite::Error>(())
    })
    .unwrap();
    desk
}

fn p99(mut f: impl FnMut(u32)) -> Duration {
    let mut d: Vec<Duration> = (0..10_000u32)
        .map(|k| {
            let t = Instant::now();
            f(k.wrapping_mul(7919) % N);
            t.elapsed()
        })
        .collect();
    d.sort();
    d[d.len() * 99 / 100]
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let desk = store(dir.path());
    eprintln!("seeded {N} registrations in {:.1} s", t.elapsed().as_secs_f64());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let conn = desk.store().conn();
    let lookup_p99 = p99(|i| assert_eq!(registrations::by_id_number(conn, &id_of(i)).unwrap().len(), 1));
    let frames: Vec<Vec<u8>> = (0..64u32)
        .map(|k| {
            let reg = registrations::by_id_number(conn, &id_of(k * 15_601 % N)).unwrap().remove(0);
            Reply::new(Status::Ok, join_read(&text::encode(&card_for(&reg)), &[0x11; 1024])).encode()
        })
        .collect();
    let card_to_candidate = |frame: &[u8]| {
        let mut dec = StreamDecoder::new();
        dec.push(frame);
        let Some(Decoded::Frame(body)) = dec.next_frame() else { panic!("frame") };
        let card = identity_from_read(&parse_reply(&body).unwrap().data).unwrap();
        let a = desk.assess_card(&card, today).unwrap();
        assert!(a.refusals.is_empty() && a.registration.is_some());
    };
    let ready_p99 = p99(|i| card_to_candidate(&frames[i as usize % frames.len()]));
    eprintln!("p99 over 10,000: lookup {:?}, card frame → candidate and eligibility {:?}", lookup_p99, ready_p99);

    let mut g = c.benchmark_group("desk_1m");
    let mut k = 0u32;
    g.bench_function("lookup_by_id_number", |b| {
        b.iter(|| {
            k = (k + 7919) % N;
            registrations::by_id_number(conn, &id_of(k)).unwrap()
        })
    });
    let mut j = 0usize;
    g.bench_function("card_frame_to_candidate_and_eligibility", |b| {
        b.iter(|| {
            j += 1;
            card_to_candidate(&frames[j % frames.len()])
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
