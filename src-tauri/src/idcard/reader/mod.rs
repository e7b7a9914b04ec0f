//! Card readers. Invariant: each reader runs on its own thread and reports only through one
//! [`ReaderEvent`] channel; a slow or dead reader never blocks its caller.
//!
//! Specs: `serial:PATH[@BAUD]` (SAM_V; BAUD is tried first, then the other usual rates),
//! `pcsc[:NAME]` (PC/SC), `sim:FILE` (cards from JSON).

pub(crate) mod pcsc;
pub(crate) mod serial;
mod sim;

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::IdentityCard;

pub use self::pcsc::{is_builtin_sam_atr, PcscBlocks};
pub use self::serial::{SerialTimings, BAUDS, READ_ATTEMPTS};
pub use self::sim::SimFile;

/// What a reader reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReaderEvent {
    /// A card entered the field (before it is read).
    CardPlaced,
    /// A card was read and parsed.
    CardRead {
        card: Box<IdentityCard>,
    },
    /// A reader without a SAM: only the card's UID, with the reason for staff.
    CardUidOnly {
        uid: String,
        message: String,
    },
    CardRemoved,
    /// A failure staff should see (`message`, Chinese) and the log should keep (`detail`).
    Error {
        message: String,
        detail: String,
    },
    ReaderLost {
        message: String,
        detail: String,
    },
    ReaderBack,
}

/// A parsed reader spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderSpec {
    Serial { path: String, baud: u32 },
    Pcsc { name: Option<String> },
    Sim { file: String },
}

pub const DEFAULT_BAUD: u32 = 115_200;
/// Longest wait for a card `zkctl` accepts, in seconds.
pub const MAX_TIMEOUT_SECS: f64 = 3600.0;

/// A wait given in seconds by a person: finite, above zero, at most an hour (`1e300`, `inf`,
/// `NaN` and negatives are refused, never turned into a panic).
pub fn timeout_from_secs(secs: f64) -> Result<Duration, String> {
    if secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!("timeout must be more than 0 and at most {MAX_TIMEOUT_SECS} seconds, not {}", format!("{secs}").chars().take(24).collect::<String>()))
    }
}

impl ReaderSpec {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix("serial:") {
            let (path, baud) = match rest.rsplit_once('@') {
                Some((p, b)) => (p, b.parse::<u32>().map_err(|_| format!("bad baud rate {b:?}"))?),
                None => (rest, DEFAULT_BAUD),
            };
            if path.is_empty() {
                return Err("serial reader needs a path".into());
            }
            return Ok(ReaderSpec::Serial { path: path.into(), baud });
        }
        if s == "pcsc" {
            return Ok(ReaderSpec::Pcsc { name: None });
        }
        if let Some(name) = s.strip_prefix("pcsc:") {
            return Ok(ReaderSpec::Pcsc { name: (!name.is_empty()).then(|| name.to_string()) });
        }
        if let Some(file) = s.strip_prefix("sim:") {
            if file.is_empty() {
                return Err("sim reader needs a file".into());
            }
            return Ok(ReaderSpec::Sim { file: file.into() });
        }
        Err(format!("unknown reader {s:?}: use serial:PATH[@BAUD], pcsc[:NAME] or sim:FILE"))
    }
}

/// Lets a reader thread report and notice that it should stop.
#[derive(Clone)]
pub struct Link {
    tx: Sender<ReaderEvent>,
    stop: Arc<AtomicBool>,
}

impl Link {
    /// Sends an event; false when nobody listens any more (the thread should end).
    pub fn send(&self, e: ReaderEvent) -> bool {
        match &e {
            ReaderEvent::Error { detail, .. } | ReaderEvent::ReaderLost { detail, .. } => {
                tracing::warn!("reader: {detail}")
            }
            other => tracing::debug!("reader: {other:?}"),
        }
        self.tx.send(e).is_ok()
    }

    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// Sleeps up to `d`, waking early when asked to stop. Returns false if stopped.
    pub fn pause(&self, d: Duration) -> bool {
        let step = Duration::from_millis(20);
        let mut left = d;
        while !left.is_zero() {
            if self.stopped() {
                return false;
            }
            let s = left.min(step);
            std::thread::sleep(s);
            left -= s;
        }
        !self.stopped()
    }

    pub fn error(&self, message: impl Into<String>, detail: impl Into<String>) -> bool {
        self.send(ReaderEvent::Error { message: message.into(), detail: detail.into() })
    }
}

/// A running reader: its events, and a way to stop it.
pub struct ReaderHandle {
    pub events: Receiver<ReaderEvent>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    sim: Option<Sender<sim::SimCommand>>,
    baud: serial::WorkingBaud,
}

impl ReaderHandle {
    /// For a serial reader: the rate it answered at (it may differ from the spec's when the
    /// reader was found at the fallback rate); `None` until it answered, and for other readers.
    pub fn serial_baud(&self) -> Option<u32> {
        Some(self.baud.load(Ordering::Relaxed)).filter(|&b| b != 0)
    }

    /// For the simulated reader: place card `index` of the file on the reader.
    pub fn swipe(&self, index: usize) -> Result<(), String> {
        self.sim_command(sim::SimCommand::Swipe(index))
    }

    /// For the simulated reader: take the card away.
    pub fn remove(&self) -> Result<(), String> {
        self.sim_command(sim::SimCommand::Remove)
    }

    fn sim_command(&self, c: sim::SimCommand) -> Result<(), String> {
        self.sim.as_ref().ok_or("only the simulated reader can be swiped from the app")?.send(c).map_err(|_| "reader stopped".to_string())
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ReaderHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the reader a spec names on its own thread.
pub fn spawn(spec: &ReaderSpec) -> Result<ReaderHandle, String> {
    spawn_with(spec, SerialTimings::default())
}

pub fn spawn_with(spec: &ReaderSpec, timings: SerialTimings) -> Result<ReaderHandle, String> {
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let link = Link { tx, stop: stop.clone() };
    let mut sim_tx = None;
    let working = Arc::new(AtomicU32::new(0));
    let thread = match spec.clone() {
        ReaderSpec::Serial { path, baud } => {
            let working = working.clone();
            std::thread::Builder::new().name("reader-serial".into()).spawn(move || serial::run(&path, baud, timings, link, working))
        }
        ReaderSpec::Pcsc { name } => std::thread::Builder::new().name("reader-pcsc".into()).spawn(move || pcsc::run(name.as_deref(), link)),
        ReaderSpec::Sim { file } => {
            let cards = SimFile::load(std::path::Path::new(&file))?;
            let (ctx, crx) = mpsc::channel();
            sim_tx = Some(ctx);
            std::thread::Builder::new().name("reader-sim".into()).spawn(move || sim::run(cards, crx, link))
        }
    }
    .map_err(|e| format!("cannot start reader thread: {e}"))?;
    Ok(ReaderHandle { events: rx, stop, thread: Some(thread), sim: sim_tx, baud: working })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(ReaderSpec::parse("serial:/dev/ttyUSB0").unwrap(), ReaderSpec::Serial { path: "/dev/ttyUSB0".into(), baud: 115_200 });
        assert_eq!(ReaderSpec::parse("serial:/dev/ttyS1@9600").unwrap(), ReaderSpec::Serial { path: "/dev/ttyS1".into(), baud: 9600 });
        assert_eq!(ReaderSpec::parse("pcsc").unwrap(), ReaderSpec::Pcsc { name: None });
        assert_eq!(ReaderSpec::parse("pcsc:Virtual PCD 00 00").unwrap(), ReaderSpec::Pcsc { name: Some("Virtual PCD 00 00".into()) });
        assert_eq!(ReaderSpec::parse("sim:cards.json").unwrap(), ReaderSpec::Sim { file: "cards.json".into() });
        assert!(ReaderSpec::parse("serial:/dev/x@fast").is_err());
        assert!(ReaderSpec::parse("usb:1").is_err());
    }
}

/// What waiting for one card ended with, when it was not a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOneError {
    pub message: String,
    pub detail: String,
}

/// Starts a reader, waits up to `timeout` for one card and stops the reader. A simulated reader
/// without `autoplay` is swiped with its first card. Errors on the way are logged and the wait
/// goes on (staff would re-place the card); the last one is returned on timeout.
pub fn read_one(spec: &ReaderSpec, timeout: Duration) -> Result<IdentityCard, ReadOneError> {
    let mut handle = spawn(spec).map_err(|d| ReadOneError { message: "无法启动读卡器".into(), detail: d })?;
    if matches!(spec, ReaderSpec::Sim { .. }) {
        let _ = handle.swipe(0);
    }
    let deadline = std::time::Instant::now() + timeout;
    let mut last =
        ReadOneError { message: "等待读卡超时，请放置身份证".into(), detail: format!("no card within {timeout:?}") };
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match handle.events.recv_timeout(left) {
            Ok(ReaderEvent::CardRead { card }) => return Ok(*card),
            Ok(ReaderEvent::CardUidOnly { uid, message }) => {
                return Err(ReadOneError { message, detail: format!("reader gives only the card UID {uid}") });
            }
            Ok(ReaderEvent::Error { message, detail } | ReaderEvent::ReaderLost { message, detail }) => {
                last = ReadOneError { message, detail: format!("{detail} (then no card within {timeout:?})") };
            }
            Ok(_) => {}
            Err(_) => {
                handle.stop();
                return Err(last);
            }
        }
    }
}

impl ReaderHandle {
    /// Separates the event receiver (for a forwarding thread) from the handle that stops the reader.
    pub fn split(mut self) -> (ReaderHandle, Receiver<ReaderEvent>) {
        let (_, empty) = mpsc::channel();
        let events = std::mem::replace(&mut self.events, empty);
        (self, events)
    }
}
