//! No body makes a parser panic: random bytes, truncated real bodies and random JSON of
//! any shape go through every parser and come back as `Ok` or a typed error.

use chrono::Utc;
use kedai_connectors::wire::Conversation;
use kedai_connectors::{lazada, oauth, shopee, tiktok};
use kedai_core::Platform;
use proptest::prelude::*;
use serde_json::{json, Value};

fn conv() -> Conversation {
    Conversation::opened(Platform::Shopee, "123", "9")
}

/// Every parser on one JSON value (as payload) and on its bytes (as envelope).
fn all_parsers(bytes: &[u8]) {
    let _ = tiktok::parse_envelope(bytes);
    let _ = shopee::parse_envelope(200, bytes);
    let _ = shopee::parse_envelope(403, bytes);
    let _ = lazada::parse_envelope(bytes);
    let _ = oauth::parse_callback(&String::from_utf8_lossy(bytes), "state");
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        all_payload_parsers(&v);
    }
}

fn all_payload_parsers(v: &Value) {
    let c = conv();
    let _ = tiktok::parse_conversations(v);
    let _ = tiktok::parse_messages(v, "c");
    let _ = tiktok::parse_message(v, "c");
    let _ = tiktok::parse_tokens(v);
    let _ = shopee::parse_conversations(v);
    let _ = shopee::parse_messages(v, &c, 1);
    let _ = shopee::parse_message(v, &c, 1);
    let _ = shopee::parse_tokens(v, Utc::now());
    let _ = lazada::parse_sessions(v);
    let _ = lazada::parse_messages(v, "s");
    let _ = lazada::parse_message(v, "s");
    let _ = lazada::parse_tokens(v, Utc::now());
    // lists of this value under every key the parsers read
    for key in ["conversations", "messages", "session_list", "message_list"] {
        let wrapped = json!({ key: [v.clone()], "next_page_token": v.clone(), "page_result": v.clone(), "has_more": true });
        let _ = tiktok::parse_conversations(&wrapped);
        let _ = tiktok::parse_messages(&wrapped, "c");
        let _ = shopee::parse_conversations(&wrapped);
        let _ = shopee::parse_messages(&wrapped, &c, 1);
        let _ = lazada::parse_sessions(&wrapped);
        let _ = lazada::parse_messages(&wrapped, "s");
    }
}

fn real_bodies() -> Vec<String> {
    vec![
        json!({"code": 0, "message": "Success", "request_id": "r", "data": {"conversations": [{"id": "c1", "unread_count": 1, "create_time": 1,
            "participants": [{"user_id": "b", "im_user_id": "ib", "role": "BUYER"}],
            "latest_message": {"id": "m", "type": "TEXT", "content": "{\"content\":\"hi ñ 🙏\"}", "create_time": 1784000000,
            "sender": {"role": "BUYER", "im_user_id": "ib"}}}], "next_page_token": "abc"}})
        .to_string(),
        json!({"code": 0, "data": {"messages": [{"id": "m", "type": "IMAGE", "content": "{\"url\":\"u\",\"width\":\"8\"}", "create_time": 1784000000,
            "sender": {"role": "SHOP"}, "auto_reply": true}], "next_page_token": ""}})
        .to_string(),
        r#"{"request_id":"r","error":"","message":"","response":{"conversations":[{"conversation_id":18446744073709551615,"to_id":9,"unread_count":0,"last_message_timestamp":1784000000000000000}],"page_result":{"next_cursor":{"next_message_time_nano":"1","conversation_id":"2"},"more":true}}}"#.to_owned(),
        r#"{"request_id":"r","error":"","response":{"messages":[{"message_id":"1","message_type":"faq","from_id":9,"from_shop_id":0,"conversation_id":123,"created_timestamp":1784000000,"content":{"chat_with_agent":"true"}}],"page_result":{"next_offset":"x"}}}"#.to_owned(),
        r#"{"code":"0","success":"true","data":{"session_list":[{"session_id":"s","buyer_id":"7","last_message_time":"1784000000000","unread_count":"2"}],"has_more":"true","next_start_time":"5","last_session_id":"s"}}"#.to_owned(),
        r#"{"code":"0","data":{"message_list":[{"message_id":"1","from_account_type":"2","template_id":"10007","type":"1","content":"{\"orderId\":\"9\"}","send_time":"1784000000000","auto_reply":"true"}],"has_more":false}}"#.to_owned(),
        r#"{"code":"IllegalAccessToken","type":"ISV","message":"x"}"#.to_owned(),
        "GET /callback?code=a&state=state HTTP/1.1\r\n\r\n".to_owned(),
    ]
}

#[test]
fn every_prefix_of_every_real_body_is_parsed_without_panic() {
    for body in real_bodies() {
        let bytes = body.as_bytes();
        for cut in 0..=bytes.len() {
            all_parsers(&bytes[..cut]);
        }
    }
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| json!(i)),
        any::<u64>().prop_map(|i| json!(i)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("TEXT"),
            Just("BUYER"),
            Just("true"),
            Just("2"),
            Just("0"),
            Just("10007"),
            Just("{\"content\":1}"),
            Just("{\"txt\":\"x\"}"),
            Just("error_auth"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    let keys = prop_oneof![
        Just("code"),
        Just("data"),
        Just("error"),
        Just("response"),
        Just("id"),
        Just("type"),
        Just("content"),
        Just("create_time"),
        Just("sender"),
        Just("role"),
        Just("participants"),
        Just("message_id"),
        Just("message_type"),
        Just("from_id"),
        Just("created_timestamp"),
        Just("conversation_id"),
        Just("to_id"),
        Just("session_id"),
        Just("buyer_id"),
        Just("template_id"),
        Just("send_time"),
        Just("from_account_type"),
        Just("has_more"),
        Just("next_start_time"),
        Just("page_result"),
        Just("more"),
        Just("next_cursor"),
        Just("next_offset"),
        Just("access_token"),
        Just("expire_in"),
        Just("messages"),
        Just("conversations"),
        Just("session_list"),
        Just("message_list"),
        Just("latest_message"),
        Just("user_id"),
        Just("next_page_token"),
        Just("last_message_timestamp"),
        Just("success"),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..8).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        all_parsers(&bytes);
    }

    #[test]
    fn random_json_of_any_shape_never_panics(v in any_json()) {
        all_parsers(v.to_string().as_bytes());
        all_payload_parsers(&v);
    }
}
