//! The HTTP/1.1 accept loop: header, keep-alive and body timeouts, a cap on open connections,
//! and a shutdown that gives open requests a grace period, then closes what is left.
//!
//! hyper's `header_read_timeout` (1.12) starts when a connection opens and again each time it
//! goes idle after a response (it sets `notify_read` in `State::idle`), so one clock bounds both
//! the wait for a first request and the keep-alive idle wait: `server.header_timeout_seconds`.
//! It needs a timer, which `axum::serve` never set, so before this module none of it applied.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, header};
use hyper::body::{Body, Bytes, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::{Instant, Sleep};

use crate::config::ServerConfig;

/// The connection limits, from `[server]`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time to send a complete request head, from connect or from the previous response.
    pub header_timeout: Duration,
    /// Time to send a request body, before the rate allowance below.
    pub body_timeout: Duration,
    /// Each this many body bytes received give the body one more second (0: none).
    pub body_min_bytes_per_second: u64,
    /// Connections served at once; at the cap the listener is not polled.
    pub max_connections: usize,
    /// How long open requests may finish after the shutdown signal.
    pub shutdown_grace: Duration,
}

impl Limits {
    /// The limits a configuration asks for.
    pub fn new(cfg: &ServerConfig) -> Self {
        Self {
            header_timeout: Duration::from_secs(cfg.header_timeout_seconds),
            body_timeout: Duration::from_secs(cfg.body_timeout_seconds),
            body_min_bytes_per_second: cfg.body_min_bytes_per_second,
            max_connections: cfg.max_connections,
            shutdown_grace: Duration::from_secs(cfg.shutdown_grace_seconds),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops accepting, lets open
/// requests finish for `limits.shutdown_grace`, and closes the connections still open.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let mut shutdown = pin!(shutdown);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    let http = Arc::new(http);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    // dropped to tell every connection to finish its request and close
    let (stop, stopped) = watch::channel(());
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break, // never closed
            },
        };
        let (stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // the peer gave up before we took it: nothing to serve
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // out of descriptors, most likely: retrying at once would spin
                    tracing::error!(error = %e, "accept failed");
                    tokio::select! {
                        () = &mut shutdown => break,
                        () = tokio::time::sleep(Duration::from_secs(1)) => continue,
                    }
                }
            },
        };
        while connections.try_join_next().is_some() {}
        let conn = Connection { router: router.clone(), limits, _permit: permit };
        connections.spawn(conn.serve(http.clone(), stream, peer, stopped.clone()));
    }
    drop(listener);
    drop(stop);
    let open = connections.len();
    tracing::info!(open, "stopped accepting; open connections finish their requests");
    let finished = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::info!(closed = connections.len(), "grace period over: closing connections");
        connections.shutdown().await;
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset)
}

/// One accepted connection: its slot under the cap is released when it ends.
struct Connection {
    router: Router,
    limits: Limits,
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn serve(
        self,
        http: Arc<http1::Builder>,
        stream: TcpStream,
        peer: SocketAddr,
        mut stopped: watch::Receiver<()>,
    ) {
        let Connection { router, limits, _permit } = self;
        let app = TowerToHyperService::new(router);
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let (mut parts, body) = req.into_parts();
            // what `into_make_service_with_connect_info` gave handlers (`ClientIp`)
            parts.extensions.insert(ConnectInfo(peer));
            let timed_out = Arc::new(AtomicBool::new(false));
            parts.extensions.insert(SlowBody(timed_out.clone()));
            let body = TimedBody::new(body, limits, timed_out.clone());
            let response = hyper::service::Service::call(&app, Request::from_parts(parts, body));
            async move {
                let mut response = response.await?;
                if timed_out.load(Ordering::Relaxed) {
                    // the rest of the body is still on its way: this connection is done
                    response
                        .headers_mut()
                        .insert(header::CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, Infallible>(response)
            }
        });
        let conn = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
        let mut conn = pin!(conn);
        let result = tokio::select! {
            result = conn.as_mut() => result,
            _ = stopped.changed() => {
                // closes an idle connection now, a busy one after its response
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        };
        if let Err(e) = result {
            tracing::debug!(%peer, error = %e, "connection ended");
        }
    }
}

/// The body of one request, failing once it arrives too slowly: `body_timeout` from the first
/// read, plus a second for each `body_min_bytes_per_second` bytes received (Apache
/// mod_reqtimeout's `body=N,MinRate=K`), so a large upload at a modest rate passes and a
/// trickle is cut. The handler's extractor then fails and the client gets a 408 page.
struct TimedBody<B> {
    inner: B,
    limits: Limits,
    /// Set at the first read.
    clock: Option<(Instant, Pin<Box<Sleep>>)>,
    received: u64,
    timed_out: Arc<AtomicBool>,
}

impl<B> TimedBody<B> {
    fn new(inner: B, limits: Limits, timed_out: Arc<AtomicBool>) -> Self {
        Self { inner, limits, clock: None, received: 0, timed_out }
    }
}

/// Set when the request's body was cut for arriving too slowly: the error page middleware
/// answers 408 then, whatever the extractor that met the cut body said.
#[derive(Debug, Clone)]
pub struct SlowBody(Arc<AtomicBool>);

impl SlowBody {
    /// Whether the body was cut.
    pub fn cut(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The body stopped arriving at the rate `[server]` asks for.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived too slowly")]
struct BodyTimeout;

impl<B> Body for TimedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::BoxError>>> {
        let this = self.get_mut();
        if this.timed_out.load(Ordering::Relaxed) {
            return Poll::Ready(Some(Err(BodyTimeout.into())));
        }
        let limits = this.limits;
        let (started, sleep) = this.clock.get_or_insert_with(|| {
            let now = Instant::now();
            (now, Box::pin(tokio::time::sleep_until(now + limits.body_timeout)))
        });
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref()
                    && limits.body_min_bytes_per_second > 0
                {
                    this.received = this.received.saturating_add(data.len() as u64);
                    let allowance = Duration::from_millis(
                        this.received.saturating_mul(1000) / limits.body_min_bytes_per_second,
                    );
                    let deadline = limits.body_timeout.saturating_add(allowance);
                    if let Some(deadline) = started.checked_add(deadline) {
                        sleep.as_mut().reset(deadline);
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                if sleep.as_mut().poll(cx).is_ready() {
                    this.timed_out.store(true, Ordering::Relaxed);
                    return Poll::Ready(Some(Err(BodyTimeout.into())));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
