#!/usr/bin/env python3
"""Slow and idle clients against Uzmat: how long the server keeps them, how many descriptors
idle sockets hold, and how long SIGTERM takes with a half-sent request open. Standard library
only, 127.0.0.1 only, every probe bounded by --max-wait.

    bench/slow_clients.py --bin target/debug/uzmat          # start it (temp data dir), probe, SIGTERM
    bench/slow_clients.py --addr 127.0.0.1:8080 --pid PID   # a running server (no SIGTERM unless --sigterm)

Probes (run side by side, each on its own connection):
  fresh idle       connect, send nothing
  keep-alive idle  one full GET /healthz, then nothing
  half-sent head   "GET / HTTP/1.1\\r\\nHost: x\\r\\n", then nothing
  trickled head    a request line, then one header line every --interval seconds
  trickled body    POST /login with Content-Length: 1000, one body byte every --interval seconds
then: --sockets idle connections at once, with the server's descriptor count over time
(/proc/PID/fd), and, when the script started the server or --sigterm is given, SIGTERM with a
half-sent request and an idle keep-alive connection open: seconds until the process is gone.
"""

import argparse
import errno
import os
import resource
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def readable(s, timeout):
    """poll(2), not select(2): descriptor numbers pass 1024 with --sockets 1000."""
    p = select.poll()
    p.register(s, select.POLLIN)
    return bool(p.poll(max(0, int(timeout * 1000))))


def connect(addr):
    s = socket.create_connection(addr, timeout=5)
    s.setblocking(False)
    return s


def read_response(s, deadline):
    """Reads one response with a Content-Length body; returns its status line."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        if not readable(s, deadline - time.monotonic()):
            raise TimeoutError("no response")
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response")
        buf += chunk
    head, body = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            length = int(v.strip())
    while len(body) < length:
        if not readable(s, deadline - time.monotonic()):
            raise TimeoutError("short body")
        body += s.recv(65536)
    return head.split(b"\r\n", 1)[0].decode()


def probe(addr, first, drip, interval, max_wait, full_request=False):
    """Sends `first` (and, if `full_request`, reads its response before the clock starts), then
    `drip` every `interval` s. Returns (seconds until the server closed or None, status line)."""
    s = connect(addr)
    status = ""
    try:
        s.sendall(first)
        if full_request:
            status = read_response(s, time.monotonic() + 10)
        start = time.monotonic()
        next_drip = start + interval
        while True:
            now = time.monotonic()
            if now - start >= max_wait:
                return None, status
            wait = min(max_wait - (now - start), (next_drip - now) if drip else max_wait)
            if readable(s, wait):
                try:
                    data = s.recv(65536)
                except ConnectionError:
                    return time.monotonic() - start, status
                if not data:
                    return time.monotonic() - start, status
                if not status:
                    status = data.split(b"\r\n", 1)[0].decode(errors="replace")
                continue
            if drip and time.monotonic() >= next_drip:
                try:
                    s.sendall(drip)
                except (BrokenPipeError, ConnectionError):
                    return time.monotonic() - start, status
                next_drip += interval
    finally:
        s.close()


def fmt(seconds, max_wait):
    if seconds is None:
        return f"still open after {max_wait:.0f} s (the probe gave up)"
    return f"closed by the server after {seconds:.1f} s"


def run_probes(addr, interval, max_wait):
    probes = {
        "fresh idle": (b"", None, False),
        "keep-alive idle": (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", None, True),
        "half-sent head": (b"GET / HTTP/1.1\r\nHost: x\r\n", None, False),
        "trickled head": (b"GET / HTTP/1.1\r\nHost: x\r\n", b"X-Slow: 1\r\n", False),
        "trickled body": (
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 1000\r\n\r\n",
            b"a",
            False,
        ),
    }
    results = {}

    def one(name, first, drip, full):
        try:
            results[name] = probe(addr, first, drip, interval, max_wait, full)
        except Exception as e:  # a probe that fails says so in the table
            results[name] = (None, f"probe failed: {e}")

    threads = [threading.Thread(target=one, args=(n, *p)) for n, p in probes.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for name in probes:
        secs, status = results[name]
        extra = f"  (answer: {status})" if status else ""
        print(f"{name:16} {fmt(secs, max_wait)}{extra}", flush=True)


def run_sockets(addr, pid, n, max_wait):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 64), hard))
    base = fd_count(pid)
    # non-blocking connects: past the server's cap and the kernel backlog, SYNs wait and retry
    poller = select.poll()
    socks = {}
    start = time.monotonic()
    for i in range(n):
        if i % 50 == 49:
            time.sleep(0.02)  # paced, so a server that accepts everything keeps up with us
        s = socket.socket()
        s.setblocking(False)
        err = s.connect_ex(addr)
        if err not in (0, errno.EINPROGRESS):
            print(f"sockets: connect failed after {len(socks)}: {os.strerror(err)}")
            s.close()
            break
        socks[s.fileno()] = s
        poller.register(s, select.POLLIN)  # an idle socket gets no answer: readable means EOF
    still_open = set(socks)
    peak = 0
    next_report = start + 5
    at_rest_since = None
    poked = set()  # sockets written to once the server was back at rest
    reset = 0
    while still_open and time.monotonic() - start < max_wait:
        for fd, _ in poller.poll(500):
            if fd in still_open:
                still_open.discard(fd)
                poller.unregister(fd)
                try:
                    socks[fd].recv(1)
                except ConnectionResetError:
                    reset += 1
        count = fd_count(pid) or 0
        peak = max(peak, count)
        # back at rest with sockets still "open": while the cap held and the accept queue was
        # full, the kernel answered with SYN cookies or dropped the final ACK, so the client sees
        # a connection the server never queued; a byte completes it (then served and timed out)
        # or draws a reset
        at_rest_since = (at_rest_since or time.monotonic()) if count <= base else None
        if at_rest_since and time.monotonic() - at_rest_since > 3 and not poked:
            poked = set(still_open)
            for fd in poked:
                try:
                    socks[fd].send(b"\r\n")
                except OSError:
                    pass
        if time.monotonic() >= next_report:
            closed = len(socks) - len(still_open)
            print(f"sockets: at {next_report - start:3.0f} s the server holds {count} descriptors; "
                  f"it has closed {closed}/{len(socks)}", flush=True)
            next_report += 5
    elapsed = time.monotonic() - start
    end = fd_count(pid)
    for s in socks.values():
        s.close()
    closed = len(socks) - len(still_open) - reset
    print(f"sockets: {len(socks)} idle: {base} descriptors at rest, peak {peak}, {end} at the end "
          f"({elapsed:.1f} s after the first connect); the server closed {closed}, "
          f"{reset} were reset (never queued by the kernel; see the comment above)"
          + (f", {len(still_open)} still open (the probe gave up)" if still_open else ""))


def run_sigterm(addr, pid, proc, max_wait):
    half = connect(addr)
    half.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    idle = connect(addr)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    read_response(idle, time.monotonic() + 10)
    time.sleep(0.5)
    start = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    code = None
    while time.monotonic() - start < max_wait:
        if proc is not None:
            code = proc.poll()
            if code is not None:
                break
        elif not alive(pid):
            break
        time.sleep(0.02)
    took = time.monotonic() - start
    half.close()
    idle.close()
    if (proc is not None and code is None) or (proc is None and alive(pid)):
        print(f"sigterm: still running {max_wait:.0f} s after SIGTERM (half-sent request open); SIGKILL")
        os.kill(pid, signal.SIGKILL)
        if proc is not None:
            proc.wait()
    else:
        status = f", exit status {code}" if proc is not None else ""
        print(f"sigterm: exited {took:.2f} s after SIGTERM with a half-sent request open{status}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(binary, data_dir, log):
    port = free_port()
    env = dict(os.environ, UZMAT_SERVER__BIND=f"127.0.0.1:{port}", UZMAT_SERVER__DATA_DIR=data_dir,
               UZMAT_LOG="warn")
    proc = subprocess.Popen([binary, "serve"], cwd=data_dir, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, ("127.0.0.1", port)
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"the server exited with {proc.returncode}")
            time.sleep(0.1)
    proc.kill()
    sys.exit("the server did not start in 60 s")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", help="start this uzmat binary on a free port with a temp data dir")
    ap.add_argument("--addr", help="HOST:PORT of a running server (127.0.0.1 only)")
    ap.add_argument("--pid", type=int, help="its process id (for descriptor counts and --sigterm)")
    ap.add_argument("--sigterm", action="store_true", help="end a running server with SIGTERM")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between trickled bytes/lines")
    ap.add_argument("--max-wait", type=float, default=90.0, help="longest a probe waits")
    ap.add_argument("--sockets", type=int, default=1000, help="idle sockets opened at once (max 2000)")
    args = ap.parse_args()
    n = min(args.sockets, 2000)
    if args.bin:
        tmp = tempfile.TemporaryDirectory()
        log = open(os.path.join(tmp.name, "server.log"), "wb")
        proc, addr = start(os.path.abspath(args.bin), tmp.name, log)
        pid = proc.pid
    else:
        host, _, port = (args.addr or "").rpartition(":")
        if host not in ("127.0.0.1", "localhost") or not args.pid:
            sys.exit("give --bin, or --addr 127.0.0.1:PORT with --pid")
        addr, pid, proc = ("127.0.0.1", int(port)), args.pid, None
    try:
        print(f"server pid {pid} at {addr[0]}:{addr[1]}; {fd_count(pid)} descriptors at rest", flush=True)
        run_probes(addr, args.interval, args.max_wait)
        run_sockets(addr, pid, n, args.max_wait)
        if proc is not None or args.sigterm:
            run_sigterm(addr, pid, proc, min(args.max_wait, 30.0))
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()
