//! The store's key and the people who hold it: creating the store with its first supervisor,
//! opening it with a password, the one-time encryption of a plaintext store of an earlier
//! version, recovery with the recovery key, and the wraps written when accounts are added or
//! their passwords reset. Invariant: the data key is written only wrapped (`crate::keyring`), and
//! a kill at any point leaves a store that opens — the old plaintext one or the new encrypted one.

use std::path::Path;

use serde_json::json;

use super::auth::{clear_failures, count_failure, keyring_error, lock_in_force, password_matches, DUMMY_HASH, MAX_PASSWORD_BYTES};
use super::{rfc3339, Actor, Desk, Now, Session};
use crate::api::NewStaffArgs;
use crate::domain::staff::{self as rules, validate_staff_id};
use crate::domain::{DeskError, ErrorCode, Role};
use crate::keyring::{self, DataKey, Keyring, KeyringError, Logins, QueuedEvent, RecoveryKey, KEYRING_NEW};
use crate::store::{self, audit, staff, Store, DB_FILE};

/// What the data directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreState {
    /// Nothing yet: the first supervisor creates the store.
    Empty,
    /// An unencrypted store of an earlier version: encrypted at the first supervisor login.
    Plaintext,
    /// An encrypted store with its keyring.
    Encrypted,
}

/// A store opened by a person: the desk, their session, and the recovery key when this opening
/// made one (creation, or the encryption of a plaintext store) — shown once, then forgotten.
pub struct Unlocked {
    pub desk: Desk,
    pub session: Session,
    pub recovery_key: Option<String>,
}

/// The file the encrypted copy is written to before it replaces the plaintext store.
const ENCRYPTING: &str = "zkdesk.sqlite3.encrypting";

fn io(e: std::io::Error) -> DeskError {
    crate::store::StoreError::Io(e).into()
}

/// Looks at the data directory and finishes what a kill interrupted: a migration killed after
/// the encrypted file took the store's place gets its keyring promoted; one killed before leaves
/// the plaintext store, and its half-made files are removed.
pub fn store_state(dir: &Path) -> Result<StoreState, DeskError> {
    if Keyring::exists(dir) {
        return Ok(StoreState::Encrypted);
    }
    let _lock = if dir.exists() { Some(keyring::lock(dir).map_err(keyring_error)?) } else { None };
    if Keyring::exists(dir) {
        return Ok(StoreState::Encrypted);
    }
    match store::is_plaintext(dir).map_err(io)? {
        Some(true) => {
            for f in [ENCRYPTING, KEYRING_NEW] {
                let _ = std::fs::remove_file(dir.join(f));
            }
            Ok(StoreState::Plaintext)
        }
        Some(false) if dir.join(KEYRING_NEW).exists() => {
            std::fs::rename(dir.join(KEYRING_NEW), Keyring::path(dir)).map_err(io)?;
            keyring::sync_dir(dir).map_err(io)?;
            tracing::info!("keyring of an interrupted encryption or creation put in place");
            Ok(StoreState::Encrypted)
        }
        Some(false) => Err(DeskError::new(
            ErrorCode::Storage,
            "本地数据库已加密，但密钥文件（keyring.json）丢失，无法打开；请从备份恢复密钥文件",
            format!("{} is encrypted and {} is missing", DB_FILE, keyring::KEYRING_FILE),
        )),
        None => Ok(StoreState::Empty),
    }
}

fn queued(at: &str, actor: &str, kind: &str, detail: serde_json::Value) -> QueuedEvent {
    QueuedEvent { at: at.to_string(), actor: actor.to_string(), kind: kind.to_string(), detail }
}

impl Desk {
    /// Creates the store in an empty data directory with its first account, a supervisor: a new
    /// data key, that account's wrap and the recovery wrap. The recovery key is in the answer
    /// (to be shown once) and nowhere else.
    pub fn create(dir: &Path, first: &NewStaffArgs, now: &Now) -> Result<Unlocked, DeskError> {
        if store_state(dir)? != StoreState::Empty {
            return Err(DeskError::new(ErrorCode::Conflict, "本工作站已有数据库，请登录", "the store exists already"));
        }
        if first.role != Role::Supervisor {
            return Err(DeskError::invalid("第一个账号须为主管（主管保管恢复密钥并管理其他账号）", "the first account must be a supervisor"));
        }
        validate_staff_id(&first.staff_id)?;
        rules::validate_new_password(&first.password)?;
        rules::validate_staff_name(&first.name)?;
        store::prepare_dir(dir).map_err(io)?;
        let key = DataKey::random();
        let recovery = RecoveryKey::random();
        // The keyring goes down first under its temporary name; `store_state` promotes it once the
        // encrypted file exists, so a kill here leaves an empty directory or a store that opens.
        let ring = Keyring::new(&key, &first.staff_id, &first.password, &recovery).map_err(keyring_error)?;
        keyring::write_atomic(&dir.join(KEYRING_NEW), &serde_json::to_vec_pretty(&ring).map_err(|e| keyring_error(e.into()))?)
            .map_err(io)?;
        let desk = Self::over(Store::open(dir, &key)?, dir, Some(key));
        desk.insert_staff(&Actor::Bootstrap, first, now)?;
        desk.store.write(|tx| audit::record(tx, &rfc3339(now), &first.staff_id, "store_created", &json!({ "encrypted": true })))?;
        std::fs::rename(dir.join(KEYRING_NEW), Keyring::path(dir)).map_err(io)?;
        keyring::sync_dir(dir).map_err(io)?;
        let session = desk.login(&first.staff_id, &first.password, now)?;
        Ok(Unlocked { desk, session, recovery_key: Some(recovery.display()) })
    }

    /// Opens the store as `staff_id`: the password unwraps the data key (an AEAD failure is a
    /// wrong password), then the account is checked as at any login. Lockout and constant work
    /// for unknown ids as in [`Desk::login`]; the events of a refused attempt are queued and
    /// reach the chain at the next successful open. A plaintext store of an earlier version is
    /// encrypted here when a supervisor logs in.
    pub fn unlock(dir: &Path, staff_id: &str, password: &str, now: &Now) -> Result<Unlocked, DeskError> {
        match store_state(dir)? {
            StoreState::Empty => {
                return Err(DeskError::new(
                    ErrorCode::NotFound,
                    "本工作站尚未建立数据库：请先添加第一个主管账号",
                    format!("no store in {}", dir.display()),
                ))
            }
            StoreState::Plaintext => return Self::unlock_plaintext(dir, staff_id, password, now),
            StoreState::Encrypted => {}
        }
        let at = rfc3339(now);
        if validate_staff_id(staff_id).is_err() {
            password_matches(password, DUMMY_HASH);
            let len = staff_id.chars().count();
            tracing::warn!(id_chars = len, "login refused: not a staff id");
            let e = queued(&at, rules::INVALID_ID_ACTOR, "login_failed", json!({ "reason": "not a staff id", "id_chars": len }));
            count_failure(dir, staff_id, false, now, |_| vec![e])?;
            return Err(DeskError::bad_credentials());
        }
        let ring = Keyring::load(dir).map_err(keyring_error)?;
        let locked = lock_in_force(dir, staff_id, now)?;
        let password = if password.len() > MAX_PASSWORD_BYTES { "" } else { password };
        let opened = match locked {
            Some(_) => Err(KeyringError::Wrong),
            None => ring.unwrap_staff(staff_id, password),
        };
        let error = match (opened, locked) {
            (Ok(key), _) => {
                let desk = Self::open_with_key(dir, &key)?;
                let session = desk.login(staff_id, password, now)?;
                return Ok(Unlocked { desk, session, recovery_key: None });
            }
            (Err(_), Some(until)) => rules::locked_error(staff_id, &until),
            (Err(KeyringError::NoWrap), None) if ring.unwrapped.contains(staff_id) => DeskError::new(
                ErrorCode::BadCredentials,
                "本工作站的数据已加密，本账号尚未取得密钥：请主管重置本账号的密码后再登录",
                format!("account {staff_id} has no wrap since the store was encrypted"),
            ),
            (Err(KeyringError::NoWrap | KeyringError::Wrong), None) => DeskError::bad_credentials(),
            (Err(e), None) => return Err(keyring_error(e)),
        };
        tracing::warn!(staff_id, reason = %error.detail, "login refused");
        let known = ring.has_wrap(staff_id) && locked.is_none();
        let failed = queued(&at, staff_id, "login_failed", json!({ "reason": error.detail }));
        let lock = count_failure(dir, staff_id, known, now, |lock| {
            let mut v = vec![failed];
            if let Some((until, failures)) = lock {
                v.push(queued(&at, staff_id, "account_locked", json!({ "staff_id": staff_id, "failures": failures, "until": rfc3339(until) })));
            }
            v
        })?;
        Err(match lock {
            Some((until, _)) => rules::locked_error(staff_id, &until),
            None => error,
        })
    }

    /// A supervisor's first login to a plaintext store encrypts it in place:
    /// 1. the password is checked against the plaintext staff table (as before);
    /// 2. a new key; the whole store is exported into `zkdesk.sqlite3.encrypting` and synced;
    /// 3. the keyring (this supervisor's wrap, the recovery wrap) is written as `keyring.json.new`;
    /// 4. the plaintext store is closed (its WAL checkpointed away) and the encrypted file renamed over it;
    /// 5. the keyring takes its name.
    ///
    /// A kill before 4 leaves the plaintext store (the half-made files are removed at the next
    /// look); after 4, `store_state` finishes 5. Other accounts get a wrap when their password is
    /// next reset (or at their next login while the store is open).
    fn unlock_plaintext(dir: &Path, staff_id: &str, password: &str, now: &Now) -> Result<Unlocked, DeskError> {
        let plain = Self::over(Store::open_plaintext(dir)?, dir, None);
        let session = plain.login(staff_id, password, now)?;
        if session.role != Role::Supervisor {
            // Nobody works on the unencrypted file: the first supervisor login encrypts it.
            return Err(DeskError::new(
                ErrorCode::NotAuthorized,
                "本工作站的数据库尚未加密：请主管先登录一次完成加密，然后再登录",
                format!("{staff_id} logged in to a plaintext store; a supervisor must log in first to encrypt it"),
            ));
        }
        let key = DataKey::random();
        let recovery = RecoveryKey::random();
        let mut ring = Keyring::new(&key, staff_id, password, &recovery).map_err(keyring_error)?;
        let others: Vec<String> = staff::list(plain.store.conn())?.into_iter().map(|r| r.staff_id).filter(|id| id != staff_id).collect();
        ring.unwrapped = others.iter().cloned().collect();
        let detail = json!({ "by": staff_id, "accounts_awaiting_key": others });
        plain.store.write(|tx| audit::record(tx, &rfc3339(now), staff_id, "store_encrypted", &detail))?;
        plain.store.checkpoint()?;
        let _lock = keyring::lock(dir).map_err(keyring_error)?;
        let tmp = dir.join(ENCRYPTING);
        let _ = std::fs::remove_file(&tmp);
        plain.store.export_encrypted(&tmp, &key)?;
        keyring::write_atomic(&dir.join(KEYRING_NEW), &serde_json::to_vec_pretty(&ring).map_err(|e| keyring_error(e.into()))?)
            .map_err(io)?;
        drop(plain);
        // The last connection's close checkpoints and deletes the WAL; one still there means
        // another process has the plaintext store open, and its WAL must never meet the new file.
        let wal = dir.join(format!("{DB_FILE}-wal"));
        if wal.exists() {
            let _ = std::fs::remove_file(&tmp);
            let _ = std::fs::remove_file(dir.join(KEYRING_NEW));
            return Err(DeskError::new(
                ErrorCode::Conflict,
                "数据库正被另一个程序使用，无法加密：请关闭其他 zkdesk 窗口或 zkctl 后重新登录",
                "the plaintext store is open elsewhere (its WAL remains)",
            ));
        }
        let _ = std::fs::remove_file(dir.join(format!("{DB_FILE}-shm")));
        std::fs::rename(&tmp, dir.join(DB_FILE)).map_err(io)?;
        keyring::sync_dir(dir).map_err(io)?;
        std::fs::rename(dir.join(KEYRING_NEW), Keyring::path(dir)).map_err(io)?;
        keyring::sync_dir(dir).map_err(io)?;
        drop(_lock);
        tracing::info!(staff_id, awaiting = others.len(), "plaintext store encrypted");
        let desk = Self::open_with_key(dir, &key)?;
        Ok(Unlocked { desk, session, recovery_key: Some(recovery.display()) })
    }

    /// A supervisor who forgot the password: the recovery key opens the store and the account
    /// gets `new_password` (and a new wrap). Audited.
    pub fn recover(dir: &Path, staff_id: &str, recovery_key: &str, new_password: &str, now: &Now) -> Result<Unlocked, DeskError> {
        if store_state(dir)? != StoreState::Encrypted {
            return Err(DeskError::new(ErrorCode::NotFound, "本工作站没有加密的数据库，无需恢复", "recover without an encrypted store"));
        }
        validate_staff_id(staff_id)?;
        rules::validate_new_password(new_password)?;
        let at = rfc3339(now);
        let wrong = || DeskError::new(ErrorCode::BadCredentials, "恢复密钥不正确", "recovery key does not open the keyring");
        let ring = Keyring::load(dir).map_err(keyring_error)?;
        let key = match RecoveryKey::parse(recovery_key).map(|r| ring.unwrap_recovery(&r)) {
            Some(Ok(k)) => k,
            _ => {
                let e = queued(&at, staff_id, "recovery_failed", json!({ "reason": "wrong recovery key" }));
                count_failure(dir, staff_id, false, now, |_| vec![e])?;
                return Err(wrong());
            }
        };
        let desk = Self::open_with_key(dir, &key)?;
        let row = staff::get(desk.store.conn(), staff_id)?
            .ok_or_else(|| DeskError::new(ErrorCode::NotFound, format!("工号 {staff_id} 不存在"), format!("no staff {staff_id}")))?;
        if row.role != Role::Supervisor || row.disabled {
            return Err(DeskError::new(
                ErrorCode::NotAuthorized,
                "恢复密钥只能为在用的主管账号设置新密码",
                format!("recover for {staff_id}: not an enabled supervisor"),
            ));
        }
        let hash = super::hash_password(new_password)?;
        desk.with_new_wrap(staff_id, new_password, || {
            Ok(desk.store.write(|tx| {
                staff::set_password(tx, staff_id, &hash)?;
                audit::record(tx, &at, staff_id, "password_recovered", &json!({ "staff_id": staff_id, "with": "recovery_key" }))
            })?)
        })?;
        clear_failures(dir, staff_id)?;
        let session = desk.login(staff_id, new_password, now)?;
        Ok(Unlocked { desk, session, recovery_key: None })
    }

    /// Seals the data key for `staff_id` under `password` (a new account, a reset, a changed or
    /// recovered password) around `write`, the store's side of the change: the new wrap is kept
    /// beside the old one (`Keyring::pending`) until `write` commits, then replaces it. A kill
    /// between the steps leaves a wrap for each password, and [`Desk::settle_wrap`] keeps the
    /// one the store agrees with at the next good login, so the account never ends up with a
    /// password the store takes but the keyring does not (or the other way round).
    pub(super) fn with_new_wrap<T>(&self, staff_id: &str, password: &str, write: impl FnOnce() -> Result<T, DeskError>) -> Result<T, DeskError> {
        let Some(key) = &self.key else {
            return write(); // a plaintext store has no key to wrap yet
        };
        Keyring::update(&self.dir, |k| k.set_pending(key, staff_id, password)).map_err(keyring_error)?;
        let value = write();
        Keyring::update(&self.dir, |k| {
            match &value {
                Ok(_) if k.pending.contains_key(staff_id) => k.promote_pending(staff_id),
                // Another process's login settled our pending wrap away meanwhile (it saw the
                // old password still in the store): seal it again, the store has the new one now.
                Ok(_) => k.set_wrap(key, staff_id, password)?,
                Err(_) => drop(k.pending.remove(staff_id)),
            }
            Ok(())
        })
        .map_err(keyring_error)?;
        value
    }

    /// After a successful login on an open store (the store took `password`): a change cut short
    /// by a kill is settled — the pending wrap is kept when this password opens it, dropped when
    /// not — and an account without a wrap (one of a store encrypted from plaintext) gets one.
    pub(super) fn ensure_wrap(&self, staff_id: &str, password: &str) -> Result<(), DeskError> {
        let Some(key) = &self.key else { return Ok(()) };
        let ring = Keyring::load(&self.dir).map_err(keyring_error)?;
        match ring.pending_opens(staff_id, password) {
            Some(true) => Keyring::update(&self.dir, |k| Ok(k.promote_pending(staff_id))).map_err(keyring_error)?,
            Some(false) => Keyring::update(&self.dir, |k| Ok(drop(k.pending.remove(staff_id)))).map_err(keyring_error)?,
            None if !ring.has_wrap(staff_id) => {
                Keyring::update(&self.dir, |k| k.set_wrap(key, staff_id, password)).map_err(keyring_error)?
            }
            None => {}
        }
        Ok(())
    }

    /// Appends the events of logins refused while the store was closed to the chain, then
    /// empties the queue. At least once: a kill between the two appends them again at the next
    /// open (each keeps its own time, so a repeat is recognisable).
    pub(super) fn append_queued_events(&self) -> Result<(), DeskError> {
        if Logins::load(&self.dir).map_err(keyring_error)?.queued.is_empty() {
            return Ok(());
        }
        let _lock = keyring::lock(&self.dir).map_err(keyring_error)?;
        let mut logins = Logins::load(&self.dir).map_err(keyring_error)?;
        if logins.queued.is_empty() {
            return Ok(());
        }
        self.store.write(|tx| {
            for e in &logins.queued {
                let mut detail = e.detail.clone();
                if let Some(d) = detail.as_object_mut() {
                    d.insert("queued".into(), true.into());
                }
                audit::record(tx, &e.at, &e.actor, &e.kind, &detail)?;
            }
            Ok::<_, DeskError>(())
        })?;
        logins.queued.clear();
        logins.save(&self.dir).map_err(keyring_error)
    }
}
