//! The offline metrics review, entirely from the file: a shop's §5 figures at the end of each
//! local day and each week (Monday 00:00 local) of a date range, as `kedai metrics --at` gives
//! them at those instants; each day's inquiries by outcome; TikTok Shop's weekly evaluation
//! preview; and the inquiries of the range that missed their deadline, were answered late,
//! or were left out, with the reason.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use kedai_core::clock::{Exclusion, Item, Outcome};
use kedai_core::metrics::HORIZON;
use kedai_core::model::{Platform, Shop};
use kedai_core::policy::{local_instant, Policy};
use kedai_core::{ShopMetrics, Ts};

use crate::cache::Window;
use crate::{Result, Store, StoreError};

/// The longest range the review computes at once, in days.
pub const MAX_DAYS: i64 = 92;
/// The most misses listed per shop (the total is always given).
pub const MAX_MISSES: usize = 1_000;

/// A day or a week of the range, and the shop's figures at its end.
#[derive(Debug, Clone)]
pub struct Point {
    /// The first local day of the bucket.
    pub date: NaiveDate,
    pub from: Ts,
    /// The end of the bucket, or `now` for the bucket in progress: the figures' instant.
    pub at: Ts,
    pub metrics: ShopMetrics,
    pub counts: Counts,
}

/// The inquiries opened in a bucket, by what became of them as of the review's `now`
/// (under the policy the inbox shows, §4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub opened: u64,
    pub in_time: u64,
    pub late: u64,
    pub missed: u64,
    pub excluded: u64,
    pub pending: u64,
}

/// Why an inquiry of the range is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissReason {
    /// The deadline passed with no valid reply.
    Missed,
    /// A valid reply came after the deadline.
    Late { answered_at: Ts },
    /// §2 or §3 left it out.
    Excluded(Exclusion),
}

#[derive(Debug, Clone)]
pub struct Miss {
    pub conversation: String,
    pub buyer: String,
    pub opened_at: Ts,
    pub deadline: Ts,
    pub policy: Policy,
    pub reason: MissReason,
}

/// §5 TikTok Shop: what the coming Tuesday's evaluation will show for the week that ends
/// the Monday before it, if no more replies are sent, and how many of that week's
/// inquiries are still open and can yet be answered in time.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Tuesday 00:00 local: the instant the figures are computed at.
    pub at: Ts,
    pub week_from: Ts,
    pub week_to: Ts,
    pub metrics: ShopMetrics,
    /// The last evaluation (the last full week, as of `now`).
    pub current: ShopMetrics,
    pub open_now: u64,
}

#[derive(Debug, Clone)]
pub struct ShopReview {
    pub shop: Shop,
    pub days: Vec<Point>,
    pub weeks: Vec<Point>,
    pub evaluation: Option<Evaluation>,
    pub misses: Vec<Miss>,
    pub misses_total: usize,
}

/// Each local day of `from..=to` that has begun by `now`: `(date, start, end)` where the
/// end is the next local midnight or `now`, whichever is earlier.
pub fn day_buckets(
    tz: chrono_tz::Tz,
    from: NaiveDate,
    to: NaiveDate,
    now: Ts,
) -> Vec<(NaiveDate, Ts, Ts)> {
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|d| {
            (
                d,
                midnight(tz, d),
                midnight(tz, d + Duration::days(1)).min(now),
            )
        })
        .filter(|(_, start, _)| *start < now)
        .collect()
}

/// The weeks (Monday 00:00 local to Monday 00:00) that hold a day of `from..=to` and have
/// begun by `now`, ends capped at `now` as for days.
pub fn week_buckets(
    tz: chrono_tz::Tz,
    from: NaiveDate,
    to: NaiveDate,
    now: Ts,
) -> Vec<(NaiveDate, Ts, Ts)> {
    let mut monday = from - Duration::days(from.weekday().num_days_from_monday() as i64);
    let mut out = Vec::new();
    while monday <= to {
        let (start, end) = (
            midnight(tz, monday),
            midnight(tz, monday + Duration::days(7)),
        );
        if start < now {
            out.push((monday, start, end.min(now)));
        }
        monday += Duration::days(7);
    }
    out
}

fn midnight(tz: chrono_tz::Tz, d: NaiveDate) -> Ts {
    local_instant(tz, d, NaiveTime::MIN)
}

/// The first Tuesday 00:00 local after `now` (§5: TikTok judges the last full week each
/// Tuesday).
pub fn next_evaluation(tz: chrono_tz::Tz, now: Ts) -> Ts {
    let mut d = now.with_timezone(&tz).date_naive();
    loop {
        d += Duration::days(1);
        if d.weekday() == Weekday::Tue {
            let t = midnight(tz, d);
            if t > now {
                return t;
            }
        }
    }
}

fn outcome(item: &Item, automation_counts: bool, now: Ts) -> Outcome {
    item.outcome(item.deadline, automation_counts, now)
}

impl Store {
    /// The review of one shop over the local days `from..=to`, as of `now`.
    pub fn review(
        &self,
        shop_id: &str,
        from: NaiveDate,
        to: NaiveDate,
        now: Ts,
    ) -> Result<ShopReview> {
        if to < from {
            return Err(StoreError::Invalid(format!(
                "the range ends ({to}) before it starts ({from})"
            )));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(StoreError::Invalid(format!(
                "a range of at most {MAX_DAYS} days, please ({from} to {to} is {} days)",
                (to - from).num_days() + 1
            )));
        }
        let (shop, settings) = self.shop(shop_id)?;
        let tz = shop.tz;
        let days = day_buckets(tz, from, to, now);
        let weeks = week_buckets(tz, from, to, now);
        let evaluation_at = (shop.platform == Platform::Tiktok).then(|| next_evaluation(tz, now));
        // One read of every item a figure at any of the instants can look at.
        let earliest = days
            .iter()
            .chain(&weeks)
            .map(|(_, _, at)| *at)
            .chain([now])
            .min()
            .expect("now is there");
        let window = Window::load(&self.conn, shop_id, earliest - HORIZON, None)?;
        let clocks = self.clocks(shop_id)?;
        let automation = settings.automation_counts_as_reply;
        let items: Vec<(&str, &str, &Item)> = clocks
            .iter()
            .flat_map(|c| {
                c.items
                    .iter()
                    .map(move |i| (c.conversation.as_str(), c.buyer.as_str(), i))
            })
            .collect();
        let counts = |start: Ts, end: Ts| {
            let mut c = Counts::default();
            for (_, _, item) in items
                .iter()
                .filter(|(_, _, i)| start <= i.opened_at && i.opened_at < end)
            {
                c.opened += 1;
                match outcome(item, automation, now) {
                    Outcome::Pending => c.pending += 1,
                    Outcome::Answered { in_time: true, .. } => c.in_time += 1,
                    Outcome::Answered { .. } => c.late += 1,
                    Outcome::Missed => c.missed += 1,
                    Outcome::Excluded(_) => c.excluded += 1,
                }
            }
            c
        };
        let point = |(date, start, at): (NaiveDate, Ts, Ts)| Point {
            date,
            from: start,
            at,
            metrics: window.compute(&shop, &settings, at),
            // A bucket's inquiries are those opened in it, judged as of `now`.
            counts: counts(start, at),
        };
        let day_points: Vec<Point> = days.into_iter().map(point).collect();
        let week_points: Vec<Point> = weeks.into_iter().map(point).collect();

        let evaluation = match evaluation_at {
            Some(at) => {
                let week_to = at - Duration::days(1);
                let week_from = week_to - Duration::days(7);
                // Tuesday lies ahead: its items are not all in the window read above.
                let ahead = Window::load(&self.conn, shop_id, at - HORIZON, None)?;
                let open_now = items
                    .iter()
                    .filter(|(_, _, i)| week_from <= i.opened_at && i.opened_at < week_to)
                    .filter(|(_, _, i)| outcome(i, automation, now) == Outcome::Pending)
                    .count() as u64;
                Some(Evaluation {
                    at,
                    week_from,
                    week_to,
                    metrics: ahead.compute(&shop, &settings, at),
                    current: window.compute(&shop, &settings, now),
                    open_now,
                })
            }
            None => None,
        };

        let (start, end) = (midnight(tz, from), midnight(tz, to + Duration::days(1)));
        let mut misses: Vec<Miss> = items
            .iter()
            .filter(|(_, _, i)| start <= i.opened_at && i.opened_at < end && i.opened_at <= now)
            .filter_map(|(conversation, buyer, i)| {
                let reason = match outcome(i, automation, now) {
                    Outcome::Missed => MissReason::Missed,
                    Outcome::Answered {
                        in_time: false, at, ..
                    } => MissReason::Late { answered_at: at },
                    Outcome::Excluded(e) => MissReason::Excluded(e),
                    _ => return None,
                };
                Some(Miss {
                    conversation: (*conversation).to_owned(),
                    buyer: (*buyer).to_owned(),
                    opened_at: i.opened_at,
                    deadline: i.deadline,
                    policy: i.policy,
                    reason,
                })
            })
            .collect();
        misses.sort_by(|a, b| {
            b.opened_at
                .cmp(&a.opened_at)
                .then(a.conversation.cmp(&b.conversation))
        });
        let misses_total = misses.len();
        misses.truncate(MAX_MISSES);
        Ok(ShopReview {
            shop,
            days: day_points,
            weeks: week_points,
            evaluation,
            misses,
            misses_total,
        })
    }
}
