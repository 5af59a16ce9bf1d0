//! Demo mode: the marketplace simulator in-process with three shops (TikTok Shop MY,
//! Shopee PH, Lazada MY) and accelerated traffic, synced into a fresh demo file by
//! kedai-sync through the connectors, like real shops (`sync.rs`).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use kedai_sim::{SimConfig, SimHandle};
use kedai_store::app::Agent;
use kedai_store::Store;

use crate::clock::AppClock;

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
        // the three shops of `SimConfig::default()`: TikTok Shop MY, Shopee PH, Lazada MY
        speed,
        conversations_per_shop: conversations,
        // Per shop per sim hour: with the clock at 60× a few new chats a minute.
        live_per_hour: 6.0,
        ..SimConfig::default()
    };
    let sim = Arc::new(kedai_sim::start(config, "127.0.0.1:0".parse()?).await?);
    *RUNNING.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&sim));
    Ok(Demo { sim, speed })
}

/// The running simulator, so demo mode can be turned off (`stop`).
static RUNNING: Mutex<Option<Arc<SimHandle>>> = Mutex::new(None);

/// Lets the simulator go: it stops serving and writing once its last handle (the demo
/// clock's, replaced by a switch) is dropped. Call after the sync stopped.
pub fn stop() {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner()).take();
}

/// Demo mode turned on while the app runs (Settings → Shops): a fresh `demo.db` in the data
/// directory, the simulator, its roster and its sync. Answers the file, the clock and what
/// Settings says about the sync. `KEDAI_DEMO_INFO` is written again with the new address.
pub async fn start_live(data_dir: &Path) -> anyhow::Result<(PathBuf, AppClock, String)> {
    let db_path = data_dir.join("demo.db");
    fresh_db(&db_path)?;
    let speed = std::env::var("KEDAI_SPEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEMO_SPEED);
    let sim = start_sim(speed, 60).await?;
    {
        let store = Store::open(&db_path)?;
        seed_roster(&store)?;
    }
    let url = sim.sim.base_url();
    crate::sync::start_demo(&db_path, &url).await?;
    if let Some(info) = std::env::var_os("KEDAI_DEMO_INFO") {
        let json = serde_json::json!({"sim_url": url, "db": db_path});
        std::fs::write(info, json.to_string())?;
    }
    tracing::info!("demo mode: simulator at {url}");
    let clock = AppClock::Sim {
        sim: sim.sim,
        speed: sim.speed,
    };
    Ok((
        db_path,
        clock,
        format!("demo: the simulator's three shops at {url}"),
    ))
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
