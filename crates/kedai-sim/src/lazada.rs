//! Lazada Open Platform: IM sessions and messages, tokens.

use axum::http::{Method, StatusCode};
use chrono::{Duration, Utc};
use kedai_core::{Sender, Ts};
use serde_json::{json, Value};

use crate::common::{self, id_string};
use crate::http::{fresh, page_size, ErrKind, Mode, Reply, Req};
use crate::state::{Conv, Credentials, Payload, ShopState, Sim, SimMsg, World};

pub fn error(sim: &Sim, kind: ErrKind, msg: &str) -> Reply {
    let (status, code, message) = match kind {
        ErrKind::Sign => (
            StatusCode::OK,
            "IncompleteSignature",
            "The request signature does not conform to lazada standards".to_owned(),
        ),
        ErrKind::Auth => (
            StatusCode::OK,
            "IllegalAccessToken",
            "The specified access token is invalid or expired".to_owned(),
        ),
        ErrKind::RateLimit => (
            StatusCode::TOO_MANY_REQUESTS,
            "ApiCallLimit",
            "The request has exceeded the limit".to_owned(),
        ),
        ErrKind::Param | ErrKind::NotFound if msg.starts_with("missing") => {
            (StatusCode::OK, "MissingParameter", msg.to_owned())
        }
        ErrKind::Param | ErrKind::NotFound => (StatusCode::OK, "InvalidParameter", msg.to_owned()),
    };
    Reply::json(
        status,
        json!({"code": code, "type": "ISV", "message": message, "request_id": sim.request_id()}),
    )
}

fn ok(sim: &Sim, data: Value) -> Reply {
    Reply::ok(
        json!({"code": "0", "request_id": sim.request_id(), "success": true,
        "err_code": "0", "err_message": "", "data": data}),
    )
}

pub fn handle(sim: &Sim, req: &Req, mode: Mode) -> Reply {
    let api = req.path.strip_prefix("/rest").unwrap_or(&req.path);
    let api = api.trim_end_matches('/');
    let get = req.method == Method::GET;
    let post = req.method == Method::POST;
    match api {
        "/im/session/list" if get => {
            let w = sim.read();
            with_shop(sim, &w, req, api, |s| sessions(sim, s, req, mode))
        }
        "/im/message/list" if get => {
            let w = sim.read();
            with_shop(sim, &w, req, api, |s| messages(sim, s, req, mode))
        }
        "/im/message/send" if post => mutate(sim, req, api, send),
        "/im/session/read" if post => mutate(sim, req, api, read),
        "/im/session/open" if post => mutate(sim, req, api, open),
        "/auth/token/create" | "/auth/token/refresh" if get || post => token(sim, req, api),
        _ => error(
            sim,
            ErrKind::NotFound,
            &format!("no API at {} {}", req.method, req.path),
        ),
    }
}

fn mutate(
    sim: &Sim,
    req: &Req,
    api: &str,
    f: fn(&Sim, &mut ShopState, &Req, Ts) -> Reply,
) -> Reply {
    common::mutate(
        sim,
        |w| verify(sim, w, req, api, true),
        error,
        |shop, now| f(sim, shop, req, now),
    )
}

fn with_shop(
    sim: &Sim,
    w: &World,
    req: &Req,
    api: &str,
    f: impl FnOnce(&ShopState) -> Reply,
) -> Reply {
    common::with_shop(sim, w, verify(sim, w, req, api, true), error, f)
}

fn verify(sim: &Sim, w: &World, req: &Req, api: &str, with_token: bool) -> Result<usize, Reply> {
    let Some(app_key) = req.param("app_key") else {
        return Err(error(sim, ErrKind::Param, "missing app_key"));
    };
    let found = w.shops.iter().position(
        |s| matches!(&s.credentials, Credentials::Lazada { app_key: k, .. } if k == app_key),
    );
    let Some(idx) = found else {
        return Err(error(sim, ErrKind::Param, "invalid app_key"));
    };
    let shop = &w.shops[idx];
    let Credentials::Lazada {
        app_secret,
        access_token,
        ..
    } = &shop.credentials
    else {
        return Err(error(sim, ErrKind::Param, "invalid app_key"));
    };
    match req.param("timestamp").and_then(|t| t.parse::<i64>().ok()) {
        Some(ms) if fresh(ms.div_euclid(1000)) => {}
        Some(_) => return Err(error(sim, ErrKind::Param, "timestamp is stale")),
        None => return Err(error(sim, ErrKind::Param, "missing timestamp")),
    }
    let expected = crate::sign::sign_lazada(app_secret, api, &req.pairs(), &req.body);
    if req.param("sign") != Some(expected.as_str()) {
        return Err(error(sim, ErrKind::Sign, "sign"));
    }
    if with_token
        && (req.param("access_token") != Some(access_token.as_str())
            || shop.access_expires <= Utc::now())
    {
        return Err(error(sim, ErrKind::Auth, "token"));
    }
    Ok(idx)
}

/// A business parameter from the query, or from a JSON object body.
fn param(req: &Req, key: &str) -> Option<String> {
    if let Some(v) = req.param(key) {
        return Some(v.to_owned());
    }
    req.json().ok()?.get(key).and_then(id_string)
}

fn n64(s: &str) -> Value {
    match s.parse::<u64>() {
        Ok(n) => json!(n),
        Err(_) => json!(s),
    }
}

fn template(p: &Payload) -> (u32, Value) {
    match p {
        Payload::Text(t) => (1, json!({"txt": t})),
        Payload::Image { url, width, height } => {
            (3, json!({"imgUrl": url, "width": width, "height": height}))
        }
        Payload::Emoji(t) => (4, json!({"txt": t})),
        Payload::Video { url, duration } => (6, json!({"videoUrl": url, "duration": duration})),
        Payload::Product(id) => (10006, json!({"itemId": id})),
        Payload::Order(id) => (10007, json!({"orderId": id})),
        Payload::Voucher(id) => (10008, json!({"voucherId": id})),
        Payload::Sticker { id, .. } => (10008, json!({"stickerId": id})),
        Payload::Faq(b) => (10008, json!({"chatWithAgent": b})),
    }
}

fn seller_id(shop: &ShopState) -> String {
    match &shop.credentials {
        Credentials::Lazada { seller_id, .. } => seller_id.clone(),
        _ => String::new(),
    }
}

pub fn message_json(shop: &ShopState, conv: &Conv, m: &SimMsg) -> Value {
    let seller = n64(&seller_id(shop));
    let buyer = n64(&conv.buyer.id);
    let (tid, content) = template(&m.payload);
    // Lazada quotes booleans and numbers now and then: both forms appear (WIRE.md).
    let quoted = m.seq % 2 == 1;
    let flag = |b: bool| {
        if quoted {
            json!(b.to_string())
        } else {
            json!(b)
        }
    };
    let (from, from_type, to, to_type) = match m.from {
        Sender::Buyer => (buyer, 1, seller, 2),
        Sender::System => (json!(0), 2, buyer, 1),
        _ => (seller, 2, buyer, 1),
    };
    let msg_type = if m.from == Sender::System { 2 } else { 1 };
    let mut v = json!({
        "message_id": m.id,
        "session_id": conv.id,
        "from_account_id": from,
        "from_account_type": from_type,
        "to_account_id": to,
        "to_account_type": to_type,
        "template_id": tid,
        "type": if quoted { json!(msg_type.to_string()) } else { json!(msg_type) },
        "content": content.to_string(),
        "send_time": m.at.timestamp_millis(),
        "auto_reply": flag(m.from == Sender::Auto),
        "process_msg": "",
        "status": 0,
        "site_id": shop.shop.region.as_str(),
    });
    if m.from == Sender::Broadcast {
        v["broadcast"] = flag(true);
    }
    v
}

fn summary(m: &SimMsg) -> String {
    match &m.payload {
        Payload::Text(t) | Payload::Emoji(t) => t.chars().take(60).collect(),
        Payload::Image { .. } => "[Image]".into(),
        Payload::Video { .. } => "[Video]".into(),
        Payload::Product(_) => "[Product]".into(),
        Payload::Order(_) => "[Order]".into(),
        _ => "[Message]".into(),
    }
}

fn session_json(c: &Conv) -> Value {
    let last = c.last();
    json!({
        "session_id": c.id,
        "buyer_id": n64(&c.buyer.id),
        "title": c.buyer.name,
        "head_url": format!("https://laz-img-cdn.alicdn.com/avatar/{}.png", c.buyer.id),
        "summary": last.map(summary).unwrap_or_default(),
        "unread_count": c.unread,
        "last_message_id": last.map(|m| m.id.clone()).unwrap_or_default(),
        "last_message_time": last.map(|m| m.at.timestamp_millis()).unwrap_or(0),
        "tags": [],
    })
}

/// (time, id) strictly before the cursor; without `last_id` only the time counts.
fn before(t: i64, id: &str, start: Option<i64>, last_id: Option<&str>) -> bool {
    match start {
        None => true,
        Some(s) => t < s || (t == s && last_id.is_some_and(|l| id < l)),
    }
}

struct Cursor {
    start: Option<i64>,
    last: Option<String>,
}

fn cursor(req: &Req, id_key: &str) -> Result<Cursor, String> {
    let start = match req.param("start_time").filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(s.parse::<i64>().map_err(|_| "start_time".to_owned())?),
    };
    let last = req
        .param(id_key)
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    Ok(Cursor { start, last })
}

fn next_fields(
    sim: &Sim,
    cur: &Cursor,
    mode: Mode,
    last: Option<(i64, &str)>,
    more: bool,
) -> (Value, String, bool) {
    match (mode, last) {
        (Mode::Duplicate, _) => {
            let start = cur
                .start
                .unwrap_or_else(|| (sim.clock.now() + Duration::seconds(1)).timestamp_millis());
            (json!(start), cur.last.clone().unwrap_or_default(), true)
        }
        (_, Some((t, id))) => (json!(t), id.to_owned(), more),
        (_, None) => (
            json!(cur.start.unwrap_or(0)),
            cur.last.clone().unwrap_or_default(),
            false,
        ),
    }
}

fn sessions(sim: &Sim, shop: &ShopState, req: &Req, mode: Mode) -> Reply {
    let size = match page_size(req.param("page_size"), 20, 50) {
        Ok(n) => n,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let cur = match cursor(req, "last_session_id") {
        Ok(c) => c,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let mut keyed: Vec<((i64, &str), &Conv)> = shop
        .convs
        .iter()
        .filter_map(|c| {
            c.last_at()
                .map(|t| ((t.timestamp_millis(), c.id.as_str()), c))
        })
        .filter(|((t, id), _)| before(*t, id, cur.start, cur.last.as_deref()))
        .collect();
    keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
    let more = keyed.len() > size;
    keyed.truncate(size);
    let (next_start, next_id, has_more) =
        next_fields(sim, &cur, mode, keyed.last().map(|(k, _)| *k), more);
    let mut items: Vec<Value> = keyed.iter().map(|(_, c)| session_json(c)).collect();
    if mode == Mode::Reorder {
        sim.faults.shuffle(&mut items);
    }
    ok(
        sim,
        json!({"session_list": items, "has_more": has_more, "next_start_time": next_start,
            "last_session_id": next_id}),
    )
}

fn messages(sim: &Sim, shop: &ShopState, req: &Req, mode: Mode) -> Reply {
    let size = match page_size(req.param("page_size"), 20, 50) {
        Ok(n) => n,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let Some(sid) = req.param("session_id") else {
        return error(sim, ErrKind::Param, "missing session_id");
    };
    let Some(conv) = shop.by_id.get(sid).and_then(|&i| shop.convs.get(i)) else {
        return error(sim, ErrKind::Param, "session_id not found");
    };
    let cur = match cursor(req, "last_message_id") {
        Ok(c) => c,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let mut page: Vec<&SimMsg> = conv
        .messages
        .iter()
        .rev()
        .filter(|m| {
            before(
                m.at.timestamp_millis(),
                &m.id,
                cur.start,
                cur.last.as_deref(),
            )
        })
        .take(size + 1)
        .collect();
    let more = page.len() > size;
    page.truncate(size);
    let last = page
        .last()
        .map(|m| (m.at.timestamp_millis(), m.id.as_str()));
    let (next_start, next_id, has_more) = next_fields(sim, &cur, mode, last, more);
    let mut items: Vec<Value> = page.iter().map(|m| message_json(shop, conv, m)).collect();
    if mode == Mode::Reorder {
        sim.faults.shuffle(&mut items);
    }
    ok(
        sim,
        json!({"message_list": items, "has_more": has_more, "next_start_time": next_start,
            "last_message_id": next_id}),
    )
}

fn send(sim: &Sim, shop: &mut ShopState, req: &Req, now: Ts) -> Reply {
    let Some(sid) = param(req, "session_id") else {
        return error(sim, ErrKind::Param, "missing session_id");
    };
    let Some(c) = shop.by_id.get(&sid).copied() else {
        return error(sim, ErrKind::Param, "session_id not found");
    };
    let need = |k: &str| param(req, k).filter(|v| !v.is_empty());
    let payload = match param(req, "template_id").as_deref() {
        Some("1") => need("txt").map(Payload::Text),
        Some("4") => need("txt").map(Payload::Emoji),
        Some("3") => need("img_url").map(|url| Payload::Image {
            url,
            width: 800,
            height: 800,
        }),
        Some("10006") => need("item_id").map(Payload::Product),
        Some("10007") => need("order_id").map(Payload::Order),
        _ => return error(sim, ErrKind::Param, "template_id"),
    };
    let Some(payload) = payload else {
        return error(sim, ErrKind::Param, "missing content for the template");
    };
    match shop.push(c, now, Sender::Agent, payload) {
        Some(m) => ok(
            sim,
            json!({"message_id": m.id, "session_id": sid, "send_time": m.at.timestamp_millis()}),
        ),
        None => error(sim, ErrKind::Param, "session_id not found"),
    }
}

fn read(sim: &Sim, shop: &mut ShopState, req: &Req, _now: Ts) -> Reply {
    let Some(sid) = param(req, "session_id") else {
        return error(sim, ErrKind::Param, "missing session_id");
    };
    match shop
        .by_id
        .get(&sid)
        .copied()
        .and_then(|i| shop.convs.get_mut(i))
    {
        Some(conv) => {
            conv.unread = 0;
            ok(sim, json!({}))
        }
        None => error(sim, ErrKind::Param, "session_id not found"),
    }
}

fn open(sim: &Sim, shop: &mut ShopState, req: &Req, now: Ts) -> Reply {
    let Some(order_id) = param(req, "order_id") else {
        return error(sim, ErrKind::Param, "missing order_id");
    };
    let Some(order) = shop.orders.iter().find(|o| o.id == order_id) else {
        return error(sim, ErrKind::Param, "order_id not found");
    };
    if now - order.at > Duration::days(30) {
        return error(sim, ErrKind::Param, "order is older than 30 days");
    }
    let buyer = order.buyer.id.clone();
    match common::conversation_for_buyer(shop, &buyer, now) {
        Some(c) => ok(sim, json!({"session_id": shop.convs[c].id})),
        None => error(sim, ErrKind::Param, "order_id"),
    }
}

fn token(sim: &Sim, req: &Req, api: &str) -> Reply {
    let mut w = sim.write();
    let idx = match verify(sim, &w, req, api, false) {
        Ok(i) => i,
        Err(r) => return r,
    };
    if api.ends_with("/refresh") {
        let rt = param(req, "refresh_token").unwrap_or_default();
        let shop = &w.shops[idx];
        if rt != shop.credentials.refresh_token() || shop.refresh_expires <= Utc::now() {
            return error(sim, ErrKind::Auth, "refresh_token");
        }
    } else {
        let code = param(req, "code").unwrap_or_default();
        if w.codes.get(&code) != Some(&idx) {
            return error(sim, ErrKind::Param, "invalid code");
        }
        w.codes.remove(&code);
    }
    let Some(shop) = w.shops.get_mut(idx) else {
        return error(sim, ErrKind::NotFound, "shop");
    };
    sim.rotate_tokens(shop);
    let now = Utc::now();
    let seller = seller_id(shop);
    Reply::ok(json!({
        "code": "0", "request_id": sim.request_id(),
        "access_token": shop.credentials.access_token(),
        "refresh_token": shop.credentials.refresh_token(),
        "expires_in": (shop.access_expires - now).num_seconds().max(0),
        "refresh_expires_in": (shop.refresh_expires - now).num_seconds().max(0),
        "account_id": seller, "country": shop.shop.region.as_str().to_lowercase(),
        "account_platform": "seller_center",
        "country_user_info": [{"country": shop.shop.region.as_str().to_lowercase(),
            "seller_id": seller, "user_id": seller, "short_code": format!("{}SIM", shop.shop.region)}],
    }))
}
