use super::*;

fn rules(text: &str) -> Vec<GuardRule> {
    scan(text).into_iter().map(|f| f.rule).collect()
}

#[test]
fn each_rule_finds_its_example_and_names_the_span() {
    let f = scan("pm me 012-345 6789 ok");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].rule, GuardRule::PhoneNumber);
    assert_eq!(f[0].excerpt, "012-345 6789");
    assert_eq!(rules("mail me: a.b@shop.my."), [GuardRule::EmailAddress]);
    assert_eq!(rules("see www.example.com"), [GuardRule::ExternalLink]);
    assert_eq!(rules("whatsapp saya"), [GuardRule::MessagingAccount]);
    assert!(rules("bank in ke Maybank 514012345678").contains(&GuardRule::PaymentAccount));
    assert_eq!(
        rules("please cancel your order"),
        [GuardRule::CancelRequest]
    );
    assert_eq!(
        rules("beli terus dengan kami"),
        [GuardRule::OffPlatformPromotion]
    );
    assert_eq!(rules("5 stars = free gift"), [GuardRule::ReviewReward]);
    assert_eq!(rules("dasar goblok"), [GuardRule::AbusiveLanguage]);
    assert!(rules("another customer at 12 Jalan Mawar").contains(&GuardRule::BuyerPersonalData));
}

#[test]
fn spans_are_byte_offsets_into_the_message_as_written() {
    let text = "Đơn của bạn: gọi 0903 123 456 nhé";
    let f = scan(text);
    assert_eq!(f.len(), 1);
    assert_eq!(&text[f[0].start..f[0].end], "0903 123 456");
}

#[test]
fn order_and_tracking_numbers_and_platform_links_are_clean() {
    for clean in [
        "Your order 576123456789012345 has shipped",
        "tracking: JNTMY0012345678",
        "No resi JNT 0012345678901 ya kak",
        "Our shop: shopee.com.my/kedaiayu",
        "The platform cancelled the order automatically",
        "Thank you for the 5 star review!",
        "Price RM 39.90, 11.11 sale",
    ] {
        assert!(rules(clean).is_empty(), "{clean}: {:?}", scan(clean));
    }
}

#[test]
fn blocked_rules_block_others_warn() {
    let mut settings = GuardSettings::default();
    assert!(!check("whatsapp me", &settings).blocked);
    settings.blocked.insert(GuardRule::MessagingAccount);
    assert!(check("whatsapp me", &settings).blocked);
    assert!(!check("hello", &settings).blocked);
    assert!(GuardRule::parse("links")
        .unwrap_err()
        .contains("external_link"));
}
