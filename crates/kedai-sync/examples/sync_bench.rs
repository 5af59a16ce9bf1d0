//! The sync's two performance figures against the local simulator:
//!
//! 1. backfill: three shops (TikTok Shop MY, Shopee PH, Lazada MY) holding `--messages` in all,
//!    synced from nothing into a fresh store (one `once` pass per shop, all at once);
//! 2. freshness: with the sync running at `--poll-ms`, a buyer message injected into the
//!    simulator at a random moment, until it is in the store (`--samples` times).
//!
//! ```text
//! cargo run --release -p kedai-sync --example sync_bench -- --messages 300000
//! cargo run --release -p kedai-sync --example sync_bench -- --messages 300000 --unlimited
//! ```
//!
//! `--unlimited` lifts TikTok Shop's own 50 requests/s (the connector keeps to it by default;
//! with 10 messages a page TikTok alone then needs at least `messages / 3 / 10 / 50` seconds).
//! Every figure printed is measured; the run fails if the store does not hold exactly the
//! simulator's messages.

use std::time::{Duration, Instant};

use kedai_connectors::{ClientOptions, RateLimiter};
use kedai_core::{Platform, Shop};
use kedai_sim::SimConfig;
use kedai_store::Store;
use kedai_sync::{once, Clock, Db, ShopLink, Sync, SyncOptions};
use rand::Rng;
use serde_json::Value;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Res<T>
where
    T::Err: std::error::Error + 'static,
{
    match args.iter().position(|a| a == name) {
        Some(i) => Ok(args
            .get(i + 1)
            .ok_or(format!("{name} needs a value"))?
            .parse()?),
        None => Ok(default),
    }
}

fn config(conversations: u32) -> SimConfig {
    SimConfig {
        seed: 42,
        // the default shops: TikTok Shop MY, Shopee PH, Lazada MY
        speed: 0.0,
        history_days: 30,
        conversations_per_shop: conversations,
        ..Default::default()
    }
}

fn count_messages(log: &str) -> usize {
    log.lines()
        .filter(|l| l.contains("\"type\":\"message\""))
        .count()
}

/// Every shop of the simulator, connected; TikTok's request limit lifted when `unlimited`.
async fn links(base: &str, unlimited: bool) -> Res<Vec<ShopLink>> {
    let listed: Vec<Value> = reqwest::get(format!("{base}/_sim/shops"))
        .await?
        .json()
        .await?;
    let mut out = Vec::new();
    for s in listed {
        let platform: Platform = serde_json::from_value(s["platform"].clone())?;
        let creds = &s["credentials"];
        let mut options = ClientOptions::for_platform(platform);
        if unlimited {
            options.limiter = RateLimiter::new(None);
        }
        let tokens = kedai_connectors::sim::tokens(creds)?;
        let connector = kedai_connectors::sim::connector(base, platform, creds, tokens, options)?;
        out.push(ShopLink {
            shop: Shop {
                shop: s["shop"].as_str().ok_or("shop id")?.to_owned(),
                platform,
                region: serde_json::from_value(s["region"].clone())?,
                tz: s["tz"].as_str().ok_or("tz")?.parse().map_err(|_| "tz")?,
                name: s["name"].as_str().map(str::to_owned),
                mall: None,
            },
            connector,
            secrets: None,
        });
    }
    Ok(out)
}

fn stored_messages(db: &std::path::Path) -> Res<usize> {
    let store = Store::open(db)?;
    let n: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
    Ok(n as usize)
}

#[tokio::main]
async fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target: usize = arg(&args, "--messages", 300_000)?;
    let poll = Duration::from_millis(arg(&args, "--poll-ms", 1_000)?);
    let samples: usize = arg(&args, "--samples", 20)?;
    let unlimited = args.iter().any(|a| a == "--unlimited");

    // size the shops from a small probe of the same generator
    let probe = kedai_sim::start(config(100), "127.0.0.1:0".parse()?).await?;
    let per_conv = count_messages(&probe.events_log()) as f64 / 300.0;
    probe.stop().await;
    let mut conversations = (target as f64 / 3.0 / per_conv).ceil() as u32;
    let t = Instant::now();
    let mut sim = kedai_sim::start(config(conversations), "127.0.0.1:0".parse()?).await?;
    let mut truth = count_messages(&sim.events_log());
    if truth < target {
        // the probe's average was a little high: scale up once, so the figure is for at least
        // the messages asked for
        sim.stop().await;
        conversations =
            (f64::from(conversations) * target as f64 / truth as f64 * 1.01).ceil() as u32;
        sim = kedai_sim::start(config(conversations), "127.0.0.1:0".parse()?).await?;
        truth = count_messages(&sim.events_log());
    }
    let base = sim.base_url();
    eprintln!(
        "simulator: {truth} messages in {} conversations a shop, generated in {:.1} s",
        conversations,
        t.elapsed().as_secs_f64()
    );

    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.sqlite");
    let options = SyncOptions {
        poll_interval: poll,
        ..SyncOptions::default()
    };

    // 1. backfill
    let started = Instant::now();
    let outcomes = once(
        Db::open(&db)?,
        links(&base, unlimited).await?,
        Clock::of_sim(&reqwest::Client::new(), &base).await?,
        options.clone(),
    )
    .await?;
    let backfill = started.elapsed();
    for o in &outcomes {
        if let Err(e) = &o.result {
            return Err(format!("{}: {e}", o.shop).into());
        }
    }
    let stored = stored_messages(&db)?;
    if stored != truth {
        return Err(format!("the store holds {stored} messages, the simulator {truth}").into());
    }

    // 2. freshness
    let sync = Sync::start(
        Db::open(&db)?,
        links(&base, unlimited).await?,
        Clock::of_sim(&reqwest::Client::new(), &base).await?,
        options,
    )
    .await?;
    let http = reqwest::Client::new();
    let reader = Store::open(&db)?;
    let mut rng = rand::thread_rng();
    let mut waits = Vec::new();
    for i in 0..samples {
        tokio::time::sleep(poll.mul_f64(rng.gen_range(0.0..1.0))).await;
        let shop = ["tt-my", "sp-ph", "lz-my"][i % 3];
        let sent = Instant::now();
        let event: Value = http
            .post(format!("{base}/_sim/messages"))
            .json(&serde_json::json!({"shop": shop, "text": format!("bench {i}: still in stock?")}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = event["id"]
            .as_str()
            .or_else(|| event["message"]["id"].as_str())
            .ok_or_else(|| format!("no message id in {event}"))?
            .to_owned();
        loop {
            let here: i64 = reader.connection().query_row(
                "SELECT count(*) FROM messages WHERE shop = ?1 AND id = ?2",
                [shop, id.as_str()],
                |r| r.get(0),
            )?;
            if here == 1 {
                waits.push(sent.elapsed());
                break;
            }
            if sent.elapsed() > poll * 10 + Duration::from_secs(10) {
                return Err(format!("message {shop}/{id} never arrived").into());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    sync.stop().await;
    sim.stop().await;

    waits.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let median = waits[waits.len() / 2];
    let p95 = waits[(waits.len() * 95 / 100).min(waits.len() - 1)];
    let max = *waits.last().ok_or("no samples")?;
    println!(
        "backfill: {stored} messages of 3 shops in {:.1} s ({:.0} msg/s){}",
        backfill.as_secs_f64(),
        stored as f64 / backfill.as_secs_f64(),
        if unlimited {
            " [TikTok's 50 req/s lifted]"
        } else {
            ""
        }
    );
    println!(
        "freshness: poll {:.0} ms; injected → stored median {:.0} ms, p95 {:.0} ms, max {:.0} ms over {samples} messages (target ≤ poll + 500 = {:.0} ms)",
        ms(poll),
        ms(median),
        ms(p95),
        ms(max),
        ms(poll) + 500.0
    );
    Ok(())
}
