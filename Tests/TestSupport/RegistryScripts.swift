// Python fixtures of the registry tests, embedded so SwiftPM needs no resource declaration; written to a temporary
// file and run with python3 (stdlib only, plus the openssl CLI) by `LocalRegistry`.

/// Writes an OCI image layout: `oci_layout.py DIR TAG [--index]` makes one small image (or an index of two
/// platforms) whose bytes depend on TAG, and prints its top-level digest.
public let ociLayoutScript = #"""
import gzip, hashlib, io, json, os, sys, tarfile
out, tag, index = sys.argv[1], sys.argv[2], "--index" in sys.argv
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, d), "wb") as f: f.write(data)
    return "sha256:" + d, len(data)
def image(arch):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as t:
        body = ("%s %s\n" % (tag, arch)).encode()
        info = tarfile.TarInfo("version.txt"); info.size = len(body); info.mtime = 0
        t.addfile(info, io.BytesIO(body))
    tar = raw.getvalue()
    layer, lsize = put(gzip.compress(tar, mtime=0))
    config, csize = put(json.dumps({"architecture": arch, "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tar).hexdigest()]}}).encode())
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": csize},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer, "size": lsize}]}).encode()
    d, size = put(manifest)
    return {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": d, "size": size,
            "platform": {"architecture": arch, "os": "linux"}}
if index:
    children = [image("amd64"), image("arm64")]
    d, size = put(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                              "manifests": children}).encode())
    top = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": d, "size": size}
    print(d, " ".join(c["digest"] for c in children))
else:
    top = image("amd64"); top.pop("platform")
    print(top["digest"])
top["annotations"] = {"org.opencontainers.image.ref.name": tag}
with open(os.path.join(out, "index.json"), "w") as f: json.dump({"schemaVersion": 2, "manifests": [top]}, f)
with open(os.path.join(out, "oci-layout"), "w") as f: json.dump({"imageLayoutVersion": "1.0.0"}, f)
"""#

/// distribution's token server, the least of it: `GET /token?service&scope` → an RS256 JWT whose header carries
/// the signing certificate (`x5c`), granting what the scopes ask to a user of `--user`, pull only to anonymous.
/// Every request's Authorization header is appended to `--log` (the tests check who was sent what).
public let tokenServerScript = #"""
import argparse, base64, json, ssl, subprocess, threading, time, urllib.parse, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
ap = argparse.ArgumentParser()
for a in ("--host", "--cert", "--key", "--sign-key", "--sign-cert", "--issuer", "--service", "--log"): ap.add_argument(a)
ap.add_argument("--user", action="append", default=[])
ap.add_argument("--field", default="token")
args = ap.parse_args()
users = dict(u.split(":", 1) for u in args.user)
der = subprocess.run(["openssl", "x509", "-in", args.sign_cert, "-outform", "DER"], capture_output=True, check=True).stdout
lock = threading.Lock()
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        auth = self.headers.get("Authorization", "")
        with lock, open(args.log, "a") as f: f.write(json.dumps({"path": self.path, "authorization": auth}) + "\n")
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        user = None
        if auth.startswith("Basic "):
            name, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            if users.get(name) != pw:
                return self.answer(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})
            user = name
        access = []
        for scope in q.get("scope", []):
            kind, name, actions = scope.split(":", 2)
            granted = actions.split(",") if user else [a for a in actions.split(",") if a == "pull"]
            access.append({"type": kind, "name": name, "actions": granted})
        now = int(time.time())
        header = b64(json.dumps({"typ": "JWT", "alg": "RS256", "x5c": [base64.b64encode(der).decode()]}).encode())
        claims = b64(json.dumps({"iss": args.issuer, "sub": user or "", "aud": args.service, "exp": now + 600,
                                 "nbf": now - 30, "iat": now, "jti": uuid.uuid4().hex, "access": access}).encode())
        signed = (header + "." + claims).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.sign_key], input=signed, capture_output=True, check=True).stdout
        token = header + "." + claims + "." + b64(sig)
        body = {"expires_in": 600}
        if args.field in ("token", "both"): body["token"] = token
        if args.field in ("access_token", "both"): body["access_token"] = token
        self.answer(200, body)
    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status); self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
srv = ThreadingHTTPServer((args.host, 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(args.cert, args.key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("PORT %d" % srv.server_address[1], flush=True)
srv.serve_forever()
"""#

/// A registry that misbehaves on purpose (the real one cannot): `--tags a,b,…` paged `--page N` at a time through
/// `Link` (n/last honoured), `--throttle N` answers 429 (Retry-After: 0) to the first N requests, `--bad-digest`
/// names a wrong Docker-Content-Digest (`--digest-header` names that one), `--challenge` answers 401 with that `WWW-Authenticate` to a request without
/// a Bearer token (any token passes), `--refuse-tags` answers the tag list 403, `--echo-auth` quotes the request's
/// Authorization header in its error messages. Manifests are answered only to an Accept naming all four types, as
/// distribution does for an index. Each request's path is appended to `--log`.
public let fakeRegistryScript = #"""
import argparse, hashlib, json, ssl, threading, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
ap = argparse.ArgumentParser()
for a in ("--cert", "--key", "--log", "--tags"): ap.add_argument(a)
ap.add_argument("--page", type=int, default=0)
ap.add_argument("--throttle", type=int, default=0)
ap.add_argument("--bad-digest", action="store_true")
ap.add_argument("--digest-header", default="")
ap.add_argument("--link-elsewhere", action="store_true")
ap.add_argument("--challenge", default="")
ap.add_argument("--echo-auth", action="store_true")
ap.add_argument("--refuse-tags", action="store_true")
args = ap.parse_args()
tags = args.tags.split(",")
state = {"throttled": 0}
lock = threading.Lock()
TYPES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
         "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"]
class H(BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_HEAD(self): self.handle_any(False)
    def do_GET(self): self.handle_any(True)
    def handle_any(self, body):
        with lock:
            with open(args.log, "a") as f: f.write(self.command + " " + self.path + "\n")
            if state["throttled"] < args.throttle:
                state["throttled"] += 1
                return self.answer(429, b'{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}', body, [("Retry-After", "0")])
        if args.challenge and not self.headers.get("Authorization", "").startswith("Bearer "):
            return self.answer(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}', body,
                               [("WWW-Authenticate", args.challenge)])
        url = urllib.parse.urlparse(self.path)
        parts = url.path.split("/")
        if url.path.endswith("/tags/list") and args.refuse_tags:
            return self.answer(403, self.error("DENIED", "requested access to the resource is denied"), body)
        if url.path.endswith("/tags/list"):
            q = urllib.parse.parse_qs(url.query)
            rest = tags
            if "last" in q: rest = tags[tags.index(q["last"][0]) + 1:]
            n = args.page or len(rest)
            page, headers = rest[:n], []
            if len(rest) > n:
                origin = "https://127.0.0.2:1" if args.link_elsewhere else ""
                headers.append(("Link", '<%s%s?n=%d&last=%s>; rel="next"' % (origin, url.path, n, page[-1])))
            return self.answer(200, json.dumps({"name": "/".join(parts[2:-2]), "tags": page}).encode(), body, headers)
        if len(parts) > 3 and parts[-2] == "manifests":
            accept = self.headers.get("Accept", "")
            if parts[-1] not in tags or not all(t in accept for t in TYPES):
                return self.answer(404, self.error("MANIFEST_UNKNOWN", "manifest unknown"), body)
            data = json.dumps({"schemaVersion": 2, "mediaType": TYPES[2], "tag": parts[-1]}).encode()
            digest = args.digest_header or "sha256:" + hashlib.sha256(b"other" if args.bad_digest else data).hexdigest()
            return self.answer(200, data, body, [("Docker-Content-Digest", digest), ("Content-Type", TYPES[2])])
        self.answer(404, b'{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}', body)
    def error(self, code, message):
        auth = self.headers.get("Authorization", "")
        if args.echo_auth and auth:  # a registry that quotes what it was sent (as some proxies and registries do)
            message += " (Authorization: %s)" % auth
        return json.dumps({"errors": [{"code": code, "message": message}]}).encode()
    def answer(self, status, data, body, headers=()):
        self.send_response(status)
        for k, v in headers: self.send_header(k, v)
        self.send_header("Content-Length", str(len(data))); self.end_headers()
        if body: self.wfile.write(data)
srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(args.cert, args.key)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("PORT %d" % srv.server_address[1], flush=True)
srv.serve_forever()
"""#
