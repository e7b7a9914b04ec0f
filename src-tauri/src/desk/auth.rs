//! Login and authorization: Argon2id hashes, sessions, and the role check every command makes.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde_json::json;

use super::{rfc3339, Desk, Now};
use crate::api::SessionInfo;
use crate::domain::{staff::require_supervisor, DeskError, ErrorCode, Role};
use crate::store::{audit, staff};

/// A logged-in staff member. Holding one proves a past login; each command re-checks the
/// account (it may have been disabled since) through [`Desk::authorize`].
pub type Session = SessionInfo;

/// Who is asking.
#[derive(Debug, Clone)]
pub enum Actor {
    Staff(Session),
    /// `zkctl` run on the workstation before any supervisor exists (bootstrap only).
    Bootstrap,
}

impl Actor {
    pub fn audit_name(&self) -> &str {
        match self {
            Actor::Staff(s) => &s.staff_id,
            Actor::Bootstrap => "zkctl-bootstrap",
        }
    }
}

pub fn hash_password(password: &str) -> Result<String, DeskError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DeskError::new(ErrorCode::Storage, "密码处理失败", format!("argon2 hash: {e}")))
}

fn password_matches(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

impl Desk {
    /// Checks a staff id and password. Success and failure are both written to the audit chain.
    pub fn login(&self, staff_id: &str, password: &str, now: &Now) -> Result<Session, DeskError> {
        let row = staff::get(self.store.conn(), staff_id)?;
        let at = rfc3339(now);
        let outcome = match &row {
            None => Err(DeskError::bad_credentials()),
            Some(r) if !password_matches(password, &r.password_hash) => Err(DeskError::bad_credentials()),
            Some(r) if r.disabled => {
                Err(DeskError::new(ErrorCode::AccountDisabled, "该账号已停用，请联系主管", format!("account {staff_id} is disabled")))
            }
            Some(r) => Ok(Session { staff_id: r.staff_id.clone(), name: r.name.clone(), role: r.role }),
        };
        // The counter and the event commit together: a failure is never counted without its trace.
        self.store.write(|tx| match &outcome {
            Ok(_) => {
                staff::reset_failed_logins(tx, staff_id)?;
                audit::record(tx, &at, staff_id, "login", &json!({}))
            }
            Err(e) => {
                staff::count_failed_login(tx, staff_id)?;
                tracing::warn!(staff_id, reason = %e.detail, "login refused");
                audit::record(tx, &at, staff_id, "login_failed", &json!({ "reason": e.detail }))
            }
        })?;
        outcome
    }

    pub fn logout(&self, session: &Session, now: &Now) -> Result<(), DeskError> {
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &session.staff_id, "logout", &json!({})))?;
        Ok(())
    }

    /// Re-reads the account behind a session: it must still exist, be enabled and hold `need`.
    pub fn authorize(&self, session: &Session, need: Role, action: &str) -> Result<Session, DeskError> {
        let row = staff::get(self.store.conn(), &session.staff_id)?
            .ok_or_else(|| DeskError::new(ErrorCode::NotLoggedIn, "请重新登录", format!("staff {} no longer exists", session.staff_id)))?;
        if row.disabled {
            return Err(DeskError::new(
                ErrorCode::AccountDisabled,
                "该账号已停用，请联系主管",
                format!("account {} is disabled", row.staff_id),
            ));
        }
        if need == Role::Supervisor {
            require_supervisor(row.role, action)?;
        }
        Ok(Session { staff_id: row.staff_id, name: row.name, role: row.role })
    }

    /// Supervisor-only, except that `zkctl` may create accounts while no supervisor exists.
    pub(super) fn authorize_admin(&self, actor: &Actor, action: &str) -> Result<(), DeskError> {
        match actor {
            Actor::Staff(s) => self.authorize(s, Role::Supervisor, action).map(|_| ()),
            Actor::Bootstrap if staff::count_supervisors(self.store.conn())? == 0 => Ok(()),
            Actor::Bootstrap => Err(DeskError::new(
                ErrorCode::NotAuthorized,
                "已有主管账号，此操作需要主管验证（--supervisor）",
                format!("{action} needs a supervisor's credentials once a supervisor exists"),
            )),
        }
    }

    /// Checks another person's credentials for a one-off authorisation (e.g. a supervisor at the counter).
    pub fn verify_credentials(
        &self,
        staff_id: &str,
        password: &str,
        need: Role,
        action: &str,
        now: &Now,
    ) -> Result<Session, DeskError> {
        let session = self.login(staff_id, password, now)?;
        self.authorize(&session, need, action)
    }
}
