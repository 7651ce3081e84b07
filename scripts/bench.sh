#!/usr/bin/env bash
# Benchmark (not a test): imagebump set vs sed -i, in one run, on
#   (a) one kustomization file, (b) a generated tree of N manifests (default 10,000) where one image is bumped everywhere.
# Prints median wall time over R runs (default 15 for (a), 5 for (b)), the ratio to sed, and, from one more run of
# each under /usr/bin/time, imagebump's CPU time (user + sys: less disturbed than wall time by other load on the
# machine) and peak RSS (maximum resident set size).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${BENCH_FILES:-10000}"
RA="${BENCH_RUNS_SINGLE:-15}"
RB="${BENCH_RUNS_TREE:-5}"
bash scripts/install-deps.sh
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
# the shipped build: Swift runtime linked statically (as in the Dockerfile)
swift build -c release --static-swift-stdlib --scratch-path .build-release --product imagebump >/dev/null 2>&1
bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/imagebump"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagebump-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" # imagebump edits files under its working directory only (the paths below are absolute, inside it)
img=registry.example.com/team/app

# (a) one kustomization
mkdir -p "$work/a"
cat > "$work/a/kustomization.yaml" <<YAML
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: $img
    newTag: "1.0.0"
YAML
# (b) N manifests
python3 - "$work/b" "$N" "$img" <<'PY'
import os, sys
root, n, img = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    d = os.path.join(root, f"team{i % 50}", f"svc{i}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "deployment.yaml"), "w") as f:
        f.write(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc{i}
  labels: {{app: svc{i}}}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: svc{i}
  template:
    metadata:
      labels:
        app: svc{i}
    spec:
      containers:
        - name: app
          image: {img}:1.0.0
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: info
        - name: sidecar
          image: registry.example.com/team/proxy:2.1.0
""")
PY
cp -R "$work/b" "$work/b-sed"

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
timeit() { # runs "$@" R times (alternating tags so every run edits; every other one is a downgrade), prints the median in ms
  local runs=$1; shift
  for ((i = 0; i < runs; i++)); do
    local t0; t0=$(now); "$@" "$((i % 2 + 2)).0.0" >/dev/null; echo $(( ($(now) - t0) / 1000 ))
  done | median
}
sed_a() { sed -i "s|newTag:.*|newTag: \"$1\"|" "$work/a/kustomization.yaml"; }
ib_a() { "$bin" set --allow-downgrade -f "$work/a/kustomization.yaml" "$img:$1"; }
sed_b() { find "$work/b-sed" -name '*.yaml' -exec sed -i "s|image: $img:.*|image: $img:$1|" {} +; }
ib_b() { "$bin" set --allow-downgrade -f "$work/b" "$img:$1"; }

sa=$(timeit "$RA" sed_a); ia=$(timeit "$RA" ib_a)
sb=$(timeit "$RB" sed_b); ib=$(timeit "$RB" ib_b)
# "peak-RSS-KiB user-s sys-s" of one run
measured() { /usr/bin/time -f '%M %U %S' "$bin" set --allow-downgrade "$@" 2>&1 >/dev/null | tail -1; }
read -r rss_a user_a sys_a < <(measured -f "$work/a/kustomization.yaml" "$img:9.9.9")
read -r rss_b user_b sys_b < <(measured -f "$work/b" "$img:9.9.9")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cpu_ms() { awk -v u="$1" -v s="$2" 'BEGIN { printf "%.0f", (u + s) * 1000 }'; }
echo "imagebump bench ($(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), release build, static Swift runtime)"
printf '%-44s %10s %10s %8s %10s %12s\n' case "sed (ms)" "imagebump" ratio "CPU (ms)" "peak RSS"
printf '%-44s %10.1f %10.1f %8s %10s %9d KiB\n' "(a) one kustomization.yaml" "$(ratio "$sa" 1000)" "$(ratio "$ia" 1000)" \
  "$(ratio "$ia" "$sa")x" "$(cpu_ms "$user_a" "$sys_a")" "$rss_a"
printf '%-44s %10.1f %10.1f %8s %10s %9d KiB\n' "(b) $N manifests, one image everywhere" "$(ratio "$sb" 1000)" "$(ratio "$ib" 1000)" \
  "$(ratio "$ib" "$sb")x" "$(cpu_ms "$user_b" "$sys_b")" "$rss_b"
echo "targets: (a) <= 2x sed, (b) <= 2x find -exec sed -i {} +, peak RSS <= 40 MB"
# (c) a guard against quadratic work: 40,000 tagged values (!!str) in one 800 KB file, --check only
python3 -c "
with open('$work/tagged.yaml', 'w') as f:
    f.writelines(f'k{i}: !!str v{i}\\n' for i in range(40000))
    f.write('image: $img:1.0.0\\n')"
t0=$(now); "$bin" set --check -f "$work/tagged.yaml" "$img:2.0.0" >/dev/null || true
echo "(c) one 800 KB file with 40,000 tagged values, --check: $(( ($(now) - t0) / 1000000 )) ms"
# the two trees must agree: same edit, same bytes
if diff -r "$work/b" "$work/b-sed" >/dev/null; then echo "check: imagebump and sed produced identical trees"; else
  "$bin" set --allow-downgrade -f "$work/b" "$img:7.7.7" >/dev/null; sed_b 7.7.7
  diff -r -q "$work/b" "$work/b-sed" >/dev/null && echo "check: identical after a common final bump" || echo "check: trees differ"
fi
