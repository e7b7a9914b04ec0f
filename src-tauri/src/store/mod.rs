//! The local store. Invariant: every connection is made by [`Store::open`], which sets the
//! SQLCipher key first, then the durability pragmas and the migrations; nothing else opens the
//! SQLite file. The file is encrypted (SQLCipher, a random raw key held only wrapped in
//! [`crate::keyring`]); [`Store::open_plaintext`] reads the unencrypted format of earlier
//! versions, for the in-place migration ([`Store::export_encrypted`]) and its test.

pub mod audit;
pub mod blocks;
pub mod blacklist;
pub mod confirmations;
pub mod faces;
pub mod feeds;
pub mod migrations;
pub mod outbox;
pub mod registrations;
pub mod review_tasks;
pub mod revocations;
pub mod settings;
pub mod signoffs;
pub mod staff;
pub mod station;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::domain::DeskError;
use crate::files::restrict;
use crate::keyring::DataKey;

/// The file name inside the data directory.
pub const DB_FILE: &str = "zkdesk.sqlite3";

/// How long a writer waits for another process (the app, a `zkctl`) to finish its transaction.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
    /// SQLCipher answered "file is not a database": the key is not this file's (or the file is
    /// encrypted and no key was given).
    #[error("wrong key or not a database: {0}")]
    WrongKey(rusqlite::Error),
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase)
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        let full = matches!(&e, StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DiskFull);
        if matches!(e, StoreError::WrongKey(_)) {
            return DeskError::new(
                crate::domain::ErrorCode::Storage,
                "无法打开本地数据库：密钥不正确（数据库已加密）",
                e.to_string(),
            );
        }
        if full {
            DeskError::new(
                crate::domain::ErrorCode::Storage,
                "磁盘空间已满，本次操作未保存，请清理磁盘后重试（已保存的数据不受影响）",
                format!("disk full: {e}"),
            )
        } else {
            DeskError::storage(e)
        }
    }
}

impl From<rusqlite::Error> for DeskError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl Store {
    /// Opens (creating if needed) the encrypted store in `data_dir` with `key` and brings its
    /// schema up to date. A key that is not the file's is [`StoreError::WrongKey`].
    pub fn open(data_dir: &Path, key: &DataKey) -> Result<Self, StoreError> {
        Self::open_in(data_dir, Some(key))
    }

    /// The unencrypted file of versions before encryption at rest. Only the migration to an
    /// encrypted file (and the test that builds such a file) opens one.
    pub fn open_plaintext(data_dir: &Path) -> Result<Self, StoreError> {
        Self::open_in(data_dir, None)
    }

    fn open_in(data_dir: &Path, key: Option<&DataKey>) -> Result<Self, StoreError> {
        prepare_dir(data_dir)?;
        let store = Self::open_file(&data_dir.join(DB_FILE), key)?;
        restrict_files(data_dir)?;
        Ok(store)
    }

    pub fn open_file(path: &Path, key: Option<&DataKey>) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
        if let Some(key) = key {
            // The key comes before anything else touches the file; a raw key (x'…') skips
            // SQLCipher's PBKDF2, which a random 256-bit key does not need.
            conn.pragma_update(None, "key", &*key.sqlcipher_literal())?;
        }
        // The first read is where a wrong key (or a missing one) shows.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(|e| {
            if is_not_a_database(&e) {
                StoreError::WrongKey(e)
            } else {
                e.into()
            }
        })?;
        // WAL lets the GUI read while sync writes; FULL makes a committed confirmation survive power loss.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Writers queue on the lock for up to this long instead of failing (see `write`).
        conn.busy_timeout(BUSY_TIMEOUT)?;
        migrations::apply(&mut conn)?;
        Ok(Self { conn, path: path.to_path_buf() })
    }

    /// For reads. Writes go through [`Store::write`].
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one write transaction and commits it when `f` succeeds (rolls back otherwise).
    /// `BEGIN IMMEDIATE` takes the write lock up front: a deferred transaction that reads and then
    /// writes cannot wait for a lock another process holds (SQLite answers SQLITE_BUSY at once), so
    /// two writers would fail instead of queueing on the busy timeout.
    pub fn write<T, E>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// The schema version (`PRAGMA user_version`, kept by the migrations).
    pub fn schema_version(&self) -> rusqlite::Result<i64> {
        self.conn.pragma_query_value(None, "user_version", |r| r.get(0))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies this (plaintext) store into a new encrypted file at `dest` with `sqlcipher_export`,
    /// schema version included, and syncs it to disk. The source is left as it was.
    pub fn export_encrypted(&self, dest: &Path, key: &DataKey) -> Result<(), StoreError> {
        let version = self.schema_version()?;
        let dest_text = dest.to_str().ok_or_else(|| std::io::Error::other("data directory path is not UTF-8"))?;
        self.conn.execute("ATTACH DATABASE ?1 AS encrypted KEY ?2", rusqlite::params![dest_text, &*key.sqlcipher_literal()])?;
        let exported = self
            .conn
            .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
            .and_then(|_| self.conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};")));
        self.conn.execute_batch("DETACH DATABASE encrypted")?;
        exported?;
        std::fs::File::open(dest)?.sync_all()?;
        Ok(())
    }

    /// Moves every WAL frame into the main file and empties the WAL (before the file is replaced).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

/// The header every unencrypted SQLite file starts with; an SQLCipher file starts with its salt.
pub const PLAINTEXT_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Whether the store file in `data_dir` is an unencrypted SQLite file (`None`: no file or empty).
pub fn is_plaintext(data_dir: &Path) -> std::io::Result<Option<bool>> {
    use std::io::Read;
    let mut head = [0u8; 16];
    match std::fs::File::open(data_dir.join(DB_FILE)) {
        Ok(mut f) => match f.read_exact(&mut head) {
            Ok(()) => Ok(Some(&head == PLAINTEXT_HEADER)),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(None),
            Err(e) => Err(e),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Creates the data directory, the account's alone (it holds every candidate's identity and photo).
pub fn prepare_dir(data_dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(data_dir)?;
    restrict(data_dir, 0o700)
}

fn restrict_files(data_dir: &Path) -> std::io::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let f = data_dir.join(format!("{DB_FILE}{suffix}"));
        if f.exists() {
            restrict(&f, 0o600)?;
        }
    }
    Ok(())
}

/// The application identifier; the GUI's `tauri.conf.json` uses the same one, so the app and
/// `zkctl` find the same data directory.
pub const APP_IDENTIFIER: &str = "cn.zkdesk.station";

/// The default data directory, `$XDG_DATA_HOME/<identifier>` (as Tauri's `app_data_dir`).
pub fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join(APP_IDENTIFIER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_data_directory_and_files_are_the_accounts_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let key = DataKey::random();
        let store = Store::open(&data, &key).unwrap();
        store.write(|tx| tx.execute("INSERT INTO setting (key, value) VALUES ('probe', '1')", [])).unwrap();
        drop(store);
        let _again = Store::open(&data, &key).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        for suffix in ["", "-wal", "-shm"] {
            let f = data.join(format!("{DB_FILE}{suffix}"));
            if f.exists() {
                assert_eq!(mode(&f), 0o600, "{}", f.display());
            }
        }
    }

    #[test]
    fn pragmas_are_set() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &DataKey::random()).unwrap();
        let mode: String = store.conn().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        let sync: i64 = store.conn().pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
        let fk: i64 = store.conn().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        assert_eq!(fk, 1);
    }

    #[test]
    fn another_key_or_none_cannot_open_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::random();
        drop(Store::open(dir.path(), &key).unwrap());
        assert_eq!(is_plaintext(dir.path()).unwrap(), Some(false));
        assert!(matches!(Store::open(dir.path(), &DataKey::random()), Err(StoreError::WrongKey(_))));
        assert!(matches!(Store::open_plaintext(dir.path()), Err(StoreError::WrongKey(_))));
        assert!(Store::open(dir.path(), &key).is_ok());
    }
}
