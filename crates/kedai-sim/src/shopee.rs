//! Shopee Open Platform v2: sellerchat, account health performance, auth.

use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use kedai_core::{Sender, Ts};
use serde_json::{json, Value};

use crate::common::{self, id_string, num};
use crate::http::{decode_cursor, encode_cursor, fresh, page_size, ErrKind, Mode, Reply, Req};
use crate::state::{Conv, Credentials, Payload, ShopState, Sim, SimMsg, World};

pub fn error(sim: &Sim, kind: ErrKind, msg: &str) -> Reply {
    let (status, error, message) = match kind {
        ErrKind::Sign => (
            StatusCode::FORBIDDEN,
            "error_sign",
            "Wrong sign.".to_owned(),
        ),
        ErrKind::Auth => (
            StatusCode::FORBIDDEN,
            "error_auth",
            "Invalid access_token.".to_owned(),
        ),
        ErrKind::RateLimit => (
            StatusCode::TOO_MANY_REQUESTS,
            "error_too_many_request",
            "Too many requests.".to_owned(),
        ),
        ErrKind::Param | ErrKind::NotFound => {
            (StatusCode::BAD_REQUEST, "error_param", msg.to_owned())
        }
    };
    Reply::json(
        status,
        json!({"request_id": sim.request_id(), "error": error, "message": message}),
    )
}

fn ok(sim: &Sim, response: Value) -> Reply {
    Reply::ok(
        json!({"request_id": sim.request_id(), "error": "", "message": "", "response": response}),
    )
}

pub fn handle(sim: &Sim, req: &Req, mode: Mode) -> Reply {
    let get = req.method == Method::GET;
    let post = req.method == Method::POST;
    match req.path.trim_end_matches('/') {
        "/api/v2/sellerchat/get_conversation_list" if get => {
            let w = sim.read();
            with_shop(sim, &w, req, |s| conversations(sim, s, req, mode))
        }
        "/api/v2/sellerchat/get_message" if get => {
            let w = sim.read();
            with_shop(sim, &w, req, |s| messages(sim, s, req, mode))
        }
        "/api/v2/sellerchat/get_unread_conversation_count" if get => {
            let w = sim.read();
            with_shop(sim, &w, req, |s| {
                let n = s.convs.iter().filter(|c| c.unread > 0).count();
                ok(sim, json!({"total_unread_count": n}))
            })
        }
        "/api/v2/account_health/get_shop_performance" if get => {
            let w = sim.read();
            with_shop(sim, &w, req, |s| performance(sim, &w, s))
        }
        "/api/v2/sellerchat/send_message" if post => mutate(sim, req, send),
        "/api/v2/sellerchat/read_conversation" if post => mutate(sim, req, read),
        "/api/v2/auth/token/get" if post => token(sim, req, false),
        "/api/v2/auth/access_token/get" if post => token(sim, req, true),
        "/api/v2/shop/auth_partner" if get => auth_partner(sim, req),
        _ => error(
            sim,
            ErrKind::NotFound,
            &format!("no API at {} {}", req.method, req.path),
        ),
    }
}

fn mutate(sim: &Sim, req: &Req, f: fn(&Sim, &mut ShopState, &Req, Ts) -> Reply) -> Reply {
    common::mutate(
        sim,
        |w| verify(sim, w, req, true),
        error,
        |shop, now| f(sim, shop, req, now),
    )
}

fn with_shop(sim: &Sim, w: &World, req: &Req, f: impl FnOnce(&ShopState) -> Reply) -> Reply {
    common::with_shop(sim, w, verify(sim, w, req, true), error, f)
}

/// Partner, timestamp, signature, then (for shop APIs) shop and token.
fn verify(sim: &Sim, w: &World, req: &Req, shop_api: bool) -> Result<usize, Reply> {
    let pid = req.param("partner_id").and_then(|p| p.parse::<u64>().ok());
    let found = w.shops.iter().position(|s| {
        matches!(&s.credentials, Credentials::Shopee { partner_id, .. } if Some(*partner_id) == pid)
    });
    let (Some(idx), Some(pid)) = (found, pid) else {
        return Err(error(sim, ErrKind::Param, "partner_id"));
    };
    let shop = &w.shops[idx];
    let Credentials::Shopee {
        partner_key,
        shop_id,
        access_token,
        ..
    } = &shop.credentials
    else {
        return Err(error(sim, ErrKind::Param, "partner_id"));
    };
    let Some(ts) = req
        .param("timestamp")
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|t| fresh(*t))
    else {
        return Err(error(
            sim,
            ErrKind::Param,
            "timestamp is missing or expired",
        ));
    };
    let (token, sid) = if shop_api {
        let sid = req.param("shop_id").and_then(|s| s.parse::<u64>().ok());
        (req.param("access_token").unwrap_or_default(), sid)
    } else {
        ("", None)
    };
    if shop_api && sid.is_none() {
        return Err(error(sim, ErrKind::Param, "shop_id"));
    }
    let expected = crate::sign::sign_shopee(partner_key, pid, &req.path, ts, token, sid);
    if req.param("sign") != Some(expected.as_str()) {
        return Err(error(sim, ErrKind::Sign, "sign"));
    }
    if shop_api {
        if sid != Some(*shop_id) {
            return Err(error(sim, ErrKind::Param, "shop_id"));
        }
        if token != access_token || shop.access_expires <= Utc::now() {
            return Err(error(sim, ErrKind::Auth, "token"));
        }
    }
    Ok(idx)
}

fn n64(s: &str) -> Value {
    match s.parse::<u64>() {
        Ok(n) => json!(n),
        Err(_) => json!(s),
    }
}

fn content_of(p: &Payload) -> (&'static str, Value) {
    match p {
        Payload::Text(t) | Payload::Emoji(t) => ("text", json!({"text": t})),
        Payload::Sticker { id, package } => (
            "sticker",
            json!({"sticker_id": id, "sticker_package_id": package}),
        ),
        Payload::Image { url, width, height } => (
            "image",
            json!({"url": url, "thumb_url": url, "thumb_width": width, "thumb_height": height}),
        ),
        Payload::Video { url, duration } => (
            "video",
            json!({"video_url": url, "thumb_url": url, "duration_seconds": duration}),
        ),
        Payload::Product(id) => ("item", json!({"item_id": n64(id)})),
        Payload::Order(sn) => ("order", json!({"order_sn": sn})),
        Payload::Faq(b) => ("faq", json!({"chat_with_agent": b})),
        Payload::Voucher(id) => ("voucher", json!({"voucher_id": n64(id)})),
    }
}

fn shop_ids(shop: &ShopState) -> (u64, u64) {
    let sid = match &shop.credentials {
        Credentials::Shopee { shop_id, .. } => *shop_id,
        _ => 0,
    };
    (sid, shop.user_id.parse().unwrap_or(0))
}

pub fn message_json(shop: &ShopState, conv: &Conv, m: &SimMsg) -> Value {
    let (sid, uid) = shop_ids(shop);
    let buyer = n64(&conv.buyer.id);
    let (ty, content) = content_of(&m.payload);
    let (from_id, from_shop, to_id, to_shop) = match m.from {
        Sender::Buyer => (buyer.clone(), json!(0), json!(uid), json!(sid)),
        Sender::System => (json!(0), json!(0), buyer.clone(), json!(0)),
        _ => (json!(uid), json!(sid), buyer.clone(), json!(0)),
    };
    let source = match m.from {
        Sender::Agent if m.seq.is_multiple_of(2) => Some("chat"),
        Sender::Auto => Some("auto_reply"),
        Sender::Bot => Some("faq_bot"),
        Sender::Broadcast => Some("broadcast"),
        _ => None,
    };
    let mut v = json!({
        "message_id": m.id,
        "message_type": ty,
        "from_id": from_id,
        "from_shop_id": from_shop,
        "to_id": to_id,
        "to_shop_id": to_shop,
        "conversation_id": n64(&conv.id),
        "created_timestamp": m.at.timestamp(),
        "content": content,
        "message_option": 0,
        "source_content": {},
    });
    if let Some(s) = source {
        v["source"] = json!(s);
    }
    v
}

/// Nanoseconds of the last message, plus the ordinal so that no two conversations tie.
fn cursor_nanos(c: &Conv) -> Option<u64> {
    let secs = u64::try_from(c.last_at()?.timestamp()).ok()?;
    secs.checked_mul(1_000_000_000)?
        .checked_add(c.ordinal % 1_000_000_000)
}

fn conversation_json(shop: &ShopState, c: &Conv, nanos: u64) -> Value {
    let (sid, _) = shop_ids(shop);
    let last = c.last();
    let (ty, content) = last
        .map(|m| content_of(&m.payload))
        .unwrap_or(("text", json!({})));
    let last_read = c
        .messages
        .iter()
        .rev()
        .nth(c.unread as usize)
        .map(|m| m.id.clone())
        .unwrap_or_default();
    json!({
        "conversation_id": n64(&c.id),
        "to_id": n64(&c.buyer.id),
        "to_name": c.buyer.name,
        "to_avatar": format!("https://cf.shopee.sg/file/avatar-{}", c.buyer.id),
        "shop_id": sid,
        "unread_count": c.unread,
        "pinned": c.pinned,
        "last_read_message_id": last_read,
        "latest_message_id": last.map(|m| m.id.clone()),
        "latest_message_type": ty,
        "latest_message_content": content,
        "latest_message_from_id": last.map(|m| match m.from {
            Sender::Buyer => n64(&c.buyer.id),
            Sender::System => json!(0),
            _ => n64(&shop.user_id),
        }),
        "last_message_timestamp": nanos,
        "last_message_option": 0,
    })
}

fn conversations(sim: &Sim, shop: &ShopState, req: &Req, mode: Mode) -> Reply {
    let size = match page_size(req.param("page_size"), 25, 60) {
        Ok(n) => n,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let older = match req.param("direction") {
        None | Some("") | Some("older") => true,
        Some("latest") => false,
        Some(_) => return error(sim, ErrKind::Param, "direction must be latest or older"),
    };
    let filter = req.param("type").unwrap_or("all");
    if !matches!(filter, "all" | "pinned" | "unread") {
        return error(sim, ErrKind::Param, "type must be all, pinned or unread");
    }
    let raw = req.param("next_timestamp_nano").filter(|s| !s.is_empty());
    let cursor = match raw.map(str::parse::<u64>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => return error(sim, ErrKind::Param, "next_timestamp_nano"),
    };
    let mut keyed: Vec<(u64, &Conv)> = shop
        .convs
        .iter()
        .filter(|c| match filter {
            "pinned" => c.pinned,
            "unread" => c.unread > 0,
            _ => true,
        })
        .filter_map(|c| cursor_nanos(c).map(|n| (n, c)))
        .filter(|(n, _)| match (older, cursor) {
            (true, Some(cur)) => *n < cur,
            (false, Some(cur)) => *n > cur,
            _ => true,
        })
        .collect();
    if older {
        keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
    } else {
        keyed.sort_by_key(|k| k.0);
    }
    let more = keyed.len() > size;
    keyed.truncate(size);
    let (next_nano, next_conv) = match (mode, keyed.last()) {
        (Mode::Duplicate, _) => {
            let now = u64::try_from(sim.clock.now().timestamp() + 1).unwrap_or(0);
            let echo = cursor.unwrap_or(if older {
                now.saturating_mul(1_000_000_000)
            } else {
                0
            });
            (echo.to_string(), String::new())
        }
        (_, Some((n, c))) => (n.to_string(), c.id.clone()),
        (_, None) => (
            cursor.map(|c| c.to_string()).unwrap_or_default(),
            String::new(),
        ),
    };
    let more = more || mode == Mode::Duplicate;
    let mut items: Vec<Value> = keyed
        .iter()
        .map(|(n, c)| conversation_json(shop, c, *n))
        .collect();
    if mode == Mode::Reorder {
        sim.faults.shuffle(&mut items);
    }
    ok(
        sim,
        json!({"conversations": items, "page_result": {
            "next_cursor": {"next_message_time_nano": next_nano, "conversation_id": next_conv},
            "more": more,
        }}),
    )
}

fn messages(sim: &Sim, shop: &ShopState, req: &Req, mode: Mode) -> Reply {
    let size = match page_size(req.param("page_size"), 25, 50) {
        Ok(n) => n,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let id = req.param("conversation_id").unwrap_or_default();
    let Some(conv) = shop.by_id.get(id).and_then(|&i| shop.convs.get(i)) else {
        return error(sim, ErrKind::NotFound, "conversation_id not found");
    };
    let offset = req.param("offset").unwrap_or_default();
    let cursor = if offset.is_empty() {
        None
    } else {
        match decode_cursor(offset).as_deref() {
            Some([s]) if s == "s" => None,
            Some([n]) => match n.parse::<u64>() {
                Ok(n) => Some(n),
                Err(_) => return error(sim, ErrKind::Param, "offset"),
            },
            _ => return error(sim, ErrKind::Param, "offset"),
        }
    };
    let (page, more) = common::seq_page(&conv.messages, cursor, false, size);
    let next = match (mode, page.last()) {
        (Mode::Duplicate, _) if offset.is_empty() => encode_cursor(&["s"]),
        (Mode::Duplicate, _) => offset.to_owned(),
        (_, Some(m)) if more => encode_cursor(&[&m.seq.to_string()]),
        _ => String::new(),
    };
    let mut items: Vec<Value> = page.iter().map(|m| message_json(shop, conv, m)).collect();
    if mode == Mode::Reorder {
        sim.faults.shuffle(&mut items);
    }
    ok(
        sim,
        json!({"messages": items, "page_result": {"page_size": size, "next_offset": next}}),
    )
}

fn send(sim: &Sim, shop: &mut ShopState, req: &Req, now: Ts) -> Reply {
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let Some(to) = body.get("to_id").and_then(id_string) else {
        return error(sim, ErrKind::Param, "to_id");
    };
    let content = body.get("content").cloned().unwrap_or(Value::Null);
    let str_of = |k: &str| content.get(k).and_then(id_string);
    let payload = match body.get("message_type").and_then(Value::as_str) {
        Some("text") => match content.get("text").and_then(Value::as_str) {
            Some(t) if !t.is_empty() => Payload::Text(t.to_owned()),
            _ => return error(sim, ErrKind::Param, "content.text"),
        },
        Some("sticker") => match (str_of("sticker_id"), str_of("sticker_package_id")) {
            (Some(id), Some(package)) => Payload::Sticker { id, package },
            _ => return error(sim, ErrKind::Param, "content.sticker_id"),
        },
        Some("image") => match str_of("image_url").or_else(|| str_of("url")) {
            Some(url) => Payload::Image {
                url,
                width: 800,
                height: 800,
            },
            None => return error(sim, ErrKind::Param, "content.image_url"),
        },
        Some("item") => match str_of("item_id") {
            Some(id) => Payload::Product(id),
            None => return error(sim, ErrKind::Param, "content.item_id"),
        },
        Some("order") => match str_of("order_sn") {
            Some(sn) => Payload::Order(sn),
            None => return error(sim, ErrKind::Param, "content.order_sn"),
        },
        _ => return error(sim, ErrKind::Param, "message_type"),
    };
    let Some(c) = common::conversation_for_buyer(shop, &to, now) else {
        return error(sim, ErrKind::Param, "to_id is not a buyer of this shop");
    };
    let Some(m) = shop.push(c, now, Sender::Agent, payload) else {
        return error(sim, ErrKind::NotFound, "conversation");
    };
    let (ty, content) = shop
        .convs
        .get(c)
        .and_then(|conv| conv.last())
        .map(|last| content_of(&last.payload))
        .unwrap_or(("text", json!({})));
    ok(
        sim,
        json!({"to_id": n64(&to), "message_id": m.id, "message_type": ty, "content": content,
            "conversation_id": n64(&m.conversation), "created_timestamp": m.at.timestamp()}),
    )
}

fn read(sim: &Sim, shop: &mut ShopState, req: &Req, _now: Ts) -> Reply {
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let id = body
        .get("conversation_id")
        .and_then(id_string)
        .unwrap_or_default();
    let last_read = body
        .get("last_read_message_id")
        .and_then(id_string)
        .unwrap_or_default();
    let Some(conv) = shop
        .by_id
        .get(&id)
        .copied()
        .and_then(|i| shop.convs.get_mut(i))
    else {
        return error(sim, ErrKind::NotFound, "conversation_id not found");
    };
    // Buyer messages after the one read stay unread.
    let after = match conv.messages.iter().position(|m| m.id == last_read) {
        Some(p) => conv.messages.get(p + 1..).unwrap_or_default(),
        None => &[],
    };
    conv.unread = after.iter().filter(|m| m.from == Sender::Buyer).count() as u32;
    ok(
        sim,
        json!({"conversation_id": n64(&id), "last_read_message_id": last_read}),
    )
}

fn performance(sim: &Sim, w: &World, shop: &ShopState) -> Reply {
    let now = sim.clock.now();
    let p = crate::perf::summarize(w, shop, now - Duration::days(30), now);
    let metric = |id: u32, name: &str, value: f64, unit: u32| {
        json!({"metric_type": 3, "metric_id": id, "parent_metric_id": 0, "metric_name": name,
               "current_period": value, "last_period": null, "unit": unit})
    };
    ok(
        sim,
        json!({
            "overall_performance": {"rating": 3, "fulfillment_failed": 0, "listing_failed": 0, "custom_service_failed": 0},
            "metric_list": [
                metric(11, "response_rate", (p.response_rate * 10000.0).round() / 100.0, 2),
                metric(21, "response_time", (p.response_mins / 60.0 / 24.0 * 100.0).round() / 100.0, 5),
                metric(29, "average_response_time", p.response_mins, 4),
            ],
        }),
    )
}

fn token(sim: &Sim, req: &Req, refresh: bool) -> Reply {
    let mut w = sim.write();
    let idx = match verify(sim, &w, req, false) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let shop_id_ok = {
        let Credentials::Shopee { shop_id, .. } = &w.shops[idx].credentials else {
            return error(sim, ErrKind::Param, "partner_id");
        };
        num(body.get("shop_id")) == Some(*shop_id)
    };
    if !shop_id_ok {
        return error(sim, ErrKind::Param, "shop_id");
    }
    if refresh {
        let rt = body
            .get("refresh_token")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let shop = &w.shops[idx];
        if rt != shop.credentials.refresh_token() || shop.refresh_expires <= Utc::now() {
            return error(sim, ErrKind::Auth, "refresh_token");
        }
    } else {
        let code = body.get("code").and_then(Value::as_str).unwrap_or_default();
        if w.codes.get(code) != Some(&idx) {
            return error(sim, ErrKind::Param, "Invalid code");
        }
        w.codes.remove(code);
    }
    let Some(shop) = w.shops.get_mut(idx) else {
        return error(sim, ErrKind::NotFound, "shop");
    };
    sim.rotate_tokens(shop);
    let (sid, _) = shop_ids(shop);
    let expire_in = (shop.access_expires - Utc::now()).num_seconds().max(0);
    let pid = match &shop.credentials {
        Credentials::Shopee { partner_id, .. } => *partner_id,
        _ => 0,
    };
    Reply::ok(json!({
        "request_id": sim.request_id(), "error": "", "message": "",
        "access_token": shop.credentials.access_token(),
        "refresh_token": shop.credentials.refresh_token(),
        "expire_in": expire_in, "shop_id": sid, "partner_id": pid,
    }))
}

/// The browser step: redirects with a code, as `/_sim/authorize` does.
fn auth_partner(sim: &Sim, req: &Req) -> Reply {
    let mut w = sim.write();
    let idx = match verify(sim, &w, req, false) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let Some(redirect) = req.param("redirect").map(str::to_owned) else {
        return error(sim, ErrKind::Param, "redirect");
    };
    match crate::admin::issue_code(&mut w, idx, &redirect, None) {
        Some(loc) => {
            let mut r = Reply::json(StatusCode::FOUND, json!({}));
            r.location = Some(loc);
            r
        }
        None => error(sim, ErrKind::NotFound, "shop"),
    }
}
