//! A small builder for event logs in tests: the event-log format itself is the fixture DSL.
#![allow(dead_code)]

use kedai_core::engine;
use kedai_core::history::parse_log;
use kedai_core::time::parse_instant;
use kedai_core::*;

pub fn t(s: &str) -> Ts {
    parse_instant(s).unwrap()
}

pub struct Log {
    pub lines: Vec<String>,
    pub settings: ShopSettings,
    next_id: usize,
}

impl Log {
    pub fn new(platform: &str, region: &str, tz: &str) -> Self {
        Log {
            lines: vec![format!(
                r#"{{"type":"shop","shop":"s","platform":"{platform}","region":"{region}","tz":"{tz}"}}"#
            )],
            settings: ShopSettings::default(),
            next_id: 0,
        }
    }

    pub fn tiktok_my() -> Self {
        Self::new("tiktok", "MY", "Asia/Kuala_Lumpur")
    }
    pub fn tiktok_us() -> Self {
        Self::new("tiktok", "US", "America/Los_Angeles")
    }
    pub fn shopee_ph() -> Self {
        Self::new("shopee", "PH", "Asia/Manila")
    }
    pub fn lazada_my() -> Self {
        Self::new("lazada", "MY", "Asia/Kuala_Lumpur")
    }

    /// A message in conversation `conv` (buyer `b-<conv>`); `extra` is more JSON fields.
    pub fn msg_with(&mut self, conv: &str, at: &str, from: &str, extra: &str) -> &mut Self {
        self.next_id += 1;
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(",{extra}")
        };
        self.lines.push(format!(
            r#"{{"type":"message","shop":"s","conversation":"{conv}","id":"m{}","at":"{at}","from":"{from}","buyer":"b-{conv}"{extra}}}"#,
            self.next_id
        ));
        self
    }

    pub fn msg(&mut self, conv: &str, at: &str, from: &str) -> &mut Self {
        self.msg_with(conv, at, from, "")
    }

    /// Any other event: `fields` are its JSON fields after `type` and `shop`.
    pub fn fact(&mut self, kind: &str, fields: &str) -> &mut Self {
        self.lines
            .push(format!(r#"{{"type":"{kind}","shop":"s",{fields}}}"#));
        self
    }

    pub fn mark(&mut self, conv: &str, at: &str, action: &str) -> &mut Self {
        self.fact(
            "mark",
            &format!(r#""conversation":"{conv}","at":"{at}","action":"{action}""#),
        )
    }

    /// An agent's message signed by `agent`.
    pub fn agent(&mut self, conv: &str, at: &str, agent: &str) -> &mut Self {
        self.msg_with(conv, at, "agent", &format!(r#""agent":"{agent}""#))
    }

    /// An order placed by `buyer` (conversation `c`'s buyer is `b-c`).
    pub fn order(&mut self, buyer: &str, id: &str, at: &str) -> &mut Self {
        self.fact(
            "order",
            &format!(r#""buyer":"{buyer}","id":"{id}","at":"{at}""#),
        )
    }

    /// The buyer's rating of the conversation's session open at `at`.
    pub fn rating(&mut self, conv: &str, at: &str, score: &str) -> &mut Self {
        self.fact(
            "rating",
            &format!(r#""conversation":"{conv}","at":"{at}","score":"{score}""#),
        )
    }

    pub fn set(&mut self, key: &str, value: &str) -> &mut Self {
        self.settings.set(key, value).unwrap();
        self
    }

    pub fn history(&self) -> ShopHistory {
        let log = parse_log(&self.lines.join("\n"), false).unwrap();
        log.into_history().unwrap().shops.remove("s").unwrap()
    }

    pub fn clocks(&self) -> Vec<ConversationClock> {
        engine::clocks(&self.history(), &self.settings)
    }

    pub fn clock(&self, conv: &str) -> ConversationClock {
        self.clocks()
            .into_iter()
            .find(|c| c.conversation == conv)
            .unwrap()
    }

    pub fn metrics(&self, now: &str) -> ShopMetrics {
        let h = self.history();
        let clocks = engine::clocks(&h, &self.settings);
        engine::metrics(&h.shop, &self.settings, &clocks, &h.orders, t(now))
    }

    pub fn figure(&self, id: &str, now: &str) -> Figure {
        self.metrics(now)
            .get(id)
            .unwrap_or_else(|| panic!("no {id}"))
            .clone()
    }

    pub fn inbox(&self, now: &str) -> Vec<InboxRow> {
        let h = self.history();
        let clocks = engine::clocks(&h, &self.settings);
        engine::inbox(&h.shop, &self.settings, &clocks, t(now))
    }

    pub fn row(&self, conv: &str, now: &str) -> InboxRow {
        self.inbox(now)
            .into_iter()
            .find(|r| r.conversation == conv)
            .unwrap()
    }
}

/// (numerator, denominator, pending) of a figure.
pub fn nd(f: &Figure) -> (u64, u64, u64) {
    (f.numerator, f.denominator, f.pending)
}

pub fn excluded(f: &Figure, reason: &str) -> u64 {
    f.excluded
        .get(&Exclusion::parse(reason).unwrap())
        .copied()
        .unwrap_or_else(|| panic!("{reason} not reported"))
}
