//! `uzmat seed`: deterministic demo and benchmark data (users, ads of every kind in every city,
//! photos, promotions, chats) appended to the database in one transaction.

mod ads;
mod data;
mod people;
mod photos;

use std::path::Path;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::config::CurrencyConfig;
use crate::db::DbError;
use crate::domain::geo::Country;
use crate::domain::rates::Rates;
use crate::domain::slug::slugify;

use ads::{AdMaker, Kind, Placement};
use people::User;
use photos::Subject;

/// What to generate.
pub struct SeedOptions {
    /// Users to create; 0 means one per 20 ads (at least one).
    pub users: u32,
    /// Ads to create.
    pub ads: u32,
    /// The random seed: the same seed gives the same data (times are relative to now).
    pub seed: u64,
    /// Whether to draw a progress bar on stderr.
    pub progress: bool,
}

/// What was generated.
#[derive(Debug)]
pub struct SeedReport {
    /// Users created.
    pub users: u32,
    /// Ads created.
    pub ads: u32,
    /// `ad_photos` rows created.
    pub photos: u32,
    /// Chat threads created.
    pub threads: u32,
    /// Chat messages created.
    pub messages: u32,
    /// Wall time taken.
    pub elapsed: Duration,
}

/// Share of ads per country: kz, uz, ru, by.
const COUNTRY_WEIGHTS: [u32; 4] = [30, 25, 30, 15];

/// Appends demo data to a migrated database: users, ads, their photos (drawn once into
/// `uploads_dir/demo/`), promotions and chats, all in one write transaction.
pub fn seed(
    conn: &mut Connection,
    uploads_dir: &Path,
    rates: &CurrencyConfig,
    opts: &SeedOptions,
) -> Result<SeedReport, DbError> {
    let started = Instant::now();
    // the rates the server converts with: a fetched set when stored, else the configured ones
    let rates = &crate::domain::rates::current(conn, Rates::from_config(rates))?;
    let pool = PhotoPool::new();
    // The photos are drawn on other threads while this one writes rows.
    let (report, drawn) = std::thread::scope(|s| {
        let drawing = s.spawn(|| photos::generate(uploads_dir, &pool.jobs));
        let report = write_all(conn, &pool, rates, opts);
        let drawn = drawing.join().unwrap_or_else(|_| Err(std::io::Error::other("panicked")));
        (report, drawn)
    });
    drawn.map_err(|source| DbError::Io {
        what: format!("demo photos in {}", uploads_dir.display()),
        source,
    })?;
    let mut report = report?;
    // fresh statistics, so the planner picks the home page's small indexes over the big ones
    conn.execute_batch("ANALYZE")?;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Relative paths of the demo photos, by what they show.
struct PhotoPool {
    jobs: Vec<(String, Subject)>,
    /// `jobs` indices per `data::EQUIPMENT` entry.
    machines: Vec<Vec<usize>>,
    parts: Vec<usize>,
    service: Vec<usize>,
}

impl PhotoPool {
    fn new() -> Self {
        let mut jobs = Vec::new();
        let mut machines = Vec::new();
        for eq in data::EQUIPMENT {
            let base = slugify(eq.name);
            let ids = (0..photos::VARIANTS)
                .map(|v| {
                    jobs.push((
                        format!("demo/{base}-{}.jpg", v + 1),
                        Subject::Machine(eq.shape, v),
                    ));
                    jobs.len() - 1
                })
                .collect();
            machines.push(ids);
        }
        let mut push = |path: String, subject| {
            jobs.push((path, subject));
            jobs.len() - 1
        };
        let parts = (0..data::PART_PHOTOS)
            .map(|i| push(format!("demo/parts-{}.jpg", i + 1), Subject::Part(i)))
            .collect();
        let service = (0..photos::SERVICE_PHOTOS)
            .map(|i| push(format!("demo/service-{}.jpg", i + 1), Subject::Workshop(i)))
            .collect();
        Self { jobs, machines, parts, service }
    }

    fn path(&self, index: usize) -> &str {
        &self.jobs[index].0
    }
}

fn max_id(tx: &Transaction<'_>, table: &str) -> Result<i64, rusqlite::Error> {
    tx.query_row(&format!("SELECT coalesce(max(id), 0) FROM {table}"), [], |r| r.get(0))
}

fn write_all(
    conn: &mut Connection,
    pool: &PhotoPool,
    rates: &Rates,
    opts: &SeedOptions,
) -> Result<SeedReport, DbError> {
    let now = crate::db::now();
    let bar = if opts.progress {
        let style =
            ProgressStyle::with_template("{spinner} {msg:12} [{bar:40}] {pos}/{len} ({eta})")
                .map(|s| s.progress_chars("=> "))
                .unwrap_or_else(|_| ProgressStyle::default_bar());
        ProgressBar::new(u64::from(opts.ads)).with_style(style)
    } else {
        ProgressBar::hidden()
    };
    // A bigger page cache for the bulk insert, put back afterwards.
    let cache_size: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -262_144)?;
    // A transaction bigger than the cache spills pages; in WAL mode they go to the log, and
    // reading one back searches the log's index segment by segment (a million ads: 2 GB of log,
    // over ten minutes mostly in `walFindFrame`). With a rollback journal they go to the file
    // itself and the journal keeps only the old pages (for a fresh database, none), so the
    // transaction is as atomic as before. Left as it is when another connection has the file
    // open (SQLite then keeps WAL).
    let journal: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    let rollback = journal.eq_ignore_ascii_case("wal")
        && conn
            .pragma_update_and_check(None, "journal_mode", "TRUNCATE", |r| r.get::<_, String>(0))
            .is_ok_and(|m| m.eq_ignore_ascii_case("truncate"));
    let result = (|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let report = write_rows(&tx, pool, rates, opts, now, &bar)?;
        // the estimates were computed with these rates: the server need not redo them at start
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('usd_rates', ?1)",
            [rates.key()],
        )?;
        bar.set_message("commit");
        tx.commit()?;
        Ok(report)
    })();
    conn.pragma_update(None, "cache_size", cache_size)?;
    if rollback {
        conn.pragma_update(None, "journal_mode", "WAL")?;
    }
    bar.finish_and_clear();
    result
}

fn write_rows(
    tx: &Transaction<'_>,
    pool: &PhotoPool,
    rates: &Rates,
    opts: &SeedOptions,
    now: i64,
    bar: &ProgressBar,
) -> Result<SeedReport, DbError> {
    let user_count = if opts.users == 0 { (opts.ads / 20).max(1) } else { opts.users };
    bar.set_message("users");
    let categories = categories(tx)?;
    let mut rng = fastrand::Rng::with_seed(opts.seed ^ 0x7573_6572);
    let users = people::insert_users(tx, &mut rng, user_count, now)?;

    bar.set_message("ads");
    let first_ad = max_id(tx, "ads")? + 1;
    let triggers = SearchTriggers::suspend(tx)?;
    // the listing indexes are built after the rows (sorted once each) instead of grown a row
    // at a time in random order; the unique ones stay, to refuse a duplicate slug at once
    let indexes = Suspended::drop(tx, "index", "sql NOT LIKE 'CREATE UNIQUE%'")?;
    let (owners, photo_rows) =
        insert_ads(tx, pool, rates, opts, now, &users, &categories, first_ad, bar)?;
    bar.set_message("listing indexes");
    indexes.recreate(tx)?;
    bar.set_message("search index");
    triggers.restore(tx, first_ad)?;

    bar.set_message("chats");
    let mut rng = fastrand::Rng::with_seed(opts.seed ^ 0x6368_6174);
    let (threads, messages) = people::insert_chats(tx, &mut rng, now, &users, &owners, first_ad)?;
    Ok(SeedReport {
        users: user_count,
        ads: opts.ads,
        photos: photo_rows,
        threads,
        messages,
        elapsed: Duration::ZERO,
    })
}

/// Category ids: catalog ones per `data::EQUIPMENT`, then `PARTS_CATEGORIES`, then
/// `REPAIR_CATEGORIES`; `None` where a row of that slug belongs to another section.
struct Categories {
    catalog: Vec<Option<i64>>,
    parts: Vec<Option<i64>>,
    repair: Vec<Option<i64>>,
}

fn categories(tx: &Transaction<'_>) -> Result<Categories, rusqlite::Error> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO categories (section, slug, name) VALUES (?1, ?2, ?3)",
    )?;
    let mut find =
        tx.prepare_cached("SELECT id FROM categories WHERE slug = ?1 AND section = ?2")?;
    let mut ids = |section: &str, rows: &mut dyn Iterator<Item = (String, String)>| {
        rows.map(|(slug, name)| {
            insert.execute(params![section, slug, name])?;
            find.query_row(params![slug, section], |r| r.get(0)).optional()
        })
        .collect::<Result<Vec<Option<i64>>, _>>()
    };
    let catalog = ids(
        "catalog",
        &mut data::EQUIPMENT.iter().map(|e| (slugify(e.name), ads::capitalize(e.name))),
    )?;
    let parts = ids(
        "parts",
        &mut data::PARTS_CATEGORIES.iter().map(|(s, n)| (s.to_string(), n.to_string())),
    )?;
    let repair = ids(
        "repair",
        &mut data::REPAIR_CATEGORIES.iter().map(|(s, n)| (s.to_string(), n.to_string())),
    )?;
    Ok(Categories { catalog, parts, repair })
}

/// Schema objects on `ads` dropped for the bulk insert and made again from their stored SQL,
/// inside the seed's transaction (no reader ever sees them missing).
struct Suspended {
    saved: Vec<(String, String)>,
}

impl Suspended {
    /// Drops the objects of `kind` (`trigger`, `index`) on `ads` whose SQL passes `which`, kept
    /// in the order they were made: without statistics the planner breaks ties between indexes
    /// by that order.
    fn drop(tx: &Transaction<'_>, kind: &str, which: &str) -> Result<Self, rusqlite::Error> {
        let mut stmt = tx.prepare(&format!(
            "SELECT name, sql FROM sqlite_master
             WHERE type = ?1 AND tbl_name = 'ads' AND sql IS NOT NULL AND ({which}) ORDER BY rowid"
        ))?;
        let saved = stmt
            .query_map([kind], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        for (name, _) in &saved {
            let name = name.replace('"', "\"\"");
            tx.execute_batch(&format!("DROP {} \"{name}\"", kind.to_uppercase()))?;
        }
        Ok(Self { saved })
    }

    fn recreate(self, tx: &Transaction<'_>) -> Result<(), rusqlite::Error> {
        for (_, sql) in &self.saved {
            tx.execute_batch(sql)?;
        }
        Ok(())
    }
}

/// The triggers on `ads` that copy each ad into the FTS indexes (`ads_find_*`, `ads_words`),
/// `ad_sort_keys` and `ad_facets`, dropped for the bulk insert (one pass each instead of one
/// per row) and recreated from their own stored SQL.
struct SearchTriggers(Suspended);

impl SearchTriggers {
    fn suspend(tx: &Transaction<'_>) -> Result<Self, rusqlite::Error> {
        Suspended::drop(
            tx,
            "trigger",
            "sql LIKE '%ads_find%' OR sql LIKE '%ads_words%' OR sql LIKE '%ad_sort_keys%' \
             OR sql LIKE '%ad_facets%'",
        )
        .map(Self)
    }

    /// Indexes the ads from `first_ad` on, the way the insert trigger would, and recreates the
    /// triggers; all inside the caller's transaction, so no reader ever sees them missing.
    fn restore(self, tx: &Transaction<'_>, first_ad: i64) -> Result<(), rusqlite::Error> {
        if self.0.saved.is_empty() {
            return Ok(());
        }
        // each index's rows: `ads_words` names the `ads` columns it indexes (external content),
        // a section's `ads_find_*` and `ads_find_title_*` read its own view of them
        // (migrations 21, 23 and 27)
        let find = |s: &str| format!("(SELECT * FROM ads_find_rows WHERE section = '{s}')");
        let tables = [
            ("ads_find_catalog", find("catalog")),
            ("ads_find_parts", find("parts")),
            ("ads_find_repair", find("repair")),
            ("ads_find_title_catalog", find("catalog")),
            ("ads_find_title_parts", find("parts")),
            ("ads_find_title_repair", find("repair")),
            ("ads_words", "ads".to_owned()),
        ];
        for (table, rows) in tables {
            let mut stmt = tx.prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
            let columns =
                stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
            let list = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
            // FTS5 writes its pending terms out as a new segment each time they pass
            // `hashsize` (1 MiB) and merges segments as they pile up: at a million ads most of
            // the seed was those merges. 64 MiB of pending terms for the bulk insert (a tenth
            // of the merging), then the default again for the server's small writes.
            tx.execute(
                &format!("INSERT INTO {table} ({table}, rank) VALUES ('hashsize', {BULK_HASH})"),
                [],
            )?;
            tx.execute(
                &format!("INSERT INTO {table} (rowid, {list}) SELECT id, {list} FROM {rows} WHERE id >= ?1 ORDER BY id"),
                [first_ad],
            )?;
            tx.execute(
                &format!("INSERT INTO {table} ({table}, rank) VALUES ('hashsize', {DEFAULT_HASH})"),
                [],
            )?;
        }
        tx.execute(
            "INSERT INTO ad_sort_keys SELECT id, is_active, kind, price_day_usd_cents, \
             price_day_asc, bumped_at, views_count FROM ads WHERE id >= ?1 ORDER BY id",
            [first_ad],
        )?;
        // the new listed ads added to their places' counts (migration 33)
        tx.execute(
            "INSERT INTO ad_facets (section, country, city, equipment_type, brand, kind, n) \
             SELECT section, country, city, equipment_type, brand, kind, count(*) \
             FROM ad_facet_keys WHERE id >= ?1 AND is_active = 1 \
             GROUP BY 1, 2, 3, 4, 5, 6 ON CONFLICT DO UPDATE SET n = n + excluded.n",
            [first_ad],
        )?;
        self.0.recreate(tx)
    }
}

/// FTS5's `hashsize` for the seed's bulk insert, and its default (what the server writes with).
const BULK_HASH: i64 = 64 << 20;
const DEFAULT_HASH: i64 = 1 << 20;

/// Per ad, what the chats need: (owner index into `users`, created_at).
type Owners = Vec<(u32, i64)>;

#[expect(clippy::too_many_arguments, reason = "one call site, all inputs distinct")]
fn insert_ads(
    tx: &Transaction<'_>,
    pool: &PhotoPool,
    rates: &Rates,
    opts: &SeedOptions,
    now: i64,
    users: &[User],
    categories: &Categories,
    first_ad: i64,
    bar: &ProgressBar,
) -> Result<(Owners, u32), DbError> {
    let mut ad_stmt = tx.prepare_cached(
        "INSERT INTO ads (id, owner_id, kind, category_id, title, slug, description, country, city,
             phone, price_minor, price_unit, currency, price_usd_cents, equipment_type, brand, model,
             year, with_operator, min_order, power_hp, weight_t, condition, engine_hours,
             service_name, part_name, is_active, views_count, plan, plan_rank, plan_started_at,
             plan_until, created_at, updated_at, bumped_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
             ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?33, ?34)",
    )?;
    let mut photo_stmt = tx.prepare_cached(
        "INSERT INTO ad_photos (ad_id, position, path, width, height) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let n = opts.ads as usize;
    let mut rng = fastrand::Rng::with_seed(opts.seed ^ 0x6164_7321);
    let kinds: Vec<Kind> = (0..n)
        .map(|i| match i {
            // The first four cover every kind even in a tiny run.
            0 => Kind::Rent,
            1 => Kind::Sale,
            2 => Kind::Parts,
            3 => Kind::Service,
            _ => Kind::pick(&mut rng),
        })
        .collect();
    let promo_slots = promotion_slots(&mut rng, &kinds);
    let places: Vec<(Country, &'static str)> =
        Country::ALL.iter().flat_map(|&c| c.cities().iter().map(move |&city| (c, city))).collect();
    let by_country: Vec<Vec<u32>> = Country::ALL
        .iter()
        .map(|&c| (0..users.len() as u32).filter(|&u| users[u as usize].country == c).collect())
        .collect();
    let mut maker = AdMaker { rng: fastrand::Rng::with_seed(opts.seed ^ 0x6d61_6b65), now };
    let mut owners = Vec::with_capacity(n);
    let mut photo_rows = 0u32;
    for (i, &kind) in kinds.iter().enumerate() {
        let id = first_ad + i as i64;
        // The first ads go round every city once; the rest follow the country weights.
        let (country, forced_city) = match places.get(i) {
            Some(&(c, city)) => (c, Some(city)),
            None => (Country::ALL[weighted(&mut rng, &COUNTRY_WEIGHTS)], None),
        };
        let owner = pick_owner(&mut rng, &by_country[country_index(country)], users.len());
        let user = &users[owner as usize];
        let city = forced_city.unwrap_or_else(|| {
            if user.country == country && rng.u32(0..100) < 55 {
                user.city
            } else {
                country.cities()[rng.usize(0..country.cities().len())]
            }
        });
        let at =
            Placement { country, city, not_before: user.created_at, promo_slot: promo_slots[i] };
        let ad = maker.make(kind, &at);
        let title_slug = slugify(&ad.title);
        let category = match kind {
            Kind::Rent | Kind::Sale => categories.catalog.get(ad.category),
            Kind::Parts => categories.parts.get(ad.category),
            Kind::Service => categories.repair.get(ad.category),
        }
        .copied()
        .flatten();
        let (plan, rank, plan_started, plan_until) = match ad.promotion {
            Some((plan, rank, s, u)) => (Some(plan), rank, Some(s), Some(u)),
            None => (None, 0, None, None),
        };
        ad_stmt.execute(params![
            id,
            user.id,
            kind.code(),
            category,
            ad.title,
            format!("{title_slug}-{id}"),
            ad.description,
            country.code(),
            city,
            user.contact_phone(),
            ad.price_minor,
            ad.price_unit,
            ad.currency.code(),
            ads::usd_cents(&ad, rates),
            ad.equipment.map(|e| data::EQUIPMENT[e].name),
            ad.brand,
            ad.model,
            ad.year,
            ad.with_operator,
            ad.min_order,
            ad.power_hp,
            ad.weight_t,
            ad.condition,
            ad.engine_hours,
            ad.service.map(|s| data::SERVICES[s].name),
            ad.part.map(|p| data::PARTS[p].name),
            ad.is_active,
            ad.views,
            plan,
            rank,
            plan_started,
            plan_until,
            ad.created_at,
            ad.bumped_at,
        ])?;
        for (position, photo) in ad_photos(&mut rng, pool, &ad).into_iter().enumerate() {
            photo_stmt.execute(params![
                id,
                position as i64,
                pool.path(photo),
                photos::WIDTH,
                photos::HEIGHT
            ])?;
            photo_rows += 1;
        }
        owners.push((owner, ad.created_at));
        if i % 1024 == 0 {
            bar.set_position(i as u64);
        }
    }
    bar.set_position(n as u64);
    Ok((owners, photo_rows))
}

/// Which ads are promoted: about 1.5% of catalog ads, and at least 18 (six per plan) so that a
/// small demo shows every promotion block filled.
fn promotion_slots(rng: &mut fastrand::Rng, kinds: &[Kind]) -> Vec<Option<usize>> {
    let mut catalog: Vec<usize> = (0..kinds.len()).filter(|&i| kinds[i].is_catalog()).collect();
    let wanted = ((catalog.len() as f64 * 0.015).round() as usize).max(catalog.len().min(18));
    rng.shuffle(&mut catalog);
    let mut slots = vec![None; kinds.len()];
    for (slot, &i) in catalog.iter().take(wanted).enumerate() {
        slots[i] = Some(slot);
    }
    slots
}

/// 1–4 distinct photos of the machine, main first; 0–2 for parts and services.
fn ad_photos(rng: &mut fastrand::Rng, pool: &PhotoPool, ad: &ads::Ad) -> Vec<usize> {
    match ad.kind {
        Kind::Rent | Kind::Sale => {
            let variants =
                ad.equipment.and_then(|e| pool.machines.get(e)).map_or(&[][..], |v| &v[..]);
            let count = [1, 2, 2, 3, 3, 4][rng.usize(0..6)].min(variants.len());
            let start = rng.usize(0..variants.len().max(1));
            (0..count).map(|k| variants[(start + k) % variants.len()]).collect()
        }
        Kind::Parts => {
            let main = ad.part.map_or(0, |p| data::PARTS[p].photo);
            let mut list = Vec::new();
            let count = rng.usize(0..=2);
            if count >= 1 {
                list.push(pool.parts[main % pool.parts.len()]);
            }
            if count == 2 {
                list.push(pool.parts[(main + rng.usize(1..pool.parts.len())) % pool.parts.len()]);
            }
            list
        }
        Kind::Service => {
            let count = rng.usize(0..=2);
            let start = rng.usize(0..pool.service.len());
            (0..count).map(|k| pool.service[(start + k) % pool.service.len()]).collect()
        }
    }
}

fn country_index(c: Country) -> usize {
    Country::ALL.iter().position(|&x| x == c).unwrap_or(0)
}

fn weighted(rng: &mut fastrand::Rng, weights: &[u32]) -> usize {
    let mut r = rng.u32(0..weights.iter().sum::<u32>().max(1));
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    0
}

/// An owner among `candidates`, the first ones far more often (a few sellers hold many ads);
/// any user when the country has none.
fn pick_owner(rng: &mut fastrand::Rng, candidates: &[u32], all: usize) -> u32 {
    let skewed =
        |rng: &mut fastrand::Rng, n: usize| ((rng.f64().powf(2.5) * n as f64) as usize).min(n - 1);
    if candidates.is_empty() {
        skewed(rng, all.max(1)) as u32
    } else {
        candidates[skewed(rng, candidates.len())]
    }
}

#[cfg(test)]
mod tests;
