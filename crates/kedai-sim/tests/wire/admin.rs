//! The admin API, tokens and authorization, the event dump, the live clock.

use std::time::Duration;

use chrono::Utc;
use kedai_core::history::parse_log;
use kedai_core::Platform;
use kedai_sim::sign::{sign_lazada, sign_shopee};
use kedai_sim::{Credentials, SimHandle};
use serde_json::{json, Value};

use crate::support::*;

/// Exchanges a code (`refresh: false`) or a refresh token for new tokens: (access, refresh).
pub async fn token_call(
    sim: &SimHandle,
    creds: &Credentials,
    refresh: bool,
    value: &str,
) -> (String, String) {
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let v: Value = match creds {
        Credentials::Tiktok {
            app_key,
            app_secret,
            ..
        } => {
            let (path, key, grant) = if refresh {
                ("/api/v2/token/refresh", "refresh_token", "refresh_token")
            } else {
                ("/api/v2/token/get", "auth_code", "authorized_code")
            };
            let q = [
                ("app_key", app_key.as_str()),
                ("app_secret", app_secret),
                (key, value),
                ("grant_type", grant),
            ];
            let v: Value = http
                .get(format!("{base}{path}"))
                .query(&q)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(v["code"], 0, "{v}");
            v["data"].clone()
        }
        Credentials::Shopee {
            partner_id,
            partner_key,
            shop_id,
            ..
        } => {
            let (path, body) = if refresh {
                (
                    "/api/v2/auth/access_token/get",
                    json!({"refresh_token": value, "shop_id": shop_id, "partner_id": partner_id}),
                )
            } else {
                (
                    "/api/v2/auth/token/get",
                    json!({"code": value, "shop_id": shop_id, "partner_id": partner_id}),
                )
            };
            let ts = Utc::now().timestamp();
            let sign = sign_shopee(partner_key, *partner_id, path, ts, "", None);
            let q = [
                ("partner_id", partner_id.to_string()),
                ("timestamp", ts.to_string()),
                ("sign", sign),
            ];
            let v: Value = http
                .post(format!("{base}{path}"))
                .query(&q)
                .body(body.to_string())
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(v["error"], "", "{v}");
            v
        }
        Credentials::Lazada {
            app_key,
            app_secret,
            ..
        } => {
            let (api, key) = if refresh {
                ("/auth/token/refresh", "refresh_token")
            } else {
                ("/auth/token/create", "code")
            };
            let ts = Utc::now().timestamp_millis().to_string();
            let params = [
                ("app_key", app_key.as_str()),
                ("timestamp", &ts),
                ("sign_method", "sha256"),
                (key, value),
            ];
            let sign = sign_lazada(app_secret, api, &params, b"");
            let mut q: Vec<(&str, &str)> = params.to_vec();
            q.push(("sign", &sign));
            let v: Value = http
                .get(format!("{base}/rest{api}"))
                .query(&q)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(v["code"], "0", "{v}");
            v
        }
    };
    (
        v["access_token"].as_str().unwrap().to_owned(),
        v["refresh_token"].as_str().unwrap().to_owned(),
    )
}

pub fn refresh_token(c: &Client) -> String {
    match &c.creds {
        Credentials::Tiktok { refresh_token, .. }
        | Credentials::Shopee { refresh_token, .. }
        | Credentials::Lazada { refresh_token, .. } => refresh_token.clone(),
    }
}

pub fn list_path(p: Platform) -> &'static str {
    match p {
        Platform::Tiktok => "/customer_service/202309/conversations",
        Platform::Shopee => "/api/v2/sellerchat/get_conversation_list",
        Platform::Lazada => "/rest/im/session/list",
    }
}

/// Whether a response is the platform's success envelope.
pub fn is_ok(p: Platform, r: &Resp) -> bool {
    let v: Value = match serde_json::from_str(&r.text) {
        Ok(v) => v,
        Err(_) => return false,
    };
    r.status == 200
        && match p {
            Platform::Tiktok => v["code"] == 0,
            Platform::Shopee => v["error"] == "",
            Platform::Lazada => v["code"] == "0",
        }
}

/// The platform's error code (TikTok `code`, Shopee `error`, Lazada `code`) as a string.
pub fn error_of(p: Platform, r: &Resp) -> String {
    let v = r.json();
    match p {
        Platform::Shopee => v["error"].as_str().unwrap_or_default().to_owned(),
        _ => str_of(&v["code"]),
    }
}

#[tokio::test]
async fn a_wrong_signature_gets_each_platforms_error() {
    let sim = sim(21).await;
    for (p, status, code) in [
        (Platform::Tiktok, 200, "106001"),
        (Platform::Shopee, 403, "error_sign"),
        (Platform::Lazada, 200, "IncompleteSignature"),
    ] {
        let mut c = Client::new(&sim, p);
        c.bad_sign = true;
        let r = c.get(list_path(p), &[]).await;
        assert_eq!(
            (r.status, error_of(p, &r)),
            (status, code.to_owned()),
            "{p}: {}",
            r.text
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn a_stale_timestamp_is_refused() {
    let sim = sim(21).await;
    let shop = shop(&sim, Platform::Shopee);
    let Credentials::Shopee {
        partner_id,
        partner_key,
        shop_id,
        access_token,
        ..
    } = shop.credentials
    else {
        unreachable!()
    };
    let path = list_path(Platform::Shopee);
    let ts = Utc::now().timestamp() - 301;
    let sign = sign_shopee(
        &partner_key,
        partner_id,
        path,
        ts,
        &access_token,
        Some(shop_id),
    );
    let q = [
        ("partner_id", partner_id.to_string()),
        ("timestamp", ts.to_string()),
        ("access_token", access_token),
        ("shop_id", shop_id.to_string()),
        ("sign", sign),
    ];
    let r = reqwest::Client::new()
        .get(format!("{}{path}", sim.base_url()))
        .query(&q)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"], "error_param");
    sim.stop().await;
}

#[tokio::test]
async fn tokens_expire_and_a_refresh_replaces_the_old_one() {
    let mut config = config(22);
    config.token_ttl = Some(Duration::from_millis(800));
    let sim = sim_with(config).await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    for (p, code) in [
        (Platform::Tiktok, "105002"),
        (Platform::Shopee, "error_auth"),
        (Platform::Lazada, "IllegalAccessToken"),
    ] {
        let mut c = Client::new(&sim, p);
        let r = c.get(list_path(p), &[]).await;
        assert_eq!(error_of(p, &r), code, "{p}: {}", r.text);
        if p == Platform::Shopee {
            assert_eq!(r.status, 403);
            assert_eq!(r.json()["message"], "Invalid access_token.");
        }
        let old = c.creds.access_token().to_owned();
        let (access, _) = token_call(&sim, &c.creds, true, &refresh_token(&c)).await;
        assert_ne!(access, old);
        c.set_token(&access);
        assert!(
            is_ok(p, &c.get(list_path(p), &[]).await),
            "{p} with the new token"
        );
        c.set_token(&old);
        assert!(
            !is_ok(p, &c.get(list_path(p), &[]).await),
            "{p} old token still works"
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn authorize_redirects_with_a_code_that_exchanges_once() {
    let sim = sim(23).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for p in [Platform::Tiktok, Platform::Shopee, Platform::Lazada] {
        let s = shop(&sim, p);
        let r = http
            .get(format!("{}/_sim/authorize", sim.base_url()))
            .query(&[
                ("platform", p.as_str()),
                ("shop", &s.shop),
                ("redirect_uri", "http://127.0.0.1:9/cb"),
                ("state", "x y"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 302);
        let loc = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(loc.starts_with("http://127.0.0.1:9/cb?code="), "{loc}");
        assert!(loc.contains("&state=x%20y"), "{loc}");
        assert_eq!(loc.contains("&shop_id="), p == Platform::Shopee, "{loc}");
        let code = loc
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let (access, _) = token_call(&sim, &s.credentials, false, &code).await;
        let mut c = Client::new(&sim, p);
        c.set_token(&access);
        assert!(is_ok(p, &c.get(list_path(p), &[]).await));
        assert_eq!(
            shop(&sim, p).credentials.access_token().to_owned(),
            access,
            "/_sim/shops shows the current token"
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn the_event_dump_parses_and_is_deterministic_for_a_seed() {
    let a = sim(31).await;
    let b = sim(31).await;
    let c = sim(32).await;
    let text = admin_get(&a, "/_sim/events").await.text;
    assert_eq!(text, a.events_log());
    assert_eq!(text, b.events_log());
    assert_ne!(text, c.events_log());
    let parsed = parse_log(&text, false).expect("parses");
    assert!(parsed.events.len() > 100);
    let history = parsed.into_history().expect("builds");
    assert_eq!(history.shops.len(), 3);
    // shop lines first, then sorted by instant
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines[..3].iter().all(|l| l["type"] == "shop"));
    let ats: Vec<String> = lines[3..]
        .iter()
        .map(|l| l["at"].as_str().or(l["from"].as_str()).unwrap().to_owned())
        .collect();
    let mut sorted = ats.clone();
    sorted.sort();
    assert_eq!(ats, sorted);
    for s in [a, b, c] {
        s.stop().await;
    }
}

#[tokio::test]
async fn admin_injects_messages_and_shows_shops_and_clock() {
    let sim = sim(24).await;
    let shops = admin_get(&sim, "/_sim/shops").await.json();
    assert_eq!(shops[0]["shop"], "tt-my");
    assert_eq!(shops[1]["tz"], "Asia/Manila");
    assert!(shops[1]["credentials"]["partner_id"].is_u64());
    let r = admin_post(
        &sim,
        "/_sim/messages",
        json!({"shop": "sp-ph", "text": "Hello po, available?"}),
    )
    .await;
    let e = r.json();
    assert_eq!(e["type"], "message", "{}", r.text);
    assert_eq!(e["from"], "buyer");
    assert!(sim.events_log().contains("Hello po, available?"));
    let conv = e["conversation"].as_str().unwrap();
    let r = admin_post(
        &sim,
        "/_sim/messages",
        json!({"shop": "sp-ph", "conversation": conv, "text": "Hello?"}),
    )
    .await;
    assert_eq!(r.json()["buyer"], e["buyer"]);
    let r = admin_post(&sim, "/_sim/messages", json!({"shop": "nope", "text": "x"})).await;
    assert_eq!(r.status, 400);
    let clock = admin_get(&sim, "/_sim/clock").await.json();
    assert_eq!(clock["now"], "2026-07-20T04:00:00Z");
    assert_eq!(clock["speed"], 0.0);
    sim.stop().await;
}

#[tokio::test]
async fn with_the_clock_running_live_traffic_arrives() {
    let mut config = config(25);
    config.speed = 36_000.0; // ten sim hours per wall second
    config.live_per_hour = 20.0;
    let sim = sim_with(config).await;
    let before = sim.events_log().lines().count();
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(sim.now() > start_instant() + chrono::Duration::hours(4));
    let after = sim.events_log();
    assert!(after.lines().count() > before + 10, "no live traffic");
    parse_log(&after, false)
        .expect("still parses")
        .into_history()
        .expect("still builds");
    sim.stop().await;
}

/// A message never appears behind one a listing may already have shown: per shop, the
/// order messages are taken in (their ids) is the order of their instants.
#[tokio::test]
async fn live_messages_are_stamped_in_the_order_the_platform_takes_them() {
    let mut config = config(28);
    config.speed = 36_000.0;
    config.live_per_hour = 40.0;
    let sim = sim_with(config).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let log = sim.events_log();
    sim.stop().await;
    let mut by_shop: std::collections::BTreeMap<String, Vec<(u128, chrono::DateTime<Utc>)>> =
        Default::default();
    for line in log.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        if v["type"] == "message" {
            let id: u128 = v["id"].as_str().unwrap().parse().unwrap();
            let at = v["at"].as_str().unwrap().parse().unwrap();
            by_shop
                .entry(v["shop"].as_str().unwrap().into())
                .or_default()
                .push((id, at));
        }
    }
    assert_eq!(by_shop.len(), 3);
    for (shop, mut msgs) in by_shop {
        assert!(msgs.len() > 40, "{shop}: live traffic");
        msgs.sort();
        for w in msgs.windows(2) {
            assert!(
                w[0].1 <= w[1].1,
                "{shop}: {:?} taken before {:?}",
                w[0],
                w[1]
            );
        }
    }
}

#[tokio::test]
async fn paused_traffic_holds_the_world_still_until_resumed() {
    let mut config = config(27);
    config.speed = 36_000.0;
    config.live_per_hour = 20.0;
    let sim = sim_with(config).await;
    let http = reqwest::Client::new();
    let set = |live: bool| {
        http.post(format!("{}/_sim/traffic", sim.base_url()))
            .json(&json!({ "live": live }))
            .send()
    };
    let r = set(false).await.unwrap();
    assert!(r.status().is_success());
    tokio::time::sleep(Duration::from_millis(150)).await; // a step in flight ends
    let held = sim.events_log();
    tokio::time::sleep(Duration::from_millis(500)).await; // five sim hours
    assert_eq!(sim.events_log(), held, "nothing arrives while paused");
    set(true).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(sim.events_log().lines().count() > held.lines().count());
    let bad = http
        .post(format!("{}/_sim/traffic", sim.base_url()))
        .body("{\"live\": \"no\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    sim.stop().await;
}

#[tokio::test]
async fn garbage_requests_get_errors_not_panics() {
    let sim = sim(26).await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    for (method, path, body) in [
        (
            "GET",
            "/customer_service/202309/conversations?page_size=abc&%zz",
            "",
        ),
        (
            "POST",
            "/customer_service/202309/conversations/1/messages",
            "{not json",
        ),
        (
            "GET",
            "/api/v2/sellerchat/get_message?partner_id=-1&timestamp=9999999999999999999",
            "",
        ),
        ("POST", "/api/v2/sellerchat/send_message?partner_id=x", "[]"),
        ("GET", "/rest/im/message/list?app_key=&timestamp=", ""),
        ("POST", "/rest/im/session/open", "\u{0}"),
        ("GET", "/nowhere", ""),
        ("POST", "/_sim/faults", "{\"platform\":\"tiktok\"}"),
        ("POST", "/_sim/messages", "{}"),
        ("GET", "/_sim/authorize?platform=mars", ""),
    ] {
        let rb = if method == "GET" {
            http.get(format!("{base}{path}"))
        } else {
            http.post(format!("{base}{path}")).body(body)
        };
        let r = rb.send().await.expect("answered");
        assert!(r.status().as_u16() < 500, "{path}: {}", r.status());
    }
    sim.stop().await;
}

#[tokio::test]
async fn extreme_timestamps_are_refused_not_overflowed() {
    let sim = sim(27).await;
    let http = reqwest::Client::new();
    for p in [Platform::Tiktok, Platform::Shopee, Platform::Lazada] {
        let app = match shop(&sim, p).credentials {
            Credentials::Tiktok { app_key, .. } => ("app_key", app_key),
            Credentials::Shopee { partner_id, .. } => ("partner_id", partner_id.to_string()),
            Credentials::Lazada { app_key, .. } => ("app_key", app_key),
        };
        for ts in ["-9223372036854775808", "9223372036854775807", "abc"] {
            let q = [(app.0, app.1.as_str()), ("timestamp", ts), ("shop_id", "1")];
            let r = http
                .get(format!("{}{}", sim.base_url(), list_path(p)))
                .query(&q)
                .send()
                .await
                .expect("answered");
            assert!(r.status().as_u16() < 500, "{p} {ts}: {}", r.status());
        }
    }
    sim.stop().await;
}
