//! `kedai bench`: generates a large shop history with a fixed seed and times the paths the
//! product's performance targets name. Every figure printed is measured on this machine.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::TimeZone;
use clap::Args;
use kedai_core::engine;
use kedai_core::history::HistoryBuilder;
use kedai_core::inbox::Filter;
use kedai_core::model::*;
use kedai_core::time::{format_instant, parse_instant};
use kedai_core::{ShopSettings, Ts};
use kedai_store::{InboxQuery, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Args)]
pub struct BenchArgs {
    /// Messages in the generated history.
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// Conversations they are spread over.
    #[arg(long, default_value_t = 200_000)]
    conversations: usize,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Repetitions of each timed query (the median is reported).
    #[arg(long, default_value_t = 200)]
    repeat: usize,
    /// Print the figures as JSON.
    #[arg(long)]
    json: bool,
    /// Keep the generated SQLite file here (for inspection) instead of a temporary one.
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
    /// Time the engine alone (clocks and §5), without the SQLite import, inbox and header.
    #[arg(long)]
    engine_only: bool,
    /// Time the SQLite import alone (generate, import, stop): no engine, inbox or header.
    #[arg(long, conflicts_with = "engine_only")]
    import_only: bool,
}

const SHOP: &str = "bench-tt";

/// Runs of the engine timed from scratch (each builds every clock again).
const ENGINE_RUNS: usize = 5;

/// The end of the generated 30 days, and the instant every figure is taken at.
fn end() -> Ts {
    parse_instant("2026-07-20T04:00:00Z").expect("valid instant")
}

fn shop() -> Shop {
    Shop {
        shop: SHOP.to_owned(),
        platform: Platform::Tiktok,
        region: Region::MY,
        tz: chrono_tz::Asia::Kuala_Lumpur,
        name: Some("Bench shop".to_owned()),
        mall: None,
    }
}

/// A seeded history: conversations start anywhere in the 30 days; buyers write, agents
/// answer after minutes to hours (sometimes too late, sometimes never), and now and then
/// an auto-reply answers first.
pub fn generate(messages: usize, conversations: usize, seed: u64) -> Vec<Event> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let end_ms = end().timestamp_millis();
    let span_ms = 30 * 24 * 3600 * 1000_i64;
    let mut events = Vec::with_capacity(messages + 1);
    events.push(Event::Shop(shop()));
    let per = messages.div_ceil(conversations.max(1));
    let mut left = messages;
    for c in 0..conversations {
        if left == 0 {
            break;
        }
        let n = per.min(left);
        left -= n;
        let buyer = format!("b{}", c % (conversations / 2 + 1));
        let mut at = end_ms - rng.gen_range(0..span_ms);
        let mut from = Sender::Buyer;
        for k in 0..n {
            if at >= end_ms {
                at = end_ms - 1;
            }
            let (text, agent) = match from {
                Sender::Buyer => (Some("Is this in stock?".to_owned()), None),
                Sender::Auto => (Some("Thanks, we will reply soon".to_owned()), None),
                _ => (
                    Some("Yes, ships today".to_owned()),
                    Some(format!("agent{}", c % 7)),
                ),
            };
            events.push(Event::Message(Message {
                shop: SHOP.to_owned(),
                conversation: format!("c{c}"),
                id: format!("m{c}-{k}"),
                at: chrono::Utc
                    .timestamp_millis_opt(at)
                    .single()
                    .expect("in range"),
                from,
                buyer: buyer.clone(),
                kind: Kind::Text,
                text,
                agent,
                faq_chat_with_agent: None,
                platform_handled: None,
            }));
            // The next message: a reply after 1 minute to 30 hours, or the buyer again.
            from = match from {
                Sender::Buyer => match rng.gen_range(0..20) {
                    0 => Sender::Auto,
                    1..=3 => Sender::Buyer,
                    _ => Sender::Agent,
                },
                _ => Sender::Buyer,
            };
            // Most replies within two hours, some within the day, a few past 12 hours.
            let minutes = match rng.gen_range(0..10) {
                0..=6 => rng.gen_range(1..120),
                7 | 8 => rng.gen_range(120..720),
                _ => rng.gen_range(720..1800),
            };
            at += minutes * 60_000 + rng.gen_range(0..60_000);
        }
    }
    events
}

/// CPU time the process has used so far, every thread, user and system: on a shared machine
/// it says how much of a wall-clock figure was work and how much waiting for a core.
fn process_cpu() -> Duration {
    #[cfg(unix)]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            let tv = |t: libc::timeval| {
                Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
            };
            return tv(usage.ru_utime) + tv(usage.ru_stime);
        }
    }
    Duration::ZERO
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let out = f();
    (out, started.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Figures(Vec<(String, String)>);

impl Figures {
    fn print(self, json: bool) -> Result<()> {
        if json {
            let map: serde_json::Map<_, _> = self
                .0
                .into_iter()
                .map(|(k, v)| (k, serde_json::Value::String(v)))
                .collect();
            println!("{}", serde_json::Value::Object(map));
        }
        Ok(())
    }

    fn add(&mut self, name: &str, value: String) {
        eprintln!("  {name:<52} {value}");
        self.0.push((name.to_owned(), value));
    }
}

/// The engine, one core: facts to clocks to §5.
fn engine(events: &[Event], out: &mut Figures) -> Result<()> {
    let (history, took) = time(|| {
        let mut b = HistoryBuilder::new();
        for (i, e) in events.iter().cloned().enumerate() {
            b.add(i + 1, e);
        }
        b.build().map(|(h, _)| h)
    });
    let history = history.map_err(|e| anyhow::anyhow!("generated history: {:?}", e.first()))?;
    out.add(
        "history from events (not a target)",
        format!("{:.0} ms", ms(took)),
    );
    let shop_history = &history.shops[SHOP];
    let settings = ShopSettings::default();
    // The first run pays for fresh memory; the figure is the median of five, and the first
    // is shown beside it.
    let run = || {
        let clocks = engine::clocks(shop_history, &settings);
        let m = engine::metrics(
            &shop_history.shop,
            &settings,
            &clocks,
            &shop_history.orders,
            end(),
        );
        (clocks, m)
    };
    let ((mut clocks, mut metrics), first) = time(run);
    let mut samples = vec![first];
    for _ in 1..ENGINE_RUNS {
        drop(clocks);
        let ((c, m), took) = time(run);
        (clocks, metrics) = (c, m);
        samples.push(took);
    }
    out.add(
        "metrics, 1 shop, 30 days: clocks + §5",
        format!(
            "{:.0} ms median of {ENGINE_RUNS} (first run {:.0} ms)",
            ms(median(samples)),
            ms(first)
        ),
    );
    let samples: Vec<Duration> = (0..ENGINE_RUNS)
        .map(|_| {
            time(|| {
                engine::metrics(
                    &shop_history.shop,
                    &settings,
                    &clocks,
                    &shop_history.orders,
                    end(),
                )
            })
            .1
        })
        .collect();
    out.add(
        "metrics, 1 shop, 30 days: §5 from clocks",
        format!("{:.0} ms median of {ENGINE_RUNS}", ms(median(samples))),
    );
    let rate = metrics.get("response_rate_12h").and_then(|f| f.value);
    out.add("  (response_rate_12h, a sanity check)", format!("{rate:?}"));
    Ok(())
}

pub fn run(args: &BenchArgs) -> Result<()> {
    let mut out = Figures(Vec::new());
    eprintln!(
        "kedai bench: {} messages in {} conversations, one TikTok MY shop, 30 days to {}, seed {}",
        args.messages,
        args.conversations,
        format_instant(end()),
        args.seed
    );
    let (events, took) = time(|| generate(args.messages, args.conversations, args.seed));
    out.add("generate (not a target)", format!("{:.0} ms", ms(took)));
    if !args.import_only {
        engine(&events, &mut out)?;
        if args.engine_only {
            return out.print(args.json);
        }
    }

    // Import: the event log as text into a fresh SQLite file.
    let dir = tempfile::tempdir().context("temporary directory")?;
    let db = args
        .keep
        .clone()
        .unwrap_or_else(|| dir.path().join("bench.sqlite"));
    let text: String = events
        .iter()
        .map(|e| serde_json::to_string(e).expect("events serialize") + "\n")
        .collect();
    drop(events);
    // As `kedai import` into a new file: built beside it, renamed into place, opened.
    let cpu_before = process_cpu();
    let (imported, took) = time(|| Store::import_new(&db, &text, false));
    let cpu = process_cpu().saturating_sub(cpu_before);
    let (mut store, report) = imported.context("import")?;
    drop(text);
    out.add(
        "import event log into SQLite",
        format!(
            "{:.0} messages/s ({} events in {:.1} s; CPU {:.1} s user+system, all threads)",
            args.messages as f64 / took.as_secs_f64(),
            report.events,
            took.as_secs_f64(),
            cpu.as_secs_f64()
        ),
    );
    if args.import_only {
        return out.print(args.json);
    }

    // The inbox over every stored conversation, live at the end instant.
    let now = end();
    for filter in Filter::ALL {
        let q = InboxQuery::page(filter, now);
        let mut samples = Vec::with_capacity(args.repeat);
        let mut rows = 0;
        for _ in 0..args.repeat {
            let (page, took) = time(|| store.inbox(&q));
            rows = page?.len();
            samples.push(took);
        }
        out.add(
            &format!("inbox first page of 50, {} ({rows} rows)", filter.as_str()),
            format!("{:.2} ms median", ms(median(samples))),
        );
    }
    let mut samples = Vec::with_capacity(args.repeat);
    let mut counts = Vec::new();
    for _ in 0..args.repeat {
        let (c, took) = time(|| store.inbox_counts(None, now));
        counts = c?.to_vec();
        samples.push(took);
    }
    out.add(
        "inbox, all seven counts",
        format!("{:.2} ms median", ms(median(samples))),
    );
    let counts: Vec<String> = counts
        .iter()
        .map(|(f, n)| format!("{} {n}", f.as_str()))
        .collect();
    out.add("  (counts)", counts.join(", "));

    // The header: one new buyer message arrives, then the shop's metrics are read.
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed ^ 0x4845_4144);
    let mut samples = Vec::with_capacity(args.repeat);
    let mut at = now;
    for i in 0..args.repeat {
        at += chrono::Duration::milliseconds(1);
        let c = rng.gen_range(0..args.conversations);
        let message = Message {
            shop: SHOP.to_owned(),
            conversation: format!("header-{i}-c{c}"),
            id: format!("header-{i}"),
            at,
            from: Sender::Buyer,
            buyer: format!("hb{c}"),
            kind: Kind::Text,
            text: Some("Hello?".to_owned()),
            agent: None,
            faq_chat_with_agent: None,
            platform_handled: None,
        };
        let (m, took) = time(|| -> Result<_> {
            store.apply([Event::Message(message)])?;
            Ok(store.metrics(SHOP, at)?)
        });
        m?;
        samples.push(took);
    }
    out.add(
        "header: one new message, then the shop's metrics",
        format!("{:.2} ms median", ms(median(samples))),
    );
    out.print(args.json)
}
