//! Login and authorization: Argon2id hashes, sessions, and the role check every command makes.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde_json::json;

use super::{rfc3339, Desk, Now};
use crate::domain::staff::{self as rules, require_supervisor};
use crate::domain::{DeskError, ErrorCode, Role};
use crate::keyring::{Logins, QueuedEvent};
use crate::store::{audit, staff};

pub use super::session::Session;

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

/// Verified against when the id is unknown (or not an id at all), so that every login costs one
/// Argon2id verification with the parameters `hash_password` uses: no timing tells ids apart.
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ut6xU2rJH843mFmiC/yO2w$9K+qy4jJLP+8Wb6WR5qaR/5Itwt5AIhVYtYjYK0T1Wg";

/// Longest password we hash (Argon2 takes any length; a megabyte "password" is an attack).
pub(super) const MAX_PASSWORD_BYTES: usize = 1024;

/// The lock on `staff_id` still in force at `now`, from `logins.json`.
pub(super) fn lock_in_force(dir: &std::path::Path, staff_id: &str, now: &Now) -> Result<Option<Now>, DeskError> {
    let logins = Logins::load(dir).map_err(keyring_error)?;
    Ok(rules::still_locked(logins.lockout.get(staff_id).and_then(|l| l.locked_until.as_deref()), now))
}

/// Counts one more failure against a known account (`known`; an unknown id has nothing to
/// count on); when it locks the account, the end of the lock and the failures that caused it.
/// `queue` (the store is closed) gives the events to queue for the chain in the same write.
pub(super) fn count_failure(
    dir: &std::path::Path,
    staff_id: &str,
    known: bool,
    now: &Now,
    queue: impl FnOnce(Option<&(Now, i64)>) -> Vec<QueuedEvent>,
) -> Result<Option<(Now, i64)>, DeskError> {
    Logins::update(dir, |l| {
        let lock = if known {
            let entry = l.lockout.entry(staff_id.to_string()).or_default();
            entry.failures += 1;
            let failures = entry.failures;
            rules::lock_after(failures, now).map(|until| {
                entry.failures = 0;
                entry.locked_until = Some(rfc3339(&until));
                (until, failures)
            })
        } else {
            None
        };
        let events = queue(lock.as_ref());
        let changed = known || !events.is_empty();
        for e in events {
            l.queue(e);
        }
        (changed, lock)
    })
    .map_err(keyring_error)
}

/// A successful login: the count starts again and any lock is lifted (no write when there was none).
pub(super) fn clear_failures(dir: &std::path::Path, staff_id: &str) -> Result<(), DeskError> {
    Logins::update(dir, |l| (l.lockout.remove(staff_id).is_some(), ())).map_err(keyring_error)
}

pub(super) fn keyring_error(e: crate::keyring::KeyringError) -> DeskError {
    DeskError::new(ErrorCode::Storage, "密钥文件读写失败，请联系技术支持", format!("keyring: {e}"))
}

thread_local! {
    /// Argon2 verifications on this thread (for the constant-work test).
    static VERIFICATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

pub(super) fn password_matches(password: &str, phc: &str) -> bool {
    VERIFICATIONS.with(|v| v.set(v.get() + 1));
    let parsed = PasswordHash::new(phc).or_else(|_| PasswordHash::new(DUMMY_HASH));
    let ok = parsed.is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok());
    ok && phc != DUMMY_HASH && password.len() <= MAX_PASSWORD_BYTES
}

/// Argon2 verifications made on this thread so far (tests: an unknown id costs one, like a known one).
#[cfg(test)]
fn verifications_on_this_thread() -> u64 {
    VERIFICATIONS.with(|v| v.get())
}

impl Desk {
    /// Checks a staff id and password. Success and failure are both written to the audit chain.
    /// Five consecutive failures lock the account for 15 minutes (audited); while locked even the
    /// right password is refused with `LOCKED`. An unknown or malformed id costs one Argon2
    /// verification like a known one, and only a valid id ever reaches the audit chain or the log.
    pub fn login(&self, staff_id: &str, password: &str, now: &Now) -> Result<Session, DeskError> {
        let at = rfc3339(now);
        if rules::validate_staff_id(staff_id).is_err() {
            password_matches(password, DUMMY_HASH);
            let len = staff_id.chars().count();
            tracing::warn!(id_chars = len, "login refused: not a staff id");
            self.store.write(|tx| {
                audit::record(tx, &at, rules::INVALID_ID_ACTOR, "login_failed", &json!({ "reason": "not a staff id", "id_chars": len }))
            })?;
            return Err(DeskError::bad_credentials());
        }
        let row = staff::get(self.store.conn(), staff_id)?;
        let locked = lock_in_force(&self.dir, staff_id, now)?;
        let password = if password.len() > MAX_PASSWORD_BYTES { "" } else { password };
        let matches = match (&row, locked) {
            (_, Some(_)) => false,
            (Some(r), None) => password_matches(password, &r.password_hash),
            (None, None) => password_matches(password, DUMMY_HASH),
        };
        let outcome = match &row {
            _ if locked.is_some() => Err(rules::locked_error(staff_id, locked.as_ref().expect("locked"))),
            None => Err(DeskError::bad_credentials()),
            Some(_) if !matches => Err(DeskError::bad_credentials()),
            Some(r) if r.disabled => {
                Err(DeskError::new(ErrorCode::AccountDisabled, "该账号已停用，请联系主管", format!("account {staff_id} is disabled")))
            }
            Some(r) => Ok(Session::new(r.staff_id.clone(), r.name.clone(), r.role)),
        };
        let session = match outcome {
            Ok(s) => {
                clear_failures(&self.dir, staff_id)?;
                self.store.write(|tx| audit::record(tx, &at, staff_id, "login", &json!({})))?;
                // An account of a store encrypted from plaintext gets its wrap now that its password is known.
                self.ensure_wrap(staff_id, password)?;
                Ok(s)
            }
            Err(e) => {
                // The counters live beside the store (`logins.json`) so that a login that cannot
                // open the store (zkctl, the app's first login) is counted by the same rule.
                let known = row.is_some() && e.code != ErrorCode::Locked;
                let lock = if known { count_failure(&self.dir, staff_id, true, now, |_| Vec::new())? } else { None };
                self.store.write(|tx| {
                    tracing::warn!(staff_id, reason = %e.detail, "login refused");
                    audit::record(tx, &at, staff_id, "login_failed", &json!({ "reason": e.detail }))?;
                    if let Some((until, failures)) = &lock {
                        audit::record(tx, &at, staff_id, "account_locked", &json!({ "staff_id": staff_id, "failures": failures, "until": rfc3339(until) }))?;
                    }
                    Ok::<_, DeskError>(())
                })?;
                match lock {
                    Some((until, failures)) => {
                        tracing::warn!(staff_id, failures, "account locked until {until}");
                        Err(rules::locked_error(staff_id, &until))
                    }
                    None => Err(e),
                }
            }
        }?;
        // A reset password lets the account in only to change it (desk::password).
        self.flag_password_change(session)
    }

    /// A locked session cannot log out (that would drop the candidate behind the lock); it is
    /// unlocked by its owner or a supervisor first.
    pub fn logout(&self, session: &Session, now: &Now) -> Result<(), DeskError> {
        session.require_unlocked()?;
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &session.staff_id, "logout", &json!({})))?;
        Ok(())
    }

    /// Re-reads the account behind a session: it must be unlocked, still exist, be enabled and hold `need`.
    pub fn authorize(&self, session: &Session, need: Role, action: &str) -> Result<Session, DeskError> {
        session.require_unlocked()?;
        let row = staff::get(self.store.conn(), &session.staff_id)?
            .ok_or_else(|| DeskError::new(ErrorCode::NotLoggedIn, "请重新登录", format!("staff {} no longer exists", session.staff_id)))?;
        if row.disabled {
            return Err(DeskError::new(
                ErrorCode::AccountDisabled,
                "该账号已停用，请联系主管",
                format!("account {} is disabled", row.staff_id),
            ));
        }
        self.refuse_until_password_changed(&row.staff_id, action)?;
        if need == Role::Supervisor {
            require_supervisor(row.role, action)?;
        }
        Ok(Session::new(row.staff_id, row.name, row.role))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::NewStaffArgs;

    fn now() -> Now {
        chrono::DateTime::parse_from_rfc3339("2026-08-31T09:00:00+08:00").unwrap()
    }

    #[test]
    fn an_unknown_id_costs_one_verification_like_a_known_one() {
        let dir = tempfile::tempdir().unwrap();
        let args = NewStaffArgs { staff_id: "A001".into(), name: "张三".into(), role: Role::Supervisor, password: "right-password".into() };
        let desk = Desk::create(dir.path(), &args, &now()).unwrap().desk;
        let cost = |id: &str| {
            let before = verifications_on_this_thread();
            let e = desk.login(id, "wrong-password", &now()).unwrap_err();
            assert_eq!(e.code, ErrorCode::BadCredentials);
            verifications_on_this_thread() - before
        };
        assert_eq!(cost("A001"), 1);
        assert_eq!(cost("S999"), 1, "unknown id");
        assert_eq!(cost(&"X".repeat(100_000)), 1, "not an id at all");
        assert!(!password_matches("zkdesk-dummy-password-never-valid", DUMMY_HASH), "the dummy hash never lets anyone in");
    }
}
