//! §1–§3: the reply clock of one conversation.
//!
//! [`derive`] walks a conversation's messages and marks once and returns its *items*: every
//! inquiry (§1) with its deadlines (§4) and replies (§3), and every buyer message left out
//! (§2) with the reason. Items do not depend on `now`; they carry every instant, so that
//! [`Item::outcome`] and [`ConversationClock::open_inquiry`] answer "as of `now`" for any
//! `now`. The store keeps items as rows, and metrics and inbox are computed from them.

use chrono::{Duration, Timelike};
use serde::{Deserialize, Serialize};

use crate::calendar;
use crate::history::{buyer_state_at, ConversationFacts, ShopTimeline};
use crate::model::*;
use crate::policy::{self, Policy};
use crate::settings::ShopSettings;
use crate::time::Ts;

/// §6: a conversation closes after 7 days with no message.
pub const AUTO_CLOSE: Duration = Duration::days(7);

/// §2: why a buyer message or an inquiry was left out. Names as in `event-log.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    HolidayMode,
    Blocked,
    AccountState,
    System,
    SellerInitiated,
    OutsideHours,
    PublicHoliday,
    NoResponseNeeded,
    PlatformHandled,
    Faq,
    Automation,
}

impl Exclusion {
    pub const ALL: [Exclusion; 11] = [
        Exclusion::HolidayMode,
        Exclusion::Blocked,
        Exclusion::AccountState,
        Exclusion::System,
        Exclusion::SellerInitiated,
        Exclusion::OutsideHours,
        Exclusion::PublicHoliday,
        Exclusion::NoResponseNeeded,
        Exclusion::PlatformHandled,
        Exclusion::Faq,
        Exclusion::Automation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::HolidayMode => "holiday_mode",
            Exclusion::Blocked => "blocked",
            Exclusion::AccountState => "account_state",
            Exclusion::System => "system",
            Exclusion::SellerInitiated => "seller_initiated",
            Exclusion::OutsideHours => "outside_hours",
            Exclusion::PublicHoliday => "public_holiday",
            Exclusion::NoResponseNeeded => "no_response_needed",
            Exclusion::PlatformHandled => "platform_handled",
            Exclusion::Faq => "faq",
            Exclusion::Automation => "automation",
        }
    }

    pub fn parse(s: &str) -> Option<Exclusion> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// Whether the reason leaves out a single buyer message (rather than a whole inquiry).
    pub fn is_message_level(self) -> bool {
        !matches!(self, Exclusion::NoResponseNeeded | Exclusion::Automation)
    }

    /// §2's table: the exclusions that exist on a platform in a region.
    pub fn applies(self, platform: Platform, region: Region) -> bool {
        use Platform::*;
        match self {
            Exclusion::HolidayMode | Exclusion::System | Exclusion::NoResponseNeeded => true,
            Exclusion::Blocked
            | Exclusion::SellerInitiated
            | Exclusion::PlatformHandled
            | Exclusion::Automation => platform == Tiktok,
            Exclusion::AccountState => platform == Shopee,
            Exclusion::OutsideHours => platform == Tiktok && region == Region::US,
            Exclusion::PublicHoliday => platform == Lazada,
            Exclusion::Faq => matches!(platform, Tiktok | Shopee),
        }
    }
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An inquiry, or a buyer message left out of the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Position in the conversation, from 0.
    pub seq: u32,
    /// The message that opened the inquiry, or the message left out.
    pub message: String,
    pub opened_at: Ts,
    /// A message-level reason, or `no_response_needed` on an inquiry.
    pub excluded: Option<Exclusion>,
    /// When the exclusion took effect: the message's instant, or the mark's.
    pub excluded_at: Option<Ts>,
    /// Instants of the counted buyer messages of an inquiry (opening one first).
    pub counted_at: Vec<Ts>,
    /// Index of the session the item falls in (§1).
    pub session: u32,
    /// The first inquiry of its session: the one TikTok's response rates judge.
    pub first_in_session: bool,
    /// The policy the inbox shows, its deadline and due-soon instant.
    pub policy: Policy,
    pub deadline: Ts,
    pub due_soon_at: Option<Ts>,
    /// The deadline under the shop's secondary policy (`tiktok.24h` beside `tiktok.12h`;
    /// `lazada.10min` when opened 08:00 to 23:00).
    pub deadline2: Option<Ts>,
    /// Whether weekend coverage moved the deadline (§4).
    pub weekend_moved: bool,
    /// First `agent` message after the inquiry opened, in its session.
    pub agent_reply_at: Option<Ts>,
    /// TikTok: the `auto` / `bot` message that answered the open inquiry.
    pub auto_reply_at: Option<Ts>,
    /// TikTok: the first counted buyer message after `auto_reply_at`, in the session.
    pub followup_at: Option<Ts>,
    /// The session ended (agent or auto-close) while the inquiry was still open.
    pub closed_at: Option<Ts>,
}

/// What became of an inquiry under one policy, as of `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still open and the deadline has not passed (or an automated answer may yet hold).
    Pending,
    /// Answered at `at` by a valid reply; `in_time` when by the deadline.
    Answered {
        at: Ts,
        in_time: bool,
        by_agent: bool,
    },
    /// The deadline passed with no valid reply.
    Missed,
    Excluded(Exclusion),
}

impl Item {
    pub fn is_inquiry(&self) -> bool {
        self.excluded.is_none_or(|e| !e.is_message_level())
    }

    /// The exclusion in force at `now`.
    pub fn excluded_as_of(&self, now: Ts) -> Option<Exclusion> {
        self.excluded
            .filter(|_| self.excluded_at.is_none_or(|t| t <= now))
    }

    /// §3 and §5: the item's outcome against `deadline` as of `now`.
    pub fn outcome(&self, deadline: Ts, automation_counts: bool, now: Ts) -> Outcome {
        if let Some(e) = self.excluded_as_of(now) {
            return Outcome::Excluded(e);
        }
        let agent = self.agent_reply_at.filter(|&t| t <= now);
        if let Some(auto) = self.auto_reply_at.filter(|&t| t <= now) {
            if agent.is_none_or(|r| auto < r) {
                if automation_counts {
                    // §3, seed 004: the automated answer counts as the reply.
                    return answered(auto, deadline, false);
                }
                // §3: resolved by automation unless the buyer writes again by the deadline.
                match self.followup_at.filter(|&f| f <= now) {
                    Some(f) if f <= deadline => {}
                    Some(_) => return Outcome::Excluded(Exclusion::Automation),
                    None if now > deadline => return Outcome::Excluded(Exclusion::Automation),
                    None => return Outcome::Pending,
                }
            }
        }
        match agent {
            Some(r) => answered(r, deadline, true),
            None if now > deadline => Outcome::Missed,
            None => Outcome::Pending,
        }
    }
}

fn answered(at: Ts, deadline: Ts, by_agent: bool) -> Outcome {
    Outcome::Answered {
        at,
        in_time: at <= deadline,
        by_agent,
    }
}

/// §1: a session of a conversation (TikTok's unit; on every platform it decides Closed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    pub index: u32,
    pub started_at: Ts,
    /// The seller's message (agent or broadcast) came first.
    pub seller_initiated: bool,
    /// When the session ended: an agent's "End session", else 7 days after its last message.
    pub ended_at: Ts,
    pub ended_by_agent: bool,
    /// Ratings of the session, in time order (the last one stands).
    pub ratings: Vec<(Ts, Score)>,
    /// Each agent who wrote in the session, with their first message's instant.
    pub agents: Vec<(String, Ts)>,
}

impl Session {
    pub fn is_open(&self, now: Ts) -> bool {
        self.started_at <= now && now < self.ended_at
    }

    pub fn rating_as_of(&self, now: Ts) -> Option<Score> {
        self.ratings
            .iter()
            .rev()
            .find(|(t, _)| *t <= now)
            .map(|(_, s)| *s)
    }
}

/// Everything the clock knows of one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationClock {
    pub conversation: String,
    pub buyer: String,
    pub items: Vec<Item>,
    pub sessions: Vec<Session>,
    /// Every message's instant and sender, in time order, so that the inbox can be read as
    /// of any `now` (the latest message, buyer message and agent message by then).
    pub activity: Vec<(Ts, Sender)>,
    /// Star and unstar marks in time order.
    pub stars: Vec<(Ts, bool)>,
}

impl ConversationClock {
    /// The latest message at or before `now`, from `from` (any sender when `None`).
    pub fn last_at(&self, now: Ts, from: Option<Sender>) -> Option<Ts> {
        self.activity
            .iter()
            .rev()
            .find(|(t, s)| *t <= now && from.is_none_or(|f| f == *s))
            .map(|(t, _)| *t)
    }

    /// The latest message of all, from `from` (any sender when `None`).
    pub fn latest(&self, from: Option<Sender>) -> Option<Ts> {
        self.last_at(Ts::MAX_UTC, from)
    }

    /// The conversation exists at `now`: its first message has been sent.
    pub fn exists_at(&self, now: Ts) -> bool {
        self.activity.first().is_some_and(|(t, _)| *t <= now)
    }

    /// The conversation as the metrics read it.
    pub fn view(&self) -> crate::metrics::Conv<'_> {
        crate::metrics::Conv {
            conversation: &self.conversation,
            buyer: &self.buyer,
            items: &self.items,
            sessions: &self.sessions,
        }
    }

    /// §6 Closed: no session open at `now`.
    pub fn is_closed(&self, now: Ts) -> bool {
        !self.sessions.iter().any(|s| s.is_open(now))
    }

    /// The instant the conversation closes (or closed) if nothing more happens.
    pub fn closes_at(&self) -> Option<Ts> {
        self.sessions.last().map(|s| s.ended_at)
    }

    pub fn is_starred(&self, now: Ts) -> bool {
        self.stars
            .iter()
            .rev()
            .find(|(t, _)| *t <= now)
            .is_some_and(|(_, s)| *s)
    }

    /// §6: the inquiry waiting for a reply at `now`, if any.
    pub fn open_inquiry(&self, now: Ts, automation_counts: bool) -> Option<&Item> {
        let item = self
            .items
            .iter()
            .rev()
            .find(|i| i.is_inquiry() && i.opened_at <= now)?;
        let happened = |t: Option<Ts>| t.is_some_and(|t| t <= now);
        if item.excluded_as_of(now).is_some()
            || happened(item.closed_at)
            || happened(item.agent_reply_at)
        {
            return None;
        }
        if happened(item.auto_reply_at) {
            // An automated answer closes the inquiry, unless the buyer wrote again by the
            // deadline (§3); with the setting on it is simply the reply.
            let reopened = item
                .followup_at
                .is_some_and(|f| f <= now && f <= item.deadline);
            if automation_counts || !reopened {
                return None;
            }
        }
        Some(item)
    }
}

/// The shop as the clock needs it.
#[derive(Debug, Clone, Copy)]
pub struct ShopContext<'a> {
    pub shop: &'a Shop,
    pub settings: &'a ShopSettings,
    pub timeline: &'a ShopTimeline,
}

impl ShopContext<'_> {
    fn is_public_holiday(&self, day: chrono::NaiveDate) -> bool {
        self.timeline.extra_holidays.contains_key(&day)
            || calendar::shipped_holiday(self.shop.region.as_str(), day).is_some()
    }

    /// §2: the message-level exclusion of a buyer message, if any (first match wins).
    fn exclusion(
        &self,
        conv: &ConversationFacts,
        m: &Message,
        seller_session: bool,
    ) -> Option<Exclusion> {
        use Platform::*;
        let (platform, region, tz) = (self.shop.platform, self.shop.region, self.shop.tz);
        if m.from == Sender::System {
            return Some(Exclusion::System);
        }
        if self.timeline.in_holiday_mode(m.at) {
            return Some(Exclusion::HolidayMode);
        }
        let (blocked, account) = buyer_state_at(&conv.buyer_states, m.at);
        if platform == Tiktok && blocked {
            return Some(Exclusion::Blocked);
        }
        if platform == Shopee && account != AccountState::Active {
            return Some(Exclusion::AccountState);
        }
        if platform == Tiktok && seller_session {
            return Some(Exclusion::SellerInitiated);
        }
        if platform == Tiktok && region == Region::US {
            if let Some(hours) = self.timeline.hours_at(m.at) {
                let local = m.at.with_timezone(&tz);
                let minute = local.hour() * 60 + local.minute();
                if !hours.is_open(chrono::Datelike::weekday(&local), minute) {
                    return Some(Exclusion::OutsideHours);
                }
            }
        }
        if platform == Lazada && self.is_public_holiday(policy::lazada_cycle_day(tz, m.at)) {
            // §5: a day cycle whose day D is a public holiday is left out whole.
            return Some(Exclusion::PublicHoliday);
        }
        if platform == Tiktok && m.platform_handled == Some(true) {
            return Some(Exclusion::PlatformHandled);
        }
        if matches!(platform, Tiktok | Shopee)
            && m.kind == Kind::FaqPrompt
            && m.faq_chat_with_agent != Some(true)
        {
            return Some(Exclusion::Faq);
        }
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OpenState {
    Open,
    /// TikTok: an auto / bot message answered it; a follow-up by the deadline reopens it.
    AutoAnswered,
}

struct Walk<'a> {
    ctx: ShopContext<'a>,
    conv: &'a ConversationFacts,
    items: Vec<Item>,
    sessions: Vec<Session>,
    session_open: bool,
    /// The open session's last message plus [`AUTO_CLOSE`]: when it ends if nothing more
    /// happens (worked out once per message, the one calendar sum a message costs).
    auto_close_at: Option<Ts>,
    /// The current session already has an inquiry (its first is the one TikTok judges).
    session_has_inquiry: bool,
    /// The shop's inbox and secondary policies and the inbox policy's due-soon lead,
    /// looked up once per conversation rather than per item.
    policy: Policy,
    secondary: Option<Policy>,
    lead: Option<Duration>,
    open: Option<(usize, OpenState)>,
    /// Inquiries of the current session still waiting for an agent message: those from
    /// this position on (items are appended in order; left-out messages are skipped).
    awaiting_agent: usize,
    /// The inquiry answered by automation and not yet followed up (at most one: only a
    /// counted buyer message opens another, and it takes this one first).
    awaiting_followup: Option<usize>,
}

impl Walk<'_> {
    fn close_session(&mut self, at: Ts, by_agent: bool) {
        if !self.session_open {
            return;
        }
        let session = self.sessions.last_mut().expect("an open session exists");
        session.ended_at = at;
        session.ended_by_agent = by_agent;
        if let Some((i, state)) = self.open.take() {
            if state == OpenState::Open {
                self.items[i].closed_at = Some(at);
            }
        }
        self.session_open = false;
        self.awaiting_agent = self.items.len();
        self.awaiting_followup = None;
    }

    fn auto_close_before(&mut self, t: Ts) {
        if let Some(close) = self.auto_close_at {
            if self.session_open && t >= close {
                self.close_session(close, false);
            }
        }
    }

    fn message(&mut self, m: &Message) {
        self.auto_close_before(m.at);
        let opens_session = matches!(m.from, Sender::Buyer | Sender::Agent | Sender::Broadcast);
        if !self.session_open && opens_session {
            self.sessions.push(Session {
                index: self.sessions.len() as u32,
                started_at: m.at,
                seller_initiated: m.from != Sender::Buyer,
                // Set just below, with the session's latest message.
                ended_at: m.at,
                ended_by_agent: false,
                ratings: Vec::new(),
                agents: Vec::new(),
            });
            self.session_open = true;
            self.session_has_inquiry = false;
        }
        if self.session_open {
            let close = m.at + AUTO_CLOSE;
            self.auto_close_at = Some(close);
            self.sessions.last_mut().expect("open session").ended_at = close;
        }
        match m.from {
            Sender::Buyer | Sender::System => self.buyer_message(m),
            Sender::Agent => self.agent_message(m),
            Sender::Auto | Sender::Bot => self.automated_message(m),
            Sender::Broadcast => {}
        }
    }

    fn buyer_message(&mut self, m: &Message) {
        let seller_session = self
            .sessions
            .last()
            .is_some_and(|s| self.session_open && s.seller_initiated);
        if let Some(reason) = self.ctx.exclusion(self.conv, m, seller_session) {
            let item = self.new_item(m, Some(reason));
            self.items.push(item);
            return;
        }
        if let Some(i) = self.awaiting_followup.take() {
            self.items[i].followup_at = Some(m.at);
        }
        match self.open {
            Some((i, OpenState::Open)) => self.items[i].counted_at.push(m.at),
            Some((i, OpenState::AutoAnswered)) if m.at <= self.items[i].deadline => {
                // §3: the buyer wrote again by the deadline; the automation did not resolve
                // it and the inquiry stays open on its original clock.
                self.items[i].counted_at.push(m.at);
                self.open = Some((i, OpenState::Open));
            }
            _ => {
                let mut item = self.new_item(m, None);
                // Most inquiries have one counted message: room for exactly that.
                item.counted_at.reserve_exact(1);
                item.counted_at.push(m.at);
                item.first_in_session = self.session_open && !self.session_has_inquiry;
                self.session_has_inquiry = true;
                self.items.push(item);
                let i = self.items.len() - 1;
                self.open = Some((i, OpenState::Open));
            }
        }
    }

    fn agent_message(&mut self, m: &Message) {
        for item in &mut self.items[self.awaiting_agent..] {
            if item.is_inquiry() {
                item.agent_reply_at = Some(m.at);
            }
        }
        self.awaiting_agent = self.items.len();
        self.awaiting_followup = None;
        self.open = None;
        if let (Some(agent), true) = (&m.agent, self.session_open) {
            let session = self.sessions.last_mut().expect("open session");
            if !session.agents.iter().any(|(a, _)| a == agent) {
                if session.agents.is_empty() {
                    // Most sessions have one agent: room for exactly that.
                    session.agents.reserve_exact(1);
                }
                session.agents.push((agent.clone(), m.at));
            }
        }
    }

    fn automated_message(&mut self, m: &Message) {
        // §3: only TikTok Shop lets automation answer an inquiry.
        if self.ctx.shop.platform != Platform::Tiktok {
            return;
        }
        if let Some((i, OpenState::Open)) = self.open {
            if self.items[i].auto_reply_at.is_some() {
                // Reopened after a follow-up: it now needs an agent.
                return;
            }
            self.items[i].auto_reply_at = Some(m.at);
            if self.ctx.settings.automation_counts_as_reply {
                self.open = None;
            } else {
                self.open = Some((i, OpenState::AutoAnswered));
                self.awaiting_followup = Some(i);
            }
        }
    }

    fn mark(&mut self, mark: &Mark) {
        self.auto_close_before(mark.at);
        match mark.action {
            MarkAction::NoResponseNeeded => {
                if let Some((i, _)) = self.open.take() {
                    self.items[i].excluded = Some(Exclusion::NoResponseNeeded);
                    self.items[i].excluded_at = Some(mark.at);
                }
            }
            MarkAction::EndSession => self.close_session(mark.at, true),
            MarkAction::Star
            | MarkAction::Unstar
            | MarkAction::Transfer
            | MarkAction::ReportAbuse => {}
        }
    }

    fn new_item(&self, m: &Message, excluded: Option<Exclusion>) -> Item {
        let shop = self.ctx.shop;
        let policy = self.policy;
        let coverage = self.ctx.timeline.weekend_coverage_on(m.at);
        let deadline = policy::deadline(policy, shop.tz, m.at, coverage);
        let deadline2 = self
            .secondary
            .filter(|p| *p != Policy::Lazada10min || policy::in_lazada_10min_window(shop.tz, m.at))
            .map(|p| policy::deadline(p, shop.tz, m.at, coverage));
        Item {
            seq: self.items.len() as u32,
            message: m.id.clone(),
            opened_at: m.at,
            excluded,
            excluded_at: excluded.map(|_| m.at),
            counted_at: Vec::new(),
            session: self.sessions.len().saturating_sub(1) as u32,
            first_in_session: false,
            policy,
            deadline,
            due_soon_at: self.lead.map(|lead| deadline - lead),
            weekend_moved: coverage && deadline != policy::deadline(policy, shop.tz, m.at, false),
            deadline2,
            agent_reply_at: None,
            auto_reply_at: None,
            followup_at: None,
            closed_at: None,
        }
    }
}

/// Runs the reply clock over one conversation. `conv` must be sorted
/// ([`ConversationFacts::sort`]).
pub fn derive(ctx: ShopContext<'_>, conv: &ConversationFacts) -> ConversationClock {
    let (platform, region) = (ctx.shop.platform, ctx.shop.region);
    let policy = Policy::inbox(platform, region);
    let mut walk = Walk {
        ctx,
        conv,
        // At most one item per buyer or system message.
        items: Vec::with_capacity(
            conv.messages
                .iter()
                .filter(|m| matches!(m.from, Sender::Buyer | Sender::System))
                .count(),
        ),
        sessions: Vec::new(),
        session_open: false,
        auto_close_at: None,
        session_has_inquiry: false,
        policy,
        secondary: Policy::secondary(platform, region),
        lead: ctx.settings.lead(policy),
        open: None,
        awaiting_agent: 0,
        awaiting_followup: None,
    };
    // Messages and marks in time order; at the same instant the message comes first.
    let (mut mi, mut ki) = (0, 0);
    while mi < conv.messages.len() || ki < conv.marks.len() {
        let take_message = match (conv.messages.get(mi), conv.marks.get(ki)) {
            (Some(m), Some(k)) => m.at <= k.at,
            (Some(_), None) => true,
            _ => false,
        };
        if take_message {
            walk.message(&conv.messages[mi]);
            mi += 1;
        } else {
            walk.mark(&conv.marks[ki]);
            ki += 1;
        }
    }
    let mut sessions = walk.sessions;
    for r in &conv.ratings {
        // A rating belongs to the session open at its instant, or else the last one before.
        let target = sessions
            .iter()
            .rposition(|s| s.started_at <= r.at)
            .or(if sessions.is_empty() { None } else { Some(0) });
        if let Some(i) = target {
            sessions[i].ratings.push((r.at, r.score));
        }
    }
    ConversationClock {
        conversation: conv.conversation.clone(),
        buyer: conv.buyer.clone(),
        items: walk.items,
        sessions,
        activity: conv.messages.iter().map(|m| (m.at, m.from)).collect(),
        stars: conv
            .marks
            .iter()
            .filter_map(|k| match k.action {
                MarkAction::Star => Some((k.at, true)),
                MarkAction::Unstar => Some((k.at, false)),
                _ => None,
            })
            .collect(),
    }
}
