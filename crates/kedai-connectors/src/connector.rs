//! The one trait the three platform clients implement, and the helpers that page a
//! listing to its end.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use kedai_core::{Platform, Ts};

use crate::error::{Error, Result};
use crate::http::BoxFuture;
use crate::tokens::Tokens;
use crate::wire::{Conversation, Cursor, Outgoing, Page, Performance, Sent, WireMessage};

/// A marketplace chat client for one shop. Object safe: a sync engine holds
/// `Arc<dyn Connector>`; every call returns a boxed `Send` future.
pub trait Connector: Send + Sync {
    fn platform(&self) -> Platform;

    /// One page of conversations, newest first, from `cursor` (`Cursor::Start` = newest).
    fn list_conversations<'a>(&'a self, cursor: &'a Cursor) -> BoxFuture<'a, Page<Conversation>>;

    /// One page of a conversation's messages, newest first, from `cursor`.
    fn list_messages<'a>(
        &'a self,
        conversation: &'a Conversation,
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Page<WireMessage>>;

    /// Sends a message into the conversation; the platform's id of the new message.
    fn send<'a>(
        &'a self,
        conversation: &'a Conversation,
        message: &'a Outgoing,
    ) -> BoxFuture<'a, Sent>;

    /// Marks the buyer's messages read up to `last_message_id`.
    fn mark_read<'a>(
        &'a self,
        conversation: &'a Conversation,
        last_message_id: &'a str,
    ) -> BoxFuture<'a, ()>;

    /// Exchanges the refresh token for new tokens (the old access token stops working) and
    /// keeps them; the caller persists the result.
    fn refresh_token(&self) -> BoxFuture<'_, Tokens>;

    /// Exchanges an authorization code from the OAuth redirect for tokens and keeps them.
    fn exchange_code<'a>(&'a self, code: &'a str) -> BoxFuture<'a, Tokens>;

    /// The tokens in use now (after any refresh).
    fn tokens(&self) -> Tokens;

    /// The platform's own performance figures for `[from, to)`, `None` where the platform
    /// publishes none (Lazada).
    fn performance(&self, from: NaiveDate, to: NaiveDate) -> BoxFuture<'_, Option<Performance>>;
}

/// Whatever a to-the-end pull collected, de-duplicated by id (the platform may serve a page
/// twice or reorder items), newest first as served.
#[derive(Debug, Clone, PartialEq)]
pub struct Pulled<T> {
    pub items: Vec<T>,
    /// Requests made (for reporting).
    pub pages: usize,
    /// Items dropped as repeats of an id already seen.
    pub duplicates: usize,
}

const MAX_PAGES: usize = 1_000_000;
const MAX_CURSOR_REPEATS: u32 = 8;

/// The bookkeeping of a to-the-end pull: de-duplication, the watermark, loop protection.
struct Puller<T> {
    seen: HashSet<String>,
    visited: HashMap<Cursor, u32>,
    stop_at: Option<Ts>,
    out: Pulled<T>,
}

impl<T> Puller<T> {
    fn new(stop_at: Option<Ts>) -> Self {
        Puller {
            seen: HashSet::new(),
            visited: HashMap::new(),
            stop_at,
            out: Pulled {
                items: Vec::new(),
                pages: 0,
                duplicates: 0,
            },
        }
    }

    /// Takes a page in; the cursor of the next page, or `None` at the end.
    fn take(
        &mut self,
        page: Page<T>,
        id: fn(&T) -> &str,
        at: fn(&T) -> Option<Ts>,
    ) -> Result<Option<Cursor>> {
        self.out.pages += 1;
        let mut reached_watermark = false;
        for item in page.items {
            if let (Some(stop), Some(t)) = (self.stop_at, at(&item)) {
                if t <= stop {
                    reached_watermark = true;
                    continue;
                }
            }
            if self.seen.insert(id(&item).to_owned()) {
                self.out.items.push(item);
            } else {
                self.out.duplicates += 1;
            }
        }
        let Some(next) = page.next.filter(|_| !reached_watermark) else {
            return Ok(None);
        };
        // a page served twice repeats its cursor: ask again, but not forever
        let served = self.visited.entry(next.clone()).or_insert(0);
        *served += 1;
        if *served > MAX_CURSOR_REPEATS || self.out.pages >= MAX_PAGES {
            return Err(Error::malformed(format!(
                "paging does not advance: cursor {next:?} served {served} times"
            )));
        }
        Ok(Some(next))
    }
}

/// Every conversation from `from` to the end of the listing (or until one whose last
/// message is at or before `stop_at`).
pub async fn all_conversations(
    c: &dyn Connector,
    from: Cursor,
    stop_at: Option<Ts>,
) -> Result<Pulled<Conversation>> {
    let mut p = Puller::new(stop_at);
    let mut cursor = from;
    loop {
        let page = c.list_conversations(&cursor).await?;
        match p.take(page, |x| &x.id, |x| x.last_message_at)? {
            Some(next) => cursor = next,
            None => return Ok(p.out),
        }
    }
}

/// Every message of `conversation` from `from` to the end (or until one at or before
/// `stop_at`).
pub async fn all_messages(
    c: &dyn Connector,
    conversation: &Conversation,
    from: Cursor,
    stop_at: Option<Ts>,
) -> Result<Pulled<WireMessage>> {
    let mut p = Puller::new(stop_at);
    let mut cursor = from;
    loop {
        let page = c.list_messages(conversation, &cursor).await?;
        match p.take(page, |x| &x.id, |x| Some(x.created_at))? {
            Some(next) => cursor = next,
            None => return Ok(p.out),
        }
    }
}
