//! Bulk loads: a large write into a store without conversations builds the secondary
//! indexes of the conversation tables once, after the rows, instead of row by row.
//! The indexes are dropped and created again inside the write's transaction, so a failed
//! write rolls them back with everything else.

use kedai_core::History;
use rusqlite::Transaction;

use crate::Result;

/// Conversations in a batch from which building the indexes afterwards pays off.
pub(crate) const BULK_CONVERSATIONS: usize = 5_000;

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

#[cfg(test)]
mod tests {
    use kedai_core::inbox::Filter;
    use kedai_core::time::parse_instant;

    use super::*;
    use crate::{InboxQuery, Store};

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
        let (head, rest) = copies(14);
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
        let (head, rest) = copies(14);
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

    fn schema_of(conn: &rusqlite::Connection) -> Vec<(String, Option<String>)> {
        let mut q = conn
            .prepare("SELECT name, sql FROM sqlite_schema ORDER BY name")
            .unwrap();
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }
}
