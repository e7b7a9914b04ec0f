//! Helpers shared by the end-to-end tests: run `zkctl` against a temporary data directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of a binary built in this workspace's target directory (built by `cargo build` first).
pub fn workspace_bin(name: &str) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("debug").join(name)
}

/// Runs `zkctl --data-dir DIR ARGS` with the given environment.
pub fn zkctl(data_dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(workspace_bin("zkctl"));
    cmd.arg("--data-dir").arg(data_dir).args(args).stdin(std::process::Stdio::null());
    cmd.env_remove("ZKDESK_PASSWORD").env_remove("ZKDESK_NEW_PASSWORD").env_remove("ZKDESK_SUPERVISOR_PASSWORD").env_remove("ZKDESK_RECOVERY_KEY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("zkctl runs (build it with `cargo build --workspace` first)")
}

pub mod cards;
pub mod samv_emulator;
pub mod vpcd_card;

/// Receives reader events until one matches, failing the test after `secs` with what was seen.
pub fn wait_event(
    rx: &std::sync::mpsc::Receiver<zkdesk::idcard::reader::ReaderEvent>,
    secs: u64,
    what: &str,
    pred: impl Fn(&zkdesk::idcard::reader::ReaderEvent) -> bool,
) -> zkdesk::idcard::reader::ReaderEvent {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(e) if pred(&e) => return e,
            Ok(e) => seen.push(e),
            Err(_) => panic!("no {what} within {secs} s; saw {seen:?}"),
        }
    }
}

/// Collects whatever events arrive within `ms`.
pub fn drain_events(
    rx: &std::sync::mpsc::Receiver<zkdesk::idcard::reader::ReaderEvent>,
    ms: u64,
) -> Vec<zkdesk::idcard::reader::ReaderEvent> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_millis(ms);
    let mut out = Vec::new();
    while let Ok(e) = rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
        out.push(e);
    }
    out
}
pub mod fixtures;
pub mod photos;
pub mod station;
pub mod sim;
