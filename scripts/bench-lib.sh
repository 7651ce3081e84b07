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
  rm -rf "$WORK"
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
