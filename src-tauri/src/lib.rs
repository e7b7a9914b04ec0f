//! zkdesk — 自考现场确认工作站, the core.
//!
//! Map of the modules, bottom up (each states its invariant in its own doc comment):
//!
//! - [`domain`]  types and rules, pure: roles, id numbers, errors with staff-facing Chinese text.
//!   No IO, no clock: time and ids are passed in.
//! - [`idcard`]  second-generation ID cards: SAM_V codec, text parser, GB 11643, readers.
//! - [`camera`]  webcam (nokhwa), still file or test pattern; the preview loop on its own thread.
//! - [`photo`]   the standard photo: face box, crop, spec JPEG, quality checks.
//! - [`store`]   the one SQLite file: open, migrations, repositories, the audit chain.
//! - [`sync`]    the provincial platform: HTTP client, feeds, number blocks, outbox, backoff.
//! - [`desk`]    the application service: the only place that orchestrates; the GUI and `zkctl`
//!   both call it and hold no rules of their own.
//! - [`api`]     transport types shared by the GUI (exported to TypeScript) and `zkctl --json`.
//! - `gui`       (feature `gui`) Tauri commands and events: thin adapters over [`desk`].
//!
//! The core never imports `tauri`; only `gui` does.

pub mod api;
pub mod camera;
pub mod desk;
pub mod domain;
pub mod idcard;
pub mod photo;
pub mod store;
pub mod sync;

#[cfg(feature = "gui")]
pub mod gui;
