//! Seed 002's system tags: Pre-purchase, Logistics, Aftersales, from a buyer message's
//! words (six languages), its kind and the state of the buyer's latest order.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::lexicon::{Entry, Lexicon};
use super::sentiment::SentimentScorer;
use super::text::words;
use crate::model::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    PrePurchase,
    Logistics,
    Aftersales,
}

impl Intent {
    pub const ALL: [Intent; 3] = [Intent::PrePurchase, Intent::Logistics, Intent::Aftersales];

    pub fn as_str(self) -> &'static str {
        match self {
            Intent::PrePurchase => "pre_purchase",
            Intent::Logistics => "logistics",
            Intent::Aftersales => "aftersales",
        }
    }

    pub fn parse(s: &str) -> Option<Intent> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the buyer's latest order stands, read from the order's free-text status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStage {
    /// Placed, not yet shipped.
    Placed,
    /// Shipped, on its way.
    InTransit,
    /// Delivered or completed.
    Delivered,
    /// Cancelled, returned or refunded.
    Closed,
}

impl OrderStage {
    /// Reads the platforms' status words (`AWAITING_SHIPMENT`, `to_ship`, `shipped`,
    /// `delivered`, `COMPLETED`, `cancelled`, ...). Unknown words read as placed.
    pub fn from_status(status: Option<&str>) -> OrderStage {
        let s = status.unwrap_or("").to_ascii_lowercase();
        let has = |w: &str| s.contains(w);
        if has("cancel") || has("return") || has("refund") {
            OrderStage::Closed
        } else if has("deliver") || has("complete") || has("received") {
            OrderStage::Delivered
        } else if has("ship") && !has("to_ship") && !has("awaiting") || has("transit") {
            OrderStage::InTransit
        } else {
            OrderStage::Placed
        }
    }
}

/// What besides its words tells a message's intent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntentContext {
    pub kind: Kind,
    pub order: Option<OrderStage>,
}

/// The shipped lists plus the shop's edits, and which tags the shop has turned off.
#[derive(Debug, Clone)]
pub struct IntentTagger {
    lexicon: Lexicon,
    complaints: SentimentScorer,
    pub disabled: BTreeSet<Intent>,
}

/// A sentiment score this low marks a complaint.
const COMPLAINT_AT: i32 = -3;

const LABELS: [&str; 3] = ["pre_purchase", "logistics", "aftersales"];

impl Default for IntentTagger {
    fn default() -> Self {
        static SHIPPED: OnceLock<Lexicon> = OnceLock::new();
        let lexicon = SHIPPED
            .get_or_init(|| {
                Lexicon::parse(include_str!("../../data/intent_words.tsv"), &LABELS)
                    .expect("the shipped intent word list parses")
            })
            .clone();
        IntentTagger {
            lexicon,
            complaints: SentimentScorer::default(),
            disabled: BTreeSet::new(),
        }
    }
}

/// The scores behind a tag, for explaining it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IntentScores {
    pub pre_purchase: u32,
    pub logistics: u32,
    pub aftersales: u32,
}

impl IntentTagger {
    pub fn add_phrase(&mut self, entry: Entry) -> Result<(), String> {
        self.lexicon.add(entry, &LABELS)
    }

    pub fn remove_phrase(&mut self, intent: Intent, phrase: &str) -> usize {
        self.lexicon.remove(intent.as_str(), phrase)
    }

    pub fn scores(&self, text: &str, ctx: IntentContext) -> [u32; 3] {
        let w = words(text);
        let mut score = [0u32; 3];
        for i in self.lexicon.candidates(&w) {
            let (entry, phrase) = &self.lexicon.entries[i];
            let hits = phrase.find(&w).len() as u32;
            if hits > 0 {
                let i = Intent::parse(&entry.label)
                    .expect("labels are checked")
                    .index();
                score[i] += entry.weight * hits.min(2);
            }
        }
        // A card or picture says what the words leave out.
        match ctx.kind {
            Kind::ProductCard => score[Intent::PrePurchase.index()] += 2,
            Kind::OrderCard => match ctx.order {
                Some(OrderStage::Delivered | OrderStage::Closed) => {
                    score[Intent::Aftersales.index()] += 2
                }
                _ => score[Intent::Logistics.index()] += 2,
            },
            Kind::Image | Kind::Video if ctx.order == Some(OrderStage::Delivered) => {
                score[Intent::Aftersales.index()] += 2
            }
            _ => {}
        }
        // The order's stage breaks ties: before delivery a question is about the parcel,
        // after it about the goods.
        if let Some(stage) = ctx.order {
            if score.iter().any(|&s| s > 0) {
                match stage {
                    OrderStage::Placed | OrderStage::InTransit => {
                        score[Intent::Logistics.index()] += 1
                    }
                    OrderStage::Delivered | OrderStage::Closed => {
                        score[Intent::Aftersales.index()] += 1
                    }
                }
            }
        }
        score
    }

    /// The tag of a buyer message, or `None` (small talk, or the tag is disabled).
    pub fn tag(&self, text: &str, ctx: IntentContext) -> Option<Intent> {
        self.topic(text, ctx).filter(|i| !self.disabled.contains(i))
    }

    /// The tag whether or not the shop shows it: what tells a real question from small
    /// talk (seed 002's Past chats).
    pub fn topic(&self, text: &str, ctx: IntentContext) -> Option<Intent> {
        let score = self.scores(text, ctx);
        // Ties go to the later stage of the journey: a complaint that mentions delivery is
        // an aftersales matter.
        let mut best: Option<(Intent, u32)> = None;
        for intent in Intent::ALL {
            let s = score[intent.index()];
            if s > 0 && best.is_none_or(|(_, b)| s >= b) {
                best = Some((intent, s));
            }
        }
        // Seed 002: Aftersales covers complaints. A clearly unhappy message that names no
        // topic is one.
        if best.is_none() && self.complaints.score(text) <= COMPLAINT_AT {
            best = Some((Intent::Aftersales, 0));
        }
        best.map(|(i, _)| i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Option<Intent> {
        IntentTagger::default().tag(text, IntentContext::default())
    }

    #[test]
    fn each_tag_from_words_in_several_languages() {
        assert_eq!(
            tag("Is the black one still in stock?"),
            Some(Intent::PrePurchase)
        );
        assert_eq!(tag("bila parcel saya nak sampai"), Some(Intent::Logistics));
        assert_eq!(
            tag("barangnya rusak kak, mau retur"),
            Some(Intent::Aftersales)
        );
        assert_eq!(tag("สินค้ามีไหมคะ"), Some(Intent::PrePurchase));
        assert_eq!(tag("khi nào giao hàng vậy shop"), Some(Intent::Logistics));
        assert_eq!(tag("hello po"), None);
    }

    #[test]
    fn an_order_card_is_logistics_before_delivery_and_aftersales_after() {
        let t = IntentTagger::default();
        let card = |order| IntentContext {
            kind: Kind::OrderCard,
            order: Some(order),
        };
        assert_eq!(
            t.tag("", card(OrderStage::InTransit)),
            Some(Intent::Logistics)
        );
        assert_eq!(
            t.tag("", card(OrderStage::Delivered)),
            Some(Intent::Aftersales)
        );
    }

    #[test]
    fn a_disabled_tag_is_never_given() {
        let mut t = IntentTagger::default();
        t.disabled.insert(Intent::Logistics);
        assert_eq!(t.tag("where is my parcel", IntentContext::default()), None);
    }

    #[test]
    fn seller_edits_change_the_lists() {
        let mut t = IntentTagger::default();
        assert_eq!(
            t.tag("lelong batch 3 bila?", IntentContext::default()),
            None
        );
        t.add_phrase(Entry {
            label: "pre_purchase".into(),
            lang: "ms".into(),
            weight: 3,
            phrase: "lelong".into(),
        })
        .unwrap();
        assert_eq!(
            t.tag("lelong batch 3 bila?", IntentContext::default()),
            Some(Intent::PrePurchase)
        );
        assert!(t
            .add_phrase(Entry {
                label: "billing".into(),
                lang: "en".into(),
                weight: 1,
                phrase: "invoice".into()
            })
            .unwrap_err()
            .contains("unknown list `billing`"));
    }
}
