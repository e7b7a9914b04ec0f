//! Sync with the provincial platform. Invariant: the counter never waits for the network — sync
//! only reads and writes the store in short transactions; the outbox is drained in order by kind,
//! feed cursors advance only after their page is committed, and every retry state lives in the
//! store so it survives restarts.

pub mod backoff;
pub mod client;
mod day;
mod engine;

pub use day::{province_day, ProvinceConfirmation};
pub use engine::{
    api_error, enroll, province_audit_tip, run_cycle, CycleOptions, Phase, Progress, SyncReport, CLOCK_WARN_MS, SYNC_ACTOR,
};
