//! Word lists: the shipped ones (`data/*.tsv`) and the seller's edits on top.

use serde::{Deserialize, Serialize};

use super::text::Phrase;

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
        self.entries.push((entry, phrase));
        Ok(())
    }

    /// Removes every occurrence of a phrase (a seller's edit); returns how many went.
    pub fn remove(&mut self, label: &str, phrase: &str) -> usize {
        let target = Phrase::new(phrase);
        let before = self.entries.len();
        self.entries
            .retain(|(e, p)| !(e.label == label && p.words == target.words));
        before - self.entries.len()
    }
}
