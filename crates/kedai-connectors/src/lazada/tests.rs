//! Canned Lazada bodies for every row of WIRE.md that concerns Lazada.

use super::*;
use kedai_core::{Kind, Sender};
use rstest::rstest;
use serde_json::json;

fn msg(account: Value, ty: Value, template: Value, content: Value, extra: Value) -> Value {
    let mut m = json!({
        "message_id": "lz-m1", "session_id": "s1", "from_account_id": "1001", "from_account_type": account,
        "to_account_id": 2002, "to_account_type": 2, "template_id": template, "type": ty,
        "content": content.to_string(), "send_time": 1_784_000_000_123i64, "auto_reply": false,
        "process_msg": "", "status": 0,
    });
    if let (Some(m), Some(e)) = (m.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

#[rstest]
#[case::buyer(json!(1), json!(1), json!({}), Sender::Buyer)]
#[case::buyer_quoted(json!("1"), json!("1"), json!({}), Sender::Buyer)]
#[case::agent(json!(2), json!(1), json!({}), Sender::Agent)]
#[case::agent_quoted_false(json!(2), json!(1), json!({"auto_reply": "false"}), Sender::Agent)]
#[case::auto(json!(2), json!(1), json!({"auto_reply": true}), Sender::Auto)]
#[case::auto_quoted(json!("2"), json!(1), json!({"auto_reply": "true"}), Sender::Auto)]
#[case::broadcast(json!(2), json!(1), json!({"broadcast": true}), Sender::Broadcast)]
#[case::broadcast_quoted(json!(2), json!(1), json!({"broadcast": "true"}), Sender::Broadcast)]
#[case::system(json!(2), json!(2), json!({}), Sender::System)]
#[case::system_quoted(json!(1), json!("2"), json!({}), Sender::System)]
fn sender_mapping(
    #[case] account: Value,
    #[case] ty: Value,
    #[case] extra: Value,
    #[case] want: Sender,
) {
    let m = parse_message(
        &msg(account, ty, json!(1), json!({"txt": "x"}), extra),
        "s1",
    )
    .unwrap();
    assert_eq!(m.sender, want);
}

#[rstest]
#[case::text(json!(1), json!({"txt": "Bila sampai?"}), Kind::Text, Some("Bila sampai?"))]
#[case::text_quoted_template(json!("1"), json!({"txt": "hi"}), Kind::Text, Some("hi"))]
#[case::image(json!(3), json!({"imgUrl": "https://lz/1.jpg"}), Kind::Image, None)]
#[case::emoji(json!(4), json!({"txt": "[smile]"}), Kind::Emoji, Some("[smile]"))]
#[case::video(json!(6), json!({"videoUrl": "https://lz/1.mp4"}), Kind::Video, None)]
#[case::item(json!(10006), json!({"itemId": "123"}), Kind::ProductCard, None)]
#[case::order(json!("10007"), json!({"orderId": "456"}), Kind::OrderCard, None)]
#[case::voucher(json!(10008), json!({"voucherId": "7"}), Kind::Other, None)]
#[case::unknown(json!(99999), json!({"x": 1}), Kind::Other, None)]
fn kind_mapping(
    #[case] template: Value,
    #[case] content: Value,
    #[case] kind: Kind,
    #[case] text: Option<&str>,
) {
    let m = parse_message(
        &msg(json!(1), json!(1), template, content.clone(), json!({})),
        "s1",
    )
    .unwrap();
    assert_eq!(m.kind, kind);
    assert_eq!(m.text.as_deref(), text);
    assert_eq!(m.raw_content, content.to_string());
    assert_eq!(m.created_at.timestamp_millis(), 1_784_000_000_123);
    let ev = m.to_event("lz-my", "s1", "b1");
    assert_eq!((ev.kind, ev.text.as_deref()), (kind, text));
}

#[test]
fn card_fields_are_kept() {
    let m = parse_message(
        &msg(
            json!(2),
            json!(1),
            json!(10006),
            json!({"itemId": 123}),
            json!({}),
        ),
        "s",
    )
    .unwrap();
    assert_eq!(m.product_id.as_deref(), Some("123"));
    let m = parse_message(
        &msg(
            json!(2),
            json!(1),
            json!(10007),
            json!({"orderId": "456"}),
            json!({}),
        ),
        "s",
    )
    .unwrap();
    assert_eq!(m.order_id.as_deref(), Some("456"));
    let m = parse_message(
        &msg(
            json!(2),
            json!(1),
            json!(3),
            json!({"imgUrl": "u"}),
            json!({}),
        ),
        "s",
    )
    .unwrap();
    assert_eq!(m.image_url.as_deref(), Some("u"));
}

#[test]
fn sessions_page_by_start_time_and_quoted_has_more() {
    let data = json!({"session_list": [{"session_id": "s1", "buyer_id": 77, "unread_count": "3",
        "last_message_id": "m", "last_message_time": "1784000000000"}],
        "has_more": "true", "next_start_time": "1783999999000", "last_session_id": "s1"});
    let page = parse_sessions(&data).unwrap();
    let s = &page.items[0];
    assert_eq!(
        (s.id.as_str(), s.buyer.as_str(), s.unread_count),
        ("s1", "77", 3)
    );
    assert_eq!(
        page.next,
        Some(Cursor::Time {
            time: "1783999999000".into(),
            last_id: Some("s1".into())
        })
    );
    let end = parse_sessions(&json!({"session_list": [], "has_more": false})).unwrap();
    assert_eq!(end.next, None);
    let msgs = parse_messages(&json!({"message_list": [], "has_more": "false"}), "s1").unwrap();
    assert_eq!(msgs.next, None);
}

#[rstest]
#[case::sign(json!({"code": "IncompleteSignature", "type": "ISV", "message": "sign"}), "invalid_signature")]
#[case::token(json!({"code": "IllegalAccessToken", "message": "expired"}), "auth_expired")]
#[case::limit(json!({"code": "ApiCallLimit", "message": "slow down"}), "rate_limited")]
#[case::missing(json!({"code": "MissingParameter", "message": "session_id"}), "platform")]
#[case::invalid(json!({"code": "InvalidParameter", "message": "page_size"}), "platform")]
#[case::im_failure(json!({"code": "0", "success": "false", "err_code": "E1", "err_message": "x"}), "platform")]
#[case::no_code(json!({"data": {}}), "malformed")]
fn envelope_errors(#[case] body: Value, #[case] kind: &str) {
    assert_eq!(
        parse_envelope(body.to_string().as_bytes())
            .unwrap_err()
            .kind(),
        kind
    );
}

#[test]
fn envelope_ok_with_numeric_or_quoted_code() {
    assert_eq!(
        parse_envelope(br#"{"code":"0","data":{"a":1}}"#).unwrap(),
        json!({"a": 1})
    );
    assert_eq!(
        parse_envelope(br#"{"code":0,"success":true,"data":{"a":1}}"#).unwrap(),
        json!({"a": 1})
    );
}

#[test]
fn token_responses_with_quoted_numbers() {
    let now = chrono::Utc::now();
    let t = parse_tokens(&json!({"access_token": "A", "refresh_token": "R", "expires_in": "604800", "refresh_expires_in": 2592000, "code": "0"}), now).unwrap();
    assert_eq!(
        t.access_expires_at,
        Some(now + chrono::Duration::seconds(604800))
    );
    assert_eq!(
        t.refresh_expires_at,
        Some(now + chrono::Duration::seconds(2592000))
    );
}

#[test]
fn requests_are_signed_upper_case_over_all_params_without_the_rest_prefix() {
    let d = LazadaDialect {
        cfg: LazadaConfig::at("http://127.0.0.1:9", "appkey", "secret", "seller"),
    };
    let req = ApiRequest::get("message.list", "/im/message/list").param("session_id", "s1");
    let b = d
        .build(&reqwest::Client::new(), &req, &Tokens::new("TOK", "R"))
        .unwrap()
        .build()
        .unwrap();
    assert!(b.url().path().starts_with("/rest/im/message/list"));
    let q: Vec<(String, String)> = b.url().query_pairs().into_owned().collect();
    let sign = q.iter().find(|(k, _)| k == "sign").unwrap().1.clone();
    assert_eq!(
        sign,
        crate::sign::lazada("secret", "/im/message/list", &q, b"")
    );
    assert!(q.iter().any(|(k, v)| k == "sign_method" && v == "sha256"));
    assert!(q.iter().any(|(k, v)| k == "access_token" && v == "TOK"));
    let ts: i64 = q
        .iter()
        .find(|(k, _)| k == "timestamp")
        .unwrap()
        .1
        .parse()
        .unwrap();
    assert!(ts > 1_600_000_000_000, "milliseconds");
}

#[test]
fn debug_of_a_connector_shows_no_secret_or_token() {
    let cfg = LazadaConfig::at("http://127.0.0.1:9", "key", "SECRET-XYZ", "seller");
    let c = LazadaConnector::new(
        cfg,
        Tokens::new("ACCESS-ABC", "REFRESH-DEF"),
        ClientOptions::for_platform(Platform::Lazada),
    )
    .unwrap();
    let s = format!("{c:?}");
    for secret in ["SECRET-XYZ", "ACCESS-ABC", "REFRESH-DEF"] {
        assert!(!s.contains(secret), "{s}");
    }
}

#[test]
fn the_authorize_url_has_the_documented_parameters() {
    let cfg = LazadaConfig {
        authorize_url: "https://auth.lazada.com/oauth/authorize".into(),
        ..LazadaConfig::at("http://x", "1234", "s", "seller")
    };
    let c = LazadaConnector::new(
        cfg,
        Tokens::default(),
        ClientOptions::for_platform(Platform::Lazada),
    )
    .unwrap();
    let u = c
        .authorize_url("http://127.0.0.1:5000/callback", "st")
        .unwrap();
    assert_eq!(
        u.as_str(),
        "https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback&client_id=1234&state=st"
    );
}

#[tokio::test]
async fn transport_errors_do_not_carry_the_url_and_its_token() {
    // nothing listens on port 1: the connection is refused
    let cfg = LazadaConfig::at("http://127.0.0.1:1", "key", "SECRET-XYZ", "seller");
    let mut o = ClientOptions::for_platform(Platform::Lazada);
    o.retry.max_attempts = 1;
    let c = LazadaConnector::new(cfg, Tokens::new("ACCESS-ABC", "REFRESH-DEF"), o).unwrap();
    let e = c.list_conversations(&Cursor::Start).await.unwrap_err();
    assert_eq!(e.kind(), "transport");
    let s = format!("{e} {e:?}");
    for secret in ["ACCESS-ABC", "access_token", "sign="] {
        assert!(!s.contains(secret), "{s}");
    }
}
