//! `serial:PATH[@BAUD]`: a SAM_V reader on a serial port (RS-232, USB-CDC, or a TCP serial
//! server mapped to a tty). Status (at the given rate, then the other usual one), reset and
//! status on open; find every poll interval; select and read a new card (a damaged reply is
//! asked for again); select to notice that it left; reconnect after an unplug.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::{Link, ReaderEvent};
use crate::idcard::samv::{self, Command, Decoded, FrameError, Reply, Status};
use crate::idcard::{DecodeError, IdentityCard};

/// The rates tried, in this order after the configured one: the SAM_V default, then the rate
/// older readers and many TCP serial servers are left at.
pub const BAUDS: [u32; 2] = [115_200, 9_600];

/// `30 01` attempts per placement: a damaged reply is asked for twice more before staff are
/// told to lift and re-place the card.
pub const READ_ATTEMPTS: usize = 3;

/// The configured rate first, then the others of [`BAUDS`].
fn baud_order(first: u32) -> Vec<u32> {
    std::iter::once(first).chain(BAUDS.into_iter().filter(|&b| b != first)).collect()
}

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

    /// The first rate at which the reader answers SAM status (any status: a reader whose SAM
    /// fails still speaks SAM_V); `None` when it answers at none.
    fn find_baud(&mut self, bauds: &[u32], timeout: Duration) -> Result<Option<u32>, Failure> {
        for &baud in bauds {
            self.port.set_baud_rate(baud).map_err(|e| Failure::Io(e.into()))?;
            match self.exchange(Command::SamStatus, timeout) {
                Ok(_) => return Ok(Some(baud)),
                Err(f @ Failure::Io(_)) => return Err(f),
                Err(_) => {}
            }
        }
        Ok(None)
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

/// Where the reader loop says which rate worked (0 until one did).
pub type WorkingBaud = std::sync::Arc<AtomicU32>;

/// The reader loop: runs until the link is stopped or nobody listens.
pub fn run(path: &str, baud: u32, t: SerialTimings, link: Link, working: WorkingBaud) {
    let line = Line { path, bauds: baud_order(baud), working };
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
        match session(&mut port, &line, t, &link, &mut lost_reported) {
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

/// The port a reader loop works on and what it learnt of it.
struct Line<'a> {
    path: &'a str,
    bauds: Vec<u32>,
    working: WorkingBaud,
}

impl Line<'_> {
    fn found(&self, baud: u32) {
        if self.working.swap(baud, Ordering::Relaxed) != baud {
            tracing::info!("SAM_V reader on {} answers at {baud} baud", self.path);
        }
    }
}

/// Brings the reader up (find the rate, reset, SAM status); reports `ReaderBack` after a loss.
fn start(port: &mut Port, line: &Line, t: SerialTimings, link: &Link, lost_reported: &mut bool) -> Result<bool, Ended> {
    let baud = match port.find_baud(&line.bauds, t.command_timeout) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(false),
        Err(Failure::Io(e)) => return Err(Ended::Lost(format!("serial port failed: {e}"))),
        Err(_) => return Ok(false),
    };
    line.found(baud);
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

fn session(port: &mut Port, line: &Line, t: SerialTimings, link: &Link, lost_reported: &mut bool) -> Ended {
    let mut up = false;
    let mut state = State::Searching;
    let mut silent = false;
    loop {
        if !link.pause(t.poll) {
            return Ended::Stop;
        }
        if !up {
            match start(port, line, t, link, lost_reported) {
                Ok(ok) => up = ok,
                Err(e) => return e,
            }
            if !up {
                // A reader that does not answer (or whose SAM fails) is retried at the reconnect pace.
                if !silent {
                    silent = true;
                    if !link.send(ReaderEvent::ReaderLost {
                        message: "读卡器无响应，正在重试".into(),
                        detail: format!("no answer to SAM status at {:?} baud", line.bauds),
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
    let step = match read_with_retries(port, t) {
        Ok(Ok(card)) => {
            return if link.send(ReaderEvent::CardRead { card: Box::new(card) }) { Step::Now(State::Present) } else { Step::Stop }
        }
        Ok(Err(status)) => {
            if link.error(status.message(), format!("read answered {status:?}")) {
                Step::Stay
            } else {
                Step::Stop
            }
        }
        Err(f @ Failure::Corrupt(_)) => failure_step(f, link, &format!("read (after {READ_ATTEMPTS} attempts)")),
        Err(f) => failure_step(f, link, "read"),
    };
    // A failed read leaves the card in the field: staff lift and re-place it.
    if matches!(step, Step::Stay) {
        Step::Now(State::Present)
    } else {
        step
    }
}

/// One `30 01`: the identity, the reader's refusal, or why no usable answer came. Read data
/// whose lengths do not add up counts as damaged, like a bad checksum.
fn read_once(port: &mut Port, t: SerialTimings) -> Result<Result<IdentityCard, Status>, Failure> {
    let r = port.exchange(Command::Read, t.read_timeout)?;
    if r.status != Status::Ok {
        return Ok(Err(r.status));
    }
    crate::idcard::identity_from_read(&r.data).map(Ok).map_err(|e| match e {
        DecodeError::Frame(f) => Failure::Corrupt(f),
        other => Failure::Corrupt(FrameError::ReadData(other.to_string())),
    })
}

/// A damaged reply is most often noise on the line, not the card: ask again while the card is
/// still selected rather than making staff lift it.
fn read_with_retries(port: &mut Port, t: SerialTimings) -> Result<Result<IdentityCard, Status>, Failure> {
    let mut attempt = 1;
    loop {
        match read_once(port, t) {
            Err(Failure::Corrupt(e)) if attempt < READ_ATTEMPTS => {
                tracing::info!("read reply damaged (attempt {attempt} of {READ_ATTEMPTS}), asking again: {e}");
                attempt += 1;
            }
            other => return other,
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

/// A port that answers SAM_V, as detection reports it.
pub(crate) struct Answering {
    pub baud: u32,
    /// The SAM id (`12 FF`) in the vendor tools' form, when the reader gives it.
    pub sam_id: Option<String>,
}

/// Asks a port for SAM status at each usual rate, `timeout` per rate, then for its SAM id.
/// `None` when it cannot be opened (absent, or held by a running reader) or never answers.
pub(crate) fn probe(path: &str, timeout: Duration) -> Option<Answering> {
    let mut port = Port::open(path, BAUDS[0]).map_err(|e| tracing::debug!("device detection: cannot open {path}: {e}")).ok()?;
    let baud = port.find_baud(&BAUDS, timeout).ok().flatten()?;
    let sam_id = match port.exchange(Command::SamId, timeout) {
        Ok(r) if r.status == Status::Ok && !r.data.is_empty() => Some(samv::format_sam_id(&r.data)),
        _ => None,
    };
    Some(Answering { baud, sam_id })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_rate_is_tried_first_then_the_others() {
        assert_eq!(baud_order(115_200), vec![115_200, 9_600]);
        assert_eq!(baud_order(9_600), vec![9_600, 115_200]);
        assert_eq!(baud_order(57_600), vec![57_600, 115_200, 9_600]);
    }
}
