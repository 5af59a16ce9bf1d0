//! The chat window's and the buyer panel's commands (issue 7). Each takes the state, calls
//! the store or the engine on the store's thread, and maps the error to `{kind, message}`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::time::{Duration as WallDuration, Instant};

use chrono::Duration;
use kedai_core::automation::guard;
use kedai_core::automation::insights::InsightSettings;
use kedai_core::automation::rules::{self, TemplateValues};
use kedai_core::automation::suggest::SuggestIndex;
use kedai_core::model::MarkAction;
use kedai_core::order_chat;
use kedai_store::chat::ABUSE_REASONS;
use kedai_store::Store;
use tauri::State;

use crate::clock::ms;
use crate::dto::AppError;
use crate::dto_chat::*;
use crate::state::AppState;

type Res<T> = Result<T, AppError>;

/// Messages per page of history.
const PAGE_MAX: u32 = 200;

/// A page of history before `(before_at, before_id)` (none: the newest), with the outbox.
#[tauri::command]
pub async fn chat_page(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    before_at: Option<f64>,
    before_id: Option<String>,
    limit: u32,
) -> Res<ChatPageView> {
    let before = match (before_at, before_id) {
        (Some(at), Some(id)) => Some((kedai_core::time::from_ms(at as i64), id)),
        _ => None,
    };
    let limit = limit.clamp(1, PAGE_MAX) as usize;
    let (page, outbox) = state
        .db
        .call(move |s| -> kedai_store::Result<_> {
            let b = before.as_ref().map(|(t, id)| (*t, id.as_str()));
            let page = s.chat_messages(&shop, &conversation, b, limit)?;
            Ok((page, s.outbox(Some(&shop), Some(&conversation))?))
        })
        .await??;
    Ok(ChatPageView {
        messages: page.messages.into_iter().map(Into::into).collect(),
        more: page.more,
        outbox: outbox.into_iter().map(Into::into).collect(),
    })
}

/// How long a shop's suggestion index is reused: building it reads every past agent reply
/// of the shop, and the chat window asks for suggestions after every change event.
const INDEX_TTL: WallDuration = WallDuration::from_secs(60);

thread_local! {
    // Store closures all run on the store's one thread, so the cache lives there.
    static SUGGEST: RefCell<HashMap<String, (Instant, SuggestIndex, usize)>> = RefCell::default();
}

/// The three suggestions, with the shop's index built at most once a minute.
fn suggested(
    s: &Store,
    shop: &str,
    conversation: &str,
    now: kedai_core::Ts,
) -> kedai_store::Result<kedai_store::Suggested> {
    SUGGEST.with(|cache| {
        let mut cache = cache.borrow_mut();
        let fresh = cache
            .get(shop)
            .is_some_and(|(at, _, _)| at.elapsed() < INDEX_TTL);
        if !fresh {
            let (index, past) = s.suggest_index(shop)?;
            cache.insert(shop.to_owned(), (Instant::now(), index, past));
        }
        let (_, index, past) = &cache[shop];
        s.suggest_using(index, *past, shop, conversation, now)
    })
}

/// The quick replies' variables for a conversation at `now`.
fn template_values(
    s: &Store,
    shop: &str,
    buyer: &str,
    now: kedai_core::Ts,
) -> kedai_store::Result<TemplateValues> {
    let (sh, _) = s.shop(shop)?;
    let timeline = s.timeline(shop)?;
    Ok(TemplateValues {
        buyer_name: s.chat_buyer(shop, buyer)?.name,
        order_id: s
            .buyer_orders(shop, buyer)?
            .into_iter()
            .find(|o| o.at <= now)
            .map(|o| o.id),
        shop_hours: timeline.hours_at(now).map(rules::describe_hours),
        next_opening: rules::next_opening(&sh, &timeline, now),
    })
}

/// The open inquiry, the composer's limits, the quick replies filled in, the three
/// suggestions, and the transfers and reports so far.
#[tauri::command]
pub async fn chat_context(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
) -> Res<ChatContext> {
    let now = state.clock.now();
    state
        .db
        .call(move |s| -> kedai_store::Result<ChatContext> {
            let (sh, _) = s.shop(&shop)?;
            let buyer = s
                .conversation_buyer(&shop, &conversation)?
                .ok_or_else(|| kedai_store::StoreError::Invalid("no such conversation".into()))?;
            let values = template_values(s, &shop, &buyer, now)?;
            let templates = s
                .quick_replies(&shop)?
                .into_iter()
                .map(|t| FilledTemplate {
                    text: rules::fill(&t.text, &values),
                    id: t.id,
                    title: t.title,
                    template: t.text,
                })
                .collect();
            let suggested = suggested(s, &shop, &conversation, now)?;
            Ok(ChatContext {
                now: ms(now),
                shop_tz: sh.tz.name().to_owned(),
                buyer,
                inquiry: s.chat_inquiry(&shop, &conversation)?.map(Into::into),
                limits: composer_limits(sh.platform),
                templates,
                suggestions: suggested
                    .suggestions
                    .into_iter()
                    .map(|x| SuggestionView {
                        text: x.text,
                        source: serde_json::to_value(x.source)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                    })
                    .collect(),
                question: suggested.question,
                actions: s
                    .chat_actions(&shop, &conversation)?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                abuse_reasons: ABUSE_REASONS.iter().map(|r| (*r).to_owned()).collect(),
            })
        })
        .await?
        .map_err(Into::into)
}

fn check(s: &Store, shop: &str, text: &str) -> kedai_store::Result<GuardView> {
    let settings = s.guard_settings(shop)?;
    let verdict = guard::check(text, &settings);
    Ok(GuardView::new(text, verdict, |f| {
        settings.blocked.contains(&f.rule)
    }))
}

/// The policy guard on a draft (the composer calls it as the agent types, debounced).
#[tauri::command]
pub async fn chat_guard(state: State<'_, AppState>, shop: String, text: String) -> Res<GuardView> {
    Ok(state.db.call(move |s| check(s, &shop, &text)).await??)
}

/// Sends a reply: the guard runs again, the platform's length limit holds, then the reply
/// is queued in the outbox and every shop's sync is asked to run now.
#[tauri::command]
pub async fn chat_send(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    text: String,
) -> Res<SendResult> {
    let now = state.clock.now();
    let me = state.me.clone();
    let result = state
        .db
        .call(move |s| -> kedai_store::Result<SendResult> {
            let guard = check(s, &shop, &text)?;
            let refuse = |guard: GuardView, reason: String| SendResult {
                queued: false,
                outbox_id: None,
                guard,
                reason: Some(reason),
            };
            if guard.blocked {
                let rules: Vec<String> = guard
                    .findings
                    .iter()
                    .filter(|f| f.level == "block")
                    .map(|f| format!("{} ({})", f.rule.replace('_', " "), f.explain))
                    .collect();
                let reason = format!("Not sent: the shop blocks {}", rules.join("; "));
                return Ok(refuse(guard, reason));
            }
            let limits = composer_limits(s.shop(&shop)?.0.platform);
            let chars = text.chars().count();
            if let Some(max) = limits.max_chars.filter(|m| chars > *m as usize) {
                let reason = format!("Not sent: {chars} characters, the limit is {max}");
                return Ok(refuse(guard, reason));
            }
            let id = s.queue_reply(&shop, &conversation, &text, Some(&me), now)?;
            Ok(SendResult {
                queued: true,
                outbox_id: Some(id as f64),
                guard,
                reason: None,
            })
        })
        .await??;
    if result.queued {
        crate::sync::sync_now();
    }
    Ok(result)
}

/// A failed reply goes back to the queue.
#[tauri::command]
pub async fn chat_retry(state: State<'_, AppState>, id: f64) -> Res<()> {
    state.db.call(move |s| s.outbox_retry(id as i64)).await??;
    crate::sync::sync_now();
    Ok(())
}

/// Star, unstar, End session, No response needed: the event log's marks.
#[tauri::command]
pub async fn chat_mark(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    action: String,
) -> Res<()> {
    let action = match action.as_str() {
        "end_session" => MarkAction::EndSession,
        "no_response_needed" => MarkAction::NoResponseNeeded,
        "star" => MarkAction::Star,
        "unstar" => MarkAction::Unstar,
        other => return Err(AppError::new("invalid", format!("mark `{other}`"))),
    };
    let now = state.clock.now();
    let me = state.me.clone();
    state
        .db
        .call(move |s| s.chat_mark(&shop, &conversation, action, &me, now))
        .await??;
    Ok(())
}

#[tauri::command]
pub async fn chat_transfer(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    to: String,
    note: String,
) -> Res<()> {
    let now = state.clock.now();
    let me = state.me.clone();
    state
        .db
        .call(move |s| s.chat_transfer(&shop, &conversation, &me, &to, &note, now))
        .await??;
    Ok(())
}

/// Queues a pasted image as a reply. The bytes come as the raw IPC body (no JSON array of
/// numbers); the shop, the conversation and the image's type as headers.
#[tauri::command]
pub async fn chat_send_image(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Res<SendResult> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::new(
            "invalid",
            "an image reply comes as raw bytes",
        ));
    };
    let header = |name: &str| -> Res<String> {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| AppError::new("invalid", format!("image reply: no `{name}`")))
    };
    let (shop, conversation, mime) = (header("shop")?, header("conversation")?, header("mime")?);
    let bytes = bytes.clone();
    let now = state.clock.now();
    let me = state.me.clone();
    let id = state
        .db
        .call(move |s| s.queue_image_reply(&shop, &conversation, &bytes, &mime, Some(&me), now))
        .await??;
    Ok(SendResult {
        queued: true,
        outbox_id: Some(id as f64),
        guard: GuardView {
            findings: Vec::new(),
            blocked: false,
        },
        reason: None,
    })
}

/// Records an abuse report with the transcript as evidence. No connector offers a report
/// call, so the answer says it was recorded locally.
#[tauri::command]
pub async fn chat_report_abuse(
    state: State<'_, AppState>,
    shop: String,
    conversation: String,
    reason: String,
    note: String,
) -> Res<ChatActionView> {
    let now = state.clock.now();
    let me = state.me.clone();
    let a = state
        .db
        .call(move |s| s.chat_report_abuse(&shop, &conversation, &me, &reason, &note, now))
        .await??;
    Ok(a.into())
}

/// The buyer details panel.
#[tauri::command]
pub async fn buyer_panel(
    state: State<'_, AppState>,
    shop: String,
    buyer: String,
) -> Res<BuyerPanel> {
    let now = state.clock.now();
    Ok(state
        .db
        .call(move |s| -> kedai_store::Result<BuyerPanel> {
            let insights = s.insights(&shop, &buyer, &InsightSettings::default(), now)?;
            let kedai_store::chat::ChatBuyer {
                name,
                avatar,
                chats: conversations,
            } = s.chat_buyer(&shop, &buyer)?;
            let orders = s.buyer_orders(&shop, &buyer)?;
            let orders_90d = orders
                .iter()
                .filter(|o| o.at <= now && o.at > now - Duration::days(90))
                .count();
            let (products, coupons) = s.buyer_cards(&shop, &buyer)?;
            let mut tracking = s.order_tracking(&shop, &buyer)?;
            Ok(BuyerPanel {
                tags: insight_tags(&insights, orders_90d),
                sentiment: serde_json::to_value(insights.sentiment)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                waiting_time_secs: insights.waiting_time_secs.map(|x| x as f64),
                past_chats_30d: insights.past_chats_30d,
                average_csat_30d: insights.average_csat_30d,
                total_orders: insights.total_orders,
                total_gmv: insights
                    .total_gmv
                    .iter()
                    .map(|(c, a)| Money {
                        currency: c.clone(),
                        amount: *a,
                    })
                    .collect(),
                high_priority: insights.high_priority,
                high_priority_reasons: insights.high_priority_reasons.clone(),
                orders: orders
                    .into_iter()
                    .map(|o| {
                        let e =
                            order_chat::can_start_chat(o.platform, o.at, o.status.as_deref(), now);
                        let tracking = tracking.remove(&o.id).unwrap_or_default();
                        OrderView {
                            tracking,
                            ..OrderView::new(o, e)
                        }
                    })
                    .collect(),
                products,
                coupons,
                conversations,
                avatar,
                name,
                shop,
                buyer,
            })
        })
        .await??)
}

/// Orders whose id starts with `prefix`, each with whether a chat may start from it.
#[tauri::command]
pub async fn order_search(state: State<'_, AppState>, prefix: String) -> Res<Vec<OrderView>> {
    let now = state.clock.now();
    let hits = state
        .db
        .call(move |s| s.search_orders(&prefix, 20))
        .await??;
    Ok(hits
        .into_iter()
        .map(|o| {
            let e = order_chat::can_start_chat(o.platform, o.at, o.status.as_deref(), now);
            OrderView::new(o, e)
        })
        .collect())
}

/// How long "start a chat" waits for the shop's sync to open a conversation on the platform.
const OPEN_WAIT: WallDuration = WallDuration::from_secs(20);
/// How often it looks at the request meanwhile.
const OPEN_POLL: WallDuration = WallDuration::from_millis(250);

/// Start a chat from an order: the platform's rule and the buyer's chat to open. With no
/// chat stored yet, the shop's sync asks the platform to open one (TikTok Shop, Lazada) and
/// this waits for it, up to 20 s; Shopee has no such call.
#[tauri::command]
pub async fn chat_from_order(
    state: State<'_, AppState>,
    shop: String,
    order: String,
) -> Res<OrderChatView> {
    let now = state.clock.now();
    let (c, platform) = {
        let shop = shop.clone();
        let order = order.clone();
        state
            .db
            .call(move |s| -> kedai_store::Result<_> {
                let platform = s.shop(&shop)?.0.platform;
                Ok((s.chat_from_order(&shop, &order, now)?, platform))
            })
            .await??
    };
    let view = |allowed: bool, reason: String, conversation: Option<String>| OrderChatView {
        allowed,
        conversation,
        shop: c.shop.clone(),
        buyer: c.buyer.clone(),
        reason,
    };
    if !c.eligibility.allowed || c.conversation.is_some() {
        return Ok(view(
            c.eligibility.allowed,
            c.eligibility.reason.clone(),
            c.conversation.clone().filter(|_| c.eligibility.allowed),
        ));
    }
    if platform == kedai_core::Platform::Shopee {
        return Ok(view(
            false,
            "There is no chat with this buyer yet, and Shopee's chat API has no call for a seller to open one: the buyer has to write to the shop first.".into(),
            None,
        ));
    }
    // no chat yet: the shop's sync opens one on the platform
    let id = state
        .db
        .call(move |s| s.request_open(&shop, &order, now))
        .await??;
    crate::sync::sync_now();
    let started = Instant::now();
    loop {
        let r = state.db.call(move |s| s.open_request(id)).await??;
        match r.state {
            kedai_store::open::OpenState::Opened => {
                return Ok(view(
                    true,
                    format!(
                        "{} There was no chat with this buyer yet: {} opened one.",
                        c.eligibility.reason,
                        platform.label()
                    ),
                    r.conversation,
                ))
            }
            kedai_store::open::OpenState::Failed => {
                return Ok(view(false, r.error.unwrap_or_default(), None))
            }
            kedai_store::open::OpenState::Pending if started.elapsed() >= OPEN_WAIT => {
                let reason = format!(
                    "There is no chat with this buyer yet, and the shop's sync did not open one within {} s (it is offline, busy with a first sync, or the shop needs reconnecting). Try again in a moment.",
                    OPEN_WAIT.as_secs()
                );
                let (why, at) = (reason.clone(), state.clock.now());
                state
                    .db
                    .call(move |s| s.open_request_failed(id, &why, at))
                    .await??;
                // the sync may have opened it meanwhile
                let r = state.db.call(move |s| s.open_request(id)).await??;
                if r.state == kedai_store::open::OpenState::Opened {
                    return Ok(view(true, c.eligibility.reason.clone(), r.conversation));
                }
                return Ok(view(false, reason, None));
            }
            kedai_store::open::OpenState::Pending => tokio::time::sleep(OPEN_POLL).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_spans_are_utf16_offsets_for_the_browser() {
        // "é" is two bytes but one UTF-16 unit; "😀" is four bytes and two units.
        let text = "é😀 call 0123456789";
        let v = guard::check(text, &Default::default());
        let g = GuardView::new(text, v, |_| false);
        let phone = g
            .findings
            .iter()
            .find(|f| f.rule == "phone_number")
            .unwrap();
        let units: Vec<u16> = text.encode_utf16().collect();
        let span = String::from_utf16(&units[phone.start as usize..phone.end as usize]).unwrap();
        assert!(span.contains("0123456789"), "{span}");
        assert_eq!(phone.level, "warn");
    }

    #[test]
    fn tiktok_has_the_2000_character_limit_and_no_platform_sends_images_yet() {
        assert_eq!(
            composer_limits(kedai_core::Platform::Tiktok).max_chars,
            Some(2000)
        );
        for p in [
            kedai_core::Platform::Tiktok,
            kedai_core::Platform::Shopee,
            kedai_core::Platform::Lazada,
        ] {
            let l = composer_limits(p);
            assert_eq!(
                l.images,
                p == kedai_core::Platform::Tiktok,
                "{p}: only TikTok Shop uploads"
            );
            assert!(!l.images_note.is_empty());
        }
    }
}
