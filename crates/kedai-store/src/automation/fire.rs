//! Rules and tags on write: a buyer message a sync brings for the first time is tagged
//! (intent, sentiment) and the shop's rules run on it at its instant; a rule's reply is queued
//! in the sync outbox as the rule's sender (`bot` or `auto`), in the same transaction.
//! `automation_replies` records which rule fired for which message and links the outbox entry.

use std::collections::{BTreeMap, BTreeSet};

use kedai_core::automation::rules::{evaluate, Firing, Rule, RuleInput};
use kedai_core::automation::{
    Intent, IntentContext, IntentTagger, OrderStage, Sentiment, SentimentScorer,
};
use kedai_core::history::{ConversationFacts, ShopTimeline};
use kedai_core::model::*;
use kedai_core::Ts;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::{buyer_name, intent_tagger, invalid, orders_of, rules_with_start, stored_facts};
use crate::rows::{ms, parse_name};
use crate::sync::{insert_outbox, OutboxEntry};
use crate::{read, Result, Store, StoreError};

/// What the rules of one shop need, read once per write.
struct ShopRules {
    shop: Shop,
    timeline: ShopTimeline,
    /// The shop's enabled rules with the instant each was turned on.
    rules: Vec<(Rule, Ts)>,
    tagger: IntentTagger,
}

impl ShopRules {
    fn load(conn: &Connection, shop_id: &str) -> Result<ShopRules> {
        let (shop, _) = read::shop(conn, shop_id)?;
        let rules = rules_with_start(conn)?
            .into_iter()
            .filter(|(r, _)| r.applies_to(shop_id))
            .collect();
        Ok(ShopRules {
            timeline: read::timeline(conn, shop_id)?,
            rules,
            tagger: intent_tagger(conn, shop_id)?,
            shop,
        })
    }

    /// Some rule was on at `at`.
    fn any_on_at(&self, at: Ts) -> bool {
        self.rules.iter().any(|(_, from)| *from <= at)
    }

    /// Runs the rules on message `pos` of the conversation at `now` and queues the reply.
    /// Nothing fires twice for one message, nor while a reply to the conversation is on
    /// its way (never twice in a row, at most once per inquiry).
    fn fire(
        &self,
        tx: &Transaction<'_>,
        conv: &ConversationFacts,
        pos: usize,
        now: Ts,
    ) -> Result<Option<Firing>> {
        let m = &conv.messages[pos];
        let shop = self.shop.shop.as_str();
        let recorded = tx
            .prepare_cached(
                "SELECT 1 FROM automation_replies WHERE shop = ?1 AND for_message = ?2",
            )?
            .query_row(params![shop, m.id], |_| Ok(()))
            .optional()?
            .is_some();
        let on_its_way = tx
            .prepare_cached(
                "SELECT 1 FROM outbox WHERE shop = ?1 AND conversation = ?2
                 AND (state IN ('queued', 'sending') OR (state = 'failed' AND retryable))",
            )?
            .query_row(params![shop, m.conversation], |_| Ok(()))
            .optional()?
            .is_some();
        if recorded || on_its_way {
            return Ok(None);
        }
        let on: Vec<Rule> = self
            .rules
            .iter()
            .filter(|(_, from)| *from <= m.at)
            .map(|(r, _)| r.clone())
            .collect();
        let orders = orders_of(tx, shop, &conv.buyer)?;
        let name = buyer_name(tx, shop, &conv.buyer)?;
        let input = RuleInput {
            shop: &self.shop,
            timeline: &self.timeline,
            earlier: &conv.messages[..pos],
            message: m,
            buyer_name: name.as_deref(),
            order: orders.iter().rev().find(|o| o.at <= now),
            now,
        };
        let Ok(firing) = evaluate(&on, &self.tagger, input) else {
            return Ok(None);
        };
        let text = firing.reply.text.as_deref().unwrap_or_default();
        if text.trim().is_empty() {
            return Ok(None);
        }
        let outbox = insert_outbox(
            tx,
            shop,
            &m.conversation,
            text,
            None,
            firing.reply.from,
            now,
        )?;
        tx.prepare_cached(
            "INSERT INTO automation_replies (shop, conversation, for_message, rule, at, outbox)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            shop,
            m.conversation,
            m.id,
            firing.rule,
            ms(now),
            outbox
        ])?;
        Ok(Some(firing))
    }
}

/// The buyer messages of `messages` the store does not hold yet (each once).
pub(crate) fn new_buyer_messages(
    conn: &Connection,
    shop: &str,
    messages: &[Message],
) -> Result<Vec<Message>> {
    let mut q = conn.prepare_cached("SELECT 1 FROM messages WHERE shop = ?1 AND id = ?2")?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for m in messages.iter().filter(|m| m.from == Sender::Buyer) {
        if seen.insert(m.id.as_str())
            && q.query_row(params![shop, m.id], |_| Ok(()))
                .optional()?
                .is_none()
        {
            out.push(m.clone());
        }
    }
    Ok(out)
}

/// How old a buyer message may be when sync brings it and still get a rule's reply.
pub const RULE_REPLY_WINDOW: chrono::Duration = chrono::Duration::minutes(30);

/// Tags the new buyer messages (written already in `tx`) and runs the shop's rules on
/// them, each at its own instant. A message the seller already answered on the platform
/// (a later agent, auto or bot message) gets no automated reply, nor does one older than
/// [`RULE_REPLY_WINDOW`] at `now` (the app was closed; an agent answers it).
pub(crate) fn on_new_buyer_messages(
    tx: &Transaction<'_>,
    shop: &str,
    new: &[Message],
    now: Option<kedai_core::Ts>,
) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let rules = ShopRules::load(tx, shop)?;
    let scorer = SentimentScorer::default();
    let mut by_conversation: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for m in new {
        tag(tx, &rules.tagger, &scorer, m)?;
        let recent = now.is_none_or(|n| n - m.at <= RULE_REPLY_WINDOW);
        if recent && rules.any_on_at(m.at) {
            by_conversation
                .entry(m.conversation.as_str())
                .or_default()
                .insert(m.id.as_str());
        }
    }
    for (conversation, ids) in by_conversation {
        let conv = stored_facts(tx, shop, conversation)?;
        for (pos, m) in conv.messages.iter().enumerate() {
            if !ids.contains(m.id.as_str()) {
                continue;
            }
            let answered = conv.messages[pos + 1..]
                .iter()
                .any(|x| matches!(x.from, Sender::Agent | Sender::Auto | Sender::Bot));
            if !answered && rules.fire(tx, &conv, pos, m.at)?.is_some() {
                break;
            }
        }
    }
    Ok(())
}

/// Writes a buyer message's intent tag (with the buyer's latest order then) and sentiment.
fn tag(
    tx: &Transaction<'_>,
    tagger: &IntentTagger,
    scorer: &SentimentScorer,
    m: &Message,
) -> Result<()> {
    let status: Option<Option<String>> = tx
        .prepare_cached(
            "SELECT status FROM orders WHERE shop = ?1 AND buyer = ?2 AND at <= ?3
             ORDER BY at DESC LIMIT 1",
        )?
        .query_row(params![m.shop, m.buyer, ms(m.at)], |r| r.get(0))
        .optional()?;
    let order = status.map(|s| OrderStage::from_status(s.as_deref()));
    let text = m.text.as_deref().unwrap_or("");
    let intent = tagger.tag(
        text,
        IntentContext {
            kind: m.kind,
            order,
        },
    );
    tx.prepare_cached(
        "INSERT INTO message_tags (shop, id, intent, sentiment) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (shop, id) DO NOTHING",
    )?
    .execute(params![
        m.shop,
        m.id,
        intent.map(|i| i.as_str()),
        scorer.classify(text).as_str()
    ])?;
    Ok(())
}

impl Store {
    /// Runs the rules on a stored buyer message at `now` and queues the reply in the outbox
    /// (once per message). Returns the firing, if a rule fired.
    pub fn run_rules(
        &mut self,
        shop_id: &str,
        conversation: &str,
        message_id: &str,
        now: Ts,
    ) -> Result<Option<Firing>> {
        let rules = ShopRules::load(&self.conn, shop_id)?;
        let conv = stored_facts(&self.conn, shop_id, conversation)?;
        let pos = conv
            .messages
            .iter()
            .position(|m| m.id == message_id)
            .ok_or_else(|| {
                invalid(format!(
                    "conversation `{conversation}` has no message `{message_id}`"
                ))
            })?;
        let tx = self.conn.transaction()?;
        let fired = rules.fire(&tx, &conv, pos, now)?;
        tx.commit()?;
        Ok(fired)
    }

    /// Rule replies not yet delivered (queued, sending or failed), oldest first.
    pub fn pending_automated_replies(&self) -> Result<Vec<OutboxEntry>> {
        self.outbox_where("sender <> 'agent' AND state <> 'sent'", [])
    }

    /// A buyer message's system tag and sentiment, once tagged.
    pub fn message_tag(&self, shop: &str, id: &str) -> Result<Option<(Option<Intent>, Sentiment)>> {
        let row: Option<(Option<String>, String)> = self
            .conn
            .prepare_cached(
                "SELECT intent, sentiment FROM message_tags WHERE shop = ?1 AND id = ?2",
            )?
            .query_row(params![shop, id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let corrupt = |what: &str| StoreError::Corrupt(format!("message tag `{what}`"));
        row.map(|(intent, sentiment)| {
            let intent = match intent {
                Some(i) => Some(Intent::parse(&i).ok_or_else(|| corrupt(&i))?),
                None => None,
            };
            Ok((
                intent,
                Sentiment::parse(&sentiment).ok_or_else(|| corrupt(&sentiment))?,
            ))
        })
        .transpose()
    }

    /// Tags every buyer message of a shop not yet tagged (those written before tagging on
    /// write, or imported from an event log); returns how many were tagged.
    pub fn tag_messages(&mut self, shop: &str) -> Result<usize> {
        let tagger = intent_tagger(&self.conn, shop)?;
        let scorer = SentimentScorer::default();
        let tx = self.conn.transaction()?;
        let pending: Vec<Message> = {
            let mut q = tx.prepare(
                "SELECT m.id, m.at, m.kind, m.text, c.conversation, c.buyer FROM messages m
                 JOIN conversations c ON c.cid = m.cid
                 LEFT JOIN message_tags t ON t.shop = m.shop AND t.id = m.id
                 WHERE m.shop = ?1 AND m.sender = 'buyer' AND t.id IS NULL",
            )?;
            let mut rows = q.query([shop])?;
            let mut out = Vec::new();
            while let Some(r) = rows.next()? {
                out.push(Message {
                    shop: shop.to_owned(),
                    conversation: r.get(4)?,
                    id: r.get(0)?,
                    at: crate::rows::ts(r.get(1)?),
                    from: Sender::Buyer,
                    buyer: r.get(5)?,
                    kind: parse_name(&r.get::<_, String>(2)?)?,
                    text: r.get(3)?,
                    agent: None,
                    faq_chat_with_agent: None,
                    platform_handled: None,
                });
            }
            out
        };
        for m in &pending {
            tag(&tx, &tagger, &scorer, m)?;
        }
        tx.commit()?;
        Ok(pending.len())
    }
}
