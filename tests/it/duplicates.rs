//! Duplicate photos (issue 16), through the real upload and photo job: a photo another seller
//! already shows (the same file, or a smaller re-encoded copy) flags the new ad for staff with
//! a link to the other ad, and buyers of the new ad read a neutral note linking to it while
//! that ad is published; a seller's own photos twice and a different photo flag nothing.

use crate::ads_posting::rent_fields;
use crate::support::build::session;
use crate::support::client::Client;
use crate::support::{TestApp, pages, spawn_app};

const PW: &str = "ковш и стрела 2024";

/// A photo-like picture (smooth shapes, a horizon, fine texture), different for each `seed`.
fn scene(w: u32, h: u32, seed: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy, s) = (x as f32 / w as f32, y as f32 / h as f32, seed as f32);
        let v = ((fx * (3.0 + s) + s).sin() * (fy * (2.0 + s * 0.7) - s).cos() + 1.0) * 100.0;
        let sky = if fy < 0.4 + 0.1 * (fx * 6.0 + s).sin() { 40.0 } else { 0.0 };
        let g = (v + sky).min(255.0) as u8;
        image::Rgb([g, g.saturating_add(((x + y) % 7) as u8), 255 - g / 2])
    })
}

fn jpeg(img: &image::RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .expect("jpeg");
    out
}

fn seller<'a>(app: &'a TestApp, name: &str, email: &str) -> Client<'a> {
    let c = Client::new(app);
    c.sign_up(name, email, PW);
    c
}

/// Posts a rent ad with these photos; its id, once the photo job has run.
fn post(app: &TestApp, c: &Client<'_>, photos: &[&[u8]]) -> i64 {
    c.get("/ads/new?kind=rent");
    let files: Vec<(&str, &str, &str, &[u8])> =
        photos.iter().map(|p| ("photos", "photo.jpg", "image/jpeg", *p)).collect();
    let r = c.post_multipart("/ads/new?kind=rent", &rent_fields(), &files);
    assert_eq!(r.status, 303, "{}", r.body.chars().take(2000).collect::<String>());
    app.drain();
    app.db().query_row("SELECT max(id) FROM ads", [], |r| r.get(0)).expect("ad")
}

/// The ad named by the ad's open "similar photos" flag, if flagged.
fn flagged_with(app: &TestApp, ad: i64) -> Option<i64> {
    app.db()
        .query_row(
            "SELECT similar_ad_id FROM flags WHERE target_kind = 'ad' AND target_id = ?1
               AND reason = 'photos' AND resolved_at IS NULL",
            [ad],
            |r| r.get(0),
        )
        .ok()
}

fn path(app: &TestApp, ad: i64) -> String {
    let slug: String =
        app.db().query_row("SELECT slug FROM ads WHERE id = ?1", [ad], |r| r.get(0)).expect("slug");
    format!("/ad/{ad}-{slug}")
}

#[test]
fn another_sellers_photo_flags_the_new_ad_and_buyers_see_where_it_is() {
    let app = spawn_app();
    let photo = scene(1200, 900, 1);
    let original = jpeg(&photo, 90);
    let other_photo = jpeg(&scene(1200, 900, 4), 90);

    let aliya = seller(&app, "Алия", "aliya@example.kz");
    let first = post(&app, &aliya, &[&original, &other_photo]);
    let hashed: i64 = app
        .db()
        .query_row(
            "SELECT count(*) FROM ad_photos WHERE ad_id = ?1 AND phash IS NOT NULL",
            [first],
            |r| r.get(0),
        )
        .expect("n");
    assert_eq!(hashed, 2, "the photo job hashes every photo");
    assert_eq!(flagged_with(&app, first), None, "nothing to compare with yet");
    // the same seller again with the same photo: theirs to repeat
    let again = post(&app, &aliya, &[&original]);
    assert_eq!(flagged_with(&app, again), None, "a seller's own photos are not duplicates");

    // another seller, the same file
    let bolat = seller(&app, "Болат", "bolat@example.kz");
    let copy = post(&app, &bolat, &[&original]);
    assert_eq!(flagged_with(&app, copy), Some(first), "the nearest other ad, the oldest first");
    // a third seller, a smaller copy saved again at a lower quality
    let small = image::imageops::resize(&photo, 720, 540, image::imageops::FilterType::Triangle);
    let recoded = jpeg(&small, 60);
    assert_ne!(recoded, original);
    let dana = seller(&app, "Дана", "dana@example.kz");
    let resized = post(&app, &dana, &[&recoded]);
    assert_eq!(flagged_with(&app, resized), Some(first), "a resized re-encoded copy is found");
    // a fourth seller, a different photo
    let erlan = seller(&app, "Ерлан", "erlan@example.kz");
    let different = post(&app, &erlan, &[&jpeg(&scene(1200, 900, 9), 90)]);
    assert_eq!(flagged_with(&app, different), None);
    let flags: i64 =
        app.db().query_row("SELECT count(*) FROM flags", [], |r| r.get(0)).expect("flags");
    assert_eq!(flags, 2, "the copy and the resized copy only");

    // staff see the reason and the other ad in the queue
    let staff = pages::staff(&app, "Модератор");
    let queue = app.get_with("/admin/reports", &[("cookie", &session(&app.db(), staff))]);
    let chip = queue.one(&format!("[data-target=\"ad:{copy}\"] .similar-photos"));
    assert!(chip.text.contains("похожие фото"), "{}", chip.text);
    let link = queue.one(&format!("[data-target=\"ad:{copy}\"] .similar-photos a"));
    assert_eq!(link.attr("href"), Some(path(&app, first).as_str()));

    // buyers of the copy read a neutral note with the link; its owner and the original's
    // buyers do not
    let buyer_page = app.get(&path(&app, copy));
    let note = buyer_page.one("#photos-elsewhere");
    assert!(note.text.contains("Похожие фото есть в другом объявлении"), "{}", note.text);
    let first_path = path(&app, first);
    assert_eq!(buyer_page.one("#photos-elsewhere a").attr("href"), Some(first_path.as_str()));
    let bolat_id: i64 = app
        .db()
        .query_row("SELECT owner_id FROM ads WHERE id = ?1", [copy], |r| r.get(0))
        .expect("owner");
    let own = app.get_with(&path(&app, copy), &[("cookie", &session(&app.db(), bolat_id))]);
    assert_eq!(own.count("#photos-elsewhere"), 0, "not shown to the ad's own seller");
    assert_eq!(app.get(&first_path).count("#photos-elsewhere"), 0, "the first ad is not a copy");

    // the link only ever leads to a published ad
    let db = app.db();
    db.execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [first]).expect("unpublish");
    let again_path = path(&app, again);
    assert_eq!(
        app.get(&path(&app, copy)).one("#photos-elsewhere a").attr("href"),
        Some(again_path.as_str()),
        "the next one with the photo"
    );
    db.execute("UPDATE ads SET is_active = 0 WHERE id = ?1", [again]).expect("unpublish");
    assert_eq!(app.get(&path(&app, copy)).count("#photos-elsewhere"), 0, "none published");
    // the resized copy still points at the copy of the other seller, which is published
    assert_eq!(
        app.get(&path(&app, resized)).one("#photos-elsewhere a").attr("href"),
        Some(path(&app, copy).as_str())
    );
}
