//! §6: the inbox states of a conversation at `now`.

use serde::{Deserialize, Serialize};

use crate::clock::ConversationClock;
use crate::model::{Platform, Sender, Shop};
use crate::policy::Policy;
use crate::settings::ShopSettings;
use crate::time::{serde_ts_opt, Ts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    All,
    Overdue,
    DueSoon,
    Unreplied,
    Unread,
    Starred,
    Closed,
}

impl Filter {
    pub const ALL: [Filter; 7] = [
        Filter::All,
        Filter::Overdue,
        Filter::DueSoon,
        Filter::Unreplied,
        Filter::Unread,
        Filter::Starred,
        Filter::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Overdue => "overdue",
            Filter::DueSoon => "due_soon",
            Filter::Unreplied => "unreplied",
            Filter::Unread => "unread",
            Filter::Starred => "starred",
            Filter::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Filter> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// One conversation as the inbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxRow {
    pub shop: String,
    pub platform: Platform,
    pub conversation: String,
    pub buyer: String,
    /// The open inquiry, if any.
    #[serde(with = "serde_ts_opt")]
    pub opened_at: Option<Ts>,
    #[serde(with = "serde_ts_opt")]
    pub deadline: Option<Ts>,
    pub policy: Option<Policy>,
    #[serde(with = "serde_ts_opt")]
    pub due_soon_at: Option<Ts>,
    /// §4: weekend coverage moved the deadline.
    pub weekend_moved: bool,
    pub overdue: bool,
    pub due_soon: bool,
    pub unreplied: bool,
    pub unread: bool,
    pub starred: bool,
    pub closed: bool,
    #[serde(with = "serde_ts_opt")]
    pub last_message_at: Option<Ts>,
}

impl InboxRow {
    /// §6: whether the conversation is in `filter`. A closed conversation shows only under
    /// Closed; its unanswered inquiry still counts against the metrics.
    pub fn is_in(&self, filter: Filter) -> bool {
        if filter == Filter::Closed {
            return self.closed;
        }
        !self.closed
            && match filter {
                Filter::All => true,
                Filter::Overdue => self.overdue,
                Filter::DueSoon => self.due_soon,
                Filter::Unreplied => self.unreplied,
                Filter::Unread => self.unread,
                Filter::Starred => self.starred,
                Filter::Closed => unreachable!(),
            }
    }
}

/// §6: the row of one conversation at `now`. `read_at` is when an agent last opened it in
/// the app; an agent's message implies they read what came before it.
pub fn row(
    shop: &Shop,
    settings: &ShopSettings,
    clock: &ConversationClock,
    read_at: Option<Ts>,
    now: Ts,
) -> InboxRow {
    let open = clock.open_inquiry(now, settings.automation_counts_as_reply);
    let deadline = open.map(|i| i.deadline);
    let due_soon_at = open.and_then(|i| i.due_soon_at);
    let seen = read_at.max(clock.last_at(now, Some(Sender::Agent)));
    let unread = clock
        .last_at(now, Some(Sender::Buyer))
        .is_some_and(|b| seen.is_none_or(|s| b > s));
    InboxRow {
        shop: shop.shop.clone(),
        platform: shop.platform,
        conversation: clock.conversation.clone(),
        buyer: clock.buyer.clone(),
        opened_at: open.map(|i| i.opened_at),
        deadline,
        policy: open.map(|i| i.policy),
        due_soon_at,
        weekend_moved: open.is_some_and(|i| i.weekend_moved),
        // §1: overdue once past the deadline; due soon while less than the lead away.
        overdue: deadline.is_some_and(|d| now > d),
        due_soon: deadline.is_some_and(|d| now <= d) && due_soon_at.is_some_and(|s| now > s),
        unreplied: open.is_some(),
        unread,
        starred: clock.is_starred(now),
        closed: clock.is_closed(now),
        last_message_at: clock.last_at(now, None),
    }
}

/// The inbox order: earliest deadline first, conversations without one after, newest
/// message first among those.
pub fn sort(rows: &mut [InboxRow]) {
    rows.sort_by(|a, b| {
        let key = |r: &InboxRow| {
            (
                r.deadline.is_none(),
                r.deadline,
                std::cmp::Reverse(r.last_message_at),
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| (&a.shop, &a.conversation).cmp(&(&b.shop, &b.conversation)))
    });
}

/// Counts per filter, in [`Filter::ALL`] order.
pub fn counts<'a>(rows: impl IntoIterator<Item = &'a InboxRow>) -> [(Filter, u64); 7] {
    let mut out = Filter::ALL.map(|f| (f, 0));
    for r in rows {
        for (f, n) in out.iter_mut() {
            *n += r.is_in(*f) as u64;
        }
    }
    out
}
