//! How the shops are kept current, for the offline banner and Settings. Demo mode runs the
//! stand-in feed of `demo.rs` until the sync crate lands; with neither, the app shows the
//! file as it is (offline review).

use std::sync::OnceLock;

use crate::demo::FeedStatus;
use crate::dto::{AppError, ShopSync};
use crate::state::AppState;

static FEED: OnceLock<FeedStatus> = OnceLock::new();

pub fn set_feed(feed: FeedStatus) {
    let _ = FEED.set(feed);
}

/// Asks every shop's sync to run now (a reply was queued, the agent pressed "sync now").
/// Without a running sync (offline review) the outbox keeps the reply queued.
pub fn sync_now() {
    // The stand-in feed polls every second on its own; kedai-sync's `Sync::sync_now` goes here.
}

pub fn stop() {
    if let Some(f) = FEED.get() {
        f.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

pub async fn status(state: &AppState) -> Result<Vec<ShopSync>, AppError> {
    let shops = state.db.call(|s| s.shops()).await??;
    let last = FEED
        .get()
        .and_then(|f| *f.last_success.lock().expect("feed status"));
    Ok(shops
        .into_iter()
        .map(|(s, _)| ShopSync {
            shop: s.shop,
            name: s.name,
            platform: s.platform.as_str().into(),
            last_success: last.map(|t| t.timestamp_millis() as f64),
            last_error: None,
            needs_reconnect: false,
        })
        .collect())
}
