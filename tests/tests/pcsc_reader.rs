//! The PC/SC reader on real pcscd with vsmartcard-vpcd and an in-tree virtual ID card.
//! Needs pcscd running (scripts/pcscd.sh, started by `./run test`).

use zkdesk::idcard::reader::{spawn, ReaderEvent, ReaderHandle, ReaderSpec};
use zkdesk::idcard::text;
use zkdesk_tests::vpcd_card::{CardKind, VirtualCard};
use zkdesk_tests::{cards, wait_event};

/// Each test owns one vpcd slot (tests run in parallel processes).
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

#[test]
fn the_builtin_sam_reader_reads_all_four_card_types_and_sees_removal() {
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
fn a_plain_reader_reports_the_uid_only() {
    let r = reader(1);
    let card = VirtualCard::insert(1, CardKind::UidOnly { uid: [0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04] }).unwrap();
    let ReaderEvent::CardUidOnly { uid, message } = wait_event(&r.events, 10, "uid", |e| matches!(e, ReaderEvent::CardUidOnly { .. }))
    else {
        unreachable!()
    };
    assert_eq!(uid, "deadbeef01020304");
    assert!(message.contains("不能读取身份证信息"), "{message}");
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
