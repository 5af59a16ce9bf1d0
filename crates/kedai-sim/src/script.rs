//! One conversation's script: who writes what and when, per topic, language and platform.
//! Every kind is one the platform can carry on the wire (no TikTok stickers, no Shopee emoji).

use chrono::{Duration, Timelike};
use chrono_tz::Tz;
use kedai_core::{Event, Order, Platform, Rating, Region, Score, Sender, Ts};
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::generate::{digits, hex_token, pick_lang};
use crate::phrases::{self, Topic};
use crate::state::{Buyer, OrderRef, Payload};

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

pub fn text(rng: &mut ChaCha8Rng, options: &[&str]) -> Payload {
    Payload::Text(options.choose(rng).copied().unwrap_or("Hi").to_owned())
}

pub fn secs(rng: &mut ChaCha8Rng, lo: i64, hi: i64) -> Duration {
    Duration::seconds(rng.gen_range(lo..=hi))
}

pub struct Draft {
    pub conv: usize,
    pub at: Ts,
    pub from: Sender,
    pub payload: Payload,
}

pub struct Ctx<'a> {
    pub platform: Platform,
    pub region: Region,
    pub shop: &'a str,
    pub start: Ts,
    pub holiday: Option<(Ts, Ts)>,
    pub auto_reply: bool,
    pub has_bot: bool,
}

/// Moves a night-time instant into the local day most of the time, as buyers sleep too.
pub fn daytime(rng: &mut ChaCha8Rng, t: Ts, tz: Tz, start: Ts) -> Ts {
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
pub fn conversation(
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
