//! Who may do what, in one table: every route of `uzmat::web::router()` with each of its methods
//! × (anonymous, owner, other user, staff) → the status each gets. The routes are read from the
//! router itself (`routes`), so a route or method added there without a row here fails. Every
//! POST is also sent without a token and with another visitor's token (403 whoever sends it), and
//! every route without GET is asked for with GET (405 whoever asks).

pub(crate) mod routes;
mod world;

use std::collections::BTreeMap;

use crate::ads_posting::{jpeg, rent_fields};
use crate::support::client::Client;
use crate::support::spawn_app;
use routes::{Patterns, routes_of};
use world::{World, cargo};

const ACTORS: [&str; 4] = ["anonymous", "owner", "other", "staff"];
/// What a row expects of [anonymous, owner, other, staff].
type Expect = [u16; 4];

/// How a row's request is sent.
enum How {
    Get,
    /// An urlencoded POST of these fields.
    Form(Vec<(&'static str, String)>),
    /// A multipart POST: text fields and (field, bytes) files.
    Multipart(Vec<(&'static str, String)>, Vec<(&'static str, Vec<u8>)>),
}

impl How {
    fn method(&self) -> &'static str {
        if let How::Get = self { "GET" } else { "POST" }
    }

    /// Sends it as `c`; a POST carries `token` as its CSRF token (none at all if `None`).
    fn send(&self, c: &Client<'_>, path: &str, token: Option<&str>) -> u16 {
        let (How::Form(fields) | How::Multipart(fields, _)) = self else {
            return c.get(path).status;
        };
        let mut form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        form.extend(token.map(|t| ("csrf_token", t)));
        match self {
            How::Multipart(_, files) => {
                let files: Vec<(&str, &str, &str, &[u8])> =
                    files.iter().map(|(f, b)| (*f, "p.jpg", "image/jpeg", &b[..])).collect();
                c.post_multipart_raw(path, &form, &files).status
            }
            _ => c.post_raw(path, &form, &[]).status,
        }
    }
}

/// Where a row's request goes: one path, or a new thing for each actor (when acting on it
/// changes it: a delete, a publish).
enum Target<'a> {
    At(String),
    Fresh(Box<dyn Fn() -> String + 'a>),
}

/// One row: a request, and the status each actor gets.
struct Row<'a> {
    how: How,
    target: Target<'a>,
    expect: Expect,
    /// Sent through the trusted proxy for this client IP instead of from loopback.
    from_ip: Option<&'static str>,
    /// A call from outside the site (a payment provider's callback): signed by its own rules,
    /// so it carries no form token.
    external: bool,
}

fn get(path: impl Into<String>, expect: Expect) -> Row<'static> {
    Row { how: How::Get, target: Target::At(path.into()), expect, from_ip: None, external: false }
}

fn post<'a>(target: Target<'a>, form: &[(&'static str, &str)], expect: Expect) -> Row<'a> {
    let form = form.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    Row { how: How::Form(form), target, expect, from_ip: None, external: false }
}

fn multipart<'a>(target: Target<'a>, how: How, expect: Expect) -> Row<'a> {
    Row { how, target, expect, from_ip: None, external: false }
}

fn at(path: impl Into<String>) -> Target<'static> {
    Target::At(path.into())
}

#[test]
fn every_route_by_actor() {
    let app = spawn_app();
    let routes =
        routes_of(&uzmat::web::router(app.state.clone())).unwrap_or_else(|e| panic!("{e}"));
    let w = World::new(&app);
    // the owner's things in each state the rules tell apart
    let owner = w.users[0];
    let active = w.ad("active");
    let (public, public_photo) = w.ad_with_photo("active");
    let (paused, paused_photo) = w.ad_with_photo("paused");
    let (blocked, blocked_photo) = w.ad_with_photo("blocked");
    let upload = w.unsaved_upload();
    std::fs::write(app.dir.path().join("uploads/photos/stray.jpg"), jpeg(8, 8, 1)).expect("stray");
    let freight = w.freight();
    let paused_freight = w.paused_freight();
    // chats: the other user asks the owner about an ad; staff ask about another (so each
    // thread has a non-participant: staff in the first, the other user in the second)
    let chat_ad = w.ad("active");
    let thread = w.thread(chat_ad, 1);
    let by_other = w.message(thread, 1, "Здравствуйте, техника свободна?");
    let by_owner = w.message(thread, 0, "Да, свободна");
    let image = w.image_message(thread);
    let staff_thread = w.thread(w.ad("active"), 2);
    let by_staff = w.message(staff_thread, 2, "Вопрос от модератора");
    let payment = w.payment();
    let badge_request = w.badge_request();
    let (search, unsubscribe) = w.saved_search();
    let (request, _) = w.rental_request();

    let all = [200; 4];
    let signed_in = [303, 200, 200, 200];
    let members = [403, 303, 303, 303];
    let owner_or_staff = [403, 303, 403, 303];
    // the console is not told to exist to anyone but staff
    let staff_only = [404, 404, 404, 200];
    let staff_acts = [404, 404, 404, 303];
    // rows that change what they act on get a new one for each actor
    let world = &w;
    let fresh = move |state: &'static str, action: &'static str| {
        Target::Fresh(Box::new(move || format!("/ad/{}/{action}", world.ad(state))))
    };
    let text = |t: &str| How::Multipart(vec![("text", t.to_owned())], vec![]);
    let rent =
        || How::Multipart(rent_fields().iter().map(|(k, v)| (*k, v.to_string())).collect(), vec![]);
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        // pages for everyone
        get("/", all),
        get("/catalog", all),
        get("/parts", all),
        get("/repair", all),
        get("/search?q=%D0%BA%D1%80%D0%B0%D0%BD", all),
        get("/logistics", all),
        get(format!("/freight/{freight}"), all),
        // an unpublished listing, to its owner and staff only
        get(format!("/freight/{paused_freight}"), [404, 200, 404, 200]),
        get(format!("/seller/{owner}"), all),
        get("/about", all),
        get("/help", all),
        get("/rules", all),
        get("/safety", all),
        get("/privacy", all),
        get("/terms", all),
        get("/sitemap.xml", all),
        get("/sitemaps/1.xml", all),
        get("/sitemaps/2.xml", [404; 4]),
        get("/robots.txt", all),
        get("/healthz", all),
        get("/metrics", all),
        // metrics are for this host and `server.metrics_allow` only
        Row { from_ip: Some("203.0.113.5"), ..get("/metrics", [403; 4]) },
        get(w.stylesheet(), all),
        get("/assets/app.css", [404; 4]),
        get("/nowhere", [404; 4]),
        // an ad: published, to all; unpublished by its owner or by staff, to its owner only
        get(w.ad_page(public), all),
        get(w.ad_page(paused), [404, 200, 404, 200]),
        get(w.ad_page(blocked), [404, 200, 404, 200]),
        // photos: a hidden ad's to its owner and staff; an unsaved upload to its uploader
        get(format!("/media/{public_photo}"), all),
        get(format!("/media/{paused_photo}"), [404, 200, 404, 200]),
        get(format!("/media/{blocked_photo}"), [404, 200, 404, 200]),
        get(format!("/media/{upload}"), [404, 200, 404, 404]),
        get("/media/photos/stray.jpg", [404; 4]),
        // posting and managing ads
        get("/ads/new", signed_in),
        get("/ads/new?kind=sale", signed_in),
        multipart(at("/ads/new?kind=rent"), rent(), members),
        get(format!("/ad/{public}/edit"), [303, 200, 403, 403]),
        // someone else's unpublished ad is not there to edit; staff see it, and may not edit it
        get(format!("/ad/{paused}/edit"), [303, 200, 404, 403]),
        multipart(Target::Fresh(Box::new(|| format!("/ad/{}/edit", world.ad("active")))), rent(),
                  [403, 303, 403, 403]),
        // an unpublished ad is not there for other users: 404, not 403
        post(fresh("paused", "activate"), &[], [403, 303, 404, 303]),
        // staff unpublished it: only staff publish it again
        post(fresh("blocked", "activate"), &[], [403, 403, 404, 303]),
        post(fresh("paused", "delete"), &[], [403, 303, 404, 303]),
        post(fresh("active", "deactivate"), &[], owner_or_staff),
        post(fresh("active", "delete"), &[], owner_or_staff),
        post(at(format!("/ad/{active}/favorite")), &[], members),
        // a hidden ad is nobody else's to favorite
        post(at(format!("/ad/{paused}/favorite")), &[], [403, 303, 404, 404]),
        // the phone, asked for: anyone who may see the ad
        post(at(format!("/ad/{active}/phone")), &[], all),
        post(at(format!("/ad/{paused}/phone")), &[], [404, 200, 404, 200]),
        get("/favorites", signed_in),
        get("/my/ads", signed_in),
        // statistics: the signed-in user's own ads; one ad of someone else's is not there
        get("/my/stats", signed_in),
        get(format!("/my/stats?ad={active}"), [303, 200, 404, 404]),
        get(format!("/my/stats?ad={paused}"), [303, 200, 404, 404]),
        // freight
        get("/logistics/new", signed_in),
        post(at("/logistics/new"), &cargo(), members),
        post(Target::Fresh(Box::new(|| format!("/freight/{}/delete", world.freight()))), &[],
             owner_or_staff),
        post(Target::Fresh(Box::new(|| format!("/freight/{}/delete", world.paused_freight()))), &[],
             [403, 303, 404, 303]),
        // edits, publishing and unpublishing: the owner's only (staff see it, and may not)
        get(format!("/freight/{freight}/edit"), [303, 200, 403, 403]),
        get(format!("/freight/{paused_freight}/edit"), [303, 200, 404, 403]),
        post(at(format!("/freight/{freight}/edit")), &cargo(), [403, 303, 403, 403]),
        post(Target::Fresh(Box::new(|| format!("/freight/{}/deactivate", world.freight()))), &[],
             [403, 303, 403, 403]),
        post(Target::Fresh(Box::new(|| format!("/freight/{}/activate", world.paused_freight()))), &[],
             [403, 303, 404, 403]),
        // accounts
        get("/signup", [200, 303, 303, 303]),
        // signed in, a second account is not made: back to the account
        post(at("/signup"), &[("email", "not an address")], [422, 303, 303, 303]),
        get("/login", [200, 303, 303, 303]),
        post(at("/login"), &[("email", "nobody@example.kz"), ("password", "wrong")], [422; 4]),
        post(at("/logout"), &[], [303; 4]),
        get("/password/forgot", all),
        post(at("/password/forgot"), &[("email", "nobody@example.kz")], all),
        get(w.reset_link(), all),
        get("/password/reset/bogus", [400; 4]),
        post(at("/password/reset/bogus"), &[("password", "a fine new password")], [400; 4]),
        get("/verify-email/bogus", [400; 4]),
        get("/verify-email/resend", all),
        // a new confirmation mail: signed in, to one's own address (back, with a flash); signed
        // out, to the typed one (none here: 422)
        post(at("/verify-email/resend"), &[], [422, 303, 303, 303]),
        get("/account", signed_in),
        post(at("/account"), &[("name", "Новое имя")], members),
        multipart(at("/account/avatar"), How::Multipart(vec![], vec![("avatar", jpeg(64, 64, 30))]),
                  members),
        get("/account/password", signed_in),
        post(at("/account/password"), &[("current_password", "wrong"), ("password", "x")],
             [403, 422, 422, 422]),
        post(at("/account/delete"), &[("password", "wrong")], [403, 422, 422, 422]),
        get("/account/export", signed_in),
        post(at("/prefs"), &[("theme", "light")], [303; 4]),
        // chats: a thread and its images to its participants only (others: 404)
        post(at(format!("/ad/{chat_ad}/chat")), &[], [403, 422, 303, 303]),
        post(at(format!("/ad/{paused}/chat")), &[], [403, 422, 404, 404]),
        get("/chats", signed_in),
        get("/chats?support=1", signed_in),
        // the socket answers only a page of this site (Origin); the test client sends none
        get("/chats/live", [403; 4]),
        get(format!("/chats/{thread}"), [303, 200, 200, 404]),
        get(format!("/chats/{staff_thread}"), [303, 200, 404, 200]),
        get(format!("/chats/{thread}/images/{image}"), [303, 200, 200, 404]),
        get(format!("/chats/{thread}/images/nothing.jpg"), [303, 404, 404, 404]),
        // chat images are never served as public media
        get(format!("/media/chats/{image}"), [404; 4]),
        multipart(at(format!("/chats/{thread}/messages")), text("Ещё вопрос"), [403, 303, 303, 404]),
        multipart(at(format!("/chats/{staff_thread}/messages")), text("Ответ"), [403, 303, 404, 303]),
        post(at(format!("/chats/{thread}/read")), &[], [403, 303, 303, 404]),
        // edits by the author only; staff remove any message, edit only their own
        post(at(format!("/messages/{by_other}/edit")), &[("text", "Исправлено")], [403, 403, 303, 404]),
        post(at(format!("/messages/{by_staff}/edit")), &[("text", "Исправлено")], [403, 403, 404, 303]),
        post(Target::Fresh(Box::new(|| format!("/messages/{}/delete", world.message(thread, 1, "x")))),
             &[], [403, 403, 303, 303]),
        post(Target::Fresh(Box::new(|| format!("/messages/{}/delete", world.message(staff_thread, 2, "y")))),
             &[], [403, 403, 404, 303]),
        // a report of someone else's message, by a participant
        post(at(format!("/messages/{by_owner}/report")), &[("reason", "spam")], [403, 403, 303, 404]),
        post(at("/support"), &[], members),
        post(Target::Fresh(Box::new(|| format!("/users/{}/block", world.bystander()))), &[], members),
        post(Target::Fresh(Box::new(|| format!("/users/{}/unblock", world.bystander()))), &[], members),
        // money: an ad's promotion is its owner's; a payment its buyer's (and staff's)
        get(format!("/ad/{active}/promote"), [303, 200, 403, 403]),
        post(Target::Fresh(Box::new(|| format!("/ad/{}/promote", world.ad("active")))), &[("plan", "gold")],
             [403, 303, 403, 403]),
        get(format!("/payments/{payment}"), [303, 200, 404, 200]),
        get("/payments/nosuchpayment", [303, 404, 404, 404]),
        post(Target::Fresh(Box::new(|| format!("/payments/{}/cancel", world.payment()))), &[],
             [403, 303, 404, 404]),
        get("/account/payments", signed_in),
        // Click's callbacks: answered only when Click is the provider (tests/it/click.rs)
        Row { external: true, ..post(at("/payments/click/prepare"), &[("action", "0")], [404; 4]) },
        Row { external: true, ..post(at("/payments/click/complete"), &[("action", "1")], [404; 4]) },
        get("/badge", signed_in),
        multipart(at("/badge"), How::Multipart(
            vec![("kind", "individual".into()), ("full_name", "Иван Петров".into())],
            vec![("document", jpeg(64, 48, 20))]), members),
        get("/admin/payments", staff_only),
        get("/admin/payments?state=paid&provider=manual&item=plan", staff_only),
        get("/admin/payments?state=bogus", [404, 404, 404, 400]),
        post(Target::Fresh(Box::new(|| format!("/admin/payments/{}/paid", world.payment()))), &[],
             staff_acts),
        get("/admin/badges", staff_only),
        post(Target::Fresh(Box::new(|| format!("/admin/badges/{}/approve", world.badge_request()))),
             &[("comment", "Документ совпадает")], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/badges/{}/reject", world.badge_request()))),
             &[("comment", "Фото нечитаемо")], staff_acts),
        get(format!("/admin/badges/{badge_request}/document"), staff_only),
        // moderation: users report ads and sellers; staff work the queue (everyone else: 404)
        post(at(format!("/ad/{active}/report")), &[("reason", "spam")], [403, 422, 303, 303]),
        post(at(format!("/ad/{paused}/report")), &[("reason", "spam")], [403, 422, 404, 303]),
        post(at(format!("/users/{owner}/report")), &[("reason", "fraud")], [403, 422, 303, 303]),
        get("/admin/reports", staff_only),
        post(at("/admin/reports/dismiss"), &[("kind", "ad"), ("id", &active.to_string())], staff_acts),
        get("/admin/review", staff_only),
        get("/admin/ads", staff_only),
        get("/admin/ads?q=JCB", staff_only),
        post(Target::Fresh(Box::new(|| format!("/admin/ads/{}/hide", world.ad("active")))),
             &[("text", "Запрещённый товар")], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/ads/{}/unhide", world.ad("blocked")))), &[], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/ads/{}/approve", world.ad("paused")))), &[], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/ads/{}/reject", world.ad("paused")))),
             &[("text", "Нет фото техники")], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/ads/{}/plan", world.ad("active")))), &[("plan", "vip")],
             staff_acts),
        get("/admin/users", staff_only),
        get("/admin/users?q=owner", staff_only),
        get(format!("/admin/users/{owner}"), staff_only),
        get("/admin/users/999999", [404; 4]),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/warn", world.bystander()))),
             &[("text", "Не публикуйте чужие фото")], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/ban", world.bystander()))),
             &[("text", "Мошенничество")], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/unban", world.banned()))), &[], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/staff", world.bystander()))), &[], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/unstaff", world.bystander()))), &[], staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/verify-email", world.bystander()))), &[],
             staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/sign-out", world.bystander()))), &[],
             staff_acts),
        post(Target::Fresh(Box::new(|| format!("/admin/users/{}/explode", world.bystander()))), &[],
             [404; 4]),
        get("/admin/audit", staff_only),
        get("/admin/audit?action=user:ban", staff_only),
        get("/admin/audit?action=bogus", [404, 404, 404, 400]),
        get("/admin/broadcast", staff_only),
        post(at("/admin/broadcast"), &[("text", "Плановые работы ночью"), ("audience", "country:kz")],
             staff_acts),
        // saved searches: saved by anyone signed in, changed by their owner only (others: 404);
        // the unsubscribe link of an alert mail works for whoever holds it, signed in or not
        post(at("/searches"), &[("section", "catalog"), ("query", "type=кран"), ("frequency", "daily")],
             members),
        get("/my/searches", signed_in),
        post(at(format!("/my/searches/{search}/rename")), &[("name", "Краны 25 т")], [403, 303, 404, 404]),
        post(at(format!("/my/searches/{search}/frequency")), &[("frequency", "instant")],
             [403, 303, 404, 404]),
        post(at(format!("/my/searches/{search}/pause")), &[], [403, 303, 404, 404]),
        post(at(format!("/my/searches/{search}/resume")), &[], [403, 303, 404, 404]),
        post(Target::Fresh(Box::new(|| format!("/my/searches/{}/delete", world.saved_search().0))), &[],
             [403, 303, 404, 404]),
        get(format!("/searches/{search}/unsubscribe?t={unsubscribe}"), all),
        get(format!("/searches/{search}/unsubscribe?t=forged"), [400; 4]),
        post(at(format!("/searches/{search}/unsubscribe")), &[("t", &unsubscribe), ("action", "pause")],
             [303; 4]),
        // rental requests: read by all, posted by anyone signed in (a bad form: 422), quoted by
        // an owner of a matching rent ad (the other user here, once: then 422; the author 422;
        // staff with no such ad 403), accepted, closed and deleted by their author only
        get("/requests", all),
        get("/requests?type=%D0%BA%D1%80%D0%B0%D0%BD&country=kz", all),
        get(format!("/requests/{request}"), all),
        get("/requests/new", signed_in),
        post(at("/requests/new"), &[("equipment_type", "луноход")], [403, 422, 422, 422]),
        get("/my/requests", signed_in),
        post(Target::Fresh(Box::new(|| format!("/requests/{}/quote", world.rental_request().0))),
             &[("price", "90000"), ("currency", "KZT"), ("unit", "day"), ("available", "всегда")],
             [403, 422, 422, 403]),
        post(Target::Fresh(Box::new(|| format!("/quotes/{}/accept", world.rental_request().1))), &[],
             [403, 303, 404, 404]),
        post(Target::Fresh(Box::new(|| format!("/requests/{}/close", world.rental_request().0))), &[],
             [403, 303, 403, 403]),
        post(Target::Fresh(Box::new(|| format!("/requests/{}/delete", world.rental_request().0))), &[],
             [403, 303, 403, 403]),
        // staff
        get("/admin", staff_only),
    ];

    // the token of a visitor who is none of the actors
    let stranger = Client::new(&app);
    stranger.get("/about");
    let forged = stranger.csrf();
    let mut wrong = Vec::new();
    // (method, route pattern) → a path the table sent it to
    let patterns = Patterns::new(&routes);
    let mut covered: BTreeMap<(&str, String), String> = BTreeMap::new();
    for row in &table {
        for (i, actor) in ACTORS.iter().enumerate() {
            let path = match &row.target {
                Target::At(p) => p.clone(),
                Target::Fresh(make) => make(),
            };
            let mut c = w.client(i);
            c.headers.extend(row.from_ip.map(|ip| ("x-forwarded-for".into(), ip.into())));
            let method = row.how.method();
            // without a token a POST is refused (403) by whoever sends it, unless the route
            // is not there at all for this actor (staff's console: 404 before any token check)
            if method == "POST" {
                c.get("/about");
            }
            if method == "POST" && !row.external && row.expect[i] != 404 {
                for (how, token) in
                    [("without a token", None), ("with another visitor's token", Some(&forged))]
                {
                    let status = row.how.send(&c, &path, token.map(String::as_str));
                    if status != 403 {
                        wrong.push(format!("POST {path} as {actor} {how}: {status}, not 403"));
                    }
                }
            }
            let status = row.how.send(&c, &path, Some(&c.csrf()));
            if status != row.expect[i] {
                wrong.push(format!("{method} {path} as {actor}: {status}, not {}", row.expect[i]));
            }
            covered.insert((method, patterns.of(&path)), path);
        }
    }
    // a route without GET is no page: GET on it is 405, whoever asks
    for r in routes.iter().filter(|r| !r.methods.contains(&"GET")) {
        let sent = r.methods.iter().find_map(|m| covered.get(&(*m, r.pattern.clone())));
        let Some(path) = sent else { continue };
        for (i, actor) in ACTORS.iter().enumerate() {
            let status = w.client(i).get(path).status;
            if status != 405 {
                wrong.push(format!("GET {path} as {actor}: {status}, not 405"));
            }
        }
    }

    let pairs: Vec<(&str, &str)> = routes
        .iter()
        .flat_map(|r| r.methods.iter().map(move |m| (*m, r.pattern.as_str())))
        .collect();
    let missing: Vec<String> = pairs
        .iter()
        .filter(|(m, p)| !covered.contains_key(&(*m, (*p).to_owned())))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    eprintln!(
        "access table: {} rows × {} actors over {} routes, {} route × method pairs of router()",
        table.len(),
        ACTORS.len(),
        routes.len(),
        pairs.len()
    );
    assert!(
        wrong.is_empty() && missing.is_empty(),
        "wrong statuses:\n  {}\nroutes × methods of router() without a row in the access table:\n  {}",
        wrong.join("\n  "),
        missing.join("\n  "),
    );
}
