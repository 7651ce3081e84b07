#!/usr/bin/env bash
# Package.resolved's pins checked against the packages' own repositories (each pin's `location`).
#
# The development machines fetch https://github.com/* from local mirrors whose commit ids are not upstream's, so the
# committed revisions may name commits that do not exist upstream. SwiftPM checks a version pin out by its
# revision — always with --force-resolved-versions, and in a plain build whenever the file's originHash matches the
# manifest — and then fails with "Couldn't check out revision …: reference is not a tree". So, for each pin:
#   - upstream's tag for the pinned version names the pinned revision  → ok;
#   - the tag does not exist upstream                                   → error: that version cannot be built;
#   - the tag names another commit → a warning, and the pin's revision is rewritten to upstream's commit (the
#     version stays; the build then checks out exactly that commit), or with --strict an error.
# Where the locations resolve to the mirrors (git's url.insteadOf), nothing differs and nothing is written.
# Usage: scripts/repin-upstream.sh [--strict] [PACKAGE_RESOLVED]   (default: Package.resolved)
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1

strict=0
if [[ ${1:-} == --strict ]]; then
  strict=1
  shift
fi
file="${1:-Package.resolved}"
[[ -f $file ]] || { echo "repin-upstream: no $file" >&2; exit 1; }

# A GitHub Actions annotation too, when running there.
say() { # LEVEL MESSAGE
  [[ ${GITHUB_ACTIONS:-} == true ]] && printf '::%s file=%s::%s\n' "$1" "$file" "$2"
  printf '%s: %s\n' "$1" "$2"
}

mapfile -t pins < <(python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["pins"]:
    s = p["state"]
    if p.get("kind") == "remoteSourceControl" and s.get("version") and s.get("revision"):
        print(p["identity"], p["location"], s["version"], s["revision"], sep="\t")
    else:
        print("unchecked", p["identity"], json.dumps(s), sep="\t")
' "$file")

status=0
rewrites=()
for line in "${pins[@]}"; do
  IFS=$'\t' read -r identity location version revision <<<"$line"
  if [[ $identity == unchecked ]]; then
    say error "$location: only version pins of remote repositories are checked, this one is $version"
    status=1
    continue
  fi
  if ! refs="$(git ls-remote "$location" "refs/tags/$version" "refs/tags/$version^{}")"; then
    say error "$identity: cannot list $location"
    status=1
    continue
  fi
  # An annotated tag is listed twice; its peeled line (^{}) names the commit.
  upstream="$(awk '$2 ~ /\^\{\}$/ { peeled = $1 } { first = first ? first : $1 } END { print peeled ? peeled : first }' <<<"$refs")"
  if [[ -z $upstream ]]; then
    say error "$identity $version: no tag $version at $location — the pinned version does not exist there"
    status=1
  elif [[ $upstream == "$revision" ]]; then
    echo "ok: $identity $version = $revision ($location)"
  elif ((strict)); then
    say error "$identity $version is pinned to $revision, but $location's tag $version is $upstream"
    status=1
  else
    say warning "$identity $version: pinned revision $revision is not $location's tag $version; building its commit $upstream"
    rewrites+=("$revision" "$upstream")
  fi
done
((status == 0)) || exit "$status"

if ((${#rewrites[@]})); then
  # The revisions are 40-hex ids, each in the file once: replace them in place, the rest byte for byte as is.
  python3 - "$file" "${rewrites[@]}" <<'EOF'
import sys
path, pairs = sys.argv[1], sys.argv[2:]
text = open(path).read()
for old, new in zip(pairs[0::2], pairs[1::2]):
    needle = f'"revision" : "{old}"'
    assert text.count(needle) == 1, f"{old} is not in {path} exactly once"
    text = text.replace(needle, f'"revision" : "{new}"')
open(path, "w").write(text)
EOF
  echo "rewrote $((${#rewrites[@]} / 2)) revision(s) in $file; versions unchanged"
fi
