#!/usr/bin/env bash
# GitHub Action entrypoint: maps the action's INPUT_* variables to `imagebump set` options and runs it.
#
# - The token never goes on the command line: it is masked (::add-mask::), exported as IMAGEBUMP_TOKEN and
#   named with --token-env.
# - Values are passed as separate argv words (no eval, no word splitting of user text except where a list
#   input is documented as space/newline separated).
# - imagebump itself writes changed/commit/branch/pr-url/pr-number to $GITHUB_OUTPUT and the change table to
#   $GITHUB_STEP_SUMMARY.
set -euo pipefail

bin="${IMAGEBUMP_BIN:-imagebump}"

# input NAME: the value of input NAME (the runner exports it as INPUT_<NAME upper-cased>, hyphens kept,
# which a shell cannot read as $VAR; printenv can).
input() {
  local name="INPUT_${1^^}"
  name="${name// /_}"
  printenv "$name" || true
}

# list NAME [SEPARATORS]: split a list input into the array LIST, one item per line; a single line is
# split on the separators (default: blanks). Empty items are dropped.
list() {
  local raw line item sep="${2:-$' \t'}"
  local -a items
  LIST=()
  raw="$(input "$1")"
  while IFS= read -r line; do
    IFS="$sep" read -r -a items <<<"$line"
    for item in "${items[@]}"; do
      item="${item#"${item%%[![:space:]]*}"}"
      item="${item%"${item##*[![:space:]]}"}"
      if [[ -n $item ]]; then LIST+=("$item"); fi
    done
  done <<<"$raw"
}

truthy() {
  case "$(input "$1" | tr '[:upper:]' '[:lower:]')" in
    true | yes | 1 | on) return 0 ;;
    *) return 1 ;;
  esac
}

# command_data TEXT: TEXT as a workflow command's data (%, CR, LF escaped as the runner unescapes them), so that an
# input value holding a line break cannot end the command and start a line of its own.
command_data() {
  local d="$*"
  d="${d//%/%25}"
  d="${d//$'\r'/%0D}"
  printf '%s' "${d//$'\n'/%0A}"
}

fail() {
  echo "::error title=imagebump action::$(command_data "$*")"
  exit 64
}

# mask SECRET: ::add-mask:: for each of its lines, so the runner masks it wherever it shows up.
mask() {
  local line
  while IFS= read -r line; do
    line="${line%$'\r'}"
    if [[ -n $line ]]; then echo "::add-mask::$(command_data "$line")"; fi
  done <<<"$1"
}

# The token: mask it first, then hand it over by name only.
token="$(input token)"
if [[ -n $token ]]; then
  mask "$token"
  export IMAGEBUMP_TOKEN="$token"
fi
unset INPUT_TOKEN token
# The source repository's token (the stale-run check fetches its history): masked and handed over by name too.
source_token="$(input source-token)"
if [[ -n $source_token ]]; then
  mask "$source_token"
  export IMAGEBUMP_SOURCE_TOKEN="$source_token"
fi
unset source_token
# The signing key: masked and handed over by name too, so that it is in no argv.
signing_key="$(input signing-key)"
if [[ -n $signing_key ]]; then
  mask "$signing_key"
  export IMAGEBUMP_SIGNING_KEY="$signing_key"
fi
unset signing_key

mode="$(input mode)"
mode="${mode:-push}"
environment="$(input environment)"
if [[ $mode == promote ]]; then
  from="$(input promote-from)"
  [[ -n $from && -n $environment ]] || fail "mode promote needs the inputs 'promote-from' and 'environment'"
  # the images come from promote-from; the files and the way to reach it (push or pull request) from the environment
  args=(promote "$from" "$environment" --output text)
  mode=push
else
  if [[ $mode == update ]]; then
    # each image's tag picked from its registry's by the policy inputs (else imagebump.yaml's update:), pushed or
    # reaching an environment as its imagebump.yaml mode says
    args=(update --output text)
    mode=push
  else
    args=(set --output text)
  fi
  list files $'\n' # one path per line: a path may hold spaces
  for f in "${LIST[@]}"; do args+=(--file "$f"); done
  if [[ -n $environment ]]; then args+=(--env "$environment"); fi
  ((${#LIST[@]})) || [[ -n $environment ]] ||
    fail "give the input 'files' (paths in the repository) or 'environment' (of its imagebump.yaml): without either the whole repository, production included, would be edited"
fi
case "$mode" in
  push | pull-request | check | none) ;;
  merge-request) mode=pull-request ;;
  *) fail "input 'mode' must be push, pull-request, check, none, promote or update, got '$mode'" ;;
esac

repository="$(input repository)"
if [[ -n $repository && $mode == none ]] && ! truthy dry-run; then
  fail "input 'mode' none edits the workspace checkout only; with 'repository' use push, pull-request, check or dry-run"
fi
if [[ -n $repository ]]; then
  if [[ $repository =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
    repository="${GITHUB_SERVER_URL:-https://github.com}/${repository}.git"
  fi
  args+=(--repo "$repository")
elif [[ $mode != none ]]; then
  # No repository given: commit to the checked-out workspace repository. It belongs to the runner's user
  # while a container action runs as root, and libgit2 (like git) refuses a repository owned by another user
  # unless safe.directory lists it: list it in a throw-away XDG config (the container's /tmp).
  workspace="${GITHUB_WORKSPACE:-$PWD}"
  args+=(--repo "$workspace")
  if [[ $(id -u) -eq 0 ]]; then
    XDG_CONFIG_HOME="$(mktemp -d)"
    export XDG_CONFIG_HOME
    mkdir -p "$XDG_CONFIG_HOME/git"
    printf '[safe]\n\tdirectory = %s\n' "$workspace" >"$XDG_CONFIG_HOME/git/config"
  fi
fi

source_repository="$(input source-repository)"
if [[ -n $source_repository ]]; then
  args+=(--source-repo "$source_repository")
  if [[ -n ${IMAGEBUMP_SOURCE_TOKEN:-} ]]; then args+=(--source-token-env IMAGEBUMP_SOURCE_TOKEN); fi
fi

branch="$(input branch)"
if [[ -n $branch ]]; then args+=(--branch "$branch"); fi
push_branch="$(input push-branch)"
if [[ -n $push_branch ]]; then args+=(--push-branch "$push_branch"); fi
via="$(input via)"
if [[ -n $via && $via != git ]]; then args+=(--via "$via"); fi
if [[ -n ${IMAGEBUMP_TOKEN:-} ]]; then args+=(--token-env IMAGEBUMP_TOKEN); fi

message="$(input commit-message)"
if [[ -n $message ]]; then args+=(--message "$message"); fi
author="$(input author)"
if [[ -n $author ]]; then args+=(--author "$author"); fi
if [[ -n ${IMAGEBUMP_SIGNING_KEY:-} ]]; then
  signing_format="$(input signing-format)"
  args+=(--sign-key-env IMAGEBUMP_SIGNING_KEY --sign-format "${signing_format:-ssh}")
fi

# The pull request options go with every mode: an environment (or promote) with mode merge-request turns a push
# into a pull request, and imagebump ignores them when it opens none.
args+=(--forge github)
title="$(input title)"
if [[ -n $title ]]; then args+=(--title "$title"); fi
list labels ','
for l in "${LIST[@]}"; do args+=(--label "$l"); done
list reviewers ','
for r in "${LIST[@]}"; do args+=(--reviewer "$r"); done
list assignees ','
for a in "${LIST[@]}"; do args+=(--assignee "$a"); done
if truthy draft; then args+=(--draft); fi
if truthy auto-merge; then args+=(--auto-merge); fi

# the images' registries, asked before anything is written or pushed
if truthy verify; then args+=(--verify); fi
if truthy pin-digest; then args+=(--pin-digest); fi
if [[ ${args[0]} == update ]]; then
  semver="$(input semver)"
  if [[ -n $semver ]]; then args+=(--semver "$semver"); fi
  numerical="$(input numerical)"
  if [[ -n $numerical ]]; then args+=(--numerical "$numerical"); fi
  alphabetical="$(input alphabetical)"
  if [[ -n $alphabetical ]]; then args+=(--alphabetical "$alphabetical"); fi
  if truthy digest; then args+=(--digest); fi
  tag_regex="$(input tag-regex)"
  if [[ -n $tag_regex ]]; then args+=(--tag-regex "$tag_regex"); fi
  tag_extract="$(input tag-extract)"
  if [[ -n $tag_extract ]]; then args+=(--tag-extract "$tag_extract"); fi
fi

if truthy dry-run; then
  args+=(--dry-run)
else
  case "$mode" in
    push) args+=(--push) ;;
    pull-request) args+=(--pull-request) ;;
    check) args+=(--check) ;;
    none) ;;
  esac
fi

list args
args+=("${LIST[@]}")

if [[ ${args[0]} == set ]]; then
  list images $' \t,'
  ((${#LIST[@]})) || fail "input 'images' is required (e.g. ghcr.io/owner/app:\${{ github.sha }})"
  args+=("${LIST[@]}")
elif [[ ${args[0]} == update ]]; then
  list images $' \t,' # the names to update; none: every image of the files
  args+=("${LIST[@]}")
fi

echo "::group::imagebump arguments"
# The command line, with any credentials in URLs redacted.
{
  printf 'imagebump'
  printf ' %q' "${args[@]}"
  printf '\n'
} | sed -E 's#(://)[^/[:space:]]*@#\1***@#g'
echo "::endgroup::"

# (INPUT_SOURCE-TOKEN and INPUT_SIGNING-KEY cannot be unset by the shell: their names hold a hyphen)
exec env -u INPUT_SOURCE-TOKEN -u INPUT_SIGNING-KEY "$bin" "${args[@]}"
