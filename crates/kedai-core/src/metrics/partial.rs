//! One conversation's share of a shop's figures at `now` (added to or taken from a shop's
//! totals), and the next instant it can change.

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
    fn exclude(&mut self, e: Exclusion, sign: i64) {
        self.excluded[e as usize] += sign;
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

/// A shop's figures' sums: every conversation's share added.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub(crate) acc: [Acc; SLOTS],
    /// Shopee: every decided inquiry in order of (opened, conversation, seq).
    pub decided: BTreeMap<(Ts, String, u32), bool>,
    /// How many of `decided` were answered in time.
    pub in_time: i64,
    pub by_agent: BTreeMap<String, i64>,
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
    /// 1 to add the conversation's share, -1 to take it back.
    sign: i64,
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
                acc.exclude(e, self.sign);
            }
            return None;
        }
        let outcome = item.outcome(deadline?, self.plan.automation_counts, self.plan.now);
        match outcome {
            Outcome::Excluded(e) => acc.exclude(e, self.sign),
            Outcome::Pending => acc.pending += self.sign,
            _ => {}
        }
        decided(outcome)
    }

    fn count(&self, acc: &mut Acc, item: &Item, w: Window, deadline: Option<Ts>) {
        if let Some(in_time) = self.rate(acc, item, w, deadline) {
            acc.den += self.sign;
            acc.num += self.sign * in_time as i64;
        }
    }

    /// A mean time's share of one item: the reply instant that `keep` accepts.
    fn time(&self, acc: &mut Acc, item: &Item, w: Window, keep: impl Fn(Outcome) -> Option<Ts>) {
        if !w.holds(item.opened_at) {
            return;
        }
        if !item.is_inquiry() {
            if let Some(e) = item.excluded {
                acc.exclude(e, self.sign);
            }
            return;
        }
        let outcome = item.outcome(item.deadline, self.plan.automation_counts, self.plan.now);
        match outcome {
            Outcome::Excluded(e) => acc.exclude(e, self.sign),
            Outcome::Pending => acc.pending += self.sign,
            _ => {
                if let Some(at) = keep(outcome) {
                    acc.total_ms += self.sign * (at - item.opened_at).num_milliseconds();
                    acc.den += self.sign;
                }
            }
        }
    }

    /// §5 minimum volumes: counted buyer messages of the item that fall in `w`, of items
    /// opened in `look` (`w` and the [`LOOKBACK`] before it).
    fn volume(&self, item: &Item, w: Window, look: Window) -> i64 {
        if look.holds(item.opened_at)
            && item.is_inquiry()
            && item.excluded_as_of(self.plan.now).is_none()
        {
            self.sign * item.counted_at.iter().filter(|t| w.holds(**t)).count() as i64
        } else {
            0
        }
    }
}

/// Adds (`sign` 1) or takes back (`sign` -1) one conversation's share of the shop's figures
/// at the plan's `now`. `orders` are the instants of the buyer's orders.
pub fn apply(plan: &Plan<'_>, conv: &Conv<'_>, orders: &[Ts], totals: &mut Totals, sign: i64) {
    use Slot::*;
    let walk = Walker { plan, sign };
    let now = plan.now;
    let Totals {
        acc,
        decided,
        in_time: in_time_total,
        by_agent,
    } = totals;
    match (plan.shop.platform, plan.shop.region) {
        (Platform::Tiktok, region) => {
            let us = region == Region::US;
            let mut month_volume = 0;
            let lookback = |w: Window| Window {
                from: w.from - LOOKBACK,
                to: w.to,
            };
            let (month_look, week_look) = (lookback(plan.month), lookback(plan.week));
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
                month_volume += walk.volume(item, plan.month, month_look);
                if us {
                    let d = Some(item.deadline).filter(|_| first);
                    walk.count(&mut acc[Weekly24 as usize], item, plan.week, d);
                    acc[Weekly24 as usize].volume += walk.volume(item, plan.week, week_look);
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
            // Both 30-day rates read the same minimum volume.
            acc[Rate24 as usize].volume += month_volume;
            if !us {
                acc[Rate12 as usize].volume += month_volume;
            }
            for s in conv
                .sessions
                .iter()
                .filter(|s| plan.month.holds(s.started_at))
            {
                if let Some(score) = s.rating_as_of(now) {
                    acc[Satisfied as usize].den += sign;
                    acc[Satisfied as usize].num += sign * score.is_satisfied() as i64;
                    acc[Dissatisfied as usize].den += sign;
                    acc[Dissatisfied as usize].num += sign * score.is_dissatisfied() as i64;
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
                    let key = (item.opened_at, conv.conversation.to_owned(), item.seq);
                    if sign > 0 {
                        decided.insert(key, in_time);
                    } else {
                        decided.remove(&key);
                    }
                    *in_time_total += sign * in_time as i64;
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
                acc[Conversion as usize].den += sign;
                acc[Conversion as usize].num += sign * converted as i64;
            }
        }
    }
    for s in conv
        .sessions
        .iter()
        .filter(|s| plan.today.holds(s.started_at))
    {
        acc[Today as usize].num += sign;
        for (agent, at) in &s.agents {
            if *at <= now {
                let n = by_agent.entry(agent.clone()).or_default();
                *n += sign;
                if *n == 0 {
                    by_agent.remove(agent);
                }
            }
        }
    }
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
