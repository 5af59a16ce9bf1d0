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
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
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
