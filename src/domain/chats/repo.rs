//! Chat reads: a thread with its parties, its messages opened, the inbox.

use rusqlite::{Connection, OptionalExtension, Row};

use super::seal::Keyring;
use super::{Image, InboxRow, Message, Party, Preview, Thread, ThreadAd, ThreadKind};
use crate::domain::ids::{AdId, MessageId, ThreadId, UserId};
use crate::domain::users::SessionUser;

/// Thread columns (`t` threads, `a` ads, `b` buyer, `s` seller); `?1` is "now".
const THREAD_COLUMNS: &str = "t.id, t.kind, t.ad_id, a.slug, a.title, a.deleted_at IS NOT NULL, \
     (SELECT coalesce(p.card_path, p.path) FROM ad_photos p WHERE p.ad_id = a.id ORDER BY p.position, p.id LIMIT 1), \
     b.id, b.name, b.deleted_at IS NOT NULL, coalesce(b.badge_until > ?1, 0), \
     s.id, s.name, s.deleted_at IS NOT NULL, coalesce(s.badge_until > ?1, 0), t.last_message_id";

const THREAD_JOINS: &str = "FROM chat_threads t LEFT JOIN ads a ON a.id = t.ad_id \
     JOIN users b ON b.id = t.buyer_id JOIN users s ON s.id = t.seller_id";

fn thread_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Thread> {
    let kind: String = r.get(at + 1)?;
    let ad_id: Option<AdId> = r.get(at + 2)?;
    let ad = match ad_id {
        Some(id) => Some(ThreadAd {
            id,
            slug: r.get(at + 3)?,
            title: r.get(at + 4)?,
            deleted: r.get(at + 5)?,
            photo: r.get(at + 6)?,
        }),
        None => None,
    };
    let party = |i: usize| -> rusqlite::Result<Party> {
        Ok(Party {
            id: r.get(at + i)?,
            name: r.get(at + i + 1)?,
            deleted: r.get(at + i + 2)?,
            verified: r.get(at + i + 3)?,
        })
    };
    Ok(Thread {
        id: r.get(at)?,
        kind: if kind == "support" { ThreadKind::Support } else { ThreadKind::Ad },
        ad,
        buyer: party(7)?,
        seller: party(11)?,
        last_message_id: r.get(at + 15)?,
    })
}

/// A thread by id.
pub fn thread(conn: &Connection, id: ThreadId, now: i64) -> rusqlite::Result<Option<Thread>> {
    conn.prepare_cached(&format!("SELECT {THREAD_COLUMNS} {THREAD_JOINS} WHERE t.id = ?2"))?
        .query_row((now, id), |r| thread_from_row(r, 0))
        .optional()
}

/// The buyer's thread about an ad, if they opened one.
pub fn ad_thread_of(
    conn: &Connection,
    ad: AdId,
    buyer: UserId,
) -> rusqlite::Result<Option<ThreadId>> {
    conn.prepare_cached(
        "SELECT id FROM chat_threads WHERE kind = 'ad' AND ad_id = ?1 AND buyer_id = ?2",
    )?
    .query_row((ad, buyer), |r| r.get(0))
    .optional()
}

/// The user's support thread, if they have one.
pub fn support_thread_of(conn: &Connection, user: UserId) -> rusqlite::Result<Option<ThreadId>> {
    conn.prepare_cached("SELECT id FROM chat_threads WHERE kind = 'support' AND buyer_id = ?1")?
        .query_row([user], |r| r.get(0))
        .optional()
}

const MESSAGE_COLUMNS: &str = "m.id, m.thread_id, m.sender_id, u.name, u.is_staff, m.kind = 'system', \
     m.body, m.sealed, m.key_id, m.created_at, m.edited_at, m.deleted_at";

/// Maps a row of [`MESSAGE_COLUMNS`], opening the text. Text that does not open (a key file
/// replaced, a damaged page) reads as empty and is logged: one bad row must not hide a thread.
fn message_from_row(ring: &Keyring, r: &Row<'_>) -> rusqlite::Result<Message> {
    let id: MessageId = r.get(0)?;
    let deleted_at: Option<i64> = r.get(11)?;
    let sealed: Option<Vec<u8>> = r.get(7)?;
    let text = match (deleted_at, sealed, r.get::<_, Option<i64>>(8)?) {
        (Some(_), _, _) => String::new(),
        (None, Some(sealed), Some(key)) => ring.open(id.get(), key, &sealed).unwrap_or_else(|e| {
            tracing::error!(message = id.get(), error = %e, "chat message does not open");
            String::new()
        }),
        // written before sealing began and not yet sealed at start-up
        (None, _, _) => r.get(6)?,
    };
    Ok(Message {
        id,
        thread: r.get(1)?,
        sender: r.get(2)?,
        sender_name: r.get(3)?,
        sender_staff: r.get(4)?,
        system: r.get(5)?,
        text,
        images: Vec::new(),
        created_at: r.get(9)?,
        edited_at: r.get(10)?,
        deleted_at,
    })
}

/// Which messages of a thread to read.
#[derive(Debug, Clone, Copy)]
pub enum Window {
    /// The newest `n`.
    Last(u32),
    /// Up to `n` before this id (older ones on demand).
    Before(MessageId, u32),
    /// Up to `n` after this id (a socket catching up).
    After(MessageId, u32),
}

/// Messages of a thread in the order sent, with their images.
pub fn messages(
    conn: &Connection,
    ring: &Keyring,
    thread: ThreadId,
    window: Window,
) -> rusqlite::Result<Vec<Message>> {
    let base = format!(
        "SELECT {MESSAGE_COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.sender_id WHERE m.thread_id = ?1"
    );
    let (sql, bound, limit) = match window {
        Window::Last(n) => {
            (format!("{base} AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3"), i64::MAX, n)
        }
        Window::Before(id, n) => {
            (format!("{base} AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3"), id.get(), n)
        }
        Window::After(id, n) => {
            (format!("{base} AND m.id > ?2 ORDER BY m.id LIMIT ?3"), id.get(), n)
        }
    };
    let mut list: Vec<Message> = conn
        .prepare_cached(&sql)?
        .query_map((thread, bound, limit), |r| message_from_row(ring, r))?
        .collect::<rusqlite::Result<_>>()?;
    if !matches!(window, Window::After(..)) {
        list.reverse();
    }
    attach_images(conn, &mut list)?;
    Ok(list)
}

/// One message (any thread).
pub fn message(
    conn: &Connection,
    ring: &Keyring,
    id: MessageId,
) -> rusqlite::Result<Option<Message>> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.sender_id WHERE m.id = ?1"
        ))?
        .query_row([id], |r| message_from_row(ring, r))
        .optional()?;
    let Some(m) = found else { return Ok(None) };
    let mut list = vec![m];
    attach_images(conn, &mut list)?;
    Ok(list.pop())
}

fn attach_images(conn: &Connection, list: &mut [Message]) -> rusqlite::Result<()> {
    let (Some(first), Some(last)) = (list.first(), list.last()) else { return Ok(()) };
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, name, width, height FROM chat_images
         WHERE thread_id = ?1 AND message_id BETWEEN ?2 AND ?3 ORDER BY message_id, rowid",
    )?;
    let rows =
        stmt.query_map((first.thread, first.id.min(last.id), first.id.max(last.id)), |r| {
            Ok((
                r.get::<_, MessageId>(0)?,
                Image { name: r.get(1)?, width: r.get(2)?, height: r.get(3)? },
            ))
        })?;
    for row in rows {
        let (id, image) = row?;
        if let Some(m) = list.iter_mut().find(|m| m.id == id && m.deleted_at.is_none()) {
            m.images.push(image);
        }
    }
    Ok(())
}

/// The stored path of an image of a thread, if it is there and its message not deleted.
pub fn image_path(
    conn: &Connection,
    thread: ThreadId,
    name: &str,
) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT i.path FROM chat_images i JOIN chat_messages m ON m.id = i.message_id
         WHERE i.name = ?2 AND i.thread_id = ?1 AND m.deleted_at IS NULL",
    )?
    .query_row((thread, name), |r| r.get(0))
    .optional()
}

/// How far the other participants have read (the newest id any of them read): the ticks on
/// the viewer's own messages. For staff and the support user, what the other side read.
pub fn read_by_others(
    conn: &Connection,
    thread: ThreadId,
    viewer: UserId,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT coalesce(max(last_read_id), 0) FROM chat_reads WHERE thread_id = ?1 AND user_id <> ?2",
    )?
    .query_row((thread, viewer), |r| r.get(0))
}

fn inbox_sql() -> String {
    format!(
        "SELECT {THREAD_COLUMNS}, r.unread FROM chat_reads r JOIN chat_threads t ON t.id = r.thread_id \
         LEFT JOIN ads a ON a.id = t.ad_id JOIN users b ON b.id = t.buyer_id JOIN users s ON s.id = t.seller_id \
         WHERE r.user_id = ?2 AND r.last_message_id IS NOT NULL \
         ORDER BY r.last_message_id DESC LIMIT ?3 OFFSET ?4"
    )
}

fn support_inbox_sql() -> String {
    format!(
        "SELECT {THREAD_COLUMNS}, t.staff_unread {THREAD_JOINS} \
         WHERE t.kind = 'support' AND t.last_message_id IS NOT NULL \
         ORDER BY t.last_message_id DESC LIMIT ?2 OFFSET ?3"
    )
}

/// The list queries of chats, by name, for the test that reads their query plans.
pub fn list_queries() -> Vec<(&'static str, String)> {
    let messages = format!(
        "SELECT {MESSAGE_COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.sender_id WHERE m.thread_id = ?1"
    );
    vec![
        ("inbox", inbox_sql()),
        ("support inbox", support_inbox_sql()),
        ("last messages", format!("{messages} AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3")),
        ("messages after", format!("{messages} AND m.id > ?2 ORDER BY m.id LIMIT ?3")),
        ("unread mail", super::actions::DUE_MAIL_SQL.to_owned()),
    ]
}

/// The viewer's inbox page: their threads with a message, newest first; `INBOX_PAGE + 1` rows
/// at most (one more than shown tells there is a next page).
pub fn inbox(
    conn: &Connection,
    ring: &Keyring,
    viewer: &SessionUser,
    offset: i64,
    now: i64,
) -> rusqlite::Result<Vec<InboxRow>> {
    let rows: Vec<(Thread, u32)> = conn
        .prepare_cached(&inbox_sql())?
        .query_map((now, viewer.id, super::INBOX_PAGE + 1, offset), |r| {
            Ok((thread_from_row(r, 0)?, r.get(16)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(thread, unread)| {
            let side = thread.side_of(viewer).unwrap_or(super::Side::Buyer);
            inbox_row(conn, ring, thread, side, unread)
        })
        .collect()
}

/// Support threads with a message, newest first, for staff: `(row, waiting for staff)`.
pub fn support_inbox(
    conn: &Connection,
    ring: &Keyring,
    offset: i64,
    now: i64,
) -> rusqlite::Result<Vec<InboxRow>> {
    let rows: Vec<(Thread, u32)> = conn
        .prepare_cached(&support_inbox_sql())?
        .query_map((now, super::INBOX_PAGE + 1, offset), |r| {
            Ok((thread_from_row(r, 0)?, r.get(16)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(thread, unread)| inbox_row(conn, ring, thread, super::Side::Staff, unread))
        .collect()
}

fn inbox_row(
    conn: &Connection,
    ring: &Keyring,
    thread: Thread,
    side: super::Side,
    unread: u32,
) -> rusqlite::Result<InboxRow> {
    let last = match thread.last_message_id {
        Some(id) => message(conn, ring, id)?,
        None => None,
    };
    let (preview, last_at) = match last {
        Some(m) if m.deleted_at.is_some() => (Preview::Deleted, m.created_at),
        Some(m) if m.text.is_empty() => (Preview::Images, m.created_at),
        Some(m) => (Preview::Text(super::shorten(&m.text, 90)), m.created_at),
        None => (Preview::Text(String::new()), 0),
    };
    Ok(InboxRow { thread, side, preview, last_at, unread })
}

/// Support threads waiting for staff.
pub fn support_waiting(conn: &Connection) -> rusqlite::Result<u32> {
    conn.prepare_cached(
        "SELECT count(*) FROM chat_threads WHERE kind = 'support' AND staff_unread > 0",
    )?
    .query_row([], |r| r.get(0))
}

/// The header's unread total: a counter kept on every send, read and delete.
pub fn unread_total(conn: &Connection, user: UserId) -> rusqlite::Result<u32> {
    conn.prepare_cached("SELECT chat_unread FROM users WHERE id = ?1")?
        .query_row([user], |r| r.get(0))
        .optional()
        .map(Option::unwrap_or_default)
}

/// Whether `blocker` blocked `blocked`.
pub fn is_blocked(conn: &Connection, blocker: UserId, blocked: UserId) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM user_blocks WHERE blocker_id = ?1 AND blocked_id = ?2")?
        .query_row((blocker, blocked), |_| Ok(()))
        .optional()
        .map(|o| o.is_some())
}

/// The messages of every thread the user takes part in, opened, for their data export.
pub fn export_messages(
    conn: &Connection,
    ring: &Keyring,
    user: UserId,
) -> rusqlite::Result<Vec<serde_json::Value>> {
    let sql = format!(
        "SELECT {MESSAGE_COLUMNS} FROM chat_messages m JOIN users u ON u.id = m.sender_id
         JOIN chat_threads t ON t.id = m.thread_id WHERE t.buyer_id = ?1 OR t.seller_id = ?1 ORDER BY m.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([user], |r| message_from_row(ring, r))?;
    rows.map(|m| {
        let m = m?;
        Ok(serde_json::json!({
            "id": m.id, "thread_id": m.thread, "sender_id": m.sender, "text": m.text,
            "created_at": m.created_at, "edited_at": m.edited_at, "deleted_at": m.deleted_at,
        }))
    })
    .collect()
}

/// Whether the viewer has anything to mark read in the thread (so opening a read thread takes
/// no write lock).
pub fn has_unread(
    conn: &Connection,
    t: &Thread,
    viewer: UserId,
    side: super::Side,
) -> rusqlite::Result<bool> {
    let newest = t.last_message_id.map_or(0, MessageId::get);
    if side == super::Side::Staff {
        return conn
            .prepare_cached("SELECT staff_unread > 0 FROM chat_threads WHERE id = ?1")?
            .query_row([t.id], |r| r.get(0));
    }
    let read: Option<i64> = conn
        .prepare_cached(
            "SELECT last_read_id FROM chat_reads WHERE thread_id = ?1 AND user_id = ?2",
        )?
        .query_row((t.id, viewer), |r| r.get(0))
        .optional()?;
    Ok(read.is_some_and(|r| r < newest))
}
