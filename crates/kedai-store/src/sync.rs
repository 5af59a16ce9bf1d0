//! What the sync engine keeps in the file besides the facts: each shop's cursor and health,
//! the platform's record of each conversation, quarantined records, and the outbox.
//!
//! The store knows nothing of the wire: cursors and conversation records are the engine's
//! own JSON, kept verbatim. Every page is applied with its cursor in one transaction.

use chrono::{TimeZone, Utc};
use kedai_core::model::{Event, Message, Sender};
use kedai_core::Ts;
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};

use crate::rows::{ms, parse_name, ts, ts_opt};
use crate::write::Applied;
use crate::{read, Result, Store, StoreError};

/// A record a platform sent that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quarantined {
    pub shop: String,
    /// `conversation` or `message`.
    pub kind: String,
    /// The conversation a message record was listed under.
    pub conversation: Option<String>,
    /// The record's JSON as received.
    pub raw: String,
    pub error: String,
    /// When it was first set aside.
    pub at: Ts,
}

/// The buyer of a listed conversation as the platform shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuyerProfile {
    pub buyer: String,
    pub name: Option<String>,
    /// An `https:` image address.
    pub avatar: Option<String>,
}

/// The platform's record of one conversation, as the engine serialized it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConversation {
    pub id: String,
    pub wire: String,
    /// One of its messages was set aside: pull them all again next pass.
    pub resync: bool,
}

/// One page of a sync pass, applied in one transaction.
#[derive(Debug, Clone, Default)]
pub struct SyncPage {
    pub shop: String,
    pub messages: Vec<Message>,
    pub conversations: Vec<SyncConversation>,
    pub quarantined: Vec<Quarantined>,
    /// The engine's cursor after this page (`None` leaves it as it is).
    pub state: Option<String>,
    /// What messages of the page carry besides their words (media, card ids), by message id.
    pub details: Vec<(String, crate::chat::MessageDetails)>,
    /// When the page was read: chatbot rules answer only buyer messages that are recent then
    /// (a message synced hours late is for an agent, not a "we're closed" reply).
    pub now: Option<Ts>,
    /// Names and avatars from the conversation listing.
    pub buyers: Vec<BuyerProfile>,
}

/// How one shop's sync stands, for the app's header and `kedai sync status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShopHealth {
    pub shop: String,
    pub platform: String,
    pub name: Option<String>,
    pub last_attempt: Option<Ts>,
    pub last_success: Option<Ts>,
    /// Seconds since the last successful pass (`None`: never synced).
    pub lag_secs: Option<i64>,
    pub last_error: Option<String>,
    /// The platform refused the shop's tokens: an agent must connect it again.
    pub needs_reconnect: bool,
    /// Messages of the shop since local midnight.
    pub messages_today: u64,
    pub quarantined: u64,
    /// Replies queued, sending, or failed and waiting for a retry.
    pub outbox_waiting: u64,
    pub outbox_failed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    Queued,
    Sending,
    Sent,
    Failed,
}

impl OutboxState {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Queued => "queued",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "queued" => OutboxState::Queued,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            other => {
                return Err(StoreError::Corrupt(format!("outbox state `{other}`")));
            }
        })
    }
}

/// A reply written in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub shop: String,
    pub conversation: String,
    pub text: String,
    pub agent: Option<String>,
    /// `agent`, or `bot` / `auto` for a chatbot rule's reply (§3 counts them differently).
    pub sender: Sender,
    pub state: OutboxState,
    pub attempts: u32,
    pub error: Option<String>,
    /// A failed reply the engine will try again.
    pub retryable: bool,
    pub queued_at: Ts,
    pub sent_at: Option<Ts>,
    /// The platform's id of the message, once sent.
    pub message_id: Option<String>,
    /// The engine's note of the newest message ids before the first attempt.
    #[serde(skip)]
    pub before_ids: Option<String>,
    /// An image reply: its type (`image/png`, ...); the bytes are read with
    /// [`Store::outbox_image`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_type: Option<String>,
    /// Where the platform's host put the image, once uploaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

const OUTBOX_COLUMNS: &str = "id, shop, conversation, text, agent, state, attempts, error, \
     retryable, queued_at, sent_at, message_id, before_ids, sender, image_type, image_url";

fn outbox_from_row(r: &Row<'_>) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        id: r.get(0)?,
        shop: r.get(1)?,
        conversation: r.get(2)?,
        text: r.get(3)?,
        agent: r.get(4)?,
        state: OutboxState::parse(&r.get::<_, String>(5)?)?,
        attempts: r.get(6)?,
        error: r.get(7)?,
        retryable: r.get(8)?,
        queued_at: ts(r.get(9)?),
        sent_at: ts_opt(r.get(10)?),
        message_id: r.get(11)?,
        before_ids: r.get(12)?,
        sender: parse_name(&r.get::<_, String>(13)?)?,
        image_type: r.get(14)?,
        image_url: r.get(15)?,
    })
}

/// Writes a queued outbox entry and its change-feed entry; the id of the entry.
pub(crate) fn insert_outbox(
    tx: &Transaction<'_>,
    shop: &str,
    conversation: &str,
    text: &str,
    agent: Option<&str>,
    sender: Sender,
    now: Ts,
) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO outbox (shop, conversation, text, agent, sender, state, queued_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6)",
    )?
    .execute(params![
        shop,
        conversation,
        text,
        agent,
        sender.as_str(),
        ms(now)
    ])?;
    let id = tx.last_insert_rowid();
    outbox_changed(tx, id)?;
    Ok(id)
}

/// The platform's copy of a reply sent through the seller API reads as the shop's agent:
/// a copy of a `bot` or `auto` outbox entry keeps the entry's sender (§3).
fn keep_outbox_senders(
    conn: &rusqlite::Connection,
    shop: &str,
    messages: &mut [Message],
) -> Result<()> {
    let mut q = conn.prepare_cached(
        "SELECT sender FROM outbox WHERE shop = ?1 AND message_id = ?2 AND sender <> 'agent'",
    )?;
    for m in messages.iter_mut().filter(|m| m.from == Sender::Agent) {
        if let Some(sender) = q
            .query_row(params![shop, m.id], |r| r.get::<_, String>(0))
            .optional()?
        {
            m.from = parse_name(&sender)?;
        }
    }
    Ok(())
}

/// A change-feed entry for the conversation of outbox entry `id`.
fn outbox_changed(tx: &Transaction<'_>, id: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO changes (shop, cid, what)
         SELECT o.shop, c.cid, 'outbox' FROM outbox o
         JOIN conversations c ON c.shop = o.shop AND c.conversation = o.conversation
         WHERE o.id = ?1",
    )?
    .execute([id])?;
    Ok(())
}

/// `last_attempt, last_success, last_error, needs_reconnect` of `sync_state`.
type StateRow = (Option<i64>, Option<i64>, Option<String>, bool);

fn ensure_state_row(tx: &Transaction<'_>, shop: &str) -> Result<()> {
    tx.prepare_cached("INSERT INTO sync_state (shop) VALUES (?1) ON CONFLICT (shop) DO NOTHING")?
        .execute([shop])?;
    Ok(())
}

impl Store {
    /// Applies one page of a sync pass: its messages (upserts keyed by platform id, so a
    /// repeated or reordered page changes nothing), the platform's conversation records,
    /// the records set aside, and the cursor, all in one transaction.
    pub fn apply_sync_page(&mut self, page: SyncPage) -> Result<Applied> {
        let SyncPage {
            shop,
            mut messages,
            conversations,
            quarantined,
            state,
            details,
            now,
            buyers,
        } = page;
        keep_outbox_senders(&self.conn, &shop, &mut messages)?;
        // Buyer messages this page brings for the first time: tagged, and the shop's rules
        // run on them, in the page's transaction (a page applied again fires nothing).
        let new_buyer = crate::automation::new_buyer_messages(&self.conn, &shop, &messages)?;
        let events = messages
            .into_iter()
            .map(Event::Message)
            .enumerate()
            .map(|(i, e)| (i + 1, e));
        self.apply_with(events, false, |tx| {
            ensure_state_row(tx, &shop)?;
            let mut conv = tx.prepare_cached(
                "INSERT INTO sync_conversations (shop, conversation, wire, resync)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (shop, conversation) DO UPDATE SET wire = excluded.wire,
                     resync = excluded.resync",
            )?;
            for c in &conversations {
                conv.execute(params![shop, c.id, c.wire, c.resync])?;
            }
            let mut q = tx.prepare_cached(
                "INSERT INTO quarantine (shop, kind, conversation, raw, error, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (shop, kind, raw) DO NOTHING",
            )?;
            for r in &quarantined {
                q.execute(params![
                    shop,
                    r.kind,
                    r.conversation,
                    r.raw,
                    r.error,
                    ms(r.at)
                ])?;
            }
            if let Some(state) = &state {
                tx.prepare_cached("UPDATE sync_state SET state = ?2 WHERE shop = ?1")?
                    .execute(params![shop, state])?;
            }
            for (id, d) in &details {
                crate::chat::write_details(tx, &shop, id, d)?;
            }
            write_profiles(tx, &shop, &buyers)?;
            crate::automation::on_new_buyer_messages(tx, &shop, &new_buyer, now)
        })
    }

    /// The engine's cursor for `shop`, if it has synced before.
    pub fn sync_state(&self, shop: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT state FROM sync_state WHERE shop = ?1")?
            .query_row([shop], |r| r.get(0))
            .optional()?)
    }

    /// Replaces the engine's cursor for `shop` (a pass that starts over).
    pub fn set_sync_state(&mut self, shop: &str, state: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        ensure_state_row(&tx, shop)?;
        tx.execute(
            "UPDATE sync_state SET state = ?2 WHERE shop = ?1",
            params![shop, state],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records how an attempt to sync `shop` ended: `error` `None` is a success.
    /// Records a sync step at `now`. `current`: the shop's listing was read to its end (the
    /// file is up to date), even if `error` says some of it must be read again.
    pub fn record_sync_attempt(
        &mut self,
        shop: &str,
        now: Ts,
        error: Option<&str>,
        needs_reconnect: bool,
        current: bool,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        ensure_state_row(&tx, shop)?;
        tx.execute(
            "UPDATE sync_state SET last_attempt = ?2,
                 last_success = CASE WHEN ?5 THEN ?2 ELSE last_success END,
                 last_error = ?3, needs_reconnect = ?4
             WHERE shop = ?1",
            params![shop, ms(now), error, needs_reconnect, current],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The platform's record of a conversation and whether it awaits a full resync.
    pub fn sync_conversation(
        &self,
        shop: &str,
        conversation: &str,
    ) -> Result<Option<SyncConversation>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT wire, resync FROM sync_conversations WHERE shop = ?1 AND conversation = ?2",
            )?
            .query_row([shop, conversation], |r| {
                Ok(SyncConversation {
                    id: conversation.to_owned(),
                    wire: r.get(0)?,
                    resync: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// The conversations whose messages must be read again in full: one of them was set
    /// aside, or a reply was sent and the platform's copy of it is still to be read.
    pub fn conversations_to_resync(&self, shop: &str) -> Result<Vec<SyncConversation>> {
        let mut q = self.conn.prepare_cached(
            "SELECT conversation, wire FROM sync_conversations WHERE shop = ?1 AND resync = 1",
        )?;
        let rows = q.query_map([shop], |r| {
            Ok(SyncConversation {
                id: r.get(0)?,
                wire: r.get(1)?,
                resync: true,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The instant of the newest stored message of a conversation.
    pub fn last_message_at(&self, shop: &str, conversation: &str) -> Result<Option<Ts>> {
        let at: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT max(m.at) FROM messages m JOIN conversations c ON c.cid = m.cid
                 WHERE c.shop = ?1 AND c.conversation = ?2",
            )?
            .query_row([shop, conversation], |r| r.get(0))?;
        Ok(ts_opt(at))
    }

    /// The buyer of a stored conversation.
    pub fn conversation_buyer(&self, shop: &str, conversation: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
            )?
            .query_row([shop, conversation], |r| r.get(0))
            .optional()?)
    }

    /// Records set aside, oldest first, for one shop or all.
    pub fn quarantined(&self, shop: Option<&str>) -> Result<Vec<Quarantined>> {
        let mut q = self.conn.prepare_cached(
            "SELECT shop, kind, conversation, raw, error, at FROM quarantine
             WHERE ?1 IS NULL OR shop = ?1 ORDER BY id",
        )?;
        let rows = q.query_map([shop], |r| {
            Ok(Quarantined {
                shop: r.get(0)?,
                kind: r.get(1)?,
                conversation: r.get(2)?,
                raw: r.get(3)?,
                error: r.get(4)?,
                at: ts(r.get(5)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every shop's sync health at `now`.
    pub fn sync_health(&self, now: Ts) -> Result<Vec<ShopHealth>> {
        let mut out = Vec::new();
        for (shop, _) in self.shops()? {
            let local = now.with_timezone(&shop.tz).date_naive();
            let midnight = local
                .and_hms_opt(0, 0, 0)
                .and_then(|t| shop.tz.from_local_datetime(&t).earliest())
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or(now);
            let state: Option<StateRow> = self
                .conn
                .prepare_cached(
                    "SELECT last_attempt, last_success, last_error, needs_reconnect
                     FROM sync_state WHERE shop = ?1",
                )?
                .query_row([&shop.shop], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })
                .optional()?;
            let (last_attempt, last_success, last_error, needs_reconnect) =
                state.unwrap_or((None, None, None, false));
            let count = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<u64> {
                Ok(self
                    .conn
                    .prepare_cached(sql)?
                    .query_row(args, |r| r.get::<_, i64>(0))? as u64)
            };
            let messages_today = count(
                "SELECT count(*) FROM messages WHERE shop = ?1 AND at >= ?2 AND at <= ?3",
                &[&shop.shop, &ms(midnight), &ms(now)],
            )?;
            let quarantined = count(
                "SELECT count(*) FROM quarantine WHERE shop = ?1",
                &[&shop.shop],
            )?;
            let outbox_waiting = count(
                "SELECT count(*) FROM outbox WHERE shop = ?1
                 AND (state IN ('queued', 'sending') OR (state = 'failed' AND retryable))",
                &[&shop.shop],
            )?;
            let outbox_failed = count(
                "SELECT count(*) FROM outbox WHERE shop = ?1 AND state = 'failed'",
                &[&shop.shop],
            )?;
            let last_success = ts_opt(last_success);
            out.push(ShopHealth {
                platform: shop.platform.as_str().to_owned(),
                name: shop.name.clone(),
                last_attempt: ts_opt(last_attempt),
                lag_secs: last_success.map(|t| (now - t).num_seconds().max(0)),
                last_success,
                last_error,
                needs_reconnect,
                messages_today,
                quarantined,
                outbox_waiting,
                outbox_failed,
                shop: shop.shop,
            });
        }
        Ok(out)
    }

    /// Queues a reply to a stored conversation; the sync engine sends it. The id of the
    /// outbox entry.
    pub fn queue_reply(
        &mut self,
        shop: &str,
        conversation: &str,
        text: &str,
        agent: Option<&str>,
        now: Ts,
    ) -> Result<i64> {
        if text.trim().is_empty() {
            return Err(StoreError::Invalid("a reply needs some text".into()));
        }
        read::shop(&self.conn, shop)?;
        if self.conversation_buyer(shop, conversation)?.is_none() {
            return Err(StoreError::Invalid(format!(
                "no conversation `{conversation}` in shop `{shop}`"
            )));
        }
        let tx = self.conn.transaction()?;
        let id = insert_outbox(&tx, shop, conversation, text, agent, Sender::Agent, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Queues an image reply (pasted into the composer) for the outbox. Only a platform whose
    /// API uploads images takes one (TikTok Shop); PNG, JPEG, GIF or WebP up to 5 MB.
    pub fn queue_image_reply(
        &mut self,
        shop: &str,
        conversation: &str,
        bytes: &[u8],
        mime: &str,
        agent: Option<&str>,
        now: Ts,
    ) -> Result<i64> {
        const TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];
        const MAX: usize = 5 * 1024 * 1024;
        let (s, _) = read::shop(&self.conn, shop)?;
        if s.platform != kedai_core::Platform::Tiktok {
            return Err(StoreError::Invalid(format!(
                "{} takes an image reply only as an address already on its own image host; \
                 its chat API has no upload, so paste a link or send it from the seller centre",
                s.platform.label()
            )));
        }
        if !TYPES.contains(&mime) {
            return Err(StoreError::Invalid(format!(
                "an image reply must be PNG, JPEG, GIF or WebP, not `{mime}`"
            )));
        }
        if bytes.is_empty() || bytes.len() > MAX {
            return Err(StoreError::Invalid(format!(
                "an image reply must be under 5 MB (this one: {:.1} MB)",
                bytes.len() as f64 / 1_048_576.0
            )));
        }
        if self.conversation_buyer(shop, conversation)?.is_none() {
            return Err(StoreError::Invalid(format!(
                "no conversation `{conversation}` in shop `{shop}`"
            )));
        }
        let tx = self.conn.transaction()?;
        let id = insert_outbox(&tx, shop, conversation, "", agent, Sender::Agent, now)?;
        tx.execute(
            "UPDATE outbox SET image = ?2, image_type = ?3 WHERE id = ?1",
            params![id, bytes, mime],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The bytes of an image reply.
    pub fn outbox_image(&self, id: i64) -> Result<Vec<u8>> {
        self.conn
            .prepare_cached("SELECT image FROM outbox WHERE id = ?1 AND image IS NOT NULL")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("outbox entry {id} holds no image")))
    }

    /// Keeps where the platform's host put an image reply, so a retry sends that address.
    pub fn outbox_image_uploaded(&mut self, id: i64, url: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET image_url = ?2 WHERE id = ?1",
            params![id, url],
        )?;
        Ok(())
    }

    /// The outbox of one shop or all, optionally of one conversation, in the order written.
    pub fn outbox(
        &self,
        shop: Option<&str>,
        conversation: Option<&str>,
    ) -> Result<Vec<OutboxEntry>> {
        self.outbox_where(
            "(?1 IS NULL OR shop = ?1) AND (?2 IS NULL OR conversation = ?2)",
            params![shop, conversation],
        )
    }

    /// The replies of `shop` still to deliver, in the order written: queued, sending (an
    /// attempt whose outcome is unknown) and failed ones that may be retried.
    pub fn outbox_pending(&self, shop: &str) -> Result<Vec<OutboxEntry>> {
        self.outbox_where(
            "shop = ?1 AND (state IN ('queued', 'sending') OR (state = 'failed' AND retryable))",
            [shop],
        )
    }

    /// Outbox entries matching `condition`, in the order written.
    pub(crate) fn outbox_where(
        &self,
        condition: &str,
        args: impl rusqlite::Params,
    ) -> Result<Vec<OutboxEntry>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {condition} ORDER BY id"
        ))?;
        let mut rows = q.query(args)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(outbox_from_row(r)?);
        }
        Ok(out)
    }

    /// Marks an entry as being sent (before the request goes out), keeping the engine's note
    /// of what the conversation held before the first attempt.
    pub fn outbox_sending(&mut self, id: i64, before_ids: Option<&str>) -> Result<()> {
        self.outbox_update(
            id,
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1,
                 before_ids = coalesce(before_ids, ?2) WHERE id = ?1",
            params![id, before_ids],
        )
    }

    /// Records a failed attempt.
    pub fn outbox_failed(&mut self, id: i64, error: &str, retryable: bool) -> Result<()> {
        self.outbox_update(
            id,
            "UPDATE outbox SET state = 'failed', error = ?2, retryable = ?3 WHERE id = ?1",
            params![id, error, retryable],
        )
    }

    /// Records a delivered reply, and writes its message into the conversation in the same
    /// transaction so the clock counts the reply at once.
    pub fn outbox_sent(&mut self, id: i64, message: Message, now: Ts) -> Result<Applied> {
        let message_id = message.id.clone();
        self.apply_with([(1, Event::Message(message))], false, |tx| {
            tx.execute(
                "UPDATE outbox SET state = 'sent', error = NULL, message_id = ?2, sent_at = ?3
                 WHERE id = ?1",
                params![id, message_id, ms(now)],
            )?;
            // the platform's copy (its own instant) is read on the next pass
            tx.execute(
                "UPDATE sync_conversations SET resync = 1
                 WHERE (shop, conversation) = (SELECT shop, conversation FROM outbox WHERE id = ?1)",
                [id],
            )?;
            outbox_changed(tx, id)
        })
    }

    /// A failed reply goes back to the queue (an agent pressed retry).
    pub fn outbox_retry(&mut self, id: i64) -> Result<()> {
        self.outbox_update(
            id,
            "UPDATE outbox SET state = CASE WHEN before_ids IS NULL THEN 'queued' ELSE 'sending' END,
                 retryable = 1, error = NULL WHERE id = ?1 AND state = 'failed'",
            params![id],
        )
    }

    fn outbox_update(&mut self, id: i64, sql: &str, args: impl rusqlite::Params) -> Result<()> {
        let tx = self.conn.transaction()?;
        if tx.execute(sql, args)? == 1 {
            outbox_changed(&tx, id)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A buyer's name and avatar as last listed; what a listing leaves out stays as it was.
fn write_profiles(tx: &Transaction<'_>, shop: &str, buyers: &[BuyerProfile]) -> Result<()> {
    let mut q = tx.prepare_cached(
        "INSERT INTO buyers (shop, buyer, name, avatar) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (shop, buyer) DO UPDATE SET name = coalesce(excluded.name, name),
             avatar = coalesce(excluded.avatar, avatar)",
    )?;
    for b in buyers {
        q.execute(params![shop, b.buyer, b.name, b.avatar])?;
    }
    Ok(())
}
