//! TEMPORARY stub until the generator lands.
/// What to generate.
pub struct SeedOptions { pub users: u32, pub ads: u32, pub seed: u64, pub progress: bool }
/// What was generated.
#[derive(Debug)]
pub struct SeedReport { pub users: u32, pub ads: u32, pub photos: u32, pub threads: u32, pub messages: u32, pub elapsed: std::time::Duration }
/// Stub.
pub fn seed(_conn: &mut rusqlite::Connection, _uploads_dir: &std::path::Path, _rates: &crate::config::CurrencyConfig, _opts: &SeedOptions) -> Result<SeedReport, crate::db::DbError> {
    Err(crate::db::DbError::Task("seed not built yet".into()))
}
