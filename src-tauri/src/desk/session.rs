//! The app session and its idle lock. A `Session` is what a login hands out; the GUI keeps it
//! and passes it back with every command. Locking it (after the idle minutes) keeps everything
//! the GUI holds with it — the counter's candidate included — but every desk action refuses a
//! locked session until `unlock_session` is given the same person's password or a supervisor's
//! credentials. The lock state is a private field, so only this module can set or clear it.

use serde_json::json;

use super::{rfc3339, Desk, Now};
use crate::domain::{DeskError, ErrorCode, Role};
use crate::store::audit;

/// A logged-in staff member. Holding one proves a past login; each command re-checks the
/// account (it may have been disabled since) through [`Desk::authorize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub staff_id: String,
    pub name: String,
    pub role: Role,
    /// A supervisor reset the password: `authorize` refuses everything until it is changed.
    pub must_change_password: bool,
    locked: bool,
}

impl Session {
    pub(super) fn new(staff_id: String, name: String, role: Role) -> Self {
        Self { staff_id, name, role, must_change_password: false, locked: false }
    }

    pub fn is_locked(&self) -> bool {
        self.locked
    }

    /// Every action for a session passes here first (`Desk::authorize` and the counter steps).
    pub fn require_unlocked(&self) -> Result<(), DeskError> {
        if self.locked {
            return Err(DeskError::new(
                ErrorCode::SessionLocked,
                "屏幕已锁定，请先输入密码解锁",
                format!("session of {} is locked", self.staff_id),
            ));
        }
        Ok(())
    }
}

/// Who opened the lock: the session's own staff member, or a supervisor vouching for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnlockedBy {
    Owner,
    Supervisor,
}

impl UnlockedBy {
    fn as_str(self) -> &'static str {
        match self {
            UnlockedBy::Owner => "owner",
            UnlockedBy::Supervisor => "supervisor",
        }
    }
}

impl Desk {
    /// Locks a session (the idle lock). Audited once; locking a locked session changes nothing.
    /// The session's account is not re-checked: a lock must always succeed.
    pub fn lock(&self, session: &Session, now: &Now) -> Result<Session, DeskError> {
        if session.locked {
            return Ok(session.clone());
        }
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &session.staff_id, "session_locked", &json!({})))?;
        Ok(Session { locked: true, ..session.clone() })
    }

    /// Opens a locked session. The session's own staff member may, with their password; any
    /// supervisor may, with their own credentials — and the session then continues as its
    /// original staff member (what the counter confirms stays theirs), the supervisor named in
    /// the audit event. The password is checked by `login`, so a wrong one counts towards the
    /// account's lockout exactly as at the login screen.
    pub fn unlock_session(&self, session: &Session, staff_id: &str, password: &str, now: &Now) -> Result<Session, DeskError> {
        let staff_id = staff_id.trim();
        let by = if staff_id == session.staff_id { UnlockedBy::Owner } else { UnlockedBy::Supervisor };
        let checked = match by {
            UnlockedBy::Owner => self.login(staff_id, password, now),
            UnlockedBy::Supervisor => self.verify_credentials(staff_id, password, Role::Supervisor, "unlock another's session", now),
        }
        .map_err(unlock_message)?;
        let mut open = Session { locked: false, ..session.clone() };
        if by == UnlockedBy::Owner {
            // The account may have been renamed (or its role changed) while the screen was locked.
            open = Session { locked: false, ..checked.clone() };
        } else {
            // The original account must still be usable for the session to go on.
            let current = self.authorize(&open, Role::Counter, "continue a session")?;
            open = Session { locked: false, ..current };
        }
        self.store.write(|tx| {
            audit::record(
                tx,
                &rfc3339(now),
                &checked.staff_id,
                "session_unlocked",
                &json!({ "session_of": session.staff_id, "by": by.as_str() }),
            )
        })?;
        Ok(open)
    }
}

/// The lock screen's words for what `login` refused.
fn unlock_message(mut e: DeskError) -> DeskError {
    match e.code {
        ErrorCode::BadCredentials => e.message = "密码错误，未能解锁".into(),
        ErrorCode::NotAuthorized => e.message = "只有本人或主管可以解锁".into(),
        _ => {}
    }
    e
}
