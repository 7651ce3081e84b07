#!/usr/bin/env bash
# The one place a release version is written. BuildInfo.version (Sources/Support/BuildInfo/BuildInfo.swift) is the version;
# the GitHub Action's image, the GitLab component's default image and the classic template's IMAGEBUMP_TOOL_IMAGE
# name it as their immutable image tag.
#
#   scripts/stamp-version.sh --prepare vX.Y.Z   release preparation (committed, then tagged vX.Y.Z): writes X.Y.Z into
#                                               BuildInfo.version, action/action.yml's image (X.Y.Z-action) and the
#                                               component's and the classic template's default image (X.Y.Z), and
#                                               today's date (UTC, or $STAMP_DATE) into BuildInfo.date, the man
#                                               page's (then run scripts/gen_manpage.py)
#   scripts/stamp-version.sh vX.Y.Z             release build (not committed): as --prepare but the date (the man
#                                               page's stays the committed one), and also BuildInfo.commit
#                                               = the checked-out commit (git rev-parse HEAD, or $STAMP_COMMIT)
#   scripts/stamp-version.sh --check [vX.Y.Z]   exit 1 unless the action's and the templates' image tags equal
#                                               BuildInfo.version (and, with a tag, the tag's version)
# Paths are relative to the repository root (or $STAMP_ROOT, for a scratch copy).
set -euo pipefail

root="${STAMP_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}"
buildinfo="$root/Sources/Support/BuildInfo/BuildInfo.swift"
action="$root/action/action.yml"
component="$root/ci-templates/templates/imagebump/template.yml"
classic="$root/ci-templates/imagebump.gitlab-ci.yml"
image_repo="ghcr.io/imagebump/imagebump"

die() { echo "stamp-version: $*" >&2; exit 1; }

usage() { sed -n '2,16p' "$0" >&2; exit 64; }

# vX.Y.Z → X.Y.Z (release tags only: no pre-release or build suffix, no leading zeros).
tag_version() {
  [[ $1 =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]] || die "not a release tag vX.Y.Z: '$1'"
  printf '%s.%s.%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "${BASH_REMATCH[3]}"
}

# The single value each file holds (sed -n with exactly one match, else an error naming the file).
one_match() {
  local file="$1" script="$2" what="$3" out
  out="$(sed -nE "$script" "$file")"
  [[ -n $out && $(wc -l <<<"$out") -eq 1 ]] || die "$file: expected exactly one $what"
  printf '%s\n' "$out"
}
buildinfo_version() { one_match "$buildinfo" 's/^ *public static let version = "([^"]*)"$/\1/p' 'BuildInfo.version line'; }
buildinfo_date() { one_match "$buildinfo" 's/^ *public static let date = "([0-9]{4}-[0-9]{2}-[0-9]{2})"$/\1/p' 'BuildInfo.date line (YYYY-MM-DD)'; }
action_image() { one_match "$action" 's|^  image: docker://(.*)$|\1|p' "runs.image line"; }
# The component's `image` input default: the `default:` line right after `image:` and its description.
component_image() {
  one_match "$component" '/^    image:$/,/^(    [a-z_]+:|---)$/ s/^      default: (.*)$/\1/p' "default of the 'image' input"
}

classic_image() { one_match "$classic" 's/^  IMAGEBUMP_TOOL_IMAGE: (.*)$/\1/p' "IMAGEBUMP_TOOL_IMAGE line"; }

# Rewrite FILE with the sed SCRIPT atomically (temp + rename).
rewrite() {
  local file="$1" script="$2" tmp
  tmp="$(mktemp "$file.XXXXXX")"
  if ! { sed -E "$script" "$file" >"$tmp" && chmod --reference="$file" "$tmp" && mv "$tmp" "$file"; }; then
    rm -f "$tmp"
    return 1
  fi
}

stamp() {
  local version="$1" commit="$2"
  local commit_literal="nil"
  [[ -n $version ]] || die "no version"
  if [[ -n $commit ]]; then
    [[ $commit =~ ^[0-9a-f]{7,64}$ ]] || die "not a commit id: '$commit'"
    commit_literal="\"$commit\""
  fi
  # Check every file has its line before touching any of them.
  buildinfo_version >/dev/null
  buildinfo_date >/dev/null
  action_image >/dev/null
  component_image >/dev/null
  classic_image >/dev/null
  one_match "$buildinfo" 's/^ *(public static let commit: String\? = .*)$/\1/p' 'BuildInfo.commit line' >/dev/null
  rewrite "$buildinfo" "s/^( *public static let version = )\"[^\"]*\"$/\1\"$version\"/; s/^( *public static let commit: String\? = ).*$/\1$commit_literal/"
  rewrite "$action" "s|^(  image: docker://).*$|\1$image_repo:$version-action|"
  rewrite "$component" "/^    image:\$/,/^(    [a-z_]+:|---)\$/ s|^(      default: ).*\$|\1$image_repo:$version|"
  rewrite "$classic" "s|^(  IMAGEBUMP_TOOL_IMAGE: ).*\$|\1$image_repo:$version|"
  check "$version"
  echo "stamped $version${commit:+ ($commit)}"
}

check() {
  local want="${1:-}" version status=0
  version="$(buildinfo_version)"
  buildinfo_date >/dev/null || status=1
  [[ -z $want || $version == "$want" ]] || { echo "BuildInfo.version is $version, the tag says $want" >&2; status=1; }
  local a c t
  a="$(action_image)"
  c="$(component_image)"
  t="$(classic_image)"
  [[ $a == "$image_repo:$version-action" ]] ||
    { echo "action/action.yml runs.image is $a, expected $image_repo:$version-action (BuildInfo.version)" >&2; status=1; }
  [[ $c == "$image_repo:$version" ]] ||
    { echo "the component's default image is $c, expected $image_repo:$version (BuildInfo.version)" >&2; status=1; }
  [[ $t == "$image_repo:$version" ]] ||
    { echo "the classic template's IMAGEBUMP_TOOL_IMAGE is $t, expected $image_repo:$version (BuildInfo.version)" >&2; status=1; }
  ((status == 0)) && echo "ok: BuildInfo.version $version = action image tag = component and classic template default image tags"
  return "$status"
}

case "${1:-}" in
  --prepare)
    [[ $# -eq 2 ]] || usage
    version="$(tag_version "$2")"
    day="${STAMP_DATE:-$(date -u +%F)}"
    [[ $day =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "not a date YYYY-MM-DD: '$day'"
    stamp "$version" ""
    rewrite "$buildinfo" "s/^( *public static let date = )\"[^\"]*\"$/\1\"$day\"/"
    buildinfo_date >/dev/null
    echo "dated $day: regenerate the man page (scripts/gen_manpage.py)"
    ;;
  --check)
    [[ $# -le 2 ]] || usage
    version=""
    if [[ $# -eq 2 ]]; then version="$(tag_version "$2")"; fi
    check "$version"
    ;;
  v*)
    [[ $# -eq 1 ]] || usage
    version="$(tag_version "$1")"
    commit="${STAMP_COMMIT:-$(git -C "$root" rev-parse HEAD 2>/dev/null || true)}"
    [[ -n $commit ]] || die "no git commit to stamp (not a git checkout; set STAMP_COMMIT)"
    stamp "$version" "$commit"
    ;;
  *) usage ;;
esac
