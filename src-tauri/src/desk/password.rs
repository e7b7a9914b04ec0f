//! The password change a supervisor's reset forces: until the account sets its own password,
//! its session may do nothing else (checked in `authorize`, so no caller can skip it).

use serde_json::json;

use super::{auth::hash_password, rfc3339, Desk, Now, Session};
use crate::domain::staff::validate_new_password;
use crate::domain::{DeskError, ErrorCode};
use crate::store::{audit, staff};

fn change_required(staff_id: &str, action: &str) -> DeskError {
    DeskError::new(
        ErrorCode::PasswordChangeRequired,
        "密码已被主管重置，请先修改密码再进行其他操作",
        format!("{staff_id} must change the reset password before {action}"),
    )
}

impl Desk {
    /// Marks a fresh login whose password was reset (the login answer carries the flag).
    pub(super) fn flag_password_change(&self, mut session: Session) -> Result<Session, DeskError> {
        session.must_change_password = staff::must_change_password(self.store.conn(), &session.staff_id)?;
        Ok(session)
    }

    /// Every authorised action passes here: a reset password that was not changed yet refuses it.
    pub(super) fn refuse_until_password_changed(&self, staff_id: &str, action: &str) -> Result<(), DeskError> {
        if staff::must_change_password(self.store.conn(), staff_id)? {
            return Err(change_required(staff_id, action));
        }
        Ok(())
    }

    /// The account sets its own password: the old one is checked like a login (a wrong one counts
    /// toward the lockout), the new one must be valid and differ from the old. Audited; it clears
    /// the reset's "change at next login". Returns the session, now free to work.
    pub fn change_password(&self, session: &Session, old: &str, new: &str, now: &Now) -> Result<Session, DeskError> {
        validate_new_password(new)?;
        if new == old {
            return Err(DeskError::invalid("新密码不能与原密码相同", "the new password equals the old one"));
        }
        // The old password proves it is the account holder (and that the account is still enabled).
        let checked = self.login(&session.staff_id, old, now).map_err(|mut e| {
            if e.code == ErrorCode::BadCredentials {
                e.message = "原密码不正确".into();
            }
            e
        })?;
        let hash = hash_password(new)?;
        let at = rfc3339(now);
        // The data key is re-wrapped for the new password in step with the store (desk::keys).
        self.with_new_wrap(&checked.staff_id, new, || self.store.write(|tx| {
            if !staff::set_own_password(tx, &checked.staff_id, &hash)? {
                return Err(DeskError::new(ErrorCode::NotLoggedIn, "请重新登录", format!("staff {} no longer exists", checked.staff_id)));
            }
            audit::record(tx, &at, &checked.staff_id, "password_changed", &json!({ "staff_id": checked.staff_id, "was_reset": checked.must_change_password }))?;
            Ok(())
        }))?;
        let mut session = checked;
        session.must_change_password = false;
        Ok(session)
    }
}
