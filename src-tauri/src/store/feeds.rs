//! Feed cursors. Invariant: a cursor is written in the same transaction as the page it follows.

use rusqlite::{params, Connection, OptionalExtension};

/// The province's pull feeds, by their `feed_cursor.feed` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    Registrations,
    ReviewTasks,
}

impl Feed {
    pub fn as_str(self) -> &'static str {
        match self {
            Feed::Registrations => "registrations",
            Feed::ReviewTasks => "review_tasks",
        }
    }
}

pub fn cursor(conn: &Connection, feed: Feed) -> rusqlite::Result<Option<String>> {
    Ok(conn.query_row("SELECT cursor FROM feed_cursor WHERE feed = ?1", [feed.as_str()], |r| r.get(0)).optional()?.flatten())
}

pub fn set_cursor(conn: &Connection, feed: Feed, cursor: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO feed_cursor (feed, cursor, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (feed) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at",
        params![feed.as_str(), cursor, now],
    )?;
    Ok(())
}

/// Starts every feed afresh (a new enrollment: the cache may belong to another station).
pub fn reset_all(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM feed_cursor", [])?;
    Ok(())
}
