//! Duplicate photos (issue 16): an ad's new photos looked up among other sellers' by their
//! perceptual hash ([`crate::domain::photos::dhash`]). A match is recorded per photo, for the
//! ad page's note to buyers, and flags the ad for staff ("похожие фото", naming the other ad).
//!
//! The lookup probes each of the hash's four 16-bit bands and the band's 16 one-bit
//! neighbours on its own partial index (migration 18 says why that finds every photo within
//! [`SIMILAR_BITS`]); the few candidates are measured exactly here. Demo art has no hash, so
//! seeded ads, which share a small pool of drawings between thousands of sellers, are never
//! candidates and never flagged.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension};

use crate::db::write_tx;
use crate::domain::ids::{AdId, UserId};
use crate::domain::photos::{SIMILAR_BITS, distance, is_distinctive};

/// Another seller's ad with photos like this one's, as a link names it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct OtherAd {
    /// Its id.
    pub id: AdId,
    /// Its slug.
    pub slug: String,
    /// Its title.
    pub title: String,
}

impl OtherAd {
    /// Its page.
    pub fn path(&self) -> String {
        format!("/ad/{}-{}", self.id, self.slug)
    }
}

/// One query per band: photos of other sellers' live ads whose band `k` is one of 17 values
/// (`?2`..`?18`), `?1` being the owner of the ad checked.
pub static CANDIDATES_SQL: LazyLock<[String; 4]> = LazyLock::new(|| {
    [0, 1, 2, 3].map(|k| {
        let probes: Vec<String> = (2..=18).map(|i| format!("?{i}")).collect();
        format!(
            "SELECT p.id, p.ad_id, p.phash FROM ad_photos p JOIN ads a ON a.id = p.ad_id \
             WHERE p.phash IS NOT NULL AND p.phash_b{k} IN ({}) \
               AND a.owner_id <> ?1 AND a.deleted_at IS NULL",
            probes.join(", ")
        )
    })
});

/// Band `k` of a hash (as the generated columns compute it) and its 16 one-bit neighbours.
fn probes(hash: u64, k: u32) -> [i64; 17] {
    let band = (hash >> (16 * k)) & 0xFFFF;
    let mut out = [band as i64; 17];
    for (bit, slot) in out.iter_mut().skip(1).enumerate() {
        *slot = (band ^ (1 << bit)) as i64;
    }
    out
}

/// A photo of another seller's ad near `hash`: (photo, ad, distance).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Near {
    /// The other photo.
    pub photo: i64,
    /// Its ad.
    pub ad: AdId,
    /// Bits apart.
    pub distance: u32,
}

/// Photos of other sellers' live ads within [`SIMILAR_BITS`] of `hash`, nearest first.
pub fn near(conn: &Connection, owner: UserId, hash: u64) -> rusqlite::Result<Vec<Near>> {
    let mut found: BTreeMap<i64, Near> = BTreeMap::new();
    for k in 0..4 {
        let mut stmt = conn.prepare_cached(&CANDIDATES_SQL[k as usize])?;
        let probes = probes(hash, k);
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&owner];
        params.extend(probes.iter().map(|p| p as &dyn rusqlite::ToSql));
        let mut rows = stmt.query(params.as_slice())?;
        while let Some(r) = rows.next()? {
            let (photo, ad, other): (i64, AdId, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let d = distance(hash, other as u64);
            if d <= SIMILAR_BITS {
                found.insert(photo, Near { photo, ad, distance: d });
            }
        }
    }
    let mut near: Vec<Near> = found.into_values().collect();
    near.sort_by_key(|n| (n.distance, n.ad, n.photo));
    Ok(near)
}

/// Looks for `ad`'s newly hashed photos (id, hash) among other sellers'; records each match and,
/// on any, flags the ad for staff with the nearest other ad. Returns that ad. Plain pictures
/// (see [`is_distinctive`]) are not compared. One transaction; a photo removed meanwhile
/// records nothing.
pub fn check(
    conn: &mut Connection,
    ad: AdId,
    photos: &[(i64, u64)],
    now: i64,
) -> rusqlite::Result<Option<AdId>> {
    let owner: Option<UserId> =
        conn.query_row("SELECT owner_id FROM ads WHERE id = ?1", [ad], |r| r.get(0)).optional()?;
    let Some(owner) = owner else { return Ok(None) };
    let mut matches: Vec<(i64, Near)> = Vec::new();
    for &(photo, hash) in photos {
        if is_distinctive(hash) {
            matches.extend(near(conn, owner, hash)?.into_iter().map(|n| (photo, n)));
        }
    }
    let Some(best) = matches.iter().min_by_key(|(_, n)| (n.distance, n.ad)).map(|(_, n)| n.ad)
    else {
        return Ok(None);
    };
    write_tx(conn, |tx| {
        let mut recorded = 0;
        for (photo, n) in &matches {
            recorded += tx.execute(
                "INSERT OR REPLACE INTO photo_matches (ad_id, photo_id, other_ad_id, other_photo_id, distance)
                 SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM ad_photos WHERE id = ?2)
                   AND EXISTS (SELECT 1 FROM ad_photos WHERE id = ?4)",
                (ad, photo, n.ad, n.photo, n.distance),
            )?;
        }
        if recorded > 0 {
            tx.execute(
                "INSERT OR IGNORE INTO flags (target_kind, target_id, word, created_at, reason, similar_ad_id)
                 VALUES ('ad', ?1, '', ?2, 'photos', ?3)",
                (ad, now, best),
            )?;
        }
        Ok(())
    })?;
    Ok(Some(best))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_are_the_band_and_its_one_bit_neighbours() {
        let hash = 0xABCD_0000_FFFF_0001_u64;
        assert_eq!(probes(hash, 0)[0], 1);
        assert_eq!(probes(hash, 1)[0], 0xFFFF);
        assert_eq!(probes(hash, 3)[0], 0xABCD);
        let p = probes(hash, 0);
        assert_eq!(p[1], 0, "bit 0 flipped");
        assert_eq!(p[16], 0x8001, "bit 15 flipped");
        let mut sorted = p.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 17);
    }

    #[test]
    fn every_hash_within_the_threshold_is_found_and_no_farther_one() {
        let mut conn = Connection::open_in_memory().expect("open");
        crate::db::migrate(&mut conn).expect("migrate");
        conn.execute_batch(
            "INSERT INTO users (id, email, name, created_at) VALUES (1, 'a@b.c', 'A', 0), (2, 'd@e.f', 'B', 0);
             INSERT INTO ads (id, owner_id, kind, title, slug, country, city, currency, created_at, updated_at, bumped_at)
             VALUES (1, 1, 'sale', 'a', 'a', 'kz', 'x', 'KZT', 0, 0, 0), (2, 2, 'sale', 'b', 'b', 'kz', 'x', 'KZT', 0, 0, 0);",
        )
        .expect("rows");
        let base = 0x9C3A_5E71_0F2D_B486_u64;
        // 7 bits in one band (too far); 6 bits as 2, 2, 1, 1 over the bands (no band equal: found
        // through a one-bit neighbour); 4 bits, one per band; 7 bits as 2, 2, 2, 1 (probed, too far)
        let spreads: [u64; 4] =
            [0x7F, 0x0003_0003_0001_0001, 0x0001_0001_0001_0001, 0x0003_0003_0003_0001];
        for (i, flip) in spreads.iter().enumerate() {
            conn.execute(
                "INSERT INTO ad_photos (ad_id, position, path, width, height, phash) VALUES (2, ?1, 'p', 1, 1, ?2)",
                (i as i64, (base ^ flip) as i64),
            )
            .expect("photo");
        }
        let found: Vec<u32> =
            near(&conn, UserId(1), base).expect("near").iter().map(|n| n.distance).collect();
        assert_eq!(found, vec![4, 6], "4 and 6 bits apart found, 7 not");
        assert!(near(&conn, UserId(2), base).expect("own").is_empty(), "the seller's own photos");
    }
}
