//! Shopee over the wire.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use kedai_core::{Kind, Message, Platform, Sender};
use serde_json::{json, Value};

use crate::support::*;

const LIST: &str = "/api/v2/sellerchat/get_conversation_list";
const MESSAGES: &str = "/api/v2/sellerchat/get_message";

pub fn to_event(shop: &str, shop_id: u64, conv: &Value, m: &Value) -> Message {
    let buyer = str_of(&conv["to_id"]);
    let source = m["source"].as_str();
    let ty = m["message_type"].as_str().unwrap_or_default();
    let from = if ty == "notification" || str_of(&m["from_id"]) == "0" {
        Sender::System
    } else if str_of(&m["from_id"]) == buyer {
        Sender::Buyer
    } else {
        assert_eq!(m["from_shop_id"].as_u64(), Some(shop_id));
        match source {
            Some("auto_reply") => Sender::Auto,
            Some("faq_bot") => Sender::Bot,
            Some("broadcast") => Sender::Broadcast,
            None | Some("chat") => Sender::Agent,
            Some(other) => panic!("unknown source {other}"),
        }
    };
    let kind = match ty {
        "text" => Kind::Text,
        "sticker" => Kind::Sticker,
        "image" => Kind::Image,
        "video" => Kind::Video,
        "item" => Kind::ProductCard,
        "order" => Kind::OrderCard,
        "faq" => Kind::FaqPrompt,
        _ => Kind::Other,
    };
    Message {
        shop: shop.to_owned(),
        conversation: str_of(&conv["conversation_id"]),
        id: str_of(&m["message_id"]),
        at: Utc
            .timestamp_opt(m["created_timestamp"].as_i64().unwrap(), 0)
            .unwrap(),
        from,
        buyer,
        kind,
        text: (kind == Kind::Text).then(|| m["content"]["text"].as_str().unwrap().to_owned()),
        agent: None,
        faq_chat_with_agent: (kind == Kind::FaqPrompt)
            .then(|| m["content"]["chat_with_agent"].as_bool().unwrap()),
        platform_handled: None,
    }
}

pub async fn walk_conversations(c: &Client, direction: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut params = vec![("page_size", "7"), ("direction", direction)];
        if !cursor.is_empty() {
            params.push(("next_timestamp_nano", cursor.as_str()));
        }
        let r = c.get(LIST, &params).await;
        let v = r.json();
        assert_eq!(v["error"], "", "{}", r.text);
        out.extend(
            v["response"]["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        let pr = &v["response"]["page_result"];
        if !pr["more"].as_bool().unwrap() {
            return out;
        }
        cursor = pr["next_cursor"]["next_message_time_nano"]
            .as_str()
            .unwrap()
            .to_owned();
    }
}

pub async fn walk_messages(c: &Client, conv: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut offset = String::new();
    loop {
        let r = c
            .get(
                MESSAGES,
                &[
                    ("conversation_id", conv),
                    ("page_size", "3"),
                    ("offset", &offset),
                ],
            )
            .await;
        let v = r.json();
        assert_eq!(v["error"], "", "{}", r.text);
        out.extend(
            v["response"]["messages"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        offset = v["response"]["page_result"]["next_offset"]
            .as_str()
            .unwrap()
            .to_owned();
        if offset.is_empty() {
            return out;
        }
    }
}

fn shop_id(c: &Client) -> u64 {
    match &c.creds {
        kedai_sim::Credentials::Shopee { shop_id, .. } => *shop_id,
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn paging_walks_every_conversation_and_message_once_and_matches_the_ground_truth() {
    let sim = sim(11).await;
    let c = Client::new(&sim, Platform::Shopee);
    let truth = truth(&sim, "sp-ph");
    let older = walk_conversations(&c, "older").await;
    let ids: Vec<String> = older
        .iter()
        .map(|c| str_of(&c["conversation_id"]))
        .collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a conversation came twice");
    assert_eq!(unique, truth.keys().collect::<BTreeSet<_>>());
    // Conversation ids exceed 2^53 and come as exact JSON numbers.
    assert!(older[0]["conversation_id"].as_u64().unwrap() > 1 << 53);
    let mut latest = walk_conversations(&c, "latest").await;
    latest.reverse();
    assert_eq!(latest, older);
    let mut kinds = BTreeSet::new();
    for conv in &older {
        let id = str_of(&conv["conversation_id"]);
        let wire = walk_messages(&c, &id).await;
        let mut got: Vec<Message> = wire
            .iter()
            .map(|m| to_event("sp-ph", shop_id(&c), conv, m))
            .collect();
        got.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(&got, &truth[&id]);
        kinds.extend(got.iter().map(|m| m.kind));
    }
    assert!(kinds.contains(&Kind::Text));
    assert!(!kinds.contains(&Kind::Emoji), "Shopee has no emoji kind");
    sim.stop().await;
}

#[tokio::test]
async fn sending_to_a_buyer_adds_an_agent_message_and_read_sets_unread() {
    let sim = sim(12).await;
    let c = Client::new(&sim, Platform::Shopee);
    let convs = walk_conversations(&c, "older").await;
    let conv = &convs[0];
    let body =
        json!({"to_id": conv["to_id"], "message_type": "text", "content": {"text": "Salamat po!"}});
    let r = c
        .post("/api/v2/sellerchat/send_message", &[], &body.to_string())
        .await;
    let v = r.json();
    assert_eq!(v["error"], "", "{}", r.text);
    let id = str_of(&v["response"]["message_id"]);
    let truth = truth(&sim, "sp-ph");
    let m = truth[&str_of(&conv["conversation_id"])]
        .iter()
        .find(|m| m.id == id)
        .expect("in the ground truth");
    assert_eq!(
        (m.from, m.text.as_deref()),
        (Sender::Agent, Some("Salamat po!"))
    );
    let body = json!({"conversation_id": conv["conversation_id"], "last_read_message_id": id});
    let r = c
        .post(
            "/api/v2/sellerchat/read_conversation",
            &[],
            &body.to_string(),
        )
        .await;
    assert_eq!(r.json()["error"], "", "{}", r.text);
    let v = c
        .get("/api/v2/sellerchat/get_unread_conversation_count", &[])
        .await
        .json();
    assert!(v["response"]["total_unread_count"].is_u64());
    let v = c
        .get("/api/v2/account_health/get_shop_performance", &[])
        .await
        .json();
    assert_eq!(v["response"]["metric_list"][0]["metric_id"], 11, "{v}");
    sim.stop().await;
}

#[tokio::test]
async fn a_page_size_over_60_is_error_param() {
    let sim = sim(11).await;
    let c = Client::new(&sim, Platform::Shopee);
    let r = c.get(LIST, &[("page_size", "61")]).await;
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (400, Some("error_param"))
    );
    sim.stop().await;
}
