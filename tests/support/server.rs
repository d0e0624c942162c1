//! The real binary serving a temp data folder: for what only a process shows (its memory, its
//! log, its exit).

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The real binary serving a temp data folder, stopped on drop.
pub struct Server {
    /// The process.
    pub child: Child,
    /// Where it listens.
    pub addr: String,
    /// Its data folder's parent (the data folder is `data/`; the log is `server.log`).
    pub dir: tempfile::TempDir,
}

impl Server {
    pub fn start(env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
        // a bind of the caller's (say 0.0.0.0:port) is reached through loopback on its port
        let given = env.iter().find(|(k, _)| *k == "UZMAT_SERVER__BIND");
        let port = match given.and_then(|(_, v)| v.rsplit(':').next()?.parse::<u16>().ok()) {
            Some(port) => port,
            None => std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port(),
        };
        let addr = format!("127.0.0.1:{port}");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_uzmat"));
        cmd.current_dir(dir.path())
            .args(["serve"])
            .env("UZMAT_SERVER__BIND", &addr)
            .env("UZMAT_SERVER__DATA_DIR", dir.path().join("data"))
            .env("UZMAT_AUTH__ARGON2_MEMORY_KIB", "8192")
            .env("UZMAT_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::from(log));
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start uzmat");
        let server = Server { child, addr, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server
            .raw("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", &[])
            .is_err()
        {
            assert!(Instant::now() < deadline, "the server did not start in 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// Sends a request head and body; returns the whole response as text.
    pub fn raw(&self, head: &str, body: &[u8]) -> std::io::Result<String> {
        let mut s = std::net::TcpStream::connect(&self.addr)?;
        s.set_read_timeout(Some(Duration::from_secs(120)))?;
        s.write_all(head.as_bytes())?;
        s.write_all(body)?;
        let mut out = Vec::new();
        s.read_to_end(&mut out)?;
        let text = String::from_utf8_lossy(&out).into_owned();
        if text.is_empty() { Err(std::io::Error::other("empty response")) } else { Ok(text) }
    }

    /// The process's peak resident memory, in MiB.
    pub fn peak_rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("proc status");
        let kib: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM");
        kib / 1024
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// What the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A session for a new user, made in the database file the server created: the cookie
    /// header value.
    pub fn session(&self, name: &str) -> String {
        let db = rusqlite::Connection::open(self.dir.path().join("data/uzmat.db")).expect("db");
        db.busy_timeout(Duration::from_secs(5)).expect("busy");
        let user = super::build::user(&db, name, None);
        super::build::session(&db, user)
    }
}
