#!/usr/bin/env python3
"""Test fixture: an HTTP proxy on 127.0.0.1 (CONNECT tunnels and absolute-form forwarding) that records what it saw.

Prints "PORT <n>" on stdout once listening. Usage: recording_proxy.py --log FILE
Each request it receives adds one line to FILE: "<request line> auth=<yes|no>" (whether it carried an
Authorization header; a CONNECT tunnel's contents are TLS and never seen). Only loopback targets (127.0.0.0/8,
localhost) are served; anything else gets 403 and is logged as "REFUSED <target>", so a test can never reach
another address through it. Stops by itself after --max-seconds (default 120).
"""
import argparse
import socket
import threading
import time

ARGS = None
LOCK = threading.Lock()


def log(line):
    with LOCK, open(ARGS.log, "a") as f:
        f.write(line + "\n")


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


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
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
                    upstream.sendall(f.read(len(buffered)))
                pipe(conn, upstream)
                t.join()
                return
            body = read_body(f, headers)
            rest = [h for h in head[1:] if h.split(":", 1)[0].strip().lower() not in ("connection", "proxy-connection")]
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
