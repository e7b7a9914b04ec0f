//! Issue 15 ("Trust"): number blocks validated before use, the network bounded (no redirects,
//! one deadline, bounded pages, feeds that fail alone), logins locked after five failures,
//! hostile inputs refused, and the audit anchor held by the province.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use zkdesk::desk::Desk;
use zkdesk::store::{audit, blocks, confirmations, settings};
use zkdesk::sync::SyncReport;
use zkdesk_tests::fixtures::{confirmable, enrolled, now, record};
use zkdesk_tests::sim::{Faults, Sim};

fn sync(desk: &Desk) -> SyncReport {
    desk.sync_now(&now, true, &mut |_| {}).unwrap()
}

/// A sync that must finish within `secs` (the old code looped or hung forever here).
fn sync_within(desk: Desk, secs: u64) -> (Desk, SyncReport) {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let r = desk.sync_now(&now, true, &mut |_| {});
        let _ = tx.send((desk, r));
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok((desk, r)) => (desk, r.unwrap()),
        Err(_) => panic!("sync did not finish within {secs} s"),
    }
}

fn block_rows(desk: &Desk) -> i64 {
    desk.store().conn().query_row("SELECT COUNT(*) FROM number_block", [], |r| r.get(0)).unwrap()
}

fn audit_kinds(desk: &Desk, kind: &str) -> i64 {
    desk.store().conn().query_row("SELECT COUNT(*) FROM audit_event WHERE kind = ?1", [kind], |r| r.get(0)).unwrap()
}

fn new_kind(desk: &Desk, n: usize) -> Vec<zkdesk::domain::registration::Registration> {
    let regs: Vec<_> = confirmable(desk, 200).into_iter().filter(|r| r.kind == "new").take(n).collect();
    assert_eq!(regs.len(), n, "enough new registrations");
    regs
}

const PREFIX: &str = "0102271";

// ---- 1. number blocks ----

#[test]
fn an_overlapping_block_is_refused_and_the_outbox_still_goes() {
    let sim = Sim::start("420102", 300, 101);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    assert_eq!(block_rows(&desk), 1);
    let reg = new_kind(&desk, 1).remove(0);
    let c = record(&desk, &reg, None);
    assert_eq!(c.admission_number.as_deref(), Some("010227100001"));
    // The block is touched, so the next cycle leases another: the province offers 1–100 again.
    sim.state.set_faults(Faults { block_patch: Some(serde_json::json!({"first_seq": 1, "last_seq": 100})), ..Faults::none() });
    let r = sync(&desk);
    assert_eq!(block_rows(&desk), 1, "the overlapping block is not stored: {r:?}");
    assert!(r.error_detail.as_deref().unwrap_or("").contains("overlaps"), "{r:?}");
    assert_eq!(r.accepted, 1, "the outbox is pushed although the lease failed: {r:?}");
    assert_eq!(audit_kinds(&desk, "number_block_refused"), 1);
    // A fair province next time: a fresh request, a fresh block.
    sim.state.set_faults(Faults::none());
    let r = sync(&desk);
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!(block_rows(&desk), 2);
    let next = new_kind(&desk, 1).remove(0);
    assert_eq!(record(&desk, &next, None).admission_number.as_deref(), Some("010227100002"));
}

#[test]
fn a_malformed_or_foreign_prefix_is_never_used() {
    let sim = Sim::start("420102", 300, 102);
    let (_d, desk) = enrolled(&sim, 0);
    for prefix in ["0102<b>", "0103271", "0102273", "01022711"] {
        sim.state.set_faults(Faults { block_patch: Some(serde_json::json!({ "prefix": prefix })), ..Faults::none() });
        let r = sync(&desk);
        assert_eq!(block_rows(&desk), 0, "prefix {prefix:?} refused: {r:?}");
        assert!(r.error_detail.as_deref().unwrap_or("").contains("prefix"), "{r:?}");
    }
    for patch in [
        serde_json::json!({"first_seq": 0}),
        serde_json::json!({"last_seq": 100_000}),
        serde_json::json!({"valid_until": "2020-01-01T00:00:00+08:00"}),
    ] {
        sim.state.set_faults(Faults { block_patch: Some(patch.clone()), ..Faults::none() });
        sync(&desk);
        assert_eq!(block_rows(&desk), 0, "{patch} refused");
    }
    // Without a block, a new candidate still gets a number: the province assigns it.
    let reg = new_kind(&desk, 1).remove(0);
    assert_eq!(record(&desk, &reg, None).admission_number, None);
}

#[test]
fn a_repeated_block_id_is_an_error_not_a_loop() {
    let sim = Sim::start("420102", 300, 103);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    let held: String = desk.store().conn().query_row("SELECT block_id FROM number_block", [], |r| r.get(0)).unwrap();
    record(&desk, &new_kind(&desk, 1)[0], None);
    sim.state.set_faults(Faults { block_patch: Some(serde_json::json!({ "block_id": held })), ..Faults::none() });
    let asked_before = sim.state.scalar("SELECT COUNT(*) FROM block");
    let (desk, r) = sync_within(desk, 30);
    assert!(r.error_detail.as_deref().unwrap_or("").contains("already held"), "{r:?}");
    assert_eq!(r.accepted, 1, "{r:?}");
    assert!(sim.state.scalar("SELECT COUNT(*) FROM block") - asked_before <= 3, "a bounded number of leases per cycle");
    assert_eq!(block_rows(&desk), 1);
}

#[test]
fn take_number_skips_numbers_already_used() {
    let sim = Sim::start("420102", 300, 104);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    let regs = new_kind(&desk, 3);
    // Two confirmations hold the block's first numbers already (an older overlapping block).
    record(&desk, &regs[0], Some(Some(format!("{PREFIX}00001"))));
    record(&desk, &regs[1], Some(Some(format!("{PREFIX}00002"))));
    let c = record(&desk, &regs[2], None);
    assert_eq!(c.admission_number.as_deref(), Some("010227100003"));
    let again = desk.store().write(|tx| blocks::take_number(tx, &now())).unwrap();
    assert_eq!(again.as_deref(), Some("010227100004"));
}

#[test]
fn two_accepted_items_with_the_same_number_do_not_jam_the_outbox() {
    let sim = Sim::start("420102", 300, 105);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    let regs = new_kind(&desk, 3);
    let a = record(&desk, &regs[0], Some(None));
    let b = record(&desk, &regs[1], Some(None));
    sim.state.set_faults(Faults { fixed_admission_number: Some("010227109999".into()), ..Faults::none() });
    let r = sync(&desk);
    assert_eq!((r.accepted, r.number_conflicts), (2, 1), "{r:?}");
    assert_eq!(desk.status().unwrap().outbox_pending, 0);
    let (sa, na) = confirmations::state(desk.store().conn(), &a.confirmation_id).unwrap().unwrap();
    let (sb, nb) = confirmations::state(desk.store().conn(), &b.confirmation_id).unwrap().unwrap();
    assert_eq!((sa.as_str(), sb.as_str()), ("accepted", "accepted"));
    assert_eq!([na, nb].iter().filter(|n| n.as_deref() == Some("010227109999")).count(), 1);
    assert_eq!(audit_kinds(&desk, "admission_number_conflict"), 1);
    // The queue keeps moving.
    sim.state.set_faults(Faults::none());
    record(&desk, &regs[2], None);
    assert_eq!(sync(&desk).accepted, 1);
}

// ---- 2. redirects and plain HTTP ----

/// This machine's address on a non-loopback interface, if it has one.
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").or_else(|_| s.connect("198.51.100.1:9")).ok()?;
    Some(s.local_addr().ok()?.ip()).filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
}

/// An HTTP server on `ip` answering every request with `answer(request line, JSON body)`;
/// counts what it received.
fn fake_server(
    ip: std::net::IpAddr,
    answer: fn(&str, &serde_json::Value) -> serde_json::Value,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let listener = std::net::TcpListener::bind((ip, 0)).unwrap();
    let base = format!("http://{}/api/county/v1", listener.local_addr().unwrap());
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let seen = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut len = 0;
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let req: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let text = answer(&line, &req).to_string();
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    (base, hits)
}

/// A province look-alike that answers every request sensibly (and accepts every confirmation).
fn impostor(ip: std::net::IpAddr) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    fake_server(ip, |line, req| {
        let t = "2026-12-01T10:00:00+08:00";
        if line.contains("/confirmations") {
            let results: Vec<_> = req["items"].as_array().cloned().unwrap_or_default().iter()
                .map(|i| serde_json::json!({"confirmation_id": i["confirmation_id"], "status": "accepted", "admission_number": null, "sms_queued": true, "reason": null}))
                .collect();
            serde_json::json!({"results": results, "server_time": t})
        } else if line.contains("/number-blocks") {
            serde_json::json!({"block_id": "EVIL", "prefix": PREFIX, "first_seq": 50001, "last_seq": 50100, "valid_until": "2027-04-30T23:59:59+08:00", "server_time": t})
        } else {
            serde_json::json!({"items": [], "next_cursor": "c0", "has_more": false, "server_time": t})
        }
    })
}

#[test]
fn redirects_are_not_followed_to_plain_http_elsewhere() {
    let Some(ip) = non_loopback_ip() else {
        eprintln!("no non-loopback interface: skipped");
        return;
    };
    let sim = Sim::start("420102", 200, 106);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    record(&desk, &confirmable(&desk, 1)[0], None);
    let (elsewhere, hits) = impostor(ip);
    sim.state.set_faults(Faults { redirect_to: Some(elsewhere.clone()), ..Faults::none() });
    let r = sync(&desk);
    assert!(r.error_detail.as_deref().unwrap_or("").contains("redirect"), "{r:?}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0, "nothing reached {elsewhere}");
    assert_eq!(desk.status().unwrap().outbox_pending, 1, "the confirmation is still waiting");
    // Enrolling with plain HTTP to that host is refused before anything is sent.
    let dir = tempfile::tempdir().unwrap();
    let (other, sup) = zkdesk_tests::fixtures::new_store(dir.path());
    let e = other.enroll_station(&zkdesk::desk::Actor::Staff(sup), &elsewhere, "ABCD1234", "x", &now()).unwrap_err();
    assert!(e.detail.contains("https"), "{e:?}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
}

// ---- 3. deadlines, bounded pages, feeds that fail alone ----

#[test]
fn a_slow_body_is_cut_by_one_deadline() {
    let sim = Sim::start("420102", 50, 107);
    let (_d, desk) = enrolled(&sim, 0);
    settings::set::<settings::HttpDeadlineMs>(desk.store().conn(), &1500).unwrap();
    // Every answer trickles in at 16 bytes per 200 ms: no single read is slow, the whole is.
    sim.state.set_faults(Faults { drip_body_ms: 200, ..Faults::none() });
    let (_desk, r) = sync_within(desk, 40);
    assert!(r.error_detail.as_deref().unwrap_or("").contains("within"), "{r:?}");
}

#[test]
fn a_cursor_that_does_not_advance_ends_that_feed_and_the_outbox_still_goes() {
    let sim = Sim::start("420102", 300, 108);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    record(&desk, &confirmable(&desk, 1)[0], None);
    sim.state.set_faults(Faults { stuck_cursor: true, ..Faults::none() });
    let (desk, r) = sync_within(desk, 30);
    assert!(r.error_detail.as_deref().unwrap_or("").contains("does not advance"), "{r:?}");
    assert_eq!(r.accepted, 1, "pushed although the feeds failed: {r:?}");
    assert_eq!(desk.status().unwrap().outbox_pending, 0);
    assert!(r.step_errors.len() >= 2, "both feeds report: {r:?}");
}

#[test]
fn a_page_with_more_items_than_asked_is_refused() {
    let sim = Sim::start("420102", 1200, 109);
    let (_d, desk) = enrolled(&sim, 0);
    sim.state.set_faults(Faults { extra_items: 5, ..Faults::none() });
    let r = sync(&desk);
    assert!(r.error_detail.as_deref().unwrap_or("").contains("were asked for"), "{r:?}");
    assert_eq!(desk.status().unwrap().registrations, 0, "nothing from the oversized page is stored");
    assert!(r.tasks_applied > 0 && r.blocks_leased == 1, "the other steps ran: {r:?}");
    sim.state.set_faults(Faults::none());
    assert!(sync(&desk).error.is_none());
    assert!(desk.status().unwrap().registrations > 1000);
}

// ---- 6. the audit anchor ----

/// Rewrites the whole chain with edited details and recomputed hashes (what a forger with the
/// file would do): the local check cannot tell.
fn rewrite_chain(desk: &Desk) {
    let conn = desk.store().conn();
    let rows: Vec<(String, String, String, String)> = {
        let mut stmt = conn.prepare("SELECT at, actor, kind, detail FROM audit_event ORDER BY seq").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap().map(Result::unwrap).collect()
    };
    conn.execute_batch("DROP TRIGGER audit_event_no_delete; DELETE FROM audit_event;").unwrap();
    for (at, actor, kind, detail) in rows {
        let mut d: serde_json::Value = serde_json::from_str(&detail).unwrap();
        if d.is_object() {
            d["rewritten"] = true.into();
        }
        audit::append(conn, &at, &actor, &kind, &d).unwrap();
    }
}

#[test]
fn a_chain_rewritten_with_recomputed_hashes_is_caught_by_the_province_tip() {
    let sim = Sim::start("420102", 200, 110);
    let (dir, desk) = enrolled(&sim, 0);
    sync(&desk);
    record(&desk, &confirmable(&desk, 1)[0], None);
    assert_eq!(sync(&desk).accepted, 1);
    let tip = sim.state.scalar("SELECT seq FROM audit_tip");
    assert!(tip > 0, "the pushes carried the audit tip");
    let verify = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--supervisor", "A001"]);
        zkdesk_tests::zkctl(dir.path(), &args, &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")])
    };
    let ok = verify(&["audit", "verify", "--province", "--json"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let v: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!((v["ok"].as_bool(), v["province_ok"].as_bool(), v["province_seq"].as_i64()), (Some(true), Some(true), Some(tip)));

    rewrite_chain(&desk);
    let plain = verify(&["audit", "verify"]);
    assert!(plain.status.success(), "the rewritten chain verifies locally: {}", String::from_utf8_lossy(&plain.stderr));
    let caught = verify(&["audit", "verify", "--province", "--json"]);
    assert_eq!(caught.status.code(), Some(1), "{}", String::from_utf8_lossy(&caught.stdout));
    let v: serde_json::Value = serde_json::from_slice(&caught.stdout).unwrap();
    assert_eq!((v["ok"].as_bool(), v["province_ok"].as_bool()), (Some(true), Some(false)));
    assert!(v["province_broken"].as_str().unwrap().contains("rewritten"), "{v}");
}

// ---- 4. logins ----

fn desk_with_counter(password: &str) -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().unwrap();
    let (desk, sup) = zkdesk_tests::fixtures::new_store(dir.path());
    let args = zkdesk::api::NewStaffArgs {
        staff_id: "S001".into(),
        name: "张三".into(),
        role: zkdesk::api::Role::Counter,
        password: password.into(),
    };
    desk.staff_add(&zkdesk::desk::Actor::Staff(sup), &args, &now()).unwrap();
    (dir, desk)
}

#[test]
fn a_hundred_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    use zkdesk::domain::ErrorCode;
    let (_d, desk) = desk_with_counter("right-password");
    let t0 = now();
    let codes: Vec<ErrorCode> = (0..100).map(|_| desk.login("S001", "wrong-password", &t0).unwrap_err().code).collect();
    assert!(codes[..4].iter().all(|c| *c == ErrorCode::BadCredentials), "{codes:?}");
    assert!(codes[4..].iter().all(|c| *c == ErrorCode::Locked), "locked from the fifth failure: {codes:?}");
    let e = desk.login("S001", "right-password", &t0).unwrap_err();
    assert_eq!(e.code, ErrorCode::Locked, "the right password is refused while locked");
    assert!(e.message.contains("锁定") && e.message.contains("后重试"), "{}", e.message);
    assert_eq!(e.refusal_code().map(|c| c.as_str()), Some("LOCKED"));
    assert_eq!(audit_kinds(&desk, "account_locked"), 1);
    // Fourteen minutes later: still locked. Fifteen: the right password works, and the count starts again.
    assert_eq!(desk.login("S001", "right-password", &(t0 + chrono::Duration::minutes(14))).unwrap_err().code, ErrorCode::Locked);
    let later = t0 + chrono::Duration::minutes(15) + chrono::Duration::seconds(1);
    assert_eq!(desk.login("S001", "right-password", &later).unwrap().staff_id, "S001");
    for _ in 0..4 {
        assert_eq!(desk.login("S001", "wrong-password", &later).unwrap_err().code, ErrorCode::BadCredentials);
    }
    assert_eq!(desk.login("S001", "right-password", &later).unwrap().staff_id, "S001", "a success resets the count");
}

#[test]
fn zkctl_reports_a_locked_account_as_locked() {
    let (dir, desk) = desk_with_counter("right-password");
    for _ in 0..5 {
        let _ = desk.login("S001", "wrong-password", &now());
    }
    let photo = zkdesk_tests::fixtures::good_photo_file(dir.path());
    let out = zkdesk_tests::zkctl(
        dir.path(),
        &["--json", "confirm", "--reader", "sim:/nonexistent", "--photo", photo.to_str().unwrap(), "--staff", "S001"],
        &[("ZKDESK_PASSWORD", "right-password")],
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["refused"]["code"], "LOCKED", "{v}");
}

#[test]
fn a_huge_id_never_reaches_the_audit_chain_or_the_staff_table() {
    let (_d, desk) = desk_with_counter("right-password");
    let huge = "A".repeat(100 * 1024);
    assert_eq!(desk.login(&huge, "whatever", &now()).unwrap_err().code, zkdesk::domain::ErrorCode::BadCredentials);
    let longest: i64 =
        desk.store().conn().query_row("SELECT MAX(LENGTH(actor) + LENGTH(detail)) FROM audit_event", [], |r| r.get(0)).unwrap();
    assert!(longest < 200, "an audit row of {longest} bytes");
    // Names are bounded too.
    let args = zkdesk::api::NewStaffArgs {
        staff_id: "S002".into(),
        name: "名".repeat(10_000),
        role: zkdesk::api::Role::Counter,
        password: "password-2".into(),
    };
    let sup = zkdesk::desk::Actor::Staff(desk.login("A001", "zhuguan-2026", &now()).unwrap());
    assert!(desk.staff_add(&sup, &args, &now()).is_err());
    assert!(desk.staff_disable(&sup, &huge, &now()).is_err());
    let longest: i64 =
        desk.store().conn().query_row("SELECT MAX(LENGTH(actor) + LENGTH(detail)) FROM audit_event", [], |r| r.get(0)).unwrap();
    assert!(longest < 200, "an audit row of {longest} bytes");
}

// ---- 5. inputs ----

fn portrait_jpeg() -> Vec<u8> {
    let img = zkdesk_tests::photos::on_blue();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&img).unwrap();
    out
}

#[test]
fn a_truncated_jpeg_is_refused_with_a_clear_message() {
    let whole = portrait_jpeg();
    assert!(zkdesk::photo::decode(&whole).is_ok());
    let cut = &whole[..whole.len() * 3 / 4];
    let e = zkdesk::photo::decode(cut).unwrap_err();
    assert!(matches!(e, zkdesk::photo::PhotoError::Corrupt(_)), "{e:?}");
    assert!(e.message().contains("不完整"), "{}", e.message());
    // Through zkctl too: nothing written, exit 1, the reason in Chinese.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cut.jpg");
    std::fs::write(&input, cut).unwrap();
    let output = dir.path().join("out.jpg");
    let out = zkdesk_tests::zkctl(dir.path(), &["--json", "photo", "make", input.to_str().unwrap(), "-o", output.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["written"], false);
    assert!(v["error"].as_str().unwrap().contains("不完整"), "{v}");
    assert!(!output.exists());
    // Bytes after the end marker (a phone's appended data) are fine.
    let mut tail = whole.clone();
    tail.extend_from_slice(b"appended-by-a-phone");
    assert!(zkdesk::photo::decode(&tail).is_ok());
}

/// An EXIF APP1 segment carrying only an Orientation tag.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&(value as u32).to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut body = b"Exif\0\0".to_vec();
    body.extend_from_slice(&tiff);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((body.len() + 2) as u16).to_be_bytes());
    seg.extend_from_slice(&body);
    seg
}

#[test]
fn a_phone_photo_stored_sideways_comes_out_upright() {
    let upright = zkdesk_tests::photos::on_blue();
    // The phone stores the sensor's landscape pixels and says "rotate 90° clockwise" (6).
    let sideways = image::imageops::rotate270(&upright);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90).encode_image(&sideways).unwrap();
    let mut tagged = jpeg[..2].to_vec();
    tagged.extend(exif_orientation(6));
    tagged.extend_from_slice(&jpeg[2..]);
    let img = zkdesk::photo::decode(&tagged).unwrap();
    assert_eq!((img.width(), img.height()), upright.dimensions(), "rotated upright");
    let made = zkdesk::photo::make(&img, &zkdesk::photo::Spec::default(), &mut zkdesk::photo::face::FaceDetector::new()).unwrap();
    assert_eq!(made.face_count, 1, "{:?}", made.checks);
    assert!(made.acceptable(), "{:?}", made.checks);
}

/// `zkctl` under a 4 GB address-space limit, so a read without a bound fails fast instead of
/// eating the machine's memory.
fn zkctl_limited(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4000000; exec \"$0\" \"$@\"")
        .arg(zkdesk_tests::workspace_bin("zkctl"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn dev_zero_as_a_card_file_or_a_capture_is_refused_at_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let out = zkctl_limited(dir.path(), &["card", "decode", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zkctl_limited(dir.path(), &["card", "read", "--reader", "sim:/dev/zero", "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("larger than"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = zkctl_limited(dir.path(), &["photo", "make", "/dev/zero", "-o", "/dev/null"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn absurd_timeouts_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cards = zkdesk_tests::fixtures::card_file(dir.path(), &[zkdesk_tests::cards::resident()]);
    zkdesk_tests::fixtures::new_store(dir.path());
    let photo = zkdesk_tests::fixtures::good_photo_file(dir.path());
    for t in ["1e300", "inf", "NaN", "-1", "0", "3601"] {
        let out = zkdesk_tests::zkctl(dir.path(), &["card", "read", "--reader", &cards, "--timeout", t], &[]);
        assert_eq!(out.status.code(), Some(2), "card read --timeout {t}: {}", String::from_utf8_lossy(&out.stderr));
        let out = zkdesk_tests::zkctl(
            dir.path(),
            &["confirm", "--reader", &cards, "--photo", photo.to_str().unwrap(), "--staff", "S001", "--timeout", t],
            &[("ZKDESK_PASSWORD", "x")],
        );
        assert_eq!(out.status.code(), Some(2), "confirm --timeout {t}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let out = zkdesk_tests::zkctl(dir.path(), &["card", "read", "--reader", &cards, "--timeout", "5"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_absurd_version_is_garbage_and_does_not_block_later_updates() {
    let sim = Sim::start("420102", 200, 111);
    let (_d, desk) = enrolled(&sim, 0);
    sync(&desk);
    let regs = confirmable(&desk, 2);
    let (id, other) = (regs[0].registration_id.clone(), &regs[1]);
    let body: String = sim.state.db().query_row("SELECT body FROM registration WHERE registration_id = ?1", [&id], |r| r.get(0)).unwrap();
    let mut bad: serde_json::Value = serde_json::from_str(&body).unwrap();
    bad["version"] = i64::MAX.into();
    bad["name"] = "坏数据".into();
    sim.state
        .db()
        .execute(
            "INSERT INTO reg_change (registration_id, region_code, body) VALUES (?1, '4201', ?2)",
            rusqlite::params![id, bad.to_string()],
        )
        .unwrap();
    record(&desk, other, None);
    let r = sync(&desk);
    assert!(r.error_detail.as_deref().unwrap_or("").contains("absurd version"), "{r:?}");
    assert_eq!(r.accepted, 1, "the outbox still went: {r:?}");
    let local = zkdesk::store::registrations::get(desk.store().conn(), &id).unwrap().unwrap();
    assert_eq!(local.version, 1);
    // The province withdraws the garbage and makes a real change: it arrives.
    sim.state.db().execute("DELETE FROM reg_change WHERE body LIKE '%坏数据%'", []).unwrap();
    sim.state.change_registration(&id, |r| r["phone_masked"] = "135****0000".into());
    assert!(sync(&desk).error.is_none());
    let local = zkdesk::store::registrations::get(desk.store().conn(), &id).unwrap().unwrap();
    assert_eq!((local.version, local.phone_masked.as_deref()), (2, Some("135****0000")));
}

#[test]
fn enrollment_errors_never_show_the_token() {
    let (base, _hits) = fake_server(std::net::Ipv4Addr::LOCALHOST.into(), |_, _| {
        serde_json::json!({"station_id": "ST-420102-09", "token": "SECRET-TOKEN-0123456789abcdef",
                           "region": {"code": "4201", "name": "武汉市"}, "server_time": "2026-12-01T10:00:00+08:00"})
    });
    let dir = tempfile::tempdir().unwrap();
    zkdesk_tests::fixtures::new_store(dir.path());
    let out = zkdesk_tests::zkctl(
        dir.path(),
        &["station", "enroll", "--server", &base, "--code", "CODE1234", "--supervisor", "A001"],
        &[("ZKDESK_LOG", "debug"), ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")],
    );
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("county"), "names what is missing: {all}");
    assert!(!all.contains("SECRET-TOKEN"), "the token leaked: {all}");
}

/// `zkctl lookup` and `zkctl card samples` read candidates' data: they need a login now.
#[test]
fn lookup_and_card_samples_need_a_login() {
    use zkdesk_tests::station::{refused, supervised_station, ENV};
    let sim = zkdesk_tests::sim::Sim::start("420102", 40, 98);
    let dir = supervised_station(&sim);
    let d = dir.path();
    let out = d.join("cards.json");
    for args in [vec!["--json", "lookup", "11010519491231002X"], vec!["--json", "card", "samples", "-o", out.to_str().unwrap()]] {
        let none = zkdesk_tests::zkctl(d, &args, &[]);
        assert_eq!(none.status.code(), Some(2), "{args:?} without --staff/--supervisor is bad usage");
        let mut wrong = args.clone();
        wrong.extend(["--staff", "S001"]);
        let code = refused(&format!("{args:?} with a wrong password"), zkdesk_tests::zkctl(d, &wrong, &[("ZKDESK_PASSWORD", "not-the-password")]));
        assert_eq!(code, "NOT_AUTHORIZED");
        let ok = zkdesk_tests::zkctl(d, &wrong, &ENV);
        assert!(ok.status.success(), "{args:?} as S001: {}", String::from_utf8_lossy(&ok.stderr));
    }
    assert!(out.exists(), "the samples were written once logged in");
}
