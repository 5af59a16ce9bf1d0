//! Helpers the platform modules share over the world's data.

use kedai_core::Ts;
use serde_json::Value;

use crate::state::{ShopState, SimMsg};

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
