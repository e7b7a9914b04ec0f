//! The PC/SC reader on real pcscd with vsmartcard-vpcd and an in-tree virtual ID card.
//! Needs pcscd running (scripts/pcscd.sh, started by `./run test`).

use zkdesk::idcard::reader::{is_builtin_sam_atr, spawn, ReaderEvent, ReaderHandle, ReaderSpec};
use zkdesk::idcard::{text, IdentityCard};
use zkdesk_tests::vpcd_card::{atr, lock_slot, CardKind, VirtualCard};
use zkdesk_tests::{cards, wait_event};

/// A test holds the lock of the vpcd slot it uses (tests run in parallel processes).
const READERS: [&str; 2] = ["Virtual PCD 00 00", "Virtual PCD 00 01"];

fn reader(slot: usize) -> ReaderHandle {
    let r = spawn(&ReaderSpec::Pcsc { name: Some(READERS[slot].into()) }).unwrap();
    // Settle: the reader reports nothing until a card comes, unless pcscd is missing.
    std::thread::sleep(std::time::Duration::from_millis(300));
    if let Ok(ReaderEvent::ReaderLost { detail, .. }) = r.events.try_recv() {
        panic!("PC/SC reader not available (is pcscd running? scripts/pcscd.sh): {detail}");
    }
    r
}

fn builtin_sam(expected: &IdentityCard, uid: [u8; 8]) -> CardKind {
    CardKind::BuiltinSam { text: text::encode(expected), photo: cards::photo(), uid }
}

fn card_read(r: &ReaderHandle) -> Box<IdentityCard> {
    match wait_event(&r.events, 10, "card read", |e| matches!(e, ReaderEvent::CardRead { .. } | ReaderEvent::CardUidOnly { .. })) {
        ReaderEvent::CardRead { card } => card,
        other => panic!("the built-in SAM reader was taken for a plain one: {other:?}"),
    }
}

#[test]
fn the_builtin_sam_reader_reads_all_four_card_types_and_sees_removal() {
    let _slot = lock_slot(0);
    let r = reader(0);
    for (i, expected) in cards::all().into_iter().enumerate() {
        let uid = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, i as u8];
        let card = VirtualCard::insert(0, CardKind::BuiltinSam { text: text::encode(&expected), photo: cards::photo(), uid })
            .expect("vpcd is listening");
        wait_event(&r.events, 10, "card placed", |e| matches!(e, ReaderEvent::CardPlaced));
        let ReaderEvent::CardRead { card: got } = wait_event(&r.events, 10, "card read", |e| matches!(e, ReaderEvent::CardRead { .. }))
        else {
            unreachable!()
        };
        assert_eq!(got.name, expected.name);
        assert_eq!(got.id_type, expected.id_type);
        assert_eq!(got.id_number, expected.id_number);
        assert_eq!(got.birth_date, expected.birth_date);
        assert_eq!(got.valid_to, expected.valid_to);
        assert!(got.id_number_valid);
        assert_eq!(got.card_uid.as_deref(), Some(hex::encode(uid).as_str()));
        let photo = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, got.photo_wlt_base64.unwrap()).unwrap();
        assert_eq!(photo, cards::photo());
        card.remove();
        wait_event(&r.events, 10, "card removed", |e| matches!(e, ReaderEvent::CardRemoved));
    }
}

#[test]
fn the_atr_marker_at_zero_based_13_and_14_means_a_builtin_sam() {
    let _slot = lock_slot(0);
    let r = reader(0);
    let marked = atr(true);
    assert_eq!(&marked[13..15], &[0x90, 0x00]);
    assert_eq!(&hex::encode_upper(&marked)[26..30], "9000");
    assert!(is_builtin_sam_atr(&marked));
    let expected = cards::resident();
    let card = VirtualCard::insert_with_atr(0, builtin_sam(&expected, [1; 8]), marked).expect("vpcd is listening");
    let got = card_read(&r);
    assert_eq!(got.name, expected.name);
    assert_eq!(got.id_number, expected.id_number);
    assert!(got.id_number_valid);
    card.remove();
}

#[test]
fn a_builtin_sam_reader_whose_atr_does_not_say_is_found_by_the_ff_b0_probe() {
    let _slot = lock_slot(1);
    let r = reader(1);
    let plain = atr(false);
    assert!(!is_builtin_sam_atr(&plain));
    let expected = cards::hmt_permit();
    let card = VirtualCard::insert_with_atr(1, builtin_sam(&expected, [2; 8]), plain).expect("vpcd is listening");
    let got = card_read(&r);
    assert_eq!(got.name, expected.name);
    assert_eq!(got.id_type, expected.id_type);
    assert_eq!(got.pass_number, expected.pass_number);
    assert_eq!(got.card_uid.as_deref(), Some("0202020202020202"));
    // Block 0 read by the probe is used, not read twice: UID, probe, blocks 1–5.
    assert_eq!(card.apdus.load(std::sync::atomic::Ordering::Relaxed), 7);
    let photo = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, got.photo_wlt_base64.as_deref().unwrap()).unwrap();
    assert_eq!(photo, cards::photo());
    card.remove();
}

#[test]
fn a_plain_reader_reports_the_uid_only() {
    let _slot = lock_slot(1);
    let r = reader(1);
    let card = VirtualCard::insert(1, CardKind::UidOnly { uid: [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04] }).unwrap();
    let ReaderEvent::CardUidOnly { uid, message } = wait_event(&r.events, 10, "uid", |e| matches!(e, ReaderEvent::CardUidOnly { .. }))
    else {
        unreachable!()
    };
    assert_eq!(uid, "deadbeef01020304");
    assert!(message.contains("不能读取身份证信息"), "{message}");
    // The UID, and the one FF B0 probe that the plain reader refused.
    assert_eq!(card.apdus.load(std::sync::atomic::Ordering::Relaxed), 2);
    card.remove();
    wait_event(&r.events, 10, "card removed", |e| matches!(e, ReaderEvent::CardRemoved));
}

#[test]
fn an_unknown_reader_name_is_reported() {
    let r = spawn(&ReaderSpec::Pcsc { name: Some("No Such Reader 99".into()) }).unwrap();
    let ReaderEvent::ReaderLost { message, .. } = wait_event(&r.events, 10, "reader lost", |e| matches!(e, ReaderEvent::ReaderLost { .. }))
    else {
        unreachable!()
    };
    assert!(message.contains("未找到读卡器"), "{message}");
}
