//! Keyboard only (issue 16, WCAG 2.2 AA): headless Chromium driven by keys alone — Tab,
//! Shift+Tab, Enter, Space and the arrows through the W3C Actions API, text typed into the
//! focused element; no `.click()`. A seller posts a rent ad (an error first, then the fix), a
//! buyer favorites an ad and writes to its seller, a phone opens the folded header and the
//! filters, every Tab stop of the busiest pages shows a focus ring, and the skip link is the
//! first stop of each page and lands in `main`.

use crate::support::browser::{Browser, keys, should_run};
use crate::support::pages::{SLOW, plain, shots_dir, signed_in, wait_for};
use crate::support::{TestApp, build, seeded_app, spawn_app};

/// Presses Tab until the focus is on `css`; panics with the stops visited when it never is.
fn tab_to(b: &Browser, css: &str, limit: usize) {
    let mut seen = Vec::new();
    for _ in 0..limit {
        b.press(keys::TAB).expect("Tab");
        if b.focus_is(css).expect("focus") {
            return;
        }
        seen.push(b.focused().expect("focused"));
    }
    panic!("{limit} Tabs never reached `{css}`; stops: {seen:?}");
}

/// Like [`tab_to`], backwards with Shift+Tab.
fn shift_tab_to(b: &Browser, css: &str, limit: usize) {
    let mut seen = Vec::new();
    for _ in 0..limit {
        b.press_with(keys::SHIFT, keys::TAB).expect("Shift+Tab");
        if b.focus_is(css).expect("focus") {
            return;
        }
        seen.push(b.focused().expect("focused"));
    }
    panic!("{limit} Shift+Tabs never reached `{css}`; stops: {seen:?}");
}

/// Types into the focused element, one key at a time (a select's type-ahead needs keys).
fn keys_typed(b: &Browser, text: &str) {
    for c in text.chars() {
        b.press(&c.to_string()).expect("a key");
    }
}

/// Presses ArrowDown on the focused select until its value is `value`.
fn arrow_to(b: &Browser, value: &str) {
    for _ in 0..40 {
        if b.eval("return document.activeElement.value;").expect("value") == value {
            return;
        }
        b.press(keys::DOWN).expect("ArrowDown");
    }
    panic!("ArrowDown on {} never chose «{value}»", b.focused().unwrap_or_default());
}

fn focused_value(b: &Browser) -> String {
    b.eval("return document.activeElement.value;")
        .expect("value")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn wait_url(b: &Browser, part: &str) {
    let ok = wait_for(SLOW, || b.current_url().is_ok_and(|u| u.contains(part)));
    assert!(ok, "never reached a URL with {part}: at {}", b.current_url().unwrap_or_default());
}

/// Whether the element matching `css` is rendered (not `display: none` anywhere up).
fn shown(b: &Browser, css: &str) -> bool {
    b.eval_with(
        "const e = document.querySelector(arguments[0]); return !!e && e.getClientRects().length > 0;",
        &[serde_json::json!(css)],
    )
    .expect("shown")
        == serde_json::Value::Bool(true)
}

#[test]
fn a_seller_posts_a_rent_ad_with_the_keyboard_alone_fixing_the_error_it_is_shown() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let seller = build::user(&app.db(), "Продавец", None);
    let [b] = signed_in(&app, [seller], 1366, 900);
    b.goto(&app.url("/")).expect("home");

    tab_to(&b, "#post-ad-link", 30);
    b.press(keys::ENTER).expect("Enter on «Подать объявление»");
    wait_url(&b, "/ads/new");
    tab_to(&b, "a.kind-option[data-kind=rent]", 30);
    b.press(keys::ENTER).expect("Enter on «Аренда»");
    wait_url(&b, "kind=rent");

    // every required field filled by tabbing to it and typing, but the brand; no photos: a
    // file chooser cannot be driven headlessly (the photo tests in browser_ads.rs cover them)
    tab_to(&b, "#f-title", 40);
    b.type_focused("Аренда автокрана Ивановец 25 т").expect("title");
    tab_to(&b, "#f-equipment_type", 3);
    arrow_to(&b, "автокран");
    tab_to(&b, "#f-price", 12);
    b.type_focused("20000").expect("price");
    tab_to(&b, "#f-currency", 2);
    arrow_to(&b, "KZT");
    b.press(keys::TAB).expect("Tab");
    assert!(b.focus_is("#f-price_unit").expect("focus"), "at {}", b.focused().unwrap_or_default());
    arrow_to(&b, "day");
    b.press(keys::TAB).expect("Tab");
    assert!(b.focus_is("#f-country").expect("focus"), "at {}", b.focused().unwrap_or_default());
    // a select's type-ahead: «Ка» is Казахстан; the script then fills the city list
    keys_typed(&b, "Ка");
    assert_eq!(focused_value(&b), "kz", "type-ahead chose Kazakhstan");
    b.press(keys::TAB).expect("Tab");
    assert!(b.focus_is("#f-city").expect("focus"), "at {}", b.focused().unwrap_or_default());
    arrow_to(&b, "Алматы");
    tab_to(&b, "#f-phone", 3);
    b.type_focused("+7 701 555 44 33").expect("phone");
    b.press(keys::ENTER).expect("Enter sends the form");

    // back with the error: announced, linked to the field, and the focus on that field
    let back = wait_for(SLOW, || b.count_now(".form-error").unwrap_or(0) > 0);
    assert!(back, "no error summary at {}", b.current_url().unwrap_or_default());
    assert_eq!(b.attr(".form-error", "role").expect("role").as_deref(), Some("alert"));
    assert!(b.focus_is("#f-brand").expect("focus"), "focus on {}", b.focused().unwrap_or_default());
    // headless Chromium gives a page that came from a form post no window focus until the next
    // key (a person's window has it): a lone Shift, then the field shows its ring
    b.press(keys::SHIFT).expect("Shift");
    let ring = b
        .eval(
            "const e = document.activeElement, s = getComputedStyle(e);\
             return e.matches(':focus-visible') && s.outlineStyle !== 'none'\
                 && parseFloat(s.outlineWidth) >= 2;",
        )
        .expect("ring");
    assert_eq!(ring, serde_json::Value::Bool(true), "the field in error shows the focus");
    b.screenshot(&shots_dir().join("keyboard-form-error.png")).expect("shot");
    assert_eq!(b.attr("#f-brand", "aria-invalid").expect("invalid").as_deref(), Some("true"));
    let described = b.attr("#f-brand", "aria-describedby").expect("describedby");
    assert_eq!(described.as_deref(), Some("f-brand-error"));
    assert!(!plain(&b.text("#f-brand-error").expect("error text")).is_empty());
    assert_eq!(b.count_now("[aria-invalid=true]").expect("count"), 1, "only the brand");
    // what was typed came back
    assert_eq!(b.prop("#f-title", "value").expect("title"), "Аренда автокрана Ивановец 25 т");
    assert_eq!(b.prop("#f-city", "value").expect("city"), "Алматы");

    b.type_focused("Ивановец").expect("brand");
    b.press(keys::ENTER).expect("Enter publishes");
    wait_url(&b, "/ad/");
    let ad: (String, String, String, String, String, i64) = app
        .db()
        .query_row(
            "SELECT kind, brand, equipment_type, city, price_unit, is_active FROM ads WHERE owner_id = ?1",
            [seller],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .expect("the one ad");
    assert_eq!(
        ad,
        ("rent".into(), "Ивановец".into(), "автокран".into(), "Алматы".into(), "day".into(), 1)
    );
}

#[test]
fn a_buyer_favorites_an_ad_and_writes_to_its_seller_with_the_keyboard_alone() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let db = app.db();
    let seller = build::user(&db, "Продавец", None);
    let buyer = build::user(&db, "Покупатель", None);
    let ad = build::Ad::new(seller, "Экскаватор Hitachi ZX200", 0).insert(&db);
    drop(db);
    let [b] = signed_in(&app, [buyer], 1366, 900);
    b.goto(&app.url(&format!("/ad/{ad}"))).expect("ad page");

    let heart = ".ad-actions .fav-btn";
    tab_to(&b, heart, 40);
    let pressed = |want: &str| {
        wait_for(SLOW, || b.attr(heart, "aria-pressed").ok().flatten().as_deref() == Some(want))
    };
    assert!(pressed("false"));
    b.press(keys::ENTER).expect("Enter on the heart");
    assert!(pressed("true"), "Enter favorites");
    let favorites = || -> i64 {
        app.db()
            .query_row("SELECT count(*) FROM favorites WHERE user_id = ?1", [buyer], |r| r.get(0))
            .expect("count")
    };
    assert_eq!(favorites(), 1);
    assert!(b.focus_is(heart).expect("focus"), "the focus stays on the heart");
    b.press(keys::SPACE).expect("Space on the heart");
    assert!(pressed("false"), "Space takes it back");
    assert_eq!(favorites(), 0);
    b.press(keys::SPACE).expect("Space again");
    assert!(pressed("true"));
    assert_eq!(favorites(), 1);

    // «Написать продавцу» is above the heart: back with Shift+Tab
    shift_tab_to(&b, "#write-seller", 10);
    b.press(keys::ENTER).expect("Enter on «Написать продавцу»");
    wait_url(&b, "/chats/");
    tab_to(&b, "#chat-text", 60);
    b.type_focused("Здравствуйте! Техника свободна в мае?").expect("message");
    b.press(keys::ENTER).expect("Enter sends");
    let sent = wait_for(SLOW, || {
        b.text("#messages").is_ok_and(|t| plain(&t).contains("Техника свободна в мае?"))
    });
    assert!(sent, "the message is in the thread: {:?}", b.text("#messages").ok());
    let stored: i64 = app
        .db()
        .query_row("SELECT count(*) FROM chat_messages WHERE sender_id = ?1", [buyer], |r| r.get(0))
        .expect("messages");
    assert_eq!(stored, 1);
    // ready for the next one
    assert!(wait_for(SLOW, || b.focus_is("#chat-text").unwrap_or(false)));
    assert_eq!(b.prop("#chat-text", "value").expect("text"), "");
}

#[test]
fn on_a_phone_the_folded_menu_and_the_filters_open_from_the_keyboard() {
    if !should_run() {
        return;
    }
    let app = spawn_app();
    let b = Browser::start(390, 844).expect("browser");
    b.goto(&app.url("/robots.txt")).expect("site");
    b.set_cookie("lang", "ru", false).expect("lang");
    b.goto(&app.url("/")).expect("home");

    tab_to(&b, "#menu-toggle", 5);
    let ring = |label: &str| {
        let v = b
            .eval_with(
                "const s = getComputedStyle(document.querySelector(arguments[0]));\
                 return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;",
                &[serde_json::json!(label)],
            )
            .expect("style");
        v == serde_json::Value::Bool(true)
    };
    assert!(ring("label[for=menu-toggle]"), "the menu button shows the focus");
    assert!(!shown(&b, "#site-menu nav"), "folded at first");
    // closed, the menu's links are no Tab stops
    b.press(keys::TAB).expect("Tab");
    assert!(b.focus_is("#post-ad-link").expect("focus"), "at {}", b.focused().unwrap_or_default());
    b.press_with(keys::SHIFT, keys::TAB).expect("Shift+Tab");
    assert!(b.focus_is("#menu-toggle").expect("focus"));

    b.press(keys::SPACE).expect("Space");
    assert!(shown(&b, "#site-menu nav"), "Space opens the menu");
    b.press(keys::TAB).expect("Tab");
    assert!(
        b.focus_is("#site-menu .main-nav a").expect("focus"),
        "the next stop is the menu's first link, not {}",
        b.focused().unwrap_or_default()
    );
    b.press_with(keys::SHIFT, keys::TAB).expect("Shift+Tab");
    b.press(keys::ENTER).expect("Enter");
    assert!(!shown(&b, "#site-menu nav"), "Enter folds it");
    b.press(keys::ENTER).expect("Enter");
    assert!(shown(&b, "#site-menu nav"), "Enter opens it");

    b.goto(&app.url("/catalog")).expect("catalog");
    let url = b.current_url().expect("url");
    tab_to(&b, "#filters-toggle", 40);
    assert!(ring("label[for=filters-toggle]"), "the filters button shows the focus");
    assert!(!shown(&b, "#filter-more"), "folded at first");
    b.press(keys::ENTER).expect("Enter");
    assert!(shown(&b, "#filter-more"), "Enter opens the filters");
    assert_eq!(b.current_url().expect("url"), url, "Enter did not send the filters");
    b.press(keys::TAB).expect("Tab");
    assert!(
        b.eval("return !!document.activeElement.closest('#filter-more');").expect("inside")
            == serde_json::Value::Bool(true),
        "the next stop is a filter, not {}",
        b.focused().unwrap_or_default()
    );
    b.press_with(keys::SHIFT, keys::TAB).expect("Shift+Tab");
    b.press(keys::SPACE).expect("Space");
    assert!(!shown(&b, "#filter-more"), "Space folds them");
}

/// What the focused element shows: its description, whether a ring is drawn (on the element,
/// or on the label of a folding checkbox, which draws it), whether it is on screen and not
/// covered, and the computed outline for messages.
const FOCUS_PROBE: &str = "
    const e = document.activeElement;
    if (!e || e === document.body || e === document.documentElement) return null;
    const ring = e.classList.contains('fold-toggle')
        ? document.querySelector('label[for=\"' + e.id + '\"]') : e;
    const s = getComputedStyle(ring);
    const drawn = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
        || (s.boxShadow !== 'none' && s.boxShadow !== '');
    const r = ring.getBoundingClientRect();
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
        && r.top < innerHeight && r.left < innerWidth;
    const uncovered = !!hit && (ring.contains(hit) || hit.contains(ring) || hit === e);
    let d = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '');
    for (const c of e.classList) d += '.' + c;
    if (e.getAttribute('href')) d += '[href=' + e.getAttribute('href') + ']';
    return { d, drawn, onScreen, uncovered, visible: s.visibility !== 'hidden',
             style: s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor };";

/// Tabs through `path` (up to `stops` stops); every stop must show a ring, be on screen and
/// not be covered. Returns the stops' descriptions. `shot` is called at each stop.
/// Presses Tab on a page just loaded until the focus is on one of its elements (at most three
/// presses, each given 300 ms to land): headless Chromium under load does not always pass the
/// first key of a new page to it (about one walk in three on two busy cores).
fn tab_into_page(b: &Browser) {
    let inside = "const e = document.activeElement; \
                  return !!e && e !== document.body && e !== document.documentElement;";
    for _ in 0..3 {
        b.press(keys::TAB).expect("Tab");
        for _ in 0..10 {
            if b.eval(inside).expect("focus").as_bool() == Some(true) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
    }
}

fn walk(
    b: &Browser,
    app: &TestApp,
    path: &str,
    stops: usize,
    mut shot: impl FnMut(&Browser, &str),
) -> Vec<String> {
    b.goto(&app.url(path)).expect(path);
    let mut seen = Vec::new();
    let mut bad = Vec::new();
    for n in 0..stops {
        if n == 0 {
            tab_into_page(b);
        } else {
            b.press(keys::TAB).expect("Tab");
        }
        let p = b.eval(FOCUS_PROBE).expect("probe");
        if p.is_null() {
            // past the last stop the focus leaves the page
            break;
        }
        let d = p["d"].as_str().unwrap_or_default().to_owned();
        for (what, ok) in [
            ("no visible ring", p["drawn"].as_bool()),
            ("off screen or empty", p["onScreen"].as_bool()),
            ("covered", p["uncovered"].as_bool()),
            ("visibility hidden", p["visible"].as_bool()),
        ] {
            if ok != Some(true) {
                bad.push(format!("{path}: {d}: {what} ({})", p["style"]));
            }
        }
        shot(b, &d);
        seen.push(d);
    }
    assert!(bad.is_empty(), "{} bad stops:\n{}", bad.len(), bad.join("\n"));
    seen
}

#[test]
fn every_tab_stop_shows_its_focus_and_the_skip_link_comes_first_and_leads_to_main() {
    if !should_run() {
        return;
    }
    let app = seeded_app(6, 24, 3);
    let db = app.db();
    let ad: i64 = db
        .query_row(
            "SELECT a.id FROM ads a WHERE a.is_active = 1 AND a.section = 'catalog'
               AND EXISTS (SELECT 1 FROM ad_photos p WHERE p.ad_id = a.id) LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("an ad with photos");
    let buyer = build::user(&db, "Покупатель", None);
    drop(db);
    let [b] = signed_in(&app, [buyer], 1366, 900);
    let dir = shots_dir();

    for theme in ["dark", "light"] {
        b.set_cookie("theme", theme, false).expect("theme");
        for path in ["/".to_owned(), format!("/ad/{ad}"), "/ads/new?kind=rent".to_owned()] {
            let (mut heart_shot, mut card_shot) = (false, false);
            let stops = walk(&b, &app, &path, 40, |b, d| {
                if path == "/" && d.starts_with("a.skip-link") {
                    b.screenshot(&dir.join(format!("keyboard-skip-link-{theme}.png")))
                        .expect("shot");
                }
                if path == "/" && !heart_shot && d.contains("fav-btn") {
                    heart_shot = true;
                    b.screenshot(&dir.join(format!("keyboard-heart-{theme}.png"))).expect("shot");
                }
                if path == "/" && !card_shot && d.starts_with("a.card-link") {
                    card_shot = true;
                    b.screenshot(&dir.join(format!("keyboard-card-{theme}.png"))).expect("shot");
                }
            });
            assert!(stops.len() >= 20, "{path}: only {} stops: {stops:?}", stops.len());
            assert!(stops[0].starts_with("a.skip-link"), "{path}: first stop {}", stops[0]);
            if path == "/" {
                assert!(heart_shot, "a card's heart among the first stops: {stops:?}");
            }
            if path.starts_with("/ads/new") {
                assert!(stops.iter().any(|s| s.starts_with("input#f-title")), "{stops:?}");
            }
        }
    }

    // the skip link: the first stop, shown when focused, and it takes the focus into main
    for path in
        ["/".to_owned(), format!("/ad/{ad}"), "/ads/new?kind=rent".to_owned(), "/chats".into()]
    {
        b.goto(&app.url(&path)).expect(&path);
        tab_into_page(&b);
        assert!(b.focus_is("a.skip-link[href='#main']").expect("focus"), "{path}: first stop");
        let top =
            b.eval("return document.activeElement.getBoundingClientRect().top;").expect("top");
        assert!(top.as_f64().is_some_and(|t| t >= 0.0), "{path}: the link shows ({top})");
        assert_eq!(plain(&b.text("a.skip-link").expect("text")), "Перейти к содержанию");
        b.press(keys::ENTER).expect("Enter");
        assert!(
            b.focus_is("main#main").expect("focus"),
            "{path}: {}",
            b.focused().unwrap_or_default()
        );
        b.press(keys::TAB).expect("Tab");
        let inside = b.eval("return !!document.activeElement.closest('main');").expect("inside");
        assert_eq!(
            inside,
            serde_json::Value::Bool(true),
            "{path}: next {}",
            b.focused().unwrap_or_default()
        );
    }

    // a phone's header: the folded menu's ring is drawn on its button
    b.set_window_size(390, 844).expect("phone");
    let stops = walk(&b, &app, "/", 12, |b, d| {
        if d.starts_with("input#menu-toggle") {
            b.screenshot(&dir.join("keyboard-menu-390.png")).expect("shot");
        }
    });
    assert!(stops.iter().any(|s| s.starts_with("input#menu-toggle")), "{stops:?}");
}
