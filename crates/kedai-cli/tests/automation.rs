//! End-to-end tests of the automation commands of issue 5: `kedai tag --json`, `kedai guard`
//! (exit status and JSON shape), `kedai rules test` and `kedai suggest`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

fn kedai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kedai"))
        .args(args)
        .output()
        .expect("kedai runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn tag_json_has_exactly_intent_and_sentiment() {
    let out = kedai(&["tag", "--json", "barang sampai rosak, nak refund 😡"]);
    assert!(out.status.success());
    let v = json(&out);
    assert_eq!(
        v,
        serde_json::json!({"intent": "aftersales", "sentiment": "negative"})
    );
    let v = json(&kedai(&["tag", "--json", "bila parcel sampai?"]));
    assert_eq!(v["intent"], "logistics");
    let v = json(&kedai(&["tag", "--json", "hello po"]));
    assert_eq!(v["intent"], Value::Null);
    assert_eq!(v["sentiment"], "neutral");
    let v = json(&kedai(&["tag", "--json", "--kind", "product_card", ""]));
    assert_eq!(v["intent"], "pre_purchase");
    let bad = kedai(&["tag", "--kind", "fax", "hi"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a message kind"));
}

#[test]
fn guard_exits_0_when_clean_and_1_with_findings_as_json() {
    let clean = kedai(&["guard", "--json", "Your order has shipped, thank you!"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(json(&clean)["findings"], serde_json::json!([]));

    let text = "pm WhatsApp 012-345 6789 ya";
    let dirty = kedai(&["guard", "--json", text]);
    assert_eq!(dirty.status.code(), Some(1));
    let v = json(&dirty);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    for f in findings {
        let (start, end) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(f["excerpt"].as_str().unwrap(), &text[start..end]);
        assert!(f["rule"].is_string());
    }
    assert_eq!(findings[0]["rule"], "messaging_account");
    assert_eq!(findings[1]["rule"], "phone_number");
    assert_eq!(v["blocked"], false);

    let plain = kedai(&["guard", "give us 5 stars for a free gift"]);
    assert_eq!(plain.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&plain.stdout).starts_with("review_reward "));
}

fn sample_db(dir: &TempDir) -> String {
    let db = dir.path().join("k.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/sample-events.jsonl");
    let out = kedai(&[
        "import",
        sample.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db.to_str().unwrap().to_owned()
}

#[test]
fn rules_test_shows_the_rule_and_its_effect_on_the_clock() {
    let dir = TempDir::new().unwrap();
    let db = sample_db(&dir);
    let rules = dir.path().join("rules.json");
    std::fs::write(
        &rules,
        r#"[{"id":"weekend","name":"Weekend","priority":1,"trigger":{"type":"first_message"},
            "schedule":"weekends","reply":"We're away, back {next_opening}."}]"#,
    )
    .unwrap();
    let add = kedai(&[
        "rules",
        "add",
        rules.to_str().unwrap(),
        "--db",
        &db,
        "--at",
        "2026-07-01T00:00:00Z",
    ]);
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    // Saturday 18 July 2026, 10:00 in Kuala Lumpur: §4 moves the deadline to Monday 12:00.
    let out = kedai(&[
        "rules",
        "test",
        "--db",
        &db,
        "--shop",
        "tt-my",
        "--message",
        "ada stok?",
        "--at",
        "2026-07-18T10:00:00+08:00",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["rule"], "weekend");
    assert_eq!(v["reply"]["from"], "bot");
    assert_eq!(v["clock"]["deadline"], "2026-07-20T04:00:00Z");
    assert_eq!(v["clock"]["weekend_moved"], true);
    assert!(v["clock"]["if_nothing_more"]
        .as_str()
        .unwrap()
        .starts_with("resolved by automation"));
    // Lazada (§3): no rule applies on a weekday and an automated answer would not count.
    let out = kedai(&[
        "rules",
        "test",
        "--db",
        &db,
        "--shop",
        "lz-my",
        "--message",
        "hi",
        "--at",
        "2026-07-15T10:00:00+08:00",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rule: none (no_rule_matched)"), "{text}");
    assert!(text.contains("not a reply"), "{text}");
    let bad = kedai(&[
        "rules",
        "test",
        "--db",
        &db,
        "--shop",
        "nope",
        "--message",
        "hi",
        "--at",
        "2026-07-15T10:00:00+08:00",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nope"));
}

#[test]
fn suggest_answers_an_open_question_from_the_shop_history() {
    let dir = TempDir::new().unwrap();
    let db = sample_db(&dir);
    let inbox = kedai(&[
        "inbox",
        "--db",
        &db,
        "--at",
        "2026-07-20T12:00:00+08:00",
        "--filter",
        "unreplied",
        "--json",
        "--limit",
        "1",
    ]);
    let conv = json(&inbox)["conversations"][0]["conversation"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = kedai(&[
        "suggest",
        "--db",
        &db,
        "--conversation",
        &conv,
        "--at",
        "2026-07-20T12:00:00+08:00",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let s = v["suggestions"].as_array().unwrap();
    assert!(!s.is_empty() && s.len() <= 3);
    assert!(v["past_replies"].as_u64().unwrap() > 0);
    let missing = kedai(&["suggest", "--db", &db, "--conversation", "nope"]);
    assert_eq!(missing.status.code(), Some(2));
}
