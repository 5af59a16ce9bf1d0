//! The normalized records every platform's wire is mapped to, and their mapping to the
//! event model (`WIRE.md`, "Sender and kind mapping").

use std::collections::BTreeMap;

use kedai_core::{Kind, Message, Platform, Sender, Ts};
use serde::{Deserialize, Serialize};

/// One chat message as the platform sent it, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireMessage {
    pub platform: Platform,
    /// The platform's message id.
    pub id: String,
    /// The platform's conversation / session id.
    pub conversation: String,
    /// The platform's id of whoever sent it (`im_user_id`, `from_id`, `from_account_id`).
    pub sender_id: Option<String>,
    pub sender: Sender,
    pub kind: Kind,
    /// The platform's own type (`TEXT`, `text`, `1`) as received.
    pub wire_type: String,
    /// The words of a text or emoji message.
    pub text: Option<String>,
    pub image_url: Option<String>,
    pub video_url: Option<String>,
    pub product_id: Option<String>,
    pub order_id: Option<String>,
    pub sticker_id: Option<String>,
    /// Shopee's FAQ prompt: whether the buyer asked for a person.
    pub faq_chat_with_agent: Option<bool>,
    /// The content exactly as the wire carried it (a JSON string's text, or an object's JSON).
    pub raw_content: String,
    pub created_at: Ts,
}

impl WireMessage {
    /// The event-model message. Only `text` and `emoji` carry their words; `agent` is not on
    /// the wire and stays `None`.
    pub fn to_event(&self, shop_local_id: &str, conversation: &str, buyer: &str) -> Message {
        let text = match self.kind {
            Kind::Text | Kind::Emoji => self.text.clone(),
            _ => None,
        };
        Message {
            shop: shop_local_id.to_owned(),
            conversation: conversation.to_owned(),
            id: self.id.clone(),
            at: self.created_at,
            from: self.sender,
            buyer: buyer.to_owned(),
            kind: self.kind,
            text,
            agent: None,
            faq_chat_with_agent: match self.kind {
                Kind::FaqPrompt => self.faq_chat_with_agent,
                _ => None,
            },
            platform_handled: None,
        }
    }

    /// Sets the kind read from the wire type; a known type whose content could not be read
    /// (`readable` false) is kept as `other`, with no text, beside its raw content.
    pub(crate) fn set_kind(&mut self, kind: Kind, readable: bool) {
        self.kind = if readable { kind } else { Kind::Other };
        if !readable {
            self.text = None;
        }
    }

    pub(crate) fn blank(
        platform: Platform,
        id: String,
        conversation: String,
        created_at: Ts,
    ) -> Self {
        WireMessage {
            platform,
            id,
            conversation,
            sender_id: None,
            sender: Sender::System,
            kind: Kind::Other,
            wire_type: String::new(),
            text: None,
            image_url: None,
            video_url: None,
            product_id: None,
            order_id: None,
            sticker_id: None,
            faq_chat_with_agent: None,
            raw_content: String::new(),
            created_at,
        }
    }
}

/// One conversation (TikTok conversation, Shopee conversation, Lazada session).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    pub platform: Platform,
    pub id: String,
    /// The buyer's platform user id (TikTok: BUYER participant's `user_id`; Shopee: `to_id`;
    /// Lazada: `buyer_id`).
    pub buyer: String,
    /// TikTok only: the buyer's `im_user_id`, which is what message senders carry.
    pub buyer_im_id: Option<String>,
    pub last_message_at: Option<Ts>,
    pub last_message_id: Option<String>,
    pub unread_count: u32,
    /// The buyer's display name (TikTok: `nickname`; Shopee: `to_name`; Lazada: `title`).
    #[serde(default)]
    pub buyer_name: Option<String>,
    /// The buyer's avatar, kept only when it is an `https:` address (TikTok: `avatar`;
    /// Shopee: `to_avatar`; Lazada: `head_url`, where given).
    #[serde(default)]
    pub buyer_avatar: Option<String>,
}

impl Conversation {
    /// A conversation with `buyer` known only by its id: just opened, or not listed yet.
    pub fn opened(platform: Platform, id: impl Into<String>, buyer: &str) -> Conversation {
        Conversation {
            platform,
            id: id.into(),
            buyer: buyer.to_owned(),
            buyer_im_id: None,
            last_message_at: None,
            last_message_id: None,
            unread_count: 0,
            buyer_name: None,
            buyer_avatar: None,
        }
    }
}

/// An image on the platform's host, ready for [`Outgoing::Image`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uploaded {
    pub url: String,
}

/// A position in a listing, persisted by a sync engine between runs. `Start` is the newest
/// end of the listing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cursor {
    #[default]
    Start,
    /// TikTok `page_token`, Shopee `offset`.
    Token { token: String },
    /// Shopee `next_timestamp_nano` + `conversation_id`; Lazada `start_time` + last id.
    Time {
        time: String,
        last_id: Option<String>,
    },
}

/// One page of a listing; `next == None` means the listing is exhausted.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Records of the page that could not be read; the rest of the page is still good.
    pub rejected: Vec<Rejected>,
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, next: Option<Cursor>) -> Self {
        Page {
            items,
            rejected: Vec::new(),
            next,
        }
    }
}

/// A record of a listing that does not have the shape the wire contract promises, kept
/// exactly as it came with the reason, so a sync engine can quarantine it and apply the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// The record's JSON as received.
    pub raw: String,
    pub error: String,
}

/// Reads every record of a list with `read`; the records it refuses are set aside.
pub(crate) fn read_records<T>(
    list: &[serde_json::Value],
    read: impl Fn(&serde_json::Value) -> crate::Result<T>,
) -> (Vec<T>, Vec<Rejected>) {
    let mut items = Vec::with_capacity(list.len());
    let mut rejected = Vec::new();
    for record in list {
        match read(record) {
            Ok(item) => items.push(item),
            Err(e) => rejected.push(Rejected {
                raw: record.to_string(),
                error: e.to_string(),
            }),
        }
    }
    (items, rejected)
}

/// What an agent sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outgoing {
    Text {
        text: String,
    },
    /// An image already hosted (TikTok's upload endpoint or the platform's CDN).
    Image {
        url: String,
    },
    ProductCard {
        product_id: String,
    },
    OrderCard {
        order_id: String,
    },
}

/// The result of a send: the platform's id of the new message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub message_id: String,
}

/// The platform's own view of the shop's chat performance, as figures by name plus the
/// raw payload (shapes differ between platforms and versions).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Performance {
    pub figures: BTreeMap<String, f64>,
    pub raw: serde_json::Value,
}

impl Performance {
    /// Every numeric (or quoted numeric) leaf of `v`, named by its key path.
    pub(crate) fn from_value(v: serde_json::Value) -> Self {
        fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, f64>) {
            match v {
                serde_json::Value::Number(n) => {
                    if let Some(f) = n.as_f64() {
                        out.insert(prefix.to_owned(), f);
                    }
                }
                serde_json::Value::String(s) => {
                    if let Ok(f) = s.trim().parse::<f64>() {
                        if f.is_finite() {
                            out.insert(prefix.to_owned(), f);
                        }
                    }
                }
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        let key = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        walk(&key, v, out);
                    }
                }
                serde_json::Value::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        walk(&format!("{prefix}[{i}]"), v, out);
                    }
                }
                _ => {}
            }
        }
        let mut figures = BTreeMap::new();
        walk("", &v, &mut figures);
        Performance { figures, raw: v }
    }
}
