//! `kedai insights` on a small event log: seed 002's tags with why each applies, and the
//! figures (waiting time, past chats and average CSAT over 30 days, total orders, GMV).

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn kedai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kedai"))
        .args(args)
        .output()
        .expect("kedai runs")
}

fn imported() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kedai.sqlite").display().to_string();
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/insights.jsonl");
    let out = kedai(&["import", log.to_str().unwrap(), "--db", &db]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}

const AT: &str = "2026-07-20T12:00:00+08:00";

/// `kedai insights` on the fixture's shop: standard output, after checking it succeeded.
fn insights(db: &str, buyer: &str, at: &str, json: bool) -> String {
    let mut args = vec![
        "insights", "--db", db, "--shop", "tt-my", "--buyer", buyer, "--at", at,
    ];
    if json {
        args.push("--json");
    }
    let out = kedai(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn insights_json_lists_the_tags_that_apply_and_the_figures() {
    let (_dir, db) = imported();
    let v: Value = serde_json::from_str(&insights(&db, "b1", AT, true)).unwrap();
    let tags: Vec<&str> = v["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    // Two orders in the last 90 days (frequent, repeating); the first order is older than
    // 90 days (not recent); one in the past 30 days (not lapsed); the latest chat is angry.
    assert_eq!(
        tags,
        [
            "sentiment",
            "frequent_customer",
            "repeating_customer",
            "high_priority"
        ]
    );
    assert_eq!(
        v["tags"][0]["why"],
        "the buyer's messages in the latest chat read negative"
    );
    assert_eq!(v["tags"][3]["why"], "frequent customer, negative sentiment");
    // The shop last replied Saturday 11:00, 2 d 1 h before.
    assert_eq!(v["waiting_time_secs"], 2 * 86_400 + 3600);
    assert_eq!(v["past_chats_30d"], 2);
    assert_eq!(v["average_csat_30d"], 4.5);
    assert_eq!(v["total_orders"], 3);
    assert_eq!(v["total_gmv"], json!({"MYR": 100.5}));
}

#[test]
fn insights_text_says_why_each_tag_applies() {
    let (_dir, db) = imported();
    let text = insights(&db, "b1", AT, false);
    for line in [
        "buyer b1 of shop tt-my at 2026-07-20T04:00:00Z",
        "  Frequent customer: more than one order in the last 90 days",
        "  High priority: frequent customer, negative sentiment",
        "waiting time: 2 d 1 h 00 min since the shop's last reply",
        "past chats (30 d): 2",
        "average CSAT (30 d): 4.50 of 5",
        "total orders: 3",
        "total GMV: 100.50 MYR",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in:\n{text}"
        );
    }

    // A buyer whose one message has waited past its deadline: only High priority, no
    // reply yet, no chat counted (small talk), no order.
    let text = insights(&db, "b2", AT, false);
    assert!(
        text.contains("tags:\n  High priority: flagged urgent: overdue or due soon\n"),
        "{text}"
    );
    assert!(text.contains("past chats (30 d): 0\n"), "{text}");
    assert!(
        text.contains("waiting time: no reply from the shop yet\n"),
        "{text}"
    );
    assert!(text.contains("total GMV: 0\n"), "{text}");
    // An hour after that message, nothing applies yet.
    let text = insights(&db, "b2", "2026-07-19T11:00:00+08:00", false);
    assert!(text.contains("tags: none\n"), "{text}");

    let out = kedai(&[
        "insights", "--db", &db, "--shop", "tt-my", "--buyer", "nobody",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no buyer `nobody`"));
}
