//! Settings → Shops → "Connect a shop": the platform's OAuth flow from the app.
//!
//! `connect_shop_start` checks the form, binds the loopback listener and answers at once; a
//! background task builds the platform's authorize URL (a simulator's `/_sim/authorize` when
//! the API base is a simulator), opens it in the system browser (`KEDAI_BROWSER`, a command
//! run with the URL, replaces it for tests), waits for the redirect (5 minutes, or until
//! cancelled), exchanges the code for tokens, keeps the tokens and the app secret in
//! `Secrets::for_db` (never in kedai.toml, never logged), appends the shop's public ids to
//! kedai.toml, then leaves demo mode and syncs the configured shops (`mode::switch`). Each
//! step reaches the UI as a `connect://progress` event; the last one is also kept for a page
//! that reloads (`connect_status`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use kedai_connectors::oauth::{new_state, Callback, LoopbackListener};
use kedai_connectors::{
    ClientOptions, Connector, LazadaConfig, LazadaConnector, ShopeeConfig, ShopeeConnector,
    TiktokConfig, TiktokConnector, Tokens,
};
use kedai_core::{Platform, Region};
use kedai_sync::config::{Config, ShopConfig};
use kedai_sync::secrets::{Secrets, ShopSecrets};
use serde_json::Value;
use tauri::{AppHandle, Emitter, State};
use tokio::sync::oneshot;

use crate::dto::AppError;
use crate::dto_settings::{ConnectProgress, ConnectRequest};
use crate::state::AppState;

type Res<T> = Result<T, AppError>;

/// How long the flow waits for the seller to grant access in the browser.
pub const WAIT: Duration = Duration::from_secs(300);

/// Why a connection failed, as the UI names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `invalid`, `state_mismatch`, `refused`, `timeout`, `cancelled`,
    /// `rejected_code`, `secrets`, `config_not_writable`, `switch`.
    pub reason: &'static str,
    pub message: String,
}

impl Failure {
    fn new(reason: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            reason,
            message: message.into(),
        }
    }
}

/// The form, checked: what the flow needs.
#[derive(Debug, Clone)]
pub struct Plan {
    pub shop: String,
    pub platform: Platform,
    pub region: Region,
    pub tz: String,
    pub name: Option<String>,
    pub app_key: String,
    pub app_secret: String,
    /// The API base the shop is synced from (the platform's, or `api_base`).
    pub base_url: String,
    /// `api_base` as given (a simulator, a sandbox).
    pub custom_base: bool,
}

fn prefix(p: Platform) -> &'static str {
    match p {
        Platform::Tiktok => "tt",
        Platform::Shopee => "sp",
        Platform::Lazada => "lz",
    }
}

/// The platform's production API base, as kedai.toml records it.
fn default_base(p: Platform, region: Region) -> String {
    match p {
        Platform::Tiktok => "https://open-api.tiktokglobalshop.com".into(),
        Platform::Shopee => "https://partner.shopeemobile.com".into(),
        Platform::Lazada => {
            let tld = match region.as_str() {
                "SG" => "sg",
                "TH" => "co.th",
                "PH" => "com.ph",
                "VN" => "vn",
                "ID" => "co.id",
                _ => "com.my",
            };
            format!("https://api.lazada.{tld}")
        }
    }
}

/// Checks the form and picks a shop id not yet used (`tt-my`, `tt-my-2`, …).
pub fn plan(req: &ConnectRequest, taken: &[String]) -> Result<Plan, Failure> {
    let invalid = |m: String| Failure::new("invalid", m);
    let platform: Platform = req
        .platform
        .trim()
        .parse()
        .map_err(|_| invalid(format!("unknown platform `{}`", req.platform)))?;
    let region: Region = req
        .region
        .trim()
        .to_uppercase()
        .parse()
        .map_err(|_| invalid(format!("unknown region `{}`", req.region)))?;
    let tz = req.zone.trim().to_owned();
    if tz.parse::<chrono_tz::Tz>().is_err() {
        return Err(invalid(format!(
            "`{tz}` is not an IANA time zone (e.g. Asia/Kuala_Lumpur)"
        )));
    }
    let app_key = req.app_key.trim().to_owned();
    let app_secret = req.app_secret.trim().to_owned();
    if app_key.is_empty() || app_secret.is_empty() {
        return Err(invalid(
            "the app key and the app secret (Shopee: partner id and partner key) are both needed"
                .into(),
        ));
    }
    if platform == Platform::Shopee && app_key.parse::<u64>().is_err() {
        return Err(invalid("Shopee's partner id is a number".into()));
    }
    let api_base = req
        .api_base
        .as_deref()
        .map(|b| b.trim().trim_end_matches('/').to_owned())
        .filter(|b| !b.is_empty());
    if let Some(b) = &api_base {
        match url::Url::parse(b) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => return Err(invalid(format!("`{b}` is not an http(s) address"))),
        }
    }
    let base = format!("{}-{}", prefix(platform), region.as_str().to_lowercase());
    let shop = std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}-{n}")))
        .find(|id| !taken.contains(id))
        .expect("an unused id");
    Ok(Plan {
        shop,
        platform,
        region,
        tz,
        name: req
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned),
        app_key,
        app_secret,
        custom_base: api_base.is_some(),
        base_url: api_base.unwrap_or_else(|| default_base(platform, region)),
    })
}

/// The simulator's shop the app key belongs to, when `base` is a simulator
/// (`GET /_sim/shops` answers): its local id and credentials.
async fn sim_shop(plan: &Plan) -> Result<Option<(String, Value)>, Failure> {
    if !plan.custom_base {
        return Ok(None);
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| Failure::new("invalid", e.to_string()))?;
    let shops: Vec<Value> = match client
        .get(format!("{}/_sim/shops", plan.base_url))
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => match r.json().await {
            Ok(v) => v,
            Err(_) => return Ok(None),
        },
        Ok(_) => return Ok(None),
        Err(e) => {
            return Err(Failure::new(
                "invalid",
                format!("{} does not answer: {e}", plan.base_url),
            ))
        }
    };
    let key = if plan.platform == Platform::Shopee {
        "partner_id"
    } else {
        "app_key"
    };
    let found = shops.into_iter().find(|s| {
        s["platform"] == plan.platform.as_str()
            && kedai_connectors::sim::credential(&s["credentials"], key)
                .ok()
                .as_deref()
                == Some(plan.app_key.as_str())
    });
    match found {
        Some(s) => Ok(Some((
            s["shop"].as_str().unwrap_or_default().to_owned(),
            s["credentials"].clone(),
        ))),
        None => Err(Failure::new(
            "invalid",
            format!(
                "the simulator at {} has no {} shop with {key} {}",
                plan.base_url, plan.platform, plan.app_key
            ),
        )),
    }
}

fn tiktok_config(plan: &Plan, shop_id: &str, cipher: &str) -> TiktokConfig {
    let mut c = TiktokConfig::at(
        &plan.base_url,
        &plan.app_key,
        &plan.app_secret,
        shop_id,
        cipher,
    );
    if !plan.custom_base {
        c.auth_base_url = "https://auth.tiktok-shops.com".into();
        c.authorize_url = "https://services.tiktokshop.com/open/authorize".into();
    }
    c
}

fn lazada_config(plan: &Plan, seller_id: &str) -> LazadaConfig {
    let mut c = LazadaConfig::at(&plan.base_url, &plan.app_key, &plan.app_secret, seller_id);
    if !plan.custom_base {
        c.auth_base_url = "https://auth.lazada.com/rest".into();
        c.authorize_url = "https://auth.lazada.com/oauth/authorize".into();
    }
    c
}

fn shopee_config(plan: &Plan, shop_id: u64) -> ShopeeConfig {
    ShopeeConfig {
        base_url: plan.base_url.clone(),
        partner_id: plan.app_key.parse().unwrap_or_default(),
        partner_key: plan.app_secret.as_str().into(),
        shop_id,
    }
}

/// The page where the seller grants access.
fn authorize_url(
    plan: &Plan,
    sim: Option<&(String, Value)>,
    redirect: &str,
    state: &str,
) -> Result<String, Failure> {
    let bad = |e: kedai_connectors::Error| Failure::new("invalid", e.to_string());
    let options = ClientOptions::for_platform(plan.platform);
    if let Some((local, _)) = sim {
        let u = url::Url::parse_with_params(
            &format!("{}/_sim/authorize", plan.base_url),
            &[
                ("platform", plan.platform.as_str()),
                ("shop", local.as_str()),
                ("redirect_uri", redirect),
                ("state", state),
            ],
        )
        .map_err(|e| Failure::new("invalid", e.to_string()))?;
        return Ok(u.into());
    }
    let u = match plan.platform {
        Platform::Tiktok => {
            TiktokConnector::new(tiktok_config(plan, "", ""), Tokens::default(), options)
                .and_then(|c| c.authorize_url(state))
        }
        // Shopee has no `state` parameter: it rides in the redirect address.
        Platform::Shopee => {
            ShopeeConnector::new(shopee_config(plan, 0), Tokens::default(), options)
                .and_then(|c| c.authorize_url(&format!("{redirect}?state={state}")))
        }
        Platform::Lazada => {
            LazadaConnector::new(lazada_config(plan, ""), Tokens::default(), options)
                .and_then(|c| c.authorize_url(redirect, state))
        }
    }
    .map_err(bad)?;
    Ok(u.into())
}

/// Exchanges the code; answers the tokens and the shop's public ids for kedai.toml.
async fn exchange(
    plan: &Plan,
    sim: Option<&(String, Value)>,
    cb: &Callback,
) -> Result<(Tokens, BTreeMap<String, toml::Value>), Failure> {
    let rejected = |e: kedai_connectors::Error| {
        Failure::new(
            "rejected_code",
            format!("the platform rejected the code: {e}"),
        )
    };
    let sim_cred = |k: &str| sim.and_then(|(_, c)| kedai_connectors::sim::credential(c, k).ok());
    let s = |v: &str| toml::Value::String(v.to_owned());
    let options = ClientOptions::for_platform(plan.platform);
    match plan.platform {
        Platform::Tiktok => {
            let c = TiktokConnector::new(tiktok_config(plan, "", ""), Tokens::default(), options)
                .map_err(rejected)?;
            let tokens = c.exchange_code(&cb.code).await.map_err(rejected)?;
            let cipher = kedai_connectors::tiktok::authorized_shop_cipher(&c)
                .await
                .map_err(|e| {
                    Failure::new(
                        "rejected_code",
                        format!("the authorized shop is unknown: {e}"),
                    )
                })?
                .ok_or_else(|| {
                    Failure::new("rejected_code", "the platform lists no authorized shop")
                })?;
            let shop_id = sim_cred("shop_id").unwrap_or_else(|| cipher.clone());
            let creds = [
                ("app_key", s(&plan.app_key)),
                ("shop_id", s(&shop_id)),
                ("shop_cipher", s(&cipher)),
            ];
            Ok((
                tokens,
                creds.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ))
        }
        Platform::Shopee => {
            let shop_id: u64 = cb
                .shop_id
                .as_deref()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    Failure::new("rejected_code", "Shopee's redirect named no shop_id")
                })?;
            let c = ShopeeConnector::new(shopee_config(plan, shop_id), Tokens::default(), options)
                .map_err(rejected)?;
            let tokens = c.exchange_code(&cb.code).await.map_err(rejected)?;
            let partner: i64 = plan.app_key.parse().unwrap_or_default();
            let creds = [
                ("partner_id", toml::Value::Integer(partner)),
                ("shop_id", toml::Value::Integer(shop_id as i64)),
            ];
            Ok((
                tokens,
                creds.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ))
        }
        Platform::Lazada => {
            // Lazada's seller id only names the shop's request budget; the token answers for
            // the seller who granted access.
            let seller = sim_cred("seller_id").unwrap_or_else(|| plan.shop.clone());
            let c = LazadaConnector::new(lazada_config(plan, &seller), Tokens::default(), options)
                .map_err(rejected)?;
            let tokens = c.exchange_code(&cb.code).await.map_err(rejected)?;
            let creds = [("app_key", s(&plan.app_key)), ("seller_id", s(&seller))];
            Ok((
                tokens,
                creds.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            ))
        }
    }
}

/// What the flow writes to and how it waits.
pub struct Target {
    pub config: PathBuf,
    pub secrets: Secrets,
    pub timeout: Duration,
}

/// Sorts a listener error into the UI's reasons.
fn callback_failure(e: kedai_connectors::Error) -> Failure {
    let m = e.to_string();
    let reason = if m.contains("state does not match") {
        "state_mismatch"
    } else if m.contains("in time") {
        "timeout"
    } else if m.contains("refused") {
        "refused"
    } else {
        "rejected_code"
    };
    let message = match reason {
        "state_mismatch" => "the redirect did not carry the state Kedai sent (not the authorization this app started); start again".to_owned(),
        "timeout" => "no answer from the browser in time; start again".to_owned(),
        _ => m,
    };
    Failure::new(reason, message)
}

/// The whole flow after the form was checked: authorize in the browser, exchange, keep the
/// secrets, append the shop to the config. `progress` sees each stage; `browser` is handed
/// the authorize URL. On failure nothing is left behind (secrets taken out again).
pub async fn run(
    plan: &Plan,
    target: &Target,
    browser: impl FnOnce(&str) -> Result<(), String>,
    cancel: oneshot::Receiver<()>,
    progress: impl Fn(&str, String, Option<String>),
) -> Result<(), Failure> {
    let sim = sim_shop(plan).await?;
    let listener = LoopbackListener::bind()
        .await
        .map_err(|e| Failure::new("invalid", e.to_string()))?;
    let state = new_state();
    let url = authorize_url(plan, sim.as_ref(), &listener.redirect_uri(), &state)?;
    progress(
        "waiting_for_browser",
        "Waiting for you to grant access in the browser…".into(),
        Some(url.clone()),
    );
    if let Err(e) = browser(&url) {
        progress(
            "waiting_for_browser",
            format!("No browser opened ({e}): open the address below by hand."),
            Some(url.clone()),
        );
    }
    let cb = tokio::select! {
        r = listener.wait(&state, target.timeout) => r.map_err(callback_failure)?,
        _ = cancel => return Err(Failure::new("cancelled", "cancelled")),
    };
    progress("exchanging", "Exchanging the code for tokens…".into(), None);
    let (tokens, credentials) = exchange(plan, sim.as_ref(), &cb).await?;
    let secret_name = if plan.platform == Platform::Shopee {
        "partner_key"
    } else {
        "app_secret"
    };
    let secrets: ShopSecrets = [
        (secret_name, plan.app_secret.clone()),
        ("access_token", tokens.access.expose().to_owned()),
        ("refresh_token", tokens.refresh.expose().to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let store = target.secrets.clone();
    let shop = plan.shop.clone();
    tokio::task::spawn_blocking(move || store.set(&shop, &secrets))
        .await
        .map_err(|e| Failure::new("secrets", e.to_string()))?
        .map_err(|e| Failure::new("secrets", e.to_string()))?;
    let new = ShopConfig {
        id: plan.shop.clone(),
        platform: plan.platform,
        region: plan.region,
        tz: plan.tz.clone(),
        name: plan.name.clone(),
        base_url: plan.base_url.clone(),
        credentials,
    };
    if let Err(e) = Config::append_shop(&target.config, &new) {
        let _ = target.secrets.remove(&plan.shop);
        return Err(Failure::new("config_not_writable", e.to_string()));
    }
    tracing::info!(shop = %plan.shop, platform = %plan.platform, "shop connected");
    Ok(())
}

/// Opens `url` in the system browser, or with the command in `KEDAI_BROWSER` (tests).
pub fn open_browser(url: &str) -> Result<(), String> {
    let configured = std::env::var("KEDAI_BROWSER")
        .ok()
        .filter(|c| !c.trim().is_empty());
    let mut cmd = match configured {
        Some(c) => {
            let mut parts = c.split_whitespace();
            let mut cmd = std::process::Command::new(parts.next().unwrap_or_default());
            cmd.args(parts);
            cmd
        }
        None if cfg!(target_os = "macos") => std::process::Command::new("open"),
        None if cfg!(windows) => {
            let mut c = std::process::Command::new("cmd");
            c.args(["/C", "start", ""]);
            c
        }
        None => std::process::Command::new("xdg-open"),
    };
    let mut child = cmd
        .arg(url)
        .stdin(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// The running flow's cancel switch.
static RUNNING: Mutex<Option<oneshot::Sender<()>>> = Mutex::new(None);
/// The last progress, for a page opened (or reloaded) after it was sent.
static LAST: Mutex<Option<ConnectProgress>> = Mutex::new(None);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn report(app: &AppHandle, p: ConnectProgress) {
    *lock(&LAST) = Some(p.clone());
    let _ = app.emit("connect://progress", p);
}

/// Ids already used: the config's shops and (with real shops open) the file's. The demo
/// file's simulated shops do not count: the new shop goes into the real file.
async fn taken_ids(state: &AppState, config: &Path) -> Vec<String> {
    let mut ids: Vec<String> = Config::load(config)
        .map(|c| c.shops.into_iter().map(|s| s.id).collect())
        .unwrap_or_default();
    if state.demo() {
        return ids;
    }
    if let Ok(Ok(shops)) = state.db.call(|s| s.shops()).await {
        ids.extend(shops.into_iter().map(|(s, _)| s.shop));
    }
    ids
}

/// The file the connected shops sync into: kedai.db in the data directory when leaving demo
/// mode, else the file open now (kedai.db, or the one `--db` named). Its secrets store is
/// the one the sync reads (`Secrets::for_db`).
async fn real_file(state: &AppState, dir: &Path) -> PathBuf {
    if state.demo() {
        return crate::mode::real_db(dir);
    }
    match state.db.call(|s| s.file_path()).await {
        Ok(Some(p)) => PathBuf::from(p),
        _ => crate::mode::real_db(dir),
    }
}

fn app_err(f: Failure) -> AppError {
    AppError::new(f.reason, f.message)
}

/// Starts connecting a shop; answers the shop id it will have. Progress follows as
/// `connect://progress` events.
#[tauri::command]
pub async fn connect_shop_start(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ConnectRequest,
) -> Res<String> {
    let dir = crate::mode::data_dir().map_err(|e| AppError::new("internal", e.to_string()))?;
    let config = crate::sync::config_target(&dir);
    let plan = plan(&request, &taken_ids(&state, &config).await).map_err(app_err)?;
    let (cancel_tx, cancel) = oneshot::channel();
    {
        let mut running = lock(&RUNNING);
        if running.as_ref().is_some_and(|t| !t.is_closed()) {
            return Err(AppError::new(
                "busy",
                "a connection is already waiting for the browser: cancel it first",
            ));
        }
        *running = Some(cancel_tx);
    }
    let target = Target {
        config,
        secrets: Secrets::for_db(&real_file(&state, &dir).await),
        timeout: std::env::var("KEDAI_CONNECT_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(WAIT),
    };
    let state = state.inner().clone();
    let shop = plan.shop.clone();
    tauri::async_runtime::spawn(async move {
        let progress = |stage: &str, message: String, url: Option<String>| {
            report(&app, ConnectProgress::new(&plan, stage, message, url, None))
        };
        let outcome = run(&plan, &target, open_browser, cancel, &progress).await;
        let outcome = match outcome {
            Ok(()) => {
                progress("exchanging", "Connected; leaving demo mode…".into(), None);
                crate::mode::switch(&app, &state, false).await.map_err(|e| {
                    Failure::new(
                        "switch",
                        format!("connected, but the switch to the real shops failed: {e:#}"),
                    )
                })
            }
            Err(f) => Err(f),
        };
        lock(&RUNNING).take();
        let done = match outcome {
            Ok(()) => ConnectProgress::new(
                &plan,
                "connected",
                format!(
                    "Connected {}: its chats sync into {} (secrets in {}).",
                    plan.name.as_deref().unwrap_or(&plan.shop),
                    real_file(&state, &crate::mode::data_dir().unwrap_or_default())
                        .await
                        .display(),
                    target.secrets.describe()
                ),
                None,
                None,
            ),
            Err(f) => {
                tracing::warn!(shop = %plan.shop, reason = f.reason, "shop not connected");
                let stage = if f.reason == "cancelled" {
                    "cancelled"
                } else {
                    "failed"
                };
                ConnectProgress::new(&plan, stage, f.message, None, Some(f.reason.into()))
            }
        };
        report(&app, done);
    });
    Ok(shop)
}

/// Stops waiting for the browser.
#[tauri::command]
pub fn connect_shop_cancel() -> Res<bool> {
    Ok(lock(&RUNNING).take().is_some_and(|t| t.send(()).is_ok()))
}

/// The last progress of a connection (none since the app started: `null`).
#[tauri::command]
pub fn connect_status() -> Res<Option<ConnectProgress>> {
    Ok(lock(&LAST).clone())
}

/// Demo data on (the simulator's shops in demo.db) or off (the real shops in kedai.db).
#[tauri::command]
pub async fn set_demo(app: AppHandle, state: State<'_, AppState>, on: bool) -> Res<bool> {
    crate::mode::switch(&app, &state, on)
        .await
        .map_err(|e| AppError::new("switch", format!("{e:#}")))?;
    Ok(state.demo())
}

/// Takes a shop out of kedai.toml and forgets its secrets; its synced history stays in the
/// file. With real shops the sync restarts without it.
#[tauri::command]
pub async fn disconnect_shop(
    app: AppHandle,
    state: State<'_, AppState>,
    shop: String,
) -> Res<bool> {
    let dir = crate::mode::data_dir().map_err(|e| AppError::new("internal", e.to_string()))?;
    let config = crate::sync::config_target(&dir);
    let listed = Config::remove_shop(&config, &shop)
        .map_err(|e| AppError::new("config_not_writable", e.to_string()))?;
    let secrets = Secrets::for_db(&real_file(&state, &dir).await);
    let s2 = shop.clone();
    tokio::task::spawn_blocking(move || secrets.remove(&s2))
        .await
        .map_err(|e| AppError::new("secrets", e.to_string()))?
        .map_err(|e| AppError::new("secrets", e.to_string()))?;
    if listed && !state.demo() {
        crate::mode::switch(&app, &state, false)
            .await
            .map_err(|e| AppError::new("switch", format!("{e:#}")))?;
    }
    Ok(listed)
}

#[cfg(test)]
mod tests;
