//! Minimal W3C WebDriver client for browser tests: drives headless Chromium through Debian's chromedriver.
//!
//! Each [`Browser`] owns its own chromedriver process (on a free local port), one WebDriver
//! session and a fresh Chromium profile directory; everything is torn down on drop.
//!
//! Typical use in a test:
//!
//! ```ignore
//! if !support::browser::should_run() { return; }
//! let b = support::browser::Browser::start(1280, 800).expect("start browser");
//! b.goto(&format!("{base}/")).expect("open home page");
//! assert_eq!(b.title().expect("title"), "Uzmat");
//! ```
//!
//! Behaviour worth knowing:
//! * `goto` waits for the load event but does not fail on HTTP errors or unreachable servers
//!   (Chromium shows its own error page); use [`Browser::response_status`] or check content.
//! * Element lookups (`text`, `attr`, `click`, `count`, ...) wait up to 2 s (WebDriver implicit
//!   wait) for a match. So `count(".absent")` returning 0 takes 2 s; use [`Browser::count_now`]
//!   to assert absence without waiting.
//! * `type_into` appends to the field's current value (WebDriver "send keys"); call
//!   [`Browser::clear`] first to replace it.
//! * `eval` takes a function *body*: write `return document.title;`, not `document.title`.
//! * `console_errors` returns all SEVERE browser-log entries, which includes failed network
//!   requests (e.g. a 404 for `/favicon.ico`), not only `console.error(...)` calls.
//! * Sizes are *viewport* sizes: `start(375, 812)` / `set_window_size(375, 812)` leave
//!   `window.innerWidth == 375` and `innerHeight == 812` (checked; an error otherwise). Raw
//!   `--window-size` is not enough in new headless: Chromium 156 keeps the outer window at least
//!   500 px wide and takes ~143 px of height for virtual browser UI, so the outer window is
//!   corrected by the measured difference (`window.outerWidth` may read 500 on phones: ignore it).
//!   There is no mobile emulation: devicePixelRatio is 1, no touch, desktop user agent.
//! * Startup costs ~0.5 s (about 1-1.5 s when several tests start browsers at once); tests may
//!   run in parallel, each `Browser` is independent. If the test process is killed (SIGKILL),
//!   `Drop` cannot run and chromedriver/Chromium are left behind; a panic is fine.
//! * Errors are `String`s that name the step and carry chromedriver's message, e.g.
//!   "find `#x`: WebDriver POST /session/…/element: HTTP 404: no such element: Unable to
//!   locate element: ...", so `.expect("...")` output says what went wrong.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// WebDriver key codes for [`Browser::press`] (the W3C spec's table of normalized keys).
pub mod keys {
    /// Tab.
    pub const TAB: &str = "\u{E004}";
    /// Enter (the main keyboard's Return).
    pub const ENTER: &str = "\u{E007}";
    /// Shift (left).
    pub const SHIFT: &str = "\u{E008}";
    /// Escape.
    pub const ESCAPE: &str = "\u{E00C}";
    /// The space bar.
    pub const SPACE: &str = "\u{E00D}";
    /// Arrow left.
    pub const LEFT: &str = "\u{E012}";
    /// Arrow up.
    pub const UP: &str = "\u{E013}";
    /// Arrow right.
    pub const RIGHT: &str = "\u{E014}";
    /// Arrow down.
    pub const DOWN: &str = "\u{E015}";

    /// A key's name for messages.
    pub fn name(key: &str) -> &str {
        match key {
            TAB => "Tab",
            ENTER => "Enter",
            SHIFT => "Shift",
            ESCAPE => "Escape",
            SPACE => "Space",
            LEFT => "ArrowLeft",
            UP => "ArrowUp",
            RIGHT => "ArrowRight",
            DOWN => "ArrowDown",
            other => other,
        }
    }
}

/// Path of the Chromium binary (Debian's launcher script).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Path of Debian's chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Set to `1` to skip browser tests (see [`should_run`]).
pub const SKIP_ENV: &str = "UZMAT_SKIP_BROWSER";

/// W3C key under which WebDriver returns element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long element lookups wait for a match.
const IMPLICIT_WAIT_MS: u64 = 2_000;
/// How long chromedriver may take to answer `/status` with `ready: true`.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(20);
/// Upper bound for one WebDriver HTTP exchange (session creation is the slow one).
const HTTP_TIMEOUT: Duration = Duration::from_secs(90);
/// Responses (screenshots of big pages) may exceed ureq's default 10 MB string limit.
const MAX_RESPONSE_BYTES: u64 = 512 * 1024 * 1024;

/// Whether Chromium and chromedriver are installed.
pub fn available() -> bool {
    is_executable(Path::new(CHROMIUM)) && is_executable(Path::new(CHROMEDRIVER))
}

/// Gate for browser tests: `false` (after printing why) when `UZMAT_SKIP_BROWSER=1` is set, so the
/// test should `return`; `true` when the browser is installed; otherwise panics with install
/// instructions, so a missing browser fails loudly instead of silently passing.
pub fn should_run() -> bool {
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        eprintln!("browser test skipped: {SKIP_ENV}=1");
        return false;
    }
    if !available() {
        panic!(
            "browser tests need {CHROMIUM} and {CHROMEDRIVER} \
             (Debian: `apt-get install -y chromium chromium-driver`); \
             set {SKIP_ENV}=1 to skip them"
        );
    }
    true
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// A headless Chromium controlled over WebDriver. Dropping it ends the session and chromedriver.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    agent: ureq::Agent,
    /// Holds the Chromium profile (`--user-data-dir`) and chromedriver's log; removed on drop.
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free port and opens a headless Chromium session whose viewport
    /// is `width` x `height` CSS pixels.
    pub fn start(width: u32, height: u32) -> Result<Browser, String> {
        Self::start_with(width, height, true)
    }

    /// Like [`Browser::start`], with JavaScript switched off for every site (the Chromium
    /// content setting, as a user or an administrator would turn it off: pages run none of
    /// their scripts). WebDriver's own commands still work, `eval` included, since they go
    /// through DevTools rather than the page.
    pub fn start_without_js(width: u32, height: u32) -> Result<Browser, String> {
        Self::start_with(width, height, false)
    }

    fn start_with(width: u32, height: u32, js: bool) -> Result<Browser, String> {
        if !available() {
            return Err(format!("{CHROMIUM} or {CHROMEDRIVER} is not installed"));
        }
        let profile = tempfile::Builder::new()
            .prefix("uzmat-browser-")
            .tempdir()
            .map_err(|e| format!("cannot create temp dir for the Chromium profile: {e}"))?;
        let agent = new_agent();

        // Picking a free port and handing it to chromedriver is racy; retry on a lost race.
        let mut last_err = String::new();
        for _attempt in 0..3 {
            match spawn_driver(&agent, profile.path()) {
                Ok((driver, port)) => {
                    let mut browser =
                        Browser { driver, port, session: String::new(), agent, profile };
                    browser.open_session(width, height, js)?;
                    return Ok(browser);
                }
                Err(e) => last_err = e,
            }
        }
        Err(last_err)
    }

    fn open_session(&mut self, width: u32, height: u32, js: bool) -> Result<(), String> {
        let user_data_dir = self.profile.path().join("profile");
        // Start on about:blank. chromedriver 156 passes no start URL, so Chromium opens its
        // New Tab Page, whose loading stalls the first command by up to 5 s.
        let mut prefs = json!({
            "session.restore_on_startup": 4,
            "session.startup_urls": ["about:blank"],
        });
        if !js {
            // 2 = block: the page's scripts do not run (WebDriver's still do)
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
        }
        let caps = json!({
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "timeouts": { "implicit": IMPLICIT_WAIT_MS, "pageLoad": 30_000, "script": 30_000 },
                    "goog:loggingPrefs": { "browser": "ALL" },
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "prefs": prefs,
                        "args": [
                            "--headless=new",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-dev-shm-usage",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--no-first-run",
                            "--disable-sync",
                            "--disable-quic",
                            "--disable-extensions",
                            "--no-proxy-server",
                            format!("--user-data-dir={}", user_data_dir.display()),
                            format!("--window-size={width},{height}"),
                        ],
                    },
                }
            }
        });
        let value = request(&self.agent, self.port, "POST", "/session", Some(&caps))
            .map_err(|e| format!("{e}\n{}", self.driver_log_tail()))?;
        self.session = value["sessionId"]
            .as_str()
            .ok_or_else(|| format!("new session response has no sessionId: {value}"))?
            .to_string();
        // Also set through the endpoint, in case the capability was ignored.
        self.cmd(
            "POST",
            "/timeouts",
            Some(&json!({ "implicit": IMPLICIT_WAIT_MS, "pageLoad": 30_000, "script": 30_000 })),
        )?;
        self.fix_viewport(width, height)
    }

    /// Last lines of chromedriver's log, for error messages.
    fn driver_log_tail(&self) -> String {
        let log = std::fs::read_to_string(driver_log_path(self.profile.path())).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        let tail = lines[lines.len().saturating_sub(15)..].join("\n");
        format!("chromedriver log (last lines):\n{tail}")
    }

    /// Sends one command for this session; `path` is relative to `/session/{id}`.
    fn cmd(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let full = format!("/session/{}{path}", self.session);
        request(&self.agent, self.port, method, &full, body)
    }

    /// Resizes the window so the viewport is `width` x `height` CSS pixels.
    pub fn set_window_size(&self, width: u32, height: u32) -> Result<(), String> {
        self.cmd("POST", "/window/rect", Some(&json!({ "width": width, "height": height })))?;
        self.fix_viewport(width, height)
    }

    /// Makes the viewport exactly `width` x `height`: new-headless Chromium reserves ~143 px of
    /// height for (invisible) browser UI and keeps the outer window at least 500 px wide, so the
    /// outer window is adjusted by the measured difference until the viewport matches.
    fn fix_viewport(&self, width: u32, height: u32) -> Result<(), String> {
        let mut attempt = 0;
        loop {
            let seen = self.viewport()?;
            if seen == (width, height) {
                return Ok(());
            }
            if attempt == 10 {
                return Err(format!(
                    "cannot get a {width}x{height} viewport: Chromium reports {}x{}",
                    seen.0, seen.1
                ));
            }
            let rect = self.cmd("GET", "/window/rect", None)?;
            let outer_w = rect["width"].as_i64().unwrap_or(i64::from(width));
            let outer_h = rect["height"].as_i64().unwrap_or(i64::from(height));
            let new_w = (outer_w + i64::from(width) - i64::from(seen.0)).max(1);
            let new_h = (outer_h + i64::from(height) - i64::from(seen.1)).max(1);
            self.cmd("POST", "/window/rect", Some(&json!({ "width": new_w, "height": new_h })))?;
            attempt += 1;
            // a loaded machine applies the resize a moment later
            std::thread::sleep(Duration::from_millis(25 * attempt));
        }
    }

    /// Sets a cookie for the current page's host (open a page of the site first: WebDriver
    /// refuses cookies for another domain). `path=/`, SameSite=Lax like the site's own;
    /// `http_only` as the site sets that cookie (the session: yes; theme, language: no).
    pub fn set_cookie(&self, name: &str, value: &str, http_only: bool) -> Result<(), String> {
        let cookie = json!({
            "cookie": { "name": name, "value": value, "path": "/", "httpOnly": http_only, "sameSite": "Lax" }
        });
        self.cmd("POST", "/cookie", Some(&cookie))
            .map(drop)
            .map_err(|e| format!("set cookie {name}: {e}"))
    }

    /// Current viewport size (`window.innerWidth`, `window.innerHeight`).
    pub fn viewport(&self) -> Result<(u32, u32), String> {
        let v = self.eval("return [window.innerWidth, window.innerHeight];")?;
        let w = v[0].as_u64().ok_or_else(|| format!("bad innerWidth: {v}"))?;
        let h = v[1].as_u64().ok_or_else(|| format!("bad innerHeight: {v}"))?;
        Ok((w as u32, h as u32))
    }

    /// Navigates to `url` and waits for the page's load event.
    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.cmd("POST", "/url", Some(&json!({ "url": url })))
            .map(drop)
            .map_err(|e| format!("goto {url}: {e}"))
    }

    /// HTTP status of the current page's main document (Navigation Timing `responseStatus`),
    /// `None` when unknown (e.g. `about:blank`, connection refused). `goto` itself succeeds on
    /// 404/500 responses and even on unreachable servers, so check this or the page content.
    pub fn response_status(&self) -> Result<Option<u16>, String> {
        let v = self.eval(
            "const n = performance.getEntriesByType('navigation')[0];\
             return n && n.responseStatus ? n.responseStatus : null;",
        )?;
        Ok(v.as_u64().and_then(|n| u16::try_from(n).ok()))
    }

    pub fn current_url(&self) -> Result<String, String> {
        as_string(self.cmd("GET", "/url", None)?, "current url")
    }

    /// Reference of the first element matching `css` (waits up to the implicit timeout).
    fn find(&self, css: &str) -> Result<String, String> {
        let v = self
            .cmd("POST", "/element", Some(&json!({ "using": "css selector", "value": css })))
            .map_err(|e| format!("find `{css}`: {e}"))?;
        element_id(&v).ok_or_else(|| format!("find `{css}`: unexpected response {v}"))
    }

    /// References of all elements matching `css` (waits up to the implicit timeout for at least one).
    fn find_all(&self, css: &str) -> Result<Vec<String>, String> {
        let v = self
            .cmd("POST", "/elements", Some(&json!({ "using": "css selector", "value": css })))
            .map_err(|e| format!("find all `{css}`: {e}"))?;
        let items =
            v.as_array().ok_or_else(|| format!("find all `{css}`: unexpected response {v}"))?;
        items
            .iter()
            .map(|item| {
                element_id(item).ok_or_else(|| format!("find all `{css}`: bad element {item}"))
            })
            .collect()
    }

    /// Runs `f` on the first element matching `css`, retrying once if it went stale
    /// (the page re-rendered between lookup and use).
    fn on_element<T>(
        &self,
        css: &str,
        what: &str,
        f: impl Fn(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut tries = 0;
        loop {
            let id = self.find(css)?;
            match f(&id) {
                Err(e) if tries == 0 && e.contains("stale element reference") => tries += 1,
                other => return other.map_err(|e| format!("{what} `{css}`: {e}")),
            }
        }
    }

    /// Visible text of the first element matching the CSS selector.
    pub fn text(&self, css: &str) -> Result<String, String> {
        self.on_element(css, "text of", |id| {
            as_string(self.cmd("GET", &format!("/element/{id}/text"), None)?, "text")
        })
    }

    /// Number of elements matching (waits up to 2 s for at least one; see [`Browser::count_now`]).
    pub fn count(&self, css: &str) -> Result<usize, String> {
        Ok(self.find_all(css)?.len())
    }

    /// Number of elements matching right now, without waiting (`querySelectorAll`).
    pub fn count_now(&self, css: &str) -> Result<usize, String> {
        let v = self
            .eval_with("return document.querySelectorAll(arguments[0]).length;", &[json!(css)])?;
        v.as_u64()
            .map(|n| n as usize)
            .ok_or_else(|| format!("count_now `{css}`: unexpected result {v}"))
    }

    /// HTML attribute `name` of the first element matching (`None` if the element lacks it).
    /// This is the markup value: `href` stays relative as written, and `value` of an input is
    /// its initial value, not what was typed; use [`Browser::prop`] for live DOM properties.
    pub fn attr(&self, css: &str, name: &str) -> Result<Option<String>, String> {
        self.on_element(css, &format!("attribute {name} of"), |id| {
            let v = self.cmd(
                "GET",
                &format!("/element/{id}/attribute/{}", encode_segment(name)),
                None,
            )?;
            Ok(value_to_opt_string(v))
        })
    }

    /// DOM property `name` of the first element matching (e.g. `value` of an input, `checked`).
    pub fn prop(&self, css: &str, name: &str) -> Result<Value, String> {
        self.on_element(css, &format!("property {name} of"), |id| {
            self.cmd("GET", &format!("/element/{id}/property/{}", encode_segment(name)), None)
        })
    }

    /// Clicks the first element matching (scrolls it into view; fails if it is covered or hidden).
    pub fn click(&self, css: &str) -> Result<(), String> {
        self.on_element(css, "click", |id| {
            self.cmd("POST", &format!("/element/{id}/click"), Some(&json!({}))).map(drop)
        })
    }

    /// Types `text` into the first element matching (appends to any existing value).
    pub fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        self.on_element(css, "type into", |id| {
            self.cmd("POST", &format!("/element/{id}/value"), Some(&json!({ "text": text })))
                .map(drop)
        })
    }

    /// Clears the value of the first input/textarea matching.
    pub fn clear(&self, css: &str) -> Result<(), String> {
        self.on_element(css, "clear", |id| {
            self.cmd("POST", &format!("/element/{id}/clear"), Some(&json!({}))).map(drop)
        })
    }

    /// Whether the first element matching is visible (errors if nothing matches).
    pub fn is_displayed(&self, css: &str) -> Result<bool, String> {
        self.on_element(css, "is displayed", |id| {
            let v = self.cmd("GET", &format!("/element/{id}/displayed"), None)?;
            v.as_bool().ok_or_else(|| format!("unexpected response {v}"))
        })
    }

    /// Presses and releases `key` on whatever has the focus, through the W3C Actions API (the
    /// way a person's keyboard reaches the page: default actions, key events, focus moves).
    /// `key` is one character or one of the [`keys`] codes.
    pub fn press(&self, key: &str) -> Result<(), String> {
        self.key_actions(&[("keyDown", key), ("keyUp", key)])
            .map_err(|e| format!("press {}: {e}", keys::name(key)))
    }

    /// Presses `key` while holding `modifier` (e.g. [`keys::SHIFT`] + [`keys::TAB`]).
    pub fn press_with(&self, modifier: &str, key: &str) -> Result<(), String> {
        self.key_actions(&[
            ("keyDown", modifier),
            ("keyDown", key),
            ("keyUp", key),
            ("keyUp", modifier),
        ])
        .map_err(|e| format!("press {}+{}: {e}", keys::name(modifier), keys::name(key)))
    }

    fn key_actions(&self, steps: &[(&str, &str)]) -> Result<(), String> {
        let actions: Vec<Value> =
            steps.iter().map(|(kind, key)| json!({ "type": kind, "value": key })).collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.cmd("POST", "/actions", Some(&body)).map(drop)
    }

    /// Types `text` into the focused element (WebDriver "Element Send Keys" to the active
    /// element: key events for each character, whatever the keyboard layout would need).
    pub fn type_focused(&self, text: &str) -> Result<(), String> {
        let active = self.cmd("GET", "/element/active", None)?;
        let id = element_id(&active)
            .ok_or_else(|| format!("type into the focused element: nothing focused ({active})"))?;
        self.cmd("POST", &format!("/element/{id}/value"), Some(&json!({ "text": text })))
            .map(drop)
            .map_err(|e| format!("type into the focused element: {e}"))
    }

    /// The focused element (`document.activeElement`) described as `tag#id[name=…].class…`,
    /// or `body` when nothing is.
    pub fn focused(&self) -> Result<String, String> {
        let v = self.eval(
            "const e = document.activeElement;\
             if (!e || e === document.body) return 'body';\
             let s = e.tagName.toLowerCase();\
             if (e.id) s += '#' + e.id;\
             if (e.getAttribute('name')) s += '[name=' + e.getAttribute('name') + ']';\
             for (const c of e.classList) s += '.' + c;\
             return s;",
        )?;
        as_string(v, "focused element")
    }

    /// Whether the focused element matches `css`.
    pub fn focus_is(&self, css: &str) -> Result<bool, String> {
        let v = self.eval_with(
            "const e = document.activeElement; return !!e && e.matches(arguments[0]);",
            &[json!(css)],
        )?;
        v.as_bool().ok_or_else(|| format!("focus_is `{css}`: unexpected result {v}"))
    }

    /// Runs a synchronous script (a function body: use `return ...`) and returns its JSON value.
    pub fn eval(&self, script: &str) -> Result<Value, String> {
        self.eval_with(script, &[])
    }

    /// Like [`Browser::eval`], with `arguments[0..]` bound to `args`.
    pub fn eval_with(&self, script: &str, args: &[Value]) -> Result<Value, String> {
        self.cmd("POST", "/execute/sync", Some(&json!({ "script": script, "args": args })))
            .map_err(|e| format!("eval `{}`: {e}", shorten(script, 80)))
    }

    /// Runs an asynchronous script: it ends by calling `arguments[arguments.length - 1]` with
    /// its result (the WebDriver's script timeout applies).
    pub fn eval_async(&self, script: &str) -> Result<Value, String> {
        self.cmd("POST", "/execute/async", Some(&json!({ "script": script, "args": [] })))
            .map_err(|e| format!("eval_async `{}`: {e}", shorten(script, 80)))
    }

    /// Saves a PNG screenshot of the viewport to `path` (creating parent folders).
    pub fn screenshot(&self, path: &Path) -> Result<(), String> {
        let v = self.cmd("GET", "/screenshot", None)?;
        let b64 = v.as_str().ok_or_else(|| "screenshot: response is not a string".to_string())?;
        let png = base64_decode(b64).map_err(|e| format!("screenshot: {e}"))?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("screenshot: cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(path, png)
            .map_err(|e| format!("screenshot: cannot write {}: {e}", path.display()))
    }

    /// Browser console entries at level SEVERE since the last call (the log is drained on read).
    /// Includes `console.error(...)` calls, uncaught exceptions and failed resource loads.
    pub fn console_errors(&self) -> Result<Vec<String>, String> {
        let entries = match self.cmd("POST", "/se/log", Some(&json!({ "type": "browser" }))) {
            Ok(v) => v,
            // Older chromedrivers only have the legacy JSON-wire endpoint.
            Err(first) => self
                .cmd("POST", "/log", Some(&json!({ "type": "browser" })))
                .map_err(|second| format!("console log: {first}; fallback: {second}"))?,
        };
        let entries = entries
            .as_array()
            .ok_or_else(|| format!("console log: unexpected response {entries}"))?;
        Ok(entries
            .iter()
            .filter(|e| e["level"].as_str() == Some("SEVERE"))
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect())
    }

    /// Whether the document is wider than the viewport (horizontal overflow).
    pub fn has_horizontal_overflow(&self) -> Result<bool, String> {
        let v = self.eval(
            "const d = document.documentElement, b = document.body;\
             return Math.max(d.scrollWidth, b ? b.scrollWidth : 0) > window.innerWidth;",
        )?;
        v.as_bool().ok_or_else(|| format!("has_horizontal_overflow: unexpected result {v}"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let url = format!("http://127.0.0.1:{}/session/{}", self.port, self.session);
            let _ = self
                .agent
                .delete(&url)
                .config()
                .timeout_global(Some(Duration::from_secs(15)))
                .build()
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn new_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(HTTP_TIMEOUT))
        .build()
        .into()
}

fn driver_log_path(dir: &Path) -> PathBuf {
    dir.join("chromedriver.log")
}

fn free_port() -> Result<u16, String> {
    let listener =
        TcpListener::bind("127.0.0.1:0").map_err(|e| format!("cannot bind a local port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("cannot read local port: {e}"))
}

/// Spawns chromedriver on a free port and waits until `/status` reports ready.
fn spawn_driver(agent: &ureq::Agent, dir: &Path) -> Result<(Child, u16), String> {
    let port = free_port()?;
    let log_path = driver_log_path(dir);
    let log = File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let log2 = log.try_clone().map_err(|e| format!("cannot clone log handle: {e}"))?;
    let mut child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(|e| format!("cannot start {CHROMEDRIVER}: {e}"))?;

    let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!("chromedriver exited early ({status}) on port {port}:\n{log}"));
        }
        let url = format!("http://127.0.0.1:{port}/status");
        let ready = agent
            .get(&url)
            .config()
            .timeout_global(Some(Duration::from_secs(2)))
            .build()
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .is_some_and(|v| v["value"]["ready"].as_bool() == Some(true));
        if ready {
            return Ok((child, port));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!(
                "chromedriver on port {port} not ready after {DRIVER_READY_TIMEOUT:?}:\n{log}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One WebDriver HTTP exchange; returns the response's `value`, or the WebDriver error message.
fn request(
    agent: &ureq::Agent,
    port: u16,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, String> {
    let url = format!("http://127.0.0.1:{port}{path}");
    let response = match method {
        "GET" => agent.get(&url).call(),
        "DELETE" => agent.delete(&url).call(),
        "POST" => {
            let payload = body.map_or_else(|| "{}".to_string(), Value::to_string);
            agent
                .post(&url)
                .header("Content-Type", "application/json; charset=utf-8")
                .send(payload.as_str())
        }
        other => return Err(format!("unsupported HTTP method {other}")),
    };
    let mut response =
        response.map_err(|e| format!("WebDriver {method} {path}: HTTP error: {e}"))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_string()
        .map_err(|e| format!("WebDriver {method} {path}: cannot read response: {e}"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "WebDriver {method} {path}: HTTP {status}, non-JSON response ({e}): {}",
            shorten(&text, 300)
        )
    })?;
    let value = json.get("value").cloned().unwrap_or(Value::Null);
    let error = value.get("error").and_then(Value::as_str);
    if !(200..300).contains(&status) || error.is_some() {
        let error = error.unwrap_or("unknown error");
        let message = value.get("message").and_then(Value::as_str).unwrap_or_default();
        // chromedriver repeats the error name and appends "(Session info: ...)"; keep the meat.
        let message = message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("(Session info"))
            .take(3)
            .collect::<Vec<_>>()
            .join(" | ");
        let message = message.strip_prefix(&format!("{error}: ")).unwrap_or(&message);
        // "/session/<32 hex>/element" -> "/session/…/element", to keep messages short.
        let shown = match path
            .strip_prefix("/session/")
            .and_then(|rest| rest.find('/').map(|i| &rest[i..]))
        {
            Some(tail) => format!("/session/…{tail}"),
            None => path.to_string(),
        };
        return Err(format!("WebDriver {method} {shown}: HTTP {status}: {error}: {message}"));
    }
    Ok(value)
}

fn element_id(v: &Value) -> Option<String> {
    v.get(ELEMENT_KEY).and_then(Value::as_str).map(str::to_string)
}

fn as_string(v: Value, what: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        other => Err(format!("{what}: expected a string, got {other}")),
    }
}

fn value_to_opt_string(v: Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

/// Percent-encodes a URL path segment (attribute/property names).
fn encode_segment(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// Decodes standard (RFC 4648) base64, ignoring whitespace.
fn base64_decode(input: &str) -> Result<Vec<u8>, String> {
    fn sextet(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in input.as_bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        if c == b'=' {
            break;
        }
        let v = sextet(c).ok_or_else(|| format!("invalid base64 byte {c:#04x}"))?;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_roundtrip_samples() {
        assert_eq!(base64_decode("").expect("valid base64"), b"");
        assert_eq!(base64_decode("Zg==").expect("valid base64"), b"f");
        assert_eq!(base64_decode("Zm8=").expect("valid base64"), b"fo");
        assert_eq!(base64_decode("Zm9v").expect("valid base64"), b"foo");
        assert_eq!(base64_decode("Zm9vYmFy\n").expect("valid base64"), b"foobar");
        assert_eq!(base64_decode("iVBORw0KGgo=").expect("valid base64"), b"\x89PNG\r\n\x1a\n");
        assert!(base64_decode("Zm9v!").is_err());
    }

    #[test]
    fn encodes_segments() {
        assert_eq!(encode_segment("data-id"), "data-id");
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }
}
