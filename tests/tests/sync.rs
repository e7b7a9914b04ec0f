//! Sync against the real simulator on loopback: feeds, pushes under every fault type,
//! rejections, 401, malformed and oversized answers. Assertions read the simulator's own state.

use zkdesk::desk::Desk;
use zkdesk::domain::ErrorCode;
use zkdesk::store::{confirmations, registrations};
use zkdesk::sync::SyncReport;
use zkdesk_tests::fixtures::{confirmable, enrolled, now, record};
use zkdesk_tests::sim::{Faults, Sim};

fn sync(desk: &mut Desk) -> SyncReport {
    desk.sync_now(&now, true, &mut |_| {}).unwrap()
}

/// Syncs until the outbox is empty (faults make single cycles fail), at most `tries` times.
fn sync_until_drained(desk: &mut Desk, tries: usize) -> Vec<SyncReport> {
    let mut reports = Vec::new();
    for _ in 0..tries {
        let r = sync(desk);
        let done = r.error.is_none();
        reports.push(r);
        if done && desk.status().unwrap().outbox_pending == 0 {
            return reports;
        }
    }
    panic!("outbox not drained after {tries} cycles: {:?}", reports.last());
}

fn region_count(sim: &Sim) -> i64 {
    sim.state.scalar("SELECT COUNT(*) FROM registration WHERE region_code = '4201'")
}

#[test]
fn first_full_sync_then_a_delta() {
    let sim = Sim::start("420102", 1500, 11);
    let (_d, mut desk) = enrolled(&sim, 0);
    let mut phases = Vec::new();
    let r = desk.sync_now(&now, true, &mut |p| phases.push(p.phase)).unwrap();
    assert!(r.error.is_none(), "{r:?}");
    assert!(r.reference_updated);
    assert_eq!(desk.status().unwrap().registrations, region_count(&sim));
    assert!(region_count(&sim) > 1500, "the region's other counties are in the feed too");
    assert!(r.tasks_applied > 0);
    assert_eq!(r.blocks_leased, 1);
    assert!(phases.iter().filter(|p| **p == zkdesk::sync::Phase::Registrations).count() >= 2, "progress per page");

    // Nothing changed: nothing applied, and the reference comes back 304.
    let again = sync(&mut desk);
    assert_eq!((again.registrations_applied, again.reference_updated, again.blocks_leased), (0, false, 0));

    // One online change: exactly that item arrives.
    let id = confirmable(&desk, 1)[0].registration_id.clone();
    sim.state.change_registration(&id, |r| r["phone_masked"] = "139****0000".into());
    let delta = sync(&mut desk);
    assert_eq!(delta.registrations_applied, 1);
    let local = registrations::get(desk.store().conn(), &id).unwrap().unwrap();
    assert_eq!(local.version, 2);
    assert_eq!(local.phone_masked.as_deref(), Some("139****0000"));
}

#[test]
fn a_registration_whose_version_goes_backwards_is_ignored() {
    let sim = Sim::start("420102", 200, 12);
    let (_d, mut desk) = enrolled(&sim, 0);
    sync(&mut desk);
    let id = confirmable(&desk, 1)[0].registration_id.clone();
    let v2 = sim.state.change_registration(&id, |r| r["name"] = "新名字".into());
    sync(&mut desk);
    // A stale copy (version 1) appears in the feed after version 2.
    let mut old = v2.clone();
    old["version"] = 1.into();
    old["name"] = "旧名字".into();
    sim.state
        .db()
        .execute(
            "INSERT INTO reg_change (registration_id, region_code, body) VALUES (?1, '4201', ?2)",
            rusqlite::params![id, old.to_string()],
        )
        .unwrap();
    let r = sync(&mut desk);
    assert_eq!((r.registrations_applied, r.registrations_ignored), (0, 1));
    let local = registrations::get(desk.store().conn(), &id).unwrap().unwrap();
    assert_eq!((local.version, local.name.as_str()), (2, "新名字"));
}

fn push_under(faults: Faults, seed: u64, expect_failed_cycles: bool) {
    let sim = Sim::start("420102", 300, seed);
    let (_d, mut desk) = enrolled(&sim, 0);
    sync(&mut desk);
    let regs = confirmable(&desk, 20);
    let items: Vec<_> = regs.iter().map(|r| record(&desk, r, None)).collect();
    sim.state.set_faults(faults.clone());
    let reports = sync_until_drained(&mut desk, 60);
    sim.state.set_faults(Faults::none());
    // The faults really happened: some cycles stopped early and were retried.
    assert_eq!(reports.iter().any(|r| r.error.is_some()), expect_failed_cycles, "{reports:?}");
    for (item, reg) in items.iter().zip(&regs) {
        let at_sim = sim.state.scalar(&format!("SELECT COUNT(*) FROM confirmation WHERE registration_id = '{}'", reg.registration_id));
        assert_eq!(at_sim, 1, "{} confirmed exactly once under {faults:?}", reg.registration_id);
        let (state, number) = confirmations::state(desk.store().conn(), &item.confirmation_id).unwrap().unwrap();
        assert_eq!(state, "accepted");
        let sim_number: String = sim
            .state
            .db()
            .query_row("SELECT admission_number FROM confirmation WHERE registration_id = ?1", [&reg.registration_id], |r| r.get(0))
            .unwrap();
        assert_eq!(number.as_deref(), Some(sim_number.as_str()), "the receipt's number is the province's");
    }
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM confirmation"), 20);
    assert_eq!(sim.state.scalar("SELECT COUNT(DISTINCT admission_number) FROM confirmation"), 20);
    assert_eq!(desk.status().unwrap().outbox_parked, 0);
}

#[test]
fn push_with_5xx_answers() {
    push_under(Faults { error_5xx: 0.5, ..Faults::none() }, 21, true);
}

#[test]
fn push_with_429_and_retry_after() {
    push_under(Faults { rate_limit: 0.5, retry_after_s: 1, ..Faults::none() }, 22, true);
}

#[test]
fn push_with_slow_answers() {
    push_under(Faults { slow_ms: 150, ..Faults::none() }, 23, false);
}

#[test]
fn push_with_the_connection_dropped_after_commit() {
    push_under(Faults { drop_after_commit: 0.6, ..Faults::none() }, 24, true);
}

#[test]
fn push_with_truncated_json() {
    push_under(Faults { truncate_json: 0.6, ..Faults::none() }, 25, true);
}

#[test]
fn push_under_chaos() {
    push_under(Faults::chaos(), 26, true);
}

#[test]
fn a_clock_offset_is_measured_and_warned_about() {
    let sim = Sim::start("420102", 50, 27);
    let (_d, mut desk) = enrolled(&sim, 0);
    sim.state.set_faults(Faults { clock_offset_ms: 7 * 60 * 1000, ..Faults::none() });
    let r = sync(&mut desk);
    let offset = r.clock_offset_ms.unwrap();
    assert!((offset - 420_000).abs() < 5_000, "measured {offset}");
    let s = desk.status().unwrap();
    assert!(s.clock_warning);
    assert_eq!(desk.status_bar().unwrap().network.label, "本机时钟偏差过大");
}

#[test]
fn stale_version_pulls_rechecks_and_resends_once() {
    let sim = Sim::start("420102", 200, 31);
    let (_d, mut desk) = enrolled(&sim, 0);
    sync(&mut desk);
    let reg = confirmable(&desk, 1).remove(0);
    record(&desk, &reg, None);
    // The registration changes online before our confirmation arrives.
    sim.state.change_registration(&reg.registration_id, |r| r["phone_masked"] = "137****1111".into());
    let r = sync(&mut desk);
    assert_eq!(r.resent_after_stale, 1, "{r:?}");
    assert_eq!(r.accepted, 1);
    assert_eq!(sim.state.scalar(&format!("SELECT COUNT(*) FROM confirmation WHERE registration_id = '{}'", reg.registration_id)), 1);
    let stale = sim.state.scalar("SELECT COUNT(*) FROM outcome WHERE result LIKE '%STALE_VERSION%'");
    assert_eq!(stale, 1);
    assert_eq!(desk.status().unwrap().outbox_pending, 0);
}

#[test]
fn already_confirmed_by_another_station_is_parked_with_its_reason() {
    let sim = Sim::start("420102", 200, 32);
    let (_a, mut a) = enrolled(&sim, 0);
    let (_b, mut b) = enrolled(&sim, 1);
    sync(&mut a);
    sync(&mut b);
    let reg = confirmable(&a, 1).remove(0);
    record(&a, &reg, None);
    record(&b, &reg, None);
    assert_eq!(sync(&mut a).accepted, 1);
    let rb = sync(&mut b);
    assert_eq!((rb.accepted, rb.parked), (0, 1));
    let parked = b.parked_items().unwrap();
    assert!(parked[0].reason.starts_with("ALREADY_CONFIRMED"), "{parked:?}");
    assert_eq!(sim.state.scalar(&format!("SELECT COUNT(*) FROM confirmation WHERE registration_id = '{}'", reg.registration_id)), 1);
    // A parked item never blocks the queue: the next confirmation goes through.
    let next = confirmable(&b, 1).remove(0);
    record(&b, &next, None);
    assert_eq!(sync(&mut b).accepted, 1);
}

#[test]
fn a_number_not_leased_is_parked() {
    let sim = Sim::start("420102", 200, 33);
    let (_d, mut desk) = enrolled(&sim, 0);
    sync(&mut desk);
    let reg = confirmable(&desk, 10).into_iter().find(|r| r.kind == "new").unwrap();
    record(&desk, &reg, Some(Some("010227199999".into())));
    let r = sync(&mut desk);
    assert_eq!(r.parked, 1);
    assert!(desk.parked_items().unwrap()[0].reason.starts_with("NUMBER_NOT_LEASED"));
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM confirmation"), 0);
}

#[test]
fn unauthorized_stops_syncing_until_enrolled_again() {
    let sim = Sim::start("420102", 50, 34);
    let (_d, mut desk) = enrolled(&sim, 0);
    sim.state.set_faults(Faults { unauthorized: true, ..Faults::none() });
    let r = sync(&mut desk);
    assert!(r.error.as_deref().unwrap().contains("重新登记"), "{r:?}");
    assert!(desk.station_info().unwrap().unwrap().token_revoked);
    let e = desk.sync_now(&now, true, &mut |_| {}).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotEnrolled);
    assert_eq!(desk.status_bar().unwrap().network.label, "需重新登记工作站");
    // Enrolling again with a fresh code restores sync.
    sim.state.set_faults(Faults::none());
    let sup = zkdesk::desk::Actor::Staff(desk.login("A001", "zhuguan-2026", &now()).unwrap());
    desk.enroll_station(&sup, &sim.base_url(), &sim.codes[1], "test-station", &now()).unwrap();
    assert!(sync(&mut desk).error.is_none());
}

#[test]
fn malformed_and_oversized_answers_are_refused_without_a_crash() {
    let sim = Sim::start("420102", 100, 35);
    let (_d, mut desk) = enrolled(&sim, 0);
    sim.state.set_faults(Faults { truncate_json: 1.0, ..Faults::none() });
    let r = sync(&mut desk);
    assert!(r.error_detail.as_deref().unwrap().contains("malformed"), "{r:?}");
    assert_eq!(desk.status().unwrap().registrations, 0, "nothing from a broken page is stored");
    assert!(r.retry_at.is_some(), "a backoff is scheduled");

    sim.state.set_faults(Faults { oversized_bytes: 65 * 1024 * 1024, ..Faults::none() });
    let r = sync(&mut desk);
    assert!(r.error_detail.as_deref().unwrap().contains("larger than"), "{r:?}");

    // Without force, the backoff holds the next cycle back.
    sim.state.set_faults(Faults::none());
    let skipped = desk.sync_now(&now, false, &mut |_| {}).unwrap();
    assert!(skipped.skipped);
    assert!(sync(&mut desk).error.is_none());
    assert_eq!(desk.status().unwrap().registrations, region_count(&sim));
}

#[test]
fn enrollment_codes_are_single_use() {
    let sim = Sim::start("420102", 10, 36);
    let (_d, _desk) = enrolled(&sim, 0);
    let dir = tempfile::tempdir().unwrap();
    let (other, sup) = zkdesk_tests::fixtures::new_store(dir.path());
    let sup = zkdesk::desk::Actor::Staff(sup);
    let e = other.enroll_station(&sup, &sim.base_url(), &sim.codes[0], "x", &now()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    let e = other.enroll_station(&sup, &sim.base_url(), "NOPE0000", "x", &now()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = other.enroll_station(&sup, "http://10.0.0.1/api", "x", "x", &now()).unwrap_err();
    assert!(e.detail.contains("https"), "{e:?}");
}

#[test]
fn revocations_decisions_and_password_resets_drain_through_the_outbox() {
    use zkdesk::store::outbox::{self, Kind};
    let sim = Sim::start("420102", 200, 37);
    let (_d, mut desk) = enrolled(&sim, 0);
    sync(&mut desk);
    let reg = confirmable(&desk, 1).remove(0);
    let c = record(&desk, &reg, None);
    assert_eq!(sync(&mut desk).accepted, 1);
    let task: (String, i64) = desk
        .store()
        .conn()
        .query_row("SELECT task_id, version FROM review_task WHERE status = 'open' LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let at = now().to_rfc3339();
    let conn = desk.store().conn();
    outbox::push(conn, Kind::Revocation, "rv-1", &serde_json::json!({"revocation_id": "rv-1", "confirmation_id": c.confirmation_id, "supervisor_id": "A001", "reason": "照片非本人", "revoked_at": at}), &at).unwrap();
    outbox::push(conn, Kind::ReviewDecision, "dc-1", &serde_json::json!({"decision_id": "dc-1", "task_id": task.0, "task_version": task.1, "decision": "approve", "reason_code": null, "comment": "", "reviewer_id": "A001", "decided_at": at}), &at).unwrap();
    outbox::push(conn, Kind::PasswordReset, "pw-1", &serde_json::json!({"request_id": "pw-1", "registration_id": reg.registration_id, "id_number": reg.id_number, "name": reg.name, "verified_by": "chip", "staff_id": "S001", "requested_at": at}), &at).unwrap();
    // A decision on a task that does not exist is parked, and does not hold the others back.
    outbox::push(conn, Kind::ReviewDecision, "dc-2", &serde_json::json!({"decision_id": "dc-2", "task_id": "T-none", "task_version": 1, "decision": "approve", "reviewer_id": "A001", "decided_at": at}), &at).unwrap();
    let r = sync(&mut desk);
    assert_eq!((r.accepted, r.parked), (3, 1), "{r:?}");
    assert_eq!(sim.state.scalar("SELECT revoked FROM confirmation"), 1);
    assert_eq!(
        sim.state.scalar(&format!(
            "SELECT COUNT(*) FROM registration WHERE registration_id = '{}' AND status = 'pre_registered'",
            reg.registration_id
        )),
        1
    );
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM decision"), 1);
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM sms WHERE kind = 'password'"), 1);
    assert!(desk.parked_items().unwrap()[0].reason.starts_with("NOT_FOUND"));
    // The revoked registration comes back through the feed on the next cycle, waiting again.
    sync(&mut desk);
    let local = registrations::get(desk.store().conn(), &reg.registration_id).unwrap().unwrap();
    assert_eq!(local.status, "pre_registered");
}

#[test]
fn a_batch_refused_as_too_large_is_split() {
    let sim = Sim::start("420102", 200, 38);
    let (_d, mut desk) = enrolled(&sim, 0);
    sync(&mut desk);
    for r in confirmable(&desk, 8) {
        record(&desk, &r, None);
    }
    // Each item is ~41 KB of JSON: a batch of more than two is refused with 413.
    sim.state.set_faults(Faults { max_request_bytes: 100_000, ..Faults::none() });
    let r = sync(&mut desk);
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!((r.accepted, r.parked), (8, 0));
    assert_eq!(sim.state.scalar("SELECT COUNT(*) FROM confirmation"), 8);
    // One item alone over the limit is parked with its reason instead of blocking the queue.
    let last = confirmable(&desk, 1).remove(0);
    record(&desk, &last, None);
    sim.state.set_faults(Faults { max_request_bytes: 10_000, ..Faults::none() });
    let r = sync(&mut desk);
    assert_eq!(r.parked, 1);
    assert!(desk.parked_items().unwrap()[0].reason.starts_with("TOO_LARGE"));
}
