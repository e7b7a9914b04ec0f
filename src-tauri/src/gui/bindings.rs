//! Generates `ui/src/bindings.ts` from the Rust transport types and the command table, so the
//! UI never hand-copies an IPC type. A test fails when the checked-in file is stale;
//! `UPDATE_BINDINGS=1 cargo test -p zkdesk bindings` rewrites it.

use ts_rs::{Config, TS};

use crate::api::*;

/// One IPC command: its name, its `args` type (if any) and what it resolves to.
struct Command {
    name: &'static str,
    args: Option<String>,
    returns: String,
}

fn cmd<R: TS>(name: &'static str, cfg: &Config) -> Command {
    Command { name, args: None, returns: R::name(cfg) }
}

fn cmd_args<A: TS, R: TS>(name: &'static str, cfg: &Config) -> Command {
    Command { name, args: Some(A::name(cfg)), returns: R::name(cfg) }
}

/// Must list exactly the handlers registered in `gui::run` (the Tauri build checks the names exist).
fn commands(cfg: &Config) -> Vec<Command> {
    vec![
        cmd_args::<LoginArgs, SessionInfo>("login", cfg),
        cmd::<bool>("first_run", cfg),
        cmd_args::<NewStaffArgs, SessionInfo>("setup_store", cfg),
        cmd::<Option<String>>("take_recovery_key", cfg),
        cmd::<()>("logout", cfg),
        cmd_args::<ChangePasswordArgs, SessionInfo>("change_password", cfg),
        cmd::<Option<SessionInfo>>("current_session", cfg),
        cmd::<SessionInfo>("lock_session", cfg),
        cmd_args::<UnlockArgs, SessionInfo>("unlock_session", cfg),
        cmd::<StatusBar>("status_bar", cfg),
        cmd::<Vec<StaffInfo>>("staff_list", cfg),
        cmd_args::<NewStaffArgs, StaffInfo>("staff_add", cfg),
        cmd_args::<StaffIdArgs, ()>("staff_disable", cfg),
        cmd::<()>("sync_now", cfg),
        cmd::<SyncPage>("sync_page", cfg),
        cmd_args::<EnrollArgs, StationInfo>("enroll_station", cfg),
        cmd::<CounterView>("counter_view", cfg),
        cmd::<CounterView>("counter_capture", cfg),
        cmd::<CounterView>("counter_confirm", cfg),
        cmd::<CounterView>("counter_cancel", cfg),
        cmd_args::<OverrideArgs, CounterView>("counter_override", cfg),
        cmd_args::<ManualArgs, CounterView>("counter_manual", cfg),
        cmd_args::<AttachArgs, CounterView>("counter_attach", cfg),
        cmd_args::<QueryArgs, Vec<SearchHit>>("counter_search", cfg),
        cmd::<ResetSlip>("password_reset", cfg),
        cmd::<Vec<ConfirmationRow>>("confirmations_today", cfg),
        cmd_args::<IdArgs, Receipt>("receipt", cfg),
        cmd_args::<IndexArgs, ()>("sim_swipe", cfg),
        cmd::<Devices>("devices", cfg),
        cmd_args::<DeviceArgs, ()>("set_devices", cfg),
        cmd_args::<DayFilter, DayReport>("day_report", cfg),
        cmd_args::<IdArgs, ConfirmationDetail>("confirmation_detail", cfg),
        cmd_args::<SignoffArgs, ()>("signoff", cfg),
        cmd_args::<RevokeArgs, RevokeResult>("revoke", cfg),
        cmd_args::<DateArgs, ReconcileReport>("reconcile", cfg),
        cmd_args::<StaffIdArgs, ()>("staff_enable", cfg),
        cmd_args::<StaffEditArgs, StaffInfo>("staff_edit", cfg),
        cmd_args::<PasswordResetArgs, ()>("staff_reset_password", cfg),
        cmd::<Vec<BlacklistEntry>>("blacklist_list", cfg),
        cmd_args::<BlacklistArgs, ()>("blacklist_add", cfg),
        cmd_args::<BlacklistArgs, bool>("blacklist_remove", cfg),
        cmd_args::<BlacklistKeyArgs, bool>("blacklist_remove_entry", cfg),
        cmd::<Vec<SettingInfo>>("settings_show", cfg),
        cmd_args::<SettingArgs, ()>("settings_set", cfg),
        cmd_args::<TaskFilter, Vec<TaskItem>>("tasks_list", cfg),
        cmd_args::<IdArgs, TaskDetail>("task_show", cfg),
        cmd_args::<TaskDecideArgs, TaskDecided>("task_decide", cfg),
        cmd_args::<RangeArgs, RangeReport>("report_range", cfg),
        cmd_args::<RegistrationIdArgs, Receipt>("receipt_by_registration", cfg),
        cmd_args::<IdArgs, PrintOutcome>("print_receipt", cfg),
        cmd::<Vec<String>>("printers", cfg),
        cmd_args::<ResetSlip, PrintOutcome>("print_reset_slip", cfg),
        cmd_args::<ExportArgs, SavedFile>("export_report", cfg),
        cmd::<UiSettings>("ui_settings", cfg),
    ]
}

/// Only `api` types: the IPC surface is owned there, never by a core type.
fn declarations(cfg: &Config) -> Vec<String> {
    vec![
        ErrorInfo::decl(cfg),
        Role::decl(cfg),
        StageName::decl(cfg),
        CardSourceName::decl(cfg),
        FlagName::decl(cfg),
        ConfirmationStateName::decl(cfg),
        LocalStatusName::decl(cfg),
        CheckResult::decl(cfg),
        FaceBandName::decl(cfg),
        TaskKind::decl(cfg),
        TaskStatus::decl(cfg),
        DecisionName::decl(cfg),
        DecisionState::decl(cfg),
        RevocationState::decl(cfg),
        OutboxKindName::decl(cfg),
        ReaderKindName::decl(cfg),
        SyncPhase::decl(cfg),
        RefusalCodeName::decl(cfg),
        ExportFormatName::decl(cfg),
        LoginArgs::decl(cfg),
        SessionInfo::decl(cfg),
        ChangePasswordArgs::decl(cfg),
        UnlockArgs::decl(cfg),
        StaffInfo::decl(cfg),
        NewStaffArgs::decl(cfg),
        StaffIdArgs::decl(cfg),
        Health::decl(cfg),
        Indicator::decl(cfg),
        StatusBar::decl(cfg),
        StatusReport::decl(cfg),
        AuditReport::decl(cfg),
        StationInfo::decl(cfg),
        EnrollArgs::decl(cfg),
        ParkedItem::decl(cfg),
        SyncPage::decl(cfg),
        SyncProgress::decl(cfg),
        SyncReport::decl(cfg),
        SyncEvent::decl(cfg),
        ReaderNotice::decl(cfg),
        CardInfo::decl(cfg),
        MajorInfo::decl(cfg),
        RegistrationInfo::decl(cfg),
        Refusal::decl(cfg),
        PhotoCheck::decl(cfg),
        PhotoInfo::decl(cfg),
        Receipt::decl(cfg),
        SameFaceAlert::decl(cfg),
        CounterView::decl(cfg),
        SearchHit::decl(cfg),
        ConfirmationRow::decl(cfg),
        LookupItem::decl(cfg),
        ResetSlip::decl(cfg),
        OverrideArgs::decl(cfg),
        ManualArgs::decl(cfg),
        AttachArgs::decl(cfg),
        QueryArgs::decl(cfg),
        IdArgs::decl(cfg),
        IndexArgs::decl(cfg),
        SimCard::decl(cfg),
        CameraInfo::decl(cfg),
        Devices::decl(cfg),
        DeviceArgs::decl(cfg),
        ReaderInfo::decl(cfg),
        DayFilter::decl(cfg),
        EntryStatus::decl(cfg),
        EntrySync::decl(cfg),
        DayEntry::decl(cfg),
        DayTotals::decl(cfg),
        DayReport::decl(cfg),
        AuditLine::decl(cfg),
        ConfirmationDetail::decl(cfg),
        SignoffArgs::decl(cfg),
        RevokeArgs::decl(cfg),
        RevokeResult::decl(cfg),
        StatusDiff::decl(cfg),
        ReconcileReport::decl(cfg),
        BlacklistEntry::decl(cfg),
        BlacklistKeyArgs::decl(cfg),
        BlacklistArgs::decl(cfg),
        StaffEditArgs::decl(cfg),
        PasswordResetArgs::decl(cfg),
        SettingInfo::decl(cfg),
        SettingArgs::decl(cfg),
        DateArgs::decl(cfg),
        TaskDecisionInfo::decl(cfg),
        TaskItem::decl(cfg),
        TaskDocument::decl(cfg),
        DeclaredEducation::decl(cfg),
        ReasonOption::decl(cfg),
        TaskDetail::decl(cfg),
        TaskFilter::decl(cfg),
        TaskDecideArgs::decl(cfg),
        TaskDecided::decl(cfg),
        DayStats::decl(cfg),
        RangeReport::decl(cfg),
        RangeArgs::decl(cfg),
        RegistrationIdArgs::decl(cfg),
        PrintOutcome::decl(cfg),
        ExportArgs::decl(cfg),
        SavedFile::decl(cfg),
        UiSettings::decl(cfg),
    ]
}

/// The full text of `ui/src/bindings.ts`.
pub fn render() -> String {
    // JSON carries i64 as a plain number; our counts never approach 2^53.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated by src-tauri/src/gui/bindings.rs — do not edit.\n\
         // Regenerate: UPDATE_BINDINGS=1 cargo test -p zkdesk bindings\n\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for d in declarations(&cfg) {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.push_str("/** Every IPC command; a rejected promise carries a DeskError. */\nexport const commands = {\n");
    for c in commands(&cfg) {
        let returns = if c.returns == "null" { "void".to_string() } else { c.returns.clone() };
        match &c.args {
            Some(a) => {
                out.push_str(&format!("  {name}: (args: {a}): Promise<{returns}> => invoke(\"{name}\", {{ args }}),\n", name = c.name))
            }
            None => out.push_str(&format!("  {name}: (): Promise<{returns}> => invoke(\"{name}\"),\n", name = c.name)),
        }
    }
    out.push_str("};\n\n");
    out.push_str(&format!(
        "/** Tauri event names. */\nexport const events = {{ sync: \"{}\", counter: \"{}\", reader: \"{}\" }} as const;\n",
        super::SYNC_EVENT,
        super::devices::COUNTER_EVENT,
        super::devices::READER_EVENT
    ));
    out.push_str(&format!(
        "/** The URL of the latest camera preview frame (a JPEG body). */\nexport const previewScheme = \"{}\";\n",
        super::PREVIEW_SCHEME
    ));
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn bindings_are_fresh() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let fresh = super::render();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(current == fresh, "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p zkdesk bindings` and commit it");
    }
}
