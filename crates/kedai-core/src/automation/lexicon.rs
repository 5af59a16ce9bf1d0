//! Word lists: the shipped ones (`data/*.tsv`) and the seller's edits on top.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::text::{is_thai, Phrase};

/// One phrase of a word list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The list the phrase belongs to: an intent tag, or `pos` / `neg` / `negator` /
    /// `intensifier` for sentiment.
    pub label: String,
    pub lang: String,
    pub weight: u32,
    pub phrase: String,
}

/// A word list ready to match.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub entries: Vec<(Entry, Phrase)>,
    /// Entries by their phrase's first word, and the Thai ones (they match inside a
    /// token): so a message is matched against the few phrases that can occur in it,
    /// not every phrase of the list (tagging runs on every synced buyer message).
    by_first: HashMap<String, Vec<usize>>,
    thai: Vec<usize>,
}

impl Lexicon {
    /// Parses `label <TAB> lang <TAB> weight <TAB> phrase` lines; `#` starts a comment.
    pub fn parse(text: &str, labels: &[&str]) -> Result<Lexicon, String> {
        let mut lex = Lexicon::default();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            let [label, lang, weight, phrase] = cols[..] else {
                return Err(format!(
                    "word list line {}: expected 4 tab-separated columns (label, language, \
                     weight, phrase), found {}",
                    n + 1,
                    cols.len()
                ));
            };
            let weight = weight.parse().map_err(|_| {
                format!(
                    "word list line {}: weight `{weight}` is not a whole number",
                    n + 1
                )
            })?;
            lex.add(
                Entry {
                    label: label.to_owned(),
                    lang: lang.to_owned(),
                    weight,
                    phrase: phrase.to_owned(),
                },
                labels,
            )
            .map_err(|e| format!("word list line {}: {e}", n + 1))?;
        }
        Ok(lex)
    }

    /// Adds a phrase (a seller's edit), checking its label.
    pub fn add(&mut self, entry: Entry, labels: &[&str]) -> Result<(), String> {
        if !labels.contains(&entry.label.as_str()) {
            return Err(format!(
                "unknown list `{}` ({})",
                entry.label,
                labels.join(", ")
            ));
        }
        let phrase = Phrase::new(&entry.phrase);
        if phrase.words.iter().all(|w| w.is_empty()) {
            return Err(format!("phrase `{}` has no words", entry.phrase));
        }
        self.index(self.entries.len(), &phrase);
        self.entries.push((entry, phrase));
        Ok(())
    }

    fn index(&mut self, i: usize, phrase: &Phrase) {
        if phrase.thai {
            self.thai.push(i);
        } else if let Some(first) = phrase.words.first() {
            self.by_first.entry(first.clone()).or_default().push(i);
        }
    }

    /// The entries that may occur in `words`, in list order: the Thai ones (for Thai text),
    /// and those whose first word is a word of the message or, from four letters on, the
    /// start of one (what `text::word_matches` accepts). The others cannot match.
    pub fn candidates(&self, words: &[String]) -> Vec<usize> {
        // A Thai phrase can only occur in Thai text.
        let thai = words.iter().any(|w| w.chars().any(is_thai));
        let mut out = if thai { self.thai.clone() } else { Vec::new() };
        for w in words {
            let ends = w.char_indices().map(|(i, _)| i).skip(4).chain([w.len()]);
            for end in ends {
                if let Some(found) = self.by_first.get(&w[..end]) {
                    out.extend(found);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Removes every occurrence of a phrase (a seller's edit); returns how many went.
    pub fn remove(&mut self, label: &str, phrase: &str) -> usize {
        let target = Phrase::new(phrase);
        let before = self.entries.len();
        self.entries
            .retain(|(e, p)| !(e.label == label && p.words == target.words));
        let removed = before - self.entries.len();
        if removed > 0 {
            self.by_first.clear();
            self.thai.clear();
            let phrases: Vec<Phrase> = self.entries.iter().map(|(_, p)| p.clone()).collect();
            for (i, p) in phrases.iter().enumerate() {
                self.index(i, p);
            }
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::automation::text::words;

    /// Every entry with a hit in a message is among its candidates: the index never hides a
    /// phrase (checked on the 325 labelled buyer messages, both shipped lists).
    #[test]
    fn the_index_keeps_every_phrase_that_occurs() {
        let lists = [
            Lexicon::parse(
                include_str!("../../data/intent_words.tsv"),
                &["pre_purchase", "logistics", "aftersales"],
            )
            .unwrap(),
            Lexicon::parse(
                include_str!("../../data/sentiment_words.tsv"),
                &["pos", "neg", "negator", "intensifier"],
            )
            .unwrap(),
        ];
        let messages = include_str!("../../../../tests/fixtures/automation/buyer_messages.tsv");
        let mut hits = 0;
        for line in messages.lines().filter(|l| !l.starts_with('#')) {
            let w = words(line.rsplit('\t').next().unwrap());
            for lex in &lists {
                let candidates = lex.candidates(&w);
                for (i, (_, phrase)) in lex.entries.iter().enumerate() {
                    if !phrase.find(&w).is_empty() {
                        hits += 1;
                        assert!(candidates.contains(&i), "{line}: {:?}", phrase.words);
                    }
                }
            }
        }
        assert!(hits > 300, "{hits}");
        // After a removal the index is rebuilt: positions still name the right entries.
        let mut lex = lists[0].clone();
        assert!(lex.remove("aftersales", "refund") > 0);
        let w = words("already refunded? where is my parcel");
        let candidates = lex.candidates(&w);
        assert!(candidates
            .iter()
            .all(|&i| lex.entries[i].1.words != ["refund"]));
        for (i, (_, phrase)) in lex.entries.iter().enumerate() {
            if !phrase.find(&w).is_empty() {
                assert!(candidates.contains(&i), "{:?}", phrase.words);
            }
        }
        assert!(candidates
            .iter()
            .any(|&i| !lex.entries[i].1.find(&w).is_empty()));
    }
}
