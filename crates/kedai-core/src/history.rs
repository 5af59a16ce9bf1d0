//! A shop's history assembled from events: the input of the reply clock.
//!
//! Lines of an event log may come in any order. Everything here is sorted by a total
//! order over the facts themselves, so results never depend on line order.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use crate::model::*;
use crate::time::Ts;

/// The shop-wide facts that move the clock of every conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShopTimeline {
    pub holiday_mode: Vec<Span>,
    pub weekend_coverage: Vec<Span>,
    pub operating_hours: Vec<OperatingHours>,
    /// Official holidays added by the event log or the seller, on top of the shipped calendar.
    pub extra_holidays: BTreeMap<NaiveDate, Option<String>>,
}

impl ShopTimeline {
    pub fn in_holiday_mode(&self, t: Ts) -> bool {
        self.holiday_mode.iter().any(|s| s.contains(t))
    }

    pub fn weekend_coverage_on(&self, t: Ts) -> bool {
        self.weekend_coverage.iter().any(|s| s.contains(t))
    }

    /// The operating hours in force at `t`: the latest declared at or before it.
    pub fn hours_at(&self, t: Ts) -> Option<&WeeklyHours> {
        self.operating_hours
            .iter()
            .rev()
            .find(|h| h.at <= t)
            .map(|h| &h.hours)
    }

    pub fn sort(&mut self) {
        self.holiday_mode.sort();
        self.weekend_coverage.sort();
        self.operating_hours.sort();
    }
}

/// Everything known about one conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationFacts {
    pub conversation: String,
    pub buyer: String,
    pub messages: Vec<Message>,
    pub marks: Vec<Mark>,
    pub ratings: Vec<Rating>,
    /// The buyer's state changes (blocked, account state), in time order.
    pub buyer_states: Vec<BuyerFact>,
}

impl ConversationFacts {
    /// Puts every list in its canonical order. Messages at the same instant: the buyer's
    /// first (an automatic welcome carries the same second as the message it answers).
    pub fn sort(&mut self) {
        self.messages
            .sort_by(|a, b| message_order(a).cmp(&message_order(b)));
        self.marks.sort();
        self.ratings.sort();
        self.buyer_states.sort();
    }
}

fn message_order(m: &Message) -> (Ts, bool, &str) {
    (m.at, m.from != Sender::Buyer, &m.id)
}

/// The buyer's blocked flag and account state at `t`.
pub fn buyer_state_at(states: &[BuyerFact], t: Ts) -> (bool, AccountState) {
    let mut blocked = false;
    let mut account = AccountState::Active;
    for fact in states.iter().take_while(|f| f.at <= t) {
        // A fact sets only the fields it carries; the others keep their earlier value.
        if let Some(b) = fact.blocked {
            blocked = b;
        }
        if let Some(a) = fact.account_state {
            account = a;
        }
    }
    (blocked, account)
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShopHistory {
    pub shop: Shop,
    pub timeline: ShopTimeline,
    pub conversations: BTreeMap<String, ConversationFacts>,
    pub buyers: BTreeMap<String, Vec<BuyerFact>>,
    pub orders: Vec<Order>,
}

impl ShopHistory {
    pub fn new(shop: Shop) -> Self {
        ShopHistory {
            shop,
            timeline: ShopTimeline::default(),
            conversations: BTreeMap::new(),
            buyers: BTreeMap::new(),
            orders: Vec::new(),
        }
    }
}

/// A problem with one line of an event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Parses one line. Blank lines are `Ok(None)`.
pub fn parse_line(text: &str) -> Result<Option<Event>, String> {
    parse_line_with(text, &mut String::new())
}

/// How a message line starts when the tag comes first, as every writer of the log writes it.
const MESSAGE_TAG: &str = r#"{"type":"message","#;

/// [`parse_line`] with a buffer to reuse. A message line whose tag comes first is read
/// straight into a [`Message`] (an internally tagged enum first buffers every field of the
/// line, which costs about as much again); whatever that fast read does not accept is read
/// the ordinary way, so results and error messages are those of the `Event` reader.
fn parse_line_with(text: &str, buf: &mut String) -> Result<Option<Event>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(rest) = text.strip_prefix(MESSAGE_TAG) {
        buf.clear();
        buf.push('{');
        buf.push_str(rest);
        if let Ok(m) = serde_json::from_str::<Message>(buf) {
            return Ok(Some(Event::Message(m)));
        }
    }
    serde_json::from_str::<Event>(text)
        .map(Some)
        .map_err(|e| describe_json_error(text, e))
}

fn describe_json_error(text: &str, e: serde_json::Error) -> String {
    let mut msg = e.to_string();
    // serde_json appends "at line 1 column N", meaningless for a one-line record.
    if let Some(i) = msg.find(" at line ") {
        msg.truncate(i);
    }
    if e.is_syntax() || e.is_eof() {
        let what = if text.starts_with('{') {
            "malformed JSON"
        } else {
            "not a JSON object"
        };
        return format!("{what}: {msg} (column {})", e.column());
    }
    if msg.starts_with("unknown variant")
        && text.contains("\"type\"")
        && msg.contains("`shop`, `message`")
    {
        msg = format!("unknown event type: {msg}");
    }
    msg
}

/// Assembles events (with their line numbers) into per-shop histories, checking what a
/// single line cannot: that every shop is declared, that a conversation keeps one buyer,
/// that ids are not reused for different content.
#[derive(Debug, Default)]
pub struct HistoryBuilder {
    lenient: bool,
    shops: BTreeMap<String, ShopHistory>,
    pending: Vec<(usize, Event)>,
    errors: Vec<LineError>,
    /// The line of each message id, by shop (ids are per shop); a fast hash, since every
    /// message of a log passes through it.
    message_lines: HashMap<String, FxHashMap<String, usize>>,
    order_lines: HashMap<(String, String), usize>,
}

impl HistoryBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// In lenient mode a line that does not fit is skipped and returned as a warning.
    pub fn lenient(mut self, lenient: bool) -> Self {
        self.lenient = lenient;
        self
    }

    /// Declares a shop known from elsewhere (the store), as if by a `shop` line.
    pub fn known_shop(&mut self, shop: Shop) {
        self.add(0, Event::Shop(shop));
    }

    /// Declares a conversation known from elsewhere (the store), so that a mark or rating
    /// about it may come without any of its messages. Its shop must be known already.
    pub fn known_conversation(&mut self, shop: &str, conversation: &str, buyer: &str) {
        if let Some(s) = self.shops.get_mut(shop) {
            s.conversations
                .entry(conversation.to_owned())
                .or_insert_with(|| ConversationFacts {
                    conversation: conversation.to_owned(),
                    buyer: buyer.to_owned(),
                    ..Default::default()
                });
        }
    }

    /// Makes room for `additional` more events (a large batch then grows no list by
    /// doubling, copying what it holds each time).
    pub fn reserve(&mut self, additional: usize) {
        self.pending.reserve(additional);
    }

    /// Adds an event. Shop declarations are taken first whatever their line, since they
    /// carry no instant; everything else is checked when the history is built.
    pub fn add(&mut self, line: usize, event: Event) {
        match event {
            Event::Shop(shop) => match self.shops.get(&shop.shop) {
                Some(known) if known.shop != shop => self.errors.push(LineError {
                    line,
                    message: format!("shop `{}` is declared twice, differently", shop.shop),
                }),
                Some(_) => {}
                None => {
                    self.shops.insert(shop.shop.clone(), ShopHistory::new(shop));
                }
            },
            other => self.pending.push((line, other)),
        }
    }

    /// The histories, and the lines skipped in lenient mode; in strict mode every problem.
    pub fn build(mut self) -> Result<(History, Vec<LineError>), Vec<LineError>> {
        let pending = std::mem::take(&mut self.pending);
        // Room for every message id of each shop at once.
        let mut messages: HashMap<&str, usize> = HashMap::new();
        for (_, e) in &pending {
            if let Event::Message(m) = e {
                match messages.get_mut(m.shop.as_str()) {
                    Some(n) => *n += 1,
                    None => {
                        messages.insert(&m.shop, 1);
                    }
                }
            }
        }
        for (shop, n) in messages {
            let lines = self.message_lines.entry(shop.to_owned()).or_default();
            lines.reserve(n.saturating_sub(lines.len()));
        }
        // Messages first, so that a mark or rating can be checked against its conversation
        // wherever its line stands; otherwise in line order. The other events (few) wait
        // in a list of their own; the messages are placed as they come.
        let mut others = Vec::new();
        for (line, event) in pending {
            if !matches!(event, Event::Message(_)) {
                others.push((line, event));
            } else if let Err(message) = self.place(line, event) {
                self.errors.push(LineError { line, message });
            }
        }
        for (line, event) in others {
            if let Err(message) = self.place(line, event) {
                self.errors.push(LineError { line, message });
            }
        }
        self.errors.sort_by_key(|e| e.line);
        if !self.lenient && !self.errors.is_empty() {
            return Err(self.errors);
        }
        for shop in self.shops.values_mut() {
            shop.timeline.sort();
            shop.orders
                .sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
            for states in shop.buyers.values_mut() {
                states.sort();
            }
            for conv in shop.conversations.values_mut() {
                conv.buyer_states = shop.buyers.get(&conv.buyer).cloned().unwrap_or_default();
                conv.sort();
            }
        }
        Ok((History { shops: self.shops }, self.errors))
    }

    fn place(&mut self, line: usize, event: Event) -> Result<(), String> {
        let Some(shop) = self.shops.get_mut(event.shop()) else {
            return Err(format!(
                "shop `{}` is not declared by any `shop` line",
                event.shop()
            ));
        };
        let shop_id = &shop.shop.shop;
        match event {
            Event::Shop(_) => unreachable!("shops are placed by add"),
            Event::Message(m) => {
                let conv = match shop.conversations.get_mut(&m.conversation) {
                    Some(conv) => conv,
                    None => shop
                        .conversations
                        .entry(m.conversation.clone())
                        .or_insert_with(|| ConversationFacts {
                            conversation: m.conversation.clone(),
                            buyer: m.buyer.clone(),
                            ..Default::default()
                        }),
                };
                if conv.buyer != m.buyer {
                    return Err(format!(
                        "conversation `{}` is with buyer `{}`, not `{}`",
                        m.conversation, conv.buyer, m.buyer
                    ));
                }
                let lines = match self.message_lines.get_mut(shop_id.as_str()) {
                    Some(lines) => lines,
                    None => self.message_lines.entry(shop_id.clone()).or_default(),
                };
                if let Some(&first) = lines.get(&m.id) {
                    return match conv.messages.iter().find(|x| x.id == m.id) {
                        Some(x) if *x == m => Ok(()),
                        _ => Err(format!(
                            "message id `{}` was already used on line {first} for a different message",
                            m.id
                        )),
                    };
                }
                lines.insert(m.id.clone(), line);
                conv.messages.push(m);
            }
            Event::HolidayMode(s) => shop.timeline.holiday_mode.push(s),
            Event::WeekendCoverage(s) => shop.timeline.weekend_coverage.push(s),
            Event::OperatingHours(h) => shop.timeline.operating_hours.push(h),
            Event::PublicHoliday(h) => {
                shop.timeline.extra_holidays.insert(h.date, h.name);
            }
            Event::Buyer(b) => shop.buyers.entry(b.buyer.clone()).or_default().push(b),
            Event::Mark(m) => {
                m.check()?;
                conversation_of(shop, &m.conversation)?.marks.push(m)
            }
            Event::Rating(r) => conversation_of(shop, &r.conversation)?.ratings.push(r),
            Event::Order(o) => {
                let key = (shop_id.clone(), o.id.clone());
                if let Some(&first) = self.order_lines.get(&key) {
                    return match shop.orders.iter().find(|x| x.id == o.id) {
                        Some(x) if *x == o => Ok(()),
                        _ => Err(format!(
                            "order id `{}` was already used on line {first} for a different order",
                            o.id
                        )),
                    };
                }
                self.order_lines.insert(key, line);
                shop.orders.push(o);
            }
        }
        Ok(())
    }
}

fn conversation_of<'a>(
    shop: &'a mut ShopHistory,
    conversation: &str,
) -> Result<&'a mut ConversationFacts, String> {
    let id = &shop.shop.shop;
    shop.conversations
        .get_mut(conversation)
        .ok_or_else(|| format!("conversation `{conversation}` has no message in shop `{id}`"))
}

/// Every shop's history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub shops: BTreeMap<String, ShopHistory>,
}

/// Parses every line of an event log. Strict mode fails with every bad line; lenient mode
/// skips them and returns them as warnings.
pub fn parse_log(text: &str, lenient: bool) -> Result<ParsedLog, Vec<LineError>> {
    // A large log is read in two halves at once (lines are independent); the halves are
    // joined in line order, so the result is that of one pass.
    let (events, errors) = match split_at_line(text) {
        Some((first, second)) if text.len() >= PARALLEL_BYTES => {
            let skip = first.lines().count();
            let (a, b) = std::thread::scope(|s| {
                let second = s.spawn(|| parse_lines(second, skip));
                (parse_lines(first, 0), second.join())
            });
            let b = b.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let (mut events, mut errors) = a;
            events.extend(b.0);
            errors.extend(b.1);
            (events, errors)
        }
        _ => parse_lines(text, 0),
    };
    if !lenient && !errors.is_empty() {
        return Err(errors);
    }
    Ok(ParsedLog {
        events,
        warnings: errors,
    })
}

/// Logs from this size on are parsed on two threads.
const PARALLEL_BYTES: usize = 1 << 20;

/// `text` cut in two at the line break nearest its middle, if it has one there.
fn split_at_line(text: &str) -> Option<(&str, &str)> {
    let middle = text.len() / 2;
    let cut = middle + text.as_bytes()[middle..].iter().position(|&b| b == b'\n')? + 1;
    Some(text.split_at(cut))
}

/// Parses the lines of `text`, numbering them from `skip + 1`.
fn parse_lines(text: &str, skip: usize) -> (Vec<(usize, Event)>, Vec<LineError>) {
    let mut errors = Vec::new();
    let mut events = Vec::new();
    let mut buf = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = skip + i + 1;
        match parse_line_with(raw, &mut buf) {
            Ok(Some(e)) => events.push((line, e)),
            Ok(None) => {}
            Err(message) => errors.push(LineError { line, message }),
        }
    }
    (events, errors)
}

#[derive(Debug, Default)]
pub struct ParsedLog {
    pub events: Vec<(usize, Event)>,
    /// Lines skipped in lenient mode, with why.
    pub warnings: Vec<LineError>,
}

impl ParsedLog {
    /// Strict: the history, or every problem.
    pub fn into_history(self) -> Result<History, Vec<LineError>> {
        self.build(HistoryBuilder::new()).map(|(h, _)| h)
    }

    /// Feeds the events to `builder`; lenient warnings of both passes come back together.
    pub fn build(
        self,
        mut builder: HistoryBuilder,
    ) -> Result<(History, Vec<LineError>), Vec<LineError>> {
        for (line, e) in self.events {
            builder.add(line, e);
        }
        let (history, mut warnings) = builder.build()?;
        warnings.extend(self.warnings);
        warnings.sort_by_key(|e| e.line);
        Ok((history, warnings))
    }
}
