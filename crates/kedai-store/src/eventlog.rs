//! Event-log import and export (`event-log.md`). Export writes every stored fact back as
//! lines; importing that export into an empty store gives the same facts, hence the same
//! clocks, metrics and inbox.

use std::io::Write;

use chrono::NaiveDate;
use kedai_core::history::{parse_log, LineError};
use kedai_core::model::*;
use rusqlite::params;

use crate::read;
use crate::rows::ms;
use crate::{Result, Store, StoreError};

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Event lines read (blank and comment lines aside).
    pub events: usize,
    /// Conversations whose clock was recomputed.
    pub conversations: usize,
    /// Lines skipped in lenient mode, with the reason.
    pub warnings: Vec<LineError>,
}

impl Store {
    /// Imports an event log in one transaction. Strict mode refuses the whole file on the
    /// first bad line (every problem is reported) and leaves the store as it was; lenient
    /// mode skips bad lines and reports them as warnings.
    pub fn import_log(&mut self, text: &str, lenient: bool) -> Result<ImportReport> {
        let mut phases = crate::bulk::Phases::new();
        let parsed = parse_log(text, lenient).map_err(StoreError::Log)?;
        phases.mark("parse");
        let events = parsed.events.len();
        let mut warnings = parsed.warnings;
        let applied = self.apply_phased(parsed.events, lenient, |_| Ok(()), &mut phases)?;
        self.fill_report_evidence()?;
        warnings.extend(applied.warnings);
        warnings.sort_by_key(|w| w.line);
        Ok(ImportReport {
            events,
            conversations: applied.conversations,
            warnings,
        })
    }

    /// Every stored fact of `shop` (or of every shop) as event-log lines, shop declarations
    /// first, then the facts in time order.
    pub fn export(&self, shop: Option<&str>, out: &mut dyn Write) -> Result<()> {
        let shops = match shop {
            Some(id) => vec![self.shop(id)?],
            None => self.shops()?,
        };
        for (shop, _) in &shops {
            write_line(out, &Event::Shop(shop.clone()))?;
        }
        for (shop, _) in &shops {
            let mut events = self.shop_events(&shop.shop)?;
            events.sort_by_cached_key(event_key);
            for e in &events {
                write_line(out, e)?;
            }
        }
        Ok(())
    }

    fn shop_events(&self, shop: &str) -> Result<Vec<Event>> {
        let mut events = Vec::new();
        let timeline = read::timeline(&self.conn, shop)?;
        events.extend(timeline.holiday_mode.into_iter().map(Event::HolidayMode));
        events.extend(
            timeline
                .weekend_coverage
                .into_iter()
                .map(Event::WeekendCoverage),
        );
        events.extend(
            timeline
                .operating_hours
                .into_iter()
                .map(Event::OperatingHours),
        );
        events.extend(timeline.extra_holidays.into_iter().map(|(date, name)| {
            Event::PublicHoliday(PublicHoliday {
                shop: shop.to_owned(),
                date,
                name,
            })
        }));
        let mut q = self
            .conn
            .prepare_cached("SELECT DISTINCT buyer FROM buyer_states WHERE shop = ?1")?;
        let buyers: Vec<String> = q
            .query_map([shop], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for buyer in buyers {
            events.extend(
                read::buyer_states(&self.conn, shop, &buyer)?
                    .into_iter()
                    .map(Event::Buyer),
            );
        }
        let mut q = self
            .conn
            .prepare_cached("SELECT cid, conversation, buyer FROM conversations WHERE shop = ?1")?;
        let convs: Vec<(i64, String, String)> = q
            .query_map([shop], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (cid, conversation, buyer) in convs {
            let facts = read::conversation_facts(&self.conn, cid, shop, &conversation, &buyer)?;
            events.extend(facts.messages.into_iter().map(Event::Message));
            events.extend(facts.marks.into_iter().map(Event::Mark));
            events.extend(facts.ratings.into_iter().map(Event::Rating));
        }
        // Transfers and abuse reports: `mark` lines too (their evidence is the transcript,
        // rebuilt from the messages when the log is read back).
        let mut q = self.conn.prepare_cached(
            "SELECT c.conversation, a.at, a.action, a.agent, a.to_agent, a.reason, a.note
             FROM chat_actions a JOIN conversations c ON c.cid = a.cid WHERE c.shop = ?1",
        )?;
        let records: Vec<Mark> = q
            .query_map([shop], |r| {
                Ok(Mark {
                    to_agent: r.get(4)?,
                    reason: r.get(5)?,
                    note: r.get(6)?,
                    ..Mark::new(
                        shop,
                        r.get::<_, String>(0)?,
                        crate::rows::ts(r.get(1)?),
                        crate::rows::parse_name(&r.get::<_, String>(2)?)
                            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?,
                        r.get(3)?,
                    )
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        events.extend(records.into_iter().map(Event::Mark));
        let mut q = self.conn.prepare_cached(
            "SELECT id, buyer, at, amount, currency, status FROM orders WHERE shop = ?1",
        )?;
        let orders: Vec<Order> = q
            .query_map(params![shop], |r| read::order_from_row(shop, r))?
            .collect::<rusqlite::Result<_>>()?;
        events.extend(orders.into_iter().map(Event::Order));
        Ok(events)
    }
}

/// Time order; at one instant a message before the mark or rating about it; then by id,
/// so that an export is byte-for-byte stable.
fn event_key(e: &Event) -> (i64, u8, String) {
    let day = |d: &NaiveDate| ms(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc());
    match e {
        Event::Shop(_) => (i64::MIN, 0, String::new()),
        Event::PublicHoliday(h) => (day(&h.date), 0, h.date.to_string()),
        Event::OperatingHours(h) => (ms(h.at), 1, String::new()),
        Event::HolidayMode(s) => (ms(s.from), 2, String::new()),
        Event::WeekendCoverage(s) => (ms(s.from), 3, String::new()),
        Event::Buyer(b) => (ms(b.at), 4, b.buyer.clone()),
        Event::Message(m) => (ms(m.at), 5, format!("{}\u{0}{}", m.conversation, m.id)),
        Event::Mark(k) => (
            ms(k.at),
            6,
            format!(
                "{}\u{0}{}",
                k.conversation,
                serde_json::to_string(k).unwrap_or_default()
            ),
        ),
        Event::Rating(r) => (
            ms(r.at),
            7,
            format!(
                "{}\u{0}{}",
                r.conversation,
                serde_json::to_string(r).unwrap_or_default()
            ),
        ),
        Event::Order(o) => (ms(o.at), 8, o.id.clone()),
    }
}

fn write_line(out: &mut dyn Write, e: &Event) -> Result<()> {
    let line = serde_json::to_string(e).expect("events serialize");
    writeln!(out, "{line}")?;
    Ok(())
}
