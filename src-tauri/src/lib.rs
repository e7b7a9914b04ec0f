//! zkdesk — 自考现场确认工作站, the core.
//!
//! Map of the modules, bottom up (each states its invariant in its own doc comment):
//!
//! - [`domain`]  types and rules, pure: roles, the counter rules, the vocabulary, errors with
//!   staff-facing Chinese text. No IO, no clock: time and ids are passed in.
//! - [`idcard`]  second-generation ID cards: SAM_V codec, text parser, GB 11643, readers, detection.
//! - [`camera`]  webcam (nokhwa), still file or test pattern; the preview loop on its own thread.
//! - [`face`]    faces: YuNet detection with landmarks, SFace embeddings, in-process (tract).
//! - [`photo`]   the standard photo: crop on the eye line, spec JPEG, quality checks.
//! - [`report`]  documents: CSV, XLSX and PDF (krilla, CJK font subset) made from reports.
//! - [`printing`] CUPS through `lp`, failures explained.
//! - [`keyring`] the data key, held only wrapped (per account and by the recovery key), and the
//!   login counters a closed store needs.
//! - [`store`]   the one SQLite file: the only module with SQL; repositories, typed settings,
//!   the audit chain; writes in `BEGIN IMMEDIATE` transactions.
//! - [`sync`]    the provincial platform: HTTP client, feeds, number blocks, outbox, backoff.
//!   Never imports `desk`.
//! - [`desk`]    the application service: the only place with rules and the only one that
//!   orchestrates; the GUI and `zkctl` both call it and hold no rules of their own.
//! - [`api`]     transport types for the GUI (exported to TypeScript) and `zkctl --json`,
//!   converted from core types at this boundary.
//! - `gui`       (feature `gui`) Tauri commands, events and the sync scheduler: thin adapters over [`desk`].
//!
//! The core never imports `tauri`; only `gui` does (`tests/tests/architecture.rs` checks).

pub mod api;
pub mod camera;
pub mod desk;
pub mod domain;
pub mod face;
pub mod files;
pub mod idcard;
pub mod keyring;
pub mod photo;
pub mod printing;
pub mod report;
pub mod store;
pub mod sync;

#[cfg(feature = "gui")]
pub mod gui;
