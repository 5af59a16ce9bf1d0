//! End-to-end tests of the `kedai` binary: the JSON report formats of
//! /work/shared/docs/event-log.md, the metric ids of response-rules.md §5, the
//! event log ↔ SQLite round trip, malformed input, settings and the bench.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tempfile::TempDir;

const AT: &str = "2026-07-20T12:00:00+08:00";
const AT_UTC: &str = "2026-07-20T04:00:00Z";

/// The exclusion names of event-log.md.
const EXCLUSIONS: [&str; 11] = [
    "holiday_mode",
    "blocked",
    "account_state",
    "system",
    "seller_initiated",
    "outside_hours",
    "public_holiday",
    "no_response_needed",
    "platform_handled",
    "faq",
    "automation",
];

const FILTERS: [&str; 7] = [
    "all",
    "overdue",
    "due_soon",
    "unreplied",
    "unread",
    "starred",
    "closed",
];

/// The §5 metric ids for each shop of the sample: TikTok Shop MY (not US: no weekly
/// figure, a 12 h rate), Shopee PH, Lazada MY; `sessions_today` on every platform.
fn expected_ids(shop: &str) -> BTreeSet<&'static str> {
    let ids: &[&str] = match shop {
        "tt-my" => &[
            "response_rate_24h",
            "response_rate_12h",
            "avg_response_time",
            "satisfaction_rate",
            "im_dissatisfaction_rate",
            "sessions_today",
        ],
        "sp-ph" => &[
            "chat_response_rate",
            "first_response_time",
            "avg_response_time",
            "sessions_today",
        ],
        "lz-my" => &[
            "chat_response_rate",
            "response_rate_10min",
            "chat_response_time",
            "chat_order_conversion_rate",
            "sessions_today",
        ],
        other => panic!("no expectations for shop {other}"),
    };
    ids.iter().copied().collect()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/sample-events.jsonl")
}

fn sample_str() -> String {
    sample().to_str().expect("utf-8 path").to_owned()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn json(&self) -> Value {
        let lines: Vec<&str> = self.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "one JSON object on one line: {}",
            self.stdout
        );
        serde_json::from_str(lines[0]).unwrap_or_else(|e| panic!("{e}: {}", self.stdout))
    }

    fn failed_with(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit code {code}\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn stderr_has(&self, needle: &str) -> &Run {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

fn kedai<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_kedai"))
        .args(args)
        .output()
        .expect("run kedai");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// `metrics`/`inbox` of an event log at [`AT`], parsed, with extra arguments.
fn review_events(command: &str, file: &str, extra: &[&str]) -> Value {
    let mut args = vec![command, "--events", file, "--at", AT, "--json"];
    args.extend_from_slice(extra);
    kedai(&args).ok().json()
}

/// `metrics`/`inbox` of a SQLite file at [`AT`], parsed, with extra arguments.
fn review_db(command: &str, db: &Path, extra: &[&str]) -> Value {
    let mut args = vec![command, "--db", path_str(db), "--at", AT, "--json"];
    args.extend_from_slice(extra);
    kedai(&args).ok().json()
}

fn import(file: &Path, db: &Path) {
    kedai(&["import", path_str(file), "--db", path_str(db)]).ok();
}

fn export(db: &Path) -> String {
    kedai(&["export", "--db", path_str(db)]).ok().stdout
}

fn shop<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["shops"]
        .as_array()
        .expect("shops array")
        .iter()
        .find(|s| s["shop"] == id)
        .unwrap_or_else(|| panic!("no shop {id} in {report}"))
}

// 1. The metrics report.

#[test]
fn metrics_json_has_the_documented_shape() {
    let report = review_events("metrics", &sample_str(), &[]);
    let top: BTreeSet<&str> = report
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top, BTreeSet::from(["at", "shops"]));
    assert_eq!(report["at"], AT_UTC);

    let shops = report["shops"].as_array().expect("shops array");
    let ids: BTreeSet<&str> = shops.iter().map(|s| s["shop"].as_str().unwrap()).collect();
    assert_eq!(ids, BTreeSet::from(["tt-my", "sp-ph", "lz-my"]));
    assert_eq!(shops.len(), 3, "each shop once");

    for (id, platform, region) in [
        ("tt-my", "tiktok", "MY"),
        ("sp-ph", "shopee", "PH"),
        ("lz-my", "lazada", "MY"),
    ] {
        let s = shop(&report, id);
        assert_eq!(s["platform"], platform, "{id}");
        assert_eq!(s["region"], region, "{id}");
        let metrics = s["metrics"].as_object().expect("metrics object");
        let got: BTreeSet<&str> = metrics.keys().map(String::as_str).collect();
        assert_eq!(got, expected_ids(id), "metric ids of {id}");
        for (metric, f) in metrics {
            check_figure(id, platform, metric, f);
        }
    }
}

fn check_figure(shop: &str, platform: &str, metric: &str, f: &Value) {
    let at = format!("{shop} {metric}: {f}");
    let numerator = f["numerator"].as_u64().unwrap_or_else(|| panic!("{at}"));
    let denominator = f["denominator"].as_u64().unwrap_or_else(|| panic!("{at}"));
    f["pending"].as_u64().unwrap_or_else(|| panic!("{at}"));
    let excluded = f["excluded"].as_object().unwrap_or_else(|| panic!("{at}"));
    for (name, n) in excluded {
        assert!(
            EXCLUSIONS.contains(&name.as_str()),
            "{at}: exclusion {name}"
        );
        assert!(n.as_u64().is_some(), "{at}: count of {name}");
    }
    let status = f["status"].as_str().unwrap_or_else(|| panic!("{at}"));
    assert!(
        ["not_rated", "good", "warning", "bad", "no_target"].contains(&status),
        "{at}: status {status}"
    );
    let unit = f["unit"].as_str().unwrap_or_else(|| panic!("{at}"));
    match (&f["value"], unit) {
        (Value::Null, "rate" | "seconds") => assert_eq!(denominator, 0, "{at}"),
        (Value::Null, _) => panic!("{at}: a count is never null"),
        (Value::Number(v), "rate") => {
            let v = v.as_f64().unwrap();
            assert!(denominator > 0, "{at}: a value over nothing");
            assert!((0.0..=1.0).contains(&v), "{at}");
            assert!(
                (v - numerator as f64 / denominator as f64).abs() < 1e-9,
                "{at}"
            );
        }
        (Value::Number(v), "seconds") => {
            let v = v.as_f64().unwrap();
            assert!(denominator > 0, "{at}: a value over nothing");
            assert_eq!(v, v.round(), "{at}: whole seconds");
            assert!(
                (v - numerator as f64 / denominator as f64).abs() <= 0.5,
                "{at}"
            );
        }
        (Value::Number(_), "count") => {}
        (v, u) => panic!("{at}: value {v} with unit {u}"),
    }
    let shopee_rate = platform == "shopee" && metric == "chat_response_rate";
    if shopee_rate {
        assert!(f["penalty_risk"].is_boolean(), "{at}: penalty_risk");
    } else {
        assert!(f.get("penalty_risk").is_none(), "{at}: penalty_risk");
    }
    if platform == "tiktok" && metric.starts_with("response_rate_") {
        assert!(f["automation_counts_as_reply"].is_boolean(), "{at}");
    }
}

#[test]
fn metrics_shop_filter_keeps_one_shop() {
    let all = review_events("metrics", &sample_str(), &[]);
    let one = review_events("metrics", &sample_str(), &["--shop", "sp-ph"]);
    assert_eq!(one["at"], AT_UTC);
    let shops = one["shops"].as_array().expect("shops");
    assert_eq!(shops.len(), 1);
    assert_eq!(&shops[0], shop(&all, "sp-ph"));
}

#[test]
fn an_unknown_shop_is_an_error() {
    let file = sample_str();
    for command in ["metrics", "inbox"] {
        let run = kedai(&[
            command,
            "--events",
            &file,
            "--at",
            AT,
            "--json",
            "--shop",
            "no-such-shop",
        ]);
        assert_ne!(run.code, Some(0), "{command}");
        run.stderr_has("no-such-shop");
        assert!(run.stdout.is_empty(), "{command}: {}", run.stdout);
    }
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    import(&sample(), &db);
    for command in ["metrics", "inbox"] {
        let run = kedai(&[
            command,
            "--db",
            path_str(&db),
            "--at",
            AT,
            "--shop",
            "no-such-shop",
        ]);
        assert_ne!(run.code, Some(0), "{command}");
        run.stderr_has("no-such-shop");
    }
}

// 2. The inbox report.

#[test]
fn inbox_json_has_the_documented_shape() {
    let report = review_events("inbox", &sample_str(), &[]);
    assert_eq!(report["at"], AT_UTC);
    let counts = report["counts"].as_object().expect("counts object");
    let names: BTreeSet<&str> = counts.keys().map(String::as_str).collect();
    assert_eq!(names, FILTERS.into_iter().collect());

    let rows = report["conversations"].as_array().expect("conversations");
    assert!(!rows.is_empty());
    let platforms = [
        ("tt-my", "tiktok"),
        ("sp-ph", "shopee"),
        ("lz-my", "lazada"),
    ];
    for r in rows {
        let shop = r["shop"].as_str().expect("shop");
        let platform = platforms
            .iter()
            .find(|(s, _)| *s == shop)
            .unwrap_or_else(|| panic!("unknown shop in {r}"))
            .1;
        assert!(r["conversation"].is_string(), "{r}");
        for flag in [
            "overdue",
            "due_soon",
            "unreplied",
            "unread",
            "starred",
            "closed",
        ] {
            assert!(r[flag].is_boolean(), "{flag} in {r}");
        }
        for key in ["opened_at", "deadline", "policy"] {
            assert!(
                r.get(key).is_some_and(|v| v.is_null() || v.is_string()),
                "{key} in {r}"
            );
        }
        // An open inquiry has all three; none has none.
        let open = !r["opened_at"].is_null();
        assert_eq!(!r["deadline"].is_null(), open, "{r}");
        assert_eq!(!r["policy"].is_null(), open, "{r}");
        if open {
            let policy = r["policy"].as_str().unwrap();
            assert!(policy.starts_with(&format!("{platform}.")), "{r}");
            assert!(r["opened_at"].as_str() <= r["deadline"].as_str(), "{r}");
        }
        // Instants are UTC `...Z` of one width, so they compare as strings.
        if r["overdue"] == true {
            assert!(r["deadline"].as_str().unwrap() <= AT_UTC, "{r}");
        }
        if r["due_soon"] == true {
            assert!(r["deadline"].as_str().unwrap() > AT_UTC, "{r}");
            assert_eq!(r["overdue"], false, "{r}");
        }
        if r["overdue"] == true || r["due_soon"] == true || r["unreplied"] == true {
            assert!(open, "{r}");
        }
    }
    // Each count is the number of listed conversations in that filter; a closed
    // conversation shows only under Closed.
    for f in FILTERS {
        let n = rows
            .iter()
            .filter(|r| match f {
                "closed" => r["closed"] == true,
                "all" => r["closed"] == false,
                _ => r["closed"] == false && r[f] == true,
            })
            .count() as u64;
        assert_eq!(counts[f].as_u64(), Some(n), "count {f}");
    }
}

#[test]
fn inbox_filter_shop_and_limit() {
    let file = sample_str();
    let full = review_events("inbox", &file, &[]);
    for f in FILTERS {
        let report = review_events("inbox", &file, &["--filter", f]);
        assert_eq!(
            report["counts"], full["counts"],
            "{f}: counts are unfiltered"
        );
        let rows = report["conversations"].as_array().unwrap();
        assert_eq!(Some(rows.len() as u64), full["counts"][f].as_u64(), "{f}");
    }
    let limited = review_events("inbox", &file, &["--limit", "5"]);
    let rows = limited["conversations"].as_array().unwrap();
    assert_eq!(
        rows.as_slice(),
        &full["conversations"].as_array().unwrap()[..5]
    );

    let one = review_events("inbox", &file, &["--shop", "lz-my"]);
    let rows = one["conversations"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["shop"] == "lz-my"));
    let closed = rows.iter().filter(|r| r["closed"] == true).count() as u64;
    assert_eq!(one["counts"]["closed"].as_u64(), Some(closed));

    let run = kedai(&["inbox", "--events", &file, "--at", AT, "--filter", "nope"]);
    assert_ne!(run.code, Some(0));
    run.stderr_has("nope");
}

// 3. Human output.

#[test]
fn human_reports_name_shops_and_metrics() {
    let file = sample_str();
    let text = kedai(&["metrics", "--events", &file, "--at", AT])
        .ok()
        .stdout;
    assert!(text.starts_with(&format!("Metrics at {AT_UTC}")), "{text}");
    for id in ["tt-my", "sp-ph", "lz-my"] {
        assert!(text.contains(id), "{id} in\n{text}");
        for metric in expected_ids(id) {
            assert!(text.contains(metric), "{metric} in\n{text}");
        }
    }
    assert!(serde_json::from_str::<Value>(&text).is_err(), "not JSON");

    let text = kedai(&["inbox", "--events", &file, "--at", AT]).ok().stdout;
    assert!(text.starts_with(&format!("Inbox at {AT_UTC}")), "{text}");
    for f in FILTERS {
        assert!(text.contains(f), "{f} in\n{text}");
    }
    let report = review_events("inbox", &file, &[]);
    for r in report["conversations"].as_array().unwrap() {
        assert!(text.contains(r["conversation"].as_str().unwrap()), "{r}");
    }
}

// 4. The event log and the SQLite file agree.

#[test]
fn a_database_gives_the_same_reports_as_its_event_log() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    let file = sample_str();
    import(&sample(), &db);
    for command in ["metrics", "inbox"] {
        assert_eq!(
            review_db(command, &db, &[]),
            review_events(command, &file, &[]),
            "{command}"
        );
        assert_eq!(
            review_db(command, &db, &["--shop", "tt-my"]),
            review_events(command, &file, &["--shop", "tt-my"]),
            "{command} --shop"
        );
    }
    for f in FILTERS {
        let args = ["--filter", f, "--limit", "10"];
        assert_eq!(
            review_db("inbox", &db, &args),
            review_events("inbox", &file, &args),
            "inbox --filter {f}"
        );
    }

    // Export, then import the export into a second file: the same facts.
    let log = export(&db);
    let lines = std::fs::read_to_string(sample()).unwrap().lines().count();
    assert_eq!(log.lines().count(), lines, "every event exported");
    let exported = dir.path().join("export.jsonl");
    std::fs::write(&exported, &log).unwrap();
    let second = dir.path().join("second.db");
    import(&exported, &second);
    for command in ["metrics", "inbox"] {
        assert_eq!(
            review_db(command, &second, &[]),
            review_db(command, &db, &[]),
            "{command} after export and import"
        );
    }
    assert_eq!(export(&second), log, "export is stable");

    // Importing the same log again adds nothing.
    import(&sample(), &db);
    assert_eq!(export(&db), log);
}

// 5. Malformed input.

const SHOP_LINE: &str =
    r#"{"type":"shop","shop":"tt-my","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}"#;
const BUYER_LINE: &str = r#"{"type":"message","shop":"tt-my","conversation":"c1","id":"m1","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b1","text":"Is this in stock?"}"#;
const AGENT_LINE: &str = r#"{"type":"message","shop":"tt-my","conversation":"c1","id":"m2","at":"2026-07-18T11:30:00+08:00","from":"agent","buyer":"b1","text":"Yes, ships today."}"#;
const LATE_LINE: &str = r#"{"type":"message","shop":"tt-my","conversation":"c2","id":"m4","at":"2026-07-20T10:00:00+08:00","from":"buyer","buyer":"b3","text":"Hello?"}"#;

/// A bad line, a word its message must contain, and a name for failures.
const BAD_LINES: [(&str, &str, &str); 5] = [
    ("invalid JSON", r#"{"type":"message", oops"#, "JSON"),
    (
        "unknown type",
        r#"{"type":"greeting","shop":"tt-my"}"#,
        "greeting",
    ),
    (
        "bad timestamp",
        r#"{"type":"message","shop":"tt-my","conversation":"c2","id":"m3","at":"yesterday","from":"buyer","buyer":"b2"}"#,
        "yesterday",
    ),
    (
        "undeclared shop",
        r#"{"type":"message","shop":"zz-my","conversation":"c2","id":"m3","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b2"}"#,
        "zz-my",
    ),
    (
        "unknown field",
        r#"{"type":"message","shop":"tt-my","conversation":"c2","id":"m3","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b2","colour":"red"}"#,
        "colour",
    ),
];

fn write_log(dir: &Path, name: &str, lines: &[&str]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_bad_line_is_refused_with_its_location() {
    let dir = TempDir::new().unwrap();
    let good = write_log(
        dir.path(),
        "good.jsonl",
        &[SHOP_LINE, BUYER_LINE, AGENT_LINE, LATE_LINE],
    );
    let good = path_str(&good).to_owned();
    for (i, (name, bad, word)) in BAD_LINES.into_iter().enumerate() {
        // Line 3 for some cases, line 5 (the last) for others.
        let (lines, line_no) = if i % 2 == 0 {
            (vec![SHOP_LINE, BUYER_LINE, bad, AGENT_LINE, LATE_LINE], 3)
        } else {
            (vec![SHOP_LINE, BUYER_LINE, AGENT_LINE, LATE_LINE, bad], 5)
        };
        let file = write_log(dir.path(), &format!("bad{i}.jsonl"), &lines);
        let file = path_str(&file);
        let located = format!("{file}:{line_no}:");
        for command in ["metrics", "inbox"] {
            let strict = kedai(&[command, "--events", file, "--at", AT, "--json"]);
            strict.failed_with(2).stderr_has(&located).stderr_has(word);
            assert!(strict.stdout.is_empty(), "{name}: {}", strict.stdout);

            let lenient = kedai(&[command, "--events", file, "--at", AT, "--json", "--lenient"]);
            let lenient = lenient.ok();
            assert!(
                lenient
                    .stderr
                    .lines()
                    .any(|l| l.contains("warning") && l.contains(&located)),
                "{name}: {}",
                lenient.stderr
            );
            assert_eq!(
                lenient.json(),
                review_events(command, &good, &[]),
                "{name}: {command} --lenient reports the remaining lines"
            );
        }
    }
}

#[test]
fn every_bad_line_is_reported() {
    let dir = TempDir::new().unwrap();
    let file = write_log(
        dir.path(),
        "two-bad.jsonl",
        &[
            SHOP_LINE,
            "garbage",
            BUYER_LINE,
            r#"{"type":"nope"}"#,
            AGENT_LINE,
        ],
    );
    let file = path_str(&file);
    kedai(&["metrics", "--events", file, "--at", AT])
        .failed_with(2)
        .stderr_has(&format!("{file}:2:"))
        .stderr_has(&format!("{file}:4:"));
}

#[test]
fn a_refused_import_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    let base = write_log(dir.path(), "base.jsonl", &[SHOP_LINE, BUYER_LINE]);
    import(&base, &db);
    let before = export(&db);
    let metrics_before = review_db("metrics", &db, &[]);

    // A good new line before the bad one must not be imported either.
    let bad = write_log(
        dir.path(),
        "bad.jsonl",
        &[AGENT_LINE, LATE_LINE, BAD_LINES[0].1],
    );
    let run = kedai(&["import", path_str(&bad), "--db", path_str(&db)]);
    run.failed_with(2)
        .stderr_has(&format!("{}:3:", bad.display()))
        .stderr_has("JSON");
    assert_eq!(export(&db), before, "the store is unchanged");
    assert_eq!(review_db("metrics", &db, &[]), metrics_before);

    // Leniently, the good lines go in and the bad one is a warning.
    let run = kedai(&["import", path_str(&bad), "--db", path_str(&db), "--lenient"]).ok();
    assert!(
        run.stderr
            .lines()
            .any(|l| l.contains("warning") && l.contains(&format!("{}:3:", bad.display()))),
        "{}",
        run.stderr
    );
    let all = write_log(
        dir.path(),
        "all.jsonl",
        &[SHOP_LINE, BUYER_LINE, AGENT_LINE, LATE_LINE],
    );
    assert_eq!(
        review_db("metrics", &db, &[]),
        review_events("metrics", path_str(&all), &[])
    );
}

#[test]
fn a_refused_import_creates_no_database() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("new.db");
    let bad = write_log(dir.path(), "bad.jsonl", &[SHOP_LINE, BAD_LINES[1].1]);
    kedai(&["import", path_str(&bad), "--db", path_str(&db)])
        .failed_with(2)
        .stderr_has(&format!("{}:2:", bad.display()));
    assert!(!db.exists(), "a refused import left {}", db.display());
    // So a review of it still says there is no such file.
    let run = kedai(&["metrics", "--db", path_str(&db), "--at", AT]);
    assert_ne!(run.code, Some(0));
    run.stderr_has("new.db");
}

// 6. Bad arguments.

#[test]
fn at_must_be_rfc3339_with_an_offset() {
    let file = sample_str();
    for at in [
        "2026-07-20",
        "2026-07-20T12:00:00",
        "yesterday",
        "20/07/2026 12:00",
    ] {
        for command in ["metrics", "inbox"] {
            let run = kedai(&[command, "--events", &file, "--at", at, "--json"]);
            assert_ne!(run.code, Some(0), "{at}");
            run.stderr_has("--at").stderr_has("RFC 3339");
            assert!(run.stdout.is_empty());
        }
    }
    // Any offset is accepted and reported in UTC.
    let report = review_events("metrics", &file, &[]);
    let utc = kedai(&["metrics", "--events", &file, "--at", AT_UTC, "--json"])
        .ok()
        .json();
    assert_eq!(utc, report);
}

#[test]
fn a_review_needs_a_source() {
    for command in ["metrics", "inbox"] {
        let run = kedai(&[command, "--at", AT, "--json"]);
        run.failed_with(2)
            .stderr_has("--events")
            .stderr_has("Usage");
        assert!(run.stdout.is_empty());
    }
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    import(&sample(), &db);
    let run = kedai(&[
        "metrics",
        "--events",
        &sample_str(),
        "--db",
        path_str(&db),
        "--at",
        AT,
    ]);
    run.failed_with(2).stderr_has("--db");
    // A missing SQLite file is named, and not created by looking at it.
    let missing = dir.path().join("missing.db");
    let run = kedai(&["metrics", "--db", path_str(&missing), "--at", AT]);
    assert_ne!(run.code, Some(0));
    run.stderr_has("missing.db");
    assert!(!missing.exists());
    // --set and --lenient belong to --events.
    for extra in ["--lenient", "--set=tiktok.automation_counts_as_reply=true"] {
        let run = kedai(&["metrics", "--db", path_str(&db), "--at", AT, extra]);
        run.failed_with(2).stderr_has("--events");
    }
}

// 7. Settings.

fn tiktok_rates(report: &Value) -> Vec<(String, Value)> {
    let metrics = shop(report, "tt-my")["metrics"].as_object().unwrap();
    let rates: Vec<(String, Value)> = ["response_rate_24h", "response_rate_12h"]
        .into_iter()
        .map(|id| {
            (
                id.to_owned(),
                metrics[id]["automation_counts_as_reply"].clone(),
            )
        })
        .collect();
    rates
}

#[test]
fn set_changes_a_shops_settings() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    import(&sample(), &db);
    let before = review_db("metrics", &db, &[]);
    for (id, flag) in tiktok_rates(&before) {
        assert_eq!(flag, false, "{id} default");
    }

    let listed = kedai(&["set", "--db", path_str(&db), "--shop", "tt-my"])
        .ok()
        .stdout;
    assert!(
        listed.contains("tiktok.automation_counts_as_reply=false"),
        "{listed}"
    );

    let run = kedai(&[
        "set",
        "--db",
        path_str(&db),
        "--shop",
        "tt-my",
        "tiktok.automation_counts_as_reply=true",
    ])
    .ok();
    assert!(
        run.stdout
            .contains("tiktok.automation_counts_as_reply=true"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("shopee.recent_weight="),
        "{}",
        run.stdout
    );

    let after = review_db("metrics", &db, &[]);
    for (id, flag) in tiktok_rates(&after) {
        assert_eq!(flag, true, "{id} after set");
    }
    // Other shops keep their figures.
    for id in ["sp-ph", "lz-my"] {
        assert_eq!(shop(&after, id), shop(&before, id), "{id}");
    }
    // The same setting given to an event-log review gives the same report.
    let events = review_events(
        "metrics",
        &sample_str(),
        &["--set", "tiktok.automation_counts_as_reply=true"],
    );
    assert_eq!(events, after);
}

#[test]
fn set_refuses_an_unknown_key_and_changes_nothing() {
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    import(&sample(), &db);
    let list = || {
        kedai(&["set", "--db", path_str(&db), "--shop", "tt-my"])
            .ok()
            .stdout
    };
    let before = list();
    let db_arg = path_str(&db);

    kedai(&["set", "--db", db_arg, "--shop", "tt-my", "no.such_key=1"])
        .failed_with(2)
        .stderr_has("no.such_key");
    kedai(&[
        "set",
        "--db",
        db_arg,
        "--shop",
        "tt-my",
        "tiktok.automation_counts_as_reply=maybe",
    ])
    .failed_with(2)
    .stderr_has("maybe");
    kedai(&["set", "--db", db_arg, "--shop", "tt-my", "no-equals-sign"])
        .failed_with(2)
        .stderr_has("no-equals-sign");
    kedai(&[
        "set",
        "--db",
        db_arg,
        "--shop",
        "no-such-shop",
        "tiktok.automation_counts_as_reply=true",
    ])
    .failed_with(2)
    .stderr_has("no-such-shop");
    // A good assignment before a bad one is not applied either.
    kedai(&[
        "set",
        "--db",
        db_arg,
        "--shop",
        "tt-my",
        "tiktok.automation_counts_as_reply=true",
        "no.such_key=1",
    ])
    .failed_with(2)
    .stderr_has("no.such_key");
    assert_eq!(list(), before);
    let report = review_db("metrics", &db, &[]);
    for (id, flag) in tiktok_rates(&report) {
        assert_eq!(flag, false, "{id}");
    }
}

// 8. The bench.

#[test]
fn a_small_bench_runs() {
    let run = kedai(&[
        "bench",
        "--messages",
        "2000",
        "--conversations",
        "400",
        "--repeat",
        "3",
    ])
    .ok();
    run.stderr_has("2000 messages in 400 conversations");
}

#[test]
fn a_reader_that_stops_early_ends_the_output_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let dir = TempDir::new().unwrap();
    let db = dir.path().join("k.db");
    kedai(&["import", &sample_str(), "--db", path_str(&db)]).ok();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kedai"))
        .args(["export", "--db", path_str(&db)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
    let out = child.wait_with_output().unwrap();
    // no panic, no "Broken pipe" error: it just stops, like `cat`
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}
