//! The inbox and a thread. A message renders the same on the page and in a live event; only
//! the author's own buttons (edit, delete) and the report form need the viewer.

use maud::{Markup, html};

use crate::domain::chats::{InboxRow, Message, Preview, Side, Thread, ThreadKind};
use crate::domain::ids::UserId;
use crate::i18n::Lang;
use crate::views::assets::url;
use crate::views::components::{MediaUrl, icon};
use crate::views::ctx::PageCtx;
use crate::views::forms::{CsrfField, csrf};
use crate::views::layout::{self, Head};
use crate::views::text::Text;

/// The thread's title for its viewer: the ad, or support.
fn title(lang: Lang, t: &Thread) -> &str {
    match (&t.kind, &t.ad) {
        (ThreadKind::Support, _) => lang.t("chat.support"),
        (_, Some(ad)) => &ad.title,
        (_, None) => lang.t("chat.ad_deleted"),
    }
}

/// The other party's name as the viewer sees it.
fn other_name(lang: Lang, t: &Thread, side: Side) -> &str {
    match t.other(side) {
        None => lang.t("chat.support_team"),
        Some(p) if p.deleted => lang.t("chat.user_deleted"),
        Some(p) => &p.name,
    }
}

/// `GET /chats`.
pub fn inbox(
    ctx: &PageCtx,
    rows: &[InboxRow],
    page: i64,
    has_next: bool,
    support: bool,
    support_waiting: u32,
) -> Markup {
    let l = ctx.lang;
    let body = html! {
        div.listing-head {
            h1 { (l.t(if support { "chat.support_inbox" } else { "chat.inbox" })) }
            div.chat-head-actions {
                @if ctx.user.as_ref().is_some_and(|u| u.is_staff) {
                    @if support {
                        a.btn.btn-small.btn-ghost href="/chats" { (l.t("chat.inbox")) }
                    } @else {
                        a.btn.btn-small.btn-ghost href="/chats?support=1" {
                            (l.t("chat.support_inbox"))
                            @if support_waiting > 0 { " " span.badge { (support_waiting) } }
                        }
                    }
                }
                form method="post" action="/support" {
                    (csrf(ctx))
                    button.btn.btn-small.btn-ghost #write-support type="submit" { (l.t("chat.write_support")) }
                }
            }
        }
        @if rows.is_empty() {
            p.empty { (l.t("chat.inbox_empty")) }
        }
        ul.inbox #inbox {
            @for r in rows {
                @let t = &r.thread;
                li.inbox-row.unread[r.unread > 0] data-thread=(t.id) {
                    a.inbox-link href=(format!("/chats/{}", t.id)) {
                        @if let Some(photo) = t.ad.as_ref().and_then(|a| a.photo.as_ref()) {
                            img.inbox-photo src=(MediaUrl(photo)) alt="" width="64" height="48" loading="lazy";
                        } @else {
                            img.inbox-photo src=(url("placeholder.svg")) alt="" width="64" height="48";
                        }
                        span.inbox-body {
                            span.inbox-title {
                                strong { (Text(title(l, t))) }
                                @if t.ad.as_ref().is_some_and(|a| a.deleted) { " " span.muted { "(" (l.t("chat.ad_deleted")) ")" } }
                            }
                            span.inbox-party.muted { (Text(other_name(l, t, r.side))) }
                            span.inbox-preview {
                                @match &r.preview {
                                    Preview::Text(s) => (Text(s)),
                                    Preview::Images => em { (l.t("chat.images_only")) },
                                    Preview::Deleted => em { (l.t("chat.message_deleted")) },
                                }
                            }
                        }
                        span.inbox-meta {
                            span.muted { (Text(&l.ago(r.last_at, ctx.now))) }
                            @if r.unread > 0 { span.badge.thread-unread { (r.unread) } }
                        }
                    }
                }
            }
        }
        @if page > 1 || has_next {
            nav.pagination {
                @let base = if support { "/chats?support=1&page=" } else { "/chats?page=" };
                @if page > 1 { a.btn.btn-ghost href=(format!("{base}{}", page - 1)) { "←" } }
                span { (page) }
                @if has_next { a.btn.btn-ghost href=(format!("{base}{}", page + 1)) { "→" } }
            }
        }
    };
    layout::page(ctx, Head { title: l.t("chat.inbox"), ..Head::default() }, body)
}

/// What a thread page shows.
pub struct ThreadPage<'a> {
    /// The thread.
    pub thread: &'a Thread,
    /// The viewer's side.
    pub side: Side,
    /// Its messages, oldest first.
    pub messages: &'a [Message],
    /// How far the other side read (ticks on the viewer's messages).
    pub read_by_other: i64,
    /// There are older messages than these.
    pub older: bool,
    /// (the viewer blocked the other party, the other party blocked the viewer)
    pub blocks: (bool, bool),
}

/// `GET /chats/{thread}`.
pub fn thread(ctx: &PageCtx, p: &ThreadPage<'_>) -> Markup {
    let l = ctx.lang;
    let t = p.thread;
    let me = ctx.user.as_ref().map(|u| u.id);
    let other = t.other(p.side);
    let closed = other.is_some_and(|o| o.deleted) || t.ad.as_ref().is_some_and(|a| a.deleted);
    let body = html! {
        div.chat-page #chat data-thread=(t.id) data-me=[me] data-last=(p.messages.last().map_or(0, |m| m.id.get()))
            data-send-failed=(l.t("chat.send_failed")) data-read=(p.read_by_other) {
            header.chat-top {
                a.btn.btn-small.btn-ghost href="/chats" { "← " (l.t("chat.inbox")) }
                div.chat-about {
                    @match &t.ad {
                        Some(ad) if !ad.deleted => {
                            a.chat-ad href=(format!("/ad/{}-{}", ad.id, ad.slug)) {
                                @if let Some(photo) = &ad.photo { img src=(MediaUrl(photo)) alt="" width="48" height="36"; }
                                strong { (Text(&ad.title)) }
                            }
                        }
                        Some(ad) => { strong { (Text(&ad.title)) } " " span.note.warn { (l.t("chat.ad_deleted")) } }
                        None => strong { (l.t(if t.kind == ThreadKind::Support { "chat.support" } else { "chat.ad_deleted" })) },
                    }
                    p.muted.chat-party {
                        (Text(other_name(l, t, p.side)))
                        @if other.is_some_and(|o| o.verified) { " " span.verified { (icon::verified()) } }
                        " " span.typing #typing hidden { (l.t("chat.typing")) }
                    }
                }
                @if let (Some(o), ThreadKind::Ad) = (other, t.kind) {
                    @if !o.deleted {
                        form.chat-block method="post" action=(format!("/users/{}/{}", o.id, if p.blocks.0 { "unblock" } else { "block" })) {
                            (csrf(ctx))
                            input type="hidden" name="back" value=(format!("/chats/{}", t.id));
                            button.btn.btn-small.btn-ghost type="submit" data-confirm=[(!p.blocks.0).then(|| l.t("chat.block_confirm"))] {
                                (l.t(if p.blocks.0 { "chat.unblock" } else { "chat.block" }))
                            }
                        }
                    }
                }
            }
            @if p.older {
                @if let Some(first) = p.messages.first() {
                    p.older { a href=(format!("/chats/{}?before={}", t.id, first.id)) { (l.t("chat.older")) } }
                }
            }
            ol.messages #messages aria-live="polite" {
                @if p.messages.is_empty() {
                    li.empty.muted #no-messages { (l.t("chat.no_messages")) }
                }
                @for m in p.messages {
                    (message(l, m, t, me.map(|u| (u, CsrfField(&ctx.csrf))), ctx.now, p.read_by_other))
                }
            }
            @if closed {
                p.note.warn { (l.t("chat.closed")) }
            } @else if p.blocks.0 {
                p.note.warn { (l.t("chat.blocked_by_you")) }
            } @else if p.blocks.1 {
                p.note.warn { (l.t("chat.blocked_by_them")) }
            } @else {
                form.composer #composer method="post" action=(format!("/chats/{}/messages", t.id)) enctype="multipart/form-data" {
                    (csrf(ctx))
                    label.visually-hidden for="chat-text" { (l.t("chat.text_label")) }
                    textarea #chat-text name="text" rows="2" maxlength="5000" placeholder=(l.t("chat.placeholder")) {}
                    div.composer-actions {
                        label.btn.btn-small.btn-ghost.attach {
                            (l.t("chat.attach"))
                            input #chat-images type="file" name="images" accept="image/jpeg,image/png,image/webp" multiple;
                        }
                        span.muted.composer-hint { (l.t("chat.limits")) }
                        button.btn #chat-send type="submit" { (l.t("chat.send")) }
                    }
                    p.composer-error #composer-error role="alert" hidden {}
                }
            }
        }
    };
    layout::page(ctx, Head { title: title(l, t), ..Head::default() }, body)
}

/// One message. `viewer`: the signed-in reader and their form token, for their own buttons and
/// the report form (a live event renders without, and the page script marks the reader's own).
pub fn message(
    l: Lang,
    m: &Message,
    t: &Thread,
    viewer: Option<(UserId, CsrfField<'_>)>,
    now: i64,
    read_by_other: i64,
) -> Markup {
    let mine = viewer.as_ref().is_some_and(|(u, _)| *u == m.sender);
    let from_staff = m.sender_staff && t.kind == ThreadKind::Support && m.sender != t.buyer.id;
    html! {
        li.message.mine[mine].system[m.system].deleted[m.deleted_at.is_some()] #(format!("m{}", m.id)) data-id=(m.id) data-from=(m.sender) {
            @if m.system {
                p.system-text {
                    @if m.text.is_empty() { (l.t("chat.removed_by_staff")) } @else { (Text(&m.text)) }
                }
            } @else {
                p.message-author.muted {
                    @if from_staff { (l.t("chat.support_team")) } @else { (Text(&m.sender_name)) }
                }
                @if m.deleted_at.is_some() {
                    p.message-text { em.muted { (l.t("chat.message_deleted")) } }
                } @else {
                    @if !m.text.is_empty() {
                        // line breaks kept by CSS (pre-wrap); the text is escaped, links stay text
                        p.message-text { (Text(&m.text)) }
                    }
                    @if !m.images.is_empty() {
                        div.message-images {
                            @for img in &m.images {
                                @let src = format!("/chats/{}/images/{}", t.id, img.name);
                                a href=(src) target="_blank" rel="noopener" {
                                    img src=(src) alt=(l.t("chat.image")) width=(img.width) height=(img.height) loading="lazy";
                                }
                            }
                        }
                    }
                }
            }
            p.message-meta.muted {
                time datetime=(m.created_at) { (Text(&l.ago(m.created_at, now))) }
                @if m.edited_at.is_some() && m.deleted_at.is_none() { " · " span.edited { (l.t("chat.edited")) } }
                @if !m.system {
                    @let read = m.id.get() <= read_by_other;
                    // an image with a name that says what the ticks show; chat.js updates both
                    span.ticks role="img" data-read=[read.then_some("1")] data-read-label=(l.t("chat.read"))
                        aria-label=(if read { l.t("chat.read") } else { l.t("chat.sent") }) {}
                }
            }
            @if let Some((me, token)) = viewer {
                @if m.editable_by(me, now) {
                    details.message-tools {
                        summary { (l.t("chat.edit")) }
                        form.edit-form method="post" action=(format!("/messages/{}/edit", m.id)) {
                            (token)
                            textarea name="text" rows="3" maxlength="5000" { (Text(&m.text)) }
                            button.btn.btn-small type="submit" { (l.t("chat.save")) }
                        }
                        form.delete-form method="post" action=(format!("/messages/{}/delete", m.id)) {
                            (token)
                            button.btn.btn-small.btn-danger type="submit" data-confirm=(l.t("chat.delete_confirm")) { (l.t("chat.delete")) }
                        }
                    }
                } @else if me != m.sender && !m.system && m.deleted_at.is_none() {
                    details.message-tools {
                        summary { (l.t("chat.report")) }
                        form.report-form method="post" action=(format!("/messages/{}/report", m.id)) {
                            (token)
                            select name="reason" aria-label=(l.t("chat.report_reason")) {
                                @for r in crate::domain::chats::REPORT_REASONS {
                                    option value=(r) { (l.t(report_key(r))) }
                                }
                            }
                            input type="text" name="comment" maxlength="1000" placeholder=(l.t("chat.report_comment"));
                            button.btn.btn-small.btn-ghost type="submit" { (l.t("chat.report_send")) }
                        }
                    }
                }
            }
        }
    }
}

fn report_key(reason: &str) -> &'static str {
    match reason {
        "spam" => "report.spam",
        "fraud" => "report.fraud",
        "abuse" => "report.abuse",
        "prohibited" => "report.prohibited",
        _ => "report.other",
    }
}
