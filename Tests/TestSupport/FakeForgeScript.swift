// The loopback fake forge used by ForgeTests, embedded so SwiftPM needs no resource declaration.
// Written to a temporary file and run with python3 (stdlib only) by `FakeForge`.

public let fakeForgeScript = #"""
#!/usr/bin/env python3
"""Loopback fake of the GitLab v4 merge-request API and the GitHub REST pulls/issues API + GraphQL auto-merge
(fake_forge_github.py), and with --repo of their repository endpoints (fake_forge_git*.py).

Keeps state, records every API request, checks method/path/query/headers/JSON bodies, and plays scripted faults.
Control endpoints (not recorded) live under /__control/. Listens on 127.0.0.1 only; prints "PORT <n>" when ready.
"""
import argparse, json, re, ssl, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from fake_forge_github import GitHubAPI  # the GitHub half of the handler, beside this script

LOCK = threading.RLock()
STATE = {}
REQUESTS = []
FAULTS = []
ARGS = None
REPO = None  # with --repo: (fake_forge_git, fake_forge_gitlab_repo, fake_forge_github_repo), the repository emulator


def reset_state(cfg=None):
    cfg = cfg or {}
    STATE.clear()
    STATE["gitlab_projects"] = {p: {"id": 100 + i, "mrs": [], "next_iid": 1}
                                for i, p in enumerate(cfg.get("gitlab_projects", ["group/sub/config"]))}
    STATE["gitlab_users"] = cfg.get("gitlab_users", {"alice": 11, "bob": 12, "carol": 13})
    STATE["github_repos"] = {r: {"prs": [], "next": 1, "allow_auto_merge": True}
                             for r in cfg.get("github_repos", ["octo/config"])}
    for r, v in cfg.get("github_repo_settings", {}).items():
        STATE["github_repos"].setdefault(r, {"prs": [], "next": 1, "allow_auto_merge": True}).update(v)
    for name in (REPO[0].REPOS if REPO else {}):  # every emulated repository is a project and a repository
        STATE["gitlab_projects"].setdefault(name, {"id": 100 + len(STATE["gitlab_projects"]), "mrs": [], "next_iid": 1})
        STATE["github_repos"].setdefault(name, {"prs": [], "next": 1, "allow_auto_merge": True})
    STATE["github_users"] = set(cfg.get("github_users", ["alice", "bob", "carol", "imagebump-bot"]))
    STATE["next_id"] = 5000
    # a hostile server: every MR/PR answer carries this web URL (a test of what imagebump does with it)
    STATE["web_url"] = cfg.get("web_url")
    # how lists are paged (`paginate`): "offset" or "keyset"
    STATE["pagination"] = cfg.get("pagination", "offset")
    del REQUESTS[:]
    del FAULTS[:]
    if REPO:
        REPO[0].reset(cfg)


GITLAB_CREATE_KEYS = {"source_branch": str, "target_branch": str, "title": str, "description": str,
                      "labels": (str, list), "assignee_ids": list, "assignee_id": int, "reviewer_ids": list,
                      "remove_source_branch": bool, "squash": bool, "target_project_id": int, "milestone_id": int,
                      "allow_collaboration": bool}
GITLAB_UPDATE_KEYS = {"title": str, "description": str, "target_branch": str, "labels": (str, list),
                      "add_labels": (str, list), "remove_labels": (str, list), "assignee_ids": list,
                      "assignee_id": int, "reviewer_ids": list, "remove_source_branch": bool, "squash": bool,
                      "state_event": str, "discussion_locked": bool, "milestone_id": int}
GITLAB_MERGE_KEYS = {"merge_when_pipeline_succeeds": bool, "auto_merge": bool, "sha": str, "squash": bool,
                     "should_remove_source_branch": bool, "merge_commit_message": str, "squash_commit_message": str}



def check_keys(body, allowed, required, violations):
    if not isinstance(body, dict):
        violations.append("body is not a JSON object")
        return
    for k, v in body.items():
        if k not in allowed:
            violations.append("unexpected body field %r" % k)
        elif not isinstance(v, allowed[k]) or (allowed[k] is int and isinstance(v, bool)):
            violations.append("body field %r has wrong type %s" % (k, type(v).__name__))
    for k in required:
        if k not in body:
            violations.append("missing body field %r" % k)


def emulated_head(name, branch):
    """(whether `name` is an emulated repository, its branch's head or None)."""
    repo = REPO[0].REPOS.get(name) if REPO else None
    return (repo is not None, repo.head(branch) if repo else None)


def default_branch(name):
    repo = REPO[0].REPOS.get(name) if REPO else None
    return repo.default_branch() if repo else "main"


def split_labels(v):
    if isinstance(v, list):
        return [str(x) for x in v if str(x)]
    return [x.strip() for x in str(v).split(",") if x.strip()]


class Handler(GitHubAPI, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    check_keys = staticmethod(check_keys)  # for the repository emulator's modules

    def log_message(self, fmt, *args):
        pass

    # --- plumbing -------------------------------------------------------------------------------
    def do_GET(self): self.handle_any("GET")
    def do_POST(self): self.handle_any("POST")
    def do_PUT(self): self.handle_any("PUT")
    def do_PATCH(self): self.handle_any("PATCH")
    def do_DELETE(self): self.handle_any("DELETE")

    def send_json(self, status, obj, headers=None):
        if getattr(self, "lost", None):  # the request was served, its answer is replaced (fault action "lose")
            f, self.lost = self.lost, None
            status, obj, headers = f.get("status", 502), f.get("body", {"message": "502 Bad Gateway"}), f.get("headers")
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)

    def paginate(self, items, query, default_size, key, gitlab):
        """One page of a list as the forge serves it: per_page (at most 100), then STATE["pagination"]: "offset"
        (page=N; GitLab adds X-Page, X-Per-Page and X-Next-Page, empty on the last page; both a Link rel="next")
        or "keyset" (GitLab's: only a Link rel="next" whose URL says after which item, absent on the last page)."""
        size = max(1, min(100, int(query.get("per_page", [default_size])[0])))
        base = "%s%s?" % (self.base_url(), self.path.partition("?")[0])
        rest = [(k, v[0]) for k, v in query.items() if k not in ("page", "per_page", "id_after")]
        def link(**extra):
            return '<%s%s>; rel="next"' % (base, urllib.parse.urlencode(rest + [("per_page", size)] + list(extra.items())))
        if STATE["pagination"] == "keyset":
            after = int(query.get("id_after", ["0"])[0])
            page = [i for i in items if i[key] > after][:size]
            more = page and any(i[key] > page[-1][key] for i in items)
            return page, ({"Link": link(id_after=page[-1][key])} if more else {})
        n = max(1, int(query.get("page", ["1"])[0]))
        page = items[(n - 1) * size: n * size]
        more = len(items) > n * size
        headers = {"Link": link(page=n + 1)} if more else {}
        if gitlab:
            headers.update({"X-Page": n, "X-Per-Page": size, "X-Next-Page": n + 1 if more else ""})
        return page, headers

    def base_url(self):
        scheme = "https" if ARGS.tls_cert else "http"
        return "%s://%s" % (scheme, self.headers.get("Host", "127.0.0.1:%d" % ARGS.port))

    def handle_any(self, method):
        self.lost = None
        raw_path, _, raw_query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        if raw_path.startswith("/__control/"):
            return self.control(method, raw_path, raw_body)
        query = urllib.parse.parse_qs(raw_query, keep_blank_values=True)
        body = None
        violations = []
        if raw_body:
            ctype = self.headers.get("Content-Type", "")
            if not ctype.startswith("application/json"):
                violations.append("body sent with Content-Type %r" % ctype)
            try:
                body = json.loads(raw_body.decode())
            except Exception:
                violations.append("body is not JSON")
        elif method in ("POST", "PUT", "PATCH"):
            body = {}
        record = {"method": method, "rawPath": raw_path, "path": urllib.parse.unquote(raw_path),
                  "query": {k: v for k, v in query.items()}, "rawQuery": raw_query,
                  "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
                  "violations": violations, "time": time.time()}
        with LOCK:
            REQUESTS.append(record)
            fault = self.match_fault(method, raw_path, body)
        if fault is not None:
            if self.play_fault(fault, method, raw_path, query, body, record):
                return
        try:
            if ARGS.gitlab_prefix and raw_path.startswith(ARGS.gitlab_prefix + "/"):
                return self.gitlab(method, raw_path[len(ARGS.gitlab_prefix):], query, body, record)
            if raw_path == ARGS.graphql_path:
                return self.github_graphql(method, body, record)
            if raw_path.startswith(ARGS.github_prefix + "/repos/"):
                return self.github(method, raw_path[len(ARGS.github_prefix):], query, body, record)
            violations.append("unknown endpoint %s %s" % (method, raw_path))
            self.send_json(404, {"message": "404 Not Found"})
        except Exception as e:  # report fixture bugs loudly
            violations.append("fixture error: %r" % e)
            self.send_json(500, {"message": "fixture error %r" % e})

    def match_fault(self, method, raw_path, body):
        for f in FAULTS:
            if f.get("times", 1) <= 0:
                continue
            if f.get("method") and f["method"] != method:
                continue
            if f.get("graphql") and not re.search(f["graphql"], str((body or {}).get("query", "") if isinstance(body, dict) else "")):
                continue
            if not re.search(f["path"], urllib.parse.unquote(raw_path)):
                continue
            f["times"] = f.get("times", 1) - 1
            return dict(f)
        return None

    def play_fault(self, f, method, raw_path, query, body, record):
        record["fault"] = f.get("action", f.get("status"))
        action = f.get("action", "status")
        if action == "drop":
            self.close_connection = True
            try:
                import socket
                self.connection.shutdown(socket.SHUT_RDWR)
            except Exception:
                pass
            return True
        if action in ("big", "gzip"):
            # An answer of `size` bytes (spaces: valid JSON around nothing), plain or as one gzip stream (~1000:1).
            size = f.get("size", 0)
            data = b" " * size
            if action == "gzip":
                import zlib
                c = zlib.compressobj(9, zlib.DEFLATED, 31)
                chunk = b" " * (1 << 20)
                data = b"".join([c.compress(chunk) for _ in range(size >> 20)] + [c.flush()])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if action == "gzip":
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                self.wfile.write(data)
            except Exception:
                pass  # the client hung up on it: what a bounded client does
            self.close_connection = True
            return True
        if action == "delay":
            time.sleep(f.get("seconds", 2))
            return False
        if action == "lose":
            # Served as usual (a commit lands), but the client gets this answer instead: a gateway losing it.
            self.lost = f
            return False
        if action == "commit":
            # Someone else commits to the branch just before this request is served: a genuine race.
            REPO[0].other_commit(f)
            return False
        if action == "race":
            # Another runner wins: the MR/PR appears, then this create is refused as a duplicate.
            with LOCK:
                if raw_path.startswith(ARGS.gitlab_prefix + "/"):
                    project = self.gitlab_project_from(raw_path[len(ARGS.gitlab_prefix):])
                    mr = self.gitlab_new_mr(project, {"source_branch": body["source_branch"],
                                                      "target_branch": body["target_branch"],
                                                      "title": "created by another run", "description": ""})
                    self.send_json(409, {"message": ["Another open merge request already exists for this source branch: !%d" % mr["iid"]]})
                else:
                    owner, repo = raw_path[len(ARGS.github_prefix):].split("/")[2:4]
                    self.github_new_pr(owner + "/" + repo, {"title": "created by another run", "body": "",
                                                           "head": body["head"], "base": body["base"]})
                    head = body["head"] if ":" in body["head"] else owner + ":" + body["head"]
                    self.send_json(422, {"message": "Validation Failed", "errors": [
                        {"resource": "PullRequest", "code": "custom",
                         "message": "A pull request already exists for %s." % head}],
                        "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                        "status": "422"})
            return True
        self.send_json(f.get("status", 500), f.get("body", {"message": "fault"}), f.get("headers"))
        return True

    def control(self, method, path, raw_body):
        cfg = json.loads(raw_body.decode()) if raw_body else {}
        with LOCK:
            if path == "/__control/reset":
                reset_state(cfg)
                return self.send_json(200, {"ok": True})
            if path == "/__control/faults":
                FAULTS.append(cfg)
                return self.send_json(200, {"ok": True})
            if path.startswith("/__control/repo/") and REPO and REPO[0].control(self, path, cfg):
                return
            if path == "/__control/requests":
                return self.send_json(200, REQUESTS)
            if path == "/__control/state":
                out = {"gitlab": {k: v["mrs"] for k, v in STATE["gitlab_projects"].items()},
                       "github": {k: v["prs"] for k, v in STATE["github_repos"].items()}}
                return self.send_json(200, out)
            if path == "/__control/seed":
                # an MR/PR someone else opened (a human's), as the API would list it; "copies": that many of it
                for i in range(cfg.pop("copies", 1) - 1):
                    one = dict(cfg, source_branch="%s-%d" % (cfg.get("source_branch", ""), i), head="%s-%d" % (cfg.get("head", ""), i))
                    if "project" in one:
                        self.gitlab_new_mr(one["project"], one)
                    else:
                        self.github_new_pr(one["repo"], one)
                if "project" in cfg:
                    mr = self.gitlab_new_mr(cfg["project"], cfg)
                    return self.send_json(200, self.gitlab_mr_json(cfg["project"], mr))
                pr = self.github_new_pr(cfg["repo"], cfg)
                return self.send_json(200, self.github_pr_json(pr))
        self.send_json(404, {"message": "no such control"})

    # --- GitLab v4 ------------------------------------------------------------------------------
    def gitlab_project_from(self, rest):
        m = re.match(r"^/projects/([^/]+)", rest)
        return urllib.parse.unquote(m.group(1)) if m else None

    def gitlab_web_root(self):
        root = ARGS.gitlab_prefix
        if root.endswith("/api/v4"):
            root = root[: -len("/api/v4")]
        return self.base_url() + root

    def gitlab_user(self, uid):
        for name, i in STATE["gitlab_users"].items():
            if i == uid:
                return {"id": i, "username": name, "name": name.title(), "state": "active"}
        return {"id": uid, "username": "user%d" % uid, "name": "?", "state": "active"}

    def gitlab_new_mr(self, project, body):
        p = STATE["gitlab_projects"][project]
        iid = p["next_iid"]
        p["next_iid"] += 1
        STATE["next_id"] += 1
        mr = {"id": STATE["next_id"], "iid": iid, "project_id": p["id"], "state": "opened",
              "title": body["title"], "description": body.get("description", ""),
              "source_branch": body["source_branch"], "target_branch": body["target_branch"],
              "labels": split_labels(body.get("labels", "")),
              "assignee_ids": list(body.get("assignee_ids", [])), "reviewer_ids": list(body.get("reviewer_ids", [])),
              "squash": body.get("squash", False), "force_remove_source_branch": body.get("remove_source_branch", False),
              "merge_when_pipeline_succeeds": False, "sha": "0" * 40,
              "source_project_id": body.get("source_project_id", p["id"]), "target_project_id": p["id"], "notes": []}
        p["mrs"].append(mr)
        return mr

    def gitlab_mr_json(self, project, mr):
        out = {k: v for k, v in mr.items() if k not in ("assignee_ids", "reviewer_ids", "notes")}
        out["draft"] = mr["title"].startswith("Draft:")
        out["work_in_progress"] = out["draft"]
        out["assignees"] = [self.gitlab_user(i) for i in mr["assignee_ids"]]
        out["assignee"] = out["assignees"][0] if out["assignees"] else None
        out["reviewers"] = [self.gitlab_user(i) for i in mr["reviewer_ids"]]
        out["web_url"] = STATE["web_url"] or "%s/%s/-/merge_requests/%d" % (self.gitlab_web_root(), project, mr["iid"])
        out["detailed_merge_status"] = "mergeable"
        return out

    def gitlab(self, method, rest, query, body, record):
        v = record["violations"]
        h = record["headers"]
        if "authorization" in h:
            v.append("GitLab request carries an Authorization header")
        tok, job = h.get("private-token"), h.get("job-token")
        if not ((tok is not None and tok == ARGS.token) or (job is not None and job == ARGS.job_token)):
            return self.send_json(401, {"message": "401 Unauthorized"})
        if REPO and "/repository/" in rest and REPO[1].handle(self, method, rest, query, body, record, STATE):
            return
        if rest == "/users":
            if method != "GET":
                v.append("users endpoint called with %s" % method)
            names = query.get("username", [])
            if len(names) != 1:
                v.append("users lookup without exactly one username")
                return self.send_json(200, [])
            name = names[0]
            uid = STATE["gitlab_users"].get(name)
            return self.send_json(200, [] if uid is None else [self.gitlab_user(uid)])
        pm = re.match(r"^/projects/([^/]+)$", rest)
        if pm and method == "GET":
            p = STATE["gitlab_projects"].get(urllib.parse.unquote(pm.group(1)))
            if p is None:
                return self.send_json(404, {"message": "404 Project Not Found"})
            return self.send_json(200, {"id": p["id"], "path_with_namespace": urllib.parse.unquote(pm.group(1)),
                                        "default_branch": default_branch(urllib.parse.unquote(pm.group(1))),
                                        "permissions": {"project_access": {"access_level": p.get("access_level", 40)},
                                                        "group_access": None}})
        m = re.match(r"^/projects/([^/]+)/merge_requests(?:/(\d+)(/merge|/notes)?)?$", rest)
        if not m:
            v.append("unknown GitLab endpoint %s" % rest)
            return self.send_json(404, {"message": "404 Not Found"})
        if "%2F" not in m.group(1).upper() and "/" in urllib.parse.unquote(m.group(1)):
            v.append("project id not URL-encoded")
        project = urllib.parse.unquote(m.group(1))
        with LOCK:
            p = STATE["gitlab_projects"].get(project)
            if p is None:
                return self.send_json(404, {"message": "404 Project Not Found"})
            iid = int(m.group(2)) if m.group(2) else None
            if iid is None and method == "GET":
                if query.get("state") != ["opened"]:
                    v.append("list without state=opened")
                if "source_branch" not in query and "target_branch" not in query:
                    v.append("list without source_branch or target_branch")
                mrs = [mr for mr in p["mrs"] if mr["state"] == "opened"
                       and all(mr[k] == query[k][0] for k in ("source_branch", "target_branch") if k in query)]
                page, headers = self.paginate(mrs, query, 20, "iid", gitlab=True)
                return self.send_json(200, [self.gitlab_mr_json(project, mr) for mr in page], headers)
            if iid is None and method == "POST":
                check_keys(body, GITLAB_CREATE_KEYS, ["source_branch", "target_branch", "title"], v)
                if v:
                    return self.send_json(400, {"message": v})
                for mr in p["mrs"]:
                    if mr["state"] == "opened" and mr["source_branch"] == body["source_branch"] \
                            and mr["target_branch"] == body["target_branch"]:
                        return self.send_json(409, {"message": ["Another open merge request already exists for this source branch: !%d" % mr["iid"]]})
                for i in body.get("assignee_ids", []) + body.get("reviewer_ids", []):
                    if not isinstance(i, int):
                        v.append("user ids must be integers")
                emulated, sha = emulated_head(project, body["source_branch"])
                if emulated and sha is None:
                    v.append("merge request from branch %r, which the repository does not have" % body["source_branch"])
                mr = self.gitlab_new_mr(project, body)
                mr["sha"] = sha or mr["sha"]
                return self.send_json(201, self.gitlab_mr_json(project, mr))
            mr = next((x for x in p["mrs"] if x["iid"] == iid), None)
            if mr is None:
                return self.send_json(404, {"message": "404 Not found"})
            if m.group(3) == "/notes" and method == "POST":
                check_keys(body, {"body": str}, ["body"], v)
                mr["notes"].append(body.get("body", ""))
                return self.send_json(201, {"id": len(mr["notes"]), "body": body.get("body", "")})
            if m.group(3) == "/merge" and method == "PUT":
                check_keys(body, GITLAB_MERGE_KEYS, [], v)
                if not (body.get("merge_when_pipeline_succeeds") or body.get("auto_merge")):
                    v.append("merge call without merge_when_pipeline_succeeds/auto_merge")
                if v:
                    return self.send_json(400, {"message": v})
                mr["merge_when_pipeline_succeeds"] = True
                return self.send_json(200, self.gitlab_mr_json(project, mr))
            if method == "PUT" and not m.group(3):
                check_keys(body, GITLAB_UPDATE_KEYS, [], v)
                if not body:
                    v.append("empty update")
                if v:
                    return self.send_json(400, {"message": v})
                for k in ("title", "description", "target_branch", "squash"):
                    if k in body:
                        mr[k] = body[k]
                if "state_event" in body:
                    if body["state_event"] not in ("close", "reopen"):
                        v.append("state_event %r" % body["state_event"])
                    mr["state"] = "closed" if body["state_event"] == "close" else "opened"
                if "remove_source_branch" in body:
                    mr["force_remove_source_branch"] = body["remove_source_branch"]
                if "labels" in body:
                    mr["labels"] = split_labels(body["labels"])
                for l in split_labels(body.get("add_labels", "")):
                    if l not in mr["labels"]:
                        mr["labels"].append(l)
                if "assignee_ids" in body:
                    mr["assignee_ids"] = list(body["assignee_ids"])
                if "reviewer_ids" in body:
                    mr["reviewer_ids"] = list(body["reviewer_ids"])
                return self.send_json(200, self.gitlab_mr_json(project, mr))
            if method == "GET":
                return self.send_json(200, self.gitlab_mr_json(project, mr))
        v.append("unsupported %s %s" % (method, rest))
        return self.send_json(405, {"message": "405 Method Not Allowed"})


def main():
    global ARGS, REPO
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", required=True)
    ap.add_argument("--job-token", default="job-token-not-set")
    ap.add_argument("--gitlab-prefix", default="/api/v4")
    ap.add_argument("--github-prefix", default="")
    ap.add_argument("--graphql-path", default="/graphql")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--repo", action="append", help="NAME=BARE_REPO_PATH: serve its repository endpoints")
    ARGS = ap.parse_args()
    if not ARGS.bind.startswith("127."):
        sys.exit("the fake forge binds loopback only")
    if ARGS.repo:
        import fake_forge_git, fake_forge_gitlab_repo, fake_forge_github_repo
        fake_forge_git.setup(ARGS.repo)
        fake_forge_github_repo.ARGS = ARGS
        REPO = (fake_forge_git, fake_forge_gitlab_repo, fake_forge_github_repo)
    reset_state()
    server = ThreadingHTTPServer((ARGS.bind, ARGS.port), Handler)
    server.daemon_threads = True
    if ARGS.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    ARGS.port = server.server_address[1]
    print("PORT %d" % ARGS.port, flush=True)
    # Stop when the parent (the test process) closes our stdin.
    threading.Thread(target=lambda: (sys.stdin.read(), server.shutdown()), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
"""#
