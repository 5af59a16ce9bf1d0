//! The background task that turns the store's change feed and the passing of deadlines into
//! UI events: one `inbox://changed` per batch (within a quarter second of a write or a
//! deadline crossing), plus notifications, auto-assignment and the tray.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use kedai_store::app::Crossing;
use tauri::{AppHandle, Emitter};

use crate::clock::ms;
use crate::dto::{Changed, OpenChat};
use crate::state::AppState;

const TICK: Duration = Duration::from_millis(250);

/// What one tick read from the store.
struct Tick {
    seq: i64,
    shops: BTreeSet<String>,
    crossings: Vec<(Crossing, String)>,
    urgent: Vec<crate::tray::Urgent>,
    due_soon: u64,
    overdue: u64,
}

pub async fn run(app: AppHandle, state: AppState) {
    let mut seq = match state.db.call(|s| s.last_change_seq()).await {
        Ok(Ok(s)) => s,
        _ => 0,
    };
    let mut prev_now = state.clock.now();
    let mut first = true;
    let mut interval = tokio::time::interval(TICK);
    loop {
        interval.tick().await;
        let now = state.clock.now();
        let from = prev_now;
        let last = seq;
        let read = state
            .db
            .call(move |s| -> kedai_store::Result<Tick> {
                let changes = s.changes_since(last)?;
                s.absorb_changes(&changes)?;
                let touched: Vec<(String, String)> = changes
                    .iter()
                    .filter_map(|c| c.conversation.clone().map(|v| (c.shop.clone(), v)))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                // §6: new chats are auto-assigned; the backlog of a first sync is not.
                let new_messages: Vec<(String, String)> = changes
                    .iter()
                    .filter(|c| c.what == "conversation" && !first)
                    .filter_map(|c| c.conversation.clone().map(|v| (c.shop.clone(), v)))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                s.classify_conversations(&touched)?;
                s.auto_assign(&new_messages, now, Some(now - chrono::Duration::hours(1)))?;
                let names: BTreeMap<String, String> = s
                    .shops()?
                    .into_iter()
                    .map(|(sh, _)| {
                        let label = sh.name.clone().unwrap_or_else(|| sh.shop.clone());
                        (sh.shop, label)
                    })
                    .collect();
                let crossings = if now > from {
                    s.crossings(from, now)?
                } else {
                    Vec::new()
                };
                let crossings = crossings
                    .into_iter()
                    .map(|c| {
                        let n = names.get(&c.shop).cloned().unwrap_or_default();
                        (c, n)
                    })
                    .collect();
                let counts = s.inbox_counts(None, now)?;
                let urgent = crate::tray::urgent(s, now, &names)?;
                Ok(Tick {
                    seq: changes.last().map_or(last, |c| c.seq),
                    shops: changes.iter().map(|c| c.shop.clone()).collect(),
                    crossings,
                    urgent,
                    overdue: counts[1].1,
                    due_soon: counts[2].1,
                })
            })
            .await;
        let tick = match read {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                tracing::warn!("pump: {e}");
                continue;
            }
            Err(_) => return,
        };
        prev_now = now;
        seq = tick.seq;
        let changed = !tick.shops.is_empty() || !tick.crossings.is_empty();
        if changed || first {
            let _ = app.emit(
                "inbox://changed",
                Changed {
                    seq: seq as f64,
                    now: ms(now),
                    shops: tick.shops.into_iter().collect(),
                    crossings: tick.crossings.len() as u32,
                },
            );
            crate::tray::update(&app, tick.due_soon, tick.overdue, &tick.urgent);
        }
        // Chats already due soon or overdue when the app starts are in the tray, not
        // announced one by one.
        if !first && !tick.crossings.is_empty() {
            let notes = state.notifier.take(tick.crossings);
            if !notes.is_empty() {
                let app = app.clone();
                state
                    .notifier
                    .show(notes, move |shop, conv| open_chat(&app, shop, conv))
                    .await;
            }
        }
        first = false;
    }
}

/// Shows the main window and asks the UI to open a chat.
pub fn open_chat(app: &AppHandle, shop: &str, conversation: &str) {
    crate::tray::show_window(app);
    let _ = app.emit(
        "app://open-chat",
        OpenChat {
            shop: shop.into(),
            conversation: conversation.into(),
        },
    );
}
