//! Search that forgives typos: a vocabulary of the words ads are found by (the equipment types
//! and their English names, the commonest words of titles, brands and models), and for each
//! unknown word of a query the nearest known one by Damerau-Levenshtein distance, with Latin
//! read as Cyrillic and Cyrillic as Latin ("excavatr", "ekskavator" -> "экскаватор").

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// Most words of a query that are corrected (see [`Vocabulary::suggest`]).
pub const MAX_WORDS: usize = 5;
/// Longest word looked up (letters).
const MAX_LETTERS: usize = 30;

use rusqlite::Connection;

use crate::cache::TtlCache;
use crate::domain::geo::EQUIPMENT_TYPES;

/// How long a vocabulary serves before it is read again (words of new ads join within it).
pub const VOCABULARY_TTL: Duration = Duration::from_secs(600);

/// The most frequent words of ads kept: enough for every brand and type people type, small
/// enough that a query's nearest word is found in well under a millisecond.
pub const VOCABULARY_WORDS: i64 = 5_000;

/// The vocabulary, read at most once per [`VOCABULARY_TTL`].
pub type VocabularyCache = TtlCache<(), Arc<Vocabulary>>;

/// English names people type for the equipment types, and the Russian word they mean.
const ENGLISH: &[(&str, &str)] = &[
    ("excavator", "экскаватор"),
    ("digger", "экскаватор"),
    ("backhoe", "экскаватор-погрузчик"),
    ("loader", "погрузчик"),
    ("forklift", "погрузчик"),
    ("crane", "кран"),
    ("bulldozer", "бульдозер"),
    ("dozer", "бульдозер"),
    ("tipper", "самосвал"),
    ("dumper", "самосвал"),
    ("manipulator", "манипулятор"),
    ("grader", "грейдер"),
    ("roller", "каток"),
    ("tractor", "трактор"),
    ("mixer", "миксер"),
    ("lowboy", "трал"),
];

/// Weight of the fixed words (types, English names) against the ad counts of title words, so
/// they win a tie of distance.
const FIXED_WEIGHT: i64 = 1 << 40;

struct Word {
    chars: Vec<char>,
    /// What the word suggests: itself, or the Russian word an English name means.
    shown: String,
    weight: i64,
}

/// Words a query is corrected towards.
pub struct Vocabulary {
    words: Vec<Word>,
    /// Each word and what it suggests.
    known: HashMap<String, String>,
}

impl Vocabulary {
    /// The fixed words and `words` (lowercase word, how many ads hold it).
    pub fn new(words: impl IntoIterator<Item = (String, i64)>) -> Self {
        let mut v = Vocabulary { words: Vec::new(), known: HashMap::new() };
        for t in EQUIPMENT_TYPES {
            v.add(t, t, FIXED_WEIGHT);
            for part in t.split([' ', '-']) {
                v.add(part, part, FIXED_WEIGHT);
            }
        }
        for (en, ru) in ENGLISH {
            v.add(en, ru, FIXED_WEIGHT);
        }
        for (w, n) in words {
            v.add(&w, &w, n);
        }
        v
    }

    fn add(&mut self, word: &str, shown: &str, weight: i64) {
        if !self.known.contains_key(word) {
            self.known.insert(word.to_owned(), shown.to_owned());
            self.words.push(Word {
                chars: word.chars().collect(),
                shown: shown.to_owned(),
                weight,
            });
        }
    }

    /// Reads the [`VOCABULARY_WORDS`] words most ads hold from the word index's own term list
    /// (`ads_words_vocab`: it walks the index, not the ads). It counts inactive ads too: a
    /// suggestion is only shown when it finds active ones.
    pub fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let mut stmt = conn.prepare_cached(
            "SELECT term, doc FROM ads_words_vocab
             WHERE length(term) BETWEEN 4 AND 40 AND term NOT GLOB '*[0-9]*'
             ORDER BY doc DESC, term LIMIT ?1",
        )?;
        let words = stmt
            .query_map([VOCABULARY_WORDS], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self::new(words))
    }

    /// Words held.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether no word is held (never: the types are always there).
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The query with each unknown word replaced by its nearest known word, when any was. A
    /// query of more than [`MAX_WORDS`] words is not corrected: a search box does not hold
    /// forty misspellings, and each word costs a pass over the vocabulary.
    pub fn suggest(&self, query: &str) -> Option<String> {
        if query.split_whitespace().count() > MAX_WORDS {
            return None;
        }
        let mut changed = false;
        let words: Vec<String> = query
            .split_whitespace()
            .map(|w| match self.nearest(w) {
                Some(better) => {
                    changed = true;
                    better
                }
                None => w.to_owned(),
            })
            .collect();
        changed.then(|| words.join(" "))
    }

    fn nearest(&self, word: &str) -> Option<String> {
        let lower = word.to_lowercase();
        let letters = lower.chars().count();
        // the longest words of the vocabulary are far shorter: a longer one is no misspelling
        if !(4..=MAX_LETTERS).contains(&letters)
            || !lower.chars().all(|c| c.is_alphabetic() || c == '-')
        {
            return None;
        }
        if let Some(shown) = self.known.get(&lower) {
            // a known word stays; an English name becomes the Russian word it means
            return (*shown != lower).then(|| shown.clone());
        }
        let mut forms = vec![lower.clone()];
        forms.extend([to_cyrillic(&lower), to_latin(&lower)].into_iter().flatten());
        let mut best: Option<(usize, i64, &Word)> = None;
        for form in &forms {
            let chars: Vec<char> = form.chars().collect();
            let max = if chars.len() >= 6 { 2 } else { 1 };
            for w in &self.words {
                let Some(d) = distance(&chars, &w.chars, max) else { continue };
                let better = match best {
                    None => true,
                    Some((bd, bw, _)) => d < bd || (d == bd && w.weight > bw),
                };
                if better {
                    best = Some((d, w.weight, w));
                }
            }
        }
        best.map(|(_, _, w)| w.shown.clone()).filter(|s| *s != lower)
    }
}

/// The vocabulary from `cache`, read again when it has expired (a failed read keeps the old).
pub fn cached(conn: &Connection, cache: &VocabularyCache) -> rusqlite::Result<Arc<Vocabulary>> {
    cache.get_or_load(&(), || Vocabulary::load(conn).map(Arc::new))
}

/// The optimal-string-alignment distance (insert, delete, substitute, swap neighbours) of `a`
/// and `b`, or None when it is over `max`. Hand-written: 30 lines against a dependency.
pub fn distance(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let width = b.len() + 1;
    // three rows: two back for the swap, one back, and this one
    let mut rows = vec![vec![0usize; width]; 3];
    // the row of the empty prefix of `a`, moved one back as each row begins
    for (j, cell) in rows[2].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows.rotate_left(1);
        rows[2][0] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[1][j] + 1).min(rows[2][j - 1] + 1).min(rows[1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[0][j - 2] + 1);
            }
            rows[2][j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
    }
    Some(rows[2][b.len()]).filter(|d| *d <= max)
}

const LATIN: &[(&str, &str)] = &[
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("ts", "ц"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "ё"),
    ("a", "а"),
    ("b", "б"),
    ("c", "к"),
    ("d", "д"),
    ("e", "е"),
    ("f", "ф"),
    ("g", "г"),
    ("h", "х"),
    ("i", "и"),
    ("j", "дж"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("q", "к"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("v", "в"),
    ("w", "в"),
    ("x", "кс"),
    ("y", "ы"),
    ("z", "з"),
    ("-", "-"),
];

/// A Latin word read as Cyrillic ("ekskavator" -> "екскаватор"), or None for other words.
pub fn to_cyrillic(word: &str) -> Option<String> {
    if !word.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return None;
    }
    let mut out = String::new();
    let mut rest = word;
    'next: while !rest.is_empty() {
        for (lat, cyr) in LATIN {
            if let Some(r) = rest.strip_prefix(lat) {
                out.push_str(cyr);
                rest = r;
                continue 'next;
            }
        }
        return None;
    }
    Some(out)
}

/// A Cyrillic word read as Latin, for brands typed in Cyrillic ("хитачи" -> "hitachi").
pub fn to_latin(word: &str) -> Option<String> {
    let mut out = String::new();
    for c in word.chars() {
        out.push_str(match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'ё' => "yo",
            'ж' => "zh",
            'з' => "z",
            'и' => "i",
            'й' | 'ы' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "sch",
            'ь' | 'ъ' => "",
            'ю' => "yu",
            'я' => "ya",
            '-' => "-",
            _ => return None,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn distance_counts_edits_and_swaps_and_stops_past_the_limit() {
        let d = |a: &str, b: &str| distance(&chars(a), &chars(b), 3);
        assert_eq!(d("экскаватор", "экскаватор"), Some(0));
        assert_eq!(d("эксковатор", "экскаватор"), Some(1));
        assert_eq!(d("экскавтаор", "экскаватор"), Some(1), "a swap is one edit");
        assert_eq!(d("екскаватр", "экскаватор"), Some(2));
        assert_eq!(d("", "abc"), Some(3));
        assert_eq!(d("кран", "бульдозер"), None);
        assert_eq!(distance(&chars("abcdef"), &chars("badcfe"), 2), None);
    }

    #[test]
    fn latin_reads_as_cyrillic_and_back() {
        assert_eq!(to_cyrillic("ekskavator").as_deref(), Some("екскаватор"));
        assert_eq!(to_cyrillic("shchebень"), None);
        assert_eq!(to_latin("хитачи").as_deref(), Some("hitachi"));
        assert_eq!(to_latin("jcb"), None);
    }

    #[test]
    fn typos_latin_and_english_reach_the_russian_type() {
        let v = Vocabulary::new([("hitachi".to_owned(), 40), ("гусеничный".to_owned(), 12)]);
        for typo in ["эксковатор", "екскаватор", "excavatr", "ekskavator", "Excavator"]
        {
            assert_eq!(v.suggest(typo).as_deref(), Some("экскаватор"), "{typo}");
        }
        assert_eq!(v.suggest("бульдозор").as_deref(), Some("бульдозер"));
        assert_eq!(v.suggest("хитачи").as_deref(), Some("hitachi"));
        assert_eq!(
            v.suggest("гусенечный эксковатор 25").as_deref(),
            Some("гусеничный экскаватор 25")
        );
        assert_eq!(v.suggest("экскаватор"), None, "a known word stays");
        assert_eq!(v.suggest("кран"), None);
        assert_eq!(v.suggest("абракадабра"), None, "nothing near");
        assert_eq!(v.suggest("JC"), None, "too short to guess");
        // a long query is not corrected at all: each word would cost a pass over the words
        assert_eq!(v.suggest("эксковатор а б в г д"), None, "six words");
        assert_eq!(v.suggest(&"эксковатор".repeat(4)), None, "40 letters: no word of ours");
    }
}
