//! The data key and its wraps. Invariant: the 32-byte SQLCipher key never touches the disk
//! unwrapped — `keyring.json` holds it only sealed (XChaCha20-Poly1305) under a key derived with
//! Argon2id from a staff password (one wrap per account, the staff id bound as associated data)
//! or from the recovery key; every file here is written through a temporary file, fsync and rename.
//!
//! `logins.json` beside it holds what a login must know before the store can be opened: the
//! lockout counters and the audit events of failed logins, queued until the next successful open
//! appends them to the chain. Both files are plaintext by necessity (they are read before the
//! store is open) and hold no candidate data: staff ids, salts, sealed keys, counters.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};
use crate::files::restrict;

pub const KEYRING_FILE: &str = "keyring.json";
pub const LOGINS_FILE: &str = "logins.json";
const LOCK_FILE: &str = "keyring.lock";
/// The keyring a plaintext migration prepared, promoted once the encrypted file is in place.
pub const KEYRING_NEW: &str = "keyring.json.new";

/// At most this many failed-login events wait in `logins.json` (the oldest go first): a flood of
/// wrong passwords against a closed store must not grow the file without bound.
const MAX_QUEUED_EVENTS: usize = 1000;

/// The SQLCipher key. Zeroed when dropped; never printed.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn random() -> Self {
        let mut k = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        Self(k)
    }

    /// `x'…'`, the raw-key form of `PRAGMA key` (no PBKDF2 on open: the key is already random).
    pub fn sqlcipher_literal(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// The recovery key: 20 random bytes shown once as 32 Crockford base32 characters in groups of
/// four, for paper.
pub struct RecoveryKey(Zeroizing<Vec<u8>>);

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl RecoveryKey {
    pub fn random() -> Self {
        let mut k = Zeroizing::new(vec![0u8; 20]);
        rand::rngs::OsRng.fill_bytes(k.as_mut());
        Self(k)
    }

    /// `XXXX-XXXX-…` (8 groups).
    pub fn display(&self) -> String {
        let mut bits = 0u32;
        let mut n = 0;
        let mut chars = Vec::new();
        for b in self.0.iter() {
            bits = (bits << 8) | u32::from(*b);
            n += 8;
            while n >= 5 {
                n -= 5;
                chars.push(CROCKFORD[((bits >> n) & 31) as usize] as char);
            }
        }
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
    }

    /// Reads what a person typed: case, dashes and spaces do not matter; O reads as 0, I and L as 1.
    pub fn parse(text: &str) -> Option<Self> {
        let mut bits = 0u32;
        let mut n = 0;
        let mut out = Zeroizing::new(Vec::new());
        for c in text.chars().filter(|c| !matches!(c, '-' | ' ' | '\t' | '\n' | '\r')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            let v = CROCKFORD.iter().position(|x| *x as char == c)? as u32;
            bits = (bits << 5) | v;
            n += 5;
            if n >= 8 {
                n -= 8;
                out.push((bits >> n) as u8);
            }
        }
        (out.len() == 20).then_some(Self(out))
    }
}

/// One sealed copy of the data key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wrap {
    /// Argon2id cost, kept with the wrap so a later build can raise it for new wraps.
    m_kib: u32,
    t: u32,
    p: u32,
    salt: String,
    nonce: String,
    sealed: String,
}

/// `keyring.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Keyring {
    pub version: u32,
    /// Staff id → its wrap.
    pub wraps: BTreeMap<String, Wrap>,
    pub recovery: Option<Wrap>,
    /// Accounts of a store encrypted from plaintext whose passwords were not known then: they get
    /// a wrap at their next password reset (or their next login while the store is open).
    #[serde(default)]
    pub unwrapped: BTreeSet<String>,
    /// Staff id → a wrap under a password the store may not hold yet: written before the store's
    /// side of an account change (a new account, a reset, a change, a recovery) and made the wrap
    /// after it, so a kill between the two leaves both passwords' wraps; the next good login
    /// keeps the one the store agrees with (`Desk::settle_wrap`).
    #[serde(default)]
    pub pending: BTreeMap<String, Wrap>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Lockout {
    pub failures: i64,
    pub locked_until: Option<String>,
}

/// An audit event waiting for the store to open.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueuedEvent {
    pub at: String,
    pub actor: String,
    pub kind: String,
    pub detail: serde_json::Value,
}

/// `logins.json`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Logins {
    #[serde(default)]
    pub lockout: BTreeMap<String, Lockout>,
    #[serde(default)]
    pub queued: Vec<QueuedEvent>,
}

impl Logins {
    pub fn queue(&mut self, e: QueuedEvent) {
        self.queued.push(e);
        let over = self.queued.len().saturating_sub(MAX_QUEUED_EVENTS);
        self.queued.drain(..over);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("keyring file unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("argon2: {0}")]
    Kdf(String),
    /// The password (or recovery key) does not open this wrap.
    #[error("wrong secret")]
    Wrong,
    /// No wrap for this account.
    #[error("no wrap for this account")]
    NoWrap,
}

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// The parameters `hash_password` uses (Argon2's defaults), so a login costs the same whichever
/// way it is checked.
fn default_params() -> Params {
    Params::default()
}

fn kek(secret: &[u8], salt: &[u8], m_kib: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>, KeyringError> {
    let params = Params::new(m_kib, t, p, Some(32)).map_err(|e| KeyringError::Kdf(e.to_string()))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| KeyringError::Kdf(e.to_string()))?;
    Ok(out)
}

fn aad(label: &str) -> Vec<u8> {
    format!("zkdesk keyring v1 {label}").into_bytes()
}

fn staff_label(staff_id: &str) -> String {
    format!("staff:{staff_id}")
}

const RECOVERY_LABEL: &str = "recovery";

impl Wrap {
    fn seal(key: &DataKey, secret: &[u8], label: &str) -> Result<Self, KeyringError> {
        let p = default_params();
        let mut salt = [0u8; 16];
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let k = kek(secret, &salt, p.m_cost(), p.t_cost(), p.p_cost())?;
        let cipher = XChaCha20Poly1305::new(k.as_ref().into());
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.0.as_ref(), aad: &aad(label) })
            .map_err(|_| KeyringError::Kdf("seal failed".into()))?;
        Ok(Self {
            m_kib: p.m_cost(),
            t: p.t_cost(),
            p: p.p_cost(),
            salt: b64().encode(salt),
            nonce: b64().encode(nonce),
            sealed: b64().encode(sealed),
        })
    }

    fn open(&self, secret: &[u8], label: &str) -> Result<DataKey, KeyringError> {
        let bad = |_| KeyringError::Wrong;
        let salt = b64().decode(&self.salt).map_err(bad)?;
        let nonce = b64().decode(&self.nonce).map_err(bad)?;
        let sealed = b64().decode(&self.sealed).map_err(bad)?;
        if nonce.len() != 24 {
            return Err(KeyringError::Wrong);
        }
        let k = kek(secret, &salt, self.m_kib, self.t, self.p)?;
        let cipher = XChaCha20Poly1305::new(k.as_ref().into());
        let mut plain = cipher
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &sealed, aad: &aad(label) })
            .map_err(|_| KeyringError::Wrong)?;
        if plain.len() != 32 {
            plain.zeroize();
            return Err(KeyringError::Wrong);
        }
        let mut k = Zeroizing::new([0u8; 32]);
        k.copy_from_slice(&plain);
        plain.zeroize();
        Ok(DataKey(k))
    }
}

/// Costs what opening a real wrap costs (one Argon2id derivation and one AEAD attempt) and
/// always fails: used for ids that have no wrap, so timing does not tell them apart.
fn dummy_open(secret: &[u8]) {
    let p = default_params();
    let dummy = Wrap {
        m_kib: p.m_cost(),
        t: p.t_cost(),
        p: p.p_cost(),
        salt: b64().encode([7u8; 16]),
        nonce: b64().encode([7u8; 24]),
        sealed: b64().encode([0u8; 48]),
    };
    let _ = dummy.open(secret, "dummy");
}

impl Keyring {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(KEYRING_FILE)
    }

    pub fn exists(dir: &Path) -> bool {
        Self::path(dir).exists()
    }

    pub fn load(dir: &Path) -> Result<Self, KeyringError> {
        Self::load_from(&Self::path(dir))
    }

    pub fn load_from(path: &Path) -> Result<Self, KeyringError> {
        Ok(serde_json::from_slice(&std::fs::read(path)?)?)
    }

    /// A new keyring for `key`: the first account's wrap and the recovery wrap.
    pub fn new(key: &DataKey, staff_id: &str, password: &str, recovery: &RecoveryKey) -> Result<Self, KeyringError> {
        let mut k = Keyring { version: 1, ..Default::default() };
        k.wraps.insert(staff_id.to_string(), Wrap::seal(key, password.as_bytes(), &staff_label(staff_id))?);
        k.recovery = Some(Wrap::seal(key, &recovery.0, RECOVERY_LABEL)?);
        Ok(k)
    }

    pub fn has_wrap(&self, staff_id: &str) -> bool {
        self.wraps.contains_key(staff_id)
    }

    /// An account this keyring knows of (with a wrap, or waiting for one).
    pub fn knows(&self, staff_id: &str) -> bool {
        self.wraps.contains_key(staff_id) || self.unwrapped.contains(staff_id)
    }

    /// The data key, if `password` opens this account's wrap. An account without a wrap costs
    /// the same work as one with.
    pub fn unwrap_staff(&self, staff_id: &str, password: &str) -> Result<DataKey, KeyringError> {
        let label = staff_label(staff_id);
        let opened = match self.wraps.get(staff_id) {
            Some(w) => w.open(password.as_bytes(), &label),
            None => {
                dummy_open(password.as_bytes());
                Err(KeyringError::NoWrap)
            }
        };
        match (opened, self.pending.get(staff_id)) {
            (Err(_), Some(p)) => p.open(password.as_bytes(), &label),
            (opened, _) => opened,
        }
    }

    /// Seals `key` for this account beside its current wrap (see `pending`).
    pub fn set_pending(&mut self, key: &DataKey, staff_id: &str, password: &str) -> Result<(), KeyringError> {
        self.pending.insert(staff_id.to_string(), Wrap::seal(key, password.as_bytes(), &staff_label(staff_id))?);
        Ok(())
    }

    /// The store took the change: the pending wrap becomes the account's wrap.
    pub fn promote_pending(&mut self, staff_id: &str) {
        if let Some(w) = self.pending.remove(staff_id) {
            self.wraps.insert(staff_id.to_string(), w);
            self.unwrapped.remove(staff_id);
        }
    }

    /// Whether `password` opens this account's pending wrap (`None`: there is none).
    pub fn pending_opens(&self, staff_id: &str, password: &str) -> Option<bool> {
        self.pending.get(staff_id).map(|p| p.open(password.as_bytes(), &staff_label(staff_id)).is_ok())
    }

    pub fn unwrap_recovery(&self, recovery: &RecoveryKey) -> Result<DataKey, KeyringError> {
        match &self.recovery {
            Some(w) => w.open(&recovery.0, RECOVERY_LABEL),
            None => Err(KeyringError::NoWrap),
        }
    }

    /// Seals `key` for this account (a new account, a reset password, a recovery).
    pub fn set_wrap(&mut self, key: &DataKey, staff_id: &str, password: &str) -> Result<(), KeyringError> {
        self.wraps.insert(staff_id.to_string(), Wrap::seal(key, password.as_bytes(), &staff_label(staff_id))?);
        self.unwrapped.remove(staff_id);
        Ok(())
    }

    pub fn save(&self, dir: &Path) -> Result<(), KeyringError> {
        write_atomic(&Self::path(dir), &serde_json::to_vec_pretty(self)?)?;
        Ok(())
    }

    /// Re-reads, changes and writes the keyring under the directory's lock (another process may
    /// be re-wrapping too).
    pub fn update<T>(dir: &Path, f: impl FnOnce(&mut Keyring) -> Result<T, KeyringError>) -> Result<T, KeyringError> {
        let _lock = lock(dir)?;
        let mut k = Self::load(dir)?;
        let v = f(&mut k)?;
        k.save(dir)?;
        Ok(v)
    }
}

impl Logins {
    pub fn load(dir: &Path) -> Result<Self, KeyringError> {
        match std::fs::read(dir.join(LOGINS_FILE)) {
            Ok(b) => Ok(serde_json::from_slice(&b)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes the file (callers hold [`lock`]).
    pub fn save(&self, dir: &Path) -> Result<(), KeyringError> {
        write_atomic(&dir.join(LOGINS_FILE), &serde_json::to_vec(self)?)?;
        Ok(())
    }

    /// Read-modify-write under the directory's lock; the file is written only when `f` says it
    /// changed something (a successful login with nothing to reset writes nothing).
    pub fn update<T>(dir: &Path, f: impl FnOnce(&mut Logins) -> (bool, T)) -> Result<T, KeyringError> {
        let _lock = lock(dir)?;
        let mut l = Self::load(dir)?;
        let (changed, v) = f(&mut l);
        if changed {
            write_atomic(&dir.join(LOGINS_FILE), &serde_json::to_vec(&l)?)?;
        }
        Ok(v)
    }
}

/// Holds the directory's keyring lock while alive.
pub struct DirLock(#[allow(dead_code)] std::fs::File);

pub fn lock(dir: &Path) -> Result<DirLock, KeyringError> {
    let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(dir.join(LOCK_FILE))?;
    restrict(&dir.join(LOCK_FILE), 0o600)?;
    f.lock()?;
    Ok(DirLock(f))
}

/// Temporary file (0600) in the same directory, fsync, rename over `path`, fsync the directory:
/// a reader sees the old file or the new one, never half of one, even after a power cut.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", uuid::Uuid::now_v7()));
    {
        let mut f = create_private(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    sync_dir(dir)
}

#[cfg(unix)]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrap_opens_with_its_password_and_its_account_only() {
        let key = DataKey::random();
        let rec = RecoveryKey::random();
        let k = Keyring::new(&key, "A001", "zhuguan-2026", &rec).unwrap();
        assert_eq!(k.unwrap_staff("A001", "zhuguan-2026").unwrap().0.as_ref(), key.0.as_ref());
        assert!(matches!(k.unwrap_staff("A001", "zhuguan-2025"), Err(KeyringError::Wrong)));
        assert!(matches!(k.unwrap_staff("A002", "zhuguan-2026"), Err(KeyringError::NoWrap)));
        // The staff id is bound: A001's wrap copied under another id does not open.
        let mut moved = Keyring { version: 1, ..Default::default() };
        moved.wraps.insert("A002".into(), k.wraps["A001"].clone());
        assert!(matches!(moved.unwrap_staff("A002", "zhuguan-2026"), Err(KeyringError::Wrong)));
        let typed = RecoveryKey::parse(&rec.display().to_lowercase()).unwrap();
        assert_eq!(k.unwrap_recovery(&typed).unwrap().0.as_ref(), key.0.as_ref());
        assert!(k.unwrap_recovery(&RecoveryKey::random()).is_err());
    }

    #[test]
    fn the_recovery_key_reads_back_as_typed() {
        let rec = RecoveryKey::random();
        let shown = rec.display();
        assert_eq!(shown.len(), 8 * 4 + 7, "{shown}");
        assert_eq!(RecoveryKey::parse(&shown.replace('-', " ")).unwrap().0.as_slice(), rec.0.as_slice());
        assert!(RecoveryKey::parse("ABCD").is_none());
        assert!(RecoveryKey::parse(&format!("{shown}U")).is_none(), "U is not Crockford");
    }

    #[cfg(unix)]
    #[test]
    fn files_are_written_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let k = Keyring::new(&DataKey::random(), "A001", "pw-123456", &RecoveryKey::random()).unwrap();
        k.save(dir.path()).unwrap();
        let mode = std::fs::metadata(Keyring::path(dir.path())).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(Keyring::load(dir.path()).unwrap().has_wrap("A001"));
    }
}
