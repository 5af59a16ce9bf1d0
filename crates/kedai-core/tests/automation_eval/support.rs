//! The automation's measured figures, shared by the eval test (which asserts the targets of
//! issue 5) and `examples/automation_eval.rs` (which also times suggestions in release mode).
//! The labelled sets live in `tests/fixtures/automation/` with a README on how they were made.
//! Held out of tuning: every third data line of each set (0-based index % 3 == 2).

#![allow(dead_code)]

use std::collections::BTreeMap;

use kedai_core::automation::{
    Intent, IntentContext, IntentTagger, OrderStage, Sentiment, SentimentScorer,
};
use kedai_core::model::Kind;

pub const BUYER_MESSAGES: &str =
    include_str!("../../../../tests/fixtures/automation/buyer_messages.tsv");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Tuning,
    HeldOut,
}

impl Part {
    pub fn of(index: usize) -> Part {
        if index % 3 == 2 {
            Part::HeldOut
        } else {
            Part::Tuning
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Part::Tuning => "tuning",
            Part::HeldOut => "held-out",
        }
    }
}

/// Data lines of a tab-separated set (comments and blank lines skipped), with their part.
pub fn rows(text: &str) -> Vec<(Part, Vec<&str>)> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .enumerate()
        .map(|(i, l)| (Part::of(i), l.split('\t').collect()))
        .collect()
}

pub struct Labelled<'a> {
    pub lang: &'a str,
    pub intent: Option<Intent>,
    pub sentiment: Sentiment,
    pub ctx: IntentContext,
    pub text: &'a str,
}

pub fn buyer_messages() -> Vec<(Part, Labelled<'static>)> {
    rows(BUYER_MESSAGES)
        .into_iter()
        .map(|(part, c)| {
            let ctx = parse_context(c[3]);
            let intent = match c[1] {
                "-" => None,
                s => Some(Intent::parse(s).unwrap_or_else(|| panic!("intent `{s}`"))),
            };
            let sentiment =
                Sentiment::parse(c[2]).unwrap_or_else(|| panic!("sentiment `{}`", c[2]));
            (
                part,
                Labelled {
                    lang: c[0],
                    intent,
                    sentiment,
                    ctx,
                    text: c[4],
                },
            )
        })
        .collect()
}

fn parse_context(s: &str) -> IntentContext {
    if s == "-" {
        return IntentContext::default();
    }
    let (kind, stage) = s.split_once(':').unwrap_or((s, ""));
    let kind: Kind = serde_json::from_value(serde_json::Value::String(kind.into()))
        .unwrap_or_else(|_| panic!("kind `{kind}`"));
    let order = (!stage.is_empty()).then(|| match stage {
        "placed" => OrderStage::Placed,
        "in_transit" => OrderStage::InTransit,
        "delivered" => OrderStage::Delivered,
        "closed" => OrderStage::Closed,
        other => panic!("order stage `{other}`"),
    });
    IntentContext { kind, order }
}

/// Hits and totals by a key.
#[derive(Debug, Default, Clone)]
pub struct Tally(pub BTreeMap<String, (u32, u32)>);

impl Tally {
    pub fn add(&mut self, key: &str, hit: bool) {
        let e = self.0.entry(key.to_owned()).or_default();
        e.1 += 1;
        if hit {
            e.0 += 1;
        }
    }

    pub fn rate(&self, key: &str) -> f64 {
        self.0.get(key).map_or(
            0.0,
            |&(h, n)| if n == 0 { 0.0 } else { h as f64 / n as f64 },
        )
    }

    pub fn lines(&self) -> String {
        self.0
            .iter()
            .map(|(k, &(h, n))| {
                format!(
                    "  {k:<28} {h:>4}/{n:<4} {:>6.1} %\n",
                    100.0 * h as f64 / n.max(1) as f64
                )
            })
            .collect()
    }
}

pub struct TagReport {
    pub intent: Tally,
    pub sentiment: Tally,
    pub misses: Vec<String>,
}

/// Intent accuracy (overall, per gold tag, per language) and sentiment accuracy on a part.
pub fn tag_report(part: Part) -> TagReport {
    let tagger = IntentTagger::default();
    let scorer = SentimentScorer::default();
    let mut intent = Tally::default();
    let mut sentiment = Tally::default();
    let mut misses = Vec::new();
    for (p, m) in buyer_messages() {
        if p != part {
            continue;
        }
        let got = tagger.tag(m.text, m.ctx);
        let ok = got == m.intent;
        let gold = m.intent.map_or("none", |i| i.as_str());
        intent.add("all", ok);
        intent.add(&format!("tag {gold}"), ok);
        intent.add(&format!("lang {}", m.lang), ok);
        if !ok {
            misses.push(format!(
                "intent {gold} got {:?}: {}",
                got.map(|i| i.as_str()),
                m.text
            ));
        }
        let s = scorer.classify(m.text);
        let ok = s == m.sentiment;
        sentiment.add("all", ok);
        sentiment.add(&format!("class {}", m.sentiment.as_str()), ok);
        sentiment.add(&format!("lang {}", m.lang), ok);
        if !ok {
            misses.push(format!(
                "sentiment {} got {} ({}): {}",
                m.sentiment.as_str(),
                s.as_str(),
                scorer.score(m.text),
                m.text
            ));
        }
    }
    TagReport {
        intent,
        sentiment,
        misses,
    }
}

pub const GUARD_MESSAGES: &str =
    include_str!("../../../../tests/fixtures/automation/guard_messages.tsv");

pub struct GuardReport {
    /// Violations whose own rule was found, per rule and in all.
    pub caught: Tally,
    /// Violations with any finding at all.
    pub flagged_any: Tally,
    /// Clean messages with a finding (false positives), per language and in all.
    pub false_positives: Tally,
    pub misses: Vec<String>,
}

pub fn guard_report(part: Part) -> GuardReport {
    use kedai_core::automation::guard::{scan, GuardRule};
    let mut caught = Tally::default();
    let mut flagged_any = Tally::default();
    let mut false_positives = Tally::default();
    let mut misses = Vec::new();
    for (p, c) in rows(GUARD_MESSAGES) {
        if p != part {
            continue;
        }
        let (lang, expected, text) = (c[0], c[1], c[2]);
        let findings = scan(text);
        if expected == "clean" {
            let fp = !findings.is_empty();
            false_positives.add("all", fp);
            false_positives.add(&format!("lang {lang}"), fp);
            if fp {
                misses.push(format!("clean flagged {:?}: {text}", findings));
            }
        } else {
            let rule = GuardRule::parse(expected).expect("a guard rule");
            let ok = findings.iter().any(|f| f.rule == rule);
            caught.add("all", ok);
            caught.add(&format!("rule {expected}"), ok);
            caught.add(&format!("lang {lang}"), ok);
            flagged_any.add("all", !findings.is_empty());
            if !ok {
                misses.push(format!("{expected} missed (found {:?}): {text}", findings));
            }
        }
    }
    GuardReport {
        caught,
        flagged_any,
        false_positives,
        misses,
    }
}

pub const SUGGEST_REPLIES: &str =
    include_str!("../../../../tests/fixtures/automation/suggest_replies.tsv");
pub const SUGGEST_PAIRS: &str =
    include_str!("../../../../tests/fixtures/automation/suggest_pairs.tsv");

pub struct SuggestSetup {
    pub index: kedai_core::automation::suggest::SuggestIndex,
    /// Held-out (question, id of the good reply).
    pub held_out: Vec<(String, String, String)>,
    pub tuning: Vec<(String, String, String)>,
    /// Reply text → reply id.
    pub ids: std::collections::HashMap<String, String>,
    pub past_messages: usize,
}

/// The shop's templates and history: the canonical replies as quick-reply templates, the
/// tuning pairs as past agent replies, plus `filler_pairs` generated (question, reply) pairs
/// (two messages each) of unrelated chat to reach a realistic history size.
pub fn suggest_setup(filler_pairs: usize) -> SuggestSetup {
    use kedai_core::automation::suggest::{SuggestIndex, Template};
    let mut templates = Vec::new();
    let mut texts = std::collections::HashMap::new();
    let mut ids = std::collections::HashMap::new();
    for (_, c) in rows(SUGGEST_REPLIES) {
        templates.push(Template {
            id: c[0].to_owned(),
            title: c[2].to_owned(),
            text: c[3].to_owned(),
        });
        texts.insert(c[0].to_owned(), c[3].to_owned());
        ids.insert(
            c[3].replace("{buyer_name}", "").replace("Hi !", "Hi!"),
            c[0].to_owned(),
        );
    }
    let mut tuning = Vec::new();
    let mut held_out = Vec::new();
    for (part, c) in rows(SUGGEST_PAIRS) {
        let row = (c[0].to_owned(), c[1].to_owned(), c[2].to_owned());
        match part {
            Part::Tuning => tuning.push(row),
            Part::HeldOut => held_out.push(row),
        }
    }
    // Filler: words drawn from the buyer messages, replies from a pool of 500 generic ones.
    let vocab: Vec<&str> = buyer_messages()
        .into_iter()
        .flat_map(|(_, m)| m.text.split_whitespace().collect::<Vec<_>>())
        .collect();
    let pool: Vec<String> = (0..500)
        .map(|i| format!("Noted with thanks, our team will follow up on request {i}"))
        .collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut filler = Vec::with_capacity(filler_pairs);
    for i in 0..filler_pairs {
        let n = 3 + (next() % 6) as usize;
        let q: Vec<&str> = (0..n)
            .map(|_| vocab[(next() % vocab.len() as u64) as usize])
            .collect();
        filler.push((
            q.join(" "),
            pool[(next() % pool.len() as u64) as usize].clone(),
            format!("f{i}"),
        ));
    }
    let past = tuning
        .iter()
        .enumerate()
        .map(|(i, (_, id, q))| (q.clone(), texts[id].clone(), format!("t{i}")))
        .chain(filler);
    let past: Vec<(String, String, String)> = past.collect();
    let index = SuggestIndex::build(
        &templates,
        past.iter()
            .map(|(q, r, id)| (q.as_str(), r.as_str(), id.as_str())),
    );
    SuggestSetup {
        index,
        held_out,
        tuning,
        ids,
        past_messages: past.len() * 2,
    }
}

/// Share of questions whose good reply is among the top three (and top one).
pub fn suggest_hits(setup: &SuggestSetup, part: Part) -> (Tally, Tally, Vec<String>) {
    use kedai_core::automation::rules::TemplateValues;
    let mut top3 = Tally::default();
    let mut top1 = Tally::default();
    let mut misses = Vec::new();
    let rows = match part {
        Part::Tuning => &setup.tuning,
        Part::HeldOut => &setup.held_out,
    };
    for (lang, id, q) in rows {
        let s = setup.index.suggest(q, &TemplateValues::default(), 3);
        let got: Vec<&str> = s
            .iter()
            .map(|x| setup.ids.get(&x.text).map_or("(other)", String::as_str))
            .collect();
        let hit3 = got.contains(&id.as_str());
        top3.add("all", hit3);
        top3.add(&format!("lang {lang}"), hit3);
        top1.add("all", got.first() == Some(&id.as_str()));
        if !hit3 {
            misses.push(format!("{id} not in {got:?}: {q}"));
        }
    }
    (top3, top1, misses)
}
