//! Canned TikTok bodies for every row of WIRE.md that concerns TikTok.

use super::*;
use kedai_core::{Kind, Sender};
use rstest::rstest;
use serde_json::json;

fn msg(role: &str, ty: &str, content: Value, extra: Value) -> Value {
    let mut m = json!({
        "id": "7300000000000000001", "index": "12", "type": ty, "content": content.to_string(),
        "create_time": 1_784_000_000, "is_visible": true,
        "sender": {"im_user_id": "im-1", "role": role, "nickname": "n", "avatar": ""},
    });
    if let (Some(m), Some(e)) = (m.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

#[rstest]
#[case::buyer("BUYER", "TEXT", json!({}), Sender::Buyer)]
#[case::agent_shop("SHOP", "TEXT", json!({}), Sender::Agent)]
#[case::agent_cs("CUSTOMER_SERVICE", "TEXT", json!({}), Sender::Agent)]
#[case::auto("SHOP", "TEXT", json!({"auto_reply": true}), Sender::Auto)]
#[case::auto_quoted("CUSTOMER_SERVICE", "TEXT", json!({"auto_reply": "true"}), Sender::Auto)]
#[case::bot("ROBOT", "TEXT", json!({}), Sender::Bot)]
#[case::broadcast("SHOP", "TEXT", json!({"broadcast": true}), Sender::Broadcast)]
#[case::system_role("SYSTEM", "TEXT", json!({}), Sender::System)]
#[case::notification("SHOP", "NOTIFICATION", json!({}), Sender::System)]
#[case::unknown_role("ALIEN", "TEXT", json!({}), Sender::System)]
fn sender_mapping(
    #[case] role: &str,
    #[case] ty: &str,
    #[case] extra: Value,
    #[case] want: Sender,
) {
    let m = parse_message(&msg(role, ty, json!({"content": "hi"}), extra), "c1").unwrap();
    assert_eq!(m.sender, want);
}

#[rstest]
#[case::text("TEXT", json!({"content": "Ada stok?"}), Kind::Text, Some("Ada stok?"))]
#[case::emoji("EMOTICONS", json!({"content": "[smile]"}), Kind::Emoji, Some("[smile]"))]
#[case::image("IMAGE", json!({"url": "https://i/1.jpg", "width": 800, "height": 600}), Kind::Image, None)]
#[case::image_string_dims("IMAGE", json!({"url": "https://i/1.jpg", "width": "800", "height": "600"}), Kind::Image, None)]
#[case::video("VIDEO", json!({"url": "https://v/1.mp4", "duration": 12}), Kind::Video, None)]
#[case::product("PRODUCT_CARD", json!({"product_id": "1729"}), Kind::ProductCard, None)]
#[case::order("ORDER_CARD", json!({"order_id": "5768"}), Kind::OrderCard, None)]
#[case::refund("RETURN_REFUND_CARD", json!({"order_id": "1"}), Kind::Other, None)]
#[case::coupon("COUPON_CARD", json!({"coupon_id": "1"}), Kind::Other, None)]
#[case::allocated("ALLOCATED_SERVICE", json!({}), Kind::Other, None)]
#[case::enter("BUYER_ENTER_FROM_PRODUCT", json!({"product_id": "1"}), Kind::Other, None)]
#[case::other("OTHER", json!({"sticker_id": "9"}), Kind::Other, None)]
#[case::unknown("HOLOGRAM", json!({"x": 1}), Kind::Other, None)]
#[case::text_without_words("TEXT", json!({"words": "?"}), Kind::Other, None)]
fn kind_mapping(
    #[case] ty: &str,
    #[case] content: Value,
    #[case] kind: Kind,
    #[case] text: Option<&str>,
) {
    let wire = msg("BUYER", ty, content.clone(), json!({}));
    let m = parse_message(&wire, "c1").unwrap();
    assert_eq!(m.kind, kind);
    assert_eq!(m.text.as_deref(), text);
    assert_eq!(
        m.raw_content,
        content.to_string(),
        "raw content kept as received"
    );
    assert_eq!(m.wire_type, ty);
    let ev = m.to_event("tt-my", "c1", "b1");
    assert_eq!(ev.kind, kind);
    assert_eq!(
        ev.text.as_deref(),
        text,
        "only text and emoji carry words into events"
    );
    assert_eq!(ev.at.timestamp(), 1_784_000_000);
    assert_eq!(
        (
            ev.shop.as_str(),
            ev.conversation.as_str(),
            ev.buyer.as_str(),
            ev.id.as_str()
        ),
        ("tt-my", "c1", "b1", "7300000000000000001")
    );
    assert_eq!(ev.agent, None);
}

#[test]
fn card_and_media_fields_are_kept_on_the_wire_record() {
    let m = parse_message(
        &msg(
            "SHOP",
            "IMAGE",
            json!({"url": "https://i/1.jpg", "width": "8"}),
            json!({}),
        ),
        "c",
    )
    .unwrap();
    assert_eq!(m.image_url.as_deref(), Some("https://i/1.jpg"));
    let m = parse_message(
        &msg(
            "SHOP",
            "VIDEO",
            json!({"url": "https://v/1.mp4"}),
            json!({}),
        ),
        "c",
    )
    .unwrap();
    assert_eq!(m.video_url.as_deref(), Some("https://v/1.mp4"));
    let m = parse_message(
        &msg(
            "SHOP",
            "PRODUCT_CARD",
            json!({"product_id": 1729}),
            json!({}),
        ),
        "c",
    )
    .unwrap();
    assert_eq!(m.product_id.as_deref(), Some("1729"));
    let m = parse_message(
        &msg("SHOP", "ORDER_CARD", json!({"order_id": "576"}), json!({})),
        "c",
    )
    .unwrap();
    assert_eq!(m.order_id.as_deref(), Some("576"));
}

#[test]
fn content_that_is_not_a_json_string_is_other_with_raw_kept() {
    let mut wire = msg("BUYER", "TEXT", json!({}), json!({}));
    wire["content"] = json!("{not json");
    let m = parse_message(&wire, "c").unwrap();
    assert_eq!((m.kind, m.raw_content.as_str()), (Kind::Other, "{not json"));
}

#[rstest]
#[case::sign(json!({"code": 106001, "message": "Invalid signature"}), "invalid_signature")]
#[case::expired(json!({"code": 105002, "message": "Expired credentials"}), "auth_expired")]
#[case::limited(json!({"code": 36009004, "message": "Too many requests"}), "rate_limited")]
#[case::param(json!({"code": 40006, "message": "page_size"}), "platform")]
#[case::no_code(json!({"message": "?"}), "malformed")]
#[case::array(json!([1, 2]), "malformed")]
fn envelope_errors(#[case] body: Value, #[case] kind: &str) {
    let e = parse_envelope(body.to_string().as_bytes()).unwrap_err();
    assert_eq!(e.kind(), kind, "{e}");
    if let Error::Platform { code, .. } = e {
        assert_eq!(code, "40006");
    }
}

#[test]
fn http_status_wins_over_the_body() {
    let d = TiktokDialect {
        cfg: TiktokConfig::at("http://x", "k", "s", "1", "c"),
    };
    let raw = |status, body: &str, retry| RawResponse {
        status,
        retry_after: retry,
        body: body.as_bytes().to_vec(),
    };
    let e = d
        .envelope(&raw(
            429,
            r#"{"code":36009004}"#,
            Some(Duration::from_secs(2)),
        ))
        .unwrap_err();
    assert!(
        matches!(e, Error::RateLimited { retry_after: Some(d) } if d == Duration::from_secs(2))
    );
    for s in [500, 502, 503] {
        let e = d.envelope(&raw(s, "<html>oops", None)).unwrap_err();
        assert!(matches!(e, Error::Server { status } if status == s) && e.is_retryable());
    }
    assert!(d.envelope(&raw(200, "", None)).unwrap_err().kind() == "malformed");
    assert_eq!(
        d.envelope(&raw(200, r#"{"code":0,"data":{"a":1}}"#, None))
            .unwrap(),
        json!({"a": 1})
    );
}

#[test]
fn conversations_take_the_buyer_participant_and_end_on_an_empty_token() {
    let data = json!({
        "conversations": [{
            "id": "conv-1", "unread_count": 2, "create_time": 1,
            "participants": [
                {"user_id": "shop-u", "im_user_id": "im-s", "role": "SHOP"},
                {"user_id": "7494000000000000001", "im_user_id": "im-b", "role": "BUYER"}],
            "latest_message": msg("BUYER", "TEXT", json!({"content": "x"}), json!({})),
        }],
        "next_page_token": "",
    });
    let page = parse_conversations(&data).unwrap();
    assert_eq!(page.next, None);
    let c = &page.items[0];
    assert_eq!(
        (c.id.as_str(), c.buyer.as_str(), c.unread_count),
        ("conv-1", "7494000000000000001", 2)
    );
    assert_eq!(c.buyer_im_id.as_deref(), Some("im-b"));
    assert_eq!(c.last_message_at.unwrap().timestamp(), 1_784_000_000);
    let more =
        parse_conversations(&json!({"conversations": [], "next_page_token": "abc"})).unwrap();
    assert_eq!(
        more.next,
        Some(Cursor::Token {
            token: "abc".into()
        })
    );
    // a record without a buyer is set aside with its reason; the rest of the page stands
    let bad = json!({"id": "x", "participants": []});
    let page = parse_conversations(&json!({
        "conversations": [bad, data["conversations"][0]],
        "next_page_token": "",
    }))
    .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.rejected.len(), 1);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&page.rejected[0].raw).unwrap(),
        bad
    );
    assert!(
        page.rejected[0].error.contains("no BUYER participant"),
        "{}",
        page.rejected[0].error
    );
}

#[test]
fn token_responses_carry_absolute_expiries() {
    let t = parse_tokens(
        &json!({"access_token": "A", "access_token_expire_in": 1_784_000_000,
        "refresh_token": "R", "refresh_token_expire_in": 1_790_000_000, "open_id": "o"}),
    )
    .unwrap();
    assert_eq!(t.access.expose(), "A");
    assert_eq!(t.access_expires_at.unwrap().timestamp(), 1_784_000_000);
    assert_eq!(t.refresh_expires_at.unwrap().timestamp(), 1_790_000_000);
    assert!(parse_tokens(&json!({"refresh_token": "R"})).is_err());
}

#[test]
fn requests_are_signed_with_the_token_in_a_header_and_json_content_type() {
    let d = TiktokDialect {
        cfg: TiktokConfig::at("http://127.0.0.1:9", "key", "secret", "1", "cipher"),
    };
    let req = ApiRequest::get(
        "conversations.list",
        "/customer_service/202309/conversations",
    )
    .param("page_size", 20);
    let built = d
        .build(&reqwest::Client::new(), &req, &Tokens::new("TOKEN", "R"))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(built.headers()["x-tts-access-token"], "TOKEN");
    assert_eq!(built.headers()["content-type"], "application/json");
    let q: Vec<(String, String)> = built.url().query_pairs().into_owned().collect();
    let sign = q.iter().find(|(k, _)| k == "sign").unwrap().1.clone();
    assert_eq!(
        sign,
        crate::sign::tiktok("secret", "/customer_service/202309/conversations", &q, b"")
    );
    assert!(q.iter().any(|(k, v)| k == "shop_cipher" && v == "cipher"));
    assert!(
        !q.iter().any(|(k, _)| k == "access_token"),
        "the token travels in the header only"
    );
}

#[test]
fn debug_of_a_connector_shows_no_secret_or_token() {
    let cfg = TiktokConfig::at("http://127.0.0.1:9", "key", "SECRET-XYZ", "1", "c");
    let c = TiktokConnector::new(
        cfg,
        Tokens::new("ACCESS-ABC", "REFRESH-DEF"),
        ClientOptions::for_platform(Platform::Tiktok),
    )
    .unwrap();
    let s = format!("{c:?}");
    for secret in ["SECRET-XYZ", "ACCESS-ABC", "REFRESH-DEF"] {
        assert!(!s.contains(secret), "{s}");
    }
}

#[test]
fn the_authorize_url_carries_service_id_and_state() {
    let cfg = TiktokConfig {
        authorize_url: "https://services.tiktokshop.com/open/authorize".into(),
        service_id: "svc-1".into(),
        ..TiktokConfig::at("http://x", "key", "s", "1", "c")
    };
    let c = TiktokConnector::new(
        cfg,
        Tokens::default(),
        ClientOptions::for_platform(Platform::Tiktok),
    )
    .unwrap();
    let u = c.authorize_url("st4te").unwrap();
    assert_eq!(
        u.as_str(),
        "https://services.tiktokshop.com/open/authorize?service_id=svc-1&state=st4te"
    );
}
