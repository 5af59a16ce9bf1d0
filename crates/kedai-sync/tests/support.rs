//! What the sync tests share: a simulator, its ground truth, and the store read back as
//! events.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use kedai_connectors::RetryPolicy;
use kedai_core::Platform;
use kedai_core::{Event, Message};
use kedai_sim::{SimConfig, SimHandle};
use kedai_store::Store;
use kedai_sync::{links_from_sim, once, Db, SyncOptions};
use serde_json::Value;

pub async fn sim(config: SimConfig) -> SimHandle {
    kedai_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("the simulator starts")
}

pub fn three_shops(seed: u64, conversations: u32) -> SimConfig {
    SimConfig {
        seed,
        // the three shops of `SimConfig::default()`: TikTok Shop MY, Shopee PH, Lazada MY
        speed: 0.0,
        history_days: 14,
        conversations_per_shop: conversations,
        ..Default::default()
    }
}

/// Sync options for tests: short waits, quick retries.
pub fn fast() -> SyncOptions {
    SyncOptions {
        poll_interval: Duration::from_millis(200),
        base_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        client: Some((
            Duration::from_millis(400),
            RetryPolicy {
                max_attempts: 3,
                base_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                max_retry_after: Duration::from_millis(50),
            },
        )),
        once_attempts: 200,
        ..Default::default()
    }
}

pub async fn get(url: &str) -> String {
    let r = reqwest::get(url).await.expect("the simulator answers");
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.text().await.unwrap()
}

/// The simulator's ground truth as an event log.
pub async fn truth_log(base: &str) -> String {
    get(&format!("{base}/_sim/events")).await
}

pub fn events(log: &str) -> Vec<Event> {
    log.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("an event line"))
        .collect()
}

/// Messages by (shop, id).
pub fn messages(events: &[Event]) -> BTreeMap<(String, String), Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(((m.shop.clone(), m.id.clone()), m.clone())),
            _ => None,
        })
        .collect()
}

/// Everything the store holds, as events.
pub fn stored(store: &Store) -> Vec<Event> {
    let mut out = Vec::new();
    store.export(None, &mut out).unwrap();
    events(&String::from_utf8(out).unwrap())
}

/// The records the simulator served corrupted, as JSON values.
pub async fn corrupted(base: &str) -> BTreeSet<String> {
    let v: Value = serde_json::from_str(&get(&format!("{base}/_sim/faults")).await).unwrap();
    v["corrupted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["record"].to_string())
        .collect()
}

/// The quarantined records, as canonical JSON.
pub fn quarantined(store: &Store) -> BTreeSet<String> {
    store
        .quarantined(None)
        .unwrap()
        .into_iter()
        .map(|q| {
            serde_json::from_str::<Value>(&q.raw)
                .expect("quarantined raw is JSON")
                .to_string()
        })
        .collect()
}

/// Asserts `lower ⊆ store ⊆ upper` message by message, equal where both hold a message:
/// nothing the platform had before the last pass is missing, nothing is invented.
pub fn assert_between(
    lower: &BTreeMap<(String, String), Message>,
    got: &BTreeMap<(String, String), Message>,
    upper: &BTreeMap<(String, String), Message>,
) {
    for (k, m) in lower {
        assert_eq!(
            got.get(k),
            Some(m),
            "message {k:?} from before the last pass"
        );
    }
    for (k, m) in got {
        assert_eq!(
            upper.get(k),
            Some(m),
            "stored message {k:?} is not the platform's"
        );
    }
}

/// One sync of every shop of the simulator at `base` into the file at `path`, which must
/// succeed.
pub async fn sync_once(base: &str, path: &std::path::Path, options: SyncOptions) {
    let (links, clock) = links_from_sim(base, &options).await.unwrap();
    once(Db::open(path).unwrap(), links, clock, options)
        .await
        .unwrap();
}

/// The stored shop of `platform`.
pub fn shop_of(store: &Store, platform: Platform) -> String {
    store
        .shops()
        .unwrap()
        .into_iter()
        .find(|(s, _)| s.platform == platform)
        .unwrap()
        .0
        .shop
}
