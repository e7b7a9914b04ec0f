//! Fault injection, switchable per run and at run time (`POST /_sim/faults`).

use serde::{Deserialize, Serialize};

/// Shares are probabilities in 0..=1, drawn per request.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Faults {
    /// Answer 500 or 503 before doing anything.
    pub error_5xx: f64,
    /// Answer 429 with `Retry-After: retry_after_s`.
    pub rate_limit: f64,
    pub retry_after_s: u64,
    /// Sleep this long before answering.
    pub slow_ms: u64,
    /// Commit, then drop the connection in the middle of the answer.
    pub drop_after_commit: f64,
    /// Commit, then answer 200 with the JSON cut short.
    pub truncate_json: f64,
    /// Added to `server_time`.
    pub clock_offset_ms: i64,
    /// Answer every request with 401 (the station's token was revoked).
    pub unauthorized: bool,
    /// Answer with a body this many bytes long of JSON padding (oversized answers).
    pub oversized_bytes: usize,
    /// A lower request-size limit than the contract's 8 MiB (0 = the contract's), to force 413s.
    pub max_request_bytes: usize,
    /// Send the headers at once, then the body a few bytes at a time with this pause in between.
    pub drip_body_ms: u64,
    /// Feeds answer `has_more: true` with the cursor they were given (it never advances).
    pub stuck_cursor: bool,
    /// Feeds answer this many items more than the `limit` asked for.
    pub extra_items: usize,
    /// Answer every API request with `307 Temporary Redirect` to this base URL (plus the path).
    pub redirect_to: Option<String>,
    /// Fields merged into every `POST /number-blocks` answer (a malformed, overlapping or repeated block).
    pub block_patch: Option<serde_json::Value>,
    /// Accepted confirmations all answer this admission number (a province that numbers twice).
    pub fixed_admission_number: Option<String>,
}

impl Faults {
    pub fn none() -> Self {
        Faults::default()
    }

    /// Every fault type at once, at shares that still let a batch through in a few tries.
    pub fn chaos() -> Self {
        Faults {
            error_5xx: 0.15,
            rate_limit: 0.1,
            retry_after_s: 0,
            slow_ms: 5,
            drop_after_commit: 0.15,
            truncate_json: 0.1,
            clock_offset_ms: 0,
            unauthorized: false,
            oversized_bytes: 0,
            max_request_bytes: 0,
            ..Faults::none()
        }
    }
}
