//! `kedai`: review a shop's chat metrics and inbox offline, from an event log or the
//! app's SQLite file; import and export event logs; measure the engine.

mod automation;
mod bench;
mod insights;
mod sim;
mod sync;
mod table;

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use kedai_core::engine::{self, InboxReport, MetricsReport, ShopReport};
use kedai_core::history::{parse_log, LineError};
use kedai_core::inbox::Filter;
use kedai_core::time::parse_instant;
use kedai_core::{History, InboxRow, ShopSettings, Ts};
use kedai_store::{InboxQuery, Store, StoreError};

// The engine and the import allocate many small values (ids, items, sessions); mimalloc
// serves them at a fraction of the system allocator's cost.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kedai",
    version,
    about = "Marketplace chat reply clocks, offline"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Every metric of response-rules.md §5, per shop, at an instant.
    Metrics(ReviewArgs),
    /// Every conversation with its open inquiry and inbox states (§6) at an instant.
    Inbox {
        #[command(flatten)]
        review: ReviewArgs,
        /// Only the conversations in this filter: all, overdue, due_soon, unreplied,
        /// unread, starred, closed.
        #[arg(long, value_parser = parse_filter)]
        filter: Option<Filter>,
        /// At most this many conversations.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Adds an event log's facts to the SQLite file (created if missing).
    Import {
        file: PathBuf,
        #[arg(long)]
        db: PathBuf,
        /// Skip lines that do not parse or fit, with a warning, instead of refusing the file.
        #[arg(long)]
        lenient: bool,
    },
    /// Writes the SQLite file's facts as an event log to standard output.
    Export {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        shop: Option<String>,
    },
    /// Shows or changes a shop's settings in the SQLite file (`KEY=VALUE`).
    Set {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        shop: String,
        /// e.g. `tiktok.automation_counts_as_reply=true`; none: list the settings.
        assignments: Vec<String>,
    },
    /// Generates a large history with a fixed seed and times the engine and the store.
    Bench(bench::BenchArgs),
    /// Serves the marketplace simulator (TikTok Shop, Shopee, Lazada) until Ctrl-C.
    Sim(sim::SimArgs),
    /// Chatbot rules: test which would fire and its effect on the clock, add, list.
    Rules(automation::RulesArgs),
    /// A buyer message's intent tag and sentiment.
    Tag(automation::TagArgs),
    /// Checks an outgoing message against the customer-service policy (exit 1 on findings).
    Guard(automation::GuardArgs),
    /// The top three replies for a conversation's open question.
    Suggest(automation::SuggestArgs),
    /// A buyer's insight tags with why each applies, and the figures (waiting time, past
    /// chats and average CSAT over 30 days, total orders, GMV).
    Insights(insights::InsightsArgs),
    /// Syncs every configured shop (or a simulator's) into the SQLite file; `sync status`.
    Sync(sync::SyncArgs),
    /// Queues a reply; a running `kedai sync` (or the app) sends it.
    Reply(sync::ReplyArgs),
    /// Keeps a shop's secrets in the OS keyring (or the 0600 file fallback).
    Secret(sync::SecretArgs),
}

#[derive(Args)]
struct ReviewArgs {
    /// An event log (JSON lines).
    #[arg(long, conflicts_with = "db", required_unless_present = "db")]
    events: Option<PathBuf>,
    /// The app's SQLite file.
    #[arg(long)]
    db: Option<PathBuf>,
    /// RFC 3339 instant with an offset; default: now.
    #[arg(long, value_parser = parse_at)]
    at: Option<Ts>,
    #[arg(long)]
    shop: Option<String>,
    #[arg(long)]
    json: bool,
    /// With --events: skip bad lines with a warning instead of failing.
    #[arg(long)]
    lenient: bool,
    /// With --events: a setting for every shop, `KEY=VALUE` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    settings: Vec<String>,
}

fn parse_at(s: &str) -> Result<Ts, String> {
    parse_instant(s)
}

fn parse_filter(s: &str) -> Result<Filter, String> {
    Filter::parse(s).ok_or_else(|| {
        let names: Vec<_> = Filter::ALL.iter().map(|f| f.as_str()).collect();
        format!("`{s}` is not a filter ({})", names.join(", "))
    })
}

/// A failure and the exit code it gets: 2 for input that does not fit, 1 otherwise.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn input(message: String) -> Failure {
        Failure { code: 2, message }
    }

    fn other(message: String) -> Failure {
        Failure { code: 1, message }
    }

    /// Line errors as `FILE:LINE: problem`, one a line.
    fn lines(file: &Path, errors: &[LineError]) -> Failure {
        Failure::input(located(file, errors))
    }

    fn store(file: &Path, e: StoreError) -> Failure {
        match e {
            StoreError::Log(errors) => Failure::lines(file, &errors),
            StoreError::Invalid(m) => Failure::input(format!("{}: {m}", file.display())),
            e => Failure::other(format!("{}: {e}", file.display())),
        }
    }
}

fn located(file: &Path, errors: &[LineError]) -> String {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("{}:{}: {}", file.display(), e.line, e.message))
        .collect();
    lines.join("\n")
}

fn warn(file: &Path, warnings: &[LineError]) {
    for w in warnings {
        eprintln!(
            "kedai: warning: {}:{}: {} (line skipped)",
            file.display(),
            w.line,
            w.message
        );
    }
}

fn main() -> ExitCode {
    // `kedai … | head`: a closed pipe ends the program quietly, as for any Unix tool,
    // instead of a panic from `println!`.
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Before any thread or database: SQLite's allocation statistics cost an import time
    // and nothing here reads them.
    kedai_store::skip_sqlite_memory_stats();
    kedai_sync::init_logging();
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("kedai: {}", f.message.replace('\n', "\nkedai: "));
            ExitCode::from(f.code)
        }
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Metrics(args) => metrics(&args),
        Command::Inbox {
            review,
            filter,
            limit,
        } => inbox(&review, filter, limit),
        Command::Import { file, db, lenient } => import(&file, &db, lenient),
        Command::Export { db, shop } => export(&db, shop.as_deref()),
        Command::Set {
            db,
            shop,
            assignments,
        } => set(&db, &shop, &assignments),
        Command::Bench(args) => bench::run(&args).map_err(|e| Failure::other(format!("{e:#}"))),
        Command::Sim(args) => sim::run(&args).map_err(|e| Failure::other(format!("{e:#}"))),
        Command::Sync(args) => match sync::run(&args) {
            Ok(true) => Ok(()),
            Ok(false) => Err(Failure::other("a shop did not sync (see above)".into())),
            Err(e) => Err(Failure::other(format!("{e:#}"))),
        },
        Command::Reply(args) => sync::reply(&args).map_err(|e| Failure::other(format!("{e:#}"))),
        Command::Secret(args) => sync::secret(&args).map_err(|e| Failure::other(format!("{e:#}"))),
        Command::Rules(a) => {
            automation::rules(&a).map_err(|(code, message)| Failure { code, message })
        }
        Command::Tag(a) => automation::tag(&a).map_err(|(code, message)| Failure { code, message }),
        Command::Guard(a) => {
            automation::guard(&a).map_err(|(code, message)| Failure { code, message })
        }
        Command::Suggest(a) => {
            automation::suggest(&a).map_err(|(code, message)| Failure { code, message })
        }
        Command::Insights(a) => {
            insights::insights(&a).map_err(|(code, message)| Failure { code, message })
        }
    }
}

/// The history of an event log, with the warnings of lenient mode printed.
fn load_events(file: &Path, lenient: bool) -> Result<History, Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::other(format!("{}: {e}", file.display())))?;
    let parsed = parse_log(&text, lenient).map_err(|errors| Failure::lines(file, &errors))?;
    let builder = kedai_core::history::HistoryBuilder::new().lenient(lenient);
    let (history, warnings) = parsed
        .build(builder)
        .map_err(|errors| Failure::lines(file, &errors))?;
    warn(file, &warnings);
    Ok(history)
}

fn open_db(db: &Path) -> Result<Store, Failure> {
    if !db.exists() {
        return Err(Failure::other(format!("{}: no such file", db.display())));
    }
    Store::open(db).map_err(|e| Failure::store(db, e))
}

fn settings_from(args: &ReviewArgs) -> Result<ShopSettings, Failure> {
    let mut settings = ShopSettings::default();
    for a in &args.settings {
        let (k, v) = a
            .split_once('=')
            .ok_or_else(|| Failure::input(format!("--set `{a}`: expected KEY=VALUE")))?;
        settings.set(k, v).map_err(Failure::input)?;
    }
    Ok(settings)
}

fn check_shop(known: &[&str], shop: Option<&str>) -> Result<(), Failure> {
    match shop {
        Some(s) if !known.contains(&s) => Err(Failure::input(format!(
            "no shop `{s}` (shops: {})",
            known.join(", ")
        ))),
        _ => Ok(()),
    }
}

/// Where `metrics` and `inbox` read: an event log (with `--set` settings applied to every
/// shop) or the app's SQLite file (with its own settings), the shop named by `--shop`
/// checked to exist.
enum Source {
    Events {
        history: History,
        settings: ShopSettings,
    },
    Db {
        store: Store,
        path: PathBuf,
    },
}

impl Source {
    fn open(args: &ReviewArgs) -> Result<Source, Failure> {
        let source = if let Some(file) = &args.events {
            Source::Events {
                settings: settings_from(args)?,
                history: load_events(file, args.lenient)?,
            }
        } else {
            refuse_settings(args)?;
            let path = args.db.clone().expect("clap requires --events or --db");
            Source::Db {
                store: open_db(&path)?,
                path,
            }
        };
        let ids = source.shop_ids()?;
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        check_shop(&ids, args.shop.as_deref())?;
        Ok(source)
    }

    fn shop_ids(&self) -> Result<Vec<String>, Failure> {
        match self {
            Source::Events { history, .. } => Ok(history.shops.keys().cloned().collect()),
            Source::Db { store, path } => Ok(store
                .shops()
                .map_err(|e| Failure::store(path, e))?
                .into_iter()
                .map(|(s, _)| s.shop)
                .collect()),
        }
    }
}

fn metrics(args: &ReviewArgs) -> Result<(), Failure> {
    let at = args.at.unwrap_or_else(now);
    let selected = |id: &str| args.shop.as_deref().is_none_or(|s| s == id);
    let mut shops = Vec::new();
    match Source::open(args)? {
        Source::Events { history, settings } => {
            for shop in history.shops.values().filter(|h| selected(&h.shop.shop)) {
                let clocks = engine::clocks(shop, &settings);
                let m = engine::metrics(&shop.shop, &settings, &clocks, &shop.orders, at);
                shops.push(ShopReport::new(&shop.shop, m));
            }
        }
        Source::Db { store, path } => {
            let all = store.shops().map_err(|e| Failure::store(&path, e))?;
            for (shop, _) in all.iter().filter(|(s, _)| selected(&s.shop)) {
                let m = store
                    .metrics(&shop.shop, at)
                    .map_err(|e| Failure::store(&path, e))?;
                shops.push(ShopReport::new(shop, m));
            }
        }
    }
    let report = MetricsReport { at, shops };
    if args.json {
        print_json(&report)
    } else {
        print_text(&table::metrics(&report))
    }
}

fn refuse_settings(args: &ReviewArgs) -> Result<(), Failure> {
    if args.settings.is_empty() && !args.lenient {
        return Ok(());
    }
    Err(Failure::input(
        "--set and --lenient go with --events; the SQLite file keeps its own settings (kedai set)"
            .to_owned(),
    ))
}

fn inbox(args: &ReviewArgs, filter: Option<Filter>, limit: Option<usize>) -> Result<(), Failure> {
    let at = args.at.unwrap_or_else(now);
    let (counts, mut rows): (_, Vec<InboxRow>) = match Source::open(args)? {
        Source::Events { history, settings } => {
            let mut rows = Vec::new();
            for (id, shop) in &history.shops {
                if args.shop.as_deref().is_none_or(|s| s == id) {
                    let clocks = engine::clocks(shop, &settings);
                    rows.extend(engine::inbox(&shop.shop, &settings, &clocks, at));
                }
            }
            let report = InboxReport::new(at, rows);
            let rows = report
                .conversations
                .into_iter()
                .filter(|r| filter.is_none_or(|f| r.is_in(f)))
                .collect();
            (report.counts, rows)
        }
        Source::Db { store, path } => {
            let query = InboxQuery {
                shop: args.shop.clone(),
                filter,
                now: at,
                limit: limit.unwrap_or(usize::MAX),
                offset: 0,
            };
            let rows = store.inbox(&query).map_err(|e| Failure::store(&path, e))?;
            let counts = store
                .inbox_counts(args.shop.as_deref(), at)
                .map_err(|e| Failure::store(&path, e))?
                .into_iter()
                .map(|(f, n)| (f.as_str(), n))
                .collect();
            (counts, rows)
        }
    };
    if let Some(n) = limit {
        rows.truncate(n);
    }
    let report = InboxReport {
        at,
        counts,
        conversations: rows,
    };
    if args.json {
        print_json(&report)
    } else {
        print_text(&table::inbox(&report))
    }
}

fn import(file: &Path, db: &Path, lenient: bool) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| Failure::other(format!("{}: {e}", file.display())))?;
    let started = std::time::Instant::now();
    // A new file is built beside `db` and renamed into place once complete: a refused log
    // leaves no file behind.
    let report = if db.exists() {
        let mut store = Store::open(db).map_err(|e| Failure::store(db, e))?;
        store.import_log(&text, lenient)
    } else {
        Store::import_new(db, &text, lenient).map(|(_, report)| report)
    };
    let report = report.map_err(|e| Failure::store(file, e))?;
    warn(file, &report.warnings);
    eprintln!(
        "kedai: imported {} events from {} into {} ({} conversations recomputed, {:.2} s)",
        report.events,
        file.display(),
        db.display(),
        report.conversations,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn export(db: &Path, shop: Option<&str>) -> Result<(), Failure> {
    let store = open_db(db)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    store
        .export(shop, &mut out)
        .map_err(|e| Failure::store(db, e))?;
    out.flush().map_err(|e| Failure::other(e.to_string()))
}

fn set(db: &Path, shop: &str, assignments: &[String]) -> Result<(), Failure> {
    let mut store = open_db(db)?;
    // Check every assignment before writing any, so a refused command changes nothing.
    let (_, mut check) = store.shop(shop).map_err(|e| Failure::store(db, e))?;
    let mut pairs = Vec::new();
    for a in assignments {
        let (k, v) = a
            .split_once('=')
            .ok_or_else(|| Failure::input(format!("`{a}`: expected KEY=VALUE")))?;
        check
            .set(k, v)
            .map_err(|m| Failure::input(format!("{}: {m}", db.display())))?;
        pairs.push((k, v));
    }
    for (k, v) in pairs {
        store
            .set_setting(shop, k, v)
            .map_err(|e| Failure::store(db, e))?;
    }
    let (_, settings) = store.shop(shop).map_err(|e| Failure::store(db, e))?;
    let text: String = settings
        .entries()
        .into_iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect();
    print_text(&text)
}

fn now() -> Ts {
    kedai_core::time::truncate_ms(chrono::Utc::now())
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string(value).expect("reports serialize");
    print_text(&format!("{text}\n"))
}

/// Prints, treating a closed pipe (`kedai ... | head`) as the end rather than a failure.
fn print_text(text: &str) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Failure::other(e.to_string())),
        _ => Ok(()),
    }
}
