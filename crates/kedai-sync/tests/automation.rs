//! Issue 5 end to end against the simulator: a buyer message that arrives outside the shop's
//! operating hours is tagged on write, the shop's rule fires at the message's instant, the
//! sync outbox delivers exactly one reply to the platform, and the store keeps it as a `bot`
//! message, so the inquiry's outcome follows response-rules.md §3.

mod support;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use kedai_core::automation::rules::parse_rules;
use kedai_core::automation::Intent;
use kedai_core::clock::{Exclusion, Outcome};
use kedai_core::{Event, OperatingHours, Sender};
use kedai_sim::SimConfig;
use kedai_store::{OutboxState, Store};
use kedai_sync::{links_from_sim, once, Db};
use serde_json::{json, Value};
use support::*;

const REPLY: &str = "We are closed now and reply from Monday 09:00.";

async fn sync(base: &str, path: &Path) {
    let (links, clock) = links_from_sim(base, &fast()).await.unwrap();
    for o in once(Db::open(path).unwrap(), links, clock, fast())
        .await
        .unwrap()
    {
        o.result.as_ref().unwrap();
    }
}

/// A buyer message on the platform; the conversation's id.
async fn buyer_writes(base: &str, shop: &str, conversation: Option<&str>, text: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/_sim/messages"))
        .json(&json!({"shop": shop, "conversation": conversation, "text": text}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let event: Value = r.json().await.unwrap();
    event["conversation"].as_str().unwrap().to_owned()
}

/// The platform's messages of one conversation, from the simulator's ground truth.
async fn on_platform(base: &str, shop: &str, conversation: &str) -> Vec<kedai_core::Message> {
    messages(&events(&truth_log(base).await))
        .into_values()
        .filter(|m| m.shop == shop && m.conversation == conversation)
        .collect()
}

/// The outcome, past its deadline, of the conversation's first inquiry.
fn outcome(store: &Store, shop: &str, conversation: &str) -> Outcome {
    let clocks = store.clocks(shop).unwrap();
    let clock = clocks
        .iter()
        .find(|c| c.conversation == conversation)
        .unwrap();
    let item = clock.items.iter().find(|i| i.is_inquiry()).unwrap();
    item.outcome(
        item.deadline,
        false,
        item.deadline + Duration::milliseconds(1),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_off_hours_message_gets_one_bot_reply_through_the_outbox_s3() {
    // Saturday 10:00 in Kuala Lumpur and Manila: outside Mon–Fri 09:00–18:00.
    let start: DateTime<Utc> = "2026-07-18T02:00:00Z".parse().unwrap();
    // The clock runs (a reply comes after the message it answers), no live traffic.
    let h = sim(SimConfig {
        speed: 60.0,
        history_days: 2,
        start: Some(start),
        live_per_hour: 0.0,
        ..three_shops(5, 6)
    })
    .await;
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kedai.sqlite");

    // The history comes in before any rule is on: nothing is queued for it.
    sync(&base, &path).await;
    let mut store = Store::open(&path).unwrap();
    let shops: Vec<String> = store
        .shops()
        .unwrap()
        .into_iter()
        .map(|(s, _)| s.shop)
        .collect();
    assert_eq!(shops.len(), 3);
    let hours = serde_json::from_value(json!({
        "mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]]
    }))
    .unwrap();
    store
        .apply(shops.iter().map(|s| {
            Event::OperatingHours(OperatingHours {
                shop: s.clone(),
                at: start - Duration::days(30),
                hours: Clone::clone(&hours),
            })
        }))
        .unwrap();
    let rules = parse_rules(
        r#"{"id":"away","name":"Outside hours","priority":1,"trigger":{"type":"first_message"},
            "schedule":"outside_hours","reply":"We are closed now and reply from {next_opening}."}"#,
    )
    .unwrap();
    // On from the sim's start (a whole second): every later buyer message is at or after it.
    store.save_rules(&rules, start).unwrap();
    assert!(store.outbox(None, None).unwrap().is_empty());
    drop(store);

    let tt = shops.iter().find(|s| s.starts_with("tt")).unwrap().clone();
    let sp = shops.iter().find(|s| s.starts_with("sp")).unwrap().clone();
    let tt_conv = buyer_writes(&base, &tt, None, "hi, is the blue one still in stock?").await;
    let sp_conv = buyer_writes(&base, &sp, None, "hello, is the blue one available?").await;
    let lz = shops.iter().find(|s| s.starts_with("lz")).unwrap().clone();
    let lz_conv = buyer_writes(&base, &lz, None, "is the blue one ready stock?").await;
    sync(&base, &path).await;

    for (shop, conv) in [(&tt, &tt_conv), (&sp, &sp_conv), (&lz, &lz_conv)] {
        // exactly one reply reached the platform
        let platform = on_platform(&base, shop, conv).await;
        let replies: Vec<_> = platform
            .iter()
            .filter(|m| m.from != Sender::Buyer)
            .collect();
        assert_eq!(replies.len(), 1, "{shop}: {platform:?}");
        assert_eq!(replies[0].text.as_deref(), Some(REPLY));
        // the store holds it as the bot's, also after reading the platform's copy back
        let store = Store::open(&path).unwrap();
        let outbox = store.outbox(Some(shop), Some(conv)).unwrap();
        assert_eq!(outbox.len(), 1, "{shop}");
        assert_eq!(
            (outbox[0].sender, outbox[0].state),
            (Sender::Bot, OutboxState::Sent)
        );
        assert_eq!(
            outbox[0].message_id.as_deref(),
            Some(replies[0].id.as_str())
        );
        let stored = messages(&stored(&store));
        let reply = &stored[&(shop.clone(), replies[0].id.clone())];
        assert_eq!(reply.from, Sender::Bot, "{shop}");
        assert_eq!(reply.text.as_deref(), Some(REPLY));
    }
    let store = Store::open(&path).unwrap();
    // Tagged on write: a stock question is pre-purchase.
    let asked = on_platform(&base, &tt, &tt_conv).await;
    let asked = asked.iter().find(|m| m.from == Sender::Buyer).unwrap();
    assert_eq!(
        store.message_tag(&tt, &asked.id).unwrap().map(|(i, _)| i),
        Some(Some(Intent::PrePurchase))
    );
    // §3 TikTok Shop: the bot's answer with nothing more from the buyer resolves the inquiry.
    assert_eq!(
        outcome(&store, &tt, &tt_conv),
        Outcome::Excluded(Exclusion::Automation)
    );
    // §3 Shopee and Lazada: an automated answer is not a reply: missed unless an agent
    // answers.
    assert_eq!(outcome(&store, &sp, &sp_conv), Outcome::Missed);
    assert_eq!(outcome(&store, &lz, &lz_conv), Outcome::Missed);
    drop(store);

    // Another pass reads the same messages again and fires nothing more.
    sync(&base, &path).await;
    assert_eq!(
        Store::open(&path)
            .unwrap()
            .outbox(None, None)
            .unwrap()
            .len(),
        3
    );

    // §3 TikTok Shop: the buyer writes again before the deadline: the automation did not
    // resolve it, and the bot does not answer twice in a row.
    buyer_writes(&base, &tt, Some(&tt_conv), "hello??").await;
    sync(&base, &path).await;
    let store = Store::open(&path).unwrap();
    assert_eq!(store.outbox(None, None).unwrap().len(), 3);
    let replies = on_platform(&base, &tt, &tt_conv)
        .await
        .into_iter()
        .filter(|m| m.from != Sender::Buyer)
        .count();
    assert_eq!(replies, 1);
    assert_eq!(outcome(&store, &tt, &tt_conv), Outcome::Missed);
    h.stop().await;
}
