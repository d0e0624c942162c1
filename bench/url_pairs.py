#!/usr/bin/env python3
"""Two running builds side by side, URL by URL: each path of a list asked of both in turn.

    bench/url_pairs.py BEFORE_URL AFTER_URL FILE [--passes 3] [--top 10] [--json OUT]

BEFORE_URL and AFTER_URL are two servers (127.0.0.1 only), best with their caches off as
bench/uncached.sh runs them, each on its own copy of the same data (an older binary cannot
open a database a newer one migrated). FILE holds one path a line (bench/uncached_urls.py
writes them). After one warm pass, each pass asks every path of both servers back to back,
the first alternating, over one keep-alive connection each: machine noise, which on two
shared cores moves a whole run by a tenth, falls on both builds alike. Prints each build's
sum, p50, p95, p99 and max of the per-URL medians, AFTER's sum over BEFORE's, and the URLs
that changed most either way. Standard library only.
"""

import argparse
import http.client
import json
import statistics
import time
import urllib.parse


def connect(base):
    u = urllib.parse.urlsplit(base)
    if u.hostname not in ("127.0.0.1", "localhost"):
        raise SystemExit(f"{base}: 127.0.0.1 only")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30)


def ask(conn, path):
    """Milliseconds for one GET of `path`; a non-200 answer stops the run."""
    t = time.perf_counter()
    conn.request("GET", path, headers={"User-Agent": "uzmat-bench"})
    r = conn.getresponse()
    r.read()
    ms = (time.perf_counter() - t) * 1e3
    if r.status != 200:
        raise SystemExit(f"{path}: HTTP {r.status}")
    return ms


def quantile(values, q):
    s = sorted(values)
    return s[int(q * (len(s) - 1))]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("file")
    p.add_argument("--passes", type=int, default=3)
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--json", help="write each URL's medians here")
    a = p.parse_args()
    paths = [line.strip() for line in open(a.file, encoding="utf-8") if line.strip()]
    builds = [connect(a.before), connect(a.after)]
    times = [{path: [] for path in paths}, {path: [] for path in paths}]
    for path in paths:
        for conn in builds:
            ask(conn, path)
    for n in range(a.passes):
        for i, path in enumerate(paths):
            order = (0, 1) if (i + n) % 2 == 0 else (1, 0)
            for b in order:
                times[b][path].append(ask(builds[b], path))
    medians = [{path: statistics.median(t) for path, t in build.items()} for build in times]
    for label, m in zip(("before", "after"), medians):
        v = list(m.values())
        print(
            f"{label:6} sum {sum(v):8.1f} ms  p50 {quantile(v, .5):.2f}  p95 {quantile(v, .95):.2f}"
            f"  p99 {quantile(v, .99):.2f}  max {max(v):.2f}"
        )
    before, after = medians
    print(f"after/before (sums): {sum(after.values()) / sum(before.values()):.3f}")
    change = sorted(paths, key=lambda path: after[path] - before[path])
    for title, chosen in (("faster", change[: a.top]), ("slower", change[::-1][: a.top])):
        print(f"{title}:")
        for path in chosen:
            print(f"  {before[path]:7.2f} -> {after[path]:7.2f} ms  {urllib.parse.unquote(path)}")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"before": before, "after": after}, f)


if __name__ == "__main__":
    main()
