//! Each forced fault produces its documented response, and none touches the ground truth.

use std::time::Instant;

use kedai_core::Platform;
use kedai_sim::Fault;
use serde_json::{json, Value};

use crate::admin::{error_of, is_ok, list_path, refresh_token, token_call};
use crate::support::*;

const ALL: [Platform; 3] = [Platform::Tiktok, Platform::Shopee, Platform::Lazada];

/// The items of a list response and the parameters that ask for the next page.
fn page(p: Platform, v: &Value) -> (Vec<Value>, Vec<(String, String)>) {
    match p {
        Platform::Tiktok => (
            v["data"]["conversations"].as_array().unwrap().clone(),
            vec![(
                "page_token".into(),
                v["data"]["next_page_token"].as_str().unwrap().into(),
            )],
        ),
        Platform::Shopee => (
            v["response"]["conversations"].as_array().unwrap().clone(),
            vec![(
                "next_timestamp_nano".into(),
                v["response"]["page_result"]["next_cursor"]["next_message_time_nano"]
                    .as_str()
                    .unwrap()
                    .into(),
            )],
        ),
        Platform::Lazada => (
            v["data"]["session_list"].as_array().unwrap().clone(),
            vec![
                ("start_time".into(), str_of(&v["data"]["next_start_time"])),
                (
                    "last_session_id".into(),
                    str_of(&v["data"]["last_session_id"]),
                ),
            ],
        ),
    }
}

async fn first_page(c: &Client, p: Platform, extra: &[(String, String)]) -> Resp {
    let mut params: Vec<(&str, &str)> = vec![("page_size", "5")];
    params.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    c.get(list_path(p), &params).await
}

#[tokio::test]
async fn rate_limit_server_error_and_slow() {
    let sim = sim(41).await;
    let truth_before = sim.events_log();
    for p in ALL {
        let c = Client::new(&sim, p);
        sim.force_fault(p, Fault::RateLimit, 1);
        let r = first_page(&c, p, &[]).await;
        assert_eq!(r.status, 429, "{p}");
        assert_eq!(r.retry_after.as_deref(), Some("1"));
        let code = ["36009004", "error_too_many_request", "ApiCallLimit"];
        assert!(code.contains(&error_of(p, &r).as_str()), "{p}: {}", r.text);
        assert!(
            is_ok(p, &first_page(&c, p, &[]).await),
            "only the next request"
        );

        sim.force_fault(p, Fault::ServerError, 3);
        let mut statuses = Vec::new();
        for _ in 0..3 {
            statuses.push(first_page(&c, p, &[]).await.status);
        }
        assert_eq!(statuses, [500, 502, 503], "{p}");

        // through the admin API this time
        let r = admin_post(
            &sim,
            "/_sim/faults",
            json!({"platform": p, "fault": "slow", "count": 1}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let t = Instant::now();
        let r = first_page(&c, p, &[]).await;
        assert!(t.elapsed().as_millis() >= 300 && is_ok(p, &r), "{p}");
    }
    assert_eq!(sim.events_log(), truth_before);
    sim.stop().await;
}

#[tokio::test]
async fn malformed_is_truncated_then_wrong_typed() {
    let sim = sim(42).await;
    for p in ALL {
        let c = Client::new(&sim, p);
        sim.force_fault(p, Fault::Malformed, 2);
        let r = first_page(&c, p, &[]).await;
        assert_eq!(r.status, 200);
        assert!(
            serde_json::from_str::<Value>(&r.text).is_err(),
            "{p}: {}",
            r.text
        );
        let r = first_page(&c, p, &[]).await;
        let v: Value = serde_json::from_str(&r.text).expect("valid JSON");
        let (items, _) = page(p, &v);
        let first = items[0].to_string();
        assert!(
            first.contains("not-a-number") || first.contains("\"unexpected\""),
            "{p}: {first}"
        );
        assert!(is_ok(p, &first_page(&c, p, &[]).await));
    }
    sim.stop().await;
}

#[tokio::test]
async fn duplicate_page_serves_the_same_page_for_the_next_cursor() {
    let sim = sim(43).await;
    for p in ALL {
        let c = Client::new(&sim, p);
        let normal = first_page(&c, p, &[]).await.json();
        let (_, to_second) = page(p, &normal);
        let second = first_page(&c, p, &to_second).await.json();
        sim.force_fault(p, Fault::DuplicatePage, 1);
        let dup = first_page(&c, p, &to_second).await.json();
        let (dup_items, again) = page(p, &dup);
        assert_eq!(dup_items, page(p, &second).0, "{p}");
        let repeat = first_page(&c, p, &again).await.json();
        assert_eq!(
            page(p, &repeat).0,
            dup_items,
            "{p}: the next cursor serves the same page"
        );
        assert_eq!(
            page(p, &repeat).1,
            page(p, &second).1,
            "{p}: then paging goes on"
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn reorder_page_shuffles_within_the_page() {
    let sim = sim(44).await;
    for p in ALL {
        let c = Client::new(&sim, p);
        let normal = first_page(&c, p, &[]).await.json();
        sim.force_fault(p, Fault::ReorderPage, 1);
        let shuffled = first_page(&c, p, &[]).await.json();
        let (a, next_a) = page(p, &normal);
        let (b, next_b) = page(p, &shuffled);
        assert_ne!(a, b, "{p}");
        let key = |v: &Vec<Value>| {
            let mut s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
            s.sort();
            s
        };
        assert_eq!(key(&a), key(&b));
        assert_eq!(
            next_a, next_b,
            "{p}: the cursor still follows the true order"
        );
    }
    sim.stop().await;
}

#[tokio::test]
async fn expire_token_expires_it_until_a_refresh() {
    let sim = sim(45).await;
    for p in ALL {
        let mut c = Client::new(&sim, p);
        sim.force_fault(p, Fault::ExpireToken, 1);
        let r = first_page(&c, p, &[]).await;
        let expected = ["105002", "error_auth", "IllegalAccessToken"];
        assert!(
            expected.contains(&error_of(p, &r).as_str()),
            "{p}: {}",
            r.text
        );
        assert!(
            !is_ok(p, &first_page(&c, p, &[]).await),
            "{p}: the token stays expired"
        );
        let (access, _) = token_call(&sim, &c.creds, true, &refresh_token(&c)).await;
        c.set_token(&access);
        assert!(is_ok(p, &first_page(&c, p, &[]).await), "{p}");
    }
    sim.stop().await;
}

#[tokio::test]
async fn random_shares_mix_faults_into_traffic_without_touching_the_truth() {
    let sim = sim(46).await;
    let before = sim.events_log();
    let shares = json!({"rate_limit": 0.3, "server_error": 0.2, "reorder_page": 0.2});
    let r = admin_post(
        &sim,
        "/_sim/faults",
        json!({"platform": "lazada", "shares": shares}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = Client::new(&sim, Platform::Lazada);
    let mut statuses = std::collections::BTreeSet::new();
    for _ in 0..60 {
        statuses.insert(first_page(&c, Platform::Lazada, &[]).await.status);
    }
    assert!(
        statuses.contains(&429) && statuses.contains(&200),
        "{statuses:?}"
    );
    assert_eq!(sim.events_log(), before);
    let bad = admin_post(
        &sim,
        "/_sim/faults",
        json!({"platform": "lazada", "shares": {"slow": 2.0}}),
    )
    .await;
    assert_eq!(bad.status, 400);
    sim.stop().await;
}
