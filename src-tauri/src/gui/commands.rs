//! `#[tauri::command]` adapters: unwrap Tauri's state, read the clock, call [`AppState`].
//! Every command takes its arguments as one object named `args` (see `bindings.ts`).

use tauri::State;

use super::AppState;
use crate::api::*;
use crate::desk::Now;
use crate::domain::DeskError;

/// Converts a failure at the boundary: staff get the Chinese message, the log the English detail.
fn fail(e: DeskError) -> ErrorInfo {
    tracing::warn!(code = ?e.code, "{}", e.detail);
    ErrorInfo::from(&e)
}

/// The one place the GUI reads the wall clock; everything below takes time as an argument.
pub(super) fn now() -> Now {
    chrono::Local::now().fixed_offset()
}

#[tauri::command]
pub fn login(state: State<'_, AppState>, args: LoginArgs) -> Result<SessionInfo, ErrorInfo> {
    state.login(args, &now()).map_err(fail)
}

/// True when there is no store yet: the login page offers to create the first supervisor.
#[tauri::command]
pub fn first_run(state: State<'_, AppState>) -> Result<bool, ErrorInfo> {
    state.first_run().map_err(fail)
}

/// The first supervisor: creates the encrypted store and logs them in.
#[tauri::command]
pub fn setup_store(state: State<'_, AppState>, args: NewStaffArgs) -> Result<SessionInfo, ErrorInfo> {
    state.setup(args, &now()).map_err(fail)
}

/// The recovery key made by setup or by the encryption of an older store, once.
#[tauri::command]
pub fn take_recovery_key(state: State<'_, AppState>) -> Option<String> {
    state.take_recovery_key()
}

#[tauri::command]
pub fn logout(state: State<'_, AppState>) -> Result<(), ErrorInfo> {
    state.logout(&now()).map_err(fail)
}

#[tauri::command]
pub fn change_password(state: State<'_, AppState>, args: ChangePasswordArgs) -> Result<SessionInfo, ErrorInfo> {
    state.change_password(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn lock_session(state: State<'_, AppState>) -> Result<SessionInfo, ErrorInfo> {
    state.lock_session(&now()).map_err(fail)
}

#[tauri::command]
pub fn unlock_session(state: State<'_, AppState>, args: UnlockArgs) -> Result<SessionInfo, ErrorInfo> {
    state.unlock_session(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn current_session(state: State<'_, AppState>) -> Option<SessionInfo> {
    state.current_session()
}

#[tauri::command]
pub fn status_bar(state: State<'_, AppState>) -> Result<StatusBar, ErrorInfo> {
    state.status_bar_live().map_err(fail)
}

#[tauri::command]
pub fn staff_list(state: State<'_, AppState>) -> Result<Vec<StaffInfo>, ErrorInfo> {
    state.staff_list().map_err(fail)
}

#[tauri::command]
pub fn staff_add(state: State<'_, AppState>, args: NewStaffArgs) -> Result<StaffInfo, ErrorInfo> {
    state.staff_add(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn staff_disable(state: State<'_, AppState>, args: StaffIdArgs) -> Result<(), ErrorInfo> {
    state.staff_disable(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn sync_now(state: State<'_, AppState>) -> Result<(), ErrorInfo> {
    state.sync_now().map_err(fail)
}

#[tauri::command]
pub fn sync_page(state: State<'_, AppState>) -> Result<SyncPage, ErrorInfo> {
    state.sync_page().map_err(fail)
}

#[tauri::command]
pub fn enroll_station(state: State<'_, AppState>, args: EnrollArgs) -> Result<StationInfo, ErrorInfo> {
    state.enroll_station(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn counter_view(state: State<'_, AppState>) -> Result<CounterView, ErrorInfo> {
    state.counter_view().map_err(fail)
}

/// Runs the photo pipeline (~0.2 s): off the main thread so the window stays responsive.
#[tauri::command]
pub async fn counter_capture(state: State<'_, AppState>) -> Result<CounterView, ErrorInfo> {
    state.counter_capture().map_err(fail)
}

#[tauri::command]
pub fn counter_confirm(state: State<'_, AppState>) -> Result<CounterView, ErrorInfo> {
    state.counter_confirm(&now()).map_err(fail)
}

#[tauri::command]
pub fn counter_cancel(state: State<'_, AppState>) -> Result<CounterView, ErrorInfo> {
    state.counter_cancel().map_err(fail)
}

#[tauri::command]
pub async fn counter_override(state: State<'_, AppState>, args: OverrideArgs) -> Result<CounterView, ErrorInfo> {
    state.counter_override(args, &now()).map_err(fail)
}

#[tauri::command]
pub async fn counter_manual(state: State<'_, AppState>, args: ManualArgs) -> Result<CounterView, ErrorInfo> {
    state.counter_manual(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn counter_attach(state: State<'_, AppState>, args: AttachArgs) -> Result<CounterView, ErrorInfo> {
    state.counter_attach(args).map_err(fail)
}

#[tauri::command]
pub fn counter_search(state: State<'_, AppState>, args: QueryArgs) -> Result<Vec<SearchHit>, ErrorInfo> {
    state.counter_search(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn password_reset(state: State<'_, AppState>) -> Result<ResetSlip, ErrorInfo> {
    state.password_reset(&now()).map_err(fail)
}

#[tauri::command]
pub fn confirmations_today(state: State<'_, AppState>) -> Result<Vec<ConfirmationRow>, ErrorInfo> {
    state.confirmations_today(&now()).map_err(fail)
}

#[tauri::command]
pub fn receipt(state: State<'_, AppState>, args: IdArgs) -> Result<Receipt, ErrorInfo> {
    state.receipt(args).map_err(fail)
}

#[tauri::command]
pub fn sim_swipe(state: State<'_, AppState>, args: IndexArgs) -> Result<(), ErrorInfo> {
    state.sim_swipe(args).map_err(fail)
}

#[tauri::command]
pub fn devices(state: State<'_, AppState>) -> Result<Devices, ErrorInfo> {
    state.devices().map_err(fail)
}

#[tauri::command]
pub fn set_devices(app: tauri::AppHandle, state: State<'_, AppState>, args: DeviceArgs) -> Result<(), ErrorInfo> {
    state.set_devices(args, &now()).map_err(fail)?;
    super::devices::start_reader(&app);
    super::devices::start_camera(&app);
    Ok(())
}

#[tauri::command]
pub fn day_report(state: State<'_, AppState>, args: DayFilter) -> Result<DayReport, ErrorInfo> {
    state.day_report(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn confirmation_detail(state: State<'_, AppState>, args: IdArgs) -> Result<ConfirmationDetail, ErrorInfo> {
    state.confirmation_detail(args).map_err(fail)
}

#[tauri::command]
pub fn signoff(state: State<'_, AppState>, args: SignoffArgs) -> Result<(), ErrorInfo> {
    state.signoff(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn revoke(state: State<'_, AppState>, args: RevokeArgs) -> Result<RevokeResult, ErrorInfo> {
    state.revoke(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn reconcile(state: State<'_, AppState>, args: DateArgs) -> Result<ReconcileReport, ErrorInfo> {
    state.reconcile(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn staff_enable(state: State<'_, AppState>, args: StaffIdArgs) -> Result<(), ErrorInfo> {
    state.staff_enable(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn staff_edit(state: State<'_, AppState>, args: StaffEditArgs) -> Result<StaffInfo, ErrorInfo> {
    state.staff_edit(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn staff_reset_password(state: State<'_, AppState>, args: PasswordResetArgs) -> Result<(), ErrorInfo> {
    state.staff_reset_password(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn blacklist_list(state: State<'_, AppState>) -> Result<Vec<BlacklistEntry>, ErrorInfo> {
    state.blacklist_list().map_err(fail)
}

#[tauri::command]
pub fn blacklist_add(state: State<'_, AppState>, args: BlacklistArgs) -> Result<(), ErrorInfo> {
    state.blacklist_add(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn blacklist_remove(state: State<'_, AppState>, args: BlacklistArgs) -> Result<bool, ErrorInfo> {
    state.blacklist_remove(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn blacklist_remove_entry(state: State<'_, AppState>, args: BlacklistKeyArgs) -> Result<bool, ErrorInfo> {
    state.blacklist_remove_entry(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn settings_show(state: State<'_, AppState>) -> Result<Vec<SettingInfo>, ErrorInfo> {
    state.settings_show().map_err(fail)
}

#[tauri::command]
pub fn settings_set(state: State<'_, AppState>, args: SettingArgs) -> Result<(), ErrorInfo> {
    state.settings_set(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn tasks_list(state: State<'_, AppState>, args: TaskFilter) -> Result<Vec<TaskItem>, ErrorInfo> {
    state.tasks_list(args).map_err(fail)
}

#[tauri::command]
pub fn task_show(state: State<'_, AppState>, args: IdArgs) -> Result<TaskDetail, ErrorInfo> {
    state.task_show(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn task_decide(state: State<'_, AppState>, args: TaskDecideArgs) -> Result<TaskDecided, ErrorInfo> {
    state.task_decide(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn report_range(state: State<'_, AppState>, args: RangeArgs) -> Result<RangeReport, ErrorInfo> {
    state.report_range(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn receipt_by_registration(state: State<'_, AppState>, args: RegistrationIdArgs) -> Result<Receipt, ErrorInfo> {
    state.receipt_by_registration(args).map_err(fail)
}

#[tauri::command]
pub fn print_receipt(state: State<'_, AppState>, args: IdArgs) -> Result<PrintOutcome, ErrorInfo> {
    state.print_receipt(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn printers(state: State<'_, AppState>) -> Result<Vec<String>, ErrorInfo> {
    state.printers().map_err(fail)
}

#[tauri::command]
pub fn print_reset_slip(state: State<'_, AppState>, args: ResetSlip) -> Result<PrintOutcome, ErrorInfo> {
    state.print_reset_slip(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn export_report(state: State<'_, AppState>, args: ExportArgs) -> Result<SavedFile, ErrorInfo> {
    state.export_report(args, &now()).map_err(fail)
}

#[tauri::command]
pub fn ui_settings(state: State<'_, AppState>) -> Result<UiSettings, ErrorInfo> {
    state.ui_settings().map_err(fail)
}
