//! What the desktop's Settings page writes: the shop facts of `event-log.md` (operating
//! hours, holiday mode, weekend coverage), the shop's region and zone, and a backup of the
//! file. Every shop fact is written to the timeline, the same rows an imported event log
//! fills, so the engine recomputes the shop's deadlines in the same transaction, the change
//! feed tells the app, and `kedai export` writes the fact back out. A refused edit writes
//! nothing.
//!
//! The offline metrics review's reads are in [`review`].

pub mod review;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono_tz::Tz;
use kedai_core::model::{Region, WeeklyHours};
use kedai_core::Ts;
use rusqlite::{params, Transaction};

use crate::derive;
use crate::rows::{ms, FOREVER};
use crate::write::Touched;
use crate::{Result, Store, StoreError};

/// A shop-fact span that a seller switches on and off (`event-log.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpanKind {
    /// §2: buyer messages received while it is on are left out on every platform.
    HolidayMode,
    /// §4: TikTok Shop weekend inquiries are due Monday 12:00 local while it is on.
    WeekendCoverage,
}

impl SpanKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::HolidayMode => "holiday_mode",
            SpanKind::WeekendCoverage => "weekend_coverage",
        }
    }

    pub fn parse(s: &str) -> Option<SpanKind> {
        [SpanKind::HolidayMode, SpanKind::WeekendCoverage]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One of a shop's edits of an intent word list (Settings > word lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordEdit {
    pub intent: String,
    pub lang: String,
    pub weight: u32,
    pub phrase: String,
    pub removed: bool,
}

fn invalid(m: impl Into<String>) -> StoreError {
    StoreError::Invalid(m.into())
}

/// Checks a week of opening hours as the Settings page sends it (`{"mon": [["09:00",
/// "18:00"]]}`, a day absent = closed): each span ends after it starts, spans of a day do
/// not overlap, and at least one day is open (a shop closed all week would leave every US
/// TikTok Shop message out, §2; holiday mode is the switch for that).
pub fn parse_hours(map: &BTreeMap<String, Vec<[String; 2]>>) -> Result<WeeklyHours> {
    let hours = WeeklyHours::parse(map).map_err(invalid)?;
    let mut open = false;
    for day in [
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
        chrono::Weekday::Sat,
        chrono::Weekday::Sun,
    ] {
        let spans = hours.intervals(day);
        open |= !spans.is_empty();
        if let Some(w) = spans.windows(2).find(|w| w[1].0 < w[0].1) {
            let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
            return Err(invalid(format!(
                "hours for {}: {}-{} overlaps {}-{}",
                day.to_string().to_lowercase(),
                hm(w[0].0),
                hm(w[0].1),
                hm(w[1].0),
                hm(w[1].1)
            )));
        }
    }
    if !open {
        return Err(invalid(
            "hours: no day is open; give at least one opening span (holiday mode is the switch for a closed shop)",
        ));
    }
    Ok(hours)
}

/// Parses an IANA zone name, saying plainly when it is not one.
pub fn parse_zone(tz: &str) -> Result<Tz> {
    tz.trim().parse::<Tz>().map_err(|_| {
        invalid(format!(
            "`{tz}` is not an IANA time zone (such as Asia/Kuala_Lumpur or America/Los_Angeles)"
        ))
    })
}

impl Store {
    /// Switches holiday mode or weekend coverage on or off from `at`. On opens a span
    /// `[at, …)`; off closes the open span at `at`. Returns whether anything changed
    /// (switching on what is on changes nothing).
    pub fn set_span(&mut self, shop: &str, kind: SpanKind, on: bool, at: Ts) -> Result<bool> {
        self.shop(shop)?;
        let timeline = self.timeline(shop)?;
        let spans = match kind {
            SpanKind::HolidayMode => &timeline.holiday_mode,
            SpanKind::WeekendCoverage => &timeline.weekend_coverage,
        };
        let open = spans.iter().find(|s| s.to.is_none() && s.from <= at);
        let in_force = spans.iter().any(|s| s.contains(at));
        let kind = kind.as_str();
        match (on, open) {
            (true, _) if in_force => Ok(false),
            (true, _) => {
                self.rewrite_timeline(shop, |tx| {
                    tx.execute(
                        "INSERT OR IGNORE INTO timeline (shop, kind, at, until, data)
                         VALUES (?1, ?2, ?3, ?4, '')",
                        params![shop, kind, ms(at), FOREVER],
                    )?;
                    Ok(())
                })?;
                Ok(true)
            }
            (false, Some(open)) => {
                let from = ms(open.from);
                self.rewrite_timeline(shop, |tx| {
                    // The open span's row is replaced by the closed one.
                    tx.execute(
                        "DELETE FROM timeline WHERE shop = ?1 AND kind = ?2 AND at = ?3 AND until = ?4",
                        params![shop, kind, from, FOREVER],
                    )?;
                    if from < ms(at) {
                        tx.execute(
                            "INSERT OR IGNORE INTO timeline (shop, kind, at, until, data)
                             VALUES (?1, ?2, ?3, ?4, '')",
                            params![shop, kind, from, ms(at)],
                        )?;
                    }
                    Ok(())
                })?;
                Ok(true)
            }
            (false, None) => Ok(false),
        }
    }

    /// Declares the shop's operating hours from `at` on (an `operating_hours` fact).
    pub fn set_operating_hours(
        &mut self,
        shop: &str,
        hours: &BTreeMap<String, Vec<[String; 2]>>,
        at: Ts,
    ) -> Result<()> {
        self.shop(shop)?;
        let hours = parse_hours(hours)?;
        let data = serde_json::to_string(&hours).expect("hours serialize");
        self.rewrite_timeline(shop, |tx| {
            // One declaration per instant: a second edit at the same instant replaces it.
            tx.execute(
                "DELETE FROM timeline WHERE shop = ?1 AND kind = 'operating_hours' AND at = ?2",
                params![shop, ms(at)],
            )?;
            tx.execute(
                "INSERT INTO timeline (shop, kind, at, until, data)
                 VALUES (?1, 'operating_hours', ?2, ?3, ?4)",
                params![shop, ms(at), FOREVER, data],
            )?;
            Ok(())
        })
    }

    /// Changes the shop's region, zone and display name (its `shop` declaration) and
    /// recomputes its clock: every local rule reads the zone, and the policies the region.
    pub fn set_shop_profile(
        &mut self,
        shop: &str,
        region: &str,
        tz: &str,
        name: Option<&str>,
    ) -> Result<()> {
        self.shop(shop)?;
        let region: Region = region.trim().parse().map_err(invalid)?;
        let tz = parse_zone(tz)?;
        let name = name.map(str::trim).filter(|n| !n.is_empty());
        self.rewrite_timeline(shop, |tx| {
            tx.execute(
                "UPDATE shops SET region = ?2, tz = ?3, name = ?4 WHERE id = ?1",
                params![shop, region.as_str(), tz.name(), name],
            )?;
            Ok(())
        })
    }

    /// A consistent copy of the whole file at `path` (SQLite's `VACUUM INTO`), taken while
    /// the app keeps writing. Refuses to overwrite a file.
    pub fn backup_to(&self, path: &Path) -> Result<()> {
        if path.as_os_str().is_empty() {
            return Err(invalid("backup: choose a file to write"));
        }
        if path.exists() {
            return Err(invalid(format!(
                "backup: {} already exists; choose a new file",
                path.display()
            )));
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.is_dir() {
                return Err(invalid(format!(
                    "backup: the folder {} does not exist",
                    dir.display()
                )));
            }
        }
        self.conn
            .execute("VACUUM INTO ?1", [path.to_string_lossy().as_ref()])?;
        Ok(())
    }

    /// The shop's edits of the intent word lists, by list and phrase; a removal takes a
    /// shipped phrase out.
    pub fn tag_word_edits(&self, shop: &str) -> Result<Vec<WordEdit>> {
        let mut q = self.conn.prepare_cached(
            "SELECT tag, lang, weight, phrase, removed FROM chat_tag_words
             WHERE shop = ?1 ORDER BY tag, phrase",
        )?;
        let rows = q.query_map([shop], |r| {
            Ok(WordEdit {
                intent: r.get(0)?,
                lang: r.get(1)?,
                weight: r.get(2)?,
                phrase: r.get(3)?,
                removed: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Where the file is (empty for an in-memory store).
    pub fn file_path(&self) -> Option<String> {
        self.conn
            .path()
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
    }

    /// Runs `edit` and recomputes every conversation of the shop in one transaction, then
    /// records the change for the app and refreshes the metrics cache.
    fn rewrite_timeline(
        &mut self,
        shop: &str,
        edit: impl FnOnce(&Transaction<'_>) -> Result<()>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        edit(&tx)?;
        let touched = Touched {
            whole_shops: BTreeSet::from([shop.to_owned()]),
            ..Default::default()
        };
        let recomputed = derive::recompute(&tx, &touched)?;
        record(&tx, shop)?;
        tx.commit()?;
        self.after_write(&touched, &recomputed)
    }
}

/// One shop-wide change, as a write of shop facts records it (`write.rs`): readers drop
/// the shop's cached window and the app refetches. Not one per recomputed conversation: the
/// app takes those as new chats (auto-assignment, classification).
fn record(tx: &Transaction<'_>, shop: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO changes (shop, what) VALUES (?1, 'shop')",
        params![shop],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
