//! `kedai sim`: the marketplace simulator on a local port, until Ctrl-C.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};

use anyhow::{anyhow, bail, Context, Result};
use clap::Args;
use kedai_sim::{Fault, FaultShares, Platform, Region, SimConfig};

#[derive(Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Shops as PLATFORM:REGION, comma-separated.
    #[arg(long, default_value = "tiktok:MY,shopee:PH,lazada:MY", value_delimiter = ',', value_parser = parse_shop)]
    shops: Vec<(Platform, Region)>,
    /// Sim seconds per wall second (0 freezes the clock and live traffic).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Days of history before the start.
    #[arg(long, default_value_t = 30)]
    days: u32,
    /// Conversations generated per shop.
    #[arg(long, default_value_t = 60)]
    conversations: u32,
    /// New buyer messages per shop per sim hour while the clock runs.
    #[arg(long, default_value_t = 12.0)]
    live_per_hour: f64,
    /// Random fault shares: `tiktok:rate_limit=0.1,server_error=0.05,shopee:slow=0.1`.
    #[arg(long, value_parser = parse_faults)]
    faults: Option<BTreeMap<Platform, FaultShares>>,
}

fn parse_shop(item: &str) -> Result<(Platform, Region), String> {
    let (p, r) = item
        .trim()
        .split_once(':')
        .ok_or_else(|| format!("`{item}`: expected PLATFORM:REGION"))?;
    Ok((p.parse()?, r.to_uppercase().parse()?))
}

fn parse_faults(s: &str) -> Result<BTreeMap<Platform, FaultShares>, String> {
    let mut out: BTreeMap<Platform, FaultShares> = BTreeMap::new();
    let mut current: Option<Platform> = None;
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let setting = match item.split_once(':') {
            Some((p, rest)) => {
                current = Some(p.parse()?);
                rest
            }
            None => item,
        };
        let platform = current.ok_or_else(|| format!("`{item}`: name the platform first"))?;
        let (fault, share) = setting
            .split_once('=')
            .ok_or_else(|| format!("`{setting}`: expected FAULT=SHARE"))?;
        let fault: Fault = fault.parse()?;
        let share: f64 = share
            .parse()
            .map_err(|_| format!("`{share}` is not a share between 0 and 1"))?;
        out.entry(platform).or_default().set(fault, share);
    }
    for (p, shares) in &out {
        shares.validate().map_err(|e| format!("{p}: {e}"))?;
    }
    Ok(out)
}

pub fn run(args: &SimArgs) -> Result<()> {
    let config = SimConfig {
        seed: args.seed,
        shops: args.shops.clone(),
        speed: args.speed,
        history_days: args.days,
        conversations_per_shop: args.conversations,
        faults: args.faults.clone().unwrap_or_default(),
        live_per_hour: args.live_per_hour,
        ..SimConfig::default()
    };
    if config.shops.is_empty() {
        bail!("--shops names no shop");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
        let sim = kedai_sim::start(config, addr)
            .await
            .map_err(|e| anyhow!(e))?;
        println!("kedai sim listening on {}", sim.base_url());
        println!("sim now {} (speed {})", sim.now().to_rfc3339(), args.speed);
        for shop in sim.shops() {
            let creds = serde_json::to_string(&shop.credentials).unwrap_or_default();
            println!(
                "{}  {} {} ({}) {}  {creds}",
                shop.shop, shop.platform, shop.region, shop.tz, shop.name
            );
        }
        println!(
            "admin: {0}/_sim/shops {0}/_sim/events {0}/_sim/clock; Ctrl-C stops",
            sim.base_url()
        );
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        sim.stop().await;
        Ok(())
    })
}
