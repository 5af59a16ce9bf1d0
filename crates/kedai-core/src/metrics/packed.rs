//! A conversation's facts packed into one byte string, for the live windows that stay in
//! memory all day (issue 6: idle memory). Unpacked, an item is 168 bytes plus its message
//! id and instants on the heap, and each vector holds room for four; packed, a conversation
//! is one allocation: 146 bytes on average over the 50,000 conversations (103,668 items) of
//! the desktop benchmark's file. A conversation is unpacked only while its share is
//! evaluated.
//!
//! The format: the buyer first (read alone by [`Packed::buyer`]), then the conversation, the
//! items and the sessions. Integers are LEB128 varints (signed ones zigzag), each instant
//! is its seconds as a difference from the previous instant's and its sub-second part in
//! milliseconds where it is whole, so every `Ts` comes back exactly.

use chrono::DateTime;

use super::LiveConv;
use crate::clock::{Exclusion, Item, Session};
use crate::model::Score;
use crate::policy::Policy;
use crate::time::Ts;

/// A [`LiveConv`], packed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Packed(Box<[u8]>);

/// The scores by their packed number; `score_number` is its inverse.
const SCORES: [Score; 5] = [
    Score::VerySatisfied,
    Score::Satisfied,
    Score::Neutral,
    Score::Dissatisfied,
    Score::VeryDissatisfied,
];

/// Exhaustive: a new score does not compile until it has a number.
fn score_number(s: Score) -> u64 {
    match s {
        Score::VerySatisfied => 0,
        Score::Satisfied => 1,
        Score::Neutral => 2,
        Score::Dissatisfied => 3,
        Score::VeryDissatisfied => 4,
    }
}

/// Item flags: the two booleans, then which optional fields are present.
const FIRST_IN_SESSION: u32 = 1;
const WEEKEND_MOVED: u32 = 1 << 1;
const EXCLUDED_AT: u32 = 1 << 2;
const DUE_SOON_AT: u32 = 1 << 3;
const DEADLINE2: u32 = 1 << 4;
const AGENT_REPLY_AT: u32 = 1 << 5;
const AUTO_REPLY_AT: u32 = 1 << 6;
const FOLLOWUP_AT: u32 = 1 << 7;
const CLOSED_AT: u32 = 1 << 8;
/// Session flags.
const SELLER_INITIATED: u32 = 1;
const ENDED_BY_AGENT: u32 = 1 << 1;

impl Packed {
    pub fn pack(conv: &LiveConv) -> Packed {
        let mut w = Writer::default();
        w.str(&conv.buyer);
        w.str(&conv.conversation);
        w.uint(conv.items.len() as u64);
        for item in &conv.items {
            w.item(item);
        }
        w.uint(conv.sessions.len() as u64);
        for session in &conv.sessions {
            w.session(session);
        }
        Packed(w.buf.into_boxed_slice())
    }

    pub fn unpack(&self) -> LiveConv {
        let mut r = Reader::new(&self.0);
        let buyer = r.str().to_owned();
        let conversation = r.str().to_owned();
        let items = (0..r.uint()).map(|_| r.item()).collect();
        let sessions = (0..r.uint()).map(|_| r.session()).collect();
        LiveConv {
            conversation,
            buyer,
            items,
            sessions,
        }
    }

    /// The buyer, without unpacking the rest.
    pub fn buyer(&self) -> &str {
        Reader::new(&self.0).str()
    }
}

#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
    /// Seconds of the previous instant written.
    last: i64,
}

impl Writer {
    fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }

    fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn ts(&mut self, t: Ts) {
        let secs = t.timestamp();
        self.int(secs - self.last);
        self.last = secs;
        // Below 2 s (a leap second reads as 1.xxx s).
        let nanos = t.timestamp_subsec_nanos();
        match nanos % 1_000_000 {
            0 => self.uint(u64::from(nanos / 1_000_000) << 1),
            _ => self.uint(u64::from(nanos) << 1 | 1),
        }
    }

    fn opt_ts(&mut self, t: Option<Ts>) {
        if let Some(t) = t {
            self.ts(t);
        }
    }

    fn item(&mut self, item: &Item) {
        // Every field by name: a new field does not compile until it is packed.
        let Item {
            seq,
            message,
            opened_at,
            excluded,
            excluded_at,
            counted_at,
            session,
            first_in_session,
            policy,
            deadline,
            due_soon_at,
            deadline2,
            weekend_moved,
            agent_reply_at,
            auto_reply_at,
            followup_at,
            closed_at,
        } = item;
        let flags = flags([
            (*first_in_session, FIRST_IN_SESSION),
            (*weekend_moved, WEEKEND_MOVED),
            (excluded_at.is_some(), EXCLUDED_AT),
            (due_soon_at.is_some(), DUE_SOON_AT),
            (deadline2.is_some(), DEADLINE2),
            (agent_reply_at.is_some(), AGENT_REPLY_AT),
            (auto_reply_at.is_some(), AUTO_REPLY_AT),
            (followup_at.is_some(), FOLLOWUP_AT),
            (closed_at.is_some(), CLOSED_AT),
        ]);
        self.uint(flags);
        self.uint(u64::from(*seq));
        self.str(message);
        self.ts(*opened_at);
        self.uint(excluded.map_or(0, |e| index_of(&Exclusion::ALL, e) + 1));
        self.opt_ts(*excluded_at);
        self.uint(counted_at.len() as u64);
        for t in counted_at {
            self.ts(*t);
        }
        self.uint(u64::from(*session));
        self.uint(index_of(&Policy::ALL, *policy));
        self.ts(*deadline);
        for t in [
            due_soon_at,
            deadline2,
            agent_reply_at,
            auto_reply_at,
            followup_at,
            closed_at,
        ] {
            self.opt_ts(*t);
        }
    }

    fn session(&mut self, session: &Session) {
        let Session {
            index,
            started_at,
            seller_initiated,
            ended_at,
            ended_by_agent,
            ratings,
            agents,
        } = session;
        self.uint(flags([
            (*seller_initiated, SELLER_INITIATED),
            (*ended_by_agent, ENDED_BY_AGENT),
        ]));
        self.uint(u64::from(*index));
        self.ts(*started_at);
        self.ts(*ended_at);
        self.uint(ratings.len() as u64);
        for (at, score) in ratings {
            self.ts(*at);
            self.uint(score_number(*score));
        }
        self.uint(agents.len() as u64);
        for (agent, at) in agents {
            self.str(agent);
            self.ts(*at);
        }
    }
}

/// The bits whose flag is on.
fn flags<const N: usize>(bits: [(bool, u32); N]) -> u64 {
    let on = bits.into_iter().filter(|(on, _)| *on);
    on.fold(0, |acc, (_, bit)| acc | u64::from(bit))
}

fn index_of<T: PartialEq>(all: &[T], v: T) -> u64 {
    all.iter()
        .position(|x| *x == v)
        .expect("every variant is listed") as u64
}

/// Reads what [`Writer`] wrote. The bytes never leave the process, so a short or
/// malformed string is a bug and panics.
struct Reader<'b> {
    buf: &'b [u8],
    last: i64,
}

impl<'b> Reader<'b> {
    fn new(buf: &'b [u8]) -> Self {
        Reader { buf, last: 0 }
    }

    fn uint(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.buf[0];
            self.buf = &self.buf[1..];
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn u32(&mut self) -> u32 {
        u32::try_from(self.uint()).expect("packed as a u32")
    }

    fn int(&mut self) -> i64 {
        let v = self.uint();
        (v >> 1) as i64 ^ -((v & 1) as i64)
    }

    fn str(&mut self) -> &'b str {
        let len = self.uint() as usize;
        let (s, rest) = self.buf.split_at(len);
        self.buf = rest;
        std::str::from_utf8(s).expect("packed from a str")
    }

    fn ts(&mut self) -> Ts {
        let secs = self.last + self.int();
        self.last = secs;
        let sub = self.u32();
        let nanos = match sub & 1 {
            0 => (sub >> 1) * 1_000_000,
            _ => sub >> 1,
        };
        DateTime::from_timestamp(secs, nanos).expect("packed from a Ts")
    }

    fn opt_ts(&mut self, present: bool) -> Option<Ts> {
        present.then(|| self.ts())
    }

    fn item(&mut self) -> Item {
        let flags = self.u32();
        let on = |bit: u32| flags & bit != 0;
        let seq = self.u32();
        let message = self.str().to_owned();
        let opened_at = self.ts();
        let excluded = match self.uint() {
            0 => None,
            i => Some(Exclusion::ALL[i as usize - 1]),
        };
        let excluded_at = self.opt_ts(on(EXCLUDED_AT));
        let counted_at = (0..self.uint()).map(|_| self.ts()).collect();
        let session = self.u32();
        let policy = Policy::ALL[self.uint() as usize];
        let deadline = self.ts();
        Item {
            seq,
            message,
            opened_at,
            excluded,
            excluded_at,
            counted_at,
            session,
            first_in_session: on(FIRST_IN_SESSION),
            policy,
            deadline,
            due_soon_at: self.opt_ts(on(DUE_SOON_AT)),
            deadline2: self.opt_ts(on(DEADLINE2)),
            weekend_moved: on(WEEKEND_MOVED),
            agent_reply_at: self.opt_ts(on(AGENT_REPLY_AT)),
            auto_reply_at: self.opt_ts(on(AUTO_REPLY_AT)),
            followup_at: self.opt_ts(on(FOLLOWUP_AT)),
            closed_at: self.opt_ts(on(CLOSED_AT)),
        }
    }

    fn session(&mut self) -> Session {
        let flags = self.u32();
        let index = self.u32();
        let started_at = self.ts();
        let ended_at = self.ts();
        let ratings = (0..self.uint())
            .map(|_| (self.ts(), SCORES[self.uint() as usize]))
            .collect();
        let agents = (0..self.uint())
            .map(|_| (self.str().to_owned(), self.ts()))
            .collect();
        Session {
            index,
            started_at,
            seller_initiated: flags & SELLER_INITIATED != 0,
            ended_at,
            ended_by_agent: flags & ENDED_BY_AGENT != 0,
            ratings,
            agents,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use proptest::prelude::*;

    fn at(secs: i64, nanos: u32) -> Ts {
        Utc.timestamp_opt(secs, nanos).unwrap()
    }

    fn item(seq: u32, t: Ts, all: bool) -> Item {
        let some = |d: i64| all.then(|| t + Duration::milliseconds(d));
        Item {
            seq,
            message: format!("m-{seq}-ü"),
            opened_at: t,
            excluded: all.then_some(Exclusion::Automation),
            excluded_at: some(5),
            counted_at: vec![t, t + Duration::nanoseconds(1_234_567)],
            session: seq / 2,
            first_in_session: all,
            policy: Policy::Lazada10min,
            deadline: t + Duration::hours(12),
            due_soon_at: some(-60_000),
            deadline2: some(86_400_000),
            weekend_moved: !all,
            agent_reply_at: some(1),
            auto_reply_at: some(2),
            followup_at: some(3),
            closed_at: some(4),
        }
    }

    fn conv(t: Ts) -> LiveConv {
        LiveConv {
            conversation: "c-1".into(),
            buyer: "b-1".into(),
            items: vec![item(0, t, true), item(1, t, false), item(7, t, true)],
            sessions: vec![
                Session {
                    index: 0,
                    started_at: t,
                    seller_initiated: true,
                    ended_at: t + Duration::days(7),
                    ended_by_agent: false,
                    ratings: vec![(t, Score::Neutral), (t, Score::VeryDissatisfied)],
                    agents: vec![("agent ä".into(), t), ("b".into(), t)],
                },
                Session {
                    index: 1,
                    started_at: t - Duration::days(400),
                    seller_initiated: false,
                    ended_at: t,
                    ended_by_agent: true,
                    ratings: vec![],
                    agents: vec![],
                },
            ],
        }
    }

    #[test]
    fn every_field_comes_back() {
        for t in [
            at(1_795_476_473, 123_000_000),
            at(1_795_476_473, 1),
            at(-86_400 * 365, 999_999_999),
            at(0, 0),
            // A leap second.
            at(1_795_476_479, 1_500_000_000),
        ] {
            let c = conv(t);
            let p = Packed::pack(&c);
            assert_eq!(p.unpack(), c, "{t:?}");
            assert_eq!(p.buyer(), "b-1");
        }
        let empty = LiveConv::default();
        assert_eq!(Packed::pack(&empty).unpack(), empty);
    }

    #[test]
    fn scores_are_numbered_in_order() {
        for (i, s) in SCORES.into_iter().enumerate() {
            assert_eq!(score_number(s), i as u64);
        }
    }

    #[test]
    fn a_conversation_packs_to_a_fraction_of_its_size() {
        let c = conv(at(1_795_476_473, 123_000_000));
        let heap = std::mem::size_of::<Item>() * c.items.len()
            + std::mem::size_of::<Session>() * c.sessions.len();
        assert!(Packed::pack(&c).0.len() * 2 < heap);
    }

    proptest! {
        #[test]
        fn any_instants_come_back(secs in -1_000_000_000_000i64..1_000_000_000_000, nanos in 0u32..1_000_000_000, d in any::<i32>()) {
            let t = at(secs, nanos);
            let mut c = conv(t);
            c.items[1].deadline = t + Duration::seconds(i64::from(d));
            prop_assert_eq!(Packed::pack(&c).unpack(), c);
        }
    }
}
