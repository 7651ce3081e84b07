#!/usr/bin/env bash
# End-to-end simulation of the two CI platforms, push and merge-request/pull-request mode, against a loopback
# git server (and, for MR/PR mode, the loopback fake GitLab/GitHub API of the Swift tests):
#   GitLab: the CI/CD component's job (rendered with inputs as GitLab renders it), its `script:` run the way
#           GitLab Runner runs it (sh, `set -e`, each entry echoed) with the predefined CI_* variables and
#           the job's variables (expanded), in $CI_PROJECT_DIR: empty for GIT_STRATEGY none, else the runner's shallow
#           fetch (GIT_DEPTH) of the application repository, also served by the loopback daemon.
#   GitHub: action/entrypoint.sh run the way the runner runs a container action: every INPUT_* set (given
#           value or default), GITHUB_* variables, $GITHUB_OUTPUT / $GITHUB_STEP_SUMMARY files, cwd
#           $GITHUB_WORKSPACE.
# Checks: exit code, the commit that landed in the served repo (only the image's value changed, provenance
# trailers), a re-run is a no-op, the dotenv report / $GITHUB_OUTPUT / step summary, and that the canary token
# shows up nowhere but in the `::add-mask::` line.
#
# Usage: IMAGEBUMP=/path/to/imagebump scripts/e2e-platforms.sh
#        scripts/e2e-platforms.sh --self-test    # the harness against scripts/e2e-fake-imagebump.sh (git + sed)
# Network: `git daemon` on 127.0.0.1 with a free port; every other URL in the environment points at 127.0.0.1
# and is never contacted in push mode.
# MR/PR mode: the fake forge (Tests/TestSupport/FakeForgeScript.swift, extracted at run time) on 127.0.0.1 with a
# free port; checks the bot branch, exactly one MR/PR created and updated by a re-run with a new tag, the dotenv
# IMAGEBUMP_MR_URL/IMAGEBUMP_MR_IID, pr-url/pr-number outputs, the step summary and the token's confinement.
# Skipped (with a SKIP line) when `imagebump set --help` does not list --merge-request (e.g. --self-test).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root="$PWD"

bin="${IMAGEBUMP:-}"
if [[ ${1:-} == --self-test ]]; then
  bin="$root/scripts/e2e-fake-imagebump.sh"
  IMAGEBUMP="$bin"
  echo "self-test: running the harness against the git+sed stand-in, not imagebump"
fi
if [[ -z $bin ]]; then
  echo "usage: IMAGEBUMP=/path/to/imagebump $0" >&2
  exit 64
fi
bin="$(command -v "$bin" || true)"
if [[ -z $bin || ! -x $bin ]]; then
  echo "e2e-platforms: IMAGEBUMP=${IMAGEBUMP} is not an executable" >&2
  exit 64
fi
# The help text is read whole first: `cmd | grep -q` under pipefail fails with SIGPIPE (141) when grep exits
# before the command has written everything.
set_help="$("$bin" set --help 2>&1)"
for tool in git python3; do
  command -v "$tool" >/dev/null || { echo "e2e-platforms: $tool is required" >&2; exit 1; }
done
# scripts/ci_yaml.py needs PyYAML: this Python's, else the venv scripts/validate-ci.sh makes, else install it.
PY=python3
if ! "$PY" -c 'import yaml' 2>/dev/null; then
  if [[ -x .build-ci-venv/bin/python ]] && .build-ci-venv/bin/python -c 'import yaml' 2>/dev/null; then
    PY="$PWD/.build-ci-venv/bin/python"
  elif ! python3 -m pip install --quiet --disable-pip-version-check PyYAML 2>/dev/null; then
    python3 -m venv .build-ci-venv && .build-ci-venv/bin/python -m pip install --quiet PyYAML || exit 1
    PY="$PWD/.build-ci-venv/bin/python"
  fi
fi

work="$(mktemp -d)"
daemon_pid=""
forge_pid=""
forge_in=""
registry_pid=""
forge2_pid=""
cleanup() {
  if [[ -n $daemon_pid ]]; then kill "$daemon_pid" 2>/dev/null; wait "$daemon_pid" 2>/dev/null; fi
  if [[ -n $registry_pid ]]; then kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null; fi
  if [[ -n $forge_in ]]; then exec {forge_in}>&-; fi   # the fake forge stops when its stdin closes
  if [[ -n $forge_pid ]]; then kill "$forge_pid" 2>/dev/null; wait "$forge_pid" 2>/dev/null; fi
  if [[ -n $forge2_pid ]]; then kill "$forge2_pid" 2>/dev/null; wait "$forge2_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok    $*"; }
bad() { failed=$((failed + 1)); echo "FAIL  $*"; return 1; }
expect() { # expect DESCRIPTION COMMAND...
  local what="$1"
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}

canary="glpat-CANARY-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
old_tag="1.0.0"

# ---------------------------------------------------------------- the config repo and the server
git_q() { git -c init.defaultBranch=main -c user.name=setup -c user.email=setup@localhost "$@" >/dev/null 2>&1; }
src="$work/src"
mkdir -p "$src/apps/sample-app/base" "$src/apps/sample-app/overlays/production"
cat >"$src/apps/sample-app/base/deployment.yaml" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sample-app
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example.test/acme/app
        - name: worker
          image: registry.example.test/acme/worker
EOF
cat >"$src/apps/sample-app/base/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
EOF
cat >"$src/apps/sample-app/overlays/production/kustomization.yaml" <<EOF
# production overlay — comments and spacing must survive the bump
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: registry.example.test/acme/app
    newTag: "${old_tag}"   # bumped by CI
  - name: registry.example.test/acme/worker
    newTag: ${old_tag}
EOF
git_q init "$src" && git_q -C "$src" add -A && git_q -C "$src" commit -m "initial config"
mkdir -p "$work/srv"
git_q clone --bare "$src" "$work/srv/gitops.git"
git -C "$work/srv/gitops.git" config receive.denyNonFastForwards true

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --base-path="$work/srv" --export-all \
  --enable=receive-pack "$work/srv" >"$work/daemon.log" 2>&1 &
daemon_pid=$!
for _ in $(seq 1 50); do
  git ls-remote "git://127.0.0.1:$port/gitops.git" >/dev/null 2>&1 && break
  sleep 0.1
done
repo_url="git://127.0.0.1:$port/gitops.git"
git ls-remote "$repo_url" >/dev/null 2>&1 || { echo "e2e-platforms: git daemon did not start:" >&2; cat "$work/daemon.log" >&2; exit 1; }
echo "loopback git server: $repo_url"

# The application repository the images are built from (served too: the GitLab job's runner fetches it, the
# GitHub Action's stale-run check clones it). app_commit LABEL: a new commit on its main; prints its SHA.
app_src="$work/app-src"
git_q init "$app_src" && git_q -C "$app_src" commit --allow-empty -m "app: initial"
mkdir -p "$work/srv/acme"
git_q clone --bare "$app_src" "$work/srv/acme/app.git"
app_url="git://127.0.0.1:$port/acme/app.git"
app_commit() {
  git_q -C "$app_src" commit --allow-empty -m "app: $1" && git_q -C "$app_src" push "$work/srv/acme/app.git" HEAD:main
  git -C "$app_src" rev-parse HEAD
}

served() { git --git-dir="$work/srv/gitops.git" "$@"; }
not_in_file() { ! grep -qF -- "$1" "$2"; }
not_in_text() { ! grep -qF -- "$1" <<<"$2"; }
only_kv_lines() { ! grep -qvE '^[A-Z_][A-Z0-9_]*=' "$1"; }
comments_kept() { served show "$1:$overlay" | grep -q '# bumped by CI'; }
overlay="apps/sample-app/overlays/production/kustomization.yaml"

# check_landed LABEL BEFORE IMAGE TAG SOURCE_COMMIT: one new commit on main; the only changed line is IMAGE's tag.
check_landed() {
  local label="$1" before="$2" image="$3" tag="$4" source_commit="$5"
  local after count diff msg
  after="$(served rev-parse main)"
  count="$(served rev-list --count "$before..$after")"
  expect "$label: exactly one commit landed on main" test "$count" = 1
  diff="$(served diff --unified=0 "$before" "$after" | grep -E '^[-+][^-+]')"
  expect "$label: only the $image tag line changed" \
    test "$(grep -c . <<<"$diff")" = 2 -a "$(grep -c "$tag" <<<"$diff")" = 1
  expect "$label: comments survived" comments_kept "$after"
  msg="$(served log -1 --format=%B "$after")"
  expect "$label: commit message names the image" grep -q "$image" <<<"$msg"
  expect "$label: Source-Commit trailer" grep -q "^Source-Commit: .*$source_commit" <<<"$msg"
  expect "$label: Source-Pipeline trailer" grep -q "^Source-Pipeline: " <<<"$msg"
  expect "$label: canary token not in the commit" not_in_text "$canary" "$msg"
}

# ---------------------------------------------------------------- GitLab CI
gitlab_job() { # gitlab_job OUTFILE [--input NAME=VALUE]...: run the component's job as the runner would
  # ($gl_repo overrides the config repo URL, $gl_api the API URL; both default to the push-mode values)
  local out="$1" project_dir="$work/gitlab/builds/acme/app"
  shift
  local -a render=(--input "repo=${gl_repo:-$repo_url}" --input "files=$overlay" --input branch=main "$@")
  # $gl_as_written: only the given inputs (an example pipeline's, as written) and the repo
  if [[ -n ${gl_as_written:-} ]]; then render=("$@" --input "repo=${gl_repo:-$repo_url}"); fi
  if [[ $job == .imagebump ]]; then  # classic template: a job extending .imagebump sets these variables
    # shellcheck disable=SC2016 # ${CI_COMMIT_SHA} is for GitLab's variable expansion, as a user writes it
    render=(--set "IMAGEBUMP_REPO=$repo_url" --set "IMAGEBUMP_FILES=$overlay" --set IMAGEBUMP_TARGET_BRANCH=main
      --set 'IMAGEBUMP_IMAGES=registry.example.test/acme/worker:${CI_COMMIT_SHA}')
  fi
  rm -rf "$project_dir" && mkdir -p "$project_dir"
  local -a genv=(
    PATH="$PATH" HOME="$work/gitlab/home" LANG=C.UTF-8
    CI=true GITLAB_CI=true CI_SERVER=yes CI_SERVER_NAME=GitLab CI_SERVER_VERSION=17.6.0
    CI_SERVER_URL=http://127.0.0.1:9 CI_SERVER_HOST=127.0.0.1 CI_SERVER_FQDN=127.0.0.1:9
    CI_API_V4_URL="${gl_api:-http://127.0.0.1:9/api/v4}"
    CI_PROJECT_ID=42 CI_PROJECT_PATH=acme/app CI_PROJECT_NAME=app CI_PROJECT_NAMESPACE=acme
    CI_PROJECT_URL=http://127.0.0.1:9/acme/app CI_PROJECT_DIR="$project_dir" CI_BUILDS_DIR="$work/gitlab/builds"
    CI_DEFAULT_BRANCH=main CI_COMMIT_BRANCH=main CI_COMMIT_REF_NAME=main CI_COMMIT_REF_SLUG=main
    CI_COMMIT_SHA="$gl_sha" CI_COMMIT_SHORT_SHA="${gl_sha:0:8}" CI_COMMIT_TITLE="Add feature"
    CI_PIPELINE_ID=1001 CI_PIPELINE_IID=7 CI_PIPELINE_SOURCE=push
    CI_PIPELINE_URL=http://127.0.0.1:9/acme/app/-/pipelines/1001
    CI_JOB_ID=5001 CI_JOB_NAME=update-manifest CI_JOB_STAGE=deploy CI_JOB_URL=http://127.0.0.1:9/acme/app/-/jobs/5001
    CI_JOB_TOKEN=job-token-not-for-push CI_REGISTRY=registry.example.test
    CI_REGISTRY_IMAGE="${gl_image:-registry.example.test/acme/app}"
    GITLAB_USER_LOGIN=dev GITLAB_USER_NAME="Dev Eloper" GITLAB_USER_EMAIL=dev@example.test
    IMAGEBUMP_TOKEN="$canary" IMAGEBUMP_BIN="$bin"
  )
  mkdir -p "$work/gitlab/home"
  local -a jvars=()
  mapfile -d '' -t jvars < <(env -i "${genv[@]}" "$PY" "$root/scripts/ci_yaml.py" job-variables \
    "$root/$component" "$job" "${render[@]}")
  "$PY" "$root/scripts/ci_yaml.py" job-script "$root/$component" "$job" --runner "${render[@]}" >"$work/gitlab/script.sh"
  runner_checkout "$project_dir" "${jvars[@]}" >"$out" 2>&1 || return 1
  (cd "$project_dir" && env -i "${genv[@]}" "${gl_variables[@]}" "${jvars[@]}" sh "$work/gitlab/script.sh") >>"$out" 2>&1
}
gl_variables=() # the project's own CI/CD variables (NAME=VALUE), for the job that sets them

# runner_checkout DIR JOB_VARIABLE...: what GitLab Runner does before the script for GIT_STRATEGY fetch/clone: a
# shallow fetch (GIT_DEPTH) of the pipeline's ref and the branch through the job token (here: the loopback daemon),
# then a detached checkout of CI_COMMIT_SHA. GIT_STRATEGY none: nothing.
runner_checkout() {
  local dir="$1" strategy="" depth="" v
  shift
  for v in "$@"; do
    case "$v" in GIT_STRATEGY=*) strategy="${v#*=}" ;; GIT_DEPTH=*) depth="${v#*=}" ;; esac
  done
  [[ $strategy == fetch || $strategy == clone ]] || return 0
  git --git-dir="$work/srv/acme/app.git" update-ref refs/pipelines/1001 "$gl_sha"
  echo "runner: fetching $app_url (depth ${depth:-full}) and checking out $gl_sha"
  if ! { git_q init "$dir" && git_q -C "$dir" remote add origin "$app_url" &&
    git_q -C "$dir" fetch ${depth:+--depth "$depth"} origin "+refs/pipelines/1001:refs/pipelines/1001" \
      "+refs/heads/main:refs/remotes/origin/main" && git_q -C "$dir" checkout -f "$gl_sha"; }; then
    echo "runner: checkout of $gl_sha failed"
    return 1
  fi
}

# use_component: gitlab_job runs the CI/CD component's job (the classic template's is set where it is tested)
use_component() {
  component=ci-templates/templates/imagebump/template.yml
  job='$[[ inputs.job_name ]]'
}
use_component
gl_sha="$(app_commit gitlab-app-commit)"
echo "--- GitLab CI: component job, push mode"
before="$(served rev-parse main)"
gitlab_job "$work/gitlab/run1.log"
rc=$?
expect "gitlab: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/run1.log"
check_landed gitlab "$before" registry.example.test/acme/app "$gl_sha" "$gl_sha"
expect "gitlab: collapsible section markers in the log" grep -q 'section_start:[0-9]*:imagebump' "$work/gitlab/run1.log"
expect "gitlab: canary token not in the log" not_in_file "$canary" "$work/gitlab/run1.log"
dotenv="$work/gitlab/builds/acme/app/imagebump.env"
expect "gitlab: dotenv report written" test -s "$dotenv"
expect "gitlab: dotenv says changed" grep -qx 'IMAGEBUMP_CHANGED=true' "$dotenv"
expect "gitlab: dotenv has the pushed commit" grep -qx "IMAGEBUMP_COMMIT=$(served rev-parse main)" "$dotenv"
expect "gitlab: dotenv is KEY=VALUE lines only" only_kv_lines "$dotenv"

before="$(served rev-parse main)"
gitlab_job "$work/gitlab/run2.log"
rc=$?
expect "gitlab: re-run exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/run2.log"
expect "gitlab: re-run pushes nothing" test "$(served rev-parse main)" = "$before"
expect "gitlab: re-run dotenv says unchanged" grep -qx 'IMAGEBUMP_CHANGED=false' "$dotenv"

echo "--- GitLab CI: component job, dry_run: true"
before="$(served rev-parse main)"
refs_before="$(served for-each-ref)"
gl_sha_saved="$gl_sha"
gl_sha="$(app_commit gitlab-app-commit-dry)"
gitlab_job "$work/gitlab/dry.log" --input dry_run=true
rc=$?
expect "gitlab dry-run: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/dry.log"
expect "gitlab dry-run: the diff is in the log" grep -q "^+    newTag: \"$gl_sha\"" "$work/gitlab/dry.log"
expect "gitlab dry-run: the diff names the overlay" grep -qx -- "--- a/$overlay" "$work/gitlab/dry.log"
expect "gitlab dry-run: remote unchanged" test "$(served rev-parse main)" = "$before" -a "$(served for-each-ref)" = "$refs_before"
expect "gitlab dry-run: canary token not in the log" not_in_file "$canary" "$work/gitlab/dry.log"
expect "gitlab dry-run (include by SHA: no component version): no version warning" \
  not_in_file 'warning: this is component' "$work/gitlab/dry.log"

echo "--- GitLab CI: component included as a catalog release (\$[[ component.version ]] resolved)"
own_version="$("$bin" --version)"
own_version="${own_version%% *}"
gitlab_job "$work/gitlab/release.log" --input dry_run=true --component "version=$own_version"
rc=$?
expect "gitlab release include: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/release.log"
expect "gitlab release include: the image's version is the component's, no warning" \
  not_in_file 'warning: this is component' "$work/gitlab/release.log"
gitlab_job "$work/gitlab/release-old-image.log" --input dry_run=true --component version=99.0.0
rc=$?
expect "gitlab release include, image at another version: job still runs" test "$rc" = 0 ||
  sed 's/^/      /' "$work/gitlab/release-old-image.log"
expect "gitlab release include, image at another version: warning names both versions" \
  grep -q "warning: this is component 99.0.0, but its image runs imagebump $own_version (input 'image')" \
  "$work/gitlab/release-old-image.log"
gl_sha="$gl_sha_saved"

# ---------------------------------------------------------------- GitHub Actions
github_action() { # github_action OUTFILE [NAME=VALUE...]: run the container action's entrypoint as the runner would
  local out="$1" d="$work/github"
  shift
  rm -rf "$d" && mkdir -p "$d/workspace" "$d/file_commands" "$d/home" "$d/temp"
  if [[ $* != *repository=* ]]; then
    # No repository input: the job checked the config repo out into the workspace (actions/checkout), as the
    # runner's user; the container action runs as root.
    git_q clone --branch main "$repo_url" "$d/workspace"
    if [[ $(id -u) -eq 0 ]]; then chown -R 1001:1001 "$d/workspace"; fi
  fi
  : >"$d/file_commands/output" && : >"$d/file_commands/summary" && : >"$d/file_commands/env"
  local -a genv=(
    PATH="$PATH" HOME="$d/home" LANG=C.UTF-8
    CI=true GITHUB_ACTIONS=true GITHUB_ACTION=bump GITHUB_ACTOR=dev GITHUB_ACTOR_ID=1001
    GITHUB_REPOSITORY=acme/app GITHUB_REPOSITORY_OWNER=acme GITHUB_SHA="$gh_sha"
    GITHUB_REF=refs/heads/main GITHUB_REF_NAME=main GITHUB_EVENT_NAME=push
    GITHUB_SERVER_URL="${gh_server:-http://127.0.0.1:9}" GITHUB_API_URL="${gh_api:-http://127.0.0.1:9/api/v3}"
    GITHUB_GRAPHQL_URL="${gh_api:-http://127.0.0.1:9/api}/graphql"
    GITHUB_RUN_ID=9001 GITHUB_RUN_NUMBER=12 GITHUB_RUN_ATTEMPT=1 GITHUB_WORKFLOW="Build and Deploy"
    GITHUB_JOB=update-manifest GITHUB_WORKSPACE="$d/workspace"
    GITHUB_OUTPUT="$d/file_commands/output" GITHUB_STEP_SUMMARY="$d/file_commands/summary"
    GITHUB_ENV="$d/file_commands/env" RUNNER_OS=Linux RUNNER_ARCH=X64 RUNNER_TEMP="$d/temp"
    GITHUB_TOKEN="$canary" IMAGEBUMP_BIN="$bin"
  )
  local -a inputs=() gh_defaults=(branch=main "files=$overlay")
  # $gh_as_written: only the given inputs (an example workflow's step, as written)
  if [[ -n ${gh_as_written:-} ]]; then gh_defaults=(); fi
  mapfile -d '' -t inputs < <(env -i "${genv[@]}" "$PY" "$root/scripts/ci_yaml.py" action-env "$root/action/action.yml" \
    "${gh_defaults[@]}" "source-repository=$app_url" "$@")
  (cd "$d/workspace" && env -i "${genv[@]}" "${inputs[@]}" "$root/action/entrypoint.sh") >"$out" 2>&1
}

# output_value NAME FILE: a value from a $GITHUB_OUTPUT file (NAME=VALUE or NAME<<DELIM ... DELIM)
output_value() {
  python3 - "$1" "$2" <<'EOF'
import sys
name, path = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().splitlines()
i, found = 0, None
while i < len(lines):
    line = lines[i]
    if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
        key, delim = line.split("<<", 1)
        j = lines.index(delim, i + 1)
        val, i = "\n".join(lines[i + 1:j]), j + 1
    else:
        key, _, val = line.partition("=")
        i += 1
    if key == name:
        found = val
if found is None:
    sys.exit(1)
print(found)
EOF
}

echo "--- GitLab CI: classic template, a job extending .imagebump"
component=ci-templates/imagebump.gitlab-ci.yml
job=.imagebump
gl_sha="$(app_commit gitlab-app-commit-classic)"
before="$(served rev-parse main)"
gitlab_job "$work/gitlab/run3.log"
rc=$?
expect "gitlab classic: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/run3.log"
check_landed "gitlab classic" "$before" registry.example.test/acme/worker "$gl_sha" "$gl_sha"
expect "gitlab classic: dotenv has the pushed commit" grep -qx "IMAGEBUMP_COMMIT=$(served rev-parse main)" "$dotenv"

echo "--- GitHub Actions: container action entrypoint, push mode"
gh_sha="$(app_commit github-app-commit)"
before="$(served rev-parse main)"
github_action "$work/gh-run1.log" "images=registry.example.test/acme/worker:$gh_sha" "repository=$repo_url"
rc=$?
expect "github: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-run1.log"
check_landed github "$before" registry.example.test/acme/worker "$gh_sha" "$gh_sha"
out="$work/github/file_commands/output"
expect "github: output changed=true" test "$(output_value changed "$out")" = true
expect "github: output commit is the pushed commit" test "$(output_value commit "$out")" = "$(served rev-parse main)"
expect "github: output branch=main" test "$(output_value branch "$out")" = main
expect "github: step summary has a Markdown table" grep -q '^|' "$work/github/file_commands/summary"
expect "github: token masked before use" grep -qx "::add-mask::$canary" "$work/gh-run1.log"
expect "github: canary token only in ::add-mask:: lines" \
  test "$(grep -F "$canary" "$work/gh-run1.log" | grep -cvxF "::add-mask::$canary")" = 0 -a "$(grep -cF "$canary" "$work/github/file_commands/output" "$work/github/file_commands/summary" | awk -F: '{s += $2} END {print s}')" = 0

before="$(served rev-parse main)"
github_action "$work/gh-run2.log" "images=registry.example.test/acme/worker:$gh_sha" "repository=$repo_url"
rc=$?
expect "github: re-run exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-run2.log"
expect "github: re-run pushes nothing" test "$(served rev-parse main)" = "$before"
expect "github: re-run output changed=false" test "$(output_value changed "$work/github/file_commands/output")" = false

echo "--- GitHub Actions: dry-run: true"
before="$(served rev-parse main)"
refs_before="$(served for-each-ref)"
dry_sha="$(app_commit github-app-commit-dry)"
github_action "$work/gh-dry.log" "images=registry.example.test/acme/worker:$dry_sha" "repository=$repo_url" dry-run=true
rc=$?
expect "github dry-run: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-dry.log"
expect "github dry-run: the diff is in the log" grep -q "^+    newTag: $dry_sha" "$work/gh-dry.log"
expect "github dry-run: remote unchanged" test "$(served rev-parse main)" = "$before" -a "$(served for-each-ref)" = "$refs_before"
expect "github dry-run: canary token only in ::add-mask:: lines" \
  test "$(grep -F "$canary" "$work/gh-dry.log" | grep -cvxF "::add-mask::$canary")" = 0

echo "--- GitLab CI and GitHub Actions: promote mode (imagebump.yaml: staging → production)"
# a second config repo with environments, served by the same daemon
envs_src="$work/envs-src"
mkdir -p "$envs_src/envs/staging" "$envs_src/envs/production"
printf 'environments:\n  staging: {files: [envs/staging]}\n  production: {files: [envs/production]}\npromotion: [staging, production]\n' \
  >"$envs_src/imagebump.yaml"
printf 'images:\n  - name: registry.example.test/acme/app\n    newTag: 2.1.0\n' >"$envs_src/envs/staging/kustomization.yaml"
printf 'images:\n  - name: registry.example.test/acme/app\n    newTag: 2.0.0\n' >"$envs_src/envs/production/kustomization.yaml"
git_q init "$envs_src" && git_q -C "$envs_src" add -A && git_q -C "$envs_src" commit -m "environments"
git_q clone --bare "$envs_src" "$work/srv/envs.git"
envs() { git --git-dir="$work/srv/envs.git" "$@"; }
use_component
gl_repo="git://127.0.0.1:$port/envs.git" gitlab_job "$work/gitlab/promote.log" \
  --input mode=promote --input promote_from=staging --input environment=production
rc=$?
expect "gitlab promote: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/promote.log"
expect "gitlab promote: production runs what staging runs" \
  grep -q 'newTag: 2.1.0' <<<"$(envs show main:envs/production/kustomization.yaml)"
expect "gitlab promote: the commit says promote staging → production" \
  grep -qx 'chore(deploy): promote staging → production' <<<"$(envs log -1 --format=%s main)"
expect "gitlab promote: canary token not in the log" not_in_file "$canary" "$work/gitlab/promote.log"
git_q -C "$envs_src" pull --rebase "$work/srv/envs.git" main
printf 'images:\n  - name: registry.example.test/acme/app\n    newTag: 2.2.0\n' >"$envs_src/envs/staging/kustomization.yaml"
git_q -C "$envs_src" commit -am "staging 2.2.0" && git_q -C "$envs_src" push "$work/srv/envs.git" HEAD:main
github_action "$work/gh-promote.log" "repository=git://127.0.0.1:$port/envs.git" mode=promote promote-from=staging \
  environment=production
rc=$?
expect "github promote: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-promote.log"
expect "github promote: production runs what staging runs" \
  grep -q 'newTag: 2.2.0' <<<"$(envs show main:envs/production/kustomization.yaml)"
expect "github promote: output changed=true" test "$(output_value changed "$work/github/file_commands/output")" = true

echo "--- GitHub Actions: files whose paths hold spaces (one path per line)"
spaces_src="$work/spaces-src"
mkdir -p "$spaces_src/apps/my app" "$spaces_src/apps/other app"
for d in "my app" "other app"; do
  printf 'images:\n  - name: registry.example.test/acme/app\n    newTag: 1.0.0\n' >"$spaces_src/apps/$d/kustomization.yaml"
done
git_q init "$spaces_src" && git_q -C "$spaces_src" add -A && git_q -C "$spaces_src" commit -m "paths with spaces"
git_q clone --bare "$spaces_src" "$work/srv/spaces.git"
github_action "$work/gh-spaces.log" "repository=git://127.0.0.1:$port/spaces.git" \
  "images=registry.example.test/acme/app:1.1.0" "files=apps/my app
  apps/other app/kustomization.yaml  "
rc=$?
expect "github spaces: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-spaces.log"
for d in "my app" "other app"; do
  expect "github spaces: apps/$d was bumped" grep -q 'newTag: 1.1.0' \
    <<<"$(git --git-dir="$work/srv/spaces.git" show "main:apps/$d/kustomization.yaml")"
done

echo "--- GitLab CI: a URL password holding a raw @ is redacted whole in the log"
url_secret="ss-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
gl_repo="http://bot:pa@$url_secret@127.0.0.1:9/acme/none.git" gitlab_job "$work/gitlab/at-password.log" --input dry_run=true
expect "gitlab raw @ password: the command line shows the URL redacted" \
  grep -qF 'http://***@127.0.0.1:9/acme/none.git' "$work/gitlab/at-password.log"
expect "gitlab raw @ password: no part of the password in the log" not_in_file "$url_secret" "$work/gitlab/at-password.log"

echo "--- GitHub Actions: no repository input, commit to the workspace checkout (owned by the runner's user)"
gh_sha="$(app_commit github-app-commit-2)"
before="$(served rev-parse main)"
github_action "$work/gh-run3.log" "images=registry.example.test/acme/app:$gh_sha"
rc=$?
expect "github workspace: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-run3.log"
check_landed "github workspace" "$before" registry.example.test/acme/app "$gh_sha" "$gh_sha"
expect "github workspace: output commit is the pushed commit" \
  test "$(output_value commit "$work/github/file_commands/output")" = "$(served rev-parse main)"

echo "--- GitLab CI and GitHub Actions: verify / pin_digest, an image whose registry cannot be asked"
# 127.0.0.1:9 (discard) serves no registry: the check fails before anything is written, the job fails, nothing is pushed;
# at once: a connection refused on loopback is not retried (it was 5 tries, 1+2+4+8 s of back-off, per run)
if grep -q -- '--verify' <<<"$set_help"; then
  use_component
  for input in verify pin_digest; do
    flag="--${input//_/-}"
    before="$(served rev-parse main)"
    gl_image=127.0.0.1:9/acme/app gitlab_job "$work/gitlab/$input.log" --input "$input=true"
    rc=$?
    expect "gitlab $input: job exits 1" test "$rc" = 1 || sed 's/^/      /' "$work/gitlab/$input.log"
    expect "gitlab $input: the log names the image it could not check" \
      grep -qF -- "$flag: cannot check 127.0.0.1:9/acme/app:$gl_sha in its registry" "$work/gitlab/$input.log"
    expect "gitlab $input: nothing pushed" test "$(served rev-parse main)" = "$before"
    github_action "$work/gh-$input.log" "images=127.0.0.1:9/acme/worker:$gh_sha" "repository=$repo_url" "${flag#--}=true"
    rc=$?
    expect "github ${flag#--}: action exits 1" test "$rc" = 1 || sed 's/^/      /' "$work/gh-$input.log"
    expect "github ${flag#--}: the log names the image it could not check" \
      grep -qF -- "$flag: cannot check 127.0.0.1:9/acme/worker:$gh_sha in its registry" "$work/gh-$input.log"
    expect "github ${flag#--}: nothing pushed" test "$(served rev-parse main)" = "$before"
  done
else
  echo "SKIP: $bin set --help does not list --verify: registry scenarios not run"
fi

echo "--- GitLab CI and GitHub Actions: mode update, each policy input against a registry on loopback"
# The misbehaving registry of the Swift tests (Tests/TestSupport/RegistryScripts.swift), extracted from its Swift raw
# string and run on 127.0.0.1 with a certificate made here: every repository lists the same tags. A config repo of
# its own (one kustomization per policy) is served by the daemon; each input's run lands the tag it picks, once.
update_help="$("$bin" update --help 2>&1 || true)"
if grep -q -- '--numerical' <<<"$update_help" && command -v openssl >/dev/null; then
  awk '/^public let fakeRegistryScript = #"""/ { on = 1; next } on && /^"""#/ { exit } on' \
    "$root/Tests/TestSupport/RegistryScripts.swift" >"$work/fake_registry.py"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$work/registry.key" -out "$work/registry.pem" >/dev/null 2>&1
  : >"$work/registry.log"
  python3 "$work/fake_registry.py" --cert "$work/registry.pem" --key "$work/registry.key" --log "$work/registry.log" \
    --tags "1.0.0,1.1.0,2.0.0,main-aaa111-100,main-bbb222-300,build-7,build-12" >"$work/registry.out" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 50); do grep -q '^PORT ' "$work/registry.out" 2>/dev/null && break; sleep 0.1; done
  reg="127.0.0.1:$(sed -n 's/^PORT //p' "$work/registry.out")"
  upd_src="$work/update-src"
  for p in semver numerical alphabetical digest; do
    mkdir -p "$upd_src/$p"
    printf 'images:\n  - name: %s/acme/%s\n    newTag: 1.0.0\n' "$reg" "$p" >"$upd_src/$p/kustomization.yaml"
  done
  git_q init "$upd_src" && git_q -C "$upd_src" add -A && git_q -C "$upd_src" commit -m "initial config"
  git_q clone --bare "$upd_src" "$work/srv/update.git"
  upd_url="git://127.0.0.1:$port/update.git"
  upd() { git --git-dir="$work/srv/update.git" "$@"; }
  # check_update LABEL DIR TAG: one new commit since $before, and DIR's image at TAG
  check_update() {
    expect "$1: one commit" test "$(upd rev-list --count "$before..main")" = 1
    expect "$1: lands $3" grep -qxF "    newTag: $3" <(upd show "main:$2/kustomization.yaml")
  }
  digest_of() { python3 -c 'import hashlib, json, sys; print("sha256:" + hashlib.sha256(json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "tag": sys.argv[1]}).encode()).hexdigest())' "$1"; }
  # input VALUE → the tag it lands
  declare -A gl_policy=(
    [semver]='semver=^1.0|1.1.0'
    [numerical]='numerical=asc|main-bbb222-300'
    [alphabetical]='alphabetical=desc|build-12'
    [digest]='digest=true|1.0.0'
  )
  use_component
  for p in semver numerical alphabetical digest; do
    IFS='|' read -r given tag <<<"${gl_policy[$p]}"
    extra=(--input "extra_args=--ca-file $work/registry.pem")
    # shellcheck disable=SC2016 # $ts is Flux's extract template, for imagebump, not the shell
    if [[ $p == numerical ]]; then extra+=(--input 'tag_regex=^main-[a-f0-9]+-(?P<ts>[0-9]+)' --input 'tag_extract=$ts'); fi
    if [[ $p == alphabetical ]]; then extra+=(--input 'tag_regex=^build-'); fi
    for run in 1 2; do
      before="$(upd rev-parse main)"
      gl_as_written=1 gl_repo="$upd_url" gitlab_job "$work/gitlab/update-$p-$run.log" --input mode=update --input "files=$p" \
        --input branch=main --input "$given" "${extra[@]}"
      rc=$?
      expect "gitlab update $given (run $run): job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/update-$p-$run.log"
      if [[ $run == 1 ]]; then
        check_update "gitlab update $given" "$p" "$tag"
      else
        expect "gitlab update $given: a re-run pushes nothing" test "$(upd rev-parse main)" = "$before"
      fi
    done
  done
  expect "gitlab update digest=true: TAG@DIGEST written" \
    grep -qxF "    digest: $(digest_of 1.0.0)" <(upd show main:digest/kustomization.yaml)
  expect "gitlab update: the canary token not in the logs" not_in_text "$canary" "$(cat "$work"/gitlab/update-*.log)"

  # the action: the served main back at the initial config (every image at 1.0.0), each policy input again
  git_q -C "$upd_src" push -f "$work/srv/update.git" HEAD:main
  expect "update config repo reset for the action" grep -qxF "    newTag: 1.0.0" <(upd show main:numerical/kustomization.yaml)
  declare -A gh_given=(
    [semver]='semver=~1.1'
    [numerical]='numerical=asc'
    [alphabetical]='alphabetical=desc'
    [digest]='digest=true'
  )
  for p in semver numerical alphabetical digest; do
    IFS='|' read -r _ tag <<<"${gl_policy[$p]}"
    given=("${gh_given[$p]}" "args=--ca-file $work/registry.pem")
    # shellcheck disable=SC2016 # $ts is Flux's extract template, for imagebump, not the shell
    if [[ $p == numerical ]]; then given+=('tag-regex=^main-[a-f0-9]+-(?P<ts>[0-9]+)' 'tag-extract=$ts'); fi
    if [[ $p == alphabetical ]]; then given+=('tag-regex=^build-'); fi
    for run in 1 2; do
      before="$(upd rev-parse main)"
      gh_as_written=1 github_action "$work/gh-update-$p-$run.log" mode=update "files=$p" branch=main "repository=$upd_url" \
        "token=$canary" "${given[@]}"
      rc=$?
      expect "github update ${gh_given[$p]} (run $run): action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-update-$p-$run.log"
      if [[ $run == 1 ]]; then
        check_update "github update ${gh_given[$p]}" "$p" "$tag"
      else
        expect "github update ${gh_given[$p]}: a re-run pushes nothing" test "$(upd rev-parse main)" = "$before"
      fi
    done
  done
  expect "github update: the tags were listed from the loopback registry" grep -q '^GET /v2/acme/numerical/tags/list' "$work/registry.log"
else
  echo "SKIP: $bin update --help does not list --numerical (or no openssl): update scenarios not run"
fi

# ---------------------------------------------------------------- merge-request / pull-request mode
# The fake GitLab/GitHub API of the Swift tests (Tests/TestSupport/FakeForgeScript.swift), extracted from its
# Swift raw string and run on 127.0.0.1: GitLab under /api/v4, GitHub REST at the root, GraphQL at /graphql.
mr_supported=1
if ! grep -q -- '--merge-request' <<<"$set_help"; then
  mr_supported=0
  echo "SKIP: $bin set --help does not list --merge-request: merge-request / pull-request scenarios not run"
fi
forge_script="$root/Tests/TestSupport/FakeForgeScript.swift"
if ((mr_supported)); then
  awk '/^public let fakeForgeScript = #"""/ { on = 1; next } on && /^"""#/ { exit } on' "$forge_script" >"$work/fake_forge.py"
  # its modules, imported from beside it (as TestSupport's FakeForge writes them): the GitHub half and the
  # repository emulator (--repo)
  for module in fakeForgeGitHubScript:fake_forge_github fakeForgeGitScript:fake_forge_git \
    fakeForgeGitLabRepoScript:fake_forge_gitlab_repo fakeForgeGitHubRepoScript:fake_forge_github_repo; do
    name="${module%%:*}"
    awk -v start="public let $name = #\"\"\"" '$0 == start { on = 1; next } on && /^"""#/ { exit } on' \
      "$root/Tests/TestSupport/${name^}.swift" >"$work/${module#*:}.py"
  done
  if ! grep -q 'def main' "$work/fake_forge.py"; then
    bad "fake forge extracted from $forge_script"
    mr_supported=0
  fi
fi
if ((mr_supported)); then
  mkfifo "$work/forge.in"
  python3 "$work/fake_forge.py" --token "$canary" --job-token job-token-not-for-push --gitlab-prefix /api/v4 \
    --github-prefix "" --graphql-path /graphql <"$work/forge.in" >"$work/forge.out" 2>&1 &
  forge_pid=$!
  exec {forge_in}>"$work/forge.in"   # keep its stdin open: it shuts down on EOF
  forge_port=""
  for _ in $(seq 1 100); do
    forge_port="$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$work/forge.out")"
    [[ -n $forge_port ]] && break
    sleep 0.1
  done
  if [[ -z $forge_port ]]; then
    bad "fake forge started"
    sed 's/^/      /' "$work/forge.out"
    mr_supported=0
  else
    forge="http://127.0.0.1:$forge_port"
    echo "loopback fake forge: $forge"
  fi
fi

# forge_ctl PATH [JSON]: call a control endpoint of the fake forge, print the JSON answer.
forge_ctl() {
  python3 - "$forge/__control/$1" "${2:-}" <<'EOF'
import sys, urllib.request
url, body = sys.argv[1], sys.argv[2]
req = urllib.request.Request(url, data=body.encode() if body else None, method="POST" if body else "GET",
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=10) as r:
    print(r.read().decode())
EOF
}
# forge_eval EXPR: EXPR evaluated in Python over R (the recorded API requests) and S (the forge's MRs/PRs).
forge_eval() {
  local r st
  r="$(forge_ctl requests)" && st="$(forge_ctl state)" || return 1
  python3 -c 'import json, sys; R = json.loads(sys.argv[2]); S = json.loads(sys.argv[3]); print(eval(sys.argv[1]))' \
    "$1" "$r" "$st"
}
forge_is() { # forge_is EXPECTED EXPR
  local got
  got="$(forge_eval "$2")"
  [[ $got == "$1" ]] || { echo "      expected $1, got $got  ($2)"; return 1; }
}
# new_bare NAME: a bare copy of the initial config repo at $work/srv/NAME.git (the daemon serves it at /NAME.git)
new_bare() {
  mkdir -p "$(dirname "$work/srv/$1.git")"
  git_q clone --bare "$src" "$work/srv/$1.git"
}
# component_on NAME: gitlab_job runs the component's job against a fresh bare copy NAME of the config repo (gl_repo)
component_on() {
  use_component
  new_bare "$1"
  gl_repo="git://127.0.0.1:$port/$1.git"
}
# check_bot_branch LABEL GITDIR BRANCH MAIN_BEFORE TAG: BRANCH holds the edit (only the tag line), main untouched
check_bot_branch() {
  local label="$1" gd="$2" branch="$3" main_before="$4" tag="$5" diff
  expect "$label: bot branch is imagebump/..." test "${branch#imagebump/}" != "$branch"
  expect "$label: bot branch was pushed" git --git-dir="$gd" show-ref -q --verify "refs/heads/$branch"
  expect "$label: main untouched" test "$(git --git-dir="$gd" rev-parse main)" = "$main_before"
  diff="$(git --git-dir="$gd" diff --unified=0 main "refs/heads/$branch" 2>/dev/null | grep -E '^[-+][^-+]')"
  expect "$label: bot branch changes only the tag line, to $tag" \
    test "$(grep -c . <<<"$diff")" = 2 -a "$(grep -c "^+.*$tag" <<<"$diff")" = 1
  expect "$label: comments survived on the bot branch" \
    grep -q '# bumped by CI' <(git --git-dir="$gd" show "refs/heads/$branch:$overlay")
}
dotenv_value() { sed -n "s/^$1=//p" "$2"; }

if ((mr_supported)); then
  echo "--- GitLab CI: component job, merge-request mode (fake GitLab API at $forge/api/v4)"
  component_on group/project
  gl_gd="$work/srv/group/project.git"
  gl_api="$forge/api/v4"
  forge_ctl reset '{"gitlab_projects": ["group/project"], "github_repos": ["octo/config"]}' >/dev/null
  mr_create='[r for r in R if r["method"] == "POST" and r["path"] == "/api/v4/projects/group/project/merge_requests"]'
  gl_sha="$(app_commit gitlab-app-commit-mr-1)"
  main_before="$(git --git-dir="$gl_gd" rev-parse main)"
  gitlab_job "$work/gitlab/mr1.log" --input mode=merge-request --input "labels=deploy,imagebump"
  rc=$?
  expect "gitlab MR: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/mr1.log"
  gl_branch="$(dotenv_value IMAGEBUMP_BRANCH "$dotenv")"
  check_bot_branch "gitlab MR" "$gl_gd" "$gl_branch" "$main_before" "$gl_sha"
  expect "gitlab MR: bot branch commit has the Source-Commit trailer" \
    grep -q "^Source-Commit: .*$gl_sha" <(git --git-dir="$gl_gd" log -1 --format=%B "refs/heads/$gl_branch")
  expect "gitlab MR: exactly one MR created (POST .../merge_requests)" forge_is 1 "len($mr_create)"
  expect "gitlab MR: project id URL-encoded in the API path" \
    forge_is True "all(r['rawPath'] == '/api/v4/projects/group%2Fproject/merge_requests' for r in $mr_create)"
  expect "gitlab MR: source branch is the bot branch" forge_is "$gl_branch" "${mr_create}[0]['body']['source_branch']"
  expect "gitlab MR: target branch is main" forge_is main "${mr_create}[0]['body']['target_branch']"
  expect "gitlab MR: labels deploy,imagebump" forge_is "['deploy', 'imagebump']" "S['gitlab']['group/project'][0]['labels']"
  expect "gitlab MR: remove_source_branch (input default true)" \
    forge_is True "S['gitlab']['group/project'][0]['force_remove_source_branch']"
  expect "gitlab MR: every API call authenticated with PRIVATE-TOKEN = the token" \
    forge_is True "all(r['headers'].get('private-token') == '$canary' for r in R)"
  expect "gitlab MR: no API contract violations" forge_is "[]" "[v for r in R for v in r['violations']]"
  expect "gitlab MR: dotenv IMAGEBUMP_MR_URL is the MR's web URL" \
    grep -qx "IMAGEBUMP_MR_URL=$forge/group/project/-/merge_requests/1" "$dotenv"
  expect "gitlab MR: dotenv IMAGEBUMP_MR_IID=1" grep -qx 'IMAGEBUMP_MR_IID=1' "$dotenv"
  expect "gitlab MR: dotenv says changed" grep -qx 'IMAGEBUMP_CHANGED=true' "$dotenv"
  expect "gitlab MR: dotenv is KEY=VALUE lines only" only_kv_lines "$dotenv"
  expect "gitlab MR: canary token not in the job log" not_in_file "$canary" "$work/gitlab/mr1.log"

  echo "--- GitLab CI: component job, merge-request mode, re-run with a new tag"
  gl_sha="$(app_commit gitlab-app-commit-mr-2)"
  gitlab_job "$work/gitlab/mr2.log" --input mode=merge-request --input "labels=deploy,imagebump"
  rc=$?
  expect "gitlab MR re-run: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/mr2.log"
  expect "gitlab MR re-run: same bot branch" test "$(dotenv_value IMAGEBUMP_BRANCH "$dotenv")" = "$gl_branch"
  check_bot_branch "gitlab MR re-run" "$gl_gd" "$gl_branch" "$main_before" "$gl_sha"
  expect "gitlab MR re-run: no second MR created" forge_is 1 "len($mr_create)"
  expect "gitlab MR re-run: still exactly one open MR" forge_is 1 "len(S['gitlab']['group/project'])"
  expect "gitlab MR re-run: the MR was updated (PUT .../merge_requests/1)" \
    forge_is True "any(r['method'] == 'PUT' and r['path'] == '/api/v4/projects/group/project/merge_requests/1' for r in R)"
  expect "gitlab MR re-run: dotenv IMAGEBUMP_MR_IID=1 (the same MR)" grep -qx 'IMAGEBUMP_MR_IID=1' "$dotenv"
  expect "gitlab MR re-run: dotenv IMAGEBUMP_MR_URL is the same MR" \
    grep -qx "IMAGEBUMP_MR_URL=$forge/group/project/-/merge_requests/1" "$dotenv"
  expect "gitlab MR re-run: no API contract violations" forge_is "[]" "[v for r in R for v in r['violations']]"
  expect "gitlab MR re-run: canary token not in the job log" not_in_file "$canary" "$work/gitlab/mr2.log"
  unset gl_repo gl_api

  echo "--- GitHub Actions: container action entrypoint, pull-request mode (fake GitHub API at $forge)"
  new_bare octo/config
  gh_gd="$work/srv/octo/config.git"
  gh_api="$forge"
  pr_create='[r for r in R if r["method"] == "POST" and r["path"] == "/repos/octo/config/pulls"]'
  gh_sha="$(app_commit github-app-commit-pr-1)"
  main_before="$(git --git-dir="$gh_gd" rev-parse main)"
  gh_out="$work/github/file_commands/output"
  gh_summary="$work/github/file_commands/summary"
  github_action "$work/gh-pr1.log" "images=registry.example.test/acme/worker:$gh_sha" \
    "repository=git://127.0.0.1:$port/octo/config.git" mode=pull-request labels=deploy,imagebump
  rc=$?
  expect "github PR: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-pr1.log"
  gh_branch="$(output_value branch "$gh_out")"
  check_bot_branch "github PR" "$gh_gd" "$gh_branch" "$main_before" "$gh_sha"
  expect "github PR: exactly one PR created (POST /repos/octo/config/pulls)" forge_is 1 "len($pr_create)"
  expect "github PR: head is the bot branch" forge_is True "${pr_create}[0]['body']['head'] in ('$gh_branch', 'octo:$gh_branch')"
  expect "github PR: base is main" forge_is main "${pr_create}[0]['body']['base']"
  expect "github PR: labels deploy,imagebump" forge_is "['deploy', 'imagebump']" "S['github']['octo/config'][0]['labels']"
  expect "github PR: every API call authenticated with Bearer token" \
    forge_is True "all(r['headers'].get('authorization') == 'Bearer $canary' for r in R if r['path'].startswith('/repos/'))"
  expect "github PR: no API contract violations" forge_is "[]" "[v for r in R for v in r['violations']]"
  expect "github PR: output changed=true" test "$(output_value changed "$gh_out")" = true
  expect "github PR: output commit is the bot branch head" \
    test "$(output_value commit "$gh_out")" = "$(git --git-dir="$gh_gd" rev-parse "refs/heads/$gh_branch")"
  expect "github PR: output pr-url" test "$(output_value pr-url "$gh_out")" = "$forge/octo/config/pull/1"
  expect "github PR: output pr-number=1" test "$(output_value pr-number "$gh_out")" = 1
  expect "github PR: step summary table row for the overlay" \
    grep -qE "^\| \`$overlay\` \|.*\`registry.example.test/acme/worker\`.*$gh_sha" "$gh_summary"
  expect "github PR: token masked before use" grep -qx "::add-mask::$canary" "$work/gh-pr1.log"
  expect "github PR: canary token only in ::add-mask:: lines" \
    test "$(grep -F "$canary" "$work/gh-pr1.log" | grep -cvxF "::add-mask::$canary")" = 0
  expect "github PR: canary token not in \$GITHUB_OUTPUT / step summary" \
    test "$(cat "$gh_out" "$gh_summary" | grep -cF "$canary")" = 0

  echo "--- GitHub Actions: pull-request mode, re-run with a new tag"
  gh_sha="$(app_commit github-app-commit-pr-2)"
  github_action "$work/gh-pr2.log" "images=registry.example.test/acme/worker:$gh_sha" \
    "repository=git://127.0.0.1:$port/octo/config.git" mode=pull-request labels=deploy,imagebump
  rc=$?
  expect "github PR re-run: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-pr2.log"
  expect "github PR re-run: same bot branch" test "$(output_value branch "$gh_out")" = "$gh_branch"
  check_bot_branch "github PR re-run" "$gh_gd" "$gh_branch" "$main_before" "$gh_sha"
  expect "github PR re-run: no second PR created" forge_is 1 "len($pr_create)"
  expect "github PR re-run: still exactly one open PR" forge_is 1 "len(S['github']['octo/config'])"
  expect "github PR re-run: the PR was updated (PATCH /repos/octo/config/pulls/1)" \
    forge_is True "any(r['method'] == 'PATCH' and r['path'] == '/repos/octo/config/pulls/1' for r in R)"
  expect "github PR re-run: output pr-number=1 (the same PR)" test "$(output_value pr-number "$gh_out")" = 1
  expect "github PR re-run: no API contract violations" forge_is "[]" "[v for r in R for v in r['violations']]"
  expect "github PR re-run: canary token only in ::add-mask:: lines" \
    test "$(grep -F "$canary" "$work/gh-pr2.log" | grep -cvxF "::add-mask::$canary")" = 0
  unset gh_api

  # via: api: no clone, a second fake forge serving octo/apicfg's repository endpoints from a bare copy of the config
  # repo (its repository emulator, Tests/TestSupport/FakeForgeGit*Script.swift); the job's server is that forge
  echo "--- GitHub Actions: via api (push mode through the GitHub API, no clone)"
  new_bare octo/apicfg
  api_gd="$work/srv/octo/apicfg.git"
  mkfifo "$work/forge2.in"
  python3 "$work/fake_forge.py" --token "$canary" --job-token job-token-not-for-push --gitlab-prefix /api/v4 \
    --github-prefix "" --graphql-path /graphql --repo "octo/apicfg=$api_gd" <"$work/forge2.in" >"$work/forge2.out" 2>&1 &
  forge2_pid=$!
  exec {forge2_in}>"$work/forge2.in"
  forge2_port=""
  for _ in $(seq 1 100); do
    forge2_port="$(sed -n 's/^PORT \([0-9][0-9]*\)$/\1/p' "$work/forge2.out")"
    [[ -n $forge2_port ]] && break
    sleep 0.1
  done
  gh_server="http://127.0.0.1:$forge2_port" gh_api="http://127.0.0.1:$forge2_port"
  main_before="$(git --git-dir="$api_gd" rev-parse main)"
  gh_sha="$(app_commit github-app-commit-api-1)"
  github_action "$work/gh-api1.log" "images=registry.example.test/acme/worker:$gh_sha" repository=octo/apicfg via=api
  rc=$?
  expect "github via api: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-api1.log"
  api_head="$(git --git-dir="$api_gd" rev-parse main)"
  expect "github via api: one commit on the head read" test "$(git --git-dir="$api_gd" rev-parse main~1)" = "$main_before"
  expect "github via api: the overlay holds the new tag" \
    grep -q "$gh_sha" <(git --git-dir="$api_gd" show "main:$overlay")
  expect "github via api: output commit is main's head" test "$(output_value commit "$gh_out")" = "$api_head"
  expect "github via api: made by createCommitOnBranch without an author" \
    test "$(forge=$gh_api forge_ctl repo/commits | python3 -c 'import json,sys; c=json.load(sys.stdin); print([(x["via"], x["authorSet"]) for x in c])')" = "[('createCommitOnBranch', False)]"
  expect "github via api: no API contract violations" \
    test "$(forge=$gh_api forge_eval "[v for r in R for v in r['violations']]")" = "[]"
  expect "github via api: canary token only in ::add-mask:: lines" \
    test "$(grep -F "$canary" "$work/gh-api1.log" | grep -cvxF "::add-mask::$canary")" = 0
  github_action "$work/gh-api2.log" "images=registry.example.test/acme/worker:$gh_sha" repository=octo/apicfg via=api
  rc=$?
  expect "github via api re-run: exits 0, nothing committed" test "$rc:$(git --git-dir="$api_gd" rev-parse main)" = "0:$api_head"
  unset gh_api gh_server

  echo "--- GitLab CI/CD: component job, via api (push mode through the GitLab API, no clone)"
  use_component
  api_before="$(git --git-dir="$api_gd" rev-parse main)"
  gl_sha="$(app_commit gitlab-app-commit-api-1)"
  gl_repo="http://127.0.0.1:$forge2_port/octo/apicfg.git" gl_api="http://127.0.0.1:$forge2_port/api/v4" \
    gitlab_job "$work/gitlab/api1.log" --input via=api
  rc=$?
  expect "gitlab via api: job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/api1.log"
  expect "gitlab via api: one commit on the head read" test "$(git --git-dir="$api_gd" rev-parse main~1)" = "$api_before"
  expect "gitlab via api: the overlay holds the new tag" grep -q "$gl_sha" <(git --git-dir="$api_gd" show "main:$overlay")
  expect "gitlab via api: made by POST repository/commits without an author" \
    test "$(forge=http://127.0.0.1:$forge2_port forge_ctl repo/commits | python3 -c 'import json,sys; c=json.load(sys.stdin); print([(x["via"], x["authorSet"]) for x in c][-1])')" = "('commits', False)"
  expect "gitlab via api: canary token not in the job log" not_in_file "$canary" "$work/gitlab/api1.log"
  exec {forge2_in}>&-
  wait "$forge2_pid" 2>/dev/null
fi

# ---------------------------------------------------------------- the stale-run guard in both integrations
# A late pipeline (an older commit of the application finishing after a newer one deployed) must be refused. The
# GitLab job reads the runner's shallow checkout (GIT_STRATEGY fetch, GIT_DEPTH); the Action has imagebump fetch
# `source-repository`. Where the history cannot tell, the log says so once and the run goes on.
echo "--- stale-run guard: GitLab component job (runner's shallow checkout)"
component_on stale/gitlab
stale_gd="$work/srv/stale/gitlab.git"
older="$(app_commit stale-older)"
newer="$(app_commit stale-newer)"
gl_sha="$newer"
gitlab_job "$work/gitlab/stale-newer.log"
rc=$?
expect "gitlab stale: the newer commit deploys" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/stale-newer.log"
expect "gitlab stale: no warning when the history tells" not_in_file "warning:" "$work/gitlab/stale-newer.log"
deployed="$(git --git-dir="$stale_gd" rev-parse main)"
gl_sha="$older"
gitlab_job "$work/gitlab/stale-late.log"
rc=$?
expect "gitlab stale: the late pipeline of the older commit fails (exit 1)" test "$rc" = 1 || sed 's/^/      /' "$work/gitlab/stale-late.log"
expect "gitlab stale: nothing pushed" test "$(git --git-dir="$stale_gd" rev-parse main)" = "$deployed"
expect "gitlab stale: the log says it is older than the deployed commit" \
  grep -q "$older is an ancestor of the deployed commit" "$work/gitlab/stale-late.log"
app_commit stale-middle >/dev/null
gl_sha="$(app_commit stale-newest)"
gitlab_job "$work/gitlab/stale-shallow.log" --input source_depth=1
rc=$?
expect "gitlab stale, deployed commit deeper than GIT_DEPTH: the job still runs" test "$rc" = 0 ||
  sed 's/^/      /' "$work/gitlab/stale-shallow.log"
expect "gitlab stale, deployed commit deeper than GIT_DEPTH: one warning says why the check is skipped" \
  test "$(grep -c "warning: cannot tell whether $gl_sha is older than the deployed $newer (.*); the stale-run check is skipped" \
    "$work/gitlab/stale-shallow.log")" = 1
unset gl_repo

echo "--- stale-run guard: GitHub Action (imagebump fetches source-repository)"
new_bare stale/github
stale_gd="$work/srv/stale/github.git"
stale_repo="git://127.0.0.1:$port/stale/github.git"
older="$(app_commit stale-gh-older)"
newer="$(app_commit stale-gh-newer)"
github_action "$work/gh-stale-newer.log" "images=registry.example.test/acme/app:$newer" "repository=$stale_repo"
rc=$?
expect "github stale: the newer commit deploys" test "$rc" = 0 || sed 's/^/      /' "$work/gh-stale-newer.log"
deployed="$(git --git-dir="$stale_gd" rev-parse main)"
github_action "$work/gh-stale-newer2.log" "images=registry.example.test/acme/app:$(app_commit stale-gh-newer-2)" "repository=$stale_repo"
rc=$?
expect "github stale: a newer commit over a deployed commit deploys, no warning" \
  test "$rc" = 0 -a "$(grep -c 'warning:' "$work/gh-stale-newer2.log")" = 0 || sed 's/^/      /' "$work/gh-stale-newer2.log"
deployed="$(git --git-dir="$stale_gd" rev-parse main)"
github_action "$work/gh-stale-late.log" "images=registry.example.test/acme/app:$older" "repository=$stale_repo"
rc=$?
expect "github stale: the late run of the older commit fails (exit 1)" test "$rc" = 1 || sed 's/^/      /' "$work/gh-stale-late.log"
expect "github stale: nothing pushed" test "$(git --git-dir="$stale_gd" rev-parse main)" = "$deployed"
expect "github stale: the log says it is older than the deployed commit" \
  grep -q "$older is an ancestor of the deployed commit" "$work/gh-stale-late.log"
expect "github stale: the source token only in ::add-mask:: lines" \
  test "$(grep -F "$canary" "$work/gh-stale-late.log" | grep -cvxF "::add-mask::$canary")" = 0
github_action "$work/gh-stale-nosource.log" "images=registry.example.test/acme/app:$(app_commit stale-gh-newest)" \
  "repository=$stale_repo" "source-repository=git://127.0.0.1:$port/acme/missing.git"
rc=$?
expect "github stale, source repository unreachable: the run goes on" test "$rc" = 0 || sed 's/^/      /' "$work/gh-stale-nosource.log"
expect "github stale, source repository unreachable: one warning with the reason" \
  test "$(grep -c 'warning: cannot tell whether .*(fetching git://127.0.0.1:[0-9]*/acme/missing.git failed: .*); the stale-run check is skipped' \
    "$work/gh-stale-nosource.log")" = 1

# ---------------------------------------------------------------- signed commits in both integrations
# A real ed25519 key in a CI variable: the GitLab job gets it as a File variable (its path) and as a masked
# variable (base64 on one line: GitLab masks no multi-line value), the action as its signing-key input; each landed commit is checked by
# `git verify-commit` against an allowed-signers file, and the key shows up in no log.
if grep -q -- '--sign-key-env' <<<"$set_help"; then
  command -v ssh-keygen >/dev/null || bad "signed commits: ssh-keygen is required (openssh-client)"
  sign_dir="$work/signing"
  mkdir -p "$sign_dir"
  ssh-keygen -q -t ed25519 -N '' -C deploy-bot@example.test -f "$sign_dir/key"
  printf 'deploy-bot@example.test namespaces="git" %s\n' "$(cat "$sign_dir/key.pub")" >"$sign_dir/allowed_signers"
  key_line="$(sed -n 2p "$sign_dir/key")"
  signed() { served -c gpg.ssh.allowedSignersFile="$sign_dir/allowed_signers" verify-commit main 2>/dev/null; }
  for kind in file masked; do
    echo "--- GitLab CI: component job, commits signed with the key in a $kind variable"
    gl_sha="$(app_commit "gitlab-signed-$kind")"
    before="$(served rev-parse main)"
    if [[ $kind == file ]]; then gl_variables=("IMAGEBUMP_SIGNING_KEY=$sign_dir/key"); else gl_variables=("IMAGEBUMP_SIGNING_KEY=$(base64 -w0 "$sign_dir/key")"); fi
    gitlab_job "$work/gitlab/signed-$kind.log" --input signing_key_variable=IMAGEBUMP_SIGNING_KEY
    rc=$?
    gl_variables=()
    expect "gitlab signed ($kind variable): job exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gitlab/signed-$kind.log"
    check_landed "gitlab signed ($kind variable)" "$before" registry.example.test/acme/app "$gl_sha" "$gl_sha"
    expect "gitlab signed ($kind variable): git verify-commit accepts the commit" signed
    expect "gitlab signed ($kind variable): the key is not in the log" not_in_file "$key_line" "$work/gitlab/signed-$kind.log"
    expect "gitlab signed ($kind variable): the encoded key is not in the log" \
      not_in_file "$(base64 -w0 "$sign_dir/key" | cut -c1-40)" "$work/gitlab/signed-$kind.log"
  done
  echo "--- GitHub Actions: commits signed with the signing-key input"
  gh_sha="$(app_commit github-signed)"
  before="$(served rev-parse main)"
  github_action "$work/gh-signed.log" "images=registry.example.test/acme/worker:$gh_sha" "repository=$repo_url" \
    "signing-key=$(cat "$sign_dir/key")"
  rc=$?
  expect "github signed: action exits 0" test "$rc" = 0 || sed 's/^/      /' "$work/gh-signed.log"
  check_landed "github signed" "$before" registry.example.test/acme/worker "$gh_sha" "$gh_sha"
  expect "github signed: git verify-commit accepts the commit" signed
  expect "github signed: the key only in ::add-mask:: lines" \
    test "$(grep -F -- "$key_line" "$work/gh-signed.log" | grep -cvxF "::add-mask::$key_line")" = 0
else
  echo "SKIP: $bin set --help does not list --sign-key-env (signed commits)"
fi

# ---------------------------------------------------------------- examples/: the documented CI files, as written
# The config repo is a served copy of examples/ (two apps; imagebump.yaml: dev and staging by push, production by
# merge request). The GitLab pipeline's imagebump includes and the GitHub workflow's action steps are read from the
# example files themselves (scripts/ci_pipeline.py); only the config repo's URL is the loopback one.
if ((mr_supported)); then
  ex_src="$work/examples-src"
  cp -R "$root/examples" "$ex_src"
  git_q init "$ex_src" && git_q -C "$ex_src" add -A && git_q -C "$ex_src" commit -m "examples/"
  ex_url="git://127.0.0.1:$port/acme/gitops-config.git"
  ex() { git --git-dir="$work/srv/acme/gitops-config.git" "$@"; }
  ex_serve() { # a fresh config repo from examples/, a fresh fake forge
    rm -rf "$work/srv/acme/gitops-config.git" && git_q clone --bare "$ex_src" "$work/srv/acme/gitops-config.git"
    forge_ctl reset '{"gitlab_projects": ["acme/gitops-config"], "github_repos": ["acme/gitops-config"],
      "gitlab_users": {"platform-team": 21}, "github_users": ["platform-team"]}' >/dev/null
  }
  sa=apps/sample-app/overlays
  # check_examples LABEL TAG MR_COUNT_EXPR BRANCH: dev and staging run TAG on main, production and the worker
  # untouched there; one open MR/PR whose branch changes only sample-app's production overlay, to TAG
  check_examples() {
    local label="$1" tag="$2" mrs="$3" branch="$4"
    expect "$label: dev runs sample-app:$tag" grep -q "newTag: \"\?$tag" <(ex show "main:$sa/dev/kustomization.yaml")
    expect "$label: staging runs sample-app:$tag" grep -q "newTag: \"\?$tag" <(ex show "main:$sa/staging/kustomization.yaml")
    expect "$label: production untouched on main (mode merge-request)" \
      test "$(ex show "main:$sa/production/kustomization.yaml")" = "$(cat "$ex_src/$sa/production/kustomization.yaml")"
    expect "$label: the worker untouched" test -z "$(ex diff --name-only "$ex_initial" main -- apps/worker)"
    expect "$label: one open merge request" forge_is 1 "$mrs"
    expect "$label: the MR branch changes only sample-app's production overlay" \
      test "$(ex diff --name-only main "refs/heads/$branch" 2>&1)" = "$sa/production/kustomization.yaml"
    expect "$label: ... to $tag" grep -q "newTag: \"\?$tag" <(ex show "refs/heads/$branch:$sa/production/kustomization.yaml")
    expect "$label: no API contract violations" forge_is "[]" "[v for r in R for v in r['violations']]"
  }

  echo "--- examples/: GitLab, examples/ci/gitlab/app-repo-environments.gitlab-ci.yml as written"
  ex_serve
  ex_initial="$(ex rev-parse main)"
  pipeline=examples/ci/gitlab/app-repo-environments.gitlab-ci.yml
  use_component
  gl_repo="$ex_url" gl_api="$forge/api/v4" gl_image=registry.example.com/team/sample-app
  ex_pipeline() { # ex_pipeline LABEL: every imagebump job of the pipeline in file order (the manual promotion started)
    local j
    local -a given
    for j in $("$PY" "$root/scripts/ci_pipeline.py" gitlab-includes "$root/$pipeline"); do
      mapfile -d '' -t given < <("$PY" "$root/scripts/ci_pipeline.py" gitlab-inputs "$root/$pipeline" "$j")
      gl_as_written=1 gitlab_job "$work/gitlab/ex-$1-$j.log" "${given[@]}"
      expect "examples gitlab $1: job $j exits 0" test $? = 0 || sed 's/^/      /' "$work/gitlab/ex-$1-$j.log"
    done
  }
  gl_sha="$(app_commit examples-gitlab-1)"
  ex_pipeline 1
  ex_branch="$(dotenv_value IMAGEBUMP_BRANCH "$dotenv")"
  check_examples "examples gitlab" "${gl_sha:0:8}" "len(S['gitlab']['acme/gitops-config'])" "$ex_branch"
  expect "examples gitlab: the MR has imagebump.yaml's labels" \
    forge_is "['deploy', 'production']" "sorted(S['gitlab']['acme/gitops-config'][0]['labels'])"
  gl_sha="$(app_commit examples-gitlab-2)"
  ex_pipeline 2
  check_examples "examples gitlab, the next build" "${gl_sha:0:8}" "len(S['gitlab']['acme/gitops-config'])" "$ex_branch"
  unset gl_repo gl_api gl_image

  echo "--- examples/: GitHub, examples/ci/github/workflows/environments.yml as written"
  ex_serve
  workflow=examples/ci/github/workflows/environments.yml
  gh_api="$forge"
  ex_workflow() { # ex_workflow LABEL: every imagebump step of the workflow, each matrix value in order
    local j i
    local -a given
    while IFS=$'\t' read -r -u 3 j i; do
      mapfile -d '' -t given < <("$PY" "$root/scripts/ci_pipeline.py" github-inputs "$root/$workflow" "$j" "$i" \
        --context "needs.build.outputs.tag=${gh_sha:0:7}" --context "secrets.GITOPS_TOKEN=$canary")
      gh_as_written=1 github_action "$work/gh-ex-$1-$j-$i.log" "${given[@]}" "repository=$ex_url"
      expect "examples github $1: $j #$i exits 0" test $? = 0 || sed 's/^/      /' "$work/gh-ex-$1-$j-$i.log"
    done 3< <("$PY" "$root/scripts/ci_pipeline.py" github-steps "$root/$workflow")
  }
  gh_sha="$(app_commit examples-github-1)"
  ex_workflow 1
  ex_branch="$(output_value branch "$work/github/file_commands/output")"
  check_examples "examples github" "${gh_sha:0:7}" "len(S['github']['acme/gitops-config'])" "$ex_branch"
  expect "examples github: the PR asks imagebump.yaml's reviewers" \
    forge_is "['platform-team']" "S['github']['acme/gitops-config'][0]['requested_reviewers']"
  gh_sha="$(app_commit examples-github-2)"
  ex_workflow 2
  check_examples "examples github, the next build" "${gh_sha:0:7}" "len(S['github']['acme/gitops-config'])" "$ex_branch"
  expect "examples github: the canary token only in ::add-mask:: lines" \
    test "$(cat "$work"/gh-ex-*.log | grep -F "$canary" | grep -cvxF "::add-mask::$canary")" = 0
  unset gh_api

  # The DORA figures jobs, their scripts as written, on the history the GitHub run above made: dev's deployments are
  # the initial commit and the two builds' bumps (3), by push; production's pull request is not merged.
  echo "--- examples/: the DORA figures jobs (GitLab dora-figures, GitHub dora-figures.yml), as written"
  mkdir -p "$work/bin" && ln -sf "$bin" "$work/bin/imagebump"
  dora_row="| \`dev\` | all | 3 |"
  dora_dir="$work/gitlab/builds/acme/gitops-config"
  # GIT_DEPTH "0": the runner's full clone of the config repo
  rm -rf "$dora_dir" && git_q clone "$ex_url" "$dora_dir"
  "$PY" "$root/scripts/ci_yaml.py" job-script "$root/examples/ci/gitlab/config-repo.gitlab-ci.yml" dora-figures --runner >"$work/gitlab/dora.sh"
  (cd "$dora_dir" && env -i PATH="$work/bin:$PATH" HOME="$work/gitlab/home" LANG=C.UTF-8 CI=true GITLAB_CI=true \
    CI_PROJECT_DIR="$dora_dir" CI_DEFAULT_BRANCH=main CI_COMMIT_BRANCH=main sh "$work/gitlab/dora.sh") >"$work/gitlab/dora.log" 2>&1
  expect "examples gitlab dora-figures: job exits 0" test $? = 0 || sed 's/^/      /' "$work/gitlab/dora.log"
  expect "examples gitlab dora-figures: dora.md has dev's 3 deployments" grep -qF "$dora_row" "$dora_dir/dora.md"
  expect "examples gitlab dora-figures: ... and the log shows it" grep -qF "$dora_row" "$work/gitlab/dora.log"
  expect "examples gitlab dora-figures: timeline.svg is an SVG" grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$dora_dir/timeline.svg"
  expect "examples gitlab dora-figures: history.json lists the deployments" \
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))["deployments"]; sys.exit(0 if len(d) >= 6 else 1)' "$dora_dir/history.json"

  gh_dora="$work/github-dora"
  rm -rf "$gh_dora" && mkdir -p "$gh_dora/workspace" "$gh_dora/home"
  : >"$gh_dora/summary"
  workflow=examples/ci/github/workflows/dora-figures.yml
  "$PY" "$root/scripts/ci_pipeline.py" github-run "$root/$workflow" dora-figures >"$gh_dora/run.sh"
  mapfile -d '' -t gh_env < <("$PY" "$root/scripts/ci_pipeline.py" github-run-env "$root/$workflow" dora-figures --context "github.token=$canary")
  (cd "$gh_dora/workspace" && env -i PATH="$work/bin:$PATH" HOME="$gh_dora/home" LANG=C.UTF-8 CI=true GITHUB_ACTIONS=true \
    GITHUB_SERVER_URL="git://127.0.0.1:$port" GITHUB_REPOSITORY=acme/gitops-config GITHUB_WORKSPACE="$gh_dora/workspace" \
    GITHUB_STEP_SUMMARY="$gh_dora/summary" "${gh_env[@]}" bash -e "$gh_dora/run.sh") >"$gh_dora/run.log" 2>&1
  expect "examples github dora-figures: step exits 0" test $? = 0 || sed 's/^/      /' "$gh_dora/run.log"
  expect "examples github dora-figures: the job summary has dev's 3 deployments" grep -qF "$dora_row" "$gh_dora/summary"
  expect "examples github dora-figures: the summary is the figures' table" grep -q '^### DORA figures, ' "$gh_dora/summary"
  expect "examples github dora-figures: canary token not in the log or the summary" \
    not_in_text "$canary" "$(cat "$gh_dora/run.log" "$gh_dora/summary")"
fi

echo ""
echo "e2e-platforms: $passed passed, $failed failed"
((failed == 0))
