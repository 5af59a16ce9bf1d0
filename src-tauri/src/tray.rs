//! The tray icon: its title and tooltip carry the due-soon and overdue counts, its menu the
//! most urgent chats (a click opens the chat), pause notifications, open and quit. Closing
//! the window hides it; the app keeps syncing in the tray.

use std::collections::BTreeMap;

use kedai_core::inbox::Filter;
use kedai_core::Ts;
use kedai_store::app::Scope;
use kedai_store::Store;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager};

use crate::dto::NotifySettings;
use crate::state::AppState;

const TRAY_ID: &str = "kedai";
/// How many chats the menu lists.
const URGENT: usize = 5;

#[derive(Debug, Clone)]
pub struct Urgent {
    pub shop: String,
    pub conversation: String,
    pub label: String,
}

/// The most urgent open chats: overdue first, then due soon, by deadline.
pub fn urgent(
    s: &Store,
    now: Ts,
    names: &BTreeMap<String, String>,
) -> kedai_store::Result<Vec<Urgent>> {
    let mut out = Vec::new();
    for (filter, word) in [(Filter::Overdue, "overdue"), (Filter::DueSoon, "due soon")] {
        for r in s.app_inbox(&Scope::default(), filter, now, 0, URGENT)? {
            if out.len() < URGENT {
                let shop = names
                    .get(&r.shop)
                    .cloned()
                    .unwrap_or_else(|| r.shop.clone());
                let buyer = r.buyer_name.as_deref().unwrap_or(&r.buyer);
                out.push(Urgent {
                    label: format!("{buyer} · {shop} ({word})"),
                    shop: r.shop,
                    conversation: r.conversation,
                });
            }
        }
    }
    Ok(out)
}

pub fn show_window(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

fn menu(app: &AppHandle, urgent: &[Urgent], paused: bool) -> tauri::Result<Menu<tauri::Wry>> {
    let menu = Menu::new(app)?;
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open Kedai",
        true,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    if urgent.is_empty() {
        menu.append(&MenuItem::with_id(
            app,
            "none",
            "No urgent chats",
            false,
            None::<&str>,
        )?)?;
    }
    for u in urgent {
        let id = format!("chat\u{1f}{}\u{1f}{}", u.shop, u.conversation);
        menu.append(&MenuItem::with_id(app, id, &u.label, true, None::<&str>)?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&CheckMenuItem::with_id(
        app,
        "pause",
        "Pause notifications",
        true,
        paused,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "quit",
        "Quit Kedai",
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let icon = tauri::image::Image::from_bytes(include_bytes!("../../icons/tray.png"))?;
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(icon)
        .tooltip("Kedai")
        .menu(&menu(app, &[], false)?)
        .on_menu_event(|app, event| {
            let id = event.id().as_ref();
            match id {
                "open" => show_window(app),
                "quit" => {
                    // let each shop finish its step (nothing half-sent), but not for long
                    let app = app.clone();
                    tauri::async_runtime::spawn(async move {
                        let stop = crate::sync::stop();
                        let _ = tokio::time::timeout(std::time::Duration::from_secs(3), stop).await;
                        app.exit(0)
                    });
                }
                "pause" => {
                    let state = app.state::<AppState>();
                    let mut settings: NotifySettings = state.notifier.status().settings;
                    settings.paused = !settings.paused;
                    state.notifier.set_settings(settings);
                }
                _ => {
                    let mut parts = id.split('\u{1f}');
                    if let (Some("chat"), Some(shop), Some(conv)) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        tracing::info!("tray: opening a chat");
                        crate::pump::open_chat(app, shop, conv);
                    }
                }
            }
        })
        .build(app)?;
    Ok(())
}

/// The counts as the tray shows them.
pub fn title(due_soon: u64, overdue: u64) -> String {
    format!("{overdue} overdue · {due_soon} due soon")
}

pub fn update(app: &AppHandle, due_soon: u64, overdue: u64, urgent: &[Urgent]) {
    // Rebuild the menu only when what it shows changed.
    static SHOWN: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());
    let text = title(due_soon, overdue);
    let paused = app.state::<AppState>().notifier.status().settings.paused;
    let key = format!(
        "{text}|{paused}|{}",
        urgent
            .iter()
            .map(|u| u.label.as_str())
            .collect::<Vec<_>>()
            .join("|")
    );
    {
        let mut shown = SHOWN.lock().expect("tray cache");
        if *shown == key {
            return;
        }
        *shown = key;
    }
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let _ = tray.set_tooltip(Some(format!("Kedai: {text}")));
    // Linux tray hosts show the title beside the icon; tooltips there are not supported.
    let _ = tray.set_title(Some(&text));
    if let Ok(m) = menu(app, urgent, paused) {
        let _ = tray.set_menu(Some(m));
    }
}
