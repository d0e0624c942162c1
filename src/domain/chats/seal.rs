//! Chat text sealed at rest: XChaCha20-Poly1305 under keys kept in the data folder.
//!
//! The key file holds one key per line, `<id> <base64 key>`; the highest id seals new text and
//! every id still opens what it sealed, so `uzmat admin rotate-chat-key` appends a key and
//! nothing is re-encrypted. A sealed value is the 24-byte random nonce followed by the
//! ciphertext; the message row keeps the key's id beside it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

const NONCE: usize = 24;

/// The chat keys by id.
pub struct Keyring {
    keys: BTreeMap<i64, XChaCha20Poly1305>,
    current: i64,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // the ids only: keys never reach a log
        f.debug_struct("Keyring").field("ids", &self.keys.keys().collect::<Vec<_>>()).finish()
    }
}

/// Why sealed text could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The row names a key the file does not have (the key file was replaced).
    #[error("chat key {0} is missing from the key file")]
    MissingKey(i64),
    /// The ciphertext or its tag is damaged, or it was moved to another message.
    #[error("sealed chat text failed its check")]
    Damaged,
}

impl Keyring {
    /// Reads the key file at `path`, creating it with one fresh key (mode 0600) on first run.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                append_key(path, 1)?;
                Self::load_or_create(path)
            }
            Err(e) => Err(e),
        }
    }

    /// Adds a key to the file at `path` that seals from now on; returns its id.
    pub fn rotate(path: &Path) -> std::io::Result<i64> {
        let next = Self::load_or_create(path)?.current + 1;
        append_key(path, next)?;
        Ok(next)
    }

    fn parse(text: &str) -> Result<Self, String> {
        let mut keys = BTreeMap::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let bad = || format!("line {} is not `<id> <base64 key of 32 bytes>`", n + 1);
            let (id, key) = line.trim().split_once(' ').ok_or_else(bad)?;
            let id: i64 = id.parse().map_err(|_| bad())?;
            let bytes = STANDARD.decode(key.trim()).map_err(|_| bad())?;
            let key = <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| bad())?;
            keys.insert(id, XChaCha20Poly1305::new(Key::from_slice(&key)));
        }
        let current = *keys.keys().next_back().ok_or("the file has no key")?;
        Ok(Self { keys, current })
    }

    /// A keyring of one random key, for tests and throwaway runs.
    pub fn ephemeral() -> Self {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        Self { keys: BTreeMap::from([(1, XChaCha20Poly1305::new(&key))]), current: 1 }
    }

    /// Seals `text` for message `message_id` (bound into the tag, so sealed text copied onto
    /// another message does not open): the key id and the sealed bytes.
    pub fn seal(&self, message_id: i64, text: &str) -> (i64, Vec<u8>) {
        let cipher = &self.keys[&self.current];
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = message_id.to_le_bytes();
        // encryption fails only for inputs over 256 GiB
        let sealed =
            cipher.encrypt(&nonce, Payload { msg: text.as_bytes(), aad: &aad }).unwrap_or_default();
        let mut out = Vec::with_capacity(NONCE + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        (self.current, out)
    }

    /// Opens what [`seal`](Self::seal) made for `message_id`.
    pub fn open(&self, message_id: i64, key_id: i64, sealed: &[u8]) -> Result<String, OpenError> {
        let cipher = self.keys.get(&key_id).ok_or(OpenError::MissingKey(key_id))?;
        if sealed.len() < NONCE {
            return Err(OpenError::Damaged);
        }
        let (nonce, body) = sealed.split_at(NONCE);
        let aad = message_id.to_le_bytes();
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: &aad })
            .map_err(|_| OpenError::Damaged)?;
        String::from_utf8(plain).map_err(|_| OpenError::Damaged)
    }

    /// The id new text is sealed with.
    pub fn current(&self) -> i64 {
        self.current
    }
}

fn append_key(path: &Path, id: i64) -> std::io::Result<()> {
    let key = XChaCha20Poly1305::generate_key(&mut OsRng);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{id} {}", STANDARD.encode(key))?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_opens_and_binds_the_message() {
        let ring = Keyring::ephemeral();
        let text = "Цена -- 5 000 $ 🚜 שלום";
        let (key, sealed) = ring.seal(7, text);
        let needle = "Цена".as_bytes();
        assert!(!sealed.windows(needle.len()).any(|w| w == needle));
        assert_eq!(ring.open(7, key, &sealed).expect("opens"), text);
        assert!(matches!(ring.open(8, key, &sealed), Err(OpenError::Damaged)), "other message");
        assert!(matches!(ring.open(7, 9, &sealed), Err(OpenError::MissingKey(9))));
        let mut bent = sealed.clone();
        bent[30] ^= 1;
        assert!(matches!(ring.open(7, key, &bent), Err(OpenError::Damaged)));
        assert!(matches!(ring.open(7, key, &sealed[..10]), Err(OpenError::Damaged)));
    }

    #[test]
    fn rotation_keeps_old_text_readable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chat-keys.txt");
        let first = Keyring::load_or_create(&path).expect("create");
        assert_eq!(first.current(), 1);
        let (k1, old) = first.seal(1, "старое");
        assert_eq!(Keyring::rotate(&path).expect("rotate"), 2);
        let second = Keyring::load_or_create(&path).expect("load");
        assert_eq!(second.current(), 2);
        assert_eq!(second.open(1, k1, &old).expect("old key still opens"), "старое");
        let (k2, new) = second.seal(2, "новое");
        assert_eq!(k2, 2);
        assert_eq!(second.open(2, k2, &new).expect("opens"), "новое");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_damaged_key_file_is_refused_with_its_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chat-keys.txt");
        std::fs::write(&path, "1 not-base64!\n").expect("write");
        let err = Keyring::load_or_create(&path).expect_err("refused");
        assert!(err.to_string().contains("line 1"), "{err}");
    }
}
