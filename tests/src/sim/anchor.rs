//! The audit anchor (province-api.md v1.1): every POST body may carry `"audit_tip": {"seq", "hash"}`;
//! the province keeps the highest `seq` it was sent per station, with its hash, and answers it at
//! `GET /stations/me/audit-tip`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::SimState;

fn ensure_table(db: &Connection) {
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS audit_tip (
            station_id  TEXT PRIMARY KEY,
            seq         INTEGER NOT NULL,
            hash        TEXT NOT NULL,
            received_at TEXT NOT NULL
        )",
    )
    .unwrap();
}

fn station_of(db: &Connection, headers: &HeaderMap) -> Option<String> {
    let token = headers.get("authorization")?.to_str().ok()?.strip_prefix("Bearer ")?;
    db.query_row("SELECT station_id FROM station WHERE token = ?1 AND revoked = 0", [token], |r| r.get(0)).optional().ok().flatten()
}

/// Records the tip a POST carries (only a higher `seq` replaces the one held), then runs the handler.
pub async fn keep_audit_tip(State(s): State<Arc<SimState>>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if let Ok(v) = serde_json::from_slice::<Value>(&bytes) {
        let tip = &v["audit_tip"];
        if let (Some(seq), Some(hash)) = (tip["seq"].as_i64(), tip["hash"].as_str()) {
            let db = s.db();
            if let Some(station) = station_of(&db, &parts.headers) {
                ensure_table(&db);
                db.execute(
                    "INSERT INTO audit_tip (station_id, seq, hash, received_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (station_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, received_at = excluded.received_at
                     WHERE excluded.seq > audit_tip.seq",
                    params![station, seq, hash, super::api::server_time(&s)],
                )
                .unwrap();
            }
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// `GET /stations/me/audit-tip`: `{"seq", "hash", "received_at"}`, `seq: 0` when none was sent.
pub async fn audit_tip(State(s): State<Arc<SimState>>, headers: HeaderMap) -> Response {
    let db = s.db();
    let Some(station) = station_of(&db, &headers) else {
        let body =
            json!({"error": {"code": "UNAUTHORIZED", "message": "missing or unknown token"}, "server_time": super::api::server_time(&s)});
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    };
    ensure_table(&db);
    let tip: Option<(i64, String, String)> = db
        .query_row("SELECT seq, hash, received_at FROM audit_tip WHERE station_id = ?1", [&station], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .unwrap();
    let (seq, hash, received_at) = tip.map(|(a, b, c)| (json!(a), json!(b), json!(c))).unwrap_or((json!(0), Value::Null, Value::Null));
    let body = json!({"seq": seq, "hash": hash, "received_at": received_at, "server_time": super::api::server_time(&s)});
    (StatusCode::OK, axum::Json(body)).into_response()
}
