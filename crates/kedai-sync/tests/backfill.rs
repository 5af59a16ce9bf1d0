//! A first sync against the simulator: the store then holds the platform's messages, and
//! the metrics computed from it equal those computed from the simulator's event log.

mod support;

use kedai_core::Event;
use kedai_store::Store;
use kedai_sync::{links_from_sim, once, Db};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_holds_the_ground_truth_and_gives_the_same_metrics() {
    let h = sim(three_shops(21, 30)).await;
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kedai.sqlite");
    let (links, clock) = links_from_sim(&base, &fast()).await.unwrap();
    let outcomes = once(Db::open(&path).unwrap(), links, clock, fast())
        .await
        .unwrap();
    for o in &outcomes {
        let (report, _) = o.result.as_ref().unwrap();
        assert!(report.messages > 0, "{}: {report:?}", o.shop);
    }
    let truth = events(&truth_log(&base).await);
    let store = Store::open(&path).unwrap();
    let got = messages(&stored(&store));
    let want = messages(&truth);
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    assert!(store.quarantined(None).unwrap().is_empty());

    // media and cards keep what the chat window shows: every image its URL, every product
    // or order card its id
    let missing: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM messages m LEFT JOIN message_details d USING (shop, id)
             WHERE (m.kind = 'image' AND d.image_url IS NULL)
                OR (m.kind = 'product_card' AND d.product_id IS NULL)
                OR (m.kind = 'order_card' AND d.order_id IS NULL)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let media: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM messages WHERE kind IN ('image', 'product_card', 'order_card')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(media > 0, "the simulator sends images and cards");
    assert_eq!(missing, 0, "of {media} media and card messages");

    // every buyer has the name and avatar the listings gave
    let (buyers, named, pictured): (i64, i64, i64) = store
        .connection()
        .query_row(
            "SELECT count(*), count(name), count(CASE WHEN avatar LIKE 'https://%' THEN 1 END)
             FROM buyers",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(buyers > 0);
    assert_eq!((named, pictured), (buyers, buyers), "names and avatars");

    // metrics: the synced store against the dump's shops and messages (what the chat APIs
    // carry), then with the dump's other facts (holiday mode, buyers, ratings, orders) added
    let now = h.now();
    let (wire, other): (Vec<Event>, Vec<Event>) = truth
        .into_iter()
        .partition(|e| matches!(e, Event::Shop(_) | Event::Message(_)));
    let mut from_dump = Store::open_in_memory().unwrap();
    from_dump.apply(wire).unwrap();
    let mut synced = store;
    for (shop, _) in synced.shops().unwrap() {
        assert_eq!(
            synced.metrics(&shop.shop, now).unwrap(),
            from_dump.metrics(&shop.shop, now).unwrap(),
            "{}: messages only",
            shop.shop
        );
    }
    synced.apply(other.clone()).unwrap();
    from_dump.apply(other).unwrap();
    for (shop, _) in synced.shops().unwrap() {
        assert_eq!(
            synced.metrics(&shop.shop, now).unwrap(),
            from_dump.metrics(&shop.shop, now).unwrap(),
            "{}: with every fact",
            shop.shop
        );
        assert_eq!(
            synced.inbox_counts(Some(&shop.shop), now).unwrap(),
            from_dump.inbox_counts(Some(&shop.shop), now).unwrap(),
        );
    }

    // a second pass reads only from the watermark on and changes nothing
    let before = stored(&synced);
    let (links, clock) = links_from_sim(&base, &fast()).await.unwrap();
    let again = once(Db::open(&path).unwrap(), links, clock, fast())
        .await
        .unwrap();
    for o in &again {
        let (report, _) = o.result.as_ref().unwrap();
        // only the last second before the watermark is read again
        assert!(report.messages <= 3, "{}: {report:?}", o.shop);
    }
    assert_eq!(stored(&Store::open(&path).unwrap()), before);
    h.stop().await;
}
