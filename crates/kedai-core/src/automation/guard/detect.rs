//! The detectors that read more than a phrase list: addresses, links and handles, phone
//! numbers, payment requests, rules needing two kinds of words, another buyer's data.

use super::words::*;
use super::{Doc, GuardRule};
use crate::automation::text::Token;

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

pub(super) fn emails_links_handles(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
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

pub(super) fn phone_numbers(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
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

pub(super) fn payment(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
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

/// A rule that needs two kinds of words in one message: the span runs from the first
/// word of one to the last of the other.
pub(super) fn cooccurring(
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

pub(super) fn personal_data(doc: &Doc, out: &mut Vec<(GuardRule, usize, usize)>) {
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
