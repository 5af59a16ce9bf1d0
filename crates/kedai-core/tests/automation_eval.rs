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

#[test]
fn the_right_reply_is_in_the_top_three_for_held_out_questions() {
    for filler in [0, 10_000] {
        let setup = suggest_setup(filler);
        for part in [Part::Tuning, Part::HeldOut] {
            let (top3, top1, misses) = suggest_hits(&setup, part);
            println!(
                "suggest: good reply in top 3, {} part, {} past messages:\n{}  (top 1: {:.1} %)",
                part.name(),
                setup.past_messages,
                top3.lines(),
                100.0 * top1.rate("all")
            );
            if std::env::var_os("KEDAI_EVAL_MISSES").is_some() && part == Part::Tuning {
                for m in &misses {
                    println!("  miss: {m}");
                }
            }
            // The target is judged on the shop's own history; the run with generated filler
            // (random bags of real buyer words answered by unrelated replies) is a stress
            // figure, printed, not asserted.
            if part == Part::HeldOut && filler == 0 {
                assert!(top3.rate("all") >= 0.70, "suggestions below 70 % top-3");
            }
        }
    }
}
