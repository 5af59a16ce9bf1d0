//! Load generator: signed message-list requests against the simulator from a few concurrent
//! tasks, for ~10 s, then requests/s.
//!
//! `cargo run --release -p kedai-sim --example load [-- --secs 10 --tasks 8 --url http://127.0.0.1:8787]`
//! Without `--url` the simulator runs in this process (same runtime, same cores).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use kedai_sim::sign::{sign_lazada, sign_shopee, sign_tiktok};
use kedai_sim::{Credentials, SimConfig, SimShop};
use serde_json::Value;

struct Target {
    shop: SimShop,
    conversations: Vec<String>,
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// One signed message-list request for conversation `conv` of `shop`.
fn request(
    http: &reqwest::Client,
    base: &str,
    shop: &SimShop,
    conv: &str,
) -> reqwest::RequestBuilder {
    let now = Utc::now();
    match &shop.credentials {
        Credentials::Tiktok {
            app_key,
            app_secret,
            shop_cipher,
            access_token,
            ..
        } => {
            let path = format!("/customer_service/202309/conversations/{conv}/messages");
            let ts = now.timestamp().to_string();
            let params = [
                ("app_key", app_key.as_str()),
                ("timestamp", &ts),
                ("shop_cipher", shop_cipher),
                ("page_size", "10"),
            ];
            let sign = sign_tiktok(app_secret, &path, &params, b"");
            http.get(format!("{base}{path}"))
                .query(&params)
                .query(&[("sign", sign)])
                .header("x-tts-access-token", access_token)
                .header("content-type", "application/json")
        }
        Credentials::Shopee {
            partner_id,
            partner_key,
            shop_id,
            access_token,
            ..
        } => {
            let path = "/api/v2/sellerchat/get_message";
            let ts = now.timestamp();
            let sign = sign_shopee(
                partner_key,
                *partner_id,
                path,
                ts,
                access_token,
                Some(*shop_id),
            );
            http.get(format!("{base}{path}")).query(&[
                ("partner_id", partner_id.to_string()),
                ("timestamp", ts.to_string()),
                ("access_token", access_token.clone()),
                ("shop_id", shop_id.to_string()),
                ("sign", sign),
                ("conversation_id", conv.to_owned()),
                ("page_size", "25".to_owned()),
            ])
        }
        Credentials::Lazada {
            app_key,
            app_secret,
            access_token,
            ..
        } => {
            let ts = now.timestamp_millis().to_string();
            let params = [
                ("app_key", app_key.as_str()),
                ("timestamp", &ts),
                ("access_token", access_token),
                ("sign_method", "sha256"),
                ("session_id", conv),
                ("page_size", "20"),
            ];
            let sign = sign_lazada(app_secret, "/im/message/list", &params, b"");
            http.get(format!("{base}/rest/im/message/list"))
                .query(&params)
                .query(&[("sign", sign)])
        }
    }
}

#[tokio::main]
async fn main() {
    let secs: u64 = arg("--secs").and_then(|s| s.parse().ok()).unwrap_or(10);
    let tasks: usize = arg("--tasks").and_then(|s| s.parse().ok()).unwrap_or(8);
    let mut local = None;
    let base = match arg("--url") {
        Some(u) => u,
        None => {
            let config = SimConfig {
                speed: 0.0,
                ..SimConfig::default()
            };
            let sim = kedai_sim::start(config, "127.0.0.1:0".parse().expect("addr"))
                .await
                .expect("sim");
            let base = sim.base_url();
            local = Some(sim);
            base
        }
    };
    let http = reqwest::Client::new();
    let shops_json: Value = http
        .get(format!("{base}/_sim/shops"))
        .send()
        .await
        .expect("shops")
        .json()
        .await
        .expect("json");
    let shops: Vec<SimShop> = shops_json
        .as_array()
        .map(|a| a.iter().cloned().filter_map(shop_of).collect())
        .unwrap_or_default();
    let log = http
        .get(format!("{base}/_sim/events"))
        .send()
        .await
        .expect("events")
        .text()
        .await
        .expect("text");
    let targets: Arc<Vec<Target>> = Arc::new(
        shops
            .into_iter()
            .map(|shop| {
                let tag = format!("\"shop\":\"{}\"", shop.shop);
                let mut conversations: Vec<String> = log
                    .lines()
                    .filter(|l| l.contains("\"type\":\"message\"") && l.contains(&tag))
                    .filter_map(|l| serde_json::from_str::<Value>(l).ok())
                    .filter_map(|v| v["conversation"].as_str().map(str::to_owned))
                    .collect();
                conversations.sort();
                conversations.dedup();
                Target {
                    shop,
                    conversations,
                }
            })
            .filter(|t| !t.conversations.is_empty())
            .collect(),
    );
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let mut handles = Vec::new();
    for t in 0..tasks {
        let (http, base, targets, ok, failed) = (
            http.clone(),
            base.clone(),
            targets.clone(),
            ok.clone(),
            failed.clone(),
        );
        handles.push(tokio::spawn(async move {
            let mut i = t;
            while Instant::now() < deadline {
                let target = &targets[i % targets.len()];
                let conv = &target.conversations[(i / targets.len()) % target.conversations.len()];
                i += 7;
                match request(&http, &base, &target.shop, conv).send().await {
                    Ok(r) if r.status().is_success() => {
                        let body = r.bytes().await.unwrap_or_default();
                        let good = !body.windows(7).any(|w| w == b"106001\"" || w == b"error_s");
                        if good {
                            ok.fetch_add(1, Ordering::Relaxed)
                        } else {
                            failed.fetch_add(1, Ordering::Relaxed)
                        };
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for h in handles {
        let _ = h.await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = ok.load(Ordering::Relaxed);
    println!(
        "{n} signed message-list requests in {elapsed:.1} s from {tasks} tasks: {:.0} requests/s ({} failed)",
        n as f64 / elapsed,
        failed.load(Ordering::Relaxed)
    );
    if let Some(sim) = local {
        sim.stop().await;
    }
}

fn shop_of(v: Value) -> Option<SimShop> {
    let c = &v["credentials"];
    let s = |k: &str| c[k].as_str().map(str::to_owned);
    let credentials = match v["platform"].as_str()? {
        "tiktok" => Credentials::Tiktok {
            app_key: s("app_key")?,
            app_secret: s("app_secret")?,
            shop_id: s("shop_id")?,
            shop_cipher: s("shop_cipher")?,
            access_token: s("access_token")?,
            refresh_token: s("refresh_token")?,
        },
        "shopee" => Credentials::Shopee {
            partner_id: c["partner_id"].as_u64()?,
            partner_key: s("partner_key")?,
            shop_id: c["shop_id"].as_u64()?,
            access_token: s("access_token")?,
            refresh_token: s("refresh_token")?,
        },
        _ => Credentials::Lazada {
            app_key: s("app_key")?,
            app_secret: s("app_secret")?,
            seller_id: s("seller_id")?,
            access_token: s("access_token")?,
            refresh_token: s("refresh_token")?,
        },
    };
    Some(SimShop {
        shop: v["shop"].as_str()?.to_owned(),
        platform: v["platform"].as_str()?.parse().ok()?,
        region: v["region"].as_str()?.parse().ok()?,
        tz: v["tz"].as_str()?.to_owned(),
        name: v["name"].as_str()?.to_owned(),
        credentials,
    })
}
