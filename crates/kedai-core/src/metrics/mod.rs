//! §5: every metric of a shop at an instant `now`, from its clock items.
//!
//! Every figure is a sum over conversations (numerator, denominator, pending, exclusions,
//! seconds, minimum-volume counts), save Shopee's recency weighting, which needs the order of
//! the decided inquiries (kept as an ordered set). So the metrics are computed in two steps:
//! each conversation's share at `now` added into [`Totals`] ([`apply`]), then the totals
//! turned into figures ([`finalize`]). [`compute`] does both for a whole shop; [`Live`] keeps the totals of a
//! shop current under writes and a moving `now`, re-evaluating only the conversations whose
//! share can have changed ([`next_change`]).

mod live;
mod packed;
mod partial;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveTime};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::clock::{Exclusion, Item, Session};
use crate::model::{Order, Platform, Region, Shop};
use crate::policy;
use crate::settings::ShopSettings;
use crate::time::{serde_ts, Ts};

pub use live::{Live, LiveConv};
pub use partial::{apply, next_change, Totals};

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
    pub fn holds(&self, t: Ts) -> bool {
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

/// One conversation as the metrics read it: its derived items (in `seq` order) and sessions.
/// Any subset that holds the metric windows will do (see [`HORIZON`]).
#[derive(Debug, Clone, Copy)]
pub struct Conv<'a> {
    pub conversation: &'a str,
    pub buyer: &'a str,
    pub items: &'a [Item],
    pub sessions: &'a [Session],
}

/// The longest look-back any metric needs, for callers that load a subset.
pub const LOOKBACK: Duration = Duration::days(31);

/// No metric at `now` reads an item opened, a session started or an order placed before
/// `now - HORIZON` (the minimum volumes count messages of inquiries opened up to
/// [`LOOKBACK`] before their window).
pub const HORIZON: Duration = Duration::days(62);

/// The windows of every figure at one `now`, worked out once (local calendars are costly).
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    pub shop: &'a Shop,
    pub settings: &'a ShopSettings,
    pub now: Ts,
    pub automation_counts: bool,
    /// 30 days.
    pub month: Window,
    /// TikTok US: the last full week.
    pub week: Window,
    /// Lazada: the last 7 day cycles.
    pub cycles: Window,
    /// Lazada: rolling 7 days.
    pub seven: Window,
    /// Local today.
    pub today: Window,
}

impl<'a> Plan<'a> {
    pub fn new(shop: &'a Shop, settings: &'a ShopSettings, now: Ts) -> Self {
        let tz = shop.tz;
        let days = |n| Window {
            from: now - Duration::days(n),
            to: now,
        };
        let local = now.with_timezone(&tz).date_naive();
        // §5 TikTok US: Monday 00:00 to Monday 00:00 local; the window is half-open and
        // `Window` closed, so it ends one millisecond before.
        let monday = local - Duration::days(local.weekday().num_days_from_monday() as i64);
        let week = Window {
            from: policy::local_instant(tz, monday - Duration::days(7), NaiveTime::MIN),
            to: policy::local_instant(tz, monday, NaiveTime::MIN) - Duration::milliseconds(1),
        };
        // §5 Lazada: the last 7 day cycles, the current one included.
        let cycle_day = policy::lazada_cycle_day(tz, now) - Duration::days(6);
        Plan {
            shop,
            settings,
            now,
            automation_counts: settings.automation_counts_as_reply,
            month: days(30),
            week,
            cycles: Window {
                from: policy::lazada_cycle_start(tz, cycle_day),
                to: now,
            },
            seven: days(7),
            today: Window {
                from: policy::local_instant(tz, local, NaiveTime::MIN),
                to: now,
            },
        }
    }
}

/// §5: every metric that applies to the shop's platform and region, at `now`, over its
/// conversations and its orders.
pub fn compute<'a>(
    shop: &Shop,
    settings: &ShopSettings,
    convs: impl IntoIterator<Item = Conv<'a>>,
    orders: &[Order],
    now: Ts,
) -> ShopMetrics {
    let plan = Plan::new(shop, settings, now);
    let by_buyer = partial::orders_by_buyer(orders);
    let mut totals = Totals::default();
    for conv in convs {
        let orders = by_buyer.get(conv.buyer).map_or(&[][..], |v| v);
        apply(&plan, &conv, orders, &mut totals, 1);
    }
    let placed: Vec<Ts> = orders.iter().map(|o| o.at).collect();
    finalize(&plan, &totals, &placed)
}

/// What a figure's sums become: value, status, the exclusions of the platform.
struct Out<'p, 'a> {
    plan: &'p Plan<'a>,
}

impl Out<'_, '_> {
    fn excluded(&self, acc: &partial::Acc) -> BTreeMap<Exclusion, u64> {
        let (platform, region) = (self.plan.shop.platform, self.plan.shop.region);
        Exclusion::ALL
            .into_iter()
            .enumerate()
            .filter(|(_, e)| e.applies(platform, region))
            .map(|(k, e)| (e, acc.excluded[k] as u64))
            .collect()
    }

    fn figure(
        &self,
        acc: &partial::Acc,
        (numerator, denominator): (u64, u64),
        unit: Unit,
        w: Window,
        status: Status,
        target: Option<f64>,
    ) -> Figure {
        let value = match unit {
            Unit::Count => Some(numerator as f64),
            _ if denominator == 0 => None,
            Unit::Rate => Some(numerator as f64 / denominator as f64),
            Unit::Seconds => Some((numerator as f64 / denominator as f64).round()),
        };
        Figure {
            value,
            numerator,
            denominator,
            pending: acc.pending as u64,
            excluded: self.excluded(acc),
            status,
            unit,
            target,
            window: w,
            penalty_risk: None,
            by_agent: None,
            automation_counts_as_reply: None,
        }
    }

    fn rate(
        &self,
        acc: &partial::Acc,
        nd: (u64, u64),
        w: Window,
        rated: bool,
        target_bp: u64,
        warning_bp: u64,
    ) -> Figure {
        let (n, d) = nd;
        let status = if !rated || d == 0 {
            Status::NotRated
        } else {
            let bp = n * 10_000 / d;
            if bp >= target_bp {
                Status::Good
            } else if bp >= warning_bp {
                Status::Warning
            } else {
                Status::Bad
            }
        };
        self.figure(
            acc,
            nd,
            Unit::Rate,
            w,
            status,
            Some(target_bp as f64 / 10_000.0),
        )
    }

    fn tiktok_rate(&self, acc: &partial::Acc, w: Window, target_bp: u64, min: i64) -> Figure {
        let nd = (acc.num as u64, acc.den as u64);
        let rated = acc.volume >= min;
        let mut f = self.rate(acc, nd, w, rated, target_bp, target_bp.saturating_sub(500));
        f.automation_counts_as_reply = Some(self.plan.automation_counts);
        f
    }

    fn time(&self, acc: &partial::Acc, w: Window, target_secs: Option<u64>) -> Figure {
        let numerator = (acc.total_ms as f64 / 1000.0).round() as u64;
        let denominator = acc.den as u64;
        let status = match target_secs {
            _ if denominator == 0 => Status::NotRated,
            None => Status::NoTarget,
            Some(target) => {
                let secs = (numerator as f64 / denominator as f64).round() as u64;
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
            acc,
            (numerator, denominator),
            Unit::Seconds,
            w,
            status,
            target_secs.map(|s| s as f64),
        )
    }

    /// A share with no target (ratings, conversion): not rated when empty.
    fn share(&self, acc: &partial::Acc, w: Window) -> Figure {
        let nd = (acc.num as u64, acc.den as u64);
        let status = if nd.1 == 0 {
            Status::NotRated
        } else {
            Status::NoTarget
        };
        self.figure(acc, nd, Unit::Rate, w, status, None)
    }
}

/// The figures of §5 from a shop's summed partials, at the plan's `now`.
/// `placed`: when each of the shop's orders was placed (all that the figures read of them).
pub fn finalize(plan: &Plan<'_>, totals: &Totals, placed: &[Ts]) -> ShopMetrics {
    use partial::Slot;
    let out = Out { plan };
    let acc = |s: Slot| &totals.acc[s as usize];
    let mut figures = Vec::new();
    match (plan.shop.platform, plan.shop.region) {
        (Platform::Tiktok, region) => {
            let us = region == Region::US;
            let target = if us { 8500 } else { 9000 };
            figures.push((
                "response_rate_24h",
                out.tiktok_rate(acc(Slot::Rate24), plan.month, target, 21),
            ));
            if us {
                figures.push((
                    "weekly_response_rate_24h",
                    out.tiktok_rate(acc(Slot::Weekly24), plan.week, 8500, 5),
                ));
            } else {
                figures.push((
                    "response_rate_12h",
                    out.tiktok_rate(acc(Slot::Rate12), plan.month, 9000, 21),
                ));
            }
            figures.push((
                "avg_response_time",
                out.time(acc(Slot::AvgTime), plan.month, None),
            ));
            figures.push((
                "satisfaction_rate",
                out.share(acc(Slot::Satisfied), plan.month),
            ));
            figures.push((
                "im_dissatisfaction_rate",
                out.share(acc(Slot::Dissatisfied), plan.month),
            ));
        }
        (Platform::Shopee, _) => {
            figures.push((
                "chat_response_rate",
                shopee_rate(plan, &out, totals, placed),
            ));
            figures.push((
                "first_response_time",
                out.time(acc(Slot::FirstTime), plan.month, None),
            ));
            figures.push((
                "avg_response_time",
                out.time(acc(Slot::AvgTime), plan.month, None),
            ));
        }
        (Platform::Lazada, _) => {
            let a = acc(Slot::LazadaRate);
            figures.push((
                "chat_response_rate",
                out.rate(
                    a,
                    (a.num as u64, a.den as u64),
                    plan.cycles,
                    true,
                    8500,
                    5000,
                ),
            ));
            let a = acc(Slot::Lazada10min);
            let mut f = out.rate(a, (a.num as u64, a.den as u64), plan.seven, true, 0, 0);
            if f.status != Status::NotRated {
                f.status = Status::NoTarget;
            }
            f.target = None;
            figures.push(("response_rate_10min", f));
            figures.push((
                "chat_response_time",
                out.time(acc(Slot::LazadaTime), plan.cycles, Some(30 * 60)),
            ));
            let mut f = out.share(acc(Slot::Conversion), plan.cycles);
            f.excluded.clear();
            figures.push(("chat_order_conversion_rate", f));
        }
    }
    let mut f = out.figure(
        acc(Slot::Today),
        (acc(Slot::Today).num as u64, 0),
        Unit::Count,
        plan.today,
        Status::NoTarget,
        None,
    );
    f.excluded.clear();
    f.by_agent = Some(
        totals
            .by_agent
            .iter()
            .map(|(a, n)| (a.clone(), *n as u64))
            .collect(),
    );
    figures.push(("sessions_today", f));
    ShopMetrics { figures }
}

/// §5 Shopee: the most recent quarter of decided inquiries (rounded up) weighs more.
fn shopee_rate(plan: &Plan<'_>, out: &Out<'_, '_>, totals: &Totals, placed: &[Ts]) -> Figure {
    let n = totals.decided.len() as u64;
    let recent = n.div_ceil(4);
    let weight = plan.settings.shopee_recent_weight as u64;
    let recent_in_time = totals
        .decided
        .values()
        .rev()
        .take(recent as usize)
        .filter(|in_time| **in_time)
        .count() as u64;
    let numerator = totals.in_time as u64 + (weight - 1) * recent_in_time;
    let denominator = n + (weight - 1) * recent;
    let acc = &totals.acc[partial::Slot::ShopeeRate as usize];
    let mut f = out.rate(
        acc,
        (numerator, denominator),
        plan.month,
        n >= 2,
        9000,
        8500,
    );
    // Shopee's warning line: 10+ orders in 30 days and a rate of 20 % or less.
    let orders = placed.iter().filter(|t| plan.month.holds(**t)).count();
    f.penalty_risk = Some(orders >= 10 && f.basis_points().is_some_and(|bp| bp <= 2000));
    f
}
