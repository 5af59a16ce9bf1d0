//! Chatbot rules for off-hours and weekend coverage (seeds 002, 003): a rule's trigger,
//! schedule, shops and reply; the evaluator that picks the rule that fires for a new buyer
//! message; and what an automated reply does to each platform's clock (§3, §4).

use serde::{Deserialize, Serialize};

use super::intent::{Intent, IntentContext, IntentTagger, OrderStage};
use super::text::{words, Phrase};
use crate::history::ShopTimeline;
use crate::model::*;
use crate::time::Ts;

mod effect;
mod schedule;
mod template;
#[cfg(test)]
mod tests;

pub use effect::{clock_effect, platform_effect, weekend_coverage, ClockEffect, PlatformEffect};
pub use schedule::{describe_hours, in_schedule, next_opening};
use template::template_variables;
pub use template::{fill, TemplateValues, VARIABLES};

/// What makes a rule fire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// The buyer message that opens an inquiry (no buyer message since the seller's last).
    FirstMessage,
    /// Any buyer message.
    AnyMessage,
    /// Any of the phrases, in any of the shop's languages.
    Keywords { keywords: Vec<String> },
    /// A system tag (seed 002).
    Intent { intent: Intent },
    /// A message kind, such as an image or an order card.
    Kind { kinds: Vec<Kind> },
}

/// When a rule is in force, judged in the shop's local time at the message's instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    Always,
    /// Saturday 00:00 to Sunday 23:59:59 local (§4's weekend).
    Weekends,
    /// Outside the shop's declared operating hours (never, when none are declared).
    OutsideHours,
    /// While the shop is in holiday / vacation mode.
    HolidayMode,
}

/// `bot` (chatbot / FAQ answer) or `auto` (off-work notice); §3 treats them alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoSender {
    Bot,
    Auto,
}

impl AutoSender {
    pub fn sender(self) -> Sender {
        match self {
            AutoSender::Bot => Sender::Bot,
            AutoSender::Auto => Sender::Auto,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub name: String,
    /// Lower runs first; among equals, the id decides.
    pub priority: i32,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The shops it applies to; empty: every shop.
    #[serde(default)]
    pub shops: Vec<String>,
    pub trigger: Trigger,
    pub schedule: Schedule,
    /// The reply, with `{buyer_name}`, `{order_id}`, `{shop_hours}`, `{next_opening}`.
    pub reply: String,
    #[serde(default = "bot")]
    pub sender: AutoSender,
}

fn yes() -> bool {
    true
}

fn bot() -> AutoSender {
    AutoSender::Bot
}

impl Rule {
    /// Checks what serde cannot: a non-empty id and reply, known template variables,
    /// triggers with something to match.
    pub fn validate(&self) -> Result<(), String> {
        let at = |m: String| format!("rule `{}`: {m}", self.id);
        if self.id.trim().is_empty() {
            return Err("a rule needs an id".into());
        }
        if self.reply.trim().is_empty() {
            return Err(at("the reply is empty".into()));
        }
        for var in template_variables(&self.reply).map_err(at)? {
            if !VARIABLES.contains(&var.as_str()) {
                return Err(at(format!(
                    "unknown variable `{{{var}}}` in the reply ({})",
                    VARIABLES.map(|v| format!("{{{v}}}")).join(", ")
                )));
            }
        }
        match &self.trigger {
            Trigger::Keywords { keywords } if keywords.iter().all(|k| k.trim().is_empty()) => {
                Err(at("a keywords trigger needs at least one keyword".into()))
            }
            Trigger::Kind { kinds } if kinds.is_empty() => {
                Err(at("a kind trigger needs at least one kind".into()))
            }
            _ => Ok(()),
        }
    }

    pub fn applies_to(&self, shop: &str) -> bool {
        self.enabled && (self.shops.is_empty() || self.shops.iter().any(|s| s == shop))
    }
}

/// Parses rules from JSON (one rule or an array) and validates each.
pub fn parse_rules(json: &str) -> Result<Vec<Rule>, String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("rules: not JSON: {e}"))?;
    let rules: Vec<Rule> = match value {
        serde_json::Value::Array(_) => serde_json::from_value(value),
        _ => serde_json::from_value(value).map(|r| vec![r]),
    }
    .map_err(|e| format!("rules: {e}"))?;
    for r in &rules {
        r.validate()?;
    }
    Ok(rules)
}

/// Everything the evaluator looks at for one new buyer message.
#[derive(Debug, Clone, Copy)]
pub struct RuleInput<'a> {
    pub shop: &'a Shop,
    pub timeline: &'a ShopTimeline,
    /// The conversation's earlier messages, in time order.
    pub earlier: &'a [Message],
    pub message: &'a Message,
    pub buyer_name: Option<&'a str>,
    /// The buyer's latest order with this shop, if any.
    pub order: Option<&'a Order>,
    pub now: Ts,
}

/// The rule that fired and the message it sends (through the outbox).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Firing {
    pub rule: String,
    pub reply: Message,
}

/// Why no rule fired, when the caller wants to show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum NoFire {
    NotABuyerMessage,
    /// The seller's last message was already automated: never twice in a row, at most once
    /// per inquiry.
    AlreadyAnswered,
    NoRuleMatched,
}

/// Decides which rule fires for `input.message`: the first by priority whose shop, schedule
/// and trigger match, unless an automated message already answered since the seller's
/// last agent message.
pub fn evaluate(
    rules: &[Rule],
    tagger: &IntentTagger,
    input: RuleInput<'_>,
) -> Result<Firing, NoFire> {
    let m = input.message;
    if m.from != Sender::Buyer {
        return Err(NoFire::NotABuyerMessage);
    }
    let last_seller = input
        .earlier
        .iter()
        .rev()
        .find(|x| matches!(x.from, Sender::Agent | Sender::Auto | Sender::Bot));
    if last_seller.is_some_and(|x| x.from != Sender::Agent) {
        return Err(NoFire::AlreadyAnswered);
    }
    let opens_inquiry = !input
        .earlier
        .iter()
        .rev()
        .take_while(|x| !matches!(x.from, Sender::Agent | Sender::Auto | Sender::Bot))
        .any(|x| x.from == Sender::Buyer);
    let mut ordered: Vec<&Rule> = rules
        .iter()
        .filter(|r| r.applies_to(&input.shop.shop))
        .collect();
    ordered.sort_by(|a, b| (a.priority, &a.id).cmp(&(b.priority, &b.id)));
    let stage = input
        .order
        .map(|o| OrderStage::from_status(o.status.as_deref()));
    let text = m.text.as_deref().unwrap_or("");
    let rule = ordered
        .into_iter()
        .find(|r| {
            in_schedule(r.schedule, input.shop, input.timeline, input.now)
                && triggered(&r.trigger, tagger, text, m.kind, stage, opens_inquiry)
        })
        .ok_or(NoFire::NoRuleMatched)?;
    let values = TemplateValues {
        buyer_name: input.buyer_name.map(str::to_owned),
        order_id: input.order.map(|o| o.id.clone()),
        shop_hours: input
            .timeline
            .hours_at(input.now)
            .map(describe_hours)
            .filter(|s| !s.is_empty()),
        next_opening: next_opening(input.shop, input.timeline, input.now),
    };
    Ok(Firing {
        rule: rule.id.clone(),
        reply: Message {
            shop: m.shop.clone(),
            conversation: m.conversation.clone(),
            id: format!("{}:auto:{}", m.id, rule.id),
            at: input.now,
            from: rule.sender.sender(),
            buyer: m.buyer.clone(),
            kind: Kind::Text,
            text: Some(fill(&rule.reply, &values)),
            agent: None,
            faq_chat_with_agent: None,
            platform_handled: None,
        },
    })
}

fn triggered(
    trigger: &Trigger,
    tagger: &IntentTagger,
    text: &str,
    kind: Kind,
    order: Option<OrderStage>,
    opens_inquiry: bool,
) -> bool {
    match trigger {
        Trigger::FirstMessage => opens_inquiry,
        Trigger::AnyMessage => true,
        Trigger::Keywords { keywords } => {
            let w = words(text);
            keywords.iter().any(|k| !Phrase::new(k).find(&w).is_empty())
        }
        Trigger::Intent { intent } => {
            tagger.tag(text, IntentContext { kind, order }) == Some(*intent)
        }
        Trigger::Kind { kinds } => kinds.contains(&kind),
    }
}
