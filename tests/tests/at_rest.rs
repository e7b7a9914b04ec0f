//! Issue 15, encryption at rest: the data directory holds nothing readable about a candidate,
//! the store opens only with a password (or the recovery key), a plaintext store of an earlier
//! version is encrypted in place at the first supervisor login, accounts get their wraps, and
//! every store command of `zkctl` needs a login.

use std::path::Path;

use zkdesk::desk::{Actor, Desk};
use zkdesk::store::{confirmations, Store};
use zkdesk_tests::fixtures::{self, confirmable, enrolled, now, record};
use zkdesk_tests::sim::Sim;
use zkdesk_tests::station::{ok, refused, supervised_station, ENV};
use zkdesk_tests::zkctl;

const SUP_ENV: [(&str, &str); 1] = [("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")];

/// Every file under `dir` (recursively), raw bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The files of `dir` that hold any of `needles` (name of the file, which needle).
fn findings(dir: &Path, needles: &[(&str, Vec<u8>)]) -> Vec<String> {
    let mut found = Vec::new();
    for (file, bytes) in files(dir) {
        for (what, n) in needles {
            if contains(&bytes, n) {
                found.push(format!("{what} in {file}"));
            }
        }
    }
    found
}

/// A confirmed and synced candidate in `desk`; what to look for: the id number, the name (UTF-8)
/// and the photo's first 12 bytes (FF D8 FF and what follows: three bytes alone would turn up
/// by chance in a few MB of ciphertext now and then, twelve never do).
fn confirm_and_sync(desk: &Desk) -> Vec<(&'static str, Vec<u8>)> {
    desk.sync_now(&now, true, &mut |_| {}).unwrap();
    let reg = confirmable(desk, 1).remove(0);
    record(desk, &reg, None);
    let r = desk.sync_now(&now, true, &mut |_| {}).unwrap();
    assert_eq!(r.accepted, 1, "{r:?}");
    let jpeg = fixtures::photo_bytes(reg.version as u8);
    assert_eq!(&jpeg[..3], &[0xFF, 0xD8, 0xFF]);
    vec![("id number", reg.id_number.into_bytes()), ("name", reg.name.into_bytes()), ("JPEG", jpeg[..12].to_vec())]
}

#[test]
fn no_id_number_name_or_photo_is_readable_in_any_file_of_the_data_directory() {
    let sim = Sim::start("420102", 60, 151);
    // The control: the same through a plaintext store, so the scan is known to find them.
    let plain_dir = tempfile::tempdir().unwrap();
    let plain = Desk::over(Store::open_plaintext(plain_dir.path()).unwrap(), plain_dir.path(), None);
    plain.enroll_station(&Actor::Bootstrap, &sim.base_url(), &sim.codes[1], "control", &now()).unwrap();
    let s001 = zkdesk::api::NewStaffArgs { staff_id: "S001".into(), name: "受理员".into(), role: zkdesk::api::Role::Counter, password: "shouli-2026".into() };
    plain.staff_add(&Actor::Bootstrap, &s001, &now()).unwrap();
    let needles = confirm_and_sync(&plain);
    let control = findings(plain_dir.path(), &needles);
    for (what, _) in &needles {
        assert!(control.iter().any(|f| f.starts_with(what)), "the scan finds the {what} in a plaintext store: {control:?}");
    }

    let (dir, desk) = enrolled(&sim, 0);
    let needles = confirm_and_sync(&desk);
    // While the store is open (WAL and SHM present) and after it is closed.
    let wal = dir.path().join(format!("{}-wal", zkdesk::store::DB_FILE));
    assert!(wal.exists(), "the WAL is there to be scanned");
    assert_eq!(findings(dir.path(), &needles), Vec::<String>::new());
    drop(desk);
    assert_eq!(findings(dir.path(), &needles), Vec::<String>::new());
}

#[test]
fn a_wrong_password_or_none_cannot_open_the_store() {
    let sim = Sim::start("420102", 20, 152);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let out = zkctl(d, &["status", "--staff", "S001"], &[("ZKDESK_PASSWORD", "not-the-password")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("工号或密码错误"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zkctl(d, &["status", "--staff", "S001"], &[]);
    assert_ne!(out.status.code(), Some(0), "no password, no store");
    assert!(String::from_utf8_lossy(&out.stderr).contains("ZKDESK_PASSWORD"));
    // Raw SQLite without the key, or with another, reads nothing.
    let raw = rusqlite::Connection::open(d.join(zkdesk::store::DB_FILE)).unwrap();
    let e = raw.query_row("SELECT count(*) FROM registration", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(e.to_string().contains("not a database"), "{e}");
    let other = zkdesk::keyring::DataKey::random();
    raw.pragma_update(None, "key", &*other.sqlcipher_literal()).unwrap();
    assert!(raw.query_row("SELECT count(*) FROM registration", [], |r| r.get::<_, i64>(0)).is_err());
    assert!(matches!(Store::open(d, &other), Err(zkdesk::store::StoreError::WrongKey(_))));
    // With the right password the data is there.
    let v = ok("status", zkctl(d, &["--json", "status", "--staff", "S001"], &ENV));
    assert!(v["registrations"].as_i64().unwrap() > 0, "{v}");
}

#[test]
fn the_recovery_key_opens_the_store_and_sets_a_new_password() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let created = ok("create", zkctl(d, &["--json", "staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &[("ZKDESK_NEW_PASSWORD", "zhuguan-2026")]));
    let key = created["recovery_key"].as_str().unwrap().to_string();
    assert_eq!(key.len(), 39, "{key}");
    ok("blacklist", zkctl(d, &["blacklist", "add", "11010519491231002X", "--reason", "冒名", "--supervisor", "A001"], &SUP_ENV));
    assert!(!std::fs::read_to_string(d.join("keyring.json")).unwrap().contains(&key), "the recovery key is not stored");

    let wrong = zkctl(d, &["recover", "--staff", "A001"], &[("ZKDESK_RECOVERY_KEY", "0000-0000-0000-0000-0000-0000-0000-0000"), ("ZKDESK_NEW_PASSWORD", "xin-mima-2026")]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("恢复密钥不正确"));
    let typed = key.to_lowercase().replace('-', " ");
    ok("recover", zkctl(d, &["--json", "recover", "--staff", "A001"], &[("ZKDESK_RECOVERY_KEY", &typed), ("ZKDESK_NEW_PASSWORD", "xin-mima-2026")]));

    let list = ok("list", zkctl(d, &["--json", "blacklist", "list", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "xin-mima-2026")]));
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "the new password sees the data: {list}");
    let old = zkctl(d, &["blacklist", "list", "--supervisor", "A001"], &SUP_ENV);
    assert_eq!(old.status.code(), Some(1), "the old password no longer opens it");
    let audit = ok("audit", zkctl(d, &["--json", "audit", "verify", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "xin-mima-2026")]));
    assert_eq!(audit["ok"], true);
    let desk = Desk::unlock(d, "A001", "xin-mima-2026", &now()).unwrap().desk;
    assert_eq!(zkdesk::store::audit::recent(desk.store().conn(), 50).unwrap().iter().filter(|e| e.kind == "password_recovered").count(), 1);
}

#[test]
fn a_plaintext_store_is_encrypted_in_place_at_the_first_supervisor_login() {
    let sim = Sim::start("420102", 40, 153);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The store as the previous version made it: plaintext, argon2 hashes in the staff table.
    let (confirmation_id, counts) = {
        let desk = Desk::over(Store::open_plaintext(d).unwrap(), d, None);
        let add = |actor: &Actor, id: &str, role, pw: &str| {
            let args = zkdesk::api::NewStaffArgs { staff_id: id.into(), name: format!("员工{id}"), role, password: pw.into() };
            desk.staff_add(actor, &args, &now()).unwrap();
        };
        add(&Actor::Bootstrap, "A001", zkdesk::api::Role::Supervisor, "zhuguan-2026");
        let sup = Actor::Staff(desk.login("A001", "zhuguan-2026", &now()).unwrap());
        add(&sup, "S001", zkdesk::api::Role::Counter, "shouli-2026");
        desk.enroll_station(&sup, &sim.base_url(), &sim.codes[0], "old", &now()).unwrap();
        desk.sync_now(&now, true, &mut |_| {}).unwrap();
        let item = record(&desk, &confirmable(&desk, 1)[0], None);
        let c = desk.store().conn();
        let count = |t: &str| c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap();
        let counts: Vec<i64> = ["registration", "confirmation", "photo", "outbox", "staff", "number_block"].iter().map(|t| count(t)).collect();
        (item.confirmation_id, counts)
    };
    assert_eq!(zkdesk::store::is_plaintext(d).unwrap(), Some(true));
    assert!(!d.join("keyring.json").exists());

    // A counter cannot be the one who encrypts it.
    let out = zkctl(d, &["status", "--staff", "S001"], &ENV);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("尚未加密"), "{}", String::from_utf8_lossy(&out.stderr));
    // The first supervisor login encrypts it and shows the recovery key once (stderr).
    let out = zkctl(d, &["--json", "status", "--supervisor", "A001"], &SUP_ENV);
    let v = ok("status", out.clone());
    assert_eq!(v["registrations"], counts[0]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("恢复密钥"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(zkdesk::store::is_plaintext(d).unwrap(), Some(false), "the file is no longer plaintext");
    for f in ["zkdesk.sqlite3.encrypting", "keyring.json.new"] {
        assert!(!d.join(f).exists(), "{f} left behind");
    }

    let desk = fixtures::open(d);
    let c = desk.store().conn();
    let count = |t: &str| c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap();
    let after: Vec<i64> = ["registration", "confirmation", "photo", "outbox", "staff", "number_block"].iter().map(|t| count(t)).collect();
    assert_eq!(after, counts, "every row kept");
    assert!(confirmations::get(c, &confirmation_id).unwrap().is_some(), "the confirmation is there");
    assert!(desk.audit_verify().unwrap().ok);
    drop(desk);
    ok("audit", zkctl(d, &["--json", "audit", "verify", "--supervisor", "A001"], &SUP_ENV));

    // S001 has no wrap yet: told so in Chinese; after a supervisor's reset it opens the store.
    let out = zkctl(d, &["status", "--staff", "S001"], &ENV);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("请主管重置本账号的密码"), "{}", String::from_utf8_lossy(&out.stderr));
    ok("reset", zkctl(d, &["staff", "reset-password", "S001", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026"), ("ZKDESK_NEW_PASSWORD", "chongzhi-2026")]));
    ok("S001 after reset", zkctl(d, &["status", "--staff", "S001"], &[("ZKDESK_PASSWORD", "chongzhi-2026")]));
}

#[test]
fn adding_an_account_or_resetting_a_password_rewraps_the_key() {
    let sim = Sim::start("420102", 10, 154);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let before = std::fs::read_to_string(d.join("keyring.json")).unwrap();
    let sup_new = [("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026"), ("ZKDESK_NEW_PASSWORD", "xinren-2026")];
    ok("add", zkctl(d, &["staff", "add", "--id", "S002", "--name", "新人", "--role", "counter", "--supervisor", "A001"], &sup_new));
    ok("S002 opens the store", zkctl(d, &["status", "--staff", "S002"], &[("ZKDESK_PASSWORD", "xinren-2026")]));
    let ring = zkdesk::keyring::Keyring::load(d).unwrap();
    assert!(ring.has_wrap("S002"));
    let old: serde_json::Value = serde_json::from_str(&before).unwrap();
    let new: serde_json::Value = serde_json::to_value(&ring).unwrap();
    assert_eq!(old["wraps"]["A001"], new["wraps"]["A001"], "nothing else changes");
    assert_eq!(old["recovery"], new["recovery"]);

    let reset = [("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026"), ("ZKDESK_NEW_PASSWORD", "chongzhi-2026")];
    ok("reset", zkctl(d, &["staff", "reset-password", "S001", "--supervisor", "A001"], &reset));
    let out = zkctl(d, &["status", "--staff", "S001"], &ENV);
    assert_eq!(out.status.code(), Some(1), "the old password of S001 no longer opens the store");
    ok("S001 new password", zkctl(d, &["status", "--staff", "S001"], &[("ZKDESK_PASSWORD", "chongzhi-2026")]));
}

#[test]
fn store_commands_need_a_login_and_enroll_needs_a_supervisor() {
    let sim = Sim::start("420102", 10, 155);
    let dir = supervised_station(&sim);
    let d = dir.path();
    for args in [vec!["--json", "status"], vec!["--json", "sync"], vec!["--json", "lookup", "11010519491231002X"], vec!["--json", "station", "show"]] {
        let none = zkctl(d, &args, &ENV);
        assert_eq!(none.status.code(), Some(2), "{args:?} without --staff/--supervisor: {}", String::from_utf8_lossy(&none.stdout));
        let mut wrong = args.clone();
        wrong.extend(["--staff", "S001"]);
        let code = refused(&format!("{args:?} with a wrong password"), zkctl(d, &wrong, &[("ZKDESK_PASSWORD", "not-the-password")]));
        assert_eq!(code, "NOT_AUTHORIZED");
        ok(&format!("{args:?} as S001"), zkctl(d, &wrong, &ENV));
    }
    // `station enroll`: a counter account is refused, even with its right password.
    let enroll = ["--json", "station", "enroll", "--server", &sim.base_url(), "--code", &sim.codes[1], "--supervisor", "S001"];
    let code = refused("enroll as a counter", zkctl(d, &enroll, &[("ZKDESK_SUPERVISOR_PASSWORD", "shouli-2026")]));
    assert_eq!(code, "NOT_AUTHORIZED");
    let none = zkctl(d, &["station", "enroll", "--server", &sim.base_url(), "--code", &sim.codes[1]], &ENV);
    assert_eq!(none.status.code(), Some(2), "enroll needs --supervisor");
    // The commands that touch no store need no one.
    let cards = fixtures::card_file(d, &[zkdesk_tests::cards::resident()]);
    assert!(zkctl(d, &["card", "read", "--reader", &cards, "--timeout", "5"], &[]).status.success());
}

/// Copies every file of `from` into `to` (a plaintext store of an earlier version, its WAL too).
fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// The in-place encryption killed at random points (issue 15's harness, the migration row): after
/// each kill the next supervisor login opens the store — finishing the encryption or finding it
/// done — with every row kept, the chain verified, nothing half-made left behind.
#[test]
fn the_plaintext_migration_survives_a_kill_at_any_point() {
    use rand::{Rng, SeedableRng};
    let seed: u64 = std::env::var("ZKDESK_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_15);
    let kills: usize = std::env::var("ZKDESK_MIGRATION_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(30);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let template = tempfile::tempdir().unwrap();
    let t = template.path();
    let counts = {
        let desk = Desk::over(Store::open_plaintext(t).unwrap(), t, None);
        let args = zkdesk::api::NewStaffArgs { staff_id: "A001".into(), name: "王主管".into(), role: zkdesk::api::Role::Supervisor, password: "zhuguan-2026".into() };
        desk.staff_add(&Actor::Bootstrap, &args, &now()).unwrap();
        let sim = Sim::start("420102", 40, 154);
        let sup = Actor::Staff(desk.login("A001", "zhuguan-2026", &now()).unwrap());
        let counter = zkdesk::api::NewStaffArgs { staff_id: "S001".into(), name: "李受理".into(), role: zkdesk::api::Role::Counter, password: "shouli-2026".into() };
        desk.staff_add(&sup, &counter, &now()).unwrap();
        desk.enroll_station(&sup, &sim.base_url(), &sim.codes[0], "old", &now()).unwrap();
        desk.sync_now(&now, true, &mut |_| {}).unwrap();
        for reg in confirmable(&desk, 5) {
            record(&desk, &reg, None);
        }
        table_counts(desk.store().conn())
    };
    let status = |d: &Path| {
        let mut cmd = std::process::Command::new(zkdesk_tests::workspace_bin("zkctl"));
        cmd.arg("--data-dir").arg(d).args(["--json", "status", "--supervisor", "A001"]).env("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026");
        cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        cmd
    };
    // How long a whole migration takes here: kills are spread over 0..1.2× that.
    let probe = tempfile::tempdir().unwrap();
    copy_dir(t, probe.path());
    let started = std::time::Instant::now();
    assert!(status(probe.path()).status().unwrap().success(), "an uninterrupted migration succeeds");
    let took = started.elapsed();
    let (mut before_done, mut after_done) = (0, 0);
    for k in 0..kills {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        copy_dir(t, d);
        let mut child = status(d).spawn().unwrap();
        std::thread::sleep(took.mul_f64(rng.gen_range(0.0..1.2)));
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill();
        child.wait().unwrap();
        if finished || zkdesk::store::is_plaintext(d).unwrap() == Some(false) { after_done += 1 } else { before_done += 1 }
        // The next login finishes it (or finds it finished).
        ok(&format!("status after kill {k}"), zkctl(d, &["--json", "status", "--supervisor", "A001"], &SUP_ENV));
        assert_eq!(zkdesk::store::is_plaintext(d).unwrap(), Some(false), "kill {k}: encrypted after the next login");
        for f in ["zkdesk.sqlite3.encrypting", "keyring.json.new"] {
            assert!(!d.join(f).exists(), "kill {k}: {f} left behind");
        }
        let desk = fixtures::open(d);
        assert_eq!(table_counts(desk.store().conn()), counts, "kill {k}: every row kept");
        assert!(desk.audit_verify().unwrap().ok, "kill {k}: the chain verifies");
    }
    println!(
        "migration kills: {kills} (seed {seed}; a whole migration took {took:?}): {before_done} left the store plaintext, {after_done} came after it was encrypted"
    );
    assert!(before_done > 0, "some kills must land before the encryption is complete");
}

fn table_counts(c: &rusqlite::Connection) -> Vec<i64> {
    // Not the audit chain: the logins that open the store add to it.
    ["registration", "confirmation", "photo", "outbox", "staff", "number_block", "signoff"]
        .iter()
        .map(|t| c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap())
        .collect()
}
