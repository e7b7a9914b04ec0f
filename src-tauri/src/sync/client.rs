//! The province's HTTP interface as typed calls. Every answer is checked: status, size, JSON
//! shape and `server_time`; anything else is an [`ApiError`], never a panic.

use std::io::Read;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest answer we read (a page of 1,000 registrations is ~1 MB; review tasks carry documents).
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("401 unauthorized: the station must be enrolled again")]
    Unauthorized,
    #[error("429 rate limited (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    #[error("server error {status} (retry after {retry_after:?})")]
    Server { status: u16, retry_after: Option<Duration> },
    #[error("413 too large")]
    TooLarge,
    #[error("{status} {code}: {message}")]
    Refused { status: u16, code: String, message: String },
    #[error("network: {0}")]
    Transport(String),
    #[error("malformed answer: {0}")]
    Garbage(String),
}

impl ApiError {
    /// Worth retrying later with backoff.
    pub fn is_transient(&self) -> bool {
        matches!(self, ApiError::RateLimited { .. } | ApiError::Server { .. } | ApiError::Transport(_) | ApiError::Garbage(_))
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited { retry_after } | ApiError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// For staff, in plain Chinese.
    pub fn message(&self) -> String {
        match self {
            ApiError::Unauthorized => "省平台拒绝了本工作站的凭证，请联系主管重新登记工作站".into(),
            ApiError::RateLimited { .. } => "省平台繁忙（请求过多），稍后自动重试".into(),
            ApiError::Server { .. } => "省平台暂时不可用，稍后自动重试".into(),
            ApiError::TooLarge => "上传数据过大，正在分批重试".into(),
            ApiError::Refused { code, .. } if code == "NOT_FOUND" => "登记码不存在，请核对".into(),
            ApiError::Refused { code, .. } if code == "ALREADY_USED" => "登记码已被使用".into(),
            ApiError::Refused { message, .. } => format!("省平台拒绝了请求：{message}"),
            ApiError::Transport(_) => "无法连接省平台（网络中断），数据已保存在本机，恢复后自动上传".into(),
            ApiError::Garbage(_) => "省平台返回的数据不完整，稍后自动重试".into(),
        }
    }
}

/// A successful answer, with the province's clock.
#[derive(Debug)]
pub struct Answer<T> {
    pub body: T,
    pub server_time: Option<DateTime<FixedOffset>>,
    /// Local time halfway through the exchange, for the clock offset.
    pub sent_at_mid: Instant,
    pub etag: Option<String>,
}

pub struct Province {
    http: reqwest::blocking::Client,
    base: String,
    token: Option<String>,
}

fn retry_after(resp: &reqwest::blocking::Response) -> Option<Duration> {
    resp.headers().get("retry-after")?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

impl Province {
    pub fn new(base_url: &str, token: Option<String>) -> Result<Self, ApiError> {
        let base = base_url.trim_end_matches('/').to_string();
        let url = reqwest::Url::parse(&base).map_err(|e| ApiError::Transport(format!("bad server URL {base:?}: {e}")))?;
        // HTTPS in production; plain HTTP only to loopback (the contract allows it for tests).
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "::1" | "[::1]"));
        if url.scheme() != "https" && !loopback {
            return Err(ApiError::Transport(format!("{base} must use https (plain http is allowed only to loopback)")));
        }
        let http = reqwest::blocking::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("zkdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        Ok(Province { http, base, token })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    fn send<T: DeserializeOwned>(&self, req: reqwest::blocking::RequestBuilder) -> Result<Option<Answer<T>>, ApiError> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let start = Instant::now();
        let resp = req.send().map_err(|e| ApiError::Transport(e.to_string()))?;
        let status = resp.status().as_u16();
        let after = retry_after(&resp);
        let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(String::from);
        if status == 304 {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        resp.take(MAX_ANSWER_BYTES + 1).read_to_end(&mut bytes).map_err(|e| ApiError::Transport(format!("reading answer: {e}")))?;
        let mid = start + start.elapsed() / 2;
        if bytes.len() as u64 > MAX_ANSWER_BYTES {
            return Err(ApiError::Garbage(format!("answer larger than {MAX_ANSWER_BYTES} bytes")));
        }
        match status {
            200..=299 => {}
            401 => return Err(ApiError::Unauthorized),
            413 => return Err(ApiError::TooLarge),
            429 => return Err(ApiError::RateLimited { retry_after: after }),
            500..=599 => return Err(ApiError::Server { status, retry_after: after }),
            _ => {
                let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                return Err(ApiError::Refused {
                    status,
                    code: v["error"]["code"].as_str().unwrap_or("UNKNOWN").to_string(),
                    message: v["error"]["message"].as_str().unwrap_or("").chars().take(200).collect(),
                });
            }
        }
        let value: Value =
            serde_json::from_slice(&bytes).map_err(|e| ApiError::Garbage(format!("not JSON ({} bytes): {e}", bytes.len())))?;
        let server_time = value["server_time"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
        let body = serde_json::from_value(value).map_err(|e| ApiError::Garbage(format!("unexpected shape: {e}")))?;
        Ok(Some(Answer { body, server_time, sent_at_mid: mid, etag }))
    }

    fn expect<T: DeserializeOwned>(&self, req: reqwest::blocking::RequestBuilder) -> Result<Answer<T>, ApiError> {
        self.send(req)?.ok_or_else(|| ApiError::Garbage("304 where a body was expected".into()))
    }

    pub fn enroll(&self, code: &str, device_name: &str) -> Result<Answer<Value>, ApiError> {
        self.expect(
            self.http.post(self.url("/stations/enroll")).json(&serde_json::json!({"enrollment_code": code, "device_name": device_name})),
        )
    }

    pub fn health(&self) -> Result<Answer<Value>, ApiError> {
        self.expect(self.http.get(self.url("/health")))
    }

    /// `None` when our ETag is current (304).
    pub fn reference(&self, etag: Option<&str>) -> Result<Option<Answer<Value>>, ApiError> {
        let mut req = self.http.get(self.url("/reference")).header("accept-encoding", "gzip");
        if let Some(e) = etag {
            req = req.header("if-none-match", e);
        }
        self.send(req)
    }

    pub fn feed<T: DeserializeOwned>(&self, path: &str, cursor: Option<&str>, limit: u32) -> Result<Answer<T>, ApiError> {
        let mut req = self.http.get(self.url(path)).query(&[("limit", limit.to_string())]);
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        self.expect(req)
    }

    /// A feed page with extra query parameters (`GET /confirmations?date=…`).
    pub fn feed_with<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Answer<T>, ApiError> {
        let mut req = self.http.get(self.url(path)).query(params).query(&[("limit", limit.to_string())]);
        if let Some(c) = cursor {
            req = req.query(&[("cursor", c)]);
        }
        self.expect(req)
    }

    pub fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<Answer<T>, ApiError> {
        self.expect(self.http.post(self.url(path)).json(body))
    }

    /// Posts an already-serialised JSON body (outbox batches are assembled from stored text).
    pub fn post_raw<T: DeserializeOwned>(&self, path: &str, body: String) -> Result<Answer<T>, ApiError> {
        self.expect(self.http.post(self.url(path)).header("content-type", "application/json").body(body))
    }
}
