//! The province's HTTP interface as typed calls. Every answer is checked: status, size, JSON
//! shape and `server_time`; anything else is an [`ApiError`], never a panic.
//! Invariant: one deadline bounds the whole exchange (connect, headers and body); answers are
//! bounded in size; redirects are never followed; plain HTTP goes only to loopback.

use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Largest answer we read (a page of 1,000 registrations is ~1 MB; review tasks carry documents).
pub const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;
/// The whole exchange, body included, must finish within this.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// How long an exchange may take and how much it may bring back.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub deadline: Duration,
    pub max_answer_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { deadline: DEADLINE, max_answer_bytes: MAX_ANSWER_BYTES }
    }
}

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
    /// A 3xx: redirects are never followed (they could lead to plain HTTP or another host).
    #[error("{status} redirect refused: redirects are not followed")]
    Redirected { status: u16 },
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
            ApiError::Redirected { .. } => {
                "省平台地址要求跳转到其他地址，已拒绝（为安全起见不跟随跳转），请联系技术支持核对省平台地址".into()
            }
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
    http: reqwest::Client,
    /// Runs the exchanges; shut down in the background on drop (safe inside another runtime).
    rt: Option<tokio::runtime::Runtime>,
    base: String,
    token: Option<String>,
    limits: Limits,
}

impl Drop for Province {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

fn retry_after(resp: &reqwest::Response) -> Option<Duration> {
    resp.headers().get("retry-after")?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// HTTPS, or plain HTTP to a loopback address; never credentials in the URL.
pub fn check_url(base: &str) -> Result<reqwest::Url, ApiError> {
    let url = reqwest::Url::parse(base).map_err(|e| ApiError::Transport(format!("bad server URL {base:?}: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Transport("the server URL must not carry a user name or password".into()));
    }
    let host = url.host_str().unwrap_or("");
    let loopback = match host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(ApiError::Transport(format!(
            "{} must use https (plain http is allowed only to loopback)",
            url.host_str().unwrap_or("the server")
        ))),
    }
}

/// What came back, before it is judged.
struct Raw {
    status: u16,
    retry_after: Option<Duration>,
    etag: Option<String>,
    bytes: Vec<u8>,
}

impl Province {
    pub fn new(base_url: &str, token: Option<String>) -> Result<Self, ApiError> {
        Self::with_limits(base_url, token, Limits::default())
    }

    pub fn with_limits(base_url: &str, token: Option<String>, limits: Limits) -> Result<Self, ApiError> {
        let base = base_url.trim_end_matches('/').to_string();
        check_url(&base)?;
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5).min(limits.deadline))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("zkdesk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Transport(e.to_string()))?;
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| ApiError::Transport(e.to_string()))?;
        Ok(Province { http, rt: Some(rt), base, token, limits })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// The whole exchange under one deadline; the body is read in chunks up to the size bound.
    fn exchange(&self, req: reqwest::RequestBuilder) -> Result<Raw, ApiError> {
        let Limits { deadline, max_answer_bytes } = self.limits;
        let work = async move {
            let mut resp = req.send().await.map_err(|e| ApiError::Transport(e.to_string()))?;
            let status = resp.status().as_u16();
            let retry_after = retry_after(&resp);
            let etag = resp.headers().get("etag").and_then(|v| v.to_str().ok()).map(String::from);
            let too_big = || ApiError::Garbage(format!("answer larger than {max_answer_bytes} bytes"));
            if resp.content_length().is_some_and(|n| n > max_answer_bytes) {
                return Err(too_big());
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = resp.chunk().await.map_err(|e| ApiError::Transport(format!("reading answer: {e}")))? {
                if (bytes.len() + chunk.len()) as u64 > max_answer_bytes {
                    return Err(too_big());
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(Raw { status, retry_after, etag, bytes })
        };
        let rt = self.rt.as_ref().expect("runtime lives as long as the client");
        let bounded = async move {
            tokio::time::timeout(deadline, work)
                .await
                .unwrap_or_else(|_| Err(ApiError::Transport(format!("no complete answer within {deadline:?}"))))
        };
        if tokio::runtime::Handle::try_current().is_ok() {
            // Called from inside another runtime (a Tauri async command): block on a thread of our own.
            std::thread::scope(|s| s.spawn(|| rt.block_on(bounded)).join())
                .unwrap_or_else(|_| Err(ApiError::Transport("the exchange thread panicked".into())))
        } else {
            rt.block_on(bounded)
        }
    }

    fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<Option<Answer<T>>, ApiError> {
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        let start = Instant::now();
        let Raw { status, retry_after: after, etag, bytes } = self.exchange(req)?;
        let mid = start + start.elapsed() / 2;
        match status {
            304 => return Ok(None),
            200..=299 => {}
            300..=399 => return Err(ApiError::Redirected { status }),
            401 => return Err(ApiError::Unauthorized),
            413 => return Err(ApiError::TooLarge),
            429 => return Err(ApiError::RateLimited { retry_after: after }),
            500..=599 => return Err(ApiError::Server { status, retry_after: after }),
            _ => {
                let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
                return Err(ApiError::Refused {
                    status,
                    code: v["error"]["code"].as_str().unwrap_or("UNKNOWN").chars().take(40).collect(),
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

    fn expect<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<Answer<T>, ApiError> {
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

    pub fn get<T: DeserializeOwned>(&self, path: &str) -> Result<Answer<T>, ApiError> {
        self.expect(self.http.get(self.url(path)))
    }

    pub fn post<T: DeserializeOwned>(&self, path: &str, body: &Value) -> Result<Answer<T>, ApiError> {
        self.expect(self.http.post(self.url(path)).json(body))
    }

    /// Posts an already-serialised JSON body (outbox batches are assembled from stored text).
    pub fn post_raw<T: DeserializeOwned>(&self, path: &str, body: String) -> Result<Answer<T>, ApiError> {
        self.expect(self.http.post(self.url(path)).header("content-type", "application/json").body(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "https://zk.example/api",
            "http://127.0.0.1:8080/api",
            "http://127.9.9.9/api",
            "http://[::1]:9/api",
            "http://localhost:1/api",
            "https://10.0.0.1/api",
        ] {
            assert!(check_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://10.0.0.1/api",
            "http://192.0.2.2:8080/api",
            "http://localhost.evil.example/api",
            "http://127.0.0.1.nip.io/api",
            "ftp://127.0.0.1/api",
            "https://user:secret@zk.example/api",
            "not a url",
        ] {
            let e = check_url(bad).unwrap_err();
            assert!(!e.to_string().contains("secret"), "no secret in {e}");
        }
    }
}
