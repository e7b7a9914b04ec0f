//! The application service. Invariant: the only module that orchestrates — it authorizes,
//! runs the domain rules against the store, and writes the audit chain in the same
//! transaction as the fact. The GUI and `zkctl` call it and hold no rules of their own.
//! Time is passed in (`now`) so every path can be tested at a fixed instant.

mod auth;
pub mod counter;
mod records;

pub use records::demo_card;
mod staff;
mod station;
mod status;

use std::path::Path;

use chrono::{DateTime, FixedOffset};

use crate::domain::DeskError;
use crate::store::Store;

pub use auth::{hash_password, Actor, Session};

/// The moment an action happens, as the caller's clock saw it.
pub type Now = DateTime<FixedOffset>;

pub struct Desk {
    store: Store,
}

impl Desk {
    pub fn open(data_dir: &Path) -> Result<Self, DeskError> {
        Ok(Self { store: Store::open(data_dir)? })
    }

    pub fn from_store(store: Store) -> Self {
        Self { store }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}

/// RFC 3339 with offset, as the province wants every time.
pub fn rfc3339(now: &Now) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}
