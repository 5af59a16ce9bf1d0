//! From a shop's history to its clocks, metrics and inbox: the whole engine in one place,
//! and the report shapes of `event-log.md`.

use serde::Serialize;

use crate::clock::{self, ConversationClock, ShopContext};
use crate::history::ShopHistory;
use crate::inbox::{self, InboxRow};
use crate::metrics::{self, ShopMetrics};
use crate::model::{Order, Platform, Region, Shop};
use crate::settings::ShopSettings;
use crate::time::{serde_ts, Ts};

/// Runs the clock over every conversation of a shop.
pub fn clocks(history: &ShopHistory, settings: &ShopSettings) -> Vec<ConversationClock> {
    let ctx = ShopContext {
        shop: &history.shop,
        settings,
        timeline: &history.timeline,
    };
    history
        .conversations
        .values()
        .map(|conv| clock::derive(ctx, conv))
        .collect()
}

/// §5 over derived clocks.
pub fn metrics(
    shop: &Shop,
    settings: &ShopSettings,
    clocks: &[ConversationClock],
    orders: &[Order],
    now: Ts,
) -> ShopMetrics {
    metrics::compute(shop, settings, clocks.iter().map(|c| c.view()), orders, now)
}

/// §6 over derived clocks, in inbox order.
pub fn inbox(
    shop: &Shop,
    settings: &ShopSettings,
    clocks: &[ConversationClock],
    now: Ts,
) -> Vec<InboxRow> {
    let mut rows: Vec<_> = clocks
        .iter()
        .filter(|c| c.exists_at(now))
        .map(|c| inbox::row(shop, settings, c, None, now))
        .collect();
    inbox::sort(&mut rows);
    rows
}

/// `kedai metrics --json`.
#[derive(Debug, Clone, Serialize)]
pub struct MetricsReport {
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub shops: Vec<ShopReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShopReport {
    pub shop: String,
    pub platform: Platform,
    pub region: Region,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub metrics: ShopMetrics,
}

impl ShopReport {
    pub fn new(shop: &Shop, metrics: ShopMetrics) -> Self {
        ShopReport {
            shop: shop.shop.clone(),
            platform: shop.platform,
            region: shop.region,
            name: shop.name.clone(),
            metrics,
        }
    }
}

/// `kedai inbox --json`.
#[derive(Debug, Clone, Serialize)]
pub struct InboxReport {
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub counts: std::collections::BTreeMap<&'static str, u64>,
    pub conversations: Vec<InboxRow>,
}

impl InboxReport {
    pub fn new(at: Ts, mut rows: Vec<InboxRow>) -> Self {
        inbox::sort(&mut rows);
        let counts = inbox::counts(&rows)
            .into_iter()
            .map(|(f, n)| (f.as_str(), n))
            .collect();
        InboxReport {
            at,
            counts,
            conversations: rows,
        }
    }
}
