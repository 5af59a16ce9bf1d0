//! The simulated world: shops, their conversations and messages (the ground truth), the
//! facts beside them, credentials and the clock.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use kedai_core::time::format_instant;
use kedai_core::{Event, Kind, Message, Platform, Sender, Shop, Ts};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::faults::FaultBook;
use crate::SimConfig;

/// A shop's API credentials, as `GET /_sim/shops` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Credentials {
    Tiktok {
        app_key: String,
        app_secret: String,
        shop_id: String,
        shop_cipher: String,
        access_token: String,
        refresh_token: String,
    },
    Shopee {
        partner_id: u64,
        partner_key: String,
        shop_id: u64,
        access_token: String,
        refresh_token: String,
    },
    Lazada {
        app_key: String,
        app_secret: String,
        seller_id: String,
        access_token: String,
        refresh_token: String,
    },
}

impl Credentials {
    pub fn access_token(&self) -> &str {
        match self {
            Credentials::Tiktok { access_token, .. }
            | Credentials::Shopee { access_token, .. }
            | Credentials::Lazada { access_token, .. } => access_token,
        }
    }

    pub fn refresh_token(&self) -> &str {
        match self {
            Credentials::Tiktok { refresh_token, .. }
            | Credentials::Shopee { refresh_token, .. }
            | Credentials::Lazada { refresh_token, .. } => refresh_token,
        }
    }

    pub(crate) fn set_tokens(&mut self, access: String, refresh: String) {
        match self {
            Credentials::Tiktok {
                access_token,
                refresh_token,
                ..
            }
            | Credentials::Shopee {
                access_token,
                refresh_token,
                ..
            }
            | Credentials::Lazada {
                access_token,
                refresh_token,
                ..
            } => {
                *access_token = access;
                *refresh_token = refresh;
            }
        }
    }
}

/// What a message carries, per kind; rendered per platform by the platform modules.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Text(String),
    Emoji(String),
    Image {
        url: String,
        width: u32,
        height: u32,
    },
    Sticker {
        id: String,
        package: String,
    },
    Video {
        url: String,
        duration: u32,
    },
    Product(String),
    Order(String),
    Faq(bool),
    Voucher(String),
}

impl Payload {
    pub fn kind(&self) -> Kind {
        match self {
            Payload::Text(_) => Kind::Text,
            Payload::Emoji(_) => Kind::Emoji,
            Payload::Image { .. } => Kind::Image,
            Payload::Sticker { .. } => Kind::Sticker,
            Payload::Video { .. } => Kind::Video,
            Payload::Product(_) => Kind::ProductCard,
            Payload::Order(_) => Kind::OrderCard,
            Payload::Faq(_) => Kind::FaqPrompt,
            Payload::Voucher(_) => Kind::Other,
        }
    }

    /// Only text and emoji carry words into the event model (WIRE.md).
    pub fn text(&self) -> Option<&str> {
        match self {
            Payload::Text(t) | Payload::Emoji(t) => Some(t),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimMsg {
    /// Grows with time across the shop; the message id and TikTok's `index` derive from it.
    pub seq: u64,
    pub id: String,
    pub at: Ts,
    pub from: Sender,
    pub payload: Payload,
}

#[derive(Debug, Clone)]
pub struct Buyer {
    /// The platform buyer id (TikTok `user_id`, Shopee `to_id`, Lazada `buyer_id`).
    pub id: String,
    /// TikTok's `im_user_id`.
    pub im_id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Conv {
    pub id: String,
    /// Unique in the shop; breaks ties in Shopee's nanosecond cursor.
    pub ordinal: u64,
    pub buyer: Buyer,
    pub messages: Vec<SimMsg>,
    pub unread: u32,
    pub created: Ts,
    pub pinned: bool,
}

impl Conv {
    pub fn last(&self) -> Option<&SimMsg> {
        self.messages.last()
    }

    pub fn last_at(&self) -> Option<Ts> {
        self.last().map(|m| m.at)
    }

    /// The message's index by seq, messages being in seq order.
    pub fn position(&self, seq: u64) -> Result<usize, usize> {
        self.messages.binary_search_by_key(&seq, |m| m.seq)
    }
}

#[derive(Debug, Clone)]
pub struct OrderRef {
    pub id: String,
    pub buyer: Buyer,
    pub at: Ts,
}

#[derive(Debug, Clone)]
pub struct ShopState {
    pub shop: Shop,
    pub credentials: Credentials,
    /// Wall-clock expiry of the current access token.
    pub access_expires: DateTime<Utc>,
    pub refresh_expires: DateTime<Utc>,
    /// The shop's own user id on the platform (agent `from_id`, TikTok SHOP participant).
    pub user_id: String,
    pub convs: Vec<Conv>,
    pub by_id: std::collections::HashMap<String, usize>,
    pub by_buyer: std::collections::HashMap<String, usize>,
    pub orders: Vec<OrderRef>,
    pub next_seq: u64,
    pub next_conv: u64,
    pub auto_reply: bool,
    pub can_accept_chat: bool,
    pub token_generation: u64,
    /// The newest instant of any message the shop holds.
    pub published: Option<Ts>,
}

impl ShopState {
    pub fn platform(&self) -> Platform {
        self.shop.platform
    }

    pub fn message_event(&self, conv: &Conv, m: &SimMsg) -> Message {
        Message {
            shop: self.shop.shop.clone(),
            conversation: conv.id.clone(),
            id: m.id.clone(),
            at: m.at,
            from: m.from,
            buyer: conv.buyer.id.clone(),
            kind: m.payload.kind(),
            text: m.payload.text().map(str::to_owned),
            agent: None,
            faq_chat_with_agent: match m.payload {
                Payload::Faq(b) => Some(b),
                _ => None,
            },
            platform_handled: None,
        }
    }

    /// Adds a message at `at` and returns its event. Never before the shop's newest message:
    /// a platform stamps a message when it takes it, so nothing appears behind what a
    /// listing already showed (live traffic falls due between the simulator's steps, a reply
    /// sent through the API is stamped at once). So seq and time grow together.
    pub fn push(&mut self, conv: usize, at: Ts, from: Sender, payload: Payload) -> Option<Message> {
        let platform = self.platform();
        let seq = self.next_seq;
        let at = self.published.map_or(at, |p| at.max(p));
        let c = self.convs.get_mut(conv)?;
        let at = c.last_at().map_or(at, |last| at.max(last));
        self.published = Some(at);
        self.next_seq += 1;
        let msg = SimMsg {
            seq,
            id: message_id(platform, seq),
            at,
            from,
            payload,
        };
        match from {
            Sender::Buyer => c.unread += 1,
            Sender::Agent => c.unread = 0,
            _ => {}
        }
        c.messages.push(msg);
        let c = self.convs.get(conv)?;
        let m = c.messages.last()?;
        Some(self.message_event(c, m))
    }

    /// A new, empty conversation with `buyer`.
    pub fn open_conv(&mut self, buyer: Buyer, at: Ts) -> usize {
        let n = self.next_conv;
        self.next_conv += 1;
        let id = conv_id(self.platform(), n);
        let idx = self.convs.len();
        self.by_id.insert(id.clone(), idx);
        self.by_buyer.insert(buyer.id.clone(), idx);
        self.convs.push(Conv {
            id,
            ordinal: n,
            buyer,
            messages: Vec::new(),
            unread: 0,
            created: at,
            pinned: false,
        });
        idx
    }
}

// Fixed-width ids, so that comparing them as strings orders them as numbers (the Lazada
// cursors break ties by id).
pub fn message_id(platform: Platform, seq: u64) -> String {
    match platform {
        Platform::Tiktok => format!("75{:017}", seq),
        Platform::Shopee => format!("20{:017}", seq),
        Platform::Lazada => format!("3{:015}", seq),
    }
}

pub fn conv_id(platform: Platform, n: u64) -> String {
    match platform {
        Platform::Tiktok => format!("74{:017}", 100_000 + n * 37),
        // Beyond 2^53 on purpose: clients must not read it as f64.
        Platform::Shopee => format!("{}", 12_000_000_000_000_000_000u64 + n * 131),
        Platform::Lazada => format!("1{:015}", 500_000 + n * 7),
    }
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub shop: usize,
    pub conv: usize,
    pub at: Ts,
    pub from: Sender,
    pub payload: Payload,
}

pub struct World {
    pub shops: Vec<ShopState>,
    /// Every fact that is not a message: holiday spans, orders, ratings, buyer facts.
    pub facts: Vec<Event>,
    /// Messages due later in sim time (replies already decided); released by the live task.
    pub pending: Vec<Pending>,
    /// Authorization codes issued by `/_sim/authorize`: code → shop index.
    pub codes: std::collections::HashMap<String, usize>,
    pub rng: ChaCha8Rng,
    /// Next live arrival per shop.
    pub next_arrival: Vec<Ts>,
}

impl World {
    pub fn shop_index(&self, id: &str) -> Option<usize> {
        self.shops.iter().position(|s| s.shop.shop == id)
    }

    /// The event log: shop lines first, then every event sorted by instant.
    pub fn events_log(&self) -> String {
        let mut out = String::new();
        for s in &self.shops {
            push_line(&mut out, &Event::Shop(s.shop.clone()));
        }
        let mut rest: Vec<(Ts, String)> = Vec::new();
        for s in &self.shops {
            for c in &s.convs {
                for m in &c.messages {
                    let line = line_of(&Event::Message(s.message_event(c, m)));
                    rest.push((m.at, line));
                }
            }
        }
        for e in &self.facts {
            if let Some(at) = e.at() {
                rest.push((at, line_of(e)));
            }
        }
        rest.sort();
        for (_, line) in rest {
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}

fn line_of(e: &Event) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

fn push_line(out: &mut String, e: &Event) {
    out.push_str(&line_of(e));
    out.push('\n');
}

/// Sim time: `start + speed × elapsed wall time`.
#[derive(Debug, Clone)]
pub struct Clock {
    pub start: Ts,
    pub speed: f64,
    wall_start: Instant,
}

impl Clock {
    pub fn new(start: Ts, speed: f64) -> Self {
        Clock {
            start,
            speed,
            wall_start: Instant::now(),
        }
    }

    pub fn now_precise(&self) -> Ts {
        let elapsed = self.wall_start.elapsed().as_secs_f64() * self.speed;
        let ms = (elapsed * 1000.0).min(1e15) as i64;
        self.start + Duration::milliseconds(ms)
    }

    /// Whole seconds: every message the sim makes is at a whole second.
    pub fn now(&self) -> Ts {
        self.now_precise().trunc_subsecs(0)
    }
}

pub struct Sim {
    pub config: SimConfig,
    pub clock: Clock,
    pub world: RwLock<World>,
    pub faults: FaultBook,
    pub requests: std::sync::atomic::AtomicU64,
    /// Live traffic (new buyer messages, due replies) runs; `POST /_sim/traffic` pauses it so
    /// that a client can read a world that holds still.
    pub live: std::sync::atomic::AtomicBool,
}

impl Sim {
    pub fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(|e| e.into_inner())
    }

    pub fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(|e| e.into_inner())
    }

    pub fn request_id(&self) -> String {
        let n = self
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{:016x}{:08x}", self.config.seed, n)
    }

    pub fn token_ttl(&self, platform: Platform) -> Duration {
        token_ttl(&self.config, platform)
    }

    /// Issues fresh tokens for a shop; the old access and refresh tokens stop working.
    pub fn rotate_tokens(&self, shop: &mut ShopState) {
        shop.token_generation += 1;
        let g = shop.token_generation;
        let p = shop.platform().as_str();
        let salt = self.config.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ g;
        let access = format!("{p}-at-{}-{g}-{salt:016x}", shop.shop.shop);
        let refresh = format!(
            "{p}-rt-{}-{g}-{:016x}",
            shop.shop.shop,
            salt.rotate_left(17)
        );
        shop.credentials.set_tokens(access, refresh);
        let now = Utc::now();
        shop.access_expires = now + self.token_ttl(shop.platform());
        shop.refresh_expires = now + Duration::days(30);
    }
}

/// `at` as RFC 3339, for the admin API.
pub fn rfc3339(t: Ts) -> String {
    format_instant(t)
}

/// Access-token lifetime in wall time: the configured one, else the platform's.
pub fn token_ttl(config: &SimConfig, platform: Platform) -> Duration {
    if let Some(ttl) = config.token_ttl {
        return Duration::from_std(ttl).unwrap_or(Duration::hours(4));
    }
    match platform {
        Platform::Tiktok => Duration::days(7),
        Platform::Shopee => Duration::hours(4),
        Platform::Lazada => Duration::days(7),
    }
}
