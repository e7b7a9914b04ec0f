//! The Tauri shell. Invariant: thin — each command takes the session from [`AppState`],
//! calls [`crate::desk`], and returns transport types; no business rules live here.

pub mod bindings;
mod commands;
mod state;

use std::path::PathBuf;

use tauri::{Emitter, Manager};

pub use state::AppState;

/// The event carrying [`crate::sync::scheduler::SyncEvent`]s to the UI.
pub const SYNC_EVENT: &str = "sync-status";

pub struct Options {
    pub data_dir: Option<PathBuf>,
}

pub fn run(context: tauri::Context<tauri::Wry>, options: Options) {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_env("ZKDESK_LOG")).init();
    let result = tauri::Builder::default()
        .setup(move |app| {
            let dir = match options.data_dir.clone() {
                Some(d) => d,
                None => app.path().app_data_dir()?,
            };
            tracing::info!(data_dir = %dir.display(), "opening store");
            let desk = crate::desk::Desk::open(&dir).map_err(|e| format!("{} ({})", e.message, e.detail))?;
            let state = AppState::new(desk);
            let handle = app.handle().clone();
            state.attach_scheduler(crate::sync::scheduler::Scheduler::start(dir, commands::now, move |e| {
                if let Err(err) = handle.emit(SYNC_EVENT, &e) {
                    tracing::warn!("cannot emit sync event: {err}");
                }
            }));
            app.manage(state);
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::login,
            commands::logout,
            commands::current_session,
            commands::status_bar,
            commands::staff_list,
            commands::staff_add,
            commands::staff_disable,
            commands::sync_now,
            commands::sync_page,
            commands::enroll_station,
        ])
        .run(context);
    if let Err(e) = result {
        tracing::error!("zkdesk failed: {e}");
        std::process::exit(1);
    }
}
