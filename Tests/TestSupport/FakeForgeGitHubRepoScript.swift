// GitHub's repository endpoints of the fake forge (issue 19.3), over fake_forge_git.py's bare repos. Written beside
// fake_forge.py as fake_forge_github_repo.py.

public let fakeForgeGitHubRepoScript = #"""
"""GitHub REST contents, git/trees (recursive, `truncated`), git/blobs, git/commits, git/ref(s), and GraphQL
createCommitOnBranch and repository{ref(qualifiedName:){target{oid}}}.

As GitHub documents and answers: a directory's listing calls a submodule "file"; a link to a regular file in the
repository is answered with that file (its own path); a stale expectedHeadOid is HTTP 200 with an error of type
STALE_DATA; createCommitOnBranch takes no author and commits as the token's user with GitHub as committer (so GitHub
signs it). REST ref reads may lag behind the ref (settings: ref_lag). The emulator's own assumptions, not GitHub's
documented word: additions are written 100644 (an executable bit is not kept), and the wordings for a missing
branch, a bad ref name, a path that cannot be a file and the deletion of a missing path.
"""
import base64, binascii, json, re, time, urllib.parse
import fake_forge_git as G

ARGS = None  # the fake forge's arguments, set by it

ROUTE = re.compile(r"^/repos/([^/]+)/([^/]+)/(contents(?:/(.*))?|git/trees/(.+)|git/blobs/([^/]+)|git/commits/([^/]+)"
                   r"|git/ref/(.+)|git/refs(?:/(.+))?|git/matching-refs/(.+))$")
DOCS = "https://docs.github.com/rest"
BOT = ("imagebump-bot", "1000+imagebump-bot@users.noreply.github.com")
WEB_FLOW = ("GitHub", "noreply@github.com")
INPUT_KEYS = {"branch", "expectedHeadOid", "message", "fileChanges", "clientMutationId"}


def not_found(h, doc="", status=404, message="Not Found"):
    h.send_json(status, {"message": message, "documentation_url": DOCS + doc, "status": str(status)})
    return True


def api(h, name, rest):
    return "%s%s/repos/%s/%s" % (h.base_url(), ARGS.github_prefix, name, rest)


def handle(h, method, rest, query, body, record):
    """Serves /repos/o/r/{contents,git/…} when the repository has a bare repo; False leaves it to the caller."""
    m = ROUTE.match(rest)
    if not m:
        return False
    name = "%s/%s" % (m.group(1), m.group(2))
    repo = G.REPOS.get(name)
    if repo is None:
        return False
    v = record["violations"]
    if m.group(3).startswith("contents") and method == "GET":
        return contents(h, name, repo, urllib.parse.unquote(m.group(4) or ""), query, record)
    if m.group(5) and method == "GET":
        return tree(h, name, repo, urllib.parse.unquote(m.group(5)), query)
    if m.group(6) and method == "GET":
        sha = m.group(6)
        if repo.object_type(sha) != "blob":
            return not_found(h, "/git/blobs#get-a-blob")
        data = repo.blob(sha)
        record["servedBlobs"] = [sha]
        h.send_json(200, {"sha": sha, "node_id": "B_" + sha[:16], "size": len(data), "url": api(h, name, "git/blobs/" + sha),
                          "content": G.b64(data, wrap=True), "encoding": "base64"})
        return True
    if m.group(7) and method == "GET":
        if repo.object_type(m.group(7)) != "commit":
            return not_found(h, "/git/commits#get-a-commit-object")
        c = repo.commit_info(m.group(7))
        h.send_json(200, {"sha": c["id"], "tree": {"sha": c["tree"], "url": api(h, name, "git/trees/" + c["tree"])},
                          "parents": [{"sha": p} for p in c["parents"]], "message": c["message"],
                          "author": {"name": c["author_name"], "email": c["author_email"], "date": c["authored_date"]},
                          "committer": {"name": c["committer_name"], "email": c["committer_email"],
                                        "date": c["committed_date"]}})
        return True
    ref = m.group(8) or m.group(9) or m.group(10)
    ref = urllib.parse.unquote(ref) if ref else None
    if m.group(8) and method == "GET":
        sha = repo.cached_ref("refs/" + ref)
        if sha is None:
            return not_found(h, "/git/refs#get-a-reference")
        h.send_json(200, ref_json(h, name, "refs/" + ref, sha))
        return True
    if (m.group(9) or m.group(10)) and method == "GET":  # refs/…: the ref, or the refs it prefixes
        refs = {r: repo.cached_ref(r) for r in repo.refs("refs/" + (ref or ""))}
        refs = {r: s for r, s in refs.items() if s and r.startswith("refs/" + (ref or ""))}
        if m.group(9) and "refs/" + ref in refs:
            h.send_json(200, ref_json(h, name, "refs/" + ref, refs["refs/" + ref]))
        elif refs or m.group(10):
            h.send_json(200, [ref_json(h, name, r, s) for r, s in sorted(refs.items())])
        else:
            not_found(h, "/git/refs#get-a-reference")
        return True
    if m.group(3) == "git/refs" and method == "POST":
        h.check_keys(body, {"ref": str, "sha": str, "key": str}, ["ref", "sha"], v)
        if v:
            return not_found(h, "/git/refs#create-a-reference", 422, "Invalid request.")
        r = body["ref"]
        if not r.startswith("refs/") or r.count("/") < 2:
            return not_found(h, "/git/refs#create-a-reference", 422, "Reference name must start with 'refs/' and have at least two slashes.")
        if repo.object_type(body["sha"]) != "commit" or len(body["sha"]) != 40:
            return not_found(h, "/git/refs#create-a-reference", 422, "Object does not exist")
        if not repo.swap(r, body["sha"], G.ZERO):
            return not_found(h, "/git/refs#create-a-reference", 422, "Reference already exists")
        h.send_json(201, ref_json(h, name, r, body["sha"]))
        return True
    if m.group(9) and method == "PATCH":
        h.check_keys(body, {"sha": str, "force": bool}, ["sha"], v)
        r = "refs/" + ref
        cur = repo.refs(r).get(r)
        if v:
            return not_found(h, "/git/refs#update-a-reference", 422, "Invalid request.")
        if cur is None:
            return not_found(h, "/git/refs#update-a-reference", 422, "Reference does not exist")
        if repo.object_type(body["sha"]) != "commit":
            return not_found(h, "/git/refs#update-a-reference", 422, "Object does not exist")
        if not body.get("force") and not repo.is_ancestor(cur, body["sha"]):
            return not_found(h, "/git/refs#update-a-reference", 422, "Update is not a fast forward")
        if not repo.swap(r, body["sha"], cur):
            return not_found(h, "/git/refs#update-a-reference", 422, "Reference cannot be updated")
        h.send_json(200, ref_json(h, name, r, body["sha"]))
        return True
    if m.group(9) and method == "DELETE":
        r = "refs/" + ref
        cur = repo.refs(r).get(r)
        if cur is None or not repo.delete_ref(r, cur):
            return not_found(h, "/git/refs#delete-a-reference", 422, "Reference does not exist")
        h.send_response(204)
        h.send_header("Content-Length", "0")
        h.end_headers()
        return True
    v.append("unsupported %s %s" % (method, rest))
    return not_found(h)


def ref_json(h, name, ref, sha):
    return {"ref": ref, "node_id": "REF_" + sha[:12], "url": api(h, name, "git/" + ref),
            "object": {"type": "commit", "sha": sha, "url": api(h, name, "git/commits/" + sha)}}


def item(h, name, repo, commit, e, listing):
    kind = {"dir": "dir", "symlink": "symlink", "submodule": "file" if listing else "submodule"}.get(e.kind, "file")
    out = {"type": kind, "size": 0 if e.type != "blob" else e.size, "name": e.name, "path": e.path, "sha": e.sha,
           "url": api(h, name, "contents/" + urllib.parse.quote(e.path)),
           "git_url": None if e.kind == "submodule" else api(h, name, "git/%ss/%s" % (e.type, e.sha)),
           "html_url": "%s/%s/blob/%s/%s" % (h.base_url(), name, commit, e.path),
           "download_url": None if e.type != "blob" else "%s/raw/%s/%s/%s" % (h.base_url(), name, commit, e.path)}
    out["_links"] = {"self": out["url"], "git": out["git_url"], "html": out["html_url"]}
    return out


def contents(h, name, repo, path, query, record):
    ref = query.get("ref", [None])[0] or repo.default_branch()
    commit = repo.resolve(ref)
    if commit is None:
        return not_found(h, "/repos/contents#get-repository-content", 404, "No commit found for the ref %s" % ref)
    e = repo.entry(commit, path)
    if e is None:
        return not_found(h, "/repos/contents#get-repository-content")
    if e.type == "tree":
        entries = repo.list(e.sha, path, False)[:G.SETTINGS["dir_limit"]]
        h.send_json(200, [item(h, name, repo, commit, x, True) for x in entries])
        return True
    out = item(h, name, repo, commit, e, False)
    if e.kind == "submodule":
        out["submodule_git_url"] = repo.submodule_url(commit, e.path)
        h.send_json(200, out)
        return True
    data = repo.blob(e.sha)
    if e.kind == "symlink":
        target = data.decode(errors="replace")
        joined = "/".join((path.rsplit("/", 1)[0] + "/" if "/" in path else "") .split("/")[:-1] + [target])
        parts = []
        for p in joined.split("/"):
            if p == "..":
                if not parts:
                    parts = None
                    break
                parts.pop()
            elif p not in ("", "."):
                parts.append(p)
        t = repo.entry(commit, "/".join(parts)) if parts else None
        if t is None or t.kind not in ("file", "exec"):
            out["target"] = target
            h.send_json(200, out)
            return True
        e, data = t, repo.blob(t.sha)  # GitHub answers a link to a file with the file
        out = item(h, name, repo, commit, e, False)
    record["servedBlobs"] = [e.sha]
    big = len(data) > G.SETTINGS["content_limit"]
    out.update({"content": "" if big else G.b64(data, wrap=True), "encoding": "none" if big else "base64"})
    h.send_json(200, out)
    return True


def tree(h, name, repo, tree_sha, query):
    sha = repo.resolve(tree_sha, "tree")
    if sha is None:
        return not_found(h, "/git/trees#get-a-tree")
    # "Setting this parameter to any value returns the objects or subtrees referenced by the tree."
    entries = repo.list(sha, "", "recursive" in query)
    cap = G.SETTINGS["tree_limit"]
    out = []
    for e in entries[:cap]:
        x = {"path": e.path, "mode": e.mode, "type": e.type, "sha": e.sha, "url": api(h, name, "git/%ss/%s" % (e.type, e.sha))}
        if e.type == "blob":
            x["size"] = e.size
        if e.type == "commit":
            del x["url"]
        out.append(x)
    h.send_json(200, {"sha": sha, "url": api(h, name, "git/trees/" + sha), "tree": out, "truncated": len(entries) > cap})
    return True


# --- GraphQL ----------------------------------------------------------------------------------
def wants(q):
    return "createCommitOnBranch" in q or re.search(r"\brepository\s*\(", q) is not None


def argument(q, variables, key):
    m = re.search(r"\b%s\s*:\s*(?:\"((?:[^\"\\]|\\.)*)\"|\$(\w+))" % key, q)
    if not m:
        return None
    return json.loads('"%s"' % m.group(1)) if m.group(1) is not None else variables.get(m.group(2))


def gql_error(h, field, kind, message, data=None):
    h.send_json(200, {"data": data if data is not None else {field: None}, "errors": [
        {"type": kind, "path": [field], "locations": [{"line": 2, "column": 3}], "message": message}]})
    return True


def graphql(h, body, record):
    q = body["query"]
    variables = body.get("variables") or {}
    if "createCommitOnBranch" in q:
        return create_commit(h, q, variables, record)
    owner, rname = argument(q, variables, "owner"), argument(q, variables, "name")
    name = "%s/%s" % (owner, rname)
    repo = G.REPOS.get(name)
    if repo is None:
        return gql_error(h, "repository", "NOT_FOUND", "Could not resolve to a Repository with the name '%s'." % name,
                         {"repository": None})
    out = {}
    qualified = argument(q, variables, "qualifiedName")
    if qualified is not None:
        full = qualified if qualified.startswith("refs/") else "refs/heads/" + qualified
        sha = repo.refs(full).get(full)
        out["ref"] = None if sha is None else {"name": full.rsplit("/", 1)[-1] if full.startswith("refs/heads/") else full,
                                                "prefix": "refs/heads/", "target": {"oid": sha, "__typename": "Commit"}}
    if "defaultBranchRef" in q:
        b = repo.default_branch()
        out["defaultBranchRef"] = {"name": b, "target": {"oid": repo.head(b)}}
    h.send_json(200, {"data": {"repository": out}})
    return True


def create_commit(h, q, variables, record):
    v = record["violations"]
    inp = variables.get("input")
    if not isinstance(inp, dict):
        v.append("createCommitOnBranch without an $input variable")
        return gql_error(h, "createCommitOnBranch", "INVALID", "createCommitOnBranch input must be the $input variable")
    for k in inp:
        if k not in INPUT_KEYS:
            v.append("createCommitOnBranch input field %r" % k)
            h.send_json(200, {"errors": [{"message": "Variable $input of type CreateCommitOnBranchInput! was provided "
                                          "invalid value for %s (Field is not defined on CreateCommitOnBranchInput)" % k,
                                          "locations": [{"line": 1, "column": 10}]}]})
            return True
    if not inp.get("expectedHeadOid"):
        h.send_json(200, {"errors": [{"message": "Variable $input of type CreateCommitOnBranchInput! was provided "
                                      "invalid value for expectedHeadOid (Expected value to not be null)",
                                      "locations": [{"line": 1, "column": 10}]}]})
        return True
    br = inp.get("branch") or {}
    name, branch = br.get("repositoryNameWithOwner"), br.get("branchName") or ""
    branch = branch[len("refs/heads/"):] if branch.startswith("refs/heads/") else branch
    repo = G.REPOS.get(name)
    if repo is None:
        return gql_error(h, "createCommitOnBranch", "NOT_FOUND", "Could not resolve to a Repository with the name '%s'." % name)
    head = repo.head(branch)
    if head is None:
        return gql_error(h, "createCommitOnBranch", "NOT_FOUND", "Could not resolve to a Ref with the name 'refs/heads/%s'." % branch)
    expected = inp["expectedHeadOid"]
    stale = lambda: gql_error(h, "createCommitOnBranch", "STALE_DATA",
                              "Expected branch to point to \"%s\" but it did not.  Pull and try again." % expected)
    if head != expected:
        return stale()
    msg = inp.get("message") or {}
    if not msg.get("headline"):
        return gql_error(h, "createCommitOnBranch", "UNPROCESSABLE", "A commit message headline is required")
    changes = []
    fc = inp.get("fileChanges") or {}
    for d in fc.get("deletions", []):
        if repo.entry(head, d.get("path", "")) is None:
            return gql_error(h, "createCommitOnBranch", "UNPROCESSABLE",
                             "A path was requested for deletion which does not exist as of commit oid `%s`" % head)
        changes.append((d["path"], None, None))
    for a in fc.get("additions", []):
        problem = repo.path_problem(head, a.get("path", ""))
        if problem:
            return gql_error(h, "createCommitOnBranch", "UNPROCESSABLE", "%s: %s" % (problem, a.get("path", "")))
        try:
            data = base64.b64decode(a.get("contents", ""), validate=True)
        except (binascii.Error, ValueError):
            return gql_error(h, "createCommitOnBranch", "UNPROCESSABLE", "contents of %s are not valid base64" % a.get("path"))
        changes.append((a["path"], "100644", data))
    message = msg["headline"] + ("\n\n" + msg["body"] if msg.get("body") else "")
    sha = repo.write_commit(head, changes, message, BOT, WEB_FLOW)
    if not repo.swap("refs/heads/" + branch, sha, head):
        return stale()  # it moved between the check and the swap: as stale as it gets
    G.log_commit("github", name, branch, sha, head, False, "createCommitOnBranch")
    c = repo.commit_info(sha)
    h.send_json(200, {"data": {"createCommitOnBranch": {
        "commit": {"oid": sha, "url": "%s/%s/commit/%s" % (h.base_url(), name, sha), "committedDate": c["committed_date"],
                   "signature": {"isValid": True, "state": "VALID", "wasSignedByGitHub": True}},
        "ref": {"name": branch, "target": {"oid": sha}}}}})
    return True
"""#
