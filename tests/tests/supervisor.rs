//! The supervisor desk end to end through `zkctl` against the province simulator: the day list,
//! 存疑 sign-off, revocation and re-confirmation, 日结, staff and settings — and every supervisor
//! command refused for a counter account, in `desk` itself.

use serde_json::Value;
use zkdesk::desk::Actor;
use zkdesk_tests::fixtures::{card_file, card_for, confirmable, good_photo_file, now};
use zkdesk_tests::sim::Sim;
use zkdesk_tests::station::*;
use zkdesk_tests::zkctl;




/// Confirms the candidate on `card` (extra args: overrides); returns the confirm answer.
fn confirm(d: &std::path::Path, card: zkdesk::idcard::IdentityCard, extra: &[&str]) -> Value {
    let reader = card_file(d, &[card]);
    let photo = good_photo_file(d);
    let mut args = vec!["--json", "confirm", "--reader", &reader, "--photo", photo.to_str().unwrap(), "--staff", "S001"];
    args.extend_from_slice(extra);
    ok("confirm", zkctl(d, &args, &ENV))
}

fn today(d: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["--json", "today", "--supervisor", "A001"];
    args.extend_from_slice(extra);
    ok("today", zkctl(d, &args, &ENV))
}

#[test]
fn revoke_then_confirm_again_with_a_new_number() {
    let sim = Sim::start("420102", 200, 71);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let reg = confirmable(&zkdesk_tests::fixtures::open(d), 20).into_iter().find(|r| r.kind == "new").unwrap();

    let first = confirm(d, card_for(&reg), &[]);
    let first_id = first["confirmation_id"].as_str().unwrap().to_string();
    let first_number = first["admission_number"].as_str().unwrap().to_string();
    assert_eq!(ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]))["accepted"], 1);

    // Swiped again: already confirmed here.
    let reader = card_file(d, &[card_for(&reg)]);
    let photo = good_photo_file(d);
    let again = zkctl(d, &["--json", "confirm", "--reader", &reader, "--photo", photo.to_str().unwrap(), "--staff", "S001"], &ENV);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(serde_json::from_slice::<Value>(&again.stdout).unwrap()["refused"]["code"], "ALREADY_CONFIRMED");

    let r = ok("revoke", zkctl(d, &["--json", "revoke", &first_id, "--supervisor", "A001", "--reason", "考生申请撤销"], &ENV));
    assert_eq!(r["confirmation_id"], first_id.as_str());
    let listed = today(d, &[]);
    let row = listed["items"].as_array().unwrap().iter().find(|e| e["confirmation_id"] == first_id.as_str()).unwrap().clone();
    assert_eq!(row["status"], "revoked", "withdrawn at once locally: {row}");
    assert_eq!(row["revocation"], "pending");

    // The revocation goes out exactly once; the feed brings the registration back.
    ok("sync after revoke", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    ok("sync again", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    let lookup = ok("lookup", zkctl(d, &["--json", "lookup", &reg.id_number, "--staff", "S001"], &ENV));
    assert_eq!(lookup["items"][0]["status"], "pre_registered", "{lookup}");
    assert_eq!(lookup["items"][0]["local_status"], "revoked");
    let shown = ok("show", zkctl(d, &["--json", "show", &first_id, "--supervisor", "A001"], &ENV));
    assert_eq!(shown["revocation"], "accepted");
    let actions: Vec<&str> = shown["audit"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["confirmed", "revoked"], "the trail of this confirmation, oldest first");

    let second = confirm(d, card_for(&reg), &[]);
    let second_number = second["admission_number"].as_str().unwrap().to_string();
    assert_ne!(second_number, first_number, "a withdrawn number is never issued again");
    assert_eq!(ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]))["accepted"], 1);

    let revocations = sim.state.scalar("SELECT COUNT(*) FROM outcome WHERE kind = 'revocation'");
    assert_eq!(revocations, 1, "one revocation reached the province");
    let live = sim.state.scalar(&format!("SELECT COUNT(*) FROM confirmation WHERE registration_id = '{}' AND revoked = 0", reg.registration_id));
    let dead = sim.state.scalar(&format!("SELECT COUNT(*) FROM confirmation WHERE registration_id = '{}' AND revoked = 1", reg.registration_id));
    assert_eq!((live, dead), (1, 1));
    let dup = sim.state.scalar("SELECT COUNT(*) FROM (SELECT number FROM used_number GROUP BY number HAVING COUNT(*) > 1)");
    assert_eq!(dup, 0, "no admission number issued twice");
    ok("audit", zkctl(d, &["--json", "audit", "verify", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
}

#[test]
fn flagged_confirmations_wait_for_a_signoff() {
    let sim = Sim::start("420102", 120, 72);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let regs = confirmable(&zkdesk_tests::fixtures::open(d), 10);
    let plain = confirm(d, card_for(&regs[0]), &[]);
    let odd = zkdesk::idcard::IdentityCard { name: format!("{}\u{E0A1}", regs[1].name), ..card_for(&regs[1]) };
    let flagged = confirm(d, odd, &["--supervisor", "A001", "--override", "name_mismatch"]);
    let flagged_id = flagged["confirmation_id"].as_str().unwrap();

    let day = today(d, &[]);
    assert_eq!(day["totals"]["confirmed"], 2);
    assert_eq!(day["totals"]["flagged"], 1);
    assert_eq!(day["totals"]["signed_off"], 0);
    assert_eq!(day["totals"]["sync_pending"], 2);
    let only_flagged = today(d, &["--flag", "name_mismatch"]);
    assert_eq!(only_flagged["items"].as_array().unwrap().len(), 1);
    assert_eq!(only_flagged["items"][0]["needs_signoff"], true);
    assert_eq!(only_flagged["items"][0]["flag_labels"][0], "姓名不一致");
    let by_name = today(d, &["--search", &regs[0].name.chars().take(1).collect::<String>()]);
    assert!(by_name["items"].as_array().unwrap().iter().any(|e| e["confirmation_id"] == plain["confirmation_id"]));
    let by_reg = today(d, &["--search", &regs[1].registration_id]);
    assert_eq!(by_reg["items"].as_array().unwrap().len(), 1);

    let plain_id = plain["confirmation_id"].as_str().unwrap();
    let refused = zkctl(d, &["--json", "signoff", plain_id, "--supervisor", "A001"], &ENV);
    assert_eq!(refused.status.code(), Some(1), "nothing to sign off on a plain confirmation");
    ok("signoff", zkctl(d, &["--json", "signoff", flagged_id, "--supervisor", "A001", "--note", "已核对户口本"], &ENV));
    let twice = zkctl(d, &["--json", "signoff", flagged_id, "--supervisor", "A001"], &ENV);
    assert_eq!(twice.status.code(), Some(1));
    let day = today(d, &[]);
    assert_eq!(day["totals"]["signed_off"], 1);
    assert!(day["items"].as_array().unwrap().iter().all(|e| e["needs_signoff"] == false));
}

#[test]
fn reconciliation_finds_what_the_province_lacks_and_what_it_has_extra() {
    let sim = Sim::start("420102", 120, 73);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let regs = confirmable(&zkdesk_tests::fixtures::open(d), 10);
    let a = confirm(d, card_for(&regs[0]), &[]);
    confirm(d, card_for(&regs[1]), &[]);
    ok("sync", zkctl(d, &["--json", "sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    let date = zkdesk::domain::office_day::of(&now()).to_string();

    let clean = ok("reconcile", zkctl(d, &["--json", "reconcile", "--supervisor", "A001", "--date", &date], &ENV));
    assert_eq!((clean["local"].as_i64(), clean["province"].as_i64(), clean["matched"].as_i64()), (Some(2), Some(2), Some(2)));
    assert_eq!(clean["balanced"], true);

    sim.state.db().execute("DELETE FROM received WHERE confirmation_id = ?1", [a["confirmation_id"].as_str().unwrap()]).unwrap();
    sim.state.db()
        .execute(
            "INSERT INTO received (confirmation_id, station_id, registration_id, status, admission_number, confirmed_at, office_day, received_at)
             SELECT 'not-ours-0001', station_id, registration_id, 'accepted', NULL, confirmed_at, office_day, received_at FROM received LIMIT 1",
            [],
        )
        .unwrap();
    let out = zkctl(d, &["--json", "reconcile", "--supervisor", "A001", "--date", &date], &ENV);
    assert_eq!(out.status.code(), Some(1), "not balanced exits 1");
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["missing_at_province"], serde_json::json!([a["confirmation_id"]]));
    assert_eq!(r["unknown_locally"], serde_json::json!(["not-ours-0001"]));
    assert_eq!(r["balanced"], false);
}

#[test]
fn a_counter_account_is_refused_every_supervisor_command() {
    let sim = Sim::start("420102", 60, 74);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let regs = confirmable(&zkdesk_tests::fixtures::open(d), 3);
    let c = confirm(d, card_for(&regs[0]), &[]);
    let id = c["confirmation_id"].as_str().unwrap();
    let date = zkdesk::domain::office_day::of(&now()).to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["today", "--supervisor", "S001"],
        vec!["show", id, "--supervisor", "S001"],
        vec!["signoff", id, "--supervisor", "S001"],
        vec!["revoke", id, "--supervisor", "S001", "--reason", "x"],
        vec!["reconcile", "--supervisor", "S001", "--date", &date],
        vec!["settings", "show", "--supervisor", "S001"],
        vec!["settings", "set", "printer", "HP", "--supervisor", "S001"],
    ];
    for args in &commands {
        let mut full = vec!["--json"];
        full.extend(args);
        let out = zkctl(d, &full, &COUNTER_AS_SUPERVISOR);
        assert_eq!(out.status.code(), Some(1), "{args:?} must be refused");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{args:?}: {}", String::from_utf8_lossy(&out.stdout)));
        assert_eq!(v["refused"]["code"], "NOT_AUTHORIZED", "{args:?}: {v}");
    }

    // And in desk itself, with a counter session in hand (not only at the CLI's login).
    let desk = zkdesk_tests::fixtures::open(d);
    let counter = desk.login("S001", "shouli-2026", &now()).unwrap();
    let t = now();
    let refused = |r: Result<(), zkdesk::domain::DeskError>, what: &str| {
        assert_eq!(r.unwrap_err().code, zkdesk::domain::ErrorCode::NotAuthorized, "{what}");
    };
    refused(desk.day_report(&counter, &Default::default(), &t).map(drop), "day_report");
    refused(desk.confirmation_detail(&counter, id).map(drop), "confirmation_detail");
    refused(desk.signoff(&counter, id, None, &t), "signoff");
    refused(desk.revoke(&counter, id, "x", "r-1", &t).map(drop), "revoke");
    refused(desk.reconcile(&counter, &date, &t).map(drop), "reconcile");
    refused(desk.settings_show(&counter).map(drop), "settings_show");
    refused(desk.settings_set(&counter, "printer", "HP", &t), "settings_set");
    let actor = Actor::Staff(counter.clone());
    refused(desk.staff_enable(&actor, "A001", &t), "staff_enable");
    refused(desk.staff_edit(&actor, "A001", Some("x"), None, &t).map(drop), "staff_edit");
    refused(desk.staff_reset_password(&actor, "A001", "new-password-1", &t), "staff_reset_password");
    refused(desk.blacklist_list(&actor).map(drop), "blacklist_list");
}

#[test]
fn staff_and_settings_are_managed_with_their_guards() {
    let sim = Sim::start("420102", 20, 75);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let last = zkctl(d, &["--json", "staff", "edit", "A001", "--role", "counter", "--supervisor", "A001"], &ENV);
    assert_eq!(last.status.code(), Some(1), "the last supervisor keeps the role");
    ok("disable", zkctl(d, &["--json", "staff", "disable", "S001", "--supervisor", "A001"], &ENV));
    let blocked = zkctl(d, &["--json", "today", "--supervisor", "S001"], &COUNTER_AS_SUPERVISOR);
    assert_eq!(blocked.status.code(), Some(1));
    ok("enable", zkctl(d, &["--json", "staff", "enable", "S001", "--supervisor", "A001"], &ENV));
    let edited = ok("edit", zkctl(d, &["--json", "staff", "edit", "S001", "--name", "李受理员", "--supervisor", "A001"], &ENV));
    assert_eq!(edited["name"], "李受理员");
    ok(
        "reset",
        zkctl(
            d,
            &["--json", "staff", "reset-password", "S001", "--supervisor", "A001"],
            &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026"), ("ZKDESK_NEW_PASSWORD", "chongzhi-2026")],
        ),
    );
    let desk = zkdesk_tests::fixtures::open(d);
    let session = desk.login("S001", "chongzhi-2026", &now()).expect("the reset password opens the account");
    assert!(session.must_change_password, "the login answer carries the flag");
    drop(desk);
    // Until the account changes it, every command with it is refused (by desk, so zkctl too).
    let reset_env = [("ZKDESK_PASSWORD", "chongzhi-2026"), ("ZKDESK_NEW_PASSWORD", "shouli-2027")];
    let someone = zkdesk_tests::cards::with_check("42010219900101123");
    let blocked = zkctl(d, &["--json", "lookup", &someone, "--staff", "S001"], &reset_env);
    assert_eq!(blocked.status.code(), Some(1));
    let answer: Value = serde_json::from_slice(&blocked.stdout).unwrap();
    assert_eq!(answer["refused"]["code"], "PASSWORD_CHANGE_REQUIRED", "{answer}");
    let same = zkctl(d, &["--json", "staff", "change-password", "--staff", "S001"], &[("ZKDESK_PASSWORD", "chongzhi-2026"), ("ZKDESK_NEW_PASSWORD", "chongzhi-2026")]);
    assert_eq!(same.status.code(), Some(1), "the new password may not equal the old");
    let changed = ok("change-password", zkctl(d, &["--json", "staff", "change-password", "--staff", "S001"], &reset_env));
    assert_eq!(changed["changed"], "S001");
    ok("lookup with the new password", zkctl(d, &["--json", "lookup", &someone, "--staff", "S001"], &[("ZKDESK_PASSWORD", "shouli-2027")]));
    let desk = zkdesk_tests::fixtures::open(d);
    assert!(!zkdesk::store::staff::must_change_password(desk.store().conn(), "S001").unwrap());
    let kinds = desk.store().conn().query_row("SELECT COUNT(*) FROM audit_event WHERE kind = 'password_changed' AND actor = 'S001'", [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(kinds, 1, "the change is audited once");
    drop(desk);

    let bad = zkctl(d, &["--json", "settings", "set", "sync_interval_secs", "5", "--supervisor", "A001"], &ENV);
    assert_eq!(bad.status.code(), Some(1), "out of range is refused");
    ok("set", zkctl(d, &["--json", "settings", "set", "printer", "HP_LaserJet", "--supervisor", "A001"], &ENV));
    let above = zkctl(d, &["--json", "settings", "set", "face_review_band", "0.6", "--supervisor", "A001"], &ENV);
    assert_eq!(above.status.code(), Some(1), "the review band may not rise above the pass band");
    ok("band", zkctl(d, &["--json", "settings", "set", "face_review_band", "0.35", "--supervisor", "A001"], &ENV));
    let shown = ok("show", zkctl(d, &["--json", "settings", "show", "--supervisor", "A001"], &ENV));
    let printer = shown.as_array().unwrap().iter().find(|s| s["key"] == "printer").unwrap();
    assert_eq!(printer["value"], "HP_LaserJet");
    let band = shown.as_array().unwrap().iter().find(|s| s["key"] == "face_review_band").unwrap();
    assert_eq!(band["value"], "0.35");

    // A number whose check character is X, added in upper case and removed as typed: lower-case x, spaces.
    let with_x = (100..999).map(|n| zkdesk_tests::cards::with_check(&format!("42010219900307{n}"))).find(|id| id.ends_with('X')).unwrap();
    ok("blacklist", zkctl(d, &["--json", "blacklist", "add", &with_x, "--reason", "冒名", "--supervisor", "A001"], &ENV));
    let list = ok("list", zkctl(d, &["--json", "blacklist", "list", "--supervisor", "A001"], &ENV));
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let typed = format!("{} {}", &with_x[..6], with_x[6..].to_lowercase());
    let removed = ok("remove", zkctl(d, &["--json", "blacklist", "remove", &typed, "--supervisor", "A001"], &ENV));
    assert_eq!(removed["removed"], true);
    let list = ok("list", zkctl(d, &["--json", "blacklist", "list", "--supervisor", "A001"], &ENV));
    assert_eq!(list["items"].as_array().unwrap().len(), 0);
}
