//! Search: a listing whose text found nothing retried with its nearest spelling, and one text
//! counted and shown across every section (`/search`, and the section tabs of a listing).

use rusqlite::Connection;

use super::Section;
use super::list::{self, Count, Filter, Page, Reading, Sort};
use super::spelling;
pub use super::spelling::VocabularyCache;
use crate::domain::ids::PageNo;

/// Runs a listing query; when its text finds nothing and the vocabulary knows a nearer
/// spelling that finds something, returns those results marked `corrected`. A search also
/// counts what each section holds for its text and place.
pub fn list_forgiving(
    conn: &Connection,
    f: &Filter,
    now: i64,
    reading: Reading<'_>,
    vocabulary: &VocabularyCache,
) -> rusqlite::Result<Page> {
    let mut page = list::list(conn, f, now, reading)?;
    let Some(text) = f.text.as_deref() else { return Ok(page) };
    if page.total == 0
        && let Some(better) = spelling::cached(conn, vocabulary)?.suggest(text)
    {
        let retry = Filter { text: Some(better.clone()), ..f.clone() };
        let found = list::list(conn, &retry, now, reading)?;
        if found.total > 0 {
            page = Page { corrected: Some(better), ..found };
        }
    }
    let counted = Filter { text: page.corrected.clone().or_else(|| f.text.clone()), ..f.clone() };
    page.sections = section_counts(conn, &counted, now, reading, page.count())?;
    Ok(page)
}

/// The same search text and place in `section`, without the filters of another section
/// (kind, type, brand, price): what a section tab links to.
pub fn in_section(f: &Filter, section: Section) -> Filter {
    Filter {
        section: Some(section),
        country: f.country,
        city: f.city.clone(),
        any_country: f.any_country,
        text: f.text.clone(),
        ..Filter::default()
    }
}

/// How many ads each section holds for `f`'s text and place, in menu order, each counted to
/// [`TAB_COUNT_CAP`]; `f`'s own section is `counted` already when `f` has no filter but its
/// text and place.
pub fn section_counts(
    conn: &Connection,
    f: &Filter,
    now: i64,
    reading: Reading<'_>,
    counted: Count,
) -> rusqlite::Result<Vec<(Section, Count)>> {
    // what a count depends on: not the page or the order
    let whole = |g: &Filter| {
        format!(
            "{:?}",
            Filter {
                page: PageNo::FIRST,
                after: None,
                sort: Sort::Fresh,
                currency: None,
                ..g.clone()
            }
        )
    };
    let tab_reading = Reading {
        cap: Some(reading.cap.map_or(TAB_COUNT_CAP, |c| c.min(TAB_COUNT_CAP))),
        ..reading
    };
    Section::ALL
        .iter()
        .map(|s| {
            let g = in_section(f, *s);
            if Some(*s) == f.section && whole(&g) == whole(f) {
                return Ok((*s, counted));
            }
            Ok((*s, list::count(conn, &g, now, tab_reading)?))
        })
        .collect()
}

/// The most a section tab counts exactly: "100+" says as much as "1 000+" beside a tab, and
/// each count walks its matches up to its cap (a search's two other tabs were a sixth of the
/// listing's time at a million ads).
pub const TAB_COUNT_CAP: i64 = 100;

/// One search across every section.
#[derive(Debug)]
pub struct Everywhere {
    /// Each section's first page, in menu order.
    pub sections: Vec<(Section, Page)>,
    /// The text these results are for, when the one asked found nothing anywhere and its
    /// nearest spelling found something.
    pub corrected: Option<String>,
}

impl Everywhere {
    /// Matching ads in all sections (more, when a section's count stopped at its cap).
    pub fn total(&self) -> Count {
        let shown = self.sections.iter().map(|(_, p)| p.total).sum();
        Count { shown, capped: self.sections.iter().any(|(_, p)| p.capped) }
    }
}

/// Searches `f`'s text and place in every section, forgiving a typo as a listing does.
pub fn everywhere(
    conn: &Connection,
    f: &Filter,
    now: i64,
    reading: Reading<'_>,
    vocabulary: &VocabularyCache,
) -> rusqlite::Result<Everywhere> {
    let run = |text: Option<String>| {
        Section::ALL
            .iter()
            .map(|s| {
                let f = Filter { text: text.clone(), ..in_section(f, *s) };
                Ok((*s, list::list(conn, &f, now, reading)?))
            })
            .collect::<rusqlite::Result<Vec<_>>>()
    };
    let found = Everywhere { sections: run(f.text.clone())?, corrected: None };
    let Some(text) = f.text.as_deref().filter(|_| found.total().shown == 0) else {
        return Ok(found);
    };
    let Some(better) = spelling::cached(conn, vocabulary)?.suggest(text) else { return Ok(found) };
    let retry = Everywhere { sections: run(Some(better.clone()))?, corrected: Some(better) };
    Ok(if retry.total().shown > 0 { retry } else { found })
}
