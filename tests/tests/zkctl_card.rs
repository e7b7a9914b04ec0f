//! `zkctl card decode` and `zkctl card read` through the real binary.

use zkdesk::idcard::samv::{join_read, Reply, Status};
use zkdesk::idcard::text;
use zkdesk_tests::{cards, zkctl};

fn identity(out: &std::process::Output) -> serde_json::Value {
    assert!(out.status.success(), "zkctl failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn decode_prints_the_design_json_from_a_hex_frame() {
    let dir = tempfile::tempdir().unwrap();
    let frame = Reply::new(Status::Ok, join_read(&text::encode(&cards::resident()), &cards::photo())).encode();
    let file = dir.path().join("frame.hex");
    std::fs::write(&file, hex::encode_upper(&frame)).unwrap();
    let v = identity(&zkctl(dir.path(), &["card", "decode", file.to_str().unwrap()], &[]));
    assert_eq!(v["id_type"], "resident");
    assert_eq!(v["name"], "张三");
    assert_eq!(v["gender"], "1");
    assert_eq!(v["nation"], "01");
    assert_eq!(v["birth_date"], "1990-03-07");
    assert_eq!(v["valid_to"], "long_term");
    assert_eq!(v["id_number_valid"], true);
    assert!(v["photo_wlt_base64"].is_string());
    // Absent fields are omitted, not null.
    assert!(v.get("english_name").is_none() && v.get("pass_number").is_none() && v.get("card_uid").is_none());
}

#[test]
fn decode_takes_a_binary_text_block() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("text.bin");
    std::fs::write(&file, text::encode(&cards::foreign_2017())).unwrap();
    let v = identity(&zkctl(dir.path(), &["card", "decode", file.to_str().unwrap()], &[]));
    assert_eq!(v["id_type"], "foreign_permanent_2017");
    assert_eq!(v["english_name"], "SMITH, ANNA MARIE");
    assert_eq!(v["nationality"], "CAN");
}

#[test]
fn decode_refuses_a_corrupt_frame_with_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let mut frame = Reply::new(Status::Ok, join_read(&text::encode(&cards::resident()), &cards::photo())).encode();
    frame[100] ^= 0xFF;
    let file = dir.path().join("bad.bin");
    std::fs::write(&file, &frame).unwrap();
    let out = zkctl(dir.path(), &["card", "decode", file.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("checksum") && stderr.contains("校验错误"), "{stderr}");
}

#[test]
fn read_from_the_simulated_reader() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cards.json");
    std::fs::write(&file, serde_json::to_string(&serde_json::json!({ "cards": cards::all() })).unwrap()).unwrap();
    let spec = format!("sim:{}", file.display());
    let v = identity(&zkctl(dir.path(), &["card", "read", "--reader", &spec, "--timeout", "5"], &[]));
    assert_eq!(v["name"], "张三");
}

#[test]
fn read_times_out_with_exit_1_and_a_bad_reader_is_usage() {
    let dir = tempfile::tempdir().unwrap();
    let out = zkctl(dir.path(), &["card", "read", "--reader", "serial:/dev/zkdesk-none", "--timeout", "0.5"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("读卡器未连接"));
    let out = zkctl(dir.path(), &["card", "read", "--reader", "usb:3"], &[]);
    assert_eq!(out.status.code(), Some(2));
}
