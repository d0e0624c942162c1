//! Who may do what: every route so far × (anonymous, user, other user, staff).

use crate::support::build::Ad;
use crate::support::client::Client;
use crate::support::spawn_app;

const PW: &str = "ковш и стрела 2024";

/// (method, path, form, expected status for [anonymous, owner, other, staff])
type Row<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>, [u16; 4]);

#[test]
fn route_by_actor_access_table() {
    let app = spawn_app();
    let owner = Client::new(&app);
    owner.sign_up("Owner", "owner@example.kz", PW);
    let other = Client::new(&app);
    other.sign_up("Other", "other@example.kz", PW);
    let staff = Client::new(&app);
    staff.sign_up("Staff", "staff@example.kz", PW);
    let db = app.db();
    db.execute("UPDATE users SET is_staff = 1 WHERE email = 'staff@example.kz'", [])
        .expect("staff");
    let owner_id: i64 = db
        .query_row("SELECT id FROM users WHERE email = 'owner@example.kz'", [], |r| r.get(0))
        .expect("id");
    let active = Ad::new(owner_id, "Активное", 10).insert(&db);
    let mut hidden = Ad::new(owner_id, "Снятое", 10);
    hidden.active = false;
    let hidden = hidden.insert(&db);
    let anon = Client::new(&app);

    let actors = [("anonymous", &anon), ("owner", &owner), ("other", &other), ("staff", &staff)];
    let active_path = format!("/ad/{active}-ad-{active}");
    let hidden_path = format!("/ad/{hidden}-ad-{hidden}");
    let seller = format!("/seller/{owner_id}");
    // (method, path, form, [anonymous, owner, other, staff])
    let table: Vec<Row> = vec![
        ("GET", "/", vec![], [200, 200, 200, 200]),
        ("GET", "/catalog", vec![], [200, 200, 200, 200]),
        ("GET", "/parts", vec![], [200, 200, 200, 200]),
        ("GET", "/repair", vec![], [200, 200, 200, 200]),
        ("GET", &active_path, vec![], [200, 200, 200, 200]),
        ("GET", &hidden_path, vec![], [404, 200, 404, 404]),
        ("GET", &seller, vec![], [200, 200, 200, 200]),
        ("GET", "/about", vec![], [200, 200, 200, 200]),
        ("GET", "/healthz", vec![], [200, 200, 200, 200]),
        ("GET", "/metrics", vec![], [200, 200, 200, 200]),
        ("GET", "/signup", vec![], [200, 303, 303, 303]),
        ("GET", "/login", vec![], [200, 303, 303, 303]),
        ("GET", "/password/forgot", vec![], [200, 200, 200, 200]),
        ("GET", "/password/reset/bogus", vec![], [400, 400, 400, 400]),
        ("GET", "/verify-email/bogus", vec![], [400, 400, 400, 400]),
        ("GET", "/account", vec![], [303, 200, 200, 200]),
        ("GET", "/account/password", vec![], [303, 200, 200, 200]),
        ("GET", "/account/export", vec![], [303, 200, 200, 200]),
        ("GET", "/admin", vec![], [303, 403, 403, 200]),
        ("POST", "/prefs", vec![("theme", "light")], [303, 303, 303, 303]),
        ("POST", "/account", vec![("name", "Новое имя")], [403, 303, 303, 303]),
        (
            "POST",
            "/account/password",
            vec![("current_password", "wrong"), ("password", "x")],
            [403, 422, 422, 422],
        ),
        ("POST", "/account/delete", vec![("password", "wrong")], [403, 422, 422, 422]),
        (
            "POST",
            "/password/reset/bogus",
            vec![("password", "a fine new password")],
            [400, 400, 400, 400],
        ),
        ("POST", "/logout", vec![], [303, 303, 303, 303]),
    ];
    for (method, path, form, expected) in &table {
        for (i, (name, client)) in actors.iter().enumerate() {
            let status = if *method == "GET" {
                client.get(path).status
            } else {
                client.get("/");
                let status = client.post(path, form).status;
                // without the token every POST is refused, whoever sends it
                let bare = client.post_raw(path, form, &[]).status;
                assert_eq!(bare, 403, "{method} {path} as {name} without CSRF token");
                status
            };
            assert_eq!(status, expected[i], "{method} {path} as {name}");
        }
    }
}
