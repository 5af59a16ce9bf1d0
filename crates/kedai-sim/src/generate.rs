//! The seeded, deterministic ground truth: shops, buyers, orders and conversations over the
//! last `history_days` before the sim's start. Each shop draws from its own ChaCha stream
//! (seed × shop id), so adding a shop leaves the others unchanged.

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use kedai_core::{BuyerFact, Event, Platform, Region, Sender, Shop, Span, Ts};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::phrases::{self, Lang};
use crate::script::{conversation, daytime, secs, text, Ctx, Draft};
use crate::state::{Buyer, Credentials, Pending, ShopState, World};
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

pub(crate) fn hex_token(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0'))
        .collect()
}

pub(crate) fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
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
    // Capped at a century: a tiny rate must not overflow the instant.
    Duration::seconds((-u.ln() * 3600.0 / per_hour).clamp(1.0, 3.15e9) as i64)
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

pub fn pick_lang(rng: &mut ChaCha8Rng, region: Region) -> Lang {
    let langs = phrases::languages(region);
    langs
        .choose_weighted(rng, |(_, w)| *w)
        .map(|(l, _)| *l)
        .unwrap_or(Lang::En)
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
        published: None,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use kedai_core::history::parse_log;
    use kedai_core::{Kind, Message};

    use super::*;

    fn config(seed: u64, shops: Vec<(Platform, Region)>) -> SimConfig {
        SimConfig {
            seed,
            shops,
            conversations_per_shop: 200,
            ..SimConfig::default()
        }
    }

    fn start() -> Ts {
        kedai_core::time::parse_instant("2026-07-20T04:00:00Z").unwrap()
    }

    fn three() -> Vec<(Platform, Region)> {
        vec![
            (Platform::Tiktok, Region::MY),
            (Platform::Shopee, Region::PH),
            (Platform::Lazada, Region::MY),
        ]
    }

    fn messages(log: &str) -> Vec<Message> {
        parse_log(log, false)
            .unwrap()
            .events
            .into_iter()
            .filter_map(|(_, e)| match e {
                Event::Message(m) => Some(m),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_world_and_another_seed_another() {
        let a = world(&config(5, three()), start()).events_log();
        let b = world(&config(5, three()), start()).events_log();
        let c = world(&config(6, three()), start()).events_log();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn adding_a_shop_leaves_the_other_shops_unchanged() {
        let lines_of = |log: &str, shop: &str| -> Vec<String> {
            let tag = format!("\"shop\":\"{shop}\"");
            log.lines()
                .filter(|l| l.contains(&tag))
                .map(str::to_owned)
                .collect()
        };
        let one = world(&config(5, vec![(Platform::Shopee, Region::PH)]), start()).events_log();
        let all = world(&config(5, three()), start()).events_log();
        assert_eq!(lines_of(&one, "sp-ph"), lines_of(&all, "sp-ph"));
    }

    #[test]
    fn every_message_fits_the_wire_of_its_platform() {
        let log = world(&config(9, three()), start()).events_log();
        parse_log(&log, false)
            .unwrap()
            .into_history()
            .expect("a valid history");
        for m in messages(&log) {
            assert!(m.at < start(), "history is before the start");
            assert_eq!(m.at.timestamp_subsec_nanos(), 0, "whole seconds");
            assert_eq!(m.agent, None);
            assert_eq!(
                m.text.is_some(),
                matches!(m.kind, Kind::Text | Kind::Emoji),
                "{m:?}"
            );
            assert_eq!(m.faq_chat_with_agent.is_some(), m.kind == Kind::FaqPrompt);
            let fits = match m.shop.as_str() {
                "tt-my" => !matches!(m.kind, Kind::Sticker | Kind::FaqPrompt),
                "sp-ph" => m.kind != Kind::Emoji,
                _ => !matches!(m.kind, Kind::Sticker | Kind::FaqPrompt) && m.from != Sender::Bot,
            };
            assert!(fits, "{m:?}");
        }
    }

    #[test]
    fn the_history_has_the_variety_the_brief_asks_for() {
        // Bots, auto replies and holidays are per shop, so look at a few seeds together.
        let log: String = (1..=4)
            .map(|s| world(&config(s, three()), start()).events_log())
            .collect();
        let msgs: Vec<Message> = (1..=4)
            .flat_map(|s| messages(&world(&config(s, three()), start()).events_log()))
            .collect();
        let senders: BTreeSet<Sender> = msgs.iter().map(|m| m.from).collect();
        for s in [
            Sender::Buyer,
            Sender::Agent,
            Sender::Auto,
            Sender::Bot,
            Sender::System,
            Sender::Broadcast,
        ] {
            assert!(senders.contains(&s), "no {s:?} message");
        }
        let kinds: BTreeSet<Kind> = msgs.iter().map(|m| m.kind).collect();
        for k in [
            Kind::Text,
            Kind::Image,
            Kind::Emoji,
            Kind::Sticker,
            Kind::ProductCard,
            Kind::OrderCard,
            Kind::FaqPrompt,
            Kind::Other,
        ] {
            assert!(kinds.contains(&k), "no {k:?} message");
        }
        let malay = msgs.iter().any(|m| {
            m.text.as_deref().is_some_and(|t| {
                t.contains("Terima kasih") || t.contains("boleh") || t.contains("Boleh")
            })
        });
        let filipino = msgs
            .iter()
            .any(|m| m.text.as_deref().is_some_and(|t| t.contains(" po")));
        assert!(malay && filipino);
        for tag in [
            "\"type\":\"rating\"",
            "\"type\":\"order\"",
            "\"blocked\":true",
        ] {
            assert!(log.contains(tag), "no {tag}");
        }
        let holidays = (1..6)
            .filter(|s| {
                world(&config(*s, three()), start())
                    .events_log()
                    .contains("holiday_mode")
            })
            .count();
        assert!(holidays > 0, "some shops take a holiday");
        // some agent replies come late (over 12 h after the buyer) and some never
        let w = world(&config(3, three()), start());
        let mut late = 0;
        let mut unanswered = 0;
        for c in w.shops.iter().flat_map(|s| &s.convs) {
            let first = c.messages.iter().find(|m| m.from == Sender::Buyer);
            let reply = c.messages.iter().find(|m| m.from == Sender::Agent);
            match (first, reply) {
                (Some(b), Some(a)) if a.at - b.at > Duration::hours(12) => late += 1,
                (Some(_), None) => unanswered += 1,
                _ => {}
            }
        }
        assert!(
            late > 0 && unanswered > 0,
            "late {late}, unanswered {unanswered}"
        );
    }
}
