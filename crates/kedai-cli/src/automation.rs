//! Issue 5 on the command line: `rules test|add|list`, `tag`, `guard`, `suggest`.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use kedai_core::automation::guard::{self, GuardSettings};
use kedai_core::automation::rules::parse_rules;
use kedai_core::automation::{IntentContext, SentimentScorer};
use kedai_core::model::Kind;
use kedai_core::time::{format_instant, parse_instant};
use kedai_core::Ts;
use kedai_store::{Store, StoreError};
use serde_json::json;

/// An exit code and a message, as main's `Failure` takes it.
pub type Fail = (u8, String);

fn input(message: String) -> Fail {
    (2, message)
}

pub(crate) fn store_err(db: &Path, e: StoreError) -> Fail {
    match e {
        StoreError::Invalid(m) => input(format!("{}: {m}", db.display())),
        e => (1, format!("{}: {e}", db.display())),
    }
}

pub(crate) fn open(db: &Path) -> Result<Store, Fail> {
    if !db.exists() {
        return Err((1, format!("{}: no such file", db.display())));
    }
    Store::open(db).map_err(|e| store_err(db, e))
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
        format!(
            "`{s}` is not a message kind (text, sticker, emoji, image, video, product_card, \
             order_card, faq_prompt, other)"
        )
    })
}

pub(crate) fn now() -> Ts {
    kedai_core::time::truncate_ms(chrono::Utc::now())
}

pub(crate) fn out(text: &str) -> Result<(), Fail> {
    let mut o = io::stdout().lock();
    match o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err((1, e.to_string())),
        _ => Ok(()),
    }
}

pub(crate) fn json_line(v: &impl serde::Serialize) -> Result<(), Fail> {
    out(&format!(
        "{}\n",
        serde_json::to_string(v).expect("serializes")
    ))
}

#[derive(Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Which chatbot rule would fire for a buyer message, and its effect on the clock.
    Test {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        shop: String,
        /// The buyer's message text.
        #[arg(long)]
        message: String,
        /// When the message arrives (RFC 3339 with an offset).
        #[arg(long, value_parser = parse_instant)]
        at: Ts,
        /// An existing conversation the message joins (default: a new conversation).
        #[arg(long)]
        conversation: Option<String>,
        /// The message kind (text, image, order_card, ...).
        #[arg(long, value_parser = parse_kind, default_value = "text")]
        kind: Kind,
        #[arg(long)]
        json: bool,
    },
    /// Adds or replaces rules from a JSON file (one rule or an array).
    Add {
        file: PathBuf,
        #[arg(long)]
        db: PathBuf,
        /// When the change takes effect (weekend coverage is recorded from then); default now.
        #[arg(long, value_parser = parse_instant)]
        at: Option<Ts>,
    },
    /// Prints the rules as JSON.
    List {
        #[arg(long)]
        db: PathBuf,
    },
}

pub fn rules(args: &RulesArgs) -> Result<(), Fail> {
    match &args.command {
        RulesCommand::Test {
            db,
            shop,
            message,
            at,
            conversation,
            kind,
            json,
        } => {
            let store = open(db)?;
            let t = store
                .test_rules(shop, conversation.as_deref(), message, *kind, *at)
                .map_err(|e| store_err(db, e))?;
            if *json {
                return json_line(&t);
            }
            let mut s = String::new();
            match (&t.rule, &t.reply) {
                (Some(rule), Some(reply)) => {
                    s += &format!("rule: {rule}\n");
                    s += &format!(
                        "reply ({}): {}\n",
                        reply.from.as_str(),
                        reply.text.as_deref().unwrap_or("")
                    );
                }
                _ => {
                    let why = serde_json::to_value(&t.no_fire)
                        .ok()
                        .and_then(|v| v["reason"].as_str().map(str::to_owned))
                        .unwrap_or_default();
                    s += &format!("rule: none ({why})\n");
                }
            }
            s += &format!("platform: {}\n", t.platform.note);
            let c = &t.clock;
            match (c.deadline, c.policy) {
                (Some(d), Some(p)) => {
                    s += &format!(
                        "clock: inquiry opened {}, {p} deadline {}{}\n",
                        c.inquiry_opened_at.map(format_instant).unwrap_or_default(),
                        format_instant(d),
                        if c.weekend_moved {
                            " (moved by weekend coverage, §4)"
                        } else {
                            ""
                        }
                    );
                }
                _ => s += &format!("clock: {}\n", c.if_nothing_more),
            }
            s += &format!("if nothing more happens: {}\n", c.if_nothing_more);
            s += &format!("if the buyer writes again: {}\n", c.if_buyer_writes_again);
            out(&s)
        }
        RulesCommand::Add { file, db, at } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| (1, format!("{}: {e}", file.display())))?;
            let rules =
                parse_rules(&text).map_err(|m| input(format!("{}: {m}", file.display())))?;
            let mut store = open(db)?;
            store
                .save_rules(&rules, at.unwrap_or_else(now))
                .map_err(|e| store_err(db, e))?;
            eprintln!("kedai: saved {} rule(s) into {}", rules.len(), db.display());
            Ok(())
        }
        RulesCommand::List { db } => {
            let store = open(db)?;
            json_line(&store.rules().map_err(|e| store_err(db, e))?)
        }
    }
}

#[derive(Args)]
pub struct TagArgs {
    /// A buyer message.
    text: String,
    /// The message kind (text, image, order_card, ...).
    #[arg(long, value_parser = parse_kind, default_value = "text")]
    kind: Kind,
    /// With --shop: use the shop's edited word lists and disabled tags.
    #[arg(long, requires = "shop")]
    db: Option<PathBuf>,
    #[arg(long, requires = "db")]
    shop: Option<String>,
    #[arg(long)]
    json: bool,
}

pub fn tag(args: &TagArgs) -> Result<(), Fail> {
    let tagger = match (&args.db, &args.shop) {
        (Some(db), Some(shop)) => open(db)?
            .intent_tagger(shop)
            .map_err(|e| store_err(db, e))?,
        _ => Default::default(),
    };
    let ctx = IntentContext {
        kind: args.kind,
        order: None,
    };
    let intent = tagger.tag(&args.text, ctx);
    let sentiment = SentimentScorer::default().classify(&args.text);
    if args.json {
        return json_line(&json!({
            "intent": intent.map(|i| i.as_str()),
            "sentiment": sentiment.as_str(),
        }));
    }
    out(&format!(
        "intent: {}\nsentiment: {}\n",
        intent.map_or("none", |i| i.as_str()),
        sentiment.as_str()
    ))
}

#[derive(Args)]
pub struct GuardArgs {
    /// An outgoing message.
    text: String,
    /// With --shop: the shop's blocked rules decide `blocked`.
    #[arg(long, requires = "shop")]
    db: Option<PathBuf>,
    #[arg(long, requires = "db")]
    shop: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Exit status 0 when clean, 1 when the guard finds something.
pub fn guard(args: &GuardArgs) -> Result<(), Fail> {
    let settings = match (&args.db, &args.shop) {
        (Some(db), Some(shop)) => {
            let store = open(db)?;
            store.shop(shop).map_err(|e| store_err(db, e))?;
            store.guard_settings(shop).map_err(|e| store_err(db, e))?
        }
        _ => GuardSettings::default(),
    };
    let verdict = guard::check(&args.text, &settings);
    if args.json {
        json_line(&verdict)?;
    } else if verdict.is_clean() {
        out("clean\n")?;
    } else {
        let mut s = String::new();
        for f in &verdict.findings {
            s += &format!(
                "{} {}..{} {:?}: {}{}\n",
                f.rule,
                f.start,
                f.end,
                f.excerpt,
                f.rule.explain(),
                if settings.blocked.contains(&f.rule) {
                    " (blocked)"
                } else {
                    ""
                }
            );
        }
        out(&s)?;
    }
    if !verdict.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}

#[derive(Args)]
pub struct SuggestArgs {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    conversation: String,
    /// The shop, when the conversation id exists in more than one.
    #[arg(long)]
    shop: Option<String>,
    /// The instant to suggest at; default now.
    #[arg(long, value_parser = parse_instant)]
    at: Option<Ts>,
    #[arg(long)]
    json: bool,
}

pub fn suggest(args: &SuggestArgs) -> Result<(), Fail> {
    let db = &args.db;
    let store = open(db)?;
    let shop = match &args.shop {
        Some(s) => s.clone(),
        None => store
            .find_conversation(&args.conversation)
            .map_err(|e| store_err(db, e))?,
    };
    let started = std::time::Instant::now();
    let (index, past) = store.suggest_index(&shop).map_err(|e| store_err(db, e))?;
    let built = started.elapsed();
    let started = std::time::Instant::now();
    let s = store
        .suggest_using(
            &index,
            past,
            &shop,
            &args.conversation,
            args.at.unwrap_or_else(now),
        )
        .map_err(|e| store_err(db, e))?;
    let took = started.elapsed();
    if args.json {
        return json_line(&s);
    }
    let mut text = format!("question: {}\n", s.question);
    if s.suggestions.is_empty() {
        text += "no open question to answer\n";
    }
    for (i, x) in s.suggestions.iter().enumerate() {
        let source = match x.source {
            kedai_core::automation::suggest::Source::Template => "template",
            kedai_core::automation::suggest::Source::PastReply => "past reply",
        };
        text += &format!("{}. [{source} {}] {}\n", i + 1, x.id, x.text);
    }
    out(&text)?;
    eprintln!(
        "kedai: index of {} past replies built in {:.1} ms (the app keeps it); suggestions in {:.2} ms",
        s.past_replies,
        built.as_secs_f64() * 1000.0,
        took.as_secs_f64() * 1000.0
    );
    Ok(())
}
