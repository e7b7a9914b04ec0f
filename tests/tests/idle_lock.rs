//! The idle lock at the `desk` layer and at the GUI's command layer (`gui::AppState`), on a real
//! store: the lock keeps the counter's candidate, a locked session can do nothing, and only the
//! same person or a supervisor opens it again — audited, with the login lockout applying.

use chrono::{DateTime, FixedOffset};
use zkdesk::api::{LoginArgs, NewStaffArgs, Role, UnlockArgs};
use zkdesk::desk::counter::{CardSource, CounterSession, Stage};
use zkdesk::desk::{Actor, Desk, Session};
use zkdesk::domain::registration::Registration;
use zkdesk::domain::ErrorCode;
use zkdesk::gui::AppState;
use zkdesk::photo::{face::FaceDetector, Spec};
use zkdesk::store::{audit, registrations};
use zkdesk_tests::cards::with_check;
use zkdesk_tests::fixtures::card_for;
use zkdesk_tests::photos;
use zkdesk_tests::station::counter_registration;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

const NOW: &str = "2026-11-22T10:00:00+08:00";
const LATER: &str = "2026-11-22T10:20:00+08:00";

/// A station of 江岸区 with supervisor A001, counter staff S001 and S002, one candidate and a
/// number block.
fn station_desk() -> (tempfile::TempDir, Desk, Registration) {
    let r = counter_registration(1, &with_check("42010219900307001"), "张三");
    let zkdesk_tests::station::CounterStation { dir, desk, .. } = zkdesk_tests::station::counter_station(std::slice::from_ref(&r));
    let sup = Actor::Staff(desk.login("A001", "zhuguan-2026", &at(NOW)).unwrap());
    let s002 = NewStaffArgs { staff_id: "S002".into(), name: "赵受理".into(), role: Role::Counter, password: "zhaoshou-2026".into() };
    desk.staff_add(&sup, &s002, &at(NOW)).unwrap();
    desk.store()
        .conn()
        .execute("INSERT INTO number_block VALUES ('B1', 'q1', '0102271', 101, 110, 101, '2027-04-30T23:59:59+08:00', ?1)", [NOW])
        .unwrap();
    (dir, desk, r)
}

/// S001 at the counter with the candidate's card read and a good photo taken: ready to confirm.
fn ready(desk: &Desk, r: &Registration) -> (Session, CounterSession) {
    let staff = desk.login("S001", "shouli-2026", &at(NOW)).unwrap();
    let mut s = CounterSession::new();
    desk.counter_card(&mut s, &staff, card_for(r), CardSource::Chip, &at(NOW)).unwrap();
    let photo =
        zkdesk::photo::make(&image::DynamicImage::ImageRgb8(photos::on_blue()), &Spec::default(), &mut FaceDetector::new()).unwrap();
    desk.counter_photo(&mut s, photo).unwrap();
    assert!(s.view().can_confirm, "setup: the candidate is ready to confirm");
    (staff, s)
}

/// The newest audit events, oldest first, as (actor, kind, detail).
fn events(desk: &Desk, n: i64) -> Vec<(String, String, serde_json::Value)> {
    let mut v: Vec<_> = audit::recent(desk.store().conn(), n).unwrap().into_iter().map(|e| (e.actor, e.kind, e.detail)).collect();
    v.reverse();
    v
}

fn kinds(desk: &Desk, n: i64) -> Vec<String> {
    events(desk, n).into_iter().map(|(_, k, _)| k).collect()
}

#[test]
fn the_lock_keeps_the_counter_session_and_the_owner_unlocks_and_confirms() {
    let (_d, desk, r) = station_desk();
    let (staff, mut s) = ready(&desk, &r);
    let before = s.view();

    let locked = desk.lock(&staff, &at(NOW)).unwrap();
    assert!(locked.is_locked());
    assert_eq!(events(&desk, 1), vec![("S001".to_string(), "session_locked".to_string(), serde_json::json!({}))]);
    // Locking again changes nothing and writes nothing.
    let again = desk.lock(&locked, &at(NOW)).unwrap();
    assert!(again.is_locked());
    assert_eq!(kinds(&desk, 1), ["session_locked"]);

    // Behind the lock the candidate is exactly as it was: card, registration, photo, checks.
    let kept = s.view();
    assert_eq!(kept.stage, Stage::PhotoTaken);
    assert_eq!(kept.card.as_ref().map(|c| &c.id_number), Some(&r.id_number));
    assert_eq!(kept.registration.as_ref().map(|x| &x.registration_id), Some(&r.registration_id));
    assert_eq!(kept.photo.as_ref().map(|p| p.jpeg.clone()), before.photo.as_ref().map(|p| p.jpeg.clone()));
    assert_eq!(kept.photo.as_ref().map(|p| p.checks.len()), before.photo.as_ref().map(|p| p.checks.len()));

    let open = desk.unlock_session(&locked, "S001", "shouli-2026", &at(LATER)).unwrap();
    assert!(!open.is_locked());
    assert_eq!(open.staff_id, "S001");
    let (actor, kind, detail) = events(&desk, 1).pop().unwrap();
    assert_eq!((actor.as_str(), kind.as_str()), ("S001", "session_unlocked"));
    assert_eq!(detail["session_of"], "S001");
    assert_eq!(detail["by"], "owner");

    let receipt = desk.counter_confirm(&mut s, &open, "0190aaaa-0000-7000-8000-00000000a001", &at(LATER)).unwrap();
    assert_eq!(receipt.registration_id, r.registration_id);
    assert_eq!(receipt.staff, "李受理（S001）");
}

#[test]
fn a_locked_session_cannot_confirm_nor_take_a_new_card_nor_log_out() {
    let (_d, desk, r) = station_desk();
    let (staff, mut s) = ready(&desk, &r);
    let locked = desk.lock(&staff, &at(NOW)).unwrap();

    let e = desk.counter_confirm(&mut s, &locked, "0190aaaa-0000-7000-8000-00000000a002", &at(NOW)).unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionLocked);
    assert!(e.message.contains("锁定"), "{}", e.message);
    let confirmed: i64 = desk.store().conn().query_row("SELECT COUNT(*) FROM confirmation", [], |x| x.get(0)).unwrap();
    assert_eq!(confirmed, 0);

    let other = counter_registration(2, &with_check("42010219900307002"), "李四");
    registrations::apply(desk.store().conn(), &other).unwrap();
    let e = desk.counter_card(&mut s, &locked, card_for(&other), CardSource::Chip, &at(NOW)).unwrap_err();
    assert_eq!(e.code, ErrorCode::SessionLocked);
    assert_eq!(s.view().card.map(|c| c.id_number), Some(r.id_number.clone()), "the candidate behind the lock stays");

    assert_eq!(desk.search(&locked, "张三", &at(NOW)).unwrap_err().code, ErrorCode::SessionLocked);
    assert_eq!(desk.logout(&locked, &at(NOW)).unwrap_err().code, ErrorCode::SessionLocked);
    assert!(s.view().can_confirm, "refusals changed nothing in the counter session");
}

#[test]
fn a_wrong_password_is_refused_in_chinese_and_counts_towards_the_lockout() {
    let (_d, desk, r) = station_desk();
    let (staff, _s) = ready(&desk, &r);
    let locked = desk.lock(&staff, &at(NOW)).unwrap();
    for i in 0..4 {
        let e = desk.unlock_session(&locked, "S001", "wrong-password", &at(LATER)).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadCredentials, "attempt {i}");
        assert_eq!(e.message, "密码错误，未能解锁");
    }
    assert_eq!(kinds(&desk, 1), ["login_failed"]);
    // The fifth wrong password locks the account, as at the login screen; then even the right
    // password is refused until the lockout ends.
    let e = desk.unlock_session(&locked, "S001", "wrong-password", &at(LATER)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Locked);
    assert_eq!(kinds(&desk, 2), ["login_failed", "account_locked"]);
    assert_eq!(desk.unlock_session(&locked, "S001", "shouli-2026", &at(LATER)).unwrap_err().code, ErrorCode::Locked);
    assert!(!kinds(&desk, 20).contains(&"session_unlocked".to_string()));
}

#[test]
fn another_counter_account_cannot_unlock() {
    let (_d, desk, r) = station_desk();
    let (staff, mut s) = ready(&desk, &r);
    let locked = desk.lock(&staff, &at(NOW)).unwrap();
    let e = desk.unlock_session(&locked, "S002", "zhaoshou-2026", &at(LATER)).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAuthorized);
    assert_eq!(e.message, "只有本人或主管可以解锁");
    let e = desk.unlock_session(&locked, "S002", "wrong-password", &at(LATER)).unwrap_err();
    assert_eq!(e.code, ErrorCode::BadCredentials);
    assert!(!kinds(&desk, 20).contains(&"session_unlocked".to_string()));
    // Still locked: nothing can be done with the token held.
    assert_eq!(desk.counter_confirm(&mut s, &locked, "x", &at(LATER)).unwrap_err().code, ErrorCode::SessionLocked);
}

#[test]
fn a_supervisor_unlocks_and_the_session_continues_as_its_owner() {
    let (_d, desk, r) = station_desk();
    let (staff, mut s) = ready(&desk, &r);
    let locked = desk.lock(&staff, &at(NOW)).unwrap();
    assert_eq!(desk.unlock_session(&locked, "A001", "wrong-password", &at(LATER)).unwrap_err().code, ErrorCode::BadCredentials);

    let open = desk.unlock_session(&locked, "A001", "zhuguan-2026", &at(LATER)).unwrap();
    assert!(!open.is_locked());
    assert_eq!((open.staff_id.as_str(), open.role), ("S001", Role::Counter), "the session goes on as S001");
    let (actor, kind, detail) = events(&desk, 1).pop().unwrap();
    assert_eq!((actor.as_str(), kind.as_str()), ("A001", "session_unlocked"), "the supervisor is named");
    assert_eq!(detail["session_of"], "S001");
    assert_eq!(detail["by"], "supervisor");

    let receipt = desk.counter_confirm(&mut s, &open, "0190aaaa-0000-7000-8000-00000000a003", &at(LATER)).unwrap();
    assert_eq!(receipt.staff, "李受理（S001）", "the confirmation stays the counter staff's");
    let (actor, kind, _) = events(&desk, 1).pop().unwrap();
    assert_eq!((actor.as_str(), kind.as_str()), ("S001", "confirmed"));
    assert!(desk.audit_verify().unwrap().ok);
}

#[test]
fn a_supervisor_cannot_revive_a_session_whose_account_was_disabled() {
    let (_d, desk, r) = station_desk();
    let (staff, _s) = ready(&desk, &r);
    let locked = desk.lock(&staff, &at(NOW)).unwrap();
    let sup = Actor::Staff(desk.login("A001", "zhuguan-2026", &at(NOW)).unwrap());
    desk.staff_disable(&sup, "S001", &at(NOW)).unwrap();
    assert_eq!(desk.unlock_session(&locked, "A001", "zhuguan-2026", &at(LATER)).unwrap_err().code, ErrorCode::AccountDisabled);
}

/// The command layer the Tauri commands call: lock, everything refused, unlock, same candidate.
#[test]
fn the_gui_holds_the_locked_token_and_the_candidate_until_unlocked() {
    let (_d, desk, r) = station_desk();
    let state = AppState::new(desk);
    let now = at(NOW);
    let s = state.login(LoginArgs { staff_id: "S001".into(), password: "shouli-2026".into() }, &now).unwrap();
    assert!(!s.locked);
    let view = state.card_read(card_for(&r), &now).expect("a card is read while logged in");
    assert_eq!(view.stage, zkdesk::api::StageName::Matched);

    let locked = state.lock_session(&now).unwrap();
    assert!(locked.locked);
    assert_eq!((locked.staff_id.as_str(), locked.name.as_str()), ("S001", "李受理"));
    assert_eq!(state.current_session().map(|s| s.locked), Some(true), "a reloaded UI finds the lock");
    assert_eq!(state.counter_view().unwrap_err().code, ErrorCode::SessionLocked, "nothing of the candidate leaves the core");
    assert_eq!(state.counter_confirm(&now).unwrap_err().code, ErrorCode::SessionLocked);
    assert_eq!(state.counter_cancel().unwrap_err().code, ErrorCode::SessionLocked);
    assert_eq!(state.logout(&now).unwrap_err().code, ErrorCode::SessionLocked);
    let other = counter_registration(2, &with_check("42010219900307002"), "李四");
    assert!(state.card_read(card_for(&other), &now).is_none(), "a card placed on the reader while locked is ignored");

    let e = state.unlock_session(UnlockArgs { staff_id: "S001".into(), password: "nope-nope".into() }, &now).unwrap_err();
    assert_eq!(e.message, "密码错误，未能解锁");
    let open = state.unlock_session(UnlockArgs { staff_id: "S001".into(), password: "shouli-2026".into() }, &at(LATER)).unwrap();
    assert!(!open.locked);
    let view = state.counter_view().unwrap();
    assert_eq!(view.card.map(|c| c.id_number), Some(r.id_number.clone()), "the same candidate is back");
    assert!(state.logout(&at(LATER)).is_ok());
}
