//! Seller statistics (issue 16): views per day of a seller's ads over the last [`DAYS`] days,
//! with their favorites, chats and phone reveals; the day a view counts on; the prune of days
//! gone out of the window.
//!
//! The days come from `ad_views_daily`, written by the view fold, plus what still waits in the
//! pending tally (which keeps each view's day), so a chart is exact the moment a view counts.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::domain::ids::{AdId, UserId};

/// Days a chart shows and the daily table keeps, today included.
pub const DAYS: i64 = 90;

/// Seconds added to UTC before cutting days: UTC+5, the time of Kazakhstan and Uzbekistan,
/// where most sellers are (Russia and Belarus, at UTC+3, see their midnight two hours late).
const DAY_OFFSET: i64 = 5 * 3600;

/// The day a moment counts on: days since 1970-01-01 at UTC+5.
pub fn day_of(unix: i64) -> i64 {
    (unix + DAY_OFFSET).div_euclid(86_400)
}

/// A moment whose UTC date is the calendar date of `day` (for the date formatter, which reads
/// dates in UTC).
pub fn date_of(day: i64) -> i64 {
    day * 86_400 + 43_200
}

/// One ad's numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdStats {
    /// The ad.
    pub id: AdId,
    /// For its link.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Published.
    pub is_active: bool,
    /// Views since it was posted (what its page shows).
    pub views_total: i64,
    /// Views on each day of the window, oldest first ([`DAYS`] entries).
    pub days: Vec<i64>,
    /// Users who keep it in their favorites.
    pub favorites: i64,
    /// Chats buyers opened about it.
    pub chats: i64,
    /// Times a visitor asked for the phone number.
    pub phone_reveals: i64,
}

impl AdStats {
    /// Views within the window.
    pub fn views_in_window(&self) -> i64 {
        self.days.iter().sum()
    }

    /// The ad page.
    pub fn path(&self) -> String {
        format!("/ad/{}-{}", self.id, self.slug)
    }
}

/// A seller's statistics: each ad's, and the views of all of them per day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerStats {
    /// The window's first day (see [`day_of`]); the last is `first_day + DAYS - 1`, today.
    pub first_day: i64,
    /// The ads, newest first.
    pub ads: Vec<AdStats>,
    /// Views of all the ads on each day, oldest first.
    pub total: Vec<i64>,
}

/// Most ads a page lists (like "my ads").
const MAX_ADS: i64 = 1_000;

/// The seller's ads (not deleted), newest first, at most [`MAX_ADS`]; `?1` owner, `?2` one ad
/// or NULL.
pub const ADS_SQL: &str = "SELECT a.id, a.slug, a.title, a.is_active, \
       a.views_count + coalesce((SELECT sum(v.views) FROM ad_views_pending v WHERE v.ad_id = a.id), 0), \
       (SELECT count(*) FROM favorites f WHERE f.ad_id = a.id), \
       (SELECT count(*) FROM chat_threads t WHERE t.ad_id = a.id AND t.kind = 'ad'), \
       a.phone_reveals \
     FROM ads a WHERE a.owner_id = ?1 AND a.deleted_at IS NULL AND (?2 IS NULL OR a.id = ?2) \
     ORDER BY a.created_at DESC, a.id DESC LIMIT ?3";

/// The folded days of the seller's ads in the window (`?3` first day, `?4` last): for each day,
/// one seek per ad (the days table is keyed by day first, so a fold appends).
pub const DAYS_SQL: &str = "WITH RECURSIVE days(d) AS (SELECT ?3 UNION ALL SELECT d + 1 FROM days WHERE d < ?4) \
     SELECT v.day, v.ad_id, v.views FROM days CROSS JOIN ad_views_daily v ON v.day = days.d \
     WHERE v.ad_id IN (SELECT id FROM ads WHERE owner_id = ?1 AND deleted_at IS NULL \
                       AND (?2 IS NULL OR id = ?2))";

/// Views of the seller's ads not folded yet, by day (`?3` first day, `?4` last).
pub const PENDING_SQL: &str = "SELECT v.day, v.ad_id, v.views FROM ad_views_pending v \
     WHERE v.ad_id IN (SELECT id FROM ads WHERE owner_id = ?1 AND deleted_at IS NULL \
                       AND (?2 IS NULL OR id = ?2)) AND v.day BETWEEN ?3 AND ?4";

/// The statistics of `owner`'s ads, or of one of them (`only`); `None` when `only` is not
/// theirs (someone else's, deleted or missing: the page answers 404 alike).
pub fn seller_stats(
    conn: &Connection,
    owner: UserId,
    only: Option<AdId>,
    now: i64,
) -> rusqlite::Result<Option<SellerStats>> {
    let last_day = day_of(now);
    let first_day = last_day - DAYS + 1;
    let mut ads: Vec<AdStats> = conn
        .prepare_cached(ADS_SQL)?
        .query_map((owner, only, MAX_ADS), |r| {
            Ok(AdStats {
                id: r.get(0)?,
                slug: r.get(1)?,
                title: r.get(2)?,
                is_active: r.get(3)?,
                views_total: r.get(4)?,
                days: vec![0; DAYS as usize],
                favorites: r.get(5)?,
                chats: r.get(6)?,
                phone_reveals: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    if only.is_some() && ads.is_empty() {
        return Ok(None);
    }
    let index: HashMap<AdId, usize> = ads.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let mut total = vec![0; DAYS as usize];
    let mut add = |day: i64, ad: AdId, views: i64| {
        let Ok(slot) = usize::try_from(day - first_day) else { return };
        if slot >= total.len() {
            return;
        }
        total[slot] += views;
        if let Some(&i) = index.get(&ad) {
            ads[i].days[slot] += views;
        }
    };
    for sql in [DAYS_SQL, PENDING_SQL] {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut rows = stmt.query((owner, only, first_day, last_day))?;
        while let Some(r) = rows.next()? {
            add(r.get(0)?, r.get(1)?, r.get(2)?);
        }
    }
    Ok(Some(SellerStats { first_day, ads, total }))
}

/// Removes days that left the window; returns the rows removed. A range at the front of the
/// days table's key.
pub fn prune(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    conn.prepare_cached("DELETE FROM ad_views_daily WHERE day < ?1")?
        .execute([day_of(now) - DAYS + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_starts_at_midnight_in_tashkent() {
        // 2026-03-01 00:00 at UTC+5 is 2026-02-28 19:00 UTC
        let midnight = 1_772_305_200;
        assert_eq!(day_of(midnight), day_of(midnight - 1) + 1);
        assert_eq!(day_of(midnight), day_of(midnight + 86_399));
        assert_eq!(day_of(midnight) * 86_400, midnight + DAY_OFFSET);
        let d = time::OffsetDateTime::from_unix_timestamp(date_of(day_of(midnight))).expect("t");
        assert_eq!((d.month(), d.day()), (time::Month::March, 1));
        assert_eq!(day_of(-DAY_OFFSET - 1), -1, "before 1970 too");
    }

    #[test]
    fn stats_add_folded_and_pending_days_and_prune_keeps_the_window() {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::db::migrate(&mut conn).expect("migrate");
        let now = 1_772_305_200 + 3_600;
        let today = day_of(now);
        conn.execute_batch(&format!(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0), (2, 'd@e.f', 'B', 0);
             INSERT INTO ads (id, owner_id, kind, title, slug, country, city, currency, created_at,
                              updated_at, bumped_at, views_count, phone_reveals)
             VALUES (1, 1, 'sale', 'a', 'a', 'kz', 'x', 'KZT', 1, 0, 0, 40, 3),
                    (2, 1, 'sale', 'b', 'b', 'kz', 'x', 'KZT', 2, 0, 0, 0, 0),
                    (3, 2, 'sale', 'c', 'c', 'kz', 'x', 'KZT', 3, 0, 0, 0, 0);
             INSERT INTO ad_views_daily (day, ad_id, views) VALUES
                 ({old}, 1, 100), ({first}, 1, 5), ({today}, 1, 7), ({today}, 2, 1), ({today}, 3, 50);
             INSERT INTO ad_views_pending (ad_id, day, views) VALUES (1, {today}, 2), (3, {today}, 9);
             INSERT INTO favorites (user_id, ad_id, created_at) VALUES (2, 1, 0);",
            old = today - DAYS,
            first = today - DAYS + 1,
        ))
        .expect("rows");
        let s = seller_stats(&conn, UserId(1), None, now).expect("stats").expect("some");
        assert_eq!(s.first_day, today - DAYS + 1);
        assert_eq!(s.ads.iter().map(|a| a.id.get()).collect::<Vec<_>>(), vec![2, 1]);
        let one = &s.ads[1];
        assert_eq!((one.days[0], one.days[89], one.views_in_window()), (5, 9, 14));
        assert_eq!((one.views_total, one.favorites, one.phone_reveals), (42, 1, 3));
        assert_eq!(s.total[89], 10, "ad 1's 9 and ad 2's 1; the other seller's not counted");
        assert_eq!(s.total.iter().sum::<i64>(), 15, "the day before the window is not in it");

        assert!(seller_stats(&conn, UserId(1), Some(AdId(3)), now).expect("q").is_none());
        let only = seller_stats(&conn, UserId(1), Some(AdId(2)), now).expect("q").expect("mine");
        assert_eq!((only.ads.len(), only.total[89]), (1, 1));

        assert_eq!(prune(&conn, now).expect("prune"), 1, "only the day out of the window");
        assert_eq!(prune(&conn, now).expect("prune again"), 0);
    }
}
