//! Text as the automation reads it: lower-cased, Vietnamese and Latin accents folded,
//! apostrophes dropped (`don't` → `dont`), split into word tokens. Thai has no spaces, so a
//! Thai run is one token and word lists match inside it. Every normalized character keeps
//! the byte span of the original character it came from, so findings point at the
//! buyer's or agent's own text.

/// A normalized text with, for each of its characters, the original byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    pub text: String,
    /// Per character of `text`: (start, end) bytes in the original.
    pub origin: Vec<(usize, usize)>,
}

impl Normalized {
    /// The original byte span of normalized characters `[from, to)` (character indices).
    pub fn span(&self, from: usize, to: usize) -> (usize, usize) {
        let start = self.origin.get(from).map_or(0, |o| o.0);
        let end = to
            .checked_sub(1)
            .and_then(|i| self.origin.get(i))
            .map_or(start, |o| o.1);
        (start, end)
    }
}

/// A word token: its text and its character range in the normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn is_thai(&self) -> bool {
        self.text.chars().any(is_thai)
    }
}

pub fn is_thai(c: char) -> bool {
    ('\u{0E00}'..='\u{0E7F}').contains(&c)
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF)
}

/// Word characters: letters, digits, Thai (including its combining marks).
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_thai(c)
}

/// Folds an accented Latin letter (Vietnamese, Malay loan words, Filipino ñ) to ASCII.
pub fn fold(c: char) -> char {
    const GROUPS: [(&str, char); 7] = [
        ("àáảãạăằắẳẵặâầấẩẫậäå", 'a'),
        ("èéẻẽẹêềếểễệë", 'e'),
        ("ìíỉĩịïî", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợöø", 'o'),
        ("ùúủũụưừứửữựüû", 'u'),
        ("ỳýỷỹỵÿ", 'y'),
        ("đ", 'd'),
    ];
    if c.is_ascii() {
        return c;
    }
    for (group, base) in GROUPS {
        if group.contains(c) {
            return base;
        }
    }
    match c {
        'ñ' => 'n',
        'ç' => 'c',
        '’' | '‘' | '`' => '\'',
        _ => c,
    }
}

pub fn normalize(text: &str) -> Normalized {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let span = (i, i + c.len_utf8());
        for lower in c.to_lowercase() {
            let f = fold(lower);
            if f == '\'' {
                continue;
            }
            // Combining accents left by decomposed input fold away.
            if ('\u{0300}'..='\u{036F}').contains(&f) {
                continue;
            }
            out.push(f);
            origin.push(span);
        }
    }
    Normalized { text: out, origin }
}

/// Word tokens of a normalized text, and each emoji as a token of its own.
pub fn tokens(norm: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let mut index = 0;
    for c in norm.chars() {
        if is_word(c) {
            if current.is_empty() {
                start = index;
            }
            current.push(c);
        } else {
            if !current.is_empty() {
                out.push(Token {
                    text: std::mem::take(&mut current),
                    start,
                    end: index,
                });
            }
            if is_emoji(c) {
                out.push(Token {
                    text: c.to_string(),
                    start: index,
                    end: index + 1,
                });
            }
        }
        index += 1;
    }
    if !current.is_empty() {
        out.push(Token {
            text: current,
            start,
            end: index,
        });
    }
    out
}

/// Collapses a run of three or more of the same letter to one (`pleaseee` → `please`,
/// `bagusss` → `bagus`), as buyers stretch words.
pub fn squeeze(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let mut j = i;
        while j < chars.len() && chars[j] == chars[i] {
            j += 1;
        }
        let n = if j - i >= 3 { 1 } else { j - i };
        for _ in 0..n {
            out.push(chars[i]);
        }
        i = j;
    }
    out
}

/// Token texts ready for matching: normalized, squeezed.
pub fn words(text: &str) -> Vec<String> {
    tokens(&normalize(text).text)
        .into_iter()
        .map(|t| squeeze(&t.text))
        .collect()
}

/// A phrase of a word list, ready to match against tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub words: Vec<String>,
    /// A Thai phrase matches inside a Thai token rather than word by word.
    pub thai: bool,
}

impl Phrase {
    pub fn new(text: &str) -> Phrase {
        let norm = normalize(text).text;
        let thai = norm.chars().any(is_thai);
        let words = if thai {
            vec![norm.split_whitespace().collect::<String>()]
        } else {
            tokens(&norm)
                .into_iter()
                .map(|t| squeeze(&t.text))
                .collect()
        };
        Phrase { words, thai }
    }

    /// Positions (token index of the first word, character offset inside it for Thai) where
    /// the phrase occurs in `words`. A word of four letters or more also matches as the start
    /// of a longer word (`refund` in `refunded`); shorter words match whole.
    pub fn find(&self, words: &[String]) -> Vec<(usize, usize)> {
        let mut hits = Vec::new();
        if self.words.is_empty() {
            return hits;
        }
        if self.thai {
            let needle = &self.words[0];
            for (i, w) in words.iter().enumerate() {
                let mut from = 0;
                while let Some(pos) = w[from..].find(needle.as_str()) {
                    hits.push((i, w[..from + pos].chars().count()));
                    from += pos + needle.len();
                }
            }
            return hits;
        }
        let n = self.words.len();
        if words.len() < n {
            return hits;
        }
        for i in 0..=words.len() - n {
            if self
                .words
                .iter()
                .zip(&words[i..i + n])
                .all(|(p, w)| word_matches(p, w))
            {
                hits.push((i, 0));
            }
        }
        hits
    }
}

pub fn word_matches(pattern: &str, word: &str) -> bool {
    if pattern == word {
        return true;
    }
    pattern.chars().count() >= 4 && word.starts_with(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_fold_and_spans_point_at_the_original() {
        let n = normalize("Đơn hàng CỦA tôi");
        assert_eq!(n.text, "don hang cua toi");
        assert_eq!(n.span(0, 3), (0, "Đơn".len()));
    }

    #[test]
    fn apostrophes_drop_and_stretched_words_squeeze() {
        assert_eq!(
            words("Don't like it, sooo baddd"),
            ["dont", "like", "it", "so", "bad"]
        );
    }

    #[test]
    fn thai_runs_are_one_token_and_phrases_match_inside() {
        let w = words("สินค้ามีไหมคะ");
        assert_eq!(w.len(), 1);
        assert_eq!(Phrase::new("มีไหม").find(&w), vec![(0, 6)]);
    }

    #[test]
    fn long_words_match_as_prefix_short_words_whole() {
        let w = words("already refunded ya");
        assert_eq!(Phrase::new("refund").find(&w), vec![(1, 0)]);
        assert!(Phrase::new("ya").find(&words("yang")).is_empty());
    }

    #[test]
    fn emoji_are_tokens() {
        assert_eq!(words("ok 😡😡"), ["ok", "😡", "😡"]);
    }
}
