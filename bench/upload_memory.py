#!/usr/bin/env python3
"""Peak memory of the server while heavy photo uploads arrive at once. Standard library only,
127.0.0.1 only, bounded in time.

    bench/upload_memory.py --bin target/release/uzmat [--deep 10] [--wide 4]

Starts the binary on a temp data folder, opens a session straight in its database, and posts
ad forms at once, each with one photo that is small on disk but large in memory:
  deep  6300 x 6300, 16-bit RGBA PNG (39.7 MP, 318 MB decoded; the security sweep's file)
  wide  6000 x 6000, 8-bit RGBA PNG (36 MP, 144 MB decoded; the heaviest photo the site takes)
then prints each answer's status and the server's peak resident memory (VmHWM) before and after.
"""

import argparse
import hashlib
import os
import re
import secrets
import socket
import sqlite3
import struct
import subprocess
import tempfile
import threading
import time
import zlib


def png(width, height, color_type, bit_depth, bytes_per_pixel):
    """A PNG of zeros, compressed row by row (never the whole image in memory)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    z = zlib.compressobj(9)
    row = b"\0" * (1 + width * bytes_per_pixel)
    idat = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def request(addr, head, body=b"", timeout=300):
    host, port = addr.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(head.encode() + body)
        out = b""
        while True:
            part = s.recv(65536)
            if not part:
                return out.decode("utf-8", "replace")
            out += part


def vm_hwm_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", required=True)
    p.add_argument("--deep", type=int, default=10)
    p.add_argument("--wide", type=int, default=4)
    args = p.parse_args()
    binary = os.path.abspath(args.bin)

    data = tempfile.mkdtemp(prefix="uzmat-upload-mem-")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    addr = f"127.0.0.1:{port}"
    env = dict(os.environ, UZMAT_SERVER__BIND=addr, UZMAT_SERVER__DATA_DIR=data, UZMAT_LOG="warn")
    server = subprocess.Popen([binary, "serve"], env=env, cwd=data,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                if " 200 " in request(addr, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", timeout=2):
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise SystemExit("the server did not start in 30 s")
            time.sleep(0.1)

        token = secrets.token_urlsafe(32)
        now = int(time.time())
        db = sqlite3.connect(os.path.join(data, "uzmat.db"), timeout=10)
        cur = db.execute("INSERT INTO users (email, name, created_at) VALUES ('heavy@example.test', 'Heavy', ?)", (now,))
        db.execute("INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                   (hashlib.sha256(token.encode()).hexdigest(), cur.lastrowid, now, now, now + 86400))
        db.commit()
        db.close()
        cookie = f"uzmat_session={token}"
        form = request(addr, f"GET /ads/new?kind=rent HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)

        deep = png(6300, 6300, 6, 16, 8)
        wide = png(6000, 6000, 6, 8, 4)
        print(f"deep PNG {len(deep) // 1024} KB, wide PNG {len(wide) // 1024} KB")
        fields = {
            "csrf_token": csrf, "title": "Аренда экскаватора-погрузчика JCB 3CX",
            "description": "Исправный, с опытным оператором.", "equipment_type": "экскаватор-погрузчик",
            "brand": "JCB", "model": "3CX", "year": "2019", "power_hp": "92", "weight_t": "8,3",
            "engine_hours": "4200", "condition": "used", "with_operator": "1", "min_order": "от 4 часов",
            "price": "15000", "currency": "KZT", "price_unit": "hour", "country": "kz", "city": "Алматы",
            "phone": "+7 701 123 45 67",
        }

        def body(photo):
            b = b""
            for k, v in fields.items():
                b += f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            b += b'--B\r\nContent-Disposition: form-data; name="photos"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n'
            return b + photo + b"\r\n--B--\r\n"

        bodies = [body(deep)] * args.deep + [body(wide)] * args.wide
        before = vm_hwm_mib(server.pid)
        answers = [None] * len(bodies)

        def post(i, b):
            head = (f"POST /ads/new?kind=rent HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nConnection: close\r\n"
                    f"Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {len(b)}\r\n\r\n")
            try:
                answers[i] = request(addr, head, b).split(" ", 2)[1]
            except OSError as e:
                answers[i] = f"error: {e}"

        started = time.time()
        threads = [threading.Thread(target=post, args=(i, b)) for i, b in enumerate(bodies)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        took = time.time() - started
        after = vm_hwm_mib(server.pid)
        print(f"answers: deep {answers[:args.deep]}, wide {answers[args.deep:]}")
        print(f"peak RSS: {before} MiB before the uploads, {after} MiB after ({took:.1f} s for all answers)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
