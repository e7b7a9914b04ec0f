//! SIGKILL the syncing `zkctl` at random points, many times; restart and sync: every
//! confirmation reaches the province exactly once, cursors are right, no number is used twice.

use std::process::{Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use zkdesk_tests::fixtures::{confirmable, enrolled, now, record};
use zkdesk_tests::sim::{Faults, Sim};
use zkdesk_tests::workspace_bin;

fn zkctl_sync(dir: &std::path::Path) -> std::process::Child {
    Command::new(workspace_bin("zkctl"))
        .arg("--data-dir")
        .arg(dir)
        .args(["sync", "--supervisor", "A001"])
        .env("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("zkctl runs (cargo build --workspace first)")
}

#[test]
fn killed_syncs_never_lose_or_duplicate() {
    let sim = Sim::start("420102", 800, 41);
    let (dir, desk) = enrolled(&sim, 0);
    desk.sync_now(&now, true, &mut |_| {}).unwrap();
    let regs = confirmable(&desk, 30);
    for r in &regs {
        record(&desk, r, None);
    }
    drop(desk);
    // Work for the feeds too, and slow answers so kills land mid-flight.
    for r in confirmable(&zkdesk_tests::fixtures::open(dir.path()), 200).iter().skip(30) {
        sim.state.change_registration(&r.registration_id, |v| v["online_attempts"] = 9.into());
    }
    sim.state.set_faults(Faults { slow_ms: 15, drop_after_commit: 0.2, ..Faults::none() });

    let mut rng = rand::rngs::StdRng::seed_from_u64(41);
    for _ in 0..25 {
        let mut child = zkctl_sync(dir.path());
        // zkctl first opens the store as A001 (two Argon2id runs, about half a second in a debug
        // build): the kills are aimed past that, into the cycle itself.
        std::thread::sleep(Duration::from_millis(600 + rng.gen_range(0..250)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }

    sim.state.set_faults(Faults::none());
    let mut ok = false;
    for _ in 0..5 {
        if zkctl_sync(dir.path()).wait().unwrap().success() {
            ok = true;
            break;
        }
    }
    assert!(ok, "a clean sync finishes after the kills");

    // Exactly once, asserted on the simulator's own state.
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM confirmation"), 30);
    assert_eq!(sim.state.scalar("SELECT COUNT(DISTINCT registration_id) FROM confirmation"), 30);
    assert_eq!(sim.state.scalar("SELECT COUNT(DISTINCT admission_number) FROM confirmation"), 30);
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM outcome WHERE kind = 'confirmation' AND result NOT LIKE '%accepted%'"), 0);

    let desk = zkdesk_tests::fixtures::open(dir.path());
    let s = desk.status().unwrap();
    assert_eq!((s.outbox_pending, s.outbox_parked), (0, 0));
    let c = desk.store().conn();
    let accepted: i64 = c.query_row("SELECT COUNT(*) FROM confirmation WHERE state = 'accepted'", [], |r| r.get(0)).unwrap();
    assert_eq!(accepted, 30);

    // The feed cursor is the simulator's last change, and every cached version matches.
    let cursor: String = c.query_row("SELECT cursor FROM feed_cursor WHERE feed = 'registrations'", [], |r| r.get(0)).unwrap();
    assert_eq!(cursor, format!("c{}", sim.state.scalar("SELECT MAX(seq) FROM reg_change WHERE region_code = '4201'")));
    let sim_versions: Vec<(String, i64)> = {
        let db = sim.state.db();
        let mut st =
            db.prepare("SELECT registration_id, version FROM registration WHERE region_code = '4201' ORDER BY registration_id").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    };
    let mut st = c.prepare("SELECT registration_id, version FROM registration ORDER BY registration_id").unwrap();
    let local: Vec<(String, i64)> = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    assert_eq!(local, sim_versions);

    // Every block the station holds was leased to it, none twice.
    let blocks: i64 = c.query_row("SELECT COUNT(*) FROM number_block", [], |r| r.get(0)).unwrap();
    assert_eq!(blocks, sim.state.scalar("SELECT COUNT(*) FROM block"));
    assert!(desk.audit_verify().unwrap().ok);
}
