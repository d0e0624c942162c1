//! Chats: the inbox, a thread, sending, editing and deleting messages, read marks, images,
//! the support thread, blocks and reports. Every write commits first, then rings the live
//! sockets of those it concerns (`web::live`).

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::domain::chats::repo::{self, Window};
use crate::domain::chats::{self, NewImage, Refusal, actions};
use crate::domain::ids::{AdId, MessageId, ParseId, ThreadId, UserId, page_of};
use crate::domain::photos;
use crate::jobs::Job;
use crate::views::pages::chats as view;
use crate::web::AppState;
use crate::web::csrf::CsrfForm;
use crate::web::error::{Error, Result};
use crate::web::extract::{IdPath, PageCtx, Q, RequireUser, WantsJson};
use crate::web::flash::Flash;
use crate::web::handlers::prefs::safe_back;
use crate::web::live::{self, Event};
use crate::web::multipart::{self, FileRules};

/// The largest message form: four images and the text.
pub const BODY_LIMIT: usize = chats::MAX_IMAGES * chats::MAX_IMAGE_BYTES + 64 * 1024;

/// The folder chat images are kept in, under `uploads`: `/media` serves no file that no ad
/// row names, so these go out only through the thread's own route.
const IMAGES_DIR: &str = "chats";

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body.to_string(),
    )
        .into_response()
}

/// A refusal: for scripts a 422 with the reason, for forms the thread again with it shown.
fn refused(ctx: &PageCtx, wants_json: bool, r: Refusal, back: &str) -> Result<Response> {
    match r {
        Refusal::Denied(d) => Err(d.into()),
        _ if wants_json => Ok(json(
            StatusCode::UNPROCESSABLE_ENTITY,
            serde_json::json!({ "error": ctx.lang.t(r.key()) }),
        )),
        _ => Ok((Flash(r.key()), Redirect::to(back)).into_response()),
    }
}

/// `POST /ad/{id}/chat`: the buyer's thread about the ad, opened or found.
pub async fn open_for_ad(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(ad): IdPath<AdId>,
    _csrf: CsrfForm,
) -> Result<Response> {
    let now = ctx.now;
    match state.db.run(move |conn| Ok(actions::open_ad_thread(conn, &user, ad, now)?)).await? {
        Ok(thread) => Ok(Redirect::to(&format!("/chats/{thread}")).into_response()),
        Err(Refusal::Denied(d)) => Err(d.into()),
        Err(r) => Err(Error::Refused(r.key())),
    }
}

/// `POST /support`: the user's thread with staff.
pub async fn support(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    _csrf: CsrfForm,
) -> Result<Response> {
    let now = ctx.now;
    let thread = state.db.run(move |conn| Ok(actions::open_support(conn, user.id, now)?)).await?;
    Ok(Redirect::to(&format!("/chats/{thread}")).into_response())
}

/// The inbox's query.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    page: Option<String>,
    /// Staff: the support threads instead of their own.
    support: Option<String>,
}

/// `GET /chats`: the viewer's threads, newest first, 50 a page; staff may list the support
/// threads.
pub async fn inbox(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Q(q): Q<InboxQuery>,
) -> Result<Response> {
    let page = page_of(q.page.as_deref()).map_err(|k| Error::BadRequest(ctx.lang.t(k).into()))?;
    let support = q.support.is_some() && user.is_staff;
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let offset = page.offset(chats::INBOX_PAGE);
    let viewer = user.clone();
    let (mut rows, waiting) = state
        .db
        .run(move |conn| {
            let rows = if support {
                repo::support_inbox(conn, &ring, offset, now)?
            } else {
                repo::inbox(conn, &ring, &viewer, offset, now)?
            };
            let waiting = if viewer.is_staff { repo::support_waiting(conn)? } else { 0 };
            Ok((rows, waiting))
        })
        .await?;
    let has_next = rows.len() > chats::INBOX_PAGE as usize;
    rows.truncate(chats::INBOX_PAGE as usize);
    Ok(view::inbox(&ctx, &rows, page.get(), has_next, support, waiting).into_response())
}

/// A thread's query: older messages (`before`), or those after the last one a socket saw
/// (`after`, JSON).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ThreadQuery {
    before: Option<String>,
    after: Option<String>,
}

/// `GET /chats/{thread}`: its last 60 messages (older ones with `?before=`); opening it reads
/// it. With `Accept: application/json` and `?after=`, the messages since then, for a socket
/// catching up.
pub async fn show(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<ThreadId>,
    WantsJson(wants_json): WantsJson,
    Q(q): Q<ThreadQuery>,
) -> Result<Response> {
    let parse = |v: &Option<String>| match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => MessageId::parse_id(s)
            .map(Some)
            .ok_or(Error::BadRequest(ctx.lang.t("error.bad_id").into())),
    };
    let before = parse(&q.before)?;
    // a socket that saw nothing yet catches up from 0
    let after = match q.after.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(
            s.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .map(MessageId)
                .ok_or(Error::BadRequest(ctx.lang.t("error.bad_id").into()))?,
        ),
    };
    let window = match (before, after) {
        (Some(b), _) => Window::Before(b, chats::PAGE_MESSAGES),
        (None, Some(a)) => Window::After(a, 200),
        (None, None) => Window::Last(chats::PAGE_MESSAGES),
    };
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let viewer = user.clone();
    // a replica cannot record reads
    let reading =
        before.is_none() && after.is_none() && !wants_json && !state.config.database.read_only;
    let found = state
        .db
        .run(move |conn| {
            let Some(t) = repo::thread(conn, id, now)? else {
                return Ok(Err(crate::domain::Denied::NotFound));
            };
            let side = match t.side_of(&viewer) {
                Ok(s) => s,
                Err(d) => return Ok(Err(d)),
            };
            let messages = repo::messages(conn, &ring, id, window)?;
            let read = if reading && repo::has_unread(conn, &t, viewer.id, side)? {
                actions::mark_read(conn, &viewer, id, None, now)?.ok()
            } else {
                None
            };
            let read_by_other = repo::read_by_others(conn, id, viewer.id)?;
            let older = match messages.first() {
                Some(m) => !repo::messages(conn, &ring, id, Window::Before(m.id, 1))?.is_empty(),
                None => false,
            };
            let blocks = match t.other(side) {
                Some(o) if t.kind == chats::ThreadKind::Ad => (
                    repo::is_blocked(conn, viewer.id, o.id)?,
                    repo::is_blocked(conn, o.id, viewer.id)?,
                ),
                _ => (false, false),
            };
            Ok(Ok((t, side, messages, read, read_by_other, older, blocks)))
        })
        .await??;
    let (t, side, messages, read, read_by_other, older, blocks) = found;
    if let Some((_, read)) = read {
        live::read_done(&state, user.id, &t, read);
    }
    if wants_json {
        let list: Vec<serde_json::Value> = messages
            .iter()
            .map(|m| {
                let html = view::message(ctx.lang, m, &t, None, now, read_by_other).into_string();
                serde_json::json!({ "id": m.id, "from": m.sender, "html": html })
            })
            .collect();
        return Ok(json(
            StatusCode::OK,
            serde_json::json!({ "messages": list, "read_up_to": read_by_other }),
        ));
    }
    // the badge in this page's header counts what this visit just read
    let mut ctx = ctx;
    if let Some((_, read)) = read {
        ctx.unread = read.total;
    }
    let page =
        view::ThreadPage { thread: &t, side, messages: &messages, read_by_other, older, blocks };
    Ok(view::thread(&ctx, &page).into_response())
}

/// Rings the sockets after a send, an edit or a delete.
pub(crate) fn deliver(state: &AppState, ctx: &PageCtx, d: &actions::Delivery, new: bool) {
    let html = view::message(ctx.lang, &d.message, &d.thread, None, ctx.now, 0).into_string();
    let event = Event::Msg {
        thread: d.thread.id,
        id: d.message.id,
        from: d.message.sender,
        html: &html,
        new,
    }
    .json();
    for member in d.thread.members() {
        state.hub.send(member, &event);
    }
    if d.thread.kind == chats::ThreadKind::Support {
        state.hub.send_staff(&event);
    }
    for (user, total) in &d.totals {
        state.unread.invalidate(*user);
        if *user != d.message.sender {
            let unread = Event::Unread { total: *total, thread: d.thread.id }.json();
            state.hub.send(*user, &unread);
        }
    }
}

/// `POST /chats/{thread}/messages` (multipart: `text`, up to four `images`).
pub async fn send(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(thread): IdPath<ThreadId>,
    WantsJson(wants_json): WantsJson,
    req: Request,
) -> Result<Response> {
    let rules = FileRules {
        field: "images",
        max_bytes: chats::MAX_IMAGE_BYTES,
        max_files: chats::MAX_IMAGES,
    };
    let form = multipart::read(&state, req, rules).await?;
    let back = format!("/chats/{thread}");
    let text = form.fields.get("text").cloned().unwrap_or_default();
    if form.too_many_files {
        return refused_key(&ctx, wants_json, "chat.too_many_images", &back);
    }
    if form.files.iter().any(|(_, bytes)| bytes.is_none()) {
        return refused_key(&ctx, wants_json, "chat.image_too_big", &back);
    }
    if let Err(r) = chats::clean_text(&text) {
        return refused(&ctx, wants_json, r, &back);
    }
    let max = state.config.chat.messages_per_minute;
    if !state.throttle.chat.allow(&user.id.to_string(), ctx.now, max) {
        return refused_key(&ctx, wants_json, "chat.too_fast", &back);
    }
    // images are decoded and stored before the transaction; a refused send removes them
    let mut images: Vec<NewImage> = Vec::new();
    for (_, bytes) in form.files {
        let Some(bytes) = bytes else { continue };
        match store_image(&state, bytes).await? {
            Ok(image) => images.push(image),
            Err(key) => {
                remove_images(&state, &images);
                return refused_key(&ctx, wants_json, key, &back);
            }
        }
    }
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let stored = images.clone();
    let sent = state
        .db
        .run(move |conn| Ok(actions::send(conn, &ring, &user, thread, &text, &stored, now)?))
        .await;
    let delivery = match sent {
        Ok(Ok(d)) => d,
        Ok(Err(r)) => {
            remove_images(&state, &images);
            return refused(&ctx, wants_json, r, &back);
        }
        Err(e) => {
            remove_images(&state, &images);
            return Err(e.into());
        }
    };
    deliver(&state, &ctx, &delivery, true);
    if !delivery.message.text.is_empty() {
        let text = delivery.message.text.clone();
        state.jobs.enqueue(Job::CheckWords {
            kind: "message",
            id: delivery.message.id.get(),
            text,
        });
    }
    if wants_json {
        // the author's own copy, with their edit and delete buttons
        let me = Some((delivery.message.sender, crate::views::forms::CsrfField(&ctx.csrf)));
        let html =
            view::message(ctx.lang, &delivery.message, &delivery.thread, me, now, 0).into_string();
        return Ok(json(
            StatusCode::OK,
            serde_json::json!({ "id": delivery.message.id, "html": html }),
        ));
    }
    Ok(Redirect::to(&format!("/chats/{thread}#m{}", delivery.message.id)).into_response())
}

fn refused_key(ctx: &PageCtx, wants_json: bool, key: &'static str, back: &str) -> Result<Response> {
    if wants_json {
        return Ok(json(
            StatusCode::UNPROCESSABLE_ENTITY,
            serde_json::json!({ "error": ctx.lang.t(key) }),
        ));
    }
    Ok((Flash(key), Redirect::to(back)).into_response())
}

/// Decodes, re-encodes and stores one image; `Err` carries the message key of a bad one.
async fn store_image(state: &AppState, bytes: Vec<u8>) -> Result<Result<NewImage, &'static str>> {
    let info = match photos::inspect(&bytes) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e.key())),
    };
    let processed =
        state.decoding(info.cost_mib(), move || photos::process_chat_image(&bytes, &info)).await?;
    let processed = match processed {
        Ok(p) => p,
        Err(e) => return Ok(Err(e.key())),
    };
    let name = format!("{}.jpg", crate::domain::secrets::new_token().replace(['-', '_'], "x"));
    let path = format!("{IMAGES_DIR}/{name}");
    super::media::store(state, &path, processed.jpeg).await?;
    Ok(Ok(NewImage { name, path, width: processed.width, height: processed.height }))
}

fn remove_images(state: &AppState, images: &[NewImage]) {
    if !images.is_empty() {
        state
            .jobs
            .enqueue(Job::DeleteFiles { paths: images.iter().map(|i| i.path.clone()).collect() });
    }
}

/// The text of an edit.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    text: String,
}

/// `POST /messages/{id}/edit`: the author, within 24 hours.
pub async fn edit(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<MessageId>,
    WantsJson(wants_json): WantsJson,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response> {
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let edited = state
        .db
        .run(move |conn| Ok(actions::edit(conn, &ring, &user, id, &form.text, now)?))
        .await?;
    match edited {
        Ok(d) => {
            deliver(&state, &ctx, &d, false);
            if wants_json {
                let html =
                    view::message(ctx.lang, &d.message, &d.thread, None, now, 0).into_string();
                return Ok(json(StatusCode::OK, serde_json::json!({ "id": id, "html": html })));
            }
            Ok(Redirect::to(&format!("/chats/{}#m{id}", d.thread.id)).into_response())
        }
        Err(r) => refused(&ctx, wants_json, r, "/chats"),
    }
}

/// `POST /messages/{id}/delete`: the author within 24 hours, or staff.
pub async fn delete(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<MessageId>,
    WantsJson(wants_json): WantsJson,
    _csrf: CsrfForm,
) -> Result<Response> {
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let deleted =
        state.db.run(move |conn| Ok(actions::delete(conn, &ring, &user, id, now)?)).await?;
    match deleted {
        Ok((d, files)) => {
            if !files.is_empty() {
                state.jobs.enqueue(Job::DeleteFiles { paths: files });
            }
            deliver(&state, &ctx, &d, false);
            if wants_json {
                return Ok(json(StatusCode::OK, serde_json::json!({ "id": id })));
            }
            Ok((Flash("chat.deleted_done"), Redirect::to(&format!("/chats/{}", d.thread.id)))
                .into_response())
        }
        Err(r) => refused(&ctx, wants_json, r, "/chats"),
    }
}

/// How far a thread was read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReadForm {
    up_to: String,
}

/// `POST /chats/{thread}/read`: marks it read (up to `up_to`, or all).
pub async fn read(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(thread): IdPath<ThreadId>,
    WantsJson(wants_json): WantsJson,
    CsrfForm(form): CsrfForm<ReadForm>,
) -> Result<Response> {
    let up_to = match form.up_to.trim() {
        "" => None,
        s => Some(
            MessageId::parse_id(s).ok_or(Error::BadRequest(ctx.lang.t("error.bad_id").into()))?,
        ),
    };
    let (now, reader) = (ctx.now, user.clone());
    let result = state
        .db
        .run(move |conn| Ok(actions::mark_read(conn, &reader, thread, up_to, now)?))
        .await?;
    match result {
        Ok((t, read)) => {
            live::read_done(&state, user.id, &t, read);
            if wants_json {
                return Ok(json(StatusCode::OK, serde_json::json!({ "unread": read.total })));
            }
            Ok(Redirect::to(&format!("/chats/{thread}")).into_response())
        }
        Err(r) => refused(&ctx, wants_json, r, "/chats"),
    }
}

/// `GET /chats/{thread}/images/{name}`: to the thread's participants only, never cached by
/// anyone else.
pub async fn image(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    Path((thread, name)): Path<(String, String)>,
) -> Result<Response> {
    let thread = ThreadId::parse_id(&thread).ok_or(Error::NotFound)?;
    if name.len() > 80
        || !name.ends_with(".jpg")
        || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.')
    {
        return Err(Error::NotFound);
    }
    let now = ctx.now;
    let path = state
        .db
        .run(move |conn| {
            let Some(t) = repo::thread(conn, thread, now)? else { return Ok(None) };
            if t.side_of(&user).is_err() {
                return Ok(None);
            }
            Ok(repo::image_path(conn, thread, &name)?)
        })
        .await?
        .ok_or(Error::NotFound)?;
    super::media::private_jpeg(&state, &path, "private, max-age=86400").await
}

/// Where to come back to after a block.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BackForm {
    back: String,
}

async fn set_block(
    state: AppState,
    ctx: PageCtx,
    me: UserId,
    them: UserId,
    block: bool,
    back: &str,
) -> Result<Response> {
    let now = ctx.now;
    state.db.run(move |conn| Ok(actions::set_block(conn, me, them, block, now)?)).await??;
    let back = if back.is_empty() { "/chats" } else { back };
    Ok((
        Flash(if block { "chat.blocked_done" } else { "chat.unblocked_done" }),
        Redirect::to(safe_back(Some(back))),
    )
        .into_response())
}

/// `POST /users/{id}/block`: they can no longer write to the viewer.
pub async fn block(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(them): IdPath<UserId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    set_block(state, ctx, user.id, them, true, &form.back).await
}

/// `POST /users/{id}/unblock`.
pub async fn unblock(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(them): IdPath<UserId>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    set_block(state, ctx, user.id, them, false, &form.back).await
}

/// A report.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    reason: String,
    comment: String,
}

/// `POST /messages/{id}/report`: a participant tells staff about a message.
pub async fn report(
    State(state): State<AppState>,
    RequireUser(ctx, user): RequireUser,
    IdPath(id): IdPath<MessageId>,
    WantsJson(wants_json): WantsJson,
    CsrfForm(form): CsrfForm<ReportForm>,
) -> Result<Response> {
    let (now, ring) = (ctx.now, state.chat_keys.clone());
    let result = state
        .db
        .run(move |conn| {
            Ok(actions::report_message(conn, &ring, &user, id, &form.reason, &form.comment, now)?)
        })
        .await?;
    match result {
        Ok(()) => {
            if wants_json {
                return Ok(json(StatusCode::OK, serde_json::json!({ "reported": true })));
            }
            Ok((Flash("chat.reported"), Redirect::to("/chats")).into_response())
        }
        Err(r) => refused(&ctx, wants_json, r, "/chats"),
    }
}
