//! The stop-word list: a text file in the data folder (one word or phrase a line, `#` starts a
//! comment), read again when it changes. A match flags an ad or a message for staff; nothing
//! is refused for it.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rusqlite::Connection;

/// How often the file's modification time is looked at.
const RECHECK: Duration = Duration::from_secs(1);

/// The list, reloaded when its file changes.
#[derive(Debug)]
pub struct StopWords {
    path: PathBuf,
    loaded: Mutex<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    checked: Option<Instant>,
    modified: Option<SystemTime>,
    words: Arc<Vec<String>>,
}

impl StopWords {
    /// The list kept in `path` (a missing file is an empty list).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            loaded: Mutex::new(Loaded { checked: None, modified: None, words: Arc::default() }),
        }
    }

    /// The words now, read again if the file changed since the last look.
    pub fn words(&self) -> Arc<Vec<String>> {
        let mut l = self.loaded.lock().unwrap_or_else(PoisonError::into_inner);
        if l.checked.is_some_and(|t| t.elapsed() < RECHECK) {
            return l.words.clone();
        }
        l.checked = Some(Instant::now());
        let modified = std::fs::metadata(&self.path).and_then(|m| m.modified()).ok();
        if modified != l.modified {
            l.modified = modified;
            let text = std::fs::read_to_string(&self.path).unwrap_or_default();
            let words: Vec<String> = text
                .lines()
                .map(|line| line.split('#').next().unwrap_or("").trim().to_lowercase())
                .filter(|w| !w.is_empty())
                .collect();
            tracing::info!(words = words.len(), path = %self.path.display(), "stop-word list loaded");
            l.words = Arc::new(words);
        }
        l.words.clone()
    }

    /// The first listed word or phrase `text` contains (case-insensitively), if any.
    pub fn find(&self, text: &str) -> Option<String> {
        let text = text.to_lowercase();
        self.words().iter().find(|w| text.contains(w.as_str())).cloned()
    }
}

/// Flags a target for staff with the word it matched (one open flag per target).
pub fn flag(conn: &Connection, kind: &str, id: i64, word: &str, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO flags (target_kind, target_id, word, created_at) VALUES (?1, ?2, ?3, ?4)",
        (kind, id, word, now),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_read_again_when_its_file_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("stopwords.txt");
        let list = StopWords::new(path.clone());
        assert_eq!(list.find("Предоплата на карту"), None, "no file: no words");
        std::fs::write(&path, "# scams\nПредоплата на карту\nwhatsapp # off-site\n")
            .expect("write");
        // the next look after the recheck interval sees the file
        std::thread::sleep(RECHECK + Duration::from_millis(50));
        assert_eq!(
            list.find("Только ПРЕДОПЛАТА НА КАРТУ!").as_deref(),
            Some("предоплата на карту")
        );
        assert_eq!(list.find("пишите в WhatsApp").as_deref(), Some("whatsapp"));
        assert_eq!(list.find("обычный текст"), None);
        std::fs::write(&path, "телеграм\n").expect("rewrite");
        // a different modification time: some filesystems keep whole seconds
        let later = SystemTime::now() + Duration::from_secs(2);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(later))
            .expect("touch");
        std::thread::sleep(RECHECK + Duration::from_millis(50));
        assert_eq!(list.find("пишите в WhatsApp"), None, "the old list is gone");
        assert_eq!(list.find("мой Телеграм").as_deref(), Some("телеграм"));
    }
}
