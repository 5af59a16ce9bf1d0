//! Pulls every message of one simulated shop through one connector, with the platforms'
//! real page-size limits, and reports the throughput.
//!
//! ```text
//! cargo run --release -p kedai-connectors --example pull_bench -- shopee 100000
//! cargo run --release -p kedai-connectors --example pull_bench -- lazada 100000
//! cargo run --release -p kedai-connectors --example pull_bench -- tiktok 10000
//! cargo run --release -p kedai-connectors --example pull_bench -- tiktok 100000 --unlimited
//! ```
//!
//! Arguments: platform, the number of messages to aim for (conversations are generated
//! until the shop holds at least that many), `--unlimited` to lift TikTok's 50 requests/s
//! (measures the client and simulator, not what TikTok allows), `--concurrency N`
//! conversations pulled at once (default 8).

use std::sync::Arc;
use std::time::{Duration, Instant};

use kedai_connectors::{all_messages, ClientOptions, Cursor, RateLimiter};
use kedai_core::{Platform, Region};
use kedai_sim::SimConfig;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let platform: Platform = args
        .first()
        .map(String::as_str)
        .unwrap_or("shopee")
        .parse()?;
    let target: usize = args
        .get(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let unlimited = args.iter().any(|a| a == "--unlimited");
    let concurrency: usize = args
        .iter()
        .position(|a| a == "--concurrency")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(8);

    // The simulator's history averages a dozen or so messages per conversation: size the
    // shop from a small probe.
    let region = match platform {
        Platform::Shopee => Region::PH,
        _ => Region::MY,
    };
    let config = |conversations: u32| SimConfig {
        seed: 42,
        shops: vec![(platform, region)],
        speed: 0.0,
        history_days: 60,
        conversations_per_shop: conversations,
        ..Default::default()
    };
    let probe = kedai_sim::start(config(200), "127.0.0.1:0".parse()?).await?;
    let per_conv = probe
        .events_log()
        .lines()
        .filter(|l| l.contains("\"type\":\"message\""))
        .count() as f64
        / 200.0;
    probe.stop().await;
    let conversations = ((target as f64 / per_conv) * 1.15).ceil() as u32;

    let t = Instant::now();
    let sim = kedai_sim::start(config(conversations), "127.0.0.1:0".parse()?).await?;
    let base = sim.base_url();
    eprintln!(
        "simulator: {conversations} conversations generated in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let shops: Vec<Value> = reqwest::get(format!("{base}/_sim/shops"))
        .await?
        .json()
        .await?;
    let shop = shops
        .into_iter()
        .find(|x| x["platform"] == platform.as_str())
        .ok_or("no shop")?;
    let c = &shop["credentials"];
    let tokens = kedai_connectors::sim::tokens(c)?;
    let mut options = ClientOptions::for_platform(platform);
    if unlimited {
        options.limiter = RateLimiter::new(None);
    }
    let connector = kedai_connectors::sim::connector(&base, platform, c, tokens, options)?;

    // Message pulls start as soon as a conversation page arrives: conversation listing and
    // message listing are different APIs (and rate-limit buckets), so they overlap.
    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    let mut seen = std::collections::HashSet::new();
    let mut cursor = Cursor::Start;
    let mut conv_pages = 0usize;
    loop {
        let page = connector.list_conversations(&cursor).await?;
        conv_pages += 1;
        for conv in page.items {
            if !seen.insert(conv.id.clone()) {
                continue;
            }
            let connector = connector.clone();
            let sem = sem.clone();
            set.spawn(async move {
                let _permit = sem.acquire_owned().await;
                all_messages(connector.as_ref(), &conv, Cursor::Start, None).await
            });
        }
        match page.next {
            Some(next) => cursor = next,
            None => break,
        }
    }
    let conv_time = started.elapsed();
    let (mut messages, mut pages) = (0usize, conv_pages);
    while let Some(r) = set.join_next().await {
        let pulled = r??;
        messages += pulled.items.len();
        pages += pulled.pages;
    }
    let total = started.elapsed();
    let truth = sim
        .events_log()
        .lines()
        .filter(|l| l.contains("\"type\":\"message\""))
        .count();
    sim.stop().await;
    if truth != messages {
        return Err(format!("pulled {messages} messages, the simulator holds {truth}").into());
    }

    let rate = messages as f64 / total.as_secs_f64();
    println!(
        "{platform}: {messages} messages in {} conversations, {pages} requests, {:.2} s (conversation listing done after {:.2} s), {:.0} messages/s, {:.0} requests/s{}",
        seen.len(),
        total.as_secs_f64(),
        conv_time.as_secs_f64(),
        rate,
        pages as f64 / total.as_secs_f64(),
        if unlimited { " (TikTok rate limit lifted)" } else { "" },
    );
    if messages > 0 && messages < 100_000 {
        let projected = Duration::from_secs_f64(100_000.0 / rate);
        println!(
            "projected for 100,000 messages at this rate: {:.0} s",
            projected.as_secs_f64()
        );
    }
    Ok(())
}
