#!/usr/bin/env python3
"""Anonymous against signed-in pages, for two builds side by side in one run. Standard library
and wrk only, 127.0.0.1 only, bounded in time.

    bench/signed_in.py BEFORE_BIN AFTER_BIN [--ads 10000] [--seconds 6]

Each build seeds its own data (same seed) and serves it; in each database a fresh user and a
heavy one (200 favorites, 50 threads with unread messages) get a session. For `/`, `/catalog`
and an ad page, wrk (2 threads, 32 connections) measures anonymous, fresh and heavy visitors,
in the order before, after, after, before, so the machine's noise falls on both builds alike.
The table gives req/s (the mean of the two runs) and the signed-in share of anonymous.
"""

import argparse
import hashlib
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.request

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session(db, user_id, now):
    token = secrets.token_urlsafe(32)
    db.execute("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
               (hashlib.sha256(token.encode()).hexdigest(), user_id, now, now, now + 86400))
    return f"uzmat_session={token}"


def prepare(binary, ads):
    """Seeds a data folder, adds the fresh and heavy users; returns (folder, cookies, ad path)."""
    data = tempfile.mkdtemp(prefix="uzmat-signed-in-")
    env = dict(os.environ, UZMAT_SERVER__DATA_DIR=data)
    subprocess.run([binary, "seed", "--ads", str(ads), "--seed", "42"], env=env, cwd=data,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(data, "uzmat.db"), timeout=10)
    now = int(time.time())
    users = {}
    for name in ("fresh", "heavy"):
        cur = db.execute("INSERT INTO users (email, name, created_at) VALUES (?, ?, ?)",
                         (f"{name}@bench.test", name.capitalize(), now))
        users[name] = cur.lastrowid
    heavy = users["heavy"]
    # the favorites come once the server runs (see `favorite_what_is_shown`): its first bump
    # reorders the ads
    active = [r[0] for r in db.execute("SELECT id FROM ads WHERE is_active = 1 ORDER BY bumped_at DESC LIMIT 250")]
    for ad in active[200:250]:
        owner = db.execute("SELECT owner_id FROM ads WHERE id = ?", (ad,)).fetchone()[0]
        cur = db.execute("INSERT INTO chat_threads (ad_id, buyer_id, seller_id, created_at, last_message_at) "
                         "VALUES (?, ?, ?, ?, ?)", (ad, owner if owner != heavy else users["fresh"], heavy, now, now))
        for i in range(3):
            db.execute("INSERT INTO chat_messages (thread_id, sender_id, body, created_at) VALUES (?, ?, ?, ?)",
                       (cur.lastrowid, owner, f"Вопрос {i}", now))
    # builds with stored unread counters (chats): compute them for the rows written above,
    # as the migration does for existing threads
    columns = [r[1] for r in db.execute("PRAGMA table_info(users)")]
    if "chat_unread" in columns:
        db.executescript("""
            UPDATE chat_threads SET last_message_id = (SELECT max(id) FROM chat_messages m WHERE m.thread_id = chat_threads.id);
            INSERT OR IGNORE INTO chat_reads (thread_id, user_id, last_read_id) SELECT id, buyer_id, 0 FROM chat_threads;
            INSERT OR IGNORE INTO chat_reads (thread_id, user_id, last_read_id) SELECT id, seller_id, 0 FROM chat_threads;
            UPDATE chat_reads SET
                last_message_id = (SELECT last_message_id FROM chat_threads t WHERE t.id = chat_reads.thread_id),
                unread = (SELECT count(*) FROM chat_messages m WHERE m.thread_id = chat_reads.thread_id
                          AND m.sender_id <> chat_reads.user_id AND m.id > chat_reads.last_read_id);
            UPDATE users SET chat_unread = coalesce((SELECT sum(unread) FROM chat_reads r WHERE r.user_id = users.id), 0);
        """)
    cookies = {name: session(db, uid, now) for name, uid in users.items()}
    ad = db.execute("SELECT id, slug FROM ads WHERE is_active = 1 ORDER BY id LIMIT 1").fetchone()
    db.commit()
    db.close()
    return data, cookies, f"/ad/{ad[0]}-{ad[1]}"


def favorite_what_is_shown(data, base, ad_path, heavy_email="heavy@bench.test"):
    """Gives the heavy user 200 favorites, among them every ad the measured pages show now."""
    shown = []
    for path in ("/", "/catalog", ad_path):
        with urllib.request.urlopen(base + path, timeout=10) as r:
            shown += [int(i) for i in re.findall(r'data-ad-id="(\d+)"', r.read().decode())]
    db = sqlite3.connect(os.path.join(data, "uzmat.db"), timeout=10)
    heavy = db.execute("SELECT id FROM users WHERE email = ?", (heavy_email,)).fetchone()[0]
    more = [r[0] for r in db.execute("SELECT id FROM ads WHERE is_active = 1 ORDER BY bumped_at DESC LIMIT 400")]
    ids = list(dict.fromkeys(shown + more))[:200]
    now = int(time.time())
    db.executemany("INSERT OR IGNORE INTO favorites (user_id, ad_id, created_at) VALUES (?, ?, ?)",
                   [(heavy, ad, now) for ad in ids])
    db.commit()
    db.close()
    return len(set(shown) & set(ids))


def wrk(url, seconds, cookie=None):
    cmd = ["wrk", "-t2", "-c32", f"-d{seconds}s", "--latency", "-H", f"User-Agent: {UA}"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, int(errors.group(1)) if errors else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--ads", type=int, default=10000)
    p.add_argument("--seconds", type=int, default=6)
    args = p.parse_args()
    builds = {}
    for name, binary in (("before", args.before), ("after", args.after)):
        binary = os.path.abspath(binary)
        data, cookies, ad_path = prepare(binary, args.ads)
        port = free_port()
        # the bump runs once at start, then not again during the runs: the pages keep their ads
        env = dict(os.environ, UZMAT_SERVER__DATA_DIR=data, UZMAT_SERVER__BIND=f"127.0.0.1:{port}", UZMAT_LOG="warn",
                   UZMAT_JOBS__BUMP_CHECK_SECONDS="86400")
        proc = subprocess.Popen([binary, "serve"], env=env, cwd=data,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        builds[name] = {"proc": proc, "base": f"http://127.0.0.1:{port}", "cookies": cookies, "ad": ad_path,
                        "data": data}
    time.sleep(2)
    for name, b in builds.items():
        marked = favorite_what_is_shown(b["data"], b["base"], b["ad"])
        print(f"{name}: the heavy user's favorites include {marked} of the ads the measured pages show")
    results = {}
    try:
        for route in ("/", "/catalog", "ad page"):
            for name in ("before", "after", "after", "before"):
                b = builds[name]
                url = b["base"] + (b["ad"] if route == "ad page" else route)
                wrk(url, 2)  # warm-up
                for who in ("anonymous", "fresh", "heavy"):
                    rps, errors = wrk(url, args.seconds, b["cookies"].get(who))
                    if errors:
                        raise SystemExit(f"{name} {route} {who}: {errors} error responses")
                    results.setdefault((route, name, who), []).append(rps)
    finally:
        for b in builds.values():
            b["proc"].terminate()
            b["proc"].wait(timeout=60)
    print(f"{'route':10} {'build':7} {'anonymous':>10} {'fresh':>9} {'heavy':>9} {'fresh/anon':>11} {'heavy/fresh':>12}")
    for route in ("/", "/catalog", "ad page"):
        for name in ("before", "after"):
            anon, fresh, heavy = (sum(results[(route, name, w)]) / 2 for w in ("anonymous", "fresh", "heavy"))
            print(f"{route:10} {name:7} {anon:10.0f} {fresh:9.0f} {heavy:9.0f} {fresh / anon:10.2f}x {heavy / fresh:11.2f}x")


if __name__ == "__main__":
    main()
