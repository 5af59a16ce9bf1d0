//! The one app state every command and background task shares. Everything in it is a
//! clonable handle: the store's thread, the clock, the notifier.

use crate::clock::AppClock;
use crate::db::Db;
use crate::notify::Notifier;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: AppClock,
    pub demo: bool,
    /// The agent using this app (the roster's `is_me`).
    pub me: String,
    pub notifier: Notifier,
    /// How the shops are kept in sync: shown in Settings.
    pub sync: String,
}
