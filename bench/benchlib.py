#!/usr/bin/env python3
"""Helpers for bench/run.sh: SQLite queries (no sqlite3 CLI needed), HTTP probes, wrk output
parsing and the final table. Standard library only.

    benchlib.py free-port
    benchlib.py checkpoint DB                 # PRAGMA wal_checkpoint(TRUNCATE): one-file copy
    benchlib.py export-paths DB OUT           # canonical paths of active ads, one per line
    benchlib.py sum-views DB                  # views over all ads, folded and pending
    benchlib.py wait-healthz URL SECONDS PID  # exit 0 once /healthz says ok
    benchlib.py metrics URL                   # the view-job counters and /ad/ 2xx count, k=v
    benchlib.py parse-wrk FILE                # req/s, p50/p99 (ms), counts from wrk output, k=v
    benchlib.py table RESULTS_TSV VIEWS_TSV OUT
    benchlib.py proc-mem PID                  # VmRSS, RssAnon, RssFile of a process (MB), k=v
    benchlib.py db-size DB ADS                # page_count*page_size (MB) and bytes per ad, k=v
"""

import os
import re
import socket
import sqlite3
import sys
import time
import urllib.request


def connect(db):
    conn = sqlite3.connect(db, timeout=30)
    conn.execute("PRAGMA busy_timeout = 30000")
    return conn


def cmd_free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def cmd_checkpoint(db):
    conn = connect(db)
    busy, log, done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    conn.close()
    if busy:
        sys.exit(f"checkpoint of {db} was blocked (busy={busy}, log={log}, done={done})")
    wal = db + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) != 0:
        sys.exit(f"{wal} is not empty after the checkpoint")


def cmd_export_paths(db, out):
    conn = connect(db)
    rows = conn.execute(
        "SELECT '/ad/' || id || '-' || slug FROM ads WHERE is_active = 1 ORDER BY id"
    ).fetchall()
    conn.close()
    with open(out, "w") as f:
        for (p,) in rows:
            f.write(p + "\n")
    print(len(rows))


def cmd_sum_views(db):
    conn = connect(db)
    # folded counts plus any still pending (the server folds at exit, so normally none)
    (total,) = conn.execute(
        "SELECT (SELECT coalesce(sum(views_count), 0) FROM ads)"
        " + (SELECT coalesce(sum(views), 0) FROM ad_views_pending)"
    ).fetchone()
    conn.close()
    print(total)


def cmd_wait_healthz(url, seconds, pid):
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            sys.exit("server exited before answering /healthz")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"no answer from {url} within {seconds}s")


def cmd_metrics(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        text = r.read().decode()
    out = {"ad_2xx": 0, "ad_other": 0}
    want = {
        'uzmat_jobs_submitted_total{kind="view"}': "view_submitted",
        'uzmat_jobs_completed_total{kind="view"}': "view_completed",
        'uzmat_jobs_failed_total{kind="view"}': "view_failed",
        'uzmat_jobs_dropped_total{kind="view"}': "view_dropped",
        'uzmat_jobs_overflowed_total{kind="view"}': "view_overflowed",
        'uzmat_jobs_retried_total{kind="view"}': "view_retried",
        'uzmat_job_duration_seconds_sum{kind="view"}': "view_job_seconds",
        'uzmat_job_duration_seconds_count{kind="view"}': "view_job_batches",
        "uzmat_jobs_queue_depth": "queue_depth",
        "uzmat_jobs_overflow_depth": "overflow_depth",
    }
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.rpartition(" ")
        if name in want:
            out[want[name]] = value
        m = re.match(r'uzmat_http_requests_total\{method="GET",route="/ad/\{[^}]*\}",status="(\d+)"\}', name)
        if m:
            key = "ad_2xx" if m.group(1).startswith("2") else "ad_other"
            out[key] += int(float(value))
    for k, v in out.items():
        print(f"{k}={v}")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def to_ms(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"unparsable latency {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def parse_wrk(path):
    text = open(path).read()
    r = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if not m:
        raise SystemExit(f"{path}: no 'Requests/sec:' line; wrk output:\n{text}")
    r["rps"] = float(m.group(1))
    in_dist = False
    for line in text.splitlines():
        if "Latency Distribution" in line:
            in_dist = True
            continue
        if in_dist:
            m = re.match(r"\s+(\d+)%\s+(\S+)", line)
            if not m:
                in_dist = False
                continue
            r[f"p{m.group(1)}"] = to_ms(m.group(2))
    if "p50" not in r or "p99" not in r:
        raise SystemExit(f"{path}: no latency distribution (was --latency given?)")
    m = re.search(r"(\d+) requests in", text)
    r["requests"] = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    r["non2xx"] = int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    r["sockerr"] = sum(int(x) for x in m.groups()) if m else 0
    m = re.search(r"BENCH_AD (.*)", text)
    if m:
        for kv in m.group(1).split():
            k, v = kv.split("=")
            r[f"ad_{k}"] = int(v)
    return r


def cmd_parse_wrk(path):
    for k, v in parse_wrk(path).items():
        print(f"{k}={v}")


def cmd_make_session(db):
    """Adds a fresh user with a session to the database; prints its cookie."""
    import hashlib
    import secrets
    import time
    now = int(time.time())
    conn = connect(db)
    with conn:
        cur = conn.execute("INSERT INTO users (email, name, created_at) VALUES (?, 'Bench', ?)",
                           (f"bench-{secrets.token_hex(6)}@example.test", now))
        token = secrets.token_urlsafe(32)
        conn.execute("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                     (hashlib.sha256(token.encode()).hexdigest(), cur.lastrowid, now, now, now + 86400))
    print(f"uzmat_session={token}")


def cmd_table(results_tsv, views_tsv, out_path):
    # results: route mode rps p50 p99 requests non2xx sockerr server_cpu_seconds
    rows = []
    for line in open(results_tsv):
        f = line.rstrip("\n").split("\t")
        if len(f) < 9:
            continue
        rows.append(
            dict(route=f[0], mode=f[1], rps=float(f[2]), p50=float(f[3]), p99=float(f[4]),
                 requests=int(f[5]), non2xx=int(f[6]), sockerr=int(f[7]), cpu=float(f[8]))
        )
    views = {}
    for line in open(views_tsv):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 3:
            views[f[0]] = (f[1], f[2])  # mode -> (OK|FAIL, detail)

    def rps(route, mode):
        for r in rows:
            if r["route"] == route and r["mode"] == mode:
                return r["rps"]
        return None

    def cpu_per_req(route, mode):
        for r in rows:
            if r["route"] == route and r["mode"] == mode and r["requests"]:
                return r["cpu"] / r["requests"]
        return None

    targets = {"home": 0.3, "ad detail": 0.25, "search": 0.1}
    # signed-in visitors against anonymous ones on the same route (issue: signed-in visitors
    # as fast as anonymous ones)
    signed_targets = {"home": 0.5, "catalog": 0.7, "ad page": 0.7}
    lines = []
    # server CPU per request (user + system, all threads, job workers included): what a request
    # costs the server whatever share of the cores wrk took in that run
    lines.append(f"{'route':<11}  {'mode':<10}  {'req/s':>9}  {'p50':>9}  {'p99':>9}  "
                 f"{'errors':>6}  {'cpu/req':>8}  ratio")
    for r in rows:
        ceiling = rps("healthz", r["mode"])
        ratio = ""
        if r["mode"] == "signed-in":
            anon = rps(r["route"], "background")
            if anon:
                x = r["rps"] / anon
                t = signed_targets.get(r["route"])
                ratio = f"{x:.2f}x anonymous"
                if t is not None:
                    ratio += f"  (target >= {t}x: {'PASS' if x >= t else 'FAIL'})"
            # the server's own cost per request: what the noise of a shared machine moves least
            mine, theirs = cpu_per_req(r["route"], "signed-in"), cpu_per_req(r["route"], "background")
            if mine and theirs:
                ratio += f"  cpu/req {mine / theirs:.2f}x"
        elif r["route"] != "healthz" and ceiling:
            x = r["rps"] / ceiling
            ratio = f"{x:.2f}x healthz"
            t = targets.get(r["route"])
            if t is not None and r["mode"] == "background":
                ratio += f"  (target >= {t}x: {'PASS' if x >= t else 'FAIL'})"
        errors = r["non2xx"] + r["sockerr"]
        cpu_us = r["cpu"] * 1e6 / r["requests"] if r["requests"] else 0.0
        lines.append(
            f"{r['route']:<11}  {r['mode']:<10}  {r['rps']:>9.0f}  {r['p50']:>7.2f}ms  "
            f"{r['p99']:>7.2f}ms  {errors:>6}  {cpu_us:>6.1f}us  {ratio}"
        )
    bg, inl = rps("ad detail", "background"), rps("ad detail", "inline")
    summary = "ad detail: background/inline = "
    if bg and inl:
        x = bg / inl
        summary += f"{x:.2f}x (target >= 1.3x: {'PASS' if x >= 1.3 else 'FAIL'})"
    else:
        summary += "n/a"
    lines.append(summary)
    v = "views exact: " + ", ".join(
        f"{mode} {status} ({detail})" for mode, (status, detail) in views.items()
    )
    lines.append(v)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    with open(out_path, "w") as f:
        f.write(text)


def cmd_proc_mem(pid):
    fields = {"VmRSS": "rss", "RssAnon": "rss_anon", "RssFile": "rss_file", "VmHWM": "rss_peak"}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, value = line.partition(":")
            if name in fields:
                kb = int(value.split()[0])
                print(f"{fields[name]}={kb / 1024:.1f}")


def cmd_db_size(db, ads):
    conn = connect(db)
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    total = pages * size
    print(f"db_mb={total / 1048576:.1f}")
    print(f"bytes_per_ad={total / max(int(ads), 1):.0f}")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {
        "free-port": cmd_free_port,
        "checkpoint": cmd_checkpoint,
        "export-paths": cmd_export_paths,
        "sum-views": cmd_sum_views,
        "wait-healthz": cmd_wait_healthz,
        "metrics": cmd_metrics,
        "parse-wrk": cmd_parse_wrk,
        "table": cmd_table,
        "make-session": cmd_make_session,
        "proc-mem": cmd_proc_mem,
        "db-size": cmd_db_size,
    }.get(cmd)
    if fn is None:
        sys.exit(__doc__)
    fn(*args)


if __name__ == "__main__":
    main()
