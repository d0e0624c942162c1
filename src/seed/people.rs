//! Demo people: individual and company accounts with phones in each country's format and
//! verification badges, and the chats buyers start with sellers about their ads.

use std::collections::HashSet;

use rusqlite::{Transaction, params};

use crate::domain::geo::Country;
use crate::domain::slug::slugify;

use super::data;

const HOUR: i64 = 3_600;
const DAY: i64 = 24 * HOUR;

/// What the ad generator needs to know about a seeded user.
pub struct User {
    /// `users.id`.
    pub id: i64,
    /// Home country.
    pub country: Country,
    /// Home city.
    pub city: &'static str,
    /// Sign-up time.
    pub created_at: i64,
    /// Personal phone.
    pub phone: String,
    /// Company phone, for company accounts.
    pub company_phone: Option<String>,
}

impl User {
    /// The phone printed on the user's ads.
    pub fn contact_phone(&self) -> &str {
        self.company_phone.as_deref().unwrap_or(&self.phone)
    }
}

fn pick<T: Copy>(rng: &mut fastrand::Rng, items: &[T]) -> T {
    items[rng.usize(0..items.len())]
}

fn digits(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

/// A mobile number as people write it in `country`: "+7 701 234 56 78", "+998 90 123 45 67",
/// "+7 912 345 67 89", "+375 29 123 45 67".
pub fn phone(rng: &mut fastrand::Rng, country: Country) -> String {
    let prefix = match country {
        Country::Kz => format!(
            "+7 {}",
            pick(
                rng,
                &["700", "701", "702", "705", "707", "708", "747", "771", "775", "777", "778"]
            )
        ),
        Country::Uz => {
            format!("+998 {}", pick(rng, &["90", "91", "93", "94", "95", "97", "98", "99"]))
        }
        Country::Ru => format!("+7 9{}", digits(rng, 2)),
        Country::By => format!("+375 {}", pick(rng, &["29", "33", "44"])),
    };
    format!("{prefix} {} {} {}", digits(rng, 3), digits(rng, 2), digits(rng, 2))
}

/// A company's tax number: BIN (12 digits) in KZ, INN in UZ (9) and RU (10), UNP in BY (9).
fn tax_id(rng: &mut fastrand::Rng, country: Country) -> String {
    let len = match country {
        Country::Kz => 12,
        Country::Ru => 10,
        Country::Uz | Country::By => 9,
    };
    format!("{}{}", rng.u8(1..10), digits(rng, len - 1))
}

/// (first name, surname) of a random person of `country`.
fn person(rng: &mut fastrand::Rng, country: Country) -> (&'static str, String) {
    let (male, female, surnames) = data::names(country.code());
    let surname = pick(rng, surnames);
    if rng.u32(0..100) < 80 {
        (pick(rng, male), surname.to_owned())
    } else {
        (pick(rng, female), data::feminine_surname(surname))
    }
}

/// Inserts `count` users after the highest existing id; e-mails carry the new id, so they stay
/// unique however often the seeder runs.
pub fn insert_users(
    tx: &Transaction<'_>,
    rng: &mut fastrand::Rng,
    count: u32,
    now: i64,
) -> Result<Vec<User>, rusqlite::Error> {
    let first: i64 =
        tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM users", [], |r| r.get(0))?;
    let mut stmt = tx.prepare_cached(
        "INSERT INTO users (id, email, name, account_type, phone, country, city, company_name,
             tax_id, director, company_phone, company_email, address, legal_address, website,
             badge_granted_at, badge_until, email_verified_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?;
    let mut users = Vec::with_capacity(count as usize);
    for i in 0..count as usize {
        let id = first + i as i64;
        // Every country gets users even in a tiny run; then kz 30%, uz 25%, ru 30%, by 15%.
        let country = match i {
            0..4 => Country::ALL[i],
            _ => Country::ALL[super::weighted(rng, &super::COUNTRY_WEIGHTS)],
        };
        let city = pick(rng, country.cities());
        let (first_name, surname) = person(rng, country);
        let name = format!("{first_name} {surname}");
        let email = format!("{}.{}.{id}@example.com", slugify(first_name), slugify(&surname));
        // Most accounts are years old; a few signed up recently.
        let created_at = if rng.u32(0..100) < 88 {
            now - 121 * DAY - rng.i64(0..(3 * 365 - 121) * DAY)
        } else {
            now - rng.i64(DAY..120 * DAY)
        };
        // The heaviest sellers (first in each country's list) are mostly companies.
        let company = rng.u32(0..100) < if i < (count as usize / 10).max(4) { 75 } else { 25 };
        let phone = phone(rng, country);
        let mut company_phone = None;
        let mut fields: [Option<String>; 8] = Default::default();
        if company {
            let form = pick(rng, data::legal_forms(country.code()));
            let brand =
                format!("{}{}", pick(rng, data::COMPANY_HEADS), pick(rng, data::COMPANY_TAILS));
            let (d_first, d_surname) = person(rng, country);
            let address = format!("г. {city}, {}, {}", pick(rng, data::STREETS), rng.u32(1..180));
            let legal = if rng.bool() {
                address.clone()
            } else {
                format!(
                    "г. {city}, {}, {}, офис {}",
                    pick(rng, data::STREETS),
                    rng.u32(1..180),
                    rng.u32(1..400)
                )
            };
            let site = slugify(&brand);
            company_phone = Some(self::phone(rng, country));
            fields = [
                Some(format!("{form} «{brand}»")),
                Some(tax_id(rng, country)),
                Some(format!("{d_first} {d_surname}")),
                company_phone.clone(),
                Some(format!("info.{id}@example.com")),
                Some(address),
                Some(legal),
                rng.bool().then(|| format!("https://{site}.example.com")),
            ];
        }
        let (badge_granted, badge_until) = badge(rng, i, created_at, now);
        // every demo user has confirmed their e-mail (moderation.require_verified_email would
        // hold new ads of one who has not); most within the day, the rest a day later, drawn
        // as before so a seed gives the same data as it did
        let same_day = rng.u32(0..100) < 85;
        let verified =
            Some(if same_day { created_at + rng.i64(60..DAY) } else { created_at + DAY });
        let [company_name, tax, director, c_phone, c_email, address, legal, website] = fields;
        stmt.execute(params![
            id,
            email,
            name,
            if company { "company" } else { "individual" },
            phone,
            country.code(),
            city,
            company_name,
            tax,
            director,
            c_phone,
            c_email,
            address,
            legal,
            website,
            badge_granted,
            badge_until,
            verified,
            created_at,
        ])?;
        users.push(User { id, country, city, created_at, phone, company_phone });
    }
    Ok(users)
}

/// About 10% hold a valid 180-day badge and 3% an expired one; the first two users always
/// hold one and the third's has run out, so a small demo shows both.
fn badge(rng: &mut fastrand::Rng, i: usize, created: i64, now: i64) -> (Option<i64>, Option<i64>) {
    const VALID: i64 = 180 * DAY;
    let roll = rng.u32(0..100);
    let valid = i < 2 || (i > 2 && roll < 10);
    let expired = i == 2 || (i > 2 && (10..13).contains(&roll));
    if valid {
        let granted = (now - rng.i64(HOUR..170 * DAY)).max(created + HOUR).min(now - 60);
        (Some(granted), Some(granted + VALID))
    } else if expired {
        let granted = now - VALID - rng.i64(DAY..200 * DAY);
        if granted > created { (Some(granted), Some(granted + VALID)) } else { (None, None) }
    } else {
        (None, None)
    }
}

/// About one thread per 20 ads (at most 5,000): a buyer writes to the owner about the ad, 2–8
/// messages alternate, and about a third of threads are unread by whoever got the last word.
pub fn insert_chats(
    tx: &Transaction<'_>,
    rng: &mut fastrand::Rng,
    now: i64,
    users: &[User],
    owners: &[(u32, i64)],
    first_ad: i64,
) -> Result<(u32, u32), rusqlite::Error> {
    if users.len() < 2 || owners.is_empty() {
        return Ok((0, 0));
    }
    let wanted = (owners.len() / 20).clamp(1, 5_000);
    let first_thread: i64 =
        tx.query_row("SELECT coalesce(max(id), 0) + 1 FROM chat_threads", [], |r| r.get(0))?;
    let mut msg_id: i64 =
        tx.query_row("SELECT coalesce(max(id), 0) FROM chat_messages", [], |r| r.get(0))?;
    let mut thread_stmt = tx.prepare_cached(
        "INSERT INTO chat_threads (id, kind, ad_id, buyer_id, seller_id, created_at, last_message_at)
         VALUES (?1, 'ad', ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut msg_stmt =
        tx.prepare_cached("INSERT INTO chat_messages (id, thread_id, sender_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut read_stmt = tx.prepare_cached(
        "INSERT INTO chat_reads (thread_id, user_id, last_read_id) VALUES (?1, ?2, ?3)",
    )?;
    let mut seen = HashSet::new();
    let (mut threads, mut messages) = (0u32, 0u32);
    for _ in 0..wanted * 2 {
        if threads as usize == wanted {
            break;
        }
        let ad = rng.usize(0..owners.len());
        let (owner, ad_created) = owners[ad];
        let buyer = rng.u32(0..users.len() as u32);
        if buyer == owner || !seen.insert((ad, buyer)) {
            continue;
        }
        let (seller_id, buyer_id) = (users[owner as usize].id, users[buyer as usize].id);
        let thread_id = first_thread + i64::from(threads);
        let count = rng.usize(2..=8);
        let mut gaps: Vec<i64> = (0..count).map(|_| rng.i64(60..4 * HOUR)).collect();
        let total: i64 = gaps.iter().sum();
        let room = (now - ad_created - 60).max(count as i64);
        if total > room {
            gaps.iter_mut().for_each(|g| *g = (*g * room / total).max(1));
        }
        let total: i64 = gaps.iter().sum();
        let start = now - total - rng.i64(0..(room - total).clamp(1, 30 * DAY));
        let mut at = start;
        let mut ids = Vec::with_capacity(count);
        let mut rows = Vec::with_capacity(count);
        for (k, gap) in gaps.iter().enumerate() {
            at += gap;
            msg_id += 1;
            let (sender, line) = if k % 2 == 0 {
                (
                    buyer_id,
                    if k == 0 { data::BUYER_LINES[0] } else { pick(rng, &data::BUYER_LINES[1..]) },
                )
            } else {
                (
                    seller_id,
                    if k == 1 {
                        data::SELLER_LINES[0]
                    } else {
                        pick(rng, &data::SELLER_LINES[1..])
                    },
                )
            };
            ids.push(msg_id);
            rows.push((msg_id, sender, line, at));
        }
        thread_stmt.execute(params![
            thread_id,
            first_ad + ad as i64,
            buyer_id,
            seller_id,
            start,
            at
        ])?;
        for (id, sender, body, created) in rows {
            msg_stmt.execute(params![id, thread_id, sender, body, created])?;
        }
        let last = ids[count - 1];
        let last_sender = if count % 2 == 1 { buyer_id } else { seller_id };
        for user in [buyer_id, seller_id] {
            let read = if user == last_sender || rng.u32(0..100) >= 35 {
                last
            } else {
                // Unread: one or two of the latest messages not yet seen.
                ids[count.saturating_sub(1 + rng.usize(1..=2))].min(last - 1)
            };
            read_stmt.execute(params![thread_id, user, read])?;
        }
        threads += 1;
        messages += count as u32;
    }
    crate::domain::chats::actions::recount(tx)?;
    // demo conversations are not mailed about
    tx.execute("UPDATE chat_reads SET mailed_at = ?1 WHERE unread > 0", [now])?;
    Ok((threads, messages))
}
