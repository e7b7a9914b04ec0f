//! `serial:PATH[@BAUD]`: a SAM_V reader on a serial port (RS-232, USB-CDC, or a TCP serial
//! server mapped to a tty). Reset and status on open; find every poll interval; select and
//! read a new card; select to notice that it left; reconnect after an unplug.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use super::{Link, ReaderEvent};
use crate::idcard::samv::{self, Command, Decoded, Reply, Status};

/// How long each step may take. Tests shorten them; the defaults suit real readers.
#[derive(Debug, Clone, Copy)]
pub struct SerialTimings {
    /// Between two find (or presence) polls: 300–500 ms per the design.
    pub poll: Duration,
    /// An answer to a short command.
    pub command_timeout: Duration,
    /// An answer to a read (1295 bytes at 115200 baud take ~115 ms on the wire).
    pub read_timeout: Duration,
    /// Between two attempts to reopen a lost port.
    pub reconnect: Duration,
}

impl Default for SerialTimings {
    fn default() -> Self {
        SerialTimings {
            poll: Duration::from_millis(400),
            command_timeout: Duration::from_millis(500),
            read_timeout: Duration::from_millis(1500),
            reconnect: Duration::from_millis(1000),
        }
    }
}

/// Why one exchange failed.
enum Failure {
    /// No complete answer in time.
    Timeout,
    /// The answer was damaged (checksum, length).
    Corrupt(samv::FrameError),
    /// The port itself failed: unplugged.
    Io(std::io::Error),
}

struct Port {
    port: Box<dyn serialport::SerialPort>,
    decoder: samv::StreamDecoder,
}

impl Port {
    fn open(path: &str, baud: u32) -> Result<Self, serialport::Error> {
        let port = serialport::new(path, baud).timeout(Duration::from_millis(20)).open()?;
        Ok(Port { port, decoder: samv::StreamDecoder::new() })
    }

    /// Sends a command and waits for its reply.
    fn exchange(&mut self, cmd: Command, timeout: Duration) -> Result<Reply, Failure> {
        // A late answer to an earlier command must not be taken for this one's.
        self.decoder.clear();
        let _ = self.port.clear(serialport::ClearBuffer::Input);
        self.port.write_all(&cmd.encode()).map_err(Failure::Io)?;
        self.port.flush().map_err(Failure::Io)?;
        let deadline = Instant::now() + timeout;
        let mut buf = [0u8; 2048];
        loop {
            match self.decoder.next_frame() {
                Some(Decoded::Frame(body)) => return samv::parse_reply(&body).map_err(Failure::Corrupt),
                Some(Decoded::Bad(e)) => return Err(Failure::Corrupt(e)),
                None => {}
            }
            if Instant::now() >= deadline {
                return Err(Failure::Timeout);
            }
            match self.port.read(&mut buf) {
                Ok(0) => return Err(Failure::Io(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "port closed"))),
                Ok(n) => self.decoder.push(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut || e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Failure::Io(e)),
            }
        }
    }
}

#[derive(PartialEq)]
enum State {
    Searching,
    /// A card is in the field and was handled; it must leave before the next read.
    Present,
}

/// The reader loop: runs until the link is stopped or nobody listens.
pub fn run(path: &str, baud: u32, t: SerialTimings, link: Link) {
    let mut lost_reported = false;
    while !link.stopped() {
        let mut port = match Port::open(path, baud) {
            Ok(p) => p,
            Err(e) => {
                if !lost_reported {
                    lost_reported = true;
                    if !link.send(ReaderEvent::ReaderLost {
                        message: "读卡器未连接，请检查连接线".into(),
                        detail: format!("cannot open {path}: {e}"),
                    }) {
                        return;
                    }
                }
                if !link.pause(t.reconnect) {
                    return;
                }
                continue;
            }
        };
        match session(&mut port, t, &link, &mut lost_reported) {
            Ended::Stop => return,
            Ended::Lost(detail) => {
                if !link.send(ReaderEvent::ReaderLost { message: "读卡器连接中断，正在重新连接".into(), detail }) {
                    return;
                }
                lost_reported = true;
                if !link.pause(t.reconnect) {
                    return;
                }
            }
        }
    }
}

enum Ended {
    Stop,
    Lost(String),
}

/// Brings the reader up (reset, SAM status); reports `ReaderBack` after a loss.
fn start(port: &mut Port, t: SerialTimings, link: &Link, lost_reported: &mut bool) -> Result<bool, Ended> {
    // Some readers do not answer a reset; only the SAM status decides.
    let _ = port.exchange(Command::Reset, t.command_timeout);
    match port.exchange(Command::SamStatus, t.command_timeout) {
        Ok(r) if r.status == Status::Ok => {
            if *lost_reported {
                *lost_reported = false;
                if !link.send(ReaderEvent::ReaderBack) {
                    return Err(Ended::Stop);
                }
            }
            Ok(true)
        }
        Ok(r) => {
            link.error(r.status.message(), format!("SAM status answered {:?}", r.status));
            Ok(false)
        }
        Err(Failure::Io(e)) => Err(Ended::Lost(format!("serial port failed: {e}"))),
        Err(_) => Ok(false),
    }
}

fn session(port: &mut Port, t: SerialTimings, link: &Link, lost_reported: &mut bool) -> Ended {
    let mut up = false;
    let mut state = State::Searching;
    let mut silent = false;
    loop {
        if !link.pause(t.poll) {
            return Ended::Stop;
        }
        if !up {
            match start(port, t, link, lost_reported) {
                Ok(ok) => up = ok,
                Err(e) => return e,
            }
            if !up {
                // A reader that does not answer (or whose SAM fails) is retried at the reconnect pace.
                if !silent {
                    silent = true;
                    if !link.send(ReaderEvent::ReaderLost {
                        message: "读卡器无响应，正在重试".into(),
                        detail: "no answer to SAM status".into(),
                    }) {
                        return Ended::Stop;
                    }
                    *lost_reported = true;
                }
                if !link.pause(t.reconnect) {
                    return Ended::Stop;
                }
                continue;
            }
            silent = false;
        }
        let step = match state {
            State::Searching => search(port, t, link),
            State::Present => check_present(port, t, link),
        };
        match step {
            Step::Stay => {}
            Step::Now(s) => state = s,
            Step::Silent => {
                // Timeouts: the reader stopped answering. Bring it up again from reset.
                up = false;
            }
            Step::Lost(d) => return Ended::Lost(d),
            Step::Stop => return Ended::Stop,
        }
    }
}

enum Step {
    Stay,
    Now(State),
    Silent,
    Lost(String),
    Stop,
}

fn failure_step(f: Failure, link: &Link, what: &str) -> Step {
    match f {
        Failure::Io(e) => Step::Lost(format!("serial port failed during {what}: {e}")),
        Failure::Timeout => {
            if link.error("读卡器无响应", format!("no answer to {what}")) {
                Step::Silent
            } else {
                Step::Stop
            }
        }
        Failure::Corrupt(e) => {
            if link.error(e.message(), format!("{what}: {e}")) {
                Step::Stay
            } else {
                Step::Stop
            }
        }
    }
}

fn search(port: &mut Port, t: SerialTimings, link: &Link) -> Step {
    match port.exchange(Command::Find, t.command_timeout) {
        Ok(r) if r.status == Status::CardFound || r.status == Status::Ok => {}
        Ok(r) if r.status == Status::FindFailed => return Step::Stay,
        Ok(r) => {
            return if link.error(r.status.message(), format!("find answered {:?}", r.status)) { Step::Stay } else { Step::Stop };
        }
        Err(f) => return failure_step(f, link, "find"),
    }
    if !link.send(ReaderEvent::CardPlaced) {
        return Step::Stop;
    }
    match port.exchange(Command::Select, t.command_timeout) {
        Ok(r) if r.status == Status::Ok => {}
        Ok(r) => {
            // The card went away between find and select, or is not an ID card.
            let go_on = link.error(r.status.message(), format!("select answered {:?}", r.status)) && link.send(ReaderEvent::CardRemoved);
            return if go_on { Step::Stay } else { Step::Stop };
        }
        Err(f) => return failure_step(f, link, "select"),
    }
    match port.exchange(Command::Read, t.read_timeout) {
        Ok(r) if r.status == Status::Ok => match crate::idcard::identity_from_read(&r.data) {
            Ok(card) => {
                if link.send(ReaderEvent::CardRead { card: Box::new(card) }) {
                    Step::Now(State::Present)
                } else {
                    Step::Stop
                }
            }
            Err(e) => {
                if link.error(e.message(), format!("read reply: {e}")) {
                    Step::Now(State::Present)
                } else {
                    Step::Stop
                }
            }
        },
        Ok(r) => {
            if link.error(r.status.message(), format!("read answered {:?}", r.status)) {
                Step::Now(State::Present)
            } else {
                Step::Stop
            }
        }
        Err(f) => {
            let step = failure_step(f, link, "read");
            // A damaged read leaves the card in the field: staff re-place it.
            if matches!(step, Step::Stay) {
                Step::Now(State::Present)
            } else {
                step
            }
        }
    }
}

/// While the handled card stays, select keeps succeeding; when it fails the card has left.
fn check_present(port: &mut Port, t: SerialTimings, link: &Link) -> Step {
    match port.exchange(Command::Select, t.command_timeout) {
        Ok(r) if r.status == Status::Ok => Step::Stay,
        Ok(_) => {
            if link.send(ReaderEvent::CardRemoved) {
                Step::Now(State::Searching)
            } else {
                Step::Stop
            }
        }
        Err(Failure::Corrupt(_)) => Step::Stay,
        Err(f) => failure_step(f, link, "presence check"),
    }
}
