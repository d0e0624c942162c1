#!/usr/bin/env python3
"""Soak: mixed browsing, viewing and posting against the release binary for a while, with a
backup taken in the middle. Standard library and wrk only, 127.0.0.1 only, bounded in time.

    bench/soak.py --bin target/release/uzmat [--minutes 10] [--connections 64] [--ads 10000]

- wrk (2 threads, --connections) cycles over the home page, the catalog, searches and the
  pages of every active ad, each request from its own client address (views are counted);
- a poster signs in (a session made in the database) and posts an ad every 0.2 s over HTTP,
  remembering each one the server acknowledged (303) and when;
- the server's memory (VmRSS, RssAnon) is sampled every 5 s;
- half way, `uzmat backup` copies the live database; afterwards the copy must pass
  integrity_check and hold every ad acknowledged before the backup began.
Prints: requests, errors (non-2xx/3xx and socket errors), latency, the memory per minute
(medians of the samples: VmRSS, RssAnon, RssFile, and the database with its WAL) and the growth
from the second minute to the last (goal: flat within 10 %), the posts, and the backup's check.
"""

import argparse
import hashlib
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

RENT = [
    ("description", "Исправный, с опытным оператором. Работаем по Алматы и области."),
    ("equipment_type", "экскаватор-погрузчик"), ("brand", "JCB"), ("model", "3CX"), ("year", "2019"),
    ("power_hp", "92"), ("weight_t", "8,3"), ("engine_hours", "4200"), ("condition", "used"),
    ("with_operator", "1"), ("min_order", "от 4 часов"), ("price", "15000"), ("currency", "KZT"),
    ("price_unit", "hour"), ("country", "kz"), ("city", "Алматы"), ("phone", "+7 701 123 45 67"),
]


def db_size(data):
    """The database and its WAL, in bytes: what the connections may map and cache."""
    return sum(os.path.getsize(os.path.join(data, f)) for f in ("uzmat.db", "uzmat.db-wal")
               if os.path.exists(os.path.join(data, f)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss(pid):
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile"):
                out[k] = int(v.split()[0])
    return out


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def poster(base, cookie, stop, acked, errors):
    opener = urllib.request.build_opener(NoRedirect)
    n = 0
    while not stop.is_set():
        n += 1
        try:
            req = urllib.request.Request(base + "/ads/new?kind=rent", headers={"Cookie": cookie, "User-Agent": UA})
            page = opener.open(req, timeout=10).read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            title = f"Соак кран {n} {secrets.token_hex(3)}"
            boundary = "soak-boundary"
            parts = []
            for k, v in RENT + [("title", title), ("csrf_token", token)]:
                parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            req = urllib.request.Request(base + "/ads/new?kind=rent", data=body, method="POST", headers={
                "Cookie": cookie, "User-Agent": UA, "Content-Type": f"multipart/form-data; boundary={boundary}"})
            try:
                status = opener.open(req, timeout=10).status
            except urllib.error.HTTPError as e:
                status = e.code
            if status == 303:
                acked.append((time.time(), title))
            else:
                errors.append(status)
        except Exception as e:  # a socket error under load counts, it never stops the soak
            errors.append(str(e))
        stop.wait(0.2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--ads", type=int, default=10000)
    args = p.parse_args()
    binary = os.path.abspath(args.bin)
    data = tempfile.mkdtemp(prefix="uzmat-soak-")
    env = dict(os.environ, UZMAT_SERVER__DATA_DIR=data, UZMAT_LOG="warn")
    subprocess.run([binary, "seed", "--ads", str(args.ads), "--seed", "7"], env=env, cwd=data, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    db = sqlite3.connect(os.path.join(data, "uzmat.db"), timeout=10)
    paths = [f"/ad/{i}-{s}" for i, s in db.execute("SELECT id, slug FROM ads WHERE is_active = 1")]
    paths += ["/", "/catalog", "/parts", "/repair", "/catalog?q=%D1%8D%D0%BA%D1%81%D0%BA%D0%B0%D0%B2%D0%B0%D1%82%D0%BE%D1%80",
              "/catalog?country=kz&page=2", "/logistics"] * 200
    now = int(time.time())
    user = db.execute("INSERT INTO users (email, name, created_at) VALUES ('soak@bench.test', 'Soak', ?)", (now,)).lastrowid
    token = secrets.token_urlsafe(32)
    db.execute("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
               (hashlib.sha256(token.encode()).hexdigest(), user, now, now, now + 86400))
    db.commit()
    db.close()
    paths_file = os.path.join(data, "soak_paths.txt")
    with open(paths_file, "w") as f:
        f.write("\n".join(paths) + "\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    senv = dict(env, UZMAT_SERVER__BIND=f"127.0.0.1:{port}", UZMAT_SERVER__TRUSTED_PROXIES='["127.0.0.1"]')
    server = subprocess.Popen([binary, "serve"], env=senv, cwd=data, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(data, "server.log"), "w"))
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    seconds = int(args.minutes * 60)
    wrk = subprocess.Popen(["wrk", "-t2", f"-c{args.connections}", f"-d{seconds}s", "--latency", "--timeout", "10s",
                            "-s", os.path.join(ROOT, "bench/ad_detail.lua"), base, "--", paths_file, "5"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    stop = threading.Event()
    acked, post_errors = [], []
    t = threading.Thread(target=poster, args=(base, f"uzmat_session={token}", stop, acked, post_errors))
    t.start()
    samples = []
    backup = None
    started = time.time()
    while wrk.poll() is None:
        sample = rss(server.pid)
        sample["db"] = db_size(data)
        samples.append((time.time() - started, sample))
        if backup is None and time.time() - started > seconds / 2:
            began = time.time()
            target = os.path.join(data, "soak-backup.db")
            r = subprocess.run([binary, "backup", target], env=env, cwd=data, capture_output=True, text=True)
            backup = (began, time.time() - began, target, r.returncode, r.stdout.strip() or r.stderr.strip())
        time.sleep(5)
    stop.set()
    t.join()
    out = wrk.stdout.read()
    server.terminate()
    code = server.wait(timeout=60)

    def grab(pattern, default="0"):
        m = re.search(pattern, out)
        return m.group(1) if m else default
    requests = grab(r"(\d+) requests in")
    non2xx = grab(r"Non-2xx or 3xx responses: (\d+)")
    sock = grab(r"Socket errors: (.*)", "none")
    rps = grab(r"Requests/sec:\s+([\d.]+)")
    p50 = grab(r"50%\s+(\S+)")
    p99 = grab(r"99%\s+(\S+)")
    print(f"soak: {args.minutes} min, wrk -t2 -c{args.connections}: {requests} requests, {rps} req/s, "
          f"p50 {p50}, p99 {p99}, non-2xx/3xx {non2xx}, socket errors {sock}")
    # per minute, the median of the 5-second samples: after every write SQLite drops each
    # reading connection's mapping of the file (pager.c, pagerBeginReadTransaction), so one
    # sample sees each of the pool's mappings anywhere between empty and whole (RssFile swings
    # by tens of MB from one sample to the next); the median of a minute is its level
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]

    minutes = {}
    for at, s in samples:
        minutes.setdefault(int(at // 60), []).append(s)
    levels = {m: {k: median([s[k] for s in ss]) for k in ("VmRSS", "RssAnon", "RssFile", "db")}
              for m, ss in sorted(minutes.items())}
    print("minute  VmRSS MiB  RssAnon  RssFile  database MiB   (medians of the minute's samples; "
          "VmRSS min-max)")
    for m, lv in levels.items():
        lo = min(s["VmRSS"] for s in minutes[m]) / 1024
        hi = max(s["VmRSS"] for s in minutes[m]) / 1024
        print(f"{m + 1:>6}  {lv['VmRSS'] / 1024:>9.1f}  {lv['RssAnon'] / 1024:>7.1f}  {lv['RssFile'] / 1024:>7.1f}"
              f"  {lv['db'] / 1048576:>12.1f}   ({lo:.0f}-{hi:.0f})")
    full = [m for m in levels if m >= 1 and len(minutes[m]) >= 6]
    if len(full) >= 2:
        f0, last = levels[full[0]], levels[full[-1]]
        growth = (last["VmRSS"] - f0["VmRSS"]) / f0["VmRSS"] * 100
        anon = (last["RssAnon"] - f0["RssAnon"]) / f0["RssAnon"] * 100
        print(f"memory: minute {full[0] + 1} VmRSS {f0['VmRSS'] // 1024} MiB (RssAnon {f0['RssAnon'] // 1024}), "
              f"minute {full[-1] + 1} {last['VmRSS'] // 1024} MiB (RssAnon {last['RssAnon'] // 1024}): "
              f"VmRSS {growth:+.1f} %, RssAnon {anon:+.1f} % (goal: within 10 %)")
    print(f"posts: {len(acked)} acknowledged, {len(post_errors)} errors {post_errors[:5]}")
    if backup:
        began, took, target, rc, msg = backup
        ok = "n/a"
        if rc == 0:
            bdb = sqlite3.connect(target)
            integrity = bdb.execute("PRAGMA integrity_check").fetchone()[0]
            before = [title for at, title in acked if at < began]
            missing = [tl for tl in before if bdb.execute("SELECT count(*) FROM ads WHERE title = ?", (tl,)).fetchone()[0] != 1]
            ok = f"integrity_check {integrity}; {len(before)} ads acknowledged before it began, {len(missing)} missing"
        print(f"backup at {began - started:.0f} s: exit {rc}, {took:.1f} s; {ok}; {msg}")
    print(f"server exit after SIGTERM: {code}")
    errors = int(non2xx) + len(post_errors) + (0 if code == 0 else 1)
    sys.exit(0 if errors == 0 else 1)


if __name__ == "__main__":
    main()
