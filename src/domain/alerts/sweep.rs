//! The alert sweep (`Job::Alerts`, queued by the scheduler): each running search whose
//! interval has passed (instant: 15 minutes since its last mail; daily: a day) is run as its
//! listing with `a.id > last_seen_ad_id`; new ads become one mail in the outbox (up to
//! [`MAIL_ADS`] with title, price and link, then "and N more" linking to the search, and the
//! one-click unsubscribe link), written in the transaction that moves the search's marks on.
//! Idempotent: a second sweep at once finds nothing due.

use rusqlite::{Connection, ToSql};

use super::{Frequency, MAIL_ADS, SavedSearch, get, new_ads_where, unsubscribe_token};
use crate::db::write_tx;
use crate::domain::ads::AdCard;
use crate::domain::ads::repo::{CARD_COLUMNS, card_from_row};
use crate::domain::ids::{AdId, SearchId};
use crate::domain::rates::Rates;
use crate::i18n::Lang;

/// Searches looked at in one sweep (the next sweep takes the rest).
const BATCH: u32 = 500;

/// What a sweep needs beyond the database.
#[derive(Debug, Clone, Copy)]
pub struct Mailer<'a> {
    /// The site's address, for links.
    pub public_url: &'a str,
    /// The site key (unsubscribe tokens).
    pub key: &'a [u8; 32],
    /// Currency rates (price ranges of the filters).
    pub rates: &'a Rates,
}

/// Mails a sweep wrote, by frequency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sent {
    /// Instant alerts.
    pub instant: u64,
    /// Daily digests.
    pub daily: u64,
}

/// The running searches due a look (`?1`: now less 15 minutes, `?2`: now less a day), after
/// search `?4`, in batches of `?3`. Only confirmed, unbanned owners get mail: an address
/// someone typed without owning it gets none.
pub const DUE_SQL: &str = "SELECT s.id FROM saved_searches s JOIN users u ON u.id = s.user_id
     WHERE s.paused = 0 AND u.deleted_at IS NULL
       AND u.email_verified_at IS NOT NULL AND u.banned_at IS NULL
       AND ((s.frequency = 'instant' AND coalesce(s.last_sent_at, 0) <= ?1)
         OR (s.frequency = 'daily' AND coalesce(s.last_sent_at, s.created_at) <= ?2))
       AND s.id > ?4
     ORDER BY s.id LIMIT ?3";

fn is_due(s: &SavedSearch, now: i64) -> bool {
    let since = match s.frequency {
        Frequency::Instant => s.last_sent_at.unwrap_or(0),
        Frequency::Daily => s.last_sent_at.unwrap_or(s.created_at),
    };
    !s.paused && since <= now - s.frequency.interval()
}

/// Runs every due search and writes its mail; returns how many mails were written.
pub fn run(conn: &mut Connection, m: Mailer<'_>, now: i64) -> rusqlite::Result<Sent> {
    // the newest ad there is: a search that has seen it has nothing new, without a query
    let newest: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM ads", [], |r| r.get(0))?;
    let mut sent = Sent::default();
    // every due search, a batch at a time (a search with nothing new is still due next time:
    // batches by id, not the first few again and again)
    let mut after = 0_i64;
    loop {
        let due: Vec<SearchId> = conn
            .prepare_cached(DUE_SQL)?
            .query_map(
                (
                    now - Frequency::Instant.interval(),
                    now - Frequency::Daily.interval(),
                    BATCH,
                    after,
                ),
                |r| r.get(0),
            )?
            .collect::<rusqlite::Result<_>>()?;
        let Some(last) = due.last() else { break };
        after = last.0;
        for id in due {
            match one(conn, m, id, newest, now)? {
                Some(Frequency::Instant) => sent.instant += 1,
                Some(Frequency::Daily) => sent.daily += 1,
                None => {}
            }
        }
    }
    Ok(sent)
}

/// One search in its own transaction: read again (a concurrent sweep may have sent it), its
/// new ads, the mail, the marks.
fn one(
    conn: &mut Connection,
    m: Mailer<'_>,
    id: SearchId,
    newest_ad: i64,
    now: i64,
) -> rusqlite::Result<Option<Frequency>> {
    write_tx(conn, |tx| {
        let Some(s) = get(tx, id)?.filter(|s| is_due(s, now)) else { return Ok(None) };
        if s.last_seen_ad_id.0 >= newest_ad {
            return Ok(None);
        }
        let Some(f) = s.filter(m.rates) else {
            tracing::warn!(search = %s.id, query = %s.query, "a saved search no longer parses; skipped");
            return Ok(None);
        };
        let (cond, params) = new_ads_where(&s, &f, now);
        let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
        let (total, newest): (i64, Option<AdId>) = tx
            .prepare_cached(&format!("SELECT count(*), max(a.id) FROM ads a WHERE {cond}"))?
            .query_row(refs.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))?;
        let Some(newest) = newest.filter(|_| total > 0) else {
            // none of the ads since its mark match: the mark moves past them, so the next
            // look reads only ads newer than these
            tx.execute(
                "UPDATE saved_searches SET last_seen_ad_id = max(last_seen_ad_id, ?2) WHERE id = ?1",
                (s.id, newest_ad),
            )?;
            return Ok(None);
        };
        let ads: Vec<AdCard> = tx
            .prepare_cached(&format!(
                "SELECT {CARD_COLUMNS} FROM ads a JOIN users u ON u.id = a.owner_id WHERE {cond} \
                 ORDER BY a.id DESC LIMIT {MAIL_ADS}"
            ))?
            .query_map(refs.as_slice(), card_from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let (to, user_name, lang): (String, String, Lang) =
            tx.query_row("SELECT email, name, lang FROM users WHERE id = ?1", [s.user_id], |r| {
                Ok((r.get(0)?, r.get(1)?, crate::domain::users::lang_column(r, 2)?))
            })?;
        let (subject, body) = compose(lang, &s, &user_name, &ads, total, m);
        crate::domain::mail::enqueue(tx, &to, &subject, &body, now)?;
        tx.execute(
            "UPDATE saved_searches SET last_seen_ad_id = ?2, last_sent_at = ?3 WHERE id = ?1",
            (s.id, newest, now),
        )?;
        Ok(Some(s.frequency))
    })
}

/// The subject and text of a search's alert.
pub fn compose(
    lang: Lang,
    s: &SavedSearch,
    user_name: &str,
    ads: &[AdCard],
    total: i64,
    m: Mailer<'_>,
) -> (String, String) {
    let base = m.public_url.trim_end_matches('/');
    let search_link = format!("{base}{}", lang.href(&s.path()));
    let list: String = ads
        .iter()
        .map(|a| {
            format!("• {} — {}\n  {base}{}\n", a.title, lang.price(&a.price), lang.href(&a.path()))
        })
        .collect();
    let more = total - ads.len() as i64;
    let more = if more > 0 {
        format!(
            "{}\n",
            lang.tf("mail.alert_more", &[("count", &more.to_string()), ("link", &search_link)])
        )
    } else {
        String::new()
    };
    let subject_key = match s.frequency {
        Frequency::Instant => "mail.alert_subject",
        Frequency::Daily => "mail.alert_digest_subject",
    };
    let subject = lang.tf(subject_key, &[("search", &s.name)]);
    let body = lang.tf(
        "mail.alert_body",
        &[
            ("name", user_name),
            ("search", &s.name),
            ("count", &lang.plural("count.ads", total)),
            ("ads", &list),
            ("more", &more),
            ("link", &search_link),
            (
                "unsubscribe",
                &format!(
                    "{base}{}?t={}",
                    lang.href(&format!("/searches/{}/unsubscribe", s.id)),
                    unsubscribe_token(m.key, s)
                ),
            ),
            ("manage", &format!("{base}/my/searches")),
        ],
    );
    (subject, body)
}
