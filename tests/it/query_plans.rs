//! Every list query is backed by an index: `EXPLAIN QUERY PLAN` never shows a scan of `ads`.

use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, ToSql};
use uzmat::domain::ads::home::{self, BADGE, FRESH, FRESH_GOLD, MOST_VIEWED, PROMOTED, Place};
use uzmat::domain::ads::list::{self, After, Filter, Sort};
use uzmat::domain::ads::{price_walk, type_brand};
use uzmat::domain::ids::{PageNo, UserId};

fn page(n: u16) -> PageNo {
    PageNo::new(n).expect("page in range")
}
use uzmat::domain::ads::{Kind, Section};
use uzmat::domain::geo::Country;

fn plan(conn: &Connection, sql: &str, params: &[Box<dyn ToSql>]) -> String {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("prepare");
    let n = stmt.parameter_count();
    let refs: Vec<&dyn ToSql> = params.iter().take(n).map(|p| p.as_ref()).collect();
    let rows: Vec<String> = stmt
        .query_map(refs.as_slice(), |r| r.get::<_, String>(3))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows.join("\n")
}

/// Whether `sql` reads a column of an ad's row (a `Column` of a cursor on the `ads` table in
/// its bytecode): its filters checked in an index's entries read none, the row sought
/// lazily (`DeferredSeek`) and never loaded.
fn reads_ad_rows(conn: &Connection, sql: &str, params: &[Box<dyn ToSql>]) -> bool {
    let root: i64 = conn
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'ads'",
            [],
            |r| r.get(0),
        )
        .expect("ads");
    let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).expect("prepare");
    let n = stmt.parameter_count();
    let refs: Vec<&dyn ToSql> = params.iter().take(n).map(|p| p.as_ref()).collect();
    let ops: Vec<(String, i64, i64)> = stmt
        .query_map(refs.as_slice(), |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("ops");
    let tables: Vec<i64> =
        ops.iter().filter(|(op, _, p2)| op == "OpenRead" && *p2 == root).map(|o| o.1).collect();
    ops.iter().any(|(op, cursor, _)| op == "Column" && tables.contains(cursor))
}

/// The query of a listing page's twelve ids (inside its cards' query).
fn ids_query(page_sql: &str) -> String {
    let inner = page_sql.split_once(" FROM (").expect("ids first").1;
    inner.rsplit_once(") p CROSS JOIN").expect("then the cards").0.to_owned()
}

/// A database of `ads` seeded ads with no statistics: the worst case the planner meets on a
/// fresh install. The folder lives as long as the returned guard.
fn seeded(ads: u32) -> (tempfile::TempDir, Connection) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = Connection::open(dir.path().join("plans.db")).expect("open");
    uzmat::db::migrate(&mut conn).expect("migrate");
    uzmat::seed::seed(
        &mut conn,
        &dir.path().join("uploads"),
        &uzmat::config::CurrencyConfig::default(),
        &uzmat::seed::SeedOptions { users: 50, ads, seed: 5, progress: false },
    )
    .expect("seed");
    conn.execute_batch("DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;")
        .expect("drop stats");
    (dir, conn)
}

/// The part of a listing page's plan that finds its twelve ids (`CO-ROUTINE p`, up to `SCAN
/// p`): the cards of those are read after, and sorted again, twelve rows.
fn page_part(plan: &str) -> String {
    let inner = plan.strip_prefix("CO-ROUTINE p\n").expect("a page reads its ids first");
    inner.split("\nSCAN p\n").next().expect("then its cards").to_owned()
}

fn assert_no_ads_scan(label: &str, plan: &str) {
    for line in plan.lines() {
        let l = line.trim();
        assert!(
            !(l.starts_with("SCAN a") || l.starts_with("SCAN ads"))
                || l.starts_with("SCAN ads_find_")
                || l.starts_with("SCAN ads_words VIRTUAL TABLE")
                // the running promotions only, in the strips' order, stopping at the few shown
                || l.starts_with("SCAN a USING INDEX ads_promoted_order"),
            "{label}: full scan of ads:\n{plan}"
        );
    }
}

#[test]
fn list_and_home_queries_use_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = Connection::open(dir.path().join("plans.db")).expect("open");
    uzmat::db::migrate(&mut conn).expect("migrate");
    // real rows, then no statistics: the worst case the planner meets on a fresh install
    uzmat::seed::seed(
        &mut conn,
        &dir.path().join("uploads"),
        &uzmat::config::CurrencyConfig::default(),
        &uzmat::seed::SeedOptions { users: 50, ads: 3000, seed: 5, progress: false },
    )
    .expect("seed");
    conn.execute_batch("DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4;")
        .expect("drop stats");
    drop(conn);
    let conn = Connection::open(dir.path().join("plans.db")).expect("reopen");
    let now = uzmat::db::now();
    let mut filters = Vec::new();
    for section in [Section::Catalog, Section::Parts, Section::Repair] {
        for sort in [Sort::Fresh, Sort::PriceAsc, Sort::PriceDesc, Sort::Views] {
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(1),
                ..Filter::default()
            });
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(3),
                country: Some(Country::Kz),
                ..Filter::default()
            });
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(1),
                country: Some(Country::Ru),
                city: Some("Москва".into()),
                ..Filter::default()
            });
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(1),
                kind: Some(Kind::Rent),
                equipment_type: Some("кран".into()),
                ..Filter::default()
            });
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(1),
                brand: Some("JCB".into()),
                price_from_usd_cents: Some(100),
                price_to_usd_cents: Some(10_000_000),
                ..Filter::default()
            });
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(1),
                text: Some("экскаватор".into()),
                ..Filter::default()
            });
            // short words go through the word index as prefixes, long ones through trigrams
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(2),
                text: Some("JC 3CX".into()),
                ..Filter::default()
            });
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(1),
                country: Some(Country::Uz),
                text: Some("кр".into()),
                ..Filter::default()
            });
            // a price range alone: the per-day price index
            filters.push(Filter {
                section: Some(section),
                sort,
                page: page(2),
                price_from_usd_cents: Some(10_000),
                price_to_usd_cents: Some(500_000),
                ..Filter::default()
            });
        }
    }
    filters.push(Filter { owner_id: Some(UserId(1)), page: page(1), ..Filter::default() });
    // deep pages of the default order start at their cursor: the fresh index read from it, in
    // order, with nothing skipped
    let after = Some(After { bumped_at: now - 3600, id: 1500 });
    for section in [Section::Catalog, Section::Parts, Section::Repair] {
        let deep = Filter { section: Some(section), page: page(40), after, ..Filter::default() };
        let (select, _, params) = list::sql(&deep, now);
        // the offset, the last parameter, skips nothing
        assert!(select.contains(&format!("OFFSET ?{}", params.len())), "{select}");
        let skipped = params.last().map(|p| p.to_sql().expect("an integer"));
        assert_eq!(skipped, Some(ToSqlOutput::from(0_i64)), "{select}");
        let p = page_part(&plan(&conn, &select, &params));
        assert!(
            p.contains("USING INDEX ads_fresh (section=? AND is_active=? AND bumped_at<?)"),
            "{p}"
        );
        assert!(!p.contains("TEMP B-TREE"), "{deep:?} sorts:\n{p}");
        for narrowed in [
            Filter { country: Some(Country::Kz), ..deep.clone() },
            Filter {
                country: Some(Country::Ru), city: Some("Москва".into()), ..deep.clone()
            },
            Filter { equipment_type: Some("кран".into()), ..deep.clone() },
            Filter { brand: Some("JCB".into()), ..deep.clone() },
        ] {
            filters.push(narrowed);
        }
        filters.push(deep);
    }
    // the price sorts read their index in order: no sort of the whole section per page
    for (sort, index) in [(Sort::PriceAsc, "ads_price_day_asc"), (Sort::PriceDesc, "ads_price_day")]
    {
        for section in [Section::Catalog, Section::Parts] {
            let f = Filter { section: Some(section), sort, page: page(4), ..Filter::default() };
            let (select, _, params) = list::sql(&f, now);
            let p = page_part(&plan(&conn, &select, &params));
            assert!(p.contains(&format!("USING INDEX {index} (section=? AND is_active=?)")), "{p}");
            assert!(!p.contains("TEMP B-TREE FOR ORDER BY"), "{f:?} sorts:\n{p}");
        }
    }
    // the spelling vocabulary reads the word index's term list, never the ads
    let vocab = plan(
        &conn,
        "SELECT term, doc FROM ads_words_vocab WHERE length(term) BETWEEN 4 AND 40 \
         AND term NOT GLOB '*[0-9]*' ORDER BY doc DESC, term LIMIT 5000",
        &[],
    );
    let scans: Vec<&str> = vocab.lines().filter(|l| l.trim().starts_with("SCAN")).collect();
    assert_eq!(scans.len(), 1, "{vocab}");
    assert!(scans[0].contains("ads_words_vocab VIRTUAL TABLE"), "{vocab}");
    assert!(uzmat::domain::ads::spelling::Vocabulary::load(&conn).expect("load").len() > 100);
    // a price sort with a kind reads the kind's price index, its range bounded there too (rents
    // and sales are far apart in price: the section's index would pass over the other kind's
    // ads); in a country, the country's price index, the kind checked in its entries (the
    // kind's read every country's ads, a row each for its country)
    let orders = [
        (
            Sort::PriceAsc,
            "ads_kind_price_day_asc (kind=? AND is_active=?",
            "ads_country_price_day_asc",
        ),
        (Sort::PriceDesc, "ads_kind_price_day (kind=? AND is_active=?", "ads_country_price_day"),
    ];
    for (sort, kind_index, country_index) in orders {
        for (country, index) in [(None, kind_index), (Some(Country::Uz), country_index)] {
            for price_to_usd_cents in [None, Some(2_000_000)] {
                let f = Filter {
                    section: Some(Section::Catalog),
                    kind: Some(Kind::Sale),
                    country,
                    sort,
                    page: page(4),
                    price_to_usd_cents,
                    ..Filter::default()
                };
                let (select, _, params) = list::sql(&f, now);
                let p = page_part(&plan(&conn, &select, &params));
                assert!(p.contains(&format!("USING INDEX {index}")), "{f:?}:\n{p}");
                assert!(!p.contains("TEMP B-TREE FOR ORDER BY"), "{f:?} sorts:\n{p}");
                if country.is_some() {
                    let ids = ids_query(&select);
                    assert!(!reads_ad_rows(&conn, &ids, &params), "{f:?} reads rows");
                }
            }
        }
    }
    // a country's count with a kind and no price range reads the country's newest first, where
    // the kinds come mixed, and no ad's row (its price indexes hold a kind's ads in one stretch:
    // the capped count of Kazakhstan's sales passed over every rent)
    for sort in [Sort::Fresh, Sort::Views, Sort::PriceAsc, Sort::PriceDesc] {
        let f = Filter {
            section: Some(Section::Catalog),
            kind: Some(Kind::Sale),
            country: Some(Country::Kz),
            sort,
            ..Filter::default()
        };
        let (_, count, params) = list::sql(&f, now);
        let (capped, capped_params) = list::capped_count_sql(&f, now, 1_000);
        for (sql, params) in [(count, &params), (capped, &capped_params)] {
            let p = plan(&conn, &sql, params);
            assert!(p.contains("INDEX ads_country_fresh ("), "{f:?}:\n{p}");
            assert!(!reads_ad_rows(&conn, &sql, params), "{f:?} count reads rows:\n{sql}");
        }
    }
    // the other orders within a country, a city, a type or a brand read that pair's index in
    // order (migrations 22 and 24): only ties of the sort key are sorted, not every ad of the
    // country, city, type or brand
    for (sort, key) in
        [(Sort::PriceAsc, "price_day_asc"), (Sort::PriceDesc, "price_day"), (Sort::Views, "views")]
    {
        let country = Filter { country: Some(Country::Uz), ..Filter::default() };
        let typed =
            Filter { equipment_type: Some("экскаватор".into()), ..Filter::default() };
        let branded = Filter { brand: Some("SANY".into()), ..Filter::default() };
        let place = Filter { city: Some("Ташкент".into()), ..country.clone() };
        for (f, index) in
            [(country, "country"), (typed, "type"), (branded, "brand"), (place, "place")]
        {
            let f = Filter { section: Some(Section::Catalog), sort, page: page(48), ..f };
            let (select, _, params) = list::sql(&f, now);
            let p = page_part(&plan(&conn, &select, &params));
            assert!(p.contains(&format!("USING INDEX ads_{index}_{key} (")), "{f:?}:\n{p}");
            assert!(!p.contains("TEMP B-TREE FOR ORDER BY"), "{f:?} sorts:\n{p}");
        }
    }
    // a listing of two filters or more (no price range) is counted in `ad_facets` (migration
    // 33), no ad and no word list read: a place's sums by the table's key, a type's and a
    // brand's by their index
    let two = Filter {
        section: Some(Section::Catalog),
        country: Some(Country::Uz),
        city: Some("Ташкент".into()),
        brand: Some("SANY".into()),
        ..Filter::default()
    };
    let by_tags = list::ByTags::of(&two).expect("by tags");
    assert!(by_tags.covered, "every filter a tag");
    let typed_brand = Filter {
        section: Some(Section::Catalog),
        equipment_type: Some("экскаватор".into()),
        brand: Some("SANY".into()),
        kind: Some(Kind::Sale),
        sort: Sort::Views,
        ..Filter::default()
    };
    // its tags hold the listed ads that sum counts: not the section's hidden ones
    let tags = list::ByTags::of(&typed_brand).expect("by tags").tags;
    assert!(tags.ends_with(r#"NOT tags : ("hcatalog"))"#), "{tags}");
    for (f, seek) in [
        (&two, "PRIMARY KEY (section=? AND country=? AND city=?)"),
        (
            &typed_brand,
            "COVERING INDEX ad_facets_type (section=? AND equipment_type=? AND brand=?)",
        ),
    ] {
        let (count, params) = uzmat::domain::ads::facets::listed_sql(f, true).expect("section");
        let p = plan(&conn, &count, &params);
        assert!(p.contains(&format!("SEARCH ad_facets USING {seek}")), "{f:?}:\n{p}");
    }
    let one = Filter { city: None, brand: None, ..two.clone() };
    assert!(list::ByTags::of(&one).is_none(), "one filter: the ads' index");
    // one type, brand or city with a kind, a country or a price: that one's index, in every
    // order, holds the others (migration 25), so the ads' index reads the page and count
    let kind = Some(Kind::Rent);
    let typed = Filter { equipment_type: Some("экскаватор".into()), kind, ..one.clone() };
    let branded = Filter { brand: Some("SANY".into()), kind, ..one.clone() };
    let placed = Filter { city: Some("Ташкент".into()), kind, ..one.clone() };
    for (f, index) in [(typed, "ads_type"), (branded, "ads_brand"), (placed, "ads_place")] {
        assert!(list::ByTags::of(&f).is_none(), "{f:?}: one of type, brand, city");
        for (sort, key) in [
            (Sort::Fresh, " "),
            (Sort::Views, "_views "),
            (Sort::PriceAsc, "_price_day_asc "),
            (Sort::PriceDesc, "_price_day "),
        ] {
            let f = Filter { sort, page: page(9), ..f.clone() };
            let index = if index == "ads_place" && sort == Sort::Fresh {
                "ads_place_fresh ".to_owned()
            } else {
                format!("{index}{key}")
            };
            let (select, count, params) = list::sql(&f, now);
            let p = page_part(&plan(&conn, &select, &params));
            assert!(p.contains(&format!("USING INDEX {index}")), "{f:?}:\n{p}");
            assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
            assert_no_ads_scan(&format!("count {f:?}"), &plan(&conn, &count, &params));
            // the kind and country checked in the index's entries: no ad's row read
            let (capped, capped_params) = list::capped_count_sql(&f, now, 1_000);
            for (sql, params) in [(ids_query(&select), &params), (capped, &capped_params)] {
                assert!(!reads_ad_rows(&conn, &sql, params), "{f:?} reads rows:\n{sql}");
            }
        }
    }
    // a type and a brand: the type's index walked in each order, the brand, kind, country
    // and price checked in its entries (migration 28), no ad's row read
    let both = Filter {
        equipment_type: Some("экскаватор".into()),
        brand: Some("SANY".into()),
        kind,
        city: None,
        ..two.clone()
    };
    for (sort, key) in [
        (Sort::Fresh, " "),
        (Sort::Views, "_views "),
        (Sort::PriceAsc, "_price_day_asc "),
        (Sort::PriceDesc, "_price_day "),
    ] {
        let cursor = (sort == Sort::Fresh).then_some(After { bumped_at: now - 3_600, id: 40 });
        for (price_from_usd_cents, after) in [(None, None), (Some(1_000), None), (None, cursor)] {
            let f = Filter { sort, page: page(4), price_from_usd_cents, after, ..both.clone() };
            // newest first, and a price order's range, read the index that holds both (below)
            let by_index =
                sort == Sort::Fresh || (sort.by_price() && price_from_usd_cents.is_some());
            if by_index {
                assert!(type_brand::page_sql(&f, now).is_none(), "{f:?}: an index, no walk");
                continue;
            }
            let (select, params) = type_brand::page_sql(&f, now).expect("walked");
            let p = page_part(&plan(&conn, &select, &params));
            // the walk (`a`) searches the type's entries in order, sorting none; the page
            // scans what it walked
            let walk = format!("CO-ROUTINE a\nSEARCH a USING INDEX ads_type{key}(");
            assert!(p.starts_with(&walk), "{f:?}:\n{p}");
            assert!(p.lines().filter(|l| l.contains("ads")).count() == 1, "{f:?}:\n{p}");
            assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
            assert!(!reads_ad_rows(&conn, &ids_query(&select), &params), "{f:?} reads rows");
        }
    }
    // newest first, a type and a brand read the index of both (migration 31), a price range
    // checked in its entries; a price order's range the type's price index, which holds the
    // brand; their counts likewise (newest first without a range), no ad's row read
    for (sort, price_to_usd_cents, index) in [
        (
            Sort::Fresh,
            None,
            "ads_type_brand (section=? AND is_active=? AND equipment_type=? AND brand=?)",
        ),
        (
            Sort::Fresh,
            Some(9_000),
            "ads_type_brand (section=? AND is_active=? AND equipment_type=? AND brand=?)",
        ),
        (
            Sort::PriceAsc,
            Some(9_000),
            "ads_type_price_day_asc (section=? AND is_active=? AND equipment_type=? AND price_day_asc<?)",
        ),
        (
            Sort::PriceDesc,
            Some(9_000),
            "ads_type_price_day (section=? AND is_active=? AND equipment_type=? AND price_day_usd_cents<?)",
        ),
    ] {
        let f = Filter { sort, price_to_usd_cents, page: page(7), ..both.clone() };
        assert!(list::ByTags::of(&f).is_none(), "{f:?}: an index, not the tags");
        let (select, count, params) = list::sql(&f, now);
        let p = page_part(&plan(&conn, &select, &params));
        assert!(p.contains(&format!("USING INDEX {index}")), "{f:?}:\n{p}");
        assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
        assert!(!reads_ad_rows(&conn, &ids_query(&select), &params), "{f:?} reads rows");
        let counted = if price_to_usd_cents.is_some() && sort != Sort::PriceAsc {
            "ads_type_price_day ("
        } else if price_to_usd_cents.is_some() {
            "ads_type_price_day_asc ("
        } else {
            "ads_type_brand ("
        };
        let (capped, capped_params) = list::capped_count_sql(&f, now, 1_000);
        for (sql, params) in [(count, &params), (capped, &capped_params)] {
            let p = plan(&conn, &sql, params);
            assert!(p.contains(&format!("INDEX {counted}")), "{f:?}:\n{p}");
            assert!(!reads_ad_rows(&conn, &sql, params), "{f:?} count reads rows:\n{sql}");
        }
    }
    // a page past the walk's bound is not walked
    let deep = Filter { page: page(500), ..both.clone() };
    assert!(type_brand::page_sql(&deep, now).is_none(), "page 500 walks in vain");
    // a narrow price range in the newest or most viewed order walks that order's index, the
    // section's or its country's, the kind and price checked in its entries (`price_walk`)
    for (sort, key) in [(Sort::Fresh, "fresh"), (Sort::Views, "views")] {
        let cursor = (sort == Sort::Fresh).then_some(After { bumped_at: now - 3_600, id: 40 });
        for (country, after) in [(None, None), (Some(Country::Uz), None), (None, cursor)] {
            let f = Filter {
                section: Some(Section::Parts),
                kind: Some(Kind::Parts),
                country,
                sort,
                after,
                page: page(3),
                price_from_usd_cents: Some(1_000),
                price_to_usd_cents: Some(9_000),
                ..Filter::default()
            };
            let (select, params) = price_walk::page_sql(&f, now, 500).expect("walked");
            let p = page_part(&plan(&conn, &select, &params));
            let index = if country.is_some() { format!("country_{key}") } else { key.to_owned() };
            let walk = format!("CO-ROUTINE a\nSEARCH a USING INDEX ads_{index} (");
            assert!(p.starts_with(&walk), "{f:?}:\n{p}");
            assert!(p.lines().filter(|l| l.contains("ads")).count() == 1, "{f:?}:\n{p}");
            assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
            assert!(!reads_ad_rows(&conn, &ids_query(&select), &params), "{f:?} reads rows");
        }
        // not past its bound, nor in a price order, nor with a type
        let f = Filter {
            section: Some(Section::Parts),
            sort,
            price_to_usd_cents: Some(9_000),
            ..Filter::default()
        };
        assert!(price_walk::page_sql(&Filter { page: page(700), ..f.clone() }, now, 500).is_none());
        // the bound grows with the ads in the range
        let deep = Filter { page: page(1_700), ..f.clone() };
        assert!(price_walk::page_sql(&deep, now, 4_999).is_some(), "20,400 of 79,984 entries");
        let typed = Filter { equipment_type: Some("кран".into()), ..f.clone() };
        assert!(price_walk::page_sql(&typed, now, 500).is_none());
    }
    let priced = Filter {
        section: Some(Section::Parts),
        sort: Sort::PriceAsc,
        price_to_usd_cents: Some(9_000),
        ..Filter::default()
    };
    assert!(price_walk::page_sql(&priced, now, 500).is_none());
    // a count with a price range reads the price index its range is written on, which bounds
    // it and holds every other filter
    let kind = Some(Kind::Sale);
    for (f, lead) in [
        (Filter { equipment_type: Some("экскаватор".into()), kind, ..one.clone() }, "ads_type"),
        (Filter { brand: Some("SANY".into()), kind, ..one.clone() }, "ads_brand"),
        (Filter { city: Some("Ташкент".into()), kind, ..one.clone() }, "ads_place"),
    ] {
        for sort in [Sort::Fresh, Sort::Views, Sort::PriceAsc, Sort::PriceDesc] {
            let key = if sort == Sort::PriceAsc { "_price_day_asc " } else { "_price_day " };
            let f = Filter {
                sort,
                price_from_usd_cents: Some(1_000),
                price_to_usd_cents: Some(500_000),
                ..f.clone()
            };
            let (_, count, params) = list::sql(&f, now);
            let (capped, capped_params) = list::capped_count_sql(&f, now, 1_000);
            for (sql, params) in [(count, &params), (capped, &capped_params)] {
                let p = plan(&conn, &sql, params);
                assert!(p.contains(&format!("USING INDEX {lead}{key}")), "{f:?}:\n{p}");
                assert!(!reads_ad_rows(&conn, &sql, params), "{f:?} count reads rows:\n{sql}");
            }
        }
    }
    // a country's price range alone: its count, and its page in a price order (without a
    // kind: see above) or a narrow one, a stretch of the country's index of the key the range
    // is written on, the kind checked in its entries
    for sort in [Sort::Fresh, Sort::Views, Sort::PriceAsc, Sort::PriceDesc] {
        let kind = (!sort.by_price()).then_some(Kind::Rent);
        let index = if sort == Sort::PriceAsc {
            "ads_country_price_day_asc "
        } else {
            "ads_country_price_day "
        };
        let f = Filter {
            sort,
            kind,
            price_from_usd_cents: Some(1_000),
            price_to_usd_cents: Some(500_000),
            page: page(5),
            ..one.clone()
        };
        let (select, count, params) = list::sql(&f, now);
        let (capped, capped_params) = list::capped_count_sql(&f, now, 1_000);
        // (a narrow range in another order: its matches sorted, each row read for its key)
        let p = page_part(&plan(&conn, &select, &params));
        assert!(p.contains(&format!("USING INDEX {index}")), "{f:?}:\n{p}");
        if sort.by_price() {
            assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
            assert!(!reads_ad_rows(&conn, &ids_query(&select), &params), "{f:?} reads rows");
        }
        for (sql, params) in [(count, &params), (capped, &capped_params)] {
            let p = plan(&conn, &sql, params);
            assert!(p.contains(&format!("USING INDEX {index}")), "{f:?}:\n{p}");
            assert!(!reads_ad_rows(&conn, &sql, params), "{f:?} count reads rows:\n{sql}");
        }
    }
    // the few ads the tags match are read by id from the narrow keys copy, in any order,
    // with a price range checked per ad
    for sort in [Sort::Fresh, Sort::PriceAsc, Sort::PriceDesc, Sort::Views] {
        for price_to_usd_cents in [None, Some(1_000)] {
            let f = Filter { price_to_usd_cents, sort, page: page(3), ..two.clone() };
            let by_tags = list::ByTags::of(&f).expect("by tags, priced");
            assert_eq!(by_tags.covered, price_to_usd_cents.is_none(), "a price: checked per ad");
            let mut queries = vec![by_tags.page_sql(&f, now)];
            if !by_tags.covered {
                queries.push(by_tags.count_sql(&f, now, Some(1_000)));
                // counted and paged from one read of the matches (`read_once`)
                queries.push(by_tags.keyed_ids_sql(&f, now, "bumped_at"));
            }
            for (sql, params) in queries {
                let p = plan(&conn, &sql, &params);
                assert!(p.contains("SCAN f VIRTUAL TABLE"), "{f:?}:\n{p}");
                // each tagged ad's keys read by id from the narrow copy (migration 24)
                assert!(sql.contains("ad_sort_keys a ON a.id = f.rowid"), "{sql}");
                assert!(p.contains("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"), "{f:?}:\n{p}");
                assert_no_ads_scan(&format!("{f:?}"), &p);
            }
        }
    }
    // a wide price range in another order: the order's index drives, the price read per row
    for (sort, index) in [(Sort::Fresh, "ads_fresh"), (Sort::Views, "ads_views")] {
        let f = Filter {
            section: Some(Section::Catalog),
            sort,
            page: page(2),
            price_from_usd_cents: Some(100),
            price_to_usd_cents: Some(100_000_000),
            ..Filter::default()
        };
        let (select, _, params) = list::page_sql(&f, now, true);
        let p = page_part(&plan(&conn, &select, &params));
        assert!(p.contains(&format!("USING INDEX {index} (section=? AND is_active=?)")), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
    }
    // a search is read from its full-text index, newest match first, each match's ad found by
    // its id: no sort for the ranked tiers, and the sorted page sorts its window only
    // (with the index's words, each word is an OR of the words holding it; without, a prefix)
    let lexicon = uzmat::domain::ads::lexicon::Lexicon::new(["экскаватора", "миниэкскаватор"]);
    let searches = filters.iter().filter(|f| f.text.is_some());
    for (f, lexicon) in searches.flat_map(|f| [(f, None), (f, Some(&lexicon))]) {
        let s = list::TextSearch::of(f, lexicon).expect("searchable");
        // each match checked in the narrow keys copy when the tags hold every other filter
        let keys = if s.keyed { "ad_sort_keys a ON" } else { "ads a ON" };
        for query in [&s.in_title, &s.elsewhere] {
            let (sql, params) = s.tier_sql(f, now, query, 12, 24);
            assert!(sql.contains(&format!("CROSS JOIN {keys} a.id = f.rowid")), "{sql}");
            let p = page_part(&plan(&conn, &sql, &params));
            assert!(p.starts_with("SCAN f VIRTUAL TABLE"), "{f:?}:\n{p}");
            assert!(p.contains("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)"), "{f:?}:\n{p}");
            assert!(!p.contains("TEMP B-TREE"), "{f:?} sorts:\n{p}");
        }
        let (sql, params) = s.count_sql(f, now, &s.all, Some(1_000));
        let p = plan(&conn, &sql, &params);
        assert!(p.contains("VIRTUAL TABLE INDEX") && !p.contains("TEMP B-TREE"), "{f:?}:\n{p}");
        // with no filter but those the index holds, the index alone is read
        assert_eq!(s.in_index, !p.contains("SEARCH a "), "{f:?}:\n{p}");
        for (sql, params) in [s.sorted_sql(f, now, 1_000), s.promoted_sql(f, now)] {
            assert_no_ads_scan(&format!("{f:?}"), &plan(&conn, &sql, &params));
        }
        // the strip tells the promoted among its matches by the running promotions' index,
        // not by each match's row
        let (sql, params) = s.promoted_sql(f, now);
        let p = plan(&conn, &sql, &params);
        assert!(p.contains("COVERING INDEX ads_promoted_id (id=?"), "strip {f:?}:\n{p}");
        // a sorted page's single read: the index's newest matches in its own order (no sort),
        // each match's key found by its id
        let (sql, params) = s.keyed_ids_sql(f, now, "views_count", 1_001);
        let p = plan(&conn, &sql, &params);
        assert!(p.contains("VIRTUAL TABLE INDEX") && !p.contains("TEMP B-TREE"), "{f:?}:\n{p}");
        assert!(p.contains("USING INTEGER PRIMARY KEY (rowid=?)"), "{f:?}:\n{p}");
        assert_no_ads_scan(&format!("single read {f:?}"), &p);
    }
    for f in &filters {
        let (select, count, params) = list::sql(f, now);
        // the ads drive a page: never every user's ads, sorted
        let p = page_part(&plan(&conn, &select, &params));
        assert!(p.starts_with("SEARCH a ") || p.starts_with("SCAN a "), "{f:?}:\n{p}");
        assert_no_ads_scan(&format!("{f:?}"), &plan(&conn, &select, &params));
        assert_no_ads_scan(&format!("count {f:?}"), &plan(&conn, &count, &params));
        let (capped, params) = list::capped_count_sql(f, now, 10_000);
        assert_no_ads_scan(&format!("capped count {f:?}"), &plan(&conn, &capped, &params));
        // the promoted strip: the promotions of its narrowest filter, in plan order
        let (promoted, params) = list::promoted_sql(f, now);
        let p = plan(&conn, &promoted, &params);
        assert_no_ads_scan(&format!("promoted {f:?}"), &p);
        let given = |v: &Option<String>| v.as_deref().is_some_and(|v| !v.is_empty());
        let strip = match (f.section, f.country) {
            (None, _) => "ads_promoted_order",
            (_, Some(_)) if given(&f.city) => {
                "ads_promoted_city (section=? AND country=? AND city=?)"
            }
            _ if given(&f.brand) => "ads_promoted_brand (section=? AND brand=?)",
            _ if given(&f.equipment_type) => "ads_promoted_type (section=? AND equipment_type=?)",
            (_, Some(_)) => "ads_promoted_country (section=? AND country=?)",
            _ => "ads_promoted_order",
        };
        assert!(p.contains(&format!("USING INDEX {strip}")), "promoted {f:?}:\n{p}");
        assert!(!p.contains("TEMP B-TREE FOR ORDER BY"), "promoted {f:?} sorts:\n{p}");
    }
    let places = [
        Place::default(),
        Place { country: Some(Country::Kz), city: None },
        Place { country: Some(Country::Kz), city: Some("Алматы".into()) },
    ];
    for place in &places {
        for block in [PROMOTED, BADGE, FRESH, MOST_VIEWED] {
            let (sql, params) = home::block_sql(now, place, block, 16, vec![]);
            assert_no_ads_scan(&format!("home {block:?} {place:?}"), &plan(&conn, &sql, &params));
        }
        let (sql, params) = home::block_sql(now, place, PROMOTED, 16, vec![]);
        let p = plan(&conn, &sql, &params);
        assert!(p.contains("ads_promoted_order") && !p.contains("TEMP B-TREE"), "{p}");
        // each badge holder's ads in the place: one seek, not all of the holder's ads
        let (sql, params) = home::block_sql(now, place, BADGE, 16, vec![]);
        let p = plan(&conn, &sql, &params);
        let seek = match (&place.country, &place.city) {
            (Some(_), Some(_)) => {
                "(owner_id=? AND is_active=? AND section=? AND country=? AND city=?)"
            }
            (Some(_), None) => "(owner_id=? AND is_active=? AND section=? AND country=?)",
            _ => "(owner_id=? AND is_active=? AND section=?)",
        };
        assert!(p.contains(&format!("ads_owner_place {seek}")), "badge {place:?}:\n{p}");
        let (sql, params) =
            home::block_sql(now, place, FRESH_GOLD, 4, vec![Box::new(1), Box::new(now - 43_200)]);
        let p = plan(&conn, &sql, &params);
        assert_no_ads_scan("home fresh gold", &p);
        // its `?x` parameters are numbered before the FROM is chosen: still the ordered index,
        // GOLD's part of it read in start order, not every promotion sorted
        assert!(p.contains("ads_promoted_order"), "home fresh gold:\n{p}");
        assert!(!p.contains("TEMP B-TREE"), "home fresh gold sorts:\n{p}");
    }
    // the similar ads under an ad page: each pass walks the type's index, newest first
    {
        use uzmat::domain::ads::repo::{SimilarPass, similar_sql};
        for pass in
            [SimilarPass::SameTypeCountryPrice, SimilarPass::SameTypeCountry, SimilarPass::SameType]
        {
            let params: Vec<Box<dyn ToSql>> = vec![
                Box::new(now),
                Box::new("catalog"),
                Box::new("экскаватор"),
                Box::new("kz"),
                Box::new(1024),
                Box::new(2048),
            ];
            let p = plan(&conn, &similar_sql(pass), &params);
            assert_no_ads_scan(&format!("similar {pass:?}"), &p);
            assert!(p.contains("USING INDEX ads_type"), "similar {pass:?}:\n{p}");
            assert!(!p.contains("TEMP B-TREE"), "similar {pass:?} sorts:\n{p}");
        }
    }
    use uzmat::domain::freight::{self, FreightFilter, FreightKind};
    for f in [
        FreightFilter { page: page(1), ..FreightFilter::default() },
        FreightFilter { page: page(2), kind: Some(FreightKind::Truck), ..FreightFilter::default() },
        FreightFilter {
            page: page(1),
            from_country: Some(Country::Kz),
            to_country: Some(Country::Uz),
            date_from: Some("2026-01-01".into()),
            ..FreightFilter::default()
        },
        FreightFilter {
            page: page(1),
            from_country: Some(Country::Ru),
            from_city: Some("москва".into()),
            ..FreightFilter::default()
        },
    ] {
        let (select, count, params) = freight::sql(&f);
        for sql in [select, count] {
            let p = plan(&conn, &sql, &params);
            assert!(
                !p.lines().any(|l| l.trim() == "SCAN freight_ads"),
                "{f:?}: full scan of freight_ads:\n{p}"
            );
        }
    }
    // "my ads": a user's listings, by the owner index
    let p = plan(&conn, &freight::my_freight_sql(), &[Box::new(1_i64)]);
    assert!(p.contains("freight_owner"), "my freight:\n{p}");
}

#[test]
fn card_photos_come_from_the_covering_index_in_order() {
    let mut conn = Connection::open_in_memory().expect("open");
    uzmat::db::migrate(&mut conn).expect("migrate");
    let sql = format!(
        "SELECT {} FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.id = ?2",
        uzmat::domain::ads::repo::CARD_COLUMNS
    );
    let plan = plan(&conn, &sql, &[Box::new(0_i64), Box::new(1_i64)]);
    assert!(plan.contains("USING COVERING INDEX ad_photos_by_ad (ad_id=?)"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "the index order is the photo order:\n{plan}");
}

/// The chat lists: the inbox, the support queue, a thread's messages and the mail sweep each
/// read through an index, and none sorts in a temporary b-tree.
#[test]
fn chat_queries_use_indexes() {
    let (_dir, conn) = seeded(2000);
    let now = uzmat::db::now();
    for (label, sql) in uzmat::domain::chats::repo::list_queries() {
        let params: Vec<Box<dyn ToSql>> =
            vec![Box::new(now), Box::new(3_i64), Box::new(50_i64), Box::new(0_i64)];
        let p = plan(&conn, &sql, &params);
        for table in ["chat_reads", "chat_messages", "chat_threads", "r", "m", "t"] {
            assert!(
                !p.lines().any(|l| l.trim() == format!("SCAN {table}")),
                "{label}: scans {table}:\n{p}"
            );
        }
        assert!(!p.contains("TEMP B-TREE"), "{label}: sorts:\n{p}");
    }
}

#[test]
fn the_telegram_outbox_is_read_through_its_indexes() {
    let mut conn = Connection::open_in_memory().expect("open");
    uzmat::db::migrate(&mut conn).expect("migrate");
    let params: Vec<Box<dyn ToSql>> = vec![Box::new(uzmat::db::now()), Box::new(10), Box::new(20)];
    let p = plan(&conn, uzmat::domain::telegram::DUE_SQL, &params);
    assert!(p.contains("USING INDEX telegram_outbox_due"), "{p}");
    assert!(p.contains("USING INDEX telegram_outbox_ad (ad_id=? AND id<?)"), "{p}");
    assert!(!p.lines().any(|l| l.trim().starts_with("SCAN")), "{p}");
}

/// The alert sweep: the due searches through their index, each search's new ads through the
/// listing's indexes (never a scan of `ads`).
#[test]
fn saved_search_queries_use_indexes() {
    use uzmat::domain::alerts::{self, Frequency, SavedSearch};
    let (_dir, conn) = seeded(2000);
    let now = uzmat::db::now();
    let params: Vec<Box<dyn ToSql>> =
        vec![Box::new(now - 900), Box::new(now - 86_400), Box::new(500_i64), Box::new(0_i64)];
    let p = plan(&conn, alerts::sweep::DUE_SQL, &params);
    assert!(!p.lines().any(|l| l.trim() == "SCAN s"), "the due searches scan:\n{p}");
    let rates = uzmat::domain::rates::Rates::default();
    for (section, query) in [
        (Section::Catalog, ""),
        (Section::Catalog, "kind=rent&country=uz&city=Ташкент&type=экскаватор"),
        (Section::Parts, "q=фильтр&country=kz"),
        (Section::Catalog, "brand=JCB&price_from=100&currency=USD"),
    ] {
        let s = SavedSearch {
            id: uzmat::domain::ids::SearchId(1),
            user_id: UserId(1),
            section,
            query: alerts::normalize(section, query, None, &rates).expect("valid").1,
            name: String::new(),
            frequency: Frequency::Instant,
            paused: false,
            last_seen_ad_id: uzmat::domain::ids::AdId(1500),
            last_sent_at: None,
            created_at: 0,
        };
        let f = s.filter(&rates).expect("parses");
        let (cond, params) = alerts::new_ads_where(&s, &f, now);
        let sql = format!("SELECT count(*), max(a.id) FROM ads a WHERE {cond}");
        assert_no_ads_scan(&format!("new ads of {query:?}"), &plan(&conn, &sql, &params));
    }
}

/// `/requests` and its filters read through an index; the owners told of a request and the
/// unannounced requests too.
#[test]
fn rental_request_queries_use_indexes() {
    use uzmat::domain::requests::{self, RequestFilter, notify};
    let (_dir, conn) = seeded(2000);
    let today = requests::day_of(uzmat::db::now());
    for f in [
        RequestFilter::default(),
        RequestFilter { country: Some(Country::Uz), ..RequestFilter::default() },
        RequestFilter {
            country: Some(Country::Kz),
            equipment_type: Some("кран".into()),
            page: page(2),
        },
    ] {
        let (select, count, params) = requests::list_sql(&f, &today);
        for sql in [select, count] {
            let p = plan(&conn, &sql, &params);
            assert!(!p.lines().any(|l| l.trim() == "SCAN r"), "{f:?} scans:\n{p}");
        }
    }
    let params: Vec<Box<dyn ToSql>> =
        vec![Box::new("экскаватор"), Box::new("uz"), Box::new(1_i64), Box::new(200_i64)];
    assert_no_ads_scan("owners of a request", &plan(&conn, notify::OWNERS_SQL, &params));
    let p = plan(&conn, notify::UNNOTIFIED_SQL, &[Box::new(200_i64)]);
    assert!(p.contains("rental_requests_unnotified"), "{p}");
}

/// Seller statistics and duplicate photos (issue 16): the fold's two writes read the tally by
/// its key; the stats page seeks each (day, ad) and the seller's ads by owner; the duplicate
/// lookup reads one band index per query; the ad page's note is one seek of `photo_matches`.
#[test]
fn statistics_and_duplicate_photo_queries_use_indexes() {
    let (_dir, conn) = seeded(2000);
    let p = |sql: &str, params: Vec<Box<dyn ToSql>>| plan(&conn, sql, &params);
    let range = || -> Vec<Box<dyn ToSql>> { vec![Box::new(0_i64), Box::new(500_i64)] };

    let fold_ads = p(uzmat::jobs::FOLD_INTO_ADS, range());
    assert!(
        fold_ads.contains("ad_views_pending USING PRIMARY KEY (ad_id>? AND ad_id<?)"),
        "{fold_ads}"
    );
    assert!(fold_ads.contains("ads USING INTEGER PRIMARY KEY (rowid=?)"), "{fold_ads}");
    assert_no_ads_scan("fold into ads", &fold_ads);
    let fold_days = p(uzmat::jobs::FOLD_INTO_DAYS, range());
    assert!(fold_days.contains("USING PRIMARY KEY (ad_id>? AND ad_id<?)"), "{fold_days}");

    use uzmat::domain::stats::{ADS_SQL, DAYS_SQL, PENDING_SQL};
    let seller = || -> Vec<Box<dyn ToSql>> {
        vec![Box::new(3_i64), Box::new(None::<i64>), Box::new(20_000_i64), Box::new(20_089_i64)]
    };
    let ads = p(ADS_SQL, vec![Box::new(3_i64), Box::new(None::<i64>), Box::new(1000_i64)]);
    // either index of a seller's ads seeks theirs (the page sorts them by creation)
    assert!(
        ads.contains("USING INDEX ads_owner (owner_id=?)")
            || ads.contains("USING INDEX ads_owner_place (owner_id=?)"),
        "{ads}"
    );
    assert!(ads.contains("favorites_ad (ad_id=?)"), "{ads}");
    assert!(ads.contains("chat_threads_pair (ad_id=?)"), "{ads}");
    assert_no_ads_scan("stats ads", &ads);
    let days = p(DAYS_SQL, seller());
    assert!(days.contains("SEARCH v USING PRIMARY KEY (day=? AND ad_id=?)"), "{days}");
    assert!(!days.lines().any(|l| l.trim() == "SCAN v"), "{days}");
    assert_no_ads_scan("stats days", &days);
    let pending = p(PENDING_SQL, seller());
    assert!(
        pending.contains("SEARCH v USING PRIMARY KEY (ad_id=? AND day>? AND day<?)"),
        "{pending}"
    );
    assert_no_ads_scan("stats pending", &pending);

    for (k, sql) in uzmat::domain::ads::duplicates::CANDIDATES_SQL.iter().enumerate() {
        let mut params: Vec<Box<dyn ToSql>> = vec![Box::new(3_i64)];
        params.extend((0..17_i64).map(|i| Box::new(i) as Box<dyn ToSql>));
        let c = p(sql, params);
        assert!(c.contains(&format!("USING INDEX ad_photos_phash_b{k} (phash_b{k}=?)")), "{c}");
        assert!(c.contains("a USING INTEGER PRIMARY KEY (rowid=?)"), "{c}");
        assert_no_ads_scan("photo candidates", &c);
    }
    let note =
        format!("SELECT {} FROM ads a WHERE a.id = ?1", uzmat::domain::ads::repo::PHOTOS_ELSEWHERE);
    let n = p(&note, vec![Box::new(5_i64)]);
    assert!(n.contains("SEARCH m USING PRIMARY KEY (ad_id=?)"), "{n}");
    assert!(n.contains("SEARCH o USING INTEGER PRIMARY KEY (rowid=?)"), "{n}");
}

/// An index a migration adds to an analyzed table is measured when the database opens: without
/// statistics of its own the planner took it for very selective and read a million-ad section
/// through a brand's index (1.2 s a page).
#[test]
fn an_index_new_to_an_analyzed_table_is_measured() {
    let (dir, conn) = seeded(300);
    let stats = |conn: &Connection, index: &str| -> i64 {
        let exists: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'", [], |r| {
                r.get(0)
            })
            .expect("schema");
        if exists == 0 {
            return -1;
        }
        conn.query_row("SELECT count(*) FROM sqlite_stat1 WHERE idx = ?1", [index], |r| r.get(0))
            .expect("stat1")
    };
    conn.execute_batch("CREATE INDEX ads_new_a ON ads (section, city)").expect("index");
    uzmat::db::analyze_new_indexes(&conn).expect("analyze");
    assert_eq!(stats(&conn, "ads_new_a"), -1, "never analyzed: left so");
    conn.execute_batch("ANALYZE; CREATE INDEX ads_new_b ON ads (section, title)").expect("index");
    assert_eq!(stats(&conn, "ads_new_b"), 0);
    uzmat::db::analyze_new_indexes(&conn).expect("analyze");
    assert_eq!(stats(&conn, "ads_new_b"), 1, "measured");
    // and so at every open, after the migrations
    conn.execute_batch("CREATE INDEX ads_new_c ON ads (section, slug)").expect("index");
    let cfg = uzmat::config::DatabaseConfig::default();
    drop(uzmat::db::Db::open(&dir.path().join("plans.db"), &cfg).expect("open"));
    assert_eq!(stats(&conn, "ads_new_c"), 1, "measured at open");
}
