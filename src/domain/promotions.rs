//! Paid promotion of ads: each ad's timeline of plan segments, the grant that extends it, the
//! sweep that moves an ad onto its next segment, and the reminder a day before the end.
//!
//! Rules: a plan bought while another runs never shortens anything. The same plan extends
//! the running one; a higher plan starts now and what was left of the lower one resumes after
//! it; a lower plan starts when the higher ones end. So the timeline is always the plans in
//! rank order (VIP, PREMIUM, GOLD), each as long as all its purchases together.

use rusqlite::{Connection, OptionalExtension, Transaction};

use crate::config::PlansConfig;
use crate::domain::ads::Plan;
use crate::domain::ids::{AdId, UserId};

const DAY: i64 = 86_400;

/// A plan's rank: what orders the timeline and the home blocks.
pub fn rank(plan: Plan) -> i64 {
    match plan {
        Plan::Gold => 1,
        Plan::Premium => 2,
        Plan::Vip => 3,
    }
}

/// The database code.
pub fn code(plan: Plan) -> &'static str {
    match plan {
        Plan::Gold => "gold",
        Plan::Premium => "premium",
        Plan::Vip => "vip",
    }
}

/// Every plan, cheapest first.
pub const PLANS: [Plan; 3] = [Plan::Gold, Plan::Premium, Plan::Vip];

/// How long a plan runs, in days.
pub fn days(plan: Plan, cfg: &PlansConfig) -> u32 {
    match plan {
        Plan::Gold => cfg.gold_days,
        Plan::Premium => cfg.premium_days,
        Plan::Vip => cfg.vip_days,
    }
}

/// A segment of an ad's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// The plan.
    pub plan: Plan,
    /// Starts (unix seconds).
    pub starts_at: i64,
    /// Ends.
    pub ends_at: i64,
}

/// An ad's title and the currency its plans are priced in (its country's).
pub fn priced_in(
    conn: &Connection,
    ad: AdId,
) -> rusqlite::Result<(String, crate::domain::geo::Currency)> {
    conn.prepare_cached("SELECT title, country FROM ads WHERE id = ?1")?.query_row([ad], |r| {
        let country: String = r.get(1)?;
        let currency = crate::domain::geo::Country::parse(&country).map_or(
            crate::domain::geo::Currency::Usd,
            crate::domain::payments::currency_of_country,
        );
        Ok((r.get(0)?, currency))
    })
}

/// The running and queued segments of an ad, in order.
pub fn timeline(conn: &Connection, ad: AdId, now: i64) -> rusqlite::Result<Vec<Segment>> {
    conn.prepare_cached(
        "SELECT plan, starts_at, ends_at FROM ad_promotions WHERE ad_id = ?1 AND ends_at > ?2 ORDER BY starts_at",
    )?
    .query_map((ad, now), |r| {
        let plan: String = r.get(0)?;
        Ok(Segment { plan: Plan::parse(&plan).unwrap_or(Plan::Gold), starts_at: r.get(1)?, ends_at: r.get(2)? })
    })?
    .collect()
}

/// The timeline after adding `seconds` of `plan` to `segments` (running and queued) at `now`:
/// plans in rank order from now, each as long as all its time together; the running segment
/// keeps its start when it stays first (so "promoted within 12 hours" is not renewed by
/// extending).
pub fn extended(segments: &[Segment], plan: Plan, seconds: i64, now: i64) -> Vec<Segment> {
    let mut time = [0i64; 3];
    for s in segments.iter().filter(|s| s.ends_at > now) {
        time[(rank(s.plan) - 1) as usize] += s.ends_at - s.starts_at.max(now);
    }
    time[(rank(plan) - 1) as usize] += seconds;
    let running = segments.iter().find(|s| s.starts_at <= now && s.ends_at > now);
    let mut out = Vec::new();
    let mut at = now;
    for p in [Plan::Vip, Plan::Premium, Plan::Gold] {
        let t = time[(rank(p) - 1) as usize];
        if t <= 0 {
            continue;
        }
        let starts_at = match running {
            Some(r) if out.is_empty() && r.plan == p => r.starts_at,
            _ => at,
        };
        out.push(Segment { plan: p, starts_at, ends_at: at + t });
        at += t;
    }
    out
}

/// Adds `days` of `plan` to an ad's timeline and mirrors the running segment into the ad, in
/// the caller's transaction (the payment that bought it commits with it).
pub fn grant(
    tx: &Transaction<'_>,
    ad: AdId,
    plan: Plan,
    days: u32,
    now: i64,
) -> rusqlite::Result<()> {
    let before = timeline(tx, ad, now)?;
    let after = extended(&before, plan, i64::from(days) * DAY, now);
    // the running segment's past stays as history; the rest is laid out again
    tx.execute(
        "UPDATE ad_promotions SET ends_at = ?2 WHERE ad_id = ?1 AND starts_at < ?2 AND ends_at > ?2",
        (ad, now),
    )?;
    tx.execute("DELETE FROM ad_promotions WHERE ad_id = ?1 AND starts_at >= ?2", (ad, now))?;
    for s in &after {
        if s.starts_at < now {
            // the running plan goes on: its row is the one just closed at `now`
            tx.execute(
                "UPDATE ad_promotions SET ends_at = ?3 WHERE ad_id = ?1 AND starts_at = ?2",
                (ad, s.starts_at, s.ends_at),
            )?;
        } else {
            tx.execute(
                "INSERT INTO ad_promotions (ad_id, plan, starts_at, ends_at) VALUES (?1, ?2, ?3, ?4)",
                (ad, code(s.plan), s.starts_at, s.ends_at),
            )?;
        }
    }
    sync(tx, ad, now)
}

/// Mirrors the segment running at `now` into the ad's `plan*` columns (what listings and the
/// home blocks read), or clears them.
pub fn sync(conn: &Connection, ad: AdId, now: i64) -> rusqlite::Result<()> {
    let running: Option<(String, i64, i64)> = conn
        .prepare_cached(
            "SELECT plan, starts_at, ends_at FROM ad_promotions WHERE ad_id = ?1 AND starts_at <= ?2 AND ends_at > ?2
             ORDER BY starts_at DESC LIMIT 1",
        )?
        .query_row((ad, now), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match running {
        Some((plan, starts, ends)) => {
            let r = Plan::parse(&plan).map_or(0, rank);
            conn.execute(
                "UPDATE ads SET plan = ?2, plan_rank = ?3, plan_started_at = ?4, plan_until = ?5 WHERE id = ?1",
                (ad, plan, r, starts, ends),
            )?;
        }
        None => {
            conn.execute(
                "UPDATE ads SET plan = NULL, plan_rank = 0, plan_started_at = NULL, plan_until = NULL WHERE id = ?1",
                [ad],
            )?;
        }
    }
    Ok(())
}

/// Moves ads whose running segment ended onto their next one (or off promotion); returns how
/// many changed. Run by the scheduler's `Promotions` job.
pub fn advance(tx: &Transaction<'_>, now: i64) -> rusqlite::Result<usize> {
    let due: Vec<AdId> = tx
        .prepare_cached(
            "SELECT id FROM ads WHERE plan IS NOT NULL AND plan_until <= ?1 LIMIT 1000",
        )?
        .query_map([now], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for ad in &due {
        sync(tx, *ad, now)?;
    }
    Ok(due.len())
}

/// A reminder that an ad's promotion ends within a day.
#[derive(Debug, Clone)]
pub struct EndingSoon {
    /// The ad.
    pub ad: AdId,
    /// Its title.
    pub title: String,
    /// The owner.
    pub owner: UserId,
    /// The owner's address and name.
    pub email: String,
    /// Name.
    pub name: String,
    /// When the last segment ends.
    pub ends_at: i64,
    /// The owner's language.
    pub lang: crate::i18n::Lang,
}

/// The last segments of ads' timelines that end within a day and were not reminded of; marks
/// them reminded (in the caller's transaction, with the mail written beside).
pub fn take_ending_soon(tx: &Transaction<'_>, now: i64) -> rusqlite::Result<Vec<EndingSoon>> {
    let rows: Vec<(i64, EndingSoon)> = tx
        .prepare_cached(
            "SELECT p.id, a.id, a.title, u.id, u.email, u.name, p.ends_at, u.lang
             FROM ad_promotions p JOIN ads a ON a.id = p.ad_id JOIN users u ON u.id = a.owner_id
             WHERE p.ends_at > ?1 AND p.ends_at <= ?1 + 86400 AND p.reminded_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM ad_promotions n WHERE n.ad_id = p.ad_id AND n.starts_at >= p.ends_at)
               AND a.deleted_at IS NULL AND u.deleted_at IS NULL
             LIMIT 500",
        )?
        .query_map([now], |r| {
            Ok((
                r.get(0)?,
                EndingSoon {
                    ad: r.get(1)?,
                    title: r.get(2)?,
                    owner: r.get(3)?,
                    email: r.get(4)?,
                    name: r.get(5)?,
                    ends_at: r.get(6)?,
                    lang: crate::domain::users::lang_column(r, 7)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, _) in &rows {
        tx.execute("UPDATE ad_promotions SET reminded_at = ?2 WHERE id = ?1", (id, now))?;
    }
    Ok(rows.into_iter().map(|(_, e)| e).collect())
}

/// The promotions sweep: ads moved onto their next segment, and the owners of promotions
/// ending within a day mailed (once), in one transaction. Returns (moved, mailed).
pub fn sweep(
    conn: &mut Connection,
    public_url: &str,
    now: i64,
) -> rusqlite::Result<(usize, usize)> {
    let base = public_url.trim_end_matches('/');
    crate::db::write_tx(conn, |tx| {
        let moved = advance(tx, now)?;
        let ending = take_ending_soon(tx, now)?;
        for e in &ending {
            let lang = e.lang;
            let body = lang.tf(
                "promote.reminder_body",
                &[
                    ("name", &e.name),
                    ("title", &e.title),
                    ("until", &lang.date(e.ends_at)),
                    ("link", &format!("{base}{}", lang.href(&format!("/ad/{}/promote", e.ad)))),
                ],
            );
            crate::domain::mail::enqueue(
                tx,
                &e.email,
                lang.t("promote.reminder_subject"),
                &body,
                now,
            )?;
        }
        Ok((moved, ending.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3600;

    fn seg(plan: Plan, starts_at: i64, ends_at: i64) -> Segment {
        Segment { plan, starts_at, ends_at }
    }

    #[test]
    fn the_same_plan_extends_keeping_its_start() {
        let now = 100 * DAY;
        let running = [seg(Plan::Gold, now - 10 * H, now + 62 * H)];
        assert_eq!(
            extended(&running, Plan::Gold, 3 * DAY, now),
            vec![seg(Plan::Gold, now - 10 * H, now + 62 * H + 3 * DAY)]
        );
    }

    #[test]
    fn a_higher_plan_starts_now_and_the_lower_resumes_after_it() {
        let now = 100 * DAY;
        let running = [seg(Plan::Gold, now - DAY, now + 2 * DAY)];
        assert_eq!(
            extended(&running, Plan::Vip, 30 * DAY, now),
            vec![
                seg(Plan::Vip, now, now + 30 * DAY),
                seg(Plan::Gold, now + 30 * DAY, now + 32 * DAY)
            ]
        );
    }

    #[test]
    fn a_lower_plan_waits_for_the_higher_and_nothing_is_shortened() {
        let now = 100 * DAY;
        let running = [seg(Plan::Premium, now - DAY, now + 13 * DAY)];
        let after = extended(&running, Plan::Gold, 3 * DAY, now);
        assert_eq!(
            after,
            vec![
                seg(Plan::Premium, now - DAY, now + 13 * DAY),
                seg(Plan::Gold, now + 13 * DAY, now + 16 * DAY)
            ]
        );
        // and again: the queued gold grows, premium untouched
        let again = extended(&after, Plan::Gold, 3 * DAY, now + H);
        assert_eq!(again.last().map(|s| s.ends_at), Some(now + 19 * DAY));
        let total =
            |v: &[Segment], at: i64| v.iter().map(|s| s.ends_at - s.starts_at.max(at)).sum::<i64>();
        assert_eq!(total(&again, now + H), total(&after, now + H) + 3 * DAY);
    }

    #[test]
    fn nothing_running_starts_now() {
        assert_eq!(
            extended(&[], Plan::Premium, 14 * DAY, 5),
            vec![seg(Plan::Premium, 5, 5 + 14 * DAY)]
        );
    }
}
