//! Signed clients for the three platforms and the ground truth, for the tests.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kedai_core::history::parse_log;
use kedai_core::{Event, Message};
use kedai_sim::sign::{sign_lazada, sign_shopee, sign_tiktok};
use kedai_sim::{Credentials, Platform, SimConfig, SimHandle, SimShop};
use serde_json::Value;

pub fn start_instant() -> DateTime<Utc> {
    "2026-07-20T04:00:00Z".parse().expect("instant")
}

pub fn config(seed: u64) -> SimConfig {
    SimConfig {
        seed,
        // the three shops of `SimConfig::default()`: TikTok Shop MY, Shopee PH, Lazada MY
        speed: 0.0,
        conversations_per_shop: 30,
        start: Some(start_instant()),
        slow_delay: Duration::from_millis(300),
        ..SimConfig::default()
    }
}

pub async fn sim_with(config: SimConfig) -> SimHandle {
    kedai_sim::start(config, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("sim starts")
}

pub async fn sim(seed: u64) -> SimHandle {
    sim_with(config(seed)).await
}

pub fn shop(sim: &SimHandle, platform: Platform) -> SimShop {
    sim.shops()
        .into_iter()
        .find(|s| s.platform == platform)
        .expect("shop of the platform")
}

/// Every message of the ground truth for `shop`, by conversation.
pub fn truth(sim: &SimHandle, shop: &str) -> BTreeMap<String, Vec<Message>> {
    let parsed = parse_log(&sim.events_log(), false).expect("dump parses");
    let mut out: BTreeMap<String, Vec<Message>> = BTreeMap::new();
    for (_, e) in parsed.events {
        if let Event::Message(m) = e {
            if m.shop == shop {
                out.entry(m.conversation.clone()).or_default().push(m);
            }
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| a.id.cmp(&b.id));
    }
    out
}

pub struct Resp {
    pub status: u16,
    pub retry_after: Option<String>,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

async fn send(rb: reqwest::RequestBuilder) -> Resp {
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let retry_after = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = r.text().await.expect("body");
    Resp {
        status,
        retry_after,
        text,
    }
}

/// A signed client for one shop of one platform.
pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
    pub creds: Credentials,
    /// Corrupts the signature (for the wrong-signature tests).
    pub bad_sign: bool,
}

impl Client {
    pub fn new(sim: &SimHandle, platform: Platform) -> Client {
        Client {
            base: sim.base_url(),
            http: reqwest::Client::new(),
            creds: shop(sim, platform).credentials,
            bad_sign: false,
        }
    }

    pub fn set_token(&mut self, token: &str) {
        match &mut self.creds {
            Credentials::Tiktok { access_token, .. }
            | Credentials::Shopee { access_token, .. }
            | Credentials::Lazada { access_token, .. } => *access_token = token.to_owned(),
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        params: &[(&str, &str)],
        body: &str,
    ) -> Resp {
        let now = Utc::now();
        let mut query: Vec<(String, String)> = Vec::new();
        let mut headers = Vec::new();
        match &self.creds {
            Credentials::Tiktok {
                app_key,
                app_secret,
                shop_cipher,
                access_token,
                ..
            } => {
                query.push(("app_key".into(), app_key.clone()));
                query.push(("timestamp".into(), now.timestamp().to_string()));
                query.push(("shop_cipher".into(), shop_cipher.clone()));
                query.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                let pairs: Vec<(&str, &str)> = query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let sign = sign_tiktok(app_secret, path, &pairs, body.as_bytes());
                query.push(("sign".into(), self.maybe_bad(sign)));
                headers.push(("x-tts-access-token", access_token.clone()));
            }
            Credentials::Shopee {
                partner_id,
                partner_key,
                shop_id,
                access_token,
                ..
            } => {
                let ts = now.timestamp();
                let sign = sign_shopee(
                    partner_key,
                    *partner_id,
                    path,
                    ts,
                    access_token,
                    Some(*shop_id),
                );
                query.push(("partner_id".into(), partner_id.to_string()));
                query.push(("timestamp".into(), ts.to_string()));
                query.push(("access_token".into(), access_token.clone()));
                query.push(("shop_id".into(), shop_id.to_string()));
                query.push(("sign".into(), self.maybe_bad(sign)));
                query.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            }
            Credentials::Lazada {
                app_key,
                app_secret,
                access_token,
                ..
            } => {
                query.push(("app_key".into(), app_key.clone()));
                query.push(("timestamp".into(), now.timestamp_millis().to_string()));
                query.push(("access_token".into(), access_token.clone()));
                query.push(("sign_method".into(), "sha256".into()));
                query.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
                let pairs: Vec<(&str, &str)> = query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let api = path.strip_prefix("/rest").unwrap_or(path);
                let sign = sign_lazada(app_secret, api, &pairs, body.as_bytes());
                query.push(("sign".into(), self.maybe_bad(sign)));
            }
        }
        let url = format!("{}{}", self.base, path);
        let mut rb = match method {
            "POST" => self.http.post(url),
            "PUT" => self.http.put(url),
            _ => self.http.get(url),
        }
        .query(&query)
        .header("content-type", "application/json");
        for (k, v) in headers {
            rb = rb.header(k, v);
        }
        if !body.is_empty() {
            rb = rb.body(body.to_owned());
        }
        send(rb).await
    }

    fn maybe_bad(&self, sign: String) -> String {
        if self.bad_sign {
            let mut s = sign;
            let last = s.pop();
            s.push(if last == Some('0') { '1' } else { '0' });
            s
        } else {
            sign
        }
    }

    pub async fn get(&self, path: &str, params: &[(&str, &str)]) -> Resp {
        self.call("GET", path, params, "").await
    }

    pub async fn post(&self, path: &str, params: &[(&str, &str)], body: &str) -> Resp {
        self.call("POST", path, params, body).await
    }
}

pub async fn admin_get(sim: &SimHandle, path: &str) -> Resp {
    send(reqwest::Client::new().get(format!("{}{}", sim.base_url(), path))).await
}

pub async fn admin_post(sim: &SimHandle, path: &str, body: Value) -> Resp {
    send(
        reqwest::Client::new()
            .post(format!("{}{}", sim.base_url(), path))
            .header("content-type", "application/json")
            .body(body.to_string()),
    )
    .await
}

pub fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("not an id: {other}"),
    }
}

pub fn truthy(v: &Value) -> bool {
    matches!(v, Value::Bool(true)) || v.as_str() == Some("true")
}
