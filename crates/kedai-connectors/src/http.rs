//! The request loop every connector shares: rate limit, sign, send, read the envelope,
//! retry 429 / 5xx / timeouts with exponential backoff and jitter, refresh an expired
//! token once.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::Utc;
use rand::Rng;
use reqwest::header::RETRY_AFTER;
use reqwest::Method;
use serde_json::Value;

use kedai_core::Platform;

use crate::error::{Error, Result};
use crate::ratelimit::RateLimiter;
use crate::tokens::{TokenCell, Tokens};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// Retries: at most `max_attempts` sends of one request; the wait before retry `n` (from 0)
/// is `base * 2^n` capped at `max_delay`, half fixed and half random; a `Retry-After` is
/// honoured up to `max_retry_after`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry `attempt` (0 = the first retry).
    pub fn backoff(&self, attempt: u32, rng: &mut impl Rng) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt.min(20)))
            .min(self.max_delay);
        let half = exp / 2;
        half + half.mul_f64(rng.gen_range(0.0..=1.0))
    }

    fn delay_for(&self, err: &Error, attempt: u32) -> Duration {
        let backoff = self.backoff(attempt, &mut rand::thread_rng());
        match err {
            Error::RateLimited {
                retry_after: Some(d),
            } => (*d).min(self.max_retry_after),
            _ => backoff,
        }
    }
}

/// Knobs shared by the three clients.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// The limiter; share one between connectors of the same app+shop.
    pub limiter: RateLimiter,
    pub conversation_page_size: u32,
    pub message_page_size: u32,
}

impl ClientOptions {
    pub fn for_platform(p: Platform) -> Self {
        let (limit, conv, msg) = match p {
            Platform::Tiktok => (
                Some(crate::tiktok::DEFAULT_RATE_LIMIT),
                crate::tiktok::MAX_CONVERSATION_PAGE,
                crate::tiktok::MAX_MESSAGE_PAGE,
            ),
            Platform::Shopee => (
                None,
                crate::shopee::MAX_CONVERSATION_PAGE,
                crate::shopee::MAX_MESSAGE_PAGE,
            ),
            Platform::Lazada => (
                None,
                crate::lazada::MAX_SESSION_PAGE,
                crate::lazada::MAX_MESSAGE_PAGE,
            ),
        };
        ClientOptions {
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            limiter: RateLimiter::new(limit),
            conversation_page_size: conv,
            message_page_size: msg,
        }
    }
}

/// One API call before signing.
#[derive(Debug, Clone)]
pub(crate) struct ApiRequest {
    /// The rate-limit bucket (one per API).
    pub api: &'static str,
    pub method: Method,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<String>,
    /// A file sent as `multipart/form-data` instead of a JSON body (TikTok's image upload).
    pub upload: Option<Upload>,
    /// Whether the call carries the shop's access token (and so may need a refresh).
    pub authed: bool,
    /// Token endpoints may live on another host (TikTok `auth.tiktok-shops.com`, Lazada
    /// `auth.lazada.com`).
    pub auth_host: bool,
    /// Whether sending the request twice does no harm. A send is not: after a timeout or a
    /// 5xx the platform may have accepted it, so only a failure that proves it was not
    /// (429, no connection) is retried here; the caller looks before resending.
    pub idempotent: bool,
}

impl ApiRequest {
    pub fn get(api: &'static str, path: impl Into<String>) -> Self {
        ApiRequest {
            api,
            method: Method::GET,
            path: path.into(),
            query: Vec::new(),
            body: None,
            upload: None,
            authed: true,
            auth_host: false,
            idempotent: true,
        }
    }

    pub fn post(api: &'static str, path: impl Into<String>, body: &Value) -> Self {
        ApiRequest {
            method: Method::POST,
            body: Some(body.to_string()),
            ..ApiRequest::get(api, path)
        }
    }

    pub fn param(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_owned(), v.to_string()));
        self
    }

    /// A request that must not be sent twice (a chat message).
    pub fn not_idempotent(mut self) -> Self {
        self.idempotent = false;
        self
    }

    /// A call made without the shop's token, to the token host (exchange, refresh).
    pub fn token_call(mut self) -> Self {
        self.authed = false;
        self.auth_host = true;
        self
    }
}

/// A file for a multipart request: the form field, the file's name and type, its bytes.
#[derive(Debug, Clone)]
pub(crate) struct Upload {
    pub field: &'static str,
    pub file_name: String,
    pub mime: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl Upload {
    /// The form, built again for every attempt (a form is consumed by sending it).
    pub fn form(&self) -> Result<reqwest::multipart::Form> {
        let part = reqwest::multipart::Part::bytes(self.bytes.as_ref().clone())
            .file_name(self.file_name.clone())
            .mime_str(&self.mime)
            .map_err(|e| Error::Config(format!("file type `{}`: {e}", self.mime)))?;
        Ok(reqwest::multipart::Form::new().part(self.field, part))
    }
}

/// `base` (scheme, host, maybe a path prefix such as `/rest`) + `path` + query.
pub(crate) fn join_url(base: &str, path: &str, query: &[(String, String)]) -> Result<url::Url> {
    let joined = format!("{}{}", base.trim_end_matches('/'), path);
    let mut u =
        url::Url::parse(&joined).map_err(|e| Error::Config(format!("base URL `{base}`: {e}")))?;
    if !query.is_empty() {
        u.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    Ok(u)
}

/// A response before its envelope is read.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: Vec<u8>,
}

/// What differs between platforms: how a request is signed and sent, how an envelope reads,
/// how a token is refreshed.
pub(crate) trait Dialect: Send + Sync {
    fn build(
        &self,
        client: &reqwest::Client,
        req: &ApiRequest,
        tokens: &Tokens,
    ) -> Result<reqwest::RequestBuilder>;
    /// The business payload of a successful envelope, or the typed error: 429 and 5xx first
    /// (the same on every platform), then the platform's body.
    fn envelope(&self, raw: &RawResponse) -> Result<Value> {
        if let Some(e) = status_error(raw) {
            return Err(e);
        }
        self.read_envelope(raw)
    }
    /// The platform's own reading of a body whose status is neither 429 nor 5xx.
    fn read_envelope(&self, raw: &RawResponse) -> Result<Value>;
    fn refresh_request(&self, tokens: &Tokens) -> Result<ApiRequest>;
    fn parse_tokens(&self, payload: &Value) -> Result<Tokens>;
    fn rate_key(&self, api: &str) -> String;
}

/// What every connector holds: the HTTP client, its options (limiter, retry policy, page
/// sizes) and tokens.
#[derive(Debug, Clone)]
pub(crate) struct Core {
    pub client: reqwest::Client,
    pub options: ClientOptions,
    pub tokens: TokenCell,
    /// One refresh at a time: concurrent requests that all see an expired token must not each
    /// spend the (single-use) refresh token.
    refresh_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Core {
    pub fn new(tokens: Tokens, options: ClientOptions) -> Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Core {
            client,
            options,
            tokens: TokenCell::new(tokens),
            refresh_lock: Default::default(),
        })
    }

    async fn send_once<D: Dialect>(
        &self,
        d: &D,
        req: &ApiRequest,
        tokens: &Tokens,
    ) -> Result<Value> {
        self.options.limiter.acquire(&d.rate_key(req.api)).await;
        let resp = d.build(&self.client, req, tokens)?.send().await?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(86_400.0)));
        let body = resp.bytes().await?.to_vec();
        d.envelope(&RawResponse {
            status,
            retry_after,
            body,
        })
    }

    /// Sends `req` with the retry and refresh rules; the envelope's payload on success.
    pub fn call<'a, D: Dialect>(&'a self, d: &'a D, req: &'a ApiRequest) -> BoxFuture<'a, Value> {
        Box::pin(async move {
            let current = self.tokens.get();
            if req.authed && current.needs_refresh(Utc::now()) {
                self.refresh_unless_replaced(d, &current).await?;
            }
            let mut refreshed = false;
            let mut attempt = 0u32;
            loop {
                let tokens = self.tokens.get();
                match self.send_once(d, req, &tokens).await {
                    Ok(v) => return Ok(v),
                    Err(Error::AuthExpired)
                        if req.authed && !refreshed && tokens.can_refresh(Utc::now()) =>
                    {
                        tracing::info!(api = req.api, "access token rejected; refreshing once");
                        refreshed = true;
                        self.refresh_unless_replaced(d, &tokens).await?;
                    }
                    Err(e)
                        if e.is_retryable()
                            && (req.idempotent || e.surely_not_received())
                            && attempt + 1 < self.options.retry.max_attempts =>
                    {
                        let wait = self.options.retry.delay_for(&e, attempt);
                        tracing::debug!(api = req.api, attempt, kind = e.kind(), ?wait, "retrying");
                        attempt += 1;
                        tokio::time::sleep(wait).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        })
    }

    /// Refreshes `seen` unless another request already replaced it while this one waited.
    async fn refresh_unless_replaced<D: Dialect>(&self, d: &D, seen: &Tokens) -> Result<()> {
        let _one = self.refresh_lock.lock().await;
        if self.tokens.get().access != seen.access {
            return Ok(());
        }
        self.refresh_locked(d).await.map(|_| ())
    }

    /// Sends a token call (an authorization code exchange) and keeps the tokens it answers.
    pub async fn exchange<D: Dialect>(&self, d: &D, req: &ApiRequest) -> Result<Tokens> {
        let tokens = d.parse_tokens(&self.call(d, req).await?)?;
        self.tokens.set(tokens.clone());
        Ok(tokens)
    }

    /// Exchanges the refresh token for new tokens and stores them.
    pub fn refresh<'a, D: Dialect>(&'a self, d: &'a D) -> BoxFuture<'a, Tokens> {
        Box::pin(async move {
            let _one = self.refresh_lock.lock().await;
            self.refresh_locked(d).await
        })
    }

    fn refresh_locked<'a, D: Dialect>(&'a self, d: &'a D) -> BoxFuture<'a, Tokens> {
        Box::pin(async move {
            let current = self.tokens.get();
            if current.refresh.is_empty() {
                return Err(Error::AuthExpired);
            }
            let req = d.refresh_request(&current)?;
            let payload = self.call(d, &req).await?;
            let mut fresh = d.parse_tokens(&payload)?;
            if fresh.refresh.is_empty() {
                fresh.refresh = current.refresh;
                fresh.refresh_expires_at = current.refresh_expires_at;
            }
            self.tokens.set(fresh.clone());
            Ok(fresh)
        })
    }
}

/// Classifies the HTTP status before the platform's envelope is read: 429 and 5xx are the
/// same on every platform.
fn status_error(raw: &RawResponse) -> Option<Error> {
    match raw.status {
        429 => Some(Error::RateLimited {
            retry_after: raw.retry_after,
        }),
        500..=599 => Some(Error::Server { status: raw.status }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            max_retry_after: Duration::from_secs(5),
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for attempt in 0..10 {
            let full = Duration::from_millis(100 * 2u64.pow(attempt)).min(Duration::from_secs(1));
            for _ in 0..50 {
                let d = p.backoff(attempt, &mut rng);
                assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
            }
        }
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        };
        assert_eq!(p.delay_for(&e, 0), Duration::from_secs(3));
        let e = Error::RateLimited {
            retry_after: Some(Duration::from_secs(300)),
        };
        assert_eq!(p.delay_for(&e, 0), Duration::from_secs(5));
    }
}
