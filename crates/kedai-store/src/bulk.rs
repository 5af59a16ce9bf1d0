//! Bulk loads: a large write into a store without conversations builds the secondary
//! indexes of the conversation tables once, after the rows, instead of row by row.
//! The indexes are dropped and created again inside the write's transaction, so a failed
//! write rolls them back with everything else.

use std::path::{Path, PathBuf};

use kedai_core::History;
use rusqlite::{Connection, Transaction};

use crate::{ImportReport, Result, Store, StoreError};

/// Conversations in a batch from which building the indexes afterwards pays off. The unit
/// tests take the same path with a smaller batch (a debug build imports slowly).
pub(crate) const BULK_CONVERSATIONS: usize = if cfg!(test) { 500 } else { 5_000 };

/// The tables whose secondary indexes are deferred: none of them is read through those
/// indexes while a batch into an empty store is written. `messages` keeps its index on
/// (cid, at): rows come in cid order, so keeping it costs less than building it again.
const TABLES: &[&str] = &["conversations", "items", "sessions"];

/// The `CREATE INDEX` statements of the dropped indexes, exactly as the schema holds them.
#[must_use = "the dropped indexes must be created again before the commit"]
pub(crate) struct Deferred {
    indexes: Vec<String>,
    /// The `cache_size` to go back to after the load.
    cache: i64,
}

/// Drops the deferred indexes when the batch is large and no conversation is stored yet.
pub(crate) fn defer_indexes(
    tx: &Transaction<'_>,
    store_empty: bool,
    batch: &History,
) -> Result<Option<Deferred>> {
    let conversations: usize = batch.shops.values().map(|s| s.conversations.len()).sum();
    if !store_empty || conversations < BULK_CONVERSATIONS {
        return Ok(None);
    }
    let mut indexes: Vec<(String, String)> = Vec::new();
    for table in TABLES {
        let mut q = tx.prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL ORDER BY name",
        )?;
        let rows = q.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for row in rows {
            indexes.push(row?);
        }
    }
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
    }
    // The whole load stays in the page cache until the commit: a cache smaller than the
    // load spills pages to the WAL mid-write, writes some of them again when they change
    // once more, and reads them back when the indexes are built.
    let cache: i64 = tx.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    tx.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
    Ok(Some(Deferred {
        indexes: indexes.into_iter().map(|(_, sql)| sql).collect(),
        cache,
    }))
}

/// The page cache during a bulk load, in KiB as `PRAGMA cache_size` takes it (negative):
/// 2 GiB, an upper bound that pages fill only as the load needs them.
const BULK_CACHE_KIB: i64 = -2 * 1024 * 1024;

impl Deferred {
    /// Creates the dropped indexes again, over every row now stored.
    pub(crate) fn restore(self, tx: &Transaction<'_>) -> Result<()> {
        for sql in &self.indexes {
            tx.execute_batch(sql)?;
        }
        Ok(())
    }

    /// The page cache size before the load, to set again once the load is committed or
    /// rolled back (a smaller cache then drops the pages over it).
    pub(crate) fn cache_size(&self) -> i64 {
        self.cache
    }
}

impl Store {
    /// Imports an event log into a file that does not exist yet, and opens it. The file is
    /// built under a temporary name beside `path`, without a journal or fsyncs (nothing else
    /// can see it), then synced once and renamed into place: a crash or a refused log leaves
    /// no file at `path` (at most the temporary one, named for the failed import), and the
    /// ~290 MB of a million-message load are written once instead of to the WAL and then
    /// again to the file. When `path` exists, this is [`Store::open`] and
    /// [`Store::import_log`] into it.
    pub fn import_new(
        path: impl AsRef<Path>,
        text: &str,
        lenient: bool,
    ) -> Result<(Store, ImportReport)> {
        let path = path.as_ref();
        if path.exists() {
            let mut store = Store::open(path)?;
            let report = store.import_log(text, lenient)?;
            return Ok((store, report));
        }
        let building = building_path(path);
        remove_with_companions(&building);
        let built = build_new(&building, text, lenient).and_then(|report| {
            std::fs::File::open(&building)?.sync_all()?;
            if path.exists() {
                return Err(StoreError::Invalid(format!(
                    "{} was created by someone else during the import",
                    path.display()
                )));
            }
            std::fs::rename(&building, path)?;
            Ok(report)
        });
        let report = match built {
            Ok(report) => report,
            Err(e) => {
                remove_with_companions(&building);
                return Err(e);
            }
        };
        // The rename itself lasts once the directory is synced (best effort: not every
        // platform can open a directory).
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(dir) = std::fs::File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok((Store::open(path)?, report))
    }
}

/// Where [`Store::import_new`] builds the file: beside it, so the rename stays on one file
/// system.
fn building_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.importing-{}", std::process::id()))
}

fn remove_with_companions(db: &Path) {
    let _ = std::fs::remove_file(db);
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = db.as_os_str().to_owned();
        side.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(side));
    }
}

/// Creates the schema in a new file and imports into it, with no journal, no fsyncs and no
/// foreign-key lookups: the file is private until renamed, and a failure deletes it.
fn build_new(file: &Path, text: &str, lenient: bool) -> Result<ImportReport> {
    // Foreign keys off: every row of a load into an empty store is written after the row it
    // refers to, by the same code; the lookups would only confirm it.
    let mut store = Store::setup_as(Connection::open(file)?, true)?;
    let report = store.import_log(text, lenient)?;
    store.conn.close().map_err(|(_, e)| e)?;
    Ok(report)
}

/// Turns off SQLite's count of the memory it holds (a lock and bookkeeping around every
/// allocation it makes; an import makes millions). Process-wide: call once at the start of
/// `main`, before any thread runs and any database is opened; later it does nothing.
pub fn skip_sqlite_memory_stats() {
    // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int. sqlite3_config must not run while
    // another thread uses SQLite; the caller calls it before starting any. Once SQLite is
    // initialized it returns SQLITE_MISUSE and changes nothing.
    unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0_i32);
    }
}

/// Phase timings of a write, printed to stderr when `KEDAI_IMPORT_PHASES` is set (for
/// measuring an import; nothing about the data is printed).
pub(crate) struct Phases {
    on: bool,
    last: std::time::Instant,
    parts: Vec<(&'static str, std::time::Duration)>,
}

impl Phases {
    pub(crate) fn new() -> Phases {
        Phases {
            on: std::env::var_os("KEDAI_IMPORT_PHASES").is_some(),
            last: std::time::Instant::now(),
            parts: Vec::new(),
        }
    }

    /// Ends the phase running since the last mark.
    pub(crate) fn mark(&mut self, name: &'static str) {
        if self.on {
            let now = std::time::Instant::now();
            self.parts.push((name, now - self.last));
            self.last = now;
        }
    }

    /// Adds time measured elsewhere (inside another phase) as a separate line.
    pub(crate) fn add(&mut self, name: &'static str, took: std::time::Duration) {
        if self.on {
            self.parts.push((name, took));
        }
    }

    pub(crate) fn on(&self) -> bool {
        self.on
    }
}

impl Drop for Phases {
    fn drop(&mut self) {
        if self.on && !self.parts.is_empty() {
            let parts: Vec<String> = self
                .parts
                .iter()
                .map(|(n, d)| format!("{n} {:.0} ms", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("kedai-store phases: {}", parts.join(", "));
        }
    }
}

#[cfg(test)]
mod tests {
    use kedai_core::inbox::Filter;
    use kedai_core::time::parse_instant;

    use super::*;
    use crate::InboxQuery;

    const SAMPLE: &str = include_str!("../../../samples/sample-events.jsonl");

    /// The sample's conversations and orders `copies` times over, under new ids; shops,
    /// timeline and buyers once.
    fn copies(copies: usize) -> (String, String) {
        let mut head = String::new();
        let mut rest = String::new();
        for k in 0..copies {
            for line in SAMPLE.lines() {
                let Ok(serde_json::Value::Object(mut e)) = serde_json::from_str(line) else {
                    continue;
                };
                let copied = e.contains_key("conversation") || e["type"] == "order";
                if !copied && k > 0 {
                    continue;
                }
                for key in ["conversation", "id"] {
                    if let Some(serde_json::Value::String(v)) = e.get_mut(key) {
                        v.push_str(&format!("~{k}"));
                    }
                }
                let out = if k == 0 { &mut head } else { &mut rest };
                out.push_str(&serde_json::Value::Object(e).to_string());
                out.push('\n');
            }
        }
        (head, rest)
    }

    fn schema(store: &Store) -> Vec<(String, Option<String>)> {
        let mut q = store
            .connection()
            .prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
            .unwrap();
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    fn export(store: &Store) -> String {
        let mut out = Vec::new();
        store.export(None, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_bulk_load_stores_what_row_by_row_writes_store() {
        let (head, rest) = copies(2);
        let all = format!("{head}{rest}");
        let mut bulk = Store::open_in_memory().unwrap();
        let fresh = schema(&bulk);
        let report = bulk.import_log(&all, false).unwrap();
        assert!(
            report.conversations >= BULK_CONVERSATIONS,
            "the load is a bulk one"
        );
        let mut rows = Store::open_in_memory().unwrap();
        rows.import_log(&head, false).unwrap();
        rows.import_log(&rest, false).unwrap();

        assert_eq!(
            schema(&bulk),
            fresh,
            "every index is back, as the schema defines it"
        );
        assert_eq!(export(&bulk), export(&rows));
        for now in ["2026-07-13T08:30:00+08:00", "2026-07-20T12:00:00+08:00"] {
            let now = parse_instant(now).unwrap();
            for (shop, _) in rows.shops().unwrap() {
                assert_eq!(
                    bulk.clocks(&shop.shop).unwrap(),
                    rows.clocks(&shop.shop).unwrap()
                );
                assert_eq!(
                    bulk.metrics(&shop.shop, now).unwrap(),
                    rows.metrics(&shop.shop, now).unwrap()
                );
            }
            for filter in Filter::ALL {
                let q = InboxQuery {
                    limit: usize::MAX,
                    ..InboxQuery::page(filter, now)
                };
                assert_eq!(bulk.inbox(&q).unwrap(), rows.inbox(&q).unwrap());
            }
            assert_eq!(
                bulk.inbox_counts(None, now).unwrap(),
                rows.inbox_counts(None, now).unwrap()
            );
        }
        let derived = "SELECT shop, conversation, buyer, open_opened_at, open_deadline,
                open_due_soon_at, open_policy, weekend_moved, sort_deadline, closes_at,
                last_message_at, last_buyer_at, last_agent_at, stars, starred, read_at, unread,
                closed FROM conversations ORDER BY shop, conversation";
        let read = |s: &Store| -> Vec<Vec<rusqlite::types::Value>> {
            let mut q = s.connection().prepare(derived).unwrap();
            let rows = q
                .query_map([], |r| (0..18).map(|i| r.get(i)).collect())
                .unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        assert_eq!(read(&bulk), read(&rows), "inbox columns");
    }

    #[test]
    fn a_failed_bulk_load_leaves_the_indexes_as_they_were() {
        let (head, rest) = copies(2);
        let history = {
            let parsed = kedai_core::history::parse_log(&format!("{head}{rest}"), false).unwrap();
            let mut b = kedai_core::history::HistoryBuilder::new();
            for (line, e) in parsed.events {
                b.add(line, e);
            }
            b.build().unwrap().0
        };
        let mut store = Store::open_in_memory().unwrap();
        let before = schema(&store);
        {
            let tx = store.conn.transaction().unwrap();
            let deferred = defer_indexes(&tx, true, &history).unwrap();
            assert!(deferred.is_some());
            assert_ne!(schema_of(&tx), before, "indexes dropped");
            // Dropped without restore or commit: the write failed.
        }
        assert_eq!(schema(&store), before);
    }

    /// The same facts, clocks, metrics and inbox in both stores.
    fn assert_same(a: &Store, b: &Store) {
        assert_eq!(export(a), export(b));
        for now in ["2026-07-13T08:30:00+08:00", "2026-07-20T12:00:00+08:00"] {
            let now = parse_instant(now).unwrap();
            for (shop, _) in b.shops().unwrap() {
                assert_eq!(a.clocks(&shop.shop).unwrap(), b.clocks(&shop.shop).unwrap());
                assert_eq!(
                    a.metrics(&shop.shop, now).unwrap(),
                    b.metrics(&shop.shop, now).unwrap()
                );
            }
            for filter in Filter::ALL {
                let q = InboxQuery {
                    limit: usize::MAX,
                    ..InboxQuery::page(filter, now)
                };
                assert_eq!(a.inbox(&q).unwrap(), b.inbox(&q).unwrap());
            }
            assert_eq!(
                a.inbox_counts(None, now).unwrap(),
                b.inbox_counts(None, now).unwrap()
            );
        }
    }

    fn files(dir: &std::path::Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_new_file_import_stores_what_an_import_into_an_open_store_stores() {
        let (head, rest) = copies(2);
        let all = format!("{head}{rest}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite");
        let (new, report) = Store::import_new(&path, &all, false).unwrap();
        assert!(report.conversations >= BULK_CONVERSATIONS);
        let left: Vec<String> = files(dir.path())
            .into_iter()
            .filter(|f| !f.starts_with("new.sqlite"))
            .collect();
        assert!(left.is_empty(), "no building file left: {left:?}");
        let mode: String = new
            .connection()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fks: bool = new
            .connection()
            .pragma_query_value(None, "foreign_keys", |r| r.get(0))
            .unwrap();
        assert!(fks, "the opened store checks foreign keys again");
        let mut open = Store::open_in_memory().unwrap();
        assert_eq!(open.import_log(&all, false).unwrap(), report);
        assert_eq!(schema(&new), schema(&open));
        assert_same(&new, &open);
        // The file is whole: it reopens with the same facts.
        drop(new);
        assert_same(&Store::open(&path).unwrap(), &open);
    }

    #[test]
    fn a_refused_new_file_import_leaves_no_file() {
        let (head, rest) = copies(2);
        let bad = format!("{head}{rest}{{\"type\":\"message\"\n");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite");
        let Err(StoreError::Log(errors)) = Store::import_new(&path, &bad, false) else {
            panic!("a bad line refuses the log");
        };
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, bad.lines().count());
        assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
        // Lenient: the bad line is skipped and the file is made.
        let (_, report) = Store::import_new(&path, &bad, true).unwrap();
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(files(dir.path()), ["new.sqlite"]);
    }

    #[test]
    fn an_import_into_a_store_holding_a_bulk_load_gives_what_one_import_gives() {
        let (head, rest) = copies(4);
        let lines: Vec<&str> = rest.lines().collect();
        // `rest` is 3 copies of the same lines: with the first 1, the first import holds 2
        // copies (a bulk load, as in the test above); the second the other 2.
        let cut = lines.len() / 3;
        let first = format!("{head}{}\n", lines[..cut].join("\n"));
        let second = format!("{}\n", lines[cut..].join("\n"));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("two.sqlite");
        let (_, report) = Store::import_new(&path, &first, false).unwrap();
        assert!(report.conversations >= BULK_CONVERSATIONS, "a bulk load");
        // The file exists now: the second import goes into the stored data.
        let (two, report) = Store::import_new(&path, &second, false).unwrap();
        assert!(report.conversations > 0);
        let mut one = Store::open_in_memory().unwrap();
        one.import_log(&format!("{first}{second}"), false).unwrap();
        assert_same(&two, &one);
        // And the same again into the open store changes nothing.
        let mut two = two;
        let before = export(&two);
        two.import_log(&second, false).unwrap();
        assert_eq!(export(&two), before);
        assert_same(&two, &one);
    }

    fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, Option<String>)> {
        let mut q = conn
            .prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
            .unwrap();
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }
}
