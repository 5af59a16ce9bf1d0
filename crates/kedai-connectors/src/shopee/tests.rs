//! Canned Shopee bodies for every row of WIRE.md that concerns Shopee.

use super::*;
use kedai_core::{Kind, Sender};
use rstest::rstest;
use serde_json::json;

const SHOP: u64 = 101;

fn conv() -> Conversation {
    Conversation::opened(Platform::Shopee, "18446744073709551600", "900")
}

fn msg(from_id: Value, from_shop: Value, ty: &str, content: Value, source: Option<&str>) -> Value {
    let mut m = json!({
        "message_id": "m-1", "message_type": ty, "from_id": from_id, "from_shop_id": from_shop,
        "to_id": 1, "conversation_id": 18446744073709551600u64, "created_timestamp": 1_784_000_000,
        "content": content,
    });
    if let Some(s) = source {
        m["source"] = json!(s);
    }
    m
}

#[rstest]
#[case::buyer(json!(900), json!(0), "text", None, Sender::Buyer)]
#[case::buyer_quoted_id(json!("900"), json!(0), "text", None, Sender::Buyer)]
#[case::agent(json!(55), json!(SHOP), "text", None, Sender::Agent)]
#[case::agent_chat(json!(55), json!(SHOP), "text", Some("chat"), Sender::Agent)]
#[case::auto(json!(55), json!(SHOP), "text", Some("auto_reply"), Sender::Auto)]
#[case::bot(json!(55), json!(SHOP), "text", Some("faq_bot"), Sender::Bot)]
#[case::broadcast(json!(55), json!(SHOP), "text", Some("broadcast"), Sender::Broadcast)]
#[case::notification(json!(55), json!(SHOP), "notification", None, Sender::System)]
#[case::from_zero(json!(0), json!(0), "text", None, Sender::System)]
fn sender_mapping(
    #[case] from: Value,
    #[case] shop: Value,
    #[case] ty: &str,
    #[case] source: Option<&str>,
    #[case] want: Sender,
) {
    let m = parse_message(
        &msg(from, shop, ty, json!({"text": "x"}), source),
        &conv(),
        SHOP,
    )
    .unwrap();
    assert_eq!(m.sender, want);
}

#[rstest]
#[case::text("text", json!({"text": "Masih ada?"}), Kind::Text, Some("Masih ada?"))]
#[case::image("image", json!({"url": "https://cf/1.jpg", "thumb_url": "t"}), Kind::Image, None)]
#[case::sticker("sticker", json!({"sticker_id": "7", "sticker_package_id": "1"}), Kind::Sticker, None)]
#[case::video("video", json!({"video_url": "https://cf/1.mp4"}), Kind::Video, None)]
#[case::item("item", json!({"item_id": 18446744073709551615u64}), Kind::ProductCard, None)]
#[case::order("order", json!({"order_sn": "2607ABC"}), Kind::OrderCard, None)]
#[case::faq("faq", json!({"chat_with_agent": true}), Kind::FaqPrompt, None)]
#[case::voucher("voucher", json!({"voucher_id": 3}), Kind::Other, None)]
#[case::unknown("bubble", json!({"x": 1}), Kind::Other, None)]
fn kind_mapping(
    #[case] ty: &str,
    #[case] content: Value,
    #[case] kind: Kind,
    #[case] text: Option<&str>,
) {
    let m = parse_message(
        &msg(json!(900), json!(0), ty, content.clone(), None),
        &conv(),
        SHOP,
    )
    .unwrap();
    assert_eq!(m.kind, kind);
    assert_eq!(m.text.as_deref(), text);
    assert_eq!(m.raw_content, content.to_string());
    let ev = m.to_event("sp-ph", &conv().id, "900");
    assert_eq!((ev.kind, ev.text.as_deref()), (kind, text));
    assert_eq!(ev.conversation, "18446744073709551600");
}

#[test]
fn card_fields_and_faq_flag_are_kept() {
    let c = conv();
    let m = parse_message(
        &msg(
            json!(900),
            json!(0),
            "item",
            json!({"item_id": 18446744073709551615u64}),
            None,
        ),
        &c,
        SHOP,
    )
    .unwrap();
    assert_eq!(m.product_id.as_deref(), Some("18446744073709551615"));
    let m = parse_message(
        &msg(
            json!(900),
            json!(0),
            "order",
            json!({"order_sn": "S1"}),
            None,
        ),
        &c,
        SHOP,
    )
    .unwrap();
    assert_eq!(m.order_id.as_deref(), Some("S1"));
    let m = parse_message(
        &msg(
            json!(900),
            json!(0),
            "sticker",
            json!({"sticker_id": 7, "sticker_package_id": 1}),
            None,
        ),
        &c,
        SHOP,
    )
    .unwrap();
    assert_eq!(m.sticker_id.as_deref(), Some("7"));
    let m = parse_message(
        &msg(
            json!(0),
            json!(0),
            "faq",
            json!({"chat_with_agent": false}),
            None,
        ),
        &c,
        SHOP,
    )
    .unwrap();
    assert_eq!(m.to_event("s", "c", "b").faq_chat_with_agent, Some(false));
}

#[test]
fn conversation_ids_beyond_2_pow_53_survive_exactly() {
    // 2^53 + 1 and u64::MAX would both be rounded by an f64 reader
    let body = br#"{"request_id":"r","error":"","message":"","response":{"conversations":[
        {"conversation_id": 9007199254740993, "to_id": 18446744073709551615, "unread_count": 1,
         "latest_message_id": "m9", "last_message_timestamp": 1784000000123456789}],
        "page_result": {"next_cursor": {"next_message_time_nano": "1784000000123456789", "conversation_id": "9007199254740993"}, "more": true}}}"#;
    let resp = parse_envelope(200, body).unwrap();
    let page = parse_conversations(&resp).unwrap();
    assert_eq!(page.items[0].id, "9007199254740993");
    assert_eq!(page.items[0].buyer, "18446744073709551615");
    assert_eq!(
        page.items[0].last_message_at.unwrap().timestamp(),
        1_784_000_000
    );
    assert_eq!(
        page.next,
        Some(Cursor::Time {
            time: "1784000000123456789".into(),
            last_id: Some("9007199254740993".into())
        })
    );
    let end = parse_conversations(&json!({"conversations": [], "page_result": {"more": false, "next_cursor": {"next_message_time_nano": "5"}}})).unwrap();
    assert_eq!(end.next, None);
}

#[test]
fn message_pages_end_on_an_empty_offset() {
    let resp = json!({"messages": [msg(json!(900), json!(0), "text", json!({"text": "a"}), None)],
        "page_result": {"page_size": 50, "next_offset": "abc"}});
    let page = parse_messages(&resp, &conv(), SHOP).unwrap();
    assert_eq!(
        page.next,
        Some(Cursor::Token {
            token: "abc".into()
        })
    );
    let resp = json!({"messages": [], "page_result": {"next_offset": ""}});
    assert_eq!(parse_messages(&resp, &conv(), SHOP).unwrap().next, None);
}

#[rstest]
#[case::sign(403, json!({"error": "error_sign", "message": "Wrong sign."}), "invalid_signature")]
#[case::auth(403, json!({"error": "error_auth", "message": "Invalid access_token."}), "auth_expired")]
#[case::limited(200, json!({"error": "error_too_many_request", "message": ""}), "rate_limited")]
#[case::param(400, json!({"error": "error_param", "message": "page_size"}), "platform")]
#[case::bare_4xx(404, json!({"message": "?"}), "platform")]
#[case::not_object(200, json!("ok"), "malformed")]
fn envelope_errors(#[case] status: u16, #[case] body: Value, #[case] kind: &str) {
    let e = parse_envelope(status, body.to_string().as_bytes()).unwrap_err();
    assert_eq!(e.kind(), kind, "{e}");
}

#[test]
fn token_responses_are_read_at_the_top_level() {
    let body = json!({"request_id": "r", "error": "", "message": "", "access_token": "A", "refresh_token": "R", "expire_in": 14400});
    let v = parse_envelope(200, body.to_string().as_bytes()).unwrap();
    let now = chrono::Utc::now();
    let t = parse_tokens(&v, now).unwrap();
    assert_eq!((t.access.expose(), t.refresh.expose()), ("A", "R"));
    assert_eq!(
        t.access_expires_at,
        Some(now + chrono::Duration::seconds(14400))
    );
}

#[test]
fn shop_calls_are_signed_over_token_and_shop_and_auth_calls_without() {
    let d = ShopeeDialect {
        cfg: ShopeeConfig {
            base_url: "http://127.0.0.1:9".into(),
            partner_id: 2001,
            partner_key: "pk".into(),
            shop_id: SHOP,
        },
    };
    let client = reqwest::Client::new();
    let q = |req: &ApiRequest| -> Vec<(String, String)> {
        let b = d
            .build(&client, req, &Tokens::new("TOK", "R"))
            .unwrap()
            .build()
            .unwrap();
        b.url().query_pairs().into_owned().collect()
    };
    let get =
        |q: &[(String, String)], k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let shop = q(&ApiRequest::get(
        "get_message",
        "/api/v2/sellerchat/get_message",
    ));
    let ts: i64 = get(&shop, "timestamp").unwrap().parse().unwrap();
    assert_eq!(
        get(&shop, "sign").unwrap(),
        crate::sign::shopee(
            "pk",
            2001,
            "/api/v2/sellerchat/get_message",
            ts,
            Some(("TOK", SHOP))
        )
    );
    assert_eq!(get(&shop, "access_token").as_deref(), Some("TOK"));
    let auth = q(&ApiRequest::post("token", "/api/v2/auth/token/get", &json!({})).token_call());
    let ts: i64 = get(&auth, "timestamp").unwrap().parse().unwrap();
    assert_eq!(
        get(&auth, "sign").unwrap(),
        crate::sign::shopee("pk", 2001, "/api/v2/auth/token/get", ts, None)
    );
    assert_eq!(get(&auth, "access_token"), None);
}

#[test]
fn debug_of_a_connector_shows_no_secret_or_token() {
    let cfg = ShopeeConfig {
        base_url: "http://127.0.0.1:9".into(),
        partner_id: 1,
        partner_key: "SECRET-XYZ".into(),
        shop_id: 2,
    };
    let c = ShopeeConnector::new(
        cfg,
        Tokens::new("ACCESS-ABC", "REFRESH-DEF"),
        ClientOptions::for_platform(Platform::Shopee),
    )
    .unwrap();
    let s = format!("{c:?}");
    for secret in ["SECRET-XYZ", "ACCESS-ABC", "REFRESH-DEF"] {
        assert!(!s.contains(secret), "{s}");
    }
}

#[test]
fn the_authorize_url_is_signed_without_token_or_shop() {
    let cfg = ShopeeConfig {
        base_url: "https://partner.shopeemobile.com".into(),
        partner_id: 2001,
        partner_key: "pk".into(),
        shop_id: 2,
    };
    let c = ShopeeConnector::new(
        cfg,
        Tokens::default(),
        ClientOptions::for_platform(Platform::Shopee),
    )
    .unwrap();
    let u = c
        .authorize_url("http://127.0.0.1:5000/callback?state=s1")
        .unwrap();
    assert_eq!(u.path(), "/api/v2/shop/auth_partner");
    let q: std::collections::HashMap<String, String> = u.query_pairs().into_owned().collect();
    let ts: i64 = q["timestamp"].parse().unwrap();
    assert_eq!(
        q["sign"],
        crate::sign::shopee("pk", 2001, "/api/v2/shop/auth_partner", ts, None)
    );
    assert_eq!(q["redirect"], "http://127.0.0.1:5000/callback?state=s1");
}
