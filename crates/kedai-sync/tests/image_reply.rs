//! An image pasted into the composer: queued with its bytes, uploaded to TikTok Shop's image
//! host by the outbox, sent as an IMAGE message, and read back as the platform's copy with
//! the image's address. Shopee's and Lazada's APIs have no upload: the store refuses it.

mod support;

use kedai_core::{Kind, Platform};
use kedai_store::{OutboxState, Store};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_image_reaches_tiktok_once_and_reads_back_as_an_image() {
    let h = sim(three_shops(29, 6)).await;
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kedai.sqlite");
    sync_once(&base, &path, fast()).await;

    let mut store = Store::open(&path).unwrap();
    let (tt, sp) = (
        shop_of(&store, Platform::Tiktok),
        shop_of(&store, Platform::Shopee),
    );
    let conv_of = |store: &Store, shop: &str| -> String {
        store
            .connection()
            .query_row(
                "SELECT conversation FROM conversations WHERE shop = ?1 ORDER BY cid LIMIT 1",
                [shop],
                |r| r.get(0),
            )
            .unwrap()
    };
    let conv = conv_of(&store, &tt);
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR pasted".to_vec();
    let id = store
        .queue_image_reply(&tt, &conv, &png, "image/png", Some("me"), h.now())
        .unwrap();
    let other = conv_of(&store, &sp);
    let refused = store
        .queue_image_reply(&sp, &other, &png, "image/png", Some("me"), h.now())
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("Shopee") && refused.contains("no upload"),
        "{refused}"
    );
    assert!(store
        .queue_image_reply(&tt, &conv, b"GIF", "text/html", None, h.now())
        .is_err());
    drop(store);

    sync_once(&base, &path, fast()).await;
    let store = Store::open(&path).unwrap();
    let entry = store
        .outbox(Some(&tt), Some(&conv))
        .unwrap()
        .into_iter()
        .find(|e| e.id == id)
        .unwrap();
    assert_eq!(entry.state, OutboxState::Sent, "{entry:?}");
    let url = entry.image_url.clone().expect("uploaded");
    assert!(url.starts_with("https://"), "{url}");

    // the platform holds it once, as an image with that address
    let truth = events(&truth_log(&base).await);
    let sent: Vec<_> = messages(&truth)
        .into_values()
        .filter(|m| Some(&m.id) == entry.message_id.as_ref())
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].kind, Kind::Image);
    // and the store's copy is the platform's, with the address for the chat window
    let page = store.chat_messages(&tt, &conv, None, 200).unwrap();
    let copy = page
        .messages
        .iter()
        .find(|m| Some(&m.id) == entry.message_id.as_ref())
        .unwrap();
    assert_eq!(copy.kind, Kind::Image);
    assert_eq!(
        copy.details.as_ref().and_then(|d| d.image_url.as_deref()),
        Some(url.as_str())
    );
    h.stop().await;
}
