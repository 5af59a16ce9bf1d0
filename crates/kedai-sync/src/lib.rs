//! Background sync of every connected shop into the store, and the outbox.
//!
//! One tokio task per shop: a pass from the persisted cursor (the first one backfills the
//! last 30 days), each listing page applied with its messages and the advanced cursor in one
//! transaction, then the chats the app asked to open, then the shop's waiting replies, then
//! a wait of one poll interval (or until [`Sync::sync_now`]). A crash at any point resumes
//! from the stored cursor; every write is an upsert keyed by platform id, so a page applied
//! twice changes nothing. Records that cannot be read are quarantined and the rest of their
//! page is applied. Errors back off with jitter; a shop whose tokens are refused shows
//! "needs reconnecting" while the others go on.

pub mod clock;
pub mod config;
mod db;
pub mod secrets;
mod shop;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kedai_connectors::{ClientOptions, Connector, RetryPolicy, Tokens};
use kedai_core::{Platform, Region, Shop};
use rand::Rng;
use serde::Deserialize;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use clock::Clock;
pub use db::Db;
pub use secrets::{Secrets, ShopSecrets};
pub use shop::{Pass, PassReport, ShopCursor};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Wire(#[from] kedai_connectors::Error),
    #[error(transparent)]
    Store(#[from] kedai_store::StoreError),
    #[error("simulator: {0}")]
    Simulator(String),
    #[error("config: {0}")]
    Config(String),
    #[error("secrets: {0}")]
    Secrets(String),
    #[error("conversation `{0}` has not been synced from the platform yet")]
    NotSynced(String),
    #[error("{0}")]
    Corrupt(String),
    #[error("background task: {0}")]
    Task(String),
    #[error("{0} conversation(s) could not be read; they are read again on the next pass")]
    Deferred(usize),
}

impl SyncError {
    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Wire(e) => {
                e.is_retryable()
                    || matches!(
                        e,
                        kedai_connectors::Error::Malformed { .. }
                            | kedai_connectors::Error::AuthExpired
                    )
            }
            SyncError::Store(_)
            | SyncError::NotSynced(_)
            | SyncError::Task(_)
            | SyncError::Deferred(_) => true,
            _ => false,
        }
    }

    /// The platform refused the shop's tokens and a refresh did not help.
    pub fn needs_reconnect(&self) -> bool {
        matches!(self, SyncError::Wire(kedai_connectors::Error::AuthExpired))
    }
}

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Time between passes (default 15 s).
    pub poll_interval: Duration,
    /// How far back the first pass reaches (default 30 days).
    pub backfill: Duration,
    /// The first wait after a failed pass; it doubles, with jitter, up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Overrides the connectors' request timeout and retry policy (tests, slow links).
    pub client: Option<(Duration, RetryPolicy)>,
    /// With [`once`]: how many failed attempts before a shop gives up.
    pub once_attempts: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            poll_interval: Duration::from_secs(15),
            backfill: Duration::from_secs(30 * 86_400),
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            client: None,
            once_attempts: 8,
        }
    }
}

impl SyncOptions {
    pub fn client_options(&self, p: Platform) -> ClientOptions {
        let mut o = ClientOptions::for_platform(p);
        if let Some((timeout, retry)) = &self.client {
            o.timeout = *timeout;
            o.retry = *retry;
        }
        o
    }

    fn backoff(&self, failures: u32) -> Duration {
        let full = self
            .base_backoff
            .saturating_mul(1 << failures.saturating_sub(1).min(16))
            .min(self.max_backoff);
        let jitter = rand::thread_rng().gen_range(0.5..=1.0);
        full.mul_f64(jitter)
    }
}

/// A shop to sync: its declaration, a connected client, and where its tokens are kept.
pub struct ShopLink {
    pub shop: Shop,
    pub connector: Arc<dyn Connector>,
    /// Refreshed tokens are written back here (config shops); `None` for the simulator,
    /// which always lists the current tokens.
    pub secrets: Option<(Secrets, ShopSecrets)>,
}

/// How a shop's sync ended in [`once`].
#[derive(Debug)]
pub struct ShopOutcome {
    pub shop: String,
    pub result: Result<(PassReport, usize), SyncError>,
}

/// The running sync: one task per shop.
pub struct Sync {
    cancel: CancellationToken,
    wake: Vec<Arc<Notify>>,
    tasks: Vec<JoinHandle<()>>,
    db: Db,
    shops: Vec<String>,
}

impl Sync {
    /// Writes the shops into the store and starts one task per shop.
    pub async fn start(
        db: Db,
        links: Vec<ShopLink>,
        clock: Clock,
        options: SyncOptions,
    ) -> Result<Sync, SyncError> {
        declare(&db, &links).await?;
        let cancel = CancellationToken::new();
        let mut wake = Vec::new();
        let mut tasks = Vec::new();
        let mut shops = Vec::new();
        for link in links {
            let notify = Arc::new(Notify::new());
            shops.push(link.shop.shop.clone());
            wake.push(notify.clone());
            let worker = Worker::new(link, db.clone(), clock, options.clone());
            let cancel = cancel.clone();
            tasks.push(tokio::spawn(async move {
                worker.run(notify, cancel).await;
            }));
        }
        Ok(Sync {
            cancel,
            wake,
            tasks,
            db,
            shops,
        })
    }

    /// Connects every shop the simulator at `sim_url` lists and starts syncing them into
    /// the store at `db`, with the simulator's clock as `now`.
    pub async fn start_from_sim(
        db: &Path,
        sim_url: &str,
        options: SyncOptions,
    ) -> Result<Sync, SyncError> {
        let (links, clock) = links_from_sim(sim_url, &options).await?;
        Sync::start(Db::open(db)?, links, clock, options).await
    }

    /// Wakes every shop task now (a reply was queued, an agent asked for a refresh).
    pub fn sync_now(&self) {
        for w in &self.wake {
            w.notify_one();
        }
    }

    pub fn shops(&self) -> &[String] {
        &self.shops
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Stops every task after its current step; nothing half-written is committed.
    pub async fn stop(self) {
        self.cancel.cancel();
        for t in self.tasks {
            let _ = t.await;
        }
    }
}

/// One pass and one outbox round per shop, all shops at once, retrying a failed pass with
/// backoff up to `options.once_attempts` times (`kedai sync --once`).
pub async fn once(
    db: Db,
    links: Vec<ShopLink>,
    clock: Clock,
    options: SyncOptions,
) -> Result<Vec<ShopOutcome>, SyncError> {
    declare(&db, &links).await?;
    let mut tasks = Vec::new();
    for link in links {
        let worker = Worker::new(link, db.clone(), clock, options.clone());
        tasks.push(tokio::spawn(async move { worker.once().await }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.map_err(|e| SyncError::Task(e.to_string()))?);
    }
    Ok(out)
}

async fn declare(db: &Db, links: &[ShopLink]) -> Result<(), SyncError> {
    let shops: Vec<_> = links
        .iter()
        .map(|l| kedai_core::Event::Shop(l.shop.clone()))
        .collect();
    db.call(move |s| s.apply(shops)).await?;
    Ok(())
}

/// One entry of the simulator's `/_sim/shops`.
#[derive(Debug, Deserialize)]
struct SimShop {
    shop: String,
    platform: Platform,
    region: Region,
    tz: String,
    name: String,
    credentials: serde_json::Value,
}

/// Clients for every shop the simulator at `sim_url` lists, and its clock.
pub async fn links_from_sim(
    sim_url: &str,
    options: &SyncOptions,
) -> Result<(Vec<ShopLink>, Clock), SyncError> {
    let base = sim_url.trim_end_matches('/');
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| SyncError::Simulator(e.to_string()))?;
    let url = format!("{base}/_sim/shops");
    let listed: Vec<SimShop> = http
        .get(&url)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| SyncError::Simulator(format!("{url}: {}", e.without_url())))?
        .json()
        .await
        .map_err(|e| SyncError::Simulator(format!("{url}: not a list of shops: {e}")))?;
    let clock = Clock::of_sim(&http, base).await?;
    let mut links = Vec::new();
    for s in listed {
        let tz = s.tz.parse().map_err(|_| {
            SyncError::Simulator(format!("shop `{}`: time zone `{}`", s.shop, s.tz))
        })?;
        let tokens = kedai_connectors::sim::tokens(&s.credentials)?;
        let connector = kedai_connectors::sim::connector(
            base,
            s.platform,
            &s.credentials,
            tokens,
            options.client_options(s.platform),
        )?;
        links.push(ShopLink {
            shop: Shop {
                shop: s.shop,
                platform: s.platform,
                region: s.region,
                tz,
                name: Some(s.name),
                mall: None,
            },
            connector,
            secrets: None,
        });
    }
    Ok((links, clock))
}

/// The task of one shop.
struct Worker {
    sync: shop::ShopSync,
    secrets: Option<(Secrets, ShopSecrets)>,
    saved: Tokens,
}

impl Worker {
    fn new(link: ShopLink, db: Db, clock: Clock, options: SyncOptions) -> Worker {
        let saved = link.connector.tokens();
        Worker {
            sync: shop::ShopSync {
                shop: link.shop.shop,
                connector: link.connector,
                db,
                clock,
                options,
            },
            secrets: link.secrets,
            saved,
        }
    }

    /// A pass, then the outbox (even when the pass failed, unless the tokens were refused).
    async fn step(&mut self) -> Result<(PassReport, usize), SyncError> {
        let pass = self.sync.pass().await;
        // chats the app asked to open (start a chat from an order), before the outbox: a
        // reply queued into one just opened goes out in the same step
        let opened = match &pass {
            Err(e) if e.needs_reconnect() => Ok(0),
            _ => self.sync.open_requests().await,
        };
        let outbox = match (&pass, opened) {
            (Err(e), _) if e.needs_reconnect() => Ok(0),
            (_, Err(e)) => Err(e),
            _ => self.sync.outbox().await,
        };
        // the replies just sent: read their platform copies now, not a poll later
        let outbox = match outbox {
            Ok(n) if n > 0 => self.sync.settle().await.map(|_| n),
            other => other,
        };
        self.keep_tokens();
        // the listing was read to its end: the shop is current, even with conversations to
        // read again (one broken conversation must not make the whole shop look offline)
        let current = matches!(&pass, Ok(_) | Err(SyncError::Deferred(_)));
        let result = match (pass, outbox) {
            (Ok(p), Ok(n)) => Ok((p, n)),
            (Err(e), _) | (_, Err(e)) => Err(e),
        };
        let now = self.sync.clock.now();
        let (error, reconnect) = match &result {
            Ok(_) => (None, false),
            Err(e) => (Some(e.to_string()), e.needs_reconnect()),
        };
        let shop = self.sync.shop.clone();
        if let Err(e) = self
            .sync
            .db
            .call(move |s| s.record_sync_attempt(&shop, now, error.as_deref(), reconnect, current))
            .await
        {
            tracing::warn!(shop = %self.sync.shop, error = %e, "could not record the sync attempt");
        }
        if let Err(e) = &result {
            tracing::info!(shop = %self.sync.shop, kind = error_kind(e), error = %e, "sync step failed");
        }
        result
    }

    /// Writes refreshed tokens back to where they are kept.
    fn keep_tokens(&mut self) {
        let now = self.sync.connector.tokens();
        if now.access == self.saved.access && now.refresh == self.saved.refresh {
            return;
        }
        if let Some((store, secrets)) = &mut self.secrets {
            secrets.insert("access_token".into(), now.access.expose().to_owned());
            secrets.insert("refresh_token".into(), now.refresh.expose().to_owned());
            if let Err(e) = store.set(&self.sync.shop, secrets) {
                tracing::warn!(shop = %self.sync.shop, error = %e, "could not keep refreshed tokens");
                return;
            }
        }
        self.saved = now;
    }

    async fn run(mut self, wake: Arc<Notify>, cancel: CancellationToken) {
        let mut failures = 0u32;
        loop {
            let step = tokio::select! {
                r = self.step() => r,
                _ = cancel.cancelled() => return,
            };
            let wait = match step {
                Ok(_) => {
                    failures = 0;
                    self.sync.options.poll_interval
                }
                Err(e) if e.needs_reconnect() => self.sync.options.poll_interval,
                Err(_) => {
                    failures += 1;
                    self.sync.options.backoff(failures).min(
                        self.sync
                            .options
                            .poll_interval
                            .max(Duration::from_millis(1)),
                    )
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = wake.notified() => {}
                _ = cancel.cancelled() => return,
            }
        }
    }

    async fn once(mut self) -> ShopOutcome {
        let mut failures = 0u32;
        loop {
            match self.step().await {
                Ok(r) => {
                    return ShopOutcome {
                        shop: self.sync.shop.clone(),
                        result: Ok(r),
                    }
                }
                Err(e) => {
                    failures += 1;
                    if !e.is_retryable()
                        || e.needs_reconnect()
                        || failures >= self.sync.options.once_attempts
                    {
                        return ShopOutcome {
                            shop: self.sync.shop.clone(),
                            result: Err(e),
                        };
                    }
                    tokio::time::sleep(self.sync.options.backoff(failures)).await;
                }
            }
        }
    }
}

fn error_kind(e: &SyncError) -> &'static str {
    match e {
        SyncError::Wire(w) => w.kind(),
        SyncError::Store(_) => "store",
        SyncError::Simulator(_) => "simulator",
        SyncError::Config(_) => "config",
        SyncError::Secrets(_) => "secrets",
        SyncError::NotSynced(_) => "not_synced",
        SyncError::Corrupt(_) => "corrupt",
        SyncError::Task(_) => "task",
        SyncError::Deferred(_) => "deferred",
    }
}

/// Sends the log to standard error for the `kedai` and `kedai-desktop` binaries: warnings by
/// default, more with `KEDAI_LOG` (`info`, `kedai_sync=debug`, ...). Nothing in it names a
/// buyer or carries a token.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEDAI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
