//! Keeping the derived clock current: after a write, every touched conversation is run
//! through the engine again and its items, sessions and inbox columns are replaced.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use kedai_core::clock::{self, ConversationClock, ShopContext};
use kedai_core::history::ConversationFacts;
use kedai_core::model::{BuyerFact, Sender};
use kedai_core::{History, ShopSettings, Ts};
use rusqlite::{params, Connection};

use crate::read;
use crate::rows::{encode_instants, ms, ms_opt, name, PolicyCol, FOREVER};
use crate::write::Touched;
use crate::Result;

/// Recomputes every conversation the write touched; returns how many.
/// Recomputed conversations, by shop.
pub(crate) type Recomputed = BTreeMap<String, Vec<i64>>;

pub(crate) fn recompute(
    conn: &Connection,
    touched: &Touched,
    batch: &History,
) -> Result<Recomputed> {
    let mut cids: BTreeSet<i64> = touched.conversations.clone();
    for shop in &touched.whole_shops {
        let mut q = conn.prepare_cached("SELECT cid FROM conversations WHERE shop = ?1")?;
        let rows = q.query_map([shop], |r| r.get::<_, i64>(0))?;
        for cid in rows {
            cids.insert(cid?);
        }
    }
    for (shop, buyer) in &touched.buyers {
        let mut q =
            conn.prepare_cached("SELECT cid FROM conversations WHERE shop = ?1 AND buyer = ?2")?;
        let rows = q.query_map(params![shop, buyer], |r| r.get::<_, i64>(0))?;
        for cid in rows {
            cids.insert(cid?);
        }
    }
    // Group by shop, so each shop's context is read once.
    let mut by_shop: BTreeMap<String, Vec<(i64, String, String)>> = BTreeMap::new();
    {
        let mut q = conn
            .prepare_cached("SELECT shop, conversation, buyer FROM conversations WHERE cid = ?1")?;
        for &cid in &cids {
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
        let mut buyer_states: HashMap<String, Vec<BuyerFact>> = HashMap::new();
        let mut shop_latest: Option<Ts> = None;
        for (cid, conv, buyer) in convs {
            let from_batch = touched
                .created
                .contains(cid)
                .then(|| {
                    batch
                        .shops
                        .get(shop_id)
                        .and_then(|s| s.conversations.get(conv))
                })
                .flatten();
            let mut facts = match from_batch {
                // Created by this write: every fact is in the batch, no need to read back.
                Some(f) => ConversationFacts {
                    conversation: f.conversation.clone(),
                    buyer: f.buyer.clone(),
                    messages: f.messages.clone(),
                    marks: f.marks.clone(),
                    ratings: f.ratings.clone(),
                    buyer_states: Vec::new(),
                },
                None => read::conversation_facts(conn, *cid, shop_id, conv, buyer)?,
            };
            if !buyer_states.contains_key(buyer) {
                buyer_states.insert(buyer.clone(), read::buyer_states(conn, shop_id, buyer)?);
            }
            facts.buyer_states = buyer_states[buyer].clone();
            facts.sort();
            let clock = clock::derive(ctx, &facts);
            let latest = latest_fact(&facts);
            write_clock(conn, *cid, shop_id, &settings, &clock, latest)?;
            shop_latest = shop_latest.max(latest);
        }
        conn.prepare_cached(
            "UPDATE shops SET latest_at = max(coalesce(latest_at, ?2), ?2) WHERE id = ?1",
        )?
        .execute(params![shop_id, ms_opt(shop_latest)])?;
    }
    Ok(by_shop
        .into_iter()
        .map(|(shop, convs)| (shop, convs.into_iter().map(|(cid, _, _)| cid).collect()))
        .collect())
}

/// The latest instant among the conversation's facts. From then on (until the conversation
/// closes) its open inquiry and stars no longer change with `now`.
fn latest_fact(facts: &ConversationFacts) -> Option<Ts> {
    let messages = facts.messages.iter().map(|m| m.at);
    let marks = facts.marks.iter().map(|m| m.at);
    let ratings = facts.ratings.iter().map(|r| r.at);
    let states = facts.buyer_states.iter().map(|s| s.at);
    messages.chain(marks).chain(ratings).chain(states).max()
}

fn write_clock(
    conn: &Connection,
    cid: i64,
    shop: &str,
    settings: &ShopSettings,
    clock: &ConversationClock,
    latest: Option<Ts>,
) -> Result<()> {
    conn.prepare_cached("DELETE FROM items WHERE cid = ?1")?
        .execute([cid])?;
    conn.prepare_cached("DELETE FROM sessions WHERE cid = ?1")?
        .execute([cid])?;
    let mut item_insert = conn.prepare_cached(
        "INSERT INTO items (cid, seq, shop, message, opened_at, excluded, excluded_at, counted_at,
             session, first_in_session, policy, deadline, due_soon_at, deadline2, weekend_moved,
             agent_reply_at, auto_reply_at, followup_at, closed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    for i in &clock.items {
        item_insert.execute(params![
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
    }
    let mut session_insert = conn.prepare_cached(
        "INSERT INTO sessions (cid, idx, shop, started_at, seller_initiated, ended_at, ended_by_agent, ratings, agents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for s in &clock.sessions {
        let ratings: Vec<(i64, String)> =
            s.ratings.iter().map(|(t, sc)| (ms(*t), name(sc))).collect();
        let agents: Vec<(&str, i64)> = s.agents.iter().map(|(a, t)| (a.as_str(), ms(*t))).collect();
        session_insert.execute(params![
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
    }
    // The inbox columns describe the conversation once everything stored has happened
    // (the 7-day auto-close aside, which the filters compare with `now` through
    // `closes_at`); the indexed filters compare them with `now`.
    let as_of = latest.unwrap_or(Ts::MIN_UTC);
    let open = clock.open_inquiry(as_of, settings.automation_counts_as_reply);
    let stars: Vec<(i64, bool)> = clock.stars.iter().map(|(t, s)| (ms(*t), *s)).collect();
    conn.prepare_cached(
        "UPDATE conversations SET open_opened_at = ?2, open_deadline = ?3, open_due_soon_at = ?4,
             open_policy = ?5, weekend_moved = ?6, sort_deadline = ?7, closes_at = ?8,
             last_message_at = ?9, last_buyer_at = ?10, last_agent_at = ?11, stars = ?12,
             starred = ?13,
             unread = (?10 IS NOT NULL AND ?10 > max(coalesce(read_at, ?10 - 1), coalesce(?11, ?10 - 1))),
             closed = (?8 IS NULL OR ?8 <= (SELECT until FROM sweep))
         WHERE cid = ?1",
    )?
    .execute(params![
        cid,
        ms_opt(open.map(|i| i.opened_at)),
        ms_opt(open.map(|i| i.deadline)),
        ms_opt(open.and_then(|i| i.due_soon_at)),
        open.map(|i| PolicyCol(i.policy)),
        open.is_some_and(|i| i.weekend_moved),
        open.map_or(FOREVER, |i| ms(i.deadline)),
        ms_opt(clock.closes_at()),
        ms_opt(clock.latest(None)),
        ms_opt(clock.latest(Some(Sender::Buyer))),
        ms_opt(clock.latest(Some(Sender::Agent))),
        serde_json::to_string(&stars).expect("stars serialize"),
        clock.is_starred(as_of),
    ])?;
    Ok(())
}
