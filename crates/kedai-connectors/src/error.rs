//! One error type for every connector call: the envelope of each platform is turned into
//! these variants so a sync engine branches on `kind()`, never on text.

use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// HTTP 429 or the platform's rate-limit code; `retry_after` from the `Retry-After` header.
    #[error("rate limited by the platform (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    /// The access token expired, was revoked, or is unknown: refresh it or re-authorize.
    #[error("access token expired or not recognized")]
    AuthExpired,
    /// The platform says our signature is wrong: a clock or credential problem, never retried.
    #[error("the platform rejected the request signature")]
    InvalidSignature,
    /// Any other error code of the platform's envelope.
    #[error("platform error {code}: {message}")]
    Platform { code: String, message: String },
    /// A body that does not have the shape the wire contract promises.
    #[error("malformed response: {context}")]
    Malformed { context: String },
    /// HTTP 5xx: the platform's fault, retryable.
    #[error("server error (HTTP {status})")]
    Server { status: u16 },
    /// Connection, TLS or timeout failure before a response arrived. The URL is stripped:
    /// query strings carry tokens and, on token calls, the app secret.
    #[error("transport: {0}")]
    Transport(reqwest::Error),
    /// The OAuth redirect was wrong (state mismatch, no code, listener failure).
    #[error("authorization: {0}")]
    OAuth(String),
    /// The platform has no such operation (e.g. an order card where it cannot be sent).
    #[error("not supported by {platform}: {what}")]
    Unsupported {
        platform: &'static str,
        what: String,
    },
    /// The client's own configuration is unusable (bad base URL, missing credential).
    #[error("configuration: {0}")]
    Config(String),
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        Error::Transport(e.without_url())
    }
}

impl Error {
    pub(crate) fn malformed(context: impl Into<String>) -> Self {
        Error::Malformed {
            context: context.into(),
        }
    }

    /// Whether the same request may succeed if sent again later (429, 5xx, timeouts,
    /// dropped connections).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Server { .. } => true,
            Error::Transport(e) => e.is_timeout() || e.is_connect() || e.is_request(),
            _ => false,
        }
    }

    /// Whether the failure proves the platform never acted on the request: it refused it
    /// (429) or no connection was made. A timeout or a 5xx may come after the platform
    /// accepted a send.
    pub fn surely_not_received(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Transport(e) => e.is_connect() && !e.is_timeout(),
            _ => false,
        }
    }

    /// A stable machine-readable name for the UI (`{kind, message}`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::RateLimited { .. } => "rate_limited",
            Error::AuthExpired => "auth_expired",
            Error::InvalidSignature => "invalid_signature",
            Error::Platform { .. } => "platform",
            Error::Malformed { .. } => "malformed",
            Error::Server { .. } => "server",
            Error::Transport(_) => "transport",
            Error::OAuth(_) => "oauth",
            Error::Unsupported { .. } => "unsupported",
            Error::Config(_) => "config",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
