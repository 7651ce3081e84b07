// The GitHub half of the fake forge's handler (REST pulls/issues and GraphQL auto-merge), split from
// FakeForgeScript.swift. Written beside fake_forge.py as fake_forge_github.py, which it imports.

public let fakeForgeGitHubScript = #"""
"""GitHub REST pulls/issues/comments/labels/assignees/reviewers and GraphQL enablePullRequestAutoMerge: a mixin of the
fake forge's request handler. State, arguments and helpers are the running fake_forge.py's (its __main__ module).
"""
import re, urllib.parse
import __main__ as F

GITHUB_CREATE_KEYS = {"title": str, "body": str, "head": str, "base": str, "draft": bool,
                      "maintainer_can_modify": bool, "head_repo": str, "issue": int}
GITHUB_UPDATE_KEYS = {"title": str, "body": str, "state": str, "base": str, "maintainer_can_modify": bool}


class GitHubAPI:
    # --- GitHub REST ----------------------------------------------------------------------------
    def github_headers_ok(self, record):
        v = record["violations"]
        h = record["headers"]
        if h.get("accept") != "application/vnd.github+json":
            v.append("Accept is %r" % h.get("accept"))
        if h.get("x-github-api-version") != "2022-11-28":
            v.append("X-GitHub-Api-Version is %r" % h.get("x-github-api-version"))
        if not h.get("user-agent", "").startswith("imagebump"):
            v.append("User-Agent is %r" % h.get("user-agent"))
        if "private-token" in h:
            v.append("GitHub request carries PRIVATE-TOKEN")
        if h.get("authorization") != "Bearer " + F.ARGS.token:
            self.send_json(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest",
                                 "status": "401"})
            return False
        return True

    def github_web(self):
        return self.base_url()

    def github_new_pr(self, repo, body):
        r = F.STATE["github_repos"][repo]
        n = r["next"]
        r["next"] += 1
        F.STATE["next_id"] += 1
        owner = repo.split("/")[0]
        head = body["head"]
        head_owner, _, head_ref = head.rpartition(":")
        head_owner = head_owner or owner
        pr = {"id": F.STATE["next_id"], "node_id": "PR_kwDO%06d" % F.STATE["next_id"], "number": n, "state": "open",
              "title": body["title"], "body": body.get("body"), "draft": body.get("draft", False),
              "labels": [], "assignees": [], "requested_reviewers": [], "requested_teams": [],
              "head": {"ref": head_ref, "label": "%s:%s" % (head_owner, head_ref), "sha": "1" * 40,
                       "repo": {"full_name": body.get("head_repo", head_owner + "/" + repo.split("/")[1])}},
              "base": {"ref": body["base"], "label": "%s:%s" % (owner, body["base"]), "repo": {"full_name": repo}},
              "auto_merge": None, "repo": repo, "comments": []}
        r["prs"].append(pr)
        return pr

    def github_pr_json(self, pr):
        out = dict(pr)
        repo = out.pop("repo")
        out.pop("comments", None)
        out["html_url"] = F.STATE["web_url"] or "%s/%s/pull/%d" % (self.github_web(), repo, pr["number"])
        out["url"] = "%s%s/repos/%s/pulls/%d" % (self.base_url(), F.ARGS.github_prefix, repo, pr["number"])
        out["labels"] = [{"id": abs(hash(l)) % 10000, "name": l, "color": "ededed", "default": False} for l in pr["labels"]]
        out["assignees"] = [{"login": a, "id": 1, "type": "User"} for a in pr["assignees"]]
        out["requested_reviewers"] = [{"login": a, "id": 1, "type": "User"} for a in pr["requested_reviewers"]]
        out["requested_teams"] = [{"slug": t, "name": t} for t in pr["requested_teams"]]
        return out

    def github(self, method, rest, query, body, record):
        v = record["violations"]
        if not self.github_headers_ok(record):
            return
        if F.REPO and F.REPO[2].handle(self, method, rest, query, body, record):
            return
        rm = re.match(r"^/repos/([^/]+)/([^/]+)(?:/assignees/([^/]+))?$", rest)
        if rm and method == "GET":
            r = F.STATE["github_repos"].get("%s/%s" % (rm.group(1), rm.group(2)))
            if r is None:
                return self.send_json(404, {"message": "Not Found", "status": "404"})
            if rm.group(3) is not None:
                login = urllib.parse.unquote(rm.group(3))
                if login not in F.STATE["github_users"]:
                    return self.send_json(404, {"message": "Not Found", "status": "404"})
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.send_json(200, {"full_name": "%s/%s" % (rm.group(1), rm.group(2)),
                                        "default_branch": F.default_branch("%s/%s" % (rm.group(1), rm.group(2))),
                                        "permissions": {"push": r.get("push", True), "pull": True}})
        m = re.match(r"^/repos/([^/]+)/([^/]+)/(pulls|issues)(?:/(\d+)(?:/(labels|assignees|requested_reviewers|comments))?)?$", rest)
        if not m:
            v.append("unknown GitHub endpoint %s" % rest)
            return self.send_json(404, {"message": "Not Found"})
        repo = "%s/%s" % (m.group(1), m.group(2))
        kind, num, sub = m.group(3), m.group(4), m.group(5)
        with F.LOCK:
            r = F.STATE["github_repos"].get(repo)
            if r is None:
                return self.send_json(404, {"message": "Not Found",
                                            "documentation_url": "https://docs.github.com/rest", "status": "404"})
            if kind == "pulls" and num is None and method == "GET":
                if query.get("state") != ["open"]:
                    v.append("list without state=open")
                head = query.get("head", [None])[0]
                base = query.get("base", [None])[0]
                if head is None and base is None:
                    v.append("list without head or base")
                if head is not None and ":" not in head:
                    v.append("head filter not in owner:branch form: %r" % head)
                prs = [p for p in r["prs"] if p["state"] == "open" and (head is None or p["head"]["label"] == head)
                       and (base is None or p["base"]["ref"] == base)]
                page, headers = self.paginate(prs, query, 30, "number", gitlab=False)
                return self.send_json(200, [self.github_pr_json(p) for p in page], headers)
            if kind == "pulls" and num is None and method == "POST":
                F.check_keys(body, GITHUB_CREATE_KEYS, ["title", "head", "base"], v)
                if v:
                    return self.send_json(400, {"message": "; ".join(v)})
                head = body["head"] if ":" in body["head"] else m.group(1) + ":" + body["head"]
                if any(p["state"] == "open" and p["head"]["label"] == head for p in r["prs"]):
                    return self.send_json(422, {"message": "Validation Failed", "errors": [
                        {"resource": "PullRequest", "code": "custom",
                         "message": "A pull request already exists for %s." % head}], "status": "422"})
                emulated, sha = F.emulated_head(repo, head.split(":", 1)[1])
                if emulated and sha is None and head.split(":")[0] == m.group(1):
                    return self.send_json(422, {"message": "Validation Failed", "errors": [
                        {"resource": "PullRequest", "field": "head", "code": "invalid"}], "status": "422"})
                pr = self.github_new_pr(repo, body)
                pr["head"]["sha"] = sha or pr["head"]["sha"]
                return self.send_json(201, self.github_pr_json(pr))
            pr = next((p for p in r["prs"] if p["number"] == int(num)), None) if num else None
            if pr is None:
                return self.send_json(404, {"message": "Not Found", "status": "404"})
            if kind == "pulls" and sub is None and method == "PATCH":
                F.check_keys(body, GITHUB_UPDATE_KEYS, [], v)
                if not body:
                    v.append("empty update")
                if v:
                    return self.send_json(400, {"message": "; ".join(v)})
                for k in ("title", "body", "state"):
                    if k in body:
                        pr[k] = body[k]
                if "base" in body:
                    pr["base"]["ref"] = body["base"]
                return self.send_json(200, self.github_pr_json(pr))
            if kind == "issues" and sub == "comments" and method == "POST":
                F.check_keys(body, {"body": str}, ["body"], v)
                pr["comments"].append(body.get("body", ""))
                return self.send_json(201, {"id": len(pr["comments"]), "body": body.get("body", "")})
            if kind == "issues" and sub == "labels" and method == "POST":
                F.check_keys(body, {"labels": list}, ["labels"], v)
                for l in body.get("labels", []):
                    if l not in pr["labels"]:
                        pr["labels"].append(l)
                return self.send_json(200, self.github_pr_json(pr)["labels"])
            if kind == "issues" and sub == "assignees" and method == "POST":
                F.check_keys(body, {"assignees": list}, ["assignees"], v)
                for a in body.get("assignees", []):
                    if a in F.STATE["github_users"] and a not in pr["assignees"]:
                        pr["assignees"].append(a)
                issue = self.github_pr_json(pr)
                return self.send_json(201, issue)
            if kind == "pulls" and sub == "requested_reviewers" and method == "POST":
                F.check_keys(body, {"reviewers": list, "team_reviewers": list}, [], v)
                if not body.get("reviewers") and not body.get("team_reviewers"):
                    v.append("requested_reviewers without reviewers")
                for a in body.get("reviewers", []):
                    if a not in F.STATE["github_users"]:
                        return self.send_json(422, {"message": "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s repository." % repo})
                    if a not in pr["requested_reviewers"]:
                        pr["requested_reviewers"].append(a)
                for t in body.get("team_reviewers", []):
                    if t not in pr["requested_teams"]:
                        pr["requested_teams"].append(t)
                return self.send_json(201, self.github_pr_json(pr))
        v.append("unsupported %s %s" % (method, rest))
        return self.send_json(404, {"message": "Not Found"})

    def github_graphql(self, method, body, record):
        v = record["violations"]
        if not self.github_headers_ok(record):
            return
        if method != "POST":
            v.append("GraphQL with %s" % method)
            return self.send_json(404, {"message": "Not Found"})
        if not isinstance(body, dict) or "query" not in body:
            v.append("GraphQL body without query")
            return self.send_json(400, {"message": "Problems parsing JSON"})
        q = body["query"]
        if F.REPO and F.REPO[2].wants(q):
            return F.REPO[2].graphql(self, body, record)
        if "enablePullRequestAutoMerge" not in q or "mutation" not in q:
            v.append("unexpected GraphQL query")
        variables = body.get("variables") or {}
        node = variables.get("pullRequestId")
        method_ = variables.get("mergeMethod", "MERGE")
        if method_ not in ("MERGE", "SQUASH", "REBASE"):
            v.append("bad mergeMethod %r" % method_)
        with F.LOCK:
            for repo, r in F.STATE["github_repos"].items():
                for pr in r["prs"]:
                    if pr["node_id"] == node:
                        if not r.get("allow_auto_merge", True):
                            return self.send_json(200, {"data": {"enablePullRequestAutoMerge": None}, "errors": [
                                {"type": "UNPROCESSABLE", "path": ["enablePullRequestAutoMerge"],
                                 "locations": [{"line": 2, "column": 3}],
                                 "message": "Pull request Auto merge is not allowed for this repository"}]})
                        pr["auto_merge"] = {"merge_method": method_.lower(), "enabled_by": {"login": "imagebump-bot"},
                                            "commit_title": None, "commit_message": None}
                        return self.send_json(200, {"data": {"enablePullRequestAutoMerge": {"pullRequest": {
                            "number": pr["number"], "autoMergeRequest": {"enabledAt": "2026-01-01T00:00:00Z",
                                                                         "mergeMethod": method_}}}}})
        return self.send_json(200, {"data": {"enablePullRequestAutoMerge": None}, "errors": [
            {"type": "NOT_FOUND", "path": ["enablePullRequestAutoMerge"],
             "message": "Could not resolve to a node with the global id of '%s'" % node}]})
"""#
