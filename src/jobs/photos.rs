//! File work: photo sizes, file removal, and the USD price refresh when rates change.

use rusqlite::{Connection, OptionalExtension};

use super::Settings;
use super::worker::JobError;
use crate::domain::ads::photos as ad_photos;
use crate::domain::ads::{duplicates, write};
use crate::domain::ids::AdId;
use crate::domain::photos::make_variants;

/// Makes the card and detail sizes of an ad's photos that lack them, with their hashes; then
/// looks for the new photos among other sellers' and flags the ad for staff on a match.
pub(super) fn resize(conn: &mut Connection, settings: &Settings, ad: AdId) -> Result<(), JobError> {
    let mut hashed = Vec::new();
    for (id, path) in ad_photos::photos_without_variants(conn, ad)? {
        let v = make_variants(&settings.uploads_dir, &path)
            .map_err(|e| JobError::Files(e.to_string()))?;
        if ad_photos::set_variants(conn, id, &v.card, &v.detail, v.hash)? == 0 {
            // the photo went while we worked: its new files must go too
            delete_files(settings, &[v.card, v.detail])?;
        } else {
            hashed.push((id, v.hash));
        }
    }
    if !hashed.is_empty() {
        let found = duplicates::check(conn, ad, &hashed, crate::db::now())?;
        if let Some(other) = found {
            tracing::info!(%ad, other_ad = %other, "photos like another seller's: flagged for staff");
        }
    }
    Ok(())
}

/// Removes files under the uploads folder; ones already gone are fine.
pub(super) fn delete_files(settings: &Settings, paths: &[String]) -> Result<(), JobError> {
    for p in paths {
        if p.contains("..") || p.starts_with('/') || p.starts_with("demo/") {
            // never outside the folder; demo photos are shared by many seeded ads
            continue;
        }
        match std::fs::remove_file(settings.uploads_dir.join(p)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(JobError::Files(format!("{p}: {e}"))),
        }
    }
    Ok(())
}

/// Recomputes USD prices when the rates in use differ from the ones last applied (recorded in
/// `meta.usd_rates` as [`Rates::key`](crate::domain::rates::Rates::key)).
pub(super) fn recompute_usd(conn: &mut Connection, settings: &Settings) -> Result<(), JobError> {
    let r = &settings.rates.get();
    let current = r.key();
    let applied: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'usd_rates'", [], |row| row.get(0))
        .optional()?;
    if applied.as_deref() == Some(current.as_str()) {
        return Ok(());
    }
    let n = crate::db::write_tx(conn, |tx| {
        let n = write::recompute_usd(tx, r)?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('usd_rates', ?1)",
            [&current],
        )?;
        Ok(n)
    })?;
    tracing::info!(ads = n, "approximate USD prices recomputed for new rates");
    Ok(())
}
