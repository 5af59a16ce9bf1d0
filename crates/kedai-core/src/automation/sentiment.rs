//! Seed 002's Sentiment: Positive, Neutral or Negative per buyer message and per
//! conversation, from word lists in six languages and emoji, with negation handled
//! ("not happy" is negative, "tak rosak" is not).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::lexicon::{Entry, Lexicon};
use super::text::{words, Phrase};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sentiment {
    Positive,
    Neutral,
    Negative,
}

impl Sentiment {
    pub const ALL: [Sentiment; 3] = [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative];

    pub fn as_str(self) -> &'static str {
        match self {
            Sentiment::Positive => "positive",
            Sentiment::Neutral => "neutral",
            Sentiment::Negative => "negative",
        }
    }

    pub fn parse(s: &str) -> Option<Sentiment> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    fn from_score(score: i32) -> Sentiment {
        if score >= POSITIVE_AT {
            Sentiment::Positive
        } else if score <= NEGATIVE_AT {
            Sentiment::Negative
        } else {
            Sentiment::Neutral
        }
    }
}

/// A message scoring this much or more is positive.
const POSITIVE_AT: i32 = 2;
/// A message scoring this much or less is negative.
const NEGATIVE_AT: i32 = -2;
/// How many words before a sentiment phrase a negator reaches.
const NEGATION_REACH: usize = 2;

const LABELS: [&str; 4] = ["pos", "neg", "negator", "intensifier"];

#[derive(Debug, Clone)]
pub struct SentimentScorer {
    lexicon: Lexicon,
}

impl Default for SentimentScorer {
    fn default() -> Self {
        static SHIPPED: OnceLock<Lexicon> = OnceLock::new();
        let lexicon = SHIPPED
            .get_or_init(|| {
                Lexicon::parse(include_str!("../../data/sentiment_words.tsv"), &LABELS)
                    .expect("the shipped sentiment word list parses")
            })
            .clone();
        SentimentScorer { lexicon }
    }
}

impl SentimentScorer {
    pub fn add_phrase(&mut self, entry: Entry) -> Result<(), String> {
        self.lexicon.add(entry, &LABELS)
    }

    /// The signed score of a message: positive words add, negative words subtract, a
    /// negator just before a word turns it around, an intensifier just before adds one.
    pub fn score(&self, text: &str) -> i32 {
        let w = words(text);
        let mut total = 0i32;
        let negators: Vec<&Phrase> = self.phrases("negator").collect();
        let intensifiers: Vec<&Phrase> = self.phrases("intensifier").collect();
        // Phrases already counted, by token, so that "not received" does not also count
        // "received" and so that a longer phrase wins over a word inside it.
        let mut used = vec![false; w.len()];
        // Only the phrases that can occur in the message, in list order as before the sort.
        let mut scored: Vec<(&Entry, &Phrase)> = self
            .lexicon
            .candidates(&w)
            .into_iter()
            .map(|i| &self.lexicon.entries[i])
            .filter(|(e, _)| e.label == "pos" || e.label == "neg")
            .map(|(e, p)| (e, p))
            .collect();
        scored.sort_by_key(|(_, p)| std::cmp::Reverse(p.words.len()));
        for (entry, phrase) in scored {
            for (i, offset) in phrase.find(&w) {
                let n = if phrase.thai { 1 } else { phrase.words.len() };
                if !phrase.thai && used[i..i + n].iter().any(|&u| u) {
                    continue;
                }
                if !phrase.thai {
                    used[i..i + n].iter_mut().for_each(|u| *u = true);
                }
                let mut value = entry.weight as i32;
                let before = &w[i.saturating_sub(NEGATION_REACH)..i];
                if before.iter().any(|b| matches_any(&intensifiers, b)) {
                    value += 1;
                }
                let negated = if phrase.thai {
                    let head: String = w[i].chars().take(offset).collect();
                    head.ends_with("ไม่") || head.ends_with("ไม่ค่อย")
                } else {
                    before.iter().any(|b| matches_any(&negators, b))
                };
                total += match (entry.label.as_str(), negated) {
                    ("pos", false) => value,
                    // "not good" is a complaint however mild the word.
                    ("pos", true) => -value.max(2),
                    // "not bad", "tak rosak": no longer negative, barely positive.
                    (_, true) => 1,
                    _ => -value,
                };
            }
        }
        total
    }

    pub fn classify(&self, text: &str) -> Sentiment {
        Sentiment::from_score(self.score(text))
    }

    /// A conversation's sentiment from its buyer messages in time order: a weighted mean
    /// in which later messages weigh more (the buyer's mood now matters most).
    pub fn conversation<'a>(&self, texts: impl IntoIterator<Item = &'a str>) -> Sentiment {
        let scores: Vec<i32> = texts.into_iter().map(|t| self.score(t)).collect();
        if scores.is_empty() {
            return Sentiment::Neutral;
        }
        let (mut sum, mut weights) = (0i64, 0i64);
        for (i, s) in scores.iter().enumerate() {
            let weight = i as i64 + 1;
            sum += *s as i64 * weight;
            weights += weight;
        }
        // Rounded towards the sign so that one clear message in a short chat still shows.
        let mean = (sum as f64 / weights as f64).round() as i32;
        Sentiment::from_score(mean)
    }

    fn phrases<'a>(&'a self, label: &'a str) -> impl Iterator<Item = &'a Phrase> + 'a {
        self.lexicon
            .entries
            .iter()
            .filter(move |(e, _)| e.label == label)
            .map(|(_, p)| p)
    }
}

fn matches_any(phrases: &[&Phrase], word: &str) -> bool {
    phrases
        .iter()
        .any(|p| p.words.len() == 1 && p.words[0] == word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Sentiment {
        SentimentScorer::default().classify(text)
    }

    #[test]
    fn negation_turns_praise_into_complaint() {
        assert_eq!(s("I am happy with it"), Sentiment::Positive);
        assert_eq!(s("not happy with this at all"), Sentiment::Negative);
        assert_eq!(s("hindi maganda yung tela"), Sentiment::Negative);
        assert_eq!(s("สินค้าไม่ดีเลย"), Sentiment::Negative);
        assert_eq!(s("hàng không tốt"), Sentiment::Negative);
    }

    #[test]
    fn negated_complaints_are_not_negative() {
        assert_ne!(s("not bad actually"), Sentiment::Negative);
        assert_ne!(s("barang tak rosak pun"), Sentiment::Negative);
    }

    #[test]
    fn plain_questions_are_neutral() {
        assert_eq!(s("size M ada lagi?"), Sentiment::Neutral);
        assert_eq!(s("😡😡 where is my parcel"), Sentiment::Negative);
    }

    #[test]
    fn the_latest_messages_weigh_most_in_a_conversation() {
        let sc = SentimentScorer::default();
        assert_eq!(
            sc.conversation([
                "barang rosak, kecewa",
                "ok dah dapat ganti",
                "terima kasih banyak, puas hati 😊"
            ]),
            Sentiment::Positive
        );
        assert_eq!(sc.conversation(Vec::<&str>::new()), Sentiment::Neutral);
    }
}
