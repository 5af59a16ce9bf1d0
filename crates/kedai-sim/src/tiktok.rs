//! TikTok Shop: Customer Service API 202309, performance 202407, tokens and authorized shops.

use axum::http::{Method, StatusCode};
use chrono::{NaiveDate, TimeZone, Utc};
use kedai_core::{Sender, Ts};
use serde_json::{json, Value};

use crate::http::{decode_cursor, encode_cursor, fresh, page_size, ErrKind, Mode, Reply, Req};
use crate::state::{Conv, Credentials, Payload, ShopState, Sim, SimMsg, World};
use crate::{common, perf};

pub fn error(sim: &Sim, kind: ErrKind, msg: &str) -> Reply {
    let (code, message) = match kind {
        ErrKind::Sign => (106001, "Invalid signature".to_owned()),
        ErrKind::Auth => (105002, "Expired credentials".to_owned()),
        ErrKind::RateLimit => (36009004, "Too many requests".to_owned()),
        ErrKind::Param | ErrKind::NotFound => (40006, format!("Invalid parameter: {msg}")),
    };
    let status = if kind == ErrKind::RateLimit {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::OK
    };
    Reply::json(
        status,
        json!({"code": code, "message": message, "request_id": sim.request_id(), "data": {}}),
    )
}

fn ok(sim: &Sim, data: Value) -> Reply {
    Reply::ok(
        json!({"code": 0, "message": "Success", "request_id": sim.request_id(), "data": data}),
    )
}

enum Route<'a> {
    Conversations,
    CreateConversation,
    Messages(&'a str),
    Send(&'a str),
    Read(&'a str),
    GetSettings,
    PutSettings,
    Upload,
    Performance,
    Shops,
}

fn route<'a>(method: &Method, path: &'a str) -> Option<Route<'a>> {
    let parts: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let get = method == Method::GET;
    let post = method == Method::POST;
    Some(match parts.as_slice() {
        ["customer_service", "202309", "conversations"] if get => Route::Conversations,
        ["customer_service", "202309", "conversations"] if post => Route::CreateConversation,
        ["customer_service", "202309", "conversations", id, "messages"] if get => {
            Route::Messages(id)
        }
        ["customer_service", "202309", "conversations", id, "messages"] if post => Route::Send(id),
        ["customer_service", "202309", "conversations", id, "messages", "read"] if post => {
            Route::Read(id)
        }
        ["customer_service", "202309", "agents", "settings"] if get => Route::GetSettings,
        ["customer_service", "202309", "agents", "settings"] if method == Method::PUT => {
            Route::PutSettings
        }
        ["customer_service", "202309", "images", "upload"] if post => Route::Upload,
        ["customer_service", "202407", "performance"] if get => Route::Performance,
        ["authorization", "202309", "shops"] if get => Route::Shops,
        _ => return None,
    })
}

pub fn handle(sim: &Sim, req: &Req, mode: Mode) -> Reply {
    if req.path.starts_with("/api/v2/token/") {
        return token(sim, req);
    }
    let Some(route) = route(&req.method, &req.path) else {
        return error(
            sim,
            ErrKind::NotFound,
            &format!("no API at {} {}", req.method, req.path),
        );
    };
    match route {
        Route::Conversations => {
            let w = sim.read();
            with_shop(sim, &w, req, true, |s| conversations(sim, s, req, mode))
        }
        Route::Messages(id) => {
            let w = sim.read();
            with_shop(sim, &w, req, true, |s| messages(sim, s, id, req, mode))
        }
        Route::GetSettings => {
            let w = sim.read();
            with_shop(sim, &w, req, true, |s| {
                ok(sim, json!({"can_accept_chat": s.can_accept_chat}))
            })
        }
        Route::Performance => {
            let w = sim.read();
            with_shop(sim, &w, req, true, |s| performance(sim, &w, s, req))
        }
        Route::Shops => {
            let w = sim.read();
            with_shop(sim, &w, req, false, |s| shops(sim, s))
        }
        Route::Upload => {
            let w = sim.read();
            with_shop(sim, &w, req, true, |_| {
                let n = req.body.len();
                ok(
                    sim,
                    json!({"url": format!("https://p16-oec-sg.ibyteimg.com/tos-alisg-i-sim/{n:x}.jpg"), "width": 800, "height": 800}),
                )
            })
        }
        Route::Send(_) | Route::Read(_) | Route::CreateConversation | Route::PutSettings => {
            common::mutate(
                sim,
                |w| verify(sim, w, req, true),
                error,
                |shop, now| match route {
                    Route::Send(id) => send(sim, shop, id, req, now),
                    Route::Read(id) => match shop.by_id.get(id).copied() {
                        Some(c) => {
                            if let Some(conv) = shop.convs.get_mut(c) {
                                conv.unread = 0;
                            }
                            ok(sim, json!({}))
                        }
                        None => error(sim, ErrKind::NotFound, "conversation not found"),
                    },
                    Route::CreateConversation => create(sim, shop, req, now),
                    _ => match req
                        .json()
                        .ok()
                        .and_then(|b| b.get("can_accept_chat").and_then(Value::as_bool))
                    {
                        Some(b) => {
                            shop.can_accept_chat = b;
                            ok(sim, json!({}))
                        }
                        None => error(sim, ErrKind::Param, "can_accept_chat must be a boolean"),
                    },
                },
            )
        }
    }
}

fn with_shop(
    sim: &Sim,
    w: &World,
    req: &Req,
    needs_cipher: bool,
    f: impl FnOnce(&ShopState) -> Reply,
) -> Reply {
    common::with_shop(sim, w, verify(sim, w, req, needs_cipher), error, f)
}

/// Checks app, timestamp, signature, shop cipher and token, in that order.
fn verify(sim: &Sim, w: &World, req: &Req, needs_cipher: bool) -> Result<usize, Reply> {
    let app_key = req.param("app_key").unwrap_or_default();
    let found = w.shops.iter().position(
        |s| matches!(&s.credentials, Credentials::Tiktok { app_key: k, .. } if k == app_key),
    );
    let Some(idx) = found else {
        return Err(error(sim, ErrKind::Sign, "unknown app_key"));
    };
    let shop = &w.shops[idx];
    let Credentials::Tiktok {
        app_secret,
        shop_cipher,
        access_token,
        ..
    } = &shop.credentials
    else {
        return Err(error(sim, ErrKind::Sign, "unknown app_key"));
    };
    match req.param("timestamp").and_then(|t| t.parse::<i64>().ok()) {
        Some(t) if fresh(t) => {}
        _ => return Err(error(sim, ErrKind::Param, "timestamp is missing or stale")),
    }
    let body: &[u8] = if req.is_multipart() { b"" } else { &req.body };
    let expected = crate::sign::sign_tiktok(app_secret, &req.path, &req.pairs(), body);
    if req.param("sign") != Some(expected.as_str()) {
        return Err(error(sim, ErrKind::Sign, "sign"));
    }
    if needs_cipher && req.param("shop_cipher") != Some(shop_cipher.as_str()) {
        return Err(error(sim, ErrKind::Param, "shop_cipher"));
    }
    let token_ok = req.header("x-tts-access-token") == Some(access_token.as_str())
        && shop.access_expires > Utc::now();
    if !token_ok {
        return Err(error(sim, ErrKind::Auth, "token"));
    }
    Ok(idx)
}

fn agent_role(m: &SimMsg) -> &'static str {
    if m.seq.is_multiple_of(2) {
        "SHOP"
    } else {
        "CUSTOMER_SERVICE"
    }
}

pub fn message_json(shop: &ShopState, conv: &Conv, m: &SimMsg) -> Value {
    let (ty, content) = match &m.payload {
        Payload::Text(t) => ("TEXT", json!({"content": t})),
        Payload::Emoji(t) => ("EMOTICONS", json!({"content": t})),
        // width/height arrive as strings now and then (marketplace-apis.md).
        Payload::Image { url, width, height } if m.seq.is_multiple_of(3) => (
            "IMAGE",
            json!({"url": url, "width": width.to_string(), "height": height.to_string()}),
        ),
        Payload::Image { url, width, height } => (
            "IMAGE",
            json!({"url": url, "width": width, "height": height}),
        ),
        Payload::Video { url, duration } => ("VIDEO", json!({"url": url, "duration": duration})),
        Payload::Product(id) => ("PRODUCT_CARD", json!({"product_id": id})),
        Payload::Order(id) => ("ORDER_CARD", json!({"order_id": id})),
        Payload::Voucher(id) => ("COUPON_CARD", json!({"coupon_id": id})),
        Payload::Sticker { id, .. } => ("OTHER", json!({"sticker_id": id})),
        Payload::Faq(b) => ("OTHER", json!({"chat_with_agent": b})),
    };
    let shop_name = shop.shop.name.clone().unwrap_or_default();
    let (role, im, nick) = match m.from {
        Sender::Buyer => ("BUYER", conv.buyer.im_id.clone(), conv.buyer.name.clone()),
        Sender::Agent => (agent_role(m), format!("{}1", shop.user_id), shop_name),
        Sender::Auto | Sender::Broadcast => ("SHOP", format!("{}0", shop.user_id), shop_name),
        Sender::Bot => (
            "ROBOT",
            format!("{}9", shop.user_id),
            "Shop Assistant".to_owned(),
        ),
        Sender::System => ("SYSTEM", "0".to_owned(), "TikTok Shop".to_owned()),
    };
    let mut v = json!({
        "id": m.id,
        "index": m.seq.to_string(),
        "type": ty,
        "content": content.to_string(),
        "create_time": m.at.timestamp(),
        "is_visible": true,
        "sender": {"im_user_id": im, "role": role, "nickname": nick, "avatar": avatar(&im)},
    });
    match m.from {
        Sender::Auto => v["auto_reply"] = json!(true),
        Sender::Broadcast => v["broadcast"] = json!(true),
        _ => {}
    }
    v
}

fn avatar(id: &str) -> String {
    format!("https://p16-sign-sg.tiktokcdn.com/avatar/{id}.jpeg")
}

fn conversation_json(shop: &ShopState, c: &Conv) -> Value {
    let shop_name = shop.shop.name.clone().unwrap_or_default();
    json!({
        "id": c.id,
        "participant_count": 2,
        "unread_count": c.unread,
        "can_send_message": true,
        "create_time": c.created.timestamp(),
        "participants": [
            {"user_id": c.buyer.id, "im_user_id": c.buyer.im_id, "role": "BUYER",
             "nickname": c.buyer.name, "avatar": avatar(&c.buyer.im_id)},
            {"user_id": shop.user_id, "im_user_id": format!("{}0", shop.user_id), "role": "SHOP",
             "nickname": shop_name, "avatar": avatar(&shop.user_id)},
        ],
        "latest_message": c.last().map(|m| message_json(shop, c, m)),
    })
}

fn conversations(sim: &Sim, shop: &ShopState, req: &Req, mode: Mode) -> Reply {
    let size = match page_size(req.param("page_size"), 20, 20) {
        Ok(n) => n,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let token = req.param("page_token").unwrap_or_default();
    // Newest latest message first; the cursor is the last item's (time, ordinal).
    let after: Option<(Ts, u64)> = if token.is_empty() {
        None
    } else {
        match decode_cursor(token).as_deref() {
            Some([s]) if s == "s" => None,
            Some([t, o]) => match (t.parse::<i64>(), o.parse::<u64>()) {
                (Ok(t), Ok(o)) => Utc.timestamp_opt(t, 0).single().map(|t| (t, o)),
                _ => return error(sim, ErrKind::Param, "page_token"),
            },
            _ => return error(sim, ErrKind::Param, "page_token"),
        }
    };
    let mut keyed: Vec<((Ts, u64), &Conv)> = shop
        .convs
        .iter()
        .filter_map(|c| c.last_at().map(|t| ((t, c.ordinal), c)))
        .filter(|(k, _)| after.is_none_or(|a| *k < a))
        .collect();
    keyed.sort_by_key(|k| std::cmp::Reverse(k.0));
    let more = keyed.len() > size;
    keyed.truncate(size);
    let next = match (mode, keyed.last()) {
        (Mode::Duplicate, _) => dup_token(token),
        (_, Some(((t, o), _))) if more => {
            encode_cursor(&[&t.timestamp().to_string(), &o.to_string()])
        }
        _ => String::new(),
    };
    let mut items: Vec<Value> = keyed
        .iter()
        .map(|(_, c)| conversation_json(shop, c))
        .collect();
    if mode == Mode::Reorder {
        sim.faults.shuffle(&mut items);
    }
    ok(
        sim,
        json!({"conversations": items, "next_page_token": next}),
    )
}

fn dup_token(token: &str) -> String {
    if token.is_empty() {
        encode_cursor(&["s"])
    } else {
        token.to_owned()
    }
}

fn messages(sim: &Sim, shop: &ShopState, id: &str, req: &Req, mode: Mode) -> Reply {
    let size = match page_size(req.param("page_size"), 10, 10) {
        Ok(n) => n,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    match req.param("sort_field") {
        None | Some("create_time") | Some("index") => {}
        Some(_) => return error(sim, ErrKind::Param, "sort_field"),
    }
    let asc = match req.param("sort_order") {
        None | Some("DESC") => false,
        Some("ASC") => true,
        Some(_) => return error(sim, ErrKind::Param, "sort_order"),
    };
    let Some(conv) = shop.by_id.get(id).and_then(|&i| shop.convs.get(i)) else {
        return error(sim, ErrKind::NotFound, "conversation not found");
    };
    let token = req.param("page_token").unwrap_or_default();
    let cursor: Option<u64> = if token.is_empty() {
        None
    } else {
        match decode_cursor(token).as_deref() {
            Some([s]) if s == "s" => None,
            Some([seq]) => match seq.parse() {
                Ok(n) => Some(n),
                Err(_) => return error(sim, ErrKind::Param, "page_token"),
            },
            _ => return error(sim, ErrKind::Param, "page_token"),
        }
    };
    // Messages are kept in seq order, which is also (create_time, index) order.
    let (page, more) = common::seq_page(&conv.messages, cursor, asc, size);
    let next = match (mode, page.last()) {
        (Mode::Duplicate, _) => dup_token(token),
        (_, Some(m)) if more => encode_cursor(&[&m.seq.to_string()]),
        _ => String::new(),
    };
    let mut items: Vec<Value> = page.iter().map(|m| message_json(shop, conv, m)).collect();
    if mode == Mode::Reorder {
        sim.faults.shuffle(&mut items);
    }
    ok(sim, json!({"messages": items, "next_page_token": next}))
}

fn send(sim: &Sim, shop: &mut ShopState, id: &str, req: &Req, now: Ts) -> Reply {
    let Some(c) = shop.by_id.get(id).copied() else {
        return error(sim, ErrKind::NotFound, "conversation not found");
    };
    let body = match req.json() {
        Ok(b) => b,
        Err(e) => return error(sim, ErrKind::Param, &e),
    };
    let ty = body.get("type").and_then(Value::as_str).unwrap_or_default();
    let content: Value = match body.get("content").and_then(Value::as_str) {
        Some(s) => match serde_json::from_str(s) {
            Ok(v) => v,
            Err(_) => return error(sim, ErrKind::Param, "content must be a JSON string"),
        },
        None => return error(sim, ErrKind::Param, "content must be a JSON string"),
    };
    let str_of = |k: &str| content.get(k).and_then(Value::as_str).map(str::to_owned);
    let payload = match ty {
        "TEXT" => match str_of("content") {
            Some(t) if !t.is_empty() && t.chars().count() <= 2000 => Payload::Text(t),
            _ => return error(sim, ErrKind::Param, "text must be 1 to 2000 characters"),
        },
        "EMOTICONS" => match str_of("content") {
            Some(t) if !t.is_empty() => Payload::Emoji(t),
            _ => return error(sim, ErrKind::Param, "emoticon content"),
        },
        "IMAGE" => match str_of("url") {
            Some(url) => Payload::Image {
                url,
                width: common::num(content.get("width")).unwrap_or(800) as u32,
                height: common::num(content.get("height")).unwrap_or(800) as u32,
            },
            None => return error(sim, ErrKind::Param, "image url"),
        },
        "PRODUCT_CARD" => match str_of("product_id") {
            Some(p) => Payload::Product(p),
            None => return error(sim, ErrKind::Param, "product_id"),
        },
        "ORDER_CARD" => match str_of("order_id") {
            Some(o) => Payload::Order(o),
            None => return error(sim, ErrKind::Param, "order_id"),
        },
        _ => return error(sim, ErrKind::Param, "type"),
    };
    match shop.push(c, now, Sender::Agent, payload) {
        Some(m) => ok(sim, json!({"message_id": m.id})),
        None => error(sim, ErrKind::NotFound, "conversation not found"),
    }
}

fn create(sim: &Sim, shop: &mut ShopState, req: &Req, now: Ts) -> Reply {
    let buyer = req
        .json()
        .ok()
        .and_then(|b| b.get("buyer_user_id").map(common::id_string));
    let Some(buyer) = buyer.flatten() else {
        return error(sim, ErrKind::Param, "buyer_user_id");
    };
    match common::conversation_for_buyer(shop, &buyer, now) {
        Some(c) => ok(sim, json!({"conversation_id": shop.convs[c].id})),
        None => error(sim, ErrKind::Param, "unknown buyer_user_id"),
    }
}

fn shops(sim: &Sim, shop: &ShopState) -> Reply {
    let Credentials::Tiktok {
        shop_id,
        shop_cipher,
        ..
    } = &shop.credentials
    else {
        return error(sim, ErrKind::NotFound, "shop");
    };
    ok(
        sim,
        json!({"shops": [{"cipher": shop_cipher, "code": format!("{}SIM", shop.shop.region), "id": shop_id,
            "name": shop.shop.name, "region": shop.shop.region.as_str(), "seller_type": "LOCAL"}]}),
    )
}

fn performance(sim: &Sim, w: &World, shop: &ShopState, req: &Req) -> Reply {
    let day = |k: &str| -> Option<Ts> {
        let raw = req.param(k)?;
        let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()?;
        let local = date.and_hms_opt(0, 0, 0)?;
        shop.shop
            .tz
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    let (Some(ge), Some(lt)) = (day("support_date_ge"), day("support_date_lt")) else {
        return error(
            sim,
            ErrKind::Param,
            "support_date_ge and support_date_lt (YYYY-MM-DD)",
        );
    };
    let p = perf::summarize(w, shop, ge, lt);
    ok(
        sim,
        json!({"performance": {
            "support_session_count": p.sessions,
            "response_percentage": p.response_rate * 100.0,
            "response_time_mins": p.response_mins,
            "satisfaction_percentage": p.satisfaction * 100.0,
        }}),
    )
}

fn token(sim: &Sim, req: &Req) -> Reply {
    let refresh = req.path.ends_with("/refresh");
    if !refresh && !req.path.ends_with("/get") {
        return error(sim, ErrKind::NotFound, "no such token API");
    }
    let mut w = sim.write();
    let app_key = req.param("app_key").unwrap_or_default();
    let secret = req.param("app_secret").unwrap_or_default();
    let Some(idx) = w.shops.iter().position(|s| {
        matches!(&s.credentials, Credentials::Tiktok { app_key: k, app_secret: sec, .. } if k == app_key && sec == secret)
    }) else {
        return error(sim, ErrKind::Sign, "app_key / app_secret");
    };
    if refresh {
        let rt = req.param("refresh_token").unwrap_or_default();
        let shop = &w.shops[idx];
        if rt != shop.credentials.refresh_token() || shop.refresh_expires <= Utc::now() {
            return error(sim, ErrKind::Auth, "refresh_token");
        }
    } else {
        let code = req.param("auth_code").unwrap_or_default();
        if w.codes.get(code) != Some(&idx) {
            return error(sim, ErrKind::Param, "auth_code");
        }
        w.codes.remove(code);
    }
    let Some(shop) = w.shops.get_mut(idx) else {
        return error(sim, ErrKind::NotFound, "shop");
    };
    sim.rotate_tokens(shop);
    ok(
        sim,
        json!({
            "access_token": shop.credentials.access_token(),
            "access_token_expire_in": shop.access_expires.timestamp(),
            "refresh_token": shop.credentials.refresh_token(),
            "refresh_token_expire_in": shop.refresh_expires.timestamp(),
            "open_id": format!("open-{}", shop.user_id),
            "seller_name": shop.shop.name,
            "seller_base_region": shop.shop.region.as_str(),
            "user_type": 0,
        }),
    )
}
