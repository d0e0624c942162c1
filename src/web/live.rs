//! Live chat: one WebSocket per signed-in tab (`GET /chats/live`), and the hub that rings the
//! sockets of a message's participants after its transaction committed.
//!
//! The database is the source of truth; the hub is only a doorbell. A socket that falls behind
//! (its queue of [`QUEUE`] events full) is dropped; the browser reconnects and catches up from
//! the last message id it saw with an ordinary request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use crate::domain::chats::{actions, repo};
use crate::domain::ids::{MessageId, ThreadId, UserId};
use crate::domain::users::SessionUser;
use crate::web::AppState;
use crate::web::error::{Error, Result};
use crate::web::extract::RequireUser;

/// Events one socket may have waiting before it counts as fallen behind.
const QUEUE: usize = 64;
/// A socket that says nothing (not even a pong) this long is closed.
const IDLE: Duration = Duration::from_secs(75);
/// How often the server pings.
const PING: Duration = Duration::from_secs(30);
/// Least time between two typing hints a socket passes on.
const TYPING_EVERY: Duration = Duration::from_secs(2);

/// The open sockets by user, bounded in all and per user.
pub struct Hub {
    sockets: Mutex<Sockets>,
    max_sockets: usize,
    per_user: usize,
    closing: watch::Sender<bool>,
}

#[derive(Default)]
struct Sockets {
    by_user: HashMap<UserId, Vec<Socket>>,
    staff: Vec<UserId>,
    open: usize,
    next_id: u64,
}

struct Socket {
    id: u64,
    tx: mpsc::Sender<Utf8Bytes>,
}

/// A socket's place in the hub: leaving it unregisters the socket.
struct Registration {
    hub: Arc<Hub>,
    user: UserId,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.hub.remove(self.user, self.id);
    }
}

impl Hub {
    /// A hub for at most `max_sockets` sockets, `per_user` of one user.
    pub fn new(max_sockets: usize, per_user: usize) -> Self {
        Self {
            sockets: Mutex::new(Sockets::default()),
            max_sockets,
            per_user: per_user.max(1),
            closing: watch::channel(false).0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Sockets> {
        // a panic while holding the lock leaves the map consistent (each step is one push or
        // retain): go on with it
        self.sockets.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn add(
        self: &Arc<Self>,
        user: UserId,
        staff: bool,
    ) -> Option<(Registration, mpsc::Receiver<Utf8Bytes>)> {
        let mut guard = self.lock();
        let s = &mut *guard;
        if s.open >= self.max_sockets {
            return None;
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        s.next_id += 1;
        let id = s.next_id;
        let list = s.by_user.entry(user).or_default();
        if list.len() >= self.per_user {
            // one tab too many waits (its script retries with backoff) rather than pushing
            // out another, which would reconnect and push out the next, round and round
            return None;
        }
        list.push(Socket { id, tx });
        s.open += 1;
        if staff && !s.staff.contains(&user) {
            s.staff.push(user);
        }
        Some((Registration { hub: self.clone(), user, id }, rx))
    }

    fn remove(&self, user: UserId, id: u64) {
        let mut guard = self.lock();
        let s = &mut *guard;
        let Some(list) = s.by_user.get_mut(&user) else { return };
        let before = list.len();
        list.retain(|sock| sock.id != id);
        let gone = before - list.len();
        let empty = list.is_empty();
        s.open -= gone;
        if empty {
            s.by_user.remove(&user);
            s.staff.retain(|u| *u != user);
        }
    }

    /// Sends an event to every socket of `user`; a socket whose queue is full is dropped.
    pub fn send(&self, user: UserId, event: &str) {
        let event = Utf8Bytes::from(event);
        let mut guard = self.lock();
        let s = &mut *guard;
        let Some(list) = s.by_user.get_mut(&user) else { return };
        let before = list.len();
        list.retain(|sock| sock.tx.try_send(event.clone()).is_ok());
        let gone = before - list.len();
        s.open -= gone;
    }

    /// Ends every socket of `user` (signed out everywhere, banned): their queues close, and
    /// each socket says "going away" and ends; a reconnect then needs a live session.
    pub fn drop_user(&self, user: UserId) {
        let mut guard = self.lock();
        let s = &mut *guard;
        if let Some(list) = s.by_user.remove(&user) {
            s.open -= list.len();
        }
        s.staff.retain(|u| *u != user);
    }

    /// Sends an event to every staff member with a socket open.
    pub fn send_staff(&self, event: &str) {
        let staff = self.lock().staff.clone();
        for user in staff {
            self.send(user, event);
        }
    }

    /// Sockets open now.
    pub fn open(&self) -> usize {
        self.lock().open
    }

    /// Closes every socket (the server is stopping): each says "going away" to its browser.
    pub fn close_all(&self) {
        self.closing.send_replace(true);
    }
}

/// An event for the browser (JSON, one per text frame).
#[derive(serde::Serialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Event<'a> {
    /// Sent on connecting: who the socket belongs to and their unread total.
    Hello {
        /// The user (the page marks their own messages).
        user: UserId,
        /// Unread messages.
        unread: u32,
    },
    /// A new, edited or deleted message, rendered.
    Msg {
        /// Its thread.
        thread: ThreadId,
        /// Its id.
        id: MessageId,
        /// Its author.
        from: UserId,
        /// The message's HTML (the same as the page renders, without the author's buttons).
        html: &'a str,
        /// New, or a change of one shown already.
        new: bool,
    },
    /// The other side read up to this message.
    Read {
        /// The thread.
        thread: ThreadId,
        /// Newest read.
        up_to: MessageId,
    },
    /// The other side is typing.
    Typing {
        /// The thread.
        thread: ThreadId,
        /// Who.
        name: &'a str,
    },
    /// The user's unread total changed.
    Unread {
        /// In all.
        total: u32,
        /// The thread that changed it.
        thread: ThreadId,
    },
}

impl Event<'_> {
    /// The event as JSON.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What a browser says on its socket.
#[derive(Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum Incoming {
    /// The user types in this thread.
    Typing { thread: ThreadId },
    /// The user saw messages of this open, visible thread up to this id.
    Read { thread: ThreadId, up_to: MessageId },
}

/// Whether the request's `Origin` names this site: a page elsewhere cannot open a socket with
/// the visitor's cookie (WebSockets are not bound by the same-origin policy).
fn same_origin(parts: &Parts) -> bool {
    let host = parts.headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok());
    let origin = parts.headers.get(axum::http::header::ORIGIN).and_then(|h| h.to_str().ok());
    match (host, origin.and_then(|o| o.split_once("://"))) {
        (Some(host), Some((_, origin_host))) => origin_host == host,
        _ => false,
    }
}

/// The parts of the request the socket handler checks.
pub struct OriginChecked;

impl axum::extract::FromRequestParts<AppState> for OriginChecked {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self> {
        if same_origin(parts) {
            Ok(OriginChecked)
        } else {
            tracing::warn!("chat socket from another origin refused");
            Err(Error::Forbidden)
        }
    }
}

/// `GET /chats/live`: the signed-in user's socket.
pub async fn socket(
    State(state): State<AppState>,
    _origin: OriginChecked,
    RequireUser(ctx, user): RequireUser,
    ws: WebSocketUpgrade,
) -> Result<Response> {
    let Some((registration, rx)) = state.hub.add(user.id, user.is_staff) else {
        return Err(Error::Unavailable("chat.busy"));
    };
    let unread = ctx.unread;
    let ws = ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(256 * 1024)
        .max_message_size(16 * 1024)
        .max_frame_size(16 * 1024);
    Ok(ws
        .on_upgrade(move |socket| run(state, user, unread, socket, rx, registration))
        .into_response())
}

async fn run(
    state: AppState,
    user: SessionUser,
    unread: u32,
    mut socket: WebSocket,
    mut rx: mpsc::Receiver<Utf8Bytes>,
    registration: Registration,
) {
    let mut closing = state.hub.closing.subscribe();
    if *closing.borrow_and_update() {
        return;
    }
    let hello = Event::Hello { user: user.id, unread }.json();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    let mut ping = tokio::time::interval(PING);
    ping.tick().await;
    let mut last_heard = tokio::time::Instant::now();
    let mut last_typing: Option<tokio::time::Instant> = None;
    let close = |code: u16, reason: &'static str| {
        Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from_static(reason) }))
    };
    loop {
        tokio::select! {
            event = rx.recv() => match event {
                Some(text) => if socket.send(Message::Text(text)).await.is_err() { break },
                None => {
                    // fell behind: the browser reconnects and catches up
                    let _ = socket.send(close(1013, "behind")).await;
                    break;
                }
            },
            frame = socket.recv() => {
                last_heard = tokio::time::Instant::now();
                match frame {
                    Some(Ok(Message::Text(text))) => {
                        if let Ok(incoming) = serde_json::from_str::<Incoming>(text.as_str()) {
                            if let Incoming::Typing { .. } = incoming {
                                if last_typing.is_some_and(|t| t.elapsed() < TYPING_EVERY) {
                                    continue;
                                }
                                last_typing = Some(tokio::time::Instant::now());
                            }
                            handle(&state, &user, incoming).await;
                        }
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    Some(Ok(_)) => {}
                }
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > IDLE
                    || socket.send(Message::Ping(axum::body::Bytes::new())).await.is_err()
                {
                    break;
                }
            },
            _ = closing.changed() => {
                let _ = socket.send(close(1001, "restarting")).await;
                break;
            }
        }
    }
    drop(registration);
}

async fn handle(state: &AppState, user: &SessionUser, incoming: Incoming) {
    let now = crate::db::now();
    let result = match incoming {
        Incoming::Typing { thread } => {
            let viewer = user.clone();
            let found = state
                .db
                .run(move |conn| {
                    let t = repo::thread(conn, thread, now)?;
                    Ok(t.filter(|t| t.side_of(&viewer).is_ok()))
                })
                .await;
            if let Ok(Some(t)) = found {
                let name =
                    if user.is_staff && t.buyer.id != user.id { "" } else { user.name.as_str() };
                let event = Event::Typing { thread, name }.json();
                notify_others(state, &t, user.id, &event);
            }
            Ok(())
        }
        Incoming::Read { thread, up_to } => {
            let reader = user.clone();
            state
                .db
                .run(move |conn| Ok(actions::mark_read(conn, &reader, thread, Some(up_to), now)?))
                .await
                .map(|r| {
                    if let Ok((t, read)) = r {
                        read_done(state, user.id, &t, read);
                    }
                })
        }
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "chat socket event failed");
    }
}

/// Sends `event` to the thread's participants but `from` (staff as a group for support).
pub fn notify_others(
    state: &AppState,
    t: &crate::domain::chats::Thread,
    from: UserId,
    event: &str,
) {
    for member in t.members().into_iter().filter(|u| *u != from) {
        state.hub.send(member, event);
    }
    if t.kind == crate::domain::chats::ThreadKind::Support && t.buyer.id == from {
        state.hub.send_staff(event);
    }
}

/// After a read: the reader's badge everywhere, a receipt to the other side.
pub fn read_done(
    state: &AppState,
    reader: UserId,
    t: &crate::domain::chats::Thread,
    read: actions::Read,
) {
    state.unread.invalidate(reader);
    if !read.changed {
        return;
    }
    let unread = Event::Unread { total: read.total, thread: t.id }.json();
    state.hub.send(reader, &unread);
    notify_others(state, t, reader, &Event::Read { thread: t.id, up_to: read.up_to }.json());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockets_are_bounded_per_user_and_in_all_and_freed_when_they_end() {
        let hub = Arc::new(Hub::new(3, 2));
        let a1 = hub.add(UserId(1), false).expect("first tab");
        let a2 = hub.add(UserId(1), false).expect("second tab");
        assert!(hub.add(UserId(1), false).is_none(), "a third tab waits: none is pushed out");
        let b1 = hub.add(UserId(2), true).expect("another user");
        assert!(hub.add(UserId(3), false).is_none(), "the hub is full");
        assert_eq!(hub.open(), 3);
        drop(a1);
        assert_eq!(hub.open(), 2);
        let _c1 = hub.add(UserId(3), false).expect("room again");
        // a message reaches each socket of its user; staff hear support events
        let (_reg_a2, mut rx_a2) = a2;
        let (_reg_b1, mut rx_b1) = b1;
        hub.send(UserId(1), "{\"t\":\"x\"}");
        assert_eq!(rx_a2.try_recv().ok().as_ref().map(Utf8Bytes::as_str), Some("{\"t\":\"x\"}"));
        hub.send_staff("{\"t\":\"s\"}");
        assert!(rx_b1.try_recv().is_ok(), "user 2 is staff");
        // a socket that falls behind is dropped, not waited for
        for _ in 0..QUEUE + 1 {
            hub.send(UserId(2), "{}");
        }
        assert_eq!(hub.open(), 2, "user 2's full socket left the hub");
    }
}
