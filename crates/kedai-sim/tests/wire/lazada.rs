//! Lazada over the wire.

use std::collections::BTreeSet;

use chrono::{TimeZone, Utc};
use kedai_core::{Kind, Message, Platform, Sender};
use serde_json::Value;

use crate::support::*;

fn num(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

pub fn to_event(shop: &str, session: &Value, m: &Value) -> Message {
    let buyer = str_of(&session["buyer_id"]);
    let from = if num(&m["type"]) == 2 {
        Sender::System
    } else if num(&m["from_account_type"]) == 1 {
        Sender::Buyer
    } else if truthy(&m["auto_reply"]) {
        Sender::Auto
    } else if truthy(&m["broadcast"]) {
        Sender::Broadcast
    } else {
        Sender::Agent
    };
    let kind = match num(&m["template_id"]) {
        1 => Kind::Text,
        3 => Kind::Image,
        4 => Kind::Emoji,
        6 => Kind::Video,
        10006 => Kind::ProductCard,
        10007 => Kind::OrderCard,
        _ => Kind::Other,
    };
    let content: Value = serde_json::from_str(m["content"].as_str().unwrap()).unwrap();
    Message {
        shop: shop.to_owned(),
        conversation: str_of(&m["session_id"]),
        id: str_of(&m["message_id"]),
        at: Utc.timestamp_millis_opt(num(&m["send_time"])).unwrap(),
        from,
        buyer,
        kind,
        text: matches!(kind, Kind::Text | Kind::Emoji)
            .then(|| content["txt"].as_str().unwrap().to_owned()),
        agent: None,
        faq_chat_with_agent: None,
        platform_handled: None,
    }
}

pub async fn walk(
    c: &Client,
    path: &str,
    list: &str,
    id_key: &str,
    extra: &[(&str, &str)],
) -> Vec<Value> {
    let mut out = Vec::new();
    let (mut start, mut last) = (String::new(), String::new());
    loop {
        let mut params = vec![("page_size", "4")];
        params.extend_from_slice(extra);
        if !start.is_empty() {
            params.push(("start_time", start.as_str()));
            params.push((id_key, last.as_str()));
        }
        let r = c.get(path, &params).await;
        let v = r.json();
        assert_eq!(v["code"], "0", "{}", r.text);
        let d = &v["data"];
        out.extend(d[list].as_array().unwrap().iter().cloned());
        if !truthy(&d["has_more"]) {
            return out;
        }
        start = num(&d["next_start_time"]).to_string();
        last = str_of(&d[id_key]);
    }
}

#[tokio::test]
async fn paging_walks_every_session_and_message_once_and_matches_the_ground_truth() {
    let sim = sim(13).await;
    let c = Client::new(&sim, Platform::Lazada);
    let truth = truth(&sim, "lz-my");
    let sessions = walk(
        &c,
        "/rest/im/session/list",
        "session_list",
        "last_session_id",
        &[],
    )
    .await;
    let ids: Vec<String> = sessions.iter().map(|s| str_of(&s["session_id"])).collect();
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a session came twice");
    assert_eq!(unique, truth.keys().collect::<BTreeSet<_>>());
    for s in &sessions {
        let id = str_of(&s["session_id"]);
        let wire = walk(
            &c,
            "/rest/im/message/list",
            "message_list",
            "last_message_id",
            &[("session_id", &id)],
        )
        .await;
        let mut got: Vec<Message> = wire.iter().map(|m| to_event("lz-my", s, m)).collect();
        got.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(&got, &truth[&id]);
    }
    sim.stop().await;
}

#[tokio::test]
async fn sending_and_opening_a_session_from_an_order() {
    let sim = sim(14).await;
    let c = Client::new(&sim, Platform::Lazada);
    let sessions = walk(
        &c,
        "/rest/im/session/list",
        "session_list",
        "last_session_id",
        &[],
    )
    .await;
    let sid = str_of(&sessions[0]["session_id"]);
    let r = c
        .post(
            "/rest/im/message/send",
            &[
                ("session_id", &sid),
                ("template_id", "1"),
                ("txt", "Terima kasih!"),
            ],
            "",
        )
        .await;
    let v = r.json();
    assert_eq!(v["code"], "0", "{}", r.text);
    let id = str_of(&v["data"]["message_id"]);
    let m = truth(&sim, "lz-my")[&sid]
        .iter()
        .find(|m| m.id == id)
        .cloned()
        .expect("sent");
    assert_eq!(
        (m.from, m.text.as_deref()),
        (Sender::Agent, Some("Terima kasih!"))
    );
    let r = c
        .post("/rest/im/session/read", &[("session_id", &sid)], "")
        .await;
    assert_eq!(r.json()["code"], "0");
    // open a session from a recent order
    let log = sim.events_log();
    let order = log
        .lines()
        .rfind(|l| l.contains("\"type\":\"order\"") && l.contains("lz-my"))
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .expect("an order");
    let r = c
        .post(
            "/rest/im/session/open",
            &[("order_id", order["id"].as_str().unwrap())],
            "",
        )
        .await;
    let v = r.json();
    assert_eq!(v["code"], "0", "{}", r.text);
    assert!(!str_of(&v["data"]["session_id"]).is_empty());
    sim.stop().await;
}
