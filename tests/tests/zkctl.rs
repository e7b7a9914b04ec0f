//! `zkctl` conventions: exit codes 0/1/2, a one-line reason on stderr, JSON with --json.

use zkdesk_tests::zkctl;

#[test]
fn bad_usage_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(zkctl(dir.path(), &["no-such-command"], &[]).status.code(), Some(2));
    assert_eq!(zkctl(dir.path(), &["staff", "add", "--id", "S1"], &[]).status.code(), Some(2));
    let out = zkctl(dir.path(), &["staff", "add", "--id", "S1", "--name", "x", "--role", "boss"], &[]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_missing_password_without_a_terminal_is_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = zkctl(dir.path(), &["staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("ZKDESK_NEW_PASSWORD"));
}

#[test]
fn status_answers_the_fixed_fields() {
    let dir = tempfile::tempdir().unwrap();
    zkdesk_tests::fixtures::new_store(dir.path());
    let out = zkctl(dir.path(), &["--json", "status", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in ["station_id", "registrations", "outbox_pending", "outbox_parked", "last_sync", "clock_offset_ms"] {
        assert!(v.get(k).is_some(), "missing {k} in {v}");
    }
    assert_eq!(v["registrations"], 0);
    assert!(v["station_id"].is_null());
}

#[test]
fn staff_lifecycle_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let sup_env = [("ZKDESK_NEW_PASSWORD", "zhuguan-2026")];
    assert!(zkctl(dir.path(), &["staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &sup_env).status.success());

    // Once a supervisor exists, the bootstrap path is closed.
    let out = zkctl(dir.path(), &["staff", "add", "--id", "A002", "--name", "x", "--role", "supervisor"], &sup_env);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("supervisor"));

    let env = [("ZKDESK_NEW_PASSWORD", "shouli-2026"), ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")];
    assert!(zkctl(dir.path(), &["staff", "add", "--id", "S001", "--name", "李受理", "--role", "counter", "--supervisor", "A001"], &env)
        .status
        .success());

    // A wrong supervisor password is refused.
    let bad = [("ZKDESK_NEW_PASSWORD", "x-2026-abc"), ("ZKDESK_SUPERVISOR_PASSWORD", "nope")];
    let out = zkctl(dir.path(), &["staff", "add", "--id", "S002", "--name", "x", "--role", "counter", "--supervisor", "A001"], &bad);
    assert_eq!(out.status.code(), Some(1));

    let out = zkctl(dir.path(), &["staff", "disable", "S001", "--supervisor", "A001"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zkctl(dir.path(), &["--json", "staff", "list", "--supervisor", "A001"], &env);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let s001 = list.as_array().unwrap().iter().find(|s| s["staff_id"] == "S001").unwrap();
    assert_eq!(s001["disabled"], true);
    assert_eq!(list.as_array().unwrap().len(), 2);
}
