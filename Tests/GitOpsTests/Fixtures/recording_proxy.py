#!/usr/bin/env python3
"""Test fixture: an HTTP proxy on 127.0.0.1 (CONNECT tunnels and absolute-form forwarding) that records what it saw.

Prints "PORT <n>" on stdout once listening. Usage: recording_proxy.py --log FILE [--record-heads FILE]
[--record-tunnel FILE]
Each request it receives adds one line to FILE: "<request line> auth=<yes|no>" (whether it carried an
Authorization header; a CONNECT tunnel's contents are not looked into). Only loopback targets (127.0.0.0/8,
localhost) are served; anything else gets 403 and is logged as "REFUSED <target>", so a test can never reach
another address through it. Stops by itself after --max-seconds (default 120).
FIXTURE_PROXY_AUTH=user:password (from the environment, never argv): every request must carry
"Proxy-Authorization: Basic base64(user:password)", else it gets 407 (Proxy-Authenticate: Basic) and the
connection is closed; the log line then ends with " proxy-auth=<ok|wrong|none>".
--record-heads: every request head the proxy reads (its own requests, not a tunnel's), verbatim.
--record-tunnel: every byte a client sends into a tunnel (what the origin gets through it).
"""
import base64
import os
import argparse
import socket
import threading
import time

ARGS = None
LOCK = threading.Lock()
REQUIRED = os.environ.get("FIXTURE_PROXY_AUTH")


def log(line):
    with LOCK, open(ARGS.log, "a") as f:
        f.write(line + "\n")


def record(path, data):
    if path:
        with LOCK, open(path, "ab") as f:
            f.write(data)


def proxy_auth(headers):
    """ "ok", "wrong" or "none" for the request's Proxy-Authorization against FIXTURE_PROXY_AUTH."""
    given = headers.get("proxy-authorization")
    if given is None:
        return "none"
    expected = "Basic " + base64.b64encode(REQUIRED.encode()).decode()
    return "ok" if given == expected else "wrong"


def loopback(host):
    return host == "localhost" or host.startswith("127.")


def read_head(f):
    lines = []
    while True:
        line = f.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            return lines
        lines.append(line.decode("latin-1").rstrip("\r\n"))


def read_body(f, headers):
    if headers.get("transfer-encoding", "").lower() == "chunked":
        out = b""
        while True:
            size_line = f.readline()
            out += size_line
            size = int(size_line.strip().split(b";")[0], 16)
            out += f.read(size) + f.readline()
            if size == 0:
                return out
    n = int(headers.get("content-length", "0") or "0")
    return f.read(n) if n else b""


def pipe(a, b, recording=None):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            record(recording, data)
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def split_host_port(authority, default):
    host, _, port = authority.rpartition(":") if authority.count(":") == 1 else (authority, "", "")
    return (host or authority), int(port or default)


def serve(conn):
    f = conn.makefile("rb")
    try:
        while True:
            head = read_head(f)
            if not head:
                return
            method, target, _ = head[0].split(" ", 2)
            headers = {h.split(":", 1)[0].strip().lower(): h.split(":", 1)[1].strip() for h in head[1:] if ":" in h}
            auth = "yes" if "authorization" in headers else "no"
            record(ARGS.record_heads, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
            if REQUIRED is not None:
                verdict = proxy_auth(headers)
                auth += " proxy-auth=" + verdict
                if verdict != "ok":
                    log("%s auth=%s" % (head[0], auth))
                    conn.sendall(b'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n'
                                 b"Content-Length: 0\r\nConnection: close\r\n\r\n")
                    return
            if method == "CONNECT":
                host, port = split_host_port(target, 443)
            elif target.startswith("http://"):
                authority, _, path = target[len("http://"):].partition("/")
                host, port = split_host_port(authority.rpartition("@")[2], 80)
                path = "/" + path
            else:
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                return
            if not loopback(host):
                log("REFUSED %s" % target)
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            log("%s auth=%s" % (head[0], auth))
            upstream = socket.create_connection((host, port), timeout=30)
            if method == "CONNECT":
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                t = threading.Thread(target=pipe, args=(upstream, conn), daemon=True)
                t.start()
                buffered = f.peek(65536) if hasattr(f, "peek") else b""
                if buffered:
                    data = f.read(len(buffered))
                    record(ARGS.record_tunnel, data)
                    upstream.sendall(data)
                pipe(conn, upstream, ARGS.record_tunnel)
                t.join()
                return
            body = read_body(f, headers)
            rest = [h for h in head[1:]
                    if h.split(":", 1)[0].strip().lower() not in ("connection", "proxy-connection", "proxy-authorization")]
            request = "\r\n".join(["%s %s HTTP/1.1" % (method, path)] + rest + ["Connection: close", "", ""])
            upstream.sendall(request.encode("latin-1") + body)
            while True:  # the answer, as it comes, until the origin closes
                data = upstream.recv(65536)
                if not data:
                    break
                conn.sendall(data)
            upstream.close()
    except (OSError, ValueError):
        pass
    finally:
        conn.close()


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--max-seconds", type=float, default=120)
    ap.add_argument("--record-heads")
    ap.add_argument("--record-tunnel")
    ARGS = ap.parse_args()
    open(ARGS.log, "a").close()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    print("PORT %d" % srv.getsockname()[1], flush=True)
    deadline = time.monotonic() + ARGS.max_seconds
    while time.monotonic() < deadline:
        srv.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            break
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
