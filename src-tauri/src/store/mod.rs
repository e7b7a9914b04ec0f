//! The local store. Invariant: every connection is made by [`Store::open`], which applies the
//! migrations and the durability pragmas; nothing else opens the SQLite file.

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
}

impl From<StoreError> for DeskError {
    fn from(e: StoreError) -> Self {
        let full = matches!(&e, StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DiskFull);
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
    /// Opens (creating if needed) the store in `data_dir` and brings its schema up to date.
    pub fn open(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir)?;
        // The directory holds every candidate's identity and photo: the account's alone.
        restrict(data_dir, 0o700)?;
        let store = Self::open_file(&data_dir.join(DB_FILE))?;
        for suffix in ["", "-wal", "-shm"] {
            let f = data_dir.join(format!("{DB_FILE}{suffix}"));
            if f.exists() {
                restrict(&f, 0o600)?;
            }
        }
        Ok(store)
    }

    pub fn open_file(path: &Path) -> Result<Self, StoreError> {
        let mut conn = Connection::open(path)?;
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
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> std::io::Result<()> {
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
        let store = Store::open(&data).unwrap();
        store.write(|tx| tx.execute("INSERT INTO setting (key, value) VALUES ('probe', '1')", [])).unwrap();
        drop(store);
        let _again = Store::open(&data).unwrap();
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
        let store = Store::open(dir.path()).unwrap();
        let mode: String = store.conn().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        let sync: i64 = store.conn().pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
        let fk: i64 = store.conn().pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(sync, 2, "synchronous=FULL");
        assert_eq!(fk, 1);
    }
}
