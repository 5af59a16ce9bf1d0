//! TikTok wire bodies → typed records. Every function takes any bytes or JSON without
//! panicking.

use kedai_core::{Kind, Platform, Sender};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::tokens::Tokens;
use crate::value::*;
use crate::wire::{read_records, Conversation, Cursor, Page, WireMessage};

/// `{code, message, request_id, data}` → `data`, or the typed error of `WIRE.md`.
pub fn parse_envelope(body: &[u8]) -> Result<Value> {
    let v = parse_object(body, "tiktok envelope")?;
    let code = v
        .get("code")
        .and_then(int)
        .ok_or_else(|| Error::malformed("tiktok envelope: no numeric `code`"))?;
    let message = str_of(&v, "message").unwrap_or_default().to_owned();
    match code {
        0 => Ok(match v.get("data") {
            None | Some(Value::Null) => Value::Object(Default::default()),
            Some(d) => d.clone(),
        }),
        106001 => Err(Error::InvalidSignature),
        105002 => Err(Error::AuthExpired),
        36009004 => Err(Error::RateLimited { retry_after: None }),
        _ => Err(Error::Platform {
            code: code.to_string(),
            message,
        }),
    }
}

fn next_cursor(data: &Value) -> Option<Cursor> {
    match str_of(data, "next_page_token") {
        Some(t) if !t.is_empty() => Some(Cursor::Token {
            token: t.to_owned(),
        }),
        _ => None,
    }
}

/// `data {conversations[], next_page_token}`.
pub fn parse_conversations(data: &Value) -> Result<Page<Conversation>> {
    let list = req_array(data, "conversations", "tiktok conversations")?;
    let (items, rejected) = read_records(list, parse_conversation);
    Ok(Page {
        items,
        rejected,
        next: next_cursor(data),
    })
}

/// One conversation record.
pub fn parse_conversation(c: &Value) -> Result<Conversation> {
    let ctx = "tiktok conversation";
    require_object(c, ctx)?;
    let conv_id = req_id(c, "id", ctx)?;
    let buyer = c
        .get("participants")
        .and_then(Value::as_array)
        .and_then(|ps| ps.iter().find(|p| str_of(p, "role") == Some("BUYER")))
        .ok_or_else(|| {
            Error::malformed(format!(
                "{ctx}: conversation {conv_id} has no BUYER participant"
            ))
        })?;
    opt(c, "create_time", int, ctx)?;
    let latest = c.get("latest_message").filter(|m| m.is_object());
    let last_message_at = match latest
        .map(|m| opt(m, "create_time", int, ctx))
        .transpose()?
        .flatten()
    {
        Some(s) => Some(from_secs(s, ctx)?),
        None => None,
    };
    let unread = count(c, "unread_count", ctx)?;
    Ok(Conversation {
        platform: Platform::Tiktok,
        buyer: req_id(buyer, "user_id", ctx)?,
        buyer_im_id: buyer.get("im_user_id").and_then(id),
        last_message_at,
        last_message_id: latest.and_then(|m| m.get("id")).and_then(id),
        unread_count: unread,
        buyer_name: display_name(buyer.get("nickname")),
        buyer_avatar: https_url(buyer.get("avatar")),
        id: conv_id,
    })
}

/// `data {messages[], next_page_token}`.
pub fn parse_messages(data: &Value, conversation: &str) -> Result<Page<WireMessage>> {
    let list = req_array(data, "messages", "tiktok messages")?;
    let (items, rejected) = read_records(list, |m| parse_message(m, conversation));
    Ok(Page {
        items,
        rejected,
        next: next_cursor(data),
    })
}

/// One message; sender and kind per `WIRE.md`.
pub fn parse_message(m: &Value, conversation: &str) -> Result<WireMessage> {
    let ctx = "tiktok message";
    require_object(m, ctx)?;
    let created = from_secs(req_int(m, "create_time", ctx)?, ctx)?;
    let mut w = WireMessage::blank(
        Platform::Tiktok,
        req_id(m, "id", ctx)?,
        conversation.to_owned(),
        created,
    );
    let ty = str_of(m, "type").unwrap_or_default().to_owned();
    let sender = m.get("sender");
    let role = sender.and_then(|s| str_of(s, "role")).unwrap_or_default();
    w.sender_id = sender.and_then(|s| s.get("im_user_id")).and_then(id);
    w.sender = match role {
        _ if ty == "NOTIFICATION" => Sender::System,
        "SYSTEM" => Sender::System,
        "BUYER" => Sender::Buyer,
        "ROBOT" => Sender::Bot,
        "SHOP" | "CUSTOMER_SERVICE" if flag(m, "broadcast") => Sender::Broadcast,
        "SHOP" | "CUSTOMER_SERVICE" if flag(m, "auto_reply") => Sender::Auto,
        "SHOP" | "CUSTOMER_SERVICE" => Sender::Agent,
        // an unknown role is nobody's inquiry and nobody's reply
        _ => Sender::System,
    };
    w.raw_content = raw(m.get("content"));
    let content = embedded_object(m.get("content"));
    let field = |k: &str| content.as_ref().and_then(|c| text_of(c, k));
    let (kind, ok) = match ty.as_str() {
        "TEXT" => {
            w.text = field("content");
            (Kind::Text, w.text.is_some())
        }
        "EMOTICONS" => {
            w.text = field("content");
            (Kind::Emoji, w.text.is_some())
        }
        "IMAGE" => {
            w.image_url = field("url");
            (Kind::Image, w.image_url.is_some())
        }
        "VIDEO" => {
            w.video_url = field("url");
            (Kind::Video, w.video_url.is_some())
        }
        "PRODUCT_CARD" => {
            w.product_id = field("product_id");
            (Kind::ProductCard, w.product_id.is_some())
        }
        "ORDER_CARD" => {
            w.order_id = field("order_id");
            (Kind::OrderCard, w.order_id.is_some())
        }
        _ => (Kind::Other, true),
    };
    w.set_kind(kind, ok);
    w.wire_type = ty;
    Ok(w)
}

/// Token responses: `data {access_token, access_token_expire_in (Unix s), refresh_token,
/// refresh_token_expire_in}`.
pub fn parse_tokens(data: &Value) -> Result<Tokens> {
    let ctx = "tiktok token";
    let access = req_str(data, "access_token", ctx)?;
    let at = |k: &str| {
        data.get(k)
            .and_then(int)
            .filter(|s| *s > 0)
            .map(|s| from_secs(s, ctx))
            .transpose()
    };
    Ok(Tokens {
        access: access.into(),
        refresh: str_of(data, "refresh_token").unwrap_or_default().into(),
        access_expires_at: at("access_token_expire_in")?,
        refresh_expires_at: at("refresh_token_expire_in")?,
    })
}
