//! Chatbot rules for off-hours and weekend coverage (seeds 002, 003): a rule's trigger,
//! schedule, shops and reply; the evaluator that picks the rule that fires for a new buyer
//! message; and what an automated reply does to each platform's clock (§3, §4).

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use super::intent::{Intent, IntentContext, IntentTagger, OrderStage};
use super::text::{words, Phrase};
use crate::clock::{self, Exclusion, Outcome, ShopContext};
use crate::history::{ConversationFacts, ShopTimeline};
use crate::model::*;
use crate::policy::Policy;
use crate::time::Ts;

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

pub const VARIABLES: [&str; 4] = ["buyer_name", "order_id", "shop_hours", "next_opening"];

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

fn template_variables(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("`{{` without `}}` in the reply: `{}`", &rest[open..]))?;
        out.push(after[..close].trim().to_owned());
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// What a template's variables stand for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TemplateValues {
    pub buyer_name: Option<String>,
    pub order_id: Option<String>,
    pub shop_hours: Option<String>,
    pub next_opening: Option<String>,
}

/// Fills `{variable}`s; a value the shop does not have reads as an empty string, with the
/// space before it dropped ("Hi {buyer_name}," → "Hi,").
pub fn fill(template: &str, values: &TemplateValues) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        let value = match rest[open + 1..open + close].trim() {
            "buyer_name" => values.buyer_name.as_deref(),
            "order_id" => values.order_id.as_deref(),
            "shop_hours" => values.shop_hours.as_deref(),
            "next_opening" => values.next_opening.as_deref(),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(v),
            None => {
                while out.ends_with(' ') {
                    out.pop();
                }
            }
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
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

/// §4's weekend and the shop's hours, judged in the shop's local time.
pub fn in_schedule(schedule: Schedule, shop: &Shop, timeline: &ShopTimeline, now: Ts) -> bool {
    let local = now.with_timezone(&shop.tz);
    match schedule {
        Schedule::Always => true,
        Schedule::Weekends => matches!(local.weekday(), Weekday::Sat | Weekday::Sun),
        Schedule::OutsideHours => timeline
            .hours_at(now)
            .is_some_and(|h| !h.is_open(local.weekday(), local.hour() * 60 + local.minute())),
        Schedule::HolidayMode => timeline.in_holiday_mode(now),
    }
}

/// "Mon–Fri 09:00–18:00, Sat 10:00–14:00": days with the same hours run together.
pub fn describe_hours(hours: &WeeklyHours) -> String {
    const DAYS: [(Weekday, &str); 7] = [
        (Weekday::Mon, "Mon"),
        (Weekday::Tue, "Tue"),
        (Weekday::Wed, "Wed"),
        (Weekday::Thu, "Thu"),
        (Weekday::Fri, "Fri"),
        (Weekday::Sat, "Sat"),
        (Weekday::Sun, "Sun"),
    ];
    let fmt = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    let mut groups: Vec<(usize, usize, String)> = Vec::new();
    for (i, (day, _)) in DAYS.iter().enumerate() {
        let spans = hours.intervals(*day);
        if spans.is_empty() {
            continue;
        }
        let text: Vec<String> = spans
            .iter()
            .map(|&(s, e)| format!("{}–{}", fmt(s), fmt(e)))
            .collect();
        let text = text.join(", ");
        match groups.last_mut() {
            Some((_, last, t)) if *last + 1 == i && *t == text => *last = i,
            _ => groups.push((i, i, text)),
        }
    }
    groups
        .into_iter()
        .map(|(a, b, t)| {
            if a == b {
                format!("{} {t}", DAYS[a].1)
            } else {
                format!("{}–{} {t}", DAYS[a].1, DAYS[b].1)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The next local instant the shop opens after `now` (after holiday mode ends, if on), as
/// "Monday 09:00"; `None` without declared hours.
pub fn next_opening(shop: &Shop, timeline: &ShopTimeline, now: Ts) -> Option<String> {
    let hours = timeline.hours_at(now)?;
    let from = timeline
        .holiday_mode
        .iter()
        .filter(|s| s.contains(now))
        .filter_map(|s| s.to)
        .max()
        .unwrap_or(now);
    let local = from.with_timezone(&shop.tz);
    let minute = local.hour() * 60 + local.minute();
    for d in 0..8 {
        let day = local.date_naive() + Duration::days(d);
        let starts = hours.intervals(day.weekday());
        let open = starts
            .iter()
            .map(|&(s, _)| s)
            .find(|&s| d > 0 || s > minute)
            .or_else(|| {
                // Open right now (only when holiday mode ends inside an opening interval).
                starts
                    .iter()
                    .find(|&&(s, e)| d == 0 && from != now && s <= minute && minute < e)
                    .map(|_| minute)
            });
        if let Some(s) = open {
            let name = match day.weekday() {
                Weekday::Mon => "Monday",
                Weekday::Tue => "Tuesday",
                Weekday::Wed => "Wednesday",
                Weekday::Thu => "Thursday",
                Weekday::Fri => "Friday",
                Weekday::Sat => "Saturday",
                Weekday::Sun => "Sunday",
            };
            return Some(format!("{name} {:02}:{:02}", s / 60, s % 60));
        }
    }
    None
}

/// §3 as the rule editor shows it: what an automated reply does to the platform's metrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlatformEffect {
    pub platform: Platform,
    /// The reply answers the inquiry for the response rate.
    pub counts_as_reply: bool,
    /// The inquiry leaves the rate (resolved by automation) unless the buyer writes again
    /// before its deadline.
    pub resolves_unless_buyer_writes_again: bool,
    /// TikTok Shop: turning a weekend rule on records weekend coverage, which moves the
    /// deadlines of weekend inquiries to Monday 12:00 local (§4).
    pub weekend_coverage: bool,
    pub note: String,
}

pub fn platform_effect(platform: Platform, automation_counts_as_reply: bool) -> PlatformEffect {
    match platform {
        Platform::Tiktok if automation_counts_as_reply => PlatformEffect {
            platform,
            counts_as_reply: true,
            resolves_unless_buyer_writes_again: false,
            weekend_coverage: true,
            note: "TikTok Shop with tiktok.automation_counts_as_reply on: the automated answer \
                   counts as the reply (seed 004, §3)"
                .into(),
        },
        Platform::Tiktok => PlatformEffect {
            platform,
            counts_as_reply: false,
            resolves_unless_buyer_writes_again: true,
            weekend_coverage: true,
            note: "TikTok Shop: the automated answer resolves the inquiry and leaves it out of \
                   the response rates, unless the buyer writes again before the deadline; then \
                   it stays open on its original clock and needs an agent (§3)"
                .into(),
        },
        Platform::Shopee | Platform::Lazada => PlatformEffect {
            platform,
            counts_as_reply: false,
            resolves_unless_buyer_writes_again: false,
            weekend_coverage: false,
            note: format!(
                "{}: an automated answer is not a reply; the inquiry stays open until an agent \
                 answers (§3)",
                platform.label()
            ),
        },
    }
}

/// §4: weekend coverage on TikTok Shop is on while the shop has an enabled rule on the
/// weekend schedule. Returns the shops' coverage as the rules say.
pub fn weekend_coverage(rules: &[Rule], shops: &[Shop]) -> BTreeMap<String, bool> {
    shops
        .iter()
        .filter(|s| s.platform == Platform::Tiktok)
        .map(|s| {
            let on = rules
                .iter()
                .any(|r| r.applies_to(&s.shop) && r.schedule == Schedule::Weekends);
            (s.shop.clone(), on)
        })
        .collect()
}

/// What the new message, and the automated reply if one fires, do to the reply clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockEffect {
    /// The message opened or joined an inquiry; `None` with `excluded` when §2 leaves it out.
    pub inquiry_opened_at: Option<Ts>,
    pub policy: Option<Policy>,
    pub deadline: Option<Ts>,
    /// §4: weekend coverage moved the deadline to Monday 12:00 local.
    pub weekend_moved: bool,
    pub excluded: Option<Exclusion>,
    /// The inquiry's outcome past its deadline if nobody writes again.
    pub if_nothing_more: String,
    /// The outcome past the deadline if the buyer writes again a minute later and no agent
    /// answers.
    pub if_buyer_writes_again: String,
}

/// Runs the reply clock (§1–§4) over the conversation with the new message and the reply.
pub fn clock_effect(
    ctx: ShopContext<'_>,
    earlier: &[Message],
    message: &Message,
    reply: Option<&Message>,
) -> ClockEffect {
    let facts = |extra: Option<Message>| {
        let mut f = ConversationFacts {
            conversation: message.conversation.clone(),
            buyer: message.buyer.clone(),
            messages: earlier.to_vec(),
            ..Default::default()
        };
        f.messages.push(message.clone());
        f.messages.extend(reply.cloned());
        f.messages.extend(extra);
        f.sort();
        clock::derive(ctx, &f)
    };
    let automation_counts = ctx.settings.automation_counts_as_reply;
    let clock = facts(None);
    let Some(item) = clock.items.iter().rev().find(|i| i.opened_at <= message.at) else {
        return ClockEffect {
            inquiry_opened_at: None,
            policy: None,
            deadline: None,
            weekend_moved: false,
            excluded: None,
            if_nothing_more: "no inquiry".into(),
            if_buyer_writes_again: "no inquiry".into(),
        };
    };
    if let Some(e) = item.excluded.filter(|e| e.is_message_level()) {
        return ClockEffect {
            inquiry_opened_at: None,
            policy: None,
            deadline: None,
            weekend_moved: false,
            excluded: Some(e),
            if_nothing_more: format!("left out of the clock: {e} (§2)"),
            if_buyer_writes_again: format!("left out of the clock: {e} (§2)"),
        };
    }
    let after = item.deadline + Duration::milliseconds(1);
    let describe = |o: Outcome| match o {
        Outcome::Pending => "pending".to_owned(),
        Outcome::Answered { in_time: true, .. } => "answered in time".to_owned(),
        Outcome::Answered { in_time: false, .. } => "answered late".to_owned(),
        Outcome::Missed => "missed: needs an agent reply by the deadline".to_owned(),
        Outcome::Excluded(Exclusion::Automation) => {
            "resolved by automation: left out of the response rates (§3)".to_owned()
        }
        Outcome::Excluded(e) => format!("left out: {e}"),
    };
    let nothing_more = describe(item.outcome(item.deadline, automation_counts, after));
    let followup = Message {
        id: format!("{}:followup", message.id),
        at: (reply.map_or(message.at, |r| r.at) + Duration::minutes(1)).min(item.deadline),
        kind: Kind::Text,
        text: Some("?".into()),
        ..message.clone()
    };
    let again = facts(Some(followup));
    let again_outcome = again
        .items
        .iter()
        .find(|i| i.message == item.message)
        .map_or("no inquiry".to_owned(), |i| {
            describe(i.outcome(i.deadline, automation_counts, after))
        });
    ClockEffect {
        inquiry_opened_at: Some(item.opened_at),
        policy: Some(item.policy),
        deadline: Some(item.deadline),
        weekend_moved: item.weekend_moved,
        excluded: None,
        if_nothing_more: nothing_more,
        if_buyer_writes_again: again_outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;

    fn shop(platform: Platform) -> Shop {
        Shop {
            shop: "s1".into(),
            platform,
            region: Region::MY,
            tz: chrono_tz::Asia::Kuala_Lumpur,
            name: None,
            mall: None,
        }
    }

    fn msg(id: &str, at: &str, from: Sender, text: &str) -> Message {
        Message {
            shop: "s1".into(),
            conversation: "c1".into(),
            id: id.into(),
            at: parse_instant(at).unwrap(),
            from,
            buyer: "b1".into(),
            kind: Kind::Text,
            text: Some(text.into()),
            agent: None,
            faq_chat_with_agent: None,
            platform_handled: None,
        }
    }

    fn rules() -> Vec<Rule> {
        parse_rules(
            r#"[
            {"id":"refund","name":"Refund help","priority":1,"trigger":{"type":"intent","intent":"aftersales"},
             "schedule":"weekends","reply":"Hi {buyer_name}, sorry! An agent will check order {order_id} on {next_opening}."},
            {"id":"weekend","name":"Weekend hello","priority":5,"trigger":{"type":"first_message"},
             "schedule":"weekends","reply":"Hi {buyer_name}, we are away. Hours: {shop_hours}."},
            {"id":"photo","name":"Photos","priority":3,"trigger":{"type":"kind","kinds":["image"]},
             "schedule":"always","reply":"Thanks for the photo!","sender":"auto","shops":["other"]}
        ]"#,
        )
        .unwrap()
    }

    fn timeline() -> ShopTimeline {
        let hours = serde_json::from_str(r#"{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]}"#).unwrap();
        ShopTimeline {
            operating_hours: vec![OperatingHours {
                shop: "s1".into(),
                at: parse_instant("2026-01-01T00:00:00Z").unwrap(),
                hours,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn the_first_matching_rule_by_priority_fires_with_its_variables_filled() {
        let s = shop(Platform::Tiktok);
        let t = timeline();
        let order = Order {
            shop: "s1".into(),
            buyer: "b1".into(),
            id: "5761".into(),
            at: parse_instant("2026-07-10T10:00:00+08:00").unwrap(),
            amount: None,
            currency: None,
            status: Some("delivered".into()),
        };
        // Saturday 18 July 2026.
        let m = msg(
            "m1",
            "2026-07-18T10:00:00+08:00",
            Sender::Buyer,
            "barang rosak, nak refund",
        );
        let input = RuleInput {
            shop: &s,
            timeline: &t,
            earlier: &[],
            message: &m,
            buyer_name: Some("Aina"),
            order: Some(&order),
            now: m.at,
        };
        let f = evaluate(&rules(), &IntentTagger::default(), input).unwrap();
        assert_eq!(f.rule, "refund");
        assert_eq!(f.reply.from, Sender::Bot);
        assert_eq!(
            f.reply.text.as_deref(),
            Some("Hi Aina, sorry! An agent will check order 5761 on Monday 09:00.")
        );
        let hello = msg("m2", "2026-07-18T10:00:00+08:00", Sender::Buyer, "hello");
        let f = evaluate(
            &rules(),
            &IntentTagger::default(),
            RuleInput {
                message: &hello,
                buyer_name: None,
                ..input
            },
        )
        .unwrap();
        assert_eq!(f.rule, "weekend");
        assert_eq!(
            f.reply.text.as_deref(),
            Some("Hi, we are away. Hours: Mon–Fri 09:00–18:00.")
        );
    }

    #[test]
    fn never_twice_in_a_row_and_at_most_once_per_inquiry() {
        let s = shop(Platform::Tiktok);
        let t = timeline();
        let first = msg("m1", "2026-07-18T10:00:00+08:00", Sender::Buyer, "hello");
        let bot = msg(
            "m2",
            "2026-07-18T10:00:01+08:00",
            Sender::Bot,
            "we are away",
        );
        let again = msg(
            "m3",
            "2026-07-18T10:05:00+08:00",
            Sender::Buyer,
            "broken item, refund pls",
        );
        let earlier = [first, bot];
        let input = RuleInput {
            shop: &s,
            timeline: &t,
            earlier: &earlier,
            message: &again,
            buyer_name: None,
            order: None,
            now: again.at,
        };
        assert_eq!(
            evaluate(&rules(), &IntentTagger::default(), input),
            Err(NoFire::AlreadyAnswered)
        );
        // After an agent's answer a new inquiry may get its own automated answer.
        let agent = msg("m4", "2026-07-18T11:00:00+08:00", Sender::Agent, "hi!");
        let earlier = [earlier[0].clone(), earlier[1].clone(), again.clone(), agent];
        let later = msg(
            "m5",
            "2026-07-18T12:00:00+08:00",
            Sender::Buyer,
            "parcel rosak",
        );
        let f = evaluate(
            &rules(),
            &IntentTagger::default(),
            RuleInput {
                earlier: &earlier,
                message: &later,
                now: later.at,
                ..input
            },
        );
        assert_eq!(f.unwrap().rule, "refund");
    }

    #[test]
    fn schedules_follow_local_time_and_rules_their_shops() {
        let s = shop(Platform::Shopee);
        let t = timeline();
        // Monday 10:00 local: inside hours, not the weekend.
        let m = msg("m1", "2026-07-20T10:00:00+08:00", Sender::Buyer, "hello");
        let input = RuleInput {
            shop: &s,
            timeline: &t,
            earlier: &[],
            message: &m,
            buyer_name: None,
            order: None,
            now: m.at,
        };
        assert_eq!(
            evaluate(&rules(), &IntentTagger::default(), input),
            Err(NoFire::NoRuleMatched)
        );
        assert!(in_schedule(
            Schedule::OutsideHours,
            &s,
            &t,
            parse_instant("2026-07-20T20:00:00+08:00").unwrap()
        ));
        // Friday 23:59 local is not yet the weekend even though it is Saturday in UTC+14.
        assert!(!in_schedule(
            Schedule::Weekends,
            &s,
            &t,
            parse_instant("2026-07-17T23:59:00+08:00").unwrap()
        ));
        assert!(in_schedule(
            Schedule::Weekends,
            &s,
            &t,
            parse_instant("2026-07-18T00:00:00+08:00").unwrap()
        ));
    }

    #[test]
    fn a_bad_rule_names_the_problem() {
        let bad = r#"{"id":"x","name":"x","priority":1,"trigger":{"type":"first_message"},"schedule":"always","reply":"Hi {buyer}"}"#;
        assert!(parse_rules(bad)
            .unwrap_err()
            .contains("unknown variable `{buyer}`"));
        let bad = r#"{"id":"x","name":"x","priority":1,"trigger":{"type":"keywords","keywords":[]},"schedule":"always","reply":"Hi"}"#;
        assert!(parse_rules(bad)
            .unwrap_err()
            .contains("at least one keyword"));
        let bad = r#"{"id":"x","name":"x","priority":1,"trigger":{"type":"first_message"},"schedule":"sometimes","reply":"Hi"}"#;
        assert!(parse_rules(bad).unwrap_err().contains("sometimes"));
    }

    #[test]
    fn each_platform_says_what_automation_does_to_its_metrics() {
        assert!(platform_effect(Platform::Tiktok, false).resolves_unless_buyer_writes_again);
        assert!(platform_effect(Platform::Tiktok, true).counts_as_reply);
        let shopee = platform_effect(Platform::Shopee, false);
        assert!(!shopee.counts_as_reply && !shopee.resolves_unless_buyer_writes_again);
        let cov = weekend_coverage(
            &rules(),
            &[
                shop(Platform::Tiktok),
                Shop {
                    shop: "s2".into(),
                    ..shop(Platform::Shopee)
                },
            ],
        );
        assert_eq!(cov.get("s1"), Some(&true));
        assert_eq!(cov.get("s2"), None);
    }
}
