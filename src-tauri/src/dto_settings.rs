//! What the Settings and Metrics pages send and receive (exported to TypeScript with the
//! rest, see `bindings.rs`). Instants are milliseconds since the Unix epoch, as in `dto.rs`.

use kedai_core::automation::rules::{AutoSender, PlatformEffect, Rule, Schedule, Trigger};
use kedai_core::automation::Intent;
use kedai_core::model::Kind;
use kedai_store::settings::review::{Counts, Miss, MissReason, Point};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::ms;
use crate::dto::{AppError, FigureView};

/// One opening span of a weekday, local `HH:MM` (`24:00` ends the day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct HoursSpan {
    /// `mon` … `sun`.
    pub day: String,
    pub open: String,
    pub close: String,
}

/// A due-soon lead of one of the shop's policies (§4).
#[derive(Debug, Clone, Serialize, TS)]
pub struct LeadView {
    pub policy: String,
    pub minutes: u32,
    pub default_minutes: u32,
}

/// One shop's settings as the page shows them.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShopSettingsView {
    pub shop: String,
    pub name: Option<String>,
    pub platform: String,
    pub region: String,
    pub tz: String,
    /// Holiday mode is on now, and since when.
    pub holiday_mode: bool,
    pub holiday_since: Option<f64>,
    /// Weekend coverage is on now (it moves deadlines on TikTok Shop only, §4).
    pub weekend_coverage: bool,
    /// The operating hours in force now; empty when none were declared.
    pub hours: Vec<HoursSpan>,
    pub leads: Vec<LeadView>,
    pub automation_counts_as_reply: bool,
    /// Secret names stored for the shop (never their values).
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsInfo {
    pub demo: bool,
    /// The SQLite file the app reads and writes.
    pub data_file: String,
    /// Where shop secrets are kept (the OS keyring, or its documented file fallback).
    pub secrets_store: String,
    pub shops: Vec<ShopSettingsView>,
}

/// A chatbot rule as the editor edits it (`kedai_core::automation::rules::Rule`, flattened).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RuleView {
    pub id: String,
    pub name: String,
    pub priority: i32,
    pub enabled: bool,
    /// Empty: every shop.
    pub shops: Vec<String>,
    /// `first_message`, `any_message`, `keywords`, `intent`, `kind`.
    pub trigger: String,
    pub keywords: Vec<String>,
    /// With `intent`: `pre_purchase`, `logistics`, `aftersales`.
    pub intent: Option<String>,
    /// With `kind`: message kinds (`image`, `order_card`, …).
    pub kinds: Vec<String>,
    /// `always`, `weekends`, `outside_hours`, `holiday_mode`.
    pub schedule: String,
    pub reply: String,
    /// `bot` or `auto`.
    pub sender: String,
}

fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn parse<T: serde::de::DeserializeOwned>(what: &str, s: &str) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| AppError::new("invalid", format!("unknown {what} `{s}`")))
}

impl From<&Rule> for RuleView {
    fn from(r: &Rule) -> RuleView {
        let (trigger, keywords, intent, kinds) = match &r.trigger {
            Trigger::FirstMessage => ("first_message", vec![], None, vec![]),
            Trigger::AnyMessage => ("any_message", vec![], None, vec![]),
            Trigger::Keywords { keywords } => ("keywords", keywords.clone(), None, vec![]),
            Trigger::Intent { intent } => ("intent", vec![], Some(intent.as_str().into()), vec![]),
            Trigger::Kind { kinds } => ("kind", vec![], None, kinds.iter().map(name).collect()),
        };
        RuleView {
            id: r.id.clone(),
            name: r.name.clone(),
            priority: r.priority,
            enabled: r.enabled,
            shops: r.shops.clone(),
            trigger: trigger.into(),
            keywords,
            intent,
            kinds,
            schedule: name(&r.schedule),
            reply: r.reply.clone(),
            sender: name(&r.sender),
        }
    }
}

impl RuleView {
    /// The rule it stands for; the store validates the rest (`Rule::validate`).
    pub fn to_rule(&self) -> Result<Rule, AppError> {
        let trigger = match self.trigger.as_str() {
            "first_message" => Trigger::FirstMessage,
            "any_message" => Trigger::AnyMessage,
            "keywords" => Trigger::Keywords {
                keywords: self
                    .keywords
                    .iter()
                    .map(|k| k.trim().to_owned())
                    .filter(|k| !k.is_empty())
                    .collect(),
            },
            "intent" => Trigger::Intent {
                intent: Intent::parse(self.intent.as_deref().unwrap_or(""))
                    .ok_or_else(|| AppError::new("invalid", "an intent trigger needs an intent"))?,
            },
            "kind" => Trigger::Kind {
                kinds: self
                    .kinds
                    .iter()
                    .map(|k| parse::<Kind>("message kind", k))
                    .collect::<Result<_, _>>()?,
            },
            other => {
                return Err(AppError::new(
                    "invalid",
                    format!("unknown trigger `{other}`"),
                ))
            }
        };
        Ok(Rule {
            id: self.id.trim().to_owned(),
            name: self.name.trim().to_owned(),
            priority: self.priority,
            enabled: self.enabled,
            shops: self.shops.clone(),
            trigger,
            schedule: parse::<Schedule>("schedule", &self.schedule)?,
            reply: self.reply.clone(),
            sender: parse::<AutoSender>("sender", &self.sender)?,
        })
    }
}

/// What an automated reply does to one platform's clock (§3, §4).
#[derive(Debug, Clone, Serialize, TS)]
pub struct EffectView {
    pub platform: String,
    pub counts_as_reply: bool,
    pub resolves_unless_buyer_writes_again: bool,
    pub weekend_coverage: bool,
    pub note: String,
}

impl From<PlatformEffect> for EffectView {
    fn from(e: PlatformEffect) -> EffectView {
        EffectView {
            platform: e.platform.as_str().into(),
            counts_as_reply: e.counts_as_reply,
            resolves_unless_buyer_writes_again: e.resolves_unless_buyer_writes_again,
            weekend_coverage: e.weekend_coverage,
            note: e.note,
        }
    }
}

/// A rule test against a sample message (`kedai rules test`).
#[derive(Debug, Clone, Serialize, TS)]
pub struct RuleTestView {
    pub rule: Option<String>,
    /// Why none fired: `not_a_buyer_message`, `already_answered`, `no_rule_matched`.
    pub no_fire: Option<String>,
    pub reply: Option<String>,
    pub sender: Option<String>,
    pub effect: EffectView,
    pub deadline: Option<f64>,
    pub policy: Option<String>,
    pub weekend_moved: bool,
    pub excluded: Option<String>,
    pub if_nothing_more: String,
    pub if_buyer_writes_again: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct TemplateView {
    pub id: String,
    pub title: String,
    pub text: String,
}

/// A seller's edit of an intent word list (added, or a shipped phrase removed).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct WordView {
    pub intent: String,
    pub lang: String,
    pub weight: u32,
    pub phrase: String,
    pub removed: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct WordLists {
    pub edits: Vec<WordView>,
    /// Intents the shop has turned off.
    pub disabled: Vec<String>,
}

/// One policy-guard rule and whether it blocks sending (else it warns).
#[derive(Debug, Clone, Serialize, TS)]
pub struct GuardLevel {
    pub rule: String,
    pub explain: String,
    pub block: bool,
}

/// A day or week of the metrics review.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PointView {
    /// The bucket's first local day, `YYYY-MM-DD`.
    pub date: String,
    pub from: f64,
    /// The figures' instant: the bucket's end, or now.
    pub at: f64,
    pub figures: Vec<FigureView>,
    pub opened: u32,
    pub in_time: u32,
    pub late: u32,
    pub missed: u32,
    pub excluded: u32,
    pub pending: u32,
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl From<&Point> for PointView {
    fn from(p: &Point) -> PointView {
        let Counts {
            opened,
            in_time,
            late,
            missed,
            excluded,
            pending,
        } = p.counts;
        PointView {
            date: p.date.to_string(),
            from: ms(p.from),
            at: ms(p.at),
            figures: p
                .metrics
                .figures
                .iter()
                .map(|(id, f)| FigureView::new(id, f))
                .collect(),
            opened: n(opened),
            in_time: n(in_time),
            late: n(late),
            missed: n(missed),
            excluded: n(excluded),
            pending: n(pending),
        }
    }
}

/// An inquiry of the range that missed its deadline, was answered late, or was left out.
#[derive(Debug, Clone, Serialize, TS)]
pub struct MissView {
    pub conversation: String,
    pub buyer: String,
    pub opened_at: f64,
    pub deadline: f64,
    pub policy: String,
    /// `missed`, `late`, or the exclusion's name (`holiday_mode`, `no_response_needed`, …).
    pub reason: String,
    pub answered_at: Option<f64>,
}

impl From<&Miss> for MissView {
    fn from(m: &Miss) -> MissView {
        let (reason, answered_at) = match m.reason {
            MissReason::Missed => ("missed".to_owned(), None),
            MissReason::Late { answered_at } => ("late".to_owned(), Some(ms(answered_at))),
            MissReason::Excluded(e) => (e.as_str().to_owned(), None),
        };
        MissView {
            conversation: m.conversation.clone(),
            buyer: m.buyer.clone(),
            opened_at: ms(m.opened_at),
            deadline: ms(m.deadline),
            policy: m.policy.as_str().into(),
            reason,
            answered_at,
        }
    }
}

/// §5 TikTok Shop: the coming Tuesday's evaluation, if no more replies are sent.
#[derive(Debug, Clone, Serialize, TS)]
pub struct EvaluationView {
    pub at: f64,
    pub week_from: f64,
    pub week_to: f64,
    pub figures: Vec<FigureView>,
    /// The last evaluation's figures (the last full week, now).
    pub current: Vec<FigureView>,
    /// Inquiries of that week still open that can yet be answered in time.
    pub open_now: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ShopReviewView {
    pub shop: String,
    pub name: Option<String>,
    pub platform: String,
    pub region: String,
    pub tz: String,
    pub days: Vec<PointView>,
    pub weeks: Vec<PointView>,
    pub evaluation: Option<EvaluationView>,
    pub misses: Vec<MissView>,
    pub misses_total: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct MetricsReview {
    pub now: f64,
    pub from: String,
    pub to: String,
    pub shops: Vec<ShopReviewView>,
}

/// Settings → Shops → "Connect a shop" (the platform's OAuth flow, `connect.rs`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ConnectRequest {
    /// `tiktok`, `shopee`, `lazada`.
    pub platform: String,
    pub region: String,
    /// The shop's IANA time zone.
    pub zone: String,
    pub name: Option<String>,
    /// Shopee: the partner id.
    pub app_key: String,
    /// Shopee: the partner key. Kept in the secrets store only.
    pub app_secret: String,
    /// Another API server (a sandbox, the simulator); empty: the platform's own.
    pub api_base: Option<String>,
}

/// One step of a connection, sent as `connect://progress`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ConnectProgress {
    /// `waiting_for_browser`, `exchanging`, `connected`, `failed`, `cancelled`.
    pub stage: String,
    pub shop: String,
    pub platform: String,
    pub message: String,
    /// The page the browser was sent to, to open by hand when none opened.
    pub authorize_url: Option<String>,
    /// Why it failed: `invalid`, `state_mismatch`, `refused`, `timeout`, `cancelled`,
    /// `rejected_code`, `secrets`, `config_not_writable`, `switch`.
    pub reason: Option<String>,
}

impl ConnectProgress {
    pub fn new(
        plan: &crate::connect::Plan,
        stage: &str,
        message: String,
        authorize_url: Option<String>,
        reason: Option<String>,
    ) -> ConnectProgress {
        ConnectProgress {
            stage: stage.into(),
            shop: plan.shop.clone(),
            platform: plan.platform.as_str().into(),
            message,
            authorize_url,
            reason,
        }
    }
}

/// Sent as `app://mode-changed` when the app switched between demo and real data: the UI
/// reloads everything.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ModeChanged {
    pub demo: bool,
}
