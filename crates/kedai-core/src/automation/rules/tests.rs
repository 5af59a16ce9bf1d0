use super::*;
use crate::time::parse_instant;

fn shop(platform: Platform) -> Shop {
    Shop {
        shop: "s1".into(),
        platform,
        region: Region::MY,
        tz: chrono_tz::Asia::Kuala_Lumpur,
        name: None,
        mall: None,
    }
}

fn msg(id: &str, at: &str, from: Sender, text: &str) -> Message {
    Message {
        shop: "s1".into(),
        conversation: "c1".into(),
        id: id.into(),
        at: parse_instant(at).unwrap(),
        from,
        buyer: "b1".into(),
        kind: Kind::Text,
        text: Some(text.into()),
        agent: None,
        faq_chat_with_agent: None,
        platform_handled: None,
    }
}

fn rules() -> Vec<Rule> {
    parse_rules(
        r#"[
        {"id":"refund","name":"Refund help","priority":1,"trigger":{"type":"intent","intent":"aftersales"},
         "schedule":"weekends","reply":"Hi {buyer_name}, sorry! An agent will check order {order_id} on {next_opening}."},
        {"id":"weekend","name":"Weekend hello","priority":5,"trigger":{"type":"first_message"},
         "schedule":"weekends","reply":"Hi {buyer_name}, we are away. Hours: {shop_hours}."},
        {"id":"photo","name":"Photos","priority":3,"trigger":{"type":"kind","kinds":["image"]},
         "schedule":"always","reply":"Thanks for the photo!","sender":"auto","shops":["other"]}
    ]"#,
    )
    .unwrap()
}

fn timeline() -> ShopTimeline {
    let hours = serde_json::from_str(r#"{"mon":[["09:00","18:00"]],"tue":[["09:00","18:00"]],"wed":[["09:00","18:00"]],"thu":[["09:00","18:00"]],"fri":[["09:00","18:00"]]}"#).unwrap();
    ShopTimeline {
        operating_hours: vec![OperatingHours {
            shop: "s1".into(),
            at: parse_instant("2026-01-01T00:00:00Z").unwrap(),
            hours,
        }],
        ..Default::default()
    }
}

#[test]
fn the_first_matching_rule_by_priority_fires_with_its_variables_filled() {
    let s = shop(Platform::Tiktok);
    let t = timeline();
    let order = Order {
        shop: "s1".into(),
        buyer: "b1".into(),
        id: "5761".into(),
        at: parse_instant("2026-07-10T10:00:00+08:00").unwrap(),
        amount: None,
        currency: None,
        status: Some("delivered".into()),
    };
    // Saturday 18 July 2026.
    let m = msg(
        "m1",
        "2026-07-18T10:00:00+08:00",
        Sender::Buyer,
        "barang rosak, nak refund",
    );
    let input = RuleInput {
        shop: &s,
        timeline: &t,
        earlier: &[],
        message: &m,
        buyer_name: Some("Aina"),
        order: Some(&order),
        now: m.at,
    };
    let f = evaluate(&rules(), &IntentTagger::default(), input).unwrap();
    assert_eq!(f.rule, "refund");
    assert_eq!(f.reply.from, Sender::Bot);
    assert_eq!(
        f.reply.text.as_deref(),
        Some("Hi Aina, sorry! An agent will check order 5761 on Monday 09:00.")
    );
    let hello = msg("m2", "2026-07-18T10:00:00+08:00", Sender::Buyer, "hello");
    let f = evaluate(
        &rules(),
        &IntentTagger::default(),
        RuleInput {
            message: &hello,
            buyer_name: None,
            ..input
        },
    )
    .unwrap();
    assert_eq!(f.rule, "weekend");
    assert_eq!(
        f.reply.text.as_deref(),
        Some("Hi, we are away. Hours: Mon–Fri 09:00–18:00.")
    );
}

#[test]
fn never_twice_in_a_row_and_at_most_once_per_inquiry() {
    let s = shop(Platform::Tiktok);
    let t = timeline();
    let first = msg("m1", "2026-07-18T10:00:00+08:00", Sender::Buyer, "hello");
    let bot = msg(
        "m2",
        "2026-07-18T10:00:01+08:00",
        Sender::Bot,
        "we are away",
    );
    let again = msg(
        "m3",
        "2026-07-18T10:05:00+08:00",
        Sender::Buyer,
        "broken item, refund pls",
    );
    let earlier = [first, bot];
    let input = RuleInput {
        shop: &s,
        timeline: &t,
        earlier: &earlier,
        message: &again,
        buyer_name: None,
        order: None,
        now: again.at,
    };
    assert_eq!(
        evaluate(&rules(), &IntentTagger::default(), input),
        Err(NoFire::AlreadyAnswered)
    );
    // After an agent's answer a new inquiry may get its own automated answer.
    let agent = msg("m4", "2026-07-18T11:00:00+08:00", Sender::Agent, "hi!");
    let earlier = [earlier[0].clone(), earlier[1].clone(), again.clone(), agent];
    let later = msg(
        "m5",
        "2026-07-18T12:00:00+08:00",
        Sender::Buyer,
        "parcel rosak",
    );
    let f = evaluate(
        &rules(),
        &IntentTagger::default(),
        RuleInput {
            earlier: &earlier,
            message: &later,
            now: later.at,
            ..input
        },
    );
    assert_eq!(f.unwrap().rule, "refund");
}

#[test]
fn schedules_follow_local_time_and_rules_their_shops() {
    let s = shop(Platform::Shopee);
    let t = timeline();
    // Monday 10:00 local: inside hours, not the weekend.
    let m = msg("m1", "2026-07-20T10:00:00+08:00", Sender::Buyer, "hello");
    let input = RuleInput {
        shop: &s,
        timeline: &t,
        earlier: &[],
        message: &m,
        buyer_name: None,
        order: None,
        now: m.at,
    };
    assert_eq!(
        evaluate(&rules(), &IntentTagger::default(), input),
        Err(NoFire::NoRuleMatched)
    );
    assert!(in_schedule(
        Schedule::OutsideHours,
        &s,
        &t,
        parse_instant("2026-07-20T20:00:00+08:00").unwrap()
    ));
    // Friday 23:59 local is not yet the weekend even though it is Saturday in UTC+14.
    assert!(!in_schedule(
        Schedule::Weekends,
        &s,
        &t,
        parse_instant("2026-07-17T23:59:00+08:00").unwrap()
    ));
    assert!(in_schedule(
        Schedule::Weekends,
        &s,
        &t,
        parse_instant("2026-07-18T00:00:00+08:00").unwrap()
    ));
}

#[test]
fn a_bad_rule_names_the_problem() {
    let bad = r#"{"id":"x","name":"x","priority":1,"trigger":{"type":"first_message"},"schedule":"always","reply":"Hi {buyer}"}"#;
    assert!(parse_rules(bad)
        .unwrap_err()
        .contains("unknown variable `{buyer}`"));
    let bad = r#"{"id":"x","name":"x","priority":1,"trigger":{"type":"keywords","keywords":[]},"schedule":"always","reply":"Hi"}"#;
    assert!(parse_rules(bad)
        .unwrap_err()
        .contains("at least one keyword"));
    let bad = r#"{"id":"x","name":"x","priority":1,"trigger":{"type":"first_message"},"schedule":"sometimes","reply":"Hi"}"#;
    assert!(parse_rules(bad).unwrap_err().contains("sometimes"));
}

#[test]
fn each_platform_says_what_automation_does_to_its_metrics() {
    assert!(platform_effect(Platform::Tiktok, false).resolves_unless_buyer_writes_again);
    assert!(platform_effect(Platform::Tiktok, true).counts_as_reply);
    let shopee = platform_effect(Platform::Shopee, false);
    assert!(!shopee.counts_as_reply && !shopee.resolves_unless_buyer_writes_again);
    let cov = weekend_coverage(
        &rules(),
        &[
            shop(Platform::Tiktok),
            Shop {
                shop: "s2".into(),
                ..shop(Platform::Shopee)
            },
        ],
    );
    assert_eq!(cov.get("s1"), Some(&true));
    assert_eq!(cov.get("s2"), None);
}
