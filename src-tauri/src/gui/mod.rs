//! The Tauri shell. Invariant: thin — each command takes the session from [`AppState`],
//! calls [`crate::desk`], and returns transport types; no business rules live here.

pub mod bindings;
mod commands;
mod devices;
pub mod scheduler;
mod state;

use std::path::PathBuf;

use tauri::{Emitter, Manager};

pub use state::AppState;

/// The event carrying [`crate::api::SyncEvent`]s to the UI.
pub const SYNC_EVENT: &str = "sync-status";

pub struct Options {
    pub data_dir: Option<PathBuf>,
    /// Overrides the stored reader choice (`serial:…`, `pcsc[:NAME]`, `sim:FILE`).
    pub reader: Option<String>,
    /// Overrides the stored camera choice (`webcam[:N]`, `file:PATH`, `pattern`).
    pub camera: Option<String>,
}

/// The URI scheme serving the latest preview frame: `zkcam://localhost/frame`.
pub const PREVIEW_SCHEME: &str = "zkcam";

pub fn run(context: tauri::Context<tauri::Wry>, options: Options) {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_env("ZKDESK_LOG")).init();
    let result = tauri::Builder::default()
        .setup(move |app| {
            let dir = match options.data_dir.clone() {
                Some(d) => d,
                None => app.path().app_data_dir()?,
            };
            tracing::info!(data_dir = %dir.display(), "opening store");
            // The store is encrypted: it opens at the first login, and what needs it (sync, the
            // device choice stored in its settings) starts then.
            let state = AppState::closed(dir.clone());
            let handle = app.handle().clone();
            let (reader, camera) = (options.reader.clone(), options.camera.clone());
            state.on_open(move |key| {
                let emitter = handle.clone();
                let state = handle.state::<AppState>();
                state.attach_scheduler(scheduler::Scheduler::start(dir, key.clone(), commands::now, move |e| {
                    if let Err(err) = emitter.emit(SYNC_EVENT, &e) {
                        tracing::warn!("cannot emit sync event: {err}");
                    }
                }));
                state.init_devices(reader, camera);
                devices::start_reader(&handle);
                devices::start_camera(&handle);
            });
            app.manage(state);
            Ok(())
        })
        // Asynchronous: the JPEG is made off the GTK main thread, so a frame being encoded never
        // holds up the window. Served as a plain image body to <img>: no CORS header is sent (the
        // page displays the frame and never reads its pixels).
        .register_asynchronous_uri_scheme_protocol(PREVIEW_SCHEME, |ctx, _req, responder| {
            let app = ctx.app_handle().clone();
            tauri::async_runtime::spawn_blocking(move || {
                let frame = app.state::<AppState>().preview_jpeg();
                let builder = tauri::http::Response::builder().header("cache-control", "no-store");
                let response = match frame {
                    Some(jpeg) => builder.header("content-type", "image/jpeg").body(jpeg.as_ref().clone()),
                    None => builder.status(204).body(Vec::new()),
                }
                .expect("static response parts are valid");
                responder.respond(response);
            });
        })
        .invoke_handler(tauri::generate_handler![
            commands::login,
            commands::first_run,
            commands::setup_store,
            commands::take_recovery_key,
            commands::logout,
            commands::change_password,
            commands::current_session,
            commands::lock_session,
            commands::unlock_session,
            commands::status_bar,
            commands::staff_list,
            commands::staff_add,
            commands::staff_disable,
            commands::sync_now,
            commands::sync_page,
            commands::enroll_station,
            commands::counter_view,
            commands::counter_capture,
            commands::counter_confirm,
            commands::counter_cancel,
            commands::counter_override,
            commands::counter_manual,
            commands::counter_attach,
            commands::counter_search,
            commands::password_reset,
            commands::confirmations_today,
            commands::receipt,
            commands::sim_swipe,
            commands::devices,
            commands::set_devices,
            commands::day_report,
            commands::confirmation_detail,
            commands::signoff,
            commands::revoke,
            commands::reconcile,
            commands::staff_enable,
            commands::staff_edit,
            commands::staff_reset_password,
            commands::blacklist_list,
            commands::blacklist_add,
            commands::blacklist_remove,
            commands::blacklist_remove_entry,
            commands::settings_show,
            commands::settings_set,
            commands::tasks_list,
            commands::task_show,
            commands::task_decide,
            commands::report_range,
            commands::receipt_by_registration,
            commands::print_receipt,
            commands::printers,
            commands::print_reset_slip,
            commands::export_report,
            commands::ui_settings,
        ])
        .run(context);
    if let Err(e) = result {
        tracing::error!("zkdesk failed: {e}");
        std::process::exit(1);
    }
}
