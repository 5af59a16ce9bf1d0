//! Issue 5's measured targets, on the held-out part of each labelled set (the tuning part is
//! printed beside it). Run with `--nocapture` to see the figures.

mod automation_eval {
    pub mod support;
}

use automation_eval::support::*;

#[test]
fn intent_and_sentiment_meet_their_targets_on_held_out_messages() {
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
        if std::env::var_os("KEDAI_EVAL_MISSES").is_some() && part == Part::Tuning {
            for m in &r.misses {
                println!("  miss: {m}");
            }
        }
        if part == Part::HeldOut {
            assert!(r.intent.rate("all") >= 0.85, "intent below 85 %");
            assert!(r.sentiment.rate("all") >= 0.80, "sentiment below 80 %");
        }
    }
}

#[test]
fn the_guard_catches_violations_and_spares_clean_messages_on_held_out_messages() {
    for part in [Part::Tuning, Part::HeldOut] {
        let r = guard_report(part);
        println!(
            "guard: violations caught under their own rule, {} part:\n{}",
            part.name(),
            r.caught.lines()
        );
        println!(
            "guard: violations with any finding, {} part:\n{}",
            part.name(),
            r.flagged_any.lines()
        );
        println!(
            "guard: clean messages flagged, {} part:\n{}",
            part.name(),
            r.false_positives.lines()
        );
        if std::env::var_os("KEDAI_EVAL_MISSES").is_some() && part == Part::Tuning {
            for m in &r.misses {
                println!("  miss: {m}");
            }
        }
        if part == Part::HeldOut {
            assert!(r.caught.rate("all") >= 0.95, "guard catches under 95 %");
            assert!(
                r.false_positives.rate("all") <= 0.02,
                "guard flags over 2 % of clean messages"
            );
        }
    }
}
