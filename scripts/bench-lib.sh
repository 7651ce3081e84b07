# shellcheck shell=bash
# Sourced by scripts/bench-*.sh (benchmarks, not tests): a scratch directory and a git with no user or system
# config, and a loopback smart-HTTP server (git http-backend behind Tests/GitOpsTests/Fixtures/git_http_server.py)
# over that directory. Both are gone when the script exits, however it exits.

# bench_work NAME: WORK=/tmp/NAME-XXXXXX, removed (with the server, if one was started) on exit.
bench_work() {
  WORK=$(mktemp -d "/tmp/$1-XXXXXX")
  SERVER_PID=""
  trap bench_cleanup EXIT
  export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0
  export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@localhost GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@localhost
}

bench_cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "${DAEMON_PID:-}" ]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}

# bench_daemon: `git daemon` (push enabled) over the bare repositories under $WORK on a free loopback port;
# DAEMON_URL is $WORK/config.git's.
bench_daemon() {
  local port
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    git daemon --reuseaddr --export-all --enable=receive-pack --listen=127.0.0.1 --port="$port" --base-path="$WORK" \
      "$WORK" 2>"$WORK/daemon.log" &
    DAEMON_PID=$!
    for _ in $(seq 50); do
      (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break 2
      sleep 0.1
    done
    kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=""
  done
  [ -n "$DAEMON_PID" ] || { echo "git daemon did not start" >&2; exit 1; }
  # shellcheck disable=SC2034 # read by the sourcing script
  DAEMON_URL="git://127.0.0.1:$port/config.git"
  echo "== git daemon: $DAEMON_URL"
}

# bench_serve: serves the bare repositories under $WORK on a free loopback port; URL is $WORK/config.git's.
bench_serve() {
  python3 Tests/GitOpsTests/Fixtures/git_http_server.py --root "$WORK" --port 0 > "$WORK/port" 2>"$WORK/server.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q PORT "$WORK/port" 2>/dev/null && break; sleep 0.1; done
  # shellcheck disable=SC2034 # read by the sourcing script
  URL="http://127.0.0.1:$(sed -n 's/PORT //p' "$WORK/port")/config.git"
  echo "== server: $URL"
}

# bench_generate COMMITS FILES: $WORK/config.git, a bare repo whose main has COMMITS commits over FILES manifests
# (apps/appNNNN/deployment.yaml): the first adds them all, each later one bumps one app, like a GitOps history.
bench_generate() {
  git init -q --bare -b main "$WORK/config.git"
  python3 - "$1" "$2" <<'EOF' | git --git-dir "$WORK/config.git" fast-import --quiet
import sys
commits, files = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def blob(mark, data):
    out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
def manifest(i, tag):
    return (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app%04d\nspec:\n  replicas: 2\n"
            b"  template:\n    spec:\n      containers:\n        - name: app%04d\n"
            b"          image: registry.local/app%04d:%s\n          ports:\n            - containerPort: 8080\n"
            % (i, i, i, tag))
ts = 1700000000
mark = 1
for c in range(commits):
    if c == 0:
        changed = list(range(files))
    else:
        changed = [(c * 7) % files]  # one app bumped per commit, like a GitOps history
    marks = []
    for f in changed:
        blob(mark, manifest(f, b"1.0.%d" % c))
        marks.append((f, mark)); mark += 1
    msg = b"bump %d" % c
    out.write(b"commit refs/heads/main\nmark :%d\ncommitter bench <bench@localhost> %d +0000\ndata %d\n%s\n"
              % (mark, ts + c, len(msg), msg))
    if c > 0:
        out.write(b"from :%d\n" % prev)
    prev = mark; mark += 1
    for f, m in marks:
        out.write(b"M 100644 :%d apps/app%04d/deployment.yaml\n" % (m, f))
    out.write(b"\n")
EOF
  git --git-dir "$WORK/config.git" repack -adq
}
