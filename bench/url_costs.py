#!/usr/bin/env python3
"""Where an uncached listing's time goes: each URL of a list asked once, one at a time.

    bench/url_costs.py BASE_URL FILE [FILE...] [--top 15]

BASE_URL is a running server (127.0.0.1 only), best with its caches off as bench/uncached.sh
runs it; each FILE holds one path a line (bench/uncached_urls.py writes them). Every path is
asked once over one keep-alive connection, so the time is the server's work for that URL alone.
Prints, per file, by text or not and order, then per shape of URL (which parameters it carries:
`country+q+sort=price_asc`), how many, p50, p99 and max in ms, then the slowest URLs. Standard
library only.
"""

import argparse
import http.client
import time
import urllib.parse


def shape(path):
    """The parameters a URL carries, values dropped except the sort and whether a page is deep."""
    u = urllib.parse.urlsplit(path)
    q = urllib.parse.parse_qs(u.query)
    parts = []
    for k in sorted(q):
        if k in ("sort",):
            parts.append(f"sort={q[k][0]}")
        elif k == "page":
            n = int(q[k][0]) if q[k][0].isdigit() else 0
            parts.append("page>10" if n > 10 else "page")
        elif k in ("currency",):
            continue
        else:
            parts.append(k)
    return (u.path.split("/")[1] or "home") + ":" + ("+".join(parts) or "-")


def coarse(path):
    """Text or not, and the order: the split that decides which index reads a listing."""
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    sort = q.get("sort", ["fresh"])[0]
    filters = len([k for k in q if k not in ("q", "sort", "page", "currency", "after")])
    return f"{'text' if 'q' in q else 'no text'}, sort={sort}, {'no filter' if filters == 0 else 'filters'}"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--top", type=int, default=15, help="slowest URLs listed")
    ap.add_argument("--shapes", type=int, default=20, help="shapes listed per file")
    args = ap.parse_args()
    host = urllib.parse.urlsplit(args.base)
    assert host.hostname == "127.0.0.1", "load goes to 127.0.0.1 only"
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
    everything = []
    for file in args.files:
        paths = [p.strip() for p in open(file) if p.strip()]
        times = []
        for path in paths:
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"User-Agent": "url_costs"})
            r = conn.getresponse()
            r.read()
            ms = (time.perf_counter() - t0) * 1000
            if r.status >= 400:
                print(f"  {r.status} {path}")
            times.append(ms)
            everything.append((ms, path))
        by_shape, by_coarse = {}, {}
        for ms, path in zip(times, paths):
            by_shape.setdefault(shape(path), []).append(ms)
            by_coarse.setdefault(coarse(path), []).append(ms)
        print(f"{file}: {len(times)} URLs, p50 {pct(times, 0.5):.1f} ms, p99 {pct(times, 0.99):.1f} ms, "
              f"max {max(times):.1f} ms, total {sum(times) / 1000:.1f} s")
        total = sum(times)
        for table in (by_coarse, by_shape):
            print(f"  {'shape':<48} {'n':>4} {'p50':>8} {'p99':>8} {'max':>8} {'share':>6}")
            for s, ts in sorted(table.items(), key=lambda kv: -sum(kv[1]))[: args.shapes if table is by_shape else None]:
                print(f"  {s:<48} {len(ts):>4} {pct(ts, 0.5):>8.1f} {pct(ts, 0.99):>8.1f} {max(ts):>8.1f} "
                      f"{sum(ts) / total * 100:>5.1f}%")
    print("slowest:")
    for ms, path in sorted(everything, reverse=True)[: args.top]:
        print(f"  {ms:>9.1f} ms  {urllib.parse.unquote(path)}")


if __name__ == "__main__":
    main()
