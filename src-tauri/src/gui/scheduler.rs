//! Runs sync cycles on their own thread: every interval while online, at once when asked
//! (after a confirmation, or the 立即同步 button). Invariant: callers never wait for the network —
//! `trigger` only sends a message; the scheduler uses its own store connection. It lives with the
//! GUI (not in `sync`) because it drives `desk`, and `sync` must not depend on `desk`.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::api::{SyncEvent, SyncProgress};
use crate::desk::{Desk, Now};
use crate::keyring::DataKey;
use crate::sync::Progress;

/// The wait between cycles when the setting cannot be read.
pub const INTERVAL: Duration = Duration::from_secs(30);

enum Msg {
    Now { force: bool },
    Stop,
}

pub struct Scheduler {
    tx: Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl Scheduler {
    /// Starts the thread over the store in `data_dir`, opened with `key` (the app keeps it from
    /// the first login, so sync goes on after logout and while the screen is locked); `clock`
    /// gives the local time; `emit` hears events.
    pub fn start(data_dir: PathBuf, key: DataKey, clock: fn() -> Now, emit: impl Fn(SyncEvent) + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let desk = match Desk::open_with_key(&data_dir, &key) {
                    Ok(d) => d,
                    Err(e) => return emit(SyncEvent::Failed { message: e.message }),
                };
                let mut force = false;
                loop {
                    let enrolled = desk.station_info().ok().flatten().is_some_and(|s| !s.token_revoked);
                    if enrolled {
                        emit(SyncEvent::Started);
                        let mut progress = |p: Progress| emit(SyncEvent::Progress { progress: SyncProgress::from(&p) });
                        match desk.sync_now(&clock, force, &mut progress) {
                            Ok(report) => emit(SyncEvent::Finished { report: (&report).into() }),
                            Err(e) => emit(SyncEvent::Failed { message: e.message }),
                        }
                    }
                    let wait = desk.sync_interval_secs().map(|s| Duration::from_secs(s.into())).unwrap_or(INTERVAL);
                    match rx.recv_timeout(wait) {
                        Ok(Msg::Now { force: f }) => force = f,
                        Err(RecvTimeoutError::Timeout) => force = false,
                        Ok(Msg::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                    // Collapse a burst of triggers into one cycle.
                    while let Ok(m) = rx.try_recv() {
                        match m {
                            Msg::Now { force: f } => force |= f,
                            Msg::Stop => return,
                        }
                    }
                }
            })
            .expect("spawn sync thread");
        Scheduler { tx, thread: Some(thread) }
    }

    /// Asks for a cycle now; `force` ignores the backoff (the 立即同步 button).
    pub fn trigger(&self, force: bool) {
        let _ = self.tx.send(Msg::Now { force });
    }
}

impl Drop for Scheduler {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
