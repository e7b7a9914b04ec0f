//! An in-tree virtual ID card for `vsmartcard-vpcd`: connects to pcscd's vpcd driver over TCP
//! (the card is "present" while connected) and answers like a card on a reader with a built-in
//! SAM (`FF B0 P1 00 00` blocks) or on a plain reader (UID only). A test chooses the ATR too, so
//! a built-in-SAM reader that does not mark its ATR can be played.
//!
//! vpcd protocol: each message is a 2-byte big-endian length and a payload; a 1-byte payload is
//! a control code (0 off, 1 on, 2 reset, 4 send ATR); anything else is an APDU.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use zkdesk::idcard::reader::PcscBlocks;
use zkdesk::idcard::text::TEXT_LEN;

/// vpcd's two slots: reader "Virtual PCD 00 00" listens on 35963, "Virtual PCD 00 01" on 35964.
pub const VPCD_PORTS: [u16; 2] = [35963, 35964];

#[derive(Clone)]
#[allow(clippy::large_enum_variant)] // built once per test
pub enum CardKind {
    /// A reader with a built-in SAM: the decoded text and photo in six blocks.
    BuiltinSam { text: [u8; TEXT_LEN], photo: Vec<u8>, uid: [u8; 8] },
    /// A plain contactless reader: only the UID.
    UidOnly { uid: [u8; 8] },
}

/// ATR with 12 historical bytes: `3B 8C 80 01` + history + TCK. For built-in-SAM readers
/// history bytes 9–10 (zero-based ATR bytes 13–14, hex characters 26..30) are `90 00`;
/// otherwise nothing in the ATR says `90 00` anywhere near.
pub fn atr(builtin_sam: bool) -> Vec<u8> {
    let mut hist = *b"ZKDESK-\0\0\0ID";
    if builtin_sam {
        hist[9] = 0x90;
        hist[10] = 0x00;
    }
    atr_with_history(hist)
}

/// An ATR with these historical bytes (and the right TCK), for a test that needs another one.
pub fn atr_with_history(hist: [u8; 12]) -> Vec<u8> {
    let mut atr = vec![0x3B, 0x8C, 0x80, 0x01];
    atr.extend_from_slice(&hist);
    let tck = atr[1..].iter().fold(0u8, |a, b| a ^ b);
    atr.push(tck);
    atr
}

/// vpcd has two slots and the test binaries run in parallel processes: a test holds its slot's
/// lock (an advisory file lock, released when dropped) for as long as it uses the slot.
pub struct SlotLock {
    _file: File,
}

/// Waits until no other test uses `slot`. Tests that need both take slot 0 first.
pub fn lock_slot(slot: usize) -> SlotLock {
    let path = std::env::temp_dir().join(format!("zkdesk-vpcd-slot-{slot}.lock"));
    let file = OpenOptions::new().create(true).truncate(false).write(true).open(&path).expect("slot lock file");
    file.lock().expect("slot lock");
    SlotLock { _file: file }
}

pub struct VirtualCard {
    stream: TcpStream,
    thread: Option<JoinHandle<()>>,
    /// APDUs answered so far.
    pub apdus: Arc<AtomicUsize>,
}

impl VirtualCard {
    /// Inserts the card: connects to vpcd (retrying while pcscd starts the driver). The ATR says
    /// "built-in SAM" exactly when the card answers `FF B0`.
    pub fn insert(slot: usize, kind: CardKind) -> std::io::Result<Self> {
        let atr = atr(matches!(kind, CardKind::BuiltinSam { .. }));
        Self::insert_with_atr(slot, kind, atr)
    }

    /// Inserts the card with this ATR, whatever the card answers.
    pub fn insert_with_atr(slot: usize, kind: CardKind, atr: Vec<u8>) -> std::io::Result<Self> {
        let mut last = None;
        for _ in 0..50 {
            match TcpStream::connect(("127.0.0.1", VPCD_PORTS[slot])) {
                Ok(stream) => {
                    let apdus = Arc::new(AtomicUsize::new(0));
                    let (s2, a2) = (stream.try_clone()?, apdus.clone());
                    let thread = std::thread::spawn(move || serve(s2, kind, atr, a2));
                    return Ok(VirtualCard { stream, thread: Some(thread), apdus });
                }
                Err(e) => {
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        Err(last.unwrap())
    }

    /// Removes the card: closes the connection, then gives pcscd's presence polling time to
    /// notice (a card inserted again at once would be taken for the same card staying).
    pub fn remove(mut self) {
        self.close();
        std::thread::sleep(Duration::from_millis(1200));
    }

    fn close(&mut self) {
        let _ = self.stream.shutdown(Shutdown::Both);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for VirtualCard {
    fn drop(&mut self) {
        self.close();
    }
}

fn respond(kind: &CardKind, apdu: &[u8]) -> Vec<u8> {
    let ok = |mut d: Vec<u8>| {
        d.extend_from_slice(&[0x90, 0x00]);
        d
    };
    let uid = match kind {
        CardKind::BuiltinSam { uid, .. } | CardKind::UidOnly { uid } => uid,
    };
    match (kind, apdu) {
        (_, [0x00, 0x36, 0x00, 0x00, 0x08]) => ok(uid.to_vec()),
        (CardKind::BuiltinSam { text, photo, .. }, [0xFF, 0xB0, p1, 0x00, 0x00]) if *p1 < 6 => {
            ok(PcscBlocks::split(text, photo)[*p1 as usize].clone())
        }
        (_, [0xFF, 0xB0, ..]) => vec![0x6A, 0x82],
        _ => vec![0x6D, 0x00],
    }
}

fn serve(mut s: TcpStream, kind: CardKind, atr: Vec<u8>, apdus: Arc<AtomicUsize>) {
    loop {
        let mut len = [0u8; 2];
        if s.read_exact(&mut len).is_err() {
            return;
        }
        let mut msg = vec![0u8; u16::from_be_bytes(len) as usize];
        if s.read_exact(&mut msg).is_err() {
            return;
        }
        let reply = match msg.as_slice() {
            [4] => atr.clone(),
            [_] => continue, // power off / on / reset: no answer
            apdu => {
                apdus.fetch_add(1, Ordering::Relaxed);
                respond(&kind, apdu)
            }
        };
        let mut out = (reply.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(&reply);
        if s.write_all(&out).is_err() {
            return;
        }
    }
}
