//! What an automated reply does to each platform's metrics and clock (§3, §4).

use std::collections::BTreeMap;

use chrono::Duration;
use serde::Serialize;

use super::{Rule, Schedule};
use crate::clock::{self, Exclusion, Outcome, ShopContext};
use crate::history::ConversationFacts;
use crate::model::*;
use crate::policy::Policy;
use crate::time::Ts;

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
