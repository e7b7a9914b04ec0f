//! `#[tauri::command]` adapters: unwrap Tauri's state, read the clock, call [`AppState`].
//! Every command takes its arguments as one object named `args` (see `bindings.ts`).

use tauri::State;

use super::AppState;
use crate::api::*;
use crate::desk::Now;
use crate::domain::registration::Registration;
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
    state.status_bar_live()
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

#[tauri::command]
pub fn counter_view(state: State<'_, AppState>) -> Result<CounterView, DeskError> {
    state.counter_view()
}

/// Runs the photo pipeline (~0.2 s): off the main thread so the window stays responsive.
#[tauri::command]
pub async fn counter_capture(state: State<'_, AppState>) -> Result<CounterView, DeskError> {
    state.counter_capture()
}

#[tauri::command]
pub fn counter_confirm(state: State<'_, AppState>) -> Result<CounterView, DeskError> {
    state.counter_confirm(&now())
}

#[tauri::command]
pub fn counter_cancel(state: State<'_, AppState>) -> Result<CounterView, DeskError> {
    state.counter_cancel()
}

#[tauri::command]
pub async fn counter_override(state: State<'_, AppState>, args: OverrideArgs) -> Result<CounterView, DeskError> {
    state.counter_override(args, &now())
}

#[tauri::command]
pub async fn counter_manual(state: State<'_, AppState>, args: ManualArgs) -> Result<CounterView, DeskError> {
    state.counter_manual(args, &now())
}

#[tauri::command]
pub fn counter_attach(state: State<'_, AppState>, args: AttachArgs) -> Result<CounterView, DeskError> {
    state.counter_attach(args)
}

#[tauri::command]
pub fn counter_search(state: State<'_, AppState>, args: QueryArgs) -> Result<Vec<Registration>, DeskError> {
    state.counter_search(args, &now())
}

#[tauri::command]
pub fn password_reset(state: State<'_, AppState>) -> Result<ResetSlip, DeskError> {
    state.password_reset(&now())
}

#[tauri::command]
pub fn confirmations_today(state: State<'_, AppState>) -> Result<Vec<ConfirmationRow>, DeskError> {
    state.confirmations_today(&now())
}

#[tauri::command]
pub fn receipt(state: State<'_, AppState>, args: IdArgs) -> Result<Receipt, DeskError> {
    state.receipt(args)
}

#[tauri::command]
pub fn sim_swipe(state: State<'_, AppState>, args: IndexArgs) -> Result<(), DeskError> {
    state.sim_swipe(args)
}

#[tauri::command]
pub fn devices(state: State<'_, AppState>) -> Result<Devices, DeskError> {
    state.devices()
}

#[tauri::command]
pub fn set_devices(app: tauri::AppHandle, state: State<'_, AppState>, args: DeviceArgs) -> Result<(), DeskError> {
    state.set_devices(args)?;
    super::devices::start_reader(&app);
    super::devices::start_camera(&app);
    Ok(())
}
