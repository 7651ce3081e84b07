#!/usr/bin/env bash
# Benchmark (not a test): imagebump's GitOps library vs the git CLI "sed script", against a loopback smart-HTTP
# server (git http-backend behind Tests/GitOpsTests/Fixtures/git_http_server.py) and a generated config repo.
#
#   BENCH_COMMITS      commits in the generated repo           (default 5000, the issue's size)
#   BENCH_FILES        files in the generated repo             (default 2000, the issue's size)
#   BENCH_RUNS         single bumps per tool (median reported)  (default 3)
#   BENCH_CONCURRENCY  concurrent library bumps                 (default 20)
#   BENCH_SPARSE       1: the concurrent bumps use a sparse checkout of the edited file (default 0)
#
# Prints the git CLI and library single-bump wall times, the ratio, and p50/max time-to-landed of the
# concurrent bumps. The library side runs as the XCTest GitOpsTests.BenchTests (skipped unless IMAGEBUMP_BENCH=1)
# until the imagebump CLI is wired to the library.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
command -v bc >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null
COMMITS=${BENCH_COMMITS:-5000}
FILES=${BENCH_FILES:-2000}
RUNS=${BENCH_RUNS:-3}
CONC=${BENCH_CONCURRENCY:-20}

# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_work imagebump-bench

echo "== generating config repo: $COMMITS commits x $FILES files"
t0=$(date +%s.%N)
bench_generate "$COMMITS" "$FILES"
t1=$(date +%s.%N)
echo "   generated in $(echo "$t1 - $t0" | bc) s; pack size $(du -sh "$WORK/config.git/objects/pack" | cut -f1)"

bench_serve

echo "== git CLI: git clone && sed -i && git commit && git push  ($RUNS runs)"
cli_times=()
for i in $(seq 1 "$RUNS"); do
  d="$WORK/cli-$i"
  s=$(date +%s.%N)
  git clone -q "$URL" "$d" && sed -i "s#registry.local/app0000:.*#registry.local/app0000:cli-$i-$$#" "$d/apps/app0000/deployment.yaml" \
    && git -C "$d" commit -qam "chore(deploy): bump app0000:cli-$i" && git -C "$d" push -q origin main && rm -rf "$d"
  e=$(date +%s.%N)
  t=$(echo "$e - $s" | bc)
  cli_times+=("$t")
  echo "   run $i: $t s"
done
CLI_MEDIAN=$(printf '%s\n' "${cli_times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")

echo "== floor on this machine: $CONC concurrent plain 'git clone' (no push), time-to-cloned"
fs=$(date +%s.%N)
FLOOR_PIDS=()
for i in $(seq 1 "$CONC"); do
  ( git clone -q "$URL" "$WORK/floor-$i" && echo "$(date +%s.%N) - $fs" | bc > "$WORK/floor-$i.t" ) &
  FLOOR_PIDS+=("$!")
done
wait "${FLOOR_PIDS[@]}"   # not a bare `wait`: that would wait for the server too
FLOOR=$(cat "$WORK"/floor-*.t | sort -n)
FLOOR_P50=$(echo "$FLOOR" | sed -n "$(( (CONC + 1) / 2 ))p"); FLOOR_MAX=$(echo "$FLOOR" | tail -1)
rm -rf "$WORK"/floor-*
echo "   p50 $FLOOR_P50 s, max $FLOOR_MAX s"

echo "== imagebump CLI (static release build): set --push --repo URL -f <file> ($RUNS runs), then $CONC concurrent processes"
for product in imagebump imagebump-git; do
  swift build -c release --static-swift-stdlib --scratch-path .build-release --product "$product" >/dev/null
done
IB="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/imagebump"
ib_times=()
for i in $(seq 1 "$RUNS"); do
  s=$(date +%s.%N)
  (cd "$WORK" && "$IB" set --push --repo "$URL" -f apps/app0001/deployment.yaml "registry.local/app0001:ib-$i-$$" >/dev/null 2>&1)
  t=$(echo "$(date +%s.%N) - $s" | bc)
  ib_times+=("$t")
  echo "   run $i: $t s"
done
IB_MEDIAN=$(printf '%s\n' "${ib_times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
cs=$(date +%s.%N)
IB_PIDS=()
for i in $(seq 1 "$CONC"); do
  app=$(printf 'app%04d' $((100 + i)))
  ( cd "$WORK" && "$IB" set --push --repo "$URL" -f "apps/$app/deployment.yaml" "registry.local/$app:conc-$$" >/dev/null 2>"$WORK/ib-$i.err" \
      && echo "$(date +%s.%N) - $cs" | bc > "$WORK/ib-$i.t" ) &
  IB_PIDS+=("$!")
done
wait "${IB_PIDS[@]}" || true
IB_LANDED=$(cat "$WORK"/ib-*.t 2>/dev/null | wc -l)
IB_SORTED=$(cat "$WORK"/ib-*.t 2>/dev/null | sort -n)
IB_P50=$(echo "$IB_SORTED" | sed -n "$(( (IB_LANDED + 1) / 2 ))p"); IB_MAX=$(echo "$IB_SORTED" | tail -1)
echo "   $IB_LANDED/$CONC landed; time-to-landed p50 $IB_P50 s, max $IB_MAX s"

echo "== library (GitOps, libgit2): clone + edit + commit + push ($RUNS runs), then $CONC concurrent bumps"
swift build --build-tests >/dev/null
OUT=$(IMAGEBUMP_BENCH=1 BENCH_URL="$URL" BENCH_RUNS="$RUNS" BENCH_CONCURRENCY="$CONC" BENCH_SPARSE="${BENCH_SPARSE:-0}" \
      swift test --skip-build --filter GitOpsTests.BenchTests 2>&1) || { echo "$OUT" | tail -30; exit 1; }
echo "$OUT" | grep '^BENCH' | sed 's/^BENCH /   /'
LIB_MEDIAN=$(echo "$OUT" | sed -n 's/^BENCH single_median //p')
SPARSE_MEDIAN=$(echo "$OUT" | sed -n 's/^BENCH sparse_single_median //p')
P50=$(echo "$OUT" | sed -n 's/^BENCH concurrent_p50 //p')
MAX=$(echo "$OUT" | sed -n 's/^BENCH concurrent_max //p')

echo
echo "== summary ($COMMITS commits x $FILES files, loopback smart HTTP)"
echo "git CLI script median:   $CLI_MEDIAN s"
echo "imagebump CLI median:    $IB_MEDIAN s   (ratio $(echo "scale=2; $IB_MEDIAN / $CLI_MEDIAN" | bc)x, target <= 1.0x; sparse checkout of -f)"
echo "imagebump CLI, $CONC concurrent processes: $IB_LANDED landed, p50 $IB_P50 s, max $IB_MAX s   (p50 / single = $(echo "scale=2; $IB_P50 / $IB_MEDIAN" | bc)x, target <= 3x)"
echo "library median:          $LIB_MEDIAN s   (ratio $(echo "scale=2; $LIB_MEDIAN / $CLI_MEDIAN" | bc)x, target <= 1.0x)"
echo "library, sparse checkout: $SPARSE_MEDIAN s   (ratio $(echo "scale=2; $SPARSE_MEDIAN / $CLI_MEDIAN" | bc)x)"
echo "$CONC concurrent bumps (sparse=${BENCH_SPARSE:-0}):   p50 $P50 s, max $MAX s   (p50 / single = $(echo "scale=2; $P50 / $LIB_MEDIAN" | bc)x, target <= 3x)"
echo "floor: $CONC concurrent git CLI clones alone: p50 $FLOOR_P50 s, max $FLOOR_MAX s"
echo "commits on main: $(git --git-dir "$WORK/config.git" rev-list --count main); merges: $(git --git-dir "$WORK/config.git" rev-list --merges --count main)"
