//! The access table's world: the owner, another user and staff, and the owner's things in each
//! state the rules tell apart.

use rusqlite::Connection;

use crate::ads_posting::{jpeg, rent_fields};
use crate::support::TestApp;
use crate::support::build::{Ad, session};
use crate::support::client::Client;

const PW: &str = "ковш и стрела 2024";

/// The users and a connection to make things with.
pub struct World<'a> {
    pub app: &'a TestApp,
    pub db: Connection,
    /// Ids of the owner, the other user and staff.
    pub users: [i64; 3],
}

impl<'a> World<'a> {
    /// Signs up the owner, the other user and staff.
    pub fn new(app: &'a TestApp) -> Self {
        let users = ["Owner", "Other", "Staff"].map(|name| {
            let email = format!("{}@example.kz", name.to_lowercase());
            Client::new(app).sign_up(name, &email, PW);
            app.db()
                .query_row("SELECT id FROM users WHERE email = ?1", [&email], |r| r.get(0))
                .expect("user id")
        });
        let db = app.db();
        db.execute("UPDATE users SET is_staff = 1 WHERE id = ?1", [users[2]]).expect("staff");
        World { app, db, users }
    }

    /// A new visitor for actor `i` (anonymous, owner, other, staff): signed-in actors get a new
    /// session of their own, made in the database, so a sign-out in one row signs out no other.
    pub fn client(&self, i: usize) -> Client<'a> {
        let c = Client::new(self.app);
        if i > 0 {
            let cookie = session(&self.db, self.users[i - 1]);
            let (name, value) = cookie.split_once('=').expect("cookie");
            c.cookies.borrow_mut().insert(name.to_owned(), value.to_owned());
        }
        c
    }

    /// The owner, with a form token.
    fn owner(&self) -> Client<'a> {
        let c = self.client(1);
        c.get("/about");
        c
    }

    /// An ad of the owner made in the database: "active", "paused" (by its owner) or
    /// "blocked" (unpublished by staff).
    pub fn ad(&self, state: &str) -> i64 {
        let mut ad = Ad::new(self.users[0], "Экскаватор-погрузчик JCB 3CX", 10);
        ad.kind = "rent";
        ad.active = state == "active";
        let id = ad.insert(&self.db);
        if state == "blocked" {
            self.db
                .execute("UPDATE ads SET blocked_at = ?1 WHERE id = ?2", (uzmat::db::now(), id))
                .expect("block");
        }
        id
    }

    /// An ad of the owner posted with a photo, then put in `state` as [`World::ad`] does;
    /// returns its id and the photo's card size.
    pub fn ad_with_photo(&self, state: &str) -> (i64, String) {
        let owner = self.owner();
        owner.get("/ads/new?kind=rent");
        let photo = jpeg(320, 240, 70);
        let r = owner.post_multipart(
            "/ads/new?kind=rent",
            &rent_fields(),
            &[("photos", "p.jpg", "image/jpeg", &photo)],
        );
        assert_eq!(r.status, 303, "posting failed");
        self.app.drain();
        let (id, card): (i64, String) = self
            .db
            .query_row(
                "SELECT ad_id, card_path FROM ad_photos WHERE ad_id = (SELECT max(id) FROM ads)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("photo");
        let blocked_at = (state == "blocked").then(uzmat::db::now);
        self.db
            .execute(
                "UPDATE ads SET is_active = ?1, blocked_at = ?2 WHERE id = ?3",
                (state == "active", blocked_at, id),
            )
            .expect("state");
        (id, card)
    }

    /// A photo the owner uploaded with a form that was refused: kept for the fixed form only.
    pub fn unsaved_upload(&self) -> String {
        let owner = self.owner();
        owner.get("/ads/new?kind=rent");
        let mut form = rent_fields();
        form.retain(|(k, _)| *k != "title");
        let photo = jpeg(200, 150, 9);
        let r = owner.post_multipart(
            "/ads/new?kind=rent",
            &form,
            &[("photos", "a.jpg", "image/jpeg", &photo)],
        );
        assert_eq!(r.status, 422, "the form is refused and keeps the upload");
        self.db
            .query_row("SELECT path FROM photo_uploads ORDER BY rowid DESC LIMIT 1", [], |r| {
                r.get(0)
            })
            .expect("upload")
    }

    /// The ad page's path.
    pub fn ad_page(&self, id: i64) -> String {
        let slug: String = self
            .db
            .query_row("SELECT slug FROM ads WHERE id = ?1", [id], |r| r.get(0))
            .expect("ad");
        format!("/ad/{id}-{slug}")
    }

    /// A freight listing of the owner.
    pub fn freight(&self) -> i64 {
        let r = self.owner().post("/logistics/new", &cargo());
        assert_eq!(r.status, 303, "freight not posted");
        r.header("location").and_then(|l| l.rsplit('/').next()?.parse().ok()).expect("id")
    }

    /// A freight listing of the owner, unpublished by them.
    pub fn paused_freight(&self) -> i64 {
        let id = self.freight();
        self.db.execute("UPDATE freight_ads SET is_active = 0 WHERE id = ?1", [id]).expect("pause");
        id
    }

    /// The link of a password reset mailed to the owner, asked for from another IP (the
    /// table's own asks count against loopback's hourly limit).
    pub fn reset_link(&self) -> String {
        let c = Client::from_ip(self.app, "192.0.2.50");
        c.get("/password/forgot");
        assert_eq!(c.post("/password/forgot", &[("email", "owner@example.kz")]).status, 200);
        self.app.drain();
        let mail: String = self
            .db
            .query_row(
                "SELECT body FROM outbox WHERE to_addr = 'owner@example.kz'
                   AND body LIKE '%/password/reset/%'",
                [],
                |r| r.get(0),
            )
            .expect("reset mail");
        let at = mail.find("/password/reset/").expect("link");
        mail[at..].split_whitespace().next().expect("link").to_owned()
    }

    /// A thread of `buyer` (1 other, 2 staff) about the owner's ad `ad`.
    pub fn thread(&self, ad: i64, buyer: usize) -> i64 {
        crate::support::build::chat_thread(&mut self.app.db(), ad, self.users[buyer])
    }

    /// A message from `from` (0 owner, 1 other, 2 staff) into `thread`.
    pub fn message(&self, thread: i64, from: usize, text: &str) -> i64 {
        let ring = &self.app.state.chat_keys;
        crate::support::build::chat_send(&mut self.app.db(), ring, thread, self.users[from], text)
    }

    /// A message with an image from the buyer `other` into `thread`, sent over HTTP; the
    /// image's name.
    pub fn image_message(&self, thread: i64) -> String {
        let other = self.client(2);
        other.get(&format!("/chats/{thread}"));
        let photo = jpeg(120, 90, 40);
        let r = other.post_multipart(
            &format!("/chats/{thread}/messages"),
            &[("text", "Фото ковша")],
            &[("images", "k.jpg", "image/jpeg", &photo)],
        );
        assert_eq!(r.status, 303, "image message not sent: {}", r.body);
        self.db
            .query_row("SELECT name FROM chat_images WHERE thread_id = ?1", [thread], |r| r.get(0))
            .expect("image")
    }

    /// A saved search of the owner's (made through the domain, as a save would); its id and
    /// the unsubscribe token its alert mails carry.
    pub fn saved_search(&self) -> (i64, String) {
        use uzmat::domain::alerts;
        let query = format!("q=кран{}", fastrand::u32(..));
        let saved = alerts::actions::save(
            &mut self.app.db(),
            uzmat::domain::ids::UserId(self.users[0]),
            uzmat::domain::ads::Section::Catalog,
            &query,
            "Краны",
            alerts::Frequency::Daily,
            uzmat::db::now(),
        )
        .expect("db")
        .expect("saved");
        let alerts::actions::Saved::New(id) = saved else { panic!("a new search") };
        let search = alerts::get(&self.db, id).expect("db").expect("search");
        (id.get(), alerts::unsubscribe_token(&self.app.state.key, &search))
    }

    /// An open rental request of the owner's, and a quote on it by the other user (who gets a
    /// matching rent ad for it); their ids.
    pub fn rental_request(&self) -> (i64, i64) {
        use uzmat::domain::requests;
        let owner = uzmat::domain::ids::UserId(self.users[0]);
        let form = |pairs: &[(&str, &str)]| -> std::collections::HashMap<String, String> {
            pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
        };
        let now = uzmat::db::now();
        let today = requests::day_of(now);
        // five open at most: the rows before made theirs
        self.db
            .execute("UPDATE rental_requests SET status = 'closed' WHERE user_id = ?1", [owner])
            .expect("close earlier requests");
        let new = requests::parse(
            &form(&[
                ("equipment_type", "экскаватор"),
                ("country", "kz"),
                ("city", "Алматы"),
                ("start_date", &today),
                ("days", "2"),
                ("body", "Нужен экскаватор"),
            ]),
            &today,
        )
        .expect("valid request");
        let id = requests::actions::post(&mut self.app.db(), owner, &new, now)
            .expect("db")
            .expect("posted");
        let mut ad = Ad::new(self.users[1], "Экскаватор в аренду", 10);
        ad.kind = "rent";
        ad.insert(&self.db);
        let q = requests::parse_quote(&form(&[
            ("price", "100000"),
            ("currency", "KZT"),
            ("unit", "day"),
            ("available", "завтра"),
        ]))
        .expect("valid quote");
        let ring = &self.app.state.chat_keys;
        let uid = uzmat::domain::ids::UserId(self.users[1]);
        let quoted = requests::actions::quote(&mut self.app.db(), ring, uid, id, &q, now)
            .expect("db")
            .expect("quoted");
        (id.get(), quoted.id.get())
    }

    /// A user nobody else uses (to block and unblock).
    pub fn bystander(&self) -> i64 {
        crate::support::build::user(&self.db, "Bystander", None)
    }

    /// A pending manual payment of the owner for a GOLD plan on a new ad of theirs.
    pub fn payment(&self) -> String {
        let ad = uzmat::domain::ids::AdId(self.ad("active"));
        let owner = crate::support::build::as_user(self.users[0]);
        let plans = &self.app.state.config.plans;
        uzmat::domain::payments::ledger::buy_plan(
            &mut self.app.db(),
            &owner,
            ad,
            uzmat::domain::ads::Plan::Gold,
            uzmat::domain::payments::ProviderId::Manual,
            plans,
            uzmat::db::now(),
        )
        .expect("db")
        .expect("bought")
    }

    /// A paid badge request of a new user, waiting for staff; its id.
    pub fn badge_request(&self) -> i64 {
        let cfg = &self.app.state.config;
        let mut db = self.app.db();
        let other = uzmat::domain::ids::UserId(self.bystander());
        let req =
            uzmat::domain::badges::NewRequest::parse("individual", "Другой Пользователь", "", "")
                .expect("request");
        let doc = "badge-docs/doc.jpg";
        let dir = self.app.dir.path().join("uploads/badge-docs");
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("doc.jpg"), jpeg(40, 30, 5)).expect("doc");
        let now = uzmat::db::now();
        let public = uzmat::domain::badges::request(
            &mut db,
            other,
            &req,
            doc,
            uzmat::domain::geo::Currency::Usd,
            uzmat::domain::payments::ProviderId::Manual,
            &cfg.plans,
            &self.app.state.rates.get(),
            now,
        )
        .expect("db")
        .expect("filed");
        let staff = uzmat::domain::ids::UserId(self.users[2]);
        uzmat::domain::payments::ledger::mark_paid(&mut db, staff, &public, &cfg.plans, now)
            .expect("db")
            .expect("paid");
        db.query_row("SELECT max(id) FROM badge_requests", [], |r| r.get(0)).expect("id")
    }

    /// A banned user (to unban).
    pub fn banned(&self) -> i64 {
        let u = self.bystander();
        self.db
            .execute("UPDATE users SET banned_at = 1, ban_reason = 'спам' WHERE id = ?1", [u])
            .expect("ban");
        u
    }

    /// The stylesheet's hashed URL.
    pub fn stylesheet(&self) -> String {
        let link = self.app.get("/").html().first("link[rel=stylesheet]").expect("stylesheet");
        link.attr("href").expect("href").to_owned()
    }
}

/// A valid cargo listing.
pub fn cargo() -> Vec<(&'static str, &'static str)> {
    crate::freight::cargo(
        "Металлоконструкции 20 т",
        ("kz", "Алматы"),
        ("uz", "Ташкент"),
        "2026-12-05",
    )
}
