//! Device detection (`zkdesk::idcard::detect`) over real pseudo-terminals (the SAM_V emulator)
//! and real pcscd + vsmartcard-vpcd (the in-tree virtual card). The PC/SC test needs pcscd
//! running (scripts/pcscd.sh).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use zkdesk::idcard::detect::{detect, detect_pcsc, DetectOptions, DetectedReader, ReaderKind};
use zkdesk::idcard::text;
use zkdesk_tests::cards;
use zkdesk_tests::samv_emulator::SamvEmulator;
use zkdesk_tests::vpcd_card::{atr, lock_slot, CardKind, VirtualCard};

/// Only the given serial paths; no PC/SC, no cameras.
fn serial_only(paths: &[&str]) -> DetectOptions {
    DetectOptions {
        scan_serial: false,
        extra_serial: paths.iter().map(|p| p.to_string()).collect(),
        pcsc: false,
        cameras: false,
        ..DetectOptions::default()
    }
}

#[test]
fn a_pty_reader_is_listed_as_samv_with_its_rate_and_sam_id() {
    let emu = SamvEmulator::start();
    let list = detect(&serial_only(&[&emu.path]));
    assert_eq!(
        list.readers,
        vec![DetectedReader {
            spec: format!("serial:{}@115200", emu.path),
            kind: ReaderKind::Samv,
            sam_id: Some("05.01-20101020-0013244527-2426503416".into()),
        }]
    );
}

#[test]
fn a_pty_reader_fixed_at_9600_is_listed_with_9600() {
    let emu = SamvEmulator::start();
    emu.with(|s| s.baud = Some(9_600));
    let list = detect(&serial_only(&[&emu.path]));
    let specs: Vec<&str> = list.readers.iter().map(|r| r.spec.as_str()).collect();
    assert_eq!(specs, vec![format!("serial:{}@9600", emu.path)]);
    assert_eq!(list.readers[0].kind, ReaderKind::Samv);
}

#[test]
fn ports_that_do_not_answer_sam_v_are_not_listed() {
    let reader = SamvEmulator::start();
    let silent = SamvEmulator::start();
    silent.with(|s| s.silent = true);
    let list = detect(&serial_only(&[&silent.path, "/dev/zkdesk-no-such-port", &reader.path, &reader.path]));
    let specs: Vec<&str> = list.readers.iter().map(|r| r.spec.as_str()).collect();
    // The one reader, once, though it was given twice.
    assert_eq!(specs, vec![format!("serial:{}@115200", reader.path)]);
}

#[test]
fn the_full_list_has_the_agreed_shape() {
    // Detection asks every PC/SC card present: keep the other tests' cards out of it.
    let (_s0, _s1) = (lock_slot(0), lock_slot(1));
    let emu = SamvEmulator::start();
    let opts = DetectOptions { extra_serial: vec![emu.path.clone()], ..DetectOptions::default() };
    let v = serde_json::to_value(detect(&opts)).unwrap();
    assert_eq!(keys(&v), vec!["cameras", "readers"]);
    for r in v["readers"].as_array().unwrap() {
        assert_eq!(keys(r), vec!["kind", "sam_id", "spec"], "{r}");
        assert!(["samv", "pcsc_sam", "pcsc_uid"].contains(&r["kind"].as_str().unwrap()), "{r}");
    }
    let ours = v["readers"].as_array().unwrap().iter().find(|r| r["spec"] == format!("serial:{}@115200", emu.path));
    assert_eq!(ours.map(|r| r["kind"].clone()), Some(serde_json::json!("samv")), "{v}");
    // The built-in test pattern is always there, with its spec and name.
    let cameras = v["cameras"].as_array().unwrap();
    assert!(cameras.iter().any(|c| c["spec"] == "pattern" && c["name"].is_string()), "{v}");
    assert!(cameras.iter().all(|c| keys(c) == vec!["name", "spec"]), "{v}");
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().expect("an object").keys().cloned().collect();
    k.sort();
    k
}

const READERS: [&str; 2] = ["Virtual PCD 00 00", "Virtual PCD 00 01"];

fn kind_of(name: &str) -> Option<ReaderKind> {
    let spec = format!("pcsc:{name}");
    detect_pcsc().into_iter().find(|r| r.spec == spec).map(|r| r.kind)
}

/// Detects until `done` says the card was seen (pcscd notices a vpcd card only on its next
/// presence poll); the kind then, or a failure with the last kind seen.
fn kind_once_seen(name: &str, done: impl Fn(Option<ReaderKind>) -> bool) -> Option<ReaderKind> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let kind = kind_of(name);
        if done(kind) {
            return kind;
        }
        assert!(Instant::now() < deadline, "{name}: still {kind:?} after 10 s (is pcscd running? scripts/pcscd.sh)");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn sam_card(uid: u8) -> CardKind {
    CardKind::BuiltinSam { text: text::encode(&cards::resident()), photo: cards::photo(), uid: [uid; 8] }
}

#[test]
fn pcsc_readers_are_listed_with_whether_they_have_a_builtin_sam() {
    let (_s0, _s1) = (lock_slot(0), lock_slot(1));
    let listed = detect_pcsc();
    for name in READERS {
        assert!(listed.iter().any(|r| r.spec == format!("pcsc:{name}")), "{name} not listed (is pcscd running?): {listed:?}");
    }
    // No card: nothing to ask, so UID-only.
    assert_eq!(kind_of(READERS[1]), Some(ReaderKind::PcscUid));

    // The ATR marker says it.
    let marked = VirtualCard::insert(0, sam_card(1)).expect("vpcd is listening");
    assert_eq!(kind_once_seen(READERS[0], |k| k == Some(ReaderKind::PcscSam)), Some(ReaderKind::PcscSam));

    // A plain card on a plain reader: detection asked it (the probe) and it stays UID-only.
    let plain = VirtualCard::insert(1, CardKind::UidOnly { uid: [3; 8] }).unwrap();
    let kind = kind_once_seen(READERS[1], |_| plain.apdus.load(Ordering::Relaxed) > 0);
    assert_eq!(kind, Some(ReaderKind::PcscUid));
    plain.remove();

    // No marker, but the FF B0 probe answers 260 bytes: a built-in SAM.
    let unmarked = VirtualCard::insert_with_atr(1, sam_card(4), atr(false)).unwrap();
    assert_eq!(kind_once_seen(READERS[1], |k| k == Some(ReaderKind::PcscSam)), Some(ReaderKind::PcscSam));
    assert!(unmarked.apdus.load(Ordering::Relaxed) > 0);
    unmarked.remove();

    // Once known, a reader stays known after the card has left.
    assert_eq!(kind_of(READERS[1]), Some(ReaderKind::PcscSam));
    marked.remove();
}
