//! The command layer: what each IPC command does, over plain Rust types so it is testable
//! without a window. It holds the session and the devices, calls one `desk` function per
//! command, and converts the answer into `api` types. Rules and authorization live in `desk`.

use std::sync::Mutex;

use super::scheduler::Scheduler;
use crate::api::*;
use crate::camera::preview::Preview;
use crate::desk::counter::{CardSource, CounterSession};
use crate::desk::{Actor, DeviceChoice, Desk, Now, Session, StoreState, Unlocked};
use crate::keyring::DataKey;
use crate::domain::{DeskError, ErrorCode};
use crate::idcard::reader::ReaderHandle;
use crate::idcard::IdentityCard;

pub struct AppState {
    /// The data directory; the store in it opens at the first login (its key is unwrapped by a
    /// password) and stays open, with the key in memory, for the app's life.
    dir: std::path::PathBuf,
    desk: Mutex<Option<Desk>>,
    /// Made by the first supervisor's setup or by the encryption of a plaintext store: shown once.
    recovery_key: Mutex<Option<String>>,
    /// Runs once, when the store first opens: the scheduler and the devices start with its key.
    on_open: Mutex<Option<OnOpen>>,
    session: Mutex<Option<Session>>,
    sync: Mutex<Option<Scheduler>>,
    counter: CounterState,
}

type OnOpen = Box<dyn FnOnce(&DataKey) + Send>;

/// The open desk, borrowed for one command.
struct DeskGuard<'a>(std::sync::MutexGuard<'a, Option<Desk>>);

impl std::ops::Deref for DeskGuard<'_> {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        self.0.as_ref().expect("checked when the guard was made")
    }
}

fn not_logged_in() -> DeskError {
    DeskError::new(ErrorCode::NotLoggedIn, "请先登录", "no session")
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding a lock leaves SQLite consistent (transactions roll back), so keep going.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Puts an opened desk in place; its session, recovery key and key for [`AppState::opened`].
trait InsertUnlocked {
    fn insert_unlocked(&mut self, u: Unlocked) -> (Session, Option<String>, Option<DataKey>);
}

impl InsertUnlocked for std::sync::MutexGuard<'_, Option<Desk>> {
    fn insert_unlocked(&mut self, u: Unlocked) -> (Session, Option<String>, Option<DataKey>) {
        let key = u.desk.data_key().cloned();
        **self = Some(u.desk);
        (u.session, u.recovery_key, key)
    }
}

/// Devices and the counter session: what the counter screen works on.
#[derive(Default)]
struct CounterState {
    session: Mutex<CounterSession>,
    reader: Mutex<Option<ReaderHandle>>,
    sim_file: Mutex<Option<String>>,
    reader_status: Mutex<Option<(bool, String)>>,
    camera: Mutex<Option<Preview>>,
    choice: Mutex<Option<DeviceChoice>>,
}

impl AppState {
    /// Over a store already open (tests).
    pub fn new(desk: Desk) -> Self {
        let dir = desk.data_dir().to_path_buf();
        Self::with(dir, Some(desk))
    }

    /// The app at start: nothing is open until someone logs in.
    pub fn closed(dir: std::path::PathBuf) -> Self {
        Self::with(dir, None)
    }

    fn with(dir: std::path::PathBuf, desk: Option<Desk>) -> Self {
        Self {
            dir,
            desk: Mutex::new(desk),
            recovery_key: Mutex::default(),
            on_open: Mutex::default(),
            session: Mutex::default(),
            sync: Mutex::default(),
            counter: CounterState::default(),
        }
    }

    /// What to start once the store is open (given its key).
    pub fn on_open(&self, f: impl FnOnce(&DataKey) + Send + 'static) {
        *lock(&self.on_open) = Some(Box::new(f));
    }

    /// True when the data directory has no store yet: the login page offers to create the first
    /// supervisor (and with it the store and its key).
    pub fn first_run(&self) -> Result<bool, DeskError> {
        if lock(&self.desk).is_some() {
            return Ok(false);
        }
        Ok(crate::desk::store_state(&self.dir)? == StoreState::Empty)
    }

    /// The first supervisor on an empty data directory: creates the store; logs them in.
    pub fn setup(&self, args: NewStaffArgs, now: &Now) -> Result<SessionInfo, DeskError> {
        let mut g = lock(&self.desk);
        if g.is_some() {
            return Err(DeskError::new(ErrorCode::Conflict, "本工作站已有数据库，请登录", "setup with the store open"));
        }
        let u = Desk::create(&self.dir, &args, now)?;
        let parts = g.insert_unlocked(u);
        drop(g);
        Ok((&self.opened(parts)).into())
    }

    /// The recovery key made by the last setup or encryption, once; `None` afterwards.
    pub fn take_recovery_key(&self) -> Option<String> {
        lock(&self.recovery_key).take()
    }

    /// Keeps the session and the recovery key, and starts what waits for the open store.
    fn opened(&self, (session, recovery, key): (Session, Option<String>, Option<DataKey>)) -> Session {
        *lock(&self.session) = Some(session.clone());
        if recovery.is_some() {
            *lock(&self.recovery_key) = recovery;
        }
        if let (Some(key), Some(f)) = (key, lock(&self.on_open).take()) {
            f(&key);
        }
        session
    }

    /// Background sync; without one (tests), sync requests are ignored.
    pub fn attach_scheduler(&self, s: Scheduler) {
        *lock(&self.sync) = Some(s);
    }

    fn trigger_sync(&self, force: bool) {
        if let Some(s) = lock(&self.sync).as_ref() {
            s.trigger(force);
        }
    }

    fn desk(&self) -> Result<DeskGuard<'_>, DeskError> {
        let g = lock(&self.desk);
        if g.is_none() {
            return Err(not_logged_in());
        }
        Ok(DeskGuard(g))
    }

    /// The session every command acts for: there must be one, and desk must find it unlocked.
    fn session(&self) -> Result<Session, DeskError> {
        let s = self.held_session()?;
        s.require_unlocked()?;
        Ok(s)
    }

    /// The session held, locked or not (for the lock itself, unlocking and logging out).
    fn held_session(&self) -> Result<Session, DeskError> {
        lock(&self.session).clone().ok_or_else(not_logged_in)
    }

    fn counter_view_now(&self) -> CounterView {
        (&lock(&self.counter.session).view()).into()
    }

    /// The first login opens the store (the password unwraps its key; a plaintext store of an
    /// earlier version is encrypted when a supervisor logs in); later ones check the account.
    pub fn login(&self, args: LoginArgs, now: &Now) -> Result<SessionInfo, DeskError> {
        let mut g = lock(&self.desk);
        let Some(desk) = g.as_ref() else {
            let u = Desk::unlock(&self.dir, args.staff_id.trim(), &args.password, now)?;
            let parts = g.insert_unlocked(u);
            drop(g);
            return Ok((&self.opened(parts)).into());
        };
        let s = desk.login(args.staff_id.trim(), &args.password, now)?;
        drop(g);
        // A login replacing a held session (the UI never offers one over the lock) starts with
        // an empty counter, so nobody sees a candidate taken in by someone else.
        if lock(&self.session).replace(s.clone()).is_some() {
            *lock(&self.counter.session) = CounterSession::new();
        }
        Ok((&s).into())
    }

    /// The idle lock: the session and the counter's candidate stay as they are, hidden, and
    /// desk refuses everything for the session until it is unlocked. Sync goes on.
    pub fn lock_session(&self, now: &Now) -> Result<SessionInfo, DeskError> {
        let s = self.held_session()?;
        let locked = self.desk()?.lock(&s, now)?;
        *lock(&self.session) = Some(locked.clone());
        Ok((&locked).into())
    }

    /// Unlocks with the session's own password or a supervisor's credentials (desk decides).
    pub fn unlock_session(&self, args: UnlockArgs, now: &Now) -> Result<SessionInfo, DeskError> {
        let s = self.held_session()?;
        let open = self.desk()?.unlock_session(&s, &args.staff_id, &args.password, now)?;
        *lock(&self.session) = Some(open.clone());
        Ok((&open).into())
    }

    /// The password change a reset forces; the session it returns is free to work.
    pub fn change_password(&self, args: ChangePasswordArgs, now: &Now) -> Result<SessionInfo, DeskError> {
        let s = self.session()?;
        let changed = self.desk()?.change_password(&s, &args.old_password, &args.new_password, now)?;
        *lock(&self.session) = Some(changed.clone());
        Ok((&changed).into())
    }

    /// Ends the session; the next person starts with an empty counter.
    /// Desk refuses to log out a locked session: only unlocking leads away from the lock.
    pub fn logout(&self, now: &Now) -> Result<(), DeskError> {
        let held = lock(&self.session).clone();
        if let Some(s) = &held {
            self.desk()?.logout(s, now)?;
        }
        *lock(&self.session) = None;
        *lock(&self.counter.session) = CounterSession::new();
        Ok(())
    }

    pub fn current_session(&self) -> Option<SessionInfo> {
        self.held_session().ok().map(|s| (&s).into())
    }

    pub fn status_bar(&self) -> Result<StatusBar, DeskError> {
        self.session()?;
        self.desk()?.status_bar()
    }

    pub fn staff_list(&self) -> Result<Vec<StaffInfo>, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.staff_list(&actor)
    }

    pub fn staff_add(&self, args: NewStaffArgs, now: &Now) -> Result<StaffInfo, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.staff_add(&actor, &args, now)
    }

    pub fn staff_disable(&self, args: StaffIdArgs, now: &Now) -> Result<(), DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.staff_disable(&actor, &args.staff_id, now)
    }

    pub fn sync_now(&self) -> Result<(), DeskError> {
        self.session()?;
        self.trigger_sync(true);
        Ok(())
    }

    pub fn sync_page(&self) -> Result<SyncPage, DeskError> {
        self.session()?;
        self.desk()?.sync_page()
    }

    pub fn enroll_station(&self, args: EnrollArgs, now: &Now) -> Result<StationInfo, DeskError> {
        let actor = Actor::Staff(self.session()?);
        let info = self.desk()?.enroll_station(&actor, &args.server_url, &args.code, &args.device_name, now)?;
        self.trigger_sync(true);
        Ok(info)
    }
}

impl AppState {
    /// The device choice: command-line arguments win over the stored settings.
    pub fn init_devices(&self, reader: Option<String>, camera: Option<String>) {
        let choice = self.desk().and_then(|d| d.device_choice(reader.clone(), camera.clone())).unwrap_or_else(|e| {
            tracing::warn!("device settings unreadable, using defaults: {}", e.detail);
            DeviceChoice {
                reader: reader.unwrap_or_else(|| crate::desk::DEFAULT_READER.into()),
                camera: camera.unwrap_or_else(|| crate::desk::DEFAULT_CAMERA.into()),
            }
        });
        *lock(&self.counter.choice) = Some(choice);
    }

    fn choice(&self) -> DeviceChoice {
        lock(&self.counter.choice).clone().unwrap_or_else(|| DeviceChoice {
            reader: crate::desk::DEFAULT_READER.into(),
            camera: crate::desk::DEFAULT_CAMERA.into(),
        })
    }

    pub fn reader_spec(&self) -> String {
        self.choice().reader
    }

    pub fn camera_spec(&self) -> String {
        self.choice().camera
    }

    pub fn set_reader(&self, h: ReaderHandle, sim_file: Option<String>) {
        *lock(&self.counter.reader) = Some(h);
        *lock(&self.counter.sim_file) = sim_file;
    }

    pub fn set_reader_status(&self, ok: bool, message: &str) {
        *lock(&self.counter.reader_status) = Some((ok, message.to_string()));
    }

    pub fn set_camera(&self, p: Preview) {
        *lock(&self.counter.camera) = Some(p);
    }

    /// The latest preview frame as JPEG (served to the UI as a binary body).
    pub fn preview_jpeg(&self) -> Option<std::sync::Arc<Vec<u8>>> {
        lock(&self.counter.camera).as_ref().and_then(|p| p.jpeg())
    }

    /// The status bar, with the devices' live state.
    pub fn status_bar_live(&self) -> Result<StatusBar, DeskError> {
        let mut bar = self.status_bar()?;
        if let Some((ok, msg)) = lock(&self.counter.reader_status).clone() {
            bar.reader = Indicator { health: if ok { Health::Ok } else { Health::Down }, label: format!("读卡器：{msg}") };
        }
        if let Some(c) = lock(&self.counter.camera).as_ref().map(|p| p.state()) {
            bar.camera = Indicator { health: if c.ok { Health::Ok } else { Health::Down }, label: format!("摄像头：{}", c.message) };
        }
        Ok(bar)
    }

    /// A card from the reader: into the counter session at once. Ignored while nobody is logged in
    /// or the screen is locked (the candidate behind the lock stays).
    pub fn card_read(&self, card: IdentityCard, now: &Now) -> Option<CounterView> {
        let staff = match self.session() {
            Ok(s) => s,
            Err(e) => {
                tracing::info!("card read ignored: {}", e.detail);
                return None;
            }
        };
        let mut s = lock(&self.counter.session);
        if let Err(e) = self.desk().and_then(|d| d.counter_card(&mut s, &staff, card, CardSource::Chip, now)) {
            tracing::warn!("card read: {}", e.detail);
            s.set_notice(e.message);
        }
        Some((&s.view()).into())
    }

    pub fn counter_view(&self) -> Result<CounterView, DeskError> {
        self.session()?;
        Ok(self.counter_view_now())
    }

    /// Freezes the current frame and runs it through the photo pipeline.
    pub fn counter_capture(&self) -> Result<CounterView, DeskError> {
        self.session()?;
        let frame = lock(&self.counter.camera)
            .as_ref()
            .and_then(|p| p.capture())
            .ok_or_else(|| DeskError::new(ErrorCode::InvalidInput, "摄像头没有画面，请检查摄像头", "no camera frame to capture"))?;
        let mut s = lock(&self.counter.session);
        self.desk()?.counter_capture(&mut s, &image::DynamicImage::ImageRgb8((*frame).clone()))?;
        Ok((&s.view()).into())
    }

    pub fn counter_confirm(&self, now: &Now) -> Result<CounterView, DeskError> {
        let staff = self.session()?;
        {
            let mut s = lock(&self.counter.session);
            self.desk()?.counter_confirm(&mut s, &staff, &uuid::Uuid::now_v7().to_string(), now)?;
        }
        self.trigger_sync(false);
        Ok(self.counter_view_now())
    }

    pub fn counter_cancel(&self) -> Result<CounterView, DeskError> {
        self.session()?;
        *lock(&self.counter.session) = CounterSession::new();
        Ok(self.counter_view_now())
    }

    pub fn counter_override(&self, a: OverrideArgs, now: &Now) -> Result<CounterView, DeskError> {
        self.session()?;
        let flag = crate::domain::confirmation::Flag::ALL
            .into_iter()
            .find(|f| FlagName::from(*f) == a.flag)
            .expect("every transport flag names a core flag");
        let mut s = lock(&self.counter.session);
        self.desk()?.counter_override(&mut s, flag, &a.supervisor_id, &a.password, now)?;
        Ok((&s.view()).into())
    }

    pub fn counter_manual(&self, a: ManualArgs, now: &Now) -> Result<CounterView, DeskError> {
        let staff = self.session()?;
        let mut s = lock(&self.counter.session);
        let d = self.desk()?;
        match a.registration_id.as_deref().filter(|r| !r.is_empty()) {
            Some(reg) => d.counter_manual_registration(&mut s, &staff, reg, &a.supervisor_id, &a.password, now)?,
            None => d.counter_manual(&mut s, &staff, &a.id_number, &a.supervisor_id, &a.password, now)?,
        }
        Ok((&s.view()).into())
    }

    pub fn counter_attach(&self, a: AttachArgs) -> Result<CounterView, DeskError> {
        use base64::Engine;
        self.session()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.content_base64.as_bytes())
            .map_err(|e| DeskError::invalid("文件内容无效", e.to_string()))?;
        let mut s = lock(&self.counter.session);
        self.desk()?.counter_attach_report(&mut s, &a.media_type, &bytes)?;
        Ok((&s.view()).into())
    }

    pub fn counter_search(&self, a: QueryArgs, now: &Now) -> Result<Vec<SearchHit>, DeskError> {
        let staff = self.session()?;
        Ok(self.desk()?.search(&staff, &a.query, now)?.iter().map(Into::into).collect())
    }

    pub fn password_reset(&self, now: &Now) -> Result<ResetSlip, DeskError> {
        let staff = self.session()?;
        let view = lock(&self.counter.session).view();
        let card = view.card.ok_or_else(|| DeskError::invalid("请先刷考生身份证", "password reset without a card"))?;
        let source = view.card_source.unwrap_or(CardSource::Manual);
        let slip = self.desk()?.password_reset(&staff, &card.id_number, source, &uuid::Uuid::now_v7().to_string(), now)?;
        self.trigger_sync(false);
        Ok(slip)
    }

    pub fn confirmations_today(&self, now: &Now) -> Result<Vec<ConfirmationRow>, DeskError> {
        let staff = self.session()?;
        self.desk()?.confirmations_on(&staff, crate::domain::office_day::of(now))
    }

    pub fn receipt(&self, a: IdArgs) -> Result<Receipt, DeskError> {
        self.session()?;
        self.desk()?.receipt(&a.id)
    }

    /// The demo's simulated reader: place card `index` of its file.
    pub fn sim_swipe(&self, a: IndexArgs) -> Result<(), DeskError> {
        self.session()?;
        let r = lock(&self.counter.reader);
        let h = r.as_ref().ok_or_else(|| DeskError::invalid("读卡器未启动", "no reader"))?;
        h.swipe(a.index as usize).map_err(|e| DeskError::invalid("当前读卡器不是模拟读卡器", e))
    }

    pub fn devices(&self) -> Result<Devices, DeskError> {
        self.session()?;
        let sim_cards = lock(&self.counter.sim_file)
            .as_deref()
            .and_then(|f| crate::idcard::reader::SimFile::load(std::path::Path::new(f)).ok())
            .map(|f| {
                f.cards
                    .iter()
                    .enumerate()
                    .map(|(i, c)| SimCard {
                        index: i as u32,
                        name: c.name.clone(),
                        id_number_masked: crate::idcard::gb11643::mask(&c.id_number),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let choice = self.choice();
        let found = crate::idcard::detect::detect(&crate::idcard::detect::DetectOptions::default());
        let mut readers: Vec<ReaderInfo> = found.readers.iter().map(Into::into).collect();
        // A port held by the running reader cannot be probed: list the reader in use itself.
        if !readers.iter().any(|r| r.spec == choice.reader) {
            readers.insert(0, ReaderInfo { spec: choice.reader.clone(), kind: ReaderKindName::InUse, label: "当前使用的读卡器".into(), sam_id: None });
        }
        let cameras = found.cameras.into_iter().map(Into::into).collect();
        Ok(Devices { reader: choice.reader, camera: choice.camera, readers, cameras, sim_cards })
    }

    /// Stores a new device choice (supervisors, checked in `desk`); the caller restarts the devices.
    pub fn set_devices(&self, a: DeviceArgs, now: &Now) -> Result<(), DeskError> {
        let s = self.session()?;
        let choice = DeviceChoice { reader: a.reader, camera: a.camera };
        self.desk()?.set_device_choice(&s, &choice, now)?;
        // Stop the old devices before the new ones start.
        lock(&self.counter.reader).take();
        lock(&self.counter.camera).take();
        *lock(&self.counter.choice) = Some(choice);
        Ok(())
    }
}

/// The supervisor desk: one `desk` call each (authorization is there).
impl AppState {
    pub fn day_report(&self, a: DayFilter, now: &Now) -> Result<DayReport, DeskError> {
        let s = self.session()?;
        self.desk()?.day_report(&s, &a, now)
    }

    pub fn confirmation_detail(&self, a: IdArgs) -> Result<ConfirmationDetail, DeskError> {
        let s = self.session()?;
        self.desk()?.confirmation_detail(&s, &a.id)
    }

    pub fn signoff(&self, a: SignoffArgs, now: &Now) -> Result<(), DeskError> {
        let s = self.session()?;
        self.desk()?.signoff(&s, &a.confirmation_id, a.note.as_deref(), now)
    }

    pub fn revoke(&self, a: RevokeArgs, now: &Now) -> Result<RevokeResult, DeskError> {
        let s = self.session()?;
        let r = self.desk()?.revoke(&s, &a.confirmation_id, &a.reason, &uuid::Uuid::now_v7().to_string(), now)?;
        self.trigger_sync(false);
        Ok(r)
    }

    pub fn reconcile(&self, a: DateArgs, now: &Now) -> Result<ReconcileReport, DeskError> {
        let s = self.session()?;
        self.desk()?.reconcile(&s, &a.date, now)
    }

    pub fn staff_enable(&self, a: StaffIdArgs, now: &Now) -> Result<(), DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.staff_enable(&actor, &a.staff_id, now)
    }

    pub fn staff_edit(&self, a: StaffEditArgs, now: &Now) -> Result<StaffInfo, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.staff_edit(&actor, &a.staff_id, a.name.as_deref(), a.role, now)
    }

    pub fn staff_reset_password(&self, a: PasswordResetArgs, now: &Now) -> Result<(), DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.staff_reset_password(&actor, &a.staff_id, &a.new_password, now)
    }

    pub fn blacklist_list(&self) -> Result<Vec<BlacklistEntry>, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.blacklist_list(&actor)
    }

    pub fn blacklist_add(&self, a: BlacklistArgs, now: &Now) -> Result<(), DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.blacklist_add(&actor, &a.id_number, a.reason.as_deref().unwrap_or(""), now)
    }

    pub fn blacklist_remove_entry(&self, a: BlacklistKeyArgs, now: &Now) -> Result<bool, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.blacklist_remove_entry(&actor, &a.key, now)
    }

    pub fn blacklist_remove(&self, a: BlacklistArgs, now: &Now) -> Result<bool, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk()?.blacklist_remove(&actor, &a.id_number, now)
    }

    pub fn settings_show(&self) -> Result<Vec<SettingInfo>, DeskError> {
        let s = self.session()?;
        self.desk()?.settings_show(&s)
    }

    pub fn settings_set(&self, a: SettingArgs, now: &Now) -> Result<(), DeskError> {
        let s = self.session()?;
        self.desk()?.settings_set(&s, &a.key, &a.value, now)
    }
}

/// The review queues (审核任务).
impl AppState {
    pub fn tasks_list(&self, a: TaskFilter) -> Result<Vec<TaskItem>, DeskError> {
        let s = self.session()?;
        self.desk()?.tasks_list(&s, &a)
    }

    pub fn task_show(&self, a: IdArgs, now: &Now) -> Result<TaskDetail, DeskError> {
        let s = self.session()?;
        self.desk()?.task_show(&s, &a.id, now)
    }

    pub fn task_decide(&self, a: TaskDecideArgs, now: &Now) -> Result<TaskDecided, DeskError> {
        let s = self.session()?;
        let id = uuid::Uuid::now_v7().to_string();
        let decision = crate::desk::TaskDecision {
            task_id: &a.task_id,
            approve: a.approve,
            reason_code: a.reason_code.as_deref(),
            comment: a.comment.as_deref(),
        };
        let d = self.desk()?.task_decide(&s, &decision, &id, now)?;
        self.trigger_sync(false);
        Ok(d)
    }
}

impl AppState {
    pub fn report_range(&self, a: RangeArgs, now: &Now) -> Result<RangeReport, DeskError> {
        let s = self.session()?;
        self.desk()?.report_range(&s, &a.from, &a.to, now)
    }
}

impl AppState {
    pub fn receipt_by_registration(&self, a: RegistrationIdArgs) -> Result<Receipt, DeskError> {
        let s = self.session()?;
        self.desk()?.receipt_for_registration(&s, &a.registration_id)
    }

    /// Saves the receipt as a PDF in today's folder and prints it on the chosen printer.
    pub fn print_receipt(&self, a: IdArgs, now: &Now) -> Result<PrintOutcome, DeskError> {
        let s = self.session()?;
        self.desk()?.print_receipt(&s, &a.id, now)
    }

    /// Saves and prints the slip of an in-person password reset.
    pub fn print_reset_slip(&self, a: ResetSlip, now: &Now) -> Result<PrintOutcome, DeskError> {
        let s = self.session()?;
        let d = self.desk()?;
        let pdf = d.reset_slip_pdf(&s, &a)?;
        d.save_and_print(&s, &format!("密码重置-{}.pdf", a.request_id), &pdf, &format!("reset slip {}", a.request_id), now)
    }

    /// The printers CUPS knows, for 设置.
    pub fn printers(&self) -> Result<Vec<String>, DeskError> {
        self.session()?;
        Ok(crate::printing::printers())
    }
}

impl AppState {
    pub fn export_report(&self, a: ExportArgs, now: &Now) -> Result<SavedFile, DeskError> {
        let s = self.session()?;
        let path = self.desk()?.export_report(&s, &a.from, &a.to, a.format.into(), now)?;
        Ok(SavedFile { path: path.display().to_string() })
    }
}

impl AppState {
    pub fn ui_settings(&self) -> Result<UiSettings, DeskError> {
        let s = self.session()?;
        self.desk()?.ui_settings(&s)
    }
}
