//! The application service. Invariant: the only module that orchestrates — it authorizes,
//! runs the domain rules against the store, and writes the audit chain in the same
//! transaction as the fact. The GUI and `zkctl` call it and hold no rules of their own.
//! Time is passed in (`now`) so every path can be tested at a fixed instant.

mod auth;
pub mod counter;
mod devices;
mod documents;
mod password;
mod keys;
mod records;
mod report;
mod session;
mod staff;
mod station;
mod settings;
mod status;
mod supervisor;
mod tasks;

pub use devices::{DeviceChoice, DEFAULT_CAMERA, DEFAULT_READER};
pub use records::demo_card;
pub use keys::{store_state, StoreState, Unlocked};
pub use documents::ExportFormat;
pub use tasks::TaskDecision;

use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};

use crate::domain::eligibility::RefusalCode;
use crate::domain::DeskError;
use crate::keyring::DataKey;
use crate::store::Store;

pub use auth::{hash_password, Actor, Session};

/// The moment an action happens, as the caller's clock saw it.
pub type Now = DateTime<FixedOffset>;

pub struct Desk {
    store: Store,
    /// The data directory (the keyring and the login counters live beside the store).
    dir: PathBuf,
    /// The store's key, kept to wrap it for new and reset accounts; `None` only over a
    /// plaintext store of an earlier version that has not been encrypted yet.
    key: Option<DataKey>,
    /// The vendor WLT decoder (chip photos), when one is configured.
    wlt: Option<crate::idcard::wlt::WltDecoder>,
    /// Keys the blacklist's entry keys (`records::entry_key`): random per process, so a key
    /// names a row to the UI that listed it without revealing the id number behind the mask.
    entry_key_secret: [u8; 32],
}

impl Desk {
    /// Opens the encrypted store with its key (already unwrapped: the GUI's scheduler after the
    /// first login, tests). People open it with [`Desk::unlock`].
    pub fn open_with_key(data_dir: &Path, key: &DataKey) -> Result<Self, DeskError> {
        let desk = Self::over(Store::open(data_dir, key)?, data_dir, Some(key.clone()));
        desk.append_queued_events()?;
        Ok(desk)
    }

    /// A desk over a store opened elsewhere (a plaintext store in tests of the migration).
    pub fn over(store: Store, data_dir: &Path, key: Option<DataKey>) -> Self {
        Self {
            store,
            dir: data_dir.to_path_buf(),
            key,
            wlt: crate::idcard::wlt::WltDecoder::from_env(),
            entry_key_secret: rand::random(),
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The data key, for another connection of this process (the sync scheduler).
    pub fn data_key(&self) -> Option<&DataKey> {
        self.key.as_ref()
    }

    pub fn data_dir(&self) -> &Path {
        &self.dir
    }
}

/// RFC 3339 with offset, as the province wants every time.
pub fn rfc3339(now: &Now) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

impl From<crate::idcard::gb11643::IdNumberError> for DeskError {
    fn from(e: crate::idcard::gb11643::IdNumberError) -> Self {
        DeskError::invalid(e.message(), e.to_string())
    }
}

/// A photo that cannot be made at all (undecodable, no face to crop) refuses the candidate's photo.
impl From<crate::photo::PhotoError> for DeskError {
    fn from(e: crate::photo::PhotoError) -> Self {
        let mut d = DeskError::refused(RefusalCode::PhotoRejected, e.message());
        d.detail = format!("photo rejected: {e}");
        d
    }
}
