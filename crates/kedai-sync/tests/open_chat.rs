//! Start a chat from an order with a buyer who has no conversation stored (issue 7): the app
//! writes a request, the shop's sync step opens the conversation on the platform (TikTok
//! Shop by buyer, Lazada by order), stores it even with no message read, and a reply queued
//! into it reaches the platform. Shopee has no such call: the request fails with the reason.

mod support;

use std::time::Duration;

use kedai_core::{Event, Order, Platform};
use kedai_store::open::OpenState;
use kedai_store::{OutboxState, Store};
use kedai_sync::SyncOptions;
use support::*;

/// A backfill of one hour: the simulator's history (14 days) stays on the platform, so the
/// buyers of its orders have no conversation in the store.
fn short() -> SyncOptions {
    SyncOptions {
        backfill: Duration::from_secs(3600),
        ..fast()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_opened_from_an_order_is_stored_and_takes_a_reply() {
    let h = sim(three_shops(41, 8)).await;
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kedai.sqlite");
    sync_once(&base, &path, short()).await;

    let truth = events(&truth_log(&base).await);
    let mut store = Store::open(&path).unwrap();
    let stored_chats = |store: &Store, shop: &str, buyer: &str| -> u32 {
        store
            .connection()
            .query_row(
                "SELECT count(*) FROM conversations WHERE shop = ?1 AND buyer = ?2",
                [shop, buyer],
                |r| r.get(0),
            )
            .unwrap()
    };
    // per platform: an order of the simulator whose buyer has no stored conversation, and
    // that buyer's conversation on the platform
    let mut picked = Vec::new();
    for p in [Platform::Tiktok, Platform::Lazada, Platform::Shopee] {
        let shop = shop_of(&store, p);
        let order: Order = truth
            .iter()
            .filter_map(|e| match e {
                Event::Order(o) if o.shop == shop => Some(o.clone()),
                _ => None,
            })
            .filter(|o| stored_chats(&store, &shop, &o.buyer) == 0)
            .max_by_key(|o| o.at)
            .unwrap_or_else(|| panic!("{p}: an order whose buyer's chat is not stored"));
        let platform_conv = truth
            .iter()
            .find_map(|e| match e {
                Event::Message(m) if m.shop == shop && m.buyer == order.buyer => {
                    Some(m.conversation.clone())
                }
                _ => None,
            })
            .expect("the buyer's conversation on the platform");
        store.apply([Event::Order(order.clone())]).unwrap();
        let c = store.chat_from_order(&shop, &order.id, h.now()).unwrap();
        assert!(c.eligibility.allowed, "{p}: {}", c.eligibility.reason);
        assert_eq!(c.conversation, None, "{p}: nothing stored to reuse");
        let id = store.request_open(&shop, &order.id, h.now()).unwrap();
        picked.push((p, shop, order, platform_conv, id));
    }
    // a buyer the platform does not know
    let tt = picked[0].1.clone();
    store
        .apply([Event::Order(Order {
            shop: tt.clone(),
            buyer: "7000000000000000001".into(),
            id: "no-such-buyer".into(),
            at: h.now() - chrono::Duration::days(1),
            amount: None,
            currency: None,
            status: None,
        })])
        .unwrap();
    let unknown = store.request_open(&tt, "no-such-buyer", h.now()).unwrap();
    drop(store);

    sync_once(&base, &path, short()).await;

    let mut store = Store::open(&path).unwrap();
    let mut replies = Vec::new();
    for (p, shop, order, platform_conv, id) in &picked {
        let r = store.open_request(*id).unwrap();
        if *p == Platform::Shopee {
            assert_eq!(r.state, OpenState::Failed, "{r:?}");
            let why = r.error.unwrap();
            assert!(
                why.contains("Shopee") && why.contains("buyer has to write"),
                "{why}"
            );
            assert_eq!(stored_chats(&store, shop, &order.buyer), 0);
            continue;
        }
        assert_eq!(r.state, OpenState::Opened, "{p}: {r:?}");
        assert_eq!(r.conversation.as_ref(), Some(platform_conv), "{p}");
        // its history is older than the backfill: stored with no message, ready for a reply
        let page = store.chat_messages(shop, platform_conv, None, 50).unwrap();
        assert!(page.messages.is_empty(), "{p}: {:?}", page.messages);
        // stored: start a chat from the order now reuses it, and a reply can be queued
        let c = store.chat_from_order(shop, &order.id, h.now()).unwrap();
        assert_eq!(c.conversation.as_ref(), Some(platform_conv), "{p}");
        let text = format!("Hello from the order {}", order.id);
        let entry = store
            .queue_reply(shop, platform_conv, &text, Some("me"), h.now())
            .unwrap();
        replies.push((shop.clone(), platform_conv.clone(), text, entry));
    }
    assert_eq!(replies.len(), 2);
    let r = store.open_request(unknown).unwrap();
    assert_eq!(r.state, OpenState::Failed, "{r:?}");
    let why = r.error.unwrap();
    assert!(why.starts_with("TikTok Shop did not open a chat"), "{why}");
    drop(store);

    sync_once(&base, &path, short()).await;
    let store = Store::open(&path).unwrap();
    let truth = events(&truth_log(&base).await);
    for (shop, conv, text, entry) in &replies {
        let e = store
            .outbox(Some(shop), Some(conv))
            .unwrap()
            .into_iter()
            .find(|e| e.id == *entry)
            .unwrap();
        assert_eq!(e.state, OutboxState::Sent, "{e:?}");
        // the platform holds the reply once, in that conversation
        let on_platform: Vec<_> = messages(&truth)
            .into_values()
            .filter(|m| &m.shop == shop && m.text.as_deref() == Some(text.as_str()))
            .collect();
        assert_eq!(on_platform.len(), 1, "{shop}");
        assert_eq!(&on_platform[0].conversation, conv);
        assert_eq!(Some(&on_platform[0].id), e.message_id.as_ref());
    }
    h.stop().await;
}
