//! Reading facts and derived clocks back.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use kedai_core::clock::{ConversationClock, Item, Session};
use kedai_core::history::{ConversationFacts, ShopTimeline};
use kedai_core::metrics::HORIZON;

use crate::cache::Window;
use kedai_core::model::*;
use kedai_core::{ShopMetrics, ShopSettings, Ts};
use rusqlite::{params, Connection, Row};
use serde::Serialize;

use crate::rows::{
    decode_instants, message_of, ms, parse_name, ts, ts_opt, ExclusionCol, PolicyCol, FOREVER,
    MESSAGE_COLUMNS,
};
use crate::{Result, Store, StoreError};

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub seq: i64,
    pub shop: String,
    pub conversation: Option<String>,
    pub what: String,
}

fn shop_from_row(r: &Row<'_>) -> Result<(Shop, ShopSettings)> {
    let id: String = r.get(0)?;
    let tz: String = r.get(3)?;
    let shop = Shop {
        platform: parse_name(&r.get::<_, String>(1)?)?,
        region: parse_name(&r.get::<_, String>(2)?)?,
        tz: tz
            .parse()
            .map_err(|_| StoreError::Corrupt(format!("shop `{id}` has time zone `{tz}`")))?,
        name: r.get(4)?,
        mall: r.get(5)?,
        shop: id,
    };
    let settings = serde_json::from_str(&r.get::<_, String>(6)?)
        .map_err(|e| StoreError::Corrupt(format!("settings of shop `{}`: {e}", shop.shop)))?;
    Ok((shop, settings))
}

const SHOP_COLUMNS: &str = "id, platform, region, tz, name, mall, settings";

pub(crate) fn shop(conn: &Connection, id: &str) -> Result<(Shop, ShopSettings)> {
    let mut q = conn.prepare_cached(&format!("SELECT {SHOP_COLUMNS} FROM shops WHERE id = ?1"))?;
    let mut rows = q.query([id])?;
    match rows.next()? {
        Some(r) => shop_from_row(r),
        None => Err(StoreError::Invalid(format!("no shop `{id}` in the store"))),
    }
}

pub(crate) fn timeline(conn: &Connection, shop: &str) -> Result<ShopTimeline> {
    let mut t = ShopTimeline::default();
    let mut q =
        conn.prepare_cached("SELECT kind, at, until, data FROM timeline WHERE shop = ?1")?;
    let mut rows = q.query([shop])?;
    while let Some(r) = rows.next()? {
        let (kind, at, until, data): (String, i64, i64, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let span = || Span {
            shop: shop.to_owned(),
            from: ts(at),
            to: (until != FOREVER).then(|| ts(until)),
        };
        match kind.as_str() {
            "holiday_mode" => t.holiday_mode.push(span()),
            "weekend_coverage" => t.weekend_coverage.push(span()),
            "operating_hours" => t.operating_hours.push(OperatingHours {
                shop: shop.to_owned(),
                at: ts(at),
                hours: serde_json::from_str(&data).map_err(|e| {
                    StoreError::Corrupt(format!("operating hours of `{shop}`: {e}"))
                })?,
            }),
            "public_holiday" => {
                let date: NaiveDate = ts(at).date_naive();
                t.extra_holidays
                    .insert(date, (!data.is_empty()).then_some(data));
            }
            other => return Err(StoreError::Corrupt(format!("timeline kind `{other}`"))),
        }
    }
    t.sort();
    Ok(t)
}

pub(crate) fn buyer_states(conn: &Connection, shop: &str, buyer: &str) -> Result<Vec<BuyerFact>> {
    let mut q = conn.prepare_cached(
        "SELECT at, blocked, account_state FROM buyer_states WHERE shop = ?1 AND buyer = ?2",
    )?;
    let mut rows = q.query(params![shop, buyer])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let blocked: i64 = r.get(1)?;
        let account: String = r.get(2)?;
        out.push(BuyerFact {
            shop: shop.to_owned(),
            buyer: buyer.to_owned(),
            at: ts(r.get(0)?),
            blocked: (blocked >= 0).then_some(blocked == 1),
            account_state: if account.is_empty() {
                None
            } else {
                Some(parse_name(&account)?)
            },
        });
    }
    out.sort();
    Ok(out)
}

pub(crate) fn conversation_facts(
    conn: &Connection,
    cid: i64,
    shop: &str,
    conversation: &str,
    buyer: &str,
) -> Result<ConversationFacts> {
    let mut facts = ConversationFacts {
        conversation: conversation.to_owned(),
        buyer: buyer.to_owned(),
        ..Default::default()
    };
    let mut q = conn.prepare_cached(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE cid = ?1"
    ))?;
    let mut rows = q.query([cid])?;
    while let Some(r) = rows.next()? {
        facts
            .messages
            .push(message_of(r, shop, conversation, buyer)?);
    }
    let mut q = conn.prepare_cached("SELECT at, action, agent FROM marks WHERE cid = ?1")?;
    let mut rows = q.query([cid])?;
    while let Some(r) = rows.next()? {
        let agent: String = r.get(2)?;
        facts.marks.push(Mark::new(
            shop,
            conversation,
            ts(r.get(0)?),
            parse_name(&r.get::<_, String>(1)?)?,
            (!agent.is_empty()).then_some(agent),
        ));
    }
    let mut q = conn.prepare_cached("SELECT at, score FROM ratings WHERE cid = ?1")?;
    let mut rows = q.query([cid])?;
    while let Some(r) = rows.next()? {
        facts.ratings.push(Rating {
            shop: shop.to_owned(),
            conversation: conversation.to_owned(),
            at: ts(r.get(0)?),
            score: parse_name(&r.get::<_, String>(1)?)?,
        });
    }
    Ok(facts)
}

pub(crate) const ITEM_COLUMNS: &str =
    "c.conversation, c.buyer, i.seq, i.message, i.opened_at, i.excluded,
    i.excluded_at, i.counted_at, i.session, i.first_in_session, i.policy, i.deadline,
    i.due_soon_at, i.deadline2, i.weekend_moved, i.agent_reply_at, i.auto_reply_at,
    i.followup_at, i.closed_at";

/// An item from `ITEM_COLUMNS` starting at column `first`.
pub(crate) fn item_from_row(r: &Row<'_>, first: usize) -> rusqlite::Result<Item> {
    let col = |k: usize| first + k;
    Ok(Item {
        seq: r.get(col(2))?,
        message: r.get(col(3))?,
        opened_at: ts(r.get(col(4))?),
        excluded: r.get::<_, Option<ExclusionCol>>(col(5))?.map(|e| e.0),
        excluded_at: ts_opt(r.get(col(6))?),
        counted_at: decode_instants(&r.get::<_, Vec<u8>>(col(7))?),
        session: r.get(col(8))?,
        first_in_session: r.get(col(9))?,
        policy: r.get::<_, PolicyCol>(col(10))?.0,
        deadline: ts(r.get(col(11))?),
        due_soon_at: ts_opt(r.get(col(12))?),
        deadline2: ts_opt(r.get(col(13))?),
        weekend_moved: r.get(col(14))?,
        agent_reply_at: ts_opt(r.get(col(15))?),
        auto_reply_at: ts_opt(r.get(col(16))?),
        followup_at: ts_opt(r.get(col(17))?),
        closed_at: ts_opt(r.get(col(18))?),
    })
}

pub(crate) fn session_from_row(r: &Row<'_>, first: usize) -> Result<Session> {
    let ratings: Vec<(i64, String)> = serde_json::from_str(&r.get::<_, String>(first + 5)?)
        .map_err(|e| StoreError::Corrupt(format!("session ratings: {e}")))?;
    let agents: Vec<(String, i64)> = serde_json::from_str(&r.get::<_, String>(first + 6)?)
        .map_err(|e| StoreError::Corrupt(format!("session agents: {e}")))?;
    Ok(Session {
        index: r.get(first)?,
        started_at: ts(r.get(first + 1)?),
        seller_initiated: r.get(first + 2)?,
        ended_at: ts(r.get(first + 3)?),
        ended_by_agent: r.get(first + 4)?,
        ratings: ratings
            .into_iter()
            .map(|(t, s)| Ok((ts(t), parse_name(&s)?)))
            .collect::<Result<_>>()?,
        agents: agents.into_iter().map(|(a, t)| (a, ts(t))).collect(),
    })
}

pub(crate) const SESSION_COLUMNS: &str =
    "s.idx, s.started_at, s.seller_initiated, s.ended_at, s.ended_by_agent, s.ratings, s.agents";

/// The orders of a shop placed from `from` on.
pub(crate) fn orders_from(conn: &Connection, shop: &str, from: Ts) -> Result<Vec<Order>> {
    let mut q = conn.prepare_cached(
        "SELECT id, buyer, at, amount, currency, status FROM orders
         WHERE shop = ?1 AND at >= ?2 ORDER BY at, id",
    )?;
    let rows = q.query_map(params![shop, ms(from)], |r| order_from_row(shop, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn order_from_row(shop: &str, r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        shop: shop.to_owned(),
        id: r.get(0)?,
        buyer: r.get(1)?,
        at: ts(r.get(2)?),
        amount: r.get(3)?,
        currency: r.get(4)?,
        status: r.get(5)?,
    })
}

impl Store {
    /// Every shop with its settings.
    pub fn shops(&self) -> Result<Vec<(Shop, ShopSettings)>> {
        let mut q = self
            .conn
            .prepare_cached(&format!("SELECT {SHOP_COLUMNS} FROM shops ORDER BY id"))?;
        let mut rows = q.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(shop_from_row(r)?);
        }
        Ok(out)
    }

    pub fn shop(&self, id: &str) -> Result<(Shop, ShopSettings)> {
        shop(&self.conn, id)
    }

    pub fn timeline(&self, shop: &str) -> Result<ShopTimeline> {
        timeline(&self.conn, shop)
    }

    /// The derived clocks of every conversation of a shop, as the engine produced them.
    pub fn clocks(&self, shop: &str) -> Result<Vec<ConversationClock>> {
        let mut clocks: BTreeMap<i64, ConversationClock> = BTreeMap::new();
        let mut q = self.conn.prepare_cached(
            "SELECT cid, conversation, buyer, stars FROM conversations WHERE shop = ?1",
        )?;
        let mut rows = q.query([shop])?;
        while let Some(r) = rows.next()? {
            let stars: Vec<(i64, bool)> = serde_json::from_str(&r.get::<_, String>(3)?)
                .map_err(|e| StoreError::Corrupt(format!("stars: {e}")))?;
            clocks.insert(
                r.get(0)?,
                ConversationClock {
                    conversation: r.get(1)?,
                    buyer: r.get(2)?,
                    items: Vec::new(),
                    sessions: Vec::new(),
                    activity: Vec::new(),
                    stars: stars.into_iter().map(|(t, s)| (ts(t), s)).collect(),
                },
            );
        }
        let mut q = self.conn.prepare_cached(
            "SELECT cid, at, sender FROM messages WHERE shop = ?1
             ORDER BY cid, at, sender <> 'buyer', id",
        )?;
        let mut rows = q.query([shop])?;
        while let Some(r) = rows.next()? {
            let cid: i64 = r.get(0)?;
            let sender: Sender = parse_name(&r.get::<_, String>(2)?)?;
            if let Some(clock) = clocks.get_mut(&cid) {
                clock.activity.push((ts(r.get(1)?), sender));
            }
        }
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT i.cid, {ITEM_COLUMNS} FROM items i JOIN conversations c USING (cid)
             WHERE i.shop = ?1 ORDER BY i.cid, i.seq"
        ))?;
        let mut rows = q.query([shop])?;
        while let Some(r) = rows.next()? {
            let cid: i64 = r.get(0)?;
            let item = item_from_row(r, 1)?;
            clocks
                .get_mut(&cid)
                .expect("item of a known conversation")
                .items
                .push(item);
        }
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT s.cid, c.conversation, {SESSION_COLUMNS} FROM sessions s JOIN conversations c USING (cid)
             WHERE s.shop = ?1 ORDER BY s.cid, s.idx"
        ))?;
        let mut rows = q.query([shop])?;
        while let Some(r) = rows.next()? {
            let cid: i64 = r.get(0)?;
            let session = session_from_row(r, 2)?;
            clocks
                .get_mut(&cid)
                .expect("session of a known conversation")
                .sessions
                .push(session);
        }
        let mut out: Vec<_> = clocks.into_values().collect();
        out.sort_by(|a, b| a.conversation.cmp(&b.conversation));
        Ok(out)
    }

    /// §5 for one shop at `now`, from the derived items of the metric windows (an indexed
    /// range read, never a rescan of messages). At a live `now` (nothing stored after it)
    /// the windows are kept in memory between calls and updated by every write.
    pub fn metrics(&self, shop_id: &str, now: Ts) -> Result<ShopMetrics> {
        if self.is_live(Some(shop_id), now)? {
            return self.cached_metrics(shop_id, now);
        }
        let (shop, settings) = self.shop(shop_id)?;
        let window = Window::load(&self.conn, shop_id, now - HORIZON, None)?;
        Ok(window.compute(&shop, &settings, now))
    }

    /// Change feed entries after `seq`, oldest first.
    pub fn changes_since(&self, seq: i64) -> Result<Vec<Change>> {
        let mut q = self.conn.prepare_cached(
            "SELECT ch.seq, ch.shop, c.conversation, ch.what FROM changes ch
             LEFT JOIN conversations c ON c.cid = ch.cid WHERE ch.seq > ?1 ORDER BY ch.seq",
        )?;
        let rows = q.query_map([seq], |r| {
            Ok(Change {
                seq: r.get(0)?,
                shop: r.get(1)?,
                conversation: r.get(2)?,
                what: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
