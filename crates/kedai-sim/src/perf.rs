//! Shop performance figures computed from the ground truth, roughly as the platforms do:
//! a buyer-started conversation day counts as responded when an agent answers within 12 h.

use kedai_core::{Event, Sender, Ts};

use crate::state::{ShopState, World};

pub struct Summary {
    pub sessions: u64,
    pub response_rate: f64,
    pub response_mins: f64,
    pub satisfaction: f64,
}

pub fn summarize(w: &World, shop: &ShopState, from: Ts, to: Ts) -> Summary {
    let (mut sessions, mut responded, mut total_secs, mut timed) = (0u64, 0u64, 0i64, 0u64);
    for c in &shop.convs {
        let first = c
            .messages
            .iter()
            .find(|m| m.from == Sender::Buyer && m.at >= from && m.at < to);
        let Some(first) = first else { continue };
        sessions += 1;
        let reply = c
            .messages
            .iter()
            .find(|m| m.seq > first.seq && m.from == Sender::Agent);
        if let Some(r) = reply {
            let secs = (r.at - first.at).num_seconds();
            total_secs += secs;
            timed += 1;
            if secs <= 12 * 3600 {
                responded += 1;
            }
        }
    }
    let (mut rated, mut satisfied) = (0u64, 0u64);
    for e in &w.facts {
        if let Event::Rating(r) = e {
            if r.shop == shop.shop.shop && r.at >= from && r.at < to {
                rated += 1;
                satisfied += u64::from(r.score.is_satisfied());
            }
        }
    }
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Summary {
        sessions,
        response_rate: ratio(responded, sessions),
        response_mins: if timed == 0 {
            0.0
        } else {
            (total_secs as f64 / timed as f64 / 60.0 * 10.0).round() / 10.0
        },
        satisfaction: ratio(satisfied, rated),
    }
}
