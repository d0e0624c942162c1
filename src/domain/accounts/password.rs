//! Password rules and argon2id hashing. No character is banned: length and a list of the most
//! common passwords are the rules.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// Longest password accepted (argon2 copes; this only bounds the work per request).
pub const MAX_LEN: usize = 256;

/// Checks a new password; the error is a message key.
pub fn check_strength(password: &str, min_len: usize) -> Result<(), &'static str> {
    let chars = password.chars().count();
    if chars < min_len {
        return Err("form.password_short");
    }
    if chars > MAX_LEN {
        return Err("form.password_long");
    }
    let lower = password.to_lowercase();
    if include_str!("common_passwords.txt").lines().any(|common| common == lower) {
        return Err("form.password_common");
    }
    if password.chars().all(|c| c == password.chars().next().unwrap_or(' ')) {
        return Err("form.password_common");
    }
    Ok(())
}

/// Hashes and verifies with fixed argon2id parameters.
#[derive(Clone)]
pub struct Hasher {
    argon: Argon2<'static>,
}

impl Hasher {
    /// Argon2id with `memory_kib` and `iterations`, one lane (a 2-core VPS serves others too).
    pub fn new(memory_kib: u32, iterations: u32) -> Result<Self, argon2::Error> {
        let params = Params::new(memory_kib, iterations, 1, None)?;
        Ok(Self { argon: Argon2::new(Algorithm::Argon2id, Version::V0x13, params) })
    }

    /// A PHC string (`$argon2id$v=19$m=…`).
    pub fn hash(&self, password: &str) -> Result<String, argon2::password_hash::Error> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|_| argon2::password_hash::Error::Crypto)?;
        let salt = SaltString::encode_b64(&bytes)?;
        Ok(self.argon.hash_password(password.as_bytes(), &salt)?.to_string())
    }

    /// Whether `password` matches the stored hash (whatever parameters it was made with).
    pub fn verify(&self, password: &str, stored: &str) -> bool {
        PasswordHash::new(stored)
            .map(|h| self.argon.verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    }

    /// A hash of nothing anyone knows, verified against when the e-mail is unknown so that
    /// both answers take the same time.
    pub fn dummy_hash(&self) -> String {
        self.hash("uzmat-no-such-user-password").unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert_eq!(check_strength("short", 8), Err("form.password_short"));
        assert_eq!(check_strength("Password123", 8), Err("form.password_common"));
        assert_eq!(check_strength("aaaaaaaaaa", 8), Err("form.password_common"));
        assert_eq!(check_strength(&"x".repeat(300), 8), Err("form.password_long"));
        assert!(check_strength("экскаватор-2024 'quoted' --", 8).is_ok());
    }

    #[test]
    fn hash_and_verify() {
        let h = Hasher::new(8192, 1).expect("params");
        let stored = h.hash("correct horse battery staple").expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(h.verify("correct horse battery staple", &stored));
        assert!(!h.verify("wrong", &stored));
        assert!(!h.verify("x", "not a hash"));
    }
}

#[cfg(test)]
mod measure {
    use super::*;

    /// `cargo test --release --lib -- --ignored argon2_rate --nocapture`
    #[test]
    #[ignore = "a measurement, not a check"]
    fn argon2_rate() {
        let h = Hasher::new(19_456, 2).expect("production parameters");
        let started = std::time::Instant::now();
        let n = 20;
        for i in 0..n {
            h.hash(&format!("password number {i}")).expect("hash");
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "argon2id m=19456 KiB t=2 p=1: {n} hashes in {secs:.2} s = {:.1} hashes/s on one core",
            f64::from(n) / secs
        );
    }
}
