//! The one app state every command and background task shares. Everything in it is a
//! clonable handle: the store's thread, the clock, the notifier. The data file, the clock
//! and the demo flag can be switched while the app runs (demo on/off, a shop connected):
//! they sit behind `mode::Live`, which commands read as before (`state.db.call`,
//! `state.clock.now()`).

use crate::mode::{LiveClock, LiveDb};
use crate::notify::Notifier;

#[derive(Clone)]
pub struct AppState {
    pub db: LiveDb,
    pub clock: LiveClock,
    /// The agent using this app (the roster's `is_me`).
    pub me: String,
    pub notifier: Notifier,
}

impl AppState {
    /// Whether the app runs on the simulator's demo data now.
    pub fn demo(&self) -> bool {
        self.db.live().demo()
    }

    /// How the shops are kept in sync now: shown in Settings.
    pub fn sync(&self) -> String {
        self.db.live().sync()
    }
}
