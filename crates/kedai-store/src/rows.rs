//! Conversions between the engine's types and SQLite values.

use kedai_core::time::{from_ms, to_ms};
use kedai_core::{Exclusion, Policy, Ts};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::StoreError;

/// `until` of an open-ended span, and `sort_deadline` of a conversation without one.
pub const FOREVER: i64 = i64::MAX;

pub fn ms(t: Ts) -> i64 {
    to_ms(t)
}

pub fn ms_opt(t: Option<Ts>) -> Option<i64> {
    t.map(to_ms)
}

pub fn ts(ms: i64) -> Ts {
    from_ms(ms)
}

pub fn ts_opt(ms: Option<i64>) -> Option<Ts> {
    ms.map(from_ms)
}

pub fn encode_instants(ts: &[Ts]) -> Vec<u8> {
    ts.iter().flat_map(|t| to_ms(*t).to_le_bytes()).collect()
}

pub fn decode_instants(bytes: &[u8]) -> Vec<Ts> {
    bytes
        .chunks_exact(8)
        .map(|c| from_ms(i64::from_le_bytes(c.try_into().expect("8 bytes"))))
        .collect()
}

/// Reads an enum stored by its serde name.
pub fn parse_name<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown value `{s}`")))
}

/// The serde name of an enum value.
pub fn name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("not a unit enum: {other:?}"),
    }
}

/// A policy as a column value.
pub struct PolicyCol(pub Policy);

impl ToSql for PolicyCol {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.as_str()))
    }
}

impl FromSql for PolicyCol {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = v.as_str()?;
        Policy::parse(s)
            .map(PolicyCol)
            .ok_or_else(|| FromSqlError::Other(format!("unknown policy `{s}`").into()))
    }
}

pub struct ExclusionCol(pub Exclusion);

impl FromSql for ExclusionCol {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        let s = v.as_str()?;
        Exclusion::parse(s)
            .map(ExclusionCol)
            .ok_or_else(|| FromSqlError::Other(format!("unknown exclusion `{s}`").into()))
    }
}

/// The columns [`message_of`] reads, in its order.
pub const MESSAGE_COLUMNS: &str =
    "id, at, sender, kind, text, agent, faq_chat_with_agent, platform_handled";

/// A stored message from a row of [`MESSAGE_COLUMNS`] (the conversation's identity given).
pub fn message_of(
    r: &rusqlite::Row<'_>,
    shop: &str,
    conversation: &str,
    buyer: &str,
) -> Result<kedai_core::model::Message, StoreError> {
    Ok(kedai_core::model::Message {
        shop: shop.to_owned(),
        conversation: conversation.to_owned(),
        id: r.get(0)?,
        at: ts(r.get(1)?),
        from: parse_name(&r.get::<_, String>(2)?)?,
        buyer: buyer.to_owned(),
        kind: parse_name(&r.get::<_, String>(3)?)?,
        text: r.get(4)?,
        agent: r.get(5)?,
        faq_chat_with_agent: r.get(6)?,
        platform_handled: r.get(7)?,
    })
}
