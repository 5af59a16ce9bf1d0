//! §6 as indexed queries. The derived columns of `conversations` describe each conversation
//! as of its latest stored fact; for any `now` at or after the shop's latest fact the filters
//! are comparisons of those columns with `now`. For an earlier `now` (reviewing the past)
//! the inbox is computed from the stored clocks instead, with the same result as the engine.

use std::collections::HashMap;

use kedai_core::inbox::{self, Filter, InboxRow};
use kedai_core::Ts;
use rusqlite::{OptionalExtension, Row};

use crate::rows::{ms, parse_name, ts_opt, PolicyCol};
use crate::{Result, Store};

/// Which conversations, at which instant, how many.
#[derive(Debug, Clone)]
pub struct InboxQuery {
    /// One shop, or every shop.
    pub shop: Option<String>,
    /// `None`: every conversation, closed ones included.
    pub filter: Option<Filter>,
    pub now: Ts,
    pub limit: usize,
    pub offset: usize,
}

impl InboxQuery {
    /// The first page of 50 of a filter across every shop.
    pub fn page(filter: Filter, now: Ts) -> InboxQuery {
        InboxQuery {
            shop: None,
            filter: Some(filter),
            now,
            limit: 50,
            offset: 0,
        }
    }
}

/// The SQL condition of a filter with `?1` = now, for a `now` at or after every stored fact.
/// Closed conversations show only under Closed (§6). With `swept` (the sweep has reached
/// `now`), `closed = 0` and the sort-key bounds let SQLite answer from the small partial
/// indexes of conversations that may still be open, in index order.
fn condition(filter: Option<Filter>, swept: bool) -> &'static str {
    match (filter, swept) {
        (None, _) => "1",
        (Some(Filter::Closed), true) => "(c.closed = 1 OR c.closes_at <= ?1)",
        (Some(Filter::Closed), false) => "(c.closes_at IS NULL OR c.closes_at <= ?1)",
        (Some(Filter::All), true) => "c.closed = 0 AND c.closes_at > ?1",
        (Some(Filter::Overdue), true) => {
            "c.closed = 0 AND c.sort_deadline < ?1 AND c.open_deadline < ?1 AND c.closes_at > ?1"
        }
        (Some(Filter::DueSoon), true) => {
            "c.closed = 0 AND c.sort_deadline >= ?1 AND c.open_deadline >= ?1
             AND c.open_due_soon_at < ?1 AND c.closes_at > ?1"
        }
        (Some(Filter::Unreplied), true) => {
            "c.closed = 0 AND c.sort_deadline < 9223372036854775807
             AND c.open_deadline IS NOT NULL AND c.closes_at > ?1"
        }
        (Some(Filter::Unread), true) => "c.closed = 0 AND c.unread = 1 AND c.closes_at > ?1",
        (Some(Filter::Starred), true) => "c.closed = 0 AND c.starred = 1 AND c.closes_at > ?1",
        (Some(Filter::All), false) => "c.closes_at > ?1",
        (Some(Filter::Overdue), false) => "c.open_deadline < ?1 AND c.closes_at > ?1",
        (Some(Filter::DueSoon), false) => {
            "c.open_due_soon_at < ?1 AND c.open_deadline >= ?1 AND c.closes_at > ?1"
        }
        (Some(Filter::Unreplied), false) => "c.open_deadline IS NOT NULL AND c.closes_at > ?1",
        (Some(Filter::Unread), false) => "c.unread = 1 AND c.closes_at > ?1",
        (Some(Filter::Starred), false) => "c.starred = 1 AND c.closes_at > ?1",
    }
}

const ROW_COLUMNS: &str = "c.shop, (SELECT platform FROM shops s WHERE s.id = c.shop), c.conversation, c.buyer, c.open_opened_at,
    c.open_deadline, c.open_policy, c.open_due_soon_at, c.weekend_moved, c.unread, c.starred,
    c.closes_at, c.last_message_at";

fn row_at(r: &Row<'_>, now: Ts) -> Result<InboxRow> {
    let deadline = ts_opt(r.get(5)?);
    let due_soon_at = ts_opt(r.get(7)?);
    let closes_at = ts_opt(r.get(11)?);
    Ok(InboxRow {
        shop: r.get(0)?,
        platform: parse_name(&r.get::<_, String>(1)?)?,
        conversation: r.get(2)?,
        buyer: r.get(3)?,
        opened_at: ts_opt(r.get(4)?),
        deadline,
        policy: r.get::<_, Option<PolicyCol>>(6)?.map(|p| p.0),
        due_soon_at,
        weekend_moved: r.get(8)?,
        overdue: deadline.is_some_and(|d| now > d),
        due_soon: deadline.is_some_and(|d| now <= d) && due_soon_at.is_some_and(|s| now > s),
        unreplied: deadline.is_some(),
        unread: r.get(9)?,
        starred: r.get(10)?,
        closed: closes_at.is_none_or(|c| c <= now),
        last_message_at: ts_opt(r.get(12)?),
    })
}

impl Store {
    /// Whether the derived columns hold at `now` for the shop (or every shop): nothing
    /// stored happens after `now`.
    pub(crate) fn is_live(&self, shop: Option<&str>, now: Ts) -> Result<bool> {
        let latest: Option<i64> = match shop {
            Some(s) => self
                .conn
                .prepare_cached("SELECT latest_at FROM shops WHERE id = ?1")?
                .query_row([s], |r| r.get(0))
                .optional()?
                .flatten(),
            None => self
                .conn
                .prepare_cached("SELECT max(latest_at) FROM shops")?
                .query_row([], |r| r.get(0))?,
        };
        Ok(latest.is_none_or(|l| l <= ms(now)))
    }

    /// Moves conversations whose `closes_at` has passed by `now` into `closed`; false when
    /// an earlier sweep went past `now` (a look back), where the flag cannot be used.
    fn sweep(&self, now: Ts) -> Result<bool> {
        let until: i64 = self
            .conn
            .prepare_cached("SELECT until FROM sweep")?
            .query_row([], |r| r.get(0))?;
        let now = ms(now);
        if now < until {
            return Ok(false);
        }
        if now > until {
            let tx = self.conn.unchecked_transaction()?;
            tx.prepare_cached(
                "UPDATE conversations SET closed = 1 WHERE closed = 0 AND closes_at <= ?1",
            )?
            .execute([now])?;
            tx.prepare_cached("UPDATE sweep SET until = ?1")?
                .execute([now])?;
            tx.commit()?;
        }
        Ok(true)
    }

    /// A page of the inbox in inbox order (earliest deadline first, then newest message).
    pub fn inbox(&self, q: &InboxQuery) -> Result<Vec<InboxRow>> {
        if !self.is_live(q.shop.as_deref(), q.now)? {
            let rows = self.inbox_from_clocks(q.shop.as_deref(), q.now)?;
            let rows = rows
                .into_iter()
                .filter(|r| q.filter.is_none_or(|f| r.is_in(f)));
            return Ok(rows.skip(q.offset).take(q.limit).collect());
        }
        let swept = self.sweep(q.now)?;
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM conversations c
             WHERE {} AND (?2 IS NULL OR c.shop = ?2) AND c.last_message_at IS NOT NULL
             ORDER BY c.sort_deadline, c.last_message_at DESC, c.shop, c.conversation
             LIMIT ?3 OFFSET ?4",
            condition(q.filter, swept)
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(q.offset).unwrap_or(i64::MAX);
        let mut rows = stmt.query(rusqlite::params![ms(q.now), q.shop, limit, offset])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(row_at(r, q.now)?);
        }
        Ok(out)
    }

    /// How many conversations each filter holds at `now`, in [`Filter::ALL`] order.
    pub fn inbox_counts(&self, shop: Option<&str>, now: Ts) -> Result<[(Filter, u64); 7]> {
        if !self.is_live(shop, now)? {
            return Ok(inbox::counts(&self.inbox_from_clocks(shop, now)?));
        }
        let swept = self.sweep(now)?;
        if swept && shop.is_none() {
            return self.swept_counts(now);
        }
        let count = |sql: &str| -> Result<u64> {
            let n: i64 = self
                .conn
                .prepare_cached(sql)?
                .query_row(rusqlite::params![ms(now), shop], |r| r.get(0))?;
            Ok(n as u64)
        };
        let mut out = Filter::ALL.map(|f| (f, 0));
        for (f, n) in out.iter_mut() {
            if *f != Filter::Closed {
                *n = count(&format!(
                    "SELECT count(*) FROM conversations c WHERE {} AND (?2 IS NULL OR c.shop = ?2)",
                    condition(Some(*f), swept)
                ))?;
            }
        }
        // Closed: every conversation with a message, less the open ones.
        let total = count(
            "SELECT count(*) FROM conversations c WHERE ?1 IS NOT NULL
             AND (?2 IS NULL OR c.shop = ?2) AND c.last_message_at IS NOT NULL",
        )?;
        out[6].1 = total - out[0].1;
        Ok(out)
    }

    /// The counts of every shop together once swept to `now`: each a range count over one
    /// covering partial index of the conversations that may still be open.
    fn swept_counts(&self, now: Ts) -> Result<[(Filter, u64); 7]> {
        const LIVE: &str = "closed = 0 AND closes_at > ?1";
        let count = |index: &str, condition: &str| -> Result<u64> {
            let sql = format!(
                "SELECT count(*) FROM conversations INDEXED BY {index} WHERE {LIVE} AND {condition}"
            );
            let n: i64 = self
                .conn
                .prepare_cached(&sql)?
                .query_row([ms(now)], |r| r.get(0))?;
            Ok(n as u64)
        };
        let all = count("conversations_live_closes", "1")?;
        let total: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM conversations")?
            .query_row([], |r| r.get(0))?;
        let open = "open_deadline IS NOT NULL";
        Ok([
            (Filter::All, all),
            (
                Filter::Overdue,
                count(
                    "conversations_live_open",
                    &format!("{open} AND open_deadline < ?1"),
                )?,
            ),
            (
                Filter::DueSoon,
                count(
                    "conversations_live_open",
                    &format!("{open} AND open_deadline >= ?1 AND open_due_soon_at < ?1"),
                )?,
            ),
            (Filter::Unreplied, count("conversations_live_open", open)?),
            (
                Filter::Unread,
                count("conversations_live_unread", "unread = 1")?,
            ),
            (
                Filter::Starred,
                count("conversations_live_starred", "starred = 1")?,
            ),
            // Every stored conversation has a message (the store creates one from its first).
            (Filter::Closed, total as u64 - all),
        ])
    }

    /// Every conversation at `now` computed by the engine from the stored clocks.
    fn inbox_from_clocks(&self, shop: Option<&str>, now: Ts) -> Result<Vec<InboxRow>> {
        let shops = match shop {
            Some(s) => vec![self.shop(s)?],
            None => self.shops()?,
        };
        let mut rows = Vec::new();
        for (shop, settings) in &shops {
            let mut q = self.conn.prepare_cached(
                "SELECT conversation, read_at FROM conversations WHERE shop = ?1",
            )?;
            let read: HashMap<String, Option<i64>> = q
                .query_map([&shop.shop], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for clock in self.clocks(&shop.shop)? {
                if !clock.exists_at(now) {
                    continue;
                }
                let read_at = read.get(&clock.conversation).copied().flatten();
                let read_at = ts_opt(read_at).filter(|t| *t <= now);
                rows.push(inbox::row(shop, settings, &clock, read_at, now));
            }
        }
        inbox::sort(&mut rows);
        Ok(rows)
    }
}
