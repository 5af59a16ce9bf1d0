//! One shop: a sync pass from the persisted cursor, page by page, each page applied with its
//! cursor in one transaction; and the outbox, delivered in order, never twice.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::Duration as ChronoDuration;
use kedai_connectors::{
    pull_messages, Connector, Conversation, Cursor, Error as WireError, Outgoing, Rejected,
    WireMessage,
};
use kedai_core::{Kind, Message, Sender, Ts};
use kedai_store::chat::MessageDetails;
use kedai_store::{BuyerProfile, OutboxEntry, Quarantined, SyncConversation, SyncPage};
use serde::{Deserialize, Serialize};

use crate::{Clock, Db, SyncError, SyncOptions};

/// The cursor persisted per shop (`sync_state.state`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShopCursor {
    /// Conversations whose last message is at or before this instant (ms) were synced.
    pub watermark: Option<i64>,
    /// A pass under way.
    pub pass: Option<Pass>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pass {
    /// The listing cursor of the pass's next page.
    pub next: Cursor,
    /// Conversations at or before this instant (ms) are not looked at in this pass.
    pub stop: i64,
    /// The newest last-message instant seen in the pass: the next watermark.
    pub newest: Option<i64>,
    /// A conversation record was set aside: the watermark stays, so it is read again.
    pub dirty: bool,
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PassReport {
    pub pages: usize,
    pub conversations: usize,
    pub messages: usize,
    pub quarantined: usize,
    /// Conversations that could not be read this time; marked to be read again.
    pub deferred: usize,
}

/// A conversation whose messages could not be read for a reason that may pass (a timeout,
/// a 5xx after retries, a truncated page); not refused tokens, which stop the whole shop.
fn deferrable(e: &SyncError) -> bool {
    e.is_retryable() && !e.needs_reconnect()
}

/// The conversation's platform record, marked or not to be read again in full.
fn record_of(c: &Conversation, resync: bool) -> SyncConversation {
    SyncConversation {
        id: c.id.clone(),
        wire: serde_json::to_string(c).expect("a conversation serializes"),
        resync,
    }
}

/// What a message carries besides its words, for the chat window: media, card ids and the
/// card's other plain fields as the platform gave them. `None` for plain text.
fn details_of(m: &WireMessage) -> Option<MessageDetails> {
    let d = MessageDetails {
        image_url: m.image_url.clone(),
        video_url: m.video_url.clone(),
        sticker_id: m.sticker_id.clone(),
        product_id: m.product_id.clone(),
        order_id: m.order_id.clone(),
        return_id: None,
        coupon_id: None,
        extra: match m.kind {
            Kind::Text | Kind::Emoji => String::new(),
            _ => plain_fields(&m.raw_content),
        },
    };
    (d != MessageDetails::default()).then_some(d)
}

/// A JSON object's top-level strings, numbers and booleans, as an object of strings
/// (empty when the content is not an object or has none).
fn plain_fields(raw: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(raw) else {
        return String::new();
    };
    let plain: serde_json::Map<String, serde_json::Value> = map
        .into_iter()
        .filter_map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => b.to_string(),
                _ => return None,
            };
            Some((k, serde_json::Value::String(text)))
        })
        .collect();
    if plain.is_empty() {
        String::new()
    } else {
        serde_json::Value::Object(plain).to_string()
    }
}

/// Why a platform did not open a conversation, in words for the agent.
fn refusal(platform: kedai_core::Platform, e: &WireError) -> String {
    let label = platform.label();
    match e {
        WireError::Unsupported { .. } => format!(
            "{label} offers no way for a seller to open a chat: the buyer has to write to the shop first."
        ),
        WireError::Platform { message, .. } if !message.trim().is_empty() => {
            format!("{label} did not open a chat with this buyer: {message}")
        }
        WireError::AuthExpired => {
            format!("{label} refused the shop's access: reconnect the shop in Settings → Shops.")
        }
        other => format!("{label} did not open a chat with this buyer ({other})."),
    }
}

/// How many times a listing may serve the same cursor in one pass before it is an error.
const MAX_CURSOR_REPEATS: u32 = 8;

pub struct ShopSync {
    pub shop: String,
    pub connector: Arc<dyn Connector>,
    pub db: Db,
    pub clock: Clock,
    pub options: SyncOptions,
}

/// How far back of a known instant a pass starts reading: listings carry whole seconds on
/// some platforms, so messages of the same second are read again (upserts make it harmless).
const MARGIN_MS: i64 = 1_000;

fn ms(t: Ts) -> i64 {
    t.timestamp_millis()
}

fn quarantined(
    shop: &str,
    kind: &str,
    conversation: Option<&str>,
    r: Rejected,
    now: Ts,
) -> Quarantined {
    Quarantined {
        shop: shop.to_owned(),
        kind: kind.to_owned(),
        conversation: conversation.map(str::to_owned),
        raw: r.raw,
        error: r.error,
        at: now,
    }
}

/// Message records of conversation `conversation` that could not be read, to quarantine.
fn rejected_messages(
    shop: &str,
    conversation: &str,
    rejected: Vec<Rejected>,
    now: Ts,
) -> Vec<Quarantined> {
    rejected
        .into_iter()
        .map(|r| quarantined(shop, "message", Some(conversation), r, now))
        .collect()
}

impl ShopSync {
    async fn cursor(&self) -> Result<ShopCursor, SyncError> {
        let shop = self.shop.clone();
        let state = self.db.call(move |s| s.sync_state(&shop)).await?;
        Ok(match state.as_deref() {
            None | Some("{}") => ShopCursor::default(),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                SyncError::Corrupt(format!("the sync cursor of shop `{}`: {e}", self.shop))
            })?,
        })
    }

    /// The oldest instant (ms) a backfill reaches back to.
    fn horizon(&self, now: Ts) -> i64 {
        ms(now - ChronoDuration::from_std(self.options.backfill).unwrap_or_default())
    }

    /// Brings the shop up to date: finishes a pass that was interrupted (a crash, an error),
    /// then, because that pass could not see what moved to the listing's front since it
    /// began, runs a fresh one. Conversations that could not be read are applied around and
    /// read again on the next pass; their count comes back as [`SyncError::Deferred`].
    pub async fn pass(&self) -> Result<PassReport, SyncError> {
        let resumed = self.cursor().await?.pass.is_some();
        let mut report = self.pass_from_cursor().await?;
        if resumed {
            let fresh = self.pass_from_cursor().await?;
            report.pages += fresh.pages;
            report.conversations += fresh.conversations;
            report.messages += fresh.messages;
            report.quarantined += fresh.quarantined;
            report.deferred += fresh.deferred;
        }
        match report.deferred {
            0 => Ok(report),
            n => Err(SyncError::Deferred(n)),
        }
    }

    /// One pass to its end from where the last one stopped (a crash resumes mid-pass).
    async fn pass_from_cursor(&self) -> Result<PassReport, SyncError> {
        let mut cursor = self.cursor().await?;
        let now = self.clock.now();
        let horizon = self.horizon(now);
        let mut pass = cursor.pass.take().unwrap_or_else(|| Pass {
            next: Cursor::Start,
            stop: cursor
                .watermark
                .map_or(horizon, |w| (w - MARGIN_MS).max(horizon)),
            newest: None,
            dirty: false,
        });
        let mut report = PassReport::default();
        self.resync(horizon, &mut report).await?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut visited: HashMap<Cursor, u32> = HashMap::new();
        loop {
            let page = self.connector.list_conversations(&pass.next).await?;
            report.pages += 1;
            let now = self.clock.now();
            let mut reached_stop = false;
            let mut todo = Vec::new();
            for c in page.items {
                let at = c.last_message_at.map(ms);
                if let Some(at) = at {
                    pass.newest = Some(pass.newest.map_or(at, |n| n.max(at)));
                    if at <= pass.stop {
                        reached_stop = true;
                        continue;
                    }
                }
                if seen.insert(c.id.clone()) {
                    todo.push(c);
                }
            }
            let mut out = SyncPage {
                shop: self.shop.clone(),
                now: Some(now),
                ..Default::default()
            };
            for r in page.rejected {
                pass.dirty = true;
                out.quarantined
                    .push(quarantined(&self.shop, "conversation", None, r, now));
            }
            for c in &todo {
                match self
                    .conversation(c, pass.stop.min(horizon), &mut out, now)
                    .await
                {
                    Ok(()) => {}
                    // one conversation that fails does not hold the page back
                    Err(e) if deferrable(&e) => {
                        report.deferred += 1;
                        out.conversations.push(record_of(c, true));
                    }
                    Err(e) => {
                        self.keep_quarantined(out.quarantined).await?;
                        return Err(e);
                    }
                }
            }
            report.conversations += todo.len();
            report.messages += out.messages.len();
            report.quarantined += out.quarantined.len();
            let next = page.next.filter(|_| !reached_stop);
            let finished = next.is_none();
            if let Some(n) = &next {
                let served = visited.entry(n.clone()).or_insert(0);
                *served += 1;
                if *served > MAX_CURSOR_REPEATS {
                    return Err(SyncError::Wire(WireError::Malformed {
                        context: format!("conversation paging does not advance: {n:?}"),
                    }));
                }
            }
            let state = if finished {
                ShopCursor {
                    watermark: if pass.dirty {
                        cursor.watermark
                    } else {
                        pass.newest.or(cursor.watermark)
                    },
                    pass: None,
                }
            } else {
                pass.next = next.clone().expect("not finished");
                ShopCursor {
                    watermark: cursor.watermark,
                    pass: Some(pass.clone()),
                }
            };
            out.state = Some(serde_json::to_string(&state).expect("a cursor serializes"));
            self.db.call(move |s| s.apply_sync_page(out)).await?;
            if finished {
                return Ok(report);
            }
        }
    }

    /// Keeps the records set aside by a page that could not be applied: they were served
    /// and read, whatever happens to the rest of the page.
    async fn keep_quarantined(&self, quarantined: Vec<Quarantined>) -> Result<(), SyncError> {
        if quarantined.is_empty() {
            return Ok(());
        }
        let page = SyncPage {
            shop: self.shop.clone(),
            quarantined,
            ..Default::default()
        };
        self.db.call(move |s| s.apply_sync_page(page)).await?;
        Ok(())
    }

    /// Reads again the conversations marked for it, outside a pass: after the outbox sent
    /// replies, so their platform copies (the platform's instant) replace the local ones at once.
    pub async fn settle(&self) -> Result<PassReport, SyncError> {
        let horizon = self.horizon(self.clock.now());
        let mut report = PassReport::default();
        self.resync(horizon, &mut report).await?;
        Ok(report)
    }

    /// Reads again in full the conversations marked for it (a message set aside, a reply
    /// whose platform copy is still to be read), wherever they are in the listing.
    async fn resync(&self, horizon: i64, report: &mut PassReport) -> Result<(), SyncError> {
        let shop = self.shop.clone();
        let marked = self
            .db
            .call(move |s| s.conversations_to_resync(&shop))
            .await?;
        if marked.is_empty() {
            return Ok(());
        }
        let now = self.clock.now();
        let mut out = SyncPage {
            shop: self.shop.clone(),
            now: Some(now),
            ..Default::default()
        };
        for m in marked {
            let c: Conversation = serde_json::from_str(&m.wire).map_err(|e| {
                SyncError::Corrupt(format!("the record of conversation `{}`: {e}", m.id))
            })?;
            match self.conversation(&c, horizon, &mut out, now).await {
                Ok(()) => {}
                // still marked: read again next time
                Err(e) if deferrable(&e) => report.deferred += 1,
                Err(e) => {
                    self.keep_quarantined(out.quarantined).await?;
                    return Err(e);
                }
            }
        }
        report.messages += out.messages.len();
        report.quarantined += out.quarantined.len();
        self.db.call(move |s| s.apply_sync_page(out)).await?;
        Ok(())
    }

    /// Pulls one conversation's new messages into `out`.
    async fn conversation(
        &self,
        c: &Conversation,
        horizon: i64,
        out: &mut SyncPage,
        now: Ts,
    ) -> Result<(), SyncError> {
        let (shop, id) = (self.shop.clone(), c.id.clone());
        let (stored, last) = self
            .db
            .call(move |s| {
                Ok((
                    s.sync_conversation(&shop, &id)?,
                    s.last_message_at(&shop, &id)?,
                ))
            })
            .await?;
        let resync = stored.as_ref().is_some_and(|s| s.resync);
        let stop = match last {
            Some(last) if !resync => ms(last) - MARGIN_MS,
            _ => horizon,
        };
        let stop = chrono::DateTime::from_timestamp_millis(stop);
        let pulled = match pull_messages(self.connector.as_ref(), c, Cursor::Start, stop).await {
            Ok(p) => p,
            Err(i) => {
                // what was set aside on the pages read stays set aside
                out.quarantined
                    .extend(rejected_messages(&self.shop, &c.id, i.rejected, now));
                return Err(i.error.into());
            }
        };
        let rejected = !pulled.rejected.is_empty();
        out.quarantined
            .extend(rejected_messages(&self.shop, &c.id, pulled.rejected, now));
        out.messages.extend(
            pulled
                .items
                .iter()
                .map(|m| m.to_event(&self.shop, &c.id, &c.buyer)),
        );
        out.details.extend(
            pulled
                .items
                .iter()
                .filter_map(|m| details_of(m).map(|d| (m.id.clone(), d))),
        );
        out.conversations.push(record_of(c, rejected));
        if c.buyer_name.is_some() || c.buyer_avatar.is_some() {
            out.buyers.push(BuyerProfile {
                buyer: c.buyer.clone(),
                name: c.buyer_name.clone(),
                avatar: c.buyer_avatar.clone(),
            });
        }
        Ok(())
    }

    /// Opens the conversations the app asked for (issue 7, start a chat from an order with a
    /// buyer who has none yet), oldest request first: the platform opens it (or answers the
    /// buyer's existing one), its messages are read like any conversation's, and the request
    /// records the conversation or the platform's reason. The number opened. Refused tokens
    /// stop the round, as they stop the outbox.
    pub async fn open_requests(&self) -> Result<usize, SyncError> {
        let shop = self.shop.clone();
        let pending = self
            .db
            .call(move |s| s.open_requests_pending(&shop))
            .await?;
        let mut opened = 0;
        for req in pending {
            match self
                .connector
                .open_conversation(&req.buyer, &req.order)
                .await
            {
                Ok(c) => {
                    self.store_opened(req.id, c).await?;
                    opened += 1;
                }
                Err(e) => {
                    let reason = refusal(self.connector.platform(), &e);
                    let (id, now) = (req.id, self.clock.now());
                    self.db
                        .call(move |s| s.open_request_failed(id, &reason, now))
                        .await?;
                    if matches!(e, WireError::AuthExpired) {
                        return Err(e.into());
                    }
                }
            }
        }
        Ok(opened)
    }

    /// Reads the conversation just opened and stores it with the request's outcome. A
    /// conversation whose messages cannot be read now is stored all the same, marked to be
    /// read again: it is open on the platform, and a reply can go out.
    async fn store_opened(&self, request: i64, opened: Conversation) -> Result<(), SyncError> {
        let (shop, id) = (self.shop.clone(), opened.id.clone());
        let known = self
            .db
            .call(move |s| s.sync_conversation(&shop, &id))
            .await?;
        // the listing's record, when the pass has one, says more than the bare answer
        let c = known
            .and_then(|k| serde_json::from_str::<Conversation>(&k.wire).ok())
            .filter(|k| k.buyer == opened.buyer)
            .unwrap_or(opened);
        let now = self.clock.now();
        let mut out = SyncPage {
            shop: self.shop.clone(),
            now: Some(now),
            ..Default::default()
        };
        let read = self
            .conversation(&c, self.horizon(now), &mut out, now)
            .await;
        let record = match &read {
            Ok(()) => out
                .conversations
                .last()
                .cloned()
                .unwrap_or_else(|| record_of(&c, false)),
            Err(_) => {
                let r = record_of(&c, true);
                out.conversations.push(r.clone());
                r
            }
        };
        self.db.call(move |s| s.apply_sync_page(out)).await?;
        self.db
            .call(move |s| s.open_request_opened(request, &record, now))
            .await?;
        match read {
            Err(e) if e.needs_reconnect() => Err(e),
            _ => Ok(()),
        }
    }

    /// Delivers the shop's waiting replies, oldest first. A conversation whose reply fails
    /// keeps its later replies back, so they never go out of order. The number delivered.
    pub async fn outbox(&self) -> Result<usize, SyncError> {
        let shop = self.shop.clone();
        let pending = self.db.call(move |s| s.outbox_pending(&shop)).await?;
        let mut held: HashSet<String> = HashSet::new();
        let mut delivered = 0;
        for entry in pending {
            if held.contains(&entry.conversation) {
                continue;
            }
            match self.deliver(&entry).await {
                Ok(()) => delivered += 1,
                Err(e) => {
                    held.insert(entry.conversation.clone());
                    let retryable = e.is_retryable();
                    let text = e.to_string();
                    let id = entry.id;
                    self.db
                        .call(move |s| s.outbox_failed(id, &text, retryable))
                        .await?;
                    if matches!(e, SyncError::Wire(WireError::AuthExpired)) {
                        return Err(e);
                    }
                }
            }
        }
        Ok(delivered)
    }

    async fn deliver(&self, entry: &OutboxEntry) -> Result<(), SyncError> {
        let (shop, conv_id) = (self.shop.clone(), entry.conversation.clone());
        let (wire, buyer) = self
            .db
            .call(move |s| {
                Ok((
                    s.sync_conversation(&shop, &conv_id)?,
                    s.conversation_buyer(&shop, &conv_id)?,
                ))
            })
            .await?;
        let Some(wire) = wire else {
            return Err(SyncError::NotSynced(entry.conversation.clone()));
        };
        let conv: Conversation = serde_json::from_str(&wire.wire).map_err(|e| {
            SyncError::Corrupt(format!(
                "the record of conversation `{}`: {e}",
                entry.conversation
            ))
        })?;
        let buyer = buyer.unwrap_or_else(|| conv.buyer.clone());
        // An earlier attempt may have gone through: look before sending again.
        // (`before_ids` is written only as an attempt starts)
        if let Some(before) = entry.before_ids.as_deref() {
            let before: Before = serde_json::from_str(before)
                .map_err(|e| SyncError::Corrupt(format!("outbox entry {}: {e}", entry.id)))?;
            if let Some(found) = self.find_sent(&conv, entry, &before).await? {
                let mut message = found.to_event(&self.shop, &conv.id, &buyer);
                // the platform's copy reads as the shop's agent; a rule's reply stays bot/auto
                message.from = entry.sender;
                let id = entry.id;
                let now = self.clock.now();
                self.db
                    .call(move |s| s.outbox_sent(id, message, now))
                    .await?;
                return Ok(());
            }
        }
        let before = match &entry.before_ids {
            Some(b) => b.clone(),
            None => {
                let first = self.connector.list_messages(&conv, &Cursor::Start).await?;
                let now = self.clock.now();
                let rejected = rejected_messages(&self.shop, &conv.id, first.rejected, now);
                self.keep_quarantined(rejected).await?;
                serde_json::to_string(&Before::of(&first.items)).expect("serializes")
            }
        };
        let outgoing = self.outgoing(entry).await?;
        let id = entry.id;
        self.db
            .call(move |s| s.outbox_sending(id, Some(&before)))
            .await?;
        let sent = self.connector.send(&conv, &outgoing).await?;
        let now = self.clock.now();
        let (kind, text) = match &outgoing {
            Outgoing::Image { .. } => (Kind::Image, None),
            _ => (Kind::Text, Some(entry.text.clone())),
        };
        let message = Message {
            shop: self.shop.clone(),
            conversation: conv.id.clone(),
            id: sent.message_id,
            at: now,
            from: entry.sender,
            buyer,
            kind,
            text,
            agent: None,
            faq_chat_with_agent: None,
            platform_handled: None,
        };
        self.db
            .call(move |s| s.outbox_sent(id, message, now))
            .await?;
        Ok(())
    }

    /// What an outbox entry sends: its text, or its image, uploaded to the platform's host
    /// first (once: the address is kept for any retry).
    async fn outgoing(&self, entry: &OutboxEntry) -> Result<Outgoing, SyncError> {
        let Some(mime) = &entry.image_type else {
            return Ok(Outgoing::Text {
                text: entry.text.clone(),
            });
        };
        if let Some(url) = &entry.image_url {
            return Ok(Outgoing::Image { url: url.clone() });
        }
        let id = entry.id;
        let bytes = self.db.call(move |s| s.outbox_image(id)).await?;
        let up = self.connector.upload_image(&bytes, mime).await?;
        let url = up.url.clone();
        self.db
            .call(move |s| s.outbox_image_uploaded(id, &url))
            .await?;
        Ok(Outgoing::Image { url: up.url })
    }

    /// The reply among the messages sent since `before`: the seller's, the same text, not
    /// already claimed by another outbox entry.
    async fn find_sent(
        &self,
        conv: &Conversation,
        entry: &OutboxEntry,
        before: &Before,
    ) -> Result<Option<WireMessage>, SyncError> {
        let stop = before
            .newest
            .and_then(|n| chrono::DateTime::from_timestamp_millis(n - MARGIN_MS));
        let pulled = match pull_messages(self.connector.as_ref(), conv, Cursor::Start, stop).await {
            Ok(p) => p,
            Err(i) => {
                let now = self.clock.now();
                self.keep_quarantined(rejected_messages(&self.shop, &conv.id, i.rejected, now))
                    .await?;
                return Err(i.error.into());
            }
        };
        if !pulled.rejected.is_empty() {
            // the reply may be the record that could not be read: do not conclude, try later
            let now = self.clock.now();
            let n = pulled.rejected.len();
            let rejected = rejected_messages(&self.shop, &conv.id, pulled.rejected, now);
            self.keep_quarantined(rejected).await?;
            return Err(SyncError::Wire(WireError::Malformed {
                context: format!("{n} unreadable message(s) while looking for a sent reply"),
            }));
        }
        let shop = self.shop.clone();
        let claimed: HashSet<String> = self
            .db
            .call(move |s| {
                Ok(s.outbox(Some(&shop), None)?
                    .into_iter()
                    .filter_map(|e| e.message_id)
                    .collect())
            })
            .await?;
        let mut candidates: Vec<WireMessage> = pulled
            .items
            .into_iter()
            .filter(|m| {
                // a rule's reply (bot/auto) reads back as the shop's agent
                let same = match &entry.image_url {
                    Some(url) => m.image_url.as_deref() == Some(url.as_str()),
                    None => m.text.as_deref() == Some(entry.text.as_str()),
                };
                (m.sender == Sender::Agent || m.sender == entry.sender)
                    && same
                    && !before.ids.contains(&m.id)
                    && !claimed.contains(&m.id)
            })
            .collect();
        candidates.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(candidates.into_iter().next())
    }
}

/// What the conversation held on the platform before the first attempt to send a reply.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Before {
    ids: HashSet<String>,
    /// The newest message's instant (ms).
    newest: Option<i64>,
}

impl Before {
    fn of(items: &[WireMessage]) -> Before {
        Before {
            ids: items.iter().map(|m| m.id.clone()).collect(),
            newest: items.iter().map(|m| ms(m.created_at)).max(),
        }
    }
}
