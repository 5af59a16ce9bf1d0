//! `kedai sync` as a process against the simulator: killed with SIGKILL at moments spread
//! over its work and restarted, it converges to the platform's state; replies queued with
//! `kedai reply` meanwhile go out exactly once, in order; `kedai sync status` reports.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use kedai_core::{Event, Message, Sender};
use kedai_sim::SimConfig;
use kedai_store::Store;

fn kedai() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kedai"))
}

fn events(log: &str) -> Vec<Event> {
    log.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("an event line"))
        .collect()
}

fn messages(events: &[Event]) -> BTreeMap<(String, String), Message> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(((m.shop.clone(), m.id.clone()), m.clone())),
            _ => None,
        })
        .collect()
}

fn stored(db: &Path) -> BTreeMap<(String, String), Message> {
    let store = Store::open(db).unwrap();
    let mut out = Vec::new();
    store.export(None, &mut out).unwrap();
    messages(&events(&String::from_utf8(out).unwrap()))
}

async fn truth(base: &str) -> BTreeMap<(String, String), Message> {
    let text = reqwest::get(format!("{base}/_sim/events"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    messages(&events(&text))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_random_moments_converges_and_sends_each_reply_once() {
    let config = SimConfig {
        seed: 5,
        // the three shops of `SimConfig::default()`: TikTok Shop MY, Shopee PH, Lazada MY
        speed: 600.0,
        history_days: 10,
        conversations_per_shop: 40,
        live_per_hour: 30.0,
        ..Default::default()
    };
    let h = kedai_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kedai.sqlite");
    let db_arg = db.to_str().unwrap().to_owned();

    // a first complete pass, so there are conversations to reply to
    let first = kedai()
        .args(["sync", "--db", &db_arg, "--from-sim", &base, "--once"])
        .output()
        .unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let convs: Vec<(String, String)> = {
        let mut by_shop: BTreeMap<String, String> = BTreeMap::new();
        for m in stored(&db).values() {
            by_shop.insert(m.shop.clone(), m.conversation.clone());
        }
        by_shop.into_iter().collect()
    };
    assert_eq!(convs.len(), 3);

    // kill -9 at moments spread from 50 ms to 1.2 s after start, queueing replies between
    let mut texts = Vec::new();
    for (round, delay_ms) in [50u64, 700, 150, 1_200, 400, 90].into_iter().enumerate() {
        for (shop, conv) in &convs {
            let text = format!("Reply {round} to {conv} on {shop}");
            let out = kedai()
                .args([
                    "reply",
                    "--db",
                    &db_arg,
                    "--shop",
                    shop,
                    "--conversation",
                    conv,
                ])
                .args(["--text", &text])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            texts.push((shop.clone(), conv.clone(), text));
        }
        let mut child = kedai()
            .args([
                "sync",
                "--db",
                &db_arg,
                "--from-sim",
                &base,
                "--interval-ms",
                "50",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let integrity: String = Store::open(&db)
            .unwrap()
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok", "after kill {round}");
    }

    // converge: the store lies between the platform before and after the last pass
    let before = truth(&base).await;
    let last = kedai()
        .args(["sync", "--db", &db_arg, "--from-sim", &base, "--once"])
        .output()
        .unwrap();
    assert!(
        last.status.success(),
        "{}",
        String::from_utf8_lossy(&last.stderr)
    );
    let got = stored(&db);
    let after = truth(&base).await;
    for (k, m) in &before {
        assert_eq!(got.get(k), Some(m), "message {k:?} is missing or differs");
    }
    for (k, m) in &got {
        assert_eq!(
            after.get(k),
            Some(m),
            "stored message {k:?} is not the platform's"
        );
    }

    // every reply on the platform exactly once, in the order written per conversation
    for (shop, conv) in &convs {
        let mut on_platform: Vec<&Message> = after
            .values()
            .filter(|m| &m.shop == shop && &m.conversation == conv && m.from == Sender::Agent)
            .filter(|m| m.text.as_deref().is_some_and(|t| t.starts_with("Reply ")))
            .collect();
        on_platform.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
        let sent: Vec<&str> = on_platform
            .iter()
            .filter_map(|m| m.text.as_deref())
            .collect();
        let written: Vec<&str> = texts
            .iter()
            .filter(|(s, c, _)| s == shop && c == conv)
            .map(|(_, _, t)| t.as_str())
            .collect();
        assert_eq!(sent, written, "{shop}/{conv}");
    }
    let store = Store::open(&db).unwrap();
    let outbox = store.outbox(None, None).unwrap();
    assert_eq!(outbox.len(), texts.len());
    assert!(outbox.iter().all(|e| e.message_id.is_some()), "{outbox:#?}");

    let status = kedai()
        .args(["sync", "status", "--db", &db_arg])
        .output()
        .unwrap();
    let text = String::from_utf8(status.stdout).unwrap();
    assert!(status.status.success());
    for (shop, _) in &convs {
        assert!(text.contains(shop.as_str()), "{text}");
    }
    h.stop().await;
}
