//! The province simulator: a real HTTP server (axum) backed by SQLite that implements
//! `province-api.md` — exactly-once per client id, one confirmation per registration across
//! stations, feeds with cursors that never skip, number blocks, every rejection code — plus
//! fault injection. Tests start it in-process on loopback and read its state directly.

mod anchor;
mod api;
pub mod faults;
pub mod seed;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::SeedableRng;
use rusqlite::Connection;

pub use faults::Faults;

pub const BASE_PATH: &str = "/api/county/v1";

pub struct SimState {
    pub db: Mutex<Connection>,
    pub faults: Mutex<Faults>,
    pub rng: Mutex<StdRng>,
    /// Items sent again under a client id already decided, by kind (answered `duplicate`).
    pub resends: Mutex<std::collections::BTreeMap<String, u64>>,
}

/// A running simulator.
pub struct Sim {
    pub state: Arc<SimState>,
    pub addr: SocketAddr,
    pub codes: Vec<String>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl SimState {
    pub fn new(conn: Connection, seed: u64) -> Arc<Self> {
        Arc::new(SimState {
            db: Mutex::new(conn),
            faults: Mutex::new(Faults::none()),
            rng: Mutex::new(StdRng::seed_from_u64(seed)),
            resends: Mutex::default(),
        })
    }

    pub fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_faults(&self, f: Faults) {
        *self.faults.lock().unwrap_or_else(|p| p.into_inner()) = f;
    }

    /// Makes a new version of a registration (as an online change would), with `edit` applied.
    pub fn change_registration(&self, registration_id: &str, edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
        let db = self.db();
        let (body, region): (String, String) = db
            .query_row("SELECT body, region_code FROM registration WHERE registration_id = ?1", [registration_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("registration exists");
        let mut reg: serde_json::Value = serde_json::from_str(&body).unwrap();
        edit(&mut reg);
        api::save_registration(&db, reg, &region)
    }

    /// Makes a new version of a review task (as the online side would), with `edit` applied.
    pub fn change_task(&self, task_id: &str, edit: impl FnOnce(&mut serde_json::Value)) -> serde_json::Value {
        let db = self.db();
        let (body, county): (String, String) = db
            .query_row("SELECT body, county_code FROM review_task WHERE task_id = ?1", [task_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("task exists");
        let mut task: serde_json::Value = serde_json::from_str(&body).unwrap();
        edit(&mut task);
        api::save_task(&db, task, &county)
    }

    /// How many items of `kind` were sent again after the province had decided them.
    pub fn resends(&self, kind: &str) -> u64 {
        self.resends.lock().unwrap_or_else(|p| p.into_inner()).get(kind).copied().unwrap_or(0)
    }

    /// A scalar from the simulator's own database (for test assertions).
    pub fn scalar(&self, sql: &str) -> i64 {
        self.db().query_row(sql, [], |r| r.get(0)).expect("simulator query")
    }
}

/// Opens the simulator's database (a file, or memory with `None`) with its schema.
pub fn open_db(path: Option<&std::path::Path>) -> rusqlite::Result<Connection> {
    let conn = match path {
        Some(p) => Connection::open(p)?,
        None => Connection::open_in_memory()?,
    };
    conn.pragma_update(None, "journal_mode", "WAL")?;
    let has_schema: i64 = conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'station'", [], |r| r.get(0))?;
    if has_schema == 0 {
        conn.execute_batch(include_str!("schema.sql"))?;
    }
    Ok(conn)
}

pub fn router(state: Arc<SimState>) -> axum::Router {
    api::router(state)
}

impl Sim {
    /// Starts a seeded simulator on 127.0.0.1 (port 0 = any) on its own runtime.
    pub fn start(county: &str, registrations: usize, seed: u64) -> Sim {
        let mut conn = open_db(None).expect("simulator db");
        let codes = seed::seed(&mut conn, &seed::SeedOptions { county: county.into(), registrations, seed }).expect("seed");
        Self::serve(SimState::new(conn, seed), codes, 0)
    }

    pub fn serve(state: Arc<SimState>, codes: Vec<String>, port: u16) -> Sim {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let listener = runtime.block_on(tokio::net::TcpListener::bind(("127.0.0.1", port))).expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let app = router(state.clone());
        runtime.spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Sim { state, addr, codes, runtime: Some(runtime) }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, BASE_PATH)
    }

    /// Blocks the calling thread until the process is stopped (for the binary).
    pub fn wait_forever(mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.block_on(std::future::pending::<()>());
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}
