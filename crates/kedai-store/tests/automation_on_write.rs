//! Issue 5 on write: a sync page's new buyer messages are tagged and the shop's rules run on
//! them at their instant, queueing at most one reply per inquiry in the outbox, once.

use kedai_core::automation::rules::parse_rules;
use kedai_core::automation::{Intent, Sentiment};
use kedai_core::model::{Kind, Message, Sender};
use kedai_core::time::parse_instant;
use kedai_core::Ts;
use kedai_store::{Store, SyncPage};

const SHOP: &str = r#"{"type":"shop","shop":"tt","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"operating_hours","shop":"tt","at":"2026-01-01T00:00:00+08:00","hours":{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]}}"#;

fn t(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

fn msg(conv: &str, id: &str, at: &str, from: Sender, text: &str) -> Message {
    Message {
        shop: "tt".into(),
        conversation: conv.into(),
        id: id.into(),
        at: t(at),
        from,
        buyer: format!("buyer-{conv}"),
        kind: Kind::Text,
        text: Some(text.into()),
        agent: None,
        faq_chat_with_agent: None,
        platform_handled: None,
    }
}

fn page(messages: Vec<Message>) -> SyncPage {
    SyncPage {
        shop: "tt".into(),
        messages,
        ..Default::default()
    }
}

fn store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.import_log(SHOP, false).unwrap();
    let rules = parse_rules(
        r#"{"id":"away","name":"Closed","priority":1,"trigger":{"type":"any_message"},
            "schedule":"outside_hours","reply":"Closed now, back {next_opening}.","sender":"auto"}"#,
    )
    .unwrap();
    // Turned on Friday 20:00 local.
    store
        .save_rules(&rules, t("2026-07-17T20:00:00+08:00"))
        .unwrap();
    store
}

#[test]
fn a_new_buyer_message_fires_once_and_history_before_the_rule_never() {
    let mut store = store();
    let first = page(vec![
        // before the rule was on: tagged, never answered automatically
        msg(
            "c0",
            "m0",
            "2026-07-17T19:00:00+08:00",
            Sender::Buyer,
            "where is my parcel?",
        ),
        // Saturday: outside hours
        msg(
            "c1",
            "m1",
            "2026-07-18T10:00:00+08:00",
            Sender::Buyer,
            "is this still in stock?",
        ),
    ]);
    store.apply_sync_page(first.clone()).unwrap();
    let outbox = store.outbox(Some("tt"), None).unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(
        (outbox[0].conversation.as_str(), outbox[0].sender),
        ("c1", Sender::Auto)
    );
    assert_eq!(outbox[0].text, "Closed now, back Monday 09:00.");
    assert_eq!(outbox[0].queued_at, t("2026-07-18T10:00:00+08:00"));
    assert_eq!(
        store.message_tag("tt", "m0").unwrap(),
        Some((Some(Intent::Logistics), Sentiment::Neutral))
    );
    assert_eq!(
        store.message_tag("tt", "m1").unwrap().unwrap().0,
        Some(Intent::PrePurchase)
    );

    // The same page again (a retried pass) fires nothing more.
    store.apply_sync_page(first).unwrap();
    assert_eq!(store.outbox(Some("tt"), None).unwrap().len(), 1);

    // The buyer writes again while the reply is on its way: never twice in a row.
    store
        .apply_sync_page(page(vec![msg(
            "c1",
            "m2",
            "2026-07-18T10:05:00+08:00",
            Sender::Buyer,
            "hello?",
        )]))
        .unwrap();
    assert_eq!(store.pending_automated_replies().unwrap().len(), 1);

    // A message the seller already answered on the platform gets no automated reply.
    store
        .apply_sync_page(page(vec![
            msg("c2", "m3", "2026-07-18T11:00:00+08:00", Sender::Buyer, "hi"),
            msg(
                "c2",
                "m4",
                "2026-07-18T11:01:00+08:00",
                Sender::Agent,
                "hi! how can I help?",
            ),
        ]))
        .unwrap();
    assert_eq!(store.outbox(Some("tt"), None).unwrap().len(), 1);
}

#[test]
fn the_platform_copy_of_an_automated_reply_keeps_its_sender_s3() {
    let mut store = store();
    store
        .apply_sync_page(page(vec![msg(
            "c1",
            "m1",
            "2026-07-18T10:00:00+08:00",
            Sender::Buyer,
            "is this still in stock?",
        )]))
        .unwrap();
    let entry = store.outbox(Some("tt"), None).unwrap().remove(0);
    let sent = msg(
        "c1",
        "p1",
        "2026-07-18T10:00:02+08:00",
        Sender::Auto,
        &entry.text,
    );
    store.outbox_sent(entry.id, sent.clone(), sent.at).unwrap();
    // Read back from the platform, the reply is the shop's agent's; it stays `auto`.
    let copy = Message {
        from: Sender::Agent,
        at: t("2026-07-18T10:00:03+08:00"),
        ..sent
    };
    store.apply_sync_page(page(vec![copy])).unwrap();
    let clocks = store.clocks("tt").unwrap();
    let clock = clocks.iter().find(|c| c.conversation == "c1").unwrap();
    let item = clock.items.iter().find(|i| i.is_inquiry()).unwrap();
    let after = item.deadline + chrono::Duration::milliseconds(1);
    // §3 TikTok Shop: resolved by automation, not answered by an agent.
    assert_eq!(
        item.outcome(item.deadline, false, after),
        kedai_core::clock::Outcome::Excluded(kedai_core::clock::Exclusion::Automation)
    );
    assert!(store.pending_automated_replies().unwrap().is_empty());
}

#[test]
fn a_buyer_message_synced_long_after_it_was_written_gets_no_rule_reply() {
    // Saturday 10:00 outside hours; the app was closed and syncs it at 14:00: an agent's
    // to answer, not a "we're closed" reply four hours late. One read 5 minutes after is.
    let mut store = store();
    let late = msg(
        "c7",
        "m7",
        "2026-07-18T10:00:00+08:00",
        Sender::Buyer,
        "is this still in stock?",
    );
    let mut p = page(vec![late]);
    p.now = Some(t("2026-07-18T14:00:00+08:00"));
    store.apply_sync_page(p).unwrap();
    assert!(store.outbox(Some("tt"), None).unwrap().is_empty());

    let fresh = msg(
        "c8",
        "m8",
        "2026-07-18T10:00:00+08:00",
        Sender::Buyer,
        "is this still in stock?",
    );
    let mut p = page(vec![fresh]);
    p.now = Some(t("2026-07-18T10:05:00+08:00"));
    store.apply_sync_page(p).unwrap();
    let outbox = store.outbox(Some("tt"), None).unwrap();
    assert_eq!(outbox.len(), 1, "{outbox:?}");
    assert_eq!(outbox[0].conversation, "c8");
}
