//! The store against the engine on the sample history: import, export, import again gives
//! the same facts; metrics and inbox from SQLite equal the engine's from the event log.

use kedai_core::engine;
use kedai_core::history::parse_log;
use kedai_core::inbox::{self, Filter};
use kedai_core::time::parse_instant;
use kedai_core::{ShopSettings, Ts};
use kedai_store::{InboxQuery, Store};

const SAMPLE: &str = include_str!("../../../samples/sample-events.jsonl");

fn at(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

/// The sample's last instant, a week before it, and after every conversation auto-closed.
fn instants() -> Vec<Ts> {
    vec![
        at("2026-07-20T12:00:00+08:00"),
        at("2026-07-13T08:30:00+08:00"),
        at("2026-07-29T00:00:00+08:00"),
    ]
}

fn imported(text: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let report = store.import_log(text, false).unwrap();
    assert!(report.warnings.is_empty());
    store
}

fn export(store: &Store) -> String {
    let mut out = Vec::new();
    store.export(None, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn export_then_import_round_trips() {
    let first = imported(SAMPLE);
    let exported = export(&first);
    let second = imported(&exported);
    assert_eq!(
        export(&second),
        exported,
        "a second export is byte-identical"
    );
    for now in instants() {
        for (shop, _) in first.shops().unwrap() {
            assert_eq!(
                first.metrics(&shop.shop, now).unwrap(),
                second.metrics(&shop.shop, now).unwrap()
            );
        }
        let q = InboxQuery {
            shop: None,
            filter: None,
            now,
            limit: usize::MAX,
            offset: 0,
        };
        assert_eq!(first.inbox(&q).unwrap(), second.inbox(&q).unwrap());
    }
}

#[test]
fn store_agrees_with_the_engine() {
    let history = parse_log(SAMPLE, false).unwrap().into_history().unwrap();
    let store = imported(SAMPLE);
    let settings = ShopSettings::default();
    for now in instants() {
        let mut rows = Vec::new();
        for shop in history.shops.values() {
            let clocks = engine::clocks(shop, &settings);
            let expected = engine::metrics(&shop.shop, &settings, &clocks, &shop.orders, now);
            assert_eq!(
                store.metrics(&shop.shop.shop, now).unwrap(),
                expected,
                "{now}"
            );
            rows.extend(engine::inbox(&shop.shop, &settings, &clocks, now));
        }
        inbox::sort(&mut rows);
        for filter in Filter::ALL {
            let expected: Vec<_> = rows.iter().filter(|r| r.is_in(filter)).cloned().collect();
            let got = store
                .inbox(&InboxQuery {
                    shop: None,
                    filter: Some(filter),
                    now,
                    limit: usize::MAX,
                    offset: 0,
                })
                .unwrap();
            assert_eq!(got, expected, "{} at {now}", filter.as_str());
        }
        assert_eq!(store.inbox_counts(None, now).unwrap(), inbox::counts(&rows));
    }
}

#[test]
fn a_bad_line_leaves_the_store_as_it_was() {
    let mut store = imported(SAMPLE);
    let before = export(&store);
    let bad = "{\"type\":\"message\",\"shop\":\"tt-my\"}\nnot json\n";
    let err = store.import_log(bad, false).unwrap_err().to_string();
    assert!(err.contains("line 1") && err.contains("line 2"), "{err}");
    assert_eq!(export(&store), before);
    let report = store.import_log(bad, true).unwrap();
    assert_eq!(report.warnings.len(), 2);
    assert_eq!(export(&store), before);
}
