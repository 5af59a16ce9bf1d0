//! Real-shop mode: `kedai sync --config` with the shops' public identifiers in `kedai.toml`
//! and their secrets set with `kedai secret set` (the 0600 file where no keyring answers, as
//! in CI). Tokens expire between runs; each run refreshes them and keeps the new ones, so the
//! next run (the platform has rotated the old refresh token away) still syncs.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use kedai_sim::SimConfig;
use serde_json::{Map, Value};

const SECRET_NAMES: [&str; 4] = ["app_secret", "partner_key", "access_token", "refresh_token"];

/// `kedai` with no session bus, so secrets go to the file beside the database.
fn kedai() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kedai"));
    c.env_remove("DBUS_SESSION_BUS_ADDRESS");
    c
}

async fn shops(base: &str) -> Vec<Value> {
    reqwest::get(format!("{base}/_sim/shops"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn toml_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        other => panic!("a credential of an unexpected shape: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refreshed_tokens_are_kept_and_the_next_run_uses_them() {
    let h = kedai_sim::start(
        SimConfig {
            seed: 31,
            // the three shops of `SimConfig::default()`: TikTok Shop MY, Shopee PH, Lazada MY
            speed: 0.0,
            history_days: 7,
            conversations_per_shop: 8,
            token_ttl: Some(Duration::from_secs(1)),
            ..Default::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let base = h.base_url();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("kedai.sqlite");
    let db_arg = db.to_str().unwrap();
    let config = dir.path().join("kedai.toml");

    // kedai.toml: public identifiers only; the secrets through `kedai secret set`
    let mut toml = String::from("[sync]\nbackfill_days = 30\n");
    let first = shops(&base).await;
    for s in &first {
        let creds = s["credentials"].as_object().unwrap();
        let public: Vec<String> = creds
            .iter()
            .filter(|(k, _)| !SECRET_NAMES.contains(&k.as_str()))
            .map(|(k, v)| format!("{k} = {}", toml_value(v)))
            .collect();
        toml.push_str(&format!(
            "\n[[shop]]\nid = {:?}\nplatform = {:?}\nregion = {:?}\ntz = {:?}\nbase_url = {:?}\ncredentials = {{ {} }}\n",
            s["shop"].as_str().unwrap(),
            s["platform"].as_str().unwrap(),
            s["region"].as_str().unwrap(),
            s["tz"].as_str().unwrap(),
            base,
            public.join(", ")
        ));
        let secret: Map<String, Value> = creds
            .iter()
            .filter(|(k, _)| SECRET_NAMES.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), Value::String(v.as_str().unwrap().to_owned())))
            .collect();
        let mut child = kedai()
            .args(["secret", "set", s["shop"].as_str().unwrap(), "--db", db_arg])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(Value::Object(secret).to_string().as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
    }
    std::fs::write(&config, toml).unwrap();
    let file = dir.path().join("kedai-secrets.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the secrets file is the owner's alone");
    }

    for run in 0..3 {
        tokio::time::sleep(Duration::from_millis(1_500)).await; // every access token expires
        let out = kedai()
            .args(["sync", "--db", db_arg, "--config"])
            .arg(&config)
            .arg("--once")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "run {run}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // what the file keeps is what the platform holds now
        let kept: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for s in shops(&base).await {
            let shop = s["shop"].as_str().unwrap();
            for k in ["access_token", "refresh_token"] {
                assert_eq!(
                    kept[shop][k],
                    s["credentials"][k],
                    "run {run}: {shop} {k}\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        }
    }
    let now: Value = serde_json::from_value(Value::Array(shops(&base).await)).unwrap();
    for (a, b) in first.iter().zip(now.as_array().unwrap()) {
        assert_ne!(
            a["credentials"]["refresh_token"], b["credentials"]["refresh_token"],
            "the tokens were refreshed"
        );
    }
    let status = kedai()
        .args(["sync", "status", "--db", db_arg, "--json"])
        .output()
        .unwrap();
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    for s in status["shops"].as_array().unwrap() {
        assert!(s["last_success"].is_string(), "{s}");
        assert_eq!(s["needs_reconnect"], false);
        assert!(
            !String::from_utf8_lossy(&std::fs::read(&db).unwrap())
                .contains(first[0]["credentials"]["access_token"].as_str().unwrap()),
            "no token in the database"
        );
    }
    h.stop().await;
}
