//! Reply suggestions: BM25 over the shop's quick-reply templates and its own past agent
//! replies (indexed by the buyer question they answered), filled with the template
//! variables, top three. Terms are per language as written: Latin words are folded and cut
//! to a stem of six letters, Thai runs become character bigrams (Thai has no spaces).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::rules::{fill, TemplateValues};
use super::text::{is_thai, words};

/// A quick-reply template of the shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub id: String,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Template,
    PastReply,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub text: String,
    pub source: Source,
    /// The template's id, or the past reply's message id.
    pub id: String,
    pub score: f64,
}

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Templates are the shop's chosen answers: a small lift over a past reply of equal fit.
const TEMPLATE_BOOST: f64 = 1.1;

/// Terms of a text: folded Latin word stems and Thai character bigrams.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(text) {
        if w.chars().any(is_thai) {
            let chars: Vec<char> = w.chars().filter(|c| !is_thai_mark(*c)).collect();
            if chars.len() == 1 {
                out.push(chars[0].to_string());
            }
            for pair in chars.windows(2) {
                out.push(pair.iter().collect());
            }
        } else {
            out.push(w.chars().take(6).collect());
        }
    }
    out
}

/// Thai tone marks and vowel signs above or below: left out of bigrams, as buyers drop or
/// misplace them.
fn is_thai_mark(c: char) -> bool {
    matches!(c as u32, 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E)
}

struct Doc {
    len: u32,
    /// How many times the shop gave this reply to this same question.
    count: u32,
    /// Index into `replies`.
    reply: u32,
    source: Source,
}

/// The index over one shop's templates and history. Build once, query many times.
pub struct SuggestIndex {
    docs: Vec<Doc>,
    /// (text, id) of each distinct reply.
    replies: Vec<(String, String)>,
    postings: HashMap<String, Vec<(u32, u16)>>,
    avg_len: f64,
}

impl SuggestIndex {
    /// `past`: (question the buyer asked, the agent's reply, the reply's message id).
    pub fn build<'a>(
        templates: &[Template],
        past: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
    ) -> SuggestIndex {
        let mut index = SuggestIndex {
            docs: Vec::new(),
            replies: Vec::new(),
            postings: HashMap::new(),
            avg_len: 0.0,
        };
        let mut reply_ids: HashMap<String, u32> = HashMap::new();
        // A question asked again and answered alike is one document that counts more.
        let mut seen: HashMap<(Vec<String>, u32), u32> = HashMap::new();
        for t in templates {
            let reply = index.replies.len() as u32;
            index.replies.push((t.text.clone(), t.id.clone()));
            index.add(&format!("{} {}", t.title, t.text), reply, Source::Template);
        }
        for (question, reply_text, id) in past {
            let key = reply_text.trim().to_lowercase();
            let reply = *reply_ids.entry(key).or_insert_with(|| {
                index.replies.push((reply_text.to_owned(), id.to_owned()));
                index.replies.len() as u32 - 1
            });
            let key = (terms(question), reply);
            if let Some(&doc) = seen.get(&key) {
                index.docs[doc as usize].count += 1;
                continue;
            }
            seen.insert(key, index.docs.len() as u32);
            index.add(question, reply, Source::PastReply);
        }
        let total: u64 = index.docs.iter().map(|d| d.len as u64).sum();
        index.avg_len = total as f64 / index.docs.len().max(1) as f64;
        index
    }

    fn add(&mut self, text: &str, reply: u32, source: Source) {
        let doc = self.docs.len() as u32;
        let terms = terms(text);
        let mut tf: HashMap<&str, u16> = HashMap::new();
        for t in &terms {
            *tf.entry(t.as_str()).or_default() += 1;
        }
        for (t, n) in tf {
            self.postings
                .entry(t.to_owned())
                .or_default()
                .push((doc, n));
        }
        self.docs.push(Doc {
            len: terms.len() as u32,
            count: 1,
            reply,
            source,
        });
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The best `k` distinct replies for the buyer's open question, variables filled.
    pub fn suggest(&self, question: &str, values: &TemplateValues, k: usize) -> Vec<Suggestion> {
        let n = self.docs.len() as f64;
        let mut q = terms(question);
        q.sort();
        q.dedup();
        let mut scores: HashMap<u32, (f64, u32)> = HashMap::new();
        for term in &q {
            let Some(list) = self.postings.get(term) else {
                continue;
            };
            let df = list.len() as f64;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
            for &(doc, tf) in list {
                let d = &self.docs[doc as usize];
                let tf = tf as f64;
                let norm = K1 * (1.0 - B + B * d.len as f64 / self.avg_len.max(1.0));
                let e = scores.entry(doc).or_default();
                e.0 += idf * tf * (K1 + 1.0) / (tf + norm);
                e.1 += 1;
            }
        }
        // The best document per distinct reply.
        let mut best: HashMap<u32, (f64, Source)> = HashMap::new();
        let terms_in_query = q.len().max(1) as f64;
        for (doc, (s, matched)) in scores {
            let d = &self.docs[doc as usize];
            // A past question that shares most of the buyer's words beats one that shares
            // a single rare word.
            let s = s * (matched as f64 / terms_in_query) * (1.0 + 0.1 * (d.count as f64).ln());
            let s = if d.source == Source::Template {
                s * TEMPLATE_BOOST
            } else {
                s
            };
            let e = best.entry(d.reply).or_insert((0.0, d.source));
            if s > e.0 {
                *e = (s, d.source);
            }
        }
        let mut ranked: Vec<(u32, f64, Source)> =
            best.into_iter().map(|(r, (s, src))| (r, s, src)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .take(k)
            .map(|(r, score, source)| {
                let (text, id) = &self.replies[r as usize];
                Suggestion {
                    text: fill(text, values),
                    source,
                    id: id.clone(),
                    score,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_past_questions_bring_their_replies_and_templates_fill() {
        let templates = [Template {
            id: "track".into(),
            title: "tracking number".into(),
            text: "Hi {buyer_name}, your tracking number for {order_id} is in My Orders.".into(),
        }];
        let past = [
            ("ada stok saiz M?", "Ada sis, boleh checkout terus", "m1"),
            ("bila barang sampai", "Biasanya 2-3 hari bekerja", "m2"),
            (
                "barang rosak nak refund",
                "Maaf! Sila tekan Return/Refund dalam app",
                "m3",
            ),
        ];
        let index = SuggestIndex::build(&templates, past);
        let values = TemplateValues {
            buyer_name: Some("Aina".into()),
            order_id: Some("5761".into()),
            ..Default::default()
        };
        let s = index.suggest("saiz L ada stok lagi?", &values, 3);
        assert_eq!(s[0].text, "Ada sis, boleh checkout terus");
        let s = index.suggest("can i have the tracking number", &values, 3);
        assert_eq!(
            s[0].text,
            "Hi Aina, your tracking number for 5761 is in My Orders."
        );
        assert_eq!(s[0].source, Source::Template);
    }

    #[test]
    fn thai_questions_match_by_bigrams() {
        let past = [("มีสีดำไหมคะ", "มีค่ะ", "m1"), ("ส่งของวันไหน", "ส่งทุกวันค่ะ", "m2")];
        let index = SuggestIndex::build(&[], past);
        let s = index.suggest("สีดำยังมีไหม", &TemplateValues::default(), 3);
        assert_eq!(s[0].text, "มีค่ะ");
    }
}
