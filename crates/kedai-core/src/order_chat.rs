//! Whether a seller may start (or reopen) a chat with a buyer from one of the buyer's orders:
//! seed 002's "Manage Orders / Manage Returns" entry and each platform's API.
//!
//! - TikTok Shop (seed 002, "How to Access This Feature", routes 2 and 3): "You can start a
//!   conversation if the order was created within the last 60 days, or there is an ongoing
//!   return/dispute".
//! - Lazada (marketplace-apis.md, `/im/session/open`): the order is at most 30 days old.
//! - Shopee: neither the seeds nor the API reference name a limit; `send_message` addresses
//!   the buyer by user id (`to_id`), so a seller can always write to a buyer with an order.

use chrono::Duration;

use crate::model::Platform;
use crate::time::Ts;

/// TikTok Shop: an order created within the last 60 days (seed 002).
pub const TIKTOK_ORDER_DAYS: i64 = 60;
/// Lazada: `/im/session/open` takes an order at most 30 days old (marketplace-apis.md).
pub const LAZADA_ORDER_DAYS: i64 = 30;

/// The answer, with the sentence the app shows either way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub allowed: bool,
    pub reason: String,
}

/// Whether an order status names a return, refund or dispute still in progress. Order
/// statuses are free text in the event log; one naming a return, refund or dispute counts
/// as ongoing unless it also says it is over.
pub fn ongoing_return_or_dispute(status: Option<&str>) -> bool {
    let Some(s) = status else { return false };
    let s = s.to_ascii_lowercase();
    let about = ["return", "refund", "dispute"]
        .iter()
        .any(|w| s.contains(w));
    let over = [
        "complete", "closed", "cancel", "reject", "resolved", "finished", "done",
    ]
    .iter()
    .any(|w| s.contains(w));
    about && !over
}

/// May the seller start a chat from this order at `now`?
pub fn can_start_chat(
    platform: Platform,
    order_at: Ts,
    order_status: Option<&str>,
    now: Ts,
) -> Eligibility {
    let age = now - order_at;
    let days = age.num_days();
    let within = |limit: i64| age <= Duration::days(limit);
    match platform {
        Platform::Tiktok => {
            if within(TIKTOK_ORDER_DAYS) {
                ok(format!(
                    "TikTok Shop allows a chat from an order created within the last {TIKTOK_ORDER_DAYS} days (this one: {days} days ago)."
                ))
            } else if ongoing_return_or_dispute(order_status) {
                ok(format!(
                    "The order is {days} days old, but TikTok Shop allows a chat while a return or dispute is ongoing."
                ))
            } else {
                refuse(format!(
                    "TikTok Shop only allows a chat from an order created within the last {TIKTOK_ORDER_DAYS} days or with an ongoing return or dispute; this order is {days} days old and has none."
                ))
            }
        }
        Platform::Lazada => {
            if within(LAZADA_ORDER_DAYS) {
                ok(format!(
                    "Lazada opens a chat from an order at most {LAZADA_ORDER_DAYS} days old (this one: {days} days)."
                ))
            } else {
                refuse(format!(
                    "Lazada only opens a chat from an order at most {LAZADA_ORDER_DAYS} days old; this order is {days} days old."
                ))
            }
        }
        Platform::Shopee => ok(
            "Shopee names no order-age limit: the seller can write to the buyer directly.".into(),
        ),
    }
}

fn ok(reason: String) -> Eligibility {
    Eligibility {
        allowed: true,
        reason,
    }
}

fn refuse(reason: String) -> Eligibility {
    Eligibility {
        allowed: false,
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_instant;
    use rstest::rstest;

    fn t(s: &str) -> Ts {
        parse_instant(s).unwrap()
    }

    const NOW: &str = "2026-07-20T12:00:00Z";

    // Seed 002: "The order was created within the last 60 days / There is an ongoing
    // return/dispute"; marketplace-apis.md: Lazada `/im/session/open` takes `order_id` (≤ 30
    // days old); Shopee names no limit.
    #[rstest]
    #[case::tiktok_59_days(Platform::Tiktok, "2026-05-22T12:00:00Z", None, true)]
    #[case::tiktok_exactly_60_days(Platform::Tiktok, "2026-05-21T12:00:00Z", None, true)]
    #[case::tiktok_61_days(Platform::Tiktok, "2026-05-20T11:00:00Z", None, false)]
    #[case::tiktok_old_with_ongoing_return(
        Platform::Tiktok,
        "2026-01-02T00:00:00Z",
        Some("return_requested"),
        true
    )]
    #[case::tiktok_old_with_open_dispute(
        Platform::Tiktok,
        "2026-01-02T00:00:00Z",
        Some("In Dispute"),
        true
    )]
    #[case::tiktok_old_with_finished_refund(
        Platform::Tiktok,
        "2026-01-02T00:00:00Z",
        Some("refund_completed"),
        false
    )]
    #[case::tiktok_old_delivered(
        Platform::Tiktok,
        "2026-01-02T00:00:00Z",
        Some("delivered"),
        false
    )]
    #[case::lazada_30_days(Platform::Lazada, "2026-06-20T12:00:00Z", None, true)]
    #[case::lazada_31_days(Platform::Lazada, "2026-06-19T12:00:00Z", None, false)]
    #[case::lazada_return_does_not_extend(
        Platform::Lazada,
        "2026-06-01T12:00:00Z",
        Some("return_requested"),
        false
    )]
    #[case::shopee_any_age(Platform::Shopee, "2025-01-01T00:00:00Z", None, true)]
    fn order_chat_eligibility_follows_seed_002_and_the_lazada_api(
        #[case] platform: Platform,
        #[case] order_at: &str,
        #[case] status: Option<&str>,
        #[case] allowed: bool,
    ) {
        let e = can_start_chat(platform, t(order_at), status, t(NOW));
        assert_eq!(e.allowed, allowed, "{}", e.reason);
        assert!(!e.reason.is_empty());
    }

    #[test]
    fn a_refusal_says_the_rule_and_the_order_age() {
        let e = can_start_chat(Platform::Lazada, t("2026-06-01T12:00:00Z"), None, t(NOW));
        assert!(e.reason.contains("30 days"), "{}", e.reason);
        assert!(e.reason.contains("49 days old"), "{}", e.reason);
    }
}
