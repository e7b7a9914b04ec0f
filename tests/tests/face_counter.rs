//! The face match at the counter, end to end: a stand-in vendor WLT decoder (built here with gcc)
//! returns a chosen portrait as the chip photo; the live photo is another portrait. Pass, review
//! (flag face_mismatch, sign-off required), fail (refused until a supervisor authorises), and the
//! 替考 alert (one face, two id numbers, the same day).

use std::process::Command;
use std::sync::OnceLock;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use zkdesk::api::DayFilter;
use zkdesk::desk::counter::{CardSource, CounterSession};
use zkdesk::desk::{Desk, Session};
use zkdesk::domain::confirmation::Flag;
use zkdesk::domain::registration::Registration;
use zkdesk::domain::ErrorCode;
use zkdesk::face::Engine;
use zkdesk::photo::{self, face::FaceDetector, Outcome, Spec, SpecPhoto};
use zkdesk::store::settings;
use zkdesk_tests::cards::with_check;
use zkdesk_tests::fixtures::{assert_ui_fixture, for_ui_fixture};
use zkdesk_tests::photos::*;
use zkdesk_tests::station::{counter_registration, counter_station, ok, CounterStation, COUNTER_NOW};

/// The stand-in follows the vendor convention (`int unpack(wlt, bmp, save)`, a 102×126 24-bit
/// BMP of 38,862 bytes). Its "WLT" carries the path of the BMP to return, so each test card
/// brings its own chip photo.
const STAND_IN: &str = r#"
#include <stdio.h>
#include <string.h>
int unpack(const unsigned char *wlt, unsigned char *bmp, int save) {
    char path[1024];
    (void)save;
    memcpy(path, wlt, 1023); path[1023] = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return -3;
    size_t n = fread(bmp, 1, 38862, f);
    fclose(f);
    return n == 38862 ? 1 : -4;
}
"#;

/// Builds the stand-in once per process and points `ZKDESK_WLT_LIB` at it.
fn stand_in() {
    static LIB: OnceLock<tempfile::TempDir> = OnceLock::new();
    LIB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("standin.c");
        let lib = dir.path().join("libstandin.so");
        std::fs::write(&src, STAND_IN).unwrap();
        assert!(Command::new("gcc").args(["-shared", "-fPIC", "-O1", "-o"]).arg(&lib).arg(&src).status().unwrap().success());
        std::env::set_var("ZKDESK_WLT_LIB", &lib);
        std::env::set_var("ZKDESK_WLT_SYMBOL", "unpack");
        dir
    });
}

/// A chip photo of `name`: head and shoulders cut around the face, 102×126, as a 24-bit BMP.
fn chip_bmp(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let img = face_photo(name);
    let f = Engine::shared().detect(&img)[0];
    let w = f.w * 1.8;
    let h = w * 126.0 / 102.0;
    let (cx, top) = (f.x + f.w / 2.0, f.eye_y() - h * 0.45);
    let x0 = (cx - w / 2.0).clamp(0.0, img.width() as f32 - w) as u32;
    let y0 = top.clamp(0.0, img.height() as f32 - h) as u32;
    let cut = image::imageops::crop_imm(&img, x0, y0, w as u32, h as u32).to_image();
    let chip = image::imageops::resize(&cut, 102, 126, image::imageops::FilterType::Triangle);
    let path = dir.join(format!("chip-{name}.bmp"));
    chip.save_with_format(&path, image::ImageFormat::Bmp).unwrap();
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 38_862, "a vendor-sized BMP");
    path
}

fn wlt_for(path: &std::path::Path) -> String {
    let mut wlt = vec![0u8; 1024];
    let p = path.to_str().unwrap().as_bytes();
    assert!(p.len() < 1023);
    wlt[..p.len()].copy_from_slice(p);
    base64::engine::general_purpose::STANDARD.encode(wlt)
}

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

const NOW: &str = COUNTER_NOW;

fn id(n: u32) -> String {
    with_check(&format!("42010219900307{n:03}"))
}

fn reg(seq: u32, name: &str) -> Registration {
    counter_registration(seq, &id(seq), name)
}

struct Counter {
    dir: tempfile::TempDir,
    desk: Desk,
    staff: Session,
}

/// A station of 江岸区 with supervisor A001, counter staff S001, three registrations, and the
/// stand-in chip photo decoder.
fn counter() -> Counter {
    // The decoder is found when the desk opens: build the stand-in first.
    stand_in();
    let regs: Vec<Registration> = ["张三", "李四", "王五"].iter().enumerate().map(|(i, n)| reg(i as u32 + 1, n)).collect();
    let CounterStation { dir, desk, staff } = counter_station(&regs);
    Counter { dir, desk, staff }
}

impl Counter {
    /// Registration `seq`'s card, carrying the chip photo of `chip` (or none).
    fn swipe(&self, seq: u32, chip: Option<&str>) -> CounterSession {
        let mut card = zkdesk::desk::demo_card(&reg(seq, ["张三", "李四", "王五"][seq as usize - 1]));
        card.photo_wlt_base64 = chip.map(|n| wlt_for(&chip_bmp(self.dir.path(), n)));
        let mut s = CounterSession::new();
        self.desk.counter_card(&mut s, &self.staff, card, CardSource::Chip, &at(NOW)).unwrap();
        assert_eq!(s.view().chip_photo_jpeg.is_some(), chip.is_some(), "the chip photo is decoded");
        s
    }

    /// The live photo of `name`. Its background and evenness checks are about the portraits'
    /// studios, not the face (tests/tests/photo.rs covers them): only failures of those two are
    /// dropped, so that the face match is what decides here.
    fn capture(&self, s: &mut CounterSession, name: &str) {
        let mut p: SpecPhoto =
            photo::make(&image::DynamicImage::ImageRgb8(face_photo(name)), &Spec::default(), &mut FaceDetector::new()).unwrap();
        p.checks.retain(|c| !(c.result == Outcome::Fail && c.name.starts_with("background")));
        self.desk.counter_photo(s, p).unwrap();
        eprintln!("live {name}: score {:?}, refusals {:?}", s.view().face_match_score, codes(s));
    }

    fn confirm(&self, s: &mut CounterSession, n: u32) -> Result<(), zkdesk::domain::DeskError> {
        let staff = self.staff.clone();
        self.desk.counter_confirm(s, &staff, &format!("0190aaaa-0000-7000-8000-{n:012}"), &at(NOW)).map(|_| ())
    }

    fn stored_score(&self, n: u32) -> Option<f64> {
        zkdesk::store::faces::score(self.desk.store().conn(), &format!("0190aaaa-0000-7000-8000-{n:012}")).unwrap()
    }

    fn outbox_checks(&self, n: u32) -> serde_json::Value {
        let payload: String = self
            .desk
            .store()
            .conn()
            .query_row("SELECT payload FROM outbox WHERE client_id = ?1", [format!("0190aaaa-0000-7000-8000-{n:012}")], |r| r.get(0))
            .unwrap();
        serde_json::from_str::<serde_json::Value>(&payload).unwrap()["checks"].clone()
    }
}

/// The view as the UI gets it, for the browser test's fixture.
fn ui_view(s: &CounterSession) -> serde_json::Value {
    for_ui_fixture(serde_json::to_value(zkdesk::api::CounterView::from(&s.view())).unwrap())
}

fn codes(s: &CounterSession) -> Vec<&'static str> {
    s.view().refusals.iter().map(|r| r.code.as_str()).collect()
}

#[test]
fn the_same_person_passes_and_the_score_is_stored_shown_and_sent() {
    let c = counter();
    let mut s = c.swipe(1, Some("obama2.jpg"));
    c.capture(&mut s, "obama.jpg");
    let v = s.view();
    let score = v.face_match_score.expect("a score with a chip photo");
    assert!(score >= 0.45, "{score}");
    assert!(v.face_match_text.as_deref().unwrap().contains("通过"), "{:?}", v.face_match_text);
    assert!(codes(&s).is_empty() && !v.flags.contains(&Flag::FaceMismatch) && v.can_confirm, "{:?}", v.refusals);
    c.confirm(&mut s, 1).unwrap();
    assert_eq!(c.stored_score(1), Some(score));
    let checks = c.outbox_checks(1);
    assert_eq!(checks["face_match_score"].as_f64(), Some(score));
    assert_eq!(checks["face_match_model"], "sface-2021dec");

    // The supervisor's day list and detail carry it, through zkctl (design: Entry.face_match_score).
    let env = [("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")];
    let d = c.dir.path();
    let today = ok("today", zkdesk_tests::zkctl(d, &["--json", "today", "--date", "2026-11-22", "--supervisor", "A001"], &env));
    let entry = &today["items"][0];
    assert_eq!(entry["face_match_score"].as_f64(), Some(score), "{entry}");
    assert_eq!(entry["face_match_band"], "pass");
    let id = entry["confirmation_id"].as_str().unwrap();
    let shown = ok("show", zkdesk_tests::zkctl(d, &["--json", "show", id, "--supervisor", "A001"], &env));
    assert_eq!(shown["face_match_score"].as_f64(), Some(score));
    assert!(shown["face_match_text"].as_str().unwrap().contains("通过"), "{shown}");
}

#[test]
fn without_a_chip_photo_there_is_no_score_and_nothing_in_the_way() {
    let c = counter();
    let mut s = c.swipe(1, None);
    c.capture(&mut s, "obama.jpg");
    assert_eq!(s.view().face_match_score, None);
    assert!(s.view().can_confirm);
    c.confirm(&mut s, 1).unwrap();
    assert_eq!(c.stored_score(1), None);
    assert!(c.outbox_checks(1)["face_match_score"].is_null());
    let today = ok(
        "today",
        zkdesk_tests::zkctl(c.dir.path(), &["--json", "today", "--date", "2026-11-22", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]),
    );
    assert!(today["items"][0]["face_match_score"].is_null(), "no chip photo, no score: {today}");
}

#[test]
fn the_review_band_flags_face_mismatch_for_sign_off() {
    let c = counter();
    // The supervisor raised the bands: the same pair now falls in the review band.
    settings::set::<settings::FacePassBand>(c.desk.store().conn(), &0.95).unwrap();
    settings::set::<settings::FaceReviewBand>(c.desk.store().conn(), &0.50).unwrap();
    let mut s = c.swipe(1, Some("obama2.jpg"));
    c.capture(&mut s, "obama.jpg");
    let v = s.view();
    assert!(v.flags.contains(&Flag::FaceMismatch), "{:?}", v.flags);
    assert!(v.face_match_text.as_deref().unwrap().contains("存疑"));
    assert!(v.can_confirm && codes(&s).is_empty(), "the review band does not block: {:?}", v.refusals);
    c.confirm(&mut s, 1).unwrap();
    let sup = c.desk.login("A001", "zhuguan-2026", &at(NOW)).unwrap();
    let day = c.desk.day_report(&sup, &DayFilter { date: Some("2026-11-22".into()), ..Default::default() }, &at(NOW)).unwrap();
    let e = &day.items[0];
    assert!(e.needs_signoff, "存疑 waits for a supervisor's sign-off");
    assert!(e.flag_labels.iter().any(|l| l == "人证比对存疑"), "{:?}", e.flag_labels);
    assert_eq!(c.outbox_checks(1)["face_match_score"].as_f64(), v.face_match_score);
}

#[test]
fn the_fail_band_is_refused_until_a_supervisor_authorises() {
    let c = counter();
    let mut s = c.swipe(1, Some("biden.jpg"));
    c.capture(&mut s, "obama.jpg");
    let v = s.view();
    assert!(v.face_match_score.unwrap() < 0.30, "{:?}", v.face_match_score);
    assert_eq!(codes(&s), vec!["FACE_MISMATCH"]);
    assert_ui_fixture("face-mismatch-views.json", &serde_json::json!({ "FACE_MISMATCH": ui_view(&s) }));
    assert!(!v.can_confirm && v.lifts(Flag::FaceMismatch));
    assert_eq!(c.confirm(&mut s, 1).unwrap_err().code, ErrorCode::Refused);
    // Counter staff cannot authorise it; a supervisor can.
    assert_eq!(
        c.desk.counter_override(&mut s, Flag::FaceMismatch, "S001", "shouli-2026", &at(NOW)).unwrap_err().code,
        ErrorCode::NotAuthorized
    );
    c.desk.counter_override(&mut s, Flag::FaceMismatch, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    assert!(s.view().can_confirm);
    // A retake is a new photo: the authorisation was for the one the supervisor saw.
    c.capture(&mut s, "obama3.jpg");
    assert_eq!(codes(&s), vec!["FACE_MISMATCH"]);
    c.desk.counter_override(&mut s, Flag::FaceMismatch, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    c.confirm(&mut s, 1).unwrap();
    let flags: String = c.desk.store().conn().query_row("SELECT flags FROM confirmation", [], |r| r.get(0)).unwrap();
    assert!(flags.contains("face_mismatch") && flags.contains("supervisor_override"), "{flags}");
}

#[test]
fn the_same_face_under_another_id_number_raises_the_alert() {
    let c = counter();
    // 张三 is confirmed with this face.
    let mut s = c.swipe(1, None);
    c.capture(&mut s, "obama.jpg");
    c.confirm(&mut s, 1).unwrap();
    // The same face comes back as 李四 the same day (with his card's chip photo, so the screen
    // also shows the face match: the fullest the photo column gets).
    let mut s = c.swipe(2, Some("obama.jpg"));
    c.capture(&mut s, "obama2.jpg");
    let v = s.view();
    let mut fixture = serde_json::Map::new();
    fixture.insert("SAME_FACE_OTHER_ID".into(), ui_view(&s));
    assert_eq!(codes(&s), vec!["SAME_FACE_OTHER_ID"], "{:?}", v.refusals);
    assert!(v.refusals[0].message.contains("替考"));
    let same = v.same_face.as_ref().expect("the earlier confirmation is shown");
    assert_eq!(same.confirmation_id, "0190aaaa-0000-7000-8000-000000000001");
    assert_eq!(same.name, "张三");
    assert!(same.score >= 0.45);
    assert!(image::load_from_memory(&same.photo_jpeg).is_ok(), "its photo, for the side-by-side view");
    let api = zkdesk::api::CounterView::from(&v);
    assert!(api.same_face.as_ref().is_some_and(|a| !a.photo_jpeg_base64.is_empty()) && api.photo_jpeg_base64.is_some());
    assert_eq!(c.confirm(&mut s, 2).unwrap_err().code, ErrorCode::Refused);
    // Only a supervisor lifts it.
    assert!(c.desk.counter_override(&mut s, Flag::SupervisorOverride, "S001", "shouli-2026", &at(NOW)).is_err());
    c.desk.counter_override(&mut s, Flag::SupervisorOverride, "A001", "zhuguan-2026", &at(NOW)).unwrap();
    fixture.insert("SAME_FACE_LIFTED".into(), ui_view(&s));
    assert_ui_fixture("same-face-views.json", &serde_json::Value::Object(fixture));
    c.confirm(&mut s, 2).unwrap();

    // Another person under a third id number: no alert.
    let mut s = c.swipe(3, None);
    c.capture(&mut s, "biden.jpg");
    assert!(codes(&s).is_empty() && s.view().same_face.is_none(), "{:?}", s.view().refusals);
    // The same person again under their own id number is no 替考 either (already confirmed is
    // the eligibility rule's business).
    let audit: i64 = c
        .desk
        .store()
        .conn()
        .query_row("SELECT COUNT(*) FROM audit_event WHERE kind = 'override_granted' AND detail LIKE '%SAME_FACE_OTHER_ID%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(audit, 1, "the supervisor's authorisation is audited");
}

#[test]
fn a_station_may_switch_the_same_face_check_off() {
    let c = counter();
    settings::set::<settings::FaceSameFaceCheck>(c.desk.store().conn(), &false).unwrap();
    let mut s = c.swipe(1, None);
    c.capture(&mut s, "obama.jpg");
    c.confirm(&mut s, 1).unwrap();
    let mut s = c.swipe(2, None);
    c.capture(&mut s, "obama2.jpg");
    assert!(codes(&s).is_empty() && s.view().same_face.is_none(), "{:?}", s.view().refusals);
}
