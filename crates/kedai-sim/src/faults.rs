//! Faults on demand, per platform: random shares and deterministic forcing of the next N
//! requests. Faults change responses only, never the ground truth.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;

use kedai_core::Platform;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// HTTP 429 with `Retry-After` and the platform's body.
    RateLimit,
    /// HTTP 500, 502 or 503 (in turn).
    ServerError,
    /// The normal response after `SimConfig::slow_delay`.
    Slow,
    /// A list response whose body is truncated JSON or has a wrong-typed field (in turn,
    /// truncated first). Only GET requests; other requests are served normally.
    Malformed,
    /// A list page whose next cursor points at the same page again.
    DuplicatePage,
    /// A list page with its items shuffled.
    ReorderPage,
    /// The platform's expired-token error; the shop's access token really expires (refresh it).
    ExpireToken,
}

impl Fault {
    pub const ALL: [Fault; 7] = [
        Fault::RateLimit,
        Fault::ServerError,
        Fault::Slow,
        Fault::Malformed,
        Fault::DuplicatePage,
        Fault::ReorderPage,
        Fault::ExpireToken,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Fault::RateLimit => "rate_limit",
            Fault::ServerError => "server_error",
            Fault::Slow => "slow",
            Fault::Malformed => "malformed",
            Fault::DuplicatePage => "duplicate_page",
            Fault::ReorderPage => "reorder_page",
            Fault::ExpireToken => "expire_token",
        }
    }
}

impl std::str::FromStr for Fault {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Fault::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Fault::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown fault `{s}` ({})", names.join(", "))
            })
    }
}

/// The share (0 to 1) of a platform's requests that hit each fault at random.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultShares {
    pub rate_limit: f64,
    pub server_error: f64,
    pub slow: f64,
    pub malformed: f64,
    pub duplicate_page: f64,
    pub reorder_page: f64,
    pub expire_token: f64,
}

impl FaultShares {
    fn each(&self) -> [(Fault, f64); 7] {
        [
            (Fault::RateLimit, self.rate_limit),
            (Fault::ServerError, self.server_error),
            (Fault::Slow, self.slow),
            (Fault::Malformed, self.malformed),
            (Fault::DuplicatePage, self.duplicate_page),
            (Fault::ReorderPage, self.reorder_page),
            (Fault::ExpireToken, self.expire_token),
        ]
    }

    pub fn set(&mut self, fault: Fault, share: f64) {
        let slot = match fault {
            Fault::RateLimit => &mut self.rate_limit,
            Fault::ServerError => &mut self.server_error,
            Fault::Slow => &mut self.slow,
            Fault::Malformed => &mut self.malformed,
            Fault::DuplicatePage => &mut self.duplicate_page,
            Fault::ReorderPage => &mut self.reorder_page,
            Fault::ExpireToken => &mut self.expire_token,
        };
        *slot = share;
    }

    pub fn validate(&self) -> Result<(), String> {
        let mut total = 0.0;
        for (f, s) in self.each() {
            if !(0.0..=1.0).contains(&s) {
                return Err(format!("share of {} must be between 0 and 1", f.as_str()));
            }
            total += s;
        }
        if total > 1.0 + 1e-9 {
            return Err("fault shares add up to more than 1".into());
        }
        Ok(())
    }

    fn is_zero(&self) -> bool {
        self.each().iter().all(|(_, s)| *s <= 0.0)
    }
}

#[derive(Default)]
struct PlatformFaults {
    shares: FaultShares,
    forced: VecDeque<(Fault, u32)>,
    /// How often each fault was hit: malformed bodies and server error statuses alternate.
    turns: BTreeMap<Fault, u64>,
}

pub struct FaultBook {
    inner: Mutex<(BTreeMap<Platform, PlatformFaults>, ChaCha8Rng)>,
    /// Every record served with a wrong-typed field, as served: what a client should have
    /// set aside (`GET /_sim/faults`).
    corrupted: Mutex<Vec<(Platform, Value)>>,
}

impl FaultBook {
    pub fn new(seed: u64, shares: &BTreeMap<Platform, FaultShares>) -> Self {
        let mut map = BTreeMap::new();
        for p in [Platform::Tiktok, Platform::Shopee, Platform::Lazada] {
            let pf = PlatformFaults {
                shares: shares.get(&p).cloned().unwrap_or_default(),
                ..Default::default()
            };
            map.insert(p, pf);
        }
        FaultBook {
            inner: Mutex::new((map, ChaCha8Rng::seed_from_u64(seed ^ 0xFA17))),
            corrupted: Mutex::new(Vec::new()),
        }
    }

    pub fn record_corrupted(&self, platform: Platform, record: Value) {
        self.corrupted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((platform, record));
    }

    /// The records served corrupted so far, in the order they were served.
    pub fn corrupted(&self) -> Vec<(Platform, Value)> {
        self.corrupted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (BTreeMap<Platform, PlatformFaults>, ChaCha8Rng)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn force(&self, platform: Platform, fault: Fault, count: u32) {
        if count == 0 {
            return;
        }
        let mut g = self.lock();
        if let Some(p) = g.0.get_mut(&platform) {
            p.forced.push_back((fault, count));
        }
    }

    pub fn set_shares(&self, platform: Platform, shares: FaultShares) {
        let mut g = self.lock();
        if let Some(p) = g.0.get_mut(&platform) {
            p.shares = shares;
        }
    }

    /// The fault this request hits, if any, and a turn counter for faults that alternate.
    pub fn pick(&self, platform: Platform) -> Option<(Fault, u64)> {
        let mut g = self.lock();
        let (map, rng) = &mut *g;
        let p = map.get_mut(&platform)?;
        let fault = if let Some(front) = p.forced.front_mut() {
            let f = front.0;
            front.1 = front.1.saturating_sub(1);
            if front.1 == 0 {
                p.forced.pop_front();
            }
            f
        } else {
            if p.shares.is_zero() {
                return None;
            }
            let r: f64 = rng.gen();
            let mut acc = 0.0;
            let mut hit = None;
            for (f, s) in p.shares.each() {
                acc += s;
                if r < acc {
                    hit = Some(f);
                    break;
                }
            }
            hit?
        };
        let turn = p.turns.entry(fault).or_insert(0);
        *turn += 1;
        Some((fault, *turn - 1))
    }

    pub fn shuffle<T>(&self, items: &mut [T]) {
        use rand::seq::SliceRandom;
        let mut g = self.lock();
        if items.len() > 1 {
            let original: Vec<usize> = (0..items.len()).collect();
            let mut order = original.clone();
            // A reorder that leaves the page as it was would be no fault at all.
            while order == original {
                order.shuffle(&mut g.1);
            }
            // Apply the permutation by swapping.
            let mut perm = order;
            for i in 0..perm.len() {
                while perm[i] != i {
                    let j = perm[i];
                    items.swap(i, j);
                    perm.swap(i, j);
                }
            }
        }
    }
}

/// Gives the first record of the first list in `body` a wrong-typed field: a number becomes
/// a string, or else a string becomes an object. The record as corrupted, if there was one.
pub fn corrupt(body: &mut Value) -> Option<Value> {
    fn first_record(v: &mut Value) -> Option<&mut serde_json::Map<String, Value>> {
        match v {
            Value::Array(items) => match items.first_mut() {
                Some(Value::Object(m)) => Some(m),
                _ => None,
            },
            Value::Object(m) => m.values_mut().find_map(first_record),
            _ => None,
        }
    }
    let rec = first_record(body)?;
    if let Some(v) = rec.values_mut().find(|v| v.is_number()) {
        *v = Value::String("not-a-number".into());
    } else if let Some(v) = rec.values_mut().find(|v| v.is_string()) {
        *v = serde_json::json!({"unexpected": true});
    } else {
        return None;
    }
    Some(Value::Object(rec.clone()))
}
