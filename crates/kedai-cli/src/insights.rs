//! `kedai insights`: seed 002's insight tags on one buyer, each with why it applies, and the
//! figures the seller center shows beside them.

use std::path::PathBuf;

use clap::Args;
use kedai_core::automation::insights::InsightSettings;
use kedai_core::time::{format_instant, parse_instant};
use kedai_core::Ts;
use serde_json::json;

use crate::automation::{json_line, now, open, out, store_err, Fail};

#[derive(Args)]
pub struct InsightsArgs {
    #[arg(long)]
    db: PathBuf,
    #[arg(long)]
    shop: String,
    #[arg(long)]
    buyer: String,
    /// The instant the insights are computed at (RFC 3339 with an offset); default now.
    #[arg(long, value_parser = parse_instant)]
    at: Option<Ts>,
    /// An order, or the buyer's total, at or above this amount is high value (High priority).
    #[arg(long)]
    high_value: Option<f64>,
    #[arg(long)]
    json: bool,
}

/// "2 h 05 min": whole minutes, hours when there are any, days past a day.
fn duration(secs: i64) -> String {
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h) {
        (0, 0) => format!("{m} min"),
        (0, _) => format!("{h} h {m:02} min"),
        _ => format!("{d} d {h} h {m:02} min"),
    }
}

pub fn insights(args: &InsightsArgs) -> Result<(), Fail> {
    let db = &args.db;
    let store = open(db)?;
    let at = args.at.unwrap_or_else(now);
    let settings = InsightSettings {
        high_value_amount: args.high_value,
    };
    let i = store
        .insights(&args.shop, &args.buyer, &settings, at)
        .map_err(|e| store_err(db, e))?;
    let tags = i.tags();
    if args.json {
        return json_line(&json!({
            "shop": args.shop,
            "buyer": i.buyer,
            "at": format_instant(at),
            "tags": tags,
            "waiting_time_secs": i.waiting_time_secs,
            "past_chats_30d": i.past_chats_30d,
            "average_csat_30d": i.average_csat_30d,
            "total_orders": i.total_orders,
            "total_gmv": i.total_gmv,
        }));
    }
    let mut s = format!(
        "buyer {} of shop {} at {}\n",
        i.buyer,
        args.shop,
        format_instant(at)
    );
    if tags.is_empty() {
        s += "tags: none\n";
    } else {
        s += "tags:\n";
        for t in &tags {
            s += &format!("  {}: {}\n", t.label, t.why);
        }
    }
    s += &format!(
        "waiting time: {}\n",
        i.waiting_time_secs.map_or_else(
            || "no reply from the shop yet".to_owned(),
            |w| format!("{} since the shop's last reply", duration(w))
        )
    );
    s += &format!("past chats (30 d): {}\n", i.past_chats_30d);
    s += &format!(
        "average CSAT (30 d): {}\n",
        i.average_csat_30d
            .map_or_else(|| "no rating".to_owned(), |c| format!("{c:.2} of 5"))
    );
    s += &format!("total orders: {}\n", i.total_orders);
    let gmv: Vec<String> = i
        .total_gmv
        .iter()
        .map(|(currency, v)| format!("{v:.2} {currency}").trim_end().to_owned())
        .collect();
    s += &format!(
        "total GMV: {}\n",
        if gmv.is_empty() {
            "0".to_owned()
        } else {
            gmv.join(", ")
        }
    );
    out(&s)
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn waiting_times_read_in_minutes_hours_and_days() {
        assert_eq!(duration(59), "0 min");
        assert_eq!(duration(7500), "2 h 05 min");
        assert_eq!(duration(90_061), "1 d 1 h 01 min");
    }
}
