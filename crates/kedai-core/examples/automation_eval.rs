//! Prints every measured figure of issue 5 (see `crates/kedai-core/AUTOMATION.md`):
//! `cargo run --release -p kedai-core --example automation_eval`.

#[path = "../tests/automation_eval/support.rs"]
mod support;

use std::time::Instant;

use kedai_core::automation::rules::TemplateValues;
use support::*;

fn main() {
    for part in [Part::Tuning, Part::HeldOut] {
        let r = tag_report(part);
        println!(
            "intent accuracy, {} part:\n{}",
            part.name(),
            r.intent.lines()
        );
        println!(
            "sentiment accuracy, {} part:\n{}",
            part.name(),
            r.sentiment.lines()
        );
    }
    for part in [Part::Tuning, Part::HeldOut] {
        let r = guard_report(part);
        println!(
            "guard: violations caught under their own rule, {} part:\n{}",
            part.name(),
            r.caught.lines()
        );
        println!(
            "guard: clean messages flagged, {} part:\n{}",
            part.name(),
            r.false_positives.lines()
        );
    }
    let setup = suggest_setup(0);
    let (top3, top1, _) = suggest_hits(&setup, Part::HeldOut);
    println!(
        "suggest: good reply in top 3, held-out part, {} past messages:\n{}  (top 1: {:.1} %)\n",
        setup.past_messages,
        top3.lines(),
        100.0 * top1.rate("all")
    );

    // Latency with 100,000 past messages: 50,000 question → reply pairs.
    let started = Instant::now();
    let setup = suggest_setup(50_000 - 64);
    let build = started.elapsed();
    let (top3, _, _) = suggest_hits(&setup, Part::HeldOut);
    let questions: Vec<&str> = setup.held_out.iter().map(|(_, _, q)| q.as_str()).collect();
    let mut times = Vec::new();
    for _ in 0..20 {
        for q in &questions {
            let t = Instant::now();
            let s = setup.index.suggest(q, &TemplateValues::default(), 3);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(s);
        }
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    println!(
        "suggest latency, {} past messages, {} queries: median {:.3} ms, p99 {:.3} ms, max {:.3} ms \
         (index built in {:.0} ms, not counted); top 3 with this filler: {:.1} %",
        setup.past_messages,
        times.len(),
        pct(0.5),
        pct(0.99),
        times[times.len() - 1],
        build.as_secs_f64() * 1000.0,
        100.0 * top3.rate("all")
    );
}
