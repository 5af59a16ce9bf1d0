//! The desktop app's reads and its own small writes: the inbox list with the app's scopes
//! (tabs, category, agent, shop, platform, search, priority), a conversation's messages,
//! the deadline crossings that drive notifications, the agent roster and assignment
//! (response-rules.md §6), and keeping this connection's metrics cache current when
//! another connection (sync) wrote.
//!
//! The filters are the same conditions as [`crate::InboxQuery`] for a `now` at or after every
//! stored fact (§6), written over the derived columns without the sweep so any scope can be
//! combined with them.

use std::collections::BTreeSet;

use kedai_core::inbox::Filter;
use kedai_core::{Platform, Policy, Ts};
use rusqlite::{params, OptionalExtension, Row};

use crate::derive::Recomputed;
use crate::read::Change;
use crate::rows::{ms, parse_name, ts, ts_opt, PolicyCol};
use crate::write::Touched;
use crate::{Result, Store, StoreError};

/// Which conversations the app lists: everything but the status filter and paging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub tab: Tab,
    pub shop: Option<String>,
    pub platform: Option<Platform>,
    pub agent: Option<String>,
    pub category: Option<Category>,
    /// The High priority folder.
    pub priority: bool,
    /// Over buyer and message text, case-insensitive.
    pub search: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    All,
    Assigned,
    Unassigned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    PrePurchase,
    Logistics,
    Aftersales,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::PrePurchase => "pre_purchase",
            Category::Logistics => "logistics",
            Category::Aftersales => "aftersales",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        [
            Category::PrePurchase,
            Category::Logistics,
            Category::Aftersales,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Sorts a buyer's message into a category by its words (English, Malay, Filipino,
/// Indonesian). After-sales words win over logistics, logistics over pre-purchase:
/// "the parcel arrived damaged" is an after-sales case.
pub fn classify(text: &str) -> Option<Category> {
    const AFTERSALES: &[&str] = &[
        "refund",
        "return",
        "damaged",
        "broken",
        "wrong",
        "exchange",
        "missing",
        "not working",
        "rosak",
        "salah",
        "tukar",
        "tak berfungsi",
        "sira",
        "mali",
        "ibalik",
        "kulang",
        "rusak",
        "retur",
        "kurang",
    ];
    const LOGISTICS: &[&str] = &[
        "ship",
        "parcel",
        "tracking",
        "deliver",
        "address",
        "order",
        "pos",
        "sampai",
        "penghantaran",
        "alamat",
        "kailan",
        "dumadating",
        "dikirim",
        "paket",
        "resi",
        "courier",
    ];
    const PRE_PURCHASE: &[&str] = &[
        "stock",
        "stok",
        "size",
        "saiz",
        "ukuran",
        "available",
        "colour",
        "color",
        "warna",
        "discount",
        "diskaun",
        "original",
        "warranty",
        "waranti",
        "garansi",
        "material",
        "cod",
        "price",
        "harga",
        "magkano",
        "ready",
        "ada",
    ];
    let t = text.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(AFTERSALES) {
        Some(Category::Aftersales)
    } else if has(LOGISTICS) {
        Some(Category::Logistics)
    } else if has(PRE_PURCHASE) {
        Some(Category::PrePurchase)
    } else {
        None
    }
}

/// One conversation as the app's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct AppRow {
    pub shop: String,
    pub shop_name: Option<String>,
    pub platform: Platform,
    pub conversation: String,
    pub buyer: String,
    pub buyer_name: Option<String>,
    /// The buyer's avatar (`https:`), as the platform's listing gave it.
    pub buyer_avatar: Option<String>,
    pub opened_at: Option<Ts>,
    pub deadline: Option<Ts>,
    pub due_soon_at: Option<Ts>,
    pub policy: Option<Policy>,
    pub weekend_moved: bool,
    pub overdue: bool,
    pub due_soon: bool,
    pub unreplied: bool,
    pub unread: bool,
    pub starred: bool,
    pub closed: bool,
    pub last_message_at: Option<Ts>,
    /// The last message: its sender, kind and text.
    pub preview_from: Option<String>,
    pub preview_kind: Option<String>,
    pub preview: Option<String>,
    pub agent: Option<String>,
    pub category: Option<Category>,
    pub priority: bool,
}

/// One message of a conversation, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AppMessage {
    pub id: String,
    pub at: Ts,
    pub from: String,
    pub kind: String,
    pub text: Option<String>,
    pub agent: Option<String>,
}

/// A conversation whose open inquiry became due soon or overdue in a span of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crossing {
    pub shop: String,
    pub conversation: String,
    pub buyer: String,
    /// The buyer's name where the platform gave one.
    pub buyer_name: Option<String>,
    pub deadline: Ts,
    /// `due_soon` or `overdue`.
    pub state: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub id: String,
    pub name: String,
    /// `online`, `away` or `do_not_accept`.
    pub status: String,
    pub capacity: u32,
    pub auto_assign: bool,
    pub is_me: bool,
    /// Conversations assigned to the agent that are not closed.
    pub open_chats: u32,
}

/// The condition of a status filter with `?1` = now (ms). With `live` (no conversation is
/// marked closed that is still open at `now`: the sweep has not gone past it), the open
/// filters also say `closed = 0` and bound the sort key, so SQLite reads the store's small
/// partial indexes of conversations that may still be open, in list order, and stops at
/// the page's end instead of visiting every conversation.
fn list_condition(filter: Filter, live: bool) -> &'static str {
    if !live {
        return status_condition(filter);
    }
    match filter {
        Filter::All => "c.closed = 0 AND c.closes_at > ?1",
        Filter::Overdue => {
            "c.closed = 0 AND c.sort_deadline < ?1 AND c.open_deadline < ?1 AND c.closes_at > ?1"
        }
        // Read through `conversations_live_open` (see `Store::app_inbox`), whose
        // partial-index condition the first two terms repeat.
        Filter::DueSoon => {
            "c.closed = 0 AND c.open_deadline IS NOT NULL AND c.open_due_soon_at < ?1
             AND c.open_deadline >= ?1 AND c.closes_at > ?1"
        }
        Filter::Unreplied => {
            "c.closed = 0 AND c.sort_deadline < 9223372036854775807
             AND c.open_deadline IS NOT NULL AND c.closes_at > ?1"
        }
        Filter::Unread => "c.closed = 0 AND c.unread = 1 AND c.closes_at > ?1",
        Filter::Starred => "c.closed = 0 AND c.starred = 1 AND c.closes_at > ?1",
        Filter::Closed => status_condition(Filter::Closed),
    }
}

/// The condition of a status filter with `?1` = now (ms).
fn status_condition(filter: Filter) -> &'static str {
    match filter {
        Filter::All => "c.closes_at > ?1",
        Filter::Overdue => "c.open_deadline < ?1 AND c.closes_at > ?1",
        Filter::DueSoon => "c.open_due_soon_at < ?1 AND c.open_deadline >= ?1 AND c.closes_at > ?1",
        Filter::Unreplied => "c.open_deadline IS NOT NULL AND c.closes_at > ?1",
        Filter::Unread => "c.unread = 1 AND c.closes_at > ?1",
        Filter::Starred => "c.starred = 1 AND c.closes_at > ?1",
        Filter::Closed => "(c.closes_at IS NULL OR c.closes_at <= ?1)",
    }
}

const FROM: &str = "FROM conversations c JOIN shops s ON s.id = c.shop
    LEFT JOIN conversation_meta m ON m.cid = c.cid
    LEFT JOIN buyers b ON b.shop = c.shop AND b.buyer = c.buyer";

/// The scope's condition; parameters ?2 shop, ?3 platform, ?4 agent, ?5 category,
/// ?6 search pattern. Every parameter appears whether or not it is set; an unset one only
/// as `?N IS NULL` (true), so the condition names the joined tables only when it needs
/// them (see [`counts_from`]) and SQLite sees the plain comparisons it can index.
fn scope_condition(scope: &Scope) -> String {
    let [shop, platform, agent, category, search] = scope_params(scope);
    let mut parts = vec!["c.last_message_at IS NOT NULL".to_owned()];
    match scope.tab {
        Tab::All => {}
        Tab::Assigned => parts.push("m.agent IS NOT NULL".into()),
        Tab::Unassigned => parts.push("m.agent IS NULL".into()),
    }
    let param = |set: bool, n: u8, condition: &str| {
        if set {
            condition.to_owned()
        } else {
            format!("?{n} IS NULL")
        }
    };
    parts.push(param(shop.is_some(), 2, "c.shop = ?2"));
    parts.push(param(platform.is_some(), 3, "s.platform = ?3"));
    parts.push(param(agent.is_some(), 4, "m.agent = ?4"));
    parts.push(param(category.is_some(), 5, "m.category = ?5"));
    if scope.priority {
        parts.push("m.priority = 1".into());
    }
    parts.push(param(
        search.is_some(),
        6,
        "(c.buyer LIKE ?6 ESCAPE '\\' OR b.name LIKE ?6 ESCAPE '\\' OR EXISTS
          (SELECT 1 FROM messages mm WHERE mm.cid = c.cid AND mm.text LIKE ?6 ESCAPE '\\'))",
    ));
    parts.join(" AND ")
}

/// The tables the counts of `scope` read: conversations, and the shop, roster and buyer
/// joins only when the scope's condition names them (each join is a lookup per
/// conversation of the scan).
fn counts_from(scope: &Scope) -> String {
    let [_, platform, agent, category, search] = scope_params(scope);
    let mut from = "FROM conversations c".to_owned();
    if platform.is_some() {
        from.push_str(" JOIN shops s ON s.id = c.shop");
    }
    if scope.tab != Tab::All || agent.is_some() || category.is_some() || scope.priority {
        from.push_str(" LEFT JOIN conversation_meta m ON m.cid = c.cid");
    }
    if search.is_some() {
        from.push_str(" LEFT JOIN buyers b ON b.shop = c.shop AND b.buyer = c.buyer");
    }
    from
}

fn like_pattern(search: &str) -> String {
    let escaped = search
        .trim()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn scope_params(scope: &Scope) -> [Option<String>; 5] {
    [
        scope.shop.clone(),
        scope.platform.map(|p| p.as_str().to_owned()),
        scope.agent.clone(),
        scope.category.map(|c| c.as_str().to_owned()),
        scope
            .search
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(like_pattern),
    ]
}

fn app_row(r: &Row<'_>, now: i64) -> Result<AppRow> {
    let deadline: Option<i64> = r.get("open_deadline")?;
    let due_soon_at: Option<i64> = r.get("open_due_soon_at")?;
    let closes_at: Option<i64> = r.get("closes_at")?;
    let category: Option<String> = r.get("category")?;
    Ok(AppRow {
        shop: r.get("shop")?,
        shop_name: r.get("shop_name")?,
        platform: parse_name(&r.get::<_, String>("platform")?)?,
        conversation: r.get("conversation")?,
        buyer: r.get("buyer")?,
        buyer_name: r.get("buyer_name")?,
        buyer_avatar: r.get("buyer_avatar")?,
        opened_at: ts_opt(r.get("open_opened_at")?),
        deadline: ts_opt(deadline),
        due_soon_at: ts_opt(due_soon_at),
        policy: r.get::<_, Option<PolicyCol>>("open_policy")?.map(|p| p.0),
        weekend_moved: r.get("weekend_moved")?,
        // §1: overdue once past the deadline; due soon while less than the lead away.
        overdue: deadline.is_some_and(|d| now > d),
        due_soon: deadline.is_some_and(|d| now <= d) && due_soon_at.is_some_and(|s| now > s),
        unreplied: deadline.is_some(),
        unread: r.get("unread")?,
        starred: r.get("starred")?,
        closed: closes_at.is_none_or(|c| c <= now),
        last_message_at: ts_opt(r.get("last_message_at")?),
        preview_from: r.get("preview_from")?,
        preview_kind: r.get("preview_kind")?,
        preview: r.get("preview")?,
        agent: r.get("agent")?,
        category: category.as_deref().and_then(Category::parse),
        priority: r.get::<_, Option<bool>>("priority")?.unwrap_or(false),
    })
}

impl Store {
    /// A page of the inbox in inbox order (earliest deadline first, then newest message):
    /// the conversations of `scope` in `filter` at `now`.
    pub fn app_inbox(
        &self,
        scope: &Scope,
        filter: Filter,
        now: Ts,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<AppRow>> {
        let live = self.sweep_not_past(now)?;
        // Due soon is a few conversations near the front of the sort order, but the walk of
        // `conversations_live` in list order that serves the other open filters cannot stop
        // until it has a page: with fewer due-soon chats than a page it visits every open
        // conversation (tens of milliseconds on 50,000). Its deadline range in
        // `conversations_live_open` holds only the chats not yet overdue; those are sorted.
        let from = if live && filter == Filter::DueSoon {
            FROM.replacen(
                "conversations c",
                "conversations c INDEXED BY conversations_live_open",
                1,
            )
        } else {
            FROM.to_owned()
        };
        let sql = format!(
            "SELECT c.shop, s.name AS shop_name, s.platform, c.conversation, c.buyer,
                b.name AS buyer_name, b.avatar AS buyer_avatar, c.open_opened_at, c.open_deadline, c.open_due_soon_at,
                c.open_policy, c.weekend_moved, c.unread, c.starred, c.closes_at,
                c.last_message_at, m.agent, m.category, m.priority,
                (SELECT sender FROM messages x WHERE x.cid = c.cid ORDER BY x.at DESC LIMIT 1) AS preview_from,
                (SELECT kind FROM messages x WHERE x.cid = c.cid ORDER BY x.at DESC LIMIT 1) AS preview_kind,
                (SELECT text FROM messages x WHERE x.cid = c.cid ORDER BY x.at DESC LIMIT 1) AS preview
             {from} WHERE {} AND {}
             ORDER BY c.sort_deadline, c.last_message_at DESC, c.shop, c.conversation
             LIMIT ?7 OFFSET ?8",
            list_condition(filter, live),
            scope_condition(scope)
        );
        let [p2, p3, p4, p5, p6] = scope_params(scope);
        let now = ms(now);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params![
            now,
            p2,
            p3,
            p4,
            p5,
            p6,
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(app_row(r, now)?);
        }
        Ok(out)
    }

    /// Whether no conversation is marked `closed` that is still open at `now`: `closed` is
    /// set only for conversations whose `closes_at` is at or before the sweep's `until`, so
    /// this holds while `until <= now` (a look back past the sweep is the exception).
    fn sweep_not_past(&self, now: Ts) -> Result<bool> {
        let until: i64 = self
            .conn
            .prepare_cached("SELECT until FROM sweep")?
            .query_row([], |r| r.get(0))?;
        Ok(until <= ms(now))
    }

    /// How many conversations of `scope` each filter holds at `now`, in [`Filter::ALL`]
    /// order. Every shop with no other scope (the inbox as it opens) is the store's own
    /// [`Store::inbox_counts`]: range counts over its partial indexes, milliseconds where the
    /// scan below takes a quarter second on 50,000 conversations. Any other scope: one pass.
    pub fn app_counts(&self, scope: &Scope, now: Ts) -> Result<[(Filter, u64); 7]> {
        if *scope == Scope::default() {
            return self.inbox_counts(None, now);
        }
        let sums: Vec<String> = Filter::ALL
            .iter()
            .map(|f| {
                format!(
                    "coalesce(sum(CASE WHEN {} THEN 1 ELSE 0 END), 0)",
                    status_condition(*f)
                )
            })
            .collect();
        let sql = format!(
            "SELECT {} {} WHERE {}",
            sums.join(", "),
            counts_from(scope),
            scope_condition(scope)
        );
        let [p2, p3, p4, p5, p6] = scope_params(scope);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let counts = stmt.query_row(params![ms(now), p2, p3, p4, p5, p6], |r| {
            let mut out = [0u64; 7];
            for (i, n) in out.iter_mut().enumerate() {
                *n = r.get::<_, i64>(i)? as u64;
            }
            Ok(out)
        })?;
        let mut out = Filter::ALL.map(|f| (f, 0));
        for (slot, n) in out.iter_mut().zip(counts) {
            slot.1 = n;
        }
        Ok(out)
    }

    /// Every message of a conversation, oldest first.
    pub fn app_messages(&self, shop: &str, conversation: &str) -> Result<Vec<AppMessage>> {
        let mut q = self.conn.prepare_cached(
            "SELECT x.id, x.at, x.sender, x.kind, x.text, x.agent FROM messages x
             JOIN conversations c ON c.cid = x.cid
             WHERE c.shop = ?1 AND c.conversation = ?2 ORDER BY x.at, x.id",
        )?;
        let rows = q.query_map(params![shop, conversation], |r| {
            Ok(AppMessage {
                id: r.get(0)?,
                at: ts(r.get(1)?),
                from: r.get(2)?,
                kind: r.get(3)?,
                text: r.get(4)?,
                agent: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The conversations whose open inquiry became due soon or overdue in `(from, to]`:
    /// due soon once `now > due_soon_at`, overdue once `now > deadline` (§1).
    pub fn crossings(&self, from: Ts, to: Ts) -> Result<Vec<Crossing>> {
        let mut q = self.conn.prepare_cached(
            "SELECT c.shop, c.conversation, c.buyer, c.open_deadline,
                 CASE WHEN c.open_deadline >= ?1 AND c.open_deadline < ?2 THEN 'overdue'
                      ELSE 'due_soon' END, b.name
             FROM conversations c
             LEFT JOIN buyers b ON b.shop = c.shop AND b.buyer = c.buyer
             WHERE c.closes_at > ?2 AND c.open_deadline IS NOT NULL AND (
                 (c.open_deadline >= ?1 AND c.open_deadline < ?2) OR
                 (c.open_due_soon_at >= ?1 AND c.open_due_soon_at < ?2 AND c.open_deadline >= ?2))
             ORDER BY c.open_deadline",
        )?;
        let rows = q.query_map(params![ms(from), ms(to)], |r| {
            let state: String = r.get(4)?;
            Ok(Crossing {
                shop: r.get(0)?,
                conversation: r.get(1)?,
                buyer: r.get(2)?,
                buyer_name: r.get(5)?,
                deadline: ts(r.get(3)?),
                state: if state == "overdue" {
                    "overdue"
                } else {
                    "due_soon"
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The highest change-feed sequence number (0 when empty).
    pub fn last_change_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM changes")?
            .query_row([], |r| r.get(0))?)
    }

    /// Another connection (sync) wrote these changes: patch this connection's cached metric
    /// windows as if it had written them itself, so the header stays live.
    pub fn absorb_changes(&self, changes: &[Change]) -> Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut touched = Touched::default();
        let mut recomputed = Recomputed::new();
        let mut cid_of = self.conn.prepare_cached(
            "SELECT cid FROM conversations WHERE shop = ?1 AND conversation = ?2",
        )?;
        for ch in changes {
            match (&ch.conversation, ch.what.as_str()) {
                (Some(conv), _) => {
                    if let Some(cid) = cid_of
                        .query_row(params![ch.shop, conv], |r| r.get::<_, i64>(0))
                        .optional()?
                    {
                        let cids = recomputed.entry(ch.shop.clone()).or_default();
                        if !cids.contains(&cid) {
                            cids.push(cid);
                        }
                    }
                }
                (None, "orders") => {
                    touched.orders.insert(ch.shop.clone());
                }
                (None, _) => {
                    touched.whole_shops.insert(ch.shop.clone());
                }
            }
        }
        drop(cid_of);
        self.after_write(&touched, &recomputed)
    }

    /// Classifies the conversations that have no category yet from their buyer messages.
    pub fn classify_conversations(&self, conversations: &[(String, String)]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut texts = tx.prepare_cached(
                "SELECT c.cid, x.text FROM conversations c JOIN messages x ON x.cid = c.cid
                 LEFT JOIN conversation_meta m ON m.cid = c.cid
                 WHERE c.shop = ?1 AND c.conversation = ?2 AND m.category IS NULL
                   AND x.sender = 'buyer' AND x.text IS NOT NULL ORDER BY x.at",
            )?;
            let mut set = tx.prepare_cached(
                "INSERT INTO conversation_meta (cid, category) VALUES (?1, ?2)
                 ON CONFLICT (cid) DO UPDATE SET category = excluded.category",
            )?;
            for (shop, conv) in conversations {
                let rows: Vec<(i64, String)> = texts
                    .query_map(params![shop, conv], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                if let Some((cid, cat)) = rows
                    .iter()
                    .find_map(|(cid, t)| classify(t).map(|c| (*cid, c)))
                {
                    set.execute(params![cid, cat.as_str()])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Classifies every conversation without a category (after an import or at first start).
    pub fn classify_all(&self) -> Result<()> {
        let all: Vec<(String, String)> = self
            .conn
            .prepare(
                "SELECT c.shop, c.conversation FROM conversations c
                 LEFT JOIN conversation_meta m ON m.cid = c.cid WHERE m.category IS NULL",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        self.classify_conversations(&all)
    }

    fn cid(&self, shop: &str, conversation: &str) -> Result<i64> {
        self.conn
            .prepare_cached("SELECT cid FROM conversations WHERE shop = ?1 AND conversation = ?2")?
            .query_row(params![shop, conversation], |r| r.get(0))
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("no conversation `{conversation}` in shop `{shop}`"))
            })
    }

    /// Puts a conversation into (or out of) the High priority folder.
    pub fn set_priority(&self, shop: &str, conversation: &str, priority: bool) -> Result<()> {
        let cid = self.cid(shop, conversation)?;
        self.conn.execute(
            "INSERT INTO conversation_meta (cid, priority) VALUES (?1, ?2)
             ON CONFLICT (cid) DO UPDATE SET priority = excluded.priority",
            params![cid, priority],
        )?;
        self.note_change(shop, cid, "meta")
    }

    fn note_change(&self, shop: &str, cid: i64, what: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO changes (shop, cid, what) VALUES (?1, ?2, ?3)",
            params![shop, cid, what],
        )?;
        Ok(())
    }

    /// The roster, with each agent's open chats at `now`.
    pub fn agents(&self, now: Ts) -> Result<Vec<Agent>> {
        let mut q = self.conn.prepare_cached(
            "SELECT a.id, a.name, a.status, a.capacity, a.auto_assign, a.is_me,
                 (SELECT count(*) FROM conversation_meta m JOIN conversations c ON c.cid = m.cid
                  WHERE m.agent = a.id AND c.closes_at > ?1)
             FROM agents a ORDER BY a.is_me DESC, a.name",
        )?;
        let rows = q.query_map([ms(now)], |r| {
            Ok(Agent {
                id: r.get(0)?,
                name: r.get(1)?,
                status: r.get(2)?,
                capacity: r.get(3)?,
                auto_assign: r.get(4)?,
                is_me: r.get(5)?,
                open_chats: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Adds or changes an agent of the roster.
    pub fn upsert_agent(&self, a: &Agent) -> Result<()> {
        if !["online", "away", "do_not_accept"].contains(&a.status.as_str()) {
            return Err(StoreError::Invalid(format!(
                "agent status `{}` (online, away or do_not_accept)",
                a.status
            )));
        }
        self.conn.execute(
            "INSERT INTO agents (id, name, status, capacity, auto_assign, is_me)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, status = excluded.status,
                 capacity = excluded.capacity, auto_assign = excluded.auto_assign",
            params![a.id, a.name, a.status, a.capacity, a.auto_assign, a.is_me],
        )?;
        Ok(())
    }

    /// Assigns a conversation to an agent (`None`: back to Unassigned). A transfer keeps
    /// the conversation's clock: only the assignment changes (§6).
    pub fn assign(
        &self,
        shop: &str,
        conversation: &str,
        agent: Option<&str>,
        now: Ts,
    ) -> Result<()> {
        let cid = self.cid(shop, conversation)?;
        self.conn.execute(
            "INSERT INTO conversation_meta (cid, agent, assigned_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (cid) DO UPDATE SET agent = excluded.agent,
                 assigned_at = excluded.assigned_at",
            params![cid, agent, agent.map(|_| ms(now))],
        )?;
        if let Some(a) = agent {
            self.conn.execute(
                "UPDATE agents SET idle_since = ?2 WHERE id = ?1",
                params![a, ms(now)],
            )?;
        }
        self.note_change(shop, cid, "assigned")
    }

    /// §6 auto-assignment of these conversations when unassigned and awaiting a reply: each
    /// to an online agent who accepts auto-assignment and is below capacity, fewest open chats
    /// first, then longest idle. Returns the assignments made; a conversation nobody can
    /// take stays in Unassigned. With `opened_since`, only inquiries opened since then (new
    /// chats, not the backlog of a first sync).
    pub fn auto_assign(
        &self,
        conversations: &[(String, String)],
        now: Ts,
        opened_since: Option<Ts>,
    ) -> Result<Vec<(String, String, String)>> {
        let mut made = Vec::new();
        let mut seen = BTreeSet::new();
        for (shop, conv) in conversations {
            if !seen.insert((shop, conv)) {
                continue;
            }
            let waiting: bool = self
                .conn
                .prepare_cached(
                    "SELECT c.open_deadline IS NOT NULL AND c.closes_at > ?3 AND m.agent IS NULL
                         AND (?4 IS NULL OR c.open_opened_at >= ?4)
                     FROM conversations c LEFT JOIN conversation_meta m ON m.cid = c.cid
                     WHERE c.shop = ?1 AND c.conversation = ?2",
                )?
                .query_row(params![shop, conv, ms(now), opened_since.map(ms)], |r| {
                    r.get(0)
                })
                .optional()?
                .unwrap_or(false);
            if !waiting {
                continue;
            }
            // Fewest open chats first, then longest idle (§6).
            let agent: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT id FROM (
                         SELECT a.id, a.capacity, a.idle_since,
                             (SELECT count(*) FROM conversation_meta m JOIN conversations c
                              ON c.cid = m.cid WHERE m.agent = a.id AND c.closes_at > ?1) AS open
                         FROM agents a WHERE a.status = 'online' AND a.auto_assign = 1)
                     WHERE open < capacity ORDER BY open, idle_since, id LIMIT 1",
                )?
                .query_row(params![ms(now)], |r| r.get(0))
                .optional()?;
            let Some(agent) = agent else { continue };
            self.assign(shop, conv, Some(&agent), now)?;
            made.push((shop.clone(), conv.clone(), agent));
        }
        Ok(made)
    }

    pub fn app_setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM app_settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_app_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kedai_core::time::parse_instant;

    const LOG: &str = r#"{"type":"shop","shop":"tt-my","platform":"tiktok","region":"MY","tz":"Asia/Kuala_Lumpur"}
{"type":"shop","shop":"sp-ph","platform":"shopee","region":"PH","tz":"Asia/Manila"}
{"type":"message","shop":"tt-my","conversation":"c1","id":"m1","at":"2026-07-18T10:00:00+08:00","from":"buyer","buyer":"b1","text":"Is this in stock?"}
{"type":"message","shop":"tt-my","conversation":"c2","id":"m2","at":"2026-07-18T20:00:00+08:00","from":"buyer","buyer":"b2","text":"My parcel still hasn't arrived"}
{"type":"message","shop":"sp-ph","conversation":"c3","id":"m3","at":"2026-07-18T21:00:00+08:00","from":"buyer","buyer":"b3","text":"Item arrived damaged, refund?"}
{"type":"message","shop":"sp-ph","conversation":"c3","id":"m4","at":"2026-07-18T21:30:00+08:00","from":"agent","buyer":"b3","text":"Sorry! Sending a new one."}
"#;

    fn store() -> Store {
        let mut s = Store::open_in_memory().unwrap();
        s.import_log(LOG, false).unwrap();
        s
    }

    fn at(s: &str) -> Ts {
        parse_instant(s).unwrap()
    }

    #[test]
    fn app_counts_match_the_store_inbox_counts_section_6() {
        let s = store();
        for now in ["2026-07-18T23:00:00+08:00", "2026-07-19T09:00:00+08:00"] {
            let now = at(now);
            let ours = s.app_counts(&Scope::default(), now).unwrap();
            let engine = s.inbox_counts(None, now).unwrap();
            assert_eq!(ours, engine, "at {now}");
        }
    }

    #[test]
    fn scoped_counts_and_lists_agree_on_every_filter_before_and_after_the_sweep() {
        let s = store();
        s.classify_all().unwrap();
        s.upsert_agent(&agent("ana", "online", 5)).unwrap();
        s.assign("tt-my", "c2", Some("ana"), at("2026-07-18T22:00:00+08:00"))
            .unwrap();
        s.set_priority("sp-ph", "c3", true).unwrap();
        let scopes = [
            Scope::default(),
            Scope {
                shop: Some("tt-my".into()),
                ..Scope::default()
            },
            Scope {
                platform: Some(Platform::Shopee),
                ..Scope::default()
            },
            Scope {
                tab: Tab::Unassigned,
                ..Scope::default()
            },
            Scope {
                agent: Some("ana".into()),
                ..Scope::default()
            },
            Scope {
                category: Some(Category::Logistics),
                ..Scope::default()
            },
            Scope {
                priority: true,
                ..Scope::default()
            },
            Scope {
                search: Some("stock".into()),
                ..Scope::default()
            },
        ];
        // The later instant sweeps first; the earlier ones then look back past the sweep.
        for now in [
            "2026-07-25T09:00:00+08:00",
            "2026-07-19T09:00:00+08:00",
            "2026-07-18T23:00:00+08:00",
        ] {
            let now = at(now);
            s.inbox_counts(None, now).unwrap();
            for scope in &scopes {
                for (f, n) in s.app_counts(scope, now).unwrap() {
                    let rows = s.app_inbox(scope, f, now, 0, 100).unwrap();
                    assert_eq!(rows.len() as u64, n, "{f:?} of {scope:?} at {now}");
                }
            }
        }
    }

    /// Due soon reads its own index and sorts; its page must be the All page's due-soon
    /// rows, in the same order, in every scope.
    #[test]
    fn the_due_soon_page_is_the_all_pages_due_soon_rows_in_order() {
        let s = store();
        s.classify_all().unwrap();
        let scopes = [
            Scope::default(),
            Scope {
                shop: Some("tt-my".into()),
                ..Scope::default()
            },
            Scope {
                search: Some("parcel".into()),
                ..Scope::default()
            },
        ];
        let mut seen = 0;
        for now in [
            "2026-07-18T20:30:00+08:00",
            "2026-07-18T21:30:00+08:00",
            "2026-07-19T07:30:00+08:00",
            "2026-07-19T09:00:00+08:00",
        ] {
            let now = at(now);
            s.inbox_counts(None, now).unwrap();
            for scope in &scopes {
                let key = |r: &AppRow| (r.shop.clone(), r.conversation.clone());
                let due: Vec<_> = s
                    .app_inbox(scope, Filter::DueSoon, now, 0, 100)
                    .unwrap()
                    .iter()
                    .map(key)
                    .collect();
                let all: Vec<_> = s
                    .app_inbox(scope, Filter::All, now, 0, 100)
                    .unwrap()
                    .iter()
                    .filter(|r| r.due_soon)
                    .map(key)
                    .collect();
                assert_eq!(due, all, "{scope:?} at {now}");
                seen += due.len();
            }
        }
        assert!(
            seen > 0,
            "no instant had a chat due soon: the test checks nothing"
        );
    }

    #[test]
    fn the_list_is_in_deadline_order_with_the_last_message_as_preview() {
        let s = store();
        let rows = s
            .app_inbox(
                &Scope::default(),
                Filter::All,
                at("2026-07-18T23:00:00+08:00"),
                0,
                50,
            )
            .unwrap();
        let ids: Vec<_> = rows.iter().map(|r| r.conversation.as_str()).collect();
        assert_eq!(ids, ["c1", "c2", "c3"]);
        assert_eq!(
            rows[2].preview.as_deref(),
            Some("Sorry! Sending a new one.")
        );
        assert_eq!(rows[2].preview_from.as_deref(), Some("agent"));
    }

    #[test]
    fn search_matches_message_text_and_escapes_wildcards() {
        let s = store();
        let now = at("2026-07-18T23:00:00+08:00");
        let scope = Scope {
            search: Some("PARCEL".into()),
            ..Scope::default()
        };
        let rows = s.app_inbox(&scope, Filter::All, now, 0, 50).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].conversation, "c2");
        let scope = Scope {
            search: Some("%".into()),
            ..Scope::default()
        };
        assert!(s
            .app_inbox(&scope, Filter::All, now, 0, 50)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn categories_come_from_buyer_words() {
        let s = store();
        s.classify_all().unwrap();
        let now = at("2026-07-18T23:00:00+08:00");
        let cat = |c| {
            let scope = Scope {
                category: Some(c),
                ..Scope::default()
            };
            s.app_inbox(&scope, Filter::All, now, 0, 50)
                .unwrap()
                .into_iter()
                .map(|r| r.conversation)
                .collect::<Vec<_>>()
        };
        assert_eq!(cat(Category::PrePurchase), ["c1"]);
        assert_eq!(cat(Category::Logistics), ["c2"]);
        assert_eq!(cat(Category::Aftersales), ["c3"]);
    }

    #[test]
    fn crossings_name_the_chat_that_became_due_soon_then_overdue() {
        let s = store();
        // c1 opened 10:00 MYT on tiktok.12h: due 22:00, due soon from 20:00.
        let due_soon = s
            .crossings(
                at("2026-07-18T19:59:00+08:00"),
                at("2026-07-18T20:01:00+08:00"),
            )
            .unwrap();
        assert_eq!(due_soon.len(), 1);
        assert_eq!(
            (due_soon[0].conversation.as_str(), due_soon[0].state),
            ("c1", "due_soon")
        );
        let overdue = s
            .crossings(
                at("2026-07-18T21:59:00+08:00"),
                at("2026-07-18T22:01:00+08:00"),
            )
            .unwrap();
        assert_eq!(
            (overdue[0].conversation.as_str(), overdue[0].state),
            ("c1", "overdue")
        );
    }

    fn agent(id: &str, status: &str, capacity: u32) -> Agent {
        Agent {
            id: id.into(),
            name: id.into(),
            status: status.into(),
            capacity,
            auto_assign: true,
            is_me: false,
            open_chats: 0,
        }
    }

    #[test]
    fn auto_assignment_goes_to_online_agents_below_capacity_fewest_open_first_section_6() {
        let s = store();
        let now = at("2026-07-18T23:00:00+08:00");
        s.upsert_agent(&agent("ana", "online", 1)).unwrap();
        s.upsert_agent(&agent("ben", "online", 5)).unwrap();
        s.upsert_agent(&agent("cy", "away", 5)).unwrap();
        let all = [
            ("tt-my".to_owned(), "c1".to_owned()),
            ("tt-my".to_owned(), "c2".to_owned()),
        ];
        let made = s.auto_assign(&all, now, None).unwrap();
        let to: Vec<_> = made.iter().map(|m| m.2.as_str()).collect();
        // Both start with 0 open chats: ana (idle longest by id order) then ben (ana at 1).
        assert_eq!(to, ["ana", "ben"]);
        // c3 was answered: nothing waits, nobody gets it.
        assert!(s
            .auto_assign(&[("sp-ph".into(), "c3".into())], now, None)
            .unwrap()
            .is_empty());
        let unassigned = Scope {
            tab: Tab::Unassigned,
            ..Scope::default()
        };
        let rows = s.app_inbox(&unassigned, Filter::All, now, 0, 50).unwrap();
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn nobody_qualifies_so_the_chat_waits_in_unassigned() {
        let s = store();
        let now = at("2026-07-18T23:00:00+08:00");
        s.upsert_agent(&agent("ana", "do_not_accept", 5)).unwrap();
        let made = s
            .auto_assign(&[("tt-my".into(), "c1".into())], now, None)
            .unwrap();
        assert!(made.is_empty());
    }
}
