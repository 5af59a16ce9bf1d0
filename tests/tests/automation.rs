//! Issue 5 across core and store: a weekend of traffic replayed through the chatbot rules,
//! each automated reply going out and coming back as the platforms deliver it, and each
//! inquiry's deadline and outcome checked against response-rules.md §3 and §4.

use kedai_core::automation::rules::parse_rules;
use kedai_core::clock::{Exclusion, Outcome};
use kedai_core::model::{Event, Message, Sender};
use kedai_core::time::parse_instant;
use kedai_core::Ts;
use kedai_store::Store;
use kedai_tests::events;

fn t(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

const SHOPS: &str = r#"
{"type":"shop","shop":"tt","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"shop","shop":"sp","platform":"shopee","region":"MY","tz":"Asia/Kuala_Lumpur"}
"#;

/// (shop, conversation, instant, sender, text), in time order.
const TRAFFIC: &[(&str, &str, &str, Sender, &str)] = &[
    // Friday 23:00: not the weekend; no rule fires.
    (
        "tt",
        "e",
        "2026-07-17T23:00:00+08:00",
        Sender::Buyer,
        "is this in stock?",
    ),
    (
        "tt",
        "a",
        "2026-07-18T10:00:00+08:00",
        Sender::Buyer,
        "hi, ada stok saiz M?",
    ),
    (
        "sp",
        "f",
        "2026-07-18T10:00:00+08:00",
        Sender::Buyer,
        "available pa po?",
    ),
    (
        "tt",
        "b",
        "2026-07-18T11:00:00+08:00",
        Sender::Buyer,
        "bila nak pos?",
    ),
    (
        "tt",
        "b",
        "2026-07-18T11:30:00+08:00",
        Sender::Buyer,
        "hello??",
    ),
    (
        "tt",
        "d",
        "2026-07-19T20:00:00+08:00",
        Sender::Buyer,
        "warna lain ada?",
    ),
    (
        "tt",
        "c",
        "2026-07-19T23:30:00+08:00",
        Sender::Buyer,
        "barang rosak",
    ),
    (
        "tt",
        "c",
        "2026-07-20T08:00:00+08:00",
        Sender::Buyer,
        "reply pls",
    ),
    (
        "tt",
        "b",
        "2026-07-20T09:00:00+08:00",
        Sender::Agent,
        "Posted today!",
    ),
    (
        "sp",
        "f",
        "2026-07-20T09:00:00+08:00",
        Sender::Agent,
        "Yes po!",
    ),
    (
        "tt",
        "e",
        "2026-07-20T10:00:00+08:00",
        Sender::Agent,
        "Yes in stock",
    ),
    (
        "tt",
        "d",
        "2026-07-20T13:00:00+08:00",
        Sender::Agent,
        "Ada, hitam dan putih",
    ),
];

fn message(i: usize, (shop, conv, at, from, text): (&str, &str, &str, Sender, &str)) -> Message {
    Message {
        shop: shop.into(),
        conversation: conv.into(),
        id: format!("m{i}"),
        at: t(at),
        from,
        buyer: format!("buyer-{conv}"),
        kind: Default::default(),
        text: Some(text.into()),
        agent: (from == Sender::Agent).then(|| "siti".to_owned()),
        faq_chat_with_agent: None,
        platform_handled: None,
    }
}

#[test]
fn a_weekend_replayed_through_the_rules_agrees_with_the_clock_s3_s4() {
    let mut store = Store::open_in_memory().unwrap();
    store.apply(events(SHOPS)).unwrap();
    let rules = parse_rules(
        r#"[{"id":"weekend","name":"Weekend cover","priority":1,"trigger":{"type":"first_message"},
             "schedule":"weekends","reply":"We're away for the weekend, an agent replies Monday."}]"#,
    )
    .unwrap();
    // Turning the weekend rule on records TikTok weekend coverage (§4), not Shopee's.
    store.save_rules(&rules, t("2026-07-01T00:00:00Z")).unwrap();
    assert_eq!(store.timeline("tt").unwrap().weekend_coverage.len(), 1);
    assert!(store.timeline("sp").unwrap().weekend_coverage.is_empty());

    let mut fired = Vec::new();
    for (i, &row) in TRAFFIC.iter().enumerate() {
        let m = message(i, row);
        store.apply([Event::Message(m.clone())]).unwrap();
        if m.from == Sender::Buyer {
            if let Some(f) = store
                .run_rules(&m.shop, &m.conversation, &m.id, m.at)
                .unwrap()
            {
                fired.push(m.conversation.clone());
                // The reply is an outbox entry with the rule's sender; the sync sends it a
                // second later and writes the message as that sender.
                let entry = store
                    .outbox(Some(&m.shop), Some(&m.conversation))
                    .unwrap()
                    .pop()
                    .unwrap();
                assert_eq!(
                    (entry.sender, entry.text.as_str()),
                    (Sender::Bot, f.reply.text.as_deref().unwrap())
                );
                let mut reply = f.reply;
                reply.at += chrono::Duration::seconds(1);
                let at = reply.at;
                store.outbox_sent(entry.id, reply, at).unwrap();
            }
        }
    }
    // At most once per inquiry, never twice in a row: b's second message gets no answer;
    // Friday's message is outside the weekend schedule.
    assert_eq!(fired, ["a", "f", "b", "d", "c"]);
    assert!(store.pending_automated_replies().unwrap().is_empty());
    assert_eq!(store.outbox(None, None).unwrap().len(), 5);

    let after = t("2026-07-21T12:00:00+08:00");
    let outcome = |shop: &str, conv: &str| {
        let clocks = store.clocks(shop).unwrap();
        let clock = clocks.iter().find(|c| c.conversation == conv).unwrap();
        let item = clock.items.iter().find(|i| i.is_inquiry()).unwrap();
        (
            item.deadline,
            item.weekend_moved,
            item.outcome(item.deadline, false, after),
        )
    };
    let monday_noon = t("2026-07-20T12:00:00+08:00");

    // §4: a Saturday inquiry under coverage is due Monday 12:00; §3: the bot's answer with
    // no follow-up resolves it, out of the rate.
    assert_eq!(
        outcome("tt", "a"),
        (monday_noon, true, Outcome::Excluded(Exclusion::Automation))
    );
    // §3: the buyer wrote again before the deadline: open on the original clock, answered
    // by an agent Monday 09:00, in time.
    let (deadline, moved, o) = outcome("tt", "b");
    assert_eq!((deadline, moved), (monday_noon, true));
    assert!(
        matches!(
            o,
            Outcome::Answered {
                in_time: true,
                by_agent: true,
                ..
            }
        ),
        "{o:?}"
    );
    // §4: Sunday 23:30 + 12 h is Monday 11:30, earlier than Monday 12:00: Monday 12:00.
    // §3: the follow-up reopened it and no agent answered: missed.
    assert_eq!(outcome("tt", "c"), (monday_noon, true, Outcome::Missed));
    // §3: resolved by automation even though the agent wrote after the deadline.
    assert_eq!(
        outcome("tt", "d").2,
        Outcome::Excluded(Exclusion::Automation)
    );
    // Friday 23:00 is no weekend inquiry: due Saturday 11:00, answered late on Monday.
    let (deadline, moved, o) = outcome("tt", "e");
    assert_eq!((deadline, moved), (t("2026-07-18T11:00:00+08:00"), false));
    assert!(
        matches!(o, Outcome::Answered { in_time: false, .. }),
        "{o:?}"
    );
    // §3 Shopee: the bot's answer is not a reply; §4 shopee.12h knows no weekend coverage.
    let (deadline, moved, o) = outcome("sp", "f");
    assert_eq!((deadline, moved), (t("2026-07-18T22:00:00+08:00"), false));
    assert!(
        matches!(
            o,
            Outcome::Answered {
                in_time: false,
                by_agent: true,
                ..
            }
        ),
        "{o:?}"
    );

    // Turning the rule off closes the coverage span: later weekends are ordinary days (§4).
    store
        .delete_rule("weekend", t("2026-07-22T00:00:00Z"))
        .unwrap();
    let spans = store.timeline("tt").unwrap().weekend_coverage;
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].to, Some(t("2026-07-22T00:00:00Z")));
}

#[test]
fn store_keeps_the_sellers_tag_edits_guard_blocks_and_insights() {
    use kedai_core::automation::guard::GuardRule;
    use kedai_core::automation::insights::{BuyerSignal, InsightSettings, SignalKind};
    use kedai_core::automation::lexicon::Entry;
    use kedai_core::automation::{Intent, IntentContext};
    use kedai_store::TagWordEdit;

    let mut store = Store::open_in_memory().unwrap();
    store.apply(events(SHOPS)).unwrap();
    let ctx = IntentContext::default();
    assert_eq!(
        store.intent_tagger("tt").unwrap().tag("lelong bila?", ctx),
        None
    );
    store
        .edit_tag_words(
            "tt",
            &TagWordEdit::Add(Entry {
                label: "pre_purchase".into(),
                lang: "ms".into(),
                weight: 3,
                phrase: "lelong".into(),
            }),
        )
        .unwrap();
    assert_eq!(
        store.intent_tagger("tt").unwrap().tag("lelong bila?", ctx),
        Some(Intent::PrePurchase)
    );
    store
        .set_tag_enabled("tt", Intent::PrePurchase, false)
        .unwrap();
    assert_eq!(
        store.intent_tagger("tt").unwrap().tag("lelong bila?", ctx),
        None
    );
    // Another shop is untouched.
    assert_eq!(
        store.intent_tagger("sp").unwrap().tag("lelong bila?", ctx),
        None
    );
    assert!(store
        .set_tag_enabled("zz", Intent::Logistics, false)
        .is_err());

    store
        .set_guard_block("tt", GuardRule::PhoneNumber, true)
        .unwrap();
    assert!(store
        .guard_settings("tt")
        .unwrap()
        .blocked
        .contains(&GuardRule::PhoneNumber));

    for (i, &row) in TRAFFIC.iter().enumerate().filter(|(_, r)| r.1 == "a") {
        store.apply([Event::Message(message(i, row))]).unwrap();
    }
    store
        .add_buyer_signal(
            "tt",
            "buyer-a",
            &BuyerSignal {
                at: t("2026-07-10T00:00:00Z"),
                kind: SignalKind::Follow,
            },
        )
        .unwrap();
    store
        .set_buyer_urgent("tt", "buyer-a", true, t("2026-07-18T03:00:00Z"))
        .unwrap();
    let i = store
        .insights(
            "tt",
            "buyer-a",
            &InsightSettings::default(),
            t("2026-07-18T12:00:00+08:00"),
        )
        .unwrap();
    assert!(i.new_follower);
    assert_eq!(i.past_chats_30d, 1);
    assert!(i.high_priority);
    assert!(i.high_priority_reasons.iter().any(|r| r.contains("agent")));
    assert_eq!(store.tag_messages("tt").unwrap(), 1);
    assert_eq!(store.tag_messages("tt").unwrap(), 0);
}
