//! The words of the search indexes (`ads_find_*`, migrations 21 and 23), for finding a query's word inside
//! longer ones: the index matches whole words, and a visitor who types "кран" wants the ads
//! that say "автокран" and "крана" too. Each word of a query becomes the words of the index
//! that hold it, most common first, so the index still matches whole words (fast: no prefix
//! merge of hundreds of thousands of rows) and the query finds what a substring search would.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::Connection;

use crate::cache::TtlCache;

/// How long a lexicon serves before it is read again: a word new to the index is found whole
/// at once, inside longer words within this.
pub const LEXICON_TTL: Duration = Duration::from_secs(600);

/// The most words held: the commonest; rarer ones are found whole. Bounds memory (a few MB)
/// where descriptions hold many one-off words.
pub const LEXICON_WORDS: i64 = 200_000;

/// The most index words one query word becomes (the commonest that hold it): enough for a
/// word's forms and compounds, few enough that the index's OR stays cheap.
pub const MAX_FORMS: usize = 24;

/// The lexicon, read again after [`LEXICON_TTL`] (in the background: `web::handlers::listing`).
pub type LexiconCache = TtlCache<(), Arc<Lexicon>>;

/// The index's words, commonest first, in one string ("\nкран\nкрана\n…\n").
#[derive(Debug, Default)]
pub struct Lexicon {
    text: String,
    /// Where each word starts in `text`, ascending.
    starts: Vec<u32>,
}

impl Lexicon {
    /// A lexicon of `words`, commonest first (lowercase, as the index folds them).
    pub fn new<S: AsRef<str>>(words: impl IntoIterator<Item = S>) -> Self {
        let mut l = Lexicon { text: String::from("\n"), starts: Vec::new() };
        for w in words {
            let w = w.as_ref();
            if w.is_empty() || w.contains('\n') {
                continue;
            }
            l.starts.push(l.text.len() as u32);
            l.text.push_str(w);
            l.text.push('\n');
        }
        l
    }

    /// Reads the [`LEXICON_WORDS`] commonest words of the titles and bodies (not the filter
    /// tags, nor numbers: a number is found whole) from the indexes' own term lists, which walk
    /// the index (0.7 s at a million ads, once per [`LEXICON_TTL`]).
    pub fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let mut stmt = conn.prepare_cached(
            "SELECT term FROM (
                 SELECT term, doc, col FROM ads_find_catalog_vocab
                 UNION ALL SELECT term, doc, col FROM ads_find_parts_vocab
                 UNION ALL SELECT term, doc, col FROM ads_find_repair_vocab)
             WHERE col <> 'tags' AND term GLOB '*[^0-9]*'
             GROUP BY term ORDER BY sum(doc) DESC, term LIMIT ?1",
        )?;
        let words = stmt
            .query_map([LEXICON_WORDS], |r| r.get::<_, String>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(words))
    }

    /// Words held.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether no word is held.
    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Whether `word` is one of the words held.
    pub fn knows(&self, word: &str) -> bool {
        !word.contains('\n') && self.text.contains(&format!("\n{word}\n"))
    }

    /// The words that hold `word` (lowercase), commonest first, at most `max`; `word` itself
    /// always first, held or not (a word new to the index is found whole).
    pub fn forms<'a>(&'a self, word: &'a str, max: usize) -> Vec<&'a str> {
        let mut found: Vec<&str> = Vec::with_capacity(max.min(8));
        if word.is_empty() || word.contains('\n') || max == 0 {
            return found;
        }
        found.push(word);
        let mut last = usize::MAX;
        for (at, _) in self.text.match_indices(word) {
            // the word this match falls in: the last start at or before it
            let i = self.starts.partition_point(|&s| s as usize <= at).saturating_sub(1);
            if i == last {
                continue;
            }
            last = i;
            let start = self.starts[i] as usize;
            let end = self.text[start..].find('\n').map_or(self.text.len(), |e| start + e);
            let held = &self.text[start..end];
            if held != word {
                found.push(held);
                if found.len() == max {
                    break;
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_becomes_the_words_that_hold_it_commonest_first_itself_always() {
        let l = Lexicon::new(["крана", "кран", "автокран", "экскаватор", "краны", "укран"]);
        assert_eq!(l.forms("кран", 10), ["кран", "крана", "автокран", "краны", "укран"]);
        assert_eq!(l.forms("кран", 3), ["кран", "крана", "автокран"], "at most max");
        assert_eq!(l.forms("новыйкран", 10), ["новыйкран"], "unknown: itself");
        assert_eq!(l.forms("ватор", 10), ["ватор", "экскаватор"]);
        assert_eq!(l.forms("", 10), Vec::<&str>::new());
        assert_eq!(l.forms("а\nб", 10), Vec::<&str>::new(), "never across two words");
        assert!(l.knows("кран") && !l.knows("кра") && !l.knows("ран\nэкс"));
        assert_eq!(l.len(), 6);
        // a word twice in one held word counts that word once
        assert_eq!(Lexicon::new(["abab"]).forms("ab", 10), ["ab", "abab"]);
    }
}
