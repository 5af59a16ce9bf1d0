//! When a rule is in force, and the shop's hours as a reply names them.

use chrono::{Datelike, Duration, Timelike, Weekday};

use super::Schedule;
use crate::history::ShopTimeline;
use crate::model::*;
use crate::time::Ts;

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
