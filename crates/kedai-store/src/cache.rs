//! The metric windows in memory. The header shows a shop's metrics live and refreshes them
//! after every write; rather than read the shop's whole window back from SQLite and
//! recompute §5 over it each time, the store keeps each live shop's window as a
//! [`Live`] (core), which a write patches with the conversations it recomputed and which
//! re-evaluates only the conversations whose share of the figures can have changed.

use std::collections::{BTreeSet, HashMap};

use kedai_core::metrics::{self, Live, LiveConv, HORIZON};
use kedai_core::model::{Order, Shop};
use kedai_core::{ShopMetrics, ShopSettings, Ts};
use rusqlite::{params, Connection};

use crate::derive::Recomputed;
use crate::read::{self, ITEM_COLUMNS, SESSION_COLUMNS};
use crate::rows::ms;
use crate::write::Touched;
use crate::{Result, Store};

/// A write touching more conversations of a cached shop than this drops the shop's window
/// (it is read again on the next call) instead of patching it.
const PATCH_LIMIT: usize = 2_000;

/// The facts that the metrics of a shop at any `now >= from + HORIZON` read.
#[derive(Debug, Default)]
pub(crate) struct Window {
    pub convs: HashMap<i64, LiveConv>,
    pub orders: Vec<Order>,
}

impl Window {
    /// Reads the items opened, sessions started and orders placed from `from` on, of the
    /// whole shop or of `cids` only.
    pub fn load(conn: &Connection, shop: &str, from: Ts, cids: Option<&[i64]>) -> Result<Window> {
        let mut w = Window::default();
        each_conv(conn, shop, from, cids, |cid, conv| {
            w.convs.insert(cid, conv);
        })?;
        if cids.is_none() {
            w.orders = read::orders_from(conn, shop, from)?;
        }
        Ok(w)
    }

    pub fn compute(&self, shop: &Shop, settings: &ShopSettings, now: Ts) -> ShopMetrics {
        let convs = self.convs.values().map(|c| metrics::Conv {
            conversation: &c.conversation,
            buyer: &c.buyer,
            items: &c.items,
            sessions: &c.sessions,
        });
        metrics::compute(shop, settings, convs, &self.orders, now)
    }
}

/// Calls `each` with the items opened and sessions started from `from` on of every
/// conversation of the shop (or of `cids`), one conversation at a time: the two ordered
/// reads are merged, so a caller that packs them never holds a whole shop unpacked.
fn each_conv(
    conn: &Connection,
    shop: &str,
    from: Ts,
    cids: Option<&[i64]>,
    mut each: impl FnMut(i64, LiveConv),
) -> Result<()> {
    let by_cid = cids.is_some();
    let scope = if by_cid { "i.cid = ?1" } else { "i.shop = ?1" };
    let mut q = conn.prepare_cached(&format!(
        "SELECT i.cid, {ITEM_COLUMNS} FROM items i JOIN conversations c USING (cid)
         WHERE {scope} AND i.opened_at >= ?2 ORDER BY i.cid, i.seq"
    ))?;
    let scope = if by_cid { "s.cid = ?1" } else { "s.shop = ?1" };
    let mut sq = conn.prepare_cached(&format!(
        "SELECT s.cid, c.conversation, c.buyer, {SESSION_COLUMNS} FROM sessions s
         JOIN conversations c USING (cid)
         WHERE {scope} AND s.started_at >= ?2 ORDER BY s.cid, s.idx"
    ))?;
    let keys: Vec<rusqlite::types::Value> = match cids {
        Some(cids) => cids.iter().map(|c| (*c).into()).collect(),
        None => vec![shop.to_owned().into()],
    };
    for key in &keys {
        let mut items = Ahead::new(q.query(params![key, ms(from)])?, |r| {
            Ok(read::item_from_row(r, 1)?)
        })?;
        let mut sessions = Ahead::new(sq.query(params![key, ms(from)])?, |r| {
            read::session_from_row(r, 3)
        })?;
        loop {
            let cid = match (items.cid(), sessions.cid()) {
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => break,
            };
            let mut conv = LiveConv::default();
            conv.items = items.take(cid, &mut conv)?;
            conv.sessions = sessions.take(cid, &mut conv)?;
            each(cid, conv);
        }
    }
    Ok(())
}

/// One of `each_conv`'s ordered reads, a row ahead: rows start with the conversation's
/// cid, id and buyer.
struct Ahead<'s, T> {
    rows: rusqlite::Rows<'s>,
    read: fn(&rusqlite::Row<'_>) -> Result<T>,
    next: Option<(i64, String, String, T)>,
}

impl<'s, T> Ahead<'s, T> {
    fn new(rows: rusqlite::Rows<'s>, read: fn(&rusqlite::Row<'_>) -> Result<T>) -> Result<Self> {
        let mut ahead = Ahead {
            rows,
            read,
            next: None,
        };
        ahead.advance()?;
        Ok(ahead)
    }

    fn advance(&mut self) -> Result<()> {
        self.next = match self.rows.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?, (self.read)(r)?)),
            None => None,
        };
        Ok(())
    }

    /// The conversation of the next row.
    fn cid(&self) -> Option<i64> {
        self.next.as_ref().map(|n| n.0)
    }

    /// The rows of conversation `cid`, naming it in `conv` if it is not yet named.
    fn take(&mut self, cid: i64, conv: &mut LiveConv) -> Result<Vec<T>> {
        let mut out = Vec::new();
        while let Some((_, conversation, buyer, value)) = self.next.take_if(|n| n.0 == cid) {
            if conv.conversation.is_empty() {
                (conv.conversation, conv.buyer) = (conversation, buyer);
            }
            out.push(value);
            self.advance()?;
        }
        Ok(out)
    }
}

/// A live shop: the window's start and its conversations' shares.
#[derive(Debug)]
struct Cached {
    from: Ts,
    live: Live<i64>,
}

#[derive(Debug, Default)]
pub(crate) struct MetricsCache {
    shops: HashMap<String, Cached>,
}

impl Store {
    /// The metrics of a shop at a live `now`, from its cached window (read on first use,
    /// and again once `now` has moved a horizon past it).
    pub(crate) fn cached_metrics(&self, shop_id: &str, now: Ts) -> Result<ShopMetrics> {
        let mut cache = self.cache.borrow_mut();
        let stale = cache.shops.get(shop_id).is_none_or(|c| {
            // Too old for `now`, or so old that it holds a horizon of items no metric reads.
            c.from > now - HORIZON || c.from < now - HORIZON - HORIZON
        });
        if stale {
            let (shop, settings) = self.shop(shop_id)?;
            let from = now - HORIZON;
            // Straight into the live window (packed), one conversation at a time.
            let mut live = Live::new(shop, settings);
            each_conv(&self.conn, shop_id, from, None, |cid, conv| {
                live.upsert(cid, conv);
            })?;
            live.set_orders(read::orders_from(&self.conn, shop_id, from)?);
            // The load read the shop's items and sessions through the page cache once; the
            // header and the inbox never read those pages again. Give them back.
            self.conn.execute_batch("PRAGMA shrink_memory")?;
            cache
                .shops
                .insert(shop_id.to_owned(), Cached { from, live });
        }
        let cached = cache.shops.get_mut(shop_id).expect("cached above");
        Ok(cached.live.metrics(now))
    }

    /// Brings the cached windows up to date after a committed write.
    pub(crate) fn after_write(&self, touched: &Touched, recomputed: &Recomputed) -> Result<()> {
        let mut cache = self.cache.borrow_mut();
        let orders: BTreeSet<&String> = touched.orders.iter().collect();
        for shop in &touched.whole_shops {
            cache.shops.remove(shop);
        }
        for (shop, cids) in recomputed {
            if cids.len() > PATCH_LIMIT {
                cache.shops.remove(shop);
            }
        }
        for (shop, cached) in cache.shops.iter_mut() {
            if let Some(cids) = recomputed.get(shop) {
                let mut fresh = Window::load(&self.conn, shop, cached.from, Some(cids))?;
                for cid in cids {
                    match fresh.convs.remove(cid) {
                        Some(conv) => cached.live.upsert(*cid, conv),
                        None => cached.live.remove(cid),
                    }
                }
            }
            if orders.contains(shop) {
                let orders = read::orders_from(&self.conn, shop, cached.from)?;
                cached.live.set_orders(orders);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use kedai_core::time::parse_instant;

    use super::*;

    const SAMPLE: &str = include_str!("../../../samples/sample-events.jsonl");

    /// The cached windows (packed, patched by every write, re-evaluated as `now` moves)
    /// give what a fresh read of the store gives, message after message.
    #[test]
    fn the_live_windows_equal_a_fresh_read_as_messages_arrive_and_time_moves() {
        let lines: Vec<&str> = SAMPLE.lines().collect();
        let (head, tail) = lines.split_at(lines.len() - 150);
        let mut s = Store::open_in_memory().unwrap();
        s.import_log(&head.join("\n"), false).unwrap();
        let shops = ["tt-my", "sp-ph", "lz-my"];
        let fresh = |s: &Store, shop: &str, now: Ts| {
            let (sh, settings) = s.shop(shop).unwrap();
            Window::load(&s.conn, shop, now - HORIZON, None)
                .unwrap()
                .compute(&sh, &settings, now)
        };
        let mut checked = 0;
        for (i, line) in tail.iter().enumerate() {
            s.import_log(line, false).unwrap();
            let at: serde_json::Value = serde_json::from_str(line).unwrap();
            let at = parse_instant(at["at"].as_str().unwrap()).unwrap();
            // At the message, and (every tenth) hours later, when deadlines have passed.
            let mut instants = vec![at];
            if i % 10 == 0 {
                instants.push(at + chrono::Duration::hours(13));
            }
            for now in instants {
                for shop in shops {
                    if !s.is_live(Some(shop), now).unwrap() {
                        continue;
                    }
                    assert_eq!(
                        s.metrics(shop, now).unwrap(),
                        fresh(&s, shop, now),
                        "{shop} at {now}, after line {i} of the tail"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked} live reads compared");
    }
}
