//! response-rules.md §4 (windows, deadlines, due-soon leads), §5 (metrics) and §6 (inbox
//! states). Every expected value below is worked out by hand from the spec; the comment next
//! to a case shows the arithmetic.
//!
//! Calendar used throughout: 2026-07-13 is a Monday, 2026-07-18 a Saturday, 2026-07-20 the
//! next Monday. July 2026 has no Malaysian public holiday. America/Los_Angeles springs
//! forward on 2026-03-08 (02:00 PST -> 03:00 PDT) and falls back on 2026-11-01.

mod support;
use chrono::Duration;
use kedai_core::inbox::{self, Filter};
use kedai_core::time::format_instant;
use kedai_core::{Policy, Status};
use rstest::rstest;
use support::*;

fn shop(name: &str) -> Log {
    match name {
        "tiktok_my" => Log::tiktok_my(),
        "tiktok_us" => Log::tiktok_us(),
        "shopee_ph" => Log::shopee_ph(),
        "lazada_my" => Log::lazada_my(),
        _ => unreachable!("{name}"),
    }
}

/// `base` moved by `minutes`, as an RFC 3339 instant.
fn plus(base: &str, minutes: i64) -> String {
    format_instant(t(base) + Duration::minutes(minutes))
}

fn plus_secs(base: &str, secs: i64) -> String {
    format_instant(t(base) + Duration::seconds(secs))
}

/// One conversation per letter of `pattern`, conversation `cNN` opening at `base` + NN *
/// `step` minutes: `T` is answered by an agent 30 minutes later, `F` is never answered.
fn table(log: &mut Log, base: &str, step: i64, pattern: &str) {
    for (i, c) in pattern.chars().enumerate() {
        let conv = format!("c{i:02}");
        let opened = plus(base, i as i64 * step);
        log.msg(&conv, &opened, "buyer");
        match c {
            'T' => {
                log.msg(&conv, &plus(&opened, 30), "agent");
            }
            'F' => {}
            _ => unreachable!("{c}"),
        }
    }
}

/// `n` letters: `yes` times `T` then `F` up to `n`.
fn answered(yes: usize, n: usize) -> String {
    "T".repeat(yes) + &"F".repeat(n - yes)
}

/// Value, (numerator, denominator, pending) and status of a figure in one assertion.
fn check(f: &kedai_core::Figure, value: Option<f64>, counts: (u64, u64, u64), status: Status) {
    assert_eq!((f.value, nd(f), f.status), (value, counts, status), "{f:?}");
}

const LATER: &str = "2026-07-18T12:00:00+08:00";
const MON: &str = "2026-07-13T10:00:00+08:00";

// ============================================================================================
// §4 Windows, deadlines and the due-soon lead
// ============================================================================================

/// §4: one inquiry opened at `opened`; the inbox row at `now` (after every message).
fn open_row(log: &mut Log, opened: &str, now: &str) -> kedai_core::InboxRow {
    log.msg("c", opened, "buyer");
    log.row("c", now)
}

// §4 table: deadline and due-soon lead of each policy the inbox shows.
#[rstest]
// tiktok.24h (US): t + 24 h, lead 4 h.
#[case::s4_tiktok_24h_us(
    "tiktok_us",
    "2026-07-15T10:00:00-07:00",
    Policy::Tiktok24h,
    "2026-07-16T10:00:00-07:00",
    "2026-07-16T06:00:00-07:00"
)]
// tiktok.12h (outside the US): t + 12 h, lead 2 h.
#[case::s4_tiktok_12h_my(
    "tiktok_my",
    "2026-07-15T10:00:00+08:00",
    Policy::Tiktok12h,
    "2026-07-15T22:00:00+08:00",
    "2026-07-15T20:00:00+08:00"
)]
// shopee.12h: t + 12 h, lead 2 h.
#[case::s4_shopee_12h(
    "shopee_ph",
    "2026-07-15T10:00:00+08:00",
    Policy::Shopee12h,
    "2026-07-15T22:00:00+08:00",
    "2026-07-15T20:00:00+08:00"
)]
// lazada.same_day: 10:00 is in the cycle 18:00 (D-1) to 18:00 (D); due 19:00 of D, lead 2 h.
#[case::s4_lazada_same_day(
    "lazada_my",
    "2026-07-15T10:00:00+08:00",
    Policy::LazadaSameDay,
    "2026-07-15T19:00:00+08:00",
    "2026-07-15T17:00:00+08:00"
)]
fn s4_deadline_and_due_soon_lead_of_each_inbox_policy(
    #[case] name: &str,
    #[case] opened: &str,
    #[case] policy: Policy,
    #[case] deadline: &str,
    #[case] due_soon_at: &str,
) {
    let mut log = shop(name);
    let row = open_row(&mut log, opened, opened);
    assert_eq!(row.policy, Some(policy));
    assert_eq!(row.opened_at, Some(t(opened)));
    assert_eq!(row.deadline, Some(t(deadline)));
    assert_eq!(row.due_soon_at, Some(t(due_soon_at)));
    assert!(!row.weekend_moved);

    // §1 "Due soon: deadline less than the lead away": exactly the lead away is not yet due
    // soon; one second later it is. At the deadline it is still due soon, not overdue
    // ("overdue: past its deadline"); one second after, overdue and no longer due soon.
    let at = |s: &str| log.row("c", s);
    let r = at(due_soon_at);
    assert_eq!((r.due_soon, r.overdue), (false, false), "lead exactly away");
    let r = at(&plus_secs(due_soon_at, 1));
    assert_eq!((r.due_soon, r.overdue), (true, false), "inside the lead");
    let r = at(deadline);
    assert_eq!((r.due_soon, r.overdue), (true, false), "at the deadline");
    let r = at(&plus_secs(deadline, 1));
    assert_eq!((r.due_soon, r.overdue), (false, true), "past the deadline");
}

#[test]
fn s4_leads_are_settings_per_shop() {
    // §4 "Leads are settings per shop": 90 minutes instead of 2 h for tiktok.12h.
    let mut log = Log::tiktok_my();
    log.set("lead.tiktok.12h", "90");
    let row = open_row(
        &mut log,
        "2026-07-15T10:00:00+08:00",
        "2026-07-15T20:15:00+08:00",
    );
    assert_eq!(row.due_soon_at, Some(t("2026-07-15T20:30:00+08:00")));
    assert!(
        !row.due_soon,
        "20:15 is 1 h 45 min from 22:00, more than the lead"
    );
    assert!(log.row("c", "2026-07-15T20:31:00+08:00").due_soon);
}

// §4 tiktok.12h beside tiktok.24h (TikTok outside the US): the same answer is judged by
// both windows. Opened Wednesday 10:00: 12 h ends 22:00, 24 h ends Thursday 10:00.
#[rstest]
#[case::s4_answered_at_12h_is_in_time_for_both("2026-07-15T22:00:00+08:00", 1, 1)]
#[case::s4_one_second_late_for_12h("2026-07-15T22:00:01+08:00", 0, 1)]
#[case::s4_answered_at_24h_is_in_time_for_24h("2026-07-16T10:00:00+08:00", 0, 1)]
#[case::s4_one_second_late_for_24h("2026-07-16T10:00:01+08:00", 0, 0)]
fn s4_tiktok_12h_and_24h(#[case] reply: &str, #[case] in_12h: u64, #[case] in_24h: u64) {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", reply, "agent");
    let item = &log.clock("c").items[0];
    assert_eq!(item.deadline, t("2026-07-15T22:00:00+08:00"));
    assert_eq!(item.deadline2, Some(t("2026-07-16T10:00:00+08:00")));
    assert_eq!(nd(&log.figure("response_rate_12h", LATER)), (in_12h, 1, 0));
    assert_eq!(nd(&log.figure("response_rate_24h", LATER)), (in_24h, 1, 0));
}

// §4 lazada.same_day: the day cycle runs 18:00 (D-1) to 18:00 (D) and is due 19:00 of D.
// Messages between 18:00 and 19:00 belong to the next cycle, so they are not due at 19:00
// the same evening.
#[rstest]
#[case::s4_lazada_17_59_59_due_the_same_evening(
    "2026-07-15T17:59:59+08:00",
    "2026-07-15T19:00:00+08:00"
)]
#[case::s4_lazada_18_00_starts_the_next_cycle(
    "2026-07-15T18:00:00+08:00",
    "2026-07-16T19:00:00+08:00"
)]
#[case::s4_lazada_18_59_59_is_not_due_at_19_00_today(
    "2026-07-15T18:59:59+08:00",
    "2026-07-16T19:00:00+08:00"
)]
#[case::s4_lazada_19_00_due_the_next_evening(
    "2026-07-15T19:00:00+08:00",
    "2026-07-16T19:00:00+08:00"
)]
#[case::s4_lazada_after_midnight_due_the_same_evening(
    "2026-07-16T00:00:00+08:00",
    "2026-07-16T19:00:00+08:00"
)]
fn s4_lazada_same_day_edges(#[case] opened: &str, #[case] deadline: &str) {
    let mut log = Log::lazada_my();
    let row = open_row(&mut log, opened, opened);
    assert_eq!(row.policy, Some(Policy::LazadaSameDay));
    assert_eq!(row.deadline, Some(t(deadline)));
    assert_eq!(row.due_soon_at, Some(t(&plus(deadline, -120))));
}

// §4 / §5: an answer counts for Lazada's chat response rate when it comes by 19:00 of D.
#[rstest]
#[case::s4_lazada_answered_at_19_00_is_in_time(
    "2026-07-15T17:30:00+08:00",
    "2026-07-15T19:00:00+08:00",
    1
)]
#[case::s4_lazada_answered_at_19_00_01_is_late(
    "2026-07-15T17:30:00+08:00",
    "2026-07-15T19:00:01+08:00",
    0
)]
#[case::s4_lazada_opened_18_30_answered_next_evening_is_in_time(
    "2026-07-15T18:30:00+08:00",
    "2026-07-16T18:59:00+08:00",
    1
)]
fn s4_lazada_same_day_answers(#[case] opened: &str, #[case] reply: &str, #[case] in_time: u64) {
    let mut log = Log::lazada_my();
    log.msg("c", opened, "buyer").msg("c", reply, "agent");
    let f = log.figure("chat_response_rate", LATER);
    assert_eq!(nd(&f), (in_time, 1, 0));
}

// §4 lazada.10min: t + 10 min, measured only for inquiries opened 08:00 to 23:00 local,
// and never shown in the inbox (the inbox shows lazada.same_day). The exact instant 23:00:00
// is left out here: the spec's "08:00 to 23:00" does not say whether it is in.
#[rstest]
#[case::s4_10min_07_59_59_not_measured("2026-07-15T07:59:59+08:00", 1, 0, 0)]
#[case::s4_10min_08_00_answered_at_10_min("2026-07-15T08:00:00+08:00", 10 * 60, 1, 1)]
#[case::s4_10min_08_00_answered_one_second_late("2026-07-15T08:00:00+08:00", 10 * 60 + 1, 0, 1)]
#[case::s4_10min_22_59_59_measured("2026-07-15T22:59:59+08:00", 5 * 60, 1, 1)]
#[case::s4_10min_23_00_01_not_measured("2026-07-15T23:00:01+08:00", 60, 0, 0)]
fn s4_lazada_10min(
    #[case] opened: &str,
    #[case] reply_after_secs: i64,
    #[case] num: u64,
    #[case] den: u64,
) {
    let mut log = Log::lazada_my();
    log.msg("c", opened, "buyer")
        .msg("c", &plus_secs(opened, reply_after_secs), "agent");
    let f = log.figure("response_rate_10min", "2026-07-16T12:00:00+08:00");
    assert_eq!(nd(&f), (num, den, 0));
    let item = &log.clock("c").items[0];
    let want = (den == 1).then(|| t(opened) + Duration::minutes(10));
    assert_eq!(item.deadline2, want);
}

#[test]
fn s4_lazada_10min_is_not_shown_in_the_inbox() {
    let mut log = Log::lazada_my();
    // 10:00 is measured for the 10-minute rate, yet 10:15 shows neither overdue nor a
    // 10-minute deadline: the inbox runs on lazada.same_day only.
    let row = open_row(
        &mut log,
        "2026-07-15T10:00:00+08:00",
        "2026-07-15T10:15:00+08:00",
    );
    assert_eq!(row.policy, Some(Policy::LazadaSameDay));
    assert_eq!(row.deadline, Some(t("2026-07-15T19:00:00+08:00")));
    assert!(!row.overdue && !row.due_soon);
    // And it has no lead to set.
    assert!(kedai_core::ShopSettings::default()
        .set("lead.lazada.10min", "5")
        .is_err());
}

fn coverage_on(log: &mut Log) {
    log.fact("weekend_coverage", r#""from":"2026-01-01T00:00:00Z""#);
}

// §4 weekend coverage (TikTok): an inquiry opened Saturday 00:00 to Sunday 23:59:59 local is
// due Monday 12:00 local, or at its ordinary deadline if that is later.
#[rstest]
// tiktok.12h (MY, UTC+8).
#[case::s4_weekend_12h_friday_last_second_is_ordinary(
    "tiktok_my",
    true,
    "2026-07-17T23:59:59+08:00",
    "2026-07-18T11:59:59+08:00",
    false
)]
#[case::s4_weekend_12h_saturday_00_00_moves_to_monday_noon(
    "tiktok_my",
    true,
    "2026-07-18T00:00:00+08:00",
    "2026-07-20T12:00:00+08:00",
    true
)]
// Ordinary: Monday 11:59:59, earlier than Monday 12:00.
#[case::s4_weekend_12h_sunday_23_59_59_moves_to_monday_noon(
    "tiktok_my",
    true,
    "2026-07-19T23:59:59+08:00",
    "2026-07-20T12:00:00+08:00",
    true
)]
#[case::s4_weekend_12h_monday_noon_is_ordinary(
    "tiktok_my",
    true,
    "2026-07-20T12:00:00+08:00",
    "2026-07-21T00:00:00+08:00",
    false
)]
#[case::s4_weekend_12h_coverage_off_saturday_is_ordinary(
    "tiktok_my",
    false,
    "2026-07-18T00:00:00+08:00",
    "2026-07-18T12:00:00+08:00",
    false
)]
// tiktok.24h (US, UTC-7 in July).
#[case::s4_weekend_24h_saturday_00_00_moves_to_monday_noon(
    "tiktok_us",
    true,
    "2026-07-18T00:00:00-07:00",
    "2026-07-20T12:00:00-07:00",
    true
)]
// Ordinary: Monday 11:00, earlier than Monday 12:00.
#[case::s4_weekend_24h_sunday_11_00_moves_to_monday_noon(
    "tiktok_us",
    true,
    "2026-07-19T11:00:00-07:00",
    "2026-07-20T12:00:00-07:00",
    true
)]
// Ordinary: Monday 23:59:59, later than Monday 12:00, so it stands.
#[case::s4_weekend_24h_sunday_23_59_59_keeps_the_later_ordinary_deadline(
    "tiktok_us",
    true,
    "2026-07-19T23:59:59-07:00",
    "2026-07-20T23:59:59-07:00",
    false
)]
#[case::s4_weekend_24h_monday_noon_is_ordinary(
    "tiktok_us",
    true,
    "2026-07-20T12:00:00-07:00",
    "2026-07-21T12:00:00-07:00",
    false
)]
fn s4_weekend_coverage(
    #[case] name: &str,
    #[case] coverage: bool,
    #[case] opened: &str,
    #[case] deadline: &str,
    #[case] moved: bool,
) {
    let mut log = shop(name);
    if coverage {
        coverage_on(&mut log);
    }
    let row = open_row(&mut log, opened, opened);
    assert_eq!(row.deadline, Some(t(deadline)));
    assert_eq!(row.weekend_moved, moved);
    // The lead counts back from the moved deadline.
    let lead = if name == "tiktok_us" { 4 * 60 } else { 2 * 60 };
    assert_eq!(row.due_soon_at, Some(t(&plus(deadline, -lead))));
}

#[test]
fn s4_weekend_coverage_only_while_it_is_on() {
    // Coverage ran until Friday 2026-07-17 23:59 local: a Saturday message is ordinary.
    let mut log = Log::tiktok_my();
    log.fact(
        "weekend_coverage",
        r#""from":"2026-07-01T00:00:00+08:00","to":"2026-07-17T23:59:00+08:00""#,
    );
    let row = open_row(
        &mut log,
        "2026-07-18T09:00:00+08:00",
        "2026-07-18T09:00:00+08:00",
    );
    assert_eq!(row.deadline, Some(t("2026-07-18T21:00:00+08:00")));
}

#[test]
fn s4_weekend_coverage_changes_both_tiktok_rates() {
    // Saturday 00:00 answered Monday 11:00: late for 12 h and 24 h as ordinary windows, in
    // time for both once coverage moves their deadlines to Monday 12:00.
    let mut log = Log::tiktok_my();
    coverage_on(&mut log);
    log.msg("c", "2026-07-18T00:00:00+08:00", "buyer").msg(
        "c",
        "2026-07-20T11:00:00+08:00",
        "agent",
    );
    let now = "2026-07-21T12:00:00+08:00";
    assert_eq!(nd(&log.figure("response_rate_12h", now)), (1, 1, 0));
    assert_eq!(nd(&log.figure("response_rate_24h", now)), (1, 1, 0));
    assert_eq!(
        log.clock("c").items[0].deadline2,
        Some(t("2026-07-20T12:00:00+08:00"))
    );
}

// §4 TikTok US (America/Los_Angeles) across daylight-saving changes. "Monday 12:00 local" is
// the wall clock of that Monday; "t + 24 h" is read as 24 elapsed hours (an instant plus a
// duration), whatever the wall clock does in between.
#[rstest]
// Spring forward. Saturday 10:00 PST = 18:00Z; Monday 12:00 is PDT (UTC-7) = 19:00Z.
#[case::s4_dst_spring_coverage_monday_noon_pdt(
    true,
    "2026-03-07T10:00:00-08:00",
    "2026-03-09T19:00:00Z",
    "2026-03-09T15:00:00Z"
)]
// Without coverage: 18:00Z + 24 h = Sunday 18:00Z = 11:00 PDT (wall clock moved 25 h).
#[case::s4_dst_spring_no_coverage_24_elapsed_hours(
    false,
    "2026-03-07T10:00:00-08:00",
    "2026-03-08T18:00:00Z",
    "2026-03-08T14:00:00Z"
)]
// Fall back. Saturday 10:00 PDT = 17:00Z; Monday 12:00 is PST (UTC-8) = 20:00Z.
#[case::s4_dst_fall_coverage_monday_noon_pst(
    true,
    "2026-10-31T10:00:00-07:00",
    "2026-11-02T20:00:00Z",
    "2026-11-02T16:00:00Z"
)]
// Sunday 01:30 PST (the second 01:30) = 09:30Z; + 24 h = Monday 01:30 PST, before noon.
#[case::s4_dst_fall_repeated_hour_moves_to_monday_noon(
    true,
    "2026-11-01T01:30:00-08:00",
    "2026-11-02T20:00:00Z",
    "2026-11-02T16:00:00Z"
)]
fn s4_tiktok_us_across_daylight_saving(
    #[case] coverage: bool,
    #[case] opened: &str,
    #[case] deadline: &str,
    #[case] due_soon_at: &str,
) {
    let mut log = Log::tiktok_us();
    if coverage {
        coverage_on(&mut log);
    }
    let row = open_row(&mut log, opened, opened);
    assert_eq!(row.policy, Some(Policy::Tiktok24h));
    assert_eq!(row.deadline, Some(t(deadline)));
    assert_eq!(row.due_soon_at, Some(t(due_soon_at)), "lead: 4 h");
}

// ============================================================================================
// §5 Metrics
// ============================================================================================

#[rstest]
#[case::s5_tiktok_outside_us(
    "tiktok_my",
    &["response_rate_24h", "response_rate_12h", "avg_response_time", "satisfaction_rate",
      "im_dissatisfaction_rate", "sessions_today"]
)]
#[case::s5_tiktok_us(
    "tiktok_us",
    &["response_rate_24h", "weekly_response_rate_24h", "avg_response_time",
      "satisfaction_rate", "im_dissatisfaction_rate", "sessions_today"]
)]
#[case::s5_shopee(
    "shopee_ph",
    &["chat_response_rate", "first_response_time", "avg_response_time", "sessions_today"]
)]
#[case::s5_lazada(
    "lazada_my",
    &["chat_response_rate", "response_rate_10min", "chat_response_time",
      "chat_order_conversion_rate", "sessions_today"]
)]
fn s5_every_metric_that_applies_and_no_other(#[case] name: &str, #[case] ids: &[&str]) {
    let mut log = shop(name);
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer");
    let mut got: Vec<&str> = log.metrics(LATER).figures.iter().map(|(k, _)| *k).collect();
    let mut want = ids.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    assert_eq!(got, want);
}

// ---- §5 TikTok response rates ----

#[test]
fn s5_tiktok_response_rates_count_sessions_with_their_exclusions() {
    let mut log = Log::tiktok_my();
    let w = "2026-07-15T10:00:00+08:00";
    // a: answered after 1 h: in time for 12 h and 24 h.
    log.msg("a", w, "buyer").msg("a", &plus(w, 60), "agent");
    // b: answered after 20 h: late for 12 h, in time for 24 h.
    log.msg("b", w, "buyer")
        .msg("b", &plus(w, 20 * 60), "agent");
    // c: never answered: missed for both.
    log.msg("c", w, "buyer");
    // d: an auto message and nothing more from the buyer: resolved by automation (§3).
    log.msg("d", w, "buyer").msg("d", &plus_secs(w, 1), "auto");
    // e: a platform notice: excluded as system.
    log.msg("e", w, "system");
    // f: a session the seller started: excluded.
    log.msg("f", &plus(w, -60), "broadcast")
        .msg("f", w, "buyer");
    // g: marked no response needed.
    log.msg("g", w, "buyer")
        .mark("g", &plus(w, 30), "no_response_needed");
    // h: opened an hour before now: pending for both.
    log.msg("h", "2026-07-18T11:00:00+08:00", "buyer");

    let f12 = log.figure("response_rate_12h", LATER);
    let f24 = log.figure("response_rate_24h", LATER);
    // 5 counted buyer messages (a, b, c, d, h): not more than 20, so not rated.
    check(&f12, Some(1.0 / 3.0), (1, 3, 1), Status::NotRated);
    check(&f24, Some(2.0 / 3.0), (2, 3, 1), Status::NotRated);
    for f in [&f12, &f24] {
        assert_eq!(excluded(f, "automation"), 1);
        assert_eq!(excluded(f, "system"), 1);
        assert_eq!(excluded(f, "seller_initiated"), 1);
        assert_eq!(excluded(f, "no_response_needed"), 1);
        assert_eq!(excluded(f, "holiday_mode"), 0);
        // outside_hours exists for the US only (§2).
        assert!(!f
            .excluded
            .contains_key(&kedai_core::Exclusion::OutsideHours));
        assert_eq!(f.target, Some(0.9));
    }
}

/// `n` sessions opened Monday 2026-07-13 from 10:00 a minute apart (in the shop's zone
/// `offset`), the first `yes` answered after 30 minutes, plus `extra` buyer messages that
/// join the first inquiry (they add to the counted buyer messages, not to the sessions).
fn tiktok_sessions(log: &mut Log, offset: &str, yes: usize, n: usize, extra: usize) {
    let base = format!("2026-07-13T10:00:00{offset}");
    table(log, &base, 1, &answered(yes, n));
    for k in 0..extra {
        log.msg("c00", &plus_secs(&base, 1 + k as i64), "buyer");
    }
}

// §5 response_rate_12h / response_rate_24h outside the US: target 90 %, warning bar 85 %
// (target less 5 points), rated above 20 counted buyer messages. Compared in basis points.
#[rstest]
#[case::s5_20_messages_is_not_more_than_20(20, 20, 0, 1.0, Status::NotRated)]
#[case::s5_21_messages_rated(20, 20, 1, 1.0, Status::Good)]
// 18 / 20 = 9000 bp: at the target.
#[case::s5_90_percent_is_good(18, 20, 1, 0.9, Status::Good)]
// 17 / 20 = 8500 bp: below the target, at the warning bar.
#[case::s5_85_percent_is_warning(17, 20, 1, 0.85, Status::Warning)]
// 16 / 20 = 8000 bp.
#[case::s5_80_percent_is_bad(16, 20, 1, 0.8, Status::Bad)]
// 19 / 22 = 8636 bp: just below 90 %.
#[case::s5_86_percent_is_warning(19, 22, 0, 19.0 / 22.0, Status::Warning)]
fn s5_tiktok_my_rate_status(
    #[case] yes: usize,
    #[case] n: usize,
    #[case] extra: usize,
    #[case] value: f64,
    #[case] status: Status,
) {
    let mut log = Log::tiktok_my();
    tiktok_sessions(&mut log, "+08:00", yes, n, extra);
    for id in ["response_rate_12h", "response_rate_24h"] {
        let f = log.figure(id, LATER);
        check(&f, Some(value), (yes as u64, n as u64, 0), status);
        assert_eq!(f.basis_points(), Some(yes as u64 * 10_000 / n as u64));
    }
}

// §5 response_rate_24h for the US: target 85 %, warning bar 80 %.
#[rstest]
#[case::s5_us_85_percent_is_good(17, Status::Good)]
#[case::s5_us_80_percent_is_warning(16, Status::Warning)]
#[case::s5_us_75_percent_is_bad(15, Status::Bad)]
fn s5_tiktok_us_rate_status(#[case] yes: usize, #[case] status: Status) {
    let mut log = Log::tiktok_us();
    tiktok_sessions(&mut log, "-07:00", yes, 20, 1);
    let f = log.figure("response_rate_24h", "2026-07-18T12:00:00-07:00");
    check(&f, Some(yes as f64 / 20.0), (yes as u64, 20, 0), status);
    assert_eq!(f.target, Some(0.85));
}

// §5 weekly_response_rate_24h (TikTok US): the last full week, Monday 00:00 to Monday 00:00
// local, judged on Tuesday 2026-07-21: the week of 2026-07-13. Minimum 5 counted messages;
// target 85 %.
#[rstest]
// In the week: x1 (in time), x2 (answered after 25 h: late), x3 (in time), x4 (never
// answered), x5 (Sunday 23:59:59, answered 01:00 Monday: in time). 3 / 5 = 60 %: bad.
#[case::s5_weekly_five_messages_rated(true, Some(0.6), (3, 5, 0), Status::Bad)]
// Without x4: 4 counted buyer messages in the week, below the minimum of 5.
#[case::s5_weekly_four_messages_not_rated(false, Some(0.75), (3, 4, 0), Status::NotRated)]
fn s5_tiktok_us_weekly_rate(
    #[case] with_x4: bool,
    #[case] value: Option<f64>,
    #[case] counts: (u64, u64, u64),
    #[case] status: Status,
) {
    let mut log = Log::tiktok_us();
    // Sunday before the week: out.
    log.msg("x0", "2026-07-12T23:59:59-07:00", "buyer").msg(
        "x0",
        "2026-07-13T00:30:00-07:00",
        "agent",
    );
    log.msg("x1", "2026-07-13T00:00:00-07:00", "buyer").msg(
        "x1",
        "2026-07-13T01:00:00-07:00",
        "agent",
    );
    log.msg("x2", "2026-07-15T10:00:00-07:00", "buyer").msg(
        "x2",
        "2026-07-16T11:00:00-07:00",
        "agent",
    );
    log.msg("x3", "2026-07-16T10:00:00-07:00", "buyer").msg(
        "x3",
        "2026-07-16T10:30:00-07:00",
        "agent",
    );
    if with_x4 {
        log.msg("x4", "2026-07-17T10:00:00-07:00", "buyer");
    }
    log.msg("x5", "2026-07-19T23:59:59-07:00", "buyer").msg(
        "x5",
        "2026-07-20T01:00:00-07:00",
        "agent",
    );
    // Monday 00:00 ends the week: out (it would be a miss if it were in).
    log.msg("x6", "2026-07-20T00:00:00-07:00", "buyer");

    let f = log.figure("weekly_response_rate_24h", "2026-07-21T12:00:00-07:00");
    check(&f, value, counts, status);
    assert_eq!(f.window.from, t("2026-07-13T00:00:00-07:00"));
    assert!(f.window.to < t("2026-07-20T00:00:00-07:00"));
    assert_eq!(f.target, Some(0.85));
}

#[test]
fn s5_tiktok_us_weekly_window_across_daylight_saving() {
    // The week of Monday 2026-03-02 00:00 PST (08:00Z) to Monday 2026-03-09 00:00 PDT
    // (07:00Z), judged Tuesday 2026-03-10. Every inquiry is answered after 30 minutes.
    let mut log = Log::tiktok_us();
    let opened = [
        ("w0", "2026-03-01T23:59:59-08:00"), // out: Sunday before
        ("w1", "2026-03-02T00:00:00-08:00"), // in
        ("w2", "2026-03-04T10:00:00-08:00"), // in
        ("w3", "2026-03-06T10:00:00-08:00"), // in
        ("w4", "2026-03-08T10:00:00-07:00"), // in: Sunday after the change
        ("w5", "2026-03-08T23:59:59-07:00"), // in
        ("w6", "2026-03-09T00:00:00-07:00"), // out: 07:00Z, the week's end in PDT
        ("w7", "2026-03-09T00:30:00-07:00"), // out: 07:30Z (in if the end were 08:00Z)
    ];
    for (conv, at) in opened {
        log.msg(conv, at, "buyer").msg(conv, &plus(at, 30), "agent");
    }
    let f = log.figure("weekly_response_rate_24h", "2026-03-10T12:00:00-07:00");
    check(&f, Some(1.0), (5, 5, 0), Status::Good);
    assert_eq!(f.window.from, t("2026-03-02T08:00:00Z"));
}

// ---- §5 TikTok times and ratings ----

#[test]
fn s5_tiktok_avg_response_time_is_over_agent_answers() {
    let mut log = Log::tiktok_my();
    let w = "2026-07-15T10:00:00+08:00";
    // a: agent after 20 min = 1200 s.
    log.msg("a", w, "buyer").msg("a", &plus(w, 20), "agent");
    // b: resolved by automation: left out.
    log.msg("b", w, "buyer").msg("b", &plus_secs(w, 5), "auto");
    // c: a bot answer, the buyer writes again at 11:00, an agent answers at 12:00: on the
    // original clock, 7200 s.
    log.msg("c", w, "buyer")
        .msg("c", &plus_secs(w, 5), "bot")
        .msg("c", &plus(w, 60), "buyer")
        .msg("c", &plus(w, 120), "agent");
    // d: never answered: no time.
    log.msg("d", w, "buyer");
    // e: opened an hour before now: pending.
    log.msg("e", "2026-07-18T11:00:00+08:00", "buyer");

    let f = log.figure("avg_response_time", LATER);
    // (1200 + 7200) / 2 = 4200 s.
    check(&f, Some(4200.0), (8400, 2, 1), Status::NoTarget);
    assert_eq!(excluded(&f, "automation"), 1);
}

#[test]
fn s5_tiktok_satisfaction_and_dissatisfaction_rates() {
    let mut log = Log::tiktok_my();
    let w = "2026-07-15T10:00:00+08:00";
    let scores = [
        ("a", Some("very_satisfied")),
        ("b", Some("satisfied")),
        ("c", Some("neutral")),
        ("d", Some("dissatisfied")),
        ("e", Some("very_dissatisfied")),
        ("f", None),
    ];
    for (conv, score) in scores {
        log.msg(conv, w, "buyer").msg(conv, &plus(w, 10), "agent");
        if let Some(s) = score {
            log.rating(conv, &plus(w, 20), s);
        }
    }
    // A session opened 2026-06-10, outside the 30 days: its rating is not counted.
    log.msg("old", "2026-06-10T10:00:00+08:00", "buyer")
        .msg("old", "2026-06-10T10:10:00+08:00", "agent")
        .rating("old", "2026-06-10T10:20:00+08:00", "very_satisfied");

    // 5 rated sessions: 2 satisfied or very satisfied, 2 dissatisfied or very dissatisfied.
    let sat = log.figure("satisfaction_rate", LATER);
    check(&sat, Some(0.4), (2, 5, 0), Status::NoTarget);
    let dis = log.figure("im_dissatisfaction_rate", LATER);
    check(&dis, Some(0.4), (2, 5, 0), Status::NoTarget);

    // Minimum volume: 1 rating.
    let mut none = Log::tiktok_my();
    none.msg("a", w, "buyer");
    check(
        &none.figure("satisfaction_rate", LATER),
        None,
        (0, 0, 0),
        Status::NotRated,
    );
}

#[test]
fn s5_sessions_today_per_agent_by_local_day() {
    // Now is Monday 2026-07-20 10:00 in Kuala Lumpur = 02:00Z; "today" starts at local
    // midnight, 2026-07-19T16:00Z.
    let mut log = Log::tiktok_my();
    // a: 00:30 local (16:30Z the day before): today.
    log.msg("a", "2026-07-20T00:30:00+08:00", "buyer").agent(
        "a",
        "2026-07-20T00:40:00+08:00",
        "aina",
    );
    // b: two agents.
    log.msg("b", "2026-07-20T09:00:00+08:00", "buyer")
        .agent("b", "2026-07-20T09:05:00+08:00", "aina")
        .agent("b", "2026-07-20T09:10:00+08:00", "ben");
    // c: yesterday 23:30 local: not today.
    log.msg("c", "2026-07-19T23:30:00+08:00", "buyer").agent(
        "c",
        "2026-07-19T23:40:00+08:00",
        "ben",
    );
    let f = log.figure("sessions_today", "2026-07-20T10:00:00+08:00");
    let by_agent = f.by_agent.clone().unwrap();
    assert_eq!(
        by_agent.into_iter().collect::<Vec<_>>(),
        vec![("aina".to_owned(), 2), ("ben".to_owned(), 1)]
    );
    assert_eq!(f.window.from, t("2026-07-20T00:00:00+08:00"));
}

// ---- §5 Shopee ----

// §5 Shopee chat_response_rate: decided inquiries sorted by opening; the most recent quarter
// (rounded up) weighs `shopee.recent_weight` (default 2). Target 90 %, warning bar 85 %,
// rated from 2 counted inquiries. `pattern` lists inquiries oldest first.
#[rstest]
// 5 decided: ceil(5/4) = 2 recent. (1+1+1)·1 + (0+0)·2 = 3 over 3 + 4 = 7: 4285 bp.
#[case::s5_shopee_recent_misses_weigh_double("TTTFF", 2, 3, 7, Status::Bad)]
#[case::s5_shopee_recent_weight_3("TTTFF", 3, 3, 9, Status::Bad)]
#[case::s5_shopee_recent_weight_1_is_plain("TTTFF", 1, 3, 5, Status::Bad)]
// 2 + 2·2 = 6 over 7: 8571 bp, warning.
#[case::s5_shopee_an_old_miss_weighs_less("FTTTT", 2, 6, 7, Status::Warning)]
// 16 decided: 4 recent; weights 12·1 + 4·2 = 20.
#[case::s5_shopee_90_percent_is_good("FFTTTTTTTTTTTTTT", 2, 18, 20, Status::Good)]
#[case::s5_shopee_85_percent_is_warning("FFFTTTTTTTTTTTTT", 2, 17, 20, Status::Warning)]
#[case::s5_shopee_85_percent_with_a_recent_miss("FTTTTTTTTTTTFTTT", 2, 17, 20, Status::Warning)]
#[case::s5_shopee_80_percent_is_bad("FFFFTTTTTTTTTTTT", 2, 16, 20, Status::Bad)]
// Minimum volume: 2 counted inquiries. One decided inquiry is its own recent quarter.
#[case::s5_shopee_one_inquiry_not_rated("T", 2, 2, 2, Status::NotRated)]
// 2 decided: 1 recent. 1 over 1 + 2 = 3.
#[case::s5_shopee_two_inquiries_rated("TF", 2, 1, 3, Status::Bad)]
fn s5_shopee_weighted_chat_response_rate(
    #[case] pattern: &str,
    #[case] weight: u32,
    #[case] num: u64,
    #[case] den: u64,
    #[case] status: Status,
) {
    let mut log = Log::shopee_ph();
    log.set("shopee.recent_weight", &weight.to_string());
    table(&mut log, MON, 60, pattern);
    let f = log.figure("chat_response_rate", LATER);
    check(&f, Some(num as f64 / den as f64), (num, den, 0), status);
    assert_eq!(f.target, Some(0.9));
    assert_eq!(f.penalty_risk, Some(false), "no orders");
}

#[test]
fn s5_shopee_pending_inquiries_take_no_weight() {
    // 4 decided (T T T F) and a newer pending one: the recent quarter is ceil(4/4) = 1 of
    // the decided, the F. 3 over 3 + 2 = 5.
    let mut log = Log::shopee_ph();
    table(&mut log, MON, 60, "TTTF");
    log.msg("p", "2026-07-18T11:00:00+08:00", "buyer");
    let f = log.figure("chat_response_rate", LATER);
    check(&f, Some(0.6), (3, 5, 1), Status::Bad);
    assert_eq!(excluded(&f, "account_state"), 0);
    assert_eq!(excluded(&f, "no_response_needed"), 0);
}

// §5 Shopee penalty risk: 10 or more orders in 30 days and a rate of 20 % or less.
#[rstest]
// T F F F: 1 over 1+1+1+2 = 5: 2000 bp, exactly 20 %.
#[case::s5_shopee_penalty_at_20_percent("TFFF", 10, 0, true)]
// F F F T: the answered one is recent: 2 / 5 = 40 %.
#[case::s5_shopee_no_penalty_at_40_percent("FFFT", 10, 0, false)]
#[case::s5_shopee_no_penalty_with_9_orders("TFFF", 9, 0, false)]
// 10 orders, but one placed 31 days ago: 9 in the 30 days.
#[case::s5_shopee_orders_outside_30_days_do_not_count("TFFF", 9, 1, false)]
fn s5_shopee_penalty_risk(
    #[case] pattern: &str,
    #[case] orders: usize,
    #[case] old_orders: usize,
    #[case] risk: bool,
) {
    let mut log = Log::shopee_ph();
    table(&mut log, MON, 60, pattern);
    for k in 0..orders {
        log.order(
            "b-x",
            &format!("o{k}"),
            &plus("2026-07-14T10:00:00+08:00", k as i64),
        );
    }
    for k in 0..old_orders {
        log.order("b-x", &format!("old{k}"), "2026-06-17T11:00:00+08:00");
    }
    let f = log.figure("chat_response_rate", LATER);
    assert_eq!(f.penalty_risk, Some(risk), "{f:?}");
}

#[test]
fn s5_shopee_response_times() {
    let mut log = Log::shopee_ph();
    let w = "2026-07-15T10:00:00+08:00";
    // a: first inquiry answered after 600 s; a second one at 11:00 answered after 1800 s.
    log.msg("a", w, "buyer")
        .msg("a", &plus(w, 10), "agent")
        .msg("a", &plus(w, 60), "buyer")
        .msg("a", &plus(w, 90), "agent");
    // b: answered after 13 h = 46800 s (late for the rate, still an answer).
    log.msg("b", w, "buyer")
        .msg("b", &plus(w, 13 * 60), "agent");
    // c: never answered; d: an auto message is not a reply on Shopee.
    log.msg("c", w, "buyer");
    log.msg("d", w, "buyer").msg("d", &plus(w, 1), "auto");

    // First inquiry of each conversation: (600 + 46800) / 2 = 23700 s.
    let first = log.figure("first_response_time", LATER);
    check(&first, Some(23700.0), (47400, 2, 0), Status::NoTarget);
    // Every answered inquiry: (600 + 1800 + 46800) / 3 = 16400 s.
    let avg = log.figure("avg_response_time", LATER);
    check(&avg, Some(16400.0), (49200, 3, 0), Status::NoTarget);
    // The rate: 5 decided inquiries, of which the most recent ceil(5/4) = 2 weigh 2.
    let rate = log.figure("chat_response_rate", LATER);
    assert_eq!(rate.pending, 0);
    assert_eq!(rate.denominator, 3 + 2 * 2);
}

// ---- §5 Lazada ----

// §5 Lazada chat_response_rate: answered by the lazada.same_day deadline / counted
// inquiries; target 85 % (LazMall), warning bar 50 %; minimum 1.
#[rstest]
#[case::s5_lazada_one_inquiry_is_rated(1, 1, Status::Good)]
#[case::s5_lazada_85_percent_is_good(17, 20, Status::Good)]
#[case::s5_lazada_80_percent_is_warning(16, 20, Status::Warning)]
#[case::s5_lazada_50_percent_is_warning(10, 20, Status::Warning)]
#[case::s5_lazada_45_percent_is_bad(9, 20, Status::Bad)]
fn s5_lazada_chat_response_rate_status(
    #[case] yes: usize,
    #[case] n: usize,
    #[case] status: Status,
) {
    let mut log = Log::lazada_my();
    table(&mut log, "2026-07-15T10:00:00+08:00", 1, &answered(yes, n));
    let f = log.figure("chat_response_rate", LATER);
    check(
        &f,
        Some(yes as f64 / n as f64),
        (yes as u64, n as u64, 0),
        status,
    );
    assert_eq!(f.target, Some(0.85));
    assert_eq!(excluded(&f, "public_holiday"), 0);
}

#[test]
fn s5_lazada_windows_day_cycles_and_rolling_days() {
    // Now: Monday 2026-07-20 12:00, in the cycle of day 07-20 (from 07-19 18:00). The last
    // 7 day cycles, ending at now, are days 07-14 .. 07-20: from 2026-07-13 18:00.
    // The 10-minute rate's rolling 7 days start at 2026-07-13 12:00.
    let mut log = Log::lazada_my();
    // l0: cycle of day 07-13: out of the cycles, in the rolling 7 days; answered 10:01
    // after: late for the 10-minute window.
    log.msg("l0", "2026-07-13T17:59:59+08:00", "buyer").msg(
        "l0",
        "2026-07-13T18:10:00+08:00",
        "agent",
    );
    // l1: first instant of the cycle of day 07-14; answered after exactly 10 minutes.
    log.msg("l1", "2026-07-13T18:00:00+08:00", "buyer").msg(
        "l1",
        "2026-07-13T18:10:00+08:00",
        "agent",
    );
    // l2: opened an hour ago: pending for the day cycle (due 19:00), missed for 10 minutes.
    log.msg("l2", "2026-07-20T11:00:00+08:00", "buyer");

    let now = "2026-07-20T12:00:00+08:00";
    let rate = log.figure("chat_response_rate", now);
    check(&rate, Some(1.0), (1, 1, 1), Status::Good);
    assert_eq!(rate.window.from, t("2026-07-13T18:00:00+08:00"));
    let ten = log.figure("response_rate_10min", now);
    check(&ten, Some(1.0 / 3.0), (1, 3, 0), Status::NoTarget);
}

#[rstest]
// a: 1200 s, b: 2400 s: mean 1800 s = 30 min, "30 min or less": good.
#[case::s5_lazada_30_minutes_is_good(20, 40, Some(1800.0), Status::Good)]
// a: 3600 s, b: 3600 s: an hour, below any warning bar for a 30-minute target.
#[case::s5_lazada_an_hour_is_bad(60, 60, Some(3600.0), Status::Bad)]
fn s5_lazada_chat_response_time(
    #[case] a_min: i64,
    #[case] b_min: i64,
    #[case] value: Option<f64>,
    #[case] status: Status,
) {
    let mut log = Log::lazada_my();
    let a = "2026-07-15T10:00:00+08:00";
    let b = "2026-07-15T11:00:00+08:00";
    log.msg("a", a, "buyer").msg("a", &plus(a, a_min), "agent");
    log.msg("b", b, "buyer").msg("b", &plus(b, b_min), "agent");
    // c: answered the next day, after its 19:00 deadline: not within its day cycle.
    log.msg("c", "2026-07-15T12:00:00+08:00", "buyer").msg(
        "c",
        "2026-07-16T12:00:00+08:00",
        "agent",
    );
    // d: never answered.
    log.msg("d", "2026-07-15T13:00:00+08:00", "buyer");
    let f = log.figure("chat_response_time", LATER);
    check(&f, value, ((a_min + b_min) as u64 * 60, 2, 0), status);
    assert_eq!(f.target, Some(1800.0));
}

#[test]
fn s5_lazada_chat_order_conversion_rate() {
    // Now: Wednesday 2026-07-22 12:00; the last 7 day cycles start 2026-07-15 18:00.
    let mut log = Log::lazada_my();
    let w = "2026-07-16T10:00:00+08:00";
    // a: agent reply, then the buyer orders the next day: converted.
    log.msg("a", w, "buyer").msg("a", &plus(w, 10), "agent");
    log.order("b-a", "oa", "2026-07-17T10:00:00+08:00");
    // b: agent reply, but the buyer's only order came before it.
    log.msg("b", w, "buyer").msg("b", &plus(w, 10), "agent");
    log.order("b-b", "ob", "2026-07-16T09:00:00+08:00");
    // c: no agent reply: not in the denominator.
    log.msg("c", w, "buyer");
    log.order("b-c", "oc", "2026-07-17T10:00:00+08:00");
    // d: agent reply and no order.
    log.msg("d", w, "buyer").msg("d", &plus(w, 10), "agent");
    // e: agent reply; another buyer's order does not count.
    log.msg("e", w, "buyer").msg("e", &plus(w, 10), "agent");
    log.order("b-zz", "oz", "2026-07-17T10:00:00+08:00");

    // Conversations with an agent reply: a, b, d, e; followed by that buyer's order within
    // 7 days: a. 1 / 4.
    let f = log.figure("chat_order_conversion_rate", "2026-07-22T12:00:00+08:00");
    check(&f, Some(0.25), (1, 4, 0), Status::NoTarget);
}

// ============================================================================================
// §6 Inbox states
// ============================================================================================

/// The filters a row is in.
fn filters(row: &kedai_core::InboxRow) -> Vec<Filter> {
    Filter::ALL.into_iter().filter(|f| row.is_in(*f)).collect()
}

#[test]
fn s6_overdue_and_due_soon() {
    // Shopee: opened 10:00, due 22:00, due soon from 20:00.
    let mut log = Log::shopee_ph();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer");
    let f = |now: &str| filters(&log.row("c", now));
    use Filter::*;
    assert_eq!(f("2026-07-15T19:00:00+08:00"), [All, Unreplied, Unread]);
    assert_eq!(
        f("2026-07-15T21:00:00+08:00"),
        [All, DueSoon, Unreplied, Unread]
    );
    assert_eq!(
        f("2026-07-15T23:00:00+08:00"),
        [All, Overdue, Unreplied, Unread]
    );
}

#[rstest]
#[case::s6_shopee_agent_reply_clears_unreplied("shopee_ph", "agent", false)]
#[case::s6_shopee_auto_message_leaves_it_unreplied("shopee_ph", "auto", true)]
#[case::s6_lazada_bot_leaves_it_unreplied("lazada_my", "bot", true)]
#[case::s6_tiktok_broadcast_leaves_it_unreplied("tiktok_my", "broadcast", true)]
#[case::s6_tiktok_agent_reply_clears_unreplied("tiktok_my", "agent", false)]
fn s6_unreplied(#[case] name: &str, #[case] from: &str, #[case] unreplied: bool) {
    let mut log = shop(name);
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer");
    assert!(log.row("c", "2026-07-15T10:01:00+08:00").unreplied);
    log.msg("c", "2026-07-15T10:05:00+08:00", from);
    let row = log.row("c", "2026-07-15T10:10:00+08:00");
    assert_eq!(row.unreplied, unreplied);
    assert_eq!(row.is_in(Filter::Unreplied), unreplied);
    // The next buyer message after an agent reply opens a new inquiry: unreplied again.
    log.msg("c", "2026-07-15T10:20:00+08:00", "buyer");
    let row = log.row("c", "2026-07-15T10:30:00+08:00");
    assert!(row.unreplied);
    let opened = if unreplied {
        "2026-07-15T10:00:00+08:00"
    } else {
        "2026-07-15T10:20:00+08:00"
    };
    assert_eq!(row.opened_at, Some(t(opened)));
}

#[test]
fn s6_unread_until_an_agent_opens_it() {
    let mut log = Log::shopee_ph();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer");
    let h = log.history();
    let clock = log.clock("c");
    let now = t("2026-07-15T10:30:00+08:00");
    let row =
        |read_at: Option<&str>| inbox::row(&h.shop, &log.settings, &clock, read_at.map(t), now);
    assert!(row(None).unread && row(None).is_in(Filter::Unread));
    // Opened in the app at 10:05: read, though still unreplied.
    let r = row(Some("2026-07-15T10:05:00+08:00"));
    assert!(!r.unread && r.unreplied);
    // Opened at 09:59, before the buyer wrote: still unread.
    assert!(row(Some("2026-07-15T09:59:00+08:00")).unread);

    // A newer buyer message after the agent opened it is unread again.
    log.msg("c", "2026-07-15T10:10:00+08:00", "buyer");
    let clock = log.clock("c");
    let r = inbox::row(
        &h.shop,
        &log.settings,
        &clock,
        Some(t("2026-07-15T10:05:00+08:00")),
        now,
    );
    assert!(r.unread);

    // An agent who replies has opened it.
    log.msg("c", "2026-07-15T10:20:00+08:00", "agent");
    assert!(!log.row("c", "2026-07-15T10:30:00+08:00").unread);
}

#[test]
fn s6_starred() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:05:00+08:00", "agent")
        .mark("c", "2026-07-15T10:10:00+08:00", "star")
        .mark("c", "2026-07-15T11:00:00+08:00", "unstar");
    let f = |now: &str| filters(&log.row("c", now));
    use Filter::*;
    assert_eq!(f("2026-07-15T10:09:00+08:00"), [All]);
    assert_eq!(f("2026-07-15T10:30:00+08:00"), [All, Starred]);
    assert_eq!(f("2026-07-15T11:30:00+08:00"), [All]);
}

#[test]
fn s6_closed_by_an_agent_ending_the_session() {
    // An unanswered inquiry whose session the agent ends: Closed only.
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .mark("c", "2026-07-15T10:05:00+08:00", "star")
        .mark("c", "2026-07-15T10:10:00+08:00", "end_session");
    use Filter::*;
    assert_eq!(
        filters(&log.row("c", "2026-07-15T10:09:00+08:00")),
        [All, Unreplied, Unread, Starred]
    );
    let row = log.row("c", "2026-07-15T10:10:00+08:00");
    assert!(row.closed);
    assert_eq!(filters(&row), [Closed]);
}

#[rstest]
#[case::s6_shopee("shopee_ph")]
#[case::s6_tiktok("tiktok_my")]
#[case::s6_lazada("lazada_my")]
fn s6_closed_after_7_days_without_a_message(#[case] name: &str) {
    let mut log = shop(name);
    log.msg("c", "2026-07-01T10:00:00+08:00", "buyer").mark(
        "c",
        "2026-07-01T10:01:00+08:00",
        "star",
    );
    use Filter::*;
    // 6 days 23:59:59 after the last message: open, overdue, unreplied, unread, starred.
    let row = log.row("c", "2026-07-08T09:59:59+08:00");
    assert!(!row.closed);
    assert_eq!(filters(&row), [All, Overdue, Unreplied, Unread, Starred]);
    // 7 days: closed, and then it shows only under Closed.
    let row = log.row("c", "2026-07-08T10:00:00+08:00");
    assert!(row.closed);
    assert_eq!(filters(&row), [Closed]);

    // It cannot be reopened: a new buyer message starts a new session and a new inquiry on
    // its own clock.
    log.msg("c", "2026-07-09T10:00:00+08:00", "buyer");
    let row = log.row("c", "2026-07-09T10:30:00+08:00");
    assert!(!row.closed);
    assert_eq!(row.opened_at, Some(t("2026-07-09T10:00:00+08:00")));
    assert!(row.unreplied && !row.overdue);
    let clock = log.clock("c");
    assert_eq!(clock.sessions.len(), 2);
    assert_eq!(clock.sessions[0].ended_at, t("2026-07-08T10:00:00+08:00"));
    assert!(!clock.sessions[0].ended_by_agent);
}

#[test]
fn s6_counts_per_filter() {
    // Shopee, now Wednesday 2026-07-15 21:00.
    let mut log = Log::shopee_ph();
    // a: due 20:00: overdue.
    log.msg("a", "2026-07-15T08:00:00+08:00", "buyer");
    // b: due 22:00, due soon from 20:00.
    log.msg("b", "2026-07-15T10:00:00+08:00", "buyer");
    // c: due 2026-07-16 00:00: only unreplied (and unread).
    log.msg("c", "2026-07-15T12:00:00+08:00", "buyer");
    // d: answered and starred.
    log.msg("d", "2026-07-15T09:00:00+08:00", "buyer")
        .msg("d", "2026-07-15T09:10:00+08:00", "agent")
        .mark("d", "2026-07-15T09:20:00+08:00", "star");
    // e: starred and unanswered, but quiet since 2026-07-06: auto-closed.
    log.msg("e", "2026-07-06T10:00:00+08:00", "buyer").mark(
        "e",
        "2026-07-06T11:00:00+08:00",
        "star",
    );
    // f: answered, then the agent ended the session.
    log.msg("f", "2026-07-15T09:00:00+08:00", "buyer")
        .msg("f", "2026-07-15T09:05:00+08:00", "agent")
        .mark("f", "2026-07-15T09:06:00+08:00", "end_session");

    let rows = log.inbox("2026-07-15T21:00:00+08:00");
    let counts = inbox::counts(&rows);
    use Filter::*;
    assert_eq!(
        counts,
        [
            (All, 4),
            (Overdue, 1),
            (DueSoon, 1),
            (Unreplied, 3),
            (Unread, 3),
            (Starred, 1),
            (Closed, 2),
        ]
    );
    let open: Vec<&str> = rows
        .iter()
        .filter(|r| r.is_in(All))
        .map(|r| r.conversation.as_str())
        .collect();
    assert_eq!(open, ["a", "b", "c", "d"], "earliest deadline first");
}
