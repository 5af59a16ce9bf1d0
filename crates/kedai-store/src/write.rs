//! Writing facts: upserts keyed by (shop, platform id), so a repeated or reordered batch
//! changes nothing; every conversation whose facts changed has its clock recomputed in
//! the same transaction, and the change feed records it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use kedai_core::clock::{self, ShopContext};
use kedai_core::history::{ConversationFacts, HistoryBuilder, LineError, ShopHistory};
use kedai_core::model::*;
use kedai_core::{History, ShopSettings, Ts};
use rusqlite::{params, CachedStatement, OptionalExtension, Transaction};

use crate::derive::{ClockWriter, Recomputed};
use crate::rows::{ms, name, FOREVER};
use crate::{bulk, derive, read, Result, Store, StoreError};

/// What a write changed.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Conversations with a changed fact, by cid.
    pub conversations: BTreeSet<i64>,
    /// Conversations created by this write: derived as they were written, from the batch.
    pub created: BTreeSet<i64>,
    /// The created conversations, by shop.
    pub derived: Recomputed,
    /// No conversation was stored before this write: every one is in `created`.
    pub only_created: bool,
    /// Shops whose shop-wide facts (declaration, timeline, settings) changed.
    pub whole_shops: BTreeSet<String>,
    pub buyers: BTreeSet<(String, String)>,
    pub orders: BTreeSet<String>,
}

/// The result of applying a batch.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Conversations whose clock was recomputed.
    pub conversations: usize,
    /// Lines skipped in lenient mode.
    pub warnings: Vec<LineError>,
}

impl Store {
    /// Applies events in one transaction: all or nothing. Events may refer to shops already
    /// in the store.
    pub fn apply(&mut self, events: impl IntoIterator<Item = Event>) -> Result<Applied> {
        let numbered = events.into_iter().enumerate().map(|(i, e)| (i + 1, e));
        self.apply_numbered(numbered, false)
    }

    /// As [`Store::apply`], with line numbers for error messages; lenient mode skips the
    /// events that do not fit instead of failing.
    pub fn apply_numbered(
        &mut self,
        events: impl IntoIterator<Item = (usize, Event)>,
        lenient: bool,
    ) -> Result<Applied> {
        self.apply_with(events, lenient, |_| Ok(()))
    }

    /// As [`Store::apply_numbered`], with `also` run in the same transaction after the
    /// events are written (sync cursors, the outbox): all of it commits or none.
    pub(crate) fn apply_with(
        &mut self,
        events: impl IntoIterator<Item = (usize, Event)>,
        lenient: bool,
        also: impl FnOnce(&Transaction<'_>) -> Result<()>,
    ) -> Result<Applied> {
        self.apply_phased(events, lenient, also, &mut bulk::Phases::new())
    }

    /// As [`Store::apply_with`], timing its phases.
    pub(crate) fn apply_phased(
        &mut self,
        events: impl IntoIterator<Item = (usize, Event)>,
        lenient: bool,
        also: impl FnOnce(&Transaction<'_>) -> Result<()>,
        phases: &mut bulk::Phases,
    ) -> Result<Applied> {
        let mut builder = HistoryBuilder::new().lenient(lenient);
        for (shop, _) in self.shops()? {
            builder.known_shop(shop);
        }
        let events: Vec<(usize, Event)> = events.into_iter().collect();
        // A mark or rating may come in a later write than its conversation's messages.
        let mut referred = BTreeSet::new();
        for (_, e) in &events {
            if let Event::Mark(Mark {
                shop, conversation, ..
            })
            | Event::Rating(Rating {
                shop, conversation, ..
            }) = e
            {
                referred.insert((shop.as_str(), conversation.as_str()));
            }
        }
        for (shop, conversation) in referred {
            let buyer: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
                )?
                .query_row(params![shop, conversation], |r| r.get(0))
                .optional()?;
            if let Some(buyer) = buyer {
                builder.known_conversation(shop, conversation, &buyer);
            }
        }
        builder.reserve(events.len());
        for (line, e) in events {
            builder.add(line, e);
        }
        let (mut history, warnings) = builder.build().map_err(StoreError::Log)?;
        phases.mark("history");
        let tx = self.conn.transaction()?;
        let only_created = !tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM conversations)")?
            .query_row([], |r| r.get::<_, bool>(0))?;
        // A large load into an empty store builds its secondary indexes once at the end.
        let deferred = bulk::defer_indexes(&tx, only_created, &history)?;
        let cache = deferred.as_ref().map(bulk::Deferred::cache_size);
        phases.mark("begin");
        let written = write_batch(tx, &mut history, only_created, deferred, also, phases);
        if let Some(cache) = cache {
            // Committed or rolled back: the bulk load's page cache goes back to its size.
            self.conn.pragma_update(None, "cache_size", cache)?;
        }
        let (touched, recomputed) = written?;
        self.after_write(&touched, &recomputed)?;
        phases.mark("after write");
        drop(history);
        phases.mark("free");
        let conversations = recomputed.values().map(Vec::len).sum();
        Ok(Applied {
            conversations,
            warnings,
        })
    }

    /// Changes one setting of a shop (`key=value` as [`ShopSettings::set`] takes it) and
    /// recomputes the shop's clocks.
    pub fn set_setting(&mut self, shop: &str, key: &str, value: &str) -> Result<()> {
        let (_, mut settings) = self.shop(shop)?;
        settings.set(key, value).map_err(StoreError::Invalid)?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE shops SET settings = ?2 WHERE id = ?1",
            params![
                shop,
                serde_json::to_string(&settings).expect("settings serialize")
            ],
        )?;
        let touched = Touched {
            whole_shops: BTreeSet::from([shop.to_owned()]),
            ..Default::default()
        };
        let recomputed = derive::recompute(&tx, &touched)?;
        record_changes(&tx, &touched, &recomputed)?;
        tx.commit()?;
        self.after_write(&touched, &recomputed)?;
        Ok(())
    }

    /// Records that an agent opened the conversation in the app at `at`.
    pub fn mark_read(&mut self, shop: &str, conversation: &str, at: kedai_core::Ts) -> Result<()> {
        let tx = self.conn.transaction()?;
        let cid: i64 = tx
            .query_row(
                "SELECT cid FROM conversations WHERE shop = ?1 AND conversation = ?2",
                params![shop, conversation],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("no conversation `{conversation}` in shop `{shop}`"))
            })?;
        tx.execute(
            "UPDATE conversations SET read_at = max(coalesce(read_at, ?2), ?2),
                 unread = (last_buyer_at IS NOT NULL
                           AND last_buyer_at > max(?2, coalesce(last_agent_at, ?2)))
             WHERE cid = ?1",
            params![cid, ms(at)],
        )?;
        tx.execute(
            "INSERT INTO changes (shop, cid, what) VALUES (?1, ?2, 'read')",
            params![shop, cid],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Writes a batch's history and everything derived from it, and commits.
fn write_batch(
    tx: Transaction<'_>,
    history: &mut History,
    only_created: bool,
    deferred: Option<bulk::Deferred>,
    also: impl FnOnce(&Transaction<'_>) -> Result<()>,
    phases: &mut bulk::Phases,
) -> Result<(Touched, Recomputed)> {
    let touched = write_history(&tx, history, only_created, phases)?;
    phases.mark("write rows");
    let recomputed = derive::recompute(&tx, &touched)?;
    phases.mark("recompute");
    record_changes(&tx, &touched, &recomputed)?;
    phases.mark("changes");
    if let Some(deferred) = deferred {
        deferred.restore(&tx)?;
        phases.mark("indexes");
    }
    also(&tx)?;
    tx.commit()?;
    phases.mark("commit");
    Ok((touched, recomputed))
}

fn write_history(
    tx: &Transaction<'_>,
    history: &mut History,
    only_created: bool,
    phases: &mut bulk::Phases,
) -> Result<Touched> {
    let mut touched = Touched {
        only_created,
        ..Default::default()
    };
    for (shop_id, shop) in history.shops.iter_mut() {
        let ShopHistory {
            shop: declared,
            timeline,
            conversations,
            buyers,
            orders,
        } = shop;
        write_shop(tx, declared, &mut touched)?;
        write_timeline(tx, shop_id, timeline, &mut touched)?;
        // Whether a new conversation's buyer may have states stored before this write.
        let stored_states = tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM buyer_states WHERE shop = ?1)")?
            .query_row([shop_id], |r| r.get::<_, bool>(0))?;
        for (buyer, states) in buyers.iter() {
            ensure_buyer(tx, shop_id, buyer)?;
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO buyer_states (shop, buyer, at, blocked, account_state)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for s in states {
                let blocked = s.blocked.map_or(-1, i64::from);
                let account = s.account_state.map(|a| name(&a)).unwrap_or_default();
                if insert.execute(params![shop_id, buyer, ms(s.at), blocked, account])? > 0 {
                    touched.buyers.insert((shop_id.clone(), buyer.clone()));
                }
            }
        }
        if !conversations.is_empty() {
            // Shop declaration and timeline are written: new conversations are derived with
            // the context that a recompute after the write would read.
            let (shop_row, settings) = read::shop(tx, shop_id)?;
            let shop_timeline = read::timeline(tx, shop_id)?;
            let ctx = ShopContext {
                shop: &shop_row,
                settings: &settings,
                timeline: &shop_timeline,
            };
            let mut w = ConversationWriter {
                tx,
                shop: shop_id,
                ctx,
                clocks: ClockWriter::new(tx, shop_id, &settings)?,
                // Into an empty store every message is new (the batch holds each id once).
                message: tx.prepare_cached(if only_created {
                    MESSAGE_INSERT
                } else {
                    MESSAGE_UPSERT
                })?,
                kinds: Vec::new(),
                buyer_states: HashMap::new(),
                stored_states,
                batch_buyers: buyers,
                created: Vec::new(),
                latest: None,
                ensured: HashSet::new(),
                timing: phases.on(),
                derive_time: Default::default(),
            };
            for conv in conversations.values_mut() {
                w.write(conv, &mut touched)?;
            }
            phases.add("(of which clocks)", w.derive_time);
            if !w.created.is_empty() {
                derive::raise_latest(tx, shop_id, w.latest)?;
                touched.derived.insert(shop_id.clone(), w.created);
            }
        }
        let mut upsert = tx.prepare_cached(
            "INSERT INTO orders (shop, id, buyer, at, amount, currency, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (shop, id) DO UPDATE SET buyer = excluded.buyer, at = excluded.at,
                 amount = excluded.amount, currency = excluded.currency, status = excluded.status
             WHERE buyer IS NOT excluded.buyer OR at IS NOT excluded.at
                 OR amount IS NOT excluded.amount OR currency IS NOT excluded.currency
                 OR status IS NOT excluded.status",
        )?;
        for o in orders.iter() {
            let n = upsert.execute(params![
                shop_id,
                o.id,
                o.buyer,
                ms(o.at),
                o.amount,
                o.currency,
                o.status
            ])?;
            if n > 0 {
                touched.orders.insert(shop_id.clone());
            }
        }
    }
    Ok(touched)
}

fn write_shop(tx: &Transaction<'_>, shop: &Shop, touched: &mut Touched) -> Result<()> {
    let n = tx.execute(
        "INSERT INTO shops (id, platform, region, tz, name, mall, settings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET platform = excluded.platform, region = excluded.region,
             tz = excluded.tz, name = excluded.name, mall = excluded.mall
         WHERE platform IS NOT excluded.platform OR region IS NOT excluded.region
             OR tz IS NOT excluded.tz OR name IS NOT excluded.name OR mall IS NOT excluded.mall",
        params![
            shop.shop,
            shop.platform.as_str(),
            shop.region.as_str(),
            shop.tz.name(),
            shop.name,
            shop.mall,
            serde_json::to_string(&ShopSettings::default()).expect("settings serialize"),
        ],
    )?;
    if n > 0 {
        touched.whole_shops.insert(shop.shop.clone());
    }
    Ok(())
}

fn write_timeline(
    tx: &Transaction<'_>,
    shop: &str,
    timeline: &kedai_core::history::ShopTimeline,
    touched: &mut Touched,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO timeline (shop, kind, at, until, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut n = 0;
    for (kind, spans) in [
        ("holiday_mode", &timeline.holiday_mode),
        ("weekend_coverage", &timeline.weekend_coverage),
    ] {
        for s in spans {
            n += insert.execute(params![
                shop,
                kind,
                ms(s.from),
                s.to.map_or(FOREVER, ms),
                ""
            ])?;
        }
    }
    for h in &timeline.operating_hours {
        let data = serde_json::to_string(&h.hours).expect("hours serialize");
        n += insert.execute(params![shop, "operating_hours", ms(h.at), FOREVER, data])?;
    }
    for (date, name) in &timeline.extra_holidays {
        let at = date.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
        n += insert.execute(params![
            shop,
            "public_holiday",
            ms(at),
            FOREVER,
            name.clone().unwrap_or_default()
        ])?;
    }
    if n > 0 {
        touched.whole_shops.insert(shop.to_owned());
    }
    Ok(())
}

fn ensure_buyer(tx: &Transaction<'_>, shop: &str, buyer: &str) -> Result<()> {
    tx.prepare_cached("INSERT OR IGNORE INTO buyers (shop, buyer) VALUES (?1, ?2)")?
        .execute(params![shop, buyer])?;
    Ok(())
}

const MESSAGE_INSERT: &str = "INSERT INTO messages (shop, id, cid, at, sender, kind, text, agent,
         faq_chat_with_agent, platform_handled)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

const MESSAGE_UPSERT: &str = "INSERT INTO messages (shop, id, cid, at, sender, kind, text, agent,
         faq_chat_with_agent, platform_handled)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
     ON CONFLICT (shop, id) DO UPDATE SET at = excluded.at, sender = excluded.sender,
         kind = excluded.kind, text = excluded.text, agent = excluded.agent,
         faq_chat_with_agent = excluded.faq_chat_with_agent,
         platform_handled = excluded.platform_handled
     WHERE cid = excluded.cid AND (at IS NOT excluded.at OR sender IS NOT excluded.sender
         OR kind IS NOT excluded.kind OR text IS NOT excluded.text OR agent IS NOT excluded.agent
         OR faq_chat_with_agent IS NOT excluded.faq_chat_with_agent
         OR platform_handled IS NOT excluded.platform_handled)";

/// Writes one shop's conversations of a batch, with the statements prepared once.
struct ConversationWriter<'t, 'b> {
    tx: &'t Transaction<'t>,
    shop: &'t str,
    ctx: ShopContext<'t>,
    clocks: ClockWriter<'t>,
    message: CachedStatement<'t>,
    /// Serde names of message kinds, computed once each.
    kinds: Vec<(Kind, String)>,
    /// Stored states of buyers, read once each.
    buyer_states: HashMap<String, Vec<BuyerFact>>,
    /// The shop had buyer states before this write.
    stored_states: bool,
    /// Buyer states in this batch.
    batch_buyers: &'b BTreeMap<String, Vec<BuyerFact>>,
    /// Conversations created (and derived), in cid order, and their latest fact.
    created: Vec<i64>,
    latest: Option<Ts>,
    /// Buyers known to have their row (a buyer often has several conversations).
    ensured: HashSet<String>,
    /// Time deriving clocks, measured when phases are timed.
    timing: bool,
    derive_time: std::time::Duration,
}

impl ConversationWriter<'_, '_> {
    fn write(&mut self, conv: &mut ConversationFacts, touched: &mut Touched) -> Result<()> {
        let tx = self.tx;
        let shop = self.shop;
        let existing: Option<(i64, String)> = if touched.only_created {
            None
        } else {
            tx.prepare_cached(
                "SELECT cid, buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
            )?
            .query_row(params![shop, conv.conversation], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
        };
        let cid = match existing {
            Some((cid, buyer)) if buyer == conv.buyer => cid,
            Some((_, buyer)) => {
                return Err(StoreError::Invalid(format!(
                    "conversation `{}` of shop `{shop}` is with buyer `{buyer}`, not `{}`",
                    conv.conversation, conv.buyer
                )))
            }
            None => {
                if !self.ensured.contains(&conv.buyer) {
                    ensure_buyer(tx, shop, &conv.buyer)?;
                    self.ensured.insert(conv.buyer.clone());
                }
                // Every fact of a new conversation is in the batch; its buyer's states are
                // the stored ones (this batch's included, written above).
                if self.stored_states || self.batch_buyers.contains_key(&conv.buyer) {
                    if !self.buyer_states.contains_key(&conv.buyer) {
                        let states = read::buyer_states(tx, shop, &conv.buyer)?;
                        self.buyer_states.insert(conv.buyer.clone(), states);
                    }
                    conv.buyer_states = self.buyer_states[&conv.buyer].clone();
                } else {
                    conv.buyer_states.clear();
                }
                let started = self.timing.then(std::time::Instant::now);
                conv.sort();
                let clock = clock::derive(self.ctx, conv);
                let latest = derive::latest_fact(conv);
                if let Some(started) = started {
                    self.derive_time += started.elapsed();
                }
                let cid = self
                    .clocks
                    .create(&conv.conversation, &conv.buyer, &clock, latest)?;
                self.latest = self.latest.max(latest);
                self.created.push(cid);
                touched.created.insert(cid);
                touched.conversations.insert(cid);
                cid
            }
        };
        let mut changed = 0;
        for m in &conv.messages {
            let kind = match self.kinds.iter().find(|(k, _)| *k == m.kind) {
                Some((_, n)) => n,
                None => {
                    self.kinds.push((m.kind, name(&m.kind)));
                    &self.kinds.last().expect("just pushed").1
                }
            };
            let n = self.message.execute(params![
                shop,
                m.id,
                cid,
                ms(m.at),
                m.from.as_str(),
                kind,
                m.text,
                m.agent,
                m.faq_chat_with_agent,
                m.platform_handled
            ])?;
            if n == 0 {
                check_same_conversation(tx, shop, &m.id, cid, &conv.conversation)?;
            }
            changed += n;
        }
        if !conv.marks.is_empty() {
            let mut mark = tx.prepare_cached(
                "INSERT OR IGNORE INTO marks (cid, at, action, agent) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for k in &conv.marks {
                if k.action.is_record() {
                    changed += record_action(tx, cid, k)?;
                    continue;
                }
                changed += mark.execute(params![
                    cid,
                    ms(k.at),
                    name(&k.action),
                    k.agent.clone().unwrap_or_default()
                ])?;
            }
        }
        if !conv.ratings.is_empty() {
            let mut rating = tx.prepare_cached(
                "INSERT OR IGNORE INTO ratings (cid, at, score) VALUES (?1, ?2, ?3)",
            )?;
            for r in &conv.ratings {
                changed += rating.execute(params![cid, ms(r.at), name(&r.score)])?;
            }
        }
        if changed > 0 {
            touched.conversations.insert(cid);
        }
        Ok(())
    }
}

/// A platform never moves a message between conversations; a batch that does is refused
/// rather than leaving the first conversation's clock stale.
fn check_same_conversation(
    tx: &Transaction<'_>,
    shop: &str,
    id: &str,
    cid: i64,
    conversation: &str,
) -> Result<()> {
    let (owner, name): (i64, String) = tx.query_row(
        "SELECT m.cid, c.conversation FROM messages m JOIN conversations c USING (cid)
         WHERE m.shop = ?1 AND m.id = ?2",
        params![shop, id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if owner != cid {
        return Err(StoreError::Invalid(format!(
            "message `{id}` of shop `{shop}` belongs to conversation `{name}`, not `{conversation}`"
        )));
    }
    Ok(())
}

fn record_changes(tx: &Transaction<'_>, touched: &Touched, recomputed: &Recomputed) -> Result<()> {
    // Every changed conversation was recomputed, so its shop is known without a lookup.
    let shops: HashMap<i64, &str> = recomputed
        .iter()
        .flat_map(|(shop, cids)| cids.iter().map(move |cid| (*cid, shop.as_str())))
        .collect();
    let mut lookup = tx.prepare_cached(
        "INSERT INTO changes (shop, cid, what)
         SELECT shop, cid, 'conversation' FROM conversations WHERE cid = ?1",
    )?;
    let mut insert =
        tx.prepare_cached("INSERT INTO changes (shop, cid, what) VALUES (?1, ?2, 'conversation')")?;
    for cid in &touched.conversations {
        match shops.get(cid) {
            Some(shop) => insert.execute(params![shop, cid])?,
            None => lookup.execute([cid])?,
        };
    }
    let mut insert = tx.prepare_cached("INSERT INTO changes (shop, what) VALUES (?1, ?2)")?;
    for shop in &touched.whole_shops {
        insert.execute(params![shop, "shop"])?;
    }
    for shop in &touched.orders {
        insert.execute(params![shop, "orders"])?;
    }
    Ok(())
}

/// A transfer or an abuse report goes to the conversation's record (`chat_actions`), once:
/// the same action at the same instant by the same agent is the same record. A report's
/// evidence is filled in after the write ([`Store::fill_report_evidence`]).
fn record_action(tx: &Transaction<'_>, cid: i64, k: &Mark) -> Result<usize> {
    Ok(tx
        .prepare_cached(
            "INSERT INTO chat_actions (cid, at, action, agent, to_agent, reason, note)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
             WHERE NOT EXISTS (SELECT 1 FROM chat_actions WHERE cid = ?1 AND at = ?2
                               AND action = ?3 AND coalesce(agent, '') = coalesce(?4, ''))",
        )?
        .execute(params![
            cid,
            ms(k.at),
            k.action.as_str(),
            k.agent,
            k.to_agent,
            k.reason,
            k.note
        ])?)
}
