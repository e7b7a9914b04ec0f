//! The province's review queues (审核任务) through `zkctl` against the simulator: decisions go
//! out exactly once, STALE_VERSION asks for a new decision on the new version, TASK_CLOSED marks
//! ours superseded, and a counter account can neither list nor decide.

use serde_json::Value;
use zkdesk_tests::fixtures::now;
use zkdesk_tests::sim::Sim;
use zkdesk_tests::station::*;
use zkdesk_tests::zkctl;





fn open_task(d: &std::path::Path, kind: &str) -> String {
    let list = ok("list", zkctl(d, &["--json", "tasks", "list", "--supervisor", "A001", "--kind", kind, "--status", "open"], &ENV));
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the simulator seeds {kind} tasks");
    let times: Vec<&str> = items.iter().map(|t| t["created_at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "oldest first");
    items[0]["task_id"].as_str().unwrap().to_string()
}

fn decisions_at_province(sim: &Sim, task_id: &str) -> i64 {
    sim.state.scalar(&format!("SELECT COUNT(*) FROM decision WHERE task_id = '{task_id}'"))
}

#[test]
fn decisions_reach_the_province_once() {
    let sim = Sim::start("420102", 300, 81);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let photo_task = open_task(d, "photo");
    let doc_task = open_task(d, "prior_education");

    let shown = ok("show", zkctl(d, &["--json", "tasks", "show", &photo_task, "--supervisor", "A001", "--export", d.join("x").to_str().unwrap()], &ENV));
    assert_eq!(shown["auto_check_failures"][0], "背景不符");
    assert_eq!(shown["locked_by"], "A001", "opening a task locks it to the supervisor");
    assert!(!shown["our_checks"].as_array().unwrap().is_empty(), "our own checks are shown: {}", shown["our_checks"]);
    assert_eq!(shown["reasons"].as_array().unwrap().len(), 8, "the contract's eight photo reasons");
    assert!(d.join("x/photo.jpg").exists(), "the uploaded photo is exported");
    let doc = ok("show doc", zkctl(d, &["--json", "tasks", "show", &doc_task, "--supervisor", "A001", "--export", d.join("y").to_str().unwrap()], &ENV));
    assert_eq!(doc["documents"][0]["media_type"], "application/pdf");
    assert!(doc["declared"]["graduation_date"].is_string());
    assert!(std::fs::read_dir(d.join("y")).unwrap().count() == 1, "the document is exported");

    let bad = zkctl(d, &["--json", "tasks", "decide", &photo_task, "--supervisor", "A001", "--reject", "ugly"], &ENV);
    assert_eq!(bad.status.code(), Some(1), "a reason outside the contract is refused");
    let no_comment = zkctl(d, &["--json", "tasks", "decide", &doc_task, "--supervisor", "A001", "--reject", "other"], &ENV);
    assert_eq!(no_comment.status.code(), Some(1), "a document rejection says why");

    let a = ok("approve", zkctl(d, &["--json", "tasks", "decide", &photo_task, "--supervisor", "A001", "--approve"], &ENV));
    assert_eq!(a["task_id"], photo_task.as_str());
    ok(
        "reject",
        zkctl(d, &["--json", "tasks", "decide", &doc_task, "--supervisor", "A001", "--reject", "other", "--comment", "证书编号与学信网不符"], &ENV),
    );
    let twice = zkctl(d, &["--json", "tasks", "decide", &photo_task, "--supervisor", "A001", "--approve"], &ENV);
    assert_eq!(twice.status.code(), Some(1), "one decision per task from this station");
    assert_eq!(ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]))["accepted"], 2);

    // The answer was lost: the same decisions go again and the province answers duplicate.
    zkdesk_tests::fixtures::open(d).store().conn().execute("UPDATE outbox SET state = 'pending' WHERE kind = 'review_decision'", []).unwrap();
    assert_eq!(ok("resend", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]))["accepted"], 2);
    assert_eq!(decisions_at_province(&sim, &photo_task), 1);
    assert_eq!(decisions_at_province(&sim, &doc_task), 1);

    let closed = ok("closed", zkctl(d, &["--json", "tasks", "list", "--supervisor", "A001", "--status", "closed"], &ENV));
    let mine: Vec<&Value> = closed["items"].as_array().unwrap().iter().filter(|t| t["task_id"] == photo_task.as_str()).collect();
    assert_eq!(mine.len(), 1, "the feed brought the closed task back");
    assert_eq!(mine[0]["decision"]["sync"], "accepted");
    let ours = ok("show closed", zkctl(d, &["--json", "tasks", "show", &photo_task, "--supervisor", "A001"], &ENV));
    assert!(ours["decided_elsewhere"].is_null(), "closed by our own decision, not by another station: {}", ours["decided_elsewhere"]);
    let late = zkctl(d, &["--json", "tasks", "decide", &photo_task, "--supervisor", "A001", "--approve"], &ENV);
    assert_eq!(refused("decide a closed task", late), "TASK_CLOSED");
}

#[test]
fn a_stale_version_asks_for_a_new_decision_and_a_closed_task_supersedes_ours() {
    let sim = Sim::start("420102", 300, 82);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let list = ok("list", zkctl(d, &["--json", "tasks", "list", "--supervisor", "A001", "--kind", "photo", "--status", "open"], &ENV));
    let ids: Vec<String> = list["items"].as_array().unwrap().iter().take(2).map(|t| t["task_id"].as_str().unwrap().to_string()).collect();
    let (stale, taken) = (&ids[0], &ids[1]);

    ok("decide stale", zkctl(d, &["--json", "tasks", "decide", stale, "--supervisor", "A001", "--approve"], &ENV));
    ok("decide taken", zkctl(d, &["--json", "tasks", "decide", taken, "--supervisor", "A001", "--reject", "blurred"], &ENV));
    // Between our pull and our push: the candidate uploads a new photo, and another office decides the other task.
    sim.state.change_task(stale, |t| t["photo"]["auto_check_failures"] = serde_json::json!(["background", "size"]));
    sim.state.change_task(taken, |t| {
        t["status"] = "closed".into();
        t["decided"] = serde_json::json!({"decision": "approve", "reason_code": null, "station_id": "ST-420103-01", "decided_at": "2026-11-30T09:00:00+08:00"});
    });
    let report = ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    assert_eq!(report["decisions_stale"], 1);
    assert_eq!(report["parked"], 2, "neither decision is lost: both parked with their reasons");

    let s = ok("show stale", zkctl(d, &["--json", "tasks", "show", stale, "--supervisor", "A001"], &ENV));
    assert_eq!(s["version"], 2, "the task was pulled again");
    assert_eq!(s["decision"]["state"], "stale");
    assert_eq!(s["auto_check_failures"].as_array().unwrap().len(), 2, "what changed is shown");
    ok("decide again", zkctl(d, &["--json", "tasks", "decide", stale, "--supervisor", "A001", "--reject", "background"], &ENV));
    assert_eq!(ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]))["accepted"], 1);
    assert_eq!(decisions_at_province(&sim, stale), 1);

    let t = ok("show taken", zkctl(d, &["--json", "tasks", "show", taken, "--supervisor", "A001"], &ENV));
    assert_eq!(t["decision"]["state"], "superseded");
    assert!(t["decided_elsewhere"].as_str().unwrap().contains("ST-420103-01"), "who closed it is shown: {t}");
    assert_eq!(decisions_at_province(&sim, taken), 0);
}

#[test]
fn a_counter_account_cannot_list_or_decide_tasks() {
    let sim = Sim::start("420102", 200, 83);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let task = open_task(d, "photo");
    let counter = [("ZKDESK_SUPERVISOR_PASSWORD", "shouli-2026")];
    assert_eq!(refused("list", zkctl(d, &["--json", "tasks", "list", "--supervisor", "S001"], &counter)), "NOT_AUTHORIZED");
    assert_eq!(refused("show", zkctl(d, &["--json", "tasks", "show", &task, "--supervisor", "S001"], &counter)), "NOT_AUTHORIZED");
    assert_eq!(
        refused("decide", zkctl(d, &["--json", "tasks", "decide", &task, "--supervisor", "S001", "--approve"], &counter)),
        "NOT_AUTHORIZED"
    );
    let desk = zkdesk_tests::fixtures::open(d);
    let s = desk.login("S001", "shouli-2026", &now()).unwrap();
    let filter = zkdesk::api::TaskFilter { kind: None, status: None };
    assert_eq!(desk.tasks_list(&s, &filter).unwrap_err().code, zkdesk::domain::ErrorCode::NotAuthorized);
    assert_eq!(desk.task_decide(&s, &zkdesk::desk::TaskDecision { task_id: &task, approve: true, reason_code: None, comment: None }, "d-1", &now()).unwrap_err().code, zkdesk::domain::ErrorCode::NotAuthorized);
}
