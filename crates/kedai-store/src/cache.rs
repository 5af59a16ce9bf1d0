//! The metric windows in memory. The header shows a shop's metrics live and refreshes them
//! after every write; rather than read the shop's whole window back from SQLite each time,
//! the store keeps the derived items, sessions and orders of the window of each shop read
//! live, and a write replaces only the conversations it recomputed.

use std::collections::{BTreeSet, HashMap};

use kedai_core::clock::{Item, Session};
use kedai_core::metrics::{self, HORIZON};
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
    pub from: Ts,
    pub items: HashMap<i64, Vec<Item>>,
    pub sessions: HashMap<i64, Vec<Session>>,
    pub orders: Vec<Order>,
}

impl Window {
    /// Reads the items opened, sessions started and orders placed from `from` on, of the
    /// whole shop or of `cids` only.
    pub fn load(conn: &Connection, shop: &str, from: Ts, cids: Option<&[i64]>) -> Result<Window> {
        let mut w = Window {
            from,
            ..Default::default()
        };
        let by_cid = cids.is_some();
        let scope = if by_cid { "i.cid = ?1" } else { "i.shop = ?1" };
        let mut q = conn.prepare_cached(&format!(
            "SELECT i.cid, {ITEM_COLUMNS} FROM items i JOIN conversations c USING (cid)
             WHERE {scope} AND i.opened_at >= ?2 ORDER BY i.cid, i.seq"
        ))?;
        let scope = if by_cid { "s.cid = ?1" } else { "s.shop = ?1" };
        let mut sq = conn.prepare_cached(&format!(
            "SELECT s.cid, c.conversation, {SESSION_COLUMNS} FROM sessions s
             JOIN conversations c USING (cid)
             WHERE {scope} AND s.started_at >= ?2 ORDER BY s.cid, s.idx"
        ))?;
        let keys: Vec<rusqlite::types::Value> = match cids {
            Some(cids) => cids.iter().map(|c| (*c).into()).collect(),
            None => vec![shop.to_owned().into()],
        };
        for key in &keys {
            let mut rows = q.query(params![key, ms(from)])?;
            while let Some(r) = rows.next()? {
                let cid: i64 = r.get(0)?;
                w.items
                    .entry(cid)
                    .or_default()
                    .push(read::item_from_row(r, 1)?);
            }
            let mut rows = sq.query(params![key, ms(from)])?;
            while let Some(r) = rows.next()? {
                let cid: i64 = r.get(0)?;
                let s = read::session_from_row(r.get(1)?, r, 2)?;
                w.sessions.entry(cid).or_default().push(s);
            }
        }
        if !by_cid {
            w.orders = read::orders_from(conn, shop, from)?;
        }
        Ok(w)
    }

    pub fn compute(&self, shop: &Shop, settings: &ShopSettings, now: Ts) -> ShopMetrics {
        metrics::compute_over(
            shop,
            settings,
            self.items.values().flatten(),
            self.sessions.values().flatten(),
            &self.orders,
            now,
        )
    }
}

#[derive(Debug, Default)]
pub(crate) struct MetricsCache {
    shops: HashMap<String, (Shop, ShopSettings, Window)>,
}

impl Store {
    /// The metrics of a shop at a live `now`, from its cached window (read on first use,
    /// and again once `now` has moved a horizon past it).
    pub(crate) fn cached_metrics(&self, shop_id: &str, now: Ts) -> Result<ShopMetrics> {
        let mut cache = self.cache.borrow_mut();
        let stale = cache.shops.get(shop_id).is_none_or(|(_, _, w)| {
            // Too old for `now`, or so old that it holds a horizon of items no metric reads.
            w.from > now - HORIZON || w.from < now - HORIZON - HORIZON
        });
        if stale {
            let (shop, settings) = self.shop(shop_id)?;
            let window = Window::load(&self.conn, shop_id, now - HORIZON, None)?;
            cache
                .shops
                .insert(shop_id.to_owned(), (shop, settings, window));
        }
        let (shop, settings, window) = &cache.shops[shop_id];
        Ok(window.compute(shop, settings, now))
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
        for (shop, (_, _, window)) in cache.shops.iter_mut() {
            if let Some(cids) = recomputed.get(shop) {
                let fresh = Window::load(&self.conn, shop, window.from, Some(cids))?;
                for cid in cids {
                    window.items.remove(cid);
                    window.sessions.remove(cid);
                }
                window.items.extend(fresh.items);
                window.sessions.extend(fresh.sessions);
            }
            if orders.contains(shop) {
                window.orders = read::orders_from(&self.conn, shop, window.from)?;
            }
        }
        Ok(())
    }
}
