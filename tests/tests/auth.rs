//! Authentication and authorization at the Rust command layer (`gui::AppState`, the code every
//! Tauri command calls), on a real store.

use chrono::{DateTime, FixedOffset};
use zkdesk::api::{LoginArgs, NewStaffArgs, Role, StaffIdArgs};
use zkdesk::desk::{Actor, Desk};
use zkdesk::domain::ErrorCode;
use zkdesk::gui::AppState;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// A store with a supervisor A001, counter staff S001 and a disabled S009.
fn state() -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let (mut desk, sup) = zkdesk_tests::fixtures::new_store(dir.path());
    let now = at("2026-11-22T08:00:00+08:00");
    let add = |desk: &mut Desk, actor: &Actor, id: &str, role: Role, pw: &str| {
        desk.staff_add(actor, &NewStaffArgs { staff_id: id.into(), name: format!("员工{id}"), role, password: pw.into() }, &now).unwrap();
    };
    let sup = Actor::Staff(sup);
    add(&mut desk, &sup, "S001", Role::Counter, "shouli-2026");
    add(&mut desk, &sup, "S009", Role::Counter, "tingyong-2026");
    desk.staff_disable(&sup, "S009", &now).unwrap();
    (dir, AppState::new(desk))
}

fn login(state: &AppState, id: &str, pw: &str) -> Result<zkdesk::api::SessionInfo, zkdesk::domain::DeskError> {
    state.login(LoginArgs { staff_id: id.into(), password: pw.into() }, &at("2026-11-22T09:00:00+08:00"))
}

#[test]
fn a_wrong_password_is_refused() {
    let (_d, s) = state();
    let e = login(&s, "S001", "shouli-2025").unwrap_err();
    assert_eq!(e.code, ErrorCode::BadCredentials);
    assert_eq!(e.message, "工号或密码错误");
    assert!(s.current_session().is_none());
}

#[test]
fn an_unknown_account_gets_the_same_answer_as_a_wrong_password() {
    let (_d, s) = state();
    let e = login(&s, "X404", "whatever-pw").unwrap_err();
    assert_eq!(e.code, ErrorCode::BadCredentials);
}

#[test]
fn a_disabled_account_is_refused() {
    let (_d, s) = state();
    let e = login(&s, "S009", "tingyong-2026").unwrap_err();
    assert_eq!(e.code, ErrorCode::AccountDisabled);
}

#[test]
fn the_right_password_opens_a_session() {
    let (_d, s) = state();
    let session = login(&s, "S001", "shouli-2026").unwrap();
    assert_eq!(session.role, Role::Counter);
    assert_eq!(s.current_session(), Some(session));
    assert!(s.status_bar().is_ok());
}

#[test]
fn counter_staff_cannot_call_supervisor_commands() {
    let (_d, s) = state();
    login(&s, "S001", "shouli-2026").unwrap();
    let now = at("2026-11-22T09:05:00+08:00");
    assert_eq!(s.staff_list().unwrap_err().code, ErrorCode::NotAuthorized);
    let add = NewStaffArgs { staff_id: "S777".into(), name: "冒名".into(), role: Role::Supervisor, password: "password-1".into() };
    assert_eq!(s.staff_add(add, &now).unwrap_err().code, ErrorCode::NotAuthorized);
    assert_eq!(s.staff_disable(StaffIdArgs { staff_id: "A001".into() }, &now).unwrap_err().code, ErrorCode::NotAuthorized);
}

#[test]
fn commands_without_a_session_are_refused() {
    let (_d, s) = state();
    assert_eq!(s.status_bar().unwrap_err().code, ErrorCode::NotLoggedIn);
    assert_eq!(s.staff_list().unwrap_err().code, ErrorCode::NotLoggedIn);
}

#[test]
fn a_supervisor_can_manage_staff_and_a_disabled_session_stops_working() {
    let (dir, s) = state();
    login(&s, "A001", "zhuguan-2026").unwrap();
    let now = at("2026-11-22T09:10:00+08:00");
    assert_eq!(s.staff_list().unwrap().len(), 3);
    s.staff_add(NewStaffArgs { staff_id: "S002".into(), name: "新人".into(), role: Role::Counter, password: "xinren-2026".into() }, &now)
        .unwrap();

    // A session is re-checked on every command: disable the supervisor from another connection.
    let other = zkdesk_tests::fixtures::open(dir.path());
    other.store().conn().execute("UPDATE staff SET disabled = 1 WHERE staff_id = 'A001'", []).unwrap();
    assert_eq!(s.staff_list().unwrap_err().code, ErrorCode::AccountDisabled);
}

#[test]
fn logins_and_failures_are_audited() {
    let (dir, s) = state();
    login(&s, "S001", "bad-password").unwrap_err();
    login(&s, "S001", "shouli-2026").unwrap();
    let desk = zkdesk_tests::fixtures::open(dir.path());
    let events = zkdesk::store::audit::recent(desk.store().conn(), 2).unwrap();
    assert_eq!(events[0].kind, "login");
    assert_eq!(events[1].kind, "login_failed");
    assert_eq!(events[1].actor, "S001");
    assert!(desk.audit_verify().unwrap().ok);
}

#[test]
fn a_reset_password_must_be_changed_before_anything_else() {
    let (_d, s) = state();
    let now = at("2026-11-22T09:05:00+08:00");
    login(&s, "A001", "zhuguan-2026").unwrap();
    let reset = zkdesk::api::PasswordResetArgs { staff_id: "S001".into(), new_password: "chongzhi-2026".into() };
    s.staff_reset_password(reset, &now).unwrap();
    s.logout(&now).unwrap();

    let session = login(&s, "S001", "chongzhi-2026").unwrap();
    assert!(session.must_change_password, "the login answer says the password must change");
    assert_eq!(s.current_session().map(|s| s.must_change_password), Some(true));
    // Refused in desk, whatever the UI shows: the counter's own work and any read.
    for e in [s.confirmations_today(&now).unwrap_err(), s.ui_settings().unwrap_err(), s.counter_search(zkdesk::api::QueryArgs { query: "张".into() }, &now).unwrap_err()] {
        assert_eq!(e.code, ErrorCode::PasswordChangeRequired, "{e:?}");
        assert!(e.message.contains("修改密码"), "Chinese for staff: {}", e.message);
    }

    let change = |old: &str, new: &str| {
        s.change_password(zkdesk::api::ChangePasswordArgs { old_password: old.into(), new_password: new.into() }, &now)
    };
    assert_eq!(change("chongzhi-2026", "short").unwrap_err().code, ErrorCode::InvalidInput, "at least 8 characters");
    assert_eq!(change("chongzhi-2026", "chongzhi-2026").unwrap_err().message, "新密码不能与原密码相同");
    let wrong = change("wrong-old-pw", "shouli-2027").unwrap_err();
    assert_eq!((wrong.code, wrong.message.as_str()), (ErrorCode::BadCredentials, "原密码不正确"));
    assert!(s.confirmations_today(&now).is_err(), "refused changes leave the account blocked");

    let changed = change("chongzhi-2026", "shouli-2027").unwrap();
    assert!(!changed.must_change_password);
    assert_eq!(s.current_session(), Some(changed));
    assert!(s.confirmations_today(&now).is_ok(), "the session works once the password is changed");
    s.logout(&now).unwrap();
    assert_eq!(login(&s, "S001", "chongzhi-2026").unwrap_err().code, ErrorCode::BadCredentials, "the reset password is gone");
    assert!(!login(&s, "S001", "shouli-2027").unwrap().must_change_password);
}

#[test]
fn a_blacklist_entry_is_removed_from_the_masked_list_by_its_key() {
    let (_d, s) = state();
    let now = at("2026-11-22T09:05:00+08:00");
    let barred = zkdesk_tests::cards::with_check("42010219900307123");
    let other = zkdesk_tests::cards::with_check("42010219900307456");
    login(&s, "A001", "zhuguan-2026").unwrap();
    for id in [&barred, &other] {
        s.blacklist_add(zkdesk::api::BlacklistArgs { id_number: id.clone(), reason: Some("冒名".into()) }, &now).unwrap();
    }
    let list = s.blacklist_list().unwrap();
    assert_eq!(list.len(), 2);
    let entry = list.iter().find(|e| e.id_number_masked == zkdesk::idcard::gb11643::mask(&barred)).unwrap().clone();
    assert!(!entry.key.contains(&barred[6..14]) && entry.key.len() >= 16, "the key does not carry the masked digits: {}", entry.key);
    assert_eq!(s.blacklist_list().unwrap().iter().find(|e| e.id_number_masked == entry.id_number_masked).unwrap().key, entry.key, "stable");

    // A counter account may not remove, even with a valid key.
    s.logout(&now).unwrap();
    login(&s, "S001", "shouli-2026").unwrap();
    let refused = s.blacklist_remove_entry(zkdesk::api::BlacklistKeyArgs { key: entry.key.clone() }, &now).unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotAuthorized);
    s.logout(&now).unwrap();

    login(&s, "A001", "zhuguan-2026").unwrap();
    assert!(s.blacklist_remove_entry(zkdesk::api::BlacklistKeyArgs { key: entry.key.clone() }, &now).unwrap());
    assert!(!s.blacklist_remove_entry(zkdesk::api::BlacklistKeyArgs { key: entry.key.clone() }, &now).unwrap(), "gone already");
    assert!(!s.blacklist_remove_entry(zkdesk::api::BlacklistKeyArgs { key: "not-a-key".into() }, &now).unwrap());
    let left = s.blacklist_list().unwrap();
    assert_eq!(left.len(), 1, "only that entry went");
    assert_eq!(left[0].id_number_masked, zkdesk::idcard::gb11643::mask(&other));
}
