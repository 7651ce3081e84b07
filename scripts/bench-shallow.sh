#!/usr/bin/env bash
# Benchmark (not a test) of issue 19's case: a config repo with BENCH_COMMITS commits (default 20,000) over
# BENCH_FILES manifests (default 2,000), on loopback git daemon and over file://. In the same run, per transport:
#   - the sed pipeline it replaces, `git clone --depth 1 && sed -i && git commit && git push`;
#   - `imagebump set --push --repo URL -f FILE IMAGE` (the static release build, as shipped);
# BENCH_RUNS times each (default 5, alternating, median reported; imagebump's time includes removing its clone, the
# pipeline's does not), then one more run of each under /usr/bin/time -v
# for its peak RSS (maximum resident set size; imagebump's is imagebump-git's, the process that clones). Then
# BENCH_CONCURRENCY (default 20) concurrent imagebump bumps of different files in the one repo: how many landed,
# and their p50 time-to-landed against a single bump. Prints ratios (imagebump / sed pipeline); targets: <= 1.0x,
# peak RSS <= 64 MB, p50 of the concurrent bumps <= 3x a single one.
#   IMAGEBUMP   the imagebump binary (default: the static release build in .build-release, built here)
set -euo pipefail
cd "$(dirname "$0")/.."
COMMITS=${BENCH_COMMITS:-20000}
FILES=${BENCH_FILES:-2000}
RUNS=${BENCH_RUNS:-5}
CONC=${BENCH_CONCURRENCY:-20}
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
command -v bc >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bc >/dev/null
if [[ -z ${IMAGEBUMP:-} ]]; then
  for product in imagebump imagebump-git; do
    swift build -c release --static-swift-stdlib --scratch-path .build-release --product "$product" >/dev/null
  done
  IMAGEBUMP="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/imagebump"
fi
IB=$IMAGEBUMP
[[ -x $IB && -x "$(dirname "$IB")/imagebump-git" ]] || { echo "no imagebump (and imagebump-git beside it) at $IB" >&2; exit 2; }

# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_work imagebump-bench-shallow

echo "== $(date -u +%FT%TZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores; $("$IB" --version)"
echo "== generating config repo: $COMMITS commits x $FILES files"
bench_generate "$COMMITS" "$FILES"
echo "   pack $(du -sh "$WORK/config.git/objects/pack" | cut -f1)"
bench_daemon

now() { date +%s.%N; }
median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
# peak RSS in KiB of a command (GNU time's "Maximum resident set size")
peak_rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p'; }

sed_bump() { # URL N: the sed pipeline bumps app0000 (its clone, 2,000 files, is removed after the timing: rm -rf alone
  local d="$WORK/sed-$2" # took 4 s on the loaded development machine, and the issue's pipeline has none)
  git clone -q --depth 1 "$1" "$d" && sed -i "s#registry.local/app0000:.*#registry.local/app0000:sed-$2-$$#" "$d/apps/app0000/deployment.yaml" \
    && git -C "$d" commit -qam "chore(deploy): bump app0000:sed-$2" && git -C "$d" push -q origin main
}
ib_bump() { # URL N [APP]: imagebump bumps app0001 (or APP)
  local app=${3:-app0001}
  (cd "$WORK" && "$IB" set --push --repo "$1" -f "apps/$app/deployment.yaml" "registry.local/$app:ib-$2-$$" >/dev/null 2>"$WORK/ib-$2.err")
}
export -f sed_bump ib_bump
export WORK IB

summary=()
for transport in daemon file; do
  if [[ $transport == daemon ]]; then url=$DAEMON_URL; else url="file://$WORK/config.git"; fi
  echo "== $transport ($url): $RUNS runs each, alternating"
  sed_t=(); ib_t=()
  for i in $(seq 1 "$RUNS"); do
    s=$(now); sed_bump "$url" "$transport-$i"; sed_t+=("$(echo "$(now) - $s" | bc)"); rm -rf "$WORK/sed-$transport-$i"
    s=$(now); ib_bump "$url" "$transport-$i" || { cat "$WORK/ib-$transport-$i.err" >&2; exit 1; }; ib_t+=("$(echo "$(now) - $s" | bc)")
    echo "   run $i: sed pipeline ${sed_t[-1]} s, imagebump ${ib_t[-1]} s"
  done
  sed_m=$(printf '%s\n' "${sed_t[@]}" | median); ib_m=$(printf '%s\n' "${ib_t[@]}" | median)
  sed_rss=$(peak_rss bash -c "sed_bump '$url' $transport-rss"); rm -rf "$WORK/sed-$transport-rss"
  ib_rss=$(peak_rss bash -c "ib_bump '$url' $transport-rss")
  echo "   median: sed pipeline $sed_m s, imagebump $ib_m s; peak RSS: sed pipeline (largest process) $sed_rss KiB, imagebump $ib_rss KiB"
  summary+=("$transport: imagebump / sed pipeline = $(echo "scale=2; $ib_m / $sed_m" | bc)x (median of $RUNS: $ib_m s vs $sed_m s); imagebump peak RSS $(echo "scale=1; $ib_rss / 1024" | bc) MiB (target <= 64 MB)")

  echo "== $transport: $CONC concurrent imagebump bumps of different files"
  rm -f "$WORK"/conc-*.t
  cs=$(now)
  pids=()
  for i in $(seq 1 "$CONC"); do
    app=$(printf 'app%04d' $((100 + i)))
    ( ib_bump "$url" "conc-$transport-$i" "$app" && echo "$(now) - $cs" | bc > "$WORK/conc-$i.t" ) &
    pids+=("$!")
  done
  wait "${pids[@]}" || true
  landed=$(cat "$WORK"/conc-*.t 2>/dev/null | wc -l)
  sorted=$(cat "$WORK"/conc-*.t 2>/dev/null | sort -n)
  p50=$(echo "$sorted" | sed -n "$(( (landed + 1) / 2 ))p"); max=$(echo "$sorted" | tail -1)
  on_main=0
  for i in $(seq 1 "$CONC"); do
    app=$(printf 'app%04d' $((100 + i)))
    git --git-dir "$WORK/config.git" show "main:apps/$app/deployment.yaml" | grep -q "ib-conc-$transport-$i-$$" && on_main=$((on_main + 1))
  done
  echo "   $landed/$CONC exited 0, $on_main/$CONC values on main; time-to-landed p50 $p50 s, max $max s"
  summary+=("$transport: $CONC concurrent: $on_main/$CONC landed, p50 $p50 s = $(echo "scale=2; $p50 / $ib_m" | bc)x a single bump (target <= 3x), max $max s")
done

echo
echo "== summary ($COMMITS commits x $FILES files, $(git --git-dir "$WORK/config.git" rev-list --count main) commits on main now)"
printf '%s\n' "${summary[@]}"
