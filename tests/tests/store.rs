//! The local store: migrations, durability settings, and the audit chain, checked on real files
//! and through the real `zkctl` binary.

use rusqlite::Connection;
use zkdesk::store::{migrations, Store};
use zkdesk_tests::zkctl;

static KEY: std::sync::LazyLock<zkdesk::keyring::DataKey> = std::sync::LazyLock::new(zkdesk::keyring::DataKey::random);

fn table_names(conn: &Connection) -> Vec<String> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn migrations_apply_to_an_empty_file_and_are_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path(), &KEY).unwrap();
    let v: usize = first.conn().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, migrations::latest_version());
    let tables = table_names(first.conn());
    for t in [
        "audit_event",
        "blacklist",
        "confirmation",
        "feed_cursor",
        "number_block",
        "outbox",
        "photo",
        "registration",
        "review_decision",
        "review_task",
        "setting",
        "staff",
        "station",
    ] {
        assert!(tables.contains(&t.to_string()), "missing table {t}: {tables:?}");
    }
    first.conn().execute("INSERT INTO setting (key, value) VALUES ('probe', 'kept')", []).unwrap();
    drop(first);

    // Opening again applies nothing and keeps the data.
    let again = Store::open(dir.path(), &KEY).unwrap();
    let v2: usize = again.conn().pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v2, v);
    assert_eq!(table_names(again.conn()), tables);
    let kept: String = again.conn().query_row("SELECT value FROM setting WHERE key = 'probe'", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "kept");
}

#[test]
fn foreign_keys_are_enforced() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), &KEY).unwrap();
    let err = store
        .conn()
        .execute(
            "INSERT INTO review_decision (decision_id, task_id, task_version, decision, reviewer_id, decided_at) VALUES ('d', 'no-such-task', 1, 'approve', 'nobody', 'x')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("FOREIGN KEY"), "{err}");
}

/// Builds a store with a few audited events through the real CLI.
fn audited_store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pw = [("ZKDESK_NEW_PASSWORD", "zhuguan-2026")];
    let out = zkctl(dir.path(), &["staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &pw);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sup = [("ZKDESK_NEW_PASSWORD", "shouli-2026"), ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")];
    for id in ["S001", "S002", "S003"] {
        let out = zkctl(dir.path(), &["staff", "add", "--id", id, "--name", "受理员", "--role", "counter", "--supervisor", "A001"], &sup);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    dir
}

fn verify(dir: &std::path::Path) -> (i32, serde_json::Value, String) {
    let out = zkctl(dir, &["--json", "audit", "verify", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.code().unwrap(), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Tampering as an attacker with file access would: the append-only triggers go first.
fn tamper(dir: &std::path::Path, sql: &str) {
    let conn = zkdesk_tests::fixtures::raw_conn(dir, rusqlite::OpenFlags::default());
    conn.execute_batch("DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;").unwrap();
    conn.execute_batch(sql).unwrap();
}

#[test]
fn an_intact_chain_verifies() {
    let dir = audited_store();
    let (code, json, _) = verify(dir.path());
    assert_eq!(code, 0);
    assert_eq!(json["ok"], true);
    // The first add, store_created and its login; 3 × (supervisor login + add); the verifier's login.
    assert_eq!(json["rows"], 10);
}

#[test]
fn the_chain_refuses_plain_updates_and_deletes() {
    let dir = audited_store();
    let conn = zkdesk_tests::fixtures::raw_conn(dir.path(), rusqlite::OpenFlags::default());
    assert!(conn.execute("UPDATE audit_event SET actor = 'x' WHERE seq = 2", []).is_err());
    assert!(conn.execute("DELETE FROM audit_event WHERE seq = 2", []).is_err());
}

#[test]
fn an_edited_row_is_named() {
    let dir = audited_store();
    tamper(dir.path(), "UPDATE audit_event SET detail = '{\"staff_id\":\"S999\",\"role\":\"supervisor\"}' WHERE seq = 3;");
    let (code, json, stderr) = verify(dir.path());
    assert_eq!(code, 1);
    assert_eq!(json["ok"], false);
    assert_eq!(json["broken_seq"], 3);
    assert!(stderr.contains("row 3"), "stderr names the row: {stderr}");
}

#[test]
fn a_deleted_row_is_named() {
    let dir = audited_store();
    tamper(dir.path(), "DELETE FROM audit_event WHERE seq = 4;");
    let (code, json, stderr) = verify(dir.path());
    assert_eq!(code, 1);
    assert_eq!(json["broken_seq"], 5, "row 5 no longer chains from row 3");
    assert!(stderr.contains("row 5"), "{stderr}");
}

#[test]
fn a_deleted_tail_is_detected() {
    let dir = audited_store();
    tamper(dir.path(), "DELETE FROM audit_event WHERE seq >= 6;");
    // Verifying logs in, which appends row 6 again; the tip (9) stays, so the cut still shows.
    let (code, json, stderr) = verify(dir.path());
    assert_eq!(code, 1);
    assert_eq!(json["broken_seq"], 7);
    assert!(stderr.contains("after 6"), "{stderr}");
}

#[test]
fn a_rehashed_forgery_is_still_caught_by_the_next_row() {
    // Rewriting a row and its own hash breaks the link to the row after it.
    let dir = audited_store();
    tamper(dir.path(), "UPDATE audit_event SET hash = 'ff' || substr(hash, 3) WHERE seq = 2;");
    let (code, json, _) = verify(dir.path());
    assert_eq!(code, 1);
    assert_eq!(json["broken_seq"], 2);
}
