//! The event model of `event-log.md`: what a shop's chat history is made of.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{NaiveDate, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::time::{serde_ts, serde_ts_opt, Ts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Tiktok,
    Shopee,
    Lazada,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Tiktok => "tiktok",
            Platform::Shopee => "shopee",
            Platform::Lazada => "lazada",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Platform::Tiktok => "TikTok Shop",
            Platform::Shopee => "Shopee",
            Platform::Lazada => "Lazada",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Platform {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| format!("unknown platform `{s}` (tiktok, shopee or lazada)"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Region {
    US,
    MY,
    PH,
    ID,
    TH,
    VN,
    SG,
}

impl Region {
    /// ISO country code, the key of the shipped holiday calendar.
    pub fn as_str(self) -> &'static str {
        match self {
            Region::US => "US",
            Region::MY => "MY",
            Region::PH => "PH",
            Region::ID => "ID",
            Region::TH => "TH",
            Region::VN => "VN",
            Region::SG => "SG",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Region {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|_| format!("unknown region `{s}` (US, MY, PH, ID, TH, VN or SG)"))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shop {
    pub shop: String,
    pub platform: Platform,
    pub region: Region,
    #[serde(serialize_with = "ser_tz", deserialize_with = "de_tz")]
    pub tz: Tz,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mall: Option<bool>,
}

fn ser_tz<S: Serializer>(tz: &Tz, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(tz.name())
}

fn de_tz<'de, D: Deserializer<'de>>(d: D) -> Result<Tz, D::Error> {
    let s = String::deserialize(d)?;
    s.parse::<Tz>()
        .map_err(|_| serde::de::Error::custom(format!("`{s}` is not an IANA time zone")))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    Buyer,
    Agent,
    Auto,
    Bot,
    System,
    Broadcast,
}

impl Sender {
    pub fn as_str(self) -> &'static str {
        match self {
            Sender::Buyer => "buyer",
            Sender::Agent => "agent",
            Sender::Auto => "auto",
            Sender::Bot => "bot",
            Sender::System => "system",
            Sender::Broadcast => "broadcast",
        }
    }
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    #[default]
    Text,
    Sticker,
    Emoji,
    Image,
    Video,
    ProductCard,
    OrderCard,
    FaqPrompt,
    Other,
}

impl Kind {
    fn is_text(&self) -> bool {
        *self == Kind::Text
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub shop: String,
    pub conversation: String,
    pub id: String,
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub from: Sender,
    pub buyer: String,
    #[serde(default, skip_serializing_if = "Kind::is_text")]
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faq_chat_with_agent: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_handled: Option<bool>,
}

/// A span of the shop's timeline: `[from, to)`, open-ended without `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Span {
    pub shop: String,
    #[serde(with = "serde_ts")]
    pub from: Ts,
    #[serde(
        default,
        with = "serde_ts_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub to: Option<Ts>,
}

impl Span {
    pub fn contains(&self, t: Ts) -> bool {
        self.from <= t && self.to.is_none_or(|to| t < to)
    }
}

/// Local opening intervals per weekday, in minutes after local midnight (`end` may be 1440).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct WeeklyHours {
    days: [Vec<(u32, u32)>; 7],
}

const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl WeeklyHours {
    pub fn intervals(&self, day: Weekday) -> &[(u32, u32)] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Whether local minute-of-day `minute` on `day` falls in an opening interval.
    pub fn is_open(&self, day: Weekday, minute: u32) -> bool {
        self.intervals(day)
            .iter()
            .any(|&(start, end)| start <= minute && minute < end)
    }

    pub fn parse(map: &BTreeMap<String, Vec<[String; 2]>>) -> Result<Self, String> {
        let mut hours = WeeklyHours::default();
        for (key, intervals) in map {
            let index = DAY_KEYS.iter().position(|k| k == key).ok_or_else(|| {
                format!("unknown day `{key}` in hours (mon, tue, wed, thu, fri, sat, sun)")
            })?;
            for [start, end] in intervals {
                let (s, e) = (parse_hhmm(start)?, parse_hhmm(end)?);
                if s >= e {
                    return Err(format!(
                        "hours for {key}: {start}-{end} does not end after it starts \
                         (split an overnight span at 24:00)"
                    ));
                }
                hours.days[index].push((s, e));
            }
            hours.days[index].sort_unstable();
        }
        Ok(hours)
    }

    pub fn to_map(&self) -> BTreeMap<String, Vec<[String; 2]>> {
        DAY_KEYS
            .iter()
            .zip(&self.days)
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| {
                let spans = v.iter().map(|&(s, e)| [fmt_hhmm(s), fmt_hhmm(e)]).collect();
                (k.to_string(), spans)
            })
            .collect()
    }
}

fn parse_hhmm(s: &str) -> Result<u32, String> {
    let bad = || format!("`{s}` is not a local time HH:MM (00:00 to 24:00)");
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn fmt_hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Serialize for WeeklyHours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_map().serialize(s)
    }
}

impl<'de> Deserialize<'de> for WeeklyHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, Vec<[String; 2]>>::deserialize(d)?;
        WeeklyHours::parse(&map).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperatingHours {
    pub shop: String,
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub hours: WeeklyHours,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicHoliday {
    pub shop: String,
    pub date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountState {
    Active,
    Banned,
    Frozen,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuyerFact {
    pub shop: String,
    pub buyer: String,
    #[serde(with = "serde_ts")]
    pub at: Ts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_state: Option<AccountState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkAction {
    NoResponseNeeded,
    EndSession,
    Star,
    Unstar,
    /// Handed to another agent (`to_agent`, with a `note`); the clock stays as it is (§6).
    Transfer,
    /// The buyer reported for abuse (`reason`, `note`); recorded, the clock unchanged.
    ReportAbuse,
}

/// Why an agent reports a buyer (`mark` with `action: report_abuse`).
pub const ABUSE_REASONS: [&str; 5] = ["spam", "harassment", "offensive", "fraud", "other"];

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mark {
    pub shop: String,
    pub conversation: String,
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub action: MarkAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// `transfer`: the agent the conversation went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_agent: Option<String>,
    /// `report_abuse`: one of [`ABUSE_REASONS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `transfer` and `report_abuse`: the agent's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Mark {
    /// A mark without the fields only transfers and reports carry.
    pub fn new(
        shop: impl Into<String>,
        conversation: impl Into<String>,
        at: Ts,
        action: MarkAction,
        agent: Option<String>,
    ) -> Self {
        Mark {
            shop: shop.into(),
            conversation: conversation.into(),
            at,
            action,
            agent,
            to_agent: None,
            reason: None,
            note: None,
        }
    }

    /// What one line cannot get wrong: a transfer names its agent, a report its reason
    /// (one of [`ABUSE_REASONS`]), and the other marks carry neither, nor a note.
    pub fn check(&self) -> Result<(), String> {
        let action = self.action;
        let only = |field: &str, has: bool, allowed: bool| -> Result<(), String> {
            match (has, allowed) {
                (true, false) => Err(format!(
                    "`{field}` does not go with action `{}`",
                    action.as_str()
                )),
                _ => Ok(()),
            }
        };
        only(
            "to_agent",
            self.to_agent.is_some(),
            action == MarkAction::Transfer,
        )?;
        only(
            "reason",
            self.reason.is_some(),
            action == MarkAction::ReportAbuse,
        )?;
        only("note", self.note.is_some(), action.is_record())?;
        match action {
            MarkAction::Transfer if self.to_agent.as_deref().is_none_or(str::is_empty) => {
                Err("a `transfer` mark needs `to_agent`".into())
            }
            MarkAction::ReportAbuse => match self.reason.as_deref() {
                Some(r) if ABUSE_REASONS.contains(&r) => Ok(()),
                Some(r) => Err(format!(
                    "abuse reason `{r}` is not one of {}",
                    ABUSE_REASONS.join(", ")
                )),
                None => Err("a `report_abuse` mark needs `reason`".into()),
            },
            _ => Ok(()),
        }
    }
}

impl MarkAction {
    /// Transfers and abuse reports: kept as the conversation's record, no effect on clocks.
    pub fn is_record(self) -> bool {
        matches!(self, MarkAction::Transfer | MarkAction::ReportAbuse)
    }

    /// The event log's name.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkAction::NoResponseNeeded => "no_response_needed",
            MarkAction::EndSession => "end_session",
            MarkAction::Star => "star",
            MarkAction::Unstar => "unstar",
            MarkAction::Transfer => "transfer",
            MarkAction::ReportAbuse => "report_abuse",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Score {
    VerySatisfied,
    Satisfied,
    Neutral,
    Dissatisfied,
    VeryDissatisfied,
}

impl Score {
    pub fn is_satisfied(self) -> bool {
        matches!(self, Score::VerySatisfied | Score::Satisfied)
    }

    pub fn is_dissatisfied(self) -> bool {
        matches!(self, Score::Dissatisfied | Score::VeryDissatisfied)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub shop: String,
    pub conversation: String,
    #[serde(with = "serde_ts")]
    pub at: Ts,
    pub score: Score,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Order {
    pub shop: String,
    pub buyer: String,
    pub id: String,
    #[serde(with = "serde_ts")]
    pub at: Ts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// One line of the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Shop(Shop),
    Message(Message),
    HolidayMode(Span),
    WeekendCoverage(Span),
    OperatingHours(OperatingHours),
    PublicHoliday(PublicHoliday),
    Buyer(BuyerFact),
    Mark(Mark),
    Rating(Rating),
    Order(Order),
}

impl Event {
    pub fn shop(&self) -> &str {
        match self {
            Event::Shop(e) => &e.shop,
            Event::Message(e) => &e.shop,
            Event::HolidayMode(e) | Event::WeekendCoverage(e) => &e.shop,
            Event::OperatingHours(e) => &e.shop,
            Event::PublicHoliday(e) => &e.shop,
            Event::Buyer(e) => &e.shop,
            Event::Mark(e) => &e.shop,
            Event::Rating(e) => &e.shop,
            Event::Order(e) => &e.shop,
        }
    }

    /// The instant the event happened, if it has one.
    pub fn at(&self) -> Option<Ts> {
        match self {
            Event::Shop(_) | Event::PublicHoliday(_) => None,
            Event::Message(e) => Some(e.at),
            Event::HolidayMode(e) | Event::WeekendCoverage(e) => Some(e.from),
            Event::OperatingHours(e) => Some(e.at),
            Event::Buyer(e) => Some(e.at),
            Event::Mark(e) => Some(e.at),
            Event::Rating(e) => Some(e.at),
            Event::Order(e) => Some(e.at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_hours_round_trip_and_reject_nonsense() {
        let json = r#"{"mon":[["09:00","12:00"],["13:00","24:00"]],"sat":[["10:00","14:00"]]}"#;
        let hours: WeeklyHours = serde_json::from_str(json).unwrap();
        assert!(hours.is_open(Weekday::Mon, 9 * 60));
        assert!(!hours.is_open(Weekday::Mon, 12 * 60));
        assert!(hours.is_open(Weekday::Mon, 23 * 60 + 59));
        assert!(!hours.is_open(Weekday::Sun, 11 * 60));
        assert_eq!(serde_json::to_string(&hours).unwrap(), json);

        for bad in [
            r#"{"mon":[["18:00","09:00"]]}"#,
            r#"{"monday":[["09:00","18:00"]]}"#,
            r#"{"mon":[["9:00","18:00"]]}"#,
            r#"{"mon":[["09:00","24:30"]]}"#,
        ] {
            assert!(serde_json::from_str::<WeeklyHours>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn spans_are_half_open() {
        let t = |s| crate::time::parse_instant(s).unwrap();
        let span = Span {
            shop: "s".into(),
            from: t("2026-07-01T00:00:00Z"),
            to: Some(t("2026-07-02T00:00:00Z")),
        };
        assert!(span.contains(t("2026-07-01T00:00:00Z")));
        assert!(!span.contains(t("2026-07-02T00:00:00Z")));
    }
}
