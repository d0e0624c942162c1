//! Seller statistics (issue 16): views through the real job land in `ad_views_daily` on the day
//! they happened; `/my/stats` shows them with favorites, chats and phone reveals, to the owner
//! only; days out of the 90-day window are pruned by a job.

use std::net::IpAddr;

use uzmat::domain::stats::{DAYS, day_of};
use uzmat::jobs::{Job, View};

use crate::support::build::{Ad, chat_thread, session, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app};

fn daily(app: &TestApp, ad: i64) -> Vec<(i64, i64)> {
    app.db()
        .prepare("SELECT day, views FROM ad_views_daily WHERE ad_id = ?1 ORDER BY day")
        .expect("prepare")
        .query_map([ad], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn number(s: &str) -> i64 {
    s.chars().filter(char::is_ascii_digit).collect::<String>().parse().expect("a number")
}

#[test]
fn views_land_on_their_day_and_the_page_shows_every_number() {
    let app = spawn_app();
    let mut db = app.db();
    let owner = user(&db, "Ерлан Продавец", None);
    let buyer = user(&db, "Покупатель", None);
    let crane = Ad::new(owner, "Автокран Ивановец 25 т", 10).insert(&db);
    let loader = Ad::new(owner, "Погрузчик XCMG", 20).insert(&db);
    let theirs = Ad::new(buyer, "Чужой экскаватор", 30).insert(&db);
    let now = uzmat::db::now();
    let today = day_of(now);

    // three browsers today through the ad page (a repeat, the owner and a bot do not count)
    let path = format!("/ad/{crane}-ad-{crane}");
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.3"] {
        assert_eq!(app.get_with(&path, &[("x-forwarded-for", ip)]).status, 200);
    }
    app.get_with(&path, &[("x-forwarded-for", "203.0.113.9"), ("cookie", &session(&db, owner))]);
    app.get_with(&path, &[("x-forwarded-for", "203.0.113.8"), ("user-agent", "Googlebot/2.1")]);
    app.get_with(&format!("/ad/{theirs}-ad-{theirs}"), &[("x-forwarded-for", "203.0.113.1")]);
    // two views three days ago and one of the loader's yesterday, through the same job
    let at = now - 3 * 86_400;
    for (ad, ip, at) in [(crane, 1, at), (crane, 2, at), (loader, 3, now - 86_400)] {
        let client = IpAddr::from([198, 51, 100, ip]);
        app.state.jobs.enqueue(Job::View(View { ad_id: uzmat::domain::ids::AdId(ad), client, at }));
    }
    app.drain();
    assert!(daily(&app, crane).is_empty(), "nothing folded yet");
    app.state.jobs.enqueue(Job::FoldViews);
    app.drain();
    assert_eq!(daily(&app, crane), vec![(day_of(at), 2), (today, 3)]);
    assert_eq!(daily(&app, loader), vec![(today - 1, 1)]);
    let pending: i64 =
        db.query_row("SELECT count(*) FROM ad_views_pending", [], |r| r.get(0)).expect("n");
    assert_eq!(pending, 0, "the tally is emptied by the fold");

    // one more visitor: their view waits in the tally (the page counts it already), and they
    // ask for the phone number
    let visitor = Client::from_ip(&app, "203.0.113.50");
    visitor.get(&path);
    assert_eq!(visitor.post(&format!("/ad/{crane}/phone"), &[]).status, 200);
    // a favorite and two chats
    db.execute(
        "INSERT INTO favorites (user_id, ad_id, created_at) VALUES (?1, ?2, 0)",
        [buyer, crane],
    )
    .expect("favorite");
    chat_thread(&mut db, crane, buyer);
    let third = user(&db, "Ещё покупатель", None);
    chat_thread(&mut db, crane, third);
    app.drain();

    let c = Client::signed_in(&app, owner);
    let page = c.get("/my/stats");
    assert_eq!(page.status, 200);
    let sums = |id: &str| number(&page.one(&format!("#{id}")).text);
    assert_eq!(sums("sum-window"), 7, "the crane's 3 + 2 + 1 pending and the loader's 1");
    assert_eq!((sums("sum-favorites"), sums("sum-chats"), sums("sum-phones")), (1, 2, 1));
    let crane_block = format!(".stat-ad[data-ad-id=\"{crane}\"]");
    let field = |css: &str| number(&page.one(&format!("{crane_block} {css}")).text);
    assert_eq!(field(".views-window"), 6);
    assert_eq!(field(".views-total"), 6, "what the ad page shows");
    assert_eq!((field(".favorites"), field(".chats"), field(".phones")), (1, 2, 1));
    assert_eq!(page.count(".stat-ad"), 2, "the owner's two ads, not the other seller's");
    assert!(!page.body.contains("Чужой экскаватор"));
    // the days table under the chart: today 4 (the crane's 3 + 1), yesterday 1, three days ago 2
    let day = |d: i64| number(&page.one(&format!("#days-table tr[data-day=\"{d}\"] td.num")).text);
    assert_eq!((day(today), day(today - 1), day(today - 2), day(today - 3)), (4, 1, 0, 2));
    assert_eq!(page.count("#days-table tbody tr"), DAYS as usize);
    // the chart: a bar for each day with views, today's the tallest, summed up in its title
    let bars = page.select("#views-chart rect.bar");
    assert_eq!(bars.len(), 3);
    assert_eq!(page.one("#views-chart rect.bar.today").attr("data-views"), Some("4"));
    assert!(page.one("#views-chart-title").text.contains('7'), "the title says the total");
    assert_eq!(page.one("#views-chart").attr("role"), Some("img"));

    // one ad
    let one = c.get(&format!("/my/stats?ad={crane}"));
    assert_eq!(one.status, 200);
    assert_eq!(number(&one.one("#sum-window").text), 6);
    assert_eq!(one.count(".stat-ad"), 0, "one ad: its chart, no list");
    assert_eq!(one.one("#open-ad").attr("href"), Some(path.as_str()));
    // the links that lead here
    assert_eq!(c.get("/my/ads").one("#my-stats").attr("href"), Some("/my/stats"));
    assert!(page.select(".user-menu a").iter().any(|a| a.attr("href") == Some("/my/stats")));
}

#[test]
fn another_users_ad_is_not_there_and_bad_input_is_refused() {
    let app = spawn_app();
    let db = app.db();
    let owner = user(&db, "Владелец", None);
    let other = user(&db, "Другой", None);
    let mine = Ad::new(owner, "Мой кран", 10).insert(&db);
    let theirs = Ad::new(other, "Чужой кран", 10).insert(&db);
    db.execute("UPDATE ads SET deleted_at = 1, is_active = 0 WHERE id = ?1", [theirs])
        .expect("deleted");
    let deleted_mine = Ad::new(owner, "Удалённый", 10).insert(&db);
    db.execute("UPDATE ads SET deleted_at = 1, is_active = 0 WHERE id = ?1", [deleted_mine])
        .expect("deleted");
    let c = Client::signed_in(&app, owner);
    assert_eq!(c.get(&format!("/my/stats?ad={mine}")).status, 200);
    let live_theirs = Ad::new(other, "Чужой живой кран", 10).insert(&db);
    for ad in [live_theirs, theirs, deleted_mine, 999_999, 0, -3] {
        let r = c.get(&format!("/my/stats?ad={ad}"));
        assert_eq!(r.status, 404, "ad {ad}");
    }
    for bad in ["abc", "", "1.5", "99999999999999999999"] {
        let r = c.get(&format!("/my/stats?ad={bad}"));
        assert_eq!(r.status, 400, "?ad={bad}: {}", r.body.chars().take(300).collect::<String>());
    }
    // the deleted ad is not in the list either
    let page = c.get("/my/stats");
    assert_eq!(page.count(".stat-ad"), 1);
    // a user without ads is told so; an anonymous visitor is sent to sign in
    let others = Client::signed_in(&app, other).get("/my/stats");
    assert_eq!(others.status, 200);
    assert_eq!(others.count(".stat-ad"), 1, "the other user's live ad only");
    let nobody = user(&db, "Без объявлений", None);
    assert_eq!(Client::signed_in(&app, nobody).get("/my/stats").count("#no-ads"), 1);
    assert_eq!(Client::new(&app).get("/my/stats").status, 303);
}

#[test]
fn days_out_of_the_window_are_pruned_by_the_job() {
    let app = spawn_app();
    let db = app.db();
    let owner = user(&db, "Владелец", None);
    let ad = Ad::new(owner, "Кран", 10).insert(&db);
    let today = day_of(uzmat::db::now());
    let first = today - DAYS + 1;
    for (day, views) in [(first - 30, 9), (first - 1, 5), (first, 3), (today, 1)] {
        db.execute(
            "INSERT INTO ad_views_daily (day, ad_id, views) VALUES (?1, ?2, ?3)",
            (day, ad, views),
        )
        .expect("day");
    }
    // the page reads the window only, whatever the table still holds
    let c = Client::signed_in(&app, owner);
    assert_eq!(number(&c.get("/my/stats").one("#sum-window").text), 4);
    app.state.jobs.enqueue(Job::PruneViewDays);
    app.drain();
    assert_eq!(daily(&app, ad), vec![(first, 3), (today, 1)]);
    assert_eq!(number(&c.get("/my/stats").one("#sum-window").text), 4);
}
