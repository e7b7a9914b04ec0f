//! Test fixtures over the real core: an enrolled station and locally recorded confirmations.

use base64::Engine;
use sha2::{Digest, Sha256};
use zkdesk::desk::Desk;
use zkdesk::domain::confirmation::{CardBlock, Checks, ConfirmationItem, PhotoBlock};
use zkdesk::domain::registration::Registration;
use zkdesk::store::confirmations::{self, NumberSource, PhotoRow};
use zkdesk::store::{blocks, registrations, station};

use crate::sim::Sim;

pub fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Local::now().fixed_offset()
}

/// The supervisor every fixture store is created with (as `station::supervised_station` does).
pub const SUPERVISOR: (&str, &str) = ("A001", "zhuguan-2026");

/// A new encrypted store in `dir` with the supervisor [`SUPERVISOR`]; their session.
pub fn new_store(dir: &std::path::Path) -> (Desk, zkdesk::desk::Session) {
    let first = zkdesk::api::NewStaffArgs {
        staff_id: SUPERVISOR.0.into(),
        name: "王主管".into(),
        role: zkdesk::api::Role::Supervisor,
        password: SUPERVISOR.1.into(),
    };
    let u = Desk::create(dir, &first, &now()).unwrap();
    (u.desk, u.session)
}

/// Another connection to the store in `dir`, opened with the key [`SUPERVISOR`]'s password
/// unwraps (no login is recorded: this is the test looking, not a person).
pub fn open(dir: &std::path::Path) -> Desk {
    let key = zkdesk::keyring::Keyring::load(dir).unwrap().unwrap_staff(SUPERVISOR.0, SUPERVISOR.1).unwrap();
    Desk::open_with_key(dir, &key).unwrap()
}

/// The store file through raw rusqlite with its key set (what a test, or an attacker who had the
/// key, reads); `flags` as `Connection::open_with_flags`.
pub fn raw_conn(dir: &std::path::Path, flags: rusqlite::OpenFlags) -> rusqlite::Connection {
    let key = zkdesk::keyring::Keyring::load(dir).unwrap().unwrap_staff(SUPERVISOR.0, SUPERVISOR.1).unwrap();
    let conn = rusqlite::Connection::open_with_flags(dir.join(zkdesk::store::DB_FILE), flags).unwrap();
    conn.pragma_update(None, "key", &*key.sqlcipher_literal()).unwrap();
    conn
}

/// A store in a temp dir, enrolled with the simulator's `code_index`-th code, with one supervisor.
pub fn enrolled(sim: &Sim, code_index: usize) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let (desk, sup) = new_store(dir.path());
    desk.enroll_station(&zkdesk::desk::Actor::Staff(sup), &sim.base_url(), &sim.codes[code_index], "test-station", &now()).unwrap();
    desk.store()
        .conn()
        .execute("INSERT INTO staff (staff_id, name, role, password_hash, created_at) VALUES ('S001', '受理员', 'counter', 'x', '2026-11-22T08:00:00+08:00')", [])
        .unwrap();
    (dir, desk)
}

/// Registrations of this station's county that can be confirmed without overrides.
pub fn confirmable(desk: &Desk, n: usize) -> Vec<Registration> {
    let county = station::get(desk.store().conn()).unwrap().unwrap().county_code;
    let mut stmt = desk
        .store()
        .conn()
        .prepare("SELECT registration_id FROM registration WHERE county_code = ?1 AND status = 'pre_registered' ORDER BY registration_id")
        .unwrap();
    let ids: Vec<String> = stmt.query_map([county], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    ids.iter()
        .filter_map(|id| registrations::get(desk.store().conn(), id).unwrap())
        .filter(|r| !r.upgrade || matches!(r.prior_education.status.as_str(), "verified" | "approved"))
        .take(n)
        .collect()
}

/// JPEG-shaped bytes of the size the province accepts (the sync path does not decode photos).
pub fn photo_bytes(seed: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend((0..30_000u32).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

/// Records a confirmation with its outbox row, as the counter will: one transaction, the
/// admission number taken from a leased block for a new candidate. `number` overrides it.
pub fn record(desk: &Desk, reg: &Registration, number: Option<Option<String>>) -> ConfirmationItem {
    let st = station::get(desk.store().conn()).unwrap().unwrap();
    let jpeg = photo_bytes(reg.version as u8);
    let sha = hex::encode(Sha256::digest(&jpeg));
    desk.store().write(|tx| {
    let (admission_number, source) = match (number, reg.kind.as_str()) {
        (Some(n), _) => (n, NumberSource::Block),
        (None, "enrolled") => (reg.admission_number.clone(), NumberSource::Enrolled),
        (None, _) => match blocks::take_number(tx, &now()).unwrap() {
            Some(n) => (Some(n), NumberSource::Block),
            None => (None, NumberSource::Province),
        },
    };
    let item = ConfirmationItem {
        confirmation_id: uuid::Uuid::now_v7().to_string(),
        registration_id: reg.registration_id.clone(),
        registration_version: reg.version,
        station_id: st.station_id,
        staff_id: "S001".into(),
        supervisor_id: None,
        confirmed_at: now().to_rfc3339(),
        clock_offset_ms: 0,
        card: CardBlock {
            source: zkdesk::domain::confirmation::CardSource::Chip,
            id_type: "resident".into(),
            id_number: reg.id_number.clone(),
            name: reg.name.clone(),
            gender: reg.gender.clone(),
            nation: Some("01".into()),
            birth_date: Some(reg.birth_date.clone()),
            address: None,
            authority: None,
            valid_from: None,
            valid_to: None,
            card_uid: None,
        },
        photo: PhotoBlock {
            jpeg_base64: base64::engine::general_purpose::STANDARD.encode(&jpeg),
            sha256: sha.clone(),
            width: 480,
            height: 640,
            dpi: 300,
        },
        checks: Checks { face_count: 1, background: "blue".into(), face_match_score: None, face_match_model: None },
        admission_number,
        flags: vec![],
        attachments: vec![],
    };
    confirmations::record(
        tx,
        &item,
        &PhotoRow { jpeg: &jpeg, sha256: &sha, width: 480, height: 640, dpi: 300, checks_json: "[]" },
        source,
    )?;
    Ok::<_, rusqlite::Error>(item)
    })
    .unwrap()
}

/// The chip identity of a registered candidate (what their card would say).
pub fn card_for(reg: &Registration) -> zkdesk::idcard::IdentityCard {
    zkdesk::desk::demo_card(reg)
}

/// A `sim:` reader file holding these cards (the first is read by `zkctl confirm`).
pub fn card_file(dir: &std::path::Path, cards: &[zkdesk::idcard::IdentityCard]) -> String {
    let path = dir.join(format!("cards-{}.json", uuid::Uuid::now_v7()));
    std::fs::write(&path, serde_json::to_string(&serde_json::json!({ "cards": cards })).unwrap()).unwrap();
    format!("sim:{}", path.display())
}

/// The portrait on blue as a PNG file: a photo that passes every check. Every candidate of a
/// test gets this one face, which the station's 替考 check would rightly stop, so the check is
/// switched off in the data directory `dir` (`face_same_face_check`; tests/tests/face_counter.rs
/// tests it).
pub fn good_photo_file(dir: &std::path::Path) -> std::path::PathBuf {
    let desk = open(dir);
    zkdesk::store::settings::set::<zkdesk::store::settings::FaceSameFaceCheck>(desk.store().conn(), &false).unwrap();
    drop(desk);
    let path = dir.join("portrait.png");
    if !path.exists() {
        std::fs::write(&path, crate::photos::png_bytes(&crate::photos::on_blue())).unwrap();
    }
    path
}

/// A one-pixel JPEG standing in for photo bytes in UI fixtures: it keeps the files small and
/// readable, and the browser still lays the `<img>` out.
pub const TINY_JPEG: &str = "/9j/4AAQSkZJRgABAQEBLAEsAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/yQALCAABAAEBAREA/8wABgAQEAX/2gAIAQEAAD8A0s8g/9k=";

/// A view made fit for a UI fixture: every photo replaced by [`TINY_JPEG`] and every score rounded
/// to two places, so the file stays small and does not change with the last bits of a float.
pub fn for_ui_fixture(mut v: serde_json::Value) -> serde_json::Value {
    for photo in ["/photo_jpeg_base64", "/chip_photo_jpeg_base64", "/receipt/photo_jpeg_base64", "/same_face/photo_jpeg_base64"] {
        if let Some(p) = v.pointer_mut(photo).filter(|p| p.is_string()) {
            *p = TINY_JPEG.into();
        }
    }
    for score in ["/face_match_score", "/same_face/score"] {
        if let Some(p) = v.pointer_mut(score).filter(|p| p.is_f64()) {
            *p = ((p.as_f64().unwrap() * 100.0).round() / 100.0).into();
        }
    }
    v
}

/// The checked-in UI fixture `ui/e2e/fixtures/{file}` (views the browser tests replay with the IPC
/// mocked) equals `fresh`; `UPDATE_UI_FIXTURES=1` rewrites it. Keeping the views the core's own
/// means every message a browser test checks is the one staff will read.
pub fn assert_ui_fixture(file: &str, fresh: &serde_json::Value) {
    let fresh = serde_json::to_string_pretty(fresh).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/e2e/fixtures").join(file);
    if std::env::var_os("UPDATE_UI_FIXTURES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == fresh, "ui/e2e/fixtures/{file} is stale: run `UPDATE_UI_FIXTURES=1 cargo nextest run -p zkdesk-tests -E 'test(ui_fixtures) | binary(face_counter)'`");
}
