//! Helpers the platform modules share over the world's data.

use kedai_core::Ts;
use serde_json::Value;

use crate::http::{ErrKind, Reply};
use crate::state::{ShopState, Sim, SimMsg, World};

/// A platform's error reply.
pub type ErrorReply = fn(&Sim, ErrKind, &str) -> Reply;

/// `f` on the shop a platform's check found, the check's rejection, or (an index gone stale)
/// the platform's `shop` not-found reply.
pub fn with_shop(
    sim: &Sim,
    w: &World,
    verified: Result<usize, Reply>,
    error: ErrorReply,
    f: impl FnOnce(&ShopState) -> Reply,
) -> Reply {
    match verified.map(|i| w.shops.get(i)) {
        Ok(Some(s)) => f(s),
        Ok(None) => error(sim, ErrKind::NotFound, "shop"),
        Err(r) => r,
    }
}

/// Under the write lock: the platform's check, then `f` on the shop it found at the
/// simulator's now.
pub fn mutate(
    sim: &Sim,
    verify: impl FnOnce(&World) -> Result<usize, Reply>,
    error: ErrorReply,
    f: impl FnOnce(&mut ShopState, Ts) -> Reply,
) -> Reply {
    let mut w = sim.write();
    let idx = match verify(&w) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let now = sim.clock.now();
    match w.shops.get_mut(idx) {
        Some(shop) => f(shop, now),
        None => error(sim, ErrKind::NotFound, "shop"),
    }
}

/// A page of messages kept in seq order: `asc` from just after `cursor`, else newest first
/// from just before it. Returns the page and whether more follow.
pub fn seq_page(
    messages: &[SimMsg],
    cursor: Option<u64>,
    asc: bool,
    size: usize,
) -> (Vec<&SimMsg>, bool) {
    if asc {
        let start = match cursor {
            Some(c) => messages.partition_point(|m| m.seq <= c),
            None => 0,
        };
        let rest = messages.get(start..).unwrap_or_default();
        (rest.iter().take(size).collect(), rest.len() > size)
    } else {
        let end = match cursor {
            Some(c) => messages.partition_point(|m| m.seq < c),
            None => messages.len(),
        };
        let rest = messages.get(..end).unwrap_or_default();
        (rest.iter().rev().take(size).collect(), rest.len() > size)
    }
}

/// A number that may arrive as a JSON number or a string.
pub fn num(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// An id that may arrive as a JSON string or number.
pub fn id_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => n.as_u64().map(|n| n.to_string()),
        _ => None,
    }
}

/// The conversation with `buyer`, opened (empty) when the buyer has ordered but never chatted.
pub fn conversation_for_buyer(shop: &mut ShopState, buyer: &str, now: Ts) -> Option<usize> {
    if let Some(&c) = shop.by_buyer.get(buyer) {
        return Some(c);
    }
    let known = shop
        .orders
        .iter()
        .find(|o| o.buyer.id == buyer)?
        .buyer
        .clone();
    Some(shop.open_conv(known, now))
}
