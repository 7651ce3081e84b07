#!/usr/bin/env bash
# Benchmark (not a test): `imagebump set --push` through a clone (git daemon) against `set --push --via api` (the
# fake forge's GitLab repository emulator, Tests/TestSupport), on one generated config repo, in the same run.
#
#   BENCH_COMMITS      commits in the generated repo           (default 20000, the issue's size)
#   BENCH_FILES        files in the generated repo             (default 2000)
#   BENCH_RUNS         single bumps per mode (median reported)  (default 3)
#   BENCH_CONCURRENCY  concurrent --via api bumps of different files (default 20)
#
# Prints the medians, the ratio (target <= 0.2x), the requests of each API run (target: independent of the repo's
# size) and p50/max time-to-landed of the concurrent API bumps. The runs are driven by CLITests.APIBenchTests
# (skipped unless IMAGEBUMP_BENCH=1), which starts the emulator and the daemon and runs the imagebump binary.
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${BENCH_COMMITS:-20000}
FILES=${BENCH_FILES:-2000}

# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_work imagebump-bench-api

echo "== generating config repo: $COMMITS commits x $FILES files"
git init -q --bare -b main "$WORK/config.git"
python3 - "$COMMITS" "$FILES" <<'PY' | git --git-dir "$WORK/config.git" fast-import --quiet
import sys
commits, files = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def manifest(i, tag):
    return b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app%04d\nspec:\n  template:\n    spec:\n      containers:\n        - name: app%04d\n          image: registry.local/app%04d:%s\n" % (i, i, i, tag)
mark = 1
for c in range(commits):
    changed = range(files) if c == 0 else [(c * 7) % files]
    marks = []
    for f in changed:
        data = manifest(f, b"1.0.%d" % c)
        out.write(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
        marks.append((f, mark)); mark += 1
    msg = b"bump %d" % c
    out.write(b"commit refs/heads/main\nmark :%d\ncommitter bench <bench@localhost> %d +0000\ndata %d\n%s\n" % (mark, 1700000000 + c, len(msg), msg))
    if c > 0:
        out.write(b"from :%d\n" % prev)
    prev = mark; mark += 1
    for f, m in marks:
        out.write(b"M 100644 :%d apps/app%04d/deployment.yaml\n" % (m, f))
    out.write(b"\n")
PY
git --git-dir "$WORK/config.git" repack -adq
git --git-dir "$WORK/config.git" config daemon.receivepack true

nice swift build --build-tests >/dev/null
OUT=$(IMAGEBUMP_BENCH=1 BENCH_API_REPO="$WORK/config.git" BENCH_RUNS="${BENCH_RUNS:-3}" BENCH_CONCURRENCY="${BENCH_CONCURRENCY:-20}" \
      swift test --skip-build --filter CLITests.APIBenchTests 2>&1) || { echo "$OUT" | tail -30; exit 1; }
echo "$OUT" | grep "^bench-api:"
echo "bench-api: load average $(cut -d" " -f1-3 /proc/loadavg) on $(nproc) cores"
