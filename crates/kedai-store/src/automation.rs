//! Issue 5's storage: chatbot rules (and the weekend coverage they record on TikTok Shop),
//! the seller's chat-tag edits, quick replies, guard choices, buyer signals and flags, the
//! rules and tags run on each new synced buyer message (`fire`), and the reads the
//! automation needs.

mod fire;

pub(crate) use fire::{new_buyer_messages, on_new_buyer_messages};

use std::collections::BTreeMap;

use kedai_core::automation::guard::{GuardRule, GuardSettings};
use kedai_core::automation::insights::{
    self, BuyerConversation, BuyerSignal, InsightInput, InsightSettings, Insights, SignalKind,
};
use kedai_core::automation::lexicon::Entry;
use kedai_core::automation::rules::{
    self, clock_effect, evaluate, ClockEffect, NoFire, Rule, RuleInput, TemplateValues,
};
use kedai_core::automation::suggest::{SuggestIndex, Suggestion, Template};
use kedai_core::automation::{Intent, IntentTagger, SentimentScorer};
use kedai_core::clock::{self, ConversationClock, ShopContext};
use kedai_core::history::ConversationFacts;
use kedai_core::model::*;
use kedai_core::Ts;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::rows::{ms, ts, FOREVER};
use crate::{read, Result, Store, StoreError};

/// A seller's edit to a shop's intent word list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagWordEdit {
    Add(Entry),
    Remove { intent: Intent, phrase: String },
}

/// Suggestions for a conversation's open question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggested {
    pub conversation: String,
    /// The buyer's text the suggestions answer (the open inquiry's messages).
    pub question: String,
    pub suggestions: Vec<Suggestion>,
    /// Past agent replies indexed.
    pub past_replies: usize,
}

/// What `kedai rules test` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleTest {
    pub rule: Option<String>,
    pub no_fire: Option<NoFire>,
    pub reply: Option<Message>,
    pub platform: rules::PlatformEffect,
    pub clock: ClockEffect,
}

fn invalid(e: String) -> StoreError {
    StoreError::Invalid(e)
}

impl Store {
    /// Every chatbot rule, by priority.
    pub fn rules(&self) -> Result<Vec<Rule>> {
        Ok(rules_with_start(&self.conn)?
            .into_iter()
            .map(|(r, _)| r)
            .collect())
    }

    /// Adds or replaces rules (by id), checking each and that its shops exist. On TikTok
    /// Shop, a change in whether a weekend rule is on records weekend coverage from `now`
    /// (§4), which moves the deadlines of later weekend inquiries.
    pub fn save_rules(&mut self, new: &[Rule], now: Ts) -> Result<()> {
        let shops: Vec<Shop> = self.shops()?.into_iter().map(|(s, _)| s).collect();
        for r in new {
            r.validate().map_err(invalid)?;
            for s in &r.shops {
                if !shops.iter().any(|x| &x.shop == s) {
                    return Err(invalid(format!("rule `{}`: no shop `{s}`", r.id)));
                }
            }
        }
        let before = rules::weekend_coverage(&self.rules()?, &shops);
        {
            let tx = self.conn.transaction()?;
            for r in new {
                // A rule fires for messages from when it was turned on, not for the history
                // a sync brings in: a rule switched back on starts again from `now`.
                tx.execute(
                    "INSERT INTO automation_rules (id, priority, rule, active_from)
                     VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (id) DO UPDATE SET priority = excluded.priority,
                         rule = excluded.rule,
                         active_from = CASE
                             WHEN json_extract(automation_rules.rule, '$.enabled') = 0
                                  AND json_extract(excluded.rule, '$.enabled') = 1
                             THEN excluded.active_from ELSE automation_rules.active_from END",
                    params![
                        r.id,
                        r.priority,
                        serde_json::to_string(r).expect("rules serialize"),
                        ms(now)
                    ],
                )?;
            }
            tx.commit()?;
        }
        self.sync_coverage(&before, &shops, now)
    }

    pub fn delete_rule(&mut self, id: &str, now: Ts) -> Result<()> {
        let shops: Vec<Shop> = self.shops()?.into_iter().map(|(s, _)| s).collect();
        let before = rules::weekend_coverage(&self.rules()?, &shops);
        let n = self
            .conn
            .execute("DELETE FROM automation_rules WHERE id = ?1", [id])?;
        if n == 0 {
            return Err(invalid(format!("no rule `{id}`")));
        }
        self.sync_coverage(&before, &shops, now)
    }

    fn sync_coverage(
        &mut self,
        before: &BTreeMap<String, bool>,
        shops: &[Shop],
        now: Ts,
    ) -> Result<()> {
        let after = rules::weekend_coverage(&self.rules()?, shops);
        for (shop, &on) in &after {
            if before.get(shop) == Some(&on) {
                continue;
            }
            let timeline = self.timeline(shop)?;
            let open = timeline
                .weekend_coverage
                .iter()
                .find(|s| s.to.is_none() && s.from <= now)
                .cloned();
            let span = match (on, open) {
                (true, None) => Span {
                    shop: shop.clone(),
                    from: now,
                    to: None,
                },
                (false, Some(open)) => {
                    // Close the open span: its row is replaced by the closed one.
                    self.conn.execute(
                        "DELETE FROM timeline WHERE shop = ?1 AND kind = 'weekend_coverage'
                         AND at = ?2 AND until = ?3",
                        params![shop, ms(open.from), FOREVER],
                    )?;
                    Span {
                        to: Some(now),
                        ..open
                    }
                }
                _ => continue,
            };
            self.apply([Event::WeekendCoverage(span)])?;
        }
        Ok(())
    }

    /// The shop's intent tagger: the shipped lists with the shop's edits, its disabled tags.
    pub fn intent_tagger(&self, shop: &str) -> Result<IntentTagger> {
        intent_tagger(&self.conn, shop)
    }

    pub fn edit_tag_words(&mut self, shop: &str, edit: &TagWordEdit) -> Result<()> {
        self.shop(shop)?;
        match edit {
            TagWordEdit::Add(e) => {
                // Checked the way the tagger will read it.
                IntentTagger::default()
                    .add_phrase(e.clone())
                    .map_err(invalid)?;
                self.conn.execute(
                    "INSERT INTO chat_tag_words (shop, tag, lang, weight, phrase, removed)
                     VALUES (?1, ?2, ?3, ?4, ?5, 0)
                     ON CONFLICT (shop, tag, phrase) DO UPDATE SET lang = excluded.lang,
                        weight = excluded.weight, removed = 0",
                    params![shop, e.label, e.lang, e.weight, e.phrase],
                )?;
            }
            TagWordEdit::Remove { intent, phrase } => {
                self.conn.execute(
                    "INSERT INTO chat_tag_words (shop, tag, lang, weight, phrase, removed)
                     VALUES (?1, ?2, '', 0, ?3, 1)
                     ON CONFLICT (shop, tag, phrase) DO UPDATE SET removed = 1",
                    params![shop, intent.as_str(), phrase],
                )?;
            }
        }
        Ok(())
    }

    pub fn set_tag_enabled(&mut self, shop: &str, intent: Intent, enabled: bool) -> Result<()> {
        self.shop(shop)?;
        if enabled {
            self.conn.execute(
                "DELETE FROM chat_tags_disabled WHERE shop = ?1 AND tag = ?2",
                params![shop, intent.as_str()],
            )?;
        } else {
            self.conn.execute(
                "INSERT OR IGNORE INTO chat_tags_disabled (shop, tag) VALUES (?1, ?2)",
                params![shop, intent.as_str()],
            )?;
        }
        Ok(())
    }

    pub fn guard_settings(&self, shop: &str) -> Result<GuardSettings> {
        let mut q = self
            .conn
            .prepare_cached("SELECT rule FROM guard_blocks WHERE shop = ?1")?;
        let mut rows = q.query([shop])?;
        let mut settings = GuardSettings::default();
        while let Some(r) = rows.next()? {
            let rule: String = r.get(0)?;
            settings
                .blocked
                .insert(GuardRule::parse(&rule).map_err(StoreError::Corrupt)?);
        }
        Ok(settings)
    }

    pub fn set_guard_block(&mut self, shop: &str, rule: GuardRule, block: bool) -> Result<()> {
        self.shop(shop)?;
        if block {
            self.conn.execute(
                "INSERT OR IGNORE INTO guard_blocks (shop, rule) VALUES (?1, ?2)",
                params![shop, rule.as_str()],
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM guard_blocks WHERE shop = ?1 AND rule = ?2",
                params![shop, rule.as_str()],
            )?;
        }
        Ok(())
    }

    pub fn save_quick_reply(&mut self, shop: &str, t: &Template) -> Result<()> {
        self.shop(shop)?;
        if t.text.trim().is_empty() {
            return Err(invalid(format!(
                "quick reply `{}`: the text is empty",
                t.id
            )));
        }
        self.conn.execute(
            "INSERT INTO quick_replies (shop, id, title, text) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (shop, id) DO UPDATE SET title = excluded.title, text = excluded.text",
            params![shop, t.id, t.title, t.text],
        )?;
        Ok(())
    }

    pub fn quick_replies(&self, shop: &str) -> Result<Vec<Template>> {
        let mut q = self.conn.prepare_cached(
            "SELECT id, title, text FROM quick_replies WHERE shop = ?1 ORDER BY id",
        )?;
        let rows = q.query_map([shop], |r| {
            Ok(Template {
                id: r.get(0)?,
                title: r.get(1)?,
                text: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn add_buyer_signal(
        &mut self,
        shop: &str,
        buyer: &str,
        signal: &BuyerSignal,
    ) -> Result<()> {
        self.shop(shop)?;
        self.conn.execute(
            "INSERT OR IGNORE INTO buyer_signals (shop, buyer, at, kind) VALUES (?1, ?2, ?3, ?4)",
            params![shop, buyer, ms(signal.at), signal.kind.as_str()],
        )?;
        Ok(())
    }

    pub fn set_buyer_urgent(
        &mut self,
        shop: &str,
        buyer: &str,
        urgent: bool,
        at: Ts,
    ) -> Result<()> {
        self.shop(shop)?;
        self.conn.execute(
            "INSERT INTO buyer_flags (shop, buyer, urgent, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (shop, buyer) DO UPDATE SET urgent = excluded.urgent, at = excluded.at",
            params![shop, buyer, urgent, ms(at)],
        )?;
        Ok(())
    }

    /// The conversation (shop, id) a conversation id alone names, if exactly one shop has it.
    pub fn find_conversation(&self, conversation: &str) -> Result<String> {
        let mut q = self
            .conn
            .prepare_cached("SELECT shop FROM conversations WHERE conversation = ?1")?;
        let shops: Vec<String> = q
            .query_map([conversation], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match &shops[..] {
            [one] => Ok(one.clone()),
            [] => Err(invalid(format!("no conversation `{conversation}`"))),
            _ => Err(invalid(format!(
                "conversation `{conversation}` exists in several shops ({}): name one with --shop",
                shops.join(", ")
            ))),
        }
    }

    /// `kedai rules test`: which rule would fire for a new buyer message in a conversation
    /// (a new one when `conversation` is `None` or unknown) at `at`, and what it does to
    /// the clock. Nothing is written.
    pub fn test_rules(
        &self,
        shop_id: &str,
        conversation: Option<&str>,
        text: &str,
        kind: Kind,
        at: Ts,
    ) -> Result<RuleTest> {
        let (shop, settings) = self.shop(shop_id)?;
        let timeline = self.timeline(shop_id)?;
        let existing = match conversation {
            Some(c) => stored_facts(&self.conn, shop_id, c).ok(),
            None => None,
        };
        let conv_id = conversation.unwrap_or("rules-test").to_owned();
        let buyer = existing
            .as_ref()
            .map_or_else(|| "rules-test-buyer".to_owned(), |f| f.buyer.clone());
        let earlier: Vec<Message> = existing
            .as_ref()
            .map(|f| f.messages.iter().filter(|m| m.at <= at).cloned().collect())
            .unwrap_or_default();
        let message = Message {
            shop: shop_id.to_owned(),
            conversation: conv_id,
            id: "rules-test-message".into(),
            at,
            from: Sender::Buyer,
            buyer: buyer.clone(),
            kind,
            text: (!text.is_empty()).then(|| text.to_owned()),
            agent: None,
            faq_chat_with_agent: None,
            platform_handled: None,
        };
        let orders = orders_of(&self.conn, shop_id, &buyer)?;
        let order = orders.iter().rev().find(|o| o.at <= at);
        let name = buyer_name(&self.conn, shop_id, &buyer)?;
        let tagger = self.intent_tagger(shop_id)?;
        let input = RuleInput {
            shop: &shop,
            timeline: &timeline,
            earlier: &earlier,
            message: &message,
            buyer_name: name.as_deref(),
            order,
            now: at,
        };
        let fired = evaluate(&self.rules()?, &tagger, input);
        let ctx = ShopContext {
            shop: &shop,
            settings: &settings,
            timeline: &timeline,
        };
        let reply = fired.as_ref().ok().map(|f| f.reply.clone());
        let clock = clock_effect(ctx, &earlier, &message, reply.as_ref());
        Ok(RuleTest {
            rule: fired.as_ref().ok().map(|f| f.rule.clone()),
            no_fire: fired.err(),
            reply,
            platform: rules::platform_effect(shop.platform, settings.automation_counts_as_reply),
            clock,
        })
    }

    /// The past agent replies of a shop, each with the buyer text it answered.
    fn past_replies(&self, shop: &str) -> Result<Vec<(String, String, String)>> {
        let mut q = self.conn.prepare_cached(
            "SELECT cid, id, sender, text FROM messages
             WHERE shop = ?1 AND sender IN ('buyer', 'agent') AND text IS NOT NULL
             ORDER BY cid, at, sender <> 'buyer', id",
        )?;
        let mut rows = q.query([shop])?;
        let mut out = Vec::new();
        let mut question = String::new();
        let mut current = None;
        while let Some(r) = rows.next()? {
            let cid: i64 = r.get(0)?;
            if current != Some(cid) {
                current = Some(cid);
                question.clear();
            }
            let sender: String = r.get(2)?;
            let text: String = r.get(3)?;
            if sender == "buyer" {
                if !question.is_empty() {
                    question.push(' ');
                }
                question.push_str(&text);
            } else if !question.is_empty() {
                out.push((std::mem::take(&mut question), text, r.get(1)?));
            }
        }
        Ok(out)
    }

    /// Builds a shop's suggestion index (templates and past agent replies).
    pub fn suggest_index(&self, shop: &str) -> Result<(SuggestIndex, usize)> {
        let past = self.past_replies(shop)?;
        let templates = self.quick_replies(shop)?;
        let index = SuggestIndex::build(
            &templates,
            past.iter()
                .map(|(q, r, id)| (q.as_str(), r.as_str(), id.as_str())),
        );
        Ok((index, past.len()))
    }

    /// The top three replies for the conversation's latest buyer question at `now`,
    /// building the shop's index first (see [`Store::suggest_using`] to keep one).
    pub fn suggest(&self, shop_id: &str, conversation: &str, now: Ts) -> Result<Suggested> {
        let (index, past) = self.suggest_index(shop_id)?;
        self.suggest_using(&index, past, shop_id, conversation, now)
    }

    /// As [`Store::suggest`] with an index the caller keeps (the app builds it once per
    /// shop and rebuilds it as history grows): only the conversation is read.
    pub fn suggest_using(
        &self,
        index: &SuggestIndex,
        past: usize,
        shop_id: &str,
        conversation: &str,
        now: Ts,
    ) -> Result<Suggested> {
        let facts = stored_facts(&self.conn, shop_id, conversation)?;
        suggest_with(self, index, past, &facts, shop_id, now)
    }

    /// Seed 002's insights on the buyer of a conversation at `now`.
    pub fn insights(
        &self,
        shop_id: &str,
        buyer: &str,
        settings: &InsightSettings,
        now: Ts,
    ) -> Result<Insights> {
        let (shop, shop_settings) = self.shop(shop_id)?;
        let known: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM buyers WHERE shop = ?1 AND buyer = ?2)
                     OR EXISTS (SELECT 1 FROM orders WHERE shop = ?1 AND buyer = ?2)",
            )?
            .query_row(params![shop_id, buyer], |r| r.get(0))?;
        if !known {
            return Err(invalid(format!("shop `{shop_id}` has no buyer `{buyer}`")));
        }
        let timeline = self.timeline(shop_id)?;
        let ctx = ShopContext {
            shop: &shop,
            settings: &shop_settings,
            timeline: &timeline,
        };
        let convs: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT conversation FROM conversations WHERE shop = ?1 AND buyer = ?2",
            )?
            .query_map(params![shop_id, buyer], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut facts = Vec::new();
        for c in &convs {
            facts.push(stored_facts(&self.conn, shop_id, c)?);
        }
        let clocks: Vec<ConversationClock> = facts.iter().map(|f| clock::derive(ctx, f)).collect();
        let system_urgent = clocks.iter().any(|c| {
            c.open_inquiry(now, shop_settings.automation_counts_as_reply)
                .is_some_and(|i| i.due_soon_at.is_some_and(|d| d <= now) || i.deadline < now)
        });
        let views: Vec<BuyerConversation> = facts
            .iter()
            .zip(&clocks)
            .map(|(f, c)| BuyerConversation {
                clock: c,
                messages: &f.messages,
                ratings: &f.ratings,
            })
            .collect();
        let mut q = self.conn.prepare_cached(
            "SELECT at, kind FROM buyer_signals WHERE shop = ?1 AND buyer = ?2 ORDER BY at",
        )?;
        let mut signals = Vec::new();
        let mut rows = q.query(params![shop_id, buyer])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(1)?;
            signals.push(BuyerSignal {
                at: ts(r.get(0)?),
                kind: SignalKind::parse(&kind).map_err(StoreError::Corrupt)?,
            });
        }
        let flagged: bool = self
            .conn
            .prepare_cached("SELECT urgent FROM buyer_flags WHERE shop = ?1 AND buyer = ?2")?
            .query_row(params![shop_id, buyer], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        let orders = orders_of(&self.conn, shop_id, buyer)?;
        Ok(insights::compute(
            InsightInput {
                buyer,
                orders: &orders,
                conversations: &views,
                signals: &signals,
                flagged_urgent: flagged,
                system_urgent,
                settings,
                now,
            },
            &self.intent_tagger(shop_id)?,
            &SentimentScorer::default(),
        ))
    }
}

fn suggest_with(
    store: &Store,
    index: &SuggestIndex,
    past: usize,
    facts: &ConversationFacts,
    shop_id: &str,
    now: Ts,
) -> Result<Suggested> {
    // The open question: the buyer's text since the seller's last message.
    let upto: Vec<&Message> = facts.messages.iter().filter(|m| m.at <= now).collect();
    let mut question: Vec<&str> = upto
        .iter()
        .rev()
        .take_while(|m| !matches!(m.from, Sender::Agent | Sender::Auto | Sender::Bot))
        .filter(|m| m.from == Sender::Buyer)
        .filter_map(|m| m.text.as_deref())
        .collect();
    question.reverse();
    let question = question.join(" ");
    let orders = orders_of(&store.conn, shop_id, &facts.buyer)?;
    let timeline = store.timeline(shop_id)?;
    let (shop, _) = store.shop(shop_id)?;
    let values = TemplateValues {
        buyer_name: buyer_name(&store.conn, shop_id, &facts.buyer)?,
        order_id: orders
            .iter()
            .rev()
            .find(|o| o.at <= now)
            .map(|o| o.id.clone()),
        shop_hours: timeline.hours_at(now).map(rules::describe_hours),
        next_opening: rules::next_opening(&shop, &timeline, now),
    };
    Ok(Suggested {
        conversation: facts.conversation.clone(),
        suggestions: if question.is_empty() {
            Vec::new()
        } else {
            index.suggest(&question, &values, 3)
        },
        question,
        past_replies: past,
    })
}

/// Every chatbot rule with the instant it was turned on, by priority.
pub(crate) fn rules_with_start(conn: &Connection) -> Result<Vec<(Rule, Ts)>> {
    let mut q = conn
        .prepare_cached("SELECT rule, active_from FROM automation_rules ORDER BY priority, id")?;
    let mut rows = q.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let json: String = r.get(0)?;
        let rule = serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("automation rule: {e}")))?;
        out.push((rule, ts(r.get(1)?)));
    }
    Ok(out)
}

/// The shop's intent tagger: the shipped lists with the shop's edits, its disabled tags.
pub(crate) fn intent_tagger(conn: &Connection, shop: &str) -> Result<IntentTagger> {
    let mut tagger = IntentTagger::default();
    let mut q = conn.prepare_cached(
        "SELECT tag, lang, weight, phrase, removed FROM chat_tag_words WHERE shop = ?1",
    )?;
    let mut rows = q.query([shop])?;
    while let Some(r) = rows.next()? {
        let (tag, phrase): (String, String) = (r.get(0)?, r.get(3)?);
        if r.get::<_, bool>(4)? {
            let intent = Intent::parse(&tag)
                .ok_or_else(|| StoreError::Corrupt(format!("chat tag `{tag}`")))?;
            tagger.remove_phrase(intent, &phrase);
        } else {
            tagger
                .add_phrase(Entry {
                    label: tag,
                    lang: r.get(1)?,
                    weight: r.get(2)?,
                    phrase,
                })
                .map_err(StoreError::Corrupt)?;
        }
    }
    let mut q = conn.prepare_cached("SELECT tag FROM chat_tags_disabled WHERE shop = ?1")?;
    let mut rows = q.query([shop])?;
    while let Some(r) = rows.next()? {
        let tag: String = r.get(0)?;
        if let Some(i) = Intent::parse(&tag) {
            tagger.disabled.insert(i);
        }
    }
    Ok(tagger)
}

/// A conversation's facts (messages, marks, ratings, the buyer's states), sorted.
pub(crate) fn stored_facts(
    conn: &Connection,
    shop: &str,
    conversation: &str,
) -> Result<ConversationFacts> {
    let (cid, buyer): (i64, String) = conn
        .prepare_cached(
            "SELECT cid, buyer FROM conversations WHERE shop = ?1 AND conversation = ?2",
        )?
        .query_row(params![shop, conversation], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| {
            invalid(format!(
                "shop `{shop}` has no conversation `{conversation}`"
            ))
        })?;
    let mut facts = read::conversation_facts(conn, cid, shop, conversation, &buyer)?;
    facts.buyer_states = read::buyer_states(conn, shop, &buyer)?;
    facts.sort();
    Ok(facts)
}

/// The buyer's orders with the shop, oldest first.
pub(crate) fn orders_of(conn: &Connection, shop: &str, buyer: &str) -> Result<Vec<Order>> {
    let mut q = conn.prepare_cached(
        "SELECT id, buyer, at, amount, currency, status FROM orders
         WHERE shop = ?1 AND buyer = ?2 ORDER BY at",
    )?;
    let rows = q.query_map(params![shop, buyer], |r| read::order_from_row(shop, r))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn buyer_name(conn: &Connection, shop: &str, buyer: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT name FROM buyers WHERE shop = ?1 AND buyer = ?2")?
        .query_row(params![shop, buyer], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}
