//! Listing queries for `/catalog`, `/parts`, `/repair` and seller pages: filters, sort, pages.

use rusqlite::{Connection, ToSql};

use super::AdCard;
pub use super::by_tags::{ByTags, FEW_BY_TAGS};
use super::by_tags::{Tagged, keys_filter};
pub use super::filter::{After, Filter, KEYSET_FROM_PAGE, ListParams, Sort};
use super::lexicon::{Lexicon, MAX_FORMS};
use super::read_once::ReadOnce;
use super::repo::{CARD_COLUMNS, card_from_row};
use super::type_brand;
use crate::domain::ids::PageNo;

/// Cards per page.
pub const PAGE_SIZE: i64 = 12;

/// One page of results.
#[derive(Debug)]
pub struct Page {
    /// Cards on this page.
    pub cards: Vec<AdCard>,
    /// Matching ads in all, or the cap when `capped`.
    pub total: i64,
    /// More than `total` ads match: counting stopped at the cap ([`Reading::cap`]).
    pub capped: bool,
    /// Where the next page starts, when this one is a full page of the default order.
    pub next_after: Option<After>,
    /// 1-based page shown.
    pub page: i64,
    /// Pages in all.
    pub pages: i64,
    /// Promoted ads matching the filter, shown first on the first page (VIP, PREMIUM, GOLD).
    pub promoted: Vec<AdCard>,
    /// The search text these results are for, when the one asked found nothing and its
    /// nearest spelling did (`search::list_forgiving`).
    pub corrected: Option<String>,
    /// For a search, how many ads each section holds for its text and place (the section
    /// tabs); empty otherwise.
    pub sections: Vec<(super::Section, Count)>,
}

impl Page {
    /// The count shown: `total`, and whether more match.
    pub fn count(&self) -> Count {
        Count { shown: self.total, capped: self.capped }
    }

    /// Whether a page follows this one: within the counted pages, or past the cap while this
    /// page is full.
    pub fn has_next(&self) -> bool {
        self.page < self.pages || (self.capped && self.cards.len() as i64 == PAGE_SIZE)
    }
}

/// What a listing is read with besides its filter. Its count is had from `cache` when it holds
/// it, else counted, stopping once more than `cap` rows match (an exact count walks every
/// matching row: the one cost of a listing that grows with the catalog); its search words are
/// found inside longer ones through `lexicon`.
#[derive(Clone, Copy, Default)]
pub struct Reading<'a> {
    /// Counts by filter, reused for a while.
    pub cache: Option<&'a crate::cache::TtlCache<String, i64>>,
    /// The highest count made exactly; `None`: no cap.
    pub cap: Option<i64>,
    /// The search index's words; without it a search word is a word prefix.
    pub lexicon: Option<&'a Lexicon>,
}

/// A count: exact, or more than `cap` (held as `cap + 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    /// Matching rows, at most the cap.
    pub shown: i64,
    /// More rows match than `shown`.
    pub capped: bool,
}

impl Count {
    fn of(n: i64, cap: Option<i64>) -> Count {
        match cap {
            Some(cap) if n > cap => Count { shown: cap, capped: true },
            _ => Count { shown: n, capped: false },
        }
    }
}

/// Promoted ads shown above a listing's first page.
pub const PROMOTED_SHOWN: i64 = 4;

/// The SQL of the promoted ads above a listing: its filter, and a running promotion. Read in
/// order from [`promoted_index`], which holds the filter's columns: the planner would rather
/// take the smaller expiry index and sort every running promotion.
pub fn promoted_sql(f: &Filter, now: i64) -> (String, Vec<Box<dyn ToSql>>) {
    let (cond, params) = where_clause(f, now);
    let index = promoted_index(f);
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM ads a INDEXED BY {index} \
         CROSS JOIN users u ON u.id = a.owner_id \
         WHERE {cond} AND a.plan IS NOT NULL AND a.plan_until > ?1 \
         ORDER BY a.plan_rank DESC, a.plan_started_at DESC, a.id DESC LIMIT {PROMOTED_SHOWN}"
    );
    (sql, params)
}

/// The promotions' index a listing's strip reads, in plan order: its section's promotions of
/// its city, brand, type or country (migration 30), the narrowest it names (a city's are
/// about one in eighty, a brand's one in thirty, a type's one in twenty, a country's one in
/// four), else every promotion's (`ads_promoted_order`, migration 20). Each holds every
/// filter's column, so the others are checked in its entries; through the whole index a
/// filter few promotions match read all of them (9,356 at a million ads).
pub(super) fn promoted_index(f: &Filter) -> &'static str {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
    match f.section {
        None => "ads_promoted_order",
        Some(_) if f.country.is_some() && given(&f.city) => "ads_promoted_city",
        Some(_) if given(&f.brand) => "ads_promoted_brand",
        Some(_) if given(&f.equipment_type) => "ads_promoted_type",
        Some(_) if f.country.is_some() => "ads_promoted_country",
        Some(_) => "ads_promoted_order",
    }
}

/// Short words a query may hold without meaning to narrow it: prepositions and conjunctions.
/// They are dropped (and the page says so) when the query has other words.
const STOP_WORDS: &[&str] = &[
    "в", "во", "на", "с", "со", "и", "к", "ко", "по", "из", "от", "до", "за", "у", "о", "об", "а",
    "но", "не", "да", "же", "ли",
];

/// A search text split the way the indexes can read it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Terms {
    /// Words of 3+ characters: through the section's search index (`ads_find_*`), inside
    /// longer words too.
    pub long: Vec<String>,
    /// Words of 1-2 characters: word prefixes through the word index (`ads_words`).
    pub short: Vec<String>,
    /// Words not searched: single letters and prepositions beside other words, punctuation.
    pub ignored: Vec<String>,
}

impl Terms {
    /// Splits `text` into words and sorts each into the index that can find it.
    pub fn of(text: &str) -> Terms {
        let mut t = Terms::default();
        let words: Vec<&str> = text.split_whitespace().collect();
        let meaningful = |w: &str| w.chars().any(char::is_alphanumeric);
        let is_long = |w: &str| w.chars().count() >= 3;
        // a short word narrows only when the query has nothing better, or when it is not filler
        let has_long = words.iter().any(|w| meaningful(w) && is_long(w));
        for w in &words {
            let lower = w.to_lowercase();
            if !meaningful(w) {
                t.ignored.push((*w).to_owned());
            } else if is_long(w) {
                t.long.push((*w).to_owned());
            } else if has_long && (w.chars().count() == 1 || STOP_WORDS.contains(&lower.as_str())) {
                t.ignored.push((*w).to_owned());
            } else {
                t.short.push((*w).to_owned());
            }
        }
        t
    }
}

pub(super) fn quoted(w: &str) -> String {
    format!("\"{}\"", w.replace('"', "\"\""))
}

/// The search index of a section (migration 23).
pub fn find_table(section: super::Section) -> &'static str {
    match section {
        super::Section::Catalog => "ads_find_catalog",
        super::Section::Parts => "ads_find_parts",
        super::Section::Repair => "ads_find_repair",
    }
}

/// The index of a section's titles, with the tags (migration 27): its lists of a word hold
/// the titles with it only, where the section's index lists every ad with it anywhere.
fn title_table(section: super::Section) -> &'static str {
    match section {
        super::Section::Catalog => "ads_find_title_catalog",
        super::Section::Parts => "ads_find_title_parts",
        super::Section::Repair => "ads_find_title_repair",
    }
}

/// The search index's query of the long words, all required, each of them any word of the
/// index that holds it: its [`Lexicon::forms`] with a lexicon, a word prefix without one. A word
/// the index splits in several ("КС-45717") is a phrase of its parts.
fn words_query(terms: &Terms, lexicon: Option<&Lexicon>) -> String {
    let group = |w: &String| {
        let parts: Vec<String> = w
            .split(|c: char| !c.is_alphanumeric())
            .filter(|p| !p.is_empty())
            .map(str::to_lowercase)
            .collect();
        match (parts.as_slice(), lexicon) {
            ([one], Some(l)) => {
                let forms = l.forms(one, MAX_FORMS);
                format!("({})", forms.iter().map(|f| quoted(f)).collect::<Vec<_>>().join(" OR "))
            }
            ([.., last], Some(l)) if l.knows(last) => quoted(&parts.join(" ")),
            _ => format!("{}*", quoted(&parts.join(" "))),
        }
    };
    // FTS5 reads two phrases side by side as AND, but not two parenthesized groups
    terms.long.iter().map(group).collect::<Vec<_>>().join(" AND ")
}

/// The word-index FTS5 query of the short words: a prefix per word, all required.
fn prefix_query(terms: &Terms) -> String {
    terms.short.iter().map(|w| format!("{}*", quoted(w))).collect::<Vec<_>>().join(" ")
}

/// The filters a section's search index holds as words of its `tags` column (migration 21),
/// as conditions to AND to its query (" AND tags : (…)", or nothing), so FTS5 intersects the
/// text's rows with the filter's instead of reading every match's ad; and whether they are all
/// of `f`'s filters (no price range, no seller), so the index alone answers which ads match.
/// Then the kind's word is asked too; else each match's listing and kind are checked with its
/// price (`keys_filter`), and the words held by most of the section are left out: merging a
/// list of 690,000 listed ads tripled the cost of "услуги" in a price range (4.6 ms to 16.9 at
/// a million ads). So is a kind with a type, brand or city: its word lists half the section,
/// and FTS5 stepped through all of it to meet their few matches ("двигатель" in rent of
/// Liebherr in Baranovichi: 2.9 ms with the kind's word, 1.0 without, the 30 matches' kinds
/// then checked in microseconds).
fn tags_query(f: &Filter, section: super::Section) -> (String, bool) {
    // the index has no word for an empty value (nor the filter, as parsed): checked per row
    let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
    let empty = asks_empty_value(f);
    let few =
        given(&f.equipment_type).is_some() || given(&f.brand).is_some() || city_tag(f).is_some();
    let kind_of_few = few && f.kind.is_some();
    let covered = !(f.has_price_range() || f.owner_id.is_some() || empty || kind_of_few);
    let tags = [
        listed_tag(f, section),
        f.kind.filter(|_| covered).map(|k| format!("k{}", k.code())),
        given(&f.equipment_type).map(|t| hex_tag("t", &t)),
        // NOCASE folds ASCII letters only, as SQLite's lower() in the index's tags does
        given(&f.brand).map(|b| hex_tag("b", &b.to_ascii_lowercase())),
        city_tag(f),
    ];
    let words: Vec<String> = tags.into_iter().flatten().map(|t| quoted(&t)).collect();
    let mut conditions = String::new();
    if !words.is_empty() {
        conditions.push_str(&format!(" AND tags : ({})", words.join(" ")));
    }
    // a price range's bands: a common word's matches are intersected with them, not each
    // checked for its price ("года" at $5,000-6,000 counted in 7.7 ms, not 75). With a type,
    // brand or city, whose lists hold few ads, only first digits' bands: a whole decade's
    // lists hold a third of the section, and FTS5 seeks in each of them for every ad the
    // other words meet (at a million ads "гидравлика" in a Belarusian town's ads of a type
    // and a brand, $5-1,005: 5.6 ms with "pd5" OR "pd6"…, 1.3 ms checking the prices)
    let bands = super::price_bands::of_filter(f).filter(|b| !few || super::price_bands::narrow(b));
    if let Some(bands) = bands {
        conditions.push_str(&format!(" AND {}", super::price_bands::condition(&bands)));
    }
    (conditions, covered)
}

/// The index's word of a value: its letter (a city's, its country's code too), then its
/// bytes in hex (migration 21).
pub(super) fn hex_tag(letter: &str, value: &str) -> String {
    let hex: String = value.bytes().map(|b| format!("{b:02X}")).collect();
    format!("{letter}{hex}")
}

/// The index's word of `f`'s city, which names its country (migration 29: a city is free
/// text, and two countries may have one of a name); `None` without a country or a city.
pub(super) fn city_tag(f: &Filter) -> Option<String> {
    let (country, city) = (f.country?, f.city.as_deref().filter(|c| !c.is_empty())?);
    Some(hex_tag(&format!("y{}", country.code()), city))
}

/// The index's word of `f`'s country's listed ads in `section`, for a country without a
/// city: with a city, that city's word says the country, and the section's hidden ads are
/// left out instead (`NOT h…`), a list about a quarter as long as a country's listed ads,
/// which FTS5 sought once for each ad of the other words (graders in Turkestan counted in
/// 1.6 ms at a million ads, 0.8 ms without it).
pub(super) fn listed_tag(f: &Filter, section: super::Section) -> Option<String> {
    let country = f.country.filter(|_| city_tag(f).is_none())?;
    Some(format!("s{}c{}", section.code(), country.code()))
}

/// `query`, a search index's expression, without the section's hidden ads: the listed ones,
/// where no country's listed word says so (`listed_tag`).
pub(super) fn without_hidden(query: &str, section: super::Section) -> String {
    format!("(({query}) NOT tags : (\"h{}\"))", section.code())
}

/// Builds the WHERE clause and its parameters (`?1` is reserved for "now"), the text as
/// conditions on the full-text indexes (for saved-search alerts, whose new ads are few).
pub fn where_clause(f: &Filter, now: i64) -> (String, Vec<Box<dyn ToSql>>) {
    where_clause_with(f, now, false)
}

fn where_clause_with(f: &Filter, now: i64, price_by_row: bool) -> Query {
    let (mut sql, mut params) = filter_clause(f, now, price_by_row);
    if let Some(s) = TextSearch::of(f, None) {
        let searches = [(s.table, Some(s.all)), ("ads_words", s.prefixes)];
        for (table, query) in searches {
            if let Some(query) = query {
                params.push(Box::new(query));
                sql.push_str(&format!(
                    " AND a.id IN (SELECT rowid FROM {table} WHERE {table} MATCH ?{})",
                    params.len()
                ));
            }
        }
    }
    (sql, params)
}

/// The WHERE clause of everything but the text (see [`TextSearch`] for that). With
/// `price_by_row` the price range is checked on each row (`+a.…`), so the order's index
/// drives: see [`price_is_wide`].
pub(super) fn filter_clause(f: &Filter, now: i64, price_by_row: bool) -> Query {
    let mut sql = String::from("a.is_active = 1");
    let mut params: Vec<Box<dyn ToSql>> = vec![Box::new(now)];
    let mut push = |sql: &mut String, clause: &str, p: Box<dyn ToSql>| {
        params.push(p);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(section) = f.section {
        push(&mut sql, " AND a.section = ?", Box::new(section.code()));
    }
    if let Some(kind) = f.kind {
        push(&mut sql, " AND a.kind = ?", Box::new(kind.code()));
    }
    if let Some(owner) = f.owner_id {
        push(&mut sql, " AND a.owner_id = ?", Box::new(owner));
    }
    if let Some(country) = f.country {
        push(&mut sql, " AND a.country = ?", Box::new(country.code()));
        if let Some(city) = &f.city {
            push(&mut sql, " AND a.city = ?", Box::new(city.clone()));
        }
    }
    if let Some(t) = &f.equipment_type {
        push(&mut sql, " AND a.equipment_type = ?", Box::new(t.clone()));
    }
    if let Some(b) = &f.brand {
        push(&mut sql, " AND a.brand = ? COLLATE NOCASE", Box::new(b.clone()));
    }
    // a rent price is compared per day (see `price_day_usd_cents` in migration 14); cheapest
    // first, the range is written on the ascending key, so the index that sorts also bounds
    // (a negotiable ad's key is i64::MAX: above any upper bound, and kept out by hand below)
    let (column, _) = order_key(range_order(f.sort));
    let plus = if price_by_row { "+" } else { "" };
    if let Some(p) = f.price_from_usd_cents {
        push(&mut sql, &format!(" AND {plus}a.{column} >= ?"), Box::new(p));
        if f.sort == Sort::PriceAsc && f.price_to_usd_cents.is_none() {
            sql.push_str(" AND a.price_day_asc < 9223372036854775807");
        }
    }
    if let Some(p) = f.price_to_usd_cents {
        push(&mut sql, &format!(" AND {plus}a.{column} <= ?"), Box::new(p));
    }
    (sql, params)
}

/// How a listing with search text is read: from a full-text index, newest match first, each
/// match's ad checked against the other filters. FTS5 hands its matches out lazily in rowid
/// order, so a first page reads a few dozen of them; the old form (`a.id IN (SELECT rowid
/// ...)` then a sort by bump time) read every match first: 105,074 for "экскаватор" at a
/// million ads, six times a page. The section, kind and country are words of the index
/// (`tags_query`), so a common word asked in a section it is rare in costs no more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSearch {
    /// The index that drives: the section's `ads_find_*` (words) when a word has 3+ letters,
    /// else `ads_words`.
    pub table: &'static str,
    /// Every word, anywhere in the ad.
    pub all: String,
    /// The index of `in_title`: the section's titles' (`title_table`) when `table` is its
    /// search index, else `table`.
    pub title_table: &'static str,
    /// Every word in the title: the first tier of the ranked order.
    pub in_title: String,
    /// Every word, not all in the title: the second tier.
    pub elsewhere: String,
    /// The short words as word prefixes, when the long ones drive (a condition on `ads_words`).
    pub prefixes: Option<String>,
    /// The index's query holds every filter: which ads match is read from it alone.
    pub in_index: bool,
    /// The index's query holds every filter but the listing, the kind and the price: a match
    /// is checked for those through `ad_sort_keys` (migration 24), not its row.
    pub keyed: bool,
}

impl TextSearch {
    /// The search of `f`'s text, each word found inside longer ones through `lexicon` (as a
    /// word prefix without one); `None` without text, or when no word can be searched.
    pub fn of(f: &Filter, lexicon: Option<&Lexicon>) -> Option<TextSearch> {
        let mut terms = Terms::of(f.text.as_deref()?);
        // the search indexes are per section; a filter with text always has one (a listing's,
        // a tab's), and without, its words are read as prefixes of the short fields
        let Some(section) = f.section else {
            let mut long = std::mem::take(&mut terms.long);
            terms.short.append(&mut long);
            return TextSearch::of_words(&terms);
        };
        let (long, short) = (words_query(&terms, lexicon), prefix_query(&terms));
        if long.is_empty() {
            if short.is_empty() {
                return None;
            }
            return TextSearch::of_words(&terms);
        }
        let (tags, covered) = tags_query(f, section);
        // only listed ads, when the index alone answers and no country's listed word says so:
        // not the section's hidden ones (a list a twelfth as long as the listed, so "года" was
        // counted in 15 ms, not 25, at a million ads)
        let listed = |query: String| match covered && listed_tag(f, section).is_none() {
            true => without_hidden(&query, section),
            false => query,
        };
        let empty = asks_empty_value(f);
        Some(TextSearch {
            table: find_table(section),
            title_table: title_table(section),
            all: listed(format!("{{title body}} : ({long}){tags}")),
            in_title: listed(format!("title : ({long}){tags}")),
            elsewhere: listed(format!(
                "(({{title body}} : ({long})) NOT (title : ({long}))){tags}"
            )),
            in_index: covered && short.is_empty(),
            keyed: f.owner_id.is_none() && !empty,
            prefixes: (!short.is_empty()).then_some(short),
        })
    }

    /// The search of the short words alone, through the word index of the short fields.
    fn of_words(terms: &Terms) -> Option<TextSearch> {
        let short = prefix_query(terms);
        if short.is_empty() {
            return None;
        }
        Some(TextSearch {
            table: "ads_words",
            title_table: "ads_words",
            in_title: format!("title : ({short})"),
            elsewhere: format!("({short}) NOT (title : ({short}))"),
            all: short,
            prefixes: None,
            in_index: false,
            keyed: false,
        })
    }

    /// The index `query` (one of this search's MATCH texts) reads: the titles' for the title
    /// tier, the search index for the rest.
    fn table_of(&self, query: &str) -> &'static str {
        if query == self.in_title { self.title_table } else { self.table }
    }

    /// The FROM and WHERE of the matches of `query` (one of this search's MATCH texts) that
    /// pass `f`'s other filters, the index driving (CROSS JOIN keeps it the outer loop), each
    /// match's ad read through `ad_sort_keys` when `keyed`; and the parameters.
    fn matches(&self, f: &Filter, now: i64, query: &str) -> Query {
        let table = self.table_of(query);
        let (ads, (cond, mut params)) = if self.keyed {
            ("ad_sort_keys a", filter_clause(&keys_filter(f), now, false))
        } else {
            ("ads a", filter_clause(f, now, false))
        };
        params.push(Box::new(query.to_owned()));
        let mut sql = format!(
            "{table} f CROSS JOIN {ads} ON a.id = f.rowid WHERE {table} MATCH ?{} AND {cond}",
            params.len()
        );
        if let Some(prefixes) = &self.prefixes {
            params.push(Box::new(prefixes.clone()));
            sql.push_str(&format!(
                " AND a.id IN (SELECT rowid FROM ads_words WHERE ads_words MATCH ?{})",
                params.len()
            ));
        }
        (sql, params)
    }

    /// The ids of the newest `limit` matches of `query` (one of this search's MATCH texts).
    pub(super) fn ids_sql(&self, f: &Filter, now: i64, query: &str, limit: i64) -> Query {
        let ((sql, params), order) = self.matching_ids(f, now, query);
        (format!("{sql} ORDER BY {order} DESC LIMIT {limit}"), params)
    }

    /// The ids of the oldest `limit` matches: every match while they are fewer. FTS5 reads
    /// its lists oldest first; newest first they are read backwards, which cost a third more
    /// for a word's every match at a million ads (7.75 ms against 5.97).
    pub(super) fn oldest_ids_sql(&self, f: &Filter, now: i64, limit: i64) -> Query {
        let ((sql, params), order) = self.matching_ids(f, now, &self.all);
        (format!("{sql} ORDER BY {order} LIMIT {limit}"), params)
    }

    /// [`TextSearch::ids_sql`], the limit bound: it changes with the page.
    pub(super) fn page_ids_sql(&self, f: &Filter, now: i64, query: &str, limit: i64) -> Query {
        let ((sql, mut params), order) = self.matching_ids(f, now, query);
        let limit = bind(&mut params, limit);
        (format!("{sql} ORDER BY {order} DESC LIMIT {limit}"), params)
    }

    /// The ids of the matches of `query` unordered, and the column that orders them by age.
    fn matching_ids(&self, f: &Filter, now: i64, query: &str) -> (Query, &'static str) {
        if self.in_index {
            return (self.index_only(now, "rowid AS id", query, ""), "rowid");
        }
        let (from_where, params) = self.matches(f, now, query);
        ((format!("SELECT a.id FROM {from_where}"), params), "f.rowid")
    }

    /// The ids of the newest `limit` matches with their `column` of the listing's keys (a
    /// [`ReadOnce`]'s query), in no order.
    pub fn keyed_ids_sql(&self, f: &Filter, now: i64, column: &str, limit: i64) -> Query {
        let (ids, params) = self.ids_sql(f, now, &self.all, limit);
        let keys = if self.keyed { "ad_sort_keys" } else { "ads" };
        let sql =
            format!("SELECT k.id, k.{column} FROM ({ids}) w CROSS JOIN {keys} k ON k.id = w.id");
        (sql, params)
    }

    /// A query of the index alone (when it holds every filter: `in_index`), its parameters
    /// numbered as every listing query's: `?1` the time (for a query around it), `?2` the text.
    fn index_only(&self, now: i64, columns: &str, query: &str, rest: &str) -> Query {
        let table = self.table_of(query);
        let params: Vec<Box<dyn ToSql>> = vec![Box::new(now), Box::new(query.to_owned())];
        let rest = if rest.is_empty() { String::new() } else { format!(" {rest}") };
        (format!("SELECT {columns} FROM {table} WHERE {table} MATCH ?2{rest}"), params)
    }

    /// One tier's page of the ranked order: cards of the newest matches of `query`.
    /// Its ids first: a deep page's matches before it are each checked, not made cards.
    pub fn tier_sql(&self, f: &Filter, now: i64, query: &str, limit: i64, offset: i64) -> Query {
        let (from_where, mut params) = self.matches(f, now, query);
        // the limit (the page, or what the title tier left of it) stays a number the planner sees
        let offset = bind(&mut params, offset);
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM (SELECT a.id FROM {from_where} ORDER BY f.rowid DESC \
             LIMIT {limit} OFFSET {offset}) p CROSS JOIN ads a ON a.id = p.id \
             CROSS JOIN users u ON u.id = a.owner_id ORDER BY a.id DESC"
        );
        (sql, params)
    }

    /// A page in another order (price, views): the newest `window` matches, sorted, their ids
    /// first (a card's columns were read for every match sorted).
    pub fn sorted_sql(&self, f: &Filter, now: i64, window: i64) -> Query {
        let (ids, mut params) = self.ids_sql(f, now, &self.all, window);
        let order = order_clause(f.sort);
        let keys = if self.keyed { "ad_sort_keys" } else { "ads" };
        let offset = bind(&mut params, f.page.offset(PAGE_SIZE));
        let sql = format!(
            "SELECT {CARD_COLUMNS} FROM (SELECT a.id FROM ({ids}) w CROSS JOIN {keys} a ON a.id = w.id \
             ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}) p CROSS JOIN ads a ON a.id = p.id \
             CROSS JOIN users u ON u.id = a.owner_id ORDER BY {order}"
        );
        (sql, params)
    }

    /// The promoted strip above a search: the promoted among the newest [`PROMOTED_WINDOW`]
    /// matches, in plan order.
    pub fn promoted_sql(&self, f: &Filter, now: i64) -> Query {
        let (ids, params) = self.ids_sql(f, now, &self.all, PROMOTED_WINDOW);
        (promoted_among(&format!("({ids}) w"), "w.id"), params)
    }

    /// The count of matches, stopped after `cap + 1` when there is a cap (bound: a ranked
    /// page past its title tier counts that tier to its own offset).
    pub fn count_sql(&self, f: &Filter, now: i64, query: &str, cap: Option<i64>) -> Query {
        let (rows, mut params) = if self.in_index {
            self.index_only(now, "1", query, "")
        } else {
            let (from_where, params) = self.matches(f, now, query);
            (format!("SELECT 1 FROM {from_where}"), params)
        };
        let sql = match cap {
            Some(cap) => {
                let limit = bind(&mut params, cap.saturating_add(1));
                format!("SELECT count(*) FROM ({rows} LIMIT {limit})")
            }
            None => format!("SELECT count(*) FROM ({rows})"),
        };
        (sql, params)
    }
}

/// The promoted strip's SQL of the ads `ids` names (a FROM item, each ad's id its `id`
/// column): the running promotions among them, in plan order. Whether an ad is promoted, and
/// its plan, come from the running promotions' small index (migration 32): most are not, and
/// their rows were read only to say so. `?1` is the time.
pub(super) fn promoted_among(ids: &str, id: &str) -> String {
    let order = |t: &str| format!("{t}.plan_rank DESC, {t}.plan_started_at DESC, {t}.id DESC");
    format!(
        "SELECT {CARD_COLUMNS} FROM (SELECT p.id FROM {ids} \
         CROSS JOIN ads p INDEXED BY ads_promoted_id ON p.id = {id} \
         WHERE p.plan IS NOT NULL AND p.plan_until > ?1 \
         ORDER BY {} LIMIT {PROMOTED_SHOWN}) s CROSS JOIN ads a ON a.id = s.id \
         CROSS JOIN users u ON u.id = a.owner_id ORDER BY {}",
        order("p"),
        order("a"),
    )
}

/// An SQL text and its parameters.
pub type Query = (String, Vec<Box<dyn ToSql>>);

/// Matches a search sorts by price or views when its count has no cap: the newest this many.
/// With a cap, the cap: a page that says "1 000+" sorts those 1,000, so it costs the same
/// whatever the word, and a narrower search sorts every match.
pub const SORTED_WINDOW: i64 = 1_000;

/// Matches the promoted strip above a search looks among (newest first).
pub const PROMOTED_WINDOW: i64 = 500;

/// An order's key column (of `ads`, and of `ad_sort_keys`) and whether it ascends; ties go to
/// the newest id. Negotiable ads (no price) come after the priced ones both ways: the ascending
/// key reads them as the dearest, and a descending sort puts NULL last.
pub(super) fn order_key(sort: Sort) -> (&'static str, bool) {
    match sort {
        Sort::Fresh => ("bumped_at", false),
        Sort::PriceAsc => ("price_day_asc", true),
        Sort::PriceDesc => ("price_day_usd_cents", false),
        Sort::Views => ("views_count", false),
    }
}

/// The price order whose key a price range is written on in `sort` (`filter_clause`): the
/// ascending key cheapest first, the day's price in every other order. An index of that key
/// bounds the range.
pub(super) fn range_order(sort: Sort) -> Sort {
    if sort == Sort::PriceAsc { Sort::PriceAsc } else { Sort::PriceDesc }
}

/// The ORDER BY of `sort` on the ads (or their keys) named `a`.
pub(super) fn order_clause(sort: Sort) -> String {
    let (column, ascending) = order_key(sort);
    format!("a.{column} {}, a.id DESC", if ascending { "ASC" } else { "DESC" })
}

/// The SQL of a listing page and of its count, for running and for `EXPLAIN QUERY PLAN`. The
/// ads drive (CROSS JOIN): with `ads_owner` holding the section, SQLite once chose to walk
/// every user's ads and sort them all for "cheapest first" (1.6 s at a million ads). A
/// page of the default order with a cursor (`after`) starts at it instead of skipping rows;
/// its two parameters come last, after the count's.
pub fn sql(f: &Filter, now: i64) -> (String, String, Vec<Box<dyn ToSql>>) {
    page_sql(f, now, false)
}

/// [`sql`], the page's price range checked on each row when `price_by_row` (the count's
/// may still use the price index).
pub fn page_sql(f: &Filter, now: i64, price_by_row: bool) -> (String, String, Vec<Box<dyn ToSql>>) {
    page_sql_within(f, now, price_by_row, None)
}

/// [`page_sql`], the page read within `bound` (a condition on the order's price key and its
/// value, see [`kind_price_bound`]), bound after the count's parameters.
fn page_sql_within(
    f: &Filter,
    now: i64,
    price_by_row: bool,
    bound: Option<(&str, i64)>,
) -> (String, String, Vec<Box<dyn ToSql>>) {
    let (cond, _) = where_clause_with(f, now, price_by_row);
    let (count_cond, mut params) = where_clause(f, now);
    let count = format!("SELECT count(*) FROM {} WHERE {count_cond}", counted_ads(f));
    let bound = match bound {
        Some((condition, value)) => format!(" AND {condition} {}", bind(&mut params, value)),
        None => String::new(),
    };
    let (after, offset) = page_start(f, &mut params);
    let offset = bind(&mut params, offset);
    let cond = format!("{cond}{bound}{after}");
    // the page's ids first, the cards of those twelve after: a card's columns (its seller,
    // first photo, views today) were read for every row the sort saw (122 ms for a type's
    // page 12 by views at a million ads)
    let order = order_clause(f.sort);
    // a price order with a kind and nothing narrower, the kind's price index; else a
    // country's price order, or its price range when narrow, the country's price index,
    // which bounds it: in order in a price order, else each match's row read for its sort key
    // (the kind's price index read a row for every ad of the kind in the range, of every
    // country)
    let index = kind_price_index(f)
        .or_else(|| country_price_index(f).filter(|_| f.sort.by_price() || !price_by_row))
        .map(str::to_owned)
        .or_else(|| filter_index(f, f.sort));
    let ads = index.map_or("ads a".to_owned(), |i| format!("ads a INDEXED BY {i}"));
    let select = format!(
        "SELECT {CARD_COLUMNS} FROM (SELECT a.id FROM {ads} WHERE {cond} \
         ORDER BY {order} LIMIT {PAGE_SIZE} OFFSET {offset}) p \
         CROSS JOIN ads a ON a.id = p.id CROSS JOIN users u ON u.id = a.owner_id ORDER BY {order}"
    );
    (select, count, params)
}

/// The index of `f`'s one type, brand or city in `order`, which holds the kind, the country
/// and the day's price besides (migration 25): every other filter is checked in its entries,
/// no ad's row read. Named, as without statistics SQLite weighs the narrower country's index
/// the same and would check each ad's type in its row. A type and a brand: newest first the
/// index of both (migration 31), a price range checked in its entries; a price range in a
/// price order the type's price index, which holds the brand (migration 28) and bounds the
/// range. `None` with two of them otherwise (read by their tags, [`ByTags`], when few carry
/// them; else as SQLite plans), a seller's ads, or a price range another order's index bounds.
pub(super) fn filter_index(f: &Filter, order: Sort) -> Option<String> {
    if f.owner_id.is_some() {
        return None;
    }
    let key = |lead: &str| match order {
        Sort::Fresh if lead == "ads_place" => "_fresh",
        Sort::Fresh => "",
        Sort::Views => "_views",
        Sort::PriceAsc => "_price_day_asc",
        Sort::PriceDesc => "_price_day",
    };
    let (typed, branded) = (f.equipment_type.is_some(), f.brand.is_some());
    if typed && branded && !f.has_city() {
        return match order {
            Sort::Fresh => Some("ads_type_brand".to_owned()),
            Sort::PriceAsc | Sort::PriceDesc if f.has_price_range() => {
                Some(format!("ads_type{}", key("ads_type")))
            }
            Sort::PriceAsc | Sort::PriceDesc | Sort::Views => None,
        };
    }
    if f.has_price_range() && !order.by_price() {
        return None;
    }
    let lead = match (typed, branded, f.has_city()) {
        (true, false, false) => "ads_type",
        (false, true, false) => "ads_brand",
        (false, false, true) => "ads_place",
        _ => return None,
    };
    Some(format!("{lead}{}", key(lead)))
}

/// The FROM of a count of `f`: its one type's, brand's or city's index when it has one (see
/// [`filter_index`]; any order's holds every filter), else its country's; with a price range
/// the index of the price key the range is written on (`filter_clause`), which bounds it, and
/// without one the newest first, where the kinds come mixed. Left to the planner, a country's
/// aerial platforms at $5,000-105,000 were counted through the country's price index (17 ms
/// at a million ads, 0.2 ms through the type's): with statistics alike, its choice turned on
/// the order the indexes were made in; and Kazakhstan's sales through the country's cheapest
/// first, past every rent (4.5 ms for the capped count, 0.2 ms newest first).
fn counted_ads(f: &Filter) -> String {
    let order = if f.has_price_range() { range_order(f.sort) } else { Sort::Fresh };
    filter_index(f, order)
        .or_else(|| country_index(f, order).map(str::to_owned))
        .map_or("ads a".to_owned(), |i| format!("ads a INDEXED BY {i}"))
}

/// The country's index of `order`, for a section's country without a type, brand, city or
/// seller: the kind and the day's price are checked in its entries.
fn country_index(f: &Filter, order: Sort) -> Option<&'static str> {
    let one_country = f.country.is_some() && !f.has_city() && f.owner_id.is_none();
    if !one_country || f.section.is_none() || f.equipment_type.is_some() || f.brand.is_some() {
        return None;
    }
    Some(match order {
        Sort::Fresh => "ads_country_fresh",
        Sort::Views => "ads_country_views",
        Sort::PriceAsc => "ads_country_price_day_asc",
        Sort::PriceDesc => "ads_country_price_day",
    })
}

/// The country's index of the price key `f`'s range is written on, or of its price order, for
/// a country's price range or price order without a type, brand, city or seller: the range is
/// a stretch of it, the kind checked in its entries (a kind's prices bound by
/// [`kind_price_bound`] or [`within_kind_prices`]). Left to the planner, a kind's price index
/// was read (every country's parts in the range, each ad's row read for its country:
/// Uzbekistan's 768 counted in 5 ms at a million ads, 0.06 ms here; their newest twelve, a
/// row read for each match's bump time, 4.5 ms, 0.33 ms here).
fn country_price_index(f: &Filter) -> Option<&'static str> {
    if !f.has_price_range() && !f.sort.by_price() {
        return None;
    }
    country_index(f, range_order(f.sort))
}

/// The index a price order with a kind reads without a country, type, brand, city or seller: the
/// cheapest catalog ads are all rents (a day's price) and the dearest all sales, so through
/// the section's price index "rents, dearest first" would pass over every sale. (Within a
/// country, a city, a type or a brand, that one's price index is read within
/// [`kind_price_bound`], which passes over few: through the kind's, Belarus's parts dearest
/// first read a row for each of every country's parts before page 32, 5.3 ms at a million ads,
/// 0.05 ms through the country's.)
fn kind_price_index(f: &Filter) -> Option<&'static str> {
    let narrowed = f.country.is_some() || f.has_city() || f.owner_id.is_some();
    if f.kind.is_none() || f.equipment_type.is_some() || f.brand.is_some() || narrowed {
        return None;
    }
    match f.sort {
        Sort::PriceAsc => Some("ads_kind_price_day_asc"),
        Sort::PriceDesc => Some("ads_kind_price_day"),
        Sort::Fresh | Sort::Views => None,
    }
}

/// A condition on the price key that every listed ad of `f`'s kind meets, for a price order
/// with a kind: no cheaper than the cheapest such ad, or no dearer than the dearest (read at
/// the end of `ads_kind_price_day(_asc)`, a few µs). A type's, brand's or city's price index
/// then starts where the kind's prices do instead of walking past the other kind's: a day's
/// rent is far cheaper than a sale, so "rents in Uzbekistan, dearest first" read every
/// aerial platform for sale first (33 ms at a million ads; 0.1 ms within the bound). The
/// dearest-first bound leaves out the ads without a price, which come last: a page it leaves
/// short is read again without it. A price range needs none: [`list`] has held it within the
/// kind's prices already ([`within_kind_prices`]), and it bounds the same key.
fn kind_price_bound(
    conn: &Connection,
    f: &Filter,
) -> rusqlite::Result<Option<(&'static str, i64)>> {
    // the kind's own index needs none
    let unbounded = f.sort.by_price() && !f.has_price_range() && kind_price_index(f).is_none();
    let Some(kind) = f.kind.filter(|_| unbounded) else {
        return Ok(None);
    };
    let Some((cheapest, dearest)) = kind_prices(conn, kind)? else { return Ok(None) };
    Ok(Some(if f.sort == Sort::PriceAsc {
        ("a.price_day_asc >=", cheapest)
    } else {
        ("a.price_day_usd_cents <=", dearest)
    }))
}

/// The cheapest and dearest day's price of the listed ads of `kind` (`None`: none has a
/// price), from the ends of `ads_kind_price_day(_asc)`.
fn kind_prices(conn: &Connection, kind: super::Kind) -> rusqlite::Result<Option<(i64, i64)>> {
    let (cheapest, dearest): (i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT (SELECT min(price_day_asc) FROM ads INDEXED BY ads_kind_price_day_asc \
                     WHERE kind = ?1 AND is_active = 1), \
                    (SELECT max(price_day_usd_cents) FROM ads INDEXED BY ads_kind_price_day \
                     WHERE kind = ?1 AND is_active = 1)",
        )?
        .query_row([kind.code()], |r| {
            Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(i64::MAX), r.get(1)?))
        })?;
    Ok(dearest.map(|dearest| (cheapest, dearest)))
}

/// `f` as it is read: its price range held within its kind's prices, then without a kind that
/// is its section's only one (it asks for every ad of the section, and the search index's word
/// for it lists them all: "CAT" in Belarus's spare parts stepped through every part's entry,
/// 4.8 ms at a million ads, 3.4 without).
fn as_read(conn: &Connection, f: &Filter) -> rusqlite::Result<Filter> {
    let only_kind = f.section.and_then(|s| match s.kinds() {
        [only] => Some(*only),
        _ => None,
    });
    let mut read = within_kind_prices(conn, f)?;
    if read.kind.is_some() && read.kind == only_kind {
        read.kind = None;
    }
    Ok(read)
}

/// `f` with its price range held within its kind's prices (the same ads: a range excludes
/// the ads without a price). An index's price range then skips the other kind's: "SANY for
/// sale in Russia, under $1,000" checked every SANY rent under $1,000 for its kind (30 ms
/// at a million ads), where the sales start at $2,700.
fn within_kind_prices(conn: &Connection, f: &Filter) -> rusqlite::Result<Filter> {
    let Some(kind) = f.kind.filter(|_| f.has_price_range()) else { return Ok(f.clone()) };
    let Some((cheapest, dearest)) = kind_prices(conn, kind)? else { return Ok(f.clone()) };
    Ok(Filter {
        price_from_usd_cents: Some(f.price_from_usd_cents.map_or(cheapest, |p| p.max(cheapest))),
        price_to_usd_cents: Some(f.price_to_usd_cents.map_or(dearest, |p| p.min(dearest))),
        ..f.clone()
    })
}

/// A page of `f` read from the ads' indexes, within its kind's prices when it has them; a
/// narrow price range in another order walks that order's index first ([`price_walk`]).
fn ads_page(conn: &Connection, f: &Filter, now: i64) -> rusqlite::Result<Vec<AdCard>> {
    let in_range = price_range_size(conn, f)?;
    let wide = in_range.is_some_and(|n| n >= WIDE_PRICE_RANGE);
    let walk = in_range.filter(|_| !wide).and_then(|n| super::price_walk::page_sql(f, now, n));
    if let Some(walk) = walk {
        let cards = cards_of(conn, &walk)?;
        if cards.len() as i64 == PAGE_SIZE {
            return Ok(cards);
        }
    }
    if let Some(bound) = kind_price_bound(conn, f)? {
        let (select, _, params) = page_sql_within(f, now, wide, Some(bound));
        let cards = cards_of(conn, &(select, params))?;
        if cards.len() as i64 == PAGE_SIZE {
            return Ok(cards);
        }
    }
    let (select, _, params) = page_sql(f, now, wide);
    cards_of(conn, &(select, params))
}

/// Where a page of `f` starts: after its cursor (a condition on the default order's key, its
/// two parameters pushed onto `params`, no rows skipped), else at its page's offset.
pub(super) fn page_start(f: &Filter, params: &mut Vec<Box<dyn ToSql>>) -> (String, i64) {
    match f.after.filter(|_| f.sort == Sort::Fresh) {
        Some(after) => {
            let (bumped_at, id) = (bind(params, after.bumped_at), bind(params, after.id));
            (format!(" AND (a.bumped_at, a.id) < ({bumped_at}, {id})"), 0)
        }
        None => (String::new(), f.page.offset(PAGE_SIZE)),
    }
}

/// `value` pushed onto `params` as the next parameter, its placeholder returned. Also for a
/// LIMIT or OFFSET that changes with the page: written into the SQL, each page made its
/// statement anew (a tenth of a listing's time went to preparing them, at a million ads under
/// load).
pub(super) fn bind(params: &mut Vec<Box<dyn ToSql>>, value: i64) -> String {
    params.push(Box::new(value));
    format!("?{}", params.len())
}

/// Whether `f` asks for an empty type, brand or city: the word index has no word for an empty
/// value, so such a filter is checked in each ad's row.
pub(super) fn asks_empty_value(f: &Filter) -> bool {
    [&f.equipment_type, &f.brand, &f.city].iter().any(|v| v.as_deref() == Some(""))
}

/// The count of `sql`'s count query stopped after `cap + 1` rows.
pub fn capped_count_sql(f: &Filter, now: i64, cap: i64) -> (String, Vec<Box<dyn ToSql>>) {
    let (cond, params) = where_clause(f, now);
    let limit = cap.saturating_add(1);
    let ads = counted_ads(f);
    (format!("SELECT count(*) FROM (SELECT 1 FROM {ads} WHERE {cond} LIMIT {limit})"), params)
}

/// Runs a listing query, its count made as `reading` says. A search's default order is ranked:
/// ads with every word in the title first, then the others, each newest first.
pub fn list(
    conn: &Connection,
    f: &Filter,
    now: i64,
    reading: Reading<'_>,
) -> rusqlite::Result<Page> {
    let f = &as_read(conn, f)?;
    let tags = Tagged::of(conn, f)?;
    // a type and a brand: a full page from the type's index, the count from the tags (when
    // they carry enough ads to fill the page: else no walk would)
    let fills = |t: &Tagged| t.n >= f.page.offset(PAGE_SIZE) + PAGE_SIZE;
    let walk = tags.as_ref().filter(|t| fills(t)).and_then(|_| type_brand::page_sql(f, now));
    if let Some(walk) = walk {
        let cards = cards_of(conn, &walk)?;
        if cards.len() as i64 == PAGE_SIZE {
            let count = count_of(conn, f, now, reading, tags.as_ref())?;
            let promoted = promoted_of(conn, f, now, None, false)?;
            return Ok(Page::of(f, cards, count, promoted, None));
        }
    }
    let search = TextSearch::of(f, reading.lexicon);
    // its count and page from one read of its matches, unless the count is had already
    let once = ReadOnce::of(f, now, reading, search.as_ref(), tags.as_ref())
        .filter(|_| cached_count(f, reading).is_none());
    if let Some(once) = once {
        let read = once.read(conn, f, now)?;
        put_count(f, reading, read.n);
        // a ranked search past its cap read its oldest matches: its tiers say where the page
        // is, and its newest matches which are promoted
        let cards = match (read.cards, &search) {
            (Some(cards), _) => cards,
            (None, Some(s)) => ranked_page(conn, s, f, now)?,
            (None, None) => Vec::new(), // (only a search's read leaves its page unread)
        };
        let promoted = match read.promoted {
            Some(promoted) => promoted,
            None => promoted_of(conn, f, now, search.as_ref(), read.n == 0)?,
        };
        return Ok(Page::of(f, cards, Count::of(read.n, reading.cap), promoted, search.as_ref()));
    }
    let Count { shown: total, capped } = count_of(conn, f, now, reading, tags.as_ref())?;
    // nothing matches, or not as far as this page: no page to read (for a word absent from a
    // section, each query would walk the word's rows and the section's to find none)
    // (a cursor's page is read whatever its number says: the count may be older)
    let cursor = f.after.is_some() && f.sort == Sort::Fresh;
    let past_end = !cursor && f.page.offset(PAGE_SIZE) >= total;
    let nothing = !capped && (total == 0 || past_end);
    let cards = match (&search, &tags) {
        _ if nothing => Vec::new(),
        (None, Some(t)) if t.few() => cards_of(conn, &t.read.page_sql(f, now))?,
        (None, _) => ads_page(conn, f, now)?,
        (Some(s), _) if f.sort == Sort::Fresh => ranked_page(conn, s, f, now)?,
        (Some(s), _) => {
            cards_of(conn, &s.sorted_sql(f, now, reading.cap.unwrap_or(SORTED_WINDOW)))?
        }
    };
    let promoted = promoted_of(conn, f, now, search.as_ref(), nothing)?;
    Ok(Page::of(f, cards, Count { shown: total, capped }, promoted, search.as_ref()))
}

/// The promoted ads that lead the first page of a section (a seller's own page lists them in
/// place): none when `nothing` matches.
fn promoted_of(
    conn: &Connection,
    f: &Filter,
    now: i64,
    search: Option<&TextSearch>,
    nothing: bool,
) -> rusqlite::Result<Vec<AdCard>> {
    if f.page != PageNo::FIRST || f.owner_id.is_some() || nothing {
        return Ok(Vec::new());
    }
    match search {
        None => cards_of(conn, &promoted_sql(f, now)),
        Some(s) => cards_of(conn, &s.promoted_sql(f, now)),
    }
}

impl Page {
    /// `f`'s page of `cards` among `count` matches; a full page of the default order without
    /// text says where the next starts.
    fn of(
        f: &Filter,
        cards: Vec<AdCard>,
        count: Count,
        promoted: Vec<AdCard>,
        search: Option<&TextSearch>,
    ) -> Page {
        let next_after = match cards.last() {
            Some(last)
                if f.sort == Sort::Fresh && search.is_none() && cards.len() as i64 == PAGE_SIZE =>
            {
                Some(After { bumped_at: last.bumped_at, id: last.id.0 })
            }
            _ => None,
        };
        Page {
            cards,
            total: count.shown,
            capped: count.capped,
            next_after,
            page: f.page.get(),
            pages: ((count.shown + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
            promoted,
            corrected: None,
            sections: Vec::new(),
        }
    }
}

/// A price range holding this many ads of its section or more is wide.
pub const WIDE_PRICE_RANGE: i64 = 5_000;

/// Whether `f`'s price range is wide, so a page in another order reads that order's index and
/// checks the price on each row: through the price index a quarter of a million matches were
/// read and sorted for twelve (450 ms at a million ads), while a narrow range (116 ads) through
/// the order's index read the whole section (130-1,900 ms). The price index says which, for
/// at most [`WIDE_PRICE_RANGE`] of its entries (well under a millisecond).
pub fn price_is_wide(conn: &Connection, f: &Filter) -> rusqlite::Result<bool> {
    Ok(price_range_size(conn, f)?.is_some_and(|n| n >= WIDE_PRICE_RANGE))
}

/// How many listed ads of `f`'s section its price range holds, counted to
/// [`WIDE_PRICE_RANGE`], for a price range in another order than a price's; else `None`.
fn price_range_size(conn: &Connection, f: &Filter) -> rusqlite::Result<Option<i64>> {
    let wanted = f.has_price_range() && !f.sort.by_price();
    let Some(section) = f.section.filter(|_| wanted) else { return Ok(None) };
    let n: i64 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM (SELECT 1 FROM ads INDEXED BY ads_price_day \
         WHERE section = ?1 AND is_active = 1 AND price_day_usd_cents BETWEEN ?2 AND ?3 \
         LIMIT {WIDE_PRICE_RANGE})"
        ))?
        .query_row(
            (
                section.code(),
                f.price_from_usd_cents.unwrap_or(i64::MIN),
                f.price_to_usd_cents.unwrap_or(i64::MAX),
            ),
            |r| r.get(0),
        )?;
    Ok(Some(n))
}

/// The one number a count query selects. A count has no card columns: it names ?1 (now) only
/// when a later parameter exists, so only the parameters it names are bound.
pub(super) fn number_of(conn: &Connection, (sql, params): &Query) -> rusqlite::Result<i64> {
    let mut stmt = conn.prepare_cached(sql)?;
    let refs: Vec<&dyn ToSql> =
        params.iter().take(stmt.parameter_count()).map(|p| p.as_ref()).collect();
    stmt.query_row(refs.as_slice(), |r| r.get(0))
}

fn cards_of(conn: &Connection, (sql, params): &Query) -> rusqlite::Result<Vec<AdCard>> {
    let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
    conn.prepare_cached(sql)?.query_map(refs.as_slice(), card_from_row)?.collect()
}

/// A page of a search's ranked order: the title tier, then the rest where the title tier ends.
fn ranked_page(
    conn: &Connection,
    s: &TextSearch,
    f: &Filter,
    now: i64,
) -> rusqlite::Result<Vec<AdCard>> {
    let offset = f.page.offset(PAGE_SIZE);
    let mut cards = cards_of(conn, &s.tier_sql(f, now, &s.in_title, PAGE_SIZE, offset))?;
    if cards.len() as i64 == PAGE_SIZE {
        return Ok(cards);
    }
    // the title tier ends before this page does: how many it holds says where the rest starts
    let in_title = if offset == 0 {
        0
    } else if cards.is_empty() {
        number_of(conn, &s.count_sql(f, now, &s.in_title, Some(offset)))?.min(offset)
    } else {
        offset + cards.len() as i64
    };
    let rest = PAGE_SIZE - cards.len() as i64;
    cards.extend(cards_of(conn, &s.tier_sql(f, now, &s.elsewhere, rest, offset - in_title))?);
    Ok(cards)
}

/// How many ads match `f` (its page aside), from the cache when it holds the number, counted
/// up to the cap otherwise.
pub fn count(
    conn: &Connection,
    f: &Filter,
    now: i64,
    reading: Reading<'_>,
) -> rusqlite::Result<Count> {
    let f = &as_read(conn, f)?;
    count_of(conn, f, now, reading, Tagged::of(conn, f)?.as_ref())
}

/// [`count`], `f`'s tags already counted when it is read by them.
fn count_of(
    conn: &Connection,
    f: &Filter,
    now: i64,
    reading: Reading<'_>,
    tags: Option<&Tagged>,
) -> rusqlite::Result<Count> {
    if let Some(count) = cached_count(f, reading) {
        return Ok(count);
    }
    let total = match tags {
        // the tags are every filter: their listed ads, counted in `ad_facets`
        Some(t) if t.read.covered => t.n,
        // a kind, or no country: the same sums, of the kind
        Some(_) if !f.has_price_range() => super::facets::listed(conn, f, true)?.unwrap_or(0),
        // a price range: few tagged ads' prices checked
        Some(t) if t.few() => number_of(conn, &t.read.count_sql(f, now, reading.cap))?,
        _ => {
            let query = match (TextSearch::of(f, reading.lexicon), reading.cap) {
                (Some(s), cap) => s.count_sql(f, now, &s.all, cap),
                (None, Some(cap)) => capped_count_sql(f, now, cap),
                (None, None) => {
                    let (_, count, params) = sql(f, now);
                    (count, params)
                }
            };
            number_of(conn, &query)?
        }
    };
    put_count(f, reading, total);
    Ok(Count::of(total, reading.cap))
}

/// The count cache's key of `f`: its filter on every page, and the cap it was counted to.
fn count_key(f: &Filter, reading: Reading<'_>) -> String {
    let whole = Filter { page: PageNo::FIRST, after: None, ..f.clone() };
    format!("{:?}{whole:?}", reading.cap)
}

/// `f`'s count, when the count cache holds it.
fn cached_count(f: &Filter, reading: Reading<'_>) -> Option<Count> {
    let total = reading.cache?.get(&count_key(f, reading))?;
    Some(Count::of(total, reading.cap))
}

/// Keeps `total` as `f`'s count for a while.
fn put_count(f: &Filter, reading: Reading<'_>, total: i64) {
    if let Some(c) = reading.cache {
        c.put(count_key(f, reading), total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_searchs_whole_decade_price_bands_are_asked_only_without_a_type_brand_or_city() {
        let base = Filter {
            section: Some(crate::domain::ads::Section::Catalog),
            text: Some("кран".into()),
            price_from_usd_cents: Some(465_000),
            price_to_usd_cents: Some(9_765_000),
            ..Filter::default()
        };
        let bands = |f: &Filter| TextSearch::of(f, None).expect("searchable").all.contains("\"pd");
        let typed =
            |f: &Filter| Filter { equipment_type: Some("ямобур".into()), ..f.clone() };
        let in_city = |f: &Filter| Filter {
            country: Some(crate::domain::geo::Country::By),
            city: Some("Пинск".into()),
            ..f.clone()
        };
        // $4,650-97,650 asks two whole decades ("pd6" OR "pd7"): the text's own matches are
        // narrowed by them, a type's or a city's few are checked for their prices instead
        assert!(bands(&base));
        assert!(!bands(&typed(&base)));
        assert!(!bands(&in_city(&base)));
        // $5,000-6,000 asks two first digits' bands ("pd6f5" OR "pd6f6"): narrow, kept
        let narrow = Filter {
            price_from_usd_cents: Some(500_000),
            price_to_usd_cents: Some(600_000),
            ..base.clone()
        };
        assert!(bands(&narrow) && bands(&typed(&narrow)) && bands(&in_city(&narrow)));
    }

    #[test]
    fn long_words_are_phrases_short_ones_prefixes_and_filler_is_named() {
        let t = Terms::of("кран  25 т в JC");
        assert_eq!(t.long, ["кран"]);
        assert_eq!(t.short, ["25", "JC"]);
        assert_eq!(t.ignored, ["т", "в"]);
        assert_eq!(words_query(&t, None), "\"кран\"*");
        let lexicon = Lexicon::new(["крана", "автокран"]);
        assert_eq!(words_query(&t, Some(&lexicon)), "(\"кран\" OR \"крана\" OR \"автокран\")");
        let model = Terms::of("КС-45717 кс-457");
        assert_eq!(words_query(&model, None), "\"кс 45717\"* AND \"кс 457\"*");
        let known = Lexicon::new(["45717"]);
        assert_eq!(
            words_query(&model, Some(&known)),
            "\"кс 45717\" AND \"кс 457\"*",
            "a known last part whole"
        );
        assert_eq!(prefix_query(&t), "\"25\"* \"JC\"*");
        let quotes = Terms::of("a\"b\"c J\"");
        assert_eq!(
            words_query(&quotes, None),
            "\"a b c\"*",
            "quotes split words as the index does"
        );
        assert_eq!(prefix_query(&quotes), "\"J\"\"\"*");
        // alone, a short word is what the visitor wants found, even a single letter
        assert_eq!(Terms::of("ab").short, ["ab"]);
        assert_eq!(Terms::of("в").short, ["в"]);
        assert_eq!(Terms::of("-- !!").ignored, ["--", "!!"]);
    }

    #[test]
    fn a_kind_is_a_word_of_the_search_only_without_a_type_brand_or_city_and_the_only_kind_none() {
        use crate::domain::ads::{Kind, Section};
        use crate::domain::geo::Country;
        let search = |f: &Filter| TextSearch::of(f, None).expect("searchable");
        let rent = Filter {
            section: Some(Section::Catalog),
            kind: Some(Kind::Rent),
            country: Some(Country::By),
            text: Some("двигатель".into()),
            ..Filter::default()
        };
        // with a country alone the matches are many: the index intersects them with the kind
        let s = search(&rent);
        assert!(s.all.contains("\"krent\"") && s.in_index, "{}", s.all);
        // with a brand they are few: each one's kind is checked, not the kind's long list
        for few in [
            Filter { brand: Some("Liebherr".into()), ..rent.clone() },
            Filter { equipment_type: Some("экскаватор".into()), ..rent.clone() },
            Filter { city: Some("Барановичи".into()), ..rent.clone() },
        ] {
            let s = search(&few);
            assert!(!s.all.contains("krent") && !s.in_index && s.keyed, "{}", s.all);
            let (sql, params) = s.count_sql(&few, 0, &s.all, Some(1_000));
            assert!(sql.contains("a.kind = ?"), "{sql}");
            assert!(
                params
                    .iter()
                    .any(|p| p.to_sql().ok() == Some(rusqlite::types::ToSqlOutput::from("rent")))
            );
        }
        // a section's only kind asks for every ad of it: it is read as no kind
        let parts = Filter {
            section: Some(Section::Parts),
            kind: Some(Kind::Parts),
            equipment_type: Some("автокран".into()),
            ..Filter::default()
        };
        let conn = Connection::open_in_memory().expect("db");
        assert_eq!(as_read(&conn, &parts).expect("read").kind, None);
        let sale = Filter { section: Some(Section::Catalog), kind: Some(Kind::Sale), ..parts };
        assert_eq!(as_read(&conn, &sale).expect("read").kind, Some(Kind::Sale));
    }

    #[test]
    fn every_page_of_a_listing_is_one_statement_its_offset_or_limit_bound() {
        use crate::domain::ads::{price_walk, type_brand};
        use crate::domain::ids::PageNo;
        let on = |n: u16, f: &Filter| Filter { page: PageNo::new(n).expect("page"), ..f.clone() };
        let excavators = Filter {
            section: Some(crate::domain::ads::Section::Catalog),
            equipment_type: Some("экскаватор".into()),
            sort: Sort::Views,
            ..Filter::default()
        };
        let search =
            Filter { text: Some("кран".into()), sort: Sort::PriceAsc, ..excavators.clone() };
        let priced = Filter {
            equipment_type: None,
            price_from_usd_cents: Some(10_000),
            price_to_usd_cents: Some(50_000),
            ..excavators.clone()
        };
        let of_brand = Filter { brand: Some("Hitachi".into()), ..excavators.clone() };
        let s = TextSearch::of(&search, None).expect("searchable");
        type SqlOf<'a> = &'a dyn Fn(&Filter) -> String;
        let shapes: [(&str, &Filter, SqlOf); 6] = [
            ("filters", &excavators, &|f| sql(f, 0).0),
            ("a sorted search", &search, &|f| s.sorted_sql(f, 0, 1_000).0),
            ("a ranked tier", &search, &|f| {
                s.tier_sql(f, 0, &s.in_title, 12, f.page.offset(PAGE_SIZE)).0
            }),
            ("a title tier counted to the page", &search, &|f| {
                s.count_sql(f, 0, &s.in_title, Some(f.page.offset(PAGE_SIZE))).0
            }),
            ("a price walk", &priced, &|f| price_walk::page_sql(f, 0, 1_000).expect("walked").0),
            ("a type's walk", &of_brand, &|f| type_brand::page_sql(f, 0).expect("walked").0),
        ];
        for (name, f, sql_of) in shapes {
            let (two, five) = (sql_of(&on(2, f)), sql_of(&on(5, f)));
            assert_eq!(two, five, "{name}: one statement for every page");
            assert!(two.contains("OFFSET ?") || two.contains("LIMIT ?"), "{name}: {two}");
        }
    }
}
