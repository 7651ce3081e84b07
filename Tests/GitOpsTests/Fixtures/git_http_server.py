#!/usr/bin/env python3
"""Test fixture: `git http-backend` (smart HTTP) behind a tiny HTTP/1.1 server with Basic auth, optional TLS.

Loopback only. Prints "PORT <n>" on stdout once listening (port 0 = a random free port chosen by the kernel).

Usage: git_http_server.py --root DIR [--port 0] [--bind 127.0.0.1] [--cert CERT --key KEY]
       [--hang-on-receive-pack MARKER] [--redirect-to BASE] [--record-auth FILE]
Credentials come from the environment (never argv): FIXTURE_USER / FIXTURE_PASSWORD; when FIXTURE_PASSWORD is
unset, no authentication is required (receive-pack is still enabled).
--hang-on-receive-pack: on the first POST to git-receive-pack, read the request, create MARKER, then hang
(the test kills the server to simulate a server gone mid-push, or lets the client time out).
--redirect-to: answer every request with 302 to BASE + the request path (a redirecting front, no git behind it).
--record-auth: append one line per request to FILE: "AUTH <Authorization header>" or "NOAUTH".
"""
import argparse
import http.server
import os
import base64
import socketserver
import ssl
import subprocess
import sys
import threading
import time

ARGS = None
USER = os.environ.get("FIXTURE_USER", "")
PASSWORD = os.environ.get("FIXTURE_PASSWORD")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # keep test output quiet
        if os.environ.get("FIXTURE_VERBOSE"):
            sys.stderr.write("fixture: " + (fmt % args) + "\n")

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                line = self.rfile.readline()
                size = int(line.strip().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(n) if n > 0 else b""

    def authorized(self):
        if PASSWORD is None:
            return True
        h = self.headers.get("Authorization", "")
        if not h.startswith("Basic "):
            return False
        try:
            user, _, pw = base64.b64decode(h[6:]).decode().partition(":")
        except Exception:
            return False
        return pw == PASSWORD and (not USER or user == USER)

    def simple(self, code, text, extra=None):
        body = text.encode()
        self.send_response(code)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.handle_git(b"")

    def do_POST(self):
        self.handle_git(self.read_body())

    def handle_git(self, body):
        if ARGS.record_auth:
            with open(ARGS.record_auth, "a") as f:
                h = self.headers.get("Authorization")
                f.write(("AUTH " + h if h else "NOAUTH") + " " + self.command + " " + self.path + "\n")
        if ARGS.redirect_to:
            self.simple(302, "moved\n", {"Location": ARGS.redirect_to + self.path})
            return
        if not self.authorized():
            self.simple(401, "authentication required\n", {"WWW-Authenticate": 'Basic realm="fixture"'})
            return
        path, _, query = self.path.partition("?")
        if ARGS.hang_on_receive_pack and self.command == "POST" and path.endswith("/git-receive-pack"):
            with open(ARGS.hang_on_receive_pack, "w") as f:
                f.write("hung\n")
            while True:
                time.sleep(1)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": ARGS.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": USER or "anonymous",
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "GATEWAY_INTERFACE": "CGI/1.1",
            "HOME": ARGS.root,
        }
        for h in ("Git-Protocol", "Content-Encoding", "Accept-Encoding"):
            if self.headers.get(h):
                env["HTTP_" + h.upper().replace("-", "_")] = self.headers.get(h)
        proc = subprocess.Popen(["git", "http-backend"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        writer = threading.Thread(target=lambda: (proc.stdin.write(body), proc.stdin.close()))
        writer.start()
        out = proc.stdout
        status = 200
        reason = "OK"
        headers = []
        while True:
            line = out.readline()
            if not line or line in (b"\r\n", b"\n"):
                break
            k, _, v = line.decode("latin-1").rstrip("\r\n").partition(":")
            v = v.strip()
            if k.lower() == "status":
                code, _, reason = v.partition(" ")
                status = int(code)
            else:
                headers.append((k, v))
        self.send_response(status, reason or None)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while True:
            chunk = out.read1(65536) if hasattr(out, "read1") else out.read(65536)
            if not chunk:
                break
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        writer.join()
        proc.wait()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--root", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--hang-on-receive-pack")
    p.add_argument("--redirect-to")
    p.add_argument("--record-auth")
    ARGS = p.parse_args()
    if not (ARGS.bind.startswith("127.") or ARGS.bind in ("localhost", "::1")):
        sys.exit("fixture binds loopback only")
    srv = Server((ARGS.bind, ARGS.port), Handler)
    if ARGS.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
