//! A shop's sync health as the app's offline banner and `kedai sync status` read it.

use kedai_core::time::parse_instant;
use kedai_store::Store;

const SHOP: &str =
    r#"{"type":"shop","shop":"lz","platform":"lazada","region":"MY","tz":"Asia/Kuala_Lumpur"}"#;

#[test]
fn a_pass_with_conversations_to_read_again_still_counts_as_current() {
    let mut store = Store::open_in_memory().unwrap();
    store.import_log(SHOP, false).unwrap();
    let t = |s: &str| parse_instant(s).unwrap();
    let health = |store: &Store, at: &str| store.sync_health(t(at)).unwrap().remove(0);

    store
        .record_sync_attempt("lz", t("2026-07-20T10:00:00Z"), None, false, true)
        .unwrap();
    // the listing was read to its end, one conversation failed: current, with the error shown
    let partial = "1 conversation(s) could not be read; they are read again on the next pass";
    store
        .record_sync_attempt("lz", t("2026-07-20T10:01:00Z"), Some(partial), false, true)
        .unwrap();
    let h = health(&store, "2026-07-20T10:01:30Z");
    assert_eq!(h.last_success, Some(t("2026-07-20T10:01:00Z")));
    assert_eq!(h.last_error.as_deref(), Some(partial));
    assert_eq!(h.lag_secs, Some(30));

    // the platform did not answer: the last success stays where it was
    store
        .record_sync_attempt(
            "lz",
            t("2026-07-20T10:02:00Z"),
            Some("timeout"),
            false,
            false,
        )
        .unwrap();
    let h = health(&store, "2026-07-20T10:02:00Z");
    assert_eq!(h.last_success, Some(t("2026-07-20T10:01:00Z")));
    assert_eq!(h.last_attempt, Some(t("2026-07-20T10:02:00Z")));
    assert_eq!(h.last_error.as_deref(), Some("timeout"));

    // tokens refused: needs reconnecting until a clean pass
    store
        .record_sync_attempt(
            "lz",
            t("2026-07-20T10:03:00Z"),
            Some("refused"),
            true,
            false,
        )
        .unwrap();
    assert!(health(&store, "2026-07-20T10:03:00Z").needs_reconnect);
    store
        .record_sync_attempt("lz", t("2026-07-20T10:04:00Z"), None, false, true)
        .unwrap();
    let h = health(&store, "2026-07-20T10:04:00Z");
    assert!(!h.needs_reconnect);
    assert_eq!(h.last_error, None);
}
