//! Starts the card reader and the camera the settings name, and forwards reader events: a read
//! card goes to the counter session at once and the new view to the UI.

use tauri::{AppHandle, Emitter, Manager};

use super::AppState;
use crate::camera::{preview::Preview, CameraSpec};
use crate::idcard::reader::{self, ReaderEvent, ReaderSpec};

pub const COUNTER_EVENT: &str = "counter";
pub const READER_EVENT: &str = "reader";

/// (Re)starts the reader named in the settings; its events are handled on a forwarding thread.
pub fn start_reader(app: &AppHandle) {
    let state = app.state::<AppState>();
    let spec_text = state.reader_spec();
    let spec = match ReaderSpec::parse(&spec_text) {
        Ok(s) => s,
        Err(e) => {
            state.set_reader_status(false, &format!("读卡器设置无效：{e}"));
            return;
        }
    };
    let handle = match reader::spawn(&spec) {
        Ok(h) => h,
        Err(e) => {
            state.set_reader_status(false, "读卡器无法启动");
            tracing::warn!("reader {spec_text}: {e}");
            return;
        }
    };
    // The forwarding thread owns the receiver; the handle (and the stop flag) stays in the state.
    let (handle, events) = handle.split();
    state.set_reader(handle, matches!(spec, ReaderSpec::Sim { .. }).then(|| spec_text.trim_start_matches("sim:").to_string()));
    state.set_reader_status(true, "读卡器就绪");
    let app = app.clone();
    std::thread::Builder::new()
        .name("reader-events".into())
        .spawn(move || {
            for e in events.iter() {
                let state = app.state::<AppState>();
                match &e {
                    ReaderEvent::CardRead { card } => {
                        if let Some(view) = state.card_read((**card).clone(), &super::commands::now()) {
                            let _ = app.emit(COUNTER_EVENT, &view);
                        }
                    }
                    ReaderEvent::ReaderLost { message, .. } => state.set_reader_status(false, message),
                    ReaderEvent::ReaderBack => state.set_reader_status(true, "读卡器就绪"),
                    _ => {}
                }
                let _ = app.emit(READER_EVENT, crate::api::ReaderNotice::from(&e));
            }
        })
        .expect("spawn reader-events thread");
}

pub fn start_camera(app: &AppHandle) {
    let state = app.state::<AppState>();
    match CameraSpec::parse(&state.camera_spec()) {
        Ok(spec) => state.set_camera(Preview::start(spec)),
        Err(e) => tracing::warn!("camera setting: {e}"),
    }
}
