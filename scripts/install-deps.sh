#!/usr/bin/env bash
# Installs the Debian packages imagebump builds and tests with (idempotent; skips apt when all are present).
set -euo pipefail
pkgs=(libyaml-dev libgit2-dev libmbedtls-dev libcurl4-openssl-dev git openssh-server openssh-client openssl ca-certificates python3 python3-yaml python3-jsonschema
      docker-registry skopeo apache2-utils # the registry tests: distribution 2.8, pushing images, htpasswd -B
      gnupg # signed commits (gpg; openssh-client's ssh-keygen)
      groff-base # ManPageTests renders docs/imagebump.1 (groff -man -Tutf8 -ww)
      librsvg2-bin) # MetricsCommandTests renders metrics --output svg (rsvg-convert)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# kubectl runs the kustomize oracle of the tests (which fail in CI without it): the machine's own, else Debian's
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || { echo "swift not found: install the Swift 6 toolchain (swift.org) and put it on PATH" >&2; exit 1; }
