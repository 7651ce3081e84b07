// The git layer of the fake forge's repository endpoints (issue 19.3): a real bare repo read and written with
// plumbing only. Written beside fake_forge.py as fake_forge_git.py, which imports it when `--repo` is given.

public let fakeForgeGitScript = #"""
"""Bare-repo plumbing for the fake forge's repository emulator (GitLab repository/commits, GitHub contents/git/GraphQL).

Reads: ls-tree, cat-file, log -1 -- path. Writes: hash-object -w, a temporary index (read-tree, update-index,
write-tree), commit-tree, and `update-ref REF NEW OLD`: a compare-and-swap, so concurrent commits from parallel
clients never lose one another and every stale answer is a genuine one.
"""
import base64, os, subprocess, tempfile, threading, time

ZERO = "0" * 40
REPOS = {}        # name (GitLab project path or GitHub owner/repo) -> Repo
SETTINGS = {}
COMMITS = []      # commits made through the API or by "someone else", in order
LOCK = threading.Lock()
FORMAT = "%(objectmode) %(objecttype) %(objectname) %(objectsize)%x09%(path)"


def defaults():
    # tree_limit: entries a GitHub git/trees answer holds before `truncated`; ref_lag: seconds a REST ref read lags
    # behind the ref (GitHub's cached ref); content_limit: bytes the contents API inlines (GitHub: 1 MB).
    return {"tree_limit": 100000, "ref_lag": 0.0, "content_limit": 1 << 20, "dir_limit": 1000}


def reset(cfg=None):
    SETTINGS.clear()
    SETTINGS.update(defaults())
    del COMMITS[:]


class GitError(Exception):
    pass


class Entry:
    def __init__(self, line, prefix=""):
        meta, _, path = line.partition("\t")
        self.mode, self.type, self.sha, size = meta.split(" ")
        self.size = int(size) if size.strip().isdigit() else None
        self.path = prefix + path
        self.name = self.path.rsplit("/", 1)[-1]

    @property
    def kind(self):
        """file, exec, symlink, dir, submodule."""
        return {"100644": "file", "100755": "exec", "120000": "symlink", "040000": "dir",
                "160000": "submodule"}.get(self.mode, "file")


class Repo:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.history = {}   # ref -> [(time, sha)]: what a lagging REST read may still see
        self.hlock = threading.Lock()
        for ref, sha in self.refs("refs/").items():
            self.history[ref] = [(0.0, sha)]

    def git(self, *args, data=None, env=None):
        e = dict(os.environ, GIT_DIR=self.path, GIT_LITERAL_PATHSPECS="1", GIT_CONFIG_NOSYSTEM="1")
        e.pop("GIT_INDEX_FILE", None)
        e.update(env or {})
        p = subprocess.run(["git"] + list(args), input=data, capture_output=True, env=e)
        if p.returncode != 0:
            raise GitError("git %s: %s" % (args[0], p.stderr.decode(errors="replace").strip()))
        return p.stdout

    def try_git(self, *args):
        try:
            return self.git(*args).decode().strip()
        except GitError:
            return None

    # --- reads ----------------------------------------------------------------------------------
    def refs(self, prefix):
        out = self.git("for-each-ref", "--format=%(refname) %(objectname)", prefix).decode()
        return dict(l.split(" ") for l in out.splitlines() if l)

    def default_branch(self):
        head = self.try_git("symbolic-ref", "HEAD") or "refs/heads/main"
        return head[len("refs/heads/"):] if head.startswith("refs/heads/") else head

    def head(self, branch):
        return self.try_git("rev-parse", "--verify", "-q", "refs/heads/" + branch)

    def resolve(self, rev, kind="commit"):
        """A branch name, a full ref or an object name → the commit (or tree) it names; None if none."""
        if not rev or rev.startswith("-"):
            return None
        for cand in ("refs/heads/" + rev, rev):
            sha = self.try_git("rev-parse", "--verify", "-q", "--end-of-options", cand + "^{%s}" % kind)
            if sha:
                return sha
        return None

    def entry(self, commit, path):
        """The tree entry at `path` in `commit` (the root tree for ""); None if there is none."""
        path = path.strip("/")
        if not path:
            tree = self.resolve(commit, "tree")
            return Entry("040000 tree %s -\t" % tree) if tree else None
        out = self.git("ls-tree", "-z", "--format=" + FORMAT, commit, "--", path).decode()
        for line in out.split("\0"):
            if line and line.partition("\t")[2] == path:
                return Entry(line)
        return None

    def list(self, tree, prefix, recursive):
        """The entries of a tree object, pre-order (a tree before its contents), paths prefixed."""
        args = ["ls-tree", "-z", "--format=" + FORMAT] + (["-r", "-t"] if recursive else []) + [tree]
        pre = prefix.strip("/") + "/" if prefix.strip("/") else ""
        return [Entry(l, pre) for l in self.git(*args).decode().split("\0") if l]

    def path_problem(self, commit, path):
        """Why `path` cannot be written as a file on `commit` (Gitaly's index errors), or None."""
        parts = path.split("/")
        if not path:
            return "You must provide a file path"
        if ".." in parts:
            return "Path cannot include directory traversal"
        if "" in parts or "." in parts or "\0" in path:
            return "invalid path"
        if commit is None:
            return None
        here = self.entry(commit, path)
        if here is not None and here.type == "tree":
            return "A directory with this name already exists"
        for i in range(1, len(parts)):
            above = self.entry(commit, "/".join(parts[:i]))
            if above is None:
                break
            if above.type != "tree":
                return "A file with this name already exists"
        return None

    def blob(self, sha):
        return self.git("cat-file", "blob", sha)

    def object_type(self, sha):
        return self.try_git("cat-file", "-t", sha)

    def last_commit(self, commit, path):
        return self.try_git("log", "-1", "--format=%H", commit, "--", path) or None

    def commit_info(self, sha):
        f = self.git("show", "-s", "--format=%H%n%T%n%P%n%an%n%ae%n%aI%n%cn%n%ce%n%cI%n%B", sha).decode()
        l = f.split("\n", 9)
        return {"id": l[0], "tree": l[1], "parents": l[2].split(), "author_name": l[3], "author_email": l[4],
                "authored_date": l[5], "committer_name": l[6], "committer_email": l[7], "committed_date": l[8],
                "message": l[9].rstrip("\n")}

    def is_ancestor(self, old, new):
        try:
            self.git("merge-base", "--is-ancestor", old, new)
            return True
        except GitError:
            return False

    def submodule_url(self, commit, path):
        out = self.try_git("config", "--blob", commit + ":.gitmodules", "--get-regexp", r"^submodule\..*\.path$")
        for line in (out or "").splitlines():
            key, _, value = line.partition(" ")
            if value == path:
                return self.try_git("config", "--blob", commit + ":.gitmodules", key[:-len(".path")] + ".url")
        return None

    def numstat(self, old, new):
        out = self.git("diff-tree", "--numstat", "-r", old or "4b825dc642cb6eb9a060e54bf8d69288fbee4904", new).decode()
        add = dele = 0
        for line in out.splitlines():
            a, d, _ = line.split("\t", 2)
            add += int(a) if a.isdigit() else 0
            dele += int(d) if d.isdigit() else 0
        return {"additions": add, "deletions": dele, "total": add + dele}

    # --- writes ---------------------------------------------------------------------------------
    def write_commit(self, parent, changes, message, author, committer):
        """A commit of `parent`'s tree with `changes` applied: [(path, mode, bytes)] puts, [(path, None, None)]
        deletions. Nothing is referenced yet: the caller moves a ref with `swap`."""
        fd, index = tempfile.mkstemp(prefix="fake-forge-index-")
        os.close(fd)
        os.unlink(index)  # read-tree writes a fresh index; an empty file is not one
        env = {"GIT_INDEX_FILE": index}
        try:
            if parent:
                self.git("read-tree", parent, env=env)
            info = []
            for path, mode, data in changes:
                if mode is None:
                    info.append("0 %s\t%s" % (ZERO, path))
                else:
                    sha = self.git("hash-object", "-w", "--stdin", data=data).decode().strip()
                    info.append("%s %s\t%s" % (mode, sha, path))
            if info:
                self.git("update-index", "-z", "--index-info", data=("\0".join(info) + "\0").encode(), env=env)
            tree = self.git("write-tree", env=env).decode().strip()
        finally:
            if os.path.exists(index):
                os.unlink(index)
        now = "%d +0000" % int(time.time())
        ident = {"GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1], "GIT_AUTHOR_DATE": now,
                 "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1], "GIT_COMMITTER_DATE": now}
        args = ["commit-tree", tree] + (["-p", parent] if parent else [])
        return self.git(*args, data=message.encode(), env=ident).decode().strip()

    def swap(self, ref, new, old):
        """Moves `ref` from `old` (ZERO: must not exist) to `new` atomically; False if it no longer was `old`."""
        try:
            self.git("update-ref", ref, new, old or ZERO)
        except GitError:
            return False
        self.observe(ref, new)
        return True

    def delete_ref(self, ref, old):
        try:
            self.git("update-ref", "-d", ref, old)
        except GitError:
            return False
        self.observe(ref, None)
        return True

    # --- the lagging REST ref cache -------------------------------------------------------------
    def observe(self, ref, sha):
        with self.hlock:
            h = self.history.setdefault(ref, [])
            if not h or h[-1][1] != sha:
                h.append((time.time(), sha))

    def cached_ref(self, ref):
        """The ref as a lagging cache serves it: its value `ref_lag` seconds ago (None: not yet visible)."""
        current = self.refs(ref).get(ref)
        self.observe(ref, current)  # a move by a plain push is seen from now on
        lag = SETTINGS.get("ref_lag") or 0
        if not lag:
            return current
        cutoff = time.time() - lag
        with self.hlock:
            seen = [sha for t, sha in self.history.get(ref, []) if t <= cutoff]
        return seen[-1] if seen else None


def b64(data, wrap=False):
    text = base64.b64encode(data).decode()
    if wrap:  # GitHub wraps base64 content at 60 columns
        text = "\n".join(text[i:i + 60] for i in range(0, len(text), 60)) + ("\n" if text else "")
    return text


def log_commit(forge, repo, branch, sha, parent, author_set, via):
    info = REPOS[repo].commit_info(sha)
    with LOCK:
        COMMITS.append({"forge": forge, "repo": repo, "branch": branch, "oid": sha, "parent": parent,
                        "author": "%s <%s>" % (info["author_name"], info["author_email"]),
                        "committer": "%s <%s>" % (info["committer_name"], info["committer_email"]),
                        "authorSet": author_set, "via": via, "time": time.time()})


def other_commit(cfg):
    """Someone else's commit on a branch (a person's push): files {path: text} written, `deletions` removed."""
    repo = REPOS[cfg["repo"]]
    branch = cfg.get("branch") or repo.default_branch()
    for _ in range(200):  # each lost race is another commit landed: 200 outlasts any test's crowd
        head = repo.head(branch)
        changes = [(p, "100644", c.encode()) for p, c in cfg.get("files", {}).items()]
        changes += [(p, None, None) for p in cfg.get("deletions", [])]
        sha = repo.write_commit(head, changes, cfg.get("message", "a commit by someone else\n"),
                                ("Someone Else", "someone@example.invalid"), ("Someone Else", "someone@example.invalid"))
        if repo.swap("refs/heads/" + branch, sha, head):
            log_commit("other", cfg["repo"], branch, sha, head, True, "push")
            return sha
    raise GitError("someone else's commit lost 200 races")


def control(h, path, cfg):
    """/__control/repo/…: settings, someone else's commit, the commit log. True if handled."""
    if path == "/__control/repo/settings":
        SETTINGS.update({k: v for k, v in cfg.items() if k in defaults()})
        h.send_json(200, dict(SETTINGS))
        return True
    if path == "/__control/repo/commit":
        try:
            h.send_json(200, {"oid": other_commit(cfg)})
        except Exception as e:
            h.send_json(400, {"message": str(e)})
        return True
    if path == "/__control/repo/commits":
        with LOCK:
            h.send_json(200, list(COMMITS))
        return True
    return False


def setup(specs):
    """`--repo NAME=PATH` arguments."""
    reset()
    for spec in specs or []:
        name, _, path = spec.partition("=")
        REPOS[name] = Repo(name, path)
"""#
