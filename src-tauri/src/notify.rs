//! Desktop notifications (notify-rust): one when a chat becomes due soon and one when it
//! goes overdue, once per chat per state, grouped when many arrive at once, never during the
//! do-not-disturb hours or while paused. Without a notification service the app keeps
//! working and Settings says so.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use chrono::{Local, NaiveTime, Timelike};
use kedai_store::app::Crossing;

use crate::dto::{NotifySettings, NotifyStatus};

/// More crossings of one state than this in one update become one grouped notification.
const GROUP_OVER: usize = 3;

#[derive(Clone)]
pub struct Notifier {
    inner: Arc<Mutex<Inner>>,
}

struct Inner {
    settings: NotifySettings,
    service: &'static str,
    detail: Option<String>,
    sent: u32,
    /// (shop, conversation, deadline ms, state) already notified.
    seen: HashSet<(String, String, i64, &'static str)>,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub summary: String,
    pub body: String,
    /// The chat a click opens, `(shop, conversation)`; none for a grouped note.
    pub chat: Option<(String, String)>,
}

/// Whether `t` falls in the do-not-disturb span `[from, to)` (which may wrap midnight).
pub fn in_dnd(settings: &NotifySettings, t: NaiveTime) -> bool {
    let parse = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
    match (parse(&settings.dnd_from), parse(&settings.dnd_to)) {
        (Some(from), Some(to)) if from < to => from <= t && t < to,
        (Some(from), Some(to)) if from > to => t >= from || t < to,
        _ => false,
    }
}

/// The notifications for a batch of crossings (already de-duplicated): one per chat, or one
/// per state when more than [`GROUP_OVER`] arrive together.
pub fn plan(crossings: &[(Crossing, String)]) -> Vec<Note> {
    let mut notes = Vec::new();
    for (state, title) in [("due_soon", "Due soon"), ("overdue", "Overdue")] {
        let these: Vec<_> = crossings.iter().filter(|(c, _)| c.state == state).collect();
        if these.len() > GROUP_OVER {
            let names: Vec<_> = these
                .iter()
                .take(3)
                .map(|(c, _)| c.buyer_name.as_deref().unwrap_or(&c.buyer))
                .collect();
            notes.push(Note {
                summary: format!("{} chats {}", these.len(), title.to_lowercase()),
                body: format!(
                    "{} and {} more",
                    names.join(", "),
                    these.len() - names.len()
                ),
                chat: None,
            });
        } else {
            for (c, shop_name) in these {
                notes.push(Note {
                    summary: format!("{title}: {}", c.buyer_name.as_deref().unwrap_or(&c.buyer)),
                    body: format!("{shop_name} · chat {}", c.conversation),
                    chat: Some((c.shop.clone(), c.conversation.clone())),
                });
            }
        }
    }
    notes
}

impl Notifier {
    pub fn new(settings: NotifySettings) -> Notifier {
        Notifier {
            inner: Arc::new(Mutex::new(Inner {
                settings,
                service: "unknown",
                detail: None,
                sent: 0,
                seen: HashSet::new(),
            })),
        }
    }

    pub fn status(&self) -> NotifyStatus {
        let i = self.inner.lock().expect("notifier lock");
        NotifyStatus {
            settings: i.settings.clone(),
            service: i.service.into(),
            detail: i.detail.clone(),
            sent: i.sent,
        }
    }

    pub fn set_settings(&self, settings: NotifySettings) {
        self.inner.lock().expect("notifier lock").settings = settings;
    }

    /// Keeps the crossings not notified before and returns what to show now (nothing while
    /// paused or in do-not-disturb; those chats are not notified later either).
    pub fn take(&self, crossings: Vec<(Crossing, String)>) -> Vec<Note> {
        let mut i = self.inner.lock().expect("notifier lock");
        let fresh: Vec<_> = crossings
            .into_iter()
            .filter(|(c, _)| {
                i.seen.insert((
                    c.shop.clone(),
                    c.conversation.clone(),
                    c.deadline.timestamp_millis(),
                    c.state,
                ))
            })
            .collect();
        let local = Local::now().time().with_nanosecond(0).unwrap_or_default();
        if i.settings.paused || in_dnd(&i.settings, local) {
            return Vec::new();
        }
        plan(&fresh)
    }

    /// Shows the notes on a blocking thread; records whether the service answered. A click on
    /// a note about one chat calls `open` with it (a thread waits for the click, or for the
    /// note to close).
    pub async fn show<F>(&self, notes: Vec<Note>, open: F)
    where
        F: Fn(&str, &str) + Clone + Send + 'static,
    {
        for note in notes {
            let open = open.clone();
            let shown = tokio::task::spawn_blocking(move || {
                let mut n = notify_rust::Notification::new();
                n.appname("Kedai")
                    .summary(&note.summary)
                    .body(&note.body)
                    .icon("dialog-information");
                if note.chat.is_some() {
                    n.action("default", "Open chat");
                }
                let handle = n.show().map_err(|e| e.to_string())?;
                if let Some((shop, conversation)) = note.chat {
                    waits_for_click(handle, move || open(&shop, &conversation));
                }
                Ok::<(), String>(())
            })
            .await
            .unwrap_or_else(|e| Err(e.to_string()));
            let mut i = self.inner.lock().expect("notifier lock");
            match shown {
                Ok(()) => {
                    i.service = "ok";
                    i.detail = None;
                    i.sent += 1;
                }
                Err(e) => {
                    if i.service != "unavailable" {
                        tracing::warn!("desktop notifications unavailable: {e}");
                    }
                    i.service = "unavailable";
                    i.detail = Some(e);
                }
            }
        }
    }
}

/// Calls `clicked` when the note's default action is invoked (a click on it).
#[cfg(all(unix, not(target_os = "macos")))]
fn waits_for_click(
    handle: notify_rust::NotificationHandle,
    clicked: impl FnOnce() + Send + 'static,
) {
    let spawned = std::thread::Builder::new()
        .name("kedai-notification".into())
        .spawn(move || {
            handle.wait_for_action(|action| {
                if action == "default" {
                    tracing::info!("notification clicked: opening its chat");
                    clicked();
                }
            })
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot wait for a notification's click: {e}");
    }
}

#[cfg(not(all(unix, not(target_os = "macos"))))]
fn waits_for_click(_: notify_rust::NotificationHandle, _: impl FnOnce() + Send + 'static) {}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn crossing(conv: &str, state: &'static str) -> (Crossing, String) {
        (
            Crossing {
                shop: "tt-my".into(),
                conversation: conv.into(),
                buyer: format!("buyer-{conv}"),
                buyer_name: None,
                deadline: Utc.with_ymd_and_hms(2026, 7, 18, 14, 0, 0).unwrap(),
                state,
            },
            "Kedai Batik".into(),
        )
    }

    fn settings(from: &str, to: &str) -> NotifySettings {
        NotifySettings {
            paused: false,
            dnd_from: from.into(),
            dnd_to: to.into(),
        }
    }

    #[test]
    fn one_notification_per_chat_per_state() {
        let n = Notifier::new(settings("", ""));
        let first = n.take(vec![crossing("c1", "due_soon")]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].summary, "Due soon: buyer-c1");
        assert_eq!(
            first[0].chat,
            Some(("tt-my".into(), "c1".into())),
            "a click opens it"
        );
        assert!(n.take(vec![crossing("c1", "due_soon")]).is_empty());
        assert_eq!(n.take(vec![crossing("c1", "overdue")]).len(), 1);
    }

    #[test]
    fn many_at_once_are_grouped() {
        let batch: Vec<_> = (0..6)
            .map(|i| crossing(&format!("c{i}"), "overdue"))
            .collect();
        let notes = plan(&batch);
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].summary, "6 chats overdue");
        assert_eq!(notes[0].chat, None, "a grouped note opens no single chat");
    }

    #[test]
    fn do_not_disturb_wraps_midnight() {
        let s = settings("22:00", "07:00");
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(in_dnd(&s, t(23, 0)));
        assert!(in_dnd(&s, t(6, 59)));
        assert!(!in_dnd(&s, t(7, 0)));
        assert!(!in_dnd(&s, t(12, 0)));
        assert!(!in_dnd(&settings("", ""), t(12, 0)));
        assert!(in_dnd(&settings("09:00", "17:00"), t(12, 0)));
    }
}
