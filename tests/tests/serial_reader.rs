//! The serial SAM_V reader against an emulated reader on a real pseudo-terminal.

use std::time::Duration;

use zkdesk::idcard::reader::{spawn_with, ReaderEvent, ReaderSpec, SerialTimings, READ_ATTEMPTS};
use zkdesk::idcard::text;
use zkdesk_tests::samv_emulator::SamvEmulator;
use zkdesk_tests::{cards, drain_events, wait_event};

fn fast() -> SerialTimings {
    SerialTimings {
        poll: Duration::from_millis(40),
        command_timeout: Duration::from_millis(250),
        read_timeout: Duration::from_millis(800),
        reconnect: Duration::from_millis(150),
    }
}

fn start(emu: &SamvEmulator) -> zkdesk::idcard::reader::ReaderHandle {
    spawn_with(&ReaderSpec::Serial { path: emu.path.clone(), baud: 115_200 }, fast()).unwrap()
}

fn is_read(e: &ReaderEvent) -> bool {
    matches!(e, ReaderEvent::CardRead { .. })
}

#[test]
fn a_full_find_select_read_cycle_for_every_card_type() {
    let emu = SamvEmulator::start();
    let reader = start(&emu);
    for expected in cards::all() {
        emu.place(text::encode(&expected), cards::photo());
        let ReaderEvent::CardRead { card } = wait_event(&reader.events, 5, "card read", is_read) else { unreachable!() };
        assert_eq!(card.name, expected.name);
        assert_eq!(card.id_number, expected.id_number);
        assert_eq!(card.id_type, expected.id_type);
        assert!(card.id_number_valid, "{card:?}");
        assert!(card.photo_wlt_base64.is_some());
        assert_eq!(reader.serial_baud(), Some(115_200));
        emu.remove();
        wait_event(&reader.events, 5, "card removed", |e| matches!(e, ReaderEvent::CardRemoved));
    }
}

#[test]
fn a_card_left_on_the_reader_is_read_once() {
    let emu = SamvEmulator::start();
    let reader = start(&emu);
    emu.place(text::encode(&cards::resident()), cards::photo());
    wait_event(&reader.events, 5, "card read", is_read);
    // Twenty poll intervals later: no second read, no removal.
    let later = drain_events(&reader.events, 800);
    assert!(!later.iter().any(|e| is_read(e) || matches!(e, ReaderEvent::CardRemoved)), "{later:?}");
    assert_eq!(emu.with(|s| s.reads), 1);
    // After it leaves and comes back, it is read again.
    emu.remove();
    wait_event(&reader.events, 5, "card removed", |e| matches!(e, ReaderEvent::CardRemoved));
    emu.place(text::encode(&cards::resident()), cards::photo());
    wait_event(&reader.events, 5, "second read", is_read);
    assert_eq!(emu.with(|s| s.reads), 2);
}

#[test]
fn a_damaged_first_reply_is_asked_for_again_without_lifting_the_card() {
    let emu = SamvEmulator::start();
    let reader = start(&emu);
    emu.with(|s| s.corrupt_reads = 1);
    let expected = cards::resident();
    emu.place(text::encode(&expected), cards::photo());
    let ReaderEvent::CardRead { card } = wait_event(&reader.events, 5, "card read", |e| {
        is_read(e) || matches!(e, ReaderEvent::Error { .. }) || matches!(e, ReaderEvent::CardRemoved)
    }) else {
        panic!("a damaged reply was not asked for again")
    };
    assert_eq!(card.name, expected.name);
    assert_eq!(card.id_number, expected.id_number);
    assert_eq!(emu.with(|s| s.reads), 2);
}

#[test]
fn a_reply_damaged_every_time_is_reported_and_the_next_placement_reads() {
    let emu = SamvEmulator::start();
    let reader = start(&emu);
    emu.with(|s| s.corrupt_reads = READ_ATTEMPTS);
    emu.place(text::encode(&cards::hmt_permit()), cards::photo());
    let ReaderEvent::Error { message, detail } =
        wait_event(&reader.events, 5, "checksum error", |e| matches!(e, ReaderEvent::Error { .. }))
    else {
        unreachable!()
    };
    assert_eq!(message, "读卡数据校验错误，请重新放卡");
    assert!(detail.contains("checksum"), "{detail}");
    assert_eq!(emu.with(|s| s.reads), READ_ATTEMPTS);
    // Staff lift and re-place the card.
    emu.remove();
    wait_event(&reader.events, 5, "card removed", |e| matches!(e, ReaderEvent::CardRemoved));
    emu.place(text::encode(&cards::hmt_permit()), cards::photo());
    let ReaderEvent::CardRead { card } = wait_event(&reader.events, 5, "card read", is_read) else { unreachable!() };
    assert_eq!(card.pass_number.as_deref(), Some("H60110428"));
}

#[test]
fn a_reply_with_the_fingerprint_layout_reads_the_same_identity() {
    let emu = SamvEmulator::start();
    emu.with(|s| s.fingerprint = Some((0..1024).map(|i| (i % 251) as u8).collect()));
    let reader = start(&emu);
    for expected in [cards::resident(), cards::foreign_2023()] {
        emu.place(text::encode(&expected), cards::photo());
        let ReaderEvent::CardRead { card } =
            wait_event(&reader.events, 5, "card read", |e| is_read(e) || matches!(e, ReaderEvent::Error { .. }))
        else {
            panic!("a 30 10 reply was not read")
        };
        assert_eq!(card.id_type, expected.id_type);
        assert_eq!(card.name, expected.name);
        assert_eq!(card.id_number, expected.id_number);
        assert_eq!(card.birth_date, expected.birth_date);
        assert_eq!(card.valid_to, expected.valid_to);
        assert!(card.id_number_valid, "{card:?}");
        let photo = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, card.photo_wlt_base64.as_deref().unwrap()).unwrap();
        assert_eq!(photo, cards::photo());
        emu.remove();
        wait_event(&reader.events, 5, "card removed", |e| matches!(e, ReaderEvent::CardRemoved));
    }
}

#[test]
fn a_reply_whose_lengths_do_not_add_up_gives_no_identity() {
    let emu = SamvEmulator::start();
    // Every reply (first and re-asked) carries one byte less than its lengths promise.
    emu.with(|s| {
        s.fingerprint = Some(vec![0; 512]);
        s.truncate_reads = READ_ATTEMPTS;
    });
    let reader = start(&emu);
    emu.place(text::encode(&cards::resident()), cards::photo());
    let ReaderEvent::Error { message, detail } =
        wait_event(&reader.events, 5, "read error", |e| is_read(e) || matches!(e, ReaderEvent::Error { .. }))
    else {
        panic!("an identity came from a reply whose lengths do not add up")
    };
    assert_eq!(message, "读卡数据不完整，请重新放卡");
    assert!(detail.contains("neither layout"), "{detail}");
    assert_eq!(emu.with(|s| s.reads), READ_ATTEMPTS);
}

#[test]
fn a_reader_fixed_at_9600_baud_is_found_and_the_rate_reported() {
    let emu = SamvEmulator::start();
    emu.with(|s| s.baud = Some(9_600));
    let reader = start(&emu);
    emu.place(text::encode(&cards::resident()), cards::photo());
    let ReaderEvent::CardRead { card } = wait_event(&reader.events, 10, "card read", is_read) else { unreachable!() };
    assert_eq!(card.id_number, cards::resident().id_number);
    assert_eq!(reader.serial_baud(), Some(9_600));
}

#[test]
fn a_reply_split_into_one_byte_chunks_still_reads() {
    let emu = SamvEmulator::start();
    emu.with(|s| s.chunk = 1);
    let reader = start(&emu);
    emu.place(text::encode(&cards::foreign_2023()), cards::photo());
    let ReaderEvent::CardRead { card } = wait_event(&reader.events, 10, "card read", is_read) else { unreachable!() };
    assert_eq!(card.english_name.as_deref(), Some("MUELLER, JOHANNES"));
}

#[test]
fn a_reader_that_stops_answering_times_out_then_recovers() {
    let emu = SamvEmulator::start();
    let reader = start(&emu);
    // Let it come up and poll.
    std::thread::sleep(Duration::from_millis(300));
    emu.with(|s| s.silent = true);
    let ReaderEvent::Error { message, .. } = wait_event(&reader.events, 5, "timeout", |e| matches!(e, ReaderEvent::Error { .. })) else {
        unreachable!()
    };
    assert_eq!(message, "读卡器无响应");
    wait_event(&reader.events, 5, "reader lost", |e| matches!(e, ReaderEvent::ReaderLost { .. }));
    emu.with(|s| s.silent = false);
    wait_event(&reader.events, 5, "reader back", |e| matches!(e, ReaderEvent::ReaderBack));
    emu.place(text::encode(&cards::resident()), cards::photo());
    wait_event(&reader.events, 5, "card read after recovery", is_read);
}

#[test]
fn a_missing_port_is_reported_as_lost() {
    let reader = spawn_with(&ReaderSpec::Serial { path: "/dev/zkdesk-no-such-port".into(), baud: 115_200 }, fast()).unwrap();
    let ReaderEvent::ReaderLost { message, .. } =
        wait_event(&reader.events, 5, "reader lost", |e| matches!(e, ReaderEvent::ReaderLost { .. }))
    else {
        unreachable!()
    };
    assert_eq!(message, "读卡器未连接，请检查连接线");
}

#[test]
fn an_unplugged_reader_is_reported_lost() {
    let emu = SamvEmulator::start();
    let reader = start(&emu);
    emu.place(text::encode(&cards::resident()), cards::photo());
    wait_event(&reader.events, 5, "card read", is_read);
    // Pulling the cable: the other end of the line goes away.
    drop(emu);
    let ReaderEvent::ReaderLost { message, .. } =
        wait_event(&reader.events, 5, "reader lost", |e| matches!(e, ReaderEvent::ReaderLost { .. }))
    else {
        unreachable!()
    };
    assert!(message.contains("读卡器"), "{message}");
}
