//! Headless Chromium, prices in any currency (issue 16): a listing filtered in sum shows each
//! price converted into sum under its own and its dollar estimate, and so does the ad page it
//! links to; the staff dashboard's rates table. At 1366 and 390 px in both themes, without
//! horizontal scrolling; screenshots in `target/screenshots/rates-*.png`.

use crate::rates::{Answer, Feed, GOOD, spawn_fed};
use crate::support::browser::should_run;
use crate::support::build::Ad;
use crate::support::pages::{
    full_page_shot, no_console_errors, shots_dir, signed_in, staff, text, wait_text,
};

#[test]
fn prices_in_the_filter_currency_and_the_rates_table_look_right() {
    if !should_run() {
        return;
    }
    let feed = Feed::start(Answer::json(GOOD));
    let app = spawn_fed(&feed);
    let moderator = staff(&app, "Модератор");
    let crane = {
        let db = app.db();
        let owner = crate::support::build::user(&db, "Ерлан Продавец", None);
        let ads = [
            (
                "Автокран Ивановец КС-45717, 25 тонн, стрела 28 м",
                "kz",
                "Алматы",
                "KZT",
                4_500_000_000,
                9_000_000,
            ),
            (
                "Экскаватор-погрузчик JCB 3CX, 2019 год",
                "ru",
                "Москва",
                "RUB",
                650_000_000,
                7_222_200,
            ),
            ("Бульдозер Shantui SD16 после ремонта", "by", "Минск", "BYN", 18_000_000, 5_625_000),
            ("Фронтальный погрузчик SDLG L956F", "uz", "Ташкент", "UZS", 52_000_000_000, 5_200_000),
            ("Каток дорожный XCMG XS143J", "kz", "Астана", "USD", 3_100_000, 3_100_000),
        ];
        let mut first = 0;
        for (n, (title, country, city, currency, minor, usd)) in ads.into_iter().enumerate() {
            let mut ad = Ad::new(owner, title, 100 + n as i64);
            (ad.country, ad.city, ad.currency) = (country, city, currency);
            (ad.price_minor, ad.price_usd_cents) = (Some(minor), Some(usd));
            let id = ad.insert(&db);
            if currency == "UZS" {
                // a month's rent in sum: the longest price a card shows
                db.execute(
                    "UPDATE ads SET kind = 'rent', price_unit = 'month' WHERE id = ?1",
                    [id],
                )
                .expect("a rent");
            }
            if n == 0 {
                first = id;
            }
        }
        first
    };
    let [b] = signed_in(&app, [moderator], 1366, 900);
    let dir = shots_dir();
    std::fs::create_dir_all(&dir).expect("shots dir");
    for (w, h) in [(1366, 900), (390, 844)] {
        b.set_window_size(w, h).expect("size");
        for theme in ["dark", "light"] {
            b.set_cookie("theme", theme, false).expect("theme");
            b.goto(&app.url("/catalog?country=all&currency=UZS")).expect("listing");
            wait_text(&b, "#result-count", "5");
            assert!(!b.has_horizontal_overflow().expect("overflow"), "listing at {w} px, {theme}");
            // every card but the sum ad's says its price in sum, on a line of its own
            assert_eq!(b.count(".card .also-in").expect("count"), 4);
            let crane_card = format!("article[data-ad-id=\"{crane}\"]");
            assert_eq!(text(&b, &format!("{crane_card} .also-in")), "≈ 900 000 000 сум");
            let lines = b
                .eval(&format!(
                    "const c = document.querySelector('{crane_card}');\
                     const a = c.querySelector('.amount').getBoundingClientRect();\
                     const x = c.querySelector('.also-in').getBoundingClientRect();\
                     const card = c.getBoundingClientRect();\
                     return [x.top >= a.bottom - 1, x.right <= card.right + 0.5];"
                ))
                .expect("measure");
            assert_eq!(lines, serde_json::json!([true, true]), "at {w} px, {theme}");
            // a long price breaks between its number and currency, inside its card
            let fits = b
                .eval(
                    "return [...document.querySelectorAll('.card')].every(c => \
                     c.querySelector('.amount').getBoundingClientRect().right \
                     <= c.getBoundingClientRect().right + 0.5);",
                )
                .expect("measure");
            assert_eq!(fits, serde_json::json!(true), "a price past its card at {w} px, {theme}");
            full_page_shot(&b, &dir.join(format!("rates-listing-uzs-{w}-{theme}.png")), (w, h));
        }
        b.click(&format!("article[data-ad-id=\"{crane}\"] a.card-link")).expect("open the ad");
        wait_text(&b, "#price-also", "900 000 000 сум");
        assert!(!b.has_horizontal_overflow().expect("overflow"), "ad page at {w} px");
        full_page_shot(&b, &dir.join(format!("rates-ad-uzs-{w}-light.png")), (w, h));
        b.goto(&app.url("/admin")).expect("dashboard");
        wait_text(&b, "#rates-title", "Курсы валют");
        assert_eq!(b.count("#rates tbody tr").expect("rows"), 4);
        assert!(!b.has_horizontal_overflow().expect("overflow"), "dashboard at {w} px");
        b.eval("document.getElementById('rates').scrollIntoView();").expect("scroll");
        b.screenshot(&dir.join(format!("rates-admin-{w}-light.png"))).expect("shot");
    }
    no_console_errors(&b, "staff");
}
