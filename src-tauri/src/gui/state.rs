//! The command layer: what each IPC command does, over plain Rust types so it is testable
//! without a window. Authorization happens in `desk`; this layer only supplies the session.

use std::sync::Mutex;

use crate::api::{EnrollArgs, LoginArgs, NewStaffArgs, SessionInfo, StaffIdArgs, StaffInfo, StationInfo, StatusBar, SyncPage};
use crate::desk::{Actor, Desk, Now, Session};
use crate::domain::Role;
use crate::domain::{DeskError, ErrorCode};
use crate::sync::scheduler::Scheduler;

pub struct AppState {
    desk: Mutex<Desk>,
    session: Mutex<Option<Session>>,
    sync: Mutex<Option<Scheduler>>,
}

fn not_logged_in() -> DeskError {
    DeskError::new(ErrorCode::NotLoggedIn, "请先登录", "no session")
}

impl AppState {
    pub fn new(desk: Desk) -> Self {
        Self { desk: Mutex::new(desk), session: Mutex::new(None), sync: Mutex::new(None) }
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
