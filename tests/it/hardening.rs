//! What an outside security sweep found (issue 9), one test each: hidden ads through favorites
//! and `/media`, the photo count checked while reading, control characters at the edge, photo
//! sizes lost in a crash, private pages' caching, oversized avatars, and decode memory.

use std::io::{Read, Write};
use std::time::Duration;

use crate::ads_posting::{jpeg, rent_fields};
use crate::support::client::Client;
use crate::support::html::Page;
use crate::support::server::Server;
use crate::support::{TestApp, spawn_app};

const PW: &str = "ковш и стрела 2024";

fn member<'a>(app: &'a TestApp, name: &str) -> Client<'a> {
    let c = Client::new(app);
    c.sign_up(name, &format!("{}@example.kz", name.to_lowercase()), PW);
    c
}

fn staff(app: &TestApp) -> Client<'_> {
    let c = member(app, "Staff");
    app.db()
        .execute("UPDATE users SET is_staff = 1 WHERE email = 'staff@example.kz'", [])
        .expect("make staff");
    c.get("/catalog");
    c
}

fn count(app: &TestApp, sql: &str) -> i64 {
    app.db().query_row(sql, [], |r| r.get(0)).expect("count")
}

/// Posts a rent ad with `photos` JPEGs; returns its id.
fn post_ad(c: &Client<'_>, app: &TestApp, photos: usize) -> i64 {
    let files: Vec<Vec<u8>> = (0..photos).map(|i| jpeg(320, 240, i as u8 * 20)).collect();
    let parts: Vec<(&str, &str, &str, &[u8])> =
        files.iter().map(|f| ("photos", "p.jpg", "image/jpeg", &f[..])).collect();
    c.get("/ads/new?kind=rent");
    let r = c.post_multipart("/ads/new?kind=rent", &rent_fields(), &parts);
    assert_eq!(r.status, 303, "posting failed: {}", r.body);
    app.drain();
    count(app, "SELECT max(id) FROM ads")
}

/// The original, card and detail paths of an ad's first photo.
fn photo_paths(app: &TestApp, ad: i64) -> Vec<String> {
    app.db()
        .query_row(
            "SELECT path, card_path, detail_path FROM ad_photos WHERE ad_id = ?1 ORDER BY position LIMIT 1",
            [ad],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?]),
        )
        .expect("photo row")
}

#[test]
fn hidden_ads_are_not_favorited_listed_or_their_photos_served() {
    let app = spawn_app();
    let owner = member(&app, "Owner");
    let buyer = member(&app, "Buyer");
    let other = member(&app, "Other");
    let staff = staff(&app);
    let id = post_ad(&owner, &app, 1);
    let paths = photo_paths(&app, id);
    // published: anyone gets the photos, and caches may keep them
    for p in &paths {
        let r = app.get(&format!("/media/{p}"));
        assert_eq!(r.status, 200, "{p}");
        assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    }
    buyer.get("/catalog");
    assert_eq!(buyer.post(&format!("/ad/{id}/favorite"), &[]).status, 303);
    assert_eq!(buyer.get("/favorites").ad_ids(), vec![id]);

    // the owner unpublishes it
    owner.get("/my/ads");
    assert_eq!(owner.post(&format!("/ad/{id}/deactivate"), &[]).status, 303);
    assert!(buyer.get("/favorites").ad_ids().is_empty(), "its card is gone from favorites");
    assert!(!buyer.get("/favorites").body.contains("Аренда экскаватора-погрузчика"));
    let favs = "SELECT count(*) FROM favorites";
    assert_eq!(buyer.post(&format!("/ad/{id}/favorite"), &[]).status, 404, "no unfavoriting");
    other.get("/catalog");
    assert_eq!(other.post(&format!("/ad/{id}/favorite"), &[]).status, 404, "no favoriting");
    assert_eq!(count(&app, favs), 1, "the 404s changed nothing");
    for p in &paths {
        let url = format!("/media/{p}");
        assert_eq!(app.get(&url).status, 404, "anonymous: {p}");
        assert_eq!(buyer.get(&url).status, 404, "another user: {p}");
        for (who, c) in [("owner", &owner), ("staff", &staff)] {
            let r = c.get(&url);
            assert_eq!(r.status, 200, "{who}: {p}");
            assert_eq!(r.header("cache-control"), Some("private, no-store"), "{who}: {p}");
        }
    }
    // the owner may keep an own unpublished ad among favorites: marked as such
    owner.get("/my/ads");
    assert_eq!(owner.post(&format!("/ad/{id}/favorite"), &[]).status, 303);
    let page = owner.get("/favorites");
    assert_eq!(page.ad_ids(), vec![id]);
    assert_eq!(page.count(&format!("[data-ad-id=\"{id}\"] .inactive-tag")), 1, "marked inactive");

    // published again, the buyer's favorite shows again; blocked by staff, it hides again
    owner.get("/my/ads");
    assert_eq!(owner.post(&format!("/ad/{id}/activate"), &[]).status, 303);
    assert_eq!(buyer.get("/favorites").ad_ids(), vec![id]);
    assert_eq!(staff.post(&format!("/ad/{id}/deactivate"), &[]).status, 303);
    assert!(buyer.get("/favorites").ad_ids().is_empty());
    assert_eq!(buyer.get(&format!("/media/{}", paths[1])).status, 404);
    assert_eq!(app.get(&format!("/media/{}", paths[2])).status, 404);
    // a deleted ad's files are nobody's, even before the file job removes them
    let deleted = post_ad(&owner, &app, 1);
    let gone = photo_paths(&app, deleted);
    owner.get("/my/ads");
    assert_eq!(owner.post(&format!("/ad/{deleted}/delete"), &[]).status, 303);
    assert_eq!(owner.get(&format!("/media/{}", gone[0])).status, 404);
    // names no row knows are not served, whatever is on disk
    std::fs::write(app.dir.path().join("uploads/photos/stray.jpg"), jpeg(8, 8, 1)).expect("stray");
    assert_eq!(staff.get("/media/photos/stray.jpg").status, 404);
}

/// Who may see an unsaved upload is a row of the access table; here, that it is not cached.
#[test]
fn an_unsaved_upload_is_private() {
    let app = spawn_app();
    let owner = member(&app, "Owner");
    owner.get("/ads/new?kind=rent");
    let mut fields = rent_fields();
    fields.retain(|(k, _)| *k != "title");
    let photo = jpeg(200, 150, 9);
    let r = owner.post_multipart(
        "/ads/new?kind=rent",
        &fields,
        &[("photos", "a.jpg", "image/jpeg", &photo[..])],
    );
    assert_eq!(r.status, 422);
    let path: String = app
        .db()
        .query_row("SELECT path FROM photo_uploads", [], |r| r.get(0))
        .expect("the upload waits for the fixed form");
    let url = format!("/media/{path}");
    let r = owner.get(&url);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("cache-control"), Some("private, no-store"));
}

#[test]
fn more_than_ten_photos_are_refused_before_any_is_decoded() {
    let app = spawn_app();
    let owner = member(&app, "Owner");
    let photo = jpeg(160, 120, 40);
    let many: Vec<(&str, &str, &str, &[u8])> =
        (0..12).map(|_| ("photos", "p.jpg", "image/jpeg", &photo[..])).collect();
    owner.get("/ads/new?kind=rent");
    let r = owner.post_multipart("/ads/new?kind=rent", &rent_fields(), &many);
    assert_eq!(r.status, 422);
    let why = r.one(".field-error[data-field=photos]").text;
    assert!(why.contains("Не больше 10 фото"), "the form says why: {why}");
    assert_eq!(count(&app, "SELECT count(*) FROM photo_uploads"), 0, "nothing stored");
    assert_eq!(count(&app, "SELECT count(*) FROM ads"), 0);
    let stored = std::fs::read_dir(app.dir.path().join("uploads/photos")).map_or(0, |d| d.count());
    assert_eq!(stored, 0, "no file written: nothing was decoded");

    // an ad with 8 photos may not take 3 more in an edit; it keeps its 8
    let id = post_ad(&owner, &app, 8);
    let files_before =
        std::fs::read_dir(app.dir.path().join("uploads/photos")).expect("dir").count();
    let mut fields = rent_fields();
    let tokens: Vec<String> = app
        .db()
        .prepare("SELECT 'p' || id FROM ad_photos WHERE ad_id = ?1")
        .expect("q")
        .query_map([id], |r| r.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("tokens");
    fields.extend(tokens.iter().map(|t| ("photo", t.as_str())));
    owner.get(&format!("/ad/{id}/edit"));
    let r = owner.post_multipart(&format!("/ad/{id}/edit"), &fields, &many[..3]);
    assert_eq!(r.status, 422);
    assert_eq!(count(&app, "SELECT count(*) FROM photo_uploads"), 0);
    assert_eq!(count(&app, &format!("SELECT count(*) FROM ad_photos WHERE ad_id = {id}")), 8);
    let files_after =
        std::fs::read_dir(app.dir.path().join("uploads/photos")).expect("dir").count();
    assert_eq!(files_after, files_before);
}

#[test]
fn control_characters_in_queries_and_forms_are_a_clear_400() {
    let app = spawn_app();
    for path in [
        "/catalog?q=abc%00",
        "/parts?q=abc%00",
        "/repair?q=%00",
        "/catalog?city=%1B%5B31m",
        "/logistics?from_country=kz%00",
        "/catalog?q%00=1",
    ] {
        let r = app.get(path);
        assert_eq!(r.status, 400, "{path}");
        let shown = r.one("#error-message").text;
        assert!(shown.contains("управляющие символы"), "{path}: {shown}");
    }
    // what people do type still searches
    for path in
        ["/catalog?q=%D1%8D%D0%BA%D1%81%09", "/catalog?q=--%20%F0%9F%9A%9C", "/parts?q=%D8%A7"]
    {
        assert_eq!(app.get(path).status, 200, "{path}");
    }
    let owner = member(&app, "Owner");
    owner.get("/account");
    let r = owner.post("/account", &[("name", "Имя\0"), ("account_type", "individual")]);
    assert_eq!(r.status, 400);
    let name: String = app
        .db()
        .query_row("SELECT name FROM users WHERE email = 'owner@example.kz'", [], |r| r.get(0))
        .expect("name");
    assert_eq!(name, "Owner", "nothing written");
    let mut fields = rent_fields();
    fields.retain(|(k, _)| *k != "title");
    fields.push(("title", "Экскаватор\u{0}\u{7}"));
    owner.get("/ads/new?kind=rent");
    let r = owner.post_multipart("/ads/new?kind=rent", &fields, &[]);
    assert_eq!(r.status, 400);
    assert!(r.one("#error-message").text.contains("управляющие символы"));
    assert_eq!(count(&app, "SELECT count(*) FROM ads"), 0);
}

#[test]
fn photos_whose_sizes_were_lost_in_a_crash_get_them_after_a_restart() {
    let app = spawn_app();
    let owner = member(&app, "Owner");
    let a = post_ad(&owner, &app, 2);
    let b = post_ad(&owner, &app, 1);
    // as after a kill between the commit and the resize job: no sizes, no files
    let uploads = app.dir.path().join("uploads");
    for ad in [a, b] {
        let [_, card, detail]: [String; 3] = photo_paths(&app, ad).try_into().expect("3 paths");
        std::fs::remove_file(uploads.join(card)).expect("card file");
        std::fs::remove_file(uploads.join(detail)).expect("detail file");
    }
    app.db()
        .execute("UPDATE ad_photos SET card_path = NULL, detail_path = NULL", [])
        .expect("lose");
    let app = app.restart();
    app.drain();
    assert_eq!(count(&app, "SELECT count(*) FROM ad_photos WHERE card_path IS NULL"), 0);
    let uploads = app.dir.path().join("uploads");
    for ad in [a, b] {
        for p in photo_paths(&app, ad) {
            assert!(uploads.join(&p).is_file(), "{p} made again");
        }
    }
}

#[test]
fn private_pages_are_not_cached_and_an_oversized_avatar_is_413() {
    let app = spawn_app();
    let owner = member(&app, "Owner");
    let id = post_ad(&owner, &app, 0);
    for path in [
        "/account".to_owned(),
        "/account/password".into(),
        "/my/ads".into(),
        "/favorites".into(),
        "/ads/new?kind=rent".into(),
        format!("/ad/{id}/edit"),
        "/".into(),
        "/catalog".into(),
    ] {
        let r = owner.get(&path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("cache-control"), Some("private, no-store"), "{path}");
    }
    // anonymous pages carry form tokens too (language, theme)
    for path in ["/", "/login", "/catalog", "/nowhere"] {
        assert_eq!(app.get(path).header("cache-control"), Some("private, no-store"), "{path}");
    }
    // assets and public photos stay cacheable
    let css = app.get("/").one("link[rel=stylesheet]");
    let css = css.attr("href").expect("stylesheet link");
    assert!(css.starts_with("/assets/"), "{css}");
    assert!(app.get(css).header("cache-control").is_some_and(|c| c.contains("immutable")));

    // an avatar over 5 MB: 413 whether it fits the body limit or not, and nothing stored
    owner.get("/account");
    let big = vec![0xFFu8; 5 * 1024 * 1024 + 10];
    let r = owner.post_file("/account/avatar", "avatar", "big.jpg", "image/jpeg", &big);
    assert_eq!(r.status, 413);
    let why = r.one("[role=alert]").text;
    assert!(why.contains("5 МБ"), "the form says why: {why}");
    // over the route's body limit, the answer may come before the client has sent it all
    owner.get("/account");
    let huge = vec![0xFFu8; 8 * 1024 * 1024];
    let head = format!(
        "POST /account/avatar HTTP/1.1\r\nHost: {}\r\nCookie: uzmat_session={}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {}\r\nConnection: close\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n--b\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.jpg\"\r\n\r\n",
        app.addr,
        owner.session().expect("session"),
        huge.len() + 400,
        owner.csrf()
    );
    let mut s = std::net::TcpStream::connect(app.addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    s.write_all(head.as_bytes()).expect("head");
    let _ = s.write_all(&huge); // the server may stop reading: an error here is fine
    let mut answer = vec![0u8; 64];
    let n = s.read(&mut answer).expect("an answer");
    assert!(answer[..n].starts_with(b"HTTP/1.1 413"), "{}", String::from_utf8_lossy(&answer[..n]));
    let avatar: Option<String> = app
        .db()
        .query_row("SELECT avatar_path FROM users WHERE email = 'owner@example.kz'", [], |r| {
            r.get(0)
        })
        .expect("user");
    assert_eq!(avatar, None);
}

fn png(w: u32, h: u32, color: image::ExtendedColorType, bytes_per_pixel: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let data = vec![0u8; w as usize * h as usize * bytes_per_pixel];
    image::ImageEncoder::write_image(
        image::codecs::png::PngEncoder::new(&mut out),
        &data,
        w,
        h,
        color,
    )
    .expect("png");
    out
}

#[test]
fn ten_heavy_uploads_at_once_stay_within_the_decode_budget() {
    let server = Server::start(&[]);
    let cookie = server.session("Heavy");
    let page = server
        .raw(&format!("GET /ads/new?kind=rent HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"), &[])
        .expect("form");
    let token = Page::parse(&page).csrf_token().expect("token");
    // the sweep's file: 6300 x 6300 16-bit RGBA (39.7 MP, 318 MB decoded) in a few hundred KB;
    // and photos the site accepts at their heaviest: 36 MP of 8-bit RGBA (144 MB decoded)
    let deep = png(6300, 6300, image::ExtendedColorType::Rgba16, 8);
    let wide = png(6000, 6000, image::ExtendedColorType::Rgba8, 4);
    eprintln!("deep PNG {} KB, wide PNG {} KB", deep.len() / 1024, wide.len() / 1024);
    assert!(deep.len() < 10 * 1024 * 1024 && wide.len() < 10 * 1024 * 1024, "under the file cap");
    let body = |photo: &[u8]| {
        let boundary = "----uzmat-heavy";
        let mut b = Vec::new();
        let mut fields = rent_fields();
        fields.push(("csrf_token", &token));
        for (k, v) in fields {
            b.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        b.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n").as_bytes());
        b.extend_from_slice(photo);
        b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        b
    };
    let (deep_body, wide_body) = (body(&deep), body(&wide));
    let before = server.peak_rss_mib();
    let statuses: Vec<String> = std::thread::scope(|s| {
        let jobs: Vec<_> = (0..14)
            .map(|i| {
                let b = if i < 10 { &deep_body } else { &wide_body };
                let head = format!(
                    "POST /ads/new?kind=rent HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=----uzmat-heavy\r\nContent-Length: {}\r\n\r\n",
                    b.len()
                );
                let server = &server;
                s.spawn(move || server.raw(&head, b).expect("response"))
            })
            .collect();
        jobs.into_iter().map(|j| j.join().expect("thread")).collect()
    });
    let peak = server.peak_rss_mib();
    eprintln!("peak RSS {before} MiB before, {peak} MiB after 10 deep + 4 wide uploads at once");
    for (i, resp) in statuses.iter().enumerate() {
        let status = resp.split(' ').nth(1).unwrap_or("");
        if i < 10 {
            assert_eq!(status, "422", "the deep-colour photo is refused");
            assert!(resp.contains("слишком тяжёлое"), "with its reason");
        } else {
            assert_eq!(status, "303", "the wide one is taken: {}", &resp[..resp.len().min(300)]);
        }
    }
    assert!(peak < 400, "peak RSS {peak} MiB");
}
