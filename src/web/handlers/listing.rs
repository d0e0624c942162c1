//! `GET /catalog`, `/parts`, `/repair`: filters, sort and pages, with bad input answered 400;
//! `GET /search`: one text across every section.

use std::sync::Arc;

use axum::extract::State;
use maud::Markup;

use crate::cache::Lookup;
use crate::domain::ads::Section;
use crate::domain::ads::lexicon::Lexicon;
use crate::domain::ads::list::{self, Filter, ListParams, Reading};
use crate::domain::ads::search;
use crate::views;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::{PageCtx, Q};

/// Runs `read` on a pooled connection with what a listing is read with: the count cache and
/// cap, the search index's words when `filter` has text (read only then: a page without text
/// never waits for them), and the spelling vocabulary.
async fn read<T: Send + 'static>(
    state: &AppState,
    filter: Filter,
    read: impl FnOnce(
        &rusqlite::Connection,
        &Filter,
        Reading<'_>,
        &search::VocabularyCache,
    ) -> rusqlite::Result<T>
    + Send
    + 'static,
) -> std::result::Result<T, crate::db::DbError> {
    let counts = state.caches.counts.clone();
    let cap = Some(state.config.server.count_cap);
    let lexicons = state.caches.lexicon.clone();
    let vocabulary = state.caches.vocabulary.clone();
    // the words in hand; none yet for a search: read with its page
    let (words, read_here) = match filter.text {
        None => (None, false),
        Some(_) => match lexicons.lookup(&()) {
            Lookup::Fresh(l) => (Some(l), false),
            Lookup::Refresh(old) => {
                refresh_lexicon(state);
                (Some(old), false)
            }
            Lookup::Miss => (None, true),
        },
    };
    state
        .db
        .run(move |conn| {
            let lexicon = if read_here {
                let l = Arc::new(Lexicon::load(conn)?);
                lexicons.put((), l.clone());
                Some(l)
            } else {
                words
            };
            let reading = Reading { cache: Some(&counts), cap, lexicon: lexicon.as_deref() };
            Ok(read(conn, &filter, reading, &vocabulary)?)
        })
        .await
}

/// Reads the search index's words again in the background while the old ones serve: at a
/// million ads it takes 0.7 s, which no visitor waits for (only the first search after a
/// start reads them with its page).
fn refresh_lexicon(state: &AppState) {
    let (db, lexicons) = (state.db.clone(), state.caches.lexicon.clone());
    tokio::spawn(async move {
        match db.run(|conn| Ok(Lexicon::load(conn)?)).await {
            Ok(l) => lexicons.put((), Arc::new(l)),
            Err(e) => tracing::warn!(error = %e, "reading the search index's words failed"),
        }
    });
}

async fn listing(state: AppState, ctx: PageCtx, section: Section, q: ListParams) -> Result<Markup> {
    let rates = state.rates.get();
    let filter = Filter::parse(section, &q, ctx.country, &rates)
        .map_err(|key| Error::BadRequest(key.into()))?;
    let now = ctx.now;
    let key = format!("{filter:?}");
    let cached = match state.caches.listing.lookup(&key) {
        Lookup::Fresh(page) => {
            let favs = super::favorites_of(&state, &ctx, shown_ids(&page)).await?;
            return Ok(views::pages::listing::page(
                &ctx,
                section,
                &filter,
                &page,
                favs.as_ref(),
                rates,
            ));
        }
        Lookup::Refresh(page) => Some(page),
        Lookup::Miss => None,
    };
    let loaded = read(&state, filter.clone(), move |conn, f, reading, vocabulary| {
        search::list_forgiving(conn, f, now, reading, vocabulary)
    })
    .await;
    let page = match (loaded, cached) {
        (Ok(page), _) => std::sync::Arc::new(page),
        // a failed refresh keeps serving what we had
        (Err(e), Some(old)) => {
            tracing::warn!(error = %e, "listing refresh failed; serving the cached page");
            old
        }
        (Err(e), None) => return Err(e.into()),
    };
    state.caches.listing.put(key, page.clone());
    let favs = super::favorites_of(&state, &ctx, shown_ids(&page)).await?;
    Ok(views::pages::listing::page(&ctx, section, &filter, &page, favs.as_ref(), rates))
}

/// The ads a listing page shows: the promoted strip and the page.
fn shown_ids(page: &list::Page) -> Vec<crate::domain::ids::AdId> {
    page.promoted.iter().chain(&page.cards).map(|c| c.id).collect()
}

/// `/catalog`: rent and sale.
pub async fn catalog(
    State(s): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<ListParams>,
) -> Result<Markup> {
    listing(s, ctx, Section::Catalog, q).await
}

/// `/parts`.
pub async fn parts(State(s): State<AppState>, ctx: PageCtx, Q(q): Q<ListParams>) -> Result<Markup> {
    listing(s, ctx, Section::Parts, q).await
}

/// `/repair`: services.
pub async fn repair(
    State(s): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<ListParams>,
) -> Result<Markup> {
    listing(s, ctx, Section::Repair, q).await
}

/// `/search`: the text (and the visitor's place) in every section, counted per section, each
/// section's first cards linking on to its listing.
pub async fn search(
    State(state): State<AppState>,
    ctx: PageCtx,
    Q(q): Q<ListParams>,
) -> Result<Markup> {
    // parsed as the catalog's filter; only the text and place carry over to each section
    let parsed = Filter::parse(Section::Catalog, &q, ctx.country, &state.rates.get())
        .map_err(|key| Error::BadRequest(key.into()))?;
    let filter = search::in_section(&parsed, Section::Catalog);
    let now = ctx.now;
    // everyone's for the page-cache period, like a listing page (three sections, nine queries)
    let key = format!("{filter:?}");
    let found = match state.caches.search.get(&key) {
        Some(found) => found,
        None => {
            let found = read(&state, filter.clone(), move |conn, f, reading, vocabulary| {
                search::everywhere(conn, f, now, reading, vocabulary)
            })
            .await?;
            let found = std::sync::Arc::new(found);
            state.caches.search.put(key, found.clone());
            found
        }
    };
    let ids = found.sections.iter().flat_map(|(_, p)| p.cards.iter().map(|c| c.id)).collect();
    let favs = super::favorites_of(&state, &ctx, ids).await?;
    Ok(views::pages::search::search_page(&ctx, &filter, &found, favs.as_ref()))
}
