//! The SQLite store against the pure engine: import / export round trips, `metrics --db`
//! against `metrics --events`, derived state after random writes, bad input, change feed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use kedai_core::engine;
use kedai_core::history::HistoryBuilder;
use kedai_core::inbox::{self, Filter, InboxRow};
use kedai_core::model::{Event, Mark, MarkAction, Message, Sender};
use kedai_core::time::parse_instant;
use kedai_core::{History, ShopMetrics, ShopSettings, Ts};
use kedai_store::{InboxQuery, Store, StoreError};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SAMPLE: &str = include_str!("../../samples/sample-events.jsonl");
const SHOPS: [&str; 3] = ["lz-my", "sp-ph", "tt-my"];

fn t(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

/// The sample's end, and earlier instants (the store answers those from its stored clocks
/// rather than from the live columns and cached windows).
fn instants() -> Vec<Ts> {
    vec![
        t("2026-07-20T04:00:00Z"),
        t("2026-07-20T03:30:00Z"),
        t("2026-07-19T12:00:00Z"),
        t("2026-07-15T00:00:00Z"),
        t("2026-07-06T09:45:00+08:00"),
        t("2026-06-20T00:00:00Z"),
    ]
}

/// The sample's last instant: every stored fact is at or before it.
fn end() -> Ts {
    t("2026-07-20T04:00:00Z")
}

fn sample_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let report = store.import_log(SAMPLE, false).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    store
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    store.export(None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn history(text: &str) -> History {
    kedai_tests::history(text)
}

fn query(shop: Option<&str>, filter: Option<Filter>, now: Ts) -> InboxQuery {
    InboxQuery {
        shop: shop.map(str::to_owned),
        filter,
        now,
        limit: usize::MAX,
        offset: 0,
    }
}

/// Every inbox answer of a store at `now`: all rows, each filter, and the counts.
type InboxView = (Vec<InboxRow>, Vec<Vec<InboxRow>>, [(Filter, u64); 7]);

fn inbox_view(store: &Store, now: Ts) -> InboxView {
    let all = store.inbox(&query(None, None, now)).unwrap();
    let filtered = Filter::ALL
        .iter()
        .map(|f| store.inbox(&query(None, Some(*f), now)).unwrap())
        .collect();
    let counts = store.inbox_counts(None, now).unwrap();
    (all, filtered, counts)
}

fn store_metrics(store: &Store, now: Ts) -> BTreeMap<String, ShopMetrics> {
    SHOPS
        .iter()
        .map(|s| (s.to_string(), store.metrics(s, now).unwrap()))
        .collect()
}

/// The engine over a parsed history, every shop with `settings(shop)`.
fn engine_metrics(
    history: &History,
    settings: &dyn Fn(&str) -> ShopSettings,
    now: Ts,
) -> BTreeMap<String, ShopMetrics> {
    history
        .shops
        .iter()
        .map(|(id, h)| {
            let s = settings(id);
            let clocks = engine::clocks(h, &s);
            (
                id.clone(),
                engine::metrics(&h.shop, &s, &clocks, &h.orders, now),
            )
        })
        .collect()
}

fn engine_inbox(
    history: &History,
    settings: &dyn Fn(&str) -> ShopSettings,
    now: Ts,
) -> Vec<InboxRow> {
    let mut rows: Vec<InboxRow> = history
        .shops
        .iter()
        .flat_map(|(id, h)| {
            let s = settings(id);
            let clocks = engine::clocks(h, &s);
            engine::inbox(&h.shop, &s, &clocks, now)
        })
        .collect();
    inbox::sort(&mut rows);
    rows
}

/// The first difference between two row lists, for a readable failure.
fn assert_rows_eq(store: &[InboxRow], engine: &[InboxRow], what: &str) {
    for (i, (a, b)) in store.iter().zip(engine).enumerate() {
        assert_eq!(a, b, "{what}: row {i} differs");
    }
    assert_eq!(store.len(), engine.len(), "{what}: row count");
}

fn assert_metrics_eq(
    a: &BTreeMap<String, ShopMetrics>,
    b: &BTreeMap<String, ShopMetrics>,
    what: &str,
) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}"
    );
    for (shop, ma) in a {
        let mb = &b[shop];
        for ((ka, fa), (kb, fb)) in ma.figures.iter().zip(&mb.figures) {
            assert_eq!(ka, kb, "{what}: {shop}: figure order");
            assert_eq!(fa, fb, "{what}: {shop} {ka}");
        }
        assert_eq!(ma.figures.len(), mb.figures.len(), "{what}: {shop}");
    }
}

#[test]
fn import_export_round_trip_keeps_facts_metrics_and_inbox() {
    let first = sample_store();
    let exported = export(&first);
    assert!(
        exported.lines().count() > 4000,
        "the export holds the sample"
    );

    // The second store is a file, reopened, so that nothing survives in memory.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kedai.sqlite");
    {
        let mut second = Store::open(&path).unwrap();
        let report = second.import_log(&exported, false).unwrap();
        assert!(report.warnings.is_empty());
        assert_eq!(report.events, exported.lines().count());
    }
    let second = Store::open(&path).unwrap();
    assert_eq!(export(&second), exported, "export of the re-import");

    // Same clocks, and the same answers at every instant, the live one first.
    for shop in SHOPS {
        assert_eq!(first.clocks(shop).unwrap(), second.clocks(shop).unwrap());
    }
    for now in instants() {
        assert_metrics_eq(
            &store_metrics(&first, now),
            &store_metrics(&second, now),
            &format!("metrics at {now}"),
        );
        let (a, b) = (inbox_view(&first, now), inbox_view(&second, now));
        assert_rows_eq(&a.0, &b.0, &format!("inbox at {now}"));
        for (f, (ra, rb)) in Filter::ALL.iter().zip(a.1.iter().zip(&b.1)) {
            assert_rows_eq(ra, rb, &format!("inbox {} at {now}", f.as_str()));
        }
        assert_eq!(a.2, b.2, "counts at {now}");
    }
    // And the sample itself is one of the files whose re-import exports the same.
    let reparsed = history(&exported);
    assert_eq!(
        reparsed,
        history(SAMPLE),
        "the export holds the sample's facts"
    );
}

#[test]
fn metrics_and_inbox_from_the_store_equal_the_engine_over_the_log() {
    let store = sample_store();
    let history = history(SAMPLE);
    let defaults = |_: &str| ShopSettings::default();
    assert_eq!(
        history.shops.keys().collect::<Vec<_>>(),
        SHOPS.to_vec(),
        "the sample's shops"
    );
    for (id, h) in &history.shops {
        assert_eq!(
            store.clocks(id).unwrap(),
            engine::clocks(h, &ShopSettings::default()),
            "clocks of {id}"
        );
    }
    // Live first (the cached windows), then looking back, then live again.
    let mut order = instants();
    order.push(end());
    order.push(end() + Duration::days(3));
    for now in order {
        assert_metrics_eq(
            &store_metrics(&store, now),
            &engine_metrics(&history, &defaults, now),
            &format!("metrics at {now}"),
        );
    }
    for now in [
        end(),
        t("2026-07-18T06:00:00Z"),
        end() + Duration::hours(13),
        end() + Duration::days(8),
    ] {
        let engine_rows = engine_inbox(&history, &defaults, now);
        let store_rows = store.inbox(&query(None, None, now)).unwrap();
        assert_rows_eq(&store_rows, &engine_rows, &format!("inbox at {now}"));
        for f in Filter::ALL {
            let want: Vec<_> = engine_rows.iter().filter(|r| r.is_in(f)).cloned().collect();
            let got = store.inbox(&query(None, Some(f), now)).unwrap();
            assert_rows_eq(&got, &want, &format!("inbox {} at {now}", f.as_str()));
        }
        assert_eq!(
            store.inbox_counts(None, now).unwrap(),
            inbox::counts(&engine_rows),
            "counts at {now}"
        );
        for shop in SHOPS {
            let want: Vec<_> = engine_rows
                .iter()
                .filter(|r| r.shop == shop)
                .cloned()
                .collect();
            let got = store.inbox(&query(Some(shop), None, now)).unwrap();
            assert_rows_eq(&got, &want, &format!("inbox of {shop} at {now}"));
            assert_eq!(
                store.inbox_counts(Some(shop), now).unwrap(),
                inbox::counts(&want),
                "counts of {shop} at {now}"
            );
        }
    }
}

/// Splits the events into batches of random size in random order. A mark or rating may not
/// come before its conversation's first message (the store refuses it, rightly: the
/// conversation is unknown), so one that would is carried to the next batch.
fn random_batches(events: &[Event], rng: &mut ChaCha8Rng) -> Vec<Vec<Event>> {
    let mut rest: Vec<Event> = events
        .iter()
        .filter(|e| !matches!(e, Event::Shop(_)))
        .cloned()
        .collect();
    rest.shuffle(rng);
    let mut raw = Vec::new();
    while !rest.is_empty() {
        let n = rng.gen_range(1..=80).min(rest.len());
        raw.push(rest.drain(..n).collect::<Vec<_>>());
    }
    let mut known: BTreeSet<(String, String)> = BTreeSet::new();
    let mut carried: Vec<Event> = Vec::new();
    let mut batches = Vec::new();
    for mut batch in raw {
        batch.append(&mut carried);
        for e in &batch {
            if let Event::Message(m) = e {
                known.insert((m.shop.clone(), m.conversation.clone()));
            }
        }
        let (ready, wait): (Vec<_>, Vec<_>) = batch.into_iter().partition(|e| match e {
            Event::Mark(m) => known.contains(&(m.shop.clone(), m.conversation.clone())),
            Event::Rating(r) => known.contains(&(r.shop.clone(), r.conversation.clone())),
            _ => true,
        });
        carried = wait;
        batches.push(ready);
    }
    assert!(carried.is_empty(), "every mark has a message");
    batches
}

fn engine_history(events: &[Event]) -> History {
    let mut b = HistoryBuilder::new();
    for (i, e) in events.iter().enumerate() {
        b.add(i + 1, e.clone());
    }
    b.build().unwrap().0
}

/// Writes `events` in random batches with settings changed between them, then compares
/// everything derived with the engine run from scratch over the same facts and settings.
fn check_random_writes(events: &[Event], seed: u64, live: Ts, earlier: &[Ts]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut store = Store::open_in_memory().unwrap();
    let shops: Vec<Event> = events
        .iter()
        .filter(|e| matches!(e, Event::Shop(_)))
        .cloned()
        .collect();
    let ids: Vec<String> = shops.iter().map(|e| e.shop().to_owned()).collect();
    store.apply(shops).unwrap();
    let mut settings: BTreeMap<String, ShopSettings> = ids
        .iter()
        .map(|id| (id.clone(), ShopSettings::default()))
        .collect();
    let changes = [
        ("tiktok.automation_counts_as_reply", "true"),
        ("tiktok.automation_counts_as_reply", "false"),
        ("shopee.recent_weight", "3"),
        ("shopee.recent_weight", "1"),
        ("lead.tiktok.12h", "90"),
        ("lead.shopee.12h", "300"),
        ("lead.lazada.same_day", "30"),
    ];
    let batches = random_batches(events, &mut rng);
    for (k, batch) in batches.into_iter().enumerate() {
        store.apply(batch).unwrap();
        if rng.gen_bool(if events.len() > 1000 { 0.08 } else { 0.3 }) {
            let shop = ids.choose(&mut rng).unwrap().clone();
            let (key, value) = *changes.choose(&mut rng).unwrap();
            store.set_setting(&shop, key, value).unwrap();
            settings.get_mut(&shop).unwrap().set(key, value).unwrap();
        }
        if k % 7 == 3 {
            // Read between writes, so that the cached windows must follow the writes.
            for id in &ids {
                store.metrics(id, live).unwrap();
            }
            store.inbox_counts(None, live).unwrap();
            // A look ahead sweeps closed conversations past `live`.
            store
                .inbox(&query(None, Some(Filter::All), live + Duration::days(9)))
                .unwrap();
        }
    }
    // The automation setting is the one that changes the clock itself; make sure it is on
    // for one run at least.
    if seed % 2 == 1 {
        for id in &ids {
            store
                .set_setting(id, "tiktok.automation_counts_as_reply", "true")
                .unwrap();
            settings
                .get_mut(id)
                .unwrap()
                .set("tiktok.automation_counts_as_reply", "true")
                .unwrap();
        }
    }

    let history = engine_history(events);
    for id in &ids {
        assert_eq!(store.shop(id).unwrap().1, settings[id], "settings of {id}");
        let h = &history.shops[id];
        assert_eq!(
            store.clocks(id).unwrap(),
            engine::clocks(h, &settings[id]),
            "seed {seed}: clocks of {id}"
        );
    }
    let settings_of = |id: &str| settings[id].clone();
    for &now in std::iter::once(&live).chain(earlier) {
        let want = engine_metrics(&history, &settings_of, now);
        let got: BTreeMap<_, _> = ids
            .iter()
            .map(|id| (id.clone(), store.metrics(id, now).unwrap()))
            .collect();
        assert_metrics_eq(&got, &want, &format!("seed {seed}: metrics at {now}"));
    }
    // At `live` (behind the sweep) and after it (swept further), each filter.
    for now in [
        live,
        live + Duration::hours(11),
        live + Duration::days(9),
        live + Duration::days(30),
    ] {
        let want = engine_inbox(&history, &settings_of, now);
        let got = store.inbox(&query(None, None, now)).unwrap();
        assert_rows_eq(&got, &want, &format!("seed {seed}: inbox at {now}"));
        for f in Filter::ALL {
            let want: Vec<_> = want.iter().filter(|r| r.is_in(f)).cloned().collect();
            let got = store.inbox(&query(None, Some(f), now)).unwrap();
            assert_rows_eq(
                &got,
                &want,
                &format!("seed {seed}: {} at {now}", f.as_str()),
            );
        }
        assert_eq!(
            store.inbox_counts(None, now).unwrap(),
            inbox::counts(&want),
            "seed {seed}: counts at {now}"
        );
    }
    // Re-applying everything changes nothing.
    let before = export(&store);
    store.apply(events.iter().cloned()).unwrap();
    assert_eq!(export(&store), before, "seed {seed}: writes are idempotent");
}

fn sample_events() -> Vec<Event> {
    kedai_tests::events(SAMPLE)
}

#[test]
fn derived_state_after_random_writes_of_the_sample_equals_the_engine() {
    let events = sample_events();
    for seed in [1, 2] {
        check_random_writes(
            &events,
            seed,
            end(),
            &[t("2026-07-19T12:00:00Z"), t("2026-07-10T00:00:00Z")],
        );
    }
}

/// A small random history of the three platforms: buyers, agents, automation, system
/// notices, marks, ratings, orders, holiday mode and weekend coverage.
fn random_history(rng: &mut ChaCha8Rng) -> Vec<Event> {
    let base = t("2026-07-01T00:00:00Z");
    let mut lines = vec![
        r#"{"type":"shop","shop":"tt","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}"#.to_owned(),
        r#"{"type":"shop","shop":"sp","platform":"shopee","region":"PH","tz":"Asia/Manila"}"#.to_owned(),
        r#"{"type":"shop","shop":"lz","platform":"lazada","region":"MY","tz":"Asia/Kuala_Lumpur"}"#.to_owned(),
        r#"{"type":"shop","shop":"us","platform":"tiktok","region":"US","tz":"America/Los_Angeles"}"#.to_owned(),
        r#"{"type":"operating_hours","shop":"us","at":"2026-06-01T00:00:00Z","hours":{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]}}"#.to_owned(),
    ];
    let at = |minutes: i64| kedai_core::time::format_instant(base + Duration::minutes(minutes));
    let span = 20 * 24 * 60;
    let senders = [
        "buyer",
        "buyer",
        "buyer",
        "buyer",
        "agent",
        "agent",
        "auto",
        "bot",
        "system",
        "broadcast",
    ];
    let mut id = 0;
    for shop in ["tt", "sp", "lz", "us"] {
        if rng.gen_bool(0.3) {
            let from = rng.gen_range(0..span);
            lines.push(format!(
                r#"{{"type":"holiday_mode","shop":"{shop}","from":"{}","to":"{}"}}"#,
                at(from),
                at(from + rng.gen_range(60..3 * 24 * 60))
            ));
        }
        if rng.gen_bool(0.3) {
            lines.push(format!(
                r#"{{"type":"weekend_coverage","shop":"{shop}","from":"{}"}}"#,
                at(rng.gen_range(0..span))
            ));
        }
        for c in 0..rng.gen_range(1..=6) {
            let conv = format!("{shop}-c{c}");
            let buyer = format!("{shop}-b{c}");
            let mut minute = rng.gen_range(0..span);
            let n = rng.gen_range(1..=10);
            for _ in 0..n {
                id += 1;
                let from = senders.choose(rng).unwrap();
                lines.push(format!(
                    r#"{{"type":"message","shop":"{shop}","conversation":"{conv}","id":"m{id}","at":"{}","from":"{from}","buyer":"{buyer}","agent":"a{}"}}"#,
                    at(minute),
                    rng.gen_range(0..3)
                ));
                let mark = match rng.gen_range(0..12) {
                    0 => Some("no_response_needed"),
                    1 => Some("end_session"),
                    2 => Some("star"),
                    3 => Some("unstar"),
                    _ => None,
                };
                if let Some(action) = mark {
                    lines.push(format!(
                        r#"{{"type":"mark","shop":"{shop}","conversation":"{conv}","at":"{}","action":"{action}"}}"#,
                        at(minute + rng.gen_range(0..120))
                    ));
                }
                if rng.gen_bool(0.05) {
                    lines.push(format!(
                        r#"{{"type":"rating","shop":"{shop}","conversation":"{conv}","at":"{}","score":"dissatisfied"}}"#,
                        at(minute + 30)
                    ));
                }
                minute += *[1, 5, 30, 200, 700, 1500, 11000].choose(rng).unwrap();
            }
            if rng.gen_bool(0.3) {
                id += 1;
                lines.push(format!(
                    r#"{{"type":"order","shop":"{shop}","buyer":"{buyer}","id":"o{id}","at":"{}"}}"#,
                    at(minute)
                ));
            }
            if rng.gen_bool(0.15) {
                lines.push(format!(
                    r#"{{"type":"buyer","shop":"{shop}","buyer":"{buyer}","at":"{}","blocked":true,"account_state":"banned"}}"#,
                    at(rng.gen_range(0..span))
                ));
            }
        }
    }
    kedai_tests::events(&lines.join("\n"))
}

#[test]
fn derived_state_after_random_writes_of_small_histories_equals_the_engine() {
    for seed in 0..24u64 {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        let events = random_history(&mut rng);
        let latest = events.iter().filter_map(Event::at).max().unwrap();
        check_random_writes(
            &events,
            seed,
            latest + Duration::minutes(1),
            &[
                latest - Duration::days(3),
                t("2026-07-08T12:00:00Z"),
                latest + Duration::days(40),
            ],
        );
    }
}

#[test]
fn a_mark_in_a_later_write_than_its_conversation_is_applied() {
    let mut store = sample_store();
    let conv = "tt-my-c0098";
    let at = t("2026-07-20T03:59:00Z");
    let mark = |action| Event::Mark(Mark::new("tt-my", conv, at, action, None));
    store.apply([mark(MarkAction::Star)]).unwrap();
    let row = |store: &Store| {
        store
            .inbox(&query(Some("tt-my"), None, end()))
            .unwrap()
            .into_iter()
            .find(|r| r.conversation == conv)
            .unwrap()
    };
    assert!(row(&store).starred);
    assert!(row(&store).unreplied);
    store.apply([mark(MarkAction::NoResponseNeeded)]).unwrap();
    assert!(
        !row(&store).unreplied,
        "no response needed closes the inquiry"
    );

    // A rating on its own, too.
    let rated = |store: &Store| {
        store
            .metrics("tt-my", end())
            .unwrap()
            .get("satisfaction_rate")
            .unwrap()
            .denominator
    };
    let before = rated(&store);
    store
        .apply([Event::Rating(kedai_core::Rating {
            shop: "tt-my".into(),
            conversation: conv.into(),
            at,
            score: kedai_core::Score::Satisfied,
        })])
        .unwrap();
    assert_eq!(rated(&store), before + 1);
    let history = history(&export(&store));
    let clocks = engine::clocks(&history.shops["tt-my"], &ShopSettings::default());
    assert_eq!(store.clocks("tt-my").unwrap(), clocks);

    // A mark on a conversation the store does not hold is refused, and changes nothing.
    let before = export(&store);
    let mut ghost = mark(MarkAction::Star);
    if let Event::Mark(m) = &mut ghost {
        m.conversation = "ghost".into();
    }
    let err = store.apply([ghost]).unwrap_err();
    assert!(err.to_string().contains("ghost"), "{err}");
    assert_eq!(export(&store), before);
}

/// The sample with one line replaced by `bad`; returns the text and the line's number.
fn with_bad_line(bad: &str, at: usize) -> String {
    let mut lines: Vec<&str> = SAMPLE.lines().collect();
    lines.insert(at - 1, bad);
    lines.join("\n") + "\n"
}

#[test]
fn a_strict_import_with_a_bad_line_names_it_and_changes_nothing() {
    let new_message = r#"{"type":"message","shop":"tt-my","conversation":"tt-my-new","id":"new-1","at":"2026-07-20T03:00:00Z","from":"buyer","buyer":"tt-my-new-b","text":"hello?"}"#;
    let bad_lines = [
        // Not JSON.
        (r#"{"type":"message", "shop": "#, "EOF"),
        // An unknown event type.
        (r#"{"type":"refund","shop":"tt-my"}"#, "refund"),
        // An unknown field.
        (
            r#"{"type":"order","shop":"tt-my","buyer":"b","id":"o-x","at":"2026-07-19T00:00:00Z","colour":"red"}"#,
            "colour",
        ),
        // Well-formed, but about an undeclared shop: caught when the history is built.
        (
            r#"{"type":"order","shop":"nowhere","buyer":"b","id":"o-y","at":"2026-07-19T00:00:00Z"}"#,
            "nowhere",
        ),
        // A mark on a conversation without a message.
        (
            r#"{"type":"mark","shop":"sp-ph","conversation":"ghost","at":"2026-07-19T00:00:00Z","action":"star"}"#,
            "ghost",
        ),
    ];
    for (bad, needle) in bad_lines {
        let mut store = Store::open_in_memory().unwrap();
        // Half the sample first, so that "unchanged" means something.
        let half: String = SAMPLE
            .lines()
            .take(2400)
            .map(|l| format!("{l}\n"))
            .collect();
        store.import_log(&half, false).unwrap();
        let before = export(&store);
        let changes = store.changes_since(0).unwrap().len();

        let line = 3000;
        let text = with_bad_line(bad, line) + new_message + "\n";
        let err = store.import_log(&text, false).unwrap_err();
        let StoreError::Log(errors) = &err else {
            panic!("{bad}: not a line error: {err}");
        };
        assert_eq!(errors.len(), 1, "{bad}: {errors:?}");
        assert_eq!(errors[0].line, line, "{bad}");
        let message = err.to_string();
        assert!(message.contains(&format!("line {line}")), "{message}");
        assert!(message.contains(needle), "{bad}: {message}");
        assert_eq!(export(&store), before, "{bad}: the store is unchanged");
        assert_eq!(store.changes_since(0).unwrap().len(), changes);

        // Lenient: the line is skipped with a warning, everything else goes in.
        let report = store.import_log(&text, true).unwrap();
        assert_eq!(report.warnings.len(), 1, "{bad}: {:?}", report.warnings);
        assert_eq!(report.warnings[0].line, line);
        assert!(report.warnings[0].message.contains(needle));
        let mut clean = Store::open_in_memory().unwrap();
        clean
            .import_log(&format!("{SAMPLE}{new_message}\n"), false)
            .unwrap();
        assert_eq!(export(&store), export(&clean), "{bad}: lenient import");
    }
}

#[test]
fn the_change_feed_records_touched_conversations() {
    let mut store = sample_store();
    let history = history(SAMPLE);
    let all = store.changes_since(0).unwrap();
    let touched: BTreeSet<(String, String)> = all
        .iter()
        .filter(|c| c.what == "conversation")
        .map(|c| (c.shop.clone(), c.conversation.clone().unwrap()))
        .collect();
    let every: BTreeSet<(String, String)> = history
        .shops
        .iter()
        .flat_map(|(s, h)| h.conversations.keys().map(|c| (s.clone(), c.clone())))
        .collect();
    assert_eq!(touched, every, "the import touched every conversation");
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    let mut seq = all.last().unwrap().seq;

    // A new message in one conversation: that conversation, and nothing else.
    let message = Message {
        shop: "sp-ph".into(),
        conversation: "sp-ph-c0001".into(),
        id: "feed-1".into(),
        at: end(),
        from: Sender::Agent,
        buyer: history.shops["sp-ph"].conversations["sp-ph-c0001"]
            .buyer
            .clone(),
        kind: Default::default(),
        text: Some("Thanks!".into()),
        agent: Some("ana".into()),
        faq_chat_with_agent: None,
        platform_handled: None,
    };
    store.apply([Event::Message(message.clone())]).unwrap();
    let feed = store.changes_since(seq).unwrap();
    assert_eq!(feed.len(), 1, "{feed:?}");
    assert_eq!(
        (
            feed[0].shop.as_str(),
            feed[0].conversation.as_deref(),
            feed[0].what.as_str()
        ),
        ("sp-ph", Some("sp-ph-c0001"), "conversation")
    );
    seq = feed[0].seq;

    // The same message again changes nothing.
    store.apply([Event::Message(message.clone())]).unwrap();
    assert_eq!(store.changes_since(seq).unwrap(), vec![]);

    // Two conversations in one write, one of them new.
    let mut other = message.clone();
    other.id = "feed-2".into();
    other.conversation = "sp-ph-fresh".into();
    other.buyer = "sp-ph-fresh-b".into();
    let mut third = message;
    third.id = "feed-3".into();
    third.conversation = "sp-ph-c0002".into();
    third.buyer = history.shops["sp-ph"].conversations["sp-ph-c0002"]
        .buyer
        .clone();
    store
        .apply([Event::Message(other), Event::Message(third)])
        .unwrap();
    let feed = store.changes_since(seq).unwrap();
    let convs: BTreeSet<_> = feed
        .iter()
        .map(|c| (c.what.as_str(), c.conversation.clone().unwrap_or_default()))
        .collect();
    assert_eq!(
        convs,
        BTreeSet::from([
            ("conversation", "sp-ph-c0002".to_owned()),
            ("conversation", "sp-ph-fresh".to_owned())
        ])
    );
    seq = feed.last().unwrap().seq;

    // Reading, and a setting.
    store.mark_read("sp-ph", "sp-ph-c0002", end()).unwrap();
    store
        .set_setting("sp-ph", "shopee.recent_weight", "3")
        .unwrap();
    let feed = store.changes_since(seq).unwrap();
    let whats: Vec<_> = feed
        .iter()
        .map(|c| (c.what.as_str(), c.conversation.as_deref()))
        .collect();
    assert_eq!(
        whats,
        vec![("read", Some("sp-ph-c0002")), ("shop", None)],
        "{feed:?}"
    );
}

/// §6 at a past instant: a conversation that went on after `now` is in the inbox as it was
/// then (its latest message, unread and unreplied by then), from the engine and from the
/// store alike.
#[test]
fn the_inbox_at_a_past_instant_shows_conversations_as_they_were() {
    let log = r#"{"type":"shop","shop":"tt","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"message","shop":"tt","conversation":"c1","id":"m1","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b1","text":"Is this in stock?"}
{"type":"message","shop":"tt","conversation":"c1","id":"m2","at":"2026-07-18T11:00:00+08:00","from":"agent","buyer":"b1","text":"Yes"}
{"type":"message","shop":"tt","conversation":"c1","id":"m3","at":"2026-07-18T14:00:00+08:00","from":"buyer","buyer":"b1","text":"Thanks, and the blue one?"}
{"type":"message","shop":"tt","conversation":"c2","id":"m4","at":"2026-07-18T13:00:00+08:00","from":"buyer","buyer":"b2","text":"Hello"}"#;
    let h = history(log);
    let mut store = Store::open_in_memory().unwrap();
    store.import_log(log, false).unwrap();
    let defaults = |_: &str| ShopSettings::default();
    // (now, c1's latest message, unread, unreplied); c2 does not exist yet at any of them.
    for (now, latest, unread, unreplied) in [
        (
            "2026-07-18T10:30:00+08:00",
            "2026-07-18T10:00:00+08:00",
            true,
            true,
        ),
        (
            "2026-07-18T12:00:00+08:00",
            "2026-07-18T11:00:00+08:00",
            false,
            false,
        ),
    ] {
        let now = t(now);
        let engine = engine_inbox(&h, &defaults, now);
        let stored = store.inbox(&query(None, None, now)).unwrap();
        assert_rows_eq(&stored, &engine, "store against engine");
        assert_eq!(engine.len(), 1, "only c1 exists at {now}");
        let row = &engine[0];
        assert_eq!(row.conversation, "c1");
        assert_eq!(row.last_message_at, Some(t(latest)));
        assert_eq!((row.unread, row.unreplied), (unread, unreplied), "at {now}");
    }
}
