//! `kedai sync`, `kedai sync status`, `kedai reply`, `kedai secret set`: the sync engine
//! without a window.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use kedai_store::Store;
use kedai_sync::config::Config;
use kedai_sync::{links_from_sim, once, Clock, Db, Secrets, ShopSecrets, Sync, SyncOptions};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    what: Option<SyncCommand>,
    /// The app's SQLite file (created if missing).
    #[arg(long)]
    db: Option<PathBuf>,
    /// Every shop a running simulator lists at `/_sim/shops` (demo mode, tests).
    #[arg(long, conflicts_with = "config")]
    from_sim: Option<String>,
    /// The shops to sync (TOML; see `kedai_sync::config`). Default: `kedai.toml` beside the DB.
    #[arg(long)]
    config: Option<PathBuf>,
    /// One pass and one outbox round per shop, then exit (status 1 if a shop failed).
    #[arg(long)]
    once: bool,
    /// Time between passes, in milliseconds (default: the config's, else 15 000).
    #[arg(long)]
    interval_ms: Option<u64>,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Each shop's last sync, lag, last error, messages today, quarantine and outbox.
    Status {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct ReplyArgs {
    #[arg(long)]
    db: PathBuf,
    /// The conversation's platform id.
    #[arg(long)]
    conversation: String,
    /// The shop, when the id is not unique across shops.
    #[arg(long)]
    shop: Option<String>,
    #[arg(long)]
    text: String,
    /// Who wrote it.
    #[arg(long)]
    agent: Option<String>,
}

#[derive(Args)]
pub struct SecretArgs {
    /// `set SHOP`: reads the shop's secrets as a JSON object from standard input, e.g.
    /// `{"app_secret": "...", "access_token": "...", "refresh_token": "..."}`.
    #[arg(value_parser = ["set"])]
    action: String,
    shop: String,
    /// The file fallback to use where no keyring service runs.
    #[arg(long)]
    db: PathBuf,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub fn run(args: &SyncArgs) -> Result<bool> {
    if let Some(SyncCommand::Status { db, json }) = &args.what {
        return status(db, *json).map(|_| true);
    }
    let Some(db) = &args.db else {
        bail!("give --db PATH (the app's SQLite file)");
    };
    let rt = runtime()?;
    rt.block_on(async {
        let (links, clock, mut options) = match &args.from_sim {
            Some(url) => {
                let options = SyncOptions::default();
                let (links, clock) = links_from_sim(url, &options).await?;
                (links, clock, options)
            }
            None => {
                let path = args
                    .config
                    .clone()
                    .unwrap_or_else(|| db.with_file_name("kedai.toml"));
                let config = Config::load(&path)?;
                if config.shops.is_empty() {
                    bail!("{}: no [[shop]] to sync", path.display());
                }
                let options = config.options();
                let links = config.links(&Secrets::for_db(db), &options)?;
                (links, Clock::Wall, options)
            }
        };
        if let Some(ms) = args.interval_ms {
            options.poll_interval = Duration::from_millis(ms.max(1));
        }
        let store = Db::open(db)?;
        if args.once {
            let mut ok = true;
            for o in once(store, links, clock, options).await? {
                match o.result {
                    Ok((r, sent)) => println!(
                        "{}: {} pages, {} conversations, {} messages read, {} quarantined, {} replies sent",
                        o.shop, r.pages, r.conversations, r.messages, r.quarantined, sent
                    ),
                    Err(e) => {
                        ok = false;
                        eprintln!("{}: {e}", o.shop);
                    }
                }
            }
            return Ok(ok);
        }
        let sync = Sync::start(store, links, clock, options).await?;
        eprintln!(
            "syncing {} into {} (Ctrl-C stops)",
            sync.shops().join(", "),
            db.display()
        );
        tokio::signal::ctrl_c().await.ok();
        sync.stop().await;
        Ok(true)
    })
}

fn status(db: &Path, json: bool) -> Result<()> {
    let store = Store::open(db).with_context(|| format!("opening {}", db.display()))?;
    let health = store.sync_health(chrono::Utc::now())?;
    if json {
        let quarantined = store.quarantined(None)?;
        let out = serde_json::json!({ "shops": health, "quarantined": quarantined });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{:<10} {:<8} {:<26} {:>8} {:>7} {:>6} {:>8}  last error",
        "shop", "platform", "last success", "lag", "today", "quar.", "outbox"
    );
    for h in &health {
        let when = h
            .last_success
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            .unwrap_or_else(|| "never".into());
        let lag = h.lag_secs.map(|s| format!("{s}s")).unwrap_or("-".into());
        let error = match (&h.last_error, h.needs_reconnect) {
            (_, true) => "needs reconnecting".to_owned(),
            (Some(e), _) => e.clone(),
            (None, _) => String::new(),
        };
        println!(
            "{:<10} {:<8} {:<26} {:>8} {:>7} {:>6} {:>8}  {}",
            h.shop, h.platform, when, lag, h.messages_today, h.quarantined, h.outbox_waiting, error
        );
    }
    for q in store.quarantined(None)? {
        println!(
            "quarantined {} {} ({}): {}",
            q.shop,
            q.kind,
            q.conversation.as_deref().unwrap_or("-"),
            q.error
        );
    }
    Ok(())
}

pub fn reply(args: &ReplyArgs) -> Result<()> {
    let mut store =
        Store::open(&args.db).with_context(|| format!("opening {}", args.db.display()))?;
    let shop = match &args.shop {
        Some(s) => s.clone(),
        None => {
            let mut found = Vec::new();
            for (shop, _) in store.shops()? {
                if store
                    .conversation_buyer(&shop.shop, &args.conversation)?
                    .is_some()
                {
                    found.push(shop.shop);
                }
            }
            match found.len() {
                0 => bail!(
                    "no conversation `{}` in {}",
                    args.conversation,
                    args.db.display()
                ),
                1 => found.remove(0),
                _ => bail!(
                    "conversation `{}` is in several shops ({}): give --shop",
                    args.conversation,
                    found.join(", ")
                ),
            }
        }
    };
    let id = store.queue_reply(
        &shop,
        &args.conversation,
        &args.text,
        args.agent.as_deref(),
        chrono::Utc::now(),
    )?;
    println!("queued reply {id} to {shop}/{}", args.conversation);
    Ok(())
}

pub fn secret(args: &SecretArgs) -> Result<()> {
    use std::io::Read;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let secrets: ShopSecrets =
        serde_json::from_str(&text).context("standard input: expected a JSON object of strings")?;
    let store = Secrets::for_db(&args.db);
    store.set(&args.shop, &secrets)?;
    println!(
        "kept {} secrets of `{}` in {}",
        secrets.len(),
        args.shop,
        store.describe()
    );
    Ok(())
}
