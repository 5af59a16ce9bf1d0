//! Keeping the derived clock current: after a write, every touched conversation is run
//! through the engine again and its items, sessions and inbox columns are replaced.
//! A conversation created by the write is derived as it is written, from the batch.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kedai_core::clock::{self, ConversationClock, Item, Session, ShopContext};
use kedai_core::history::ConversationFacts;
use kedai_core::model::{BuyerFact, Sender};
use kedai_core::{ShopSettings, Ts};
use rusqlite::{params, params_from_iter, CachedStatement, Connection, ToSql};

use crate::read;
use crate::rows::{encode_instants, ms, ms_opt, name, PolicyCol, FOREVER};
use crate::write::Touched;
use crate::Result;

/// Recomputed conversations, by shop.
pub(crate) type Recomputed = BTreeMap<String, Vec<i64>>;

/// Recomputes every conversation the write touched that it did not create (those were
/// derived as they were written); returns every derived conversation, by shop.
pub(crate) fn recompute(conn: &Connection, touched: &Touched) -> Result<Recomputed> {
    let mut cids: BTreeSet<i64> = touched.conversations.clone();
    // When every stored conversation was created by this write, all are derived already.
    if !touched.only_created {
        for shop in &touched.whole_shops {
            let mut q = conn.prepare_cached("SELECT cid FROM conversations WHERE shop = ?1")?;
            let rows = q.query_map([shop], |r| r.get::<_, i64>(0))?;
            for cid in rows {
                cids.insert(cid?);
            }
        }
        for (shop, buyer) in &touched.buyers {
            let mut q = conn
                .prepare_cached("SELECT cid FROM conversations WHERE shop = ?1 AND buyer = ?2")?;
            let rows = q.query_map(params![shop, buyer], |r| r.get::<_, i64>(0))?;
            for cid in rows {
                cids.insert(cid?);
            }
        }
    }
    // Group by shop, so each shop's context is read once.
    let mut by_shop: BTreeMap<String, Vec<(i64, String, String)>> = BTreeMap::new();
    {
        let mut q = conn
            .prepare_cached("SELECT shop, conversation, buyer FROM conversations WHERE cid = ?1")?;
        for &cid in cids.difference(&touched.created) {
            let (shop, conv, buyer): (String, String, String) =
                q.query_row([cid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            by_shop.entry(shop).or_default().push((cid, conv, buyer));
        }
    }
    for (shop_id, convs) in &by_shop {
        let (shop, settings) = read::shop(conn, shop_id)?;
        let timeline = read::timeline(conn, shop_id)?;
        let ctx = ShopContext {
            shop: &shop,
            settings: &settings,
            timeline: &timeline,
        };
        let mut writer = ClockWriter::new(conn, shop_id, &settings)?;
        let mut buyer_states: HashMap<String, Vec<BuyerFact>> = HashMap::new();
        let mut shop_latest: Option<Ts> = None;
        for (cid, conv, buyer) in convs {
            let mut facts = read::conversation_facts(conn, *cid, shop_id, conv, buyer)?;
            if !buyer_states.contains_key(buyer) {
                buyer_states.insert(buyer.clone(), read::buyer_states(conn, shop_id, buyer)?);
            }
            facts.buyer_states = buyer_states[buyer].clone();
            facts.sort();
            let clock = clock::derive(ctx, &facts);
            let latest = latest_fact(&facts);
            writer.replace(*cid, &clock, latest)?;
            shop_latest = shop_latest.max(latest);
        }
        raise_latest(conn, shop_id, shop_latest)?;
    }
    let mut out: Recomputed = by_shop
        .into_iter()
        .map(|(shop, convs)| (shop, convs.into_iter().map(|(cid, _, _)| cid).collect()))
        .collect();
    for (shop, cids) in &touched.derived {
        let all = out.entry(shop.clone()).or_default();
        all.extend(cids);
        all.sort_unstable();
    }
    Ok(out)
}

/// Moves the shop's latest stored fact forward to `latest`.
pub(crate) fn raise_latest(conn: &Connection, shop: &str, latest: Option<Ts>) -> Result<()> {
    conn.prepare_cached(
        "UPDATE shops SET latest_at = max(coalesce(latest_at, ?2), ?2) WHERE id = ?1",
    )?
    .execute(params![shop, ms_opt(latest)])?;
    Ok(())
}

/// The latest instant among the conversation's facts. From then on (until the conversation
/// closes) its open inquiry and stars no longer change with `now`.
pub(crate) fn latest_fact(facts: &ConversationFacts) -> Option<Ts> {
    let messages = facts.messages.iter().map(|m| m.at);
    let marks = facts.marks.iter().map(|m| m.at);
    let ratings = facts.ratings.iter().map(|r| r.at);
    let states = facts.buyer_states.iter().map(|s| s.at);
    messages.chain(marks).chain(ratings).chain(states).max()
}

/// Writes derived clocks of one shop's conversations, with its statements prepared once.
pub(crate) struct ClockWriter<'c> {
    conn: &'c Connection,
    shop: &'c str,
    automation_counts: bool,
    item_insert: CachedStatement<'c>,
    session_insert: CachedStatement<'c>,
}

/// The inbox columns of a conversation, as of its latest fact.
struct InboxColumns {
    open_opened_at: Option<i64>,
    open_deadline: Option<i64>,
    open_due_soon_at: Option<i64>,
    open_policy: Option<PolicyCol>,
    weekend_moved: bool,
    sort_deadline: i64,
    closes_at: Option<i64>,
    last_message_at: Option<i64>,
    last_buyer_at: Option<i64>,
    last_agent_at: Option<i64>,
    stars: String,
    starred: bool,
}

impl InboxColumns {
    /// The columns in the order both the insert and the update of a conversation bind them.
    fn values(&self) -> [&dyn ToSql; 12] {
        [
            &self.open_opened_at,
            &self.open_deadline,
            &self.open_due_soon_at,
            &self.open_policy,
            &self.weekend_moved,
            &self.sort_deadline,
            &self.closes_at,
            &self.last_message_at,
            &self.last_buyer_at,
            &self.last_agent_at,
            &self.stars,
            &self.starred,
        ]
    }
}

impl<'c> ClockWriter<'c> {
    pub fn new(
        conn: &'c Connection,
        shop: &'c str,
        settings: &ShopSettings,
    ) -> Result<ClockWriter<'c>> {
        Ok(ClockWriter {
            conn,
            shop,
            automation_counts: settings.automation_counts_as_reply,
            item_insert: conn.prepare_cached(
                "INSERT INTO items (cid, seq, shop, message, opened_at, excluded, excluded_at,
                     counted_at, session, first_in_session, policy, deadline, due_soon_at,
                     deadline2, weekend_moved, agent_reply_at, auto_reply_at, followup_at,
                     closed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18, ?19)",
            )?,
            session_insert: conn.prepare_cached(
                "INSERT INTO sessions (cid, idx, shop, started_at, seller_initiated, ended_at,
                     ended_by_agent, ratings, agents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
        })
    }

    /// Replaces the derived rows of a stored conversation.
    pub fn replace(
        &mut self,
        cid: i64,
        clock: &ConversationClock,
        latest: Option<Ts>,
    ) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM items WHERE cid = ?1")?
            .execute([cid])?;
        self.conn
            .prepare_cached("DELETE FROM sessions WHERE cid = ?1")?
            .execute([cid])?;
        self.insert_items_sessions(cid, clock)?;
        let c = self.inbox_columns(clock, latest);
        self.conn
            .prepare_cached(
                "UPDATE conversations SET open_opened_at = ?2, open_deadline = ?3,
                     open_due_soon_at = ?4, open_policy = ?5, weekend_moved = ?6,
                     sort_deadline = ?7, closes_at = ?8, last_message_at = ?9,
                     last_buyer_at = ?10, last_agent_at = ?11, stars = ?12, starred = ?13,
                     unread = (?10 IS NOT NULL
                               AND ?10 > max(coalesce(read_at, ?10 - 1), coalesce(?11, ?10 - 1))),
                     closed = (?8 IS NULL OR ?8 <= (SELECT until FROM sweep))
                 WHERE cid = ?1",
            )?
            .execute(params_from_iter(
                std::iter::once(&cid as &dyn ToSql).chain(c.values()),
            ))?;
        Ok(())
    }

    /// Stores a new conversation with its derived clock in one row write (no later update);
    /// returns its cid. A new conversation has no items, sessions or read mark yet.
    pub fn create(
        &mut self,
        conversation: &str,
        buyer: &str,
        clock: &ConversationClock,
        latest: Option<Ts>,
    ) -> Result<i64> {
        let c = self.inbox_columns(clock, latest);
        // `unread` and `closed` as `replace` computes them, with `read_at` NULL.
        self.conn
            .prepare_cached(
                "INSERT INTO conversations (shop, conversation, buyer, open_opened_at,
                     open_deadline, open_due_soon_at, open_policy, weekend_moved, sort_deadline,
                     closes_at, last_message_at, last_buyer_at, last_agent_at, stars, starred,
                     unread, closed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                     (?12 IS NOT NULL AND ?12 > max(?12 - 1, coalesce(?13, ?12 - 1))),
                     (?10 IS NULL OR ?10 <= (SELECT until FROM sweep)))",
            )?
            .execute(params_from_iter(
                [&self.shop as &dyn ToSql, &conversation, &buyer]
                    .into_iter()
                    .chain(c.values()),
            ))?;
        let cid = self.conn.last_insert_rowid();
        self.insert_items_sessions(cid, clock)?;
        Ok(cid)
    }

    fn insert_items_sessions(&mut self, cid: i64, clock: &ConversationClock) -> Result<()> {
        for i in &clock.items {
            insert_item(&mut self.item_insert, cid, self.shop, i)?;
        }
        for s in &clock.sessions {
            insert_session(&mut self.session_insert, cid, self.shop, s)?;
        }
        Ok(())
    }

    // The inbox columns describe the conversation once everything stored has happened
    // (the 7-day auto-close aside, which the filters compare with `now` through
    // `closes_at`); the indexed filters compare them with `now`.
    fn inbox_columns(&self, clock: &ConversationClock, latest: Option<Ts>) -> InboxColumns {
        let as_of = latest.unwrap_or(Ts::MIN_UTC);
        let open = clock.open_inquiry(as_of, self.automation_counts);
        let stars = if clock.stars.is_empty() {
            "[]".to_owned()
        } else {
            let stars: Vec<(i64, bool)> = clock.stars.iter().map(|(t, s)| (ms(*t), *s)).collect();
            serde_json::to_string(&stars).expect("stars serialize")
        };
        InboxColumns {
            open_opened_at: ms_opt(open.map(|i| i.opened_at)),
            open_deadline: ms_opt(open.map(|i| i.deadline)),
            open_due_soon_at: ms_opt(open.and_then(|i| i.due_soon_at)),
            open_policy: open.map(|i| PolicyCol(i.policy)),
            weekend_moved: open.is_some_and(|i| i.weekend_moved),
            sort_deadline: open.map_or(FOREVER, |i| ms(i.deadline)),
            closes_at: ms_opt(clock.closes_at()),
            last_message_at: ms_opt(clock.latest(None)),
            last_buyer_at: ms_opt(clock.latest(Some(Sender::Buyer))),
            last_agent_at: ms_opt(clock.latest(Some(Sender::Agent))),
            stars,
            starred: clock.is_starred(as_of),
        }
    }
}

fn insert_item(q: &mut CachedStatement<'_>, cid: i64, shop: &str, i: &Item) -> Result<()> {
    q.execute(params![
        cid,
        i.seq,
        shop,
        i.message,
        ms(i.opened_at),
        i.excluded.map(|e| e.as_str()),
        ms_opt(i.excluded_at),
        encode_instants(&i.counted_at),
        i.session,
        i.first_in_session,
        PolicyCol(i.policy),
        ms(i.deadline),
        ms_opt(i.due_soon_at),
        ms_opt(i.deadline2),
        i.weekend_moved,
        ms_opt(i.agent_reply_at),
        ms_opt(i.auto_reply_at),
        ms_opt(i.followup_at),
        ms_opt(i.closed_at),
    ])?;
    Ok(())
}

fn insert_session(q: &mut CachedStatement<'_>, cid: i64, shop: &str, s: &Session) -> Result<()> {
    let ratings: Vec<(i64, String)> = s.ratings.iter().map(|(t, sc)| (ms(*t), name(sc))).collect();
    let agents: Vec<(&str, i64)> = s.agents.iter().map(|(a, t)| (a.as_str(), ms(*t))).collect();
    q.execute(params![
        cid,
        s.index,
        shop,
        ms(s.started_at),
        s.seller_initiated,
        ms(s.ended_at),
        s.ended_by_agent,
        serde_json::to_string(&ratings).expect("ratings serialize"),
        serde_json::to_string(&agents).expect("agents serialize"),
    ])?;
    Ok(())
}
