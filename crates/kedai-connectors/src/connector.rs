//! The one trait the three platform clients implement, and the helpers that page a
//! listing to its end.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use kedai_core::{Platform, Ts};

use crate::error::{Error, Result};
use crate::http::BoxFuture;
use crate::tokens::Tokens;
use crate::wire::{
    Conversation, Cursor, Outgoing, Page, Performance, Rejected, Sent, Uploaded, WireMessage,
};

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

    /// Uploads an image to the platform's image host for an `Outgoing::Image`. Only TikTok
    /// Shop documents an upload; the others send an image by an address already on their
    /// CDN, so the default answers `Unsupported`.
    fn upload_image<'a>(&'a self, _bytes: &'a [u8], _mime: &'a str) -> BoxFuture<'a, Uploaded> {
        unsupported(
            self.platform(),
            "uploading an image (its chat API takes only an address on its own CDN)",
        )
    }

    /// Opens a conversation with `buyer` from their order `order_id` (issue 7, "start a chat
    /// from an order") and answers the platform's record of it: its id, with the buyer, and
    /// nothing else known yet (its messages are read with `list_messages`). The platform
    /// answers the buyer's existing conversation when there is one. TikTok Shop opens one by
    /// buyer, Lazada by order (at most 30 days old); Shopee documents no such call, so the
    /// default answers `Unsupported`.
    fn open_conversation<'a>(
        &'a self,
        _buyer: &'a str,
        _order_id: &'a str,
    ) -> BoxFuture<'a, Conversation> {
        unsupported(
            self.platform(),
            "opening a conversation from an order (its chat API has no such call; the buyer has to write first)",
        )
    }

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

/// The answer of a call the platform does not offer (the trait's defaults).
fn unsupported<'a, T: 'a>(platform: Platform, what: &str) -> BoxFuture<'a, T> {
    let e = Error::Unsupported {
        platform: platform.as_str(),
        what: what.to_owned(),
    };
    Box::pin(async move { Err(e) })
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
    /// Records that could not be read, from every page.
    pub rejected: Vec<Rejected>,
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
                rejected: Vec::new(),
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
        self.out.rejected.extend(page.rejected);
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
    pull_messages(c, conversation, from, stop_at)
        .await
        .map_err(|i| i.error)
}

/// A pull that failed part way, with the records set aside on the pages read before.
#[derive(Debug)]
pub struct Interrupted {
    pub error: Error,
    pub rejected: Vec<Rejected>,
}

/// [`all_messages`], keeping the unreadable records of the pages read when a later page
/// fails: they were served, and a caller that quarantines them must not lose them.
pub async fn pull_messages(
    c: &dyn Connector,
    conversation: &Conversation,
    from: Cursor,
    stop_at: Option<Ts>,
) -> std::result::Result<Pulled<WireMessage>, Interrupted> {
    let mut p = Puller::new(stop_at);
    let mut cursor = from;
    loop {
        let step = match c.list_messages(conversation, &cursor).await {
            Ok(page) => p.take(page, |x| &x.id, |x| Some(x.created_at)),
            Err(e) => Err(e),
        };
        match step {
            Ok(Some(next)) => cursor = next,
            Ok(None) => return Ok(p.out),
            Err(error) => {
                return Err(Interrupted {
                    error,
                    rejected: p.out.rejected,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{Outgoing, Performance, Sent};
    use chrono::{TimeZone, Utc};
    use kedai_core::{Kind, Sender};
    use std::sync::Mutex;

    /// A scripted page: the cursor it answers, its message numbers, its next cursor.
    type Script = (Cursor, Vec<u32>, Option<Cursor>);

    /// Serves scripted message pages keyed by cursor.
    struct Scripted {
        pages: Mutex<Vec<Script>>,
    }

    fn msg(n: u32) -> WireMessage {
        let mut m = WireMessage::blank(
            Platform::Lazada,
            format!("m{n}"),
            "c".into(),
            Utc.timestamp_opt(1_000 + n as i64, 0).unwrap(),
        );
        m.sender = Sender::Buyer;
        m.kind = Kind::Text;
        m
    }

    fn tok(s: &str) -> Cursor {
        Cursor::Token { token: s.into() }
    }

    impl Connector for Scripted {
        fn platform(&self) -> Platform {
            Platform::Lazada
        }
        fn list_conversations<'a>(&'a self, _: &'a Cursor) -> BoxFuture<'a, Page<Conversation>> {
            Box::pin(async { Ok(Page::new(vec![], None)) })
        }
        fn list_messages<'a>(
            &'a self,
            _: &'a Conversation,
            cursor: &'a Cursor,
        ) -> BoxFuture<'a, Page<WireMessage>> {
            Box::pin(async move {
                let mut pages = self.pages.lock().unwrap();
                let i = pages
                    .iter()
                    .position(|(c, _, _)| c == cursor)
                    .expect("a scripted page");
                let (_, ids, next) = pages.remove(i);
                Ok(Page::new(ids.into_iter().map(msg).collect(), next))
            })
        }
        fn send<'a>(&'a self, _: &'a Conversation, _: &'a Outgoing) -> BoxFuture<'a, Sent> {
            unimplemented!()
        }
        fn mark_read<'a>(&'a self, _: &'a Conversation, _: &'a str) -> BoxFuture<'a, ()> {
            unimplemented!()
        }
        fn refresh_token(&self) -> BoxFuture<'_, Tokens> {
            unimplemented!()
        }
        fn exchange_code<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Tokens> {
            unimplemented!()
        }
        fn tokens(&self) -> Tokens {
            Tokens::default()
        }
        fn performance(&self, _: NaiveDate, _: NaiveDate) -> BoxFuture<'_, Option<Performance>> {
            Box::pin(async { Ok(None) })
        }
    }

    fn conv() -> Conversation {
        Conversation::opened(Platform::Lazada, "c", "b")
    }

    fn ids(p: &Pulled<WireMessage>) -> Vec<&str> {
        p.items.iter().map(|m| m.id.as_str()).collect()
    }

    #[tokio::test]
    async fn a_page_served_twice_and_reordered_items_are_deduplicated() {
        let c = Scripted {
            pages: Mutex::new(vec![
                (Cursor::Start, vec![9, 8, 7], Some(tok("a"))),
                // the same page again, with the same cursor (duplicate_page)
                (tok("a"), vec![6, 5, 4], Some(tok("a"))),
                (tok("a"), vec![4, 6, 5], Some(tok("b"))),
                (tok("b"), vec![3, 2, 1], None),
            ]),
        };
        let p = all_messages(&c, &conv(), Cursor::Start, None)
            .await
            .unwrap();
        assert_eq!(
            ids(&p),
            ["m9", "m8", "m7", "m6", "m5", "m4", "m3", "m2", "m1"]
        );
        assert_eq!((p.pages, p.duplicates), (4, 3));
    }

    #[tokio::test]
    async fn a_cursor_that_never_advances_is_an_error_not_a_hang() {
        let mut pages = vec![(Cursor::Start, vec![1], Some(tok("x")))];
        for _ in 0..20 {
            pages.push((tok("x"), vec![1], Some(tok("x"))));
        }
        let c = Scripted {
            pages: Mutex::new(pages),
        };
        let e = all_messages(&c, &conv(), Cursor::Start, None)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), "malformed");
    }

    #[tokio::test]
    async fn paging_stops_at_the_watermark() {
        let c = Scripted {
            pages: Mutex::new(vec![
                (Cursor::Start, vec![9, 8, 7], Some(tok("a"))),
                (tok("a"), vec![6, 5, 4], Some(tok("b"))),
            ]),
        };
        // messages at or before m5's instant are already known
        let stop = Utc.timestamp_opt(1_005, 0).unwrap();
        let p = all_messages(&c, &conv(), Cursor::Start, Some(stop))
            .await
            .unwrap();
        assert_eq!(ids(&p), ["m9", "m8", "m7", "m6"]);
        assert_eq!(p.pages, 2, "page b never requested");
    }

    #[test]
    fn cursors_survive_a_round_trip_through_json() {
        for c in [
            Cursor::Start,
            tok("abc=="),
            Cursor::Time {
                time: "1784000000123456789".into(),
                last_id: Some("18446744073709551615".into()),
            },
        ] {
            let s = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Cursor>(&s).unwrap(), c, "{s}");
        }
    }
}
