//! Lazada wire bodies → typed records, without panics on any input. Booleans and numbers
//! may arrive quoted (`"true"`, `"2"`).

use kedai_core::{Kind, Platform, Sender, Ts};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::tokens::Tokens;
use crate::value::*;
use crate::wire::{read_records, Conversation, Cursor, Page, WireMessage};

/// `{code ("0" = ok), request_id, data | token fields, type/message on error}` → `data`
/// (token calls answer at the top level: the whole object then).
pub fn parse_envelope(body: &[u8]) -> Result<Value> {
    let v = parse_object(body, "lazada envelope")?;
    let code = match v.get("code") {
        Some(Value::String(s)) => s.clone(),
        Some(n @ Value::Number(_)) => id(n).unwrap_or_default(),
        _ => return Err(Error::malformed("lazada envelope: no `code`")),
    };
    let message = str_of(&v, "message").unwrap_or_default().to_owned();
    if code != "0" {
        return Err(match code.as_str() {
            "IncompleteSignature" | "InvalidSignature" => Error::InvalidSignature,
            "IllegalAccessToken" | "InvalidAccessToken" | "AccessTokenExpired" => {
                Error::AuthExpired
            }
            "ApiCallLimit" | "AppCallLimit" | "SellerCallLimit" => {
                Error::RateLimited { retry_after: None }
            }
            _ => Error::Platform { code, message },
        });
    }
    // IM calls may report failure inside a `code: "0"` envelope
    if v.get("success").and_then(boolish) == Some(false) {
        return Err(Error::Platform {
            code: v
                .get("err_code")
                .and_then(id)
                .unwrap_or_else(|| "unsuccessful".into()),
            message: str_of(&v, "err_message").unwrap_or_default().to_owned(),
        });
    }
    Ok(match v.get("data") {
        Some(d) if !d.is_null() => d.clone(),
        _ => v,
    })
}

fn next_cursor(data: &Value, id_key: &str, ctx: &str) -> Result<Option<Cursor>> {
    if !data.get("has_more").and_then(boolish).unwrap_or(false) {
        return Ok(None);
    }
    let time = data
        .get("next_start_time")
        .and_then(int)
        .ok_or_else(|| Error::malformed(format!("{ctx}: `has_more` without `next_start_time`")))?;
    Ok(Some(Cursor::Time {
        time: time.to_string(),
        last_id: data.get(id_key).and_then(id),
    }))
}

/// `data {session_list[], has_more, next_start_time, last_session_id}`.
pub fn parse_sessions(data: &Value) -> Result<Page<Conversation>> {
    let ctx = "lazada sessions";
    let list = req_array(data, "session_list", ctx)?;
    let (items, rejected) = read_records(list, parse_session);
    Ok(Page {
        items,
        rejected,
        next: next_cursor(data, "last_session_id", ctx)?,
    })
}

/// One session record.
pub fn parse_session(s: &Value) -> Result<Conversation> {
    let ctx = "lazada session";
    require_object(s, ctx)?;
    let unread = count(s, "unread_count", ctx)?;
    let last_message_at = match opt(s, "last_message_time", int, ctx)?.filter(|ms| *ms > 0) {
        Some(ms) => Some(from_millis(ms, ctx)?),
        None => None,
    };
    Ok(Conversation {
        platform: Platform::Lazada,
        id: req_id(s, "session_id", ctx)?,
        buyer: req_num_id(s, "buyer_id", ctx)?,
        buyer_im_id: None,
        last_message_at,
        last_message_id: s.get("last_message_id").and_then(id),
        unread_count: unread,
        buyer_name: display_name(s.get("title")),
        buyer_avatar: https_url(s.get("head_url")),
    })
}

/// `data {message_list[], has_more, next_start_time, last_message_id}`.
pub fn parse_messages(data: &Value, session: &str) -> Result<Page<WireMessage>> {
    let ctx = "lazada messages";
    let list = req_array(data, "message_list", ctx)?;
    let (items, rejected) = read_records(list, |m| parse_message(m, session));
    Ok(Page {
        items,
        rejected,
        next: next_cursor(data, "last_message_id", ctx)?,
    })
}

/// One message; sender and kind per `WIRE.md`.
pub fn parse_message(m: &Value, session: &str) -> Result<WireMessage> {
    let ctx = "lazada message";
    require_object(m, ctx)?;
    let created = from_millis(req_int(m, "send_time", ctx)?, ctx)?;
    let mut w = WireMessage::blank(
        Platform::Lazada,
        req_id(m, "message_id", ctx)?,
        session.to_owned(),
        created,
    );
    w.sender_id = opt(m, "from_account_id", num_id, ctx)?;
    opt(m, "to_account_id", num_id, ctx)?;
    let account = opt(m, "from_account_type", int, ctx)?;
    let msg_type = opt(m, "type", int, ctx)?;
    w.sender = match account {
        _ if msg_type == Some(2) => Sender::System,
        Some(1) => Sender::Buyer,
        _ if flag(m, "broadcast") => Sender::Broadcast,
        Some(2) if flag(m, "auto_reply") => Sender::Auto,
        Some(2) => Sender::Agent,
        _ => Sender::System,
    };
    let template = opt(m, "template_id", int, ctx)?;
    w.wire_type = template.map(|t| t.to_string()).unwrap_or_default();
    w.raw_content = raw(m.get("content"));
    let content = embedded_object(m.get("content"));
    let field = |k: &str| content.as_ref().and_then(|c| text_of(c, k));
    let (kind, ok) = match template {
        Some(1) => {
            w.text = field("txt");
            (Kind::Text, w.text.is_some())
        }
        Some(3) => {
            w.image_url = field("imgUrl");
            (Kind::Image, w.image_url.is_some())
        }
        Some(4) => {
            w.text = field("txt");
            (Kind::Emoji, w.text.is_some())
        }
        Some(6) => {
            w.video_url = field("videoUrl");
            (Kind::Video, w.video_url.is_some())
        }
        Some(10006) => {
            w.product_id = field("itemId");
            (Kind::ProductCard, w.product_id.is_some())
        }
        Some(10007) => {
            w.order_id = field("orderId");
            (Kind::OrderCard, w.order_id.is_some())
        }
        _ => (Kind::Other, true),
    };
    w.set_kind(kind, ok);
    Ok(w)
}

/// `{access_token, refresh_token, expires_in (s), refresh_expires_in (s)}`, numbers maybe
/// quoted.
pub fn parse_tokens(v: &Value, now: Ts) -> Result<Tokens> {
    let access = req_str(v, "access_token", "lazada token")?;
    Ok(Tokens {
        access: access.into(),
        refresh: str_of(v, "refresh_token").unwrap_or_default().into(),
        access_expires_at: secs_after(v, "expires_in", now),
        refresh_expires_at: secs_after(v, "refresh_expires_in", now),
    })
}
