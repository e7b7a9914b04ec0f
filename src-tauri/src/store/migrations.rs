//! Schema migrations, embedded from `migrations/` at build time and applied by rusqlite_migration
//! (which tracks the version in `PRAGMA user_version`).

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

/// Numbered SQL files in order; append, never edit a released one.
const MIGRATIONS: &[&str] = &[
    include_str!("../../../migrations/0001_init.sql"),
    include_str!("../../../migrations/0002_supervisor_desk.sql"),
    include_str!("../../../migrations/0003_login_lockout.sql"),
    include_str!("../../../migrations/0005_face_match.sql"),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

pub fn apply(conn: &mut Connection) -> Result<(), rusqlite_migration::Error> {
    migrations().to_latest(conn)
}

/// The schema version a fully migrated file has.
pub fn latest_version() -> usize {
    MIGRATIONS.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().unwrap();
    }
}
