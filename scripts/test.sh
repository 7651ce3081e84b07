#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds, runs every test (servers are started by the tests on
# loopback), validates the CI templates/action/Dockerfile, runs the GitLab/GitHub job simulations against the
# built binaries, checks that the static release binaries need only the runtime image's libraries, and runs the
# README's quick-start job (scripts/demo.sh) as written.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
bash scripts/validate-ci.sh
IMAGEBUMP="$(swift build --show-bin-path)/imagebump" bash scripts/e2e-platforms.sh
bash scripts/check-runtime-deps.sh
bash scripts/demo.sh
