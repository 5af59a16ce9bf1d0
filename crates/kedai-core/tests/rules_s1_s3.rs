//! response-rules.md §1 (words: inquiries, sessions), §2 (which buyer messages count) and
//! §3 (valid replies).

mod support;
use rstest::rstest;
use support::*;

/// The headline rate of each platform, present for every region.
fn main_rate(platform: &str) -> &'static str {
    match platform {
        "tiktok" => "response_rate_24h",
        _ => "chat_response_rate",
    }
}

/// A shop of the platform. Shopee's recency weighting (§5) is set to 1 here so that its
/// numerator and denominator count inquiries; §5's tests check the weighting.
fn log_for(platform: &str) -> Log {
    match platform {
        "tiktok" => Log::tiktok_my(),
        "shopee" => {
            let mut log = Log::shopee_ph();
            log.set("shopee.recent_weight", "1");
            log
        }
        "lazada" => Log::lazada_my(),
        _ => unreachable!(),
    }
}

const LATER: &str = "2026-07-18T12:00:00+08:00";

// ---- §1 ----

#[test]
fn s1_later_buyer_messages_join_the_open_inquiry() {
    let mut log = Log::shopee_ph();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:05:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:30:00+08:00", "agent");
    let clock = log.clock("c");
    assert_eq!(clock.items.len(), 1);
    let item = &clock.items[0];
    assert_eq!(
        item.opened_at,
        t("2026-07-15T10:00:00+08:00"),
        "joining does not move the clock"
    );
    assert_eq!(item.counted_at.len(), 2);
    assert_eq!(item.agent_reply_at, Some(t("2026-07-15T10:30:00+08:00")));
}

#[test]
fn s1_the_next_counted_message_after_a_reply_opens_a_new_inquiry() {
    let mut log = Log::shopee_ph();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:30:00+08:00", "agent")
        .msg("c", "2026-07-15T11:00:00+08:00", "buyer");
    let clock = log.clock("c");
    assert_eq!(clock.items.len(), 2);
    assert_eq!(clock.items[1].opened_at, t("2026-07-15T11:00:00+08:00"));
    assert_eq!(clock.items[1].agent_reply_at, None);
}

#[test]
fn s1_tiktok_rates_judge_a_session_by_its_first_inquiry_and_later_ones_feed_the_time() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:30:00+08:00", "agent")
        .msg("c", "2026-07-15T11:00:00+08:00", "buyer")
        // 25 hours later: late for both windows, but the session's first inquiry was answered.
        .msg("c", "2026-07-16T12:00:00+08:00", "agent");
    let f12 = log.figure("response_rate_12h", LATER);
    assert_eq!(nd(&f12), (1, 1, 0));
    let time = log.figure("avg_response_time", LATER);
    assert_eq!(time.denominator, 2);
    assert_eq!(time.value, Some(((30 * 60 + 25 * 3600) / 2) as f64));
}

#[test]
fn s1_end_session_makes_the_next_buyer_message_a_new_session() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:30:00+08:00", "agent")
        .mark("c", "2026-07-15T10:31:00+08:00", "end_session")
        .msg("c", "2026-07-15T11:00:00+08:00", "buyer");
    let clock = log.clock("c");
    assert_eq!(clock.sessions.len(), 2);
    assert!(clock.sessions[0].ended_by_agent);
    assert!(clock.items[1].first_in_session);
    assert_eq!(nd(&log.figure("response_rate_12h", LATER)), (1, 2, 0));
}

#[test]
fn s1_seven_days_without_a_message_end_the_session() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-01T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-01T10:30:00+08:00", "agent")
        .msg("c", "2026-07-08T10:29:59+08:00", "buyer")
        .msg("c", "2026-07-08T10:35:00+08:00", "agent")
        .msg("c", "2026-07-15T10:35:00+08:00", "buyer");
    let clock = log.clock("c");
    assert_eq!(
        clock.sessions.len(),
        2,
        "6 days 23:59:59 keeps it; 7 days close it"
    );
    assert_eq!(clock.sessions[0].ended_at, t("2026-07-15T10:35:00+08:00"));
    assert!(!clock.sessions[0].ended_by_agent);
}

#[test]
fn s1_a_session_started_by_the_seller_is_seller_initiated() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T09:00:00+08:00", "broadcast").msg(
        "c",
        "2026-07-15T10:00:00+08:00",
        "buyer",
    );
    let clock = log.clock("c");
    assert!(clock.sessions[0].seller_initiated);
}

// ---- §2 ----

/// Runs one buyer message at 10:00 on Wednesday 2026-07-15 with `setup` applied, and
/// returns (reason counted, denominator) for the platform's headline rate.
fn one_message(platform: &str, setup: impl Fn(&mut Log), extra: &str, reason: &str) -> (u64, u64) {
    let mut log = log_for(platform);
    setup(&mut log);
    log.msg_with("c", "2026-07-15T10:00:00+08:00", "buyer", extra);
    let f = log.figure(main_rate(platform), LATER);
    let n = f
        .excluded
        .get(&kedai_core::Exclusion::parse(reason).unwrap())
        .copied();
    (n.unwrap_or(0), f.denominator)
}

#[rstest]
#[case::tiktok("tiktok")]
#[case::shopee("shopee")]
#[case::lazada("lazada")]
fn s2_holiday_mode_excludes_on_every_platform(#[case] platform: &str) {
    let setup = |l: &mut Log| {
        l.fact(
            "holiday_mode",
            r#""from":"2026-07-15T00:00:00+08:00","to":"2026-07-16T00:00:00+08:00""#,
        );
    };
    assert_eq!(one_message(platform, setup, "", "holiday_mode"), (1, 0));
    // After the span, the same message counts.
    let after = |l: &mut Log| {
        l.fact(
            "holiday_mode",
            r#""from":"2026-07-14T00:00:00+08:00","to":"2026-07-15T10:00:00+08:00""#,
        );
    };
    assert_eq!(one_message(platform, after, "", "holiday_mode"), (0, 1));
}

#[rstest]
#[case::tiktok_excludes("tiktok", 1, 0)]
#[case::shopee_counts("shopee", 0, 1)]
#[case::lazada_counts("lazada", 0, 1)]
fn s2_blocked_buyer(#[case] platform: &str, #[case] excluded: u64, #[case] denominator: u64) {
    let setup = |l: &mut Log| {
        l.fact(
            "buyer",
            r#""buyer":"b-c","at":"2026-07-01T00:00:00+08:00","blocked":true"#,
        );
    };
    let (n, d) = one_message(
        platform,
        setup,
        "",
        if platform == "tiktok" {
            "blocked"
        } else {
            "holiday_mode"
        },
    );
    assert_eq!((n, d), (excluded, denominator));
}

#[rstest]
#[case::shopee_banned_excludes("shopee", "banned", 1, 0)]
#[case::shopee_deleted_excludes("shopee", "deleted", 1, 0)]
#[case::shopee_frozen_excludes("shopee", "frozen", 1, 0)]
#[case::shopee_active_again_counts("shopee", "active", 0, 1)]
#[case::tiktok_counts("tiktok", "banned", 0, 1)]
fn s2_account_state(
    #[case] platform: &str,
    #[case] state: &str,
    #[case] excluded: u64,
    #[case] denominator: u64,
) {
    let setup = |l: &mut Log| {
        l.fact(
            "buyer",
            r#""buyer":"b-c","at":"2026-07-01T00:00:00+08:00","account_state":"banned""#,
        );
        l.fact(
            "buyer",
            &format!(r#""buyer":"b-c","at":"2026-07-02T00:00:00+08:00","account_state":"{state}""#),
        );
    };
    let reason = if platform == "shopee" {
        "account_state"
    } else {
        "holiday_mode"
    };
    assert_eq!(
        one_message(platform, setup, "", reason),
        (excluded, denominator)
    );
}

#[rstest]
#[case::tiktok("tiktok")]
#[case::shopee("shopee")]
#[case::lazada("lazada")]
fn s2_system_messages_are_excluded(#[case] platform: &str) {
    let mut log = log_for(platform);
    log.msg("c", "2026-07-15T10:00:00+08:00", "system");
    let f = log.figure(main_rate(platform), LATER);
    assert_eq!(excluded(&f, "system"), 1);
    assert_eq!(f.denominator, 0);
    assert!(log.clock("c").items.iter().all(|i| !i.is_inquiry()));
}

#[rstest]
#[case::tiktok_excludes_the_whole_session("tiktok", 2, 0)]
#[case::shopee_counts_an_answer_to_a_broadcast("shopee", 0, 1)]
#[case::lazada_counts("lazada", 0, 1)]
fn s2_seller_initiated(#[case] platform: &str, #[case] excluded_n: u64, #[case] denominator: u64) {
    let mut log = log_for(platform);
    log.msg("c", "2026-07-15T09:00:00+08:00", "broadcast")
        .msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:05:00+08:00", "buyer");
    let f = log.figure(main_rate(platform), LATER);
    if platform == "tiktok" {
        assert_eq!(excluded(&f, "seller_initiated"), excluded_n);
    } else {
        assert!(!f
            .excluded
            .contains_key(&kedai_core::Exclusion::SellerInitiated));
    }
    assert_eq!(f.denominator, denominator);
}

#[test]
fn s2_an_agent_first_message_also_makes_a_tiktok_session_seller_initiated() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T09:00:00+08:00", "agent").msg(
        "c",
        "2026-07-15T10:00:00+08:00",
        "buyer",
    );
    assert_eq!(
        excluded(&log.figure("response_rate_24h", LATER), "seller_initiated"),
        1
    );
}

#[rstest]
// 2026-07-15 is a Wednesday; the shop opens 09:00-18:00 on weekdays, local time.
#[case::us_before_opening("tiktok_us", "2026-07-15T08:59:00-07:00", 1)]
#[case::us_open("tiktok_us", "2026-07-15T09:00:00-07:00", 0)]
#[case::us_closing_time("tiktok_us", "2026-07-15T18:00:00-07:00", 1)]
#[case::us_weekend_closed("tiktok_us", "2026-07-18T12:00:00-07:00", 1)]
#[case::my_is_never_excluded("tiktok_my", "2026-07-15T08:59:00+08:00", 0)]
fn s2_outside_operating_hours_only_for_us(#[case] shop: &str, #[case] at: &str, #[case] n: u64) {
    let mut log = if shop == "tiktok_us" {
        Log::tiktok_us()
    } else {
        Log::tiktok_my()
    };
    let week = r#"{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]}"#;
    log.fact(
        "operating_hours",
        &format!(r#""at":"2026-07-01T00:00:00Z","hours":{week}"#),
    );
    log.msg("c", at, "buyer");
    let f = log.figure("response_rate_24h", "2026-07-25T00:00:00Z");
    let got = f
        .excluded
        .get(&kedai_core::Exclusion::OutsideHours)
        .copied()
        .unwrap_or(0);
    assert_eq!(got, n);
    assert_eq!(f.denominator, 1 - n);
}

#[rstest]
// Merdeka Day, 2026-08-31, is in the shipped Malaysian calendar.
#[case::on_the_holiday("lazada", "2026-08-31T10:00:00+08:00", 1)]
#[case::evening_before_belongs_to_the_holiday_cycle("lazada", "2026-08-30T18:00:00+08:00", 1)]
#[case::afternoon_before_is_an_ordinary_cycle("lazada", "2026-08-30T17:59:59+08:00", 0)]
#[case::holiday_evening_belongs_to_the_next_cycle("lazada", "2026-08-31T18:00:00+08:00", 0)]
#[case::shopee_ignores_holidays("shopee", "2026-08-31T10:00:00+08:00", 0)]
fn s2_public_holidays_exclude_whole_lazada_day_cycles(
    #[case] platform: &str,
    #[case] at: &str,
    #[case] n: u64,
) {
    let mut log = log_for(platform);
    log.msg("c", at, "buyer");
    let f = log.figure(main_rate(platform), "2026-09-02T12:00:00+08:00");
    let got = f
        .excluded
        .get(&kedai_core::Exclusion::PublicHoliday)
        .copied()
        .unwrap_or(0);
    assert_eq!((got, f.denominator), (n, 1 - n));
}

#[test]
fn s2_public_holidays_from_the_event_log_add_to_the_calendar() {
    let mut log = Log::lazada_my();
    log.fact(
        "public_holiday",
        r#""date":"2026-07-15","name":"State visit""#,
    )
    .msg("c", "2026-07-15T10:00:00+08:00", "buyer");
    assert_eq!(
        excluded(&log.figure("chat_response_rate", LATER), "public_holiday"),
        1
    );
}

#[rstest]
#[case::tiktok("tiktok")]
#[case::shopee("shopee")]
#[case::lazada("lazada")]
fn s2_no_response_needed_excludes_the_inquiry(#[case] platform: &str) {
    let mut log = log_for(platform);
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:01:00+08:00", "buyer")
        .mark("c", "2026-07-15T10:30:00+08:00", "no_response_needed");
    let f = log.figure(main_rate(platform), LATER);
    assert_eq!((excluded(&f, "no_response_needed"), f.denominator), (1, 0));
    // Before the mark the inquiry was an ordinary pending one.
    let before = log.figure(main_rate(platform), "2026-07-15T10:29:00+08:00");
    assert_eq!(
        (
            before.pending,
            before
                .excluded
                .get(&kedai_core::Exclusion::NoResponseNeeded)
                .copied()
        ),
        (1, Some(0))
    );
    assert!(!log.row("c", LATER).unreplied);
}

#[rstest]
#[case::tiktok_excludes("tiktok", 1, 0)]
#[case::shopee_counts("shopee", 0, 1)]
fn s2_platform_handled(#[case] platform: &str, #[case] n: u64, #[case] d: u64) {
    let (got, den) = one_message(
        platform,
        |_| {},
        r#""platform_handled":true"#,
        "platform_handled",
    );
    assert_eq!((if platform == "tiktok" { got } else { n }, den), (n, d));
}

#[rstest]
#[case::tiktok_without_agent("tiktok", false, 1, 0)]
#[case::tiktok_chat_with_agent("tiktok", true, 0, 1)]
#[case::shopee_without_agent("shopee", false, 1, 0)]
#[case::shopee_chat_with_agent_counts_alone("shopee", true, 0, 1)]
fn s2_faq_prompts(
    #[case] platform: &str,
    #[case] with_agent: bool,
    #[case] n: u64,
    #[case] d: u64,
) {
    let extra = format!(r#""kind":"faq_prompt","faq_chat_with_agent":{with_agent}"#);
    assert_eq!(one_message(platform, |_| {}, &extra, "faq"), (n, d));
}

#[test]
fn s2_lazada_counts_faq_prompts() {
    let (_, d) = one_message("lazada", |_| {}, r#""kind":"faq_prompt""#, "holiday_mode");
    assert_eq!(d, 1);
}

#[rstest]
#[case("sticker")]
#[case("emoji")]
#[case("image")]
#[case("video")]
#[case("product_card")]
#[case("order_card")]
#[case("other")]
fn s1_every_kind_from_a_buyer_needs_a_reply(#[case] kind: &str) {
    let (_, d) = one_message("shopee", |_| {}, &format!(r#""kind":"{kind}""#), "faq");
    assert_eq!(d, 1);
}

// ---- §3 ----

#[rstest]
#[case::tiktok("tiktok")]
#[case::shopee("shopee")]
#[case::lazada("lazada")]
fn s3_an_agent_reply_is_valid_everywhere(#[case] platform: &str) {
    let mut log = log_for(platform);
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer").msg_with(
        "c",
        "2026-07-15T10:20:00+08:00",
        "agent",
        r#""agent":"aina""#,
    );
    assert_eq!(nd(&log.figure(main_rate(platform), LATER)), (1, 1, 0));
}

#[rstest]
#[case::shopee_auto("shopee", "auto")]
#[case::shopee_bot("shopee", "bot")]
#[case::lazada_auto("lazada", "auto")]
#[case::lazada_bot("lazada", "bot")]
#[case::shopee_broadcast("shopee", "broadcast")]
#[case::lazada_system("lazada", "system")]
fn s3_not_a_reply(#[case] platform: &str, #[case] from: &str) {
    let mut log = log_for(platform);
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:00:30+08:00", from);
    assert_eq!(nd(&log.figure(main_rate(platform), LATER)), (0, 1, 0));
    assert!(log.row("c", "2026-07-15T11:00:00+08:00").unreplied);
}

#[test]
fn s3_tiktok_broadcast_is_not_a_reply() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer").msg(
        "c",
        "2026-07-15T10:00:30+08:00",
        "broadcast",
    );
    assert_eq!(nd(&log.figure("response_rate_12h", LATER)), (0, 1, 0));
}

#[rstest]
#[case::auto("auto")]
#[case::bot("bot")]
fn s3_tiktok_automation_resolves_an_inquiry_the_buyer_leaves_alone(#[case] from: &str) {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:00:00+08:00", from);
    let before = log.figure("response_rate_12h", "2026-07-15T21:00:00+08:00");
    assert_eq!(
        nd(&before),
        (0, 0, 1),
        "it may still be reopened before the deadline"
    );
    let f = log.figure("response_rate_12h", LATER);
    assert_eq!(nd(&f), (0, 0, 0));
    assert_eq!(excluded(&f, "automation"), 1);
    assert_eq!(f.automation_counts_as_reply, Some(false));
    assert!(!log.row("c", "2026-07-15T11:00:00+08:00").unreplied);
}

#[test]
fn s3_tiktok_a_follow_up_before_the_deadline_keeps_the_original_clock_and_needs_an_agent() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:00:00+08:00", "auto")
        .msg("c", "2026-07-15T12:00:00+08:00", "buyer");
    let row = log.row("c", "2026-07-15T12:30:00+08:00");
    assert!(row.unreplied);
    assert_eq!(row.opened_at, Some(t("2026-07-15T10:00:00+08:00")));
    assert_eq!(row.deadline, Some(t("2026-07-15T22:00:00+08:00")));
    assert_eq!(nd(&log.figure("response_rate_12h", LATER)), (0, 1, 0));

    // With an agent reply by the original deadline it is responded.
    log.msg("c", "2026-07-15T21:59:00+08:00", "agent");
    assert_eq!(nd(&log.figure("response_rate_12h", LATER)), (1, 1, 0));
}

#[test]
fn s3_tiktok_a_message_after_the_deadline_opens_a_new_inquiry() {
    let mut log = Log::tiktok_my();
    log.msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:00:00+08:00", "auto")
        .msg("c", "2026-07-15T22:30:00+08:00", "buyer");
    let clock = log.clock("c");
    assert_eq!(clock.items.len(), 2);
    let f = log.figure("response_rate_12h", LATER);
    assert_eq!(excluded(&f, "automation"), 1);
    // The 24-hour window had not closed when the buyer wrote again: for it the automation
    // did not resolve the first inquiry, and no agent ever answered.
    let f24 = log.figure("response_rate_24h", LATER);
    assert_eq!(nd(&f24), (0, 1, 0));
}

#[test]
fn s3_setting_automation_counts_as_reply() {
    let mut log = Log::tiktok_my();
    log.set("tiktok.automation_counts_as_reply", "true")
        .msg("c", "2026-07-15T10:00:00+08:00", "buyer")
        .msg("c", "2026-07-15T10:00:05+08:00", "bot");
    let f = log.figure("response_rate_12h", LATER);
    assert_eq!(nd(&f), (1, 1, 0));
    assert_eq!(excluded(&f, "automation"), 0);
    assert_eq!(f.automation_counts_as_reply, Some(true));
    // Agent averages leave automated answers out either way.
    assert_eq!(log.figure("avg_response_time", LATER).denominator, 0);
}
