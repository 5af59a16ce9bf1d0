//! The chaos test: every fault on, on every platform, while accelerated traffic runs for the
//! equivalent of several days and replies are queued. Afterwards the store holds exactly the
//! platform's messages, the quarantine holds exactly the records served corrupted, and every
//! reply is on the platform once, in the order written.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use kedai_core::Sender;
use kedai_sim::{FaultShares, Platform};
use kedai_store::Store;
use kedai_sync::{links_from_sim, once, Db, Sync};
use support::*;

const PLATFORMS: [Platform; 3] = [Platform::Tiktok, Platform::Shopee, Platform::Lazada];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_every_fault_the_store_converges_and_each_reply_goes_out_once() {
    let shares = FaultShares {
        rate_limit: 0.04,
        server_error: 0.04,
        slow: 0.02,
        malformed: 0.06,
        duplicate_page: 0.03,
        reorder_page: 0.04,
        expire_token: 0.02,
    };
    let mut config = three_shops(9, 20);
    config.speed = 7_200.0; // two sim hours per second
    config.history_days = 7;
    config.live_per_hour = 20.0;
    config.slow_delay = Duration::from_millis(600);
    config.faults = PLATFORMS.iter().map(|p| (*p, shares.clone())).collect();
    let h = sim(config).await;
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kedai.sqlite");
    let mut options = fast();
    options.poll_interval = Duration::from_millis(100);
    let (links, clock) = links_from_sim(&base, &options).await.unwrap();
    let sync = Sync::start(Db::open(&path).unwrap(), links, clock, options)
        .await
        .unwrap();

    // 40 s of traffic (80 sim hours); a reply per shop every 2 s into a synced conversation
    let mut written: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for round in 0..20 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let mut store = Store::open(&path).unwrap();
        for (shop, _) in store.shops().unwrap() {
            let convs: Vec<String> = stored(&store)
                .into_iter()
                .filter_map(|e| match e {
                    kedai_core::Event::Message(m) if m.shop == shop.shop => Some(m.conversation),
                    _ => None,
                })
                .collect();
            let Some(conv) = convs.get(round * 7 % convs.len().max(1)).cloned() else {
                continue;
            };
            let text = format!("Chaos reply {round} to {conv}");
            store
                .queue_reply(&shop.shop, &conv, &text, None, h.now())
                .unwrap();
            written
                .entry((shop.shop.clone(), conv))
                .or_default()
                .push(text);
        }
        sync.sync_now();
    }
    sync.stop().await;

    // the faults stop and the buyers fall silent (a listing read while conversations move to
    // its front cannot be complete in one pass); one last pass converges
    reqwest::Client::new()
        .post(format!("{base}/_sim/traffic"))
        .json(&serde_json::json!({"live": false}))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    for p in PLATFORMS {
        reqwest::Client::new()
            .post(format!("{base}/_sim/faults"))
            .json(&serde_json::json!({"platform": p, "shares": FaultShares::default()}))
            .send()
            .await
            .unwrap();
    }
    let lower = messages(&events(&truth_log(&base).await));
    let (links, clock) = links_from_sim(&base, &fast()).await.unwrap();
    for o in once(Db::open(&path).unwrap(), links, clock, fast())
        .await
        .unwrap()
    {
        o.result.unwrap_or_else(|e| panic!("{}: {e}", o.shop));
    }
    let upper = messages(&events(&truth_log(&base).await));
    // the world held still: only the replies the last pass delivered are new
    for (k, m) in &upper {
        if !lower.contains_key(k) {
            let reply = m
                .text
                .as_deref()
                .is_some_and(|t| t.starts_with("Chaos reply "));
            assert!(
                m.from == Sender::Agent && reply,
                "{k:?} arrived during the last pass"
            );
        }
    }
    let store = Store::open(&path).unwrap();
    let got = messages(&stored(&store));
    let missing: Vec<_> = lower.keys().filter(|k| !got.contains_key(*k)).collect();
    if !missing.is_empty() {
        // the shops' cursors: a watermark past a missing message's instant means a pass
        // skipped it; one below means the last pass did not list it
        for (shop, _) in store.shops().unwrap() {
            eprintln!(
                "cursor {}: {:?}",
                shop.shop,
                store.sync_state(&shop.shop).unwrap()
            );
        }
        // what the sync knew of each conversation concerned, to tell a sync bug from a sim one
        for (shop, id) in &missing {
            let m = &lower[&(shop.clone(), id.clone())];
            let conv = store.sync_conversation(shop, &m.conversation).unwrap();
            eprintln!(
                "missing {shop}/{id} at {} from {:?} in {}: stored last {:?}, record {conv:?}",
                m.at,
                m.from,
                m.conversation,
                store.last_message_at(shop, &m.conversation).unwrap()
            );
            for x in upper.values().filter(|x| x.conversation == m.conversation) {
                let here = got.contains_key(&(x.shop.clone(), x.id.clone()));
                eprintln!("  platform {} {} {:?} stored={here}", x.id, x.at, x.from);
            }
        }
    }
    assert_between(&lower, &got, &upper);

    let served_corrupted = corrupted(&base).await;
    assert!(!served_corrupted.is_empty(), "the malformed fault was hit");
    let kept = quarantined(&store);
    let unkept: Vec<_> = served_corrupted.difference(&kept).collect();
    let invented: Vec<_> = kept.difference(&served_corrupted).collect();
    assert!(
        unkept.is_empty() && invented.is_empty(),
        "served corrupted but not quarantined: {unkept:#?}\nquarantined but not served corrupted: {invented:#?}"
    );

    assert!(written.values().map(Vec::len).sum::<usize>() >= 30);
    for ((shop, conv), texts) in &written {
        let mut sent: Vec<_> = upper
            .values()
            .filter(|m| &m.shop == shop && &m.conversation == conv && m.from == Sender::Agent)
            .filter(|m| {
                m.text
                    .as_deref()
                    .is_some_and(|t| t.starts_with("Chaos reply "))
            })
            .collect();
        sent.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        let sent: Vec<&str> = sent.iter().filter_map(|m| m.text.as_deref()).collect();
        assert_eq!(
            sent,
            texts.iter().map(String::as_str).collect::<Vec<_>>(),
            "{shop}/{conv}"
        );
    }
    h.stop().await;
}
