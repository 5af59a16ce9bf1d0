//! Access and refresh tokens, and secrets that never reach a log.

use std::fmt;
use std::sync::{Arc, RwLock};

use chrono::Duration as ChronoDuration;
use kedai_core::Ts;
use serde::{Deserialize, Serialize};

/// A string that prints as `<redacted>` in `Debug` and `Display`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    /// The secret itself, for signing and sending; never for logging.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A shop's OAuth tokens. Expiries are `None` when unknown (tokens handed over without
/// them); such tokens are refreshed only when the platform says they expired.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access: Secret,
    pub refresh: Secret,
    pub access_expires_at: Option<Ts>,
    pub refresh_expires_at: Option<Ts>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access", &self.access)
            .field("refresh", &self.refresh)
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .finish()
    }
}

impl Tokens {
    /// How long before expiry a refresh is due: a request signed just before expiry must
    /// still be accepted when it arrives.
    pub const MARGIN_SECS: i64 = 300;

    pub fn new(access: impl Into<Secret>, refresh: impl Into<Secret>) -> Self {
        Tokens {
            access: access.into(),
            refresh: refresh.into(),
            access_expires_at: None,
            refresh_expires_at: None,
        }
    }

    /// Whether the access token expires within `MARGIN_SECS` of `now` and a usable refresh
    /// token exists.
    pub fn needs_refresh(&self, now: Ts) -> bool {
        let expiring = self
            .access_expires_at
            .is_some_and(|t| t - ChronoDuration::seconds(Self::MARGIN_SECS) <= now);
        expiring && self.can_refresh(now)
    }

    /// Whether a refresh token is present and not known to be expired.
    pub fn can_refresh(&self, now: Ts) -> bool {
        !self.refresh.is_empty() && self.refresh_expires_at.is_none_or(|t| t > now)
    }
}

/// Tokens shared between a connector and whoever persists them; a refresh replaces them.
#[derive(Clone, Default)]
pub struct TokenCell(Arc<RwLock<Tokens>>);

impl fmt::Debug for TokenCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TokenCell").field(&self.get()).finish()
    }
}

impl TokenCell {
    pub fn new(t: Tokens) -> Self {
        TokenCell(Arc::new(RwLock::new(t)))
    }

    pub fn get(&self) -> Tokens {
        match self.0.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn set(&self, t: Tokens) {
        match self.0.write() {
            Ok(mut g) => *g = t,
            Err(poisoned) => *poisoned.into_inner() = t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn debug_never_shows_tokens() {
        let t = Tokens::new("ACCESS-123", "REFRESH-456");
        let s = format!("{t:?} {:?}", TokenCell::new(t.clone()));
        assert!(
            !s.contains("ACCESS-123") && !s.contains("REFRESH-456"),
            "{s}"
        );
        assert!(s.contains("redacted"));
    }

    #[test]
    fn refresh_is_due_five_minutes_before_expiry() {
        let now = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        let mut t = Tokens::new("a", "r");
        assert!(
            !t.needs_refresh(now),
            "unknown expiry: refresh on demand only"
        );
        t.access_expires_at = Some(now + ChronoDuration::minutes(10));
        assert!(!t.needs_refresh(now));
        t.access_expires_at = Some(now + ChronoDuration::minutes(4));
        assert!(t.needs_refresh(now));
        t.refresh_expires_at = Some(now - ChronoDuration::seconds(1));
        assert!(!t.needs_refresh(now), "a dead refresh token cannot help");
        t.refresh_expires_at = None;
        t.refresh = Secret::default();
        assert!(!t.needs_refresh(now));
    }
}
