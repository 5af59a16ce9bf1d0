//! Seed 002's customer insights on one buyer, computed from the shop's stored orders,
//! messages, ratings and (where the platform gives them) follow and cart signals, with the
//! seed's definitions and windows; and the High priority folder.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use serde::{Deserialize, Serialize};

use super::intent::{IntentContext, IntentTagger};
use super::sentiment::{Sentiment, SentimentScorer};
use crate::clock::ConversationClock;
use crate::model::*;
use crate::time::{serde_ts, Ts};

/// A buyer's engagement with the shop, as the platform reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Follow,
    Unfollow,
    /// Watched or interacted with the shop's LIVE.
    LiveInteraction,
    /// Showed intent to order from a LIVE (clicked a LIVE product, added from LIVE).
    LiveOrderIntent,
    /// Engaged with a short video or a product card.
    VideoEngagement,
    ProductCardEngagement,
    Favorite,
    AddToCart,
}

impl SignalKind {
    pub fn parse(s: &str) -> Result<SignalKind, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
            format!(
                "unknown buyer signal `{s}` (follow, unfollow, live_interaction, \
                 live_order_intent, video_engagement, product_card_engagement, favorite, \
                 add_to_cart)"
            )
        })
    }

    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyerSignal {
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub kind: SignalKind,
}

/// One conversation of the buyer: its derived clock and its messages.
#[derive(Debug, Clone, Copy)]
pub struct BuyerConversation<'a> {
    pub clock: &'a ConversationClock,
    pub messages: &'a [Message],
    pub ratings: &'a [Rating],
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InsightSettings {
    /// An order or a buyer's total at or above this amount is high value.
    pub high_value_amount: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
pub struct InsightInput<'a> {
    pub buyer: &'a str,
    /// The buyer's orders with this shop.
    pub orders: &'a [Order],
    pub conversations: &'a [BuyerConversation<'a>],
    pub signals: &'a [BuyerSignal],
    /// An agent flagged the buyer urgent.
    pub flagged_urgent: bool,
    /// The system flags the chat urgent: its open inquiry is overdue or due soon.
    pub system_urgent: bool,
    pub settings: &'a InsightSettings,
    pub now: Ts,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insights {
    pub buyer: String,
    /// More than one chat (session) about the same order.
    pub repeat_contact: bool,
    /// Of the buyer's messages in the latest chat.
    pub sentiment: Sentiment,
    /// More than one order in the last 90 days.
    pub frequent_customer: bool,
    /// Purchased again within the last 90 days: an order in the window that is not the
    /// buyer's first.
    pub repeating_customer: bool,
    /// First purchase within the last 90 days.
    pub recent_customer: bool,
    /// Started following the shop in the past 30 days.
    pub new_follower: bool,
    /// Follows, and engaged through LIVE, short videos or product cards in the past 30 days.
    pub existing_follower: bool,
    /// Favorited or carted in the last 30 days with no order since.
    pub potential_customer: bool,
    /// Interacted with a LIVE or showed intent to order from it (last 30 days; the seed
    /// names no window, this is the decision).
    pub potential_live_customer: bool,
    /// Purchased in the last year but not in the past 30 days.
    pub lapsed_customer: bool,
    /// Seconds since the shop's last reply (agent, auto or bot); `None` if never.
    pub waiting_time_secs: Option<i64>,
    /// Chats (sessions) started in the last 30 days, small talk left out.
    pub past_chats_30d: u32,
    /// Mean rating, 1 (very dissatisfied) to 5 (very satisfied), over the last 30 days.
    pub average_csat_30d: Option<f64>,
    pub total_orders: u32,
    /// Sum of order amounts per currency (`""` when the order names none).
    pub total_gmv: BTreeMap<String, f64>,
    pub high_priority: bool,
    pub high_priority_reasons: Vec<String>,
}

fn score_value(s: Score) -> f64 {
    match s {
        Score::VerySatisfied => 5.0,
        Score::Satisfied => 4.0,
        Score::Neutral => 3.0,
        Score::Dissatisfied => 2.0,
        Score::VeryDissatisfied => 1.0,
    }
}

pub fn compute(
    input: InsightInput<'_>,
    tagger: &IntentTagger,
    scorer: &SentimentScorer,
) -> Insights {
    let now = input.now;
    let d30 = now - Duration::days(30);
    let d90 = now - Duration::days(90);
    let year = now - Duration::days(365);
    let mut orders: Vec<&Order> = input.orders.iter().filter(|o| o.at <= now).collect();
    orders.sort_by_key(|o| o.at);
    let first_order = orders.first().map(|o| o.at);
    let in_90: Vec<&&Order> = orders.iter().filter(|o| o.at > d90).collect();
    let frequent = in_90.len() > 1;
    let repeating = in_90.iter().any(|o| Some(o.at) != first_order);
    let recent = first_order.is_some_and(|t| t > d90);
    let lapsed = orders.iter().any(|o| o.at > year) && !orders.iter().any(|o| o.at > d30);

    // Signals in time order, up to now.
    let mut signals: Vec<&BuyerSignal> = input.signals.iter().filter(|s| s.at <= now).collect();
    signals.sort_by_key(|s| s.at);
    let mut following_since = None;
    for s in &signals {
        match s.kind {
            SignalKind::Follow if following_since.is_none() => following_since = Some(s.at),
            SignalKind::Unfollow => following_since = None,
            _ => {}
        }
    }
    let recent_signal = |kinds: &[SignalKind]| {
        signals
            .iter()
            .any(|s| s.at > d30 && kinds.contains(&s.kind))
    };
    let new_follower = following_since.is_some_and(|t| t > d30);
    let existing_follower = following_since.is_some()
        && recent_signal(&[
            SignalKind::LiveInteraction,
            SignalKind::VideoEngagement,
            SignalKind::ProductCardEngagement,
        ]);
    let potential_customer = signals.iter().any(|s| {
        s.at > d30
            && matches!(s.kind, SignalKind::Favorite | SignalKind::AddToCart)
            && !orders.iter().any(|o| o.at >= s.at)
    });
    let potential_live = recent_signal(&[SignalKind::LiveInteraction, SignalKind::LiveOrderIntent]);

    // Chats: the sessions of the buyer's conversations.
    let order_ids: BTreeSet<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    let mut sessions_per_order: BTreeMap<&str, u32> = BTreeMap::new();
    let mut past_chats = 0u32;
    let mut latest: Option<(Ts, Vec<&str>)> = None;
    let mut last_reply: Option<Ts> = None;
    let mut ratings: Vec<f64> = Vec::new();
    for conv in input.conversations {
        for session in &conv.clock.sessions {
            if session.started_at > now {
                continue;
            }
            let msgs: Vec<&Message> = conv
                .messages
                .iter()
                .filter(|m| m.at >= session.started_at && m.at < session.ended_at && m.at <= now)
                .collect();
            let mentioned: BTreeSet<&str> = order_ids
                .iter()
                .copied()
                .filter(|id| {
                    msgs.iter()
                        .any(|m| m.text.as_deref().is_some_and(|t| t.contains(id)))
                })
                .collect();
            for id in mentioned {
                *sessions_per_order.entry(id).or_default() += 1;
            }
            let buyer: Vec<&&Message> = msgs.iter().filter(|m| m.from == Sender::Buyer).collect();
            let small_talk = buyer.iter().all(|m| {
                matches!(m.kind, Kind::Text | Kind::Sticker | Kind::Emoji)
                    && tagger
                        .topic(
                            m.text.as_deref().unwrap_or(""),
                            IntentContext {
                                kind: m.kind,
                                order: None,
                            },
                        )
                        .is_none()
            });
            if session.started_at > d30 && !buyer.is_empty() && !small_talk {
                past_chats += 1;
            }
            if latest.as_ref().is_none_or(|(t, _)| session.started_at > *t) {
                let texts = buyer.iter().filter_map(|m| m.text.as_deref()).collect();
                latest = Some((session.started_at, texts));
            }
        }
        for m in conv.messages {
            if m.at <= now && matches!(m.from, Sender::Agent | Sender::Auto | Sender::Bot) {
                last_reply = last_reply.max(Some(m.at));
            }
        }
        for r in conv.ratings {
            if r.at > d30 && r.at <= now {
                ratings.push(score_value(r.score));
            }
        }
    }
    let sentiment = latest.map_or(Sentiment::Neutral, |(_, texts)| scorer.conversation(texts));
    let mut total_gmv: BTreeMap<String, f64> = BTreeMap::new();
    for o in &orders {
        if let Some(a) = o.amount {
            *total_gmv
                .entry(o.currency.clone().unwrap_or_default())
                .or_default() += a;
        }
    }
    let mut reasons = Vec::new();
    if frequent {
        reasons.push("frequent customer".to_owned());
    }
    if let Some(bar) = input.settings.high_value_amount {
        let high_order = orders.iter().any(|o| o.amount.is_some_and(|a| a >= bar));
        let high_total = total_gmv.values().any(|&v| v >= bar);
        if high_order || high_total {
            reasons.push("high value".to_owned());
        }
    }
    if sentiment == Sentiment::Negative {
        reasons.push("negative sentiment".to_owned());
    }
    if input.flagged_urgent {
        reasons.push("flagged urgent by an agent".to_owned());
    }
    if input.system_urgent {
        reasons.push("flagged urgent: overdue or due soon".to_owned());
    }
    Insights {
        buyer: input.buyer.to_owned(),
        repeat_contact: sessions_per_order.values().any(|&n| n > 1),
        sentiment,
        frequent_customer: frequent,
        repeating_customer: repeating,
        recent_customer: recent,
        new_follower,
        existing_follower,
        potential_customer,
        potential_live_customer: potential_live,
        lapsed_customer: lapsed,
        waiting_time_secs: last_reply.map(|t| (now - t).num_seconds()),
        past_chats_30d: past_chats,
        average_csat_30d: (!ratings.is_empty())
            .then(|| ratings.iter().sum::<f64>() / ratings.len() as f64),
        total_orders: orders.len() as u32,
        total_gmv,
        high_priority: !reasons.is_empty(),
        high_priority_reasons: reasons,
    }
}

/// One insight tag that applies to a buyer, with why (seed 002's definition it meets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InsightTag {
    pub tag: &'static str,
    pub label: &'static str,
    pub why: String,
}

impl Insights {
    /// The insight tags that apply, in the seller center's order, each with why.
    pub fn tags(&self) -> Vec<InsightTag> {
        let tag = |tag, label, why: &str| InsightTag {
            tag,
            label,
            why: why.to_owned(),
        };
        let mut out = Vec::new();
        if self.repeat_contact {
            out.push(tag(
                "repeat_contact",
                "Repeat contact",
                "more than one chat about the same order",
            ));
        }
        if self.sentiment != Sentiment::Neutral {
            out.push(InsightTag {
                tag: "sentiment",
                label: "Sentiment",
                why: format!(
                    "the buyer's messages in the latest chat read {}",
                    self.sentiment.as_str()
                ),
            });
        }
        let flags = [
            (
                self.frequent_customer,
                "frequent_customer",
                "Frequent customer",
                "more than one order in the last 90 days",
            ),
            (
                self.repeating_customer,
                "repeating_customer",
                "Repeating customer",
                "ordered again within the last 90 days (an order there is not the first)",
            ),
            (
                self.recent_customer,
                "recent_customer",
                "Recent customer",
                "first order within the last 90 days",
            ),
            (
                self.new_follower,
                "new_follower",
                "New follower",
                "started following the shop in the past 30 days",
            ),
            (
                self.existing_follower,
                "existing_follower",
                "Existing follower",
                "follows the shop and engaged through LIVE, short videos or product cards \
                 in the past 30 days",
            ),
            (
                self.potential_customer,
                "potential_customer",
                "Potential customer",
                "favorited or carted in the last 30 days with no order since",
            ),
            (
                self.potential_live_customer,
                "potential_live_customer",
                "Potential LIVE customer",
                "interacted with a LIVE or showed intent to order from one in the last 30 days",
            ),
            (
                self.lapsed_customer,
                "lapsed_customer",
                "Lapsed customer",
                "ordered in the last year but not in the past 30 days",
            ),
        ];
        for (applies, id, label, why) in flags {
            if applies {
                out.push(tag(id, label, why));
            }
        }
        if self.high_priority {
            out.push(InsightTag {
                tag: "high_priority",
                label: "High priority",
                why: self.high_priority_reasons.join(", "),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{derive, ShopContext};
    use crate::history::ConversationFacts;
    use crate::time::parse_instant;

    fn t(s: &str) -> Ts {
        parse_instant(s).unwrap()
    }

    fn order(id: &str, at: &str, amount: f64) -> Order {
        Order {
            shop: "s".into(),
            buyer: "b".into(),
            id: id.into(),
            at: t(at),
            amount: Some(amount),
            currency: Some("MYR".into()),
            status: None,
        }
    }

    fn msg(id: &str, at: &str, from: Sender, text: &str) -> Message {
        Message {
            shop: "s".into(),
            conversation: "c".into(),
            id: id.into(),
            at: t(at),
            from,
            buyer: "b".into(),
            kind: Kind::Text,
            text: Some(text.into()),
            agent: None,
            faq_chat_with_agent: None,
            platform_handled: None,
        }
    }

    #[test]
    fn seed_002_definitions_and_windows() {
        let now = t("2026-07-20T12:00:00Z");
        let shop = Shop {
            shop: "s".into(),
            platform: Platform::Tiktok,
            region: Region::MY,
            tz: chrono_tz::Asia::Kuala_Lumpur,
            name: None,
            mall: None,
        };
        let settings = crate::ShopSettings::default();
        let timeline = Default::default();
        let ctx = ShopContext {
            shop: &shop,
            settings: &settings,
            timeline: &timeline,
        };
        // Two chats about order 111 more than 7 days apart: two sessions.
        let messages = vec![
            msg(
                "1",
                "2026-07-01T10:00:00Z",
                Sender::Buyer,
                "where is order 111?",
            ),
            msg("2", "2026-07-01T11:00:00Z", Sender::Agent, "shipped today"),
            msg(
                "3",
                "2026-07-15T10:00:00Z",
                Sender::Buyer,
                "order 111 arrived broken, refund pls",
            ),
            msg(
                "4",
                "2026-07-19T10:00:00Z",
                Sender::Buyer,
                "still no answer?? very disappointed",
            ),
        ];
        let facts = ConversationFacts {
            conversation: "c".into(),
            buyer: "b".into(),
            messages: messages.clone(),
            ..Default::default()
        };
        let clock = derive(ctx, &facts);
        let ratings = vec![Rating {
            shop: "s".into(),
            conversation: "c".into(),
            at: t("2026-07-02T00:00:00Z"),
            score: Score::Satisfied,
        }];
        let convs = [BuyerConversation {
            clock: &clock,
            messages: &messages,
            ratings: &ratings,
        }];
        let orders = vec![
            order("100", "2025-12-01T00:00:00Z", 50.0),
            order("111", "2026-06-28T00:00:00Z", 80.0),
        ];
        let signals = vec![
            BuyerSignal {
                at: t("2026-07-10T00:00:00Z"),
                kind: SignalKind::Follow,
            },
            BuyerSignal {
                at: t("2026-07-12T00:00:00Z"),
                kind: SignalKind::AddToCart,
            },
            BuyerSignal {
                at: t("2026-07-13T00:00:00Z"),
                kind: SignalKind::LiveInteraction,
            },
        ];
        let i = compute(
            InsightInput {
                buyer: "b",
                orders: &orders,
                conversations: &convs,
                signals: &signals,
                flagged_urgent: false,
                system_urgent: false,
                settings: &InsightSettings {
                    high_value_amount: Some(100.0),
                },
                now,
            },
            &IntentTagger::default(),
            &SentimentScorer::default(),
        );
        assert!(i.repeat_contact);
        assert_eq!(i.sentiment, Sentiment::Negative);
        // One order in the last 90 days: not frequent; it is a repeat purchase; first
        // purchase was 7 months ago: not recent; bought within 30 days: not lapsed.
        assert!(
            !i.frequent_customer
                && i.repeating_customer
                && !i.recent_customer
                && !i.lapsed_customer
        );
        assert!(
            i.new_follower
                && i.existing_follower
                && i.potential_customer
                && i.potential_live_customer
        );
        assert_eq!(i.waiting_time_secs, Some(19 * 86_400 + 3_600));
        assert_eq!(i.past_chats_30d, 2);
        assert_eq!(i.average_csat_30d, Some(4.0));
        assert_eq!(i.total_orders, 2);
        assert_eq!(i.total_gmv.get("MYR"), Some(&130.0));
        assert!(i.high_priority);
        assert_eq!(
            i.high_priority_reasons,
            ["high value", "negative sentiment"]
        );
    }
}
