//! TikTok Shop over the wire.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use kedai_core::{Kind, Message, Platform, Sender};
use serde_json::Value;

use crate::support::*;

const CONVS: &str = "/customer_service/202309/conversations";

/// WIRE.md's mapping, wire → event, as a connector does it.
pub fn to_event(shop: &str, conv: &Value, m: &Value) -> Message {
    let buyer = conv["participants"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["role"] == "BUYER"))
        .map(|p| str_of(&p["user_id"]))
        .expect("buyer participant");
    let role = m["sender"]["role"].as_str().unwrap_or_default();
    let ty = m["type"].as_str().unwrap_or_default();
    let from = match role {
        "BUYER" => Sender::Buyer,
        "ROBOT" => Sender::Bot,
        "SYSTEM" => Sender::System,
        _ if ty == "NOTIFICATION" => Sender::System,
        _ if truthy(&m["auto_reply"]) => Sender::Auto,
        _ if truthy(&m["broadcast"]) => Sender::Broadcast,
        _ => Sender::Agent,
    };
    let content: Value =
        serde_json::from_str(m["content"].as_str().expect("content string")).expect("content JSON");
    let kind = match ty {
        "TEXT" => Kind::Text,
        "EMOTICONS" => Kind::Emoji,
        "IMAGE" => Kind::Image,
        "VIDEO" => Kind::Video,
        "PRODUCT_CARD" => Kind::ProductCard,
        "ORDER_CARD" => Kind::OrderCard,
        _ => Kind::Other,
    };
    let text = matches!(kind, Kind::Text | Kind::Emoji)
        .then(|| content["content"].as_str().expect("text").to_owned());
    Message {
        shop: shop.to_owned(),
        conversation: str_of(&conv["id"]),
        id: str_of(&m["id"]),
        at: Utc
            .timestamp_opt(m["create_time"].as_i64().expect("create_time"), 0)
            .unwrap(),
        from,
        buyer,
        kind,
        text,
        agent: None,
        faq_chat_with_agent: None,
        platform_handled: None,
    }
}

pub async fn walk_conversations(c: &Client) -> Vec<Value> {
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let r = c
            .get(CONVS, &[("page_size", "20"), ("page_token", &token)])
            .await;
        let v = r.json();
        assert_eq!(v["code"], 0, "{}", r.text);
        out.extend(
            v["data"]["conversations"]
                .as_array()
                .unwrap()
                .iter()
                .cloned(),
        );
        token = v["data"]["next_page_token"].as_str().unwrap().to_owned();
        if token.is_empty() {
            return out;
        }
    }
}

pub async fn walk_messages(c: &Client, conv: &str, extra: &[(&str, &str)]) -> Vec<Value> {
    let path = format!("{CONVS}/{conv}/messages");
    let mut out = Vec::new();
    let mut token = String::new();
    loop {
        let mut params = vec![("page_size", "10"), ("page_token", token.as_str())];
        params.extend_from_slice(extra);
        let r = c.get(&path, &params).await;
        let v = r.json();
        assert_eq!(v["code"], 0, "{}", r.text);
        out.extend(v["data"]["messages"].as_array().unwrap().iter().cloned());
        token = v["data"]["next_page_token"].as_str().unwrap().to_owned();
        if token.is_empty() {
            return out;
        }
    }
}

#[tokio::test]
async fn paging_walks_every_conversation_and_message_once_and_matches_the_ground_truth() {
    let sim = sim(7).await;
    let c = Client::new(&sim, Platform::Tiktok);
    let truth = truth(&sim, "tt-my");
    let convs = walk_conversations(&c).await;
    let ids: Vec<String> = convs.iter().map(|c| str_of(&c["id"])).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a conversation came twice");
    assert_eq!(unique, truth.keys().collect::<BTreeSet<_>>());
    // newest latest message first
    let times: Vec<i64> = convs
        .iter()
        .map(|c| c["latest_message"]["create_time"].as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    let mut kinds = BTreeSet::new();
    for conv in &convs {
        let id = str_of(&conv["id"]);
        let wire = walk_messages(&c, &id, &[]).await;
        let mut got: Vec<Message> = wire.iter().map(|m| to_event("tt-my", conv, m)).collect();
        let created: Vec<i64> = wire
            .iter()
            .map(|m| m["create_time"].as_i64().unwrap())
            .collect();
        assert!(created.windows(2).all(|w| w[0] >= w[1]), "DESC by default");
        got.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(&got, &truth[&id]);
        kinds.extend(got.iter().map(|m| (m.from, m.kind)));
        let asc = walk_messages(&c, &id, &[("sort_order", "ASC"), ("sort_field", "index")]).await;
        let asc_ids: Vec<String> = asc.iter().map(|m| str_of(&m["id"])).collect();
        let mut sorted = asc_ids.clone();
        sorted.sort();
        assert_eq!(asc_ids, sorted);
    }
    assert!(kinds.contains(&(Sender::Buyer, Kind::Text)));
    assert!(kinds.contains(&(Sender::Agent, Kind::Text)));
    sim.stop().await;
}

#[tokio::test]
async fn a_page_size_over_the_limit_is_40006() {
    let sim = sim(7).await;
    let c = Client::new(&sim, Platform::Tiktok);
    let v = c.get(CONVS, &[("page_size", "21")]).await.json();
    assert_eq!(v["code"], 40006);
    sim.stop().await;
}

#[tokio::test]
async fn sending_adds_an_agent_message_to_the_ground_truth_and_read_clears_unread() {
    let sim = sim(8).await;
    let c = Client::new(&sim, Platform::Tiktok);
    let convs = walk_conversations(&c).await;
    let conv = str_of(&convs[0]["id"]);
    let body = serde_json::json!({"type": "TEXT", "content": "{\"content\":\"Dah pos hari ini\"}"});
    let r = c
        .post(&format!("{CONVS}/{conv}/messages"), &[], &body.to_string())
        .await;
    let v = r.json();
    assert_eq!(v["code"], 0, "{}", r.text);
    let id = str_of(&v["data"]["message_id"]);
    let truth = truth(&sim, "tt-my");
    let m = truth[&conv]
        .iter()
        .find(|m| m.id == id)
        .expect("in the ground truth");
    assert_eq!(m.from, Sender::Agent);
    assert_eq!(m.text.as_deref(), Some("Dah pos hari ini"));
    assert_eq!(m.at, sim.now());
    // read clears the unread count
    let r = c
        .post(&format!("{CONVS}/{conv}/messages/read"), &[], "")
        .await;
    assert_eq!(r.json()["code"], 0);
    let convs = walk_conversations(&c).await;
    let after = convs.iter().find(|c| str_of(&c["id"]) == conv).unwrap();
    assert_eq!(after["unread_count"], 0);
    // too long a text is refused and leaves the ground truth alone
    let long = "x".repeat(2001);
    let content = serde_json::json!({"content": long}).to_string();
    let body = serde_json::json!({"type": "TEXT", "content": content});
    let r = c
        .post(&format!("{CONVS}/{conv}/messages"), &[], &body.to_string())
        .await;
    assert_eq!(r.json()["code"], 40006);
    let n: usize = truth.values().map(Vec::len).sum();
    let n2: usize = crate::support::truth(&sim, "tt-my")
        .values()
        .map(Vec::len)
        .sum();
    assert_eq!(n, n2);
    sim.stop().await;
}

#[tokio::test]
async fn performance_and_authorized_shops_answer() {
    let sim = sim(9).await;
    let c = Client::new(&sim, Platform::Tiktok);
    let v = c
        .get(
            "/customer_service/202407/performance",
            &[
                ("support_date_ge", "2026-07-01"),
                ("support_date_lt", "2026-07-20"),
            ],
        )
        .await
        .json();
    assert_eq!(v["code"], 0, "{v}");
    assert!(
        v["data"]["performance"]["support_session_count"]
            .as_u64()
            .unwrap()
            > 0
    );
    let v = c.get("/authorization/202309/shops", &[]).await.json();
    assert_eq!(v["code"], 0, "{v}");
    assert_eq!(v["data"]["shops"][0]["region"], "MY");
    let mut by_kind = BTreeMap::new();
    for m in truth(&sim, "tt-my").values().flatten() {
        *by_kind.entry(m.kind).or_insert(0) += 1;
    }
    assert!(
        !by_kind.contains_key(&Kind::Sticker),
        "TikTok has no stickers"
    );
    sim.stop().await;
}

#[tokio::test]
async fn agent_settings_and_image_upload_answer() {
    let sim = sim(10).await;
    let c = Client::new(&sim, Platform::Tiktok);
    let path = "/customer_service/202309/agents/settings";
    let r = c
        .call("PUT", path, &[], r#"{"can_accept_chat":false}"#)
        .await;
    assert_eq!(r.json()["code"], 0, "{}", r.text);
    let v = c.get(path, &[]).await.json();
    assert_eq!(v["data"]["can_accept_chat"], false);
    let r = c
        .post("/customer_service/202309/images/upload", &[], "")
        .await;
    let v = r.json();
    assert_eq!(v["code"], 0, "{}", r.text);
    assert!(v["data"]["url"].as_str().unwrap().starts_with("https://"));
    sim.stop().await;
}
