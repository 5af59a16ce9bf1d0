//! Kedai's SQLite store: the shops' facts, the clock's derived items kept current on every
//! write, indexed inbox queries, the change feed, and event-log import and export.

// The desktop app's reads and roster.
pub mod app;
// The chat window's reads and writes.
mod automation;
mod bulk;
mod cache;
pub mod chat;
mod derive;
mod error;
mod eventlog;
mod inbox;
mod migrate;
// Starting a chat from an order: the requests to open a conversation on the platform.
pub mod open;
mod read;
mod rows;
// The desktop Settings page's writes and the offline metrics review.
pub mod settings;
mod sync;
mod write;

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

pub use automation::{RuleTest, Suggested, TagWordEdit};
pub use bulk::skip_sqlite_memory_stats;
pub use error::StoreError;
pub use eventlog::ImportReport;
pub use inbox::InboxQuery;
pub use read::Change;
pub use sync::{
    BuyerProfile, OutboxEntry, OutboxState, Quarantined, ShopHealth, SyncConversation, SyncPage,
};
pub use write::Applied;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One connection to the file. Writes go through [`Store::apply`] (or import), which
/// recomputes the derived clock of every conversation a write touches.
pub struct Store {
    conn: Connection,
    /// The metric windows of shops read live, kept current by every write.
    cache: std::cell::RefCell<cache::MetricsCache>,
}

impl Store {
    /// Opens (creating if needed) the file and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        Self::setup(Connection::open(path)?)
    }

    pub fn open_in_memory() -> Result<Store> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(conn: Connection) -> Result<Store> {
        Self::setup_as(conn, false)
    }

    /// The connection's settings and the schema. `private_build`: a new file nothing else
    /// can see until it is renamed into place (`bulk::build_new`): no journal, no fsyncs,
    /// no foreign-key lookups. Otherwise WAL, `synchronous=NORMAL`, foreign keys on.
    pub(crate) fn setup_as(conn: Connection, private_build: bool) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(5))?;
        let (journal, synchronous, foreign_keys) = match private_build {
            true => ("OFF", "OFF", "OFF"),
            false => ("WAL", "NORMAL", "ON"),
        };
        conn.pragma_update(None, "journal_mode", journal)?;
        conn.pragma_update(None, "synchronous", synchronous)?;
        conn.pragma_update(None, "foreign_keys", foreign_keys)?;
        // 128 MiB of page cache (the default 2 MiB spills to disk mid-import).
        conn.pragma_update(None, "cache_size", -131_072)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let mut store = Store {
            conn,
            cache: Default::default(),
        };
        migrate::run(&mut store.conn)?;
        Ok(store)
    }

    /// The raw connection, for read-only diagnostics and benchmarks.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
