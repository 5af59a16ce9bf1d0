//! What crosses the IPC bridge. Every type here is exported to TypeScript
//! (`ui/src/lib/bindings/index.ts`, see `bindings.rs`); instants are milliseconds since the
//! Unix epoch (UTC) as numbers.

use kedai_core::inbox::Filter;
use kedai_core::metrics::{Figure, Status, Unit};
use kedai_store::app::{Agent, AppMessage, AppRow, Category, Scope, Tab};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::ms;

/// An error the UI branches on by `kind`, never by its text.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppError {
    pub kind: String,
    pub message: String,
}

impl AppError {
    pub fn new(kind: &str, message: impl Into<String>) -> AppError {
        AppError {
            kind: kind.into(),
            message: message.into(),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::new("internal", e.to_string())
    }
}

impl From<kedai_store::StoreError> for AppError {
    fn from(e: kedai_store::StoreError) -> Self {
        let kind = match e {
            kedai_store::StoreError::Invalid(_) => "invalid",
            _ => "store",
        };
        AppError::new(kind, e.to_string())
    }
}

/// Which conversations the list shows.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct InboxQuery {
    /// `all`, `assigned` or `unassigned`.
    pub tab: String,
    /// `all`, `overdue`, `due_soon`, `unreplied`, `unread`, `starred`, `closed`.
    pub filter: String,
    pub shop: Option<String>,
    pub platform: Option<String>,
    pub agent: Option<String>,
    /// `pre_purchase`, `logistics`, `aftersales`.
    pub category: Option<String>,
    pub priority: bool,
    pub search: Option<String>,
    pub offset: u32,
    pub limit: u32,
    /// Whether to count every filter of the scope too (with `total`). The UI asks once per
    /// refresh, not for each page it scrolls to: a scoped count is a pass over the scope.
    #[serde(default)]
    pub counts: bool,
}

impl InboxQuery {
    pub fn scope(&self) -> Result<Scope, AppError> {
        let tab = match self.tab.as_str() {
            "" | "all" => Tab::All,
            "assigned" => Tab::Assigned,
            "unassigned" => Tab::Unassigned,
            other => return Err(AppError::new("invalid", format!("tab `{other}`"))),
        };
        let platform = match self.platform.as_deref() {
            None | Some("") => None,
            Some(p) => Some(p.parse().map_err(|e: String| AppError::new("invalid", e))?),
        };
        let category = match self.category.as_deref() {
            None | Some("") => None,
            Some(c) => Some(
                Category::parse(c)
                    .ok_or_else(|| AppError::new("invalid", format!("category `{c}`")))?,
            ),
        };
        Ok(Scope {
            tab,
            shop: self.shop.clone().filter(|s| !s.is_empty()),
            platform,
            agent: self.agent.clone().filter(|s| !s.is_empty()),
            category,
            priority: self.priority,
            search: self.search.clone().filter(|s| !s.trim().is_empty()),
        })
    }

    pub fn filter(&self) -> Result<Filter, AppError> {
        if self.filter.is_empty() {
            return Ok(Filter::All);
        }
        Filter::parse(&self.filter)
            .ok_or_else(|| AppError::new("invalid", format!("filter `{}`", self.filter)))
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Row {
    pub shop: String,
    pub shop_name: Option<String>,
    pub platform: String,
    pub conversation: String,
    pub buyer: String,
    pub buyer_name: Option<String>,
    /// The buyer's avatar (`https:` only); the initials stand in when absent or not loaded.
    pub buyer_avatar: Option<String>,
    pub opened_at: Option<f64>,
    pub deadline: Option<f64>,
    pub due_soon_at: Option<f64>,
    pub policy: Option<String>,
    pub weekend_moved: bool,
    pub overdue: bool,
    pub due_soon: bool,
    pub unreplied: bool,
    pub unread: bool,
    pub starred: bool,
    pub closed: bool,
    pub last_message_at: Option<f64>,
    pub preview_from: Option<String>,
    pub preview_kind: Option<String>,
    pub preview: Option<String>,
    pub agent: Option<String>,
    pub category: Option<String>,
    pub priority: bool,
}

impl From<AppRow> for Row {
    fn from(r: AppRow) -> Row {
        Row {
            shop: r.shop,
            shop_name: r.shop_name,
            platform: r.platform.as_str().into(),
            conversation: r.conversation,
            buyer: r.buyer,
            buyer_name: r.buyer_name,
            buyer_avatar: r.buyer_avatar,
            opened_at: r.opened_at.map(ms),
            deadline: r.deadline.map(ms),
            due_soon_at: r.due_soon_at.map(ms),
            policy: r.policy.map(|p| p.as_str().into()),
            weekend_moved: r.weekend_moved,
            overdue: r.overdue,
            due_soon: r.due_soon,
            unreplied: r.unreplied,
            unread: r.unread,
            starred: r.starred,
            closed: r.closed,
            last_message_at: r.last_message_at.map(ms),
            preview_from: r.preview_from,
            preview_kind: r.preview_kind,
            preview: r.preview,
            agent: r.agent,
            category: r.category.map(|c| c.as_str().into()),
            priority: r.priority,
        }
    }
}

/// How many conversations a status filter holds.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Count {
    pub filter: String,
    pub count: u32,
}

pub fn counts(c: [(Filter, u64); 7]) -> Vec<Count> {
    c.iter()
        .map(|(f, n)| Count {
            filter: f.as_str().into(),
            count: u32::try_from(*n).unwrap_or(u32::MAX),
        })
        .collect()
}

/// A page of the list at `now`; when the query asked for counts, with the counts of every
/// filter in the same scope and the list's length (`total`), else `counts` is empty and
/// `total` null.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InboxPage {
    pub now: f64,
    pub offset: u32,
    pub total: Option<u32>,
    pub rows: Vec<Row>,
    pub counts: Vec<Count>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Message {
    pub id: String,
    pub at: f64,
    pub from: String,
    pub kind: String,
    pub text: Option<String>,
    pub agent: Option<String>,
}

impl From<AppMessage> for Message {
    fn from(m: AppMessage) -> Message {
        Message {
            id: m.id,
            at: ms(m.at),
            from: m.from,
            kind: m.kind,
            text: m.text,
            agent: m.agent,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Excluded {
    pub reason: String,
    pub count: u32,
}

/// One §5 figure with what the header's hover shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FigureView {
    pub id: String,
    pub value: Option<f64>,
    pub numerator: u32,
    pub denominator: u32,
    pub pending: u32,
    pub excluded: Vec<Excluded>,
    /// `not_rated`, `good`, `warning`, `bad`, `no_target`.
    pub status: String,
    /// `rate`, `seconds`, `count`.
    pub unit: String,
    pub target: Option<f64>,
    pub penalty_risk: Option<bool>,
    pub automation_counts_as_reply: Option<bool>,
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::NotRated => "not_rated",
        Status::Good => "good",
        Status::Warning => "warning",
        Status::Bad => "bad",
        Status::NoTarget => "no_target",
    }
}

fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Rate => "rate",
        Unit::Seconds => "seconds",
        Unit::Count => "count",
    }
}

fn n(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl FigureView {
    pub fn new(id: &str, f: &Figure) -> FigureView {
        FigureView {
            id: id.into(),
            value: f.value,
            numerator: n(f.numerator),
            denominator: n(f.denominator),
            pending: n(f.pending),
            excluded: f
                .excluded
                .iter()
                .filter(|(_, c)| **c > 0)
                .map(|(e, c)| Excluded {
                    reason: e.as_str().into(),
                    count: n(*c),
                })
                .collect(),
            status: status_name(f.status).into(),
            unit: unit_name(f.unit).into(),
            target: f.target,
            penalty_risk: f.penalty_risk,
            automation_counts_as_reply: f.automation_counts_as_reply,
        }
    }
}

/// One shop in the live header.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShopHeader {
    pub shop: String,
    pub name: Option<String>,
    pub platform: String,
    pub region: String,
    pub figures: Vec<FigureView>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Header {
    pub now: f64,
    pub shops: Vec<ShopHeader>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    /// `online`, `away`, `do_not_accept`.
    pub status: String,
    pub capacity: u32,
    pub auto_assign: bool,
    pub is_me: bool,
    pub open_chats: u32,
}

impl From<Agent> for AgentView {
    fn from(a: Agent) -> AgentView {
        AgentView {
            id: a.id,
            name: a.name,
            status: a.status,
            capacity: a.capacity,
            auto_assign: a.auto_assign,
            is_me: a.is_me,
            open_chats: a.open_chats,
        }
    }
}

impl From<AgentView> for Agent {
    fn from(a: AgentView) -> Agent {
        Agent {
            id: a.id,
            name: a.name,
            status: a.status,
            capacity: a.capacity,
            auto_assign: a.auto_assign,
            is_me: a.is_me,
            open_chats: a.open_chats,
        }
    }
}

/// A shop's sync state for the offline banner.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShopSync {
    pub shop: String,
    pub name: Option<String>,
    pub platform: String,
    pub last_success: Option<f64>,
    pub last_error: Option<String>,
    pub needs_reconnect: bool,
}

/// Notification settings and whether the desktop's notification service answers.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NotifySettings {
    pub paused: bool,
    /// Do-not-disturb from `dnd_from` to `dnd_to`, local `HH:MM`; both empty: off.
    pub dnd_from: String,
    pub dnd_to: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct NotifyStatus {
    pub settings: NotifySettings,
    /// `unknown` until the first notification, then `ok` or `unavailable`.
    pub service: String,
    pub detail: Option<String>,
    pub sent: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ShopInfo {
    pub shop: String,
    pub name: Option<String>,
    pub platform: String,
    pub region: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub demo: bool,
    pub now: f64,
    /// App seconds per wall second (the demo's accelerated clock).
    pub speed: f64,
    pub shops: Vec<ShopInfo>,
    pub me: String,
    pub sync: String,
    /// `KEDAI_BENCH`: the UI times its filter switches and reports them.
    pub bench: bool,
}

/// The payload of `inbox://changed`: the UI refetches what it shows.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Changed {
    pub seq: f64,
    pub now: f64,
    /// Shops with a written change (empty when only deadlines passed).
    pub shops: Vec<String>,
    pub crossings: u32,
}

/// The payload of `app://open-chat` (a tray menu or notification click).
#[derive(Debug, Clone, Serialize, TS)]
pub struct OpenChat {
    pub shop: String,
    pub conversation: String,
}
