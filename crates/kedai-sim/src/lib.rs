//! The marketplace simulator: TikTok Shop, Shopee and Lazada chat APIs on one port under
//! their real path layouts, as `crates/kedai-connectors/WIRE.md` fixes them, over a seeded
//! ground truth of `kedai_core::Event`s, with faults on demand.
//!
//! ```no_run
//! # async fn demo() -> Result<(), kedai_sim::SimError> {
//! let sim = kedai_sim::start(kedai_sim::SimConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! println!("{}", sim.base_url());
//! sim.stop().await;
//! # Ok(()) }
//! ```

mod admin;
mod common;
mod faults;
pub mod generate;
mod http;
mod lazada;
mod live;
mod perf;
mod phrases;
mod script;
mod shopee;
pub mod sign;
mod state;
mod tiktok;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use faults::{Fault, FaultShares};
pub use kedai_core::{Platform, Region};
pub use state::Credentials;

/// What the simulator generates and how it behaves.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub seed: u64,
    /// One shop per entry; ids like `tt-my`, `sp-ph`, `lz-my`.
    pub shops: Vec<(Platform, Region)>,
    /// Sim seconds per wall second; 0 freezes the clock (and live traffic).
    pub speed: f64,
    pub history_days: u32,
    pub conversations_per_shop: u32,
    /// The sim's start instant; `None` = wall now. Cut to whole seconds.
    pub start: Option<DateTime<Utc>>,
    pub faults: BTreeMap<Platform, FaultShares>,
    /// New buyer messages per shop per sim hour while the clock runs.
    pub live_per_hour: f64,
    /// How long a `slow` fault holds the response.
    pub slow_delay: Duration,
    /// `Retry-After` of a `rate_limit` fault, in seconds.
    pub retry_after_secs: u32,
    /// Access-token lifetime in wall time; `None` = the platform's (TikTok 7 d, Shopee 4 h,
    /// Lazada 7 d).
    pub token_ttl: Option<Duration>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 1,
            shops: vec![
                (Platform::Tiktok, Region::MY),
                (Platform::Shopee, Region::PH),
                (Platform::Lazada, Region::MY),
            ],
            speed: 1.0,
            history_days: 30,
            conversations_per_shop: 60,
            start: None,
            faults: BTreeMap::new(),
            live_per_hour: 12.0,
            slow_delay: Duration::from_secs(2),
            retry_after_secs: 1,
            token_ttl: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid simulator configuration: {0}")]
    Config(String),
}

/// A simulated shop with its credentials, as `GET /_sim/shops` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimShop {
    pub shop: String,
    pub platform: Platform,
    pub region: Region,
    pub tz: String,
    pub name: String,
    pub credentials: Credentials,
}

/// A running simulator; dropping it stops the server and the live traffic.
pub struct SimHandle {
    sim: Arc<state::Sim>,
    addr: SocketAddr,
    cancel: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
}

fn validate(config: &SimConfig) -> Result<(), SimError> {
    if !config.speed.is_finite() || config.speed < 0.0 {
        return Err(SimError::Config("speed must be 0 or more".into()));
    }
    if !config.live_per_hour.is_finite() || config.live_per_hour < 0.0 {
        return Err(SimError::Config("live_per_hour must be 0 or more".into()));
    }
    if !(1..=3650).contains(&config.history_days) {
        return Err(SimError::Config("history_days must be 1 to 3650".into()));
    }
    if config
        .token_ttl
        .is_some_and(|t| t > Duration::from_secs(10 * 365 * 86400))
    {
        return Err(SimError::Config(
            "token_ttl must be at most 10 years".into(),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (p, r) in &config.shops {
        if !seen.insert((*p, *r)) {
            return Err(SimError::Config(format!("shop {p}:{r} is listed twice")));
        }
    }
    for (p, shares) in &config.faults {
        shares
            .validate()
            .map_err(|e| SimError::Config(format!("{p} faults: {e}")))?;
    }
    Ok(())
}

/// Generates the world and serves it on `addr` (`127.0.0.1:0` picks a port).
pub async fn start(config: SimConfig, addr: SocketAddr) -> Result<SimHandle, SimError> {
    validate(&config)?;
    let start = config.start.unwrap_or_else(Utc::now).trunc_subsecs(0);
    let world = generate::world(&config, start);
    let sim = Arc::new(state::Sim {
        clock: state::Clock::new(start, config.speed),
        faults: faults::FaultBook::new(config.seed, &config.faults),
        world: std::sync::RwLock::new(world),
        requests: std::sync::atomic::AtomicU64::new(0),
        live: std::sync::atomic::AtomicBool::new(true),
        config,
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| SimError::Bind { addr, source })?;
    let cancel = CancellationToken::new();
    let app: Router = admin::routes()
        .fallback(http::dispatch)
        .with_state(sim.clone());
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let shutdown = cancel.clone().cancelled_owned();
    let mut tasks = vec![tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!("simulator server stopped: {e}");
        }
    })];
    if sim.config.speed > 0.0 {
        tasks.push(tokio::spawn(live::run(sim.clone(), cancel.clone())));
    }
    Ok(SimHandle {
        sim,
        addr,
        cancel,
        tasks,
    })
}

impl SimHandle {
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn shops(&self) -> Vec<SimShop> {
        admin::sim_shops(&self.sim.read())
    }

    /// The ground truth as an event log (`event-log.md`): shop lines first, then by instant.
    pub fn events_log(&self) -> String {
        self.sim.read().events_log()
    }

    /// Forces the next `count` requests of `platform` to hit `fault`.
    pub fn force_fault(&self, platform: Platform, fault: Fault, count: u32) {
        self.sim.faults.force(platform, fault, count);
    }

    pub fn set_fault_shares(
        &self,
        platform: Platform,
        shares: FaultShares,
    ) -> Result<(), SimError> {
        shares.validate().map_err(SimError::Config)?;
        self.sim.faults.set_shares(platform, shares);
        Ok(())
    }

    /// The sim clock's now, in whole seconds.
    pub fn now(&self) -> DateTime<Utc> {
        self.sim.clock.now()
    }

    /// Stops serving (in-flight requests get up to 2 s) and stops the live traffic.
    pub async fn stop(mut self) {
        self.cancel.cancel();
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
