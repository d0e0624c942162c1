//! `/my/stats` in a real browser: the views chart and the per-ad sparklines drawn at desktop and
//! phone widths in both themes, in the theme's colours, without horizontal scrolling; the
//! screenshots go to `target/screenshots/stats-*.png`.

use serde_json::json;

use uzmat::domain::stats::{DAYS, day_of};

use crate::support::browser::should_run;
use crate::support::build;
use crate::support::pages::{full_page_shot, shots_dir, signed_in, text, wait_text};
use crate::support::spawn_app;

#[test]
fn the_stats_page_draws_its_charts_at_both_widths_in_both_themes() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let (owner, crane) = {
        let mut db = app.db();
        let mut crane = 0;
        let owner = build::user(&db, "Ерлан Продавец", None);
        let buyer = build::user(&db, "Покупатель", None);
        let today = day_of(uzmat::db::now());
        let titles = [
            "Автокран Ивановец КС-45717, 25 тонн, стрела 28 м",
            "Экскаватор-погрузчик JCB 3CX",
            "Бульдозер Shantui SD16",
        ];
        for (n, title) in titles.iter().enumerate() {
            let ad = build::Ad::new(owner, title, 100 + n as i64).insert(&db);
            if n == 0 {
                crane = ad;
            }
            // a weekly rhythm that grows, different for each ad, with quiet days
            for i in 0..DAYS {
                let day = today - DAYS + 1 + i;
                let views = (i / 6 + (i % 7) * 2) / (n as i64 + 1) - 2;
                if views > 0 {
                    db.execute(
                        "INSERT INTO ad_views_daily (day, ad_id, views) VALUES (?1, ?2, ?3)",
                        (day, ad, views),
                    )
                    .expect("day");
                }
            }
            // all-time views: the window's and some from before it
            db.execute(
                "UPDATE ads SET views_count = 40 + (SELECT sum(views) FROM ad_views_daily WHERE ad_id = ?1) WHERE id = ?1",
                [ad],
            )
            .expect("views");
            if n == 0 {
                db.execute(
                    "INSERT INTO favorites (user_id, ad_id, created_at) VALUES (?1, ?2, 0)",
                    [buyer, ad],
                )
                .expect("favorite");
                build::chat_thread(&mut db, ad, buyer);
                db.execute("UPDATE ads SET phone_reveals = 12 WHERE id = ?1", [ad])
                    .expect("reveals");
            }
        }
        (owner, crane)
    };
    let [b] = signed_in(&app, [owner], 1366, 900);
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).expect("shots dir");
    for (w, h) in [(1366, 900), (390, 844)] {
        b.set_window_size(w, h).expect("size");
        for theme in ["dark", "light"] {
            b.set_cookie("theme", theme, false).expect("theme");
            b.goto(&app.url("/my/stats")).expect("stats");
            assert_eq!(b.attr("html", "data-theme").expect("attr").as_deref(), Some(theme));
            assert!(
                !b.has_horizontal_overflow().expect("overflow"),
                "/my/stats at {w} px, {theme}"
            );
            assert!(text(&b, "h1").contains("Статистика"));
            // the big chart spans the panel and is tall enough to read; its bars in the accent
            // colour, today's in the "ok" colour; each sparkline as wide as its card
            let measured = b
                .eval(
                    "const svg = document.getElementById('views-chart');\
                     const r = svg.getBoundingClientRect();\
                     const panel = document.getElementById('stats-total').getBoundingClientRect();\
                     const bar = getComputedStyle(svg.querySelector('rect.bar:not(.today)')).fill;\
                     const sparks = Array.from(document.querySelectorAll('.stat-ad')).map(a => {\
                       const s = a.querySelector('svg.spark').getBoundingClientRect();\
                       return [Math.round(s.width), Math.round(a.getBoundingClientRect().width), Math.round(s.height)];\
                     });\
                     return [Math.round(r.width), Math.round(r.height), Math.round(panel.width), bar,\
                             svg.querySelectorAll('rect.bar').length, sparks];",
                )
                .expect("measure");
            let (width, height, panel) = (
                measured[0].as_i64().unwrap_or(0),
                measured[1].as_i64().unwrap_or(0),
                measured[2].as_i64().unwrap_or(0),
            );
            assert!(width >= panel - 40 && width > 300, "chart {width} of {panel} px at {w}");
            assert!(height >= 150, "chart height {height} at {w}");
            assert_eq!(measured[3], json!("rgb(245, 179, 1)"), "bars in the accent colour");
            assert!(measured[4].as_i64().unwrap_or(0) > 60, "a bar for most days: {measured}");
            let sparks = measured[5].as_array().expect("sparks");
            assert_eq!(sparks.len(), 3);
            for s in sparks {
                let (sw, card, sh) = (
                    s[0].as_i64().unwrap_or(0),
                    s[1].as_i64().unwrap_or(0),
                    s[2].as_i64().unwrap_or(0),
                );
                assert!(sw >= card - 30 && sh >= 30, "sparkline {s} at {w}");
            }
            full_page_shot(&b, &dir.join(format!("stats-{w}-{theme}.png")), (w, h));
        }
    }
    // the numbers behind the chart are one click away, in a table
    b.set_window_size(1366, 900).expect("size");
    b.goto(&app.url("/my/stats")).expect("stats");
    assert!(!b.is_displayed("#days-table").expect("hidden"), "folded by default");
    b.click(".stat-table summary").expect("open");
    assert!(b.is_displayed("#days-table").expect("shown"));
    assert_eq!(b.count("#days-table tbody tr").expect("rows"), DAYS as usize);
    full_page_shot(&b, &dir.join("stats-table-1366-light.png"), (1366, 900));
    // one ad's page
    b.click(&format!(".stat-ad h3 a[href=\"/my/stats?ad={crane}\"]")).expect("one ad");
    wait_text(&b, "h1", "Автокран");
    b.set_window_size(390, 844).expect("size");
    assert!(!b.has_horizontal_overflow().expect("overflow"));
    full_page_shot(&b, &dir.join("stats-ad-390-light.png"), (390, 844));
}
