// GitLab v4's repository endpoints of the fake forge (issue 19.3), over fake_forge_git.py's bare repos. Written beside
// fake_forge.py as fake_forge_gitlab_repo.py.

public let fakeForgeGitLabRepoScript = #"""
"""GitLab v4 repository files, tree (offset and keyset pages), branches, and commits with actions.

What GitLab does, from its API docs and services: `last_commit_id` is checked per file against the start branch
(Files::BaseService#file_has_changed?: the file's last commit on the branch differs from its last commit as of the
given id → 400 "The file has changed since you started editing it: PATH"); a branch that moved while the file did not
takes the commit on its new head; `start_branch` makes a new branch (an existing one is refused unless `force`).
A race with another commit between the checks and the ref update is checked again and retried here (Gitaly's exact
answer to it is not documented); "404 Commit Not Found" for a missing ref is the emulator's wording.
"""
import base64, hashlib, json, re, urllib.parse
import fake_forge_git as G

ROUTE = re.compile(r"^/projects/([^/]+)/repository/(?:files/([^?]+?)(/raw)?|(tree)|branches/([^?]+)|(commits)(?:/([^/?]+))?)$")
COMMIT_KEYS = {"branch": str, "commit_message": str, "start_branch": str, "start_sha": str, "start_project": (int, str),
               "actions": list, "author_email": str, "author_name": str, "stats": bool, "force": bool}
ACTION_KEYS = {"action": str, "file_path": str, "previous_path": str, "content": str, "encoding": str,
               "last_commit_id": str, "execute_filemode": bool}
BOT = ("Imagebump Bot", "imagebump-bot@noreply.gitlab.invalid")


def project_repo(h, pid, state):
    name = urllib.parse.unquote(pid)
    if name.isdigit():
        name = next((p for p, v in state["gitlab_projects"].items() if str(v["id"]) == name), name)
    return name, G.REPOS.get(name)


def commit_json(h, project, repo, sha, stats=None):
    c = repo.commit_info(sha)
    title = c["message"].split("\n", 1)[0]
    out = {"id": sha, "short_id": sha[:8], "created_at": c["committed_date"], "parent_ids": c["parents"],
           "title": title, "message": c["message"], "author_name": c["author_name"], "author_email": c["author_email"],
           "authored_date": c["authored_date"], "committer_name": c["committer_name"],
           "committer_email": c["committer_email"], "committed_date": c["committed_date"], "trailers": {},
           "extended_trailers": {}, "web_url": "%s/%s/-/commit/%s" % (h.gitlab_web_root(), project, sha)}
    if stats is not None:
        out.update({"stats": stats, "status": None, "last_pipeline": None})
    return out


def handle(h, method, rest, query, body, record, state):
    """Serves /projects/:id/repository/… when the project has a bare repo; False leaves the request to the caller."""
    m = ROUTE.match(rest)
    if not m:
        return False
    project, repo = project_repo(h, m.group(1), state)
    if repo is None:
        return False
    v = record["violations"]
    if "%2F" not in m.group(1).upper() and "/" in urllib.parse.unquote(m.group(1)):
        v.append("project id not URL-encoded")
    if m.group(2) is not None and method == "GET":
        if "/" in m.group(2):
            v.append("file path not URL-encoded: %s" % m.group(2))
        return get_file(h, repo, urllib.parse.unquote(m.group(2)), query, record, m.group(3) is not None)
    if m.group(4) and method == "GET":
        return get_tree(h, repo, query, record)
    if m.group(5) is not None and method == "GET":
        if "/" in m.group(5):
            v.append("branch name not URL-encoded: %s" % m.group(5))
        branch = urllib.parse.unquote(m.group(5))
        sha = repo.head(branch)
        if not sha:
            return h.send_json(404, {"message": "404 Branch Not Found"}) or True
        return h.send_json(200, {"name": branch, "commit": commit_json(h, project, repo, sha), "merged": False,
                                 "protected": branch == repo.default_branch(), "developers_can_push": False,
                                 "developers_can_merge": False, "can_push": True,
                                 "default": branch == repo.default_branch(),
                                 "web_url": "%s/%s/-/tree/%s" % (h.gitlab_web_root(), project, branch)}) or True
    if m.group(5) is not None and method == "DELETE":
        ref = "refs/heads/" + urllib.parse.unquote(m.group(5))
        cur = repo.refs(ref).get(ref)
        if cur is None or not repo.delete_ref(ref, cur):
            h.send_json(404, {"message": "404 Branch Not Found"})
            return True
        h.send_response(204)
        h.send_header("Content-Length", "0")
        h.end_headers()
        return True
    if m.group(7) and method == "GET":
        sha = repo.resolve(urllib.parse.unquote(m.group(7)))
        if sha is None:
            h.send_json(404, {"message": "404 Commit Not Found"})
            return True
        h.send_json(200, commit_json(h, project, repo, sha, repo.numstat((repo.commit_info(sha)["parents"] or [None])[0], sha)))
        return True
    if m.group(6) and not m.group(7) and method == "POST":
        return create_commit(h, project, repo, body, record)
    v.append("unsupported %s %s" % (method, rest))
    h.send_json(405, {"message": "405 Method Not Allowed"})
    return True


def get_file(h, repo, path, query, record, raw):
    ref = query.get("ref", [None])[0]
    if not ref:
        h.send_json(400, {"error": "ref is missing"})
        return True
    commit = repo.resolve(ref)
    if commit is None:
        h.send_json(404, {"message": "404 Commit Not Found"})
        return True
    e = repo.entry(commit, path)
    if e is None or e.type != "blob":
        h.send_json(404, {"message": "404 File Not Found"})
        return True
    data = repo.blob(e.sha)
    record["servedBlobs"] = [e.sha]
    if raw:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain; charset=utf-8")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)
        return True
    h.send_json(200, {"file_name": e.name, "file_path": path, "size": len(data), "encoding": "base64",
                      "content_sha256": hashlib.sha256(data).hexdigest(), "ref": ref, "blob_id": e.sha,
                      "commit_id": commit, "last_commit_id": repo.last_commit(commit, path),
                      "execute_filemode": e.mode == "100755", "content": G.b64(data)})
    return True


def get_tree(h, repo, query, record):
    q = lambda k, d=None: query.get(k, [d])[0]
    ref = q("ref") or repo.default_branch()
    commit = repo.resolve(ref)
    if commit is None:
        h.send_json(404, {"message": "404 Tree Not Found"})
        return True
    path = (q("path") or "").strip("/")
    e = repo.entry(commit, path)
    if e is None or e.type != "tree":
        h.send_json(404, {"message": "404 invalid revision or path Not Found"})
        return True
    items = [{"id": x.sha, "name": x.name, "type": x.type, "path": x.path, "mode": x.mode}
             for x in repo.list(e.sha, path, q("recursive") in ("true", "1"))]
    size = max(1, min(100, int(q("per_page", "20"))))
    base = "%s%s?" % (h.base_url(), h.path.partition("?")[0])
    keep = [(k, vs[0]) for k, vs in query.items() if k not in ("page", "per_page", "page_token")]
    if q("pagination") == "keyset":
        start = 0
        if q("page_token"):
            try:
                after = json.loads(base64.b64decode(q("page_token")))["file_name"]
                start = next(i for i, x in enumerate(items) if x["path"] == after) + 1
            except Exception:
                h.send_json(400, {"message": "400 Bad request - could not find starting page token"})
                return True
        page = items[start:start + size]
        headers = {}
        if start + size < len(items):
            token = base64.b64encode(json.dumps({"file_name": page[-1]["path"]}, separators=(",", ":")).encode()).decode()
            headers["Link"] = '<%s%s>; rel="next"' % (base, urllib.parse.urlencode(
                keep + [("page", 1), ("page_token", token), ("per_page", size)]))
        h.send_json(200, page, headers)
        return True
    n = max(1, int(q("page", "1")))
    page = items[(n - 1) * size: n * size]
    more = len(items) > n * size
    headers = {"X-Page": n, "X-Per-Page": size, "X-Next-Page": n + 1 if more else "",
               "X-Prev-Page": n - 1 if n > 1 else "", "X-Total": len(items),
               "X-Total-Pages": max(1, -(-len(items) // size))}
    if more:
        headers["Link"] = '<%s%s>; rel="next"' % (base, urllib.parse.urlencode(keep + [("page", n + 1), ("per_page", size)]))
    h.send_json(200, page, headers)
    return True


class Refused(Exception):
    pass


def file_has_changed(repo, start, path, commit_id):
    if not commit_id:
        return False
    on_branch = repo.last_commit(start, path)
    if not on_branch or repo.resolve(commit_id) is None:
        return False
    as_of = repo.last_commit(commit_id, path)
    return bool(as_of) and on_branch != as_of


def changes_for(repo, start, actions):
    """The index changes of `actions` on `start`, checked as GitLab checks them; raises Refused with its message."""
    changes = []
    for a in actions:
        act, path = a.get("action"), a.get("file_path", "")
        if act not in ("create", "delete", "move", "update", "chmod"):
            raise Refused("Unknown action '%s'" % act)
        if act in ("update", "move", "delete"):
            locked = a.get("previous_path") or path
            if start and file_has_changed(repo, start, locked, a.get("last_commit_id")):
                raise Refused("The file has changed since you started editing it: %s" % locked)
        problem = repo.path_problem(start, path) if act in ("create", "move") else None
        if problem:
            raise Refused(problem)
        content = a.get("content")
        data = None
        if content is not None:
            data = base64.b64decode(content) if a.get("encoding") == "base64" else content.encode()
        cur = repo.entry(start, path) if start else None
        if act == "create":
            if cur is not None:
                raise Refused("A file with this name already exists")
            changes.append((path, "100755" if a.get("execute_filemode") else "100644", data or b""))
        elif act in ("update", "chmod", "delete"):
            if cur is None or cur.type != "blob":
                raise Refused("A file with this name doesn't exist")
            if act == "delete":
                changes.append((path, None, None))
                continue
            mode = cur.mode  # update keeps the mode, a link's included; execute_filemode changes it
            if "execute_filemode" in a:
                mode = "100755" if a["execute_filemode"] else "100644"
            changes.append((path, mode, repo.blob(cur.sha) if act == "chmod" or data is None else data))
        else:  # move
            old = repo.entry(start, a.get("previous_path", "")) if start else None
            if old is None or old.type != "blob":
                raise Refused("A file with this name doesn't exist")
            if cur is not None:
                raise Refused("A file with this name already exists")
            changes += [(a["previous_path"], None, None), (path, old.mode, data if data is not None else repo.blob(old.sha))]
    return changes


def create_commit(h, project, repo, body, record):
    v = record["violations"]
    h.check_keys(body, COMMIT_KEYS, ["branch", "commit_message", "actions"], v)
    for a in body.get("actions", []) if isinstance(body, dict) else []:
        h.check_keys(a, ACTION_KEYS, ["action", "file_path"], v)
    if v:
        h.send_json(400, {"message": "; ".join(v)})
        return True
    branch, force = body["branch"], body.get("force", False)
    start_sha = body.get("start_sha")
    start_branch = body.get("start_branch") or (None if start_sha else branch)
    different = start_branch != branch or bool(start_sha)
    author = (body.get("author_name", BOT[0]), body.get("author_email", BOT[1]))
    try:
        for _ in range(200):  # the ref moved under us: check and build again on the new head, as GitLab would
            empty = not repo.refs("refs/heads/")
            target = repo.head(branch)
            if not empty and different and target and not force:
                raise Refused("A branch called '%s' already exists. Switch to that branch in order to make changes" % branch)
            if start_sha:
                start = repo.resolve(start_sha)
                if start is None:
                    raise Refused("Cannot find start_sha '%s'" % start_sha)
            else:
                start = repo.head(start_branch)
                if start is None and not empty:
                    raise Refused("You can only create or edit files when you are on a branch")
            changes = changes_for(repo, start, body["actions"])
            sha = repo.write_commit(start, changes, body["commit_message"], author, BOT)
            if repo.swap("refs/heads/" + branch, sha, target):
                break
        else:
            raise Refused("Could not update refs/heads/%s. Please refresh and try again." % branch)
    except Refused as e:
        h.send_json(400, {"message": str(e)})
        return True
    G.log_commit("gitlab", project, branch, sha, start, "author_name" in body or "author_email" in body, "commits")
    h.send_json(201, commit_json(h, project, repo, sha, repo.numstat(start, sha) if body.get("stats", True) else None))
    return True
"""#
