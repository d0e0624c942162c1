//! Languages in the URL (issue 16): `/kk/`, `/uz/`, `/en/` serve the site in that language and
//! keep the prefix on their links; `/ru/…` goes to the root; public pages name their
//! alternates; the sitemap lists every language; a user's stored language writes their mail
//! and their notices in chats.

use base64::Engine;

use crate::support::build::{Ad, user};
use crate::support::client::Client;
use crate::support::{TestApp, spawn_app};

const PW: &str = "ковш и стрела 2024";

/// Ads with cards on the catalog: `n` rentals by one seller; their ids.
fn ads(app: &TestApp, n: usize) -> Vec<i64> {
    let db = app.db();
    let u = user(&db, "Продавец", None);
    (0..n)
        .map(|i| {
            let mut ad = Ad::new(u, &format!("Экскаватор Hitachi {i}"), 10);
            ad.kind = "rent";
            ad.insert(&db)
        })
        .collect()
}

#[test]
fn an_english_catalog_is_english_and_its_links_stay_english() {
    let app = spawn_app();
    let ids = ads(&app, 14);
    // the URL wins over the cookie and Accept-Language
    let r = app.get_with("/en/catalog", &[("cookie", "lang=kk"), ("accept-language", "ru")]);
    assert_eq!(r.status, 200);
    let page = r.html();
    assert_eq!(page.one("html").attr("lang"), Some("en"));
    assert_eq!(page.one("h1").text, "Heavy machinery for hire and sale");
    let nav = page.attrs(".main-nav a", "href");
    assert_eq!(nav, ["/en/catalog", "/en/parts", "/en/repair", "/en/logistics"]);
    assert_eq!(page.one("a.logo").attr("href"), Some("/en/"));
    let cards = page.attrs(".card a.card-link", "href");
    assert_eq!(cards.len(), 12, "{cards:?}");
    assert!(cards.iter().all(|h| h.starts_with("/en/ad/")), "{cards:?}");
    let last = ids.last().expect("an ad");
    assert!(cards.contains(&format!("/en/ad/{last}-ad-{last}")), "{cards:?}");
    let pages = page.attrs(".pagination a", "href");
    assert!(!pages.is_empty() && pages.iter().all(|h| h.starts_with("/en/catalog?")), "{pages:?}");
    assert_eq!(page.one("form.filters").attr("action"), Some("/en/catalog"));
    let footer = page.attrs(".site-footer a", "href");
    assert!(footer.iter().all(|h| h.starts_with("/en/")), "{footer:?}");
    // the header's forms come back to this very URL
    assert!(page.attrs("input[name=back]", "value").iter().all(|v| v == "/en/catalog"));
    // the second page, followed, is English too
    let second = app.get(&pages[0]);
    assert_eq!(second.status, 200);
    assert_eq!(second.one("html").attr("lang"), Some("en"));
    assert!(second.html().attrs(".card a.card-link", "href").iter().all(|h| h.starts_with("/en/")));

    // the root stays Russian for this visitor, and its links unprefixed
    let ru = app.get("/catalog").html();
    assert_eq!(ru.one("html").attr("lang"), Some("ru"));
    assert!(ru.attrs(".card a.card-link", "href").iter().all(|h| h.starts_with("/ad/")));
}

#[test]
fn a_kazakh_ad_page_is_kazakh_and_its_other_urls_redirect_within_kazakh() {
    let app = spawn_app();
    let id = ads(&app, 1)[0];
    let page = app.get(&format!("/kk/ad/{id}-ad-{id}"));
    assert_eq!(page.status, 200);
    assert_eq!(page.one("html").attr("lang"), Some("kk"));
    assert!(page.body.contains("Телефонды көрсету"), "Kazakh: «show phone»");
    let html = page.html();
    let crumbs = html.attrs(".breadcrumbs a", "href");
    assert_eq!(crumbs, ["/kk/", "/kk/catalog"]);
    // signing in from here comes back here, in Kazakh
    let login = html.one("#login-link").attr("href").expect("login link").to_owned();
    assert_eq!(login, format!("/kk/login?next=%2Fkk%2Fad%2F{id}-ad-{id}"));
    assert_eq!(app.get(&login).one("html").attr("lang"), Some("kk"));
    // the phone asked for without a script comes back on the Kazakh page
    assert_eq!(
        html.one("form.phone-form").attr("action"),
        Some(format!("/kk/ad/{id}/phone").as_str())
    );
    let c = Client::new(&app);
    c.get(&format!("/kk/ad/{id}-ad-{id}"));
    let shown = c.post(&format!("/kk/ad/{id}/phone"), &[]);
    assert_eq!((shown.status, shown.one("html").attr("lang")), (200, Some("kk")));
    assert!(shown.html().count("a.phone-number") == 1, "the number, shown");
    // the short URL redirects to the canonical one, keeping the language
    let r = app.get(&format!("/kk/ad/{id}"));
    assert_eq!(r.status, 308, "permanent");
    assert_eq!(r.header("location"), Some(format!("/kk/ad/{id}-ad-{id}").as_str()));
    // a private page asks to sign in, in Kazakh
    let r = app.get("/kk/chats");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/kk/login?next=%2Fkk%2Fchats"));
}

#[test]
fn ru_prefixes_go_to_the_root_and_unknown_ones_are_not_found() {
    let app = spawn_app();
    for (from, to) in [("/ru/catalog?page=2", "/catalog?page=2"), ("/ru", "/"), ("/ru/", "/")] {
        let r = app.get(from);
        assert_eq!(r.status, 301, "{from}");
        assert_eq!(r.header("location"), Some(to), "{from}");
    }
    for path in ["/de/catalog", "/english", "/EN/catalog", "/enx"] {
        assert_eq!(app.get(path).status, 404, "{path}");
    }
    // a double slash after the prefix is no language path: never a 301 to another site
    for path in
        ["/ru//evil.example", "/ru//evil.example/x", "/en//evil.example", "/ru/\\evil.example"]
    {
        let r = app.get(path);
        assert_ne!(r.status, 301, "{path}");
        let to = r.header("location").unwrap_or("");
        assert!(!to.starts_with("//") && !to.starts_with("/\\"), "{path} → {to}");
    }
    // an error page speaks the URL's language
    let r = app.get_with("/en/nowhere", &[("accept-language", "ru")]);
    assert_eq!(r.status, 404);
    assert_eq!(r.one("html").attr("lang"), Some("en"));
    assert_eq!(r.one("h1").text, "Page not found");
    let r = app.get("/kk/ad/999999-x");
    assert_eq!((r.status, r.one("html").attr("lang")), (404, Some("kk")));
    // a bad query on a prefixed listing: a 400 page in its language
    let r = app.get("/uz/catalog?price_from=abc");
    assert_eq!((r.status, r.one("html").attr("lang")), (400, Some("uz")));
}

#[test]
fn robots_read_russian_at_the_root_and_browsers_keep_their_language() {
    let app = spawn_app();
    let base = app.url("");
    let bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    let headers = [("user-agent", bot), ("accept-language", "en-US,en;q=0.9")];
    let r = app.get_with("/catalog", &headers);
    assert_eq!(r.one("html").attr("lang"), Some("ru"), "never another language at the root");
    let r = app.get_with("/catalog", &[("user-agent", bot), ("cookie", "lang=en")]);
    assert_eq!(r.one("html").attr("lang"), Some("ru"));
    assert_eq!(app.get_with("/en/catalog", &headers).one("html").attr("lang"), Some("en"));
    // a browser's first visit still follows Accept-Language, and is not redirected
    let r = app.get_with("/catalog", &[("accept-language", "en-US,en;q=0.9")]);
    assert_eq!((r.status, r.one("html").attr("lang")), (200, Some("en")));
    // its page's canonical is the English URL, and its links lead there
    let html = r.html();
    let canonical = html.one("link[rel=canonical]").attr("href").map(str::to_owned);
    assert_eq!(canonical.as_deref(), Some(format!("{base}/en/catalog").as_str()));
    assert!(html.attrs(".main-nav a", "href").iter().all(|h| h.starts_with("/en/")));
}

/// The hreflang alternates of a page, by language code.
fn alternates(page: &crate::support::html::Page) -> Vec<(String, String)> {
    page.select("link[rel=alternate][hreflang]")
        .into_iter()
        .map(|l| {
            let code = l.attr("hreflang").unwrap_or("").to_owned();
            (code, l.attr("href").unwrap_or("").to_owned())
        })
        .collect()
}

#[test]
fn public_pages_name_their_alternates_in_every_language() {
    let app = spawn_app();
    let base = app.url("");
    let id = ads(&app, 1)[0];
    let ad = format!("/ad/{id}-ad-{id}");
    for (path, own) in [("/", "/"), ("/catalog?kind=rent&page=1", "/catalog"), (ad.as_str(), &ad)] {
        for prefix in ["", "/kk", "/uz", "/en"] {
            let url = format!("{prefix}{path}");
            let page = app.get(&url);
            assert_eq!(page.status, 200, "{url}");
            let html = page.html();
            let expected: Vec<(String, String)> = [
                ("ru", String::new()),
                ("kk", "/kk".into()),
                ("uz", "/uz".into()),
                ("en", "/en".into()),
                ("x-default", String::new()),
            ]
            .into_iter()
            .map(|(code, p)| (code.to_owned(), format!("{base}{p}{own}")))
            .collect();
            assert_eq!(alternates(&html), expected, "{url}");
            let canonical = html.one("link[rel=canonical]").attr("href").map(str::to_owned);
            assert_eq!(canonical, Some(format!("{base}{prefix}{own}")), "{url}: its own language");
        }
    }
    // a private page names none
    let c = Client::signed_in(&app, user(&app.db(), "Частный", None));
    let account = c.get("/en/account").html();
    assert_eq!(account.one("html").attr("lang"), Some("en"));
    assert!(alternates(&account).is_empty() && account.count("link[rel=canonical]") == 0);
}

#[test]
fn the_sitemap_lists_each_page_in_each_language() {
    let app = spawn_app();
    let base = app.url("");
    let ids = ads(&app, 2);
    let locs: Vec<String> =
        app.get("/sitemap.xml").select("url > loc").into_iter().map(|l| l.text).collect();
    for prefix in ["", "/kk", "/uz", "/en"] {
        for path in ["/", "/catalog", "/logistics", "/about"] {
            let loc = format!("{base}{prefix}{path}");
            assert_eq!(locs.iter().filter(|l| **l == loc).count(), 1, "{loc} once in {locs:?}");
        }
        for id in &ids {
            let loc = format!("{base}{prefix}/ad/{id}-ad-{id}");
            assert!(locs.contains(&loc), "{loc} in {locs:?}");
        }
    }
    assert_eq!(locs.len(), (9 + 2) * 4, "nine fixed pages and two ads, four languages each");
    let part: Vec<String> =
        app.get("/sitemaps/1.xml").select("url > loc").into_iter().map(|l| l.text).collect();
    assert_eq!(part, locs, "one file: its only part is the same");
    for missing in ["/sitemaps/2.xml", "/sitemaps/0.xml", "/sitemaps/x.xml", "/sitemaps/1"] {
        assert_eq!(app.get(missing).status, 404, "{missing}");
    }
    let robots = app.get("/robots.txt").body;
    for line in ["Disallow: /account", "Disallow: /en/account", "Disallow: /kk/my/"] {
        assert!(robots.lines().any(|l| l == line), "{line} in {robots}");
    }
}

#[test]
fn choosing_a_language_returns_to_the_same_page_in_its_url_and_is_stored() {
    let app = spawn_app();
    let c = Client::new(&app);
    c.get("/catalog");
    for (lang, back, to) in [
        ("kk", "/catalog?kind=rent", "/kk/catalog?kind=rent"),
        ("en", "/kk/catalog?kind=rent", "/en/catalog?kind=rent"),
        ("uz", "/en/", "/uz/"),
        ("uz", "/en", "/uz/"),
        ("ru", "/en/ad/5-kran?x=1", "/ad/5-kran?x=1"),
        ("en", "//evil.example/", "/en/"),
    ] {
        let r = c.post("/prefs", &[("lang", lang), ("back", back)]);
        assert_eq!(r.status, 303, "{lang} from {back}");
        assert_eq!(r.header("location"), Some(to), "{lang} from {back}");
        assert!(r.header_all("set-cookie").iter().any(|s| s.starts_with(&format!("lang={lang}"))));
    }
    // the theme alone keeps the page's URL, prefix and all
    let r = c.post("/prefs", &[("theme", "toggle"), ("back", "/en/about")]);
    assert_eq!(r.header("location"), Some("/en/about"));
    // the header's language form says what it is, in the page's language
    let page = c.get("/en/about").html();
    assert_eq!(page.one("form.lang-form").attr("aria-label"), Some("Site language"));

    // a signed-in user's choice is kept with the account
    let db = app.db();
    let id = user(&db, "Айгүл", None);
    let u = Client::signed_in(&app, id);
    u.get("/about");
    assert_eq!(u.post("/prefs", &[("lang", "kk"), ("back", "/about")]).status, 303);
    let stored: String =
        db.query_row("SELECT lang FROM users WHERE id = ?1", [id], |r| r.get(0)).expect("lang");
    assert_eq!(stored, "kk");
}

/// The subject and body of the one `.eml` written to `to`, decoded.
fn eml(app: &TestApp, to: &str, subject_has: &str) -> (String, String) {
    let dir = app.dir.path().join("mail");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("mail dir") {
        let raw = std::fs::read_to_string(entry.expect("entry").path()).expect("eml");
        let raw = raw.replace("\r\n", "\n");
        let (head, body) = raw.split_once("\n\n").expect("head and body");
        // unfold folded header lines
        let head = head.replace("\n ", " ").replace("\n\t", " ");
        let header = |name: &str| {
            head.lines().find_map(|l| l.strip_prefix(&format!("{name}: "))).unwrap_or("").to_owned()
        };
        if !header("To").contains(to) {
            continue;
        }
        let subject = decode_words(&header("Subject"));
        let body = match header("Content-Transfer-Encoding").as_str() {
            "base64" => b64(&body.split_whitespace().collect::<String>()),
            "quoted-printable" => quoted_printable(body),
            _ => body.to_owned(),
        };
        if subject.contains(subject_has) {
            found.push((subject, body));
        }
    }
    assert_eq!(found.len(), 1, "one mail to {to} about «{subject_has}» in {dir:?}");
    found.remove(0)
}

fn b64(s: &str) -> String {
    let bytes = base64::engine::general_purpose::STANDARD.decode(s.trim()).expect("base64");
    String::from_utf8(bytes).expect("utf-8")
}

/// `=?utf-8?b?…?=` words (RFC 2047), as lettre writes a subject that is not ASCII.
fn decode_words(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let inner = w.strip_prefix("=?").and_then(|w| w.strip_suffix("?="));
            match inner.map(|i| i.splitn(3, '?').collect::<Vec<_>>()).as_deref() {
                Some([_, enc, text]) if enc.eq_ignore_ascii_case("b") => b64(text),
                Some([_, enc, text]) if enc.eq_ignore_ascii_case("q") => {
                    quoted_printable(&text.replace('_', " "))
                }
                _ => format!(" {w} "),
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\n", "");
    let mut bytes = Vec::new();
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        if b == b'=' {
            let hex: Vec<u8> = it.by_ref().take(2).collect();
            let hex = std::str::from_utf8(&hex).expect("hex");
            bytes.push(u8::from_str_radix(hex, 16).expect("hex digit"));
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).expect("utf-8")
}

#[test]
fn a_sign_up_on_a_kazakh_page_gets_its_mail_in_kazakh() {
    let app = spawn_app();
    let base = app.url("");
    let c = Client::new(&app);
    let form = c.get("/kk/signup").html();
    assert_eq!(form.one("form.form").attr("action"), Some("/kk/signup"), "posts in its language");
    let r = c.post(
        "/kk/signup",
        &[
            ("account_type", "individual"),
            ("name", "Асель"),
            ("email", "asel@example.kz"),
            ("password", PW),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/kk/account"), "stays in Kazakh");
    let stored: String = app
        .db()
        .query_row("SELECT lang FROM users WHERE email = 'asel@example.kz'", [], |r| r.get(0))
        .expect("lang");
    assert_eq!(stored, "kk", "the page's language became the account's");
    app.drain();
    let (subject, body) = eml(&app, "asel@example.kz", "e-mail");
    assert_eq!(subject, "Uzmat-тағы e-mail-ді растаңыз");
    assert!(body.starts_with("Сәлеметсіз бе, Асель!"), "{body}");
    assert!(body.contains(&format!("{base}/kk/verify-email/")), "the link is Kazakh: {body}");
    let link = body.split_whitespace().find(|w| w.contains("/verify-email/")).expect("link");
    let r = c.get(link.trim_start_matches(base.as_str()));
    assert_eq!(
        (r.status, r.header("location")),
        (303, Some("/kk/account")),
        "confirmed, in Kazakh"
    );
}

#[test]
fn a_user_who_chose_kazakh_reads_their_reset_mail_and_notices_in_kazakh() {
    let app = spawn_app();
    let base = app.url("");
    let c = Client::new(&app);
    // signed up in Russian, then chose Kazakh in the header
    c.sign_up("Ерлан", "erlan@example.kz", PW);
    c.get("/account");
    assert_eq!(c.post("/prefs", &[("lang", "kk"), ("back", "/account")]).status, 303);
    let db = app.db();
    let id: i64 = db
        .query_row("SELECT id FROM users WHERE email = 'erlan@example.kz'", [], |r| r.get(0))
        .expect("user");

    // someone asks for a reset from a Russian page: the mail is in the account's language
    let anon = Client::new(&app);
    anon.get("/password/forgot");
    let r = anon.post("/password/forgot", &[("email", "erlan@example.kz")]);
    assert_eq!(r.status, 200);
    assert_eq!(r.one("html").attr("lang"), Some("ru"), "the page is the asker's");
    app.drain();
    let (subject, body) = eml(&app, "erlan@example.kz", "құпиясөз");
    assert_eq!(subject, "Uzmat-та құпиясөзді қалпына келтіру");
    assert!(body.contains("Жаңа құпиясөз орнату үшін"), "{body}");
    assert!(body.contains(&format!("{base}/kk/password/reset/")), "{body}");

    // a moderator, whose own pages are Russian, warns them: the notice is Kazakh
    let staff = user(&db, "Модератор", None);
    db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [staff]).expect("staff");
    let st = Client::signed_in(&app, staff);
    st.get(&format!("/admin/users/{id}"));
    let r = st.post(&format!("/admin/users/{id}/warn"), &[("text", "Не публикуйте дубли")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let thread: i64 = db
        .query_row(
            "SELECT id FROM chat_threads WHERE kind = 'support' AND buyer_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("support thread");
    let page = c.get(&format!("/chats/{thread}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Модератордың ескертуі: Не публикуйте дубли"),
        "the system message is Kazakh"
    );
    assert!(!page.body.contains("Предупреждение модератора"));
}
