//! An in-tree SAM_V reader emulator on the master side of a real pseudo-terminal. The reader
//! under test opens the slave path like any serial port. The master sees the rate the slave is
//! set to, so a reader fixed at one baud rate can be emulated too.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serialport::SerialPort;
use zkdesk::idcard::samv::{self, Command, Decoded, Reply, Status};
use zkdesk::idcard::text::TEXT_LEN;

/// The SAM id the emulator gives to `12 FF`: 05.01-20101020-0013244527-2426503416 as vendor
/// tools print it (little-endian 16, 16, 32, 32 and 32-bit numbers).
pub const SAM_ID: [u8; 16] = [0x05, 0x00, 0x01, 0x00, 0x9C, 0xB7, 0x32, 0x01, 0x6F, 0x18, 0xCA, 0x00, 0xF8, 0x80, 0xA1, 0x90];

/// What the emulated reader does; tests change it while it runs.
#[derive(Default)]
pub struct Behaviour {
    /// The card in the field: text block and WLT photo.
    pub card: Option<([u8; TEXT_LEN], Vec<u8>)>,
    /// Found since it was placed (a card must leave before it can be found again).
    pub found: bool,
    /// Flip the checksum of this many of the next read replies.
    pub corrupt_reads: usize,
    /// Answer reads in the `30 10` layout with this fingerprint block (readers set up to always
    /// include it), instead of the `30 01` layout.
    pub fingerprint: Option<Vec<u8>>,
    /// Cut the last data byte of this many of the next read replies (in a well-formed frame).
    pub truncate_reads: usize,
    /// Answer only while the line is set to this rate (a reader fixed at it); `None`: any rate.
    pub baud: Option<u32>,
    /// Write replies in chunks of this many bytes (0 = all at once).
    pub chunk: usize,
    /// Do not answer at all (a hung reader).
    pub silent: bool,
    /// How many read commands were answered with a card.
    pub reads: usize,
}

pub struct SamvEmulator {
    pub path: String,
    pub state: Arc<Mutex<Behaviour>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl SamvEmulator {
    pub fn start() -> Self {
        let (master, slave) = serialport::TTYPort::pair().expect("pseudo-terminal pair");
        let path = slave.name().expect("pty slave has a name");
        // The reader opens the slave by path; this handle is not needed.
        drop(slave);
        let state = Arc::new(Mutex::new(Behaviour::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (s2, st2) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || serve(master, s2, st2));
        SamvEmulator { path, state, stop, thread: Some(thread) }
    }

    pub fn place(&self, text: [u8; TEXT_LEN], photo: Vec<u8>) {
        let mut s = self.state.lock().unwrap();
        s.card = Some((text, photo));
        s.found = false;
    }

    pub fn remove(&self) {
        let mut s = self.state.lock().unwrap();
        s.card = None;
        s.found = false;
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut Behaviour) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

impl Drop for SamvEmulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn answer(cmd: Command, s: &mut Behaviour) -> Reply {
    match cmd {
        Command::Reset | Command::Baud(_) => Reply::new(Status::Ok, vec![]),
        Command::SamStatus => Reply::new(Status::Ok, vec![]),
        Command::SamId => Reply::new(Status::Ok, SAM_ID.to_vec()),
        Command::Find => match &s.card {
            Some(_) if !s.found => {
                s.found = true;
                Reply::new(Status::CardFound, vec![0; 4])
            }
            _ => Reply::new(Status::FindFailed, vec![]),
        },
        Command::Select => match &s.card {
            Some(_) if s.found => Reply::new(Status::Ok, vec![0; 8]),
            _ => Reply::new(Status::SelectFailed, vec![]),
        },
        Command::Read | Command::ReadWithFingerprint => match &s.card {
            Some((text, photo)) if s.found => {
                s.reads += 1;
                let mut data = match &s.fingerprint {
                    Some(fp) => samv::join_read_with_fingerprint(text, photo, fp),
                    None => samv::join_read(text, photo),
                };
                if s.truncate_reads > 0 {
                    s.truncate_reads -= 1;
                    data.pop();
                }
                Reply::new(Status::Ok, data)
            }
            _ => Reply::new(Status::ReadFailed, vec![]),
        },
    }
}

fn serve(mut port: serialport::TTYPort, state: Arc<Mutex<Behaviour>>, stop: Arc<AtomicBool>) {
    let _ = port.set_timeout(Duration::from_millis(10));
    let mut dec = samv::StreamDecoder::new();
    let mut buf = [0u8; 512];
    while !stop.load(Ordering::Relaxed) {
        match port.read(&mut buf) {
            Ok(n) if n > 0 => dec.push(&buf[..n]),
            // EIO while no one holds the slave open; timeouts while idle.
            _ => {
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
        }
        while let Some(frame) = dec.next_frame() {
            let Decoded::Frame(body) = frame else {
                continue;
            };
            let Some(cmd) = body.get(..2).and_then(|c| Command::from_code([c[0], c[1]])) else {
                let _ = port.write_all(&Reply::new(Status::BadCommand, vec![]).encode());
                continue;
            };
            let line_baud = port.baud_rate().ok();
            let (mut bytes, chunk) = {
                let mut s = state.lock().unwrap();
                // At another rate than its own a real reader hears noise and stays silent.
                if s.silent || s.baud.is_some_and(|b| Some(b) != line_baud) {
                    continue;
                }
                let reply = answer(cmd, &mut s);
                let mut bytes = reply.encode();
                if matches!(cmd, Command::Read) && reply.status == Status::Ok && s.corrupt_reads > 0 {
                    s.corrupt_reads -= 1;
                    *bytes.last_mut().unwrap() ^= 0x5A;
                }
                (bytes, s.chunk)
            };
            if chunk == 0 {
                let _ = port.write_all(&bytes);
            } else {
                for piece in bytes.chunks(chunk) {
                    let _ = port.write_all(piece);
                    let _ = port.flush();
                }
            }
            bytes.clear();
        }
    }
}
