//! Who may fetch a stored file under `uploads/`: the rules `/media` answers by.

use rusqlite::{Connection, OptionalExtension};

use crate::domain::ids::UserId;

/// Who may see a stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Anyone, and caches may keep it (a published ad's photo, an avatar, demo art).
    Public,
    /// This user (the ad's owner or the uploader) and, when `staff` is set, staff.
    Only {
        /// The one user besides staff.
        user: UserId,
        /// Whether staff may see it too (a hidden ad's photo yes, an unsaved upload no).
        staff: bool,
    },
    /// Nobody: not a file of ours, or its ad is deleted.
    Nobody,
}

impl Audience {
    /// Whether a viewer (user id and staff flag, if signed in) is in the audience.
    pub fn admits(self, viewer: Option<(UserId, bool)>) -> bool {
        match (self, viewer) {
            (Audience::Public, _) => true,
            (Audience::Only { user, staff }, Some((id, is_staff))) => {
                id == user || (staff && is_staff)
            }
            _ => false,
        }
    }
}

/// The original a card or detail size was made from (`photos/x-card.jpg` → `photos/x.jpg`).
fn original_of(path: &str) -> String {
    for suffix in ["-card.jpg", "-detail.jpg"] {
        if let Some(stem) = path.strip_suffix(suffix) {
            return format!("{stem}.jpg");
        }
    }
    path.to_owned()
}

/// Who may see the file at `path` (relative to `uploads/`). Default deny: a path no row names
/// is seen by nobody, so a file left behind by a deleted ad is not served.
pub fn audience(conn: &Connection, path: &str) -> rusqlite::Result<Audience> {
    // generated demo art and avatars are public by nature (avatars show on seller pages)
    if path.starts_with("demo/") || path.starts_with("avatars/") {
        return Ok(Audience::Public);
    }
    let original = original_of(path);
    let ad: Option<(UserId, bool, bool)> = conn
        .prepare_cached(
            "SELECT a.owner_id, a.is_active, a.deleted_at IS NOT NULL
             FROM ad_photos p JOIN ads a ON a.id = p.ad_id WHERE p.path = ?1 LIMIT 1",
        )?
        .query_row([&original], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    if let Some((owner, active, deleted)) = ad {
        return Ok(match (deleted, active) {
            (true, _) => Audience::Nobody,
            (false, true) => Audience::Public,
            (false, false) => Audience::Only { user: owner, staff: true },
        });
    }
    let uploader: Option<UserId> = conn
        .prepare_cached("SELECT owner_id FROM photo_uploads WHERE path = ?1")?
        .query_row([&original], |r| r.get(0))
        .optional()?;
    Ok(match uploader {
        Some(user) => Audience::Only { user, staff: false },
        None => Audience::Nobody,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_map_to_their_original() {
        assert_eq!(original_of("photos/abc-card.jpg"), "photos/abc.jpg");
        assert_eq!(original_of("photos/abc-detail.jpg"), "photos/abc.jpg");
        assert_eq!(original_of("photos/abc.jpg"), "photos/abc.jpg");
    }

    #[test]
    fn audiences_admit_the_right_viewers() {
        let (seven, nine) = (UserId(7), UserId(9));
        let hidden = Audience::Only { user: seven, staff: true };
        assert!(hidden.admits(Some((seven, false))));
        assert!(hidden.admits(Some((nine, true))));
        assert!(!hidden.admits(Some((nine, false))));
        assert!(!hidden.admits(None));
        let upload = Audience::Only { user: seven, staff: false };
        assert!(upload.admits(Some((seven, false))));
        assert!(!upload.admits(Some((nine, true))), "staff do not see unsaved uploads");
        assert!(Audience::Public.admits(None));
        assert!(!Audience::Nobody.admits(Some((UserId(1), true))));
    }
}
