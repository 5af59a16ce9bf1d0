//! One reading connection to the store on its own thread. Commands and the pump send it
//! closures; the store (with its metrics cache) is never shared between threads and never
//! sits behind a lock. Sync writes through its own connection (WAL lets both work).

use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use kedai_store::Store;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Store) + Send>;

/// The reading connection's page cache: 2 MiB (negative: KiB, SQLite's convention).
const READER_CACHE_KIB: i64 = -2_048;

/// A job this long read much more than it keeps (the metric windows' first load, a
/// backup): the allocator is then asked to give its free pages back.
const LONG_JOB: Duration = Duration::from_millis(50);

/// Returns the heap's free pages to the system (glibc keeps them, in the middle of the
/// heap, for later allocations). Measured on the 50,000-conversation benchmark file: with
/// the store's `PRAGMA shrink_memory` after a window load, the app idles 3 MB smaller.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas, under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// A clonable handle to the store's thread.
#[derive(Clone)]
pub struct Db {
    jobs: mpsc::Sender<Job>,
}

impl Db {
    /// Opens the file (creating it and the desktop tables if needed) on a new thread.
    pub fn open(path: &Path) -> anyhow::Result<Db> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready_rx) = mpsc::channel();
        let path = path.to_owned();
        std::thread::Builder::new()
            .name("kedai-store".into())
            .spawn(move || {
                let store = Store::open(&path).and_then(|s| {
                    // The store opens with 128 MiB of page cache for bulk imports; this
                    // connection reads pages of the list and small indexed counts, and a full
                    // cache of a large file would stay resident all day (issue 6: idle RSS).
                    s.connection()
                        .pragma_update(None, "cache_size", READER_CACHE_KIB)?;
                    Ok(s)
                });
                let mut store = match store {
                    Ok(s) => {
                        let _ = ready_tx.send(Ok(()));
                        s
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                // Ends when every handle is dropped.
                while let Ok(job) = rx.recv() {
                    let started = Instant::now();
                    job(&mut store);
                    if started.elapsed() > LONG_JOB {
                        release_free_memory();
                    }
                }
            })?;
        ready_rx.recv()??;
        Ok(Db { jobs })
    }

    /// Runs `f` on the store's thread and waits for its answer.
    pub async fn call<R: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> R + Send + 'static,
    ) -> anyhow::Result<R> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |store| {
                let _ = tx.send(f(store));
            }))
            .map_err(|_| anyhow::anyhow!("the store's thread has stopped"))?;
        Ok(rx.await?)
    }
}
