//! Token buckets per key (`app+shop+api`), so a shop never exceeds the platform's
//! per-API rate (TikTok: 50 requests/s per API per app+shop).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// `burst` requests at once, refilled at `burst` per `window`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub burst: u32,
    pub window: Duration,
}

impl RateLimit {
    pub const fn per_second(n: u32) -> Self {
        RateLimit {
            burst: n,
            window: Duration::from_secs(1),
        }
    }

    fn rate_per_sec(&self) -> f64 {
        self.burst as f64 / self.window.as_secs_f64().max(1e-9)
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

impl Bucket {
    /// Takes one token at `now`, or says how long until one is available.
    fn take(&mut self, limit: RateLimit, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * limit.rate_per_sec()).min(limit.burst as f64);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - self.tokens) / limit.rate_per_sec(),
            ))
        }
    }
}

/// Shared by every connector of one app+shop (clone it into each); `None` limit = unlimited.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limit: Option<RateLimit>,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

impl RateLimiter {
    pub fn new(limit: Option<RateLimit>) -> Self {
        RateLimiter {
            limit,
            buckets: Arc::default(),
        }
    }

    /// Takes a token for `key` at `now` (pure apart from the bucket: tests pass fake instants).
    pub fn try_acquire_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let mut buckets = match self.buckets.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: limit.burst as f64,
            last: now,
        });
        bucket.take(limit, now)
    }

    /// Waits until a request for `key` is allowed.
    pub async fn acquire(&self, key: &str) {
        while let Err(wait) = self.try_acquire_at(key, Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let rl = RateLimiter::new(Some(RateLimit {
            burst: 5,
            window: Duration::from_millis(100),
        }));
        let t0 = Instant::now();
        for _ in 0..5 {
            assert!(rl.try_acquire_at("tt:shop:list", t0).is_ok());
        }
        let wait = rl.try_acquire_at("tt:shop:list", t0).unwrap_err();
        assert!(
            wait > Duration::from_millis(15) && wait <= Duration::from_millis(21),
            "{wait:?}"
        );
        // another API of the same shop has its own bucket
        assert!(rl.try_acquire_at("tt:shop:send", t0).is_ok());
        // 20 ms later one token is back, not two
        let t1 = t0 + Duration::from_millis(20);
        assert!(rl.try_acquire_at("tt:shop:list", t1).is_ok());
        assert!(rl.try_acquire_at("tt:shop:list", t1).is_err());
        // after a full window the burst is back, never more
        let t2 = t1 + Duration::from_secs(10);
        for _ in 0..5 {
            assert!(rl.try_acquire_at("tt:shop:list", t2).is_ok());
        }
        assert!(rl.try_acquire_at("tt:shop:list", t2).is_err());
    }

    #[test]
    fn tiktok_default_admits_about_fifty_per_second() {
        let rl = RateLimiter::new(Some(crate::tiktok::DEFAULT_RATE_LIMIT));
        let t0 = Instant::now();
        let mut admitted = 0;
        for ms in 0..1000u64 {
            // one attempt every millisecond for a second
            if rl
                .try_acquire_at("k", t0 + Duration::from_millis(ms))
                .is_ok()
            {
                admitted += 1;
            }
        }
        // a burst of 5 plus 50 refilled over the second
        assert!((54..=56).contains(&admitted), "{admitted}");
    }

    #[test]
    fn no_limit_admits_everything() {
        let rl = RateLimiter::new(None);
        for _ in 0..10_000 {
            assert!(rl.try_acquire_at("k", Instant::now()).is_ok());
        }
    }
}
