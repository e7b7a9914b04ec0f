//! `zkctl confirm` end to end against the simulator: confirm, sync, and the province holds the
//! confirmation with the photo and the flags; the receipt's number is the one it accepted.
//! Then SIGKILL during confirm, many times: never half a record, never a reused number.

use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use zkdesk_tests::fixtures::{card_file, card_for, confirmable, good_photo_file, now};
use zkdesk_tests::sim::Sim;
use zkdesk_tests::{workspace_bin, zkctl};

const ENV: [(&str, &str); 3] =
    [("ZKDESK_PASSWORD", "shouli-2026"), ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026"), ("ZKDESK_NEW_PASSWORD", "shouli-2026")];

/// A station set up through the CLI: supervisor, counter staff, enrolled, synced.
fn station(sim: &Sim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = |o: std::process::Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    ok(zkctl(d, &["staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &[("ZKDESK_NEW_PASSWORD", "zhuguan-2026")]));
    ok(zkctl(d, &["staff", "add", "--id", "S001", "--name", "李受理", "--role", "counter", "--supervisor", "A001"], &ENV));
    ok(zkctl(d, &["station", "enroll", "--supervisor", "A001", "--server", &sim.base_url(), "--code", &sim.codes[0]], &ENV));
    ok(zkctl(d, &["sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    dir
}

fn sim_row(sim: &Sim, registration_id: &str) -> (String, String, String, i64) {
    sim.state
        .db()
        .query_row(
            "SELECT admission_number, flags, photo_sha256, photo_bytes FROM confirmation WHERE registration_id = ?1",
            [registration_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
}

#[test]
fn confirm_then_sync_lands_at_the_province() {
    let sim = Sim::start("420102", 300, 51);
    let dir = station(&sim);
    let d = dir.path();
    let (regs, photo) = {
        let desk = zkdesk_tests::fixtures::open(d);
        (confirmable(&desk, 10), good_photo_file(d))
    };
    let new = regs.iter().find(|r| r.kind == "new").unwrap();
    let reader = card_file(d, &[card_for(new)]);
    let out = zkctl(d, &["--json", "confirm", "--reader", &reader, "--photo", photo.to_str().unwrap(), "--staff", "S001"], &ENV);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["registration_id"], new.registration_id.as_str());
    let printed = v["admission_number"].as_str().expect("a leased number is printed at once").to_string();
    assert_eq!(v["flags"], serde_json::json!([]));

    // A name that differs (生僻字 on the chip), with a supervisor's override.
    let other = regs.iter().filter(|r| r.kind == "new").nth(1).unwrap();
    let odd = zkdesk::idcard::IdentityCard { name: format!("{}\u{E0A1}", other.name), ..card_for(other) };
    let reader2 = card_file(d, &[odd]);
    let refused = zkctl(d, &["--json", "confirm", "--reader", &reader2, "--photo", photo.to_str().unwrap(), "--staff", "S001"], &ENV);
    assert_eq!(refused.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(r["refused"]["code"], "NAME_MISMATCH");
    let out = zkctl(
        d,
        &[
            "--json",
            "confirm",
            "--reader",
            &reader2,
            "--photo",
            photo.to_str().unwrap(),
            "--staff",
            "S001",
            "--supervisor",
            "A001",
            "--override",
            "name_mismatch",
        ],
        &ENV,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let sync = zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]);
    assert!(sync.status.success(), "{}", String::from_utf8_lossy(&sync.stderr));
    let report: serde_json::Value = serde_json::from_slice(&sync.stdout).unwrap();
    assert_eq!(report["accepted"], 2);

    let (number, flags, sha, bytes) = sim_row(&sim, &new.registration_id);
    assert_eq!(number, printed, "the receipt's number is the one the province accepted");
    assert_eq!(flags, "[]");
    let local_sha: String = zkdesk_tests::fixtures::open(d).store().conn().query_row("SELECT sha256 FROM photo", [], |r| r.get(0)).unwrap();
    assert_eq!(sha, local_sha);
    assert!((20_000..=40_000).contains(&bytes));
    let (_, flags, _, _) = sim_row(&sim, &other.registration_id);
    assert!(flags.contains("name_mismatch") && flags.contains("supervisor_override"), "{flags}");

    // Swiped again after it is done: refused, receipt offered.
    let again = zkctl(d, &["--json", "confirm", "--reader", &reader, "--photo", photo.to_str().unwrap(), "--staff", "S001"], &ENV);
    let r: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(r["refused"]["code"], "ALREADY_CONFIRMED");

    // lookup shows both the province's record and ours.
    let l = zkctl(d, &["--json", "lookup", &new.id_number, "--staff", "S001"], &ENV);
    let l: serde_json::Value = serde_json::from_slice(&l.stdout).unwrap();
    assert_eq!(l["items"][0]["local_status"], "accepted");
    assert_eq!(l["items"][0]["registration_id"], new.registration_id.as_str());
}

#[test]
fn a_wrong_staff_password_is_refused() {
    let sim = Sim::start("420102", 50, 52);
    let dir = station(&sim);
    let d = dir.path();
    let reg = confirmable(&zkdesk_tests::fixtures::open(d), 1).remove(0);
    let reader = card_file(d, &[card_for(&reg)]);
    let out = zkctl(
        d,
        &["--json", "confirm", "--reader", &reader, "--photo", good_photo_file(d).to_str().unwrap(), "--staff", "S001"],
        &[("ZKDESK_PASSWORD", "nope")],
    );
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["refused"]["code"], "NOT_AUTHORIZED");
}

#[test]
fn killed_confirms_leave_whole_records_and_unique_numbers() {
    let sim = Sim::start("420102", 400, 53);
    let dir = station(&sim);
    let d = dir.path();
    let regs: Vec<_> = confirmable(&zkdesk_tests::fixtures::open(d), 40).into_iter().filter(|r| r.kind == "new").take(16).collect();
    let photo = good_photo_file(d);
    let mut rng = rand::rngs::StdRng::seed_from_u64(53);
    for r in &regs {
        let reader = card_file(d, &[card_for(r)]);
        let mut child = Command::new(workspace_bin("zkctl"))
            .args([
                "--data-dir",
                d.to_str().unwrap(),
                "confirm",
                "--reader",
                &reader,
                "--photo",
                photo.to_str().unwrap(),
                "--staff",
                "S001",
            ])
            .env("ZKDESK_PASSWORD", "shouli-2026")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(50..1200)));
        let _ = child.kill(); // SIGKILL, wherever it is
        let _ = child.wait();
    }
    let desk = zkdesk_tests::fixtures::open(d);
    let c = desk.store().conn();
    let n = |sql: &str| -> i64 { c.query_row(sql, [], |r| r.get(0)).unwrap() };
    let confirmed = n("SELECT COUNT(*) FROM confirmation");
    // Whole records only: each confirmation has its photo, outbox row and audit event.
    assert_eq!(n("SELECT COUNT(*) FROM photo"), confirmed);
    assert_eq!(n("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"), confirmed);
    assert_eq!(n("SELECT COUNT(*) FROM audit_event WHERE kind = 'confirmed'"), confirmed);
    assert_eq!(n("SELECT COUNT(*) FROM confirmation c LEFT JOIN photo p ON p.photo_id = c.photo_id WHERE p.photo_id IS NULL"), 0);
    // Numbers: unique, and exactly the ones the blocks handed out.
    let numbered = n("SELECT COUNT(*) FROM confirmation WHERE number_source = 'block'");
    assert_eq!(n("SELECT COUNT(DISTINCT admission_number) FROM confirmation WHERE admission_number IS NOT NULL"), numbered);
    assert_eq!(n("SELECT COALESCE(SUM(next_seq - first_seq), 0) FROM number_block"), numbered);
    assert!(desk.audit_verify().unwrap().ok);
    drop(desk);
    eprintln!("{confirmed} of {} confirmations completed before their kill", regs.len());

    // And the province accepts each exactly once, with no number used twice.
    let d2 = zkdesk_tests::fixtures::open(d);
    let r = d2.sync_now(&now, true, &mut |_| {}).unwrap();
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!(r.parked, 0);
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM confirmation"), confirmed);
    assert_eq!(sim.state.scalar("SELECT COUNT(DISTINCT admission_number) FROM confirmation"), confirmed);
}
