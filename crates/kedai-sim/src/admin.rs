//! The admin API of WIRE.md's last section, under `/_sim/`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use kedai_core::{Event, Platform, Sender};
use rand::Rng;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::faults::{Fault, FaultShares};
use crate::http::{render, Reply};
use crate::state::{rfc3339, Credentials, Payload, Sim, World};
use crate::SimShop;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/_sim/shops", get(shops))
        .route("/_sim/messages", post(inject))
        .route("/_sim/events", get(events))
        .route("/_sim/faults", post(faults).get(corrupted))
        .route("/_sim/clock", get(clock))
        .route("/_sim/traffic", post(traffic))
        .route("/_sim/authorize", get(authorize))
}

fn bad(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "bad_request", "message": message.into()})),
    )
        .into_response()
}

pub fn sim_shops(w: &World) -> Vec<SimShop> {
    w.shops
        .iter()
        .map(|s| SimShop {
            shop: s.shop.shop.clone(),
            platform: s.shop.platform,
            region: s.shop.region,
            tz: s.shop.tz.name().to_owned(),
            name: s.shop.name.clone().unwrap_or_default(),
            credentials: s.credentials.clone(),
        })
        .collect()
}

async fn shops(State(sim): State<Arc<Sim>>) -> Response {
    Json(sim_shops(&sim.read())).into_response()
}

async fn events(State(sim): State<Arc<Sim>>) -> Response {
    let text = sim.read().events_log();
    ([("content-type", "application/x-ndjson")], text).into_response()
}

async fn clock(State(sim): State<Arc<Sim>>) -> Response {
    Json(json!({"now": rfc3339(sim.clock.now_precise()), "speed": sim.clock.speed})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Traffic {
    live: bool,
}

/// Pauses (`{live: false}`) or resumes live traffic. While paused the clock runs on but no
/// message arrives and no pending reply is released; on resume what fell due comes at once.
async fn traffic(State(sim): State<Arc<Sim>>, body: axum::body::Bytes) -> Response {
    match serde_json::from_slice::<Traffic>(&body) {
        Ok(t) => {
            sim.live.store(t.live, std::sync::atomic::Ordering::Relaxed);
            Json(json!({"live": t.live})).into_response()
        }
        Err(e) => bad(format!("expected {{live: true|false}}: {e}")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Inject {
    shop: String,
    conversation: Option<String>,
    buyer: Option<String>,
    text: String,
}

async fn inject(State(sim): State<Arc<Sim>>, body: axum::body::Bytes) -> Response {
    let req: Inject = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(format!(
                "expected {{shop, conversation?, buyer?, text}}: {e}"
            ))
        }
    };
    if req.text.is_empty() {
        return bad("text must not be empty");
    }
    let now = sim.clock.now();
    let mut w = sim.write();
    let Some(si) = w.shop_index(&req.shop) else {
        return bad(format!("no shop `{}`", req.shop));
    };
    let conv = match (&req.conversation, &req.buyer) {
        (Some(c), _) => match w.shops[si].by_id.get(c) {
            Some(&i) => i,
            None => return bad(format!("no conversation `{c}` in {}", req.shop)),
        },
        (None, Some(b)) => match w.shops[si].by_buyer.get(b) {
            Some(&i) => i,
            None => {
                let platform = w.shops[si].platform();
                if platform != Platform::Tiktok && b.parse::<u64>().is_err() {
                    return bad(format!("{platform} buyer ids are numbers"));
                }
                let buyer = crate::generate::named_buyer(&mut w, si, Some(b.clone()));
                w.shops[si].open_conv(buyer, now)
            }
        },
        (None, None) => {
            let buyer = crate::generate::named_buyer(&mut w, si, None);
            w.shops[si].open_conv(buyer, now)
        }
    };
    match w.shops[si].push(conv, now, Sender::Buyer, Payload::Text(req.text)) {
        Some(m) => Json(Event::Message(m)).into_response(),
        None => bad("conversation vanished"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultReq {
    platform: Platform,
    fault: Option<Fault>,
    count: Option<u32>,
    shares: Option<FaultShares>,
}

async fn faults(State(sim): State<Arc<Sim>>, body: axum::body::Bytes) -> Response {
    let req: FaultReq = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return bad(format!(
                "expected {{platform, fault, count}} or {{platform, shares}}: {e}"
            ))
        }
    };
    match (req.fault, req.shares) {
        (Some(f), None) => {
            let count = req.count.unwrap_or(1);
            sim.faults.force(req.platform, f, count);
            Json(json!({"platform": req.platform, "fault": f, "count": count})).into_response()
        }
        (None, Some(shares)) => {
            if let Err(e) = shares.validate() {
                return bad(e);
            }
            sim.faults.set_shares(req.platform, shares.clone());
            Json(json!({"platform": req.platform, "shares": shares})).into_response()
        }
        _ => bad("give either fault (with count) or shares"),
    }
}

/// The records served with a wrong-typed field so far: `{corrupted: [{platform, record}]}`.
async fn corrupted(State(sim): State<Arc<Sim>>) -> Response {
    let list: Vec<Value> = sim
        .faults
        .corrupted()
        .into_iter()
        .map(|(platform, record)| json!({"platform": platform, "record": record}))
        .collect();
    Json(json!({ "corrupted": list })).into_response()
}

#[derive(Deserialize)]
struct Authorize {
    platform: Platform,
    shop: String,
    redirect_uri: String,
    state: Option<String>,
}

async fn authorize(
    State(sim): State<Arc<Sim>>,
    q: Result<Query<Authorize>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(q)) = q else {
        return bad("expected platform, shop, redirect_uri and state");
    };
    let mut w = sim.write();
    let Some(si) = w
        .shop_index(&q.shop)
        .filter(|&i| w.shops[i].platform() == q.platform)
    else {
        return bad(format!("no {} shop `{}`", q.platform, q.shop));
    };
    match issue_code(&mut w, si, &q.redirect_uri, q.state.as_deref()) {
        Some(location) => {
            let mut r = Reply::json(StatusCode::FOUND, Value::Null);
            r.location = Some(location);
            render(r)
        }
        None => bad("no such shop"),
    }
}

/// A one-time authorization code for the shop, and the redirect that carries it.
pub fn issue_code(
    w: &mut World,
    shop: usize,
    redirect: &str,
    state: Option<&str>,
) -> Option<String> {
    let s = w.shops.get(shop)?;
    let prefix = s.platform().as_str().to_owned();
    let shopee_id = match &s.credentials {
        Credentials::Shopee { shop_id, .. } => Some(*shop_id),
        _ => None,
    };
    let code = format!("{prefix}-code-{:016x}", w.rng.gen::<u64>());
    w.codes.insert(code.clone(), shop);
    let sep = if redirect.contains('?') { '&' } else { '?' };
    let mut loc = format!("{redirect}{sep}code={code}");
    if let Some(st) = state {
        loc.push_str("&state=");
        loc.push_str(&encode(st));
    }
    if let Some(id) = shopee_id {
        loc.push_str(&format!("&shop_id={id}"));
    }
    Some(loc)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
