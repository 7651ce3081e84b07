#!/usr/bin/env bash
# Benchmark (not a test): a config repo with many branches and tags (#24.4). imagebump fetches only the branch it
# edits (no tags); the git CLI's clone + sed + commit + push is the yardstick. Loopback smart HTTP (git
# http-backend behind Tests/GitOpsTests/Fixtures/git_http_server.py).
#
#   BENCH_BRANCHES  branches besides main (default 20000)
#   BENCH_TAGS      tags (default 20000)
#   BENCH_RUNS      runs per tool, median reported (default 3)
#   IMAGEBUMP       the imagebump binary (default: this checkout's debug build; imagebump-git must be beside it)
#
# Prints each run's wall time, both medians and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
BRANCHES=${BENCH_BRANCHES:-20000}
TAGS=${BENCH_TAGS:-20000}
RUNS=${BENCH_RUNS:-3}
IB=${IMAGEBUMP:-$(swift build --show-bin-path)/imagebump}
if [ ! -x "$IB" ] || [ ! -x "$(dirname "$IB")/imagebump-git" ]; then
  echo "build first: swift build (or set IMAGEBUMP)"; exit 2
fi

# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_work imagebump-bench-refs

echo "== generating config repo: main with 200 commits, $BRANCHES branches, $TAGS tags"
git init -q --bare -b main "$WORK/config.git"
python3 - "$BRANCHES" "$TAGS" <<'EOF' | git --git-dir "$WORK/config.git" fast-import --quiet
import sys
branches, tags = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
commits = 200
for c in range(commits):
    data = (b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n"
            b"      containers:\n        - name: app\n          image: registry.local/app:1.0.%d\n" % c)
    out.write(b"commit refs/heads/main\nmark :%d\ncommitter bench <bench@localhost> %d +0000\ndata 6\nc %03d\n"
              % (c + 1, 1700000000 + c, c))
    if c:
        out.write(b"from :%d\n" % c)
    out.write(b"M 100644 inline deploy/app.yaml\ndata %d\n%s\n\n" % (len(data), data))
for b in range(branches):
    out.write(b"reset refs/heads/feature/%05d\nfrom :%d\n\n" % (b, b % commits + 1))
for t in range(tags):
    out.write(b"reset refs/tags/v%05d\nfrom :%d\n\n" % (t, t % commits + 1))
EOF
git --git-dir "$WORK/config.git" pack-refs --all
git --git-dir "$WORK/config.git" repack -adq
echo "   refs: $(git --git-dir "$WORK/config.git" for-each-ref | wc -l)"

bench_serve

median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
now() { date +%s.%N; }

echo "== git CLI: git clone && sed -i && git commit && git push"
cli=()
for i in $(seq 1 "$RUNS"); do
  d="$WORK/cli-$i"; s=$(now)
  git clone -q "$URL" "$d" && sed -i "s#registry.local/app:.*#registry.local/app:cli-$i#" "$d/deploy/app.yaml" \
    && git -C "$d" commit -qam "bump cli-$i" && git -C "$d" push -q origin main && rm -rf "$d"
  t=$(python3 -c "print(round($(now) - $s, 2))"); cli+=("$t"); echo "   run $i: $t s"
done

echo "== imagebump set --push --repo URL -f deploy/app.yaml"
ib=()
for i in $(seq 1 "$RUNS"); do
  s=$(now)
  (cd "$WORK" && "$IB" set --push --repo "$URL" -f deploy/app.yaml "registry.local/app:ib-$i" >"$WORK/ib.out" 2>&1) \
    || { cat "$WORK/ib.out"; exit 1; }
  t=$(python3 -c "print(round($(now) - $s, 2))"); ib+=("$t"); echo "   run $i: $t s"
done

CLI_M=$(printf '%s\n' "${cli[@]}" | median); IB_M=$(printf '%s\n' "${ib[@]}" | median)
echo
echo "== summary ($BRANCHES branches + $TAGS tags, loopback smart HTTP)"
echo "git CLI median:   $CLI_M s"
echo "imagebump median: $IB_M s   (ratio $(python3 -c "print(round($IB_M / $CLI_M, 2))")x)"
