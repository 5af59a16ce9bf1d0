//! Seed 001's customer-service policy, checked on an outgoing message before it is queued:
//! links to other sites, phone numbers, e-mail addresses, other messaging accounts, bank
//! accounts and QR payment requests, asking the buyer to cancel, off-platform promotions,
//! rewards for reviews, abusive language, another buyer's personal data.
//!
//! Each finding names its rule and the offending span as byte offsets into the message as
//! written. The app warns and lets the agent edit or send anyway, except for the rules the
//! seller set to block ([`GuardSettings`]).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::text::{is_thai, normalize, tokens, Normalized, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardRule {
    ExternalLink,
    PhoneNumber,
    EmailAddress,
    MessagingAccount,
    PaymentAccount,
    CancelRequest,
    OffPlatformPromotion,
    ReviewReward,
    AbusiveLanguage,
    BuyerPersonalData,
}

impl GuardRule {
    pub const ALL: [GuardRule; 10] = [
        GuardRule::ExternalLink,
        GuardRule::PhoneNumber,
        GuardRule::EmailAddress,
        GuardRule::MessagingAccount,
        GuardRule::PaymentAccount,
        GuardRule::CancelRequest,
        GuardRule::OffPlatformPromotion,
        GuardRule::ReviewReward,
        GuardRule::AbusiveLanguage,
        GuardRule::BuyerPersonalData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GuardRule::ExternalLink => "external_link",
            GuardRule::PhoneNumber => "phone_number",
            GuardRule::EmailAddress => "email_address",
            GuardRule::MessagingAccount => "messaging_account",
            GuardRule::PaymentAccount => "payment_account",
            GuardRule::CancelRequest => "cancel_request",
            GuardRule::OffPlatformPromotion => "off_platform_promotion",
            GuardRule::ReviewReward => "review_reward",
            GuardRule::AbusiveLanguage => "abusive_language",
            GuardRule::BuyerPersonalData => "buyer_personal_data",
        }
    }

    pub fn parse(s: &str) -> Result<GuardRule, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown guard rule `{s}` ({})", names.join(", "))
            })
    }

    /// What seed 001 says, for the warning the agent sees.
    pub fn explain(self) -> &'static str {
        match self {
            GuardRule::ExternalLink => "links to sites outside the marketplace divert the sale",
            GuardRule::PhoneNumber => "phone numbers are contact information outside the chat",
            GuardRule::EmailAddress => "e-mail addresses are contact information outside the chat",
            GuardRule::MessagingAccount => "other messaging accounts move the buyer off the chat",
            GuardRule::PaymentAccount => {
                "bank accounts, wallets and QR payments ask for payment outside the platform"
            }
            GuardRule::CancelRequest => "sellers must not ask buyers to cancel an order",
            GuardRule::OffPlatformPromotion => {
                "promotions that take place off the platform are prohibited"
            }
            GuardRule::ReviewReward => {
                "rewards for a positive review or changed feedback are prohibited"
            }
            GuardRule::AbusiveLanguage => "abusive or insulting language",
            GuardRule::BuyerPersonalData => {
                "another buyer's personal information must not be shared"
            }
        }
    }
}

impl std::fmt::Display for GuardRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in an outgoing message: `start..end` are byte offsets into the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: GuardRule,
    pub start: usize,
    pub end: usize,
    pub excerpt: String,
}

/// The seller's choices: which rules block sending instead of warning.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardSettings {
    pub blocked: BTreeSet<GuardRule>,
}

/// The guard's answer for one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub findings: Vec<Finding>,
    /// Some finding is of a rule the seller blocks: the app must not queue the message.
    pub blocked: bool,
}

impl Verdict {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks a message against every rule.
pub fn check(message: &str, settings: &GuardSettings) -> Verdict {
    let findings = scan(message);
    let blocked = findings.iter().any(|f| settings.blocked.contains(&f.rule));
    Verdict { findings, blocked }
}

/// Every finding, in order of position (one per rule and span).
pub fn scan(message: &str) -> Vec<Finding> {
    let doc = Doc::new(message);
    let mut spans: Vec<(GuardRule, usize, usize)> = Vec::new();
    emails_links_handles(&doc, &mut spans);
    phone_numbers(&doc, &mut spans);
    for (rule, list) in PHRASE_RULES {
        for (s, e) in doc.find_any(list) {
            spans.push((*rule, s, e));
        }
    }
    payment(&doc, &mut spans);
    cooccurring(
        &doc,
        GuardRule::ReviewReward,
        REVIEW_WORDS,
        REWARD_WORDS,
        &mut spans,
    );
    personal_data(&doc, &mut spans);
    spans.sort_by_key(|&(r, s, e)| (s, e, r));
    spans.dedup();
    // One finding per rule and overlapping span.
    let mut out: Vec<Finding> = Vec::new();
    for (rule, s, e) in spans {
        let (start, end) = doc.norm.span(s, e);
        if let Some(prev) = out
            .iter_mut()
            .find(|f| f.rule == rule && f.start < end && start < f.end)
        {
            prev.start = prev.start.min(start);
            prev.end = prev.end.max(end);
            prev.excerpt = message[prev.start..prev.end].to_owned();
            continue;
        }
        out.push(Finding {
            rule,
            start,
            end,
            excerpt: message[start..end].to_owned(),
        });
    }
    out
}

/// The message as the rules read it.
struct Doc {
    norm: Normalized,
    chars: Vec<char>,
    tokens: Vec<Token>,
}

impl Doc {
    fn new(message: &str) -> Doc {
        let norm = normalize(message);
        let chars = norm.text.chars().collect();
        let tokens = tokens(&norm.text);
        Doc {
            norm,
            chars,
            tokens,
        }
    }

    /// Character spans where a phrase of the list occurs. Latin phrases match whole words
    /// (a word ending in `*` as a prefix); Thai phrases match inside the text.
    fn find_any(&self, list: &[&str]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for phrase in list {
            if phrase.chars().any(is_thai) {
                let needle: Vec<char> = phrase.chars().filter(|c| !c.is_whitespace()).collect();
                let n = needle.len();
                if n == 0 || self.chars.len() < n {
                    continue;
                }
                for i in 0..=self.chars.len() - n {
                    if self.chars[i..i + n] == needle[..] {
                        out.push((i, i + n));
                    }
                }
                continue;
            }
            let words: Vec<&str> = phrase.split_whitespace().collect();
            let n = words.len();
            if n == 0 || self.tokens.len() < n {
                continue;
            }
            for i in 0..=self.tokens.len() - n {
                let ok = words.iter().zip(&self.tokens[i..i + n]).all(|(p, t)| {
                    match p.strip_suffix('*') {
                        Some(prefix) => t.text.starts_with(prefix),
                        None => t.text == *p,
                    }
                });
                if ok {
                    out.push((self.tokens[i].start, self.tokens[i + n - 1].end));
                }
            }
        }
        out
    }

    /// Whitespace-separated chunks with their character spans.
    fn chunks(&self) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in self.chars.iter().enumerate() {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    out.push((s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            out.push((s, self.chars.len()));
        }
        out
    }

    /// Digit runs (digits joined by single spaces, dashes, dots or brackets, with an
    /// optional leading `+`) that do not touch a letter: (start, end, digits).
    fn numbers(&self) -> Vec<(usize, usize, String)> {
        let c = &self.chars;
        let mut out = Vec::new();
        let mut i = 0;
        while i < c.len() {
            let plus = c[i] == '+' && c.get(i + 1).is_some_and(|d| d.is_ascii_digit());
            if !(c[i].is_ascii_digit() || plus) || (i > 0 && c[i - 1].is_alphanumeric()) {
                i += 1;
                continue;
            }
            let start = i;
            let mut digits = String::new();
            if plus {
                digits.push('+');
                i += 1;
            }
            let mut end = i;
            while i < c.len() {
                if c[i].is_ascii_digit() {
                    digits.push(c[i]);
                    i += 1;
                    end = i;
                } else if matches!(c[i], ' ' | '-' | '.' | '(' | ')')
                    && c.get(i + 1)
                        .is_some_and(|d| d.is_ascii_digit() || *d == '(')
                {
                    i += 1;
                } else {
                    break;
                }
            }
            let touches_letter = c.get(end).is_some_and(|ch| ch.is_alphabetic());
            if !touches_letter {
                out.push((start, end, digits));
            }
            i = end.max(start + 1);
        }
        out
    }

    fn has_long_number(&self) -> bool {
        self.numbers()
            .iter()
            .any(|(_, _, d)| d.trim_start_matches('+').len() >= 8)
    }
}

const TLDS: &[&str] = &[
    "com", "net", "org", "my", "id", "ph", "th", "vn", "sg", "co", "io", "ly", "me", "ee", "shop",
    "store", "link", "xyz", "info", "biz", "app", "site", "online", "page", "gl", "to",
];

/// The marketplaces' own addresses are not "other sites".
const PLATFORM_HOSTS: &[&str] = &[
    "tiktok.com",
    "shopee.",
    "lazada.",
    "shp.ee",
    "tokopedia.com",
];

fn emails_links_handles(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
    for (s, e) in doc.chunks() {
        let chunk: String = doc.chars[s..e].iter().collect();
        // Trailing punctuation is not part of an address.
        let trimmed = chunk.trim_end_matches(|c: char| ".,!?;:)(\"'".contains(c));
        let e = s + trimmed.chars().count();
        let trimmed = trimmed.trim_start_matches(|c: char| "(\"'".contains(c));
        let s = e - trimmed.chars().count();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(at) = trimmed.find('@') {
            let (local, domain) = (&trimmed[..at], &trimmed[at + 1..]);
            if !local.is_empty() && is_host(domain) && !local.contains('/') {
                out.push((GuardRule::EmailAddress, s, e));
                continue;
            }
            if local.is_empty() && domain.chars().count() >= 3 {
                // `@handle`: an account on another app.
                out.push((GuardRule::MessagingAccount, s, e));
                continue;
            }
        }
        let rest = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        let explicit = rest.is_some() || trimmed.starts_with("www.");
        let body = rest.unwrap_or(trimmed);
        let host = body.split(['/', '?', '#']).next().unwrap_or("");
        if (explicit || is_host(host)) && !PLATFORM_HOSTS.iter().any(|p| host.contains(p)) {
            out.push((GuardRule::ExternalLink, s, e));
        }
    }
}

fn is_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && TLDS.contains(labels.last().expect("two labels"))
        && labels[..labels.len() - 1]
            .iter()
            .any(|l| l.chars().any(|c| c.is_ascii_alphabetic()))
}

/// Words that make a nearby number an order, parcel or product number rather than a phone.
const NOT_PHONE: &[&str] = &[
    "order", "orders", "tracking", "resi", "awb", "sn", "no", "id", "pesanan", "invoice", "model",
    "serial", "stk", "account", "akaun", "rekening",
];

fn phone_numbers(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
    for (s, e, digits) in doc.numbers() {
        let intl = digits.starts_with('+');
        let d = digits.trim_start_matches('+');
        if !(9..=13).contains(&d.len()) {
            continue;
        }
        let local = d.starts_with('0') && !d.starts_with("00");
        let country = ["60", "62", "63", "66", "84", "65"]
            .iter()
            .any(|c| d.starts_with(c))
            && (11..=13).contains(&d.len());
        if !(intl || local || country) {
            continue;
        }
        // The two words before the number.
        let before: Vec<&Token> = doc.tokens.iter().filter(|t| t.end <= s).collect();
        let context = before
            .iter()
            .rev()
            .take(2)
            .any(|t| NOT_PHONE.contains(&t.text.as_str()));
        if !intl && context {
            continue;
        }
        out.push((GuardRule::PhoneNumber, s, e));
    }
}

const PHRASE_RULES: &[(GuardRule, &[&str])] = &[
    (
        GuardRule::MessagingAccount,
        &[
            "whatsapp*",
            "watsap*",
            "wasap*",
            "whatapp*",
            "wa",
            "wa.me",
            "telegram*",
            "line id",
            "add line",
            "line me",
            "ไลน์",
            "แอดไลน์",
            "zalo",
            "viber",
            "wechat",
            "we chat",
            "instagram*",
            "ig",
            "messenger",
            "fanpage",
            "facebook page",
            "fb page",
            "imessage",
            "signal me",
            "kakao*",
        ],
    ),
    (
        GuardRule::CancelRequest,
        &[
            "please cancel",
            "pls cancel",
            "plz cancel",
            "kindly cancel",
            "cancel your order",
            "can you cancel",
            "could you cancel",
            "you need to cancel",
            "tolong cancel",
            "tolong batal*",
            "boleh batalkan",
            "batalkan pesanan",
            "mohon dicancel",
            "dicancel aja",
            "cancel aja",
            "pa cancel",
            "pacancel",
            "paki cancel",
            "i cancel nyo",
            "icancel nyo",
            "ลูกค้ายกเลิก",
            "ช่วยยกเลิก",
            "กดยกเลิกคำสั่งซื้อด้วย",
            "ยกเลิกคำสั่งซื้อด้วย",
            "ban huy don",
            "huy don giup",
            "huy giup",
            "huy don nha",
        ],
    ),
    (
        GuardRule::OffPlatformPromotion,
        &[
            "order directly",
            "buy directly",
            "direct order",
            "direct orders",
            "directly from us",
            "outside the app",
            "outside shopee",
            "outside tiktok",
            "outside lazada",
            "our own website",
            "our website",
            "beli terus",
            "order terus",
            "luar shopee",
            "luar aplikasi",
            "luar tiktok",
            "luar lazada",
            "order langsung",
            "transaksi di luar",
            "tak payah ikut shopee",
            "hindi na dadaan sa app",
            "labas ng app",
            "นอกแอป",
            "สั่งตรง",
            "ngoai san",
            "mua truc tiep",
        ],
    ),
    (
        GuardRule::AbusiveLanguage,
        &[
            "stupid",
            "idiot*",
            "dumb",
            "moron*",
            "fuck*",
            "shit*",
            "bitch*",
            "bastard*",
            "bodoh",
            "bodo",
            "bangang",
            "babi",
            "sial",
            "celaka",
            "goblok",
            "tolol",
            "anjing",
            "bangsat",
            "bego",
            "kampret",
            "tanga",
            "gago",
            "ulol",
            "putangina*",
            "tangina*",
            "ควาย",
            "เหี้ย",
            "โง่",
            "do ngu",
            "thang ngu",
            "con ngu",
            "ngu the",
            "oc cho",
        ],
    ),
];

const PAYMENT_STRONG: &[&str] = &[
    "maybank*",
    "cimb",
    "public bank",
    "rhb",
    "hong leong",
    "bank islam",
    "ambank",
    "bca",
    "bri",
    "bni",
    "mandiri",
    "bdo",
    "bpi",
    "metrobank",
    "gcash",
    "paymaya",
    "kbank",
    "kasikorn*",
    "กสิกร",
    "ไทยพาณิชย์",
    "กรุงไทย",
    "ธนาคาร",
    "vietcombank",
    "techcombank",
    "vietinbank",
    "bidv",
    "agribank",
    "momo",
    "zalopay",
    "duitnow",
    "promptpay",
    "พร้อมเพย์",
    "paypal",
    "truemoney",
    "gopay",
    "ovo",
    "bank in",
    "bank transfer",
    "chuyen khoan",
    "rekening",
    "norek",
    "no rek",
    "no akaun",
    "account number",
    "acc no",
    "โอนเข้าบัญชี",
    "so tai khoan",
    "stk",
    "touch n go",
    "tng ewallet",
];

/// Words that name a payment only with an account number beside them.
const PAYMENT_WEAK: &[&str] = &[
    "dana",
    "maya",
    "boost",
    "akaun",
    "account",
    "transfer",
    "บัญชี",
    "โอน",
    "bank",
];

const QR_WORDS: &[&str] = &["qr", "คิวอาร์*", "คิวอาร์โค้ด"];
const PAY_WORDS: &[&str] = &[
    "pay",
    "payment",
    "bayar",
    "thanh toan",
    "ชำระ",
    "scan",
    "quet",
    "สแกน",
    "transfer",
];

fn payment(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
    for (s, e) in doc.find_any(PAYMENT_STRONG) {
        out.push((GuardRule::PaymentAccount, s, e));
    }
    if doc.has_long_number() {
        for (s, e) in doc.find_any(PAYMENT_WEAK) {
            out.push((GuardRule::PaymentAccount, s, e));
        }
    }
    let qr = doc.find_any(QR_WORDS);
    if !qr.is_empty() && !doc.find_any(PAY_WORDS).is_empty() {
        for (s, e) in qr {
            out.push((GuardRule::PaymentAccount, s, e));
        }
    }
}

const REVIEW_WORDS: &[&str] = &[
    "review*",
    "rating*",
    "rate",
    "stars",
    "star",
    "bintang",
    "ulasan",
    "ulas",
    "feedback",
    "ดาว",
    "รีวิว",
    "danh gia",
    "sao",
    "penilaian",
];

const REWARD_WORDS: &[&str] = &[
    "free",
    "gift",
    "cashback",
    "voucher",
    "refund",
    "discount",
    "rebate",
    "sample",
    "hadiah",
    "percuma",
    "diskon",
    "potongan",
    "libre",
    "freebie",
    "regalo",
    "ส่วนลด",
    "แถม",
    "คืนเงิน",
    "ของขวัญ",
    "tang",
    "qua",
    "giam",
    "hoan tien",
    "rm5",
    "rm10",
    "10rb",
    "5rb",
    "20k",
];

/// A rule that needs two kinds of words in one message: the span runs from the first
/// word of one to the last of the other.
fn cooccurring(
    doc: &Doc,
    rule: GuardRule,
    a: &[&str],
    b: &[&str],
    out: &mut Vec<(GuardRule, usize, usize)>,
) {
    let (x, y) = (doc.find_any(a), doc.find_any(b));
    if x.is_empty() || y.is_empty() {
        return;
    }
    let start = x.iter().chain(&y).map(|s| s.0).min().expect("not empty");
    let end = x.iter().chain(&y).map(|s| s.1).max().expect("not empty");
    out.push((rule, start, end));
}

const OTHER_BUYER: &[&str] = &[
    "another customer",
    "other customer",
    "another buyer",
    "other buyer",
    "other buyers",
    "another buyers",
    "other customers",
    "pembeli lain",
    "customer lain",
    "pelanggan lain",
    "ibang buyer",
    "ibang customer",
    "ลูกค้าอีกคน",
    "ลูกค้าคนอื่น",
    "khach khac",
    "nguoi mua khac",
];

const PERSONAL_WORDS: &[&str] = &[
    "address",
    "addres",
    "phone",
    "jalan",
    "jln",
    "jl",
    "street",
    "road",
    "alamat",
    "nombor",
    "nomor",
    "atas nama",
    "a.n",
    "name",
    "nama",
    "si",
    "city",
    "บ้านเลขที่",
    "ชื่อ",
    "ten",
    "o",
    "dia chi",
    "sdt",
];

fn personal_data(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
    let who = doc.find_any(OTHER_BUYER);
    let Some(&(start, _)) = who.first() else {
        return;
    };
    let data: Vec<(usize, usize)> = doc
        .find_any(PERSONAL_WORDS)
        .into_iter()
        .chain(
            doc.numbers()
                .into_iter()
                .filter(|(_, _, d)| d.len() >= 2)
                .map(|(s, e, _)| (s, e)),
        )
        .filter(|&(s, _)| s >= start)
        .collect();
    if let Some(end) = data.iter().map(|d| d.1).max() {
        out.push((GuardRule::BuyerPersonalData, start, end));
    }
}

#[cfg(test)]
mod tests {
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
}
