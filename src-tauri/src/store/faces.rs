//! The face match: the score stored with a confirmation and the embeddings of confirmed faces
//! (for the 替考 check). Invariant: written only inside the confirmation's own transaction.

use rusqlite::{params, Connection};

/// One confirmed face: confirmation, id number, when, the embedding.
#[derive(Debug, Clone)]
pub struct StoredFace {
    pub confirmation_id: String,
    pub id_number: String,
    pub confirmed_at: String,
    pub vector: Vec<f32>,
}

fn blob(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn unblob(b: &[u8]) -> Vec<f32> {
    b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// Stores the score (and its model) on the confirmation, and the live face's embedding.
/// Call inside the confirmation's transaction, after [`super::confirmations::record`].
pub fn record(
    conn: &Connection,
    confirmation_id: &str,
    id_number: &str,
    confirmed_at: &str,
    model: &str,
    score: Option<f64>,
    vector: Option<&[f32]>,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE confirmation SET face_match_score = ?2, face_match_model = ?3 WHERE confirmation_id = ?1",
        params![confirmation_id, score, score.map(|_| model)],
    )?;
    if let Some(v) = vector {
        conn.execute(
            "INSERT INTO face_embedding (confirmation_id, id_number, model, vector, confirmed_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![confirmation_id, id_number, model, blob(v), confirmed_at],
        )?;
    }
    Ok(())
}

/// The stored score of a confirmation.
pub fn score(conn: &Connection, confirmation_id: &str) -> rusqlite::Result<Option<f64>> {
    conn.query_row("SELECT face_match_score FROM confirmation WHERE confirmation_id = ?1", [confirmation_id], |r| r.get(0))
}

/// Live (pending or accepted) confirmed faces of `model` whose `confirmed_at`, as written, falls
/// on a day from `from` to `to` (YYYY-MM-DD); the caller filters by the office day.
pub fn live_between_days(conn: &Connection, model: &str, from: &str, to: &str) -> rusqlite::Result<Vec<StoredFace>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.confirmation_id, f.id_number, f.confirmed_at, f.vector FROM face_embedding f
         JOIN confirmation c ON c.confirmation_id = f.confirmation_id
         WHERE f.model = ?1 AND substr(f.confirmed_at, 1, 10) BETWEEN ?2 AND ?3 AND c.state IN ('pending', 'accepted')
         ORDER BY f.confirmed_at",
    )?;
    let rows = stmt.query_map(params![model, from, to], |r| {
        Ok(StoredFace {
            confirmation_id: r.get(0)?,
            id_number: r.get(1)?,
            confirmed_at: r.get(2)?,
            vector: unblob(&r.get::<_, Vec<u8>>(3)?),
        })
    })?;
    rows.collect()
}
