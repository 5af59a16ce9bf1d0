//! Demo mode: the marketplace simulator in-process with three shops (TikTok Shop MY,
//! Shopee PH, Lazada MY) and accelerated traffic, synced into a fresh demo file.
//!
//! Until the sync crate lands, a stand-in feed copies the simulator's ground truth into the
//! store as its clock releases it (each event once, by its instant). It is replaced by
//! `kedai_sync::Sync::start_from_sim` (see `sync.rs`), which goes through the connectors.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use kedai_core::history::parse_log;
use kedai_core::{Platform, Region};
use kedai_sim::{SimConfig, SimHandle};
use kedai_store::app::Agent;
use kedai_store::Store;

pub struct Demo {
    pub sim: Arc<SimHandle>,
    pub speed: f64,
}

/// Sim seconds per wall second in demo mode: a 12-hour window passes in 12 minutes.
pub const DEMO_SPEED: f64 = 60.0;

/// Starts the simulator on a free loopback port. The tokio runtime must be running.
pub async fn start_sim(speed: f64, conversations: u32) -> anyhow::Result<Demo> {
    let config = SimConfig {
        seed: 7,
        shops: vec![
            (Platform::Tiktok, Region::MY),
            (Platform::Shopee, Region::PH),
            (Platform::Lazada, Region::MY),
        ],
        speed,
        conversations_per_shop: conversations,
        // Per shop per sim hour: with the clock at 60× a few new chats a minute.
        live_per_hour: 6.0,
        ..SimConfig::default()
    };
    let sim = kedai_sim::start(config, "127.0.0.1:0".parse()?).await?;
    Ok(Demo {
        sim: Arc::new(sim),
        speed,
    })
}

/// A fresh demo file: the previous demo's data is from another simulated world.
pub fn fresh_db(path: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let p = PathBuf::from(p);
        if p.exists() {
            std::fs::remove_file(&p)?;
        }
    }
    Ok(())
}

/// The demo roster: you and three colleagues, so assignment has somewhere to go.
pub fn seed_roster(store: &Store) -> anyhow::Result<()> {
    for (id, name, status, me) in [
        ("me", "You", "online", true),
        ("aisyah", "Aisyah", "online", false),
        ("miguel", "Miguel", "online", false),
        ("weiling", "Wei Ling", "away", false),
    ] {
        store.upsert_agent(&Agent {
            id: id.into(),
            name: name.into(),
            status: status.into(),
            capacity: 25,
            auto_assign: !me,
            is_me: me,
            open_chats: 0,
        })?;
    }
    Ok(())
}

/// The stand-in feed's state, for the offline banner.
#[derive(Clone, Default)]
pub struct FeedStatus {
    pub last_success: Arc<Mutex<Option<DateTime<Utc>>>>,
    pub stop: Arc<AtomicBool>,
}

/// Copies the simulator's released events into the store once a second, on its own thread
/// with its own connection (the writer).
pub fn start_feed(sim: Arc<SimHandle>, db: PathBuf) -> anyhow::Result<FeedStatus> {
    let mut store = Store::open(&db)?;
    let status = FeedStatus::default();
    let st = status.clone();
    std::thread::Builder::new()
        .name("kedai-demo-feed".into())
        .spawn(move || {
            let mut watermark: Option<DateTime<Utc>> = None;
            while !st.stop.load(Ordering::Relaxed) {
                let now = sim.now();
                match feed_once(&mut store, &sim, watermark, now) {
                    Ok(()) => {
                        watermark = Some(now);
                        *st.last_success.lock().expect("feed status") = Some(Utc::now());
                    }
                    Err(e) => tracing::warn!("demo feed: {e}"),
                }
                std::thread::sleep(Duration::from_millis(700));
            }
        })?;
    Ok(status)
}

fn feed_once(
    store: &mut Store,
    sim: &SimHandle,
    watermark: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let parsed = parse_log(&sim.events_log(), true).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let events = parsed
        .events
        .into_iter()
        .filter(|(_, e)| match (e.at(), watermark) {
            // Shop declarations and other undated facts: once, on the first pass.
            (None, w) => w.is_none(),
            (Some(at), None) => at <= now,
            (Some(at), Some(w)) => at > w && at <= now,
        });
    let events: Vec<_> = events.collect();
    if !events.is_empty() {
        store.apply_numbered(events, true)?;
    }
    Ok(())
}
