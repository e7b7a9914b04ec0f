//! A station set up through `zkctl` the way an office does it: a supervisor A001, counter staff
//! S001, enrolled with the simulator's first code, synced once. Shared by the end-to-end tests.

use serde_json::Value;

use crate::sim::Sim;
use crate::zkctl;

/// The passwords of S001 (counter) and A001 (supervisor), and the one new accounts get.
pub const ENV: [(&str, &str); 3] =
    [("ZKDESK_PASSWORD", "shouli-2026"), ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026"), ("ZKDESK_NEW_PASSWORD", "shouli-2026")];

/// The counter account's password given as a supervisor's: supervisor commands must refuse it.
pub const COUNTER_AS_SUPERVISOR: [(&str, &str); 1] = [("ZKDESK_SUPERVISOR_PASSWORD", "shouli-2026")];

/// Asserts the command succeeded; its stdout as JSON (`Null` when it printed none).
pub fn ok(what: &str, o: std::process::Output) -> Value {
    assert!(o.status.success(), "{what}: {}\n{}", String::from_utf8_lossy(&o.stderr), String::from_utf8_lossy(&o.stdout));
    serde_json::from_slice(&o.stdout).unwrap_or(Value::Null)
}

/// Asserts the command was refused (exit 1 with `{"refused": …}`); the refusal code.
pub fn refused(what: &str, o: std::process::Output) -> String {
    assert_eq!(o.status.code(), Some(1), "{what} must be refused: {}", String::from_utf8_lossy(&o.stdout));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{what}: {}", String::from_utf8_lossy(&o.stdout)));
    v["refused"]["code"].as_str().unwrap_or_default().to_string()
}

pub fn supervised_station(sim: &Sim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok("supervisor", zkctl(d, &["staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &[("ZKDESK_NEW_PASSWORD", "zhuguan-2026")]));
    ok("counter", zkctl(d, &["staff", "add", "--id", "S001", "--name", "李受理", "--role", "counter", "--supervisor", "A001"], &ENV));
    ok("enroll", zkctl(d, &["station", "enroll", "--supervisor", "A001", "--server", &sim.base_url(), "--code", &sim.codes[0]], &ENV));
    ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    dir
}

/// A counter station built in process (no simulator): 江岸区, supervisor A001 (zhuguan-2026),
/// counter staff S001 (shouli-2026) logged in, and the given registrations cached. Shared by the
/// counter rules (tests/tests/counter.rs) and the face match at the counter (face_counter.rs).
pub struct CounterStation {
    pub dir: tempfile::TempDir,
    pub desk: zkdesk::desk::Desk,
    pub staff: zkdesk::desk::Session,
}

/// The instant the counter tests work at.
pub const COUNTER_NOW: &str = "2026-11-22T10:00:00+08:00";

/// A confirmable registration of 江岸区 (新生, 汉语言文学, not 专升本): `seq` names its 报名号.
pub fn counter_registration(seq: u32, id_number: &str, name: &str) -> zkdesk::domain::registration::Registration {
    use zkdesk::domain::registration::{Major, PriorEducation, PriorEducationStatus, Registration, RegistrationKind, RegistrationStatus};
    Registration {
        registration_id: format!("R20270102{seq:05}"),
        version: 1,
        kind: RegistrationKind::parse("new"),
        status: RegistrationStatus::parse("pre_registered"),
        id_type: "resident".into(),
        id_number: id_number.into(),
        name: name.into(),
        gender: "1".into(),
        birth_date: "1990-03-07".into(),
        phone_masked: Some("138****1234".into()),
        region_code: "4201".into(),
        county_code: "420102".into(),
        major: Major { code: "050101".into(), name: "汉语言文学".into(), level: "本科".into() },
        chief_university: Some("华中师范大学".into()),
        upgrade: false,
        prior_education: PriorEducation { status: PriorEducationStatus::parse("not_required"), school: None, certificate_no: None },
        admission_number: None,
        online_attempts: Some(1),
        updated_at: "2026-11-20T21:04:11+08:00".into(),
    }
}

pub fn counter_station(regs: &[zkdesk::domain::registration::Registration]) -> CounterStation {
    use zkdesk::api::{NewStaffArgs, Role};
    use zkdesk::desk::Actor;
    use zkdesk::store::{registrations, station};
    let dir = tempfile::tempdir().unwrap();
    let (desk, sup) = crate::fixtures::new_store(dir.path());
    let now = chrono::DateTime::parse_from_rfc3339(COUNTER_NOW).unwrap();
    let sup = Actor::Staff(sup);
    let counter = NewStaffArgs { staff_id: "S001".into(), name: "李受理".into(), role: Role::Counter, password: "shouli-2026".into() };
    desk.staff_add(&sup, &counter, &now).unwrap();
    station::put(
        desk.store().conn(),
        &station::StationRow {
            station_id: "ST-420102-01".into(),
            server_url: "http://127.0.0.1:1/api".into(),
            token: "t".into(),
            region_code: "4201".into(),
            region_name: "武汉市".into(),
            county_code: "420102".into(),
            county_name: "江岸区".into(),
            office_name: "武汉市江岸区自学考试办公室".into(),
            device_name: "test".into(),
            enrolled_at: COUNTER_NOW.into(),
            token_revoked: false,
        },
    )
    .unwrap();
    for r in regs {
        registrations::apply(desk.store().conn(), r).unwrap();
    }
    let staff = desk.login("S001", "shouli-2026", &now).unwrap();
    CounterStation { dir, desk, staff }
}
