//! Chats: a thread per (ad, buyer) between buyer and seller, and one support thread per user
//! with staff. Text is sealed at rest ([`seal`]); unread counts are counters kept in the same
//! transaction as every send, read and delete ([`actions`]), never counted per thread.

pub mod actions;
pub mod repo;
pub mod seal;

use crate::domain::Denied;
use crate::domain::ids::{AdId, MessageId, ThreadId, UserId};
use crate::domain::users::SessionUser;

/// Longest message text, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Most images in one message.
pub const MAX_IMAGES: usize = 4;
/// Largest image upload, in bytes.
pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// Messages a thread opens with; older ones come on demand.
pub const PAGE_MESSAGES: u32 = 60;
/// Threads per inbox page.
pub const INBOX_PAGE: i64 = 50;
/// How long the author may edit or delete a message, in seconds.
pub const EDIT_WINDOW: i64 = 24 * 3600;
/// A message unread this long is mailed about (seconds).
pub const MAIL_AFTER: i64 = 15 * 60;
/// At most one such mail per thread and participant this often (seconds).
pub const MAIL_EVERY: i64 = 3600;

/// Which kind of thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadKind {
    /// About an ad, between its buyer and seller.
    Ad,
    /// A user with staff.
    Support,
}

/// How the viewer takes part in a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Asked about the ad.
    Buyer,
    /// Owns the ad.
    Seller,
    /// The user of a support thread.
    SupportUser,
    /// Staff answering a support thread.
    Staff,
}

/// A thread as its participants see it.
#[derive(Debug, Clone)]
pub struct Thread {
    /// Id.
    pub id: ThreadId,
    /// Ad or support.
    pub kind: ThreadKind,
    /// The ad (kept after it is deleted).
    pub ad: Option<ThreadAd>,
    /// Who asked.
    pub buyer: Party,
    /// Who sells (in a support thread: the user again).
    pub seller: Party,
    /// The newest message, if any.
    pub last_message_id: Option<MessageId>,
}

/// The ad a thread is about.
#[derive(Debug, Clone)]
pub struct ThreadAd {
    /// Id.
    pub id: AdId,
    /// Slug (for its link).
    pub slug: String,
    /// Title.
    pub title: String,
    /// Its first photo's small size.
    pub photo: Option<String>,
    /// Deleted by its owner or with their account.
    pub deleted: bool,
}

/// A participant.
#[derive(Debug, Clone)]
pub struct Party {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// The account was deleted.
    pub deleted: bool,
    /// Holds a valid verification badge.
    pub verified: bool,
}

impl Thread {
    /// How `viewer` takes part, or `NotFound` (a thread is not told to outsiders).
    pub fn side_of(&self, viewer: &SessionUser) -> Result<Side, Denied> {
        match self.kind {
            ThreadKind::Support if self.buyer.id == viewer.id => Ok(Side::SupportUser),
            ThreadKind::Support if viewer.is_staff => Ok(Side::Staff),
            ThreadKind::Ad if self.buyer.id == viewer.id => Ok(Side::Buyer),
            ThreadKind::Ad if self.seller.id == viewer.id => Ok(Side::Seller),
            _ => Err(Denied::NotFound),
        }
    }

    /// The other party for `side` (`None`: staff, for the support thread's user).
    pub fn other(&self, side: Side) -> Option<&Party> {
        match side {
            Side::Buyer => Some(&self.seller),
            Side::Seller | Side::Staff => Some(&self.buyer),
            Side::SupportUser => None,
        }
    }

    /// The participants who have a read state (staff read support threads as a group).
    pub fn members(&self) -> Vec<UserId> {
        if self.buyer.id == self.seller.id {
            vec![self.buyer.id]
        } else {
            vec![self.buyer.id, self.seller.id]
        }
    }
}

/// A message as a participant reads it.
#[derive(Debug, Clone)]
pub struct Message {
    /// Id.
    pub id: MessageId,
    /// Thread.
    pub thread: ThreadId,
    /// Author.
    pub sender: UserId,
    /// The author's name.
    pub sender_name: String,
    /// The author is staff (shown as the site's support).
    pub sender_staff: bool,
    /// A notice from staff rather than a conversation line.
    pub system: bool,
    /// The text ('' once deleted).
    pub text: String,
    /// Attached images ('' once deleted).
    pub images: Vec<Image>,
    /// Sent at.
    pub created_at: i64,
    /// Last edited at.
    pub edited_at: Option<i64>,
    /// Deleted at.
    pub deleted_at: Option<i64>,
}

impl Message {
    /// Whether `user` may still edit or delete it (author, within the window, not deleted).
    pub fn editable_by(&self, user: UserId, now: i64) -> bool {
        self.sender == user
            && !self.system
            && self.deleted_at.is_none()
            && now - self.created_at <= EDIT_WINDOW
    }
}

/// An image in a message.
#[derive(Debug, Clone)]
pub struct Image {
    /// Its name in the thread's image URLs.
    pub name: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
}

/// An image stored for a message being sent.
#[derive(Debug, Clone)]
pub struct NewImage {
    /// Name (random).
    pub name: String,
    /// Path relative to the data folder.
    pub path: String,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
}

/// A row of the inbox.
#[derive(Debug, Clone)]
pub struct InboxRow {
    /// The thread.
    pub thread: Thread,
    /// The viewer's side.
    pub side: Side,
    /// The newest message's text, shortened ('' for images only, deleted ones marked).
    pub preview: Preview,
    /// When it was sent.
    pub last_at: i64,
    /// Unread messages for the viewer.
    pub unread: u32,
}

/// What the inbox shows of the newest message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Preview {
    /// Its text, shortened.
    Text(String),
    /// Images only.
    Images,
    /// Deleted.
    Deleted,
}

/// Why a chat action was refused, as the user is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such thing for this user, or not theirs to change.
    Denied(Denied),
    /// The seller cannot ask about their own ad.
    OwnAd,
    /// The other party blocked the sender.
    Blocked,
    /// The sender blocked the other party (unblock first).
    YouBlocked,
    /// The other party's account or the ad is gone: the thread is read-only.
    Closed,
    /// The text is too long.
    TooLong,
    /// Neither text nor images.
    Empty,
    /// The edit window has passed.
    TooLate,
    /// Already reported (and still open).
    AlreadyReported,
    /// Not a reason from the list.
    BadReason,
}

impl From<Denied> for Refusal {
    fn from(d: Denied) -> Self {
        Refusal::Denied(d)
    }
}

impl Refusal {
    /// The message key telling the user why.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::Denied(Denied::NotFound) => "error.not_found",
            Refusal::Denied(Denied::Forbidden) => "error.forbidden",
            Refusal::OwnAd => "chat.own_ad",
            Refusal::Blocked => "chat.blocked_by_them",
            Refusal::YouBlocked => "chat.blocked_by_you",
            Refusal::Closed => "chat.closed",
            Refusal::TooLong => "chat.too_long",
            Refusal::Empty => "chat.empty",
            Refusal::TooLate => "chat.too_late",
            Refusal::AlreadyReported => "chat.already_reported",
            Refusal::BadReason => "chat.bad_reason",
        }
    }
}

/// Report reasons offered (their message keys are `report.<reason>`).
pub const REPORT_REASONS: [&str; 5] = ["spam", "fraud", "abuse", "prohibited", "other"];

/// Checks a message text: trimmed of surrounding whitespace, at most [`MAX_TEXT_CHARS`].
pub fn clean_text(text: &str) -> Result<String, Refusal> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Refusal::TooLong);
    }
    // a browser's textarea sends CRLF: keep one form of line break
    Ok(text.replace("\r\n", "\n"))
}

/// The first characters of `text` on one line, for the inbox.
pub fn shorten(text: &str, chars: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= chars {
        line
    } else {
        let mut s: String = line.chars().take(chars).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_bounded_in_characters_not_bytes() {
        let emoji = "🚜".repeat(MAX_TEXT_CHARS);
        assert_eq!(clean_text(&emoji).map(|t| t.chars().count()), Ok(MAX_TEXT_CHARS));
        assert_eq!(clean_text(&format!("{emoji}x")), Err(Refusal::TooLong));
        assert_eq!(clean_text("  a -- b\r\nשלום  ").as_deref(), Ok("a -- b\nשלום"));
    }

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(shorten("a\n\nb   c", 10), "a b c");
        assert_eq!(shorten("экскаватор", 4), "экск…");
    }
}
