//! Every counter rule, at the `desk` layer, with time passed in.

use chrono::{DateTime, FixedOffset};
use zkdesk::desk::counter::{CardSource, CounterSession, Stage};
use zkdesk::domain::confirmation::Flag;
use zkdesk::desk::{Actor, Desk, Session};
use zkdesk::domain::registration::{PriorEducation, Registration};
use zkdesk::domain::ErrorCode;
use zkdesk::photo::{face::FaceDetector, Spec};
use zkdesk_tests::cards::with_check;
use zkdesk_tests::fixtures::{assert_ui_fixture, card_for, for_ui_fixture};
use zkdesk_tests::photos;
use zkdesk_tests::station::{counter_registration, counter_station, CounterStation, COUNTER_NOW};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

const NOW: &str = COUNTER_NOW;

fn reg(seq: u32, id_number: &str, name: &str) -> Registration {
    counter_registration(seq, id_number, name)
}

struct Counter {
    _dir: tempfile::TempDir,
    desk: Desk,
    staff: Session,
}

/// A station of 江岸区 with a supervisor A001, counter staff S001, and the given registrations.
fn counter(regs: &[Registration]) -> Counter {
    let CounterStation { dir, desk, staff } = counter_station(regs);
    Counter { _dir: dir, desk, staff }
}

fn id(n: u32) -> String {
    with_check(&format!("42010219900307{n:03}"))
}

fn swipe(c: &Counter, card: zkdesk::idcard::IdentityCard) -> CounterSession {
    let mut s = CounterSession::new();
    c.desk.counter_card(&mut s, &c.staff, card, CardSource::Chip, &at(NOW)).unwrap();
    s
}

fn codes(s: &CounterSession) -> Vec<String> {
    s.view().refusals.into_iter().map(|r| r.code.as_str().to_string()).collect()
}

fn good_photo() -> zkdesk::photo::SpecPhoto {
    zkdesk::photo::make(&image::DynamicImage::ImageRgb8(photos::on_blue()), &Spec::default(), &mut FaceDetector::new()).unwrap()
}

/// One candidate per rule: eligible, cancelled, confirmed online, another county, 专升本 pending,
/// a rare-character name, and one for the blacklist.
fn scenario() -> [Registration; 7] {
    [
        reg(1, &id(1), "张三"),
        Registration { status: zkdesk::domain::registration::RegistrationStatus::parse("cancelled"), ..reg(2, &id(2), "李四") },
        Registration { status: zkdesk::domain::registration::RegistrationStatus::parse("confirmed"), admission_number: Some("010227100001".into()), ..reg(3, &id(3), "王五") },
        Registration { county_code: "420103".into(), ..reg(4, &id(4), "赵六") },
        Registration {
            upgrade: true,
            prior_education: PriorEducation { status: zkdesk::domain::registration::PriorEducationStatus::parse("pending"), school: None, certificate_no: None },
            ..reg(5, &id(5), "钱七")
        },
        reg(6, &id(6), "王喆"),
        reg(7, &id(7), "孙八"),
    ]
}

#[test]
fn the_rules_table() {
    let [base, cancelled, confirmed, elsewhere, upgrade, rare, _] = scenario();
    let c = counter(&scenario());

    // (card, expected open refusal codes, message fragment)
    let bad_check = zkdesk::idcard::IdentityCard { id_number: format!("{}0", &id(1)[..17]), id_number_valid: false, ..card_for(&base) };
    let expired = zkdesk::idcard::IdentityCard { valid_to: Some("2026-11-21".into()), ..card_for(&base) };
    let valid_today = zkdesk::idcard::IdentityCard { valid_to: Some("2026-11-22".into()), ..card_for(&base) };
    let unknown = zkdesk::idcard::IdentityCard { id_number: id(99), ..card_for(&base) };
    let table: Vec<(&str, zkdesk::idcard::IdentityCard, Vec<&str>, &str)> = vec![
        ("eligible", card_for(&base), vec![], ""),
        ("valid through today", valid_today, vec![], ""),
        ("bad check digit", bad_check, vec!["ID_NUMBER_INVALID"], "身份证号码"),
        ("expired card", expired, vec!["CARD_EXPIRED"], "身份证已过有效期"),
        ("not registered", unknown, vec!["NOT_FOUND"], "未找到该考生的网上报名信息"),
        ("cancelled", card_for(&cancelled), vec!["NOT_ELIGIBLE"], "已取消"),
        ("confirmed online", card_for(&confirmed), vec!["ALREADY_CONFIRMED"], "010227100001"),
        ("other county", card_for(&elsewhere), vec!["WRONG_COUNTY"], "武汉市江汉区"),
        ("专升本 pending", card_for(&upgrade), vec!["PRIOR_EDUCATION_PENDING"], "学历认证报告"),
        (
            "name differs (生僻字)",
            zkdesk::idcard::IdentityCard { name: "王\u{E0A1}".into(), ..card_for(&rare) },
            vec!["NAME_MISMATCH"],
            "王喆",
        ),
    ];
    for (what, card, want, fragment) in table {
        let s = swipe(&c, card);
        assert_eq!(codes(&s), want, "{what}");
        if let Some(r) = s.view().refusals.first() {
            assert!(r.message.contains(fragment), "{what}: {}", r.message);
        }
    }
}

#[test]
fn a_blacklisted_number_is_refused_loudly() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    let sup = Actor::Staff(c.desk.login("A001", "zhuguan-2026", &at(NOW)).unwrap());
    c.desk.blacklist_add(&sup, &r.id_number, "冒名顶替记录", &at(NOW)).unwrap();
    let s = swipe(&c, card_for(&r));
    assert_eq!(codes(&s), vec!["BLACKLISTED"]);
    assert!(s.view().refusals[0].message.contains("冒名顶替记录"));
    // Counter staff cannot manage the list.
    let counter_actor = Actor::Staff(c.staff.clone());
    assert_eq!(c.desk.blacklist_remove(&counter_actor, &r.id_number, &at(NOW)).unwrap_err().code, ErrorCode::NotAuthorized);
}

#[test]
fn the_happy_path_confirms_with_a_block_number_and_a_receipt() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    c.desk
        .store()
        .conn()
        .execute("INSERT INTO number_block VALUES ('B1', 'q1', '0102271', 101, 110, 101, '2027-04-30T23:59:59+08:00', ?1)", [NOW])
        .unwrap();
    let mut s = swipe(&c, card_for(&r));
    assert_eq!(s.view().stage, Stage::Matched);
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    assert_eq!(s.view().stage, Stage::PhotoTaken);
    assert!(s.view().can_confirm);
    let staff = c.staff.clone();
    let receipt = c.desk.counter_confirm(&mut s, &staff, "0190aaaa-0000-7000-8000-000000000001", &at(NOW)).unwrap();
    assert_eq!(receipt.admission_number, "010227100101");
    assert_eq!(receipt.id_number_masked, format!("{}********{}", &r.id_number[..6], &r.id_number[14..]));
    assert_eq!((receipt.kind.as_str(), receipt.level.as_str()), ("新生", "本科"));
    assert_eq!(receipt.staff, "李受理（S001）");
    assert_eq!(s.view().stage, Stage::Confirmed);
    // One transaction wrote it all.
    let conn = c.desk.store().conn();
    let n = |sql: &str| -> i64 { conn.query_row(sql, [], |x| x.get(0)).unwrap() };
    assert_eq!(n("SELECT COUNT(*) FROM confirmation"), 1);
    assert_eq!(n("SELECT COUNT(*) FROM photo"), 1);
    assert_eq!(n("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"), 1);
    assert_eq!(n("SELECT COUNT(*) FROM audit_event WHERE kind = 'confirmed'"), 1);
    assert_eq!(n("SELECT next_seq FROM number_block"), 102);

    // Swiped again: already confirmed here, with the receipt on offer.
    let again = swipe(&c, card_for(&r));
    assert_eq!(codes(&again), vec!["ALREADY_CONFIRMED"]);
    assert!(again.view().refusals[0].message.contains("重打回执"));
    assert_eq!(c.desk.receipt(&receipt.confirmation_id).unwrap(), receipt);
}

#[test]
fn without_a_block_the_number_is_left_to_the_province() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    let mut s = swipe(&c, card_for(&r));
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    let staff = c.staff.clone();
    let receipt = c.desk.counter_confirm(&mut s, &staff, "0190aaaa-0000-7000-8000-000000000002", &at(NOW)).unwrap();
    assert_eq!(receipt.admission_number, "待分配，以短信为准");
}

#[test]
fn the_same_card_twice_keeps_the_session() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    let mut s = swipe(&c, card_for(&r));
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    c.desk.counter_card(&mut s, &c.staff, card_for(&r), CardSource::Chip, &at(NOW)).unwrap();
    assert_eq!(s.view().stage, Stage::PhotoTaken, "the photo is kept");
    assert_eq!(s.view().notice.as_deref(), Some("同一考生重复刷卡，已保留当前进度"));
}

#[test]
fn overrides_need_a_real_supervisor() {
    let r = reg(6, &id(6), "王喆");
    let c = counter(std::slice::from_ref(&r));
    let mut s = swipe(&c, zkdesk::idcard::IdentityCard { name: "王\u{E0A1}".into(), valid_to: Some("2026-01-01".into()), ..card_for(&r) });
    assert_eq!(codes(&s), vec!["CARD_EXPIRED", "NAME_MISMATCH"]);
    // Counter staff's own credentials do not count; a wrong password neither.
    assert_eq!(
        c.desk.counter_override(&mut s, Flag::NameMismatch, "S001", "shouli-2026", &at(NOW)).unwrap_err().code,
        ErrorCode::NotAuthorized
    );
    assert_eq!(c.desk.counter_override(&mut s, Flag::NameMismatch, "A001", "wrong", &at(NOW)).unwrap_err().code, ErrorCode::BadCredentials);
    c.desk.counter_override(&mut s, Flag::NameMismatch, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    c.desk.counter_override(&mut s, Flag::CardExpired, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    assert!(codes(&s).is_empty());
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    let staff = c.staff.clone();
    c.desk.counter_confirm(&mut s, &staff, "0190aaaa-0000-7000-8000-000000000003", &at(NOW)).unwrap();
    let flags: String = c.desk.store().conn().query_row("SELECT flags FROM confirmation", [], |x| x.get(0)).unwrap();
    for f in ["name_mismatch", "card_expired", "supervisor_override"] {
        assert!(flags.contains(f), "{flags}");
    }
    let sup: String = c.desk.store().conn().query_row("SELECT supervisor_id FROM confirmation", [], |x| x.get(0)).unwrap();
    assert_eq!(sup, "A001");
}

#[test]
fn a_paper_report_lifts_the_prior_education_block() {
    let r = Registration {
        upgrade: true,
        prior_education: PriorEducation { status: zkdesk::domain::registration::PriorEducationStatus::parse("report_uploaded"), school: None, certificate_no: None },
        ..reg(5, &id(5), "钱七")
    };
    let c = counter(std::slice::from_ref(&r));
    let mut s = swipe(&c, card_for(&r));
    assert_eq!(codes(&s), vec!["PRIOR_EDUCATION_PENDING"]);
    assert!(c.desk.counter_attach_report(&mut s, "text/plain", b"x").is_err());
    c.desk.counter_attach_report(&mut s, "application/pdf", b"%PDF-1.4 scanned report").unwrap();
    assert!(codes(&s).is_empty());
    assert!(s.view().flags.contains(&Flag::PaperPriorEducation));
}

#[test]
fn a_failed_photo_blocks_until_retaken_or_accepted_by_a_supervisor() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    let mut s = swipe(&c, card_for(&r));
    let red = zkdesk::photo::make(
        &image::DynamicImage::ImageRgb8(photos::rekey(&photos::astronaut(), |_, _| photos::RED)),
        &Spec::default(),
        &mut FaceDetector::new(),
    )
    .unwrap();
    c.desk.counter_photo(&mut s, red).unwrap();
    assert_eq!(codes(&s), vec!["PHOTO_REJECTED"]);
    assert!(!s.view().can_confirm);
    let staff = c.staff.clone();
    assert_eq!(c.desk.counter_confirm(&mut s, &staff, "x", &at(NOW)).unwrap_err().code, ErrorCode::Refused);
    // Retake: the block goes away.
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    assert!(s.view().can_confirm);
    // Or a supervisor accepts a failed one.
    let red = zkdesk::photo::make(
        &image::DynamicImage::ImageRgb8(photos::rekey(&photos::astronaut(), |_, _| photos::RED)),
        &Spec::default(),
        &mut FaceDetector::new(),
    )
    .unwrap();
    c.desk.counter_photo(&mut s, red).unwrap();
    c.desk.counter_override(&mut s, Flag::SupervisorOverride, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    assert!(s.view().can_confirm);
}

#[test]
fn manual_entry_needs_a_supervisor_and_is_flagged() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    let mut s = CounterSession::new();
    assert_eq!(
        c.desk.counter_manual(&mut s, &c.staff, "4201021990030712", "A001", "zhuguan-2026", &at(NOW)).unwrap_err().code,
        ErrorCode::InvalidInput
    );
    assert_eq!(c.desk.counter_manual(&mut s, &c.staff, &r.id_number, "S001", "shouli-2026", &at(NOW)).unwrap_err().code, ErrorCode::NotAuthorized);
    c.desk.counter_manual(&mut s, &c.staff, &r.id_number, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    let v = s.view();
    assert_eq!((v.stage, v.card_source), (Stage::Matched, Some(CardSource::Manual)));
    assert_eq!(v.flags, vec![Flag::ManualEntry]);
    // Search by the last six digits or the name finds the candidate.
    let staff = c.staff.clone();
    assert_eq!(c.desk.search(&staff, &r.id_number[12..], &at(NOW)).unwrap()[0].registration_id, r.registration_id);
    assert_eq!(c.desk.search(&staff, "张三", &at(NOW)).unwrap().len(), 1);
}

#[test]
fn confirming_needs_an_enrolled_station_and_a_logged_in_counter() {
    let r = reg(1, &id(1), "张三");
    let c = counter(std::slice::from_ref(&r));
    let mut s = swipe(&c, card_for(&r));
    let staff = c.staff.clone();
    assert_eq!(c.desk.counter_confirm(&mut s, &staff, "x", &at(NOW)).unwrap_err().code, ErrorCode::InvalidInput, "no photo yet");
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    c.desk.store().conn().execute("UPDATE staff SET disabled = 1 WHERE staff_id = 'S001'", []).unwrap();
    assert_eq!(c.desk.counter_confirm(&mut s, &staff, "x", &at(NOW)).unwrap_err().code, ErrorCode::AccountDisabled);
}

#[test]
fn a_password_reset_goes_through_the_outbox() {
    let r = Registration { status: zkdesk::domain::registration::RegistrationStatus::parse("confirmed"), ..reg(1, &id(1), "张三") };
    let c = counter(std::slice::from_ref(&r));
    let staff = c.staff.clone();
    let slip = c.desk.password_reset(&staff, &r.id_number, CardSource::Chip, "0190aaaa-0000-7000-8000-0000000000ff", &at(NOW)).unwrap();
    assert_eq!(slip.name, "张三");
    let payload: String =
        c.desk.store().conn().query_row("SELECT payload FROM outbox WHERE kind = 'password_reset'", [], |x| x.get(0)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!((v["verified_by"].as_str(), v["registration_id"].as_str()), (Some("chip"), Some(r.registration_id.as_str())));
}

/// The counter views the browser test replays (IPC mocked) come from this core, so the refusal
/// messages the UI shows are the real ones. `UPDATE_UI_FIXTURES=1` rewrites the checked-in file.
#[test]
fn ui_fixtures_are_fresh() {
    let [base, cancelled, confirmed, elsewhere, upgrade, rare, black] = scenario();
    let c = counter(&scenario());
    let sup = Actor::Staff(c.desk.login("A001", "zhuguan-2026", &at(NOW)).unwrap());
    c.desk.blacklist_add(&sup, &black.id_number, "冒名顶替记录", &at(NOW)).unwrap();
    c.desk
        .store()
        .conn()
        .execute("INSERT INTO number_block VALUES ('B1', 'q1', '0102271', 101, 110, 101, '2027-04-30T23:59:59+08:00', ?1)", [NOW])
        .unwrap();

    let mut out = serde_json::Map::new();
    let mut put = |name: &str, s: &CounterSession| {
        out.insert(name.into(), for_ui_fixture(serde_json::to_value(zkdesk::api::CounterView::from(&s.view())).unwrap()));
    };
    put("idle", &CounterSession::new());
    let cards = [
        (
            "ID_NUMBER_INVALID",
            zkdesk::idcard::IdentityCard { id_number: format!("{}0", &id(1)[..17]), id_number_valid: false, ..card_for(&base) },
        ),
        ("CARD_EXPIRED", zkdesk::idcard::IdentityCard { valid_to: Some("2026-11-21".into()), ..card_for(&base) }),
        ("NOT_FOUND", zkdesk::idcard::IdentityCard { id_number: id(99), ..card_for(&base) }),
        ("NOT_ELIGIBLE", card_for(&cancelled)),
        ("ALREADY_CONFIRMED", card_for(&confirmed)),
        ("WRONG_COUNTY", card_for(&elsewhere)),
        ("PRIOR_EDUCATION_PENDING", card_for(&upgrade)),
        ("NAME_MISMATCH", zkdesk::idcard::IdentityCard { name: "王\u{E0A1}".into(), ..card_for(&rare) }),
        ("BLACKLISTED", card_for(&black)),
    ];
    for (code, card) in cards {
        let s = swipe(&c, card);
        assert_eq!(codes(&s), vec![code]);
        put(code, &s);
    }
    let mut s = swipe(&c, card_for(&base));
    put("matched", &s);
    let red = zkdesk::photo::make(
        &image::DynamicImage::ImageRgb8(photos::rekey(&photos::astronaut(), |_, _| photos::RED)),
        &Spec::default(),
        &mut FaceDetector::new(),
    )
    .unwrap();
    c.desk.counter_photo(&mut s, red).unwrap();
    put("PHOTO_REJECTED", &s);
    c.desk.counter_photo(&mut s, good_photo()).unwrap();
    put("photo_taken", &s);
    let staff = c.staff.clone();
    c.desk.counter_confirm(&mut s, &staff, "0190aaaa-0000-7000-8000-00000000abcd", &at(NOW)).unwrap();
    put("confirmed", &s);

    assert_ui_fixture("counter-views.json", &serde_json::Value::Object(out));
}
