//! The seeded, deterministic ground truth: shops, buyers, orders and conversations over the
//! last `history_days` before the sim's start. Each shop draws from its own ChaCha stream
//! (seed × shop id), so adding a shop leaves the others unchanged.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use kedai_core::{
    BuyerFact, Event, Order, Platform, Rating, Region, Score, Sender, Shop, Span, Ts,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::phrases::{self, Lang, Topic};
use crate::state::{Buyer, Credentials, OrderRef, Payload, Pending, ShopState, World};
use crate::SimConfig;

pub fn shop_id(platform: Platform, region: Region) -> String {
    let p = match platform {
        Platform::Tiktok => "tt",
        Platform::Shopee => "sp",
        Platform::Lazada => "lz",
    };
    format!("{p}-{}", region.as_str().to_lowercase())
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn hex_token(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.gen_range(0..10), 10).unwrap_or('0'))
        .collect()
}

/// The whole world at `start`.
pub fn world(config: &SimConfig, start: Ts) -> World {
    let mut shops = Vec::new();
    let mut facts = Vec::new();
    let mut pending = Vec::new();
    for (i, &(platform, region)) in config.shops.iter().enumerate() {
        let (shop, f, p) = generate_shop(config, platform, region, start, i);
        shops.push(shop);
        facts.extend(f);
        pending.extend(p);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ 0x11fe_u64);
    let next_arrival = shops
        .iter()
        .map(|_| start + next_gap(&mut rng, config.live_per_hour))
        .collect();
    World {
        shops,
        facts,
        pending,
        codes: HashMap::new(),
        rng,
        next_arrival,
    }
}

/// An exponential gap between arrivals at `per_hour` (sim time).
pub fn next_gap(rng: &mut ChaCha8Rng, per_hour: f64) -> Duration {
    if per_hour <= 0.0 {
        return Duration::days(365 * 100);
    }
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    Duration::seconds((-u.ln() * 3600.0 / per_hour).max(1.0) as i64)
}

fn credentials(rng: &mut ChaCha8Rng, platform: Platform, id: &str) -> (Credentials, String) {
    let access = format!("{}-at-{id}-0-{}", platform.as_str(), hex_token(rng, 16));
    let refresh = format!("{}-rt-{id}-0-{}", platform.as_str(), hex_token(rng, 16));
    match platform {
        Platform::Tiktok => {
            let shop_id = format!("7495{}", digits(rng, 15));
            let user = format!("7{}", digits(rng, 18));
            let creds = Credentials::Tiktok {
                app_key: format!("6{}", hex_token(rng, 12)),
                app_secret: hex_token(rng, 40),
                shop_id,
                shop_cipher: format!("ROW_{}", hex_token(rng, 20).to_uppercase()),
                access_token: access,
                refresh_token: refresh,
            };
            (creds, user)
        }
        Platform::Shopee => {
            let creds = Credentials::Shopee {
                partner_id: rng.gen_range(1_000_000..2_000_000),
                partner_key: hex_token(rng, 64),
                shop_id: rng.gen_range(100_000_000..999_999_999),
                access_token: access,
                refresh_token: refresh,
            };
            (creds, rng.gen_range(10_000_000u64..99_999_999).to_string())
        }
        Platform::Lazada => {
            let seller = rng.gen_range(100_000_000u64..999_999_999).to_string();
            let creds = Credentials::Lazada {
                app_key: rng.gen_range(100_000u64..999_999).to_string(),
                app_secret: hex_token(rng, 32),
                seller_id: seller.clone(),
                access_token: access,
                refresh_token: refresh,
            };
            (creds, seller)
        }
    }
}

fn buyer_name(rng: &mut ChaCha8Rng, region: Region) -> String {
    let first = phrases::first_names(region)
        .choose(rng)
        .copied()
        .unwrap_or("Buyer");
    let last = phrases::last_names(region)
        .choose(rng)
        .copied()
        .unwrap_or("");
    if last.is_empty() {
        first.to_owned()
    } else {
        format!("{first} {last}")
    }
}

fn buyer_id(rng: &mut ChaCha8Rng, platform: Platform) -> String {
    match platform {
        Platform::Tiktok => format!("7494{}", digits(rng, 15)),
        Platform::Shopee => rng.gen_range(10_000_000u64..1_999_999_999).to_string(),
        Platform::Lazada => rng.gen_range(100_000_000u64..9_999_999_999).to_string(),
    }
}

fn new_buyer(
    rng: &mut ChaCha8Rng,
    platform: Platform,
    region: Region,
    used: &mut HashSet<String>,
) -> Buyer {
    let mut id = buyer_id(rng, platform);
    while !used.insert(id.clone()) {
        id = buyer_id(rng, platform);
    }
    Buyer {
        im_id: format!(
            "{}",
            3_000_000_000_000_000u64 + rng.gen_range(0..999_999_999_999u64)
        ),
        name: buyer_name(rng, region),
        id,
    }
}

/// A buyer for a live or injected conversation; `id` when the caller names one.
pub fn named_buyer(w: &mut World, shop: usize, id: Option<String>) -> Buyer {
    let Some(s) = w.shops.get(shop) else {
        return Buyer {
            id: id.unwrap_or_default(),
            im_id: String::new(),
            name: String::new(),
        };
    };
    let (platform, region) = (s.platform(), s.shop.region);
    let mut used: HashSet<String> = s.by_buyer.keys().cloned().collect();
    used.extend(s.orders.iter().map(|o| o.buyer.id.clone()));
    let mut b = new_buyer(&mut w.rng, platform, region, &mut used);
    if let Some(id) = id {
        b.id = id;
    }
    b
}

fn image(rng: &mut ChaCha8Rng, platform: Platform) -> Payload {
    let h = hex_token(rng, 24);
    let url = match platform {
        Platform::Tiktok => format!("https://p16-oec-sg.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/{h}~tplv-aphluv4xwc-origin-jpeg.jpeg"),
        Platform::Shopee => format!("https://cf.shopee.ph/file/sg-11134201-{h}"),
        Platform::Lazada => format!("https://sg-live-01.slatic.net/p/{h}.jpg"),
    };
    let (width, height) = *[(1080, 1440), (720, 1280), (800, 800)]
        .choose(rng)
        .unwrap_or(&(800, 800));
    Payload::Image { url, width, height }
}

fn product(rng: &mut ChaCha8Rng, platform: Platform) -> Payload {
    Payload::Product(match platform {
        Platform::Tiktok => format!("17295{}", digits(rng, 14)),
        Platform::Shopee => rng.gen_range(1_000_000_000u64..29_999_999_999).to_string(),
        Platform::Lazada => format!("3{}", digits(rng, 9)),
    })
}

fn order_id(rng: &mut ChaCha8Rng, platform: Platform, at: Ts) -> String {
    match platform {
        Platform::Tiktok => format!("5768{}", digits(rng, 14)),
        Platform::Shopee => format!(
            "{}{}",
            at.format("%y%m%d"),
            hex_token(rng, 8).to_uppercase()
        ),
        Platform::Lazada => format!("8{}", digits(rng, 14)),
    }
}

/// A small reaction: emoji where the platform has them, a sticker on Shopee.
fn reaction(rng: &mut ChaCha8Rng, platform: Platform) -> Payload {
    match platform {
        Platform::Shopee => Payload::Sticker {
            id: format!("{}", rng.gen_range(1..60)),
            package: format!("{}", rng.gen_range(1..6)),
        },
        _ => Payload::Emoji(
            phrases::EMOTICONS
                .choose(rng)
                .copied()
                .unwrap_or("[smile]")
                .to_owned(),
        ),
    }
}

fn text(rng: &mut ChaCha8Rng, options: &[&str]) -> Payload {
    Payload::Text(options.choose(rng).copied().unwrap_or("Hi").to_owned())
}

pub fn pick_lang(rng: &mut ChaCha8Rng, region: Region) -> Lang {
    let langs = phrases::languages(region);
    langs
        .choose_weighted(rng, |(_, w)| *w)
        .map(|(l, _)| *l)
        .unwrap_or(Lang::En)
}

fn secs(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> Duration {
    Duration::seconds(rng.gen_range(lo..=hi))
}

struct Draft {
    conv: usize,
    at: Ts,
    from: Sender,
    payload: Payload,
}

struct Ctx<'a> {
    platform: Platform,
    region: Region,
    shop: &'a str,
    start: Ts,
    holiday: Option<(Ts, Ts)>,
    auto_reply: bool,
    has_bot: bool,
}

/// Moves a night-time instant into the local day most of the time, as buyers sleep too.
fn daytime(rng: &mut ChaCha8Rng, t: Ts, tz: Tz, start: Ts) -> Ts {
    let hour = t.with_timezone(&tz).hour();
    if hour < 8 && rng.gen_bool(0.8) {
        let moved = t + Duration::hours(9);
        if moved < start - Duration::minutes(30) {
            return moved;
        }
    }
    t
}

fn score(rng: &mut ChaCha8Rng) -> Score {
    let all = [
        (Score::VerySatisfied, 45),
        (Score::Satisfied, 25),
        (Score::Neutral, 15),
        (Score::Dissatisfied, 10),
        (Score::VeryDissatisfied, 5),
    ];
    all.choose_weighted(rng, |(_, w)| *w)
        .map(|(s, _)| *s)
        .unwrap_or(Score::Neutral)
}

/// The agent's delay after a buyer's opening message, or `None` for never.
fn reply_delay(rng: &mut ChaCha8Rng, ctx: &Ctx, at: Ts) -> Option<Duration> {
    if let Some((from, to)) = ctx.holiday {
        if from <= at && at < to {
            return rng
                .gen_bool(0.7)
                .then(|| (to - at) + secs(rng, 600, 5 * 3600));
        }
    }
    let r: f64 = rng.gen();
    if r < 0.10 {
        None
    } else if r < 0.55 {
        Some(secs(rng, 60, 1800))
    } else if r < 0.80 {
        Some(secs(rng, 1800, 3 * 3600))
    } else if r < 0.93 {
        Some(secs(rng, 3 * 3600, 12 * 3600))
    } else {
        Some(secs(rng, 12 * 3600, 40 * 3600))
    }
}

/// One conversation's messages (and ratings, orders, buyer facts beside them).
fn conversation(
    rng: &mut ChaCha8Rng,
    ctx: &Ctx,
    conv: usize,
    buyer: &Buyer,
    first_at: Ts,
    orders: &mut Vec<OrderRef>,
    facts: &mut Vec<Event>,
) -> Vec<Draft> {
    let p = ctx.platform;
    let mut out = Vec::new();
    let mut put = |at: Ts, from: Sender, payload: Payload| {
        out.push(Draft {
            conv,
            at,
            from,
            payload,
        })
    };
    let lang = pick_lang(rng, ctx.region);
    let topic = *[
        Topic::PrePurchase,
        Topic::PrePurchase,
        Topic::PrePurchase,
        Topic::Logistics,
        Topic::Logistics,
        Topic::AfterSales,
    ]
    .choose(rng)
    .unwrap_or(&Topic::PrePurchase);
    let order = if topic != Topic::PrePurchase || rng.gen_bool(0.25) {
        let at = if topic == Topic::PrePurchase {
            first_at + secs(rng, 3600, 3 * 3600)
        } else {
            first_at - secs(rng, 3600, 10 * 86400)
        };
        (at < ctx.start).then(|| {
            let id = order_id(rng, p, at);
            let (cur, rate) = phrases::currency(ctx.region);
            let amount = (rng.gen_range(5.0..80.0) * rate * 100.0_f64).round() / 100.0;
            let status = ["COMPLETED", "DELIVERED", "IN_TRANSIT", "AWAITING_SHIPMENT"]
                .choose(rng)
                .copied();
            facts.push(Event::Order(Order {
                shop: ctx.shop.to_owned(),
                buyer: buyer.id.clone(),
                id: id.clone(),
                at,
                amount: Some(amount),
                currency: Some(cur.to_owned()),
                status: status.map(str::to_owned),
            }));
            orders.push(OrderRef {
                id: id.clone(),
                buyer: buyer.clone(),
                at,
            });
            id
        })
    } else {
        None
    };
    let sessions = *[1, 1, 1, 1, 1, 1, 2, 2, 2, 3].choose(rng).unwrap_or(&1);
    let mut t = first_at;
    for s in 0..sessions {
        if t >= ctx.start {
            break;
        }
        // Shopee's FAQ assistant: the buyer taps a question, maybe "chat with shop agent".
        if p == Platform::Shopee && ctx.has_bot && rng.gen_bool(0.2) {
            let with_agent = rng.gen_bool(0.5);
            put(t, Sender::Buyer, Payload::Faq(with_agent));
            put(
                t + secs(rng, 1, 3),
                Sender::Bot,
                text(rng, phrases::bot_answer(lang)),
            );
            t += secs(rng, 20, 120);
            if !with_agent && rng.gen_bool(0.5) {
                t += Duration::days(rng.gen_range(1..6));
                continue;
            }
        }
        if s == 0 && topic == Topic::PrePurchase && rng.gen_bool(0.5) {
            put(t, Sender::Buyer, product(rng, p));
            t += secs(rng, 5, 40);
        }
        if s == 0 && topic != Topic::PrePurchase && rng.gen_bool(0.6) {
            if let Some(o) = &order {
                put(t, Sender::Buyer, Payload::Order(o.clone()));
                t += secs(rng, 5, 40);
            }
        }
        let opened = t;
        put(t, Sender::Buyer, text(rng, phrases::opener(lang, topic)));
        if topic == Topic::AfterSales && rng.gen_bool(0.5) {
            t += secs(rng, 10, 60);
            put(t, Sender::Buyer, image(rng, p));
        }
        if rng.gen_bool(0.03) {
            t += secs(rng, 10, 60);
            let url = format!("https://video.sim.kedai/{}.mp4", hex_token(rng, 12));
            put(
                t,
                Sender::Buyer,
                Payload::Video {
                    url,
                    duration: rng.gen_range(5..60),
                },
            );
        }
        if rng.gen_bool(0.12) {
            t += secs(rng, 5, 30);
            put(t, Sender::Buyer, reaction(rng, p));
        }
        let on_holiday = ctx.holiday.is_some_and(|(a, b)| a <= opened && opened < b);
        if on_holiday {
            put(
                t + secs(rng, 2, 5),
                Sender::Auto,
                Payload::Text(phrases::away_reply(lang).into()),
            );
        } else if ctx.auto_reply && (s == 0 || rng.gen_bool(0.3)) {
            put(
                t + secs(rng, 2, 8),
                Sender::Auto,
                Payload::Text(phrases::auto_reply(lang).into()),
            );
        }
        if p == Platform::Tiktok && ctx.has_bot && rng.gen_bool(0.15) {
            put(
                t + secs(rng, 9, 15),
                Sender::Bot,
                text(rng, phrases::bot_answer(lang)),
            );
        }
        let delay = reply_delay(rng, ctx, opened);
        let wait = delay.unwrap_or(Duration::hours(8));
        if wait > Duration::minutes(20) && rng.gen_bool(0.45) {
            let room = (wait - Duration::minutes(1))
                .num_seconds()
                .clamp(601, 3 * 3600);
            let f = opened + secs(rng, 600, room);
            if f > t {
                t = f;
                put(t, Sender::Buyer, text(rng, phrases::follow_up(lang)));
            }
        }
        let Some(delay) = delay else {
            t += Duration::days(rng.gen_range(1..8));
            continue;
        };
        let mut r = (opened + delay).max(t + Duration::seconds(30));
        put(
            r,
            Sender::Agent,
            text(rng, phrases::agent_reply(lang, topic)),
        );
        if rng.gen_bool(0.25) {
            r += secs(rng, 20, 120);
            let extra = match rng.gen_range(0..3) {
                0 => product(rng, p),
                1 => image(rng, p),
                _ => Payload::Voucher(digits(rng, 12)),
            };
            put(r, Sender::Agent, extra);
        }
        t = r;
        if rng.gen_bool(0.4) {
            t += secs(rng, 60, 1800);
            let thanks = if rng.gen_bool(0.3) {
                reaction(rng, p)
            } else {
                text(rng, phrases::thanks(lang))
            };
            put(t, Sender::Buyer, thanks);
        }
        if p == Platform::Tiktok && rng.gen_bool(0.35) {
            let at = t + secs(rng, 300, 7200);
            if at < ctx.start {
                facts.push(Event::Rating(Rating {
                    shop: ctx.shop.to_owned(),
                    conversation: String::new(), // filled once the conversation has its id
                    at,
                    score: score(rng),
                }));
            }
        }
        t += Duration::days(rng.gen_range(1..8));
    }
    if order.is_some() && rng.gen_bool(0.3) {
        let notices = phrases::system_notice(p);
        put(
            first_at + secs(rng, 3600, 72 * 3600),
            Sender::System,
            text(rng, notices),
        );
    }
    out
}

fn generate_shop(
    config: &SimConfig,
    platform: Platform,
    region: Region,
    start: Ts,
    index: usize,
) -> (ShopState, Vec<Event>, Vec<Pending>) {
    let id = shop_id(platform, region);
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ fnv(&id));
    let tz: Tz = phrases::zone(region).parse().unwrap_or(chrono_tz::UTC);
    let (a, b) = phrases::shop_words(region);
    let name = format!(
        "{} {}",
        a.choose(&mut rng).copied().unwrap_or("Kedai"),
        b.choose(&mut rng).copied().unwrap_or("Store")
    );
    let (credentials, user_id) = credentials(&mut rng, platform, &id);
    let now = Utc::now();
    let shop = Shop {
        shop: id.clone(),
        platform,
        region,
        tz,
        name: Some(name),
        mall: Some(rng.gen_bool(0.2)),
    };
    let mut facts = Vec::new();
    let days = i64::from(config.history_days.max(1));
    let holiday = (days >= 7 && rng.gen_bool(0.5)).then(|| {
        let local_day = (start - Duration::days(rng.gen_range(4..days - 1)))
            .with_timezone(&tz)
            .date_naive();
        let from = tz
            .from_local_datetime(&local_day.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(start - Duration::days(5));
        let to = (from + Duration::days(rng.gen_range(2..4))).min(start - Duration::hours(1));
        facts.push(Event::HolidayMode(Span {
            shop: id.clone(),
            from,
            to: Some(to),
        }));
        (from, to)
    });
    let ctx = Ctx {
        platform,
        region,
        shop: &id,
        start,
        holiday,
        auto_reply: rng.gen_bool(0.6),
        has_bot: platform != Platform::Lazada && rng.gen_bool(0.5),
    };
    let mut used = HashSet::new();
    let mut orders = Vec::new();
    let mut drafts = Vec::new();
    let mut buyers = Vec::new();
    let mut firsts = Vec::new();
    let mut ratings: Vec<(usize, usize)> = Vec::new(); // (conv, index in facts)
    for c in 0..config.conversations_per_shop as usize {
        let buyer = new_buyer(&mut rng, platform, region, &mut used);
        let back = rng.gen_range(3600..days * 86400);
        let first_at = daytime(&mut rng, start - Duration::seconds(back), tz, start);
        let before = facts.len();
        drafts.extend(conversation(
            &mut rng,
            &ctx,
            c,
            &buyer,
            first_at,
            &mut orders,
            &mut facts,
        ));
        for (i, f) in facts.iter().enumerate().skip(before) {
            if matches!(f, Event::Rating(_)) {
                ratings.push((c, i));
            }
        }
        if rng.gen_bool(0.04) {
            let at = first_at + secs(&mut rng, 3600, 48 * 3600);
            if at < start {
                facts.push(Event::Buyer(BuyerFact {
                    shop: id.clone(),
                    buyer: buyer.id.clone(),
                    at,
                    blocked: Some(true),
                    account_state: None,
                }));
            }
        }
        buyers.push(buyer);
        firsts.push(first_at);
    }
    // Seller broadcasts to a share of the buyers who chatted before.
    for _ in 0..rng.gen_range(1..=3) {
        let at = start - Duration::seconds(rng.gen_range(3600..days * 86400));
        let lang = pick_lang(&mut rng, region);
        let words = text(&mut rng, phrases::broadcast(lang));
        for (c, first) in firsts.iter().enumerate() {
            if *first < at && rng.gen_bool(0.35) {
                drafts.push(Draft {
                    conv: c,
                    at,
                    from: Sender::Broadcast,
                    payload: words.clone(),
                });
                if rng.gen_bool(0.1) {
                    let reply = text(
                        &mut rng,
                        &["How much?", "Berapa harga?", "Still available?"],
                    );
                    drafts.push(Draft {
                        conv: c,
                        at: at + secs(&mut rng, 120, 7200),
                        from: Sender::Buyer,
                        payload: reply,
                    });
                }
            }
        }
    }
    drafts.sort_by_key(|d| (d.at, d.conv));
    let mut state = ShopState {
        shop,
        credentials,
        access_expires: now + crate::state::token_ttl(config, platform),
        refresh_expires: now + Duration::days(30),
        user_id,
        convs: Vec::new(),
        by_id: HashMap::new(),
        by_buyer: HashMap::new(),
        orders,
        next_seq: 1_000,
        next_conv: 1,
        auto_reply: ctx.auto_reply,
        can_accept_chat: true,
        token_generation: 0,
    };
    // Conversations get their ids in the order they start.
    let mut conv_index = vec![usize::MAX; buyers.len()];
    let mut pending = Vec::new();
    for d in drafts {
        let Some(slot) = conv_index.get(d.conv).copied() else {
            continue;
        };
        let slot = if slot == usize::MAX {
            let created = d.at.min(start);
            let i = state.open_conv(buyers[d.conv].clone(), created);
            conv_index[d.conv] = i;
            i
        } else {
            slot
        };
        if d.at < start {
            state.push(slot, d.at, d.from, d.payload);
        } else {
            pending.push(Pending {
                shop: index,
                conv: slot,
                at: d.at,
                from: d.from,
                payload: d.payload,
            });
        }
    }
    for (c, fi) in ratings {
        let conv_id = conv_index
            .get(c)
            .and_then(|&i| state.convs.get(i))
            .map(|c| c.id.clone());
        if let (Some(Event::Rating(r)), Some(cid)) = (facts.get_mut(fi), conv_id) {
            r.conversation = cid;
        }
    }
    facts.retain(|f| !matches!(f, Event::Rating(r) if r.conversation.is_empty()));
    for c in &mut state.convs {
        c.pinned = rng.gen_bool(0.05);
        if c.last_at().is_some_and(|t| t < start - Duration::days(3)) {
            c.unread = 0;
        }
        if let Some(first) = c.messages.first() {
            c.created = first.at;
        }
    }
    (state, facts, pending)
}
