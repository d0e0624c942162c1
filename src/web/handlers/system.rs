//! `GET /healthz` (a plaintext ceiling for benchmarks) and `GET /metrics` (Prometheus text).

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::web::AppState;
use crate::web::error::Error;

/// Liveness: no database, no template.
pub async fn healthz(State(state): State<AppState>) -> Response {
    if state.health.ok(&state).await {
        if state.config.database.read_only {
            "ok (read-only replica)".into_response()
        } else {
            "ok".into_response()
        }
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
    }
}

/// Prometheus metrics, for loopback peers and `server.metrics_allow` only.
pub async fn metrics(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    crate::web::extract::ClientIp(client): crate::web::extract::ClientIp,
) -> Result<Response, Error> {
    // behind a reverse proxy on this host the peer is loopback: judge the real client
    let ip: IpAddr =
        if state.config.server.trusted_proxies.contains(&peer.ip()) { client } else { peer.ip() };
    if !ip.is_loopback() && !state.config.server.metrics_allow.contains(&ip) {
        return Err(Error::Forbidden);
    }
    let (queue, overflow) = state.jobs.depth();
    let mut body = state.metrics.render(queue, overflow);
    body.push_str(&format!(
        "# HELP uzmat_chat_sockets_open Live chat sockets open now.\n\
         # TYPE uzmat_chat_sockets_open gauge\nuzmat_chat_sockets_open {}\n",
        state.hub.open()
    ));
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response())
}
