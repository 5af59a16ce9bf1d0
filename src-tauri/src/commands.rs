//! The commands the UI calls (through `ui/src/lib/ipc.ts`): each takes the state, calls the
//! store or the engine on the store's thread, and maps the error to `{kind, message}`.

use kedai_core::model::{Event, Mark, MarkAction};
use tauri::State;

use crate::clock::ms;
use crate::dto::*;
use crate::state::AppState;

type Res<T> = Result<T, AppError>;

/// The figures of §5 the header shows, per platform, in this order.
pub fn header_figures(platform: kedai_core::Platform) -> &'static [&'static str] {
    use kedai_core::Platform::*;
    match platform {
        Tiktok => &[
            "response_rate_12h",
            "response_rate_24h",
            "weekly_response_rate_24h",
            "satisfaction_rate",
            "avg_response_time",
            "sessions_today",
        ],
        Shopee => &[
            "chat_response_rate",
            "first_response_time",
            "avg_response_time",
            "sessions_today",
        ],
        Lazada => &[
            "chat_response_rate",
            "response_rate_10min",
            "chat_response_time",
            "sessions_today",
        ],
    }
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Res<AppInfo> {
    let shops = state.db.call(|s| s.shops()).await??;
    Ok(AppInfo {
        demo: state.demo(),
        now: ms(state.clock.now()),
        speed: state.clock.speed(),
        shops: shops
            .into_iter()
            .map(|(s, _)| ShopInfo {
                shop: s.shop,
                name: s.name,
                platform: s.platform.as_str().into(),
                region: s.region.as_str().into(),
            })
            .collect(),
        me: state.me.clone(),
        sync: state.sync(),
        bench: std::env::var_os("KEDAI_BENCH").is_some(),
    })
}

#[tauri::command]
pub async fn inbox_page(state: State<'_, AppState>, query: InboxQuery) -> Res<InboxPage> {
    let scope = query.scope()?;
    let filter = query.filter()?;
    let now = state.clock.now();
    let (offset, limit) = (query.offset, query.limit.min(500));
    let with_counts = query.counts;
    let asked = std::time::Instant::now();
    let (rows, counts, times) = state
        .db
        .call(move |s| -> kedai_store::Result<_> {
            let start = std::time::Instant::now();
            let rows = s.app_inbox(&scope, filter, now, offset as usize, limit as usize)?;
            let listed = std::time::Instant::now();
            let counts = if with_counts {
                Some(s.app_counts(&scope, now)?)
            } else {
                None
            };
            let times = (
                start.duration_since(asked),
                listed - start,
                listed.elapsed(),
            );
            Ok((rows, counts, times))
        })
        .await??;
    let total = counts.map(|c| {
        let n = c.iter().find(|(f, _)| *f == filter).map_or(0, |(_, n)| *n);
        u32::try_from(n).unwrap_or(u32::MAX)
    });
    let page = InboxPage {
        now: ms(now),
        offset,
        total,
        rows: rows.into_iter().map(Row::from).collect(),
        counts: counts.map(crate::dto::counts).unwrap_or_default(),
    };
    if bench() {
        let (queued, list, counted) = times;
        eprintln!(
            "KEDAI_BENCH inbox_page {} offset {offset}: queued {:.1} ms, list {:.1} ms, counts {:.1} ms, command {:.1} ms, {} bytes of JSON",
            query.filter,
            queued.as_secs_f64() * 1e3,
            list.as_secs_f64() * 1e3,
            counted.as_secs_f64() * 1e3,
            asked.elapsed().as_secs_f64() * 1e3,
            serde_json::to_string(&page).map_or(0, |j| j.len()),
        );
    }
    Ok(page)
}

/// Whether the app runs under the desktop benchmark (`KEDAI_BENCH`): commands then print
/// where their time went.
pub fn bench() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("KEDAI_BENCH").is_some())
}

#[tauri::command]
pub async fn header(state: State<'_, AppState>) -> Res<Header> {
    let now = state.clock.now();
    let shops = state
        .db
        .call(move |s| -> kedai_store::Result<Vec<ShopHeader>> {
            let mut out = Vec::new();
            for (shop, _) in s.shops()? {
                let metrics = s.metrics(&shop.shop, now)?;
                let figures = header_figures(shop.platform)
                    .iter()
                    .filter_map(|id| metrics.get(id).map(|f| FigureView::new(id, f)))
                    .collect();
                out.push(ShopHeader {
                    shop: shop.shop,
                    name: shop.name,
                    platform: shop.platform.as_str().into(),
                    region: shop.region.as_str().into(),
                    figures,
                });
            }
            Ok(out)
        })
        .await??;
    Ok(Header {
        now: ms(now),
        shops,
    })
}

/// A conversation's messages; opening it marks it read.
#[tauri::command]
pub async fn open_conversation(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
) -> Res<Vec<Message>> {
    let now = state.clock.now();
    let msgs = state
        .db
        .call(move |s| -> kedai_store::Result<_> {
            let msgs = s.app_messages(&shop, &conversation)?;
            s.mark_read(&shop, &conversation, now)?;
            Ok(msgs)
        })
        .await??;
    Ok(msgs.into_iter().map(Message::from).collect())
}

#[tauri::command]
pub async fn set_starred(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    starred: bool,
) -> Res<()> {
    let at = state.clock.now();
    let me = state.me.clone();
    state
        .db
        .call(move |s| {
            let action = if starred {
                MarkAction::Star
            } else {
                MarkAction::Unstar
            };
            s.apply([Event::Mark(Mark::new(
                shop,
                conversation,
                at,
                action,
                Some(me),
            ))])
        })
        .await??;
    Ok(())
}

#[tauri::command]
pub async fn set_priority(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    priority: bool,
) -> Res<()> {
    state
        .db
        .call(move |s| s.set_priority(&shop, &conversation, priority))
        .await??;
    Ok(())
}

/// Assigns (or transfers, or with `agent: null` unassigns) a conversation.
#[tauri::command]
pub async fn assign(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    agent: Option<String>,
) -> Res<()> {
    let now = state.clock.now();
    state
        .db
        .call(move |s| s.assign(&shop, &conversation, agent.as_deref(), now))
        .await??;
    Ok(())
}

#[tauri::command]
pub async fn agents(state: State<'_, AppState>) -> Res<Vec<AgentView>> {
    let now = state.clock.now();
    let list = state.db.call(move |s| s.agents(now)).await??;
    Ok(list.into_iter().map(AgentView::from).collect())
}

#[tauri::command]
pub async fn save_agent(state: State<'_, AppState>, agent: AgentView) -> Res<()> {
    state
        .db
        .call(move |s| s.upsert_agent(&agent.into()))
        .await??;
    Ok(())
}

#[tauri::command]
pub async fn notify_status(state: State<'_, AppState>) -> Res<NotifyStatus> {
    Ok(state.notifier.status())
}

#[tauri::command]
pub async fn set_notify_settings(state: State<'_, AppState>, settings: NotifySettings) -> Res<()> {
    let json =
        serde_json::to_string(&settings).map_err(|e| AppError::new("invalid", e.to_string()))?;
    state.notifier.set_settings(settings);
    state
        .db
        .call(move |s| s.set_app_setting("notify", &json))
        .await??;
    Ok(())
}

/// Each shop's last successful sync, for the offline banner.
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Res<Vec<ShopSync>> {
    crate::sync::status(&state).await
}

/// "Sync now": every shop's sync runs at once instead of at its next poll.
#[tauri::command]
pub async fn sync_now() -> Res<()> {
    crate::sync::sync_now();
    Ok(())
}
