//! The store behind a mutex, used from async tasks: every call runs on the blocking pool,
//! one writer at a time (SQLite has one writer; readers use their own connections).

use std::path::Path;
use std::sync::{Arc, Mutex};

use kedai_store::Store;

use crate::SyncError;

#[derive(Clone)]
pub struct Db {
    store: Arc<Mutex<Store>>,
}

impl Db {
    pub fn open(path: &Path) -> Result<Db, SyncError> {
        Ok(Db::new(Store::open(path)?))
    }

    pub fn new(store: Store) -> Db {
        Db {
            store: Arc::new(Mutex::new(store)),
        }
    }

    /// Runs `f` with the store on the blocking pool.
    pub async fn call<R, F>(&self, f: F) -> Result<R, SyncError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Store) -> kedai_store::Result<R> + Send + 'static,
    {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut s = store.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut s)
        })
        .await
        .map_err(|e| SyncError::Task(e.to_string()))?
        .map_err(SyncError::from)
    }
}
