#!/usr/bin/env bash
# Checks that the release binary built with --static-swift-stdlib runs on the Dockerfile's runtime image:
# every shared library it loads (ldd, transitively) must come from Debian 12 slim's base (Essential or
# Priority: required packages) or from the runtime packages the Dockerfile installs and their dependencies:
#   libgit2-1.8 (bookworm-backports) libyaml-0-2 libcurl4 ca-certificates
# No Swift runtime library may be loaded dynamically, and nothing may be "not found".
# Usage: scripts/check-runtime-deps.sh [BINARY]   (default: $IMAGEBUMP_RELEASE_BIN, else builds it)
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_pkgs=(libgit2-1.8 libyaml-0-2 libcurl4 ca-certificates)
bin="${1:-${IMAGEBUMP_RELEASE_BIN:-}}"
if [[ -z $bin ]]; then
  # both executables ship: imagebump (edits) and imagebump-git (commit/push/merge requests) beside it
  for product in imagebump imagebump-git; do
    echo "building: swift build -c release --static-swift-stdlib --product $product"
    swift build -c release --static-swift-stdlib --scratch-path .build-release --product "$product" >&2
  done
  dir="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)"
  bash "$0" "$dir/imagebump" && bash "$0" "$dir/imagebump-git"
  exit
fi
[[ -x $bin ]] || { echo "not an executable: $bin" >&2; exit 1; }

ldd_out="$(ldd "$bin")"
status=0
if grep -q 'not found' <<<"$ldd_out"; then
  echo "missing libraries:" >&2
  grep 'not found' <<<"$ldd_out" >&2
  status=1
fi
if grep -Eq 'libswift|libFoundation|libdispatch|libBlocksRuntime|lib_FoundationICU' <<<"$ldd_out"; then
  echo "the Swift runtime is linked dynamically (expected --static-swift-stdlib):" >&2
  grep -E 'libswift|libFoundation|libdispatch|libBlocksRuntime|lib_FoundationICU' <<<"$ldd_out" >&2
  status=1
fi

# Neither executable may carry ICU's data (icudt*_dat, ~34 MB, most of a binary's size): it comes with Foundation
# beyond FoundationEssentials (CharacterSet, DateFormatter, JSONSerialization, NSLock, …), even for one use.
# Checked on the unstripped build output (a stripped binary has no symbols to look at).
# (grep -c, not -q: under pipefail an early exit of grep would fail nm with SIGPIPE and hide the match.)
if [[ $(nm "$bin" 2>/dev/null | grep -Ec ' icudt[0-9]+_dat$') != 0 ]]; then
  echo "$(basename "$bin") links ICU data (icudt*_dat): one of its modules uses Foundation beyond FoundationEssentials" >&2
  status=1
fi

echo "direct (NEEDED): $(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"

# Library paths → owning packages.
mapfile -t paths < <(awk '/=> \// {print $3} /^\s*\/[^ ]+ \(/ {print $1}' <<<"$ldd_out" | sort -u)
owners=()
for p in "${paths[@]}"; do
  pkg=""
  for cand in "$p" "$(readlink -f "$p")" "/usr${p}" "${p#/usr}"; do
    if out="$(dpkg-query -S "$cand" 2>/dev/null)"; then
      pkg="${out%%:*}"
      break
    fi
  done
  owners+=("$p=${pkg:-?}")
done

python3 - "${runtime_pkgs[*]}" "${owners[@]}" <<'EOF' || status=1
import re, subprocess, sys

roots = sys.argv[1].split()
owners = [a.split("=", 1) for a in sys.argv[2:]]

rows = subprocess.run(
    ["dpkg-query", "-W", "-f", "${Package}\t${Essential}\t${Priority}\t${Depends}, ${Pre-Depends}\t${Provides}\n"],
    capture_output=True, text=True, check=True).stdout.splitlines()
info, provides = {}, {}
for row in rows:
    pkg, ess, prio, deps, prov = (row.split("\t") + [""] * 5)[:5]
    info[pkg] = (ess == "yes", prio, deps)
    for p in filter(None, (x.strip().split(" ")[0] for x in prov.split(","))):
        provides.setdefault(p, []).append(pkg)

def resolve(name):
    name = name.split(":")[0]
    return [name] if name in info else provides.get(name, [])

def closure(roots, why_root):
    seen = {}
    todo = [(r, why_root) for r in roots]
    while todo:
        pkg, why = todo.pop()
        if pkg in seen:
            continue
        if pkg not in info:
            print(f"package {pkg} is not installed here; cannot check its dependencies", file=sys.stderr)
            sys.exit(1)
        seen[pkg] = why
        for group in info[pkg][2].split(","):
            for alt in group.split("|"):
                name = re.sub(r"\(.*?\)|\[.*?\]", "", alt).strip()
                for real in (resolve(name) if name else []):
                    todo.append((real, f"dependency of {pkg}"))
    return seen

# debian:12-slim is the minbase set: Essential and Priority: required packages with their dependencies
# (apt among them, which brings libstdc++6).
base = closure(sorted(p for p, (ess, prio, _) in info.items() if ess or prio == "required"), "Debian base")
allowed = closure(roots, "runtime package")

bad = 0
for path, pkg in owners:
    if pkg in base:
        why = "Debian base: " + base[pkg]
    elif pkg in allowed:
        why = allowed[pkg]
    else:
        why = "NOT in the runtime image"
        bad += 1
    print(f"  {path:<48} {pkg:<22} {why}")
if bad:
    print(f"{bad} librar{'y' if bad == 1 else 'ies'} would be missing on the runtime image", file=sys.stderr)
    sys.exit(1)
print(f"all {len(owners)} libraries come from the Debian base or from: {' '.join(roots)}")
EOF
exit "$status"
