//! One conversation's share of a shop's figures at `now`, and the next instant it can change.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveTime};

use super::{Conv, Plan, Window, LOOKBACK};
use crate::clock::{Exclusion, Item, Outcome};
use crate::model::{Order, Platform, Region};
use crate::policy;
use crate::time::Ts;

/// The sums behind one figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Acc {
    pub num: i64,
    pub den: i64,
    pub pending: i64,
    /// Milliseconds to reply, summed (times).
    pub total_ms: i64,
    /// Counted buyer messages in the window (TikTok's minimum volume).
    pub volume: i64,
    /// By [`Exclusion::ALL`] position.
    pub excluded: [i64; 11],
}

impl Acc {
    fn exclude(&mut self, e: Exclusion) {
        self.excluded[e as usize] += 1;
    }

    fn apply(&mut self, other: &Acc, sign: i64) {
        self.num += sign * other.num;
        self.den += sign * other.den;
        self.pending += sign * other.pending;
        self.total_ms += sign * other.total_ms;
        self.volume += sign * other.volume;
        for (a, b) in self.excluded.iter_mut().zip(other.excluded) {
            *a += sign * b;
        }
    }
}

/// The figures' sums, by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot {
    Rate24,
    Rate12,
    Weekly24,
    AvgTime,
    Satisfied,
    Dissatisfied,
    ShopeeRate,
    FirstTime,
    LazadaRate,
    Lazada10min,
    LazadaTime,
    Conversion,
    Today,
}

const SLOTS: usize = Slot::Today as usize + 1;

/// One conversation's share of the figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partial<'a> {
    pub(crate) acc: [Acc; SLOTS],
    /// Shopee: the decided inquiries, as (opened, seq, answered in time).
    pub decided: Vec<(Ts, u32, bool)>,
    /// Sessions started today, by agent.
    pub by_agent: Vec<(&'a str, i64)>,
}

/// A shop's partials summed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub(crate) acc: [Acc; SLOTS],
    /// Shopee: every decided inquiry in order of (opened, conversation, seq).
    pub decided: BTreeMap<(Ts, String, u32), bool>,
    /// How many of `decided` were answered in time.
    pub in_time: i64,
    pub by_agent: BTreeMap<String, i64>,
}

impl Totals {
    pub fn add(&mut self, conversation: &str, p: &Partial<'_>) {
        self.apply(conversation, p, 1);
    }

    pub fn remove(&mut self, conversation: &str, p: &Partial<'_>) {
        self.apply(conversation, p, -1);
    }

    fn apply(&mut self, conversation: &str, p: &Partial<'_>, sign: i64) {
        for (a, b) in self.acc.iter_mut().zip(&p.acc) {
            a.apply(b, sign);
        }
        for &(at, seq, in_time) in &p.decided {
            let key = (at, conversation.to_owned(), seq);
            if sign > 0 {
                self.decided.insert(key, in_time);
            } else {
                self.decided.remove(&key);
            }
            self.in_time += sign * in_time as i64;
        }
        for &(agent, n) in &p.by_agent {
            let e = self.by_agent.entry(agent.to_owned()).or_default();
            *e += sign * n;
            if *e == 0 {
                self.by_agent.remove(agent);
            }
        }
    }
}

/// Each buyer's order instants.
pub(crate) fn orders_by_buyer(orders: &[Order]) -> HashMap<&str, Vec<Ts>> {
    let mut by: HashMap<&str, Vec<Ts>> = HashMap::new();
    for o in orders {
        by.entry(o.buyer.as_str()).or_default().push(o.at);
    }
    by
}

/// A decided outcome: answered in time (true) or not.
fn decided(o: Outcome) -> Option<bool> {
    match o {
        Outcome::Answered { in_time, .. } => Some(in_time),
        Outcome::Missed => Some(false),
        Outcome::Excluded(_) | Outcome::Pending => None,
    }
}

struct Walker<'p, 'a> {
    plan: &'p Plan<'a>,
}

impl Walker<'_, '_> {
    /// A rate's share of one item in window `w` (None: not measured by this figure). Returns
    /// the decided outcome; a message left out counts under its reason.
    fn rate(&self, acc: &mut Acc, item: &Item, w: Window, deadline: Option<Ts>) -> Option<bool> {
        if !w.holds(item.opened_at) {
            return None;
        }
        if !item.is_inquiry() {
            if let Some(e) = item.excluded {
                acc.exclude(e);
            }
            return None;
        }
        let outcome = item.outcome(deadline?, self.plan.automation_counts, self.plan.now);
        match outcome {
            Outcome::Excluded(e) => acc.exclude(e),
            Outcome::Pending => acc.pending += 1,
            _ => {}
        }
        decided(outcome)
    }

    fn count(&self, acc: &mut Acc, item: &Item, w: Window, deadline: Option<Ts>) {
        if let Some(in_time) = self.rate(acc, item, w, deadline) {
            acc.den += 1;
            acc.num += in_time as i64;
        }
    }

    /// A mean time's share of one item: the reply instant that `keep` accepts.
    fn time(&self, acc: &mut Acc, item: &Item, w: Window, keep: impl Fn(Outcome) -> Option<Ts>) {
        if !w.holds(item.opened_at) {
            return;
        }
        if !item.is_inquiry() {
            if let Some(e) = item.excluded {
                acc.exclude(e);
            }
            return;
        }
        let outcome = item.outcome(item.deadline, self.plan.automation_counts, self.plan.now);
        match outcome {
            Outcome::Excluded(e) => acc.exclude(e),
            Outcome::Pending => acc.pending += 1,
            _ => {
                if let Some(at) = keep(outcome) {
                    acc.total_ms += (at - item.opened_at).num_milliseconds();
                    acc.den += 1;
                }
            }
        }
    }

    /// §5 minimum volumes: counted buyer messages of the item that fall in `w`.
    fn volume(&self, acc: &mut Acc, item: &Item, w: Window) {
        let look = Window {
            from: w.from - LOOKBACK,
            to: w.to,
        };
        if look.holds(item.opened_at)
            && item.is_inquiry()
            && item.excluded_as_of(self.plan.now).is_none()
        {
            acc.volume += item.counted_at.iter().filter(|t| w.holds(**t)).count() as i64;
        }
    }
}

/// One conversation's share of the shop's figures at the plan's `now`. `orders` are the
/// instants of the buyer's orders.
pub fn partial<'a>(plan: &Plan<'_>, conv: &Conv<'a>, orders: &[Ts]) -> Partial<'a> {
    use Slot::*;
    let mut p = Partial::default();
    let walk = Walker { plan };
    let now = plan.now;
    let acc = &mut p.acc;
    match (plan.shop.platform, plan.shop.region) {
        (Platform::Tiktok, region) => {
            let us = region == Region::US;
            for item in conv.items {
                // §1: TikTok counts buyer-initiated sessions, judged by their first inquiry;
                // US shops' inbox policy is the 24-hour one, elsewhere it is secondary.
                let first = item.first_in_session;
                let d24 = if us {
                    Some(item.deadline)
                } else {
                    item.deadline2
                };
                walk.count(
                    &mut acc[Rate24 as usize],
                    item,
                    plan.month,
                    d24.filter(|_| first),
                );
                walk.volume(&mut acc[Rate24 as usize], item, plan.month);
                if us {
                    let d = Some(item.deadline).filter(|_| first);
                    walk.count(&mut acc[Weekly24 as usize], item, plan.week, d);
                    walk.volume(&mut acc[Weekly24 as usize], item, plan.week);
                } else {
                    let d = Some(item.deadline).filter(|_| first);
                    walk.count(&mut acc[Rate12 as usize], item, plan.month, d);
                }
                walk.time(&mut acc[AvgTime as usize], item, plan.month, |o| match o {
                    Outcome::Answered {
                        at, by_agent: true, ..
                    } => Some(at),
                    _ => None,
                });
            }
            if !us {
                // Both 30-day rates read the same minimum volume.
                acc[Rate12 as usize].volume = acc[Rate24 as usize].volume;
            }
            for s in conv
                .sessions
                .iter()
                .filter(|s| plan.month.holds(s.started_at))
            {
                if let Some(score) = s.rating_as_of(now) {
                    acc[Satisfied as usize].den += 1;
                    acc[Satisfied as usize].num += score.is_satisfied() as i64;
                    acc[Dissatisfied as usize].den += 1;
                    acc[Dissatisfied as usize].num += score.is_dissatisfied() as i64;
                }
            }
        }
        (Platform::Shopee, _) => {
            // §5: first response time reads the first inquiry of the conversation in the window.
            let first = conv
                .items
                .iter()
                .find(|i| i.is_inquiry() && plan.month.holds(i.opened_at))
                .map(|i| i.seq);
            for item in conv.items {
                let d = Some(item.deadline);
                if let Some(in_time) = walk.rate(&mut acc[ShopeeRate as usize], item, plan.month, d)
                {
                    p.decided.push((item.opened_at, item.seq, in_time));
                }
                let is_first = first == Some(item.seq);
                walk.time(
                    &mut acc[FirstTime as usize],
                    item,
                    plan.month,
                    |o| match o {
                        Outcome::Answered { at, .. } if is_first => Some(at),
                        _ => None,
                    },
                );
                walk.time(&mut acc[AvgTime as usize], item, plan.month, |o| match o {
                    Outcome::Answered { at, .. } => Some(at),
                    _ => None,
                });
            }
        }
        (Platform::Lazada, _) => {
            let mut replied: Option<Ts> = None;
            for item in conv.items {
                let d = Some(item.deadline);
                walk.count(&mut acc[LazadaRate as usize], item, plan.cycles, d);
                walk.count(
                    &mut acc[Lazada10min as usize],
                    item,
                    plan.seven,
                    item.deadline2,
                );
                walk.time(
                    &mut acc[LazadaTime as usize],
                    item,
                    plan.cycles,
                    |o| match o {
                        Outcome::Answered {
                            at, in_time: true, ..
                        } => Some(at),
                        _ => None,
                    },
                );
                if item.is_inquiry() && plan.cycles.holds(item.opened_at) {
                    if let Some(r) = item.agent_reply_at.filter(|&r| r <= now) {
                        replied = Some(replied.map_or(r, |x| x.min(r)));
                    }
                }
            }
            // §5 Lazada conversion: an agent reply followed by the buyer's order within 7 days
            // (decision: the seed names no horizon). Every replied conversation is in the
            // denominator, converted or not yet: the window is shorter than the horizon.
            if let Some(r) = replied {
                let converted = orders
                    .iter()
                    .any(|&t| t <= now && t > r && t <= r + CONVERSION);
                acc[Conversion as usize].den += 1;
                acc[Conversion as usize].num += converted as i64;
            }
        }
    }
    for s in conv
        .sessions
        .iter()
        .filter(|s| plan.today.holds(s.started_at))
    {
        acc[Today as usize].num += 1;
        for (agent, at) in &s.agents {
            if *at <= now {
                match p.by_agent.iter_mut().find(|(a, _)| a == agent) {
                    Some((_, n)) => *n += 1,
                    None => p.by_agent.push((agent.as_str(), 1)),
                }
            }
        }
    }
    p
}

/// §5 Lazada: the horizon within which an order counts as converted.
const CONVERSION: Duration = Duration::days(7);

/// The first instant after `now` at which the conversation's [`partial`] may differ from
/// its value at `now` (None: never, unless its facts change). Early answers are harmless
/// (the partial is re-evaluated and found unchanged); a late one would leave a stale figure,
/// so every instant a figure compares `now` or a window edge against is a candidate.
pub fn next_change(plan: &Plan<'_>, conv: &Conv<'_>, orders: &[Ts]) -> Option<Ts> {
    let now = plan.now;
    let tz = plan.shop.tz;
    let platform = plan.shop.platform;
    let us = plan.shop.region == Region::US;
    let mut next: Option<Ts> = None;
    let mut consider = |t: Ts| {
        if t > now && next.is_none_or(|n| t < n) {
            next = Some(t);
        }
    };
    let tick = Duration::nanoseconds(1);
    // An instant `b` matters when `now` reaches it (`b <= now`), passes it (`now > b`), or
    // when a window's start passes it (it leaves the window).
    let at = |b: Ts, consider: &mut dyn FnMut(Ts)| {
        consider(b);
        consider(b + tick);
        for base in [b, b + LOOKBACK] {
            consider(base + Duration::days(30) + tick);
            match platform {
                Platform::Lazada => {
                    consider(base + Duration::days(7) + tick);
                    let day = policy::lazada_cycle_day(tz, base) + Duration::days(7);
                    consider(policy::lazada_cycle_start(tz, day));
                }
                Platform::Tiktok if us => {
                    let local = base.with_timezone(&tz).date_naive();
                    let monday =
                        local - Duration::days(local.weekday().num_days_from_monday() as i64);
                    for weeks in [1, 2] {
                        let m = monday + Duration::days(7 * weeks);
                        let edge = policy::local_instant(tz, m, NaiveTime::MIN);
                        consider(edge - Duration::milliseconds(1));
                        consider(edge);
                    }
                }
                _ => {}
            }
        }
    };
    let horizon = now - super::HORIZON;
    for item in conv.items.iter().filter(|i| i.opened_at >= horizon) {
        at(item.opened_at, &mut consider);
        for t in [
            Some(item.deadline),
            item.deadline2,
            item.agent_reply_at,
            item.auto_reply_at,
            item.followup_at,
            item.excluded_at,
        ]
        .into_iter()
        .flatten()
        {
            consider(t);
            consider(t + tick);
        }
        for &t in &item.counted_at {
            at(t, &mut consider);
        }
    }
    for s in conv.sessions.iter().filter(|s| s.started_at >= horizon) {
        at(s.started_at, &mut consider);
        // Sessions today: the local day ends.
        let day = s.started_at.with_timezone(&tz).date_naive() + Duration::days(1);
        consider(policy::local_instant(tz, day, NaiveTime::MIN));
        for (t, _) in &s.ratings {
            consider(*t);
        }
        for (_, t) in &s.agents {
            consider(*t);
        }
    }
    if platform == Platform::Lazada {
        for &t in orders {
            consider(t);
        }
    }
    next
}
