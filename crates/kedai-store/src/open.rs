//! Starting a chat from an order when the buyer has no conversation with the shop yet
//! (issue 7): the app writes a request here, the shop's sync step asks the platform to open
//! the conversation (TikTok Shop by buyer, Lazada by order; Shopee has no such call), stores
//! it, and records the outcome on the request: the conversation's id, or the platform's
//! reason. Like the outbox, the app never calls the platform itself.

use kedai_core::Ts;
use rusqlite::{params, OptionalExtension, Row};

use crate::rows::{ms, ts};
use crate::sync::SyncConversation;
use crate::{Result, Store, StoreError};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenState {
    /// Waiting for the shop's sync step.
    Pending,
    /// The platform opened (or answered the buyer's existing) conversation; it is stored.
    Opened,
    /// The platform refused, or the shop cannot open one (`error` says why).
    Failed,
}

impl OpenState {
    fn parse(s: &str) -> Result<OpenState> {
        match s {
            "pending" => Ok(OpenState::Pending),
            "opened" => Ok(OpenState::Opened),
            "failed" => Ok(OpenState::Failed),
            other => Err(StoreError::Invalid(format!("open request state `{other}`"))),
        }
    }
}

/// A request to open a conversation with an order's buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRequest {
    pub id: i64,
    pub shop: String,
    pub order: String,
    pub buyer: String,
    pub at: Ts,
    pub state: OpenState,
    /// The platform's conversation id, once opened.
    pub conversation: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
}

const COLUMNS: &str = "id, shop, order_id, buyer, at, state, conversation, error";

fn request_row(r: &Row<'_>) -> Result<OpenRequest> {
    Ok(OpenRequest {
        id: r.get(0)?,
        shop: r.get(1)?,
        order: r.get(2)?,
        buyer: r.get(3)?,
        at: ts(r.get(4)?),
        state: OpenState::parse(&r.get::<_, String>(5)?)?,
        conversation: r.get(6)?,
        error: r.get(7)?,
    })
}

impl Store {
    /// Asks the shop's sync to open a conversation with the buyer of `order`; the id of the
    /// request (the pending one for the same order when there is one already, so a second
    /// click does not ask twice).
    pub fn request_open(&mut self, shop: &str, order: &str, now: Ts) -> Result<i64> {
        let buyer: String = self
            .conn
            .prepare_cached("SELECT buyer FROM orders WHERE shop = ?1 AND id = ?2")?
            .query_row(params![shop, order], |r| r.get(0))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no order `{order}` in shop `{shop}`")))?;
        let tx = self.conn.transaction()?;
        let pending: Option<i64> = tx
            .prepare_cached(
                "SELECT id FROM open_requests
                 WHERE shop = ?1 AND order_id = ?2 AND state = 'pending'",
            )?
            .query_row(params![shop, order], |r| r.get(0))
            .optional()?;
        let id = match pending {
            Some(id) => id,
            None => {
                tx.prepare_cached(
                    "INSERT INTO open_requests (shop, order_id, buyer, at) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![shop, order, buyer, ms(now)])?;
                tx.last_insert_rowid()
            }
        };
        tx.commit()?;
        Ok(id)
    }

    /// One request.
    pub fn open_request(&self, id: i64) -> Result<OpenRequest> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM open_requests WHERE id = ?1"
            ))?
            .query_row([id], |r| Ok(request_row(r)))
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no open request {id}")))?;
        row
    }

    /// The shop's requests waiting for the sync step, oldest first.
    pub fn open_requests_pending(&self, shop: &str) -> Result<Vec<OpenRequest>> {
        let mut q = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM open_requests WHERE shop = ?1 AND state = 'pending' ORDER BY id"
        ))?;
        let mut rows = q.query([shop])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(request_row(r)?);
        }
        Ok(out)
    }

    /// Records the conversation the platform opened for request `id`. The sync has applied
    /// whatever messages it already holds; a conversation with none is stored here (its
    /// platform record, for the outbox, and an empty conversation row, which the first
    /// message then brings up to date) so that the agent can write first. One transaction,
    /// with a change-feed row (`open`) for the app.
    pub fn open_request_opened(
        &mut self,
        id: i64,
        conversation: &SyncConversation,
        now: Ts,
    ) -> Result<()> {
        let req = self.open_request(id)?;
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO sync_conversations (shop, conversation, wire, resync)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (shop, conversation) DO NOTHING",
        )?
        .execute(params![
            req.shop,
            conversation.id,
            conversation.wire,
            conversation.resync
        ])?;
        let stored: Option<i64> = tx
            .prepare_cached("SELECT cid FROM conversations WHERE shop = ?1 AND conversation = ?2")?
            .query_row(params![req.shop, conversation.id], |r| r.get(0))
            .optional()?;
        let cid = match stored {
            Some(cid) => cid,
            None => {
                tx.prepare_cached("INSERT OR IGNORE INTO buyers (shop, buyer) VALUES (?1, ?2)")?
                    .execute(params![req.shop, req.buyer])?;
                // the columns' defaults describe a conversation with no message: no open
                // inquiry, no session, closed, nothing unread
                tx.prepare_cached(
                    "INSERT INTO conversations (shop, conversation, buyer) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![req.shop, conversation.id, req.buyer])?;
                tx.last_insert_rowid()
            }
        };
        tx.prepare_cached(
            "UPDATE open_requests SET state = 'opened', conversation = ?2, error = NULL,
                 done_at = ?3 WHERE id = ?1",
        )?
        .execute(params![id, conversation.id, ms(now)])?;
        tx.prepare_cached("INSERT INTO changes (shop, cid, what) VALUES (?1, ?2, 'open')")?
            .execute(params![req.shop, cid])?;
        tx.commit()?;
        Ok(())
    }

    /// Records why request `id` could not be carried out, unless it is no longer pending.
    /// (No change-feed row: it names no conversation, and the app reads the request itself.)
    pub fn open_request_failed(&mut self, id: i64, error: &str, now: Ts) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE open_requests SET state = 'failed', error = ?2, done_at = ?3
                 WHERE id = ?1 AND state = 'pending'",
            )?
            .execute(params![id, error, ms(now)])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::time::parse_instant;

    const LOG: &str = r#"{"type":"shop","shop":"tt","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"order","shop":"tt","buyer":"b1","id":"o1","at":"2026-03-01T10:00:00Z"}
"#;

    fn t(s: &str) -> Ts {
        parse_instant(s).unwrap()
    }

    fn store() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        s.import_log(LOG, false).unwrap();
        s
    }

    #[test]
    fn an_opened_conversation_with_no_message_takes_a_reply() {
        let mut s = store();
        let now = t("2026-03-02T10:00:00Z");
        assert!(s.request_open("tt", "nope", now).is_err(), "no such order");
        let id = s.request_open("tt", "o1", now).unwrap();
        assert_eq!(s.request_open("tt", "o1", now).unwrap(), id, "asked once");
        let pending = s.open_requests_pending("tt").unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].buyer.as_str(), pending[0].state),
            ("b1", OpenState::Pending)
        );
        // no conversation: a reply is refused
        assert!(s.queue_reply("tt", "c9", "hello", None, now).is_err());

        let before = s.last_change_seq().unwrap();
        let wire = SyncConversation {
            id: "c9".into(),
            wire: r#"{"platform":"tiktok","id":"c9","buyer":"b1"}"#.into(),
            resync: false,
        };
        s.open_request_opened(id, &wire, now).unwrap();
        let r = s.open_request(id).unwrap();
        assert_eq!(
            (r.state, r.conversation.as_deref()),
            (OpenState::Opened, Some("c9"))
        );
        assert!(s.open_requests_pending("tt").unwrap().is_empty());
        assert_eq!(
            s.sync_conversation("tt", "c9").unwrap().unwrap().wire,
            wire.wire
        );
        assert_eq!(
            s.conversation_buyer("tt", "c9").unwrap().as_deref(),
            Some("b1")
        );
        let changes = s.changes_since(before).unwrap();
        assert!(changes
            .iter()
            .any(|c| c.what == "open" && c.conversation.as_deref() == Some("c9")));
        // start a chat from the order now reuses it, and a reply can be queued
        assert_eq!(
            s.chat_from_order("tt", "o1", now)
                .unwrap()
                .conversation
                .as_deref(),
            Some("c9")
        );
        s.queue_reply("tt", "c9", "hello", Some("me"), now).unwrap();
        // an empty conversation has nothing to read
        assert!(s
            .chat_messages("tt", "c9", None, 50)
            .unwrap()
            .messages
            .is_empty());
        assert_eq!(s.chat_inquiry("tt", "c9").unwrap(), None);
        // the buyer's first message brings the row up to date like any other
        let line = r#"{"type":"message","shop":"tt","conversation":"c9","id":"m1","at":"2026-03-02T10:05:00Z","from":"buyer","buyer":"b1","text":"hi"}"#;
        s.apply([serde_json::from_str::<kedai_core::Event>(line).unwrap()])
            .unwrap();
        assert!(s.chat_inquiry("tt", "c9").unwrap().is_some());
    }

    #[test]
    fn a_refusal_is_kept_with_its_reason_and_a_late_one_does_not_undo_an_opening() {
        let mut s = store();
        let now = t("2026-03-02T10:00:00Z");
        let id = s.request_open("tt", "o1", now).unwrap();
        s.open_request_failed(id, "unknown buyer_user_id", now)
            .unwrap();
        let r = s.open_request(id).unwrap();
        assert_eq!(r.state, OpenState::Failed);
        assert_eq!(r.error.as_deref(), Some("unknown buyer_user_id"));
        // asking again makes a new request
        let again = s.request_open("tt", "o1", now).unwrap();
        assert_ne!(again, id);
        let wire = SyncConversation {
            id: "c9".into(),
            wire: "{}".into(),
            resync: false,
        };
        s.open_request_opened(again, &wire, now).unwrap();
        s.open_request_failed(again, "too late", now).unwrap();
        assert_eq!(s.open_request(again).unwrap().state, OpenState::Opened);
    }
}
