//! §6 as indexed queries. The derived columns of `conversations` describe each conversation
//! as of its latest stored fact; for any `now` at or after the shop's latest fact the filters
//! are comparisons of those columns with `now`. For an earlier `now` (reviewing the past)
//! the inbox is computed from the stored clocks instead, with the same result as the engine.

use std::collections::HashMap;

use kedai_core::inbox::{self, Filter, InboxRow};
use kedai_core::Ts;
use rusqlite::Row;

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

/// The SQL condition of a filter, with `?1` = now. Closed conversations show only under
/// Closed (§6).
fn condition(filter: Option<Filter>) -> &'static str {
    match filter {
        None => "1",
        Some(Filter::All) => "c.closes_at > ?1",
        Some(Filter::Overdue) => "c.open_deadline < ?1 AND c.closes_at > ?1",
        Some(Filter::DueSoon) => {
            "c.open_due_soon_at < ?1 AND c.open_deadline >= ?1 AND c.closes_at > ?1"
        }
        Some(Filter::Unreplied) => "c.open_deadline IS NOT NULL AND c.closes_at > ?1",
        Some(Filter::Unread) => "c.unread = 1 AND c.closes_at > ?1",
        Some(Filter::Starred) => "c.starred = 1 AND c.closes_at > ?1",
        Some(Filter::Closed) => "(c.closes_at IS NULL OR c.closes_at <= ?1)",
    }
}

const ROW_COLUMNS: &str = "c.shop, s.platform, c.conversation, c.buyer, c.open_opened_at,
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
    fn is_live(&self, shop: Option<&str>, now: Ts) -> Result<bool> {
        let latest: Option<i64> = match shop {
            Some(s) => self
                .conn
                .prepare_cached("SELECT latest_at FROM shops WHERE id = ?1")?
                .query_row([s], |r| r.get(0))?,
            None => self
                .conn
                .prepare_cached("SELECT max(latest_at) FROM shops")?
                .query_row([], |r| r.get(0))?,
        };
        Ok(latest.is_none_or(|l| l <= ms(now)))
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
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM conversations c JOIN shops s ON s.id = c.shop
             WHERE {} AND c.last_message_at <= ?1 AND (?2 IS NULL OR c.shop = ?2)
             ORDER BY c.sort_deadline, c.last_message_at DESC, c.shop, c.conversation
             LIMIT ?3 OFFSET ?4",
            condition(q.filter)
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
        let mut out = Filter::ALL.map(|f| (f, 0));
        for (f, n) in out.iter_mut() {
            let sql = format!(
                "SELECT count(*) FROM conversations c
                 WHERE {} AND c.last_message_at <= ?1 AND (?2 IS NULL OR c.shop = ?2)",
                condition(Some(*f))
            );
            let count: i64 = self
                .conn
                .prepare_cached(&sql)?
                .query_row(rusqlite::params![ms(now), shop], |r| r.get(0))?;
            *n = count as u64;
        }
        Ok(out)
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
                if clock.last_message_at.is_none_or(|t| t > now) {
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
