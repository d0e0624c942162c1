//! Seeder tests on in-memory databases.

use super::*;

fn fresh() -> Connection {
    let mut conn = Connection::open_in_memory().expect("open");
    conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
    crate::db::migrate(&mut conn).expect("migrate");
    conn
}

fn run(conn: &mut Connection, users: u32, ads: u32, seed: u64) -> SeedReport {
    let dir = std::env::temp_dir().join("uzmat-seed-test-uploads");
    let opts = SeedOptions { users, ads, seed, progress: false };
    super::seed(conn, &dir, &CurrencyConfig::default(), &opts).expect("seed")
}

fn strings(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn records_the_rates_its_usd_estimates_used() {
    let mut conn = fresh();
    run(&mut conn, 5, 20, 1);
    let key: String = conn
        .query_row("SELECT value FROM meta WHERE key = 'usd_rates'", [], |r| r.get(0))
        .expect("recorded");
    assert_eq!(key, crate::domain::rates::Rates::default().key());
}

#[test]
fn same_seed_same_data() {
    let (mut a, mut b) = (fresh(), fresh());
    run(&mut a, 20, 200, 7);
    run(&mut b, 20, 200, 7);
    let sql = "SELECT title || '|' || coalesce(price_minor, 'neg') || '|' || slug || '|' || city FROM ads ORDER BY id";
    assert_eq!(strings(&a, sql), strings(&b, sql));
    let sql = "SELECT email || name FROM users ORDER BY id";
    assert_eq!(strings(&a, sql), strings(&b, sql));
    let mut c = fresh();
    run(&mut c, 20, 200, 8);
    assert_ne!(
        strings(&a, "SELECT title FROM ads ORDER BY id"),
        strings(&c, "SELECT title FROM ads ORDER BY id")
    );
}

#[test]
fn covers_every_kind_country_and_city() {
    let mut conn = fresh();
    let report = run(&mut conn, 0, 400, 1);
    assert_eq!(report.users, 20);
    assert_eq!(report.ads, 400);
    assert_eq!(count(&conn, "SELECT count(*) FROM ads"), 400);
    assert_eq!(
        strings(&conn, "SELECT DISTINCT kind FROM ads ORDER BY kind"),
        ["parts", "rent", "sale", "service"]
    );
    assert_eq!(
        strings(&conn, "SELECT DISTINCT country FROM ads ORDER BY country"),
        ["by", "kz", "ru", "uz"]
    );
    for c in Country::ALL {
        for city in c.cities() {
            let n: i64 = conn
                .query_row(
                    "SELECT count(*) FROM ads WHERE country = ?1 AND city = ?2",
                    params![c.code(), city],
                    |r| r.get(0),
                )
                .expect("city");
            assert!(n > 0, "{city}");
        }
    }
    let types =
        strings(&conn, "SELECT DISTINCT equipment_type FROM ads WHERE equipment_type IS NOT NULL");
    assert!(types.len() >= 15, "{types:?}");
    // Kind-specific fields.
    assert_eq!(
        count(&conn, "SELECT count(*) FROM ads WHERE kind = 'service' AND service_name IS NULL"),
        0
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM ads WHERE kind = 'parts' AND part_name IS NULL"),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE kind = 'rent' AND price_minor IS NOT NULL AND price_unit IS NULL"
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE (price_minor IS NULL) != (price_usd_cents IS NULL)"
        ),
        0
    );
    assert!(count(&conn, "SELECT count(*) FROM ads WHERE price_minor IS NULL") > 0);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM users WHERE account_type = 'company' AND (company_name IS NULL OR tax_id IS NULL)"
        ),
        0
    );
    assert!(count(&conn, "SELECT count(*) FROM users WHERE account_type = 'company'") > 0);
    assert_eq!(
        count(&conn, "SELECT count(*) FROM users WHERE country = 'kz' AND length(tax_id) != 12"),
        0
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM users WHERE country = 'ru' AND length(tax_id) != 10"),
        0
    );
}

#[test]
fn slugs_unique_and_readable() {
    let mut conn = fresh();
    run(&mut conn, 30, 300, 3);
    run(&mut conn, 30, 300, 3);
    assert_eq!(count(&conn, "SELECT count(*) FROM ads"), 600);
    assert_eq!(count(&conn, "SELECT count(DISTINCT slug) FROM ads"), 600);
    assert_eq!(count(&conn, "SELECT count(*) FROM ads WHERE slug NOT LIKE '%-' || id"), 0);
    assert_eq!(count(&conn, "SELECT count(DISTINCT email) FROM users"), 60);
    let slug: String = conn
        .query_row("SELECT slug FROM ads WHERE kind = 'rent' LIMIT 1", [], |r| r.get(0))
        .expect("slug");
    assert!(
        slug.starts_with("arenda-")
            || slug.contains("-v-arendu")
            || slug.starts_with("sdam-")
            || slug.starts_with("uslugi-"),
        "{slug}"
    );
}

#[test]
fn search_finds_seeded_ads_and_triggers_survive() {
    let mut conn = fresh();
    let before = strings(
        &conn,
        "SELECT name || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    );
    assert_eq!(
        before.len(),
        20,
        "three triggers per search index (the sections', their titles', the words'), three \
         seller-count triggers, two keeping the audit log append-only, three keeping the \
         listing's keys copy, three keeping the counts of places, types and brands"
    );
    run(&mut conn, 10, 300, 5);
    let after = strings(
        &conn,
        "SELECT name || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name",
    );
    assert_eq!(before, after);
    // the count triggers stayed on through the bulk insert
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM users WHERE active_ads != \
             (SELECT count(*) FROM ads WHERE owner_id = users.id AND is_active = 1)"
        ),
        0
    );
    assert!(count(&conn, "SELECT sum(active_ads) FROM users") > 0);
    // the listing's keys copy was filled in the same pass, one row per ad, equal to it
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads a JOIN ad_sort_keys k ON k.id = a.id \
             WHERE k.is_active IS a.is_active AND k.kind IS a.kind \
             AND k.price_day_usd_cents IS a.price_day_usd_cents \
             AND k.price_day_asc IS a.price_day_asc AND k.bumped_at IS a.bumped_at \
             AND k.views_count IS a.views_count"
        ),
        count(&conn, "SELECT count(*) FROM ads")
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM ad_sort_keys"),
        count(&conn, "SELECT count(*) FROM ads")
    );
    let find = |section: &str, query: &str| {
        let t = format!("ads_find_{section}");
        count(&conn, &format!("SELECT count(*) FROM {t} WHERE {t} MATCH '{query}'"))
    };
    assert!(find("catalog", "\"экскаватор\"") > 0);
    // the word index was filled in the same pass, exactly as the content says (FTS5's own check
    // of an external-content index against its table)
    assert!(count(&conn, "SELECT count(*) FROM ads_words WHERE ads_words MATCH '\"эк\"*'") > 0);
    conn.execute("INSERT INTO ads_words (ads_words, rank) VALUES ('integrity-check', 1)", [])
        .expect("the word index matches the ads");
    assert!(find("catalog", "\"hitachi\"") > 0);
    // Each section's search index holds each of its ads once, with its filters as the triggers
    // write them (it keeps no content to check itself against: FTS5 checks its structure).
    // So does its titles' index (migration 27).
    for section in ["catalog", "parts", "repair"] {
        for t in [format!("ads_find_{section}"), format!("ads_find_title_{section}")] {
            conn.execute(&format!("INSERT INTO {t} ({t}, rank) VALUES ('integrity-check', 1)"), [])
                .expect("fts integrity");
            assert_eq!(
                count(&conn, &format!("SELECT count(*) FROM {t}")),
                count(&conn, &format!("SELECT count(*) FROM ads WHERE section = '{section}'")),
                "{t}"
            );
        }
    }
    let titled = |section: &str, query: &str| {
        let t = format!("ads_find_title_{section}");
        count(&conn, &format!("SELECT count(*) FROM {t} WHERE {t} MATCH '{query}'"))
    };
    // the titles' index finds what the section's finds in its titles
    for query in
        ["title : \"экскаватор\" AND tags : scatalog", "title : \"экскаватор\" AND tags : krent"]
    {
        assert!(titled("catalog", query) > 0, "{query}");
        assert_eq!(titled("catalog", query), find("catalog", query), "{query}");
    }
    // a price's bands (migration 26): the decade of a day's price in US cents
    assert_eq!(
        find("catalog", "tags : pd7"),
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE section = 'catalog' \
             AND price_day_usd_cents BETWEEN 1000000 AND 9999999"
        )
    );
    assert!(find("catalog", "tags : pd7") > 0);
    for (section, tag, filter) in [
        ("parts", "sparts", "section = 'parts' AND is_active = 1"),
        ("parts", "hparts", "section = 'parts' AND is_active = 0"),
        ("parts", "spartscuz", "section = 'parts' AND country = 'uz' AND is_active = 1"),
        ("catalog", "krent", "kind = 'rent'"),
        ("repair", "cuz", "section = 'repair' AND country = 'uz'"),
    ] {
        assert_eq!(
            find(section, &format!("tags : {tag}")),
            count(&conn, &format!("SELECT count(*) FROM ads WHERE {filter}")),
            "{tag}"
        );
    }
    // the bulk insert's big pending-terms buffer is not left to the server's writes
    let tables = [
        "ads_find_catalog",
        "ads_find_parts",
        "ads_find_repair",
        "ads_find_title_catalog",
        "ads_find_title_parts",
        "ads_find_title_repair",
        "ads_words",
    ];
    for table in tables {
        let sql =
            format!("SELECT count(*) FROM {table}_config WHERE k = 'hashsize' AND v = 1048576");
        assert_eq!(count(&conn, &sql), 1, "{table}");
    }
    // And the restored triggers work for ads added later.
    conn.execute_batch(
        "INSERT INTO ads (owner_id, kind, title, slug, country, city, currency, created_at, updated_at, bumped_at)
         VALUES (1, 'sale', 'Уникальныйзаголовок', 'u-1', 'kz', 'Алматы', 'KZT', 0, 0, 0)",
    )
    .expect("insert");
    assert_eq!(find("catalog", "\"уникальныйзаголовок\""), 1);
    // the counts of places, types and brands (migration 33) are the listed ads', after a second
    // seed adds to them too
    run(&mut conn, 5, 120, 6);
    let facets = "SELECT section, country, city, equipment_type, brand, kind, n FROM ad_facets \
                  WHERE n != 0";
    let listed = "SELECT section, country, city, coalesce(equipment_type, ''), \
                  lower(coalesce(brand, '')), kind, count(*) FROM ads WHERE is_active = 1 \
                  GROUP BY 1, 2, 3, 4, 5, 6";
    for (a, b) in [(facets, listed), (listed, facets)] {
        assert_eq!(count(&conn, &format!("SELECT count(*) FROM ({a} EXCEPT {b})")), 0, "{a}");
    }
    assert!(count(&conn, "SELECT count(*) FROM ad_facets") > 20);
    let ok: String = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .unwrap_or_else(|_| "ok".into());
    assert_eq!(ok, "ok");
}

#[test]
fn small_demo_has_promotions_badges_photos_and_chats() {
    let mut conn = fresh();
    let report = run(&mut conn, 30, 300, 42);
    let now = crate::db::now();
    for (plan, rank) in [("gold", 1), ("premium", 2), ("vip", 3)] {
        let valid: i64 = conn
            .query_row(
                "SELECT count(*) FROM ads WHERE plan = ?1 AND plan_rank = ?2 AND plan_until > ?3
                 AND plan_started_at <= ?3 AND is_active = 1 AND kind IN ('rent', 'sale')",
                params![plan, rank, now],
                |r| r.get(0),
            )
            .expect("plan");
        assert!(valid >= 3, "{plan}: {valid}");
    }
    let fresh_gold: i64 = conn
        .query_row(
            "SELECT count(*) FROM ads WHERE plan = 'gold' AND plan_started_at > ?1",
            [now - 12 * 3600],
            |r| r.get(0),
        )
        .expect("gold");
    assert!(fresh_gold >= 2, "{fresh_gold}");
    assert!(
        count(
            &conn,
            &format!("SELECT count(*) FROM ads WHERE plan IS NOT NULL AND plan_until < {now}")
        ) >= 1
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE plan = 'gold' AND plan_until - plan_started_at != 3 * 86400"
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE plan = 'vip' AND plan_until - plan_started_at != 30 * 86400"
        ),
        0
    );
    assert!(count(&conn, &format!("SELECT count(*) FROM users WHERE badge_until > {now}")) >= 2);
    assert!(count(&conn, &format!("SELECT count(*) FROM users WHERE badge_until < {now}")) >= 1);
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE bumped_at < created_at OR bumped_at > strftime('%s','now') + 5"
        ),
        0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads a JOIN users u ON u.id = a.owner_id WHERE a.created_at < u.created_at"
        ),
        0
    );
    // Photos: every catalog ad has a main photo on disk.
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM ads WHERE kind IN ('rent','sale') AND id NOT IN (SELECT ad_id FROM ad_photos WHERE position = 0)"
        ),
        0
    );
    assert_eq!(i64::from(report.photos), count(&conn, "SELECT count(*) FROM ad_photos"));
    let dir = std::env::temp_dir().join("uzmat-seed-test-uploads");
    for path in strings(&conn, "SELECT DISTINCT path FROM ad_photos") {
        let bytes = std::fs::read(dir.join(&path)).expect(&path);
        let img = image::load_from_memory(&bytes).expect("jpeg");
        assert_eq!((img.width(), img.height()), (640, 480));
    }
    // Chats: buyer is never the seller, the seller owns the ad, and some are unread.
    assert_eq!(report.threads, 15);
    assert_eq!(i64::from(report.messages), count(&conn, "SELECT count(*) FROM chat_messages"));
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM chat_threads t JOIN ads a ON a.id = t.ad_id WHERE t.buyer_id = t.seller_id OR a.owner_id != t.seller_id"
        ),
        0
    );
    assert!(
        count(
            &conn,
            "SELECT count(*) FROM chat_reads r JOIN chat_threads t ON t.id = r.thread_id WHERE r.last_read_id < (SELECT max(id) FROM chat_messages m WHERE m.thread_id = t.id)"
        ) > 0
    );
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM chat_threads t WHERE last_message_at != (SELECT max(created_at) FROM chat_messages m WHERE m.thread_id = t.id)"
        ),
        0
    );
    // each user's unread count (the header's badge) sums their threads'
    assert_eq!(
        count(
            &conn,
            "SELECT count(*) FROM users u WHERE chat_unread != coalesce((SELECT sum(unread) FROM chat_reads r WHERE r.user_id = u.id), 0)"
        ),
        0
    );
    assert!(count(&conn, "SELECT count(*) FROM users WHERE chat_unread > 0") > 0);
}

/// `cargo test --release -- --ignored --nocapture bench_100k`
#[test]
#[ignore = "timing run; use --release"]
fn bench_100k() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bench.db");
    let mut conn = Connection::open(&path).expect("open");
    crate::db::apply_pragmas(&conn, 5000, crate::config::Synchronous::Normal).expect("pragmas");
    crate::db::migrate(&mut conn).expect("migrate");
    let opts = SeedOptions { users: 0, ads: 100_000, seed: 1, progress: true };
    let report =
        super::seed(&mut conn, dir.path(), &CurrencyConfig::default(), &opts).expect("seed");
    eprintln!("{report:?}");
    assert!(report.elapsed < Duration::from_secs(20));
}

#[test]
fn data_covers_every_equipment_type() {
    let names: Vec<&str> = data::EQUIPMENT.iter().map(|e| e.name).collect();
    assert_eq!(names, crate::domain::geo::EQUIPMENT_TYPES);
}

#[test]
fn every_demo_user_has_confirmed_their_email() {
    let mut conn = fresh();
    run(&mut conn, 40, 100, 3);
    assert!(count(&conn, "SELECT count(*) FROM users") >= 40);
    assert_eq!(count(&conn, "SELECT count(*) FROM users WHERE email_verified_at IS NULL"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM ads WHERE awaiting_email = 1"), 0);
}

/// What the demo photos hash to: 78 drawings, no two within the threshold of each other (the
/// nearest pair 7 bits apart), but each is shared by many seeded ads of many sellers (about
/// 1,300 ads each in the benchmark's 100,000). Hashed, every seeded ad would look like a copy of
/// others', and each lookup would meet those thousands as candidates; so demo art is never
/// hashed (the photo job never runs for it), and an upload of a demo picture matches nothing.
#[test]
fn demo_photos_are_never_hashed_so_seeded_ads_are_never_flagged() {
    use crate::domain::photos::{SIMILAR_BITS, dhash, distance, is_distinctive};
    let dir = tempfile::tempdir().expect("tempdir");
    let mut conn = fresh();
    let opts = SeedOptions { users: 30, ads: 400, seed: 3, progress: false };
    super::seed(&mut conn, dir.path(), &CurrencyConfig::default(), &opts).expect("seed");
    let pool = PhotoPool::new();
    let hashes: Vec<u64> = pool
        .jobs
        .iter()
        .map(|(path, _)| dhash(&image::open(dir.path().join(path)).expect("drawn")))
        .collect();
    assert!(hashes.iter().all(|h| is_distinctive(*h)), "drawings are not plain pictures");
    let mut nearest = u32::MAX;
    for (i, a) in hashes.iter().enumerate() {
        for b in &hashes[i + 1..] {
            nearest = nearest.min(distance(*a, *b));
        }
    }
    assert!(nearest > SIMILAR_BITS, "two different drawings look alike: {nearest} bits");

    assert_eq!(count(&conn, "SELECT count(*) FROM ad_photos WHERE phash IS NOT NULL"), 0);
    let seller: i64 = count(&conn, "SELECT max(id) FROM users") + 1;
    for h in &hashes {
        let near =
            crate::domain::ads::duplicates::near(&conn, crate::domain::ids::UserId(seller), *h)
                .expect("lookup");
        assert!(near.is_empty(), "a demo picture matched seeded ads: {near:?}");
    }
    assert_eq!(count(&conn, "SELECT count(*) FROM flags"), 0);
    assert_eq!(count(&conn, "SELECT count(*) FROM photo_matches"), 0);
}
