//! Support shared by the cross-crate tests in `tests/tests/`.

use kedai_core::history::parse_log;
use kedai_core::model::Event;
use kedai_core::History;

/// The events of an event log that must parse, in line order.
pub fn events(text: &str) -> Vec<Event> {
    parse_log(text, false)
        .expect("a valid event log")
        .events
        .into_iter()
        .map(|(_, e)| e)
        .collect()
}

/// The history of an event log that must parse and fit.
pub fn history(text: &str) -> History {
    parse_log(text, false)
        .expect("a valid event log")
        .into_history()
        .expect("a consistent event log")
}
