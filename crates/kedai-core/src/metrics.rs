//! §5: every metric of a shop at an instant `now`, from its clock items.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveTime};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::clock::{Exclusion, Item, Outcome, Session};
use crate::model::{Order, Platform, Region, Shop};
use crate::policy::{self, Policy};
use crate::settings::ShopSettings;
use crate::time::{serde_ts, Ts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotRated,
    Good,
    Warning,
    Bad,
    /// The platform sets no target for this figure.
    NoTarget,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// `value` is a fraction from 0 to 1: numerator / denominator.
    Rate,
    /// `value` is whole seconds: numerator (total seconds) / denominator (answers).
    Seconds,
    /// `value` is the numerator.
    Count,
}

/// The window a figure covers: items opened in `[from, to]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    #[serde(with = "serde_ts")]
    pub from: Ts,
    #[serde(with = "serde_ts")]
    pub to: Ts,
}

impl Window {
    fn holds(&self, t: Ts) -> bool {
        self.from <= t && t <= self.to
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub value: Option<f64>,
    pub numerator: u64,
    pub denominator: u64,
    pub pending: u64,
    #[serde(serialize_with = "ser_excluded")]
    pub excluded: BTreeMap<Exclusion, u64>,
    pub status: Status,
    pub unit: Unit,
    /// Good at or above (for times: at or below) this value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    pub window: Window,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub penalty_risk: Option<bool>,
    /// `sessions_today`: sessions per agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_agent: Option<BTreeMap<String, u64>>,
    /// §3: shown next to TikTok rates, the automation setting in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation_counts_as_reply: Option<bool>,
}

fn ser_excluded<S: Serializer>(m: &BTreeMap<Exclusion, u64>, s: S) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(m.len()))?;
    for (k, v) in m {
        map.serialize_entry(k.as_str(), v)?;
    }
    map.end()
}

impl Figure {
    /// The value in whole basis points (rates) or seconds (times), for comparisons that
    /// never read 0.85 as 0.8499999.
    pub fn basis_points(&self) -> Option<u64> {
        (self.denominator > 0).then(|| self.numerator * 10_000 / self.denominator)
    }
}

/// A shop's metrics at `now`, in the order of §5's table.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopMetrics {
    pub figures: Vec<(&'static str, Figure)>,
}

impl ShopMetrics {
    pub fn get(&self, id: &str) -> Option<&Figure> {
        self.figures.iter().find(|(k, _)| *k == id).map(|(_, f)| f)
    }
}

impl Serialize for ShopMetrics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.figures.len()))?;
        for (k, v) in &self.figures {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// What the metrics are computed from: every item and session of the shop (any subset
/// that holds the windows), and its orders.
pub struct MetricInput<'a> {
    pub shop: &'a Shop,
    pub settings: &'a ShopSettings,
    pub items: &'a [&'a Item],
    pub sessions: &'a [&'a Session],
    pub orders: &'a [&'a Order],
}

/// The longest look-back any metric needs, for callers that load a subset.
pub const LOOKBACK: Duration = Duration::days(31);

/// No metric at `now` reads an item opened, a session started or an order placed before
/// `now - HORIZON` (the minimum volumes count messages of inquiries opened up to
/// [`LOOKBACK`] before their window).
pub const HORIZON: Duration = Duration::days(62);

#[derive(Default)]
struct Tally {
    numerator: u64,
    denominator: u64,
    pending: u64,
    excluded: BTreeMap<Exclusion, u64>,
}

impl Tally {
    fn exclude(&mut self, e: Exclusion) {
        *self.excluded.entry(e).or_default() += 1;
    }
}

struct Ctx<'a> {
    input: &'a MetricInput<'a>,
    now: Ts,
    automation_counts: bool,
}

impl<'a> Ctx<'a> {
    fn platform(&self) -> Platform {
        self.input.shop.platform
    }

    fn region(&self) -> Region {
        self.input.shop.region
    }

    fn days(&self, n: i64) -> Window {
        Window {
            from: self.now - Duration::days(n),
            to: self.now,
        }
    }

    /// Items opened in the window, as of `now`.
    fn items_in(&self, w: Window) -> impl Iterator<Item = &'a Item> + '_ {
        self.input
            .items
            .iter()
            .copied()
            .filter(move |i| w.holds(i.opened_at))
    }

    fn outcome(&self, item: &Item, deadline: Ts) -> Outcome {
        item.outcome(deadline, self.automation_counts, self.now)
    }

    /// Counts message-level exclusions in the window; returns the inquiries.
    fn split<'b>(&'b self, w: Window, tally: &'b mut Tally) -> impl Iterator<Item = &'a Item> + 'b {
        self.items_in(w).filter(move |i| {
            if i.is_inquiry() {
                return true;
            }
            if let Some(e) = i.excluded {
                tally.exclude(e);
            }
            false
        })
    }

    /// A rate over inquiries: `deadline` picks the policy's deadline (None: not measured).
    fn rate(
        &self,
        w: Window,
        tally: &mut Tally,
        select: impl Fn(&Item) -> bool,
        deadline: impl Fn(&Item) -> Option<Ts>,
    ) {
        let mut decided = Vec::new();
        let inquiries: Vec<&Item> = self.split(w, tally).collect();
        for item in inquiries {
            let Some(d) = deadline(item).filter(|_| select(item)) else {
                continue;
            };
            match self.outcome(item, d) {
                Outcome::Excluded(e) => tally.exclude(e),
                Outcome::Pending => tally.pending += 1,
                Outcome::Answered { in_time, .. } => decided.push(in_time),
                Outcome::Missed => decided.push(false),
            }
        }
        tally.denominator = decided.len() as u64;
        tally.numerator = decided.iter().filter(|x| **x).count() as u64;
    }

    fn excluded_zeroes(&self, tally: &mut Tally) {
        for e in Exclusion::ALL {
            if e.applies(self.platform(), self.region()) {
                tally.excluded.entry(e).or_default();
            }
        }
        tally
            .excluded
            .retain(|e, _| e.applies(self.platform(), self.region()));
    }

    fn figure(
        &self,
        mut tally: Tally,
        unit: Unit,
        w: Window,
        status: Status,
        target: Option<f64>,
    ) -> Figure {
        self.excluded_zeroes(&mut tally);
        let value = match unit {
            Unit::Count => Some(tally.numerator as f64),
            _ if tally.denominator == 0 => None,
            Unit::Rate => Some(tally.numerator as f64 / tally.denominator as f64),
            Unit::Seconds => Some((tally.numerator as f64 / tally.denominator as f64).round()),
        };
        Figure {
            value,
            numerator: tally.numerator,
            denominator: tally.denominator,
            pending: tally.pending,
            excluded: tally.excluded,
            status,
            unit,
            target,
            window: w,
            penalty_risk: None,
            by_agent: None,
            automation_counts_as_reply: None,
        }
    }

    fn rate_figure(
        &self,
        tally: Tally,
        w: Window,
        rated: bool,
        target_bp: u64,
        warning_bp: u64,
    ) -> Figure {
        let status = if !rated || tally.denominator == 0 {
            Status::NotRated
        } else {
            let bp = tally.numerator * 10_000 / tally.denominator;
            if bp >= target_bp {
                Status::Good
            } else if bp >= warning_bp {
                Status::Warning
            } else {
                Status::Bad
            }
        };
        self.figure(
            tally,
            Unit::Rate,
            w,
            status,
            Some(target_bp as f64 / 10_000.0),
        )
    }

    /// Counted buyer messages (§5 minimum volumes) in the window.
    fn counted_messages(&self, w: Window) -> u64 {
        self.items_in(Window {
            from: w.from - LOOKBACK,
            to: w.to,
        })
        .filter(|i| i.is_inquiry() && i.excluded_as_of(self.now).is_none())
        .flat_map(|i| i.counted_at.iter())
        .filter(|t| w.holds(**t))
        .count() as u64
    }

    fn tiktok_rate(&self, w: Window, policy: Policy, target_bp: u64, min_messages: u64) -> Figure {
        let mut tally = Tally::default();
        let primary = Policy::inbox(self.platform(), self.region()) == policy;
        // §1: TikTok counts buyer-initiated sessions, judged by their first inquiry.
        self.rate(
            w,
            &mut tally,
            |i| i.first_in_session,
            |i| {
                if primary {
                    Some(i.deadline)
                } else {
                    i.deadline2
                }
            },
        );
        let rated = self.counted_messages(w) >= min_messages;
        let mut f = self.rate_figure(tally, w, rated, target_bp, target_bp.saturating_sub(500));
        f.automation_counts_as_reply = Some(self.automation_counts);
        f
    }

    /// Mean time to reply over answered inquiries that `keep` accepts.
    fn mean_time(&self, w: Window, keep: impl Fn(&Item, Outcome) -> Option<Ts>) -> Tally {
        let mut tally = Tally::default();
        let mut total_ms: i64 = 0;
        let inquiries: Vec<&Item> = self.split(w, &mut tally).collect();
        for item in inquiries {
            let outcome = self.outcome(item, item.deadline);
            match outcome {
                Outcome::Excluded(e) => tally.exclude(e),
                Outcome::Pending => tally.pending += 1,
                _ => {
                    if let Some(at) = keep(item, outcome) {
                        total_ms += (at - item.opened_at).num_milliseconds();
                        tally.denominator += 1;
                    }
                }
            }
        }
        tally.numerator = (total_ms as f64 / 1000.0).round() as u64;
        tally
    }

    fn time_figure(&self, tally: Tally, w: Window, target_secs: Option<u64>) -> Figure {
        let status = match target_secs {
            _ if tally.denominator == 0 => Status::NotRated,
            None => Status::NoTarget,
            Some(target) => {
                let secs = (tally.numerator as f64 / tally.denominator as f64).round() as u64;
                // No warning bar is given for times; as for rates, 5 units (minutes) past it.
                if secs <= target {
                    Status::Good
                } else if secs <= target + 300 {
                    Status::Warning
                } else {
                    Status::Bad
                }
            }
        };
        self.figure(
            tally,
            Unit::Seconds,
            w,
            status,
            target_secs.map(|s| s as f64),
        )
    }

    fn ratings(&self, w: Window, want: impl Fn(crate::model::Score) -> bool) -> Figure {
        let mut tally = Tally::default();
        for s in self.input.sessions.iter().filter(|s| w.holds(s.started_at)) {
            if let Some(score) = s.rating_as_of(self.now) {
                tally.denominator += 1;
                tally.numerator += want(score) as u64;
            }
        }
        let status = if tally.denominator == 0 {
            Status::NotRated
        } else {
            Status::NoTarget
        };
        self.figure(tally, Unit::Rate, w, status, None)
    }

    fn sessions_today(&self) -> Figure {
        let tz = self.input.shop.tz;
        let today = self.now.with_timezone(&tz).date_naive();
        let w = Window {
            from: policy::local_instant(tz, today, NaiveTime::MIN),
            to: self.now,
        };
        let mut by_agent: BTreeMap<String, u64> = BTreeMap::new();
        let mut tally = Tally::default();
        for s in self.input.sessions.iter().filter(|s| w.holds(s.started_at)) {
            tally.numerator += 1;
            for (agent, at) in &s.agents {
                if *at <= self.now {
                    *by_agent.entry(agent.clone()).or_default() += 1;
                }
            }
        }
        let mut f = self.figure(tally, Unit::Count, w, Status::NoTarget, None);
        f.excluded.clear();
        f.by_agent = Some(by_agent);
        f
    }

    /// §5: Lazada's last 7 day cycles, the current one included.
    fn lazada_cycles(&self) -> Window {
        let tz = self.input.shop.tz;
        let day = policy::lazada_cycle_day(tz, self.now) - Duration::days(6);
        Window {
            from: policy::lazada_cycle_start(tz, day),
            to: self.now,
        }
    }

    /// §5: TikTok US: the last full week, Monday 00:00 to Monday 00:00 local.
    fn last_full_week(&self) -> Window {
        let tz = self.input.shop.tz;
        let local = self.now.with_timezone(&tz).date_naive();
        let monday = local - Duration::days(local.weekday().num_days_from_monday() as i64);
        let end = policy::local_instant(tz, monday, NaiveTime::MIN);
        let start = policy::local_instant(tz, monday - Duration::days(7), NaiveTime::MIN);
        // The window is half-open; `Window` is closed, so end one millisecond before.
        Window {
            from: start,
            to: end - Duration::milliseconds(1),
        }
    }

    fn orders_in(&self, w: Window) -> u64 {
        self.input.orders.iter().filter(|o| w.holds(o.at)).count() as u64
    }
}

/// §5: every metric that applies to the shop's platform and region, at `now`.
/// [`compute`] over any collections of items, sessions and orders (clocks, a cached window).
pub fn compute_over<'a>(
    shop: &Shop,
    settings: &ShopSettings,
    items: impl IntoIterator<Item = &'a Item>,
    sessions: impl IntoIterator<Item = &'a Session>,
    orders: impl IntoIterator<Item = &'a Order>,
    now: Ts,
) -> ShopMetrics {
    let items: Vec<&Item> = items.into_iter().collect();
    let sessions: Vec<&Session> = sessions.into_iter().collect();
    let orders: Vec<&Order> = orders.into_iter().collect();
    compute(
        &MetricInput {
            shop,
            settings,
            items: &items,
            sessions: &sessions,
            orders: &orders,
        },
        now,
    )
}

pub fn compute(input: &MetricInput<'_>, now: Ts) -> ShopMetrics {
    let ctx = Ctx {
        input,
        now,
        automation_counts: input.settings.automation_counts_as_reply,
    };
    let mut figures = Vec::new();
    let month = ctx.days(30);
    match (input.shop.platform, input.shop.region) {
        (Platform::Tiktok, region) => {
            let us = region == Region::US;
            let target = if us { 8500 } else { 9000 };
            figures.push((
                "response_rate_24h",
                ctx.tiktok_rate(month, Policy::Tiktok24h, target, 21),
            ));
            if !us {
                figures.push((
                    "response_rate_12h",
                    ctx.tiktok_rate(month, Policy::Tiktok12h, 9000, 21),
                ));
            } else {
                let week = ctx.last_full_week();
                figures.push((
                    "weekly_response_rate_24h",
                    ctx.tiktok_rate(week, Policy::Tiktok24h, 8500, 5),
                ));
            }
            let t = ctx.mean_time(month, |_, o| match o {
                Outcome::Answered {
                    at, by_agent: true, ..
                } => Some(at),
                _ => None,
            });
            figures.push(("avg_response_time", ctx.time_figure(t, month, None)));
            figures.push((
                "satisfaction_rate",
                ctx.ratings(month, |s| s.is_satisfied()),
            ));
            figures.push((
                "im_dissatisfaction_rate",
                ctx.ratings(month, |s| s.is_dissatisfied()),
            ));
        }
        (Platform::Shopee, _) => {
            figures.push(("chat_response_rate", shopee_rate(&ctx, month)));
            let first = first_inquiries(&ctx, month);
            let t = ctx.mean_time(month, |i, o| match o {
                Outcome::Answered { at, .. }
                    if first.contains(&(i.conversation.as_str(), i.seq)) =>
                {
                    Some(at)
                }
                _ => None,
            });
            figures.push(("first_response_time", ctx.time_figure(t, month, None)));
            let t = ctx.mean_time(month, |_, o| match o {
                Outcome::Answered { at, .. } => Some(at),
                _ => None,
            });
            figures.push(("avg_response_time", ctx.time_figure(t, month, None)));
        }
        (Platform::Lazada, _) => {
            let cycles = ctx.lazada_cycles();
            let mut tally = Tally::default();
            ctx.rate(cycles, &mut tally, |_| true, |i| Some(i.deadline));
            figures.push((
                "chat_response_rate",
                ctx.rate_figure(tally, cycles, true, 8500, 5000),
            ));
            let week = ctx.days(7);
            let mut tally = Tally::default();
            ctx.rate(week, &mut tally, |i| i.deadline2.is_some(), |i| i.deadline2);
            let mut f = ctx.rate_figure(tally, week, true, 0, 0);
            if f.status != Status::NotRated {
                f.status = Status::NoTarget;
            }
            f.target = None;
            figures.push(("response_rate_10min", f));
            let t = ctx.mean_time(cycles, |_, o| match o {
                Outcome::Answered {
                    at, in_time: true, ..
                } => Some(at),
                _ => None,
            });
            figures.push((
                "chat_response_time",
                ctx.time_figure(t, cycles, Some(30 * 60)),
            ));
            figures.push((
                "chat_order_conversion_rate",
                lazada_conversion(&ctx, cycles),
            ));
        }
    }
    figures.push(("sessions_today", ctx.sessions_today()));
    ShopMetrics { figures }
}

/// §5 Shopee: the most recent quarter of decided inquiries (rounded up) weighs more.
fn shopee_rate(ctx: &Ctx<'_>, w: Window) -> Figure {
    let mut tally = Tally::default();
    let mut decided: Vec<(&Item, bool)> = Vec::new();
    let inquiries: Vec<&Item> = ctx.split(w, &mut tally).collect();
    for item in inquiries {
        match ctx.outcome(item, item.deadline) {
            Outcome::Excluded(e) => tally.exclude(e),
            Outcome::Pending => tally.pending += 1,
            Outcome::Answered { in_time, .. } => decided.push((item, in_time)),
            Outcome::Missed => decided.push((item, false)),
        }
    }
    decided.sort_by(|(a, _), (b, _)| {
        (a.opened_at, &a.conversation, a.seq).cmp(&(b.opened_at, &b.conversation, b.seq))
    });
    let recent = decided.len().div_ceil(4);
    let weight = ctx.input.settings.shopee_recent_weight as u64;
    for (k, (_, in_time)) in decided.iter().enumerate() {
        let w = if k >= decided.len() - recent {
            weight
        } else {
            1
        };
        tally.denominator += w;
        tally.numerator += w * (*in_time as u64);
    }
    let rated = decided.len() >= 2;
    let mut f = ctx.rate_figure(tally, w, rated, 9000, 8500);
    // Shopee's warning line: 10+ orders in 30 days and a rate of 20 % or less.
    let orders = ctx.orders_in(ctx.days(30));
    f.penalty_risk = Some(orders >= 10 && f.basis_points().is_some_and(|bp| bp <= 2000));
    f
}

/// The first inquiry of each conversation in the window, as (conversation, seq).
fn first_inquiries<'a>(ctx: &Ctx<'a>, w: Window) -> std::collections::HashSet<(&'a str, u32)> {
    let mut first: HashMap<&str, u32> = HashMap::new();
    for i in ctx.items_in(w).filter(|i| i.is_inquiry()) {
        let e = first.entry(i.conversation.as_str()).or_insert(i.seq);
        *e = (*e).min(i.seq);
    }
    first.into_iter().collect()
}

/// §5 Lazada: conversations with an agent reply followed by the buyer's order within 7 days
/// (decision: the seed names no horizon) / conversations with an agent reply.
fn lazada_conversion(ctx: &Ctx<'_>, w: Window) -> Figure {
    const HORIZON: Duration = Duration::days(7);
    let mut replied: HashMap<&str, (&str, Ts)> = HashMap::new();
    for i in ctx.items_in(w).filter(|i| i.is_inquiry()) {
        if let Some(r) = i.agent_reply_at.filter(|&r| r <= ctx.now) {
            let e = replied
                .entry(i.conversation.as_str())
                .or_insert((i.buyer.as_str(), r));
            e.1 = e.1.min(r);
        }
    }
    let mut orders: HashMap<&str, Vec<Ts>> = HashMap::new();
    for o in ctx.input.orders.iter().filter(|o| o.at <= ctx.now) {
        orders.entry(o.buyer.as_str()).or_default().push(o.at);
    }
    let mut tally = Tally::default();
    for (buyer, r) in replied.values() {
        let converted = orders
            .get(buyer)
            .is_some_and(|v| v.iter().any(|&t| t > *r && t <= *r + HORIZON));
        // Every conversation with an agent reply is in the denominator, converted or not
        // yet: the window (7 day cycles, ending at `now`) is shorter than the 7-day horizon,
        // so holding unconverted ones back as pending would leave only converted ones.
        tally.denominator += 1;
        tally.numerator += converted as u64;
    }
    let status = if tally.denominator == 0 {
        Status::NotRated
    } else {
        Status::NoTarget
    };
    let mut f = ctx.figure(tally, Unit::Rate, w, status, None);
    f.excluded.clear();
    f
}
