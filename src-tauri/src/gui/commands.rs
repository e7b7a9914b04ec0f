//! `#[tauri::command]` adapters: unwrap Tauri's state, read the clock, call [`AppState`].
//! Every command takes its arguments as one object named `args` (see `bindings.ts`).

use tauri::State;

use super::AppState;
use crate::api::{EnrollArgs, LoginArgs, NewStaffArgs, SessionInfo, StaffIdArgs, StaffInfo, StationInfo, StatusBar, SyncPage};
use crate::desk::Now;
use crate::domain::DeskError;

/// The one place the GUI reads the wall clock; everything below takes time as an argument.
pub(super) fn now() -> Now {
    chrono::Local::now().fixed_offset()
}

#[tauri::command]
pub fn login(state: State<'_, AppState>, args: LoginArgs) -> Result<SessionInfo, DeskError> {
    state.login(args, &now())
}

#[tauri::command]
pub fn logout(state: State<'_, AppState>) -> Result<(), DeskError> {
    state.logout(&now())
}

#[tauri::command]
pub fn current_session(state: State<'_, AppState>) -> Option<SessionInfo> {
    state.current_session()
}

#[tauri::command]
pub fn status_bar(state: State<'_, AppState>) -> Result<StatusBar, DeskError> {
    state.status_bar()
}

#[tauri::command]
pub fn staff_list(state: State<'_, AppState>) -> Result<Vec<StaffInfo>, DeskError> {
    state.staff_list()
}

#[tauri::command]
pub fn staff_add(state: State<'_, AppState>, args: NewStaffArgs) -> Result<StaffInfo, DeskError> {
    state.staff_add(args, &now())
}

#[tauri::command]
pub fn staff_disable(state: State<'_, AppState>, args: StaffIdArgs) -> Result<(), DeskError> {
    state.staff_disable(args, &now())
}

#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), DeskError> {
    state.sync_now()
}

#[tauri::command]
pub fn sync_page(state: State<'_, AppState>) -> Result<SyncPage, DeskError> {
    state.sync_page()
}

#[tauri::command]
pub fn enroll_station(state: State<'_, AppState>, args: EnrollArgs) -> Result<StationInfo, DeskError> {
    state.enroll_station(args, &now())
}
