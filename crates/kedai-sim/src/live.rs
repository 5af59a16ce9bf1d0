//! Live traffic while the clock runs: due replies are released and new buyer messages
//! arrive at `live_per_hour` per shop (sim time).

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use kedai_core::{Sender, Ts};
use rand::seq::SliceRandom;
use rand::Rng;
use tokio_util::sync::CancellationToken;

use crate::generate::{named_buyer, next_gap, pick_lang};
use crate::phrases::{self, Topic};
use crate::state::{Payload, Pending, Sim, World};

pub async fn run(sim: Arc<Sim>, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(StdDuration::from_millis(100));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tick.tick() => step(&sim),
        }
    }
}

fn step(sim: &Sim) {
    if !sim.live.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let now = sim.clock.now();
    let per_hour = sim.config.live_per_hour;
    let mut w = sim.write();
    release(&mut w, now);
    for shop in 0..w.shops.len() {
        while w.next_arrival.get(shop).is_some_and(|t| *t <= now) {
            let at = w.next_arrival[shop];
            arrive(&mut w, shop, at);
            let gap = next_gap(&mut w.rng, per_hour);
            w.next_arrival[shop] = at + gap;
        }
    }
    release(&mut w, now);
}

fn release(w: &mut World, now: Ts) {
    if !w.pending.iter().any(|p| p.at <= now) {
        return;
    }
    let (mut due, rest): (Vec<Pending>, Vec<Pending>) = std::mem::take(&mut w.pending)
        .into_iter()
        .partition(|p| p.at <= now);
    w.pending = rest;
    due.sort_by_key(|p| (p.at, p.shop, p.conv));
    for p in due {
        if let Some(shop) = w.shops.get_mut(p.shop) {
            shop.push(p.conv, p.at, p.from, p.payload);
        }
    }
}

/// A buyer writes: in an existing conversation now and then, else a new one; an auto reply
/// and (often) an agent reply follow later.
fn arrive(w: &mut World, shop: usize, at: Ts) {
    let Some(s) = w.shops.get(shop) else { return };
    let region = s.shop.region;
    let auto = s.auto_reply;
    let existing: Vec<usize> = (0..s.convs.len())
        .filter(|&i| !s.convs[i].messages.is_empty())
        .collect();
    let reuse = !existing.is_empty() && w.rng.gen_bool(0.4);
    let conv = match existing.choose(&mut w.rng) {
        Some(&c) if reuse => c,
        _ => {
            let buyer = named_buyer(w, shop, None);
            match w.shops.get_mut(shop) {
                Some(s) => s.open_conv(buyer, at),
                None => return,
            }
        }
    };
    let lang = pick_lang(&mut w.rng, region);
    let topic = *[Topic::PrePurchase, Topic::Logistics, Topic::AfterSales]
        .choose(&mut w.rng)
        .unwrap_or(&Topic::PrePurchase);
    let words = phrases::opener(lang, topic)
        .choose(&mut w.rng)
        .copied()
        .unwrap_or("Hi");
    let reply_in = w.rng.gen_range(60..1800);
    let answer = w.rng.gen_bool(0.6).then(|| {
        phrases::agent_reply(lang, topic)
            .choose(&mut w.rng)
            .copied()
            .unwrap_or("Thank you!")
    });
    if let Some(s) = w.shops.get_mut(shop) {
        s.push(conv, at, Sender::Buyer, Payload::Text(words.to_owned()));
    }
    if auto {
        w.pending.push(Pending {
            shop,
            conv,
            at: at + Duration::seconds(3),
            from: Sender::Auto,
            payload: Payload::Text(phrases::auto_reply(lang).to_owned()),
        });
    }
    if let Some(text) = answer {
        w.pending.push(Pending {
            shop,
            conv,
            at: at + Duration::seconds(reply_in),
            from: Sender::Agent,
            payload: Payload::Text(text.to_owned()),
        });
    }
}
