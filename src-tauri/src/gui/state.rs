//! The command layer: what each IPC command does, over plain Rust types so it is testable
//! without a window. Authorization happens in `desk`; this layer only supplies the session.

use std::sync::Mutex;

use crate::api::*;
use crate::camera::preview::Preview;
use crate::desk::counter::{CardSource, CounterSession};
use crate::desk::{Actor, Desk, Now, Session};
use crate::domain::registration::Registration;
use crate::domain::{DeskError, ErrorCode};
use crate::idcard::reader::ReaderHandle;
use crate::idcard::IdentityCard;
use crate::photo::{self, face::FaceDetector};
use crate::store::settings;
use crate::sync::scheduler::Scheduler;

pub struct AppState {
    desk: Mutex<Desk>,
    session: Mutex<Option<Session>>,
    sync: Mutex<Option<Scheduler>>,
    counter: CounterState,
}

fn not_logged_in() -> DeskError {
    DeskError::new(ErrorCode::NotLoggedIn, "请先登录", "no session")
}

impl AppState {
    pub fn new(desk: Desk) -> Self {
        Self {
            desk: Mutex::new(desk),
            session: Mutex::new(None),
            sync: Mutex::new(None),
            counter: CounterState {
                session: Mutex::default(),
                reader: Mutex::default(),
                sim_file: Mutex::default(),
                reader_status: Mutex::default(),
                camera: Mutex::default(),
                specs: Mutex::default(),
                wlt: crate::idcard::wlt::WltDecoder::from_env(),
            },
        }
    }

    /// Background sync; without one (tests), sync requests are ignored.
    pub fn attach_scheduler(&self, s: Scheduler) {
        *self.sync.lock().unwrap_or_else(|p| p.into_inner()) = Some(s);
    }

    fn trigger_sync(&self, force: bool) {
        if let Some(s) = self.sync.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            s.trigger(force);
        }
    }

    fn desk(&self) -> std::sync::MutexGuard<'_, Desk> {
        // A panic while holding the lock leaves SQLite consistent (transactions roll back), so keep going.
        self.desk.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn session(&self) -> Result<Session, DeskError> {
        self.session.lock().unwrap_or_else(|p| p.into_inner()).clone().ok_or_else(not_logged_in)
    }

    pub fn login(&self, args: LoginArgs, now: &Now) -> Result<SessionInfo, DeskError> {
        let s = self.desk().login(args.staff_id.trim(), &args.password, now)?;
        *self.session.lock().unwrap_or_else(|p| p.into_inner()) = Some(s.clone());
        Ok(s)
    }

    pub fn logout(&self, now: &Now) -> Result<(), DeskError> {
        let s = self.session.lock().unwrap_or_else(|p| p.into_inner()).take();
        match s {
            Some(s) => self.desk().logout(&s, now),
            None => Ok(()),
        }
    }

    pub fn current_session(&self) -> Option<SessionInfo> {
        self.session().ok()
    }

    pub fn status_bar(&self) -> Result<StatusBar, DeskError> {
        self.session()?;
        self.desk().status_bar()
    }

    pub fn staff_list(&self) -> Result<Vec<StaffInfo>, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk().staff_list(&actor)
    }

    pub fn staff_add(&self, args: NewStaffArgs, now: &Now) -> Result<StaffInfo, DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk().staff_add(&actor, &args, now)
    }

    pub fn staff_disable(&self, args: StaffIdArgs, now: &Now) -> Result<(), DeskError> {
        let actor = Actor::Staff(self.session()?);
        self.desk().staff_disable(&actor, &args.staff_id, now)
    }
}

impl AppState {
    pub fn sync_now(&self) -> Result<(), DeskError> {
        self.session()?;
        self.trigger_sync(true);
        Ok(())
    }

    pub fn sync_page(&self) -> Result<SyncPage, DeskError> {
        self.session()?;
        self.desk().sync_page()
    }

    pub fn enroll_station(&self, args: EnrollArgs, now: &Now) -> Result<StationInfo, DeskError> {
        let s = self.session()?;
        let mut desk = self.desk();
        desk.authorize(&s, Role::Supervisor, "enroll station")?;
        let info = desk.enroll_station(&args.server_url, &args.code, &args.device_name, now)?;
        drop(desk);
        self.trigger_sync(true);
        Ok(info)
    }
}

/// Devices and the counter session: what the counter screen works on.
pub struct CounterState {
    session: Mutex<CounterSession>,
    reader: Mutex<Option<ReaderHandle>>,
    sim_file: Mutex<Option<String>>,
    reader_status: Mutex<Option<(bool, String)>>,
    camera: Mutex<Option<Preview>>,
    specs: Mutex<(String, String)>,
    /// The vendor WLT decoder (chip photos), when configured.
    wlt: Option<crate::idcard::wlt::WltDecoder>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl AppState {
    /// The device choice: command-line arguments win over the stored settings.
    pub fn init_devices(&self, reader: Option<String>, camera: Option<String>) {
        let d = self.desk();
        let stored = |k: &str| settings::get(d.store().conn(), k).ok().flatten();
        let reader = reader.or_else(|| stored("reader")).unwrap_or_else(|| "pcsc".into());
        let camera = camera.or_else(|| stored("camera")).unwrap_or_else(|| "webcam:0".into());
        *lock(&self.counter.specs) = (reader, camera);
    }

    pub fn reader_spec(&self) -> String {
        lock(&self.counter.specs).0.clone()
    }

    pub fn camera_spec(&self) -> String {
        lock(&self.counter.specs).1.clone()
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

    /// A card from the reader: into the counter session at once.
    pub fn card_read(&self, card: IdentityCard, source: CardSource, now: &Now) -> CounterView {
        let mut s = lock(&self.counter.session);
        let wlt = card.photo_wlt_base64.clone();
        if let Err(e) = self.desk().counter_card(&mut s, card, source, now) {
            tracing::warn!("card read: {}", e.detail);
            s.set_notice(e.message);
        }
        if let (Some(dec), Some(b64)) = (&self.counter.wlt, wlt) {
            use base64::Engine;
            let decoded = base64::engine::general_purpose::STANDARD.decode(b64).ok().map(|w| dec.decode(&w));
            match decoded {
                Some(Ok(img)) => s.set_chip_photo(crate::camera::preview::jpeg_of(&img)),
                Some(Err(e)) => tracing::warn!("chip photo: {e}"),
                None => {}
            }
        }
        s.view()
    }

    pub fn counter_view(&self) -> Result<CounterView, DeskError> {
        self.session()?;
        Ok(lock(&self.counter.session).view())
    }

    /// Freezes the current frame and runs it through the photo pipeline.
    pub fn counter_capture(&self) -> Result<CounterView, DeskError> {
        self.session()?;
        let frame = lock(&self.counter.camera)
            .as_ref()
            .and_then(|p| p.capture())
            .ok_or_else(|| DeskError::new(ErrorCode::InvalidInput, "摄像头没有画面，请检查摄像头", "no camera frame to capture"))?;
        // The detector is not Send (rustface), so each capture loads its own (~30 ms, embedded model).
        let photo = photo::make(&image::DynamicImage::ImageRgb8((*frame).clone()), &photo::Spec::default(), &mut FaceDetector::new())
            .map_err(|e| DeskError::invalid(e.message(), e.to_string()))?;
        let mut s = lock(&self.counter.session);
        self.desk().counter_photo(&mut s, photo)?;
        Ok(s.view())
    }

    pub fn counter_confirm(&self, now: &Now) -> Result<CounterView, DeskError> {
        let staff = self.session()?;
        let mut s = lock(&self.counter.session);
        let id = uuid::Uuid::now_v7().to_string();
        self.desk().counter_confirm(&mut s, &staff, &id, now)?;
        drop(s);
        self.trigger_sync(false);
        Ok(lock(&self.counter.session).view())
    }

    pub fn counter_cancel(&self) -> Result<CounterView, DeskError> {
        self.session()?;
        let mut s = lock(&self.counter.session);
        *s = CounterSession::new();
        Ok(s.view())
    }

    pub fn counter_override(&self, a: OverrideArgs, now: &Now) -> Result<CounterView, DeskError> {
        self.session()?;
        let mut s = lock(&self.counter.session);
        self.desk().counter_override(&mut s, &a.flag, &a.supervisor_id, &a.password, now)?;
        Ok(s.view())
    }

    pub fn counter_manual(&self, a: ManualArgs, now: &Now) -> Result<CounterView, DeskError> {
        self.session()?;
        let mut s = lock(&self.counter.session);
        self.desk().counter_manual(&mut s, &a.id_number, &a.supervisor_id, &a.password, now)?;
        Ok(s.view())
    }

    pub fn counter_attach(&self, a: AttachArgs) -> Result<CounterView, DeskError> {
        use base64::Engine;
        self.session()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.content_base64.as_bytes())
            .map_err(|e| DeskError::invalid("文件内容无效", e.to_string()))?;
        let mut s = lock(&self.counter.session);
        self.desk().counter_attach_report(&mut s, &a.media_type, &bytes)?;
        Ok(s.view())
    }

    pub fn counter_search(&self, a: QueryArgs, now: &Now) -> Result<Vec<Registration>, DeskError> {
        let staff = self.session()?;
        self.desk().search(&staff, &a.query, now)
    }

    pub fn password_reset(&self, now: &Now) -> Result<ResetSlip, DeskError> {
        let staff = self.session()?;
        let s = lock(&self.counter.session);
        let view = s.view();
        let card = view.card.ok_or_else(|| DeskError::invalid("请先刷考生身份证", "password reset without a card"))?;
        let chip = view.card_source.as_deref() == Some("chip");
        drop(s);
        let slip = self.desk().password_reset(&staff, &card.id_number, chip, &uuid::Uuid::now_v7().to_string(), now)?;
        self.trigger_sync(false);
        Ok(slip)
    }

    pub fn confirmations_today(&self, now: &Now) -> Result<Vec<ConfirmationRow>, DeskError> {
        self.session()?;
        self.desk().confirmations_on(&now.format("%Y-%m-%d").to_string())
    }

    pub fn receipt(&self, a: IdArgs) -> Result<Receipt, DeskError> {
        self.session()?;
        self.desk().receipt(&a.id)
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
        Ok(Devices { reader: self.reader_spec(), camera: self.camera_spec(), cameras: crate::camera::list(), sim_cards })
    }

    /// Stores a new device choice (supervisors); the caller restarts the devices.
    pub fn set_devices(&self, a: DeviceArgs) -> Result<(), DeskError> {
        let s = self.session()?;
        let d = self.desk();
        d.authorize(&s, Role::Supervisor, "set devices")?;
        crate::idcard::reader::ReaderSpec::parse(&a.reader).map_err(|e| DeskError::invalid("读卡器设置无效", e))?;
        crate::camera::CameraSpec::parse(&a.camera).map_err(|e| DeskError::invalid("摄像头设置无效", e))?;
        settings::set(d.store().conn(), "reader", &a.reader)?;
        settings::set(d.store().conn(), "camera", &a.camera)?;
        drop(d);
        // Stop the old devices before the new ones start.
        lock(&self.counter.reader).take();
        lock(&self.counter.camera).take();
        *lock(&self.counter.specs) = (a.reader, a.camera);
        Ok(())
    }
}
