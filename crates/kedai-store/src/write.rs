//! Writing facts: upserts keyed by (shop, platform id), so a repeated or reordered batch
//! changes nothing; every conversation whose facts changed has its clock recomputed in
//! the same transaction, and the change feed records it.

use std::collections::BTreeSet;

use kedai_core::history::{ConversationFacts, HistoryBuilder, LineError};
use kedai_core::model::*;
use kedai_core::{History, ShopSettings};
use rusqlite::{params, OptionalExtension, Transaction};

use crate::rows::{ms, name, FOREVER};
use crate::{derive, Result, Store, StoreError};

/// What a write changed.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Conversations with a changed fact, by cid.
    pub conversations: BTreeSet<i64>,
    /// Conversations created by this write: all their facts are in the batch.
    pub created: BTreeSet<i64>,
    /// Shops whose shop-wide facts (declaration, timeline, settings) changed.
    pub whole_shops: BTreeSet<String>,
    pub buyers: BTreeSet<(String, String)>,
    pub orders: BTreeSet<String>,
}

/// The result of applying a batch.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Conversations whose clock was recomputed.
    pub conversations: usize,
    /// Lines skipped in lenient mode.
    pub warnings: Vec<LineError>,
}

impl Store {
    /// Applies events in one transaction: all or nothing. Events may refer to shops already
    /// in the store.
    pub fn apply(&mut self, events: impl IntoIterator<Item = Event>) -> Result<Applied> {
        let numbered = events.into_iter().enumerate().map(|(i, e)| (i + 1, e));
        self.apply_numbered(numbered, false)
    }

    /// As [`Store::apply`], with line numbers for error messages; lenient mode skips the
    /// events that do not fit instead of failing.
    pub fn apply_numbered(
        &mut self,
        events: impl IntoIterator<Item = (usize, Event)>,
        lenient: bool,
    ) -> Result<Applied> {
        let mut builder = HistoryBuilder::new().lenient(lenient);
        for (shop, _) in self.shops()? {
            builder.known_shop(shop);
        }
        let events: Vec<(usize, Event)> = events.into_iter().collect();
        // A mark or rating may come in a later write than its conversation's messages.
        let mut referred = BTreeSet::new();
        for (_, e) in &events {
            if let Event::Mark(Mark {
                shop, conversation, ..
            })
            | Event::Rating(Rating {
                shop, conversation, ..
            }) = e
            {
                referred.insert((shop.as_str(), conversation.as_str()));
            }
        }
        for (shop, conversation) in referred {
            let buyer: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
                )?
                .query_row(params![shop, conversation], |r| r.get(0))
                .optional()?;
            if let Some(buyer) = buyer {
                builder.known_conversation(shop, conversation, &buyer);
            }
        }
        for (line, e) in events {
            builder.add(line, e);
        }
        let (history, warnings) = builder.build().map_err(StoreError::Log)?;
        let tx = self.conn.transaction()?;
        let touched = write_history(&tx, &history)?;
        let recomputed = derive::recompute(&tx, &touched, &history)?;
        record_changes(&tx, &touched)?;
        tx.commit()?;
        self.after_write(&touched, &recomputed)?;
        let conversations = recomputed.values().map(Vec::len).sum();
        Ok(Applied {
            conversations,
            warnings,
        })
    }

    /// Changes one setting of a shop (`key=value` as [`ShopSettings::set`] takes it) and
    /// recomputes the shop's clocks.
    pub fn set_setting(&mut self, shop: &str, key: &str, value: &str) -> Result<()> {
        let (_, mut settings) = self.shop(shop)?;
        settings.set(key, value).map_err(StoreError::Invalid)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE shops SET settings = ?2 WHERE id = ?1",
            params![
                shop,
                serde_json::to_string(&settings).expect("settings serialize")
            ],
        )?;
        let touched = Touched {
            whole_shops: BTreeSet::from([shop.to_owned()]),
            ..Default::default()
        };
        let recomputed = derive::recompute(&tx, &touched, &History::default())?;
        record_changes(&tx, &touched)?;
        tx.commit()?;
        self.after_write(&touched, &recomputed)?;
        Ok(())
    }

    /// Records that an agent opened the conversation in the app at `at`.
    pub fn mark_read(&mut self, shop: &str, conversation: &str, at: kedai_core::Ts) -> Result<()> {
        let tx = self.conn.transaction()?;
        let cid: i64 = tx
            .query_row(
                "SELECT cid FROM conversations WHERE shop = ?1 AND conversation = ?2",
                params![shop, conversation],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("no conversation `{conversation}` in shop `{shop}`"))
            })?;
        tx.execute(
            "UPDATE conversations SET read_at = max(coalesce(read_at, ?2), ?2),
                 unread = (last_buyer_at IS NOT NULL
                           AND last_buyer_at > max(?2, coalesce(last_agent_at, ?2)))
             WHERE cid = ?1",
            params![cid, ms(at)],
        )?;
        tx.execute(
            "INSERT INTO changes (shop, cid, what) VALUES (?1, ?2, 'read')",
            params![shop, cid],
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn write_history(tx: &Transaction<'_>, history: &History) -> Result<Touched> {
    let mut touched = Touched::default();
    for (shop_id, shop) in &history.shops {
        write_shop(tx, &shop.shop, &mut touched)?;
        write_timeline(tx, shop_id, &shop.timeline, &mut touched)?;
        for (buyer, states) in &shop.buyers {
            ensure_buyer(tx, shop_id, buyer)?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO buyer_states (shop, buyer, at, blocked, account_state)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for s in states {
                let blocked = s.blocked.map_or(-1, i64::from);
                let account = s.account_state.map(|a| name(&a)).unwrap_or_default();
                if insert.execute(params![shop_id, buyer, ms(s.at), blocked, account])? > 0 {
                    touched.buyers.insert((shop_id.clone(), buyer.clone()));
                }
            }
        }
        for conv in shop.conversations.values() {
            write_conversation(tx, shop_id, conv, &mut touched)?;
        }
        let mut upsert = tx.prepare_cached(
            "INSERT INTO orders (shop, id, buyer, at, amount, currency, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (shop, id) DO UPDATE SET buyer = excluded.buyer, at = excluded.at,
                 amount = excluded.amount, currency = excluded.currency, status = excluded.status
             WHERE buyer IS NOT excluded.buyer OR at IS NOT excluded.at
                 OR amount IS NOT excluded.amount OR currency IS NOT excluded.currency
                 OR status IS NOT excluded.status",
        )?;
        for o in &shop.orders {
            let n = upsert.execute(params![
                shop_id,
                o.id,
                o.buyer,
                ms(o.at),
                o.amount,
                o.currency,
                o.status
            ])?;
            if n > 0 {
                touched.orders.insert(shop_id.clone());
            }
        }
    }
    Ok(touched)
}

fn write_shop(tx: &Transaction<'_>, shop: &Shop, touched: &mut Touched) -> Result<()> {
    let n = tx.execute(
        "INSERT INTO shops (id, platform, region, tz, name, mall, settings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET platform = excluded.platform, region = excluded.region,
             tz = excluded.tz, name = excluded.name, mall = excluded.mall
         WHERE platform IS NOT excluded.platform OR region IS NOT excluded.region
             OR tz IS NOT excluded.tz OR name IS NOT excluded.name OR mall IS NOT excluded.mall",
        params![
            shop.shop,
            shop.platform.as_str(),
            shop.region.as_str(),
            shop.tz.name(),
            shop.name,
            shop.mall,
            serde_json::to_string(&ShopSettings::default()).expect("settings serialize"),
        ],
    )?;
    if n > 0 {
        touched.whole_shops.insert(shop.shop.clone());
    }
    Ok(())
}

fn write_timeline(
    tx: &Transaction<'_>,
    shop: &str,
    timeline: &kedai_core::history::ShopTimeline,
    touched: &mut Touched,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO timeline (shop, kind, at, until, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut n = 0;
    for (kind, spans) in [
        ("holiday_mode", &timeline.holiday_mode),
        ("weekend_coverage", &timeline.weekend_coverage),
    ] {
        for s in spans {
            n += insert.execute(params![
                shop,
                kind,
                ms(s.from),
                s.to.map_or(FOREVER, ms),
                ""
            ])?;
        }
    }
    for h in &timeline.operating_hours {
        let data = serde_json::to_string(&h.hours).expect("hours serialize");
        n += insert.execute(params![shop, "operating_hours", ms(h.at), FOREVER, data])?;
    }
    for (date, name) in &timeline.extra_holidays {
        let at = date.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        n += insert.execute(params![
            shop,
            "public_holiday",
            ms(at),
            FOREVER,
            name.clone().unwrap_or_default()
        ])?;
    }
    if n > 0 {
        touched.whole_shops.insert(shop.to_owned());
    }
    Ok(())
}

fn ensure_buyer(tx: &Transaction<'_>, shop: &str, buyer: &str) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO buyers (shop, buyer) VALUES (?1, ?2)")?
        .execute(params![shop, buyer])?;
    Ok(())
}

fn write_conversation(
    tx: &Transaction<'_>,
    shop: &str,
    conv: &ConversationFacts,
    touched: &mut Touched,
) -> Result<()> {
    let existing: Option<(i64, String)> = tx
        .prepare_cached(
            "SELECT cid, buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
        )?
        .query_row(params![shop, conv.conversation], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let cid = match existing {
        Some((cid, buyer)) if buyer == conv.buyer => cid,
        Some((_, buyer)) => {
            return Err(StoreError::Invalid(format!(
                "conversation `{}` of shop `{shop}` is with buyer `{buyer}`, not `{}`",
                conv.conversation, conv.buyer
            )))
        }
        None => {
            ensure_buyer(tx, shop, &conv.buyer)?;
            tx.prepare_cached(
                "INSERT INTO conversations (shop, conversation, buyer) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![shop, conv.conversation, conv.buyer])?;
            let cid = tx.last_insert_rowid();
            touched.created.insert(cid);
            touched.conversations.insert(cid);
            cid
        }
    };
    let mut changed = 0;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO messages (shop, id, cid, at, sender, kind, text, agent, faq_chat_with_agent, platform_handled)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (shop, id) DO UPDATE SET at = excluded.at, sender = excluded.sender,
             kind = excluded.kind, text = excluded.text, agent = excluded.agent,
             faq_chat_with_agent = excluded.faq_chat_with_agent,
             platform_handled = excluded.platform_handled
         WHERE cid = excluded.cid AND (at IS NOT excluded.at OR sender IS NOT excluded.sender
             OR kind IS NOT excluded.kind OR text IS NOT excluded.text OR agent IS NOT excluded.agent
             OR faq_chat_with_agent IS NOT excluded.faq_chat_with_agent
             OR platform_handled IS NOT excluded.platform_handled)",
    )?;
    for m in &conv.messages {
        let n = upsert.execute(params![
            shop,
            m.id,
            cid,
            ms(m.at),
            m.from.as_str(),
            name(&m.kind),
            m.text,
            m.agent,
            m.faq_chat_with_agent,
            m.platform_handled
        ])?;
        if n == 0 {
            check_same_conversation(tx, shop, &m.id, cid, &conv.conversation)?;
        }
        changed += n;
    }
    let mut mark = tx.prepare_cached(
        "INSERT OR IGNORE INTO marks (cid, at, action, agent) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for k in &conv.marks {
        changed += mark.execute(params![
            cid,
            ms(k.at),
            name(&k.action),
            k.agent.clone().unwrap_or_default()
        ])?;
    }
    let mut rating =
        tx.prepare_cached("INSERT OR IGNORE INTO ratings (cid, at, score) VALUES (?1, ?2, ?3)")?;
    for r in &conv.ratings {
        changed += rating.execute(params![cid, ms(r.at), name(&r.score)])?;
    }
    if changed > 0 {
        touched.conversations.insert(cid);
    }
    Ok(())
}

/// A platform never moves a message between conversations; a batch that does is refused
/// rather than leaving the first conversation's clock stale.
fn check_same_conversation(
    tx: &Transaction<'_>,
    shop: &str,
    id: &str,
    cid: i64,
    conversation: &str,
) -> Result<()> {
    let (owner, name): (i64, String) = tx.query_row(
        "SELECT m.cid, c.conversation FROM messages m JOIN conversations c USING (cid)
         WHERE m.shop = ?1 AND m.id = ?2",
        params![shop, id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if owner != cid {
        return Err(StoreError::Invalid(format!(
            "message `{id}` of shop `{shop}` belongs to conversation `{name}`, not `{conversation}`"
        )));
    }
    Ok(())
}

fn record_changes(tx: &Transaction<'_>, touched: &Touched) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO changes (shop, cid, what)
         SELECT shop, cid, 'conversation' FROM conversations WHERE cid = ?1",
    )?;
    for cid in &touched.conversations {
        insert.execute([cid])?;
    }
    let mut insert = tx.prepare_cached("INSERT INTO changes (shop, what) VALUES (?1, ?2)")?;
    for shop in &touched.whole_shops {
        insert.execute(params![shop, "shop"])?;
    }
    for shop in &touched.orders {
        insert.execute(params![shop, "orders"])?;
    }
    Ok(())
}
