//! The HTTP surface of the simulator: every endpoint of `province-api.md`, with its error
//! format, plus `/_sim/*` controls for tests.

// axum answers are the natural error type of a handler step.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use rand::Rng;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::faults::Faults;
use super::seed::{self, SITTING};
use super::{SimState, BASE_PATH};

type S = State<Arc<SimState>>;

const MAX_BATCH_ITEMS: usize = 50;
const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;
const REFERENCE_ETAG: &str = "\"ref-2026-11\"";

pub fn router(state: Arc<SimState>) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/stations/enroll", post(enroll))
        .route("/reference", get(reference))
        .route("/registrations", get(registrations))
        .route("/number-blocks", post(number_blocks))
        .route("/confirmations", post(confirmations).get(confirmations_of_day))
        .route("/revocations", post(revocations))
        .route("/review-tasks", get(review_tasks))
        .route("/review-decisions", post(review_decisions))
        .route("/password-resets", post(password_resets))
        .route("/stations/me/audit-tip", get(super::anchor::audit_tip))
        .layer(middleware::from_fn_with_state(state.clone(), super::anchor::keep_audit_tip))
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024));
    Router::new().nest(BASE_PATH, api).route("/_sim/faults", get(get_faults).post(set_faults)).with_state(state)
}

fn faults(s: &SimState) -> Faults {
    s.faults.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

fn roll(s: &SimState, p: f64) -> bool {
    p > 0.0 && s.rng.lock().unwrap_or_else(|e| e.into_inner()).gen_bool(p.min(1.0))
}

/// The province's clock, with the injected offset, in China time.
pub fn server_time(s: &SimState) -> String {
    let offset = chrono::Duration::milliseconds(faults(s).clock_offset_ms);
    let tz = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
    (chrono::Utc::now() + offset).with_timezone(&tz).to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

fn ok(s: &SimState, mut body: Value) -> Response {
    body["server_time"] = Value::String(server_time(s));
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn err(s: &SimState, status: StatusCode, code: &str, message: &str) -> Response {
    (status, axum::Json(json!({"error": {"code": code, "message": message}, "server_time": server_time(s)}))).into_response()
}

async fn inject_faults(State(s): S, req: Request, next: Next) -> Response {
    let f = faults(&s);
    if f.slow_ms > 0 {
        tokio::time::sleep(Duration::from_millis(f.slow_ms)).await;
    }
    let is_health = req.uri().path().ends_with("/health");
    if let Some(to) = &f.redirect_to {
        let rest = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("").trim_start_matches(BASE_PATH).to_string();
        let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
        r.headers_mut().insert("location", HeaderValue::from_str(&format!("{to}{rest}")).unwrap());
        return r;
    }
    if f.unauthorized && !is_health && !req.uri().path().ends_with("/stations/enroll") {
        return err(&s, StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "station token revoked");
    }
    if roll(&s, f.rate_limit) {
        let mut r = err(&s, StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED", "slow down");
        r.headers_mut().insert("retry-after", HeaderValue::from(f.retry_after_s));
        return r;
    }
    if roll(&s, f.error_5xx) {
        let status = if roll(&s, 0.5) { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::INTERNAL_SERVER_ERROR };
        return err(&s, status, "UNAVAILABLE", "try again");
    }
    let resp = next.run(req).await;
    if !resp.status().is_success() || is_health {
        return resp;
    }
    let drop_it = roll(&s, f.drop_after_commit);
    let truncate = !drop_it && roll(&s, f.truncate_json);
    if !drop_it && !truncate && f.oversized_bytes == 0 && f.drip_body_ms == 0 {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    if f.drip_body_ms > 0 {
        // Headers now, then 16 bytes per pause: each read is quick, the whole body is not.
        let pause = Duration::from_millis(f.drip_body_ms);
        let chunks: Vec<Bytes> = bytes.chunks(16).map(Bytes::copy_from_slice).collect();
        let stream = futures_util::stream::unfold(chunks.into_iter(), move |mut it| async move {
            tokio::time::sleep(pause).await;
            it.next().map(|c| (Ok::<Bytes, std::io::Error>(c), it))
        });
        let mut parts = parts;
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from_stream(stream));
    }
    if f.oversized_bytes > 0 {
        let mut big = Vec::with_capacity(f.oversized_bytes + 16);
        big.extend_from_slice(b"{\"pad\":\"");
        big.resize(f.oversized_bytes, b'x');
        big.extend_from_slice(b"\"}");
        return Response::from_parts(parts, Body::from(big));
    }
    let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
    if truncate {
        let mut parts = parts;
        parts.headers.remove(axum::http::header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(half));
    }
    // The work is committed; the answer never arrives whole.
    let stream = futures_util::stream::iter(vec![
        Ok::<Bytes, std::io::Error>(half),
        Err(std::io::Error::other("connection dropped by fault injection")),
    ]);
    let mut parts = parts;
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from_stream(stream))
}

async fn get_faults(State(s): S) -> Response {
    axum::Json(faults(&s)).into_response()
}

async fn set_faults(State(s): S, axum::Json(f): axum::Json<Faults>) -> Response {
    s.set_faults(f);
    StatusCode::NO_CONTENT.into_response()
}

async fn health(State(s): S) -> Response {
    ok(&s, json!({"status": "ok"}))
}

struct Station {
    station_id: String,
    county_code: String,
    region_code: String,
}

fn authenticate(s: &SimState, db: &Connection, headers: &HeaderMap) -> Result<Station, Response> {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("");
    db.query_row("SELECT station_id, county_code, region_code FROM station WHERE token = ?1 AND revoked = 0", [token], |r| {
        Ok(Station { station_id: r.get(0)?, county_code: r.get(1)?, region_code: r.get(2)? })
    })
    .optional()
    .ok()
    .flatten()
    .ok_or_else(|| err(s, StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "missing or unknown token"))
}

fn parse_json(s: &SimState, body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| err(s, StatusCode::BAD_REQUEST, "BAD_REQUEST", &format!("invalid JSON: {e}")))
}

async fn enroll(State(s): S, body: Bytes) -> Response {
    let req = match parse_json(&s, &body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let code = req["enrollment_code"].as_str().unwrap_or("");
    let device = req["device_name"].as_str().unwrap_or("workstation");
    let db = s.db();
    let row: Option<(String, Option<String>)> = db
        .query_row("SELECT county_code, used_by FROM enrollment_code WHERE code = ?1", [code], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .unwrap();
    let Some((county, used_by)) = row else {
        return err(&s, StatusCode::NOT_FOUND, "NOT_FOUND", "unknown enrollment code");
    };
    if used_by.is_some() {
        return err(&s, StatusCode::CONFLICT, "ALREADY_USED", "enrollment code already used");
    }
    let (region, region_name, county_name) = seed::county_name(&county).unwrap_or_default();
    let n: i64 = db.query_row("SELECT COUNT(*) FROM station WHERE county_code = ?1", [&county], |r| r.get(0)).unwrap();
    let station_id = format!("ST-{county}-{:02}", n + 1);
    let token = uuid::Uuid::now_v7().simple().to_string();
    db.execute(
        "INSERT INTO station (station_id, token, county_code, region_code, device_name) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![station_id, token, county, region, device],
    )
    .unwrap();
    db.execute("UPDATE enrollment_code SET used_by = ?1 WHERE code = ?2", params![station_id, code]).unwrap();
    drop(db);
    ok(
        &s,
        json!({"station_id": station_id, "token": token, "region": {"code": region, "name": region_name},
               "county": {"code": county, "name": county_name}, "office_name": format!("{region_name}{county_name}自学考试办公室")}),
    )
}

async fn reference(State(s): S, headers: HeaderMap) -> Response {
    {
        let db = s.db();
        if let Err(r) = authenticate(&s, &db, &headers) {
            return r;
        }
    }
    if headers.get("if-none-match").and_then(|v| v.to_str().ok()) == Some(REFERENCE_ETAG) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut regions: Vec<Value> = Vec::new();
    for (rc, rn, cc, cn) in seed::regions() {
        match regions.iter_mut().find(|r| r["code"] == rc.as_str()) {
            Some(r) => r["counties"].as_array_mut().unwrap().push(json!({"code": cc, "name": cn})),
            None => regions.push(json!({"code": rc, "name": rn, "counties": [{"code": cc, "name": cn}]})),
        }
    }
    let majors: Vec<Value> =
        seed::majors().into_iter().map(|(c, n, l, u)| json!({"code": c, "name": n, "level": l, "chief_university": u})).collect();
    let nations: Vec<Value> =
        seed::NATIONS.lines().skip(1).filter_map(|l| l.split_once('\t')).map(|(c, n)| json!({"code": c, "name": n.trim()})).collect();
    let mut r = ok(&s, json!({"revision": "2026-11", "regions": regions, "majors": majors, "nations": nations}));
    r.headers_mut().insert("etag", HeaderValue::from_static(REFERENCE_ETAG));
    r
}

/// Parses `cursor` (opaque to clients: `c<seq>`) and `limit`.
/// A paged GET: the station behind the token, then the cursor and limit it asked for.
fn paged_request(s: &SimState, db: &Connection, headers: &HeaderMap, q: &HashMap<String, String>) -> Result<(Station, i64, i64), Response> {
    let st = authenticate(s, db, headers)?;
    let (cursor, limit) = page_args(s, q)?;
    Ok((st, cursor, limit))
}

fn page_args(s: &SimState, q: &HashMap<String, String>) -> Result<(i64, i64), Response> {
    let cursor = match q.get("cursor").map(String::as_str) {
        None | Some("") => 0,
        Some(c) => {
            c.strip_prefix('c').and_then(|n| n.parse().ok()).ok_or_else(|| err(s, StatusCode::BAD_REQUEST, "BAD_REQUEST", "bad cursor"))?
        }
    };
    let limit = match q.get("limit") {
        None => 500,
        Some(l) => l
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=1000).contains(l))
            .ok_or_else(|| err(s, StatusCode::BAD_REQUEST, "BAD_REQUEST", "limit must be 1..1000"))?,
    };
    Ok((cursor, limit))
}

fn feed(s: &SimState, db: &Connection, sql: &str, scope: &str, cursor: i64, limit: i64) -> Response {
    let f = faults(s);
    let limit = limit + f.extra_items as i64;
    let mut stmt = db.prepare(sql).unwrap();
    let rows: Vec<(i64, Value)> = stmt
        .query_map(params![scope, cursor, limit + 1], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|row| row.map(|(seq, body)| (seq, serde_json::from_str(&body).unwrap())).unwrap())
        .collect();
    page(s, rows, cursor, limit, f.stuck_cursor)
}

/// One page of `(seq, item)` rows fetched with `LIMIT limit + 1`: the extra row only says there
/// is more. A stuck cursor (a fault) answers the same cursor and `has_more` forever.
fn page(s: &SimState, rows: Vec<(i64, Value)>, cursor: i64, limit: i64, stuck_cursor: bool) -> Response {
    let has_more = rows.len() as i64 > limit || stuck_cursor;
    let items: Vec<(i64, Value)> = rows.into_iter().take(limit as usize).collect();
    let next = if stuck_cursor { cursor } else { items.last().map(|r| r.0).unwrap_or(cursor) };
    let items: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
    ok(s, json!({"items": items, "next_cursor": format!("c{next}"), "has_more": has_more}))
}

async fn registrations(State(s): S, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let db = s.db();
    let (st, cursor, limit) = match paged_request(&s, &db, &headers, &q) {
        Ok(a) => a,
        Err(r) => return r,
    };
    feed(
        &s,
        &db,
        "SELECT seq, body FROM reg_change WHERE region_code = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        &st.region_code,
        cursor,
        limit,
    )
}

async fn review_tasks(State(s): S, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let db = s.db();
    let (st, cursor, limit) = match paged_request(&s, &db, &headers, &q) {
        Ok(a) => a,
        Err(r) => return r,
    };
    feed(
        &s,
        &db,
        "SELECT seq, body FROM task_change WHERE county_code = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        &st.county_code,
        cursor,
        limit,
    )
}

fn prefix_for(county: &str) -> String {
    format!("{}{SITTING}", &county[2..6])
}

/// Takes `n` sequences from the county's counter (blocks and province-assigned numbers share it).
fn take_seqs(db: &Connection, prefix: &str, n: i64) -> i64 {
    db.execute("INSERT OR IGNORE INTO number_seq (prefix, next) VALUES (?1, 1)", [prefix]).unwrap();
    let first: i64 = db.query_row("SELECT next FROM number_seq WHERE prefix = ?1", [prefix], |r| r.get(0)).unwrap();
    db.execute("UPDATE number_seq SET next = next + ?2 WHERE prefix = ?1", params![prefix, n]).unwrap();
    first
}

async fn number_blocks(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    let mut db = s.db();
    let st = match authenticate(&s, &db, &headers) {
        Ok(st) => st,
        Err(r) => return r,
    };
    let req = match parse_json(&s, &body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (Some(request_id), Some(size)) = (req["request_id"].as_str(), req["size"].as_i64()) else {
        return err(&s, StatusCode::BAD_REQUEST, "BAD_REQUEST", "request_id and size are required");
    };
    if !(1..=1000).contains(&size) {
        return err(&s, StatusCode::BAD_REQUEST, "BAD_REQUEST", "size must be 1..1000");
    }
    let tx = db.transaction().unwrap();
    let existing: Option<String> =
        tx.query_row("SELECT answer FROM block WHERE request_id = ?1", [request_id], |r| r.get(0)).optional().unwrap();
    let answer = match existing {
        Some(a) => serde_json::from_str::<Value>(&a).unwrap(),
        None => {
            let prefix = prefix_for(&st.county_code);
            let first = take_seqs(&tx, &prefix, size);
            let block_id = format!("B{}-{first}", prefix);
            let answer = json!({"block_id": block_id, "prefix": prefix, "first_seq": first, "last_seq": first + size - 1, "valid_until": "2027-04-30T23:59:59+08:00"});
            tx.execute(
                "INSERT INTO block (block_id, request_id, station_id, prefix, first_seq, last_seq, answer) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![block_id, request_id, st.station_id, prefix, first, first + size - 1, answer.to_string()],
            )
            .unwrap();
            answer
        }
    };
    tx.commit().unwrap();
    drop(db);
    let mut answer = answer;
    if let Some(serde_json::Value::Object(patch)) = faults(&s).block_patch {
        for (k, v) in patch {
            answer[k] = v;
        }
    }
    ok(&s, answer)
}

/// Reads a batch: 413 past the limits, 400 when it is not `{"items": [...]}`.
fn batch(s: &SimState, body: &Bytes) -> Result<Vec<Value>, Response> {
    let limit = match faults(s).max_request_bytes {
        0 => MAX_BATCH_BYTES,
        n => n,
    };
    if body.len() > limit {
        return Err(err(s, StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE", "request larger than 8 MiB"));
    }
    let v = parse_json(s, body)?;
    let items = v["items"].as_array().cloned().ok_or_else(|| err(s, StatusCode::BAD_REQUEST, "BAD_REQUEST", "items must be an array"))?;
    if items.len() > MAX_BATCH_ITEMS {
        return Err(err(s, StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE", "more than 50 items"));
    }
    Ok(items)
}

fn reason(code: &str, message: &str) -> Value {
    json!({"code": code, "message": message})
}

/// Returns the stored first outcome of a client id, marked `duplicate`.
fn seen(tx: &Connection, client_id: &str) -> Option<Value> {
    let r: Option<String> = tx.query_row("SELECT result FROM outcome WHERE client_id = ?1", [client_id], |r| r.get(0)).optional().unwrap();
    r.map(|r| {
        let mut v: Value = serde_json::from_str(&r).unwrap();
        v["status"] = json!("duplicate");
        v
    })
}

fn remember(tx: &Connection, client_id: &str, kind: &str, result: &Value) {
    tx.execute("INSERT INTO outcome (client_id, kind, result) VALUES (?1, ?2, ?3)", params![client_id, kind, result.to_string()]).unwrap();
}

fn registration(tx: &Connection, id: &str) -> Option<(Value, String)> {
    tx.query_row("SELECT body, region_code FROM registration WHERE registration_id = ?1", [id], |r| Ok((r.get::<_, String>(0)?, r.get(1)?)))
        .optional()
        .unwrap()
        .map(|(b, region)| (serde_json::from_str(&b).unwrap(), region))
}

/// Writes a new version of a review task (v1.1: every change raises it) and its feed entry.
pub fn save_task(tx: &Connection, mut task: Value, county: &str) -> Value {
    let v = task["version"].as_i64().unwrap_or(0) + 1;
    task["version"] = json!(v);
    let id = task["task_id"].as_str().unwrap().to_string();
    tx.execute(
        "UPDATE review_task SET status = ?2, version = ?3, body = ?4 WHERE task_id = ?1",
        params![id, task["status"].as_str(), v, task.to_string()],
    )
    .unwrap();
    tx.execute("INSERT INTO task_change (task_id, county_code, body) VALUES (?1, ?2, ?3)", params![id, county, task.to_string()]).unwrap();
    task
}

/// Writes a new version of a registration and its feed entry.
pub fn save_registration(tx: &Connection, mut reg: Value, region: &str) -> Value {
    let v = reg["version"].as_i64().unwrap_or(0) + 1;
    reg["version"] = json!(v);
    let body = reg.to_string();
    let id = reg["registration_id"].as_str().unwrap().to_string();
    tx.execute(
        "UPDATE registration SET version = ?2, status = ?3, body = ?4 WHERE registration_id = ?1",
        params![id, v, reg["status"].as_str(), body],
    )
    .unwrap();
    tx.execute("INSERT INTO reg_change (registration_id, region_code, body) VALUES (?1, ?2, ?3)", params![id, region, body]).unwrap();
    reg
}

/// Decides one confirmation. `Err` is a rejection code and message.
fn decide_confirmation(tx: &Connection, st: &Station, item: &Value) -> Result<Value, (String, String)> {
    let rej = |c: &str, m: &str| Err((c.to_string(), m.to_string()));
    let (Some(reg_id), Some(reg_version)) = (item["registration_id"].as_str(), item["registration_version"].as_i64()) else {
        return rej("VALIDATION", "registration_id and registration_version are required");
    };
    if item["station_id"].as_str() != Some(&st.station_id) {
        return rej("VALIDATION", "station_id is not the authenticated station");
    }
    let Some((reg, region)) = registration(tx, reg_id) else { return rej("NOT_FOUND", "no such registration") };
    if reg["county_code"].as_str() != Some(&st.county_code) {
        return rej("WRONG_COUNTY", "registration belongs to another county");
    }
    match reg["status"].as_str() {
        Some("pre_registered") => {}
        Some("confirmed") => return rej("ALREADY_CONFIRMED", "registration already confirmed"),
        _ => return rej("NOT_ELIGIBLE", "registration is not waiting for confirmation"),
    }
    if reg["version"].as_i64() != Some(reg_version) {
        return rej("STALE_VERSION", "registration changed; pull and re-check");
    }
    let flags: Vec<&str> = item["flags"].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
    if item["card"]["id_number"] != reg["id_number"] || (item["card"]["name"] != reg["name"] && !flags.contains(&"name_mismatch")) {
        return rej("IDENTITY_MISMATCH", "card does not match the registration");
    }
    let photo = &item["photo"];
    let jpeg = photo["jpeg_base64"].as_str().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok()).unwrap_or_default();
    let sha_ok = photo["sha256"].as_str() == Some(&hex::encode(Sha256::digest(&jpeg)));
    let shape_ok = photo["width"] == 480 && photo["height"] == 640 && photo["dpi"] == 300;
    if !sha_ok || !shape_ok || !(20_000..=40_000).contains(&jpeg.len()) || !jpeg.starts_with(&[0xFF, 0xD8]) {
        return rej("INVALID_PHOTO", "photo does not meet the specification");
    }
    if reg["upgrade"] == true {
        let prior = reg["prior_education"]["status"].as_str().unwrap_or("");
        if !matches!(prior, "verified" | "approved") && !flags.contains(&"paper_prior_education") {
            return rej("NOT_ELIGIBLE", "prior education not verified");
        }
    }
    let number = if reg["kind"] == "enrolled" {
        let held = reg["admission_number"].as_str().unwrap_or("").to_string();
        if !item["admission_number"].is_null() && item["admission_number"].as_str() != Some(&held) {
            return rej("VALIDATION", "enrolled candidates keep their admission number");
        }
        held
    } else if let Some(n) = item["admission_number"].as_str() {
        let (prefix, seq) = (n.get(..7).unwrap_or(""), n.get(7..).and_then(|s| s.parse::<i64>().ok()).unwrap_or(-1));
        let leased: i64 = tx
            .query_row(
                "SELECT COUNT(*) FROM block WHERE station_id = ?1 AND prefix = ?2 AND ?3 BETWEEN first_seq AND last_seq",
                params![st.station_id, prefix, seq],
                |r| r.get(0),
            )
            .unwrap();
        if n.len() != 12 || leased == 0 {
            return rej("NUMBER_NOT_LEASED", "admission number not leased to this station");
        }
        let used: i64 = tx.query_row("SELECT COUNT(*) FROM used_number WHERE number = ?1", [n], |r| r.get(0)).unwrap();
        if used > 0 {
            return rej("NUMBER_USED", "admission number already used");
        }
        n.to_string()
    } else {
        let prefix = prefix_for(&st.county_code);
        format!("{prefix}{:05}", take_seqs(tx, &prefix, 1))
    };
    let cid = item["confirmation_id"].as_str().unwrap();
    if reg["kind"] != "enrolled" {
        tx.execute("INSERT INTO used_number (number, confirmation_id) VALUES (?1, ?2)", params![number, cid]).unwrap();
    }
    tx.execute(
        "INSERT INTO confirmation (confirmation_id, registration_id, station_id, admission_number, flags, photo_sha256, photo_bytes, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![cid, reg_id, st.station_id, number, json!(flags).to_string(), photo["sha256"].as_str(), jpeg.len() as i64, item.to_string()],
    )
    .unwrap();
    let mut reg = reg;
    reg["status"] = json!("confirmed");
    reg["admission_number"] = json!(number);
    save_registration(tx, reg, &region);
    tx.execute("INSERT INTO sms (registration_id, kind) VALUES (?1, 'admission')", [reg_id]).unwrap();
    Ok(json!(number))
}

/// Runs each item of a batch in its own transaction: the first outcome of every id is final.
fn each_item(
    s: &SimState,
    headers: &HeaderMap,
    body: &Bytes,
    id_field: &str,
    kind: &str,
    decide: impl Fn(&Connection, &Station, &Value) -> Value,
) -> Response {
    let mut db = s.db();
    let st = match authenticate(s, &db, headers) {
        Ok(st) => st,
        Err(r) => return r,
    };
    let items = match batch(s, body) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let mut results = Vec::with_capacity(items.len());
    for item in &items {
        let Some(id) = item[id_field].as_str().filter(|i| !i.is_empty()) else {
            results.push(
                json!({id_field: item[id_field], "status": "rejected", "reason": reason("VALIDATION", &format!("{id_field} is required"))}),
            );
            continue;
        };
        let tx = db.transaction().unwrap();
        let result = match seen(&tx, id) {
            Some(r) => {
                *s.resends.lock().unwrap_or_else(|p| p.into_inner()).entry(kind.to_string()).or_default() += 1;
                r
            }
            None => {
                let r = decide(&tx, &st, item);
                remember(&tx, id, kind, &r);
                r
            }
        };
        tx.commit().unwrap();
        results.push(result);
    }
    drop(db);
    ok(s, json!({"results": results}))
}

async fn confirmations(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    let now = server_time(&s);
    let s_for_numbers = s.clone();
    each_item(&s, &headers, &body, "confirmation_id", "confirmation", |tx, st, item| {
        let cid = &item["confirmation_id"];
        let result = match decide_confirmation(tx, st, item) {
            Ok(number) => {
                let number = faults(&s_for_numbers).fixed_admission_number.map(Value::String).unwrap_or(number);
                json!({"confirmation_id": cid, "status": "accepted", "admission_number": number, "sms_queued": true, "reason": null})
            }
            Err((code, msg)) => {
                json!({"confirmation_id": cid, "status": "rejected", "admission_number": null, "sms_queued": false, "reason": reason(&code, &msg)})
            }
        };
        record_received(tx, st, item, &result, &now);
        result
    })
}

/// The province's own record of a confirmation it was sent (first outcome only).
fn record_received(tx: &Connection, st: &Station, item: &Value, result: &Value, now: &str) {
    let confirmed_at = item["confirmed_at"].as_str().unwrap_or("");
    let office_day = chrono::DateTime::parse_from_rfc3339(confirmed_at)
        .map(|t| t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()).date_naive().to_string())
        .unwrap_or_default();
    tx.execute(
        "INSERT OR IGNORE INTO received (confirmation_id, station_id, registration_id, status, admission_number, confirmed_at, office_day, received_at, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            item["confirmation_id"].as_str(),
            st.station_id,
            item["registration_id"].as_str().unwrap_or(""),
            result["status"].as_str(),
            result["admission_number"].as_str(),
            confirmed_at,
            office_day,
            now,
            (!result["reason"].is_null()).then(|| result["reason"].to_string()),
        ],
    )
    .unwrap();
}

/// v1.1 `GET /confirmations?date=`: this station's confirmations of one office day.
async fn confirmations_of_day(State(s): S, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let db = s.db();
    let (st, cursor, limit) = match paged_request(&s, &db, &headers, &q) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some(date) = q.get("date").filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()) else {
        return err(&s, StatusCode::BAD_REQUEST, "BAD_REQUEST", "date=YYYY-MM-DD is required");
    };
    let mut stmt = db
        .prepare(
            "SELECT seq, confirmation_id, registration_id, status, admission_number, confirmed_at, received_at, reason FROM received
             WHERE station_id = ?1 AND office_day = ?2 AND seq > ?3 ORDER BY seq LIMIT ?4",
        )
        .unwrap();
    let rows: Vec<(i64, Value)> = stmt
        .query_map(params![st.station_id, date, cursor, limit + 1], |r| {
            let reason: Option<String> = r.get(7)?;
            Ok((
                r.get(0)?,
                json!({
                    "confirmation_id": r.get::<_, String>(1)?, "registration_id": r.get::<_, String>(2)?, "status": r.get::<_, String>(3)?,
                    "admission_number": r.get::<_, Option<String>>(4)?, "confirmed_at": r.get::<_, String>(5)?,
                    "received_at": r.get::<_, String>(6)?,
                    "reason": reason.and_then(|t| serde_json::from_str::<Value>(&t).ok()),
                }),
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    page(&s, rows, cursor, limit, false)
}

async fn revocations(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    each_item(&s, &headers, &body, "revocation_id", "revocation", |tx, st, item| {
        let rid = &item["revocation_id"];
        let cid = item["confirmation_id"].as_str().unwrap_or("");
        let row: Option<(String, i64)> = tx
            .query_row(
                "SELECT registration_id, revoked FROM confirmation WHERE confirmation_id = ?1 AND station_id = ?2",
                params![cid, st.station_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .unwrap();
        match row {
            None => {
                json!({"revocation_id": rid, "status": "rejected", "reason": reason("NOT_FOUND", "no accepted confirmation with that id from this station")})
            }
            Some((_, 1)) => json!({"revocation_id": rid, "status": "rejected", "reason": reason("NOT_ELIGIBLE", "already revoked")}),
            Some((reg_id, _)) => {
                tx.execute("UPDATE confirmation SET revoked = 1 WHERE confirmation_id = ?1", [cid]).unwrap();
                tx.execute("UPDATE received SET status = 'revoked' WHERE confirmation_id = ?1", [cid]).unwrap();
                let (mut reg, region) = registration(tx, &reg_id).unwrap();
                reg["status"] = json!("pre_registered");
                if reg["kind"] == "new" {
                    reg["admission_number"] = Value::Null;
                }
                save_registration(tx, reg, &region);
                json!({"revocation_id": rid, "status": "accepted", "reason": null})
            }
        }
    })
}

async fn review_decisions(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    each_item(&s, &headers, &body, "decision_id", "decision", |tx, st, item| {
        let did = &item["decision_id"];
        let rejected = |c: &str, m: &str| json!({"decision_id": did, "status": "rejected", "reason": reason(c, m)});
        let tid = item["task_id"].as_str().unwrap_or("");
        let task: Option<String> = tx
            .query_row("SELECT body FROM review_task WHERE task_id = ?1 AND county_code = ?2", params![tid, st.county_code], |r| r.get(0))
            .optional()
            .unwrap();
        let Some(task) = task else { return rejected("NOT_FOUND", "no such task") };
        let mut task: Value = serde_json::from_str(&task).unwrap();
        if task["status"] == "closed" {
            return rejected("TASK_CLOSED", "task already decided");
        }
        if item["task_version"] != task["version"] {
            return rejected("STALE_VERSION", "task changed");
        }
        let decision = item["decision"].as_str().unwrap_or("");
        if !matches!(decision, "approve" | "reject") || item["reviewer_id"].as_str().is_none() {
            return rejected("VALIDATION", "decision must be approve or reject, with a reviewer");
        }
        task["status"] = json!("closed");
        task["decided"] = json!({"decision": decision, "reason_code": item["reason_code"], "station_id": st.station_id, "decided_at": item["decided_at"]});
        let task = save_task(tx, task, &st.county_code);
        tx.execute("INSERT INTO decision (decision_id, task_id, body) VALUES (?1, ?2, ?3)", params![did.as_str(), tid, item.to_string()])
            .unwrap();
        if task["kind"] == "prior_education" {
            if let Some((mut reg, region)) = registration(tx, task["registration_id"].as_str().unwrap_or("")) {
                reg["prior_education"]["status"] = json!(if decision == "approve" { "approved" } else { "rejected" });
                save_registration(tx, reg, &region);
            }
        }
        json!({"decision_id": did, "status": "accepted", "reason": null})
    })
}

async fn password_resets(State(s): S, headers: HeaderMap, body: Bytes) -> Response {
    each_item(&s, &headers, &body, "request_id", "password_reset", |tx, _st, item| {
        let rid = &item["request_id"];
        let reg_id = item["registration_id"].as_str().unwrap_or("");
        match registration(tx, reg_id) {
            None => {
                json!({"request_id": rid, "status": "rejected", "sms_queued": false, "reason": reason("NOT_FOUND", "no such registration")})
            }
            Some((reg, _)) if reg["id_number"] != item["id_number"] => {
                json!({"request_id": rid, "status": "rejected", "sms_queued": false, "reason": reason("VALIDATION", "id number does not match")})
            }
            Some(_) => {
                tx.execute(
                    "INSERT INTO password_reset (request_id, registration_id, body) VALUES (?1, ?2, ?3)",
                    params![rid.as_str(), reg_id, item.to_string()],
                )
                .unwrap();
                tx.execute("INSERT INTO sms (registration_id, kind) VALUES (?1, 'password')", [reg_id]).unwrap();
                json!({"request_id": rid, "status": "accepted", "sms_queued": true, "reason": null})
            }
        }
    })
}
