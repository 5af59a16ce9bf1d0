//! §4: windows, deadlines and the due-soon lead of every policy.

use chrono::{Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::model::{Platform, Region};
use crate::time::Ts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Policy {
    #[serde(rename = "tiktok.24h")]
    Tiktok24h,
    #[serde(rename = "tiktok.12h")]
    Tiktok12h,
    #[serde(rename = "shopee.12h")]
    Shopee12h,
    #[serde(rename = "lazada.same_day")]
    LazadaSameDay,
    #[serde(rename = "lazada.10min")]
    Lazada10min,
}

impl Policy {
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Tiktok24h => "tiktok.24h",
            Policy::Tiktok12h => "tiktok.12h",
            Policy::Shopee12h => "shopee.12h",
            Policy::LazadaSameDay => "lazada.same_day",
            Policy::Lazada10min => "lazada.10min",
        }
    }

    pub fn parse(s: &str) -> Option<Policy> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub const ALL: [Policy; 5] = [
        Policy::Tiktok24h,
        Policy::Tiktok12h,
        Policy::Shopee12h,
        Policy::LazadaSameDay,
        Policy::Lazada10min,
    ];

    /// §4: the policy whose deadline the inbox shows for a shop (the earliest in force).
    pub fn inbox(platform: Platform, region: Region) -> Policy {
        match (platform, region) {
            (Platform::Tiktok, Region::US) => Policy::Tiktok24h,
            (Platform::Tiktok, _) => Policy::Tiktok12h,
            (Platform::Shopee, _) => Policy::Shopee12h,
            (Platform::Lazada, _) => Policy::LazadaSameDay,
        }
    }

    /// The second policy measured for the shop, beside the inbox one, if any.
    pub fn secondary(platform: Platform, region: Region) -> Option<Policy> {
        match (platform, region) {
            (Platform::Tiktok, Region::US) => None,
            (Platform::Tiktok, _) => Some(Policy::Tiktok24h),
            (Platform::Shopee, _) => None,
            (Platform::Lazada, _) => Some(Policy::Lazada10min),
        }
    }

    /// §4: the default due-soon lead; `None` where the inbox shows no due-soon state.
    pub fn default_lead(self) -> Option<Duration> {
        match self {
            // The seller center's "approaching 20-hour" mark.
            Policy::Tiktok24h => Some(Duration::hours(4)),
            Policy::Tiktok12h | Policy::Shopee12h | Policy::LazadaSameDay => {
                Some(Duration::hours(2))
            }
            Policy::Lazada10min => None,
        }
    }
}

impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The local wall-clock instant `date time` in `tz`. In a daylight-saving gap the wall clock
/// skips, so the first instant after the gap is taken; in an overlap, the earlier one.
pub fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> Ts {
    let naive = date.and_time(time);
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => t.to_utc(),
        LocalResult::Ambiguous(a, _) => a.to_utc(),
        LocalResult::None => {
            let mut later = naive;
            loop {
                later += Duration::minutes(1);
                if let Some(t) = tz.from_local_datetime(&later).earliest() {
                    return t.to_utc();
                }
            }
        }
    }
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("valid time")
}

/// §4: Lazada's day cycle runs from 18:00 of day D-1 to 18:00 of day D; returns D.
pub fn lazada_cycle_day(tz: Tz, opened: Ts) -> NaiveDate {
    let local = opened.with_timezone(&tz);
    if local.hour() >= 18 {
        local.date_naive().succ_opt().expect("date in range")
    } else {
        local.date_naive()
    }
}

/// The instant Lazada's day cycle D starts (18:00 local of D-1).
pub fn lazada_cycle_start(tz: Tz, day: NaiveDate) -> Ts {
    local_instant(tz, day.pred_opt().expect("date in range"), hm(18, 0))
}

/// §4: Lazada's 10-minute rate measures only inquiries opened 08:00 to 23:00 local
/// (decision: 08:00:00 inclusive, 23:00:00 exclusive).
pub fn in_lazada_10min_window(tz: Tz, opened: Ts) -> bool {
    let h = opened.with_timezone(&tz).hour();
    (8..23).contains(&h)
}

/// §4: the deadline of an inquiry opened at `opened` under `policy`. `weekend_coverage`
/// says whether the shop's chatbot weekend coverage was on at that instant.
pub fn deadline(policy: Policy, tz: Tz, opened: Ts, weekend_coverage: bool) -> Ts {
    match policy {
        Policy::Tiktok24h => tiktok_deadline(tz, opened, Duration::hours(24), weekend_coverage),
        Policy::Tiktok12h => tiktok_deadline(tz, opened, Duration::hours(12), weekend_coverage),
        Policy::Shopee12h => opened + Duration::hours(12),
        Policy::LazadaSameDay => local_instant(tz, lazada_cycle_day(tz, opened), hm(19, 0)),
        Policy::Lazada10min => opened + Duration::minutes(10),
    }
}

fn tiktok_deadline(tz: Tz, opened: Ts, window: Duration, weekend_coverage: bool) -> Ts {
    let ordinary = opened + window;
    if !weekend_coverage {
        return ordinary;
    }
    let local = opened.with_timezone(&tz);
    let days_to_monday = match local.weekday() {
        Weekday::Sat => 2,
        Weekday::Sun => 1,
        _ => return ordinary,
    };
    // §4: weekend coverage moves the deadline to Monday 12:00 local, unless the ordinary
    // deadline is later.
    let monday = local.date_naive() + Duration::days(days_to_monday);
    ordinary.max(local_instant(tz, monday, hm(12, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;
    use rstest::rstest;

    fn t(s: &str) -> Ts {
        parse_instant(s).unwrap()
    }

    const KL: Tz = chrono_tz::Asia::Kuala_Lumpur;
    const LA: Tz = chrono_tz::America::Los_Angeles;

    // §4 weekend coverage: 2026-07-18 is a Saturday, 2026-07-20 a Monday.
    #[rstest]
    #[case::friday_last_second_is_ordinary(
        "2026-07-17T23:59:59+08:00",
        true,
        "2026-07-18T11:59:59+08:00"
    )]
    #[case::saturday_midnight_moves_to_monday_noon(
        "2026-07-18T00:00:00+08:00",
        true,
        "2026-07-20T12:00:00+08:00"
    )]
    #[case::sunday_last_second_moves_to_monday_noon(
        "2026-07-19T23:59:59+08:00",
        true,
        "2026-07-20T12:00:00+08:00"
    )]
    #[case::monday_midnight_is_ordinary(
        "2026-07-20T00:00:00+08:00",
        true,
        "2026-07-20T12:00:00+08:00"
    )]
    #[case::monday_noon_is_ordinary("2026-07-20T12:00:00+08:00", true, "2026-07-21T00:00:00+08:00")]
    #[case::coverage_off_weekend_is_ordinary(
        "2026-07-18T00:00:00+08:00",
        false,
        "2026-07-18T12:00:00+08:00"
    )]
    fn s4_weekend_coverage_tiktok_12h(
        #[case] opened: &str,
        #[case] coverage: bool,
        #[case] due: &str,
    ) {
        assert_eq!(deadline(Policy::Tiktok12h, KL, t(opened), coverage), t(due));
    }

    #[rstest]
    #[case::sunday_late_ordinary_24h_is_later(
        "2026-07-19T20:00:00+08:00",
        "2026-07-20T20:00:00+08:00"
    )]
    #[case::saturday_morning_moves("2026-07-18T09:00:00+08:00", "2026-07-20T12:00:00+08:00")]
    fn s4_weekend_coverage_keeps_a_later_ordinary_deadline(
        #[case] opened: &str,
        #[case] due: &str,
    ) {
        assert_eq!(deadline(Policy::Tiktok24h, KL, t(opened), true), t(due));
    }

    // §4 Lazada day cycle: 18:00 of D-1 to 18:00 of D, due 19:00 of D.
    #[rstest]
    #[case::before_18_due_same_evening("2026-07-15T17:59:59+08:00", "2026-07-15T19:00:00+08:00")]
    #[case::at_18_due_next_evening("2026-07-15T18:00:00+08:00", "2026-07-16T19:00:00+08:00")]
    #[case::at_19_due_next_evening("2026-07-15T19:00:00+08:00", "2026-07-16T19:00:00+08:00")]
    #[case::after_midnight_due_same_evening(
        "2026-07-16T00:30:00+08:00",
        "2026-07-16T19:00:00+08:00"
    )]
    fn s4_lazada_same_day(#[case] opened: &str, #[case] due: &str) {
        assert_eq!(
            deadline(Policy::LazadaSameDay, KL, t(opened), false),
            t(due)
        );
    }

    #[rstest]
    #[case("2026-07-15T07:59:59+08:00", false)]
    #[case("2026-07-15T08:00:00+08:00", true)]
    #[case("2026-07-15T22:59:59+08:00", true)]
    #[case("2026-07-15T23:00:00+08:00", false)]
    fn s4_lazada_10min_window(#[case] opened: &str, #[case] measured: bool) {
        assert_eq!(in_lazada_10min_window(KL, t(opened)), measured);
        assert_eq!(
            deadline(Policy::Lazada10min, KL, t(opened), false),
            t(opened) + Duration::minutes(10)
        );
    }

    #[test]
    fn s4_us_weekend_coverage_across_daylight_saving_start() {
        // 2026-03-08 02:00 PST the clocks jump to 03:00 PDT. Saturday 10:00 PST (UTC-8):
        // Monday 12:00 is now PDT (UTC-7), 19:00 UTC, not 20:00.
        let opened = t("2026-03-07T10:00:00-08:00");
        assert_eq!(
            deadline(Policy::Tiktok24h, LA, opened, true),
            t("2026-03-09T19:00:00Z")
        );
        // Without coverage the 24-hour window is 24 real hours, whatever the wall clock does.
        assert_eq!(
            deadline(Policy::Tiktok24h, LA, opened, false),
            t("2026-03-08T18:00:00Z")
        );
    }

    #[test]
    fn s4_us_weekend_coverage_across_daylight_saving_end() {
        // 2026-11-01 02:00 PDT falls back to 01:00 PST.
        let opened = t("2026-10-31T10:00:00-07:00");
        assert_eq!(
            deadline(Policy::Tiktok24h, LA, opened, true),
            t("2026-11-02T20:00:00Z")
        );
    }

    #[test]
    fn local_instant_skips_the_daylight_saving_gap() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap();
        assert_eq!(
            local_instant(LA, d, hm(2, 30)),
            t("2026-03-08T03:00:00-07:00")
        );
    }

    #[test]
    fn s4_inbox_policy_is_the_earliest_in_force() {
        assert_eq!(
            Policy::inbox(Platform::Tiktok, Region::US),
            Policy::Tiktok24h
        );
        assert_eq!(
            Policy::inbox(Platform::Tiktok, Region::MY),
            Policy::Tiktok12h
        );
        assert_eq!(
            Policy::inbox(Platform::Shopee, Region::PH),
            Policy::Shopee12h
        );
        assert_eq!(
            Policy::inbox(Platform::Lazada, Region::MY),
            Policy::LazadaSameDay
        );
    }
}
