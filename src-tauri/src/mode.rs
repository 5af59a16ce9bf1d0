//! Demo on and off while the app runs. The data file (its store thread), the clock, the demo
//! flag and the sync description live in one `Live` cell; a switch stops the sync (and the
//! simulator), opens the other file, swaps the cell's contents under a new generation,
//! starts a pump for that generation (the previous pump stops at its next read: its reads
//! are pinned to the generation it started with), starts syncing, and tells the UI to reload
//! everything (`app://mode-changed`). The choice is kept in `kedai-app.json` in the data
//! directory, so the next launch opens the same way unless `--demo` / `--no-demo` says.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use kedai_core::Ts;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter};

use crate::clock::AppClock;
use crate::db::Db;
use crate::dto_settings::ModeChanged;
use crate::state::AppState;

/// What a switch replaces.
struct Current {
    generation: u64,
    db: Db,
    clock: AppClock,
    demo: bool,
    sync: String,
}

/// The switchable part of the app state.
#[derive(Clone)]
pub struct Live(Arc<RwLock<Current>>);

impl Live {
    pub fn new(db: Db, clock: AppClock, demo: bool, sync: String) -> Live {
        Live(Arc::new(RwLock::new(Current {
            generation: 0,
            db,
            clock,
            demo,
            sync,
        })))
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Current> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn demo(&self) -> bool {
        self.read().demo
    }

    pub fn sync(&self) -> String {
        self.read().sync.clone()
    }

    pub fn generation(&self) -> u64 {
        self.read().generation
    }

    fn replace(&self, db: Db, clock: AppClock, demo: bool, sync: String) -> u64 {
        let mut w = self.0.write().unwrap_or_else(|e| e.into_inner());
        w.generation += 1;
        w.db = db;
        w.clock = clock;
        w.demo = demo;
        w.sync = sync;
        w.generation
    }

    fn set_sync(&self, sync: String) {
        self.0.write().unwrap_or_else(|e| e.into_inner()).sync = sync;
    }
}

/// The store's thread of the current data file. A pinned handle (the pump's) fails once
/// the file has been switched, so a reader of the old file stops instead of reading the
/// new one with the old file's change sequence.
#[derive(Clone)]
pub struct LiveDb {
    live: Live,
    pinned: Option<u64>,
}

impl LiveDb {
    pub fn new(live: Live) -> LiveDb {
        LiveDb { live, pinned: None }
    }

    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Runs `f` on the current file's store thread.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut kedai_store::Store) -> R + Send + 'static,
    ) -> anyhow::Result<R> {
        let db = {
            let c = self.live.read();
            if let Some(g) = self.pinned {
                if g != c.generation {
                    anyhow::bail!("the data file was switched");
                }
            }
            c.db.clone()
        };
        db.call(f).await
    }
}

/// The app's `now` of the current mode.
#[derive(Clone)]
pub struct LiveClock(Live);

impl LiveClock {
    pub fn new(live: Live) -> LiveClock {
        LiveClock(live)
    }

    pub fn now(&self) -> Ts {
        self.0.read().clock.now()
    }

    pub fn speed(&self) -> f64 {
        self.0.read().clock.speed()
    }
}

impl AppState {
    /// A copy whose store reads stop working when the data file is switched (the pump's).
    pub fn pinned(&self) -> AppState {
        let mut s = self.clone();
        s.db.pinned = Some(self.db.live.generation());
        s
    }
}

static DATA_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Where demo.db, kedai.db, kedai.toml and the saved mode live (set once at start).
pub fn init(data_dir: &Path) {
    let _ = DATA_DIR.set(data_dir.to_owned());
}

pub fn data_dir() -> anyhow::Result<PathBuf> {
    DATA_DIR
        .get()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the data directory is not known yet"))
}

/// The real shops' file in the data directory.
pub fn real_db(data_dir: &Path) -> PathBuf {
    data_dir.join("kedai.db")
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    demo: Option<bool>,
}

const SAVED: &str = "kedai-app.json";

/// The mode chosen last time (Settings → Shops), if any.
pub fn saved_demo(data_dir: &Path) -> Option<bool> {
    let text = std::fs::read_to_string(data_dir.join(SAVED)).ok()?;
    serde_json::from_str::<Saved>(&text).ok()?.demo
}

pub fn save_demo(data_dir: &Path, demo: bool) -> anyhow::Result<()> {
    let path = data_dir.join(SAVED);
    let tmp = data_dir.join(format!("{SAVED}.tmp.{}", std::process::id()));
    std::fs::write(&tmp, serde_json::to_string(&Saved { demo: Some(demo) })?)?;
    std::fs::rename(&tmp, &path)?;
    Ok(())
}

/// One switch at a time.
static SWITCHING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Switches to demo data (`demo`) or to the real shops' file, without a restart; when the
/// app is already in real mode, `demo = false` restarts the sync of the configured shops
/// (a shop was just connected or removed).
pub async fn switch(app: &AppHandle, state: &AppState, demo: bool) -> anyhow::Result<()> {
    let _one = SWITCHING.lock().await;
    let dir = data_dir()?;
    let was_demo = state.demo();
    if demo && was_demo {
        // already on the simulator's data: a fresh demo would only lose it
        save_demo(&dir, true)?;
        return Ok(());
    }
    crate::sync::stop().await;
    if !demo && !was_demo {
        // Same file (kedai.db, or the one `--db` named): only the shops changed.
        let open = state.db.call(|s| s.file_path()).await?;
        let path = open.map(PathBuf::from).unwrap_or_else(|| real_db(&dir));
        let label = crate::sync::start_real(&path, &dir).await;
        state.db.live.set_sync(label);
    } else {
        let (path, clock, label) = if demo {
            crate::demo::start_live(&dir).await?
        } else {
            let path = real_db(&dir);
            let label = crate::sync::start_real(&path, &dir).await;
            (path, AppClock::Wall, label)
        };
        let db = Db::open(&path)?;
        db.call(|s| -> anyhow::Result<()> {
            s.classify_all()?;
            if s.agents(chrono::Utc::now())?.is_empty() {
                crate::demo::seed_roster(s)?;
            }
            Ok(())
        })
        .await??;
        state.db.live.replace(db, clock, demo, label);
        if !demo {
            // the simulator stops when its last handle (the old clock's) is gone
            crate::demo::stop();
        }
        tauri::async_runtime::spawn(crate::pump::run(app.clone(), state.pinned()));
    }
    save_demo(&dir, demo)?;
    tracing::info!(demo, "data switched");
    let _ = app.emit("app://mode-changed", ModeChanged { demo });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_mode_is_kept_for_the_next_launch() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(saved_demo(dir.path()), None);
        save_demo(dir.path(), false).unwrap();
        assert_eq!(saved_demo(dir.path()), Some(false));
        save_demo(dir.path(), true).unwrap();
        assert_eq!(saved_demo(dir.path()), Some(true));
        std::fs::write(dir.path().join(SAVED), "garbage").unwrap();
        assert_eq!(
            saved_demo(dir.path()),
            None,
            "an unreadable file is no choice"
        );
    }

    /// A pinned handle (the pump's) stops working once the file is switched; the shared
    /// handle (the commands') follows the switch.
    #[tokio::test]
    async fn a_switch_moves_the_commands_and_stops_the_old_pump() {
        let dir = tempfile::tempdir().unwrap();
        let a = Db::open(&dir.path().join("a.db")).unwrap();
        let b = Db::open(&dir.path().join("b.db")).unwrap();
        let live = Live::new(a, AppClock::Wall, true, "demo".into());
        let shared = LiveDb::new(live.clone());
        let pinned = LiveDb {
            live: live.clone(),
            pinned: Some(live.generation()),
        };
        let path = |s: &mut kedai_store::Store| s.file_path().unwrap_or_default();
        assert!(pinned.call(path).await.unwrap().ends_with("a.db"));
        live.replace(b, AppClock::Wall, false, "real".into());
        assert!(shared.call(path).await.unwrap().ends_with("b.db"));
        assert!(pinned.call(path).await.is_err());
        assert!(!live.demo());
        assert_eq!(live.sync(), "real");
    }
}
