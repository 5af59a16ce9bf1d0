use kedai_core::inbox::Filter;
use kedai_core::model::MarkAction;
use kedai_core::time::parse_instant;
use kedai_core::{Policy, Ts};

use super::*;
use crate::app::{Agent, Scope, Tab};

// 2026-07-18 is a Saturday. tt-my has weekend coverage on that weekend (§4).
const LOG: &str = r#"{"type":"shop","shop":"tt-my","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"shop","shop":"lz-my","platform":"lazada","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"weekend_coverage","shop":"tt-my","from":"2026-07-18T00:00:00+08:00","to":"2026-07-20T00:00:00+08:00"}
{"type":"message","shop":"tt-my","conversation":"c1","id":"m1","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b1","text":"Is this in stock?"}
{"type":"message","shop":"tt-my","conversation":"c2","id":"m2","at":"2026-07-17T10:00:00+08:00","from":"buyer","buyer":"b2","text":"<img src=x onerror=alert(1)>"}
{"type":"message","shop":"tt-my","conversation":"c2","id":"m3","at":"2026-07-17T10:05:00+08:00","from":"agent","buyer":"b2","text":"Hello!"}
{"type":"message","shop":"tt-my","conversation":"c2","id":"m4","at":"2026-07-17T10:06:00+08:00","from":"buyer","buyer":"b2","kind":"image"}
{"type":"order","shop":"tt-my","buyer":"b2","id":"o-recent","at":"2026-07-01T10:00:00+08:00","amount":25.5,"currency":"MYR","status":"shipped"}
{"type":"order","shop":"tt-my","buyer":"b2","id":"o-old","at":"2026-03-01T10:00:00+08:00","amount":10,"currency":"MYR","status":"delivered"}
{"type":"order","shop":"tt-my","buyer":"b2","id":"o-old-return","at":"2026-03-02T10:00:00+08:00","amount":12,"currency":"MYR","status":"return_requested"}
{"type":"order","shop":"lz-my","buyer":"b9","id":"o-lz","at":"2026-06-01T10:00:00+08:00"}
"#;

fn store() -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.import_log(LOG, false).unwrap();
    s
}

fn at(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

fn count(s: &Store, f: Filter, now: Ts) -> u64 {
    s.app_counts(&Scope::default(), now)
        .unwrap()
        .iter()
        .find(|(x, _)| *x == f)
        .unwrap()
        .1
}

fn export(s: &Store) -> String {
    let mut out = Vec::new();
    s.export(None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn history_pages_back_by_at_then_id_without_gaps_or_repeats() {
    let mut s = store();
    // 25 more messages in c1, three of them at one instant (the id breaks the tie).
    let mut lines = String::new();
    for i in 0..25 {
        let minute = if (10..13).contains(&i) { 10 } else { i };
        lines.push_str(&format!(
            "{{\"type\":\"message\",\"shop\":\"tt-my\",\"conversation\":\"c1\",\"id\":\"p{i:02}\",\"at\":\"2026-07-18T11:{minute:02}:00+08:00\",\"from\":\"buyer\",\"buyer\":\"b1\",\"text\":\"n{i}\"}}\n"
        ));
    }
    s.import_log(&lines, false).unwrap();
    let mut seen: Vec<String> = Vec::new();
    let mut before: Option<(Ts, String)> = None;
    let mut pages = 0;
    loop {
        let page = s
            .chat_messages(
                "tt-my",
                "c1",
                before.as_ref().map(|(t, id)| (*t, id.as_str())),
                10,
            )
            .unwrap();
        pages += 1;
        assert!(page.messages.len() <= 10);
        assert!(
            page.messages
                .windows(2)
                .all(|w| (w[0].at, &w[0].id) < (w[1].at, &w[1].id)),
            "a page is oldest first"
        );
        let mut ids: Vec<String> = page.messages.iter().map(|m| m.id.clone()).collect();
        ids.extend(seen);
        seen = ids;
        let first = page.messages.first().unwrap();
        before = Some((first.at, first.id.clone()));
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 26, "every message once");
    let mut sorted = seen.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), 26);
    assert_eq!(seen[0], "m1");
    assert_eq!(seen[25], "p24");
}

#[test]
fn a_message_shows_the_details_stored_for_it() {
    let s = store();
    s.set_message_details(
        "tt-my",
        "m4",
        &MessageDetails {
            image_url: Some("https://p16.tiktokcdn.com/i/1.jpg".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let page = s.chat_messages("tt-my", "c2", None, 50).unwrap();
    let m4 = page.messages.iter().find(|m| m.id == "m4").unwrap();
    assert_eq!(m4.kind, Kind::Image);
    assert_eq!(
        m4.details.as_ref().unwrap().image_url.as_deref(),
        Some("https://p16.tiktokcdn.com/i/1.jpg")
    );
    let m2 = page.messages.iter().find(|m| m.id == "m2").unwrap();
    assert!(m2.details.is_none());
    assert_eq!(m2.text.as_deref(), Some("<img src=x onerror=alert(1)>"));
}

#[test]
fn an_order_cards_shipping_fields_are_the_orders_tracking() {
    let mut s = store();
    s.import_log(
        r#"{"type":"message","shop":"tt-my","conversation":"c2","id":"m5","at":"2026-07-17T11:00:00+08:00","from":"buyer","buyer":"b2","kind":"order_card"}"#,
        false,
    )
    .unwrap();
    s.set_message_details(
        "tt-my",
        "m5",
        &MessageDetails {
            order_id: Some("o-recent".into()),
            extra: r#"{"order_id":"o-recent","tracking_number":"JNT123","Logistics_Status":"in transit","price":"25.50","carrier":" "}"#.into(),
            ..Default::default()
        },
    )
    .unwrap();
    let t = s.order_tracking("tt-my", "b2").unwrap();
    assert_eq!(
        t.get("o-recent").unwrap(),
        &vec![
            ("Logistics_Status".to_owned(), "in transit".to_owned()),
            ("tracking_number".to_owned(), "JNT123".to_owned()),
        ],
        "shipping fields only, blank ones left out"
    );
    assert!(s.order_tracking("tt-my", "b1").unwrap().is_empty());
}

#[test]
fn weekend_coverage_moves_the_open_inquiry_to_monday_noon_section_4() {
    let s = store();
    let i = s.chat_inquiry("tt-my", "c1").unwrap().unwrap();
    assert_eq!(i.policy, Policy::Tiktok12h);
    assert!(i.weekend_moved);
    assert_eq!(i.deadline, at("2026-07-20T12:00:00+08:00"));
    assert_eq!(i.ordinary_deadline, at("2026-07-18T22:00:00+08:00"));
    assert_eq!(i.opened_at, at("2026-07-18T10:00:00+08:00"));
}

#[test]
fn no_response_needed_leaves_unreplied_and_is_exported_as_a_mark_section_6() {
    let mut s = store();
    let now = at("2026-07-18T12:00:00+08:00");
    let unreplied = count(&s, Filter::Unreplied, now);
    let seq = s.last_change_seq().unwrap();
    s.chat_mark("tt-my", "c1", MarkAction::NoResponseNeeded, "me", now)
        .unwrap();
    assert_eq!(count(&s, Filter::Unreplied, now), unreplied - 1);
    assert!(s.chat_inquiry("tt-my", "c1").unwrap().is_none());
    assert!(s.last_change_seq().unwrap() > seq, "the change feed moved");
    let log = export(&s);
    assert!(
        log.lines().any(|l| l.contains("\"type\":\"mark\"")
            && l.contains("\"action\":\"no_response_needed\"")
            && l.contains("\"conversation\":\"c1\"")),
        "{log}"
    );
}

#[test]
fn end_session_closes_the_chat_and_is_exported_as_a_mark() {
    let mut s = store();
    let now = at("2026-07-18T12:00:00+08:00");
    let closed = count(&s, Filter::Closed, now);
    s.chat_mark("tt-my", "c1", MarkAction::EndSession, "me", now)
        .unwrap();
    assert_eq!(count(&s, Filter::Closed, now), closed + 1);
    assert!(export(&s).contains("\"action\":\"end_session\""));
}

fn agent(id: &str) -> Agent {
    Agent {
        id: id.into(),
        name: id.to_uppercase(),
        status: "online".into(),
        capacity: 10,
        auto_assign: true,
        is_me: id == "me",
        open_chats: 0,
    }
}

#[test]
fn a_transfer_moves_the_chat_to_the_agent_keeps_the_note_and_the_clock() {
    let mut s = store();
    s.upsert_agent(&agent("me")).unwrap();
    s.upsert_agent(&agent("ana")).unwrap();
    let now = at("2026-07-18T12:00:00+08:00");
    let before = s.chat_inquiry("tt-my", "c1").unwrap();
    let seq = s.last_change_seq().unwrap();
    s.chat_transfer("tt-my", "c1", "me", "ana", "VIP, wants a discount", now)
        .unwrap();
    let scope = Scope {
        tab: Tab::Assigned,
        agent: Some("ana".into()),
        ..Default::default()
    };
    let rows = s.app_inbox(&scope, Filter::All, now, 0, 10).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].conversation, "c1");
    assert_eq!(
        s.chat_inquiry("tt-my", "c1").unwrap(),
        before,
        "§6: the clock stays"
    );
    assert!(s.last_change_seq().unwrap() > seq);
    let actions = s.chat_actions("tt-my", "c1").unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].to_agent.as_deref(), Some("ana"));
    assert_eq!(actions[0].note.as_deref(), Some("VIP, wants a discount"));
    assert!(s
        .chat_transfer("tt-my", "c1", "me", "nobody", "", now)
        .is_err());
}

#[test]
fn an_abuse_report_keeps_the_transcript_as_evidence_and_is_recorded_locally() {
    let mut s = store();
    let now = at("2026-07-18T12:00:00+08:00");
    let seq = s.last_change_seq().unwrap();
    let r = s
        .chat_report_abuse("tt-my", "c2", "me", "harassment", "insults", now)
        .unwrap();
    assert_eq!(r.delivery, "recorded_locally");
    assert_eq!(r.evidence_lines, 3);
    assert!(s.last_change_seq().unwrap() > seq);
    let evidence = s.chat_report_evidence(r.id).unwrap();
    // The evidence is event-log lines: it imports as the conversation's messages.
    let mut other = Store::open_in_memory().unwrap();
    other
        .import_log(
            &format!(
                "{}\n{evidence}\n",
                LOG.lines().next().unwrap() // the shop declaration
            ),
            false,
        )
        .unwrap();
    assert_eq!(
        other
            .chat_messages("tt-my", "c2", None, 10)
            .unwrap()
            .messages
            .len(),
        3
    );
    assert_eq!(s.chat_actions("tt-my", "c2").unwrap()[0].evidence_lines, 3);
    assert!(s
        .chat_report_abuse("tt-my", "c2", "me", "because", "", now)
        .is_err());
}

#[test]
fn transfers_and_reports_are_exported_as_marks_and_read_back_with_their_evidence() {
    let mut s = store();
    s.upsert_agent(&agent("me")).unwrap();
    s.upsert_agent(&agent("ana")).unwrap();
    let now = at("2026-07-18T12:00:00+08:00");
    let metrics_before = s.metrics("tt-my", now).unwrap();
    s.chat_transfer("tt-my", "c1", "me", "ana", "VIP \"quoted\"\nline two", now)
        .unwrap();
    s.chat_report_abuse("tt-my", "c2", "me", "spam", "", now)
        .unwrap();
    // The clock and the figures do not move (§6; a report is a record, not a reply).
    assert_eq!(s.metrics("tt-my", now).unwrap(), metrics_before);

    let mut out = Vec::new();
    s.export(None, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains(
            r#""action":"transfer","agent":"me","to_agent":"ana","note":"VIP \"quoted\"\nline two""#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#""action":"report_abuse","agent":"me","reason":"spam""#),
        "{text}"
    );

    let mut back = Store::open_in_memory().unwrap();
    back.import_log(&text, false).unwrap();
    for c in ["c1", "c2"] {
        let strip = |v: Vec<ChatAction>| {
            v.into_iter()
                .map(|a| ChatAction { id: 0, ..a })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            strip(back.chat_actions("tt-my", c).unwrap()),
            strip(s.chat_actions("tt-my", c).unwrap()),
            "{c}"
        );
    }
    let report = &back.chat_actions("tt-my", "c2").unwrap()[0];
    assert_eq!(
        report.evidence_lines, 3,
        "the transcript is rebuilt on import"
    );
    assert_eq!(
        back.chat_report_evidence(report.id).unwrap(),
        s.chat_report_evidence(s.chat_actions("tt-my", "c2").unwrap()[0].id)
            .unwrap()
    );
    // Reading the same log again records nothing twice.
    back.import_log(&text, false).unwrap();
    assert_eq!(back.chat_actions("tt-my", "c1").unwrap().len(), 1);
    let mut again = Vec::new();
    back.export(None, &mut again).unwrap();
    assert_eq!(String::from_utf8(again).unwrap(), text, "export is stable");
}

#[test]
fn a_record_mark_missing_its_fields_is_a_line_error() {
    let mut s = store();
    let bad = [
        (
            r#"{"type":"mark","shop":"tt-my","conversation":"c1","at":"2026-07-18T12:00:00+08:00","action":"transfer"}"#,
            "needs `to_agent`",
        ),
        (
            r#"{"type":"mark","shop":"tt-my","conversation":"c1","at":"2026-07-18T12:00:00+08:00","action":"report_abuse","reason":"rude"}"#,
            "abuse reason `rude`",
        ),
        (
            r#"{"type":"mark","shop":"tt-my","conversation":"c1","at":"2026-07-18T12:00:00+08:00","action":"star","note":"x"}"#,
            "`note` does not go with action `star`",
        ),
    ];
    for (line, says) in bad {
        let err = s.import_log(line, false).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains(says), "{err}");
    }
    assert!(s.chat_actions("tt-my", "c1").unwrap().is_empty());
}

#[test]
fn a_chat_from_an_order_follows_the_platform_rule_and_reuses_the_buyers_chat() {
    let s = store();
    let now = at("2026-07-18T12:00:00+08:00");
    let recent = s.chat_from_order("tt-my", "o-recent", now).unwrap();
    assert!(recent.eligibility.allowed);
    assert_eq!(recent.conversation.as_deref(), Some("c2"));
    let old = s.chat_from_order("tt-my", "o-old", now).unwrap();
    assert!(!old.eligibility.allowed, "{}", old.eligibility.reason);
    assert!(old.eligibility.reason.contains("60 days"));
    let returning = s.chat_from_order("tt-my", "o-old-return", now).unwrap();
    assert!(returning.eligibility.allowed);
    let lz = s.chat_from_order("lz-my", "o-lz", now).unwrap();
    assert!(!lz.eligibility.allowed);
    assert_eq!(lz.conversation, None);
    assert!(s.chat_from_order("tt-my", "nope", now).is_err());
}

#[test]
fn orders_are_found_by_id_prefix_and_listed_per_buyer_newest_first() {
    let s = store();
    let hits = s.search_orders("o-old", 10).unwrap();
    let ids: Vec<&str> = hits.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["o-old-return", "o-old"]);
    assert!(
        s.search_orders("%", 10).unwrap().is_empty(),
        "wildcards are literal"
    );
    let mine = s.buyer_orders("tt-my", "b2").unwrap();
    assert_eq!(mine.len(), 3);
    assert_eq!(mine[0].id, "o-recent");
    assert_eq!(mine[0].amount, Some(25.5));
}
