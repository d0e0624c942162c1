//! A browser-like HTTP client for tests: keeps cookies, picks up the CSRF token of the last
//! page it fetched, never follows redirects by itself.

use std::cell::RefCell;
use std::collections::HashMap;

use super::{BROWSER_UA, Resp, TestApp, agent, read};

/// A visitor with a cookie jar.
pub struct Client<'a> {
    app: &'a TestApp,
    /// Cookies by name.
    pub cookies: RefCell<HashMap<String, String>>,
    csrf: RefCell<Option<String>>,
    /// Extra headers sent with every request (e.g. X-Forwarded-For).
    pub headers: Vec<(String, String)>,
}

impl<'a> Client<'a> {
    /// A new visitor.
    pub fn new(app: &'a TestApp) -> Self {
        Client { app, cookies: RefCell::default(), csrf: RefCell::default(), headers: Vec::new() }
    }

    /// A visitor signed in as `user` through a session made in the database.
    pub fn signed_in(app: &'a TestApp, user: i64) -> Self {
        let c = Self::new(app);
        let cookie = super::build::session(&app.db(), user);
        let (name, value) = cookie.split_once('=').expect("cookie");
        c.cookies.borrow_mut().insert(name.to_owned(), value.to_owned());
        c
    }

    /// A new visitor coming from this IP (through the trusted proxy).
    pub fn from_ip(app: &'a TestApp, ip: &str) -> Self {
        let mut c = Self::new(app);
        c.headers.push(("x-forwarded-for".into(), ip.into()));
        c
    }

    fn cookie_header(&self) -> String {
        self.cookies.borrow().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn absorb(&self, resp: &Resp) {
        for c in resp.header_all("set-cookie") {
            let first = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = first.split_once('=') {
                let expired = c.contains("Max-Age=0") || v.is_empty();
                if expired {
                    self.cookies.borrow_mut().remove(k);
                } else {
                    self.cookies.borrow_mut().insert(k.to_owned(), v.to_owned());
                }
            }
        }
        if resp.is_html()
            && let Some(token) = resp.html().csrf_token()
        {
            *self.csrf.borrow_mut() = Some(token);
        }
    }

    /// The session cookie's value, if any.
    pub fn session(&self) -> Option<String> {
        self.cookies.borrow().get("uzmat_session").cloned()
    }

    /// The CSRF token of the last page.
    pub fn csrf(&self) -> String {
        self.csrf.borrow().clone().unwrap_or_default()
    }

    /// GET.
    pub fn get(&self, path: &str) -> Resp {
        let mut req = agent()
            .get(&self.app.url(path))
            .header("user-agent", BROWSER_UA)
            .header("cookie", &self.cookie_header());
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let resp = read(req.call().expect("request"));
        self.absorb(&resp);
        resp
    }

    /// POST a form with the current CSRF token added (unless the form has one).
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        let token = self.csrf();
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            fields.push(("csrf_token", &token));
        }
        self.post_raw(path, &fields, &[])
    }

    /// POST exactly these fields and extra headers.
    pub fn post_raw(&self, path: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Resp {
        let mut req = agent()
            .post(&self.app.url(path))
            .header("user-agent", BROWSER_UA)
            .header("cookie", &self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded");
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let body = serde_urlencoded::to_string(form).expect("form");
        let resp = read(req.send(body.as_bytes()).expect("request"));
        self.absorb(&resp);
        resp
    }

    /// POST a multipart form: text fields (repeats allowed) and files; the CSRF token is added.
    pub fn post_multipart(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Resp {
        let token = self.csrf();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if !all.iter().any(|(k, _)| *k == "csrf_token") {
            all.push(("csrf_token", &token));
        }
        self.post_multipart_raw(path, &all, files)
    }

    /// POST a multipart form of exactly these fields and files (no token added).
    pub fn post_multipart_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Resp {
        let boundary = "----uzmat-test-boundary";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        for (field, filename, content_type, bytes) in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut req = agent()
            .post(&self.app.url(path))
            .header("user-agent", BROWSER_UA)
            .header("cookie", &self.cookie_header())
            .header("content-type", &format!("multipart/form-data; boundary={boundary}"));
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let resp = read(req.send(&body[..]).expect("request"));
        self.absorb(&resp);
        resp
    }

    /// POST a multipart form with one file field; the CSRF token is added.
    pub fn post_file(
        &self,
        path: &str,
        field: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Resp {
        self.post_multipart(path, &[], &[(field, filename, content_type, bytes)])
    }

    /// Signs up an individual with this e-mail and password and confirms the address through
    /// the link of the mail (as a new user does; unconfirmed users' ads wait); asserts success.
    pub fn sign_up(&self, name: &str, email: &str, password: &str) {
        self.sign_up_unverified(name, email, password);
        self.confirm_email(email);
    }

    /// Opens the newest confirmation link mailed to `email`; asserts it worked.
    pub fn confirm_email(&self, email: &str) {
        let to = uzmat::domain::accounts::Email::parse(email).expect("an e-mail address");
        let body: String = self
            .app
            .db()
            .query_row(
                "SELECT body FROM outbox WHERE to_addr = ?1 AND body LIKE '%/verify-email/%'
                 ORDER BY id DESC LIMIT 1",
                [to.as_str()],
                |r| r.get(0),
            )
            .expect("a confirmation mail");
        let at = body.find("/verify-email/").expect("link");
        let path = body[at..].split_whitespace().next().expect("link").to_owned();
        let r = self.get(&path);
        assert_eq!(r.status, 303, "confirming {email} failed: {}", r.body);
        self.get("/account");
    }

    /// Signs up an individual and leaves the e-mail unconfirmed; asserts success.
    pub fn sign_up_unverified(&self, name: &str, email: &str, password: &str) {
        self.get("/signup");
        let r = self.post(
            "/signup",
            &[
                ("account_type", "individual"),
                ("name", name),
                ("email", email),
                ("password", password),
            ],
        );
        assert_eq!(r.status, 303, "sign-up failed: {}", r.body);
        self.get("/account");
    }

    /// Signs in; returns the response.
    pub fn sign_in(&self, email: &str, password: &str) -> Resp {
        self.get("/login");
        self.post("/login", &[("email", email), ("password", password)])
    }
}
