//! Random tokens and their hashes: session ids, e-mail and password tokens, the site key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// A fresh random token: 256 bits, URL-safe base64.
///
/// The bits come from rand's thread-local generator: ChaCha12, seeded from the OS and reseeded
/// every 64 KiB, a CSPRNG meant for this. Asking the OS each time cost a system call per
/// first-time visitor (each gets an anonymous CSRF binding).
pub fn new_token() -> String {
    use rand::Rng;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores instead of a token: its SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Loads the site key from `path`, creating it (32 random bytes, mode 0600) on first run.
pub fn load_or_create_key(path: &std::path::Path) -> std::io::Result<[u8; 32]> {
    if let Ok(bytes) = std::fs::read(path)
        && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
    {
        return Ok(key);
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    std::io::Write::write_all(&mut options.open(path)?, &key)?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token("x"), hash_token("x"));
        assert_eq!(hash_token("x").len(), 64);
    }

    #[test]
    fn tokens_differ_across_threads_and_calls() {
        // each thread's generator is seeded on its own from the OS
        let tokens: Vec<String> = (0..8)
            .map(|_| std::thread::spawn(|| (0..100).map(|_| new_token()).collect::<Vec<_>>()))
            .flat_map(|t| t.join().expect("thread"))
            .collect();
        let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), 800);
    }

    #[test]
    fn key_is_created_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("secret.key");
        let k1 = load_or_create_key(&path).expect("create");
        let k2 = load_or_create_key(&path).expect("load");
        assert_eq!(k1, k2);
    }
}
