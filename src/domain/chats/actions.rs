//! Chat writes. Each runs in one transaction that also keeps the unread counters exact: per
//! participant and thread (`chat_reads.unread`) and per user (`users.chat_unread`), where the
//! unread messages of a participant are those after what they read, sent by someone else, not
//! deleted.

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::repo;
use super::seal::Keyring;
use super::{Message, NewImage, Refusal, Side, Thread, ThreadKind};
use crate::db::write_tx;
use crate::domain::Denied;
use crate::domain::ids::{AdId, MessageId, ThreadId, UserId};
use crate::domain::users::SessionUser;

/// A chat result: the database failed, or the rule said no.
pub type ChatResult<T> = rusqlite::Result<Result<T, Refusal>>;

/// Opens the buyer's thread about an ad, or finds the one they opened before. The ad must be
/// published for a new thread; the owner cannot ask about their own ad.
pub fn open_ad_thread(
    conn: &mut Connection,
    buyer: &SessionUser,
    ad: AdId,
    now: i64,
) -> ChatResult<ThreadId> {
    write_tx(conn, |tx| {
        let owner: Option<(UserId, bool)> = tx
            .query_row(
                "SELECT owner_id, is_active AND deleted_at IS NULL AND blocked_at IS NULL FROM ads WHERE id = ?1",
                [ad],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((seller, live)) = owner else { return Ok(Err(Denied::NotFound.into())) };
        if seller == buyer.id {
            return Ok(Err(Refusal::OwnAd));
        }
        if let Some(id) = repo::ad_thread_of(tx, ad, buyer.id)? {
            return Ok(Ok(id));
        }
        if !live {
            return Ok(Err(Denied::NotFound.into()));
        }
        tx.execute(
            "INSERT INTO chat_threads (kind, ad_id, buyer_id, seller_id, created_at, last_message_at)
             VALUES ('ad', ?1, ?2, ?3, ?4, ?4)",
            (ad, buyer.id, seller, now),
        )?;
        let id = ThreadId(tx.last_insert_rowid());
        add_members(tx, id, &[buyer.id, seller])?;
        Ok(Ok(id))
    })
}

/// Inside the caller's transaction: `buyer`'s thread about `ad` of `seller`, opened if it is
/// not there yet (rental quotes open the requester's thread about the quoting owner's ad).
pub fn ad_thread_in(
    tx: &Transaction<'_>,
    ad: AdId,
    buyer: UserId,
    seller: UserId,
    now: i64,
) -> rusqlite::Result<ThreadId> {
    if let Some(id) = repo::ad_thread_of(tx, ad, buyer)? {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO chat_threads (kind, ad_id, buyer_id, seller_id, created_at, last_message_at)
         VALUES ('ad', ?1, ?2, ?3, ?4, ?4)",
        (ad, buyer, seller, now),
    )?;
    let id = ThreadId(tx.last_insert_rowid());
    add_members(tx, id, &[buyer, seller])?;
    Ok(id)
}

/// Inside the caller's transaction: a message of `sender` into a thread they take part in,
/// `kind` "text" or "system" (a notice the other side reads as one), sealed and counted
/// unread for the others like any message. The caller tells the open sockets, if any.
pub fn post_in(
    tx: &Transaction<'_>,
    ring: &Keyring,
    thread: ThreadId,
    sender: UserId,
    kind: &str,
    text: &str,
    now: i64,
) -> rusqlite::Result<Result<MessageId, Refusal>> {
    let Some(t) = repo::thread(tx, thread, now)? else { return Ok(Err(Denied::NotFound.into())) };
    if !t.members().contains(&sender) {
        return Ok(Err(Denied::Forbidden.into()));
    }
    Ok(Ok(insert_message(tx, ring, &t, sender, kind, text, now)?))
}

/// The user's support thread, opened on first use.
pub fn open_support(conn: &mut Connection, user: UserId, now: i64) -> rusqlite::Result<ThreadId> {
    write_tx(conn, |tx| support_thread(tx, user, now))
}

fn support_thread(tx: &Transaction<'_>, user: UserId, now: i64) -> rusqlite::Result<ThreadId> {
    if let Some(id) = repo::support_thread_of(tx, user)? {
        return Ok(id);
    }
    tx.execute(
        "INSERT INTO chat_threads (kind, ad_id, buyer_id, seller_id, created_at, last_message_at)
         VALUES ('support', NULL, ?1, ?1, ?2, ?2)",
        (user, now),
    )?;
    let id = ThreadId(tx.last_insert_rowid());
    add_members(tx, id, &[user])?;
    Ok(id)
}

fn add_members(tx: &Transaction<'_>, thread: ThreadId, users: &[UserId]) -> rusqlite::Result<()> {
    for user in users {
        tx.execute(
            "INSERT OR IGNORE INTO chat_reads (thread_id, user_id, last_read_id) VALUES (?1, ?2, 0)",
            (thread, user),
        )?;
    }
    Ok(())
}

/// What a send, edit or delete changed, for telling the open sockets after the commit.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The thread.
    pub thread: Thread,
    /// The message as it now reads.
    pub message: Message,
    /// Each participant's new unread total (the sender's included).
    pub totals: Vec<(UserId, u32)>,
    /// Staff should hear of it (a support thread's user wrote).
    pub to_staff: bool,
}

/// Sends a message (text and/or stored images) into a thread the sender takes part in.
pub fn send(
    conn: &mut Connection,
    ring: &Keyring,
    sender: &SessionUser,
    thread: ThreadId,
    text: &str,
    images: &[NewImage],
    now: i64,
) -> ChatResult<Delivery> {
    let text = match super::clean_text(text) {
        Ok(t) => t,
        Err(r) => return Ok(Err(r)),
    };
    if text.is_empty() && images.is_empty() {
        return Ok(Err(Refusal::Empty));
    }
    write_tx(conn, |tx| {
        let Some(t) = repo::thread(tx, thread, now)? else {
            return Ok(Err(Denied::NotFound.into()));
        };
        let side = match t.side_of(sender) {
            Ok(s) => s,
            Err(d) => return Ok(Err(d.into())),
        };
        if let Some(other) = t.other(side) {
            if other.deleted || t.ad.as_ref().is_some_and(|a| a.deleted) {
                return Ok(Err(Refusal::Closed));
            }
            if t.kind == ThreadKind::Ad {
                if repo::is_blocked(tx, other.id, sender.id)? {
                    return Ok(Err(Refusal::Blocked));
                }
                if repo::is_blocked(tx, sender.id, other.id)? {
                    return Ok(Err(Refusal::YouBlocked));
                }
            }
        }
        let id = insert_message(tx, ring, &t, sender.id, "text", &text, now)?;
        for image in images {
            tx.execute(
                "INSERT INTO chat_images (name, message_id, thread_id, path, width, height) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                (&image.name, id, thread, &image.path, image.width, image.height),
            )?;
        }
        delivered(tx, ring, t, id, side == Side::SupportUser)
    })
}

/// Posts a notice from staff into a user's support thread (warnings, badge decisions): it
/// counts as unread for the user.
pub fn post_system(
    tx: &Transaction<'_>,
    ring: &Keyring,
    staff: UserId,
    user: UserId,
    text: &str,
    now: i64,
) -> rusqlite::Result<Result<Delivery, Refusal>> {
    let thread = support_thread(tx, user, now)?;
    let Some(t) = repo::thread(tx, thread, now)? else { return Ok(Err(Denied::NotFound.into())) };
    let id = insert_message(tx, ring, &t, staff, "system", text, now)?;
    delivered(tx, ring, t, id, false)
}

/// Inserts a sealed message and counts it unread for every participant but its sender.
fn insert_message(
    tx: &Transaction<'_>,
    ring: &Keyring,
    t: &Thread,
    sender: UserId,
    kind: &str,
    text: &str,
    now: i64,
) -> rusqlite::Result<MessageId> {
    // the id is known before the insert (the write lock is held): the seal binds it
    let id: i64 =
        tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM chat_messages", [], |r| r.get(0))?;
    let (key_id, sealed) = ring.seal(id, text);
    tx.execute(
        "INSERT INTO chat_messages (id, thread_id, sender_id, body, sealed, key_id, kind, created_at)
         VALUES (?1, ?2, ?3, '', ?4, ?5, ?6, ?7)",
        (id, t.id, sender, sealed, key_id, kind, now),
    )?;
    tx.execute(
        "UPDATE chat_threads SET last_message_id = ?2, last_message_at = ?3,
             staff_unread = staff_unread + (kind = 'support' AND buyer_id = ?4)
         WHERE id = ?1",
        (t.id, id, now, sender),
    )?;
    for member in t.members() {
        if member == sender {
            // writing in a thread reads it: whatever waited for the sender is read now
            let waiting: i64 = tx.query_row(
                "SELECT unread FROM chat_reads WHERE thread_id = ?1 AND user_id = ?2",
                (t.id, member),
                |r| r.get(0),
            )?;
            tx.execute(
                "UPDATE chat_reads SET last_message_id = ?3, last_read_id = ?3, unread = 0, unread_since = NULL
                 WHERE thread_id = ?1 AND user_id = ?2",
                (t.id, member, id),
            )?;
            if waiting > 0 {
                tx.execute(
                    "UPDATE users SET chat_unread = max(chat_unread - ?2, 0) WHERE id = ?1",
                    (member, waiting),
                )?;
            }
        } else {
            tx.execute(
                "UPDATE chat_reads SET last_message_id = ?3, unread = unread + 1,
                     unread_since = coalesce(unread_since, ?4)
                 WHERE thread_id = ?1 AND user_id = ?2",
                (t.id, member, id, now),
            )?;
            tx.execute("UPDATE users SET chat_unread = chat_unread + 1 WHERE id = ?1", [member])?;
        }
    }
    Ok(MessageId(id))
}

fn delivered(
    tx: &Transaction<'_>,
    ring: &Keyring,
    thread: Thread,
    id: MessageId,
    to_staff: bool,
) -> rusqlite::Result<Result<Delivery, Refusal>> {
    let Some(message) = repo::message(tx, ring, id)? else {
        return Ok(Err(Denied::NotFound.into()));
    };
    let totals = thread
        .members()
        .into_iter()
        .map(|u| Ok((u, repo::unread_total(tx, u)?)))
        .collect::<rusqlite::Result<_>>()?;
    Ok(Ok(Delivery { thread, message, totals, to_staff }))
}

/// The message and its thread, if `user` takes part in it (staff: any support thread).
fn own_message(
    tx: &Transaction<'_>,
    ring: &Keyring,
    user: &SessionUser,
    id: MessageId,
    now: i64,
) -> rusqlite::Result<Result<(Message, Thread, Side), Refusal>> {
    let Some(m) = repo::message(tx, ring, id)? else { return Ok(Err(Denied::NotFound.into())) };
    let Some(t) = repo::thread(tx, m.thread, now)? else { return Ok(Err(Denied::NotFound.into())) };
    match t.side_of(user) {
        Ok(side) => Ok(Ok((m, t, side))),
        // staff moderate every thread
        Err(_) if user.is_staff => Ok(Ok((m, t, Side::Staff))),
        Err(d) => Ok(Err(d.into())),
    }
}

/// Changes a message's text: its author, within [`super::EDIT_WINDOW`].
pub fn edit(
    conn: &mut Connection,
    ring: &Keyring,
    user: &SessionUser,
    id: MessageId,
    text: &str,
    now: i64,
) -> ChatResult<Delivery> {
    let text = match super::clean_text(text) {
        Ok(t) if t.is_empty() => return Ok(Err(Refusal::Empty)),
        Ok(t) => t,
        Err(r) => return Ok(Err(r)),
    };
    write_tx(conn, |tx| {
        let (m, t, side) = match own_message(tx, ring, user, id, now)? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        // staff may remove a message anywhere, but edit only their own, where they take part
        if side == Side::Staff && t.side_of(user).is_err() {
            return Ok(Err(Denied::NotFound.into()));
        }
        if m.sender != user.id || m.system || m.deleted_at.is_some() {
            return Ok(Err(Denied::Forbidden.into()));
        }
        if !m.editable_by(user.id, now) {
            return Ok(Err(Refusal::TooLate));
        }
        let (key_id, sealed) = ring.seal(id.get(), &text);
        tx.execute(
            "UPDATE chat_messages SET sealed = ?2, key_id = ?3, body = '', edited_at = ?4 WHERE id = ?1",
            (id, sealed, key_id, now),
        )?;
        delivered(tx, ring, t, id, false)
    })
}

/// Deletes a message: its author within the window, or staff at any time (then a notice says
/// so). Returns what changed and the image files to remove.
pub fn delete(
    conn: &mut Connection,
    ring: &Keyring,
    user: &SessionUser,
    id: MessageId,
    now: i64,
) -> ChatResult<(Delivery, Vec<String>)> {
    write_tx(conn, |tx| {
        let (m, t, _) = match own_message(tx, ring, user, id, now)? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        let by_staff = m.sender != user.id && user.is_staff;
        if m.deleted_at.is_some() || (m.sender != user.id && !by_staff) || m.system {
            return Ok(Err(Denied::Forbidden.into()));
        }
        if !by_staff && !m.editable_by(user.id, now) {
            return Ok(Err(Refusal::TooLate));
        }
        let files: Vec<String> = tx
            .prepare("SELECT path FROM chat_images WHERE message_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        tx.execute("DELETE FROM chat_images WHERE message_id = ?1", [id])?;
        // the text goes: nothing sealed is kept of a deleted message
        tx.execute(
            "UPDATE chat_messages SET deleted_at = ?2, sealed = NULL, body = '' WHERE id = ?1",
            (id, now),
        )?;
        // it no longer waits for those who had not read it
        for member in t.members().into_iter().filter(|u| *u != m.sender) {
            let changed = tx.execute(
                "UPDATE chat_reads SET unread = unread - 1 WHERE thread_id = ?1 AND user_id = ?2 AND last_read_id < ?3 AND unread > 0",
                (t.id, member, id),
            )?;
            if changed > 0 {
                tx.execute(
                    "UPDATE users SET chat_unread = max(chat_unread - 1, 0) WHERE id = ?1",
                    [member],
                )?;
                tx.execute(
                    "UPDATE chat_reads SET unread_since = NULL WHERE thread_id = ?1 AND user_id = ?2 AND unread = 0",
                    (t.id, member),
                )?;
            }
        }
        if by_staff {
            // a notice without text reads "a message was removed by a moderator"
            insert_message(tx, ring, &t, user.id, "system", "", now)?;
        }
        let delivery = match delivered(tx, ring, t, id, false)? {
            Ok(d) => d,
            Err(r) => return Ok(Err(r)),
        };
        Ok(Ok((delivery, files)))
    })
}

/// What reading a thread changed.
#[derive(Debug, Clone, Copy)]
pub struct Read {
    /// The newest message now read.
    pub up_to: MessageId,
    /// The reader's new unread total.
    pub total: u32,
    /// Anything changed (a read receipt is worth sending).
    pub changed: bool,
}

/// Marks a thread read by `user` up to `up_to` (at most its newest message; `None`: all).
pub fn mark_read(
    conn: &mut Connection,
    user: &SessionUser,
    thread: ThreadId,
    up_to: Option<MessageId>,
    now: i64,
) -> ChatResult<(Thread, Read)> {
    write_tx(conn, |tx| {
        let Some(t) = repo::thread(tx, thread, now)? else {
            return Ok(Err(Denied::NotFound.into()));
        };
        let side = match t.side_of(user) {
            Ok(s) => s,
            Err(d) => return Ok(Err(d.into())),
        };
        let newest = t.last_message_id.map_or(0, MessageId::get);
        let up_to = up_to.map_or(newest, |m| m.get().min(newest));
        if side == Side::Staff {
            if up_to >= newest {
                tx.execute("UPDATE chat_threads SET staff_unread = 0 WHERE id = ?1", [thread])?;
            }
            let total = repo::unread_total(tx, user.id)?;
            return Ok(Ok((t, Read { up_to: MessageId(up_to), total, changed: true })));
        }
        let (read, unread): (i64, i64) = tx.query_row(
            "SELECT last_read_id, unread FROM chat_reads WHERE thread_id = ?1 AND user_id = ?2",
            (thread, user.id),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if up_to <= read {
            let total = repo::unread_total(tx, user.id)?;
            return Ok(Ok((t, Read { up_to: MessageId(read), total, changed: false })));
        }
        let (left, since): (i64, Option<i64>) = tx.query_row(
            "SELECT count(*), min(created_at) FROM chat_messages
             WHERE thread_id = ?1 AND id > ?2 AND sender_id <> ?3 AND deleted_at IS NULL",
            (thread, up_to, user.id),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.execute(
            "UPDATE chat_reads SET last_read_id = ?3, unread = ?4, unread_since = ?5
             WHERE thread_id = ?1 AND user_id = ?2",
            (thread, user.id, up_to, left, since),
        )?;
        tx.execute(
            "UPDATE users SET chat_unread = max(chat_unread + ?2, 0) WHERE id = ?1",
            (user.id, left - unread),
        )?;
        let total = repo::unread_total(tx, user.id)?;
        Ok(Ok((t, Read { up_to: MessageId(up_to), total, changed: true })))
    })
}

/// Blocks or unblocks a user: a blocked user cannot write to the blocker.
pub fn set_block(
    conn: &mut Connection,
    blocker: UserId,
    blocked: UserId,
    block: bool,
    now: i64,
) -> rusqlite::Result<Result<(), Denied>> {
    write_tx(conn, |tx| {
        let exists: bool = tx
            .query_row("SELECT 1 FROM users WHERE id = ?1", [blocked], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists || blocked == blocker {
            return Ok(Err(Denied::NotFound));
        }
        if block {
            tx.execute(
                "INSERT OR IGNORE INTO user_blocks (blocker_id, blocked_id, created_at) VALUES (?1, ?2, ?3)",
                (blocker, blocked, now),
            )?;
        } else {
            tx.execute(
                "DELETE FROM user_blocks WHERE blocker_id = ?1 AND blocked_id = ?2",
                (blocker, blocked),
            )?;
        }
        Ok(Ok(()))
    })
}

/// Reports a message to staff: a participant only, one open report per message and reporter.
pub fn report_message(
    conn: &mut Connection,
    ring: &Keyring,
    reporter: &SessionUser,
    id: MessageId,
    reason: &str,
    comment: &str,
    now: i64,
) -> ChatResult<()> {
    if !super::REPORT_REASONS.contains(&reason) {
        return Ok(Err(Refusal::BadReason));
    }
    let comment: String = comment.trim().chars().take(1_000).collect();
    write_tx(conn, |tx| {
        let Some(m) = repo::message(tx, ring, id)? else { return Ok(Err(Denied::NotFound.into())) };
        let Some(t) = repo::thread(tx, m.thread, now)? else {
            return Ok(Err(Denied::NotFound.into()));
        };
        if let Err(d) = t.side_of(reporter) {
            return Ok(Err(d.into()));
        }
        if m.sender == reporter.id {
            return Ok(Err(Denied::Forbidden.into()));
        }
        let added = tx.execute(
            "INSERT OR IGNORE INTO reports (reporter_id, target_kind, target_id, reason, comment, created_at)
             VALUES (?1, 'message', ?2, ?3, ?4, ?5)",
            (reporter.id, id, reason, &comment, now),
        )?;
        Ok(if added == 0 { Err(Refusal::AlreadyReported) } else { Ok(()) })
    })
}

/// Turns on or off the mail about unread messages.
pub fn set_mail(conn: &mut Connection, user: UserId, on: bool) -> rusqlite::Result<()> {
    write_tx(conn, |tx| {
        tx.execute("UPDATE users SET chat_mail = ?2 WHERE id = ?1", (user, on))?;
        Ok(())
    })
}

/// Computes every thread's and user's counters from the messages: for rows written in bulk
/// (demo data), never on a request. (A thread without messages has none unread: saying so lets
/// a user's sum read the inbox index, where each user's scan of every read took the million-ad
/// seed 15 s.)
pub fn recount(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "UPDATE chat_threads SET last_message_id = (SELECT max(id) FROM chat_messages m WHERE m.thread_id = chat_threads.id);
         UPDATE chat_reads SET
             last_message_id = (SELECT last_message_id FROM chat_threads t WHERE t.id = chat_reads.thread_id),
             unread = (SELECT count(*) FROM chat_messages m WHERE m.thread_id = chat_reads.thread_id
                       AND m.sender_id <> chat_reads.user_id AND m.id > chat_reads.last_read_id AND m.deleted_at IS NULL),
             unread_since = (SELECT min(created_at) FROM chat_messages m WHERE m.thread_id = chat_reads.thread_id
                       AND m.sender_id <> chat_reads.user_id AND m.id > chat_reads.last_read_id AND m.deleted_at IS NULL);
         UPDATE users SET chat_unread = coalesce((SELECT sum(unread) FROM chat_reads r
             WHERE r.user_id = users.id AND r.last_message_id IS NOT NULL), 0);",
    )
}

/// Seals message text written before sealing began (a database from an older version or
/// demo data), a batch at a time; returns how many were sealed.
pub fn seal_legacy(conn: &mut Connection, ring: &Keyring, batch: u32) -> rusqlite::Result<usize> {
    write_tx(conn, |tx| {
        // the plaintext's bytes are overwritten, not left in the page's free space
        tx.pragma_update(None, "secure_delete", true)?;
        let rows: Vec<(i64, String)> = tx
            .prepare_cached("SELECT id, body FROM chat_messages WHERE sealed IS NULL AND deleted_at IS NULL LIMIT ?1")?
            .query_map([batch], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, body) in &rows {
            let (key_id, sealed) = ring.seal(*id, body);
            tx.execute(
                "UPDATE chat_messages SET sealed = ?2, key_id = ?3, body = '' WHERE id = ?1",
                (id, sealed, key_id),
            )?;
        }
        Ok(rows.len())
    })
}

/// A mail about unread messages, due now.
#[derive(Debug, Clone)]
pub struct UnreadMail {
    /// The recipient's address.
    pub to: String,
    /// The recipient's name.
    pub name: String,
    /// The thread.
    pub thread: ThreadId,
    /// Messages waiting.
    pub unread: u32,
    /// The ad's title, if any.
    pub ad_title: Option<String>,
    /// The recipient's language.
    pub lang: crate::i18n::Lang,
}

/// Who is due a mail about unread messages (`?1` now less the wait, `?2` now less the hour).
pub(super) const DUE_MAIL_SQL: &str =
    "SELECT r.user_id, u.email, u.name, r.thread_id, r.unread, a.title, u.lang
     FROM chat_reads r JOIN users u ON u.id = r.user_id
     JOIN chat_threads t ON t.id = r.thread_id LEFT JOIN ads a ON a.id = t.ad_id
     WHERE r.unread_since <= ?1 AND r.unread > 0
       AND (r.mailed_at IS NULL OR (r.mailed_at < r.unread_since AND r.mailed_at <= ?2))
       AND u.chat_mail = 1 AND u.deleted_at IS NULL
     LIMIT ?3";

/// Picks the participants whose messages waited unread [`super::MAIL_AFTER`], who were not
/// mailed about this wait and not within [`super::MAIL_EVERY`], and who want such mail; marks
/// them mailed and returns what to write, in the caller's transaction (the outbox row joins it).
fn take_due_mail(tx: &Transaction<'_>, now: i64, limit: u32) -> rusqlite::Result<Vec<UnreadMail>> {
    let due: Vec<(UserId, UnreadMail)> = tx
        .prepare_cached(DUE_MAIL_SQL)?
        .query_map((now - super::MAIL_AFTER, now - super::MAIL_EVERY, limit), |r| {
            Ok((
                r.get(0)?,
                UnreadMail {
                    to: r.get(1)?,
                    name: r.get(2)?,
                    thread: r.get(3)?,
                    unread: r.get(4)?,
                    ad_title: r.get(5)?,
                    lang: crate::domain::users::lang_column(r, 6)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (user, mail) in &due {
        tx.execute(
            "UPDATE chat_reads SET mailed_at = ?3 WHERE thread_id = ?1 AND user_id = ?2",
            (mail.thread, user, now),
        )?;
    }
    Ok(due.into_iter().map(|(_, m)| m).collect())
}

/// Writes the mails about messages left unread (see [`take_due_mail`]) into the outbox, in one
/// transaction with their marks; returns how many. The site's links start with `public_url`.
pub fn queue_unread_mail(
    conn: &mut Connection,
    public_url: &str,
    now: i64,
) -> rusqlite::Result<usize> {
    let base = public_url.trim_end_matches('/');
    write_tx(conn, |tx| {
        let due = take_due_mail(tx, now, 500)?;
        for m in &due {
            let lang = m.lang;
            let about = m.ad_title.as_deref().unwrap_or(lang.t("chat.support"));
            let body = lang.tf(
                "mail.chat_body",
                &[
                    ("name", &m.name),
                    ("count", &m.unread.to_string()),
                    ("about", about),
                    ("link", &format!("{base}{}", lang.href(&format!("/chats/{}", m.thread)))),
                    ("settings", &format!("{base}{}", lang.href("/account"))),
                ],
            );
            crate::domain::mail::enqueue(tx, &m.to, lang.t("mail.chat_subject"), &body, now)?;
        }
        Ok(due.len())
    })
}
