//! A shop's metrics kept current as facts change and `now` moves: the live header.
//!
//! Each conversation's share is in the totals as evaluated at some instant, with the
//! next instant it may change scheduled. Reading the metrics at a later `now` re-evaluates
//! only the conversations written since, or whose scheduled instant has come; an earlier
//! `now` re-evaluates everything. The result always equals [`super::compute`] at that `now`.

use std::collections::{BTreeSet, HashMap};
use std::hash::Hash;

use super::packed::Packed;
use super::{apply, finalize, next_change, Conv, Plan, ShopMetrics, Totals};
use crate::clock::{Item, Session};
use crate::model::{Order, Platform, Shop};
use crate::settings::ShopSettings;
use crate::time::Ts;

/// One conversation's facts as the metrics read them (see [`Conv`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveConv {
    pub conversation: String,
    pub buyer: String,
    pub items: Vec<Item>,
    pub sessions: Vec<Session>,
}

impl LiveConv {
    fn view(&self) -> Conv<'_> {
        Conv {
            conversation: &self.conversation,
            buyer: &self.buyer,
            items: &self.items,
            sessions: &self.sessions,
        }
    }
}

#[derive(Debug)]
struct Entry {
    /// Packed: a shop's window is held all day, and only the conversations being
    /// evaluated are unpacked.
    conv: Packed,
    /// The instant its share in the totals was evaluated at (None: not in the totals).
    evaluated: Option<Ts>,
    /// Its place in the schedule.
    next: Option<Ts>,
}

/// The live metrics of one shop, keyed by any conversation key (the store uses its row id).
#[derive(Debug)]
pub struct Live<K> {
    shop: Shop,
    settings: ShopSettings,
    /// When each order was placed: all the figures read of the orders besides `by_buyer`.
    placed: Vec<Ts>,
    by_buyer: HashMap<String, Vec<Ts>>,
    convs: HashMap<K, Entry>,
    totals: Totals,
    schedule: BTreeSet<(Ts, K)>,
    /// Conversations whose share is not in the totals.
    dirty: Vec<K>,
    /// The instant the totals hold.
    now: Option<Ts>,
}

fn orders_of<'o>(by_buyer: &'o HashMap<String, Vec<Ts>>, buyer: &str) -> &'o [Ts] {
    by_buyer.get(buyer).map_or(&[], |v| v)
}

impl<K: Hash + Eq + Ord + Clone> Live<K> {
    pub fn new(shop: Shop, settings: ShopSettings) -> Self {
        Live {
            shop,
            settings,
            placed: Vec::new(),
            by_buyer: HashMap::new(),
            convs: HashMap::new(),
            totals: Totals::default(),
            schedule: BTreeSet::new(),
            dirty: Vec::new(),
            now: None,
        }
    }

    pub fn shop(&self) -> &Shop {
        &self.shop
    }

    pub fn settings(&self) -> &ShopSettings {
        &self.settings
    }

    pub fn len(&self) -> usize {
        self.convs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.convs.is_empty()
    }

    /// Puts a conversation's facts in (new, or replacing what was there).
    pub fn upsert(&mut self, key: K, conv: LiveConv) {
        self.retract(std::slice::from_ref(&key));
        self.convs.insert(
            key.clone(),
            Entry {
                conv: Packed::pack(&conv),
                evaluated: None,
                next: None,
            },
        );
        self.dirty.push(key);
    }

    pub fn remove(&mut self, key: &K) {
        self.retract(std::slice::from_ref(key));
        self.convs.remove(key);
    }

    /// Replaces the shop's orders.
    pub fn set_orders(&mut self, orders: Vec<Order>) {
        // Only Lazada's conversion reads a buyer's orders: elsewhere `by_buyer` stays empty.
        let mut by_buyer: HashMap<String, Vec<Ts>> = HashMap::new();
        if self.shop.platform == Platform::Lazada {
            for o in &orders {
                by_buyer.entry(o.buyer.clone()).or_default().push(o.at);
            }
            // Re-evaluate the buyers whose orders changed.
            let changed: Vec<K> = self
                .convs
                .iter()
                .filter(|(_, e)| {
                    let buyer = e.conv.buyer();
                    by_buyer.get(buyer) != self.by_buyer.get(buyer)
                })
                .map(|(k, _)| k.clone())
                .collect();
            self.retract(&changed);
            self.dirty.extend(changed);
        }
        self.placed = orders.iter().map(|o| o.at).collect();
        self.by_buyer = by_buyer;
    }

    /// Takes the shares of `keys` out of the totals (they become dirty).
    fn retract(&mut self, keys: &[K]) {
        let mut plans: HashMap<Ts, Plan<'_>> = HashMap::new();
        for key in keys {
            let Some(entry) = self.convs.get_mut(key) else {
                continue;
            };
            if let Some(next) = entry.next.take() {
                self.schedule.remove(&(next, key.clone()));
            }
            let Some(at) = entry.evaluated.take() else {
                continue;
            };
            let plan = plans
                .entry(at)
                .or_insert_with(|| Plan::new(&self.shop, &self.settings, at));
            let conv = entry.conv.unpack();
            let view = conv.view();
            let orders = orders_of(&self.by_buyer, view.buyer);
            apply(plan, &view, orders, &mut self.totals, -1);
        }
    }

    /// The shop's metrics at `now`.
    pub fn metrics(&mut self, now: Ts) -> ShopMetrics {
        if self.now.is_none_or(|t| now < t) {
            // Back in time (or the first read): every share again.
            self.totals = Totals::default();
            self.schedule.clear();
            self.dirty.clear();
            for (k, e) in self.convs.iter_mut() {
                e.evaluated = None;
                e.next = None;
                self.dirty.push(k.clone());
            }
        } else {
            let due: Vec<K> = self
                .schedule
                .iter()
                .take_while(|(t, _)| *t <= now)
                .map(|(_, k)| k.clone())
                .collect();
            self.retract(&due);
            self.dirty.extend(due);
        }
        self.now = Some(now);
        let plan = Plan::new(&self.shop, &self.settings, now);
        for key in std::mem::take(&mut self.dirty) {
            let Some(entry) = self.convs.get_mut(&key) else {
                continue;
            };
            if entry.evaluated.is_some() {
                continue;
            }
            let conv = entry.conv.unpack();
            let view = conv.view();
            let orders = orders_of(&self.by_buyer, view.buyer);
            apply(&plan, &view, orders, &mut self.totals, 1);
            entry.evaluated = Some(now);
            entry.next = next_change(&plan, &view, orders);
            if let Some(next) = entry.next {
                self.schedule.insert((next, key));
            }
        }
        finalize(&plan, &self.totals, &self.placed)
    }
}
