//! What the chat window and the buyer panel receive (issue 7). Exported to TypeScript with
//! the rest (`bindings.rs`); instants are milliseconds since the Unix epoch (UTC).

use kedai_core::automation::guard::{Finding, Verdict};
use kedai_core::automation::insights::Insights;
use kedai_core::order_chat::Eligibility;
use kedai_core::Platform;
use kedai_store::chat::{BuyerOrder, ChatAction, ChatInquiry, ChatMessage};
use kedai_store::OutboxEntry;
use serde::Serialize;
use ts_rs::TS;

use crate::clock::ms;

/// A field of a card beyond its id (name, price, status), as the platform gave it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CardField {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChatMessageView {
    pub id: String,
    pub at: f64,
    /// `buyer`, `agent`, `auto`, `bot`, `system`, `broadcast`.
    pub from: String,
    /// `text`, `sticker`, `emoji`, `image`, `video`, `product_card`, `order_card`,
    /// `faq_prompt`, `other`.
    pub kind: String,
    pub text: Option<String>,
    pub agent: Option<String>,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub sticker_id: Option<String>,
    pub product_id: Option<String>,
    pub order_id: Option<String>,
    pub return_id: Option<String>,
    pub coupon_id: Option<String>,
    pub card: Vec<CardField>,
}

impl From<ChatMessage> for ChatMessageView {
    fn from(m: ChatMessage) -> Self {
        let d = m.details.unwrap_or_default();
        let card = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&d.extra)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, v)| CardField {
                name,
                value: match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                },
            })
            .collect();
        ChatMessageView {
            id: m.id,
            at: ms(m.at),
            from: m.from.as_str().into(),
            kind: kedai_store_name(&m.kind),
            text: m.text,
            agent: m.agent,
            image_url: d.image_url,
            video_url: d.video_url,
            sticker_id: d.sticker_id,
            product_id: d.product_id,
            order_id: d.order_id,
            return_id: d.return_id,
            coupon_id: d.coupon_id,
            card,
        }
    }
}

fn kedai_store_name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A reply written in the app and where it stands in the outbox.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OutboxView {
    pub id: f64,
    pub text: String,
    pub agent: Option<String>,
    /// `queued`, `sending`, `sent`, `failed`.
    pub state: String,
    pub attempts: u32,
    pub error: Option<String>,
    pub retryable: bool,
    pub queued_at: f64,
    pub sent_at: Option<f64>,
    /// The platform's message id once sent (the message in the list with this id).
    pub message_id: Option<String>,
    /// A pasted image rather than text.
    pub image: bool,
    /// Where the platform's host put the image, once uploaded.
    pub image_url: Option<String>,
}

impl From<OutboxEntry> for OutboxView {
    fn from(e: OutboxEntry) -> Self {
        OutboxView {
            id: e.id as f64,
            text: e.text,
            agent: e.agent,
            state: e.state.as_str().into(),
            attempts: e.attempts,
            error: e.error,
            retryable: e.retryable,
            queued_at: ms(e.queued_at),
            sent_at: e.sent_at.map(ms),
            message_id: e.message_id,
            image: e.image_type.is_some(),
            image_url: e.image_url,
        }
    }
}

/// A page of history, oldest first, with the conversation's outbox.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChatPageView {
    pub messages: Vec<ChatMessageView>,
    /// Older messages remain: ask again with the first message's `(at, id)`.
    pub more: bool,
    pub outbox: Vec<OutboxView>,
}

/// The open inquiry's deadline and the policy that sets it (response-rules.md §4).
#[derive(Debug, Clone, Serialize, TS)]
pub struct InquiryView {
    pub opened_at: f64,
    pub deadline: f64,
    pub due_soon_at: Option<f64>,
    pub policy: String,
    pub policy_text: String,
    pub weekend_moved: bool,
    pub ordinary_deadline: f64,
    /// The shop's zone (IANA), for the shop-local times.
    pub tz: String,
}

pub fn policy_text(policy: &str) -> &'static str {
    match policy {
        "tiktok.24h" => "TikTok Shop: answer within 24 hours",
        "tiktok.12h" => "TikTok Shop: answer within 12 hours",
        "shopee.12h" => "Shopee: answer within 12 hours",
        "lazada.same_day" => "Lazada: day cycle 18:00 to 18:00, due 19:00 local",
        "lazada.10min" => "Lazada: answer within 10 minutes (08:00 to 23:00 local)",
        _ => "",
    }
}

impl From<ChatInquiry> for InquiryView {
    fn from(i: ChatInquiry) -> Self {
        InquiryView {
            opened_at: ms(i.opened_at),
            deadline: ms(i.deadline),
            due_soon_at: i.due_soon_at.map(ms),
            policy: i.policy.as_str().into(),
            policy_text: policy_text(i.policy.as_str()).into(),
            weekend_moved: i.weekend_moved,
            ordinary_deadline: ms(i.ordinary_deadline),
            tz: i.tz,
        }
    }
}

/// What the composer may send on the conversation's platform.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ComposerLimits {
    pub platform: String,
    /// Characters a text message may have (`null`: the platform documents none).
    pub max_chars: Option<u32>,
    pub limit_source: String,
    /// Whether the outbox can send a pasted image.
    pub images: bool,
    pub images_note: String,
}

pub fn composer_limits(platform: Platform) -> ComposerLimits {
    let name = match platform {
        Platform::Tiktok => "TikTok Shop",
        Platform::Shopee => "Shopee",
        Platform::Lazada => "Lazada",
    };
    let (max_chars, limit_source) = match platform {
        // marketplace-apis.md: TEXT `{"content":"hi"}` (≤ 2000 chars to send), confidence H.
        Platform::Tiktok => (
            Some(2000),
            "TikTok Shop API: text messages up to 2000 characters",
        ),
        Platform::Shopee => (None, "Shopee's API reference names no text length limit"),
        Platform::Lazada => (None, "Lazada's API reference names no text length limit"),
    };
    ComposerLimits {
        platform: platform.as_str().into(),
        max_chars,
        limit_source: limit_source.into(),
        // Only TikTok Shop documents an image upload (`images/upload`); Shopee and Lazada
        // send an image by an address already on their CDN (`Store::queue_image_reply`).
        images: platform == Platform::Tiktok,
        images_note: match platform {
            Platform::Tiktok => format!(
                "Paste an image (PNG, JPEG, GIF or WebP, under 5 MB): it goes out through the outbox, uploaded to {name}'s image host first."
            ),
            _ => format!(
                "{name}'s chat API takes an image only as an address already on its own image host and has no upload: paste a link, or send the image from the seller centre."
            ),
        },
    }
}

/// A quick reply with its variables filled for this conversation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FilledTemplate {
    pub id: String,
    pub title: String,
    pub template: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SuggestionView {
    pub text: String,
    /// `template` or `past_reply`.
    pub source: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ChatActionView {
    pub id: f64,
    pub at: f64,
    /// `transfer` or `report_abuse`.
    pub action: String,
    pub agent: Option<String>,
    pub to_agent: Option<String>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub evidence_lines: u32,
    /// `recorded_locally` or `sent`.
    pub delivery: String,
}

impl From<ChatAction> for ChatActionView {
    fn from(a: ChatAction) -> Self {
        ChatActionView {
            id: a.id as f64,
            at: ms(a.at),
            action: a.action,
            agent: a.agent,
            to_agent: a.to_agent,
            reason: a.reason,
            note: a.note,
            evidence_lines: a.evidence_lines,
            delivery: a.delivery,
        }
    }
}

/// Everything the chat window needs besides the messages, at `now`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ChatContext {
    pub now: f64,
    pub buyer: String,
    /// The shop's zone (IANA): message times show in it on hover.
    pub shop_tz: String,
    pub inquiry: Option<InquiryView>,
    pub limits: ComposerLimits,
    pub templates: Vec<FilledTemplate>,
    pub suggestions: Vec<SuggestionView>,
    /// The buyer's words the suggestions answer.
    pub question: String,
    pub actions: Vec<ChatActionView>,
    pub abuse_reasons: Vec<String>,
}

/// One guard finding on its span: UTF-16 offsets into the text (what the browser counts).
#[derive(Debug, Clone, Serialize, TS)]
pub struct FindingView {
    pub rule: String,
    /// `warn` or `block` (the seller's choice per rule).
    pub level: String,
    pub start: u32,
    pub end: u32,
    pub excerpt: String,
    pub explain: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct GuardView {
    pub findings: Vec<FindingView>,
    pub blocked: bool,
}

/// The UTF-16 offset of byte offset `byte` in `text` (clamped to a char boundary).
pub fn utf16_offset(text: &str, byte: usize) -> u32 {
    let byte = byte.min(text.len());
    let mut b = byte;
    while !text.is_char_boundary(b) {
        b -= 1;
    }
    text[..b].encode_utf16().count() as u32
}

impl GuardView {
    pub fn new(text: &str, v: Verdict, blocks: impl Fn(&Finding) -> bool) -> GuardView {
        GuardView {
            blocked: v.blocked,
            findings: v
                .findings
                .iter()
                .map(|f| FindingView {
                    rule: f.rule.as_str().into(),
                    level: if blocks(f) { "block" } else { "warn" }.into(),
                    start: utf16_offset(text, f.start),
                    end: utf16_offset(text, f.end),
                    excerpt: f.excerpt.clone(),
                    explain: f.rule.explain().into(),
                })
                .collect(),
        }
    }
}

/// The answer to a send: queued, or refused with the reason.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SendResult {
    pub queued: bool,
    pub outbox_id: Option<f64>,
    pub guard: GuardView,
    pub reason: Option<String>,
}

/// A seed 002 insight that applies to the buyer, with why.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InsightTag {
    pub id: String,
    pub label: String,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Money {
    pub currency: String,
    pub amount: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct OrderView {
    pub shop: String,
    pub platform: String,
    pub buyer: String,
    pub buyer_name: Option<String>,
    pub id: String,
    pub at: f64,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub status: Option<String>,
    /// Whether the platform lets the seller start a chat from this order now, and why.
    pub can_chat: bool,
    pub chat_reason: String,
    /// Shipping fields from the platform's order cards in the buyer's chats (name, value);
    /// empty when the platform gave none.
    pub tracking: Vec<(String, String)>,
}

impl OrderView {
    pub fn new(o: BuyerOrder, e: Eligibility) -> OrderView {
        OrderView {
            shop: o.shop,
            platform: o.platform.as_str().into(),
            buyer: o.buyer,
            buyer_name: o.buyer_name,
            id: o.id,
            at: ms(o.at),
            amount: o.amount,
            currency: o.currency,
            status: o.status,
            can_chat: e.allowed,
            chat_reason: e.reason,
            tracking: Vec::new(),
        }
    }
}

/// The buyer details panel (seed 002).
#[derive(Debug, Clone, Serialize, TS)]
pub struct BuyerPanel {
    pub shop: String,
    pub buyer: String,
    pub name: Option<String>,
    /// The platform's avatar (`https:` only), as the conversation listing gave it.
    pub avatar: Option<String>,
    pub tags: Vec<InsightTag>,
    /// `positive`, `neutral`, `negative`.
    pub sentiment: String,
    pub waiting_time_secs: Option<f64>,
    pub past_chats_30d: u32,
    pub average_csat_30d: Option<f64>,
    pub total_orders: u32,
    pub total_gmv: Vec<Money>,
    pub high_priority: bool,
    pub high_priority_reasons: Vec<String>,
    pub orders: Vec<OrderView>,
    /// Product and coupon ids from the cards in the buyer's chats.
    pub products: Vec<String>,
    pub coupons: Vec<String>,
    pub conversations: u32,
}

/// Seed 002's insight list: the tags that apply, each with the sentence saying why.
pub fn insight_tags(i: &Insights, orders_90d: usize) -> Vec<InsightTag> {
    let mut out = Vec::new();
    let mut tag = |on: bool, id: &str, label: &str, why: String| {
        if on {
            out.push(InsightTag {
                id: id.into(),
                label: label.into(),
                why,
            });
        }
    };
    tag(
        i.repeat_contact,
        "repeat_contact",
        "Repeat contact",
        "More than one chat about the same order".into(),
    );
    tag(
        i.frequent_customer,
        "frequent_customer",
        "Frequent customer",
        format!("{orders_90d} orders in the last 90 days (more than 1)"),
    );
    tag(
        i.repeating_customer,
        "repeating_customer",
        "Repeating customer",
        "Bought from the shop again within the last 90 days".into(),
    );
    tag(
        i.recent_customer,
        "recent_customer",
        "Recent customer",
        "First purchase within the last 90 days".into(),
    );
    tag(
        i.new_follower,
        "new_follower",
        "New follower",
        "Started following the shop in the past 30 days".into(),
    );
    tag(
        i.existing_follower,
        "existing_follower",
        "Existing follower",
        "Follows the shop and engaged through LIVE, short videos or product cards in the past 30 days".into(),
    );
    tag(
        i.potential_customer,
        "potential_customer",
        "Potential customer",
        "Favorited or carted items in the last 30 days without completing a purchase".into(),
    );
    tag(
        i.potential_live_customer,
        "potential_live_customer",
        "Potential LIVE customer",
        "Interacted with a LIVE or showed intent to order from it".into(),
    );
    tag(
        i.lapsed_customer,
        "lapsed_customer",
        "Lapsed customer",
        "Purchased in the last year but not in the past 30 days".into(),
    );
    let sentiment = kedai_store_name(&i.sentiment);
    let why = format!("The tone of the buyer's messages in the latest chat reads {sentiment}");
    tag(true, "sentiment", &format!("Sentiment: {sentiment}"), why);
    out
}

/// Whether the platform allows starting a chat from an order, and the chat to open.
#[derive(Debug, Clone, Serialize, TS)]
pub struct OrderChatView {
    pub shop: String,
    pub buyer: String,
    pub allowed: bool,
    pub reason: String,
    /// The buyer's chat to open (reused); `null` when there is none yet.
    pub conversation: Option<String>,
}
