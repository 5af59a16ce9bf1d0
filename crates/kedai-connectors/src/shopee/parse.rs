//! Shopee wire bodies → typed records, without panics on any input.

use chrono::Duration as ChronoDuration;
use kedai_core::{Kind, Platform, Sender, Ts};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::tokens::Tokens;
use crate::value::*;
use crate::wire::{read_records, Conversation, Cursor, Page, WireMessage};

/// `{request_id, error ("" = ok), message, response}` → `response` (token calls answer at
/// the top level: the whole object then), or the typed error of `WIRE.md`.
pub fn parse_envelope(status: u16, body: &[u8]) -> Result<Value> {
    let v = parse_object(body, "shopee envelope")?;
    let error = str_of(&v, "error").unwrap_or_default();
    let message = str_of(&v, "message").unwrap_or_default();
    if error.is_empty() && (200..300).contains(&status) {
        return Ok(match v.get("response") {
            Some(r) if !r.is_null() => r.clone(),
            _ => v,
        });
    }
    Err(match error {
        "error_sign" => Error::InvalidSignature,
        "error_auth" | "error_permission" | "invalid_access_token" | "invalid_acceess_token" => {
            Error::AuthExpired
        }
        "error_too_many_request" => Error::RateLimited { retry_after: None },
        "" => Error::Platform {
            code: format!("http_{status}"),
            message: message.to_owned(),
        },
        code => Error::Platform {
            code: code.to_owned(),
            message: message.to_owned(),
        },
    })
}

/// `response {conversations[], page_result {next_cursor {next_message_time_nano,
/// conversation_id}, more}}`.
pub fn parse_conversations(resp: &Value) -> Result<Page<Conversation>> {
    let ctx = "shopee conversations";
    let list = req_array(resp, "conversations", ctx)?;
    let (items, rejected) = read_records(list, parse_conversation);
    let page = resp.get("page_result");
    let more = page
        .and_then(|p| p.get("more"))
        .and_then(boolish)
        .unwrap_or(false);
    let cursor = page.and_then(|p| p.get("next_cursor"));
    let time = cursor
        .and_then(|c| c.get("next_message_time_nano"))
        .and_then(id);
    let next = match (more, time) {
        (true, Some(time)) => Some(Cursor::Time {
            time,
            last_id: cursor.and_then(|c| c.get("conversation_id")).and_then(id),
        }),
        (true, None) => {
            return Err(Error::malformed(format!(
                "{ctx}: `more` without a next cursor"
            )))
        }
        (false, _) => None,
    };
    Ok(Page {
        items,
        rejected,
        next,
    })
}

/// One conversation record.
pub fn parse_conversation(c: &Value) -> Result<Conversation> {
    let ctx = "shopee conversation";
    require_object(c, ctx)?;
    let last_message_at = opt(c, "last_message_timestamp", int, ctx)?.and_then(from_nanos);
    let unread = count(c, "unread_count", ctx)?;
    opt(c, "shop_id", num_id, ctx)?;
    Ok(Conversation {
        platform: Platform::Shopee,
        id: req_num_id(c, "conversation_id", ctx)?,
        buyer: req_num_id(c, "to_id", ctx)?,
        buyer_im_id: None,
        last_message_at,
        last_message_id: c.get("latest_message_id").and_then(id),
        unread_count: unread,
        buyer_name: display_name(c.get("to_name")),
        buyer_avatar: https_url(c.get("to_avatar")),
    })
}

/// `response {messages[], page_result {next_offset}}`.
pub fn parse_messages(
    resp: &Value,
    conversation: &Conversation,
    shop_id: u64,
) -> Result<Page<WireMessage>> {
    let list = req_array(resp, "messages", "shopee messages")?;
    let (items, rejected) = read_records(list, |m| parse_message(m, conversation, shop_id));
    let next = resp
        .get("page_result")
        .and_then(|p| p.get("next_offset"))
        .and_then(id)
        .map(|token| Cursor::Token { token });
    Ok(Page {
        items,
        rejected,
        next,
    })
}

/// One message; the conversation gives the buyer (`to_id`), sender and kind per `WIRE.md`.
pub fn parse_message(m: &Value, conversation: &Conversation, shop_id: u64) -> Result<WireMessage> {
    let ctx = "shopee message";
    require_object(m, ctx)?;
    let created = from_secs(req_int(m, "created_timestamp", ctx)?, ctx)?;
    let mut w = WireMessage::blank(
        Platform::Shopee,
        req_id(m, "message_id", ctx)?,
        conversation.id.clone(),
        created,
    );
    let ty = str_of(m, "message_type").unwrap_or_default().to_owned();
    let from = opt(m, "from_id", num_id, ctx)?;
    let from_shop = opt(m, "from_shop_id", num_id, ctx)?;
    opt(m, "to_id", num_id, ctx)?;
    if let Some(c) = opt(m, "conversation_id", num_id, ctx)? {
        if c != conversation.id {
            return Err(Error::malformed(format!(
                "{ctx}: message of conversation {c} in {}",
                conversation.id
            )));
        }
    }
    w.sender_id = from.clone();
    w.sender = match str_of(m, "source") {
        _ if ty == "notification" || from.as_deref().is_none_or(|f| f == "0") => Sender::System,
        Some("auto_reply") => Sender::Auto,
        Some("faq_bot") => Sender::Bot,
        Some("broadcast") => Sender::Broadcast,
        _ if from.as_deref() == Some(conversation.buyer.as_str()) => Sender::Buyer,
        _ if from_shop.as_deref() == Some(shop_id.to_string().as_str()) => Sender::Agent,
        // neither the buyer nor the shop: nobody's inquiry, nobody's reply
        _ => Sender::System,
    };
    w.raw_content = raw(m.get("content"));
    let content = m.get("content").filter(|c| c.is_object());
    let field = |k: &str| content.and_then(|c| text_of(c, k));
    let (kind, ok) = match ty.as_str() {
        "text" => {
            w.text = field("text");
            (Kind::Text, w.text.is_some())
        }
        "image" => {
            w.image_url = field("url").or_else(|| field("image_url"));
            (Kind::Image, w.image_url.is_some())
        }
        "sticker" => {
            w.sticker_id = field("sticker_id");
            (Kind::Sticker, w.sticker_id.is_some())
        }
        "video" => {
            w.video_url = field("video_url").or_else(|| field("url"));
            (Kind::Video, w.video_url.is_some())
        }
        "item" => {
            w.product_id = field("item_id");
            (Kind::ProductCard, w.product_id.is_some())
        }
        "order" => {
            w.order_id = field("order_sn");
            (Kind::OrderCard, w.order_id.is_some())
        }
        "faq" => {
            w.faq_chat_with_agent = content
                .and_then(|c| c.get("chat_with_agent"))
                .and_then(boolish);
            (Kind::FaqPrompt, true)
        }
        _ => (Kind::Other, true),
    };
    w.set_kind(kind, ok);
    w.wire_type = ty;
    Ok(w)
}

/// `{access_token, refresh_token, expire_in (s from now)}` at the top level.
pub fn parse_tokens(v: &Value, now: Ts) -> Result<Tokens> {
    let access = req_str(v, "access_token", "shopee token")?;
    Ok(Tokens {
        access: access.into(),
        refresh: str_of(v, "refresh_token").unwrap_or_default().into(),
        access_expires_at: secs_after(v, "expire_in", now),
        // Shopee's refresh tokens live 30 days
        refresh_expires_at: Some(now + ChronoDuration::days(30)),
    })
}
