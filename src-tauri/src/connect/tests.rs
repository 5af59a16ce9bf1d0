//! The connect flow against the in-process simulator, with a fake browser (reqwest following
//! the simulator's redirect to the loopback listener) and the secrets file fallback.

use std::time::Duration;

use kedai_sim::{SimConfig, SimHandle};
use kedai_sync::{Sync, SyncOptions};

use super::*;

async fn sim() -> SimHandle {
    let config = SimConfig {
        seed: 23,
        speed: 0.0,
        conversations_per_shop: 4,
        live_per_hour: 0.0,
        ..SimConfig::default()
    };
    kedai_sim::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

/// The form a seller fills for the simulator's shop of `platform` (its app key and secret).
async fn form(base: &str, platform: &str) -> ConnectRequest {
    let shops: Vec<Value> = reqwest::get(format!("{base}/_sim/shops"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let s = shops
        .iter()
        .find(|s| s["platform"] == platform)
        .expect("a shop of the platform");
    let c = &s["credentials"];
    let cred = |k| kedai_connectors::sim::credential(c, k).unwrap();
    let (key, secret) = if platform == "shopee" {
        (cred("partner_id"), cred("partner_key"))
    } else {
        (cred("app_key"), cred("app_secret"))
    };
    ConnectRequest {
        platform: platform.into(),
        region: s["region"].as_str().unwrap().into(),
        zone: s["tz"].as_str().unwrap().into(),
        name: Some(format!("My {platform} shop")),
        app_key: key,
        app_secret: secret,
        api_base: Some(format!("{base}/")),
    }
}

struct Dir {
    _tmp: tempfile::TempDir,
    target: Target,
    db: PathBuf,
}

fn dir(timeout: Duration) -> Dir {
    let tmp = tempfile::tempdir().unwrap();
    let target = Target {
        config: tmp.path().join("kedai.toml"),
        secrets: Secrets::File(tmp.path().join("kedai-secrets.json")),
        timeout,
    };
    Dir {
        db: tmp.path().join("kedai.db"),
        target,
        _tmp: tmp,
    }
}

/// A browser that follows the authorize page's redirect to the loopback listener.
fn following_browser(url: &str) -> Result<(), String> {
    let url = url.to_owned();
    tokio::spawn(async move {
        let page = reqwest::get(url).await.unwrap();
        assert_eq!(page.status(), 200, "the listener's page");
    });
    Ok(())
}

/// A browser that calls the listener itself with `code` and `state` (None: the one sent).
fn forging_browser(
    code: &'static str,
    state: Option<&'static str>,
) -> impl FnOnce(&str) -> Result<(), String> {
    move |url: &str| {
        let u = url::Url::parse(url).unwrap();
        let q = |k: &str| {
            u.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        let redirect = q("redirect_uri").unwrap();
        let sent = q("state").unwrap();
        let state = state.map(str::to_owned).unwrap_or(sent);
        tokio::spawn(async move {
            let _ = reqwest::get(format!("{redirect}?code={code}&state={state}")).await;
        });
        Ok(())
    }
}

async fn connect(
    req: &ConnectRequest,
    d: &Dir,
    browser: impl FnOnce(&str) -> Result<(), String>,
) -> (Result<Plan, Failure>, Result<(), Failure>, Vec<String>) {
    let taken = Config::load(&d.target.config)
        .map(|c| c.shops.into_iter().map(|s| s.id).collect::<Vec<_>>())
        .unwrap_or_default();
    let plan = match plan(req, &taken) {
        Ok(p) => p,
        Err(f) => return (Err(f.clone()), Err(f), vec![]),
    };
    let (_keep, cancel) = oneshot::channel();
    let stages = std::sync::Mutex::new(Vec::new());
    let r = run(&plan, &d.target, browser, cancel, |stage, _, _| {
        stages.lock().unwrap().push(stage.to_owned())
    })
    .await;
    (Ok(plan), r, stages.into_inner().unwrap())
}

/// Each platform: the flow stores the tokens and the app secret through `Secrets`, writes
/// the shop's public ids (and no secret) to kedai.toml, and the configured shop syncs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shop_connected_through_the_browser_is_configured_and_syncs() {
    let h = sim().await;
    let base = h.base_url();
    let d = dir(Duration::from_secs(30));
    std::fs::write(
        &d.target.config,
        "# hand written\n[sync]\npoll_interval_secs = 1\n",
    )
    .unwrap();
    let mut connected = Vec::new();
    for platform in ["tiktok", "shopee", "lazada"] {
        let req = form(&base, platform).await;
        let (plan, outcome, stages) = connect(&req, &d, following_browser).await;
        outcome.unwrap_or_else(|f| panic!("{platform}: {f:?}"));
        let plan = plan.unwrap();
        assert_eq!(stages, ["waiting_for_browser", "exchanging"], "{platform}");
        let kept = d
            .target
            .secrets
            .get(&plan.shop)
            .unwrap()
            .expect("secrets kept");
        let secret_name = if platform == "shopee" {
            "partner_key"
        } else {
            "app_secret"
        };
        assert_eq!(kept[secret_name], req.app_secret, "{platform}");
        assert!(!kept["access_token"].is_empty() && !kept["refresh_token"].is_empty());
        let text = std::fs::read_to_string(&d.target.config).unwrap();
        assert!(text.starts_with("# hand written\n[sync]\npoll_interval_secs = 1\n"));
        for v in kept.values() {
            assert!(
                !text.contains(v.as_str()),
                "{platform}: a secret in kedai.toml"
            );
        }
        connected.push(plan.shop);
    }
    let config = Config::load(&d.target.config).unwrap();
    let ids: Vec<&str> = config.shops.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["tt-my", "sp-ph", "lz-my"]);
    assert_eq!(config.shops[0].name.as_deref(), Some("My tiktok shop"));

    // The configured shops sync from the simulator with the stored tokens.
    let options = config.options();
    let links = config.links(&d.target.secrets, &options).unwrap();
    let sync = Sync::start(
        kedai_sync::Db::open(&d.db).unwrap(),
        links,
        kedai_sync::Clock::Wall,
        SyncOptions {
            poll_interval: Duration::from_millis(200),
            ..options
        },
    )
    .await
    .unwrap();
    let store = kedai_store::Store::open(&d.db).unwrap();
    let mut synced = Vec::new();
    for _ in 0..300 {
        synced = connected
            .iter()
            .filter(|shop| {
                store
                    .inbox_counts(Some(shop.as_str()), h.now())
                    .map(|c| c[0].1 > 0)
                    .unwrap_or(false)
            })
            .cloned()
            .collect();
        if synced.len() == connected.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    sync.stop().await;
    assert_eq!(synced, connected, "every connected shop has its chats");
    let health = store.sync_health(h.now()).unwrap();
    assert!(
        health
            .iter()
            .all(|s| s.last_error.is_none() && !s.needs_reconnect),
        "{health:?}"
    );
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_says_why_and_leaves_nothing_behind() {
    let h = sim().await;
    let base = h.base_url();
    let req = form(&base, "lazada").await;

    // a redirect with another state: not the authorization this app started
    let d = dir(Duration::from_secs(30));
    let (_, r, _) = connect(&req, &d, forging_browser("x", Some("0000"))).await;
    assert_eq!(r.unwrap_err().reason, "state_mismatch");
    // the platform refuses a code it did not issue
    let (_, r, stages) = connect(&req, &d, forging_browser("lazada-code-bogus", None)).await;
    let f = r.unwrap_err();
    assert_eq!(f.reason, "rejected_code", "{f:?}");
    assert_eq!(stages, ["waiting_for_browser", "exchanging"]);
    // nobody comes back
    let quick = dir(Duration::from_millis(300));
    let (_, r, _) = connect(&req, &quick, |_: &str| Ok(())).await;
    assert_eq!(r.unwrap_err().reason, "timeout");
    assert!(!d.target.config.exists() && !quick.target.config.exists());
    assert_eq!(d.target.secrets.get("lz-my").unwrap(), None);

    // a config file that does not parse: named, left as it was, the secrets taken out again
    std::fs::write(&d.target.config, "[[shop]\nbroken").unwrap();
    let (_, r, _) = connect(&req, &d, following_browser).await;
    let f = r.unwrap_err();
    assert_eq!(f.reason, "config_not_writable");
    assert!(
        f.message.contains(&d.target.config.display().to_string()),
        "{f:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&d.target.config).unwrap(),
        "[[shop]\nbroken"
    );
    assert_eq!(d.target.secrets.get("lz-my").unwrap(), None);

    // cancelled while waiting
    let p = plan(&req, &[]).unwrap();
    let (tx, cancel) = oneshot::channel();
    tx.send(()).unwrap();
    let f = run(&p, &d.target, |_: &str| Ok(()), cancel, |_, _, _| {})
        .await
        .unwrap_err();
    assert_eq!(f.reason, "cancelled");

    // an app key the simulator does not know
    let mut wrong = req.clone();
    wrong.app_key = "nobody".into();
    let (_, r, _) = connect(&wrong, &dir(Duration::from_secs(5)), following_browser).await;
    let f = r.unwrap_err();
    assert!(f.message.contains("no lazada shop"), "{f:?}");
    h.stop().await;
}

#[test]
fn the_form_is_checked_before_anything_starts() {
    let req = ConnectRequest {
        platform: "lazada".into(),
        region: "my".into(),
        zone: "Asia/Kuala_Lumpur".into(),
        name: Some("  ".into()),
        app_key: "k".into(),
        app_secret: "s".into(),
        api_base: None,
    };
    let p = plan(&req, &["lz-my".into()]).unwrap();
    assert_eq!(p.shop, "lz-my-2", "an unused id");
    assert_eq!(p.name, None);
    assert_eq!(p.base_url, "https://api.lazada.com.my");
    let bad = |f: fn(&mut ConnectRequest)| {
        let mut r = req.clone();
        f(&mut r);
        plan(&r, &[]).unwrap_err().message
    };
    assert!(bad(|r| r.zone = "Mars/Olympus".into()).contains("IANA"));
    assert!(bad(|r| r.platform = "ebay".into()).contains("unknown platform"));
    assert!(bad(|r| r.app_secret = " ".into()).contains("app secret"));
    assert!(bad(|r| {
        r.platform = "shopee".into();
        r.app_key = "abc".into()
    })
    .contains("partner id is a number"));
    assert!(bad(|r| r.api_base = Some("ftp://x".into())).contains("http"));
}

/// The real platforms' authorize pages, with the loopback redirect and the state.
#[test]
fn the_real_authorize_pages_carry_the_redirect_and_state() {
    let req = |platform: &str, key: &str| ConnectRequest {
        platform: platform.into(),
        region: "MY".into(),
        zone: "Asia/Kuala_Lumpur".into(),
        name: None,
        app_key: key.into(),
        app_secret: "s".into(),
        api_base: None,
    };
    let redirect = "http://127.0.0.1:5000/callback";
    let lz = authorize_url(
        &plan(&req("lazada", "k1"), &[]).unwrap(),
        None,
        redirect,
        "st",
    )
    .unwrap();
    assert!(
        lz.starts_with("https://auth.lazada.com/oauth/authorize?"),
        "{lz}"
    );
    assert!(
        lz.contains("client_id=k1") && lz.contains("state=st"),
        "{lz}"
    );
    let tt = authorize_url(
        &plan(&req("tiktok", "k2"), &[]).unwrap(),
        None,
        redirect,
        "st",
    )
    .unwrap();
    assert!(
        tt.starts_with("https://services.tiktokshop.com/open/authorize?"),
        "{tt}"
    );
    let sp = authorize_url(
        &plan(&req("shopee", "77"), &[]).unwrap(),
        None,
        redirect,
        "st",
    )
    .unwrap();
    assert!(
        sp.starts_with("https://partner.shopeemobile.com/api/v2/shop/auth_partner?"),
        "{sp}"
    );
    assert!(
        sp.contains("state%3Dst"),
        "the state rides in the redirect: {sp}"
    );
}
