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
use detect::{cooccurring, emails_links_handles, payment, personal_data, phone_numbers};
use words::{PHRASE_RULES, REVIEW_WORDS, REWARD_WORDS};

mod detect;
#[cfg(test)]
mod tests;
mod words;

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
