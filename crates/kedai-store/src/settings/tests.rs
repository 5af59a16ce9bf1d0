use std::collections::BTreeMap;

use chrono::NaiveDate;
use kedai_core::engine;
use kedai_core::history::{parse_log, HistoryBuilder};
use kedai_core::time::parse_instant;
use kedai_core::Ts;

use super::review::MissReason;
use super::*;
use kedai_core::Exclusion;

const SAMPLE: &str = include_str!("../../../../samples/sample-events.jsonl");
const SAMPLE_AT: &str = "2026-07-20T12:00:00+08:00";

fn t(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

fn store(log: &str) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.import_log(log, false).unwrap();
    s
}

fn export(s: &Store) -> String {
    let mut out = Vec::new();
    s.export(None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The open inquiry's (deadline, policy) of a conversation, as the inbox stores it.
fn open_deadline(s: &Store, shop: &str, conv: &str) -> Option<i64> {
    s.connection()
        .query_row(
            "SELECT open_deadline FROM conversations WHERE shop = ?1 AND conversation = ?2",
            params![shop, conv],
            |r| r.get(0),
        )
        .unwrap()
}

const MY: &str = r#"{"type":"shop","shop":"tt-my","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"message","shop":"tt-my","conversation":"c1","id":"m1","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b1","text":"Is this in stock?"}
"#;

#[test]
fn holiday_mode_leaves_messages_out_while_on_and_the_deadline_comes_back_when_closed_before_them() {
    // §2: a buyer message received while the shop is in holiday mode is left out.
    let mut s = store(MY);
    let seq = s.last_change_seq().unwrap();
    assert!(open_deadline(&s, "tt-my", "c1").is_some());
    let on = t("2026-07-18T09:00:00+08:00");
    assert!(s
        .set_span("tt-my", SpanKind::HolidayMode, true, on)
        .unwrap());
    assert_eq!(
        open_deadline(&s, "tt-my", "c1"),
        None,
        "the message is left out"
    );
    // The app hears of it once, as a change of the shop, not as new chats.
    let changes = s.changes_since(seq).unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].what, "shop");
    assert_eq!(changes[0].conversation, None);
    let metrics = s.metrics("tt-my", t(SAMPLE_AT)).unwrap();
    let f = metrics.get("response_rate_12h").unwrap();
    assert_eq!(f.excluded.get(&Exclusion::HolidayMode), Some(&1));
    // Switching on again changes nothing.
    assert!(!s
        .set_span("tt-my", SpanKind::HolidayMode, true, on)
        .unwrap());
    let log = export(&s);
    assert!(
        log.contains(r#""type":"holiday_mode","shop":"tt-my","from":"2026-07-18T01:00:00Z""#),
        "{log}"
    );

    // Off at 09:30, before the message: the span closes and the message counts again.
    assert!(s
        .set_span(
            "tt-my",
            SpanKind::HolidayMode,
            false,
            t("2026-07-18T09:30:00+08:00")
        )
        .unwrap());
    assert_eq!(
        open_deadline(&s, "tt-my", "c1"),
        Some(crate::rows::ms(t("2026-07-18T22:00:00+08:00")))
    );
    let log = export(&s);
    assert!(log.contains(r#""to":"2026-07-18T01:30:00Z""#), "{log}");
    // The exported log gives the same clocks when read back.
    let again = store(&log);
    assert_eq!(again.clocks("tt-my").unwrap(), s.clocks("tt-my").unwrap());
}

#[test]
fn weekend_coverage_moves_a_saturday_inquiry_to_monday_noon() {
    // §4: with coverage on, an inquiry opened on the weekend is due Monday 12:00 local.
    let log = MY.replace("2026-07-18T10:00:00+08:00", "2026-07-18T20:00:00+08:00");
    let mut s = store(&log);
    assert_eq!(
        open_deadline(&s, "tt-my", "c1"),
        Some(crate::rows::ms(t("2026-07-19T08:00:00+08:00")))
    );
    s.set_span(
        "tt-my",
        SpanKind::WeekendCoverage,
        true,
        t("2026-07-17T00:00:00+08:00"),
    )
    .unwrap();
    assert_eq!(
        open_deadline(&s, "tt-my", "c1"),
        Some(crate::rows::ms(t("2026-07-20T12:00:00+08:00")))
    );
    assert!(export(&s).contains(r#""type":"weekend_coverage""#));
}

#[test]
fn operating_hours_leave_out_a_us_message_outside_them() {
    // §2: TikTok Shop US leaves out messages received outside the shop's operating hours.
    let log = r#"{"type":"shop","shop":"tt-us","platform":"tiktok","region":"US","tz":"America/Los_Angeles"}
{"type":"message","shop":"tt-us","conversation":"c1","id":"m1","at":"2026-07-18T22:00:00-07:00","from":"buyer","buyer":"b1","text":"hi"}
"#;
    let mut s = store(log);
    assert!(open_deadline(&s, "tt-us", "c1").is_some());
    let hours: BTreeMap<String, Vec<[String; 2]>> =
        serde_json::from_str(r#"{"sat":[["09:00","18:00"]]}"#).unwrap();
    s.set_operating_hours("tt-us", &hours, t("2026-07-01T00:00:00Z"))
        .unwrap();
    assert_eq!(open_deadline(&s, "tt-us", "c1"), None);
    assert!(export(&s).contains(r#""type":"operating_hours","shop":"tt-us""#));
}

#[test]
fn refused_settings_change_nothing() {
    let mut s = store(MY);
    let before = export(&s);
    let clocks = s.clocks("tt-my").unwrap();
    let at = t("2026-07-01T00:00:00Z");
    for bad in [
        r#"{"mon":[["18:00","09:00"]]}"#,
        r#"{"mon":[["09:00","13:00"],["12:00","18:00"]]}"#,
        r#"{"monday":[["09:00","18:00"]]}"#,
        r#"{}"#,
    ] {
        let hours: BTreeMap<String, Vec<[String; 2]>> = serde_json::from_str(bad).unwrap();
        let e = s.set_operating_hours("tt-my", &hours, at).unwrap_err();
        assert!(matches!(e, StoreError::Invalid(_)), "{bad}: {e}");
    }
    let e = s
        .set_shop_profile("tt-my", "MY", "Asia/Kuala_Lumpr", None)
        .unwrap_err();
    assert!(e.to_string().contains("not an IANA time zone"), "{e}");
    let e = s
        .set_shop_profile("tt-my", "FR", "Europe/Paris", None)
        .unwrap_err();
    assert!(e.to_string().contains("unknown region"), "{e}");
    assert!(s.set_span("nope", SpanKind::HolidayMode, true, at).is_err());
    assert_eq!(export(&s), before);
    assert_eq!(s.clocks("tt-my").unwrap(), clocks);
}

#[test]
fn a_new_zone_moves_the_local_deadlines() {
    // Lazada's day cycle is local (§4): the same instant falls in another cycle elsewhere.
    let log = r#"{"type":"shop","shop":"lz","platform":"lazada","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"message","shop":"lz","conversation":"c1","id":"m1","at":"2026-07-15T09:00:00Z","from":"buyer","buyer":"b1","text":"hi"}
"#;
    let mut s = store(log);
    // 17:00 local in Kuala Lumpur: due 19:00 local the same day.
    assert_eq!(
        open_deadline(&s, "lz", "c1"),
        Some(crate::rows::ms(t("2026-07-15T19:00:00+08:00")))
    );
    s.set_shop_profile("lz", "MY", "Asia/Bangkok", Some("Lz"))
        .unwrap();
    // 16:00 local in Bangkok: due 19:00 Bangkok time.
    assert_eq!(
        open_deadline(&s, "lz", "c1"),
        Some(crate::rows::ms(t("2026-07-15T19:00:00+07:00")))
    );
    assert!(export(&s).contains(r#""tz":"Asia/Bangkok","name":"Lz""#));
}

#[test]
fn a_backup_opens_with_the_same_metrics_and_never_overwrites() {
    let s = store(SAMPLE);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("backup.db");
    s.backup_to(&path).unwrap();
    let copy = Store::open(&path).unwrap();
    for (shop, _) in s.shops().unwrap() {
        assert_eq!(
            copy.metrics(&shop.shop, t(SAMPLE_AT)).unwrap(),
            s.metrics(&shop.shop, t(SAMPLE_AT)).unwrap()
        );
    }
    let e = s.backup_to(&path).unwrap_err();
    assert!(e.to_string().contains("already exists"), "{e}");
    assert!(s.backup_to(&dir.path().join("no/such/dir.db")).is_err());
}

/// The review's figures are the engine's: computed here independently, from the event log
/// itself (as `kedai metrics --events … --at …` does), at every point of the range.
#[test]
fn the_review_figures_equal_the_engines_at_each_day_and_week_end() {
    let s = store(SAMPLE);
    let parsed = parse_log(SAMPLE, false).unwrap();
    let (history, _) = parsed.build(HistoryBuilder::new()).unwrap();
    let now = t(SAMPLE_AT);
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 7, 25).unwrap(),
    );
    let mut points = 0;
    for (id, shop) in &history.shops {
        let settings = s.shop(id).unwrap().1;
        let clocks = engine::clocks(shop, &settings);
        let review = s.review(id, from, to, now).unwrap();
        // Days after `now` have no point; today's ends at `now`.
        assert_eq!(review.days.last().unwrap().at, now);
        assert_eq!(review.days.len(), 20);
        for p in review.days.iter().chain(&review.weeks) {
            let m = engine::metrics(&shop.shop, &settings, &clocks, &shop.orders, p.at);
            assert_eq!(
                serde_json::to_value(&p.metrics).unwrap(),
                serde_json::to_value(&m).unwrap(),
                "{id} at {}",
                p.at
            );
            assert_eq!(p.metrics, s.metrics(id, p.at).unwrap());
            points += 1;
        }
        // Each day's inquiries add up.
        for p in &review.days {
            let c = p.counts;
            assert_eq!(
                c.opened,
                c.in_time + c.late + c.missed + c.excluded + c.pending
            );
        }
    }
    assert!(points > 60);
}

#[test]
fn the_review_lists_missed_late_and_excluded_inquiries_with_the_reason() {
    let log = r#"{"type":"shop","shop":"sp","platform":"shopee","region":"PH","tz":"Asia/Manila"}
{"type":"message","shop":"sp","conversation":"missed","id":"m1","at":"2026-07-14T10:00:00+08:00","from":"buyer","buyer":"b1","text":"hello?"}
{"type":"message","shop":"sp","conversation":"late","id":"m2","at":"2026-07-14T10:00:00+08:00","from":"buyer","buyer":"b2","text":"hello?"}
{"type":"message","shop":"sp","conversation":"late","id":"m3","at":"2026-07-15T09:00:00+08:00","from":"agent","buyer":"b2","text":"sorry"}
{"type":"message","shop":"sp","conversation":"ok","id":"m4","at":"2026-07-14T10:00:00+08:00","from":"buyer","buyer":"b3","text":"hello?"}
{"type":"message","shop":"sp","conversation":"ok","id":"m5","at":"2026-07-14T10:30:00+08:00","from":"agent","buyer":"b3","text":"hi"}
{"type":"message","shop":"sp","conversation":"nrn","id":"m6","at":"2026-07-14T11:00:00+08:00","from":"buyer","buyer":"b4","text":"spam"}
{"type":"mark","shop":"sp","conversation":"nrn","at":"2026-07-14T11:05:00+08:00","action":"no_response_needed"}
"#;
    let s = store(log);
    let d = NaiveDate::from_ymd_opt(2026, 7, 14).unwrap();
    let r = s
        .review("sp", d, d, t("2026-07-16T00:00:00+08:00"))
        .unwrap();
    let reasons: BTreeMap<&str, MissReason> = r
        .misses
        .iter()
        .map(|m| (m.conversation.as_str(), m.reason))
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert_eq!(reasons["missed"], MissReason::Missed);
    assert_eq!(
        reasons["late"],
        MissReason::Late {
            answered_at: t("2026-07-15T09:00:00+08:00")
        }
    );
    assert_eq!(
        reasons["nrn"],
        MissReason::Excluded(Exclusion::NoResponseNeeded)
    );
    let c = r.days[0].counts;
    assert_eq!(
        (c.opened, c.in_time, c.late, c.missed, c.excluded),
        (4, 1, 1, 1, 1)
    );
    assert!(
        r.evaluation.is_none(),
        "only TikTok Shop has a weekly evaluation"
    );

    let e = s
        .review("sp", d, d - chrono::Duration::days(1), t(SAMPLE_AT))
        .unwrap_err();
    assert!(e.to_string().contains("before it starts"), "{e}");
    assert!(s
        .review("sp", d, d + chrono::Duration::days(200), t(SAMPLE_AT))
        .is_err());
}

#[test]
fn the_weekly_evaluation_preview_judges_this_week_on_tuesday() {
    // §5 TikTok Shop US: the last full week, Monday to Monday local, judged each Tuesday.
    // Thursday 2026-07-16: the coming Tuesday is 07-21 and judges 07-13 to 07-20.
    let mut log = String::from(
        r#"{"type":"shop","shop":"tt-us","platform":"tiktok","region":"US","tz":"America/New_York"}
"#,
    );
    for i in 0..6 {
        log.push_str(&format!(
            r#"{{"type":"message","shop":"tt-us","conversation":"c{i}","id":"q{i}","at":"2026-07-14T10:0{i}:00-04:00","from":"buyer","buyer":"b{i}","text":"hi"}}
"#
        ));
        if i < 4 {
            log.push_str(&format!(
                r#"{{"type":"message","shop":"tt-us","conversation":"c{i}","id":"a{i}","at":"2026-07-14T11:00:00-04:00","from":"agent","buyer":"b{i}","text":"hello"}}
"#
            ));
        }
    }
    // One more asked on Thursday, not answered yet: it can still be saved.
    log.push_str(
        r#"{"type":"message","shop":"tt-us","conversation":"c9","id":"q9","at":"2026-07-16T09:00:00-04:00","from":"buyer","buyer":"b9","text":"hi"}
"#,
    );
    let s = store(&log);
    let now = t("2026-07-16T12:00:00-04:00");
    let d = NaiveDate::from_ymd_opt(2026, 7, 13).unwrap();
    let e = s.review("tt-us", d, d, now).unwrap().evaluation.unwrap();
    assert_eq!(e.at, t("2026-07-21T00:00:00-04:00"));
    assert_eq!(e.week_from, t("2026-07-13T00:00:00-04:00"));
    assert_eq!(e.week_to, t("2026-07-20T00:00:00-04:00"));
    assert_eq!(e.open_now, 1);
    let f = e.metrics.get("weekly_response_rate_24h").unwrap();
    // 4 answered of 7 sessions if nobody answers the open ones.
    assert_eq!((f.numerator, f.denominator), (4, 7));
    assert_eq!(e.metrics, s.metrics("tt-us", e.at).unwrap());
}

#[test]
fn buckets_follow_the_local_calendar() {
    let tz: chrono_tz::Tz = "Asia/Kuala_Lumpur".parse().unwrap();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 7, 15).unwrap(),
        NaiveDate::from_ymd_opt(2026, 7, 21).unwrap(),
    );
    let now = t("2026-07-20T12:00:00+08:00");
    let days = review::day_buckets(tz, from, to, now);
    assert_eq!(days.len(), 6);
    assert_eq!(days[0].1, t("2026-07-15T00:00:00+08:00"));
    assert_eq!(days[5].2, now);
    let weeks = review::week_buckets(tz, from, to, now);
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0].1, t("2026-07-13T00:00:00+08:00"));
    assert_eq!(weeks[0].2, t("2026-07-20T00:00:00+08:00"));
    assert_eq!(weeks[1].2, now);
}
