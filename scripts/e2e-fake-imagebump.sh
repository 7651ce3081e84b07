#!/usr/bin/env bash
# NOT imagebump. A stand-in used only by `scripts/e2e-platforms.sh --self-test` so the platform harness can test
# itself before the real executable has its git options: it clones with the git CLI, bumps kustomize `newTag`
# lines with sed (exactly the fragile approach imagebump replaces), commits with provenance trailers, pushes, and
# writes the dotenv / $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY files in the shape the harness expects from imagebump.
set -euo pipefail
[[ ${1:-} == set ]] || exit 64; shift
if [[ ${1:-} == --help ]]; then echo "--repo --branch --push --dotenv"; exit 0; fi
files=() specs=() repo="" branch="" push=0 dotenv="" token_env=IMAGEBUMP_TOKEN
while (($#)); do
  case "$1" in
    --file|-f) files+=("$2"); shift 2 ;;
    --repo) repo="$2"; shift 2 ;;
    --branch) branch="$2"; shift 2 ;;
    --dotenv) dotenv="$2"; shift 2 ;;
    --token-env) token_env="$2"; shift 2 ;;
    --output) shift 2 ;;
    --push) push=1; shift ;;
    --*) echo "fake: unsupported $1" >&2; exit 64 ;;
    *) specs+=("$1"); shift ;;
  esac
done
[[ -n ${!token_env:-} ]] && echo "fake: token from $token_env"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if [[ -d $repo ]]; then
  cd "$repo"   # a local path: used in place
  git rev-parse --git-dir >/dev/null   # fails like libgit2 on a repository owned by someone else without safe.directory
else
  git clone -q ${branch:+--branch "$branch"} "$repo" "$tmp/repo"
  cd "$tmp/repo"
fi
imgs=()
for s in "${specs[@]}"; do
  name="${s%:*}" tag="${s##*:}"; imgs+=("$s")
  for f in "${files[@]}"; do
    sed -i "/name: ${name//\//\\/}\$/{n;s/newTag: \"\\?[^\" ]*\"\\?/newTag: \"$tag\"/}" "$f"
  done
done
changed=false commit=""
if ! git diff --quiet; then
  changed=true
  src="${CI_PROJECT_URL:-${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}}"
  sha="${CI_COMMIT_SHA:-${GITHUB_SHA:-}}"
  pipe="${CI_PIPELINE_URL:-${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}}"
  git -c user.name=imagebump -c user.email=imagebump@localhost commit -qam "chore(deploy): bump ${imgs[*]}" \
    -m "Source-Repository: $src
Source-Commit: $sha
Source-Pipeline: $pipe"
  ((push)) && git push -q origin "HEAD:${branch:-main}"
  commit="$(git rev-parse HEAD)"
fi
cd - >/dev/null
if [[ -n $dotenv ]]; then printf 'IMAGEBUMP_CHANGED=%s\nIMAGEBUMP_COMMIT=%s\nIMAGEBUMP_BRANCH=%s\n' "$changed" "$commit" "${branch:-main}" > "$dotenv"; fi
if [[ -n ${GITHUB_OUTPUT:-} ]]; then printf 'changed=%s\ncommit=%s\nbranch=%s\npr-url=\npr-number=\n' "$changed" "$commit" "${branch:-main}" >> "$GITHUB_OUTPUT"; fi
if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then printf '| file | image | new |\n|---|---|---|\n| %s | %s | |\n' "${files[*]}" "${imgs[*]}" >> "$GITHUB_STEP_SUMMARY"; fi
echo "changed=$changed"
