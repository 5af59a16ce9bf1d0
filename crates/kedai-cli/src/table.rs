//! The human-readable reports: plain aligned columns.

use kedai_core::engine::{InboxReport, MetricsReport};
use kedai_core::metrics::Unit;
use kedai_core::time::format_instant;
use kedai_core::{Figure, Status};

/// Left-aligned columns separated by two spaces; the last column is not padded.
fn columns(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 < r.len() {
                line.push_str(&format!("{cell:<w$}  ", w = widths[c]));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn duration(seconds: f64) -> String {
    let s = seconds.round() as i64;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m {:02}s", s / 60, s % 60),
        s => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

fn value(f: &Figure, v: Option<f64>) -> String {
    match (v, f.unit) {
        (None, _) => "–".to_owned(),
        (Some(v), Unit::Rate) => format!("{:.1}%", v * 100.0),
        (Some(v), Unit::Seconds) => duration(v),
        (Some(v), Unit::Count) => format!("{v}"),
    }
}

fn status(s: Status) -> &'static str {
    match s {
        Status::NotRated => "not rated",
        Status::Good => "good",
        Status::Warning => "warning",
        Status::Bad => "BAD",
        Status::NoTarget => "",
    }
}

pub fn metrics(report: &MetricsReport) -> String {
    let mut out = format!("Metrics at {}\n", format_instant(report.at));
    if report.shops.is_empty() {
        out.push_str("\nNo shops.\n");
    }
    for shop in &report.shops {
        out.push_str(&format!(
            "\n{}  {} {}{}\n",
            shop.shop,
            shop.platform.label(),
            shop.region.as_str(),
            shop.name
                .as_ref()
                .map(|n| format!("  ({n})"))
                .unwrap_or_default()
        ));
        let mut rows = vec![vec![
            "  metric".to_owned(),
            "value".to_owned(),
            "num/den".to_owned(),
            "pending".to_owned(),
            "target".to_owned(),
            "status".to_owned(),
            "excluded".to_owned(),
        ]];
        for (id, f) in &shop.metrics.figures {
            let excluded: Vec<String> = f
                .excluded
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(e, n)| format!("{} {n}", e.as_str()))
                .collect();
            let mut st = status(f.status).to_owned();
            if f.penalty_risk == Some(true) {
                st.push_str(", penalty risk");
            }
            let num_den = match f.unit {
                Unit::Count => f.numerator.to_string(),
                Unit::Seconds => format!("{} answers", f.denominator),
                Unit::Rate => format!("{}/{}", f.numerator, f.denominator),
            };
            rows.push(vec![
                format!("  {id}"),
                value(f, f.value),
                num_den,
                f.pending.to_string(),
                f.target.map(|t| value(f, Some(t))).unwrap_or_default(),
                st,
                excluded.join(", "),
            ]);
        }
        out.push_str(&columns(&rows));
    }
    out
}

pub fn inbox(report: &InboxReport) -> String {
    let mut out = format!("Inbox at {}\n", format_instant(report.at));
    let counts: Vec<String> = report
        .counts
        .iter()
        .map(|(f, n)| format!("{f} {n}"))
        .collect();
    out.push_str(&format!("{}\n\n", counts.join(" · ")));
    if report.conversations.is_empty() {
        out.push_str("No conversations.\n");
        return out;
    }
    let mut rows = vec![vec![
        "shop".to_owned(),
        "conversation".to_owned(),
        "deadline".to_owned(),
        "policy".to_owned(),
        "states".to_owned(),
    ]];
    for r in &report.conversations {
        let states: Vec<&str> = [
            (r.overdue, "overdue"),
            (r.due_soon, "due soon"),
            (r.unreplied, "unreplied"),
            (r.unread, "unread"),
            (r.starred, "starred"),
            (r.closed, "closed"),
            (r.weekend_moved, "weekend"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        rows.push(vec![
            r.shop.clone(),
            r.conversation.clone(),
            r.deadline
                .map(format_instant)
                .unwrap_or_else(|| "–".to_owned()),
            r.policy.map(|p| p.as_str().to_owned()).unwrap_or_default(),
            states.join(", "),
        ]);
    }
    out.push_str(&columns(&rows));
    out
}
