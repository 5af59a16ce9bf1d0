//! The chat window's reads and writes (issue 7): a conversation's messages paged back through
//! history by `(at, id)`, what a message carries besides its words (image, video and card
//! ids), the open inquiry's deadline and the policy that sets it (response-rules.md §4), the
//! agent's tools (marks of the event log; transfers with a note and abuse reports kept here),
//! the buyer's orders, and starting a chat from an order.

use std::collections::BTreeMap;

use kedai_core::model::{Event, Kind, Mark, MarkAction, Sender};
use kedai_core::order_chat::{self, Eligibility};
use kedai_core::{policy, Platform, Policy, Ts};
use rusqlite::{params, OptionalExtension, Row};

use crate::rows::{message_of, ms, parse_name, ts, ts_opt, PolicyCol, MESSAGE_COLUMNS};
use crate::{Result, Store, StoreError};

/// What a message carries besides its words, as the platform gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageDetails {
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub sticker_id: Option<String>,
    pub product_id: Option<String>,
    pub order_id: Option<String>,
    pub return_id: Option<String>,
    pub coupon_id: Option<String>,
    /// The card's other fields (name, price, status...) as a JSON object of strings.
    pub extra: String,
}

/// One message of the chat window.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub id: String,
    pub at: Ts,
    pub from: Sender,
    pub kind: Kind,
    pub text: Option<String>,
    pub agent: Option<String>,
    pub details: Option<MessageDetails>,
}

/// A page of messages, oldest first; `more` when older ones remain.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatPage {
    pub messages: Vec<ChatMessage>,
    pub more: bool,
}

/// The open inquiry as the engine derived it (§4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatInquiry {
    pub opened_at: Ts,
    pub deadline: Ts,
    pub due_soon_at: Option<Ts>,
    pub policy: Policy,
    /// §4: weekend coverage moved the deadline to Monday 12:00 local.
    pub weekend_moved: bool,
    /// The deadline the policy gives without weekend coverage.
    pub ordinary_deadline: Ts,
    pub tz: String,
}

/// A transfer or an abuse report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatAction {
    pub id: i64,
    pub at: Ts,
    /// `transfer` or `report_abuse`.
    pub action: String,
    pub agent: Option<String>,
    pub to_agent: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Lines of the transcript kept as evidence (reports).
    pub evidence_lines: u32,
    /// `recorded_locally` or `sent`.
    pub delivery: String,
}

pub use kedai_core::model::ABUSE_REASONS;

/// One of a buyer's orders.
#[derive(Debug, Clone, PartialEq)]
pub struct BuyerOrder {
    pub shop: String,
    pub platform: Platform,
    pub buyer: String,
    pub buyer_name: Option<String>,
    pub id: String,
    pub at: Ts,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub status: Option<String>,
}

/// A buyer as the chat window shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatBuyer {
    pub name: Option<String>,
    /// An `https:` address.
    pub avatar: Option<String>,
    /// Conversations with the shop.
    pub chats: u32,
}

/// Starting a chat from an order: the platform's rule and the conversation to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderChat {
    pub shop: String,
    pub buyer: String,
    pub eligibility: Eligibility,
    /// The buyer's latest conversation with the shop, to open or reuse.
    pub conversation: Option<String>,
}

fn message_row(r: &Row<'_>) -> Result<ChatMessage> {
    let has_details: bool = r.get(6)?;
    Ok(ChatMessage {
        id: r.get(0)?,
        at: ts(r.get(1)?),
        from: parse_name(&r.get::<_, String>(2)?)?,
        kind: parse_name(&r.get::<_, String>(3)?)?,
        text: r.get(4)?,
        agent: r.get(5)?,
        details: has_details
            .then(|| -> rusqlite::Result<_> {
                Ok(MessageDetails {
                    image_url: r.get(7)?,
                    video_url: r.get(8)?,
                    sticker_id: r.get(9)?,
                    product_id: r.get(10)?,
                    order_id: r.get(11)?,
                    return_id: r.get(12)?,
                    coupon_id: r.get(13)?,
                    extra: r.get(14)?,
                })
            })
            .transpose()?,
    })
}

fn order_row(r: &Row<'_>) -> Result<BuyerOrder> {
    Ok(BuyerOrder {
        shop: r.get(0)?,
        platform: parse_name(&r.get::<_, String>(1)?)?,
        buyer: r.get(2)?,
        buyer_name: r.get(3)?,
        id: r.get(4)?,
        at: ts(r.get(5)?),
        amount: r.get(6)?,
        currency: r.get(7)?,
        status: r.get(8)?,
    })
}

const ORDER_SELECT: &str = "SELECT o.shop, s.platform, o.buyer, b.name, o.id, o.at, o.amount,
        o.currency, o.status
     FROM orders o JOIN shops s ON s.id = o.shop
     LEFT JOIN buyers b ON b.shop = o.shop AND b.buyer = o.buyer";

impl Store {
    fn chat_cid(&self, shop: &str, conversation: &str) -> Result<(i64, String)> {
        self.conn
            .prepare_cached(
                "SELECT cid, buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
            )?
            .query_row(params![shop, conversation], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("no conversation `{conversation}` in shop `{shop}`"))
            })
    }

    /// Up to `limit` messages before `before` (`(at, id)`, exclusive; `None`: the newest),
    /// oldest first. Keyset paging: each page is one index range, however deep the history.
    pub fn chat_messages(
        &self,
        shop: &str,
        conversation: &str,
        before: Option<(Ts, &str)>,
        limit: usize,
    ) -> Result<ChatPage> {
        let (cid, _) = self.chat_cid(shop, conversation)?;
        let mut q = self.conn.prepare_cached(
            "SELECT x.id, x.at, x.sender, x.kind, x.text, x.agent, d.id IS NOT NULL,
                 d.image_url, d.video_url, d.sticker_id, d.product_id, d.order_id,
                 d.return_id, d.coupon_id, coalesce(d.extra, '{}')
             FROM messages x LEFT JOIN message_details d ON d.shop = x.shop AND d.id = x.id
             WHERE x.cid = ?1 AND (?2 IS NULL OR (x.at, x.id) < (?2, ?3))
             ORDER BY x.at DESC, x.id DESC LIMIT ?4",
        )?;
        let (at, id) = match before {
            Some((at, id)) => (Some(ms(at)), Some(id)),
            None => (None, None),
        };
        let mut rows = q.query(params![cid, at, id, limit as i64 + 1])?;
        let mut messages = Vec::new();
        while let Some(r) = rows.next()? {
            messages.push(message_row(r)?);
        }
        let more = messages.len() > limit;
        messages.truncate(limit);
        messages.reverse();
        Ok(ChatPage { messages, more })
    }

    /// Stores what a message carries besides its words (the sync engine's part; the app
    /// shows only what is stored here).
    pub fn set_message_details(&self, shop: &str, id: &str, d: &MessageDetails) -> Result<()> {
        write_details(&self.conn, shop, id, d)
    }

    /// The open inquiry from the conversation's derived columns, with the deadline its
    /// policy would give without weekend coverage (§4).
    pub fn chat_inquiry(&self, shop: &str, conversation: &str) -> Result<Option<ChatInquiry>> {
        let (s, _) = self.shop(shop)?;
        let row = self
            .conn
            .prepare_cached(
                "SELECT open_opened_at, open_deadline, open_due_soon_at, open_policy, weekend_moved
                 FROM conversations WHERE shop = ?1 AND conversation = ?2",
            )?
            .query_row(params![shop, conversation], |r| {
                Ok((
                    r.get::<_, Option<i64>>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<PolicyCol>>(3)?,
                    r.get::<_, bool>(4)?,
                ))
            })
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("no conversation `{conversation}` in shop `{shop}`"))
            })?;
        let (Some(opened), Some(deadline), due, Some(PolicyCol(p)), moved) = row else {
            return Ok(None);
        };
        let opened_at = ts(opened);
        Ok(Some(ChatInquiry {
            opened_at,
            deadline: ts(deadline),
            due_soon_at: ts_opt(due),
            policy: p,
            weekend_moved: moved,
            ordinary_deadline: policy::deadline(p, s.tz, opened_at, false),
            tz: s.tz.name().to_owned(),
        }))
    }

    /// End session or No response needed (or star / unstar): an event-log mark, so the clock
    /// recomputes, the inbox filters move and `kedai export` carries it.
    pub fn chat_mark(
        &mut self,
        shop: &str,
        conversation: &str,
        action: MarkAction,
        agent: &str,
        now: Ts,
    ) -> Result<()> {
        self.chat_cid(shop, conversation)?;
        self.apply([Event::Mark(Mark::new(
            shop,
            conversation,
            now,
            action,
            Some(agent.to_owned()),
        ))])?;
        Ok(())
    }

    /// Transfers the conversation to another agent with a note; the clock stays as it is (§6).
    /// Recorded as the event log's `transfer` mark.
    pub fn chat_transfer(
        &mut self,
        shop: &str,
        conversation: &str,
        from: &str,
        to: &str,
        note: &str,
        now: Ts,
    ) -> Result<()> {
        self.chat_cid(shop, conversation)?;
        let known: bool = self
            .conn
            .prepare_cached("SELECT count(*) > 0 FROM agents WHERE id = ?1")?
            .query_row([to], |r| r.get(0))?;
        if !known {
            return Err(StoreError::Invalid(format!("no agent `{to}`")));
        }
        self.assign(shop, conversation, Some(to), now)?;
        self.apply([Event::Mark(Mark {
            to_agent: Some(to.to_owned()),
            note: none_if_blank(note).map(str::to_owned),
            ..Mark::new(
                shop,
                conversation,
                now,
                MarkAction::Transfer,
                Some(from.to_owned()),
            )
        })])?;
        Ok(())
    }

    /// Records an abuse report (the event log's `report_abuse` mark) with the conversation's
    /// transcript (event-log `message` lines) as its evidence. No connector has a report
    /// call, so it is recorded locally.
    pub fn chat_report_abuse(
        &mut self,
        shop: &str,
        conversation: &str,
        agent: &str,
        reason: &str,
        note: &str,
        now: Ts,
    ) -> Result<ChatAction> {
        let (cid, _) = self.chat_cid(shop, conversation)?;
        let mark = Mark {
            reason: Some(reason.to_owned()),
            note: none_if_blank(note).map(str::to_owned),
            ..Mark::new(
                shop,
                conversation,
                now,
                MarkAction::ReportAbuse,
                Some(agent.to_owned()),
            )
        };
        mark.check().map_err(StoreError::Invalid)?;
        self.apply([Event::Mark(mark)])?;
        self.fill_report_evidence()?;
        self.conn.execute(
            "INSERT INTO changes (shop, cid, what) VALUES (?1, ?2, 'report')",
            params![shop, cid],
        )?;
        self.chat_actions(shop, conversation)?
            .into_iter()
            .rev()
            .find(|a| a.action == "report_abuse" && a.at == now)
            .ok_or_else(|| StoreError::Invalid("the report was not recorded".into()))
    }

    /// Keeps with each abuse report that has none yet (one just made, or read from an event
    /// log) the transcript up to its instant as its evidence.
    pub fn fill_report_evidence(&self) -> Result<usize> {
        let pending: Vec<(i64, i64, Ts, String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.cid, a.at, c.shop, c.conversation, c.buyer
                 FROM chat_actions a JOIN conversations c ON c.cid = a.cid
                 WHERE a.action = 'report_abuse' AND a.evidence IS NULL",
            )?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    ts(r.get(2)?),
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (id, cid, at, shop, conversation, buyer) in &pending {
            let transcript = self.transcript(shop, conversation, buyer, *cid, *at)?;
            self.conn.execute(
                "UPDATE chat_actions SET evidence = ?2 WHERE id = ?1",
                params![id, transcript.join("\n")],
            )?;
        }
        Ok(pending.len())
    }

    /// The conversation's messages up to `now` as event-log lines.
    fn transcript(
        &self,
        shop: &str,
        conversation: &str,
        buyer: &str,
        cid: i64,
        now: Ts,
    ) -> Result<Vec<String>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE cid = ?1 AND at <= ?2 ORDER BY at, id"
        ))?;
        let mut rows = q.query(params![cid, ms(now)])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let m = message_of(r, shop, conversation, buyer)?;
            out.push(serde_json::to_string(&Event::Message(m)).expect("events serialize"));
        }
        Ok(out)
    }

    /// The conversation's transfers and reports, oldest first.
    pub fn chat_actions(&self, shop: &str, conversation: &str) -> Result<Vec<ChatAction>> {
        let (cid, _) = self.chat_cid(shop, conversation)?;
        let mut q = self.conn.prepare_cached(
            "SELECT id, at, action, agent, to_agent, reason, note, evidence, delivery
             FROM chat_actions WHERE cid = ?1 ORDER BY at, id",
        )?;
        let rows = q.query_map([cid], |r| {
            let evidence: Option<String> = r.get(7)?;
            Ok(ChatAction {
                id: r.get(0)?,
                at: ts(r.get(1)?),
                action: r.get(2)?,
                agent: r.get(3)?,
                to_agent: r.get(4)?,
                reason: r.get(5)?,
                note: r.get(6)?,
                evidence_lines: evidence.map_or(0, |e| e.lines().count() as u32),
                delivery: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The evidence kept with a report: the transcript's event-log lines.
    pub fn chat_report_evidence(&self, id: i64) -> Result<String> {
        self.conn
            .prepare_cached(
                "SELECT coalesce(evidence, '') FROM chat_actions
                 WHERE id = ?1 AND action = 'report_abuse'",
            )?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no abuse report {id}")))
    }

    /// A buyer's orders with the shop, newest first.
    pub fn buyer_orders(&self, shop: &str, buyer: &str) -> Result<Vec<BuyerOrder>> {
        let mut q = self.conn.prepare_cached(&format!(
            "{ORDER_SELECT} WHERE o.shop = ?1 AND o.buyer = ?2 ORDER BY o.at DESC, o.id"
        ))?;
        let mut rows = q.query(params![shop, buyer])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(order_row(r)?);
        }
        Ok(out)
    }

    /// Orders whose id starts with `prefix`, in every shop (at most `limit`).
    pub fn search_orders(&self, prefix: &str, limit: usize) -> Result<Vec<BuyerOrder>> {
        let prefix = prefix.trim();
        if prefix.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = format!(
            "{}%",
            prefix
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let mut q = self.conn.prepare_cached(&format!(
            "{ORDER_SELECT} WHERE o.id LIKE ?1 ESCAPE '\\' ORDER BY o.at DESC, o.shop, o.id LIMIT ?2"
        ))?;
        let mut rows = q.query(params![pattern, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(order_row(r)?);
        }
        Ok(out)
    }

    /// Starting a chat from an order: whether the platform allows it at `now`, and the
    /// buyer's latest conversation with the shop to open (or reuse).
    pub fn chat_from_order(&self, shop: &str, order: &str, now: Ts) -> Result<OrderChat> {
        let o = self
            .conn
            .prepare_cached(&format!("{ORDER_SELECT} WHERE o.shop = ?1 AND o.id = ?2"))?
            .query_row(params![shop, order], |r| Ok(order_row(r)))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no order `{order}` in shop `{shop}`")))??;
        let eligibility = order_chat::can_start_chat(o.platform, o.at, o.status.as_deref(), now);
        let conversation = self
            .conn
            .prepare_cached(
                "SELECT conversation FROM conversations WHERE shop = ?1 AND buyer = ?2
                 ORDER BY coalesce(last_message_at, 0) DESC, cid DESC LIMIT 1",
            )?
            .query_row(params![shop, o.buyer], |r| r.get(0))
            .optional()?;
        Ok(OrderChat {
            shop: o.shop,
            buyer: o.buyer,
            eligibility,
            conversation,
        })
    }

    /// Product and coupon ids from the cards in the buyer's chats with the shop, newest first.
    pub fn buyer_cards(&self, shop: &str, buyer: &str) -> Result<(Vec<String>, Vec<String>)> {
        let mut q = self.conn.prepare_cached(
            "SELECT d.product_id, d.coupon_id FROM message_details d
             JOIN messages x ON x.shop = d.shop AND x.id = d.id
             JOIN conversations c ON c.cid = x.cid
             WHERE c.shop = ?1 AND c.buyer = ?2
                 AND (d.product_id IS NOT NULL OR d.coupon_id IS NOT NULL)
             ORDER BY x.at DESC",
        )?;
        let mut rows = q.query(params![shop, buyer])?;
        let (mut products, mut coupons) = (Vec::<String>::new(), Vec::<String>::new());
        while let Some(r) = rows.next()? {
            for (col, list) in [(0, &mut products), (1, &mut coupons)] {
                if let Some(id) = r.get::<_, Option<String>>(col)? {
                    if !list.contains(&id) {
                        list.push(id);
                    }
                }
            }
        }
        Ok((products, coupons))
    }

    /// What the platform's order cards in the buyer's chats say about shipping, by order id:
    /// the card fields whose name speaks of tracking, logistics, carrier, shipping or waybill
    /// (none of the three chat APIs documents such fields; a card that carries them shows).
    pub fn order_tracking(
        &self,
        shop: &str,
        buyer: &str,
    ) -> Result<BTreeMap<String, Vec<(String, String)>>> {
        const WORDS: [&str; 7] = [
            "track", "logistic", "carrier", "shipping", "shipment", "waybill", "courier",
        ];
        let mut q = self.conn.prepare_cached(
            "SELECT d.order_id, d.extra FROM conversations c
             JOIN messages m ON m.cid = c.cid
             JOIN message_details d ON d.shop = m.shop AND d.id = m.id
             WHERE c.shop = ?1 AND c.buyer = ?2 AND d.order_id IS NOT NULL
             ORDER BY m.at",
        )?;
        let rows = q
            .query_map(params![shop, buyer], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (order, extra) in rows {
            let Ok(fields) = serde_json::from_str::<BTreeMap<String, String>>(&extra) else {
                continue;
            };
            let found: Vec<(String, String)> = fields
                .into_iter()
                .filter(|(k, v)| {
                    let k = k.to_ascii_lowercase();
                    !v.trim().is_empty() && WORDS.iter().any(|w| k.contains(w))
                })
                .collect();
            if !found.is_empty() {
                // the latest card wins
                out.insert(order, found);
            }
        }
        Ok(out)
    }

    /// The buyer's name and avatar (as the platform listed them) and the number of
    /// conversations with the shop.
    pub fn chat_buyer(&self, shop: &str, buyer: &str) -> Result<ChatBuyer> {
        let (name, avatar) = self
            .conn
            .prepare_cached("SELECT name, avatar FROM buyers WHERE shop = ?1 AND buyer = ?2")?
            .query_row(params![shop, buyer], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((None, None));
        let chats = self
            .conn
            .prepare_cached("SELECT count(*) FROM conversations WHERE shop = ?1 AND buyer = ?2")?
            .query_row(params![shop, buyer], |r| r.get(0))?;
        Ok(ChatBuyer {
            name,
            avatar,
            chats,
        })
    }
}

fn none_if_blank(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests;

/// Writes (or replaces) a message's details; the message must be stored.
pub(crate) fn write_details(
    conn: &rusqlite::Connection,
    shop: &str,
    id: &str,
    d: &MessageDetails,
) -> Result<()> {
    let extra = if d.extra.is_empty() { "{}" } else { &d.extra };
    conn.prepare_cached(
        "INSERT INTO message_details (shop, id, image_url, video_url, sticker_id, product_id,
             order_id, return_id, coupon_id, extra)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (shop, id) DO UPDATE SET image_url = excluded.image_url,
             video_url = excluded.video_url, sticker_id = excluded.sticker_id,
             product_id = excluded.product_id, order_id = excluded.order_id,
             return_id = excluded.return_id, coupon_id = excluded.coupon_id,
             extra = excluded.extra",
    )?
    .execute(params![
        shop,
        id,
        d.image_url,
        d.video_url,
        d.sticker_id,
        d.product_id,
        d.order_id,
        d.return_id,
        d.coupon_id,
        extra
    ])?;
    Ok(())
}
