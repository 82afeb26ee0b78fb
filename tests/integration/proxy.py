#!/usr/bin/env python3
"""ratify test proxy: a minimal HTTP proxy for the integration tests.

Usage: proxy.py PORT LOG [USER:PASSWORD]

Listens on 127.0.0.1:PORT; LOG is created once it listens. Each request
gets one line in LOG: the method, the target and the Proxy-Authorization
header ("-" when absent). CONNECT opens a tunnel to host:port (502 when
that fails); an absolute-form request ("POST http://host:port/path") is
sent on to its host in origin form, without Proxy-Authorization. One
thread per connection; SIGTERM stops it. With USER:PASSWORD, a request
without that Proxy-Authorization (Basic) is answered 407.
"""
import base64
import os
import select
import socket
import sys
import threading
from urllib.parse import urlsplit

PORT, LOG = int(sys.argv[1]), sys.argv[2]
WANT = "Basic " + base64.b64encode(sys.argv[3].encode()).decode() if len(sys.argv) > 3 else None
lock = threading.Lock()


def log(line):
    with lock, open(LOG, "a") as f:
        f.write(line + "\n")


def pump(a, b):
    socks = [a, b]
    while True:
        ready, _, _ = select.select(socks, [], [], 30)
        if not ready:
            return
        for s in ready:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def handle(c):
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            more = c.recv(65536)
            if not more:
                return
            data += more
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        fields = [l.split(":", 1) for l in lines[1:]]
        auth = next((v.strip() for k, v in fields if k.lower() == "proxy-authorization"), "-")
        log(f"{method} {target} {auth}")
        if WANT and auth != WANT:
            c.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                      b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
            return
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            try:
                s = socket.create_connection((host.strip("[]"), int(port)), timeout=5)
            except OSError:
                c.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                return
            c.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:
            u = urlsplit(target)
            s = socket.create_connection((u.hostname, u.port or 80), timeout=5)
            path = (u.path or "/") + ("?" + u.query if u.query else "")
            kept = [l for l in lines[1:] if not l.lower().startswith("proxy-authorization:")]
            s.sendall(("\r\n".join([f"{method} {path} {version}"] + kept) + "\r\n\r\n").encode("latin-1") + rest)
        with s:
            pump(c, s)
    except OSError:
        pass
    finally:
        c.close()


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", PORT))
ls.listen(16)
open(LOG + ".tmp", "w").close()
os.rename(LOG + ".tmp", LOG)
while True:
    conn, _ = ls.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
