//! How the shops are kept current: kedai-sync's tasks, one per shop, writing into the same
//! file the app reads. Demo mode syncs the in-process simulator's shops; otherwise the shops
//! of `kedai.toml` in the data directory (secrets in the keyring). With neither, the app
//! shows the file as it is (offline review).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use kedai_sync::config::Config;
use kedai_sync::secrets::Secrets;
use kedai_sync::{Sync, SyncOptions};

use crate::dto::{AppError, ShopSync};
use crate::state::AppState;

static SYNC: Mutex<Option<Sync>> = Mutex::new(None);

/// Demo polling: with the simulator's clock at 60× a poll a second is a minute of shop time.
pub const DEMO_POLL: Duration = Duration::from_secs(1);

/// Starts syncing every shop the simulator at `sim_url` lists into `db`.
pub async fn start_demo(db: &Path, sim_url: &str) -> anyhow::Result<()> {
    let options = SyncOptions {
        poll_interval: DEMO_POLL,
        ..SyncOptions::default()
    };
    let sync = Sync::start_from_sim(db, sim_url, options).await?;
    keep(sync);
    Ok(())
}

/// The configuration file of real shops, when there is one.
pub fn config_path(data_dir: &Path) -> Option<PathBuf> {
    let path = std::env::var_os("KEDAI_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("kedai.toml"));
    path.exists().then_some(path)
}

/// Starts syncing the shops of the config at `path` into `db`. A description of what runs.
pub async fn start_configured(db: &Path, path: &Path) -> anyhow::Result<String> {
    let config = Config::load(path)?;
    let secrets = Secrets::for_db(db);
    let options = config.options();
    let links = config.links(&secrets, &options)?;
    let n = links.len();
    let sync = Sync::start(
        kedai_sync::Db::open(db)?,
        links,
        kedai_sync::Clock::Wall,
        options,
    )
    .await?;
    keep(sync);
    Ok(format!(
        "{n} shop(s) from {}; secrets in {}",
        path.display(),
        secrets.describe()
    ))
}

/// Syncs the configured shops into the real file `db` (after a switch or a new shop):
/// what runs, or why nothing does.
pub async fn start_real(db: &Path, data_dir: &Path) -> String {
    match config_path(data_dir) {
        Some(config) => start_configured(db, &config)
            .await
            .unwrap_or_else(|e| format!("not syncing: {e}")),
        None => "offline: no shop connected".to_owned(),
    }
}

/// The config file new shops are written to: `KEDAI_CONFIG`, else `kedai.toml` in the
/// data directory (created by the first connected shop).
pub fn config_target(data_dir: &Path) -> PathBuf {
    std::env::var_os("KEDAI_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("kedai.toml"))
}

fn keep(sync: Sync) {
    *SYNC.lock().expect("sync handle") = Some(sync);
}

/// Asks every shop's sync to run now (a reply was queued, the agent pressed "sync now").
/// Without a running sync (offline review) the outbox keeps the reply queued.
pub fn sync_now() {
    if let Some(s) = SYNC.lock().expect("sync handle").as_ref() {
        s.sync_now();
    }
}

/// Stops every shop's task after its current step (the app is quitting).
pub async fn stop() {
    let sync = SYNC.lock().expect("sync handle").take();
    if let Some(s) = sync {
        s.stop().await;
    }
}

/// Each shop's health, with the last success in wall time (in demo mode the sync records
/// the simulator's instants; the banner compares with the wall clock).
pub async fn status(state: &AppState) -> Result<Vec<ShopSync>, AppError> {
    let now = state.clock.now();
    // app seconds per wall second; a stopped clock (a pinned review) maps one to one
    let speed = match state.clock.speed() {
        s if s > 0.0 => s,
        _ => 1.0,
    };
    let health = state.db.call(move |s| s.sync_health(now)).await??;
    let wall = chrono::Utc::now().timestamp_millis() as f64;
    Ok(health
        .into_iter()
        .map(|h| ShopSync {
            shop: h.shop,
            name: h.name,
            platform: h.platform,
            last_success: h
                .last_success
                .map(|t| wall - (now - t).num_milliseconds().max(0) as f64 / speed),
            last_error: h.last_error,
            needs_reconnect: h.needs_reconnect,
        })
        .collect())
}
