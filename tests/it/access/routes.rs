//! The routes of `router()`, read from axum itself, and the route a request path falls to.

use std::collections::BTreeMap;

/// The pattern of requests no route matched (the fallback answers them).
pub const FALLBACK: &str = "(fallback)";

/// A route of the router: its path pattern and the methods it answers.
#[derive(Debug, PartialEq)]
pub struct Route {
    /// As written in `router()`: `/ad/{id}/edit`, `/media/{*path}`.
    pub pattern: String,
    /// Upper case: `GET`, `POST`.
    pub methods: Vec<&'static str>,
}

/// The method fields of axum's `MethodRouter` (its `Debug` names them in lowercase).
const METHODS: [&str; 9] =
    ["GET", "HEAD", "DELETE", "OPTIONS", "PATCH", "POST", "PUT", "TRACE", "CONNECT"];

/// The routes of a router, read from axum's `Debug` output: axum 0.8 has no API that lists
/// them, but its `Debug` prints each route's id with its `MethodRouter` (a field per method,
/// `None` when unset) and the id → path table of its matcher.
///
/// Limits: the format is axum's, not a stable API; anything unexpected in it (no routes, an id
/// without a path or a path without an id, a method value other than `None`/`Route`/
/// `BoxedHandler`, a route with no method) is an error rather than fewer routes read. Routes
/// merged or nested from other routers are read (axum flattens them into one table); a route
/// for any method (`any`, `route_service`) or a mounted service (`nest_service`) is refused, as
/// the table could not tell its methods. Only the path router is read: the fallback has rows of
/// its own ([`FALLBACK`]). A GET route also answers HEAD in axum without a HEAD field of its own,
/// so HEAD is not listed for it.
pub fn routes_of(router: &axum::Router) -> Result<Vec<Route>, String> {
    let debug = format!("{router:?}");
    let unreadable = |what: &str| {
        format!("cannot read the routes from axum's Debug output ({what}); did it change?\n{debug}")
    };
    let rest = debug
        .strip_prefix("Router { path_router: PathRouter { routes: {")
        .ok_or_else(|| unreadable("no path router"))?;
    let (endpoints, rest) =
        rest.split_once("}, node: Node { paths: {").ok_or_else(|| unreadable("no route table"))?;
    let (paths, _) = rest
        .split_once("} } }, fallback_router: ")
        .ok_or_else(|| unreadable("no fallback router after the route table"))?;
    // id → path: `RouteId(3): "/ad/{id}", …` (paths are Debug strings: no quote inside ours)
    let mut pattern_of = BTreeMap::new();
    for entry in paths.split("RouteId(").skip(1) {
        let (id, path) = entry.split_once("): \"").ok_or_else(|| unreadable(entry))?;
        let (path, _) = path.split_once('"').ok_or_else(|| unreadable(entry))?;
        if path.contains('\\') || !path.starts_with('/') || path.contains("__private__") {
            return Err(unreadable(&format!("route path {path}: escaped, relative or nested")));
        }
        pattern_of.insert(id.to_owned(), path.to_owned());
    }
    // id → methods: `RouteId(3): MethodRouter(MethodRouter { get: Route, head: None, … }), …`
    let mut routes = Vec::new();
    for entry in endpoints.split("RouteId(").skip(1) {
        let (id, endpoint) = entry.split_once("): ").ok_or_else(|| unreadable(entry))?;
        let fields = endpoint
            .strip_prefix("MethodRouter(MethodRouter { ")
            .ok_or_else(|| unreadable(&format!("route {id} is not a method router: {endpoint}")))?;
        let mut methods = Vec::new();
        for method in METHODS {
            let key = format!("{}: ", method.to_lowercase());
            let value = fields
                .split(", ")
                .find_map(|f| f.strip_prefix(&key))
                .ok_or_else(|| unreadable(&format!("route {id} has no {key:?} field")))?;
            match value.trim_end_matches([' ', '}', ')']) {
                "None" => {}
                "Route" | "BoxedHandler" => methods.push(method),
                other => return Err(unreadable(&format!("route {id}: {method} is {other:?}"))),
            }
        }
        let pattern =
            pattern_of.remove(id).ok_or_else(|| unreadable(&format!("route {id} has no path")))?;
        if methods.is_empty() {
            return Err(unreadable(&format!("{pattern} answers no method")));
        }
        routes.push(Route { pattern, methods });
    }
    if !pattern_of.is_empty() {
        return Err(unreadable(&format!("paths without a route: {pattern_of:?}")));
    }
    if routes.is_empty() {
        return Err(unreadable("no routes"));
    }
    routes.sort_by(|a, b| a.pattern.cmp(&b.pattern));
    Ok(routes)
}

/// Finds the route a path falls to with the matcher axum itself routes by (`matchit`), so
/// `/ad/12-ad-12` is `/ad/{id}` and `/media/photos/a.jpg` is `/media/{*path}`.
pub struct Patterns(matchit::Router<String>);

impl Patterns {
    /// A matcher of these routes.
    pub fn new(routes: &[Route]) -> Self {
        let mut m = matchit::Router::new();
        for r in routes {
            m.insert(r.pattern.as_str(), r.pattern.clone()).expect("a pattern axum took");
        }
        Patterns(m)
    }

    /// The pattern of the route answering `path` (its query ignored), or [`FALLBACK`].
    pub fn of(&self, path: &str) -> String {
        let bare = path.split('?').next().unwrap_or_default();
        self.0.at(bare).map_or(FALLBACK.to_owned(), |m| m.value.clone())
    }
}

#[test]
fn the_route_reader_sees_every_route_and_method_and_refuses_what_it_cannot_read() {
    use axum::handler::HandlerWithoutStateExt;
    use axum::routing::{get, post};
    async fn h() {}
    let router = axum::Router::new()
        .route("/", get(h))
        .route("/ad/{id}", get(h).post(h))
        .route("/ad/{id}/delete", post(h))
        .route("/media/{*path}", get(h))
        .nest("/account", axum::Router::new().route("/avatar", post(h)))
        .merge(axum::Router::new().route("/healthz", get(h)))
        .fallback(h)
        .layer(axum::extract::DefaultBodyLimit::max(1024));
    let route = |p: &str, m: &[&'static str]| Route { pattern: p.into(), methods: m.to_vec() };
    let routes = routes_of(&router).expect("readable");
    assert_eq!(
        routes,
        vec![
            route("/", &["GET"]),
            route("/account/avatar", &["POST"]),
            route("/ad/{id}", &["GET", "POST"]),
            route("/ad/{id}/delete", &["POST"]),
            route("/healthz", &["GET"]),
            route("/media/{*path}", &["GET"]),
        ]
    );
    // no routes; a service without methods; a route for any method; a mounted service
    for refused in [
        axum::Router::new(),
        axum::Router::new().route_service("/raw", h.into_service()),
        axum::Router::new().route("/any", axum::routing::any(h)),
        axum::Router::new().nest_service("/sub", h.into_service()),
    ] {
        let read = routes_of(&refused);
        assert!(read.is_err(), "{refused:?} was read as {read:?}");
    }
    let patterns = Patterns::new(&routes);
    assert_eq!(patterns.of("/ad/12-ad-12?back=%2F"), "/ad/{id}");
    assert_eq!(patterns.of("/ad/12/delete"), "/ad/{id}/delete");
    assert_eq!(patterns.of("/media/photos/a.jpg"), "/media/{*path}");
    assert_eq!(patterns.of("/nowhere"), FALLBACK);
}
