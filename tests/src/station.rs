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
