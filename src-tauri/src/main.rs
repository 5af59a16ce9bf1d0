//! `kedai-desktop`: the desktop inbox. A thin shell: commands over the store and the engine,
//! a background task turning the change feed and passing deadlines into UI events, the
//! tray, notifications and demo mode.
//!
//! Options (each also an environment variable, for tests):
//! `--db PATH` (`KEDAI_DB`): the SQLite file; default `kedai.db` in the app-data directory.
//! `--demo` / `--no-demo` (`KEDAI_DEMO=1|0`): the in-process simulator; default on when no
//! file is named. `--now INSTANT` (`KEDAI_NOW`) and `--speed X` (`KEDAI_SPEED`): pin the
//! clock (tests, benchmarks); in demo mode `--speed` is the simulator's.
//! `KEDAI_DEMO_INFO=PATH`: where demo mode writes `{sim_url, db}` for tests.
//! `KEDAI_BENCH=1`: print the UI's timing marks on stderr.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[cfg(test)]
mod bindings;
mod chat;
mod clock;
mod commands;
mod connect;
mod db;
mod demo;
mod dto;
mod dto_chat;
mod dto_settings;
mod files;
mod metrics;
mod mode;
mod notify;
mod pump;
mod settings;
mod state;
mod sync;
mod tray;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::Context;
use kedai_core::time::parse_instant;
use tauri::{Manager, WindowEvent};

use crate::clock::AppClock;
use crate::db::Db;
use crate::dto::NotifySettings;
use crate::notify::Notifier;
use crate::state::AppState;

/// When the main window was created: the benchmark's zero.
static WINDOW_CREATED: OnceLock<Instant> = OnceLock::new();

#[derive(Debug, Default)]
struct Options {
    db: Option<PathBuf>,
    demo: Option<bool>,
    now: Option<String>,
    speed: Option<f64>,
}

fn options() -> anyhow::Result<Options> {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let mut o = Options {
        db: env("KEDAI_DB").map(PathBuf::from),
        demo: env("KEDAI_DEMO").map(|v| v != "0"),
        now: env("KEDAI_NOW"),
        speed: env("KEDAI_SPEED").map(|v| v.parse()).transpose()?,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().with_context(|| format!("{a} needs a value"));
        match a.as_str() {
            "--db" => o.db = Some(value()?.into()),
            "--demo" => o.demo = Some(true),
            "--no-demo" => o.demo = Some(false),
            "--now" => o.now = Some(value()?),
            "--speed" => o.speed = Some(value()?.parse()?),
            other => {
                anyhow::bail!("unknown option `{other}` (--db, --demo, --no-demo, --now, --speed)")
            }
        }
    }
    Ok(o)
}

#[tauri::command]
fn bench_mark(name: String) {
    if std::env::var_os("KEDAI_BENCH").is_some() {
        let since = WINDOW_CREATED
            .get()
            .map(|t| t.elapsed().as_secs_f64() * 1000.0);
        eprintln!("KEDAI_BENCH {name} {:.1}", since.unwrap_or(-1.0));
    }
}

fn setup(app: &mut tauri::App, opts: Options) -> anyhow::Result<()> {
    let data_dir = match std::env::var_os("KEDAI_DATA_DIR") {
        Some(d) => PathBuf::from(d),
        None => app.path().app_data_dir()?,
    };
    std::fs::create_dir_all(&data_dir)?;
    mode::init(&data_dir);
    // Settings → Shops keeps the last demo on/off choice; `--demo` / `--no-demo` override it.
    let saved = opts
        .db
        .is_none()
        .then(|| mode::saved_demo(&data_dir))
        .flatten();
    let demo = opts.demo.or(saved).unwrap_or(opts.db.is_none());
    let db_path = match (&opts.db, demo) {
        (Some(p), _) => p.clone(),
        (None, true) => data_dir.join("demo.db"),
        (None, false) => data_dir.join("kedai.db"),
    };
    let pinned = opts
        .now
        .as_deref()
        .map(parse_instant)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let (clock, sync_label) = if demo {
        demo::fresh_db(&db_path)?;
        let speed = opts.speed.unwrap_or(demo::DEMO_SPEED);
        let sim = tauri::async_runtime::block_on(demo::start_sim(speed, 60))?;
        {
            let store = kedai_store::Store::open(&db_path)?;
            demo::seed_roster(&store)?;
        }
        tauri::async_runtime::block_on(sync::start_demo(&db_path, &sim.sim.base_url()))?;
        if let Some(info) = std::env::var_os("KEDAI_DEMO_INFO") {
            let json = serde_json::json!({"sim_url": sim.sim.base_url(), "db": db_path});
            std::fs::write(info, json.to_string())?;
        }
        tracing::info!("demo mode: simulator at {}", sim.sim.base_url());
        (
            AppClock::Sim {
                sim: Arc::clone(&sim.sim),
                speed: sim.speed,
            },
            format!(
                "demo: the simulator's three shops at {}",
                sim.sim.base_url()
            ),
        )
    } else {
        let clock = match pinned {
            Some(start) => AppClock::pinned(start, opts.speed.unwrap_or(0.0)),
            None => AppClock::Wall,
        };
        let label = match sync::config_path(&data_dir) {
            Some(config) => {
                tauri::async_runtime::block_on(sync::start_configured(&db_path, &config))
                    .unwrap_or_else(|e| format!("not syncing: {e}"))
            }
            None => "offline: no shop connected".to_owned(),
        };
        (clock, label)
    };
    let db = Db::open(&db_path)?;
    let settings: NotifySettings = tauri::async_runtime::block_on(db.call(|s| {
        s.classify_all()?;
        if s.agents(chrono::Utc::now())?.is_empty() {
            demo::seed_roster(s).map_err(|e| kedai_store::StoreError::Invalid(e.to_string()))?;
        }
        s.app_setting("notify")
    }))??
    .and_then(|j| serde_json::from_str(&j).ok())
    .unwrap_or(NotifySettings {
        paused: false,
        dnd_from: String::new(),
        dnd_to: String::new(),
    });
    let live = mode::Live::new(db, clock, demo, sync_label);
    let state = AppState {
        db: mode::LiveDb::new(live.clone()),
        clock: mode::LiveClock::new(live),
        me: "me".into(),
        notifier: Notifier::new(settings),
    };
    app.manage(state.clone());
    tray::build(app.handle())?;
    WINDOW_CREATED.get_or_init(Instant::now);
    tauri::async_runtime::spawn(pump::run(app.handle().clone(), state.pinned()));
    Ok(())
}

/// WebKitGTK settings, before GTK or any thread starts. The DMA-BUF renderer (WebKitGTK
/// 2.42+) keeps its own buffers in the web process: measured under the benchmark (Xvfb,
/// 50,000 conversations) the web process held 321 MB with it and 187 MB without, and the
/// inbox painted and repainted sooner. Set only when the user has not chosen.
fn webkit_env() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
}

fn main() {
    if files::save_dialog_process() {
        return;
    }
    webkit_env();
    kedai_sync::init_logging();
    let opts = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("kedai-desktop: {e}");
            std::process::exit(2);
        }
    };
    let opts = std::sync::Mutex::new(Some(opts));
    tauri::Builder::default()
        .setup(move |app| {
            let opts = opts.lock().expect("options").take().unwrap_or_default();
            setup(app, opts).map_err(|e| {
                eprintln!("kedai-desktop: {e:#}");
                e.into()
            })
        })
        .on_window_event(|window, event| {
            // Closing the window keeps the app in the tray, syncing.
            if let WindowEvent::CloseRequested { api, .. } = event {
                if std::env::var_os("KEDAI_EXIT_ON_CLOSE").is_none() {
                    let _ = window.hide();
                    api.prevent_close();
                }
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::inbox_page,
            commands::header,
            commands::open_conversation,
            commands::set_starred,
            commands::set_priority,
            commands::assign,
            commands::agents,
            commands::save_agent,
            commands::notify_status,
            commands::set_notify_settings,
            commands::sync_status,
            commands::sync_now,
            settings::settings_info,
            settings::set_holiday_mode,
            settings::set_weekend_coverage,
            settings::set_operating_hours,
            settings::set_shop_profile,
            settings::set_shop_setting,
            settings::set_shop_secrets,
            connect::connect_shop_start,
            connect::connect_shop_cancel,
            connect::connect_status,
            connect::set_demo,
            connect::disconnect_shop,
            settings::backup_data,
            settings::export_event_log,
            settings::rules,
            settings::save_rule,
            settings::delete_rule,
            settings::order_rules,
            settings::test_rules,
            settings::rule_effects,
            settings::quick_replies,
            settings::save_quick_reply,
            settings::word_lists,
            settings::edit_word,
            settings::set_intent_enabled,
            settings::guard_levels,
            settings::set_guard_level,
            metrics::metrics_review,
            metrics::export_metrics_csv,
            chat::chat_page,
            chat::chat_context,
            chat::chat_guard,
            chat::chat_send,
            chat::chat_retry,
            chat::chat_mark,
            chat::chat_transfer,
            chat::chat_report_abuse,
            chat::chat_send_image,
            files::choose_save_path,
            chat::buyer_panel,
            chat::order_search,
            chat::chat_from_order,
            bench_mark,
        ])
        .run(tauri::generate_context!())
        .expect("error while running kedai-desktop");
}
