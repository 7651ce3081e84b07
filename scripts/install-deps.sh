#!/usr/bin/env bash
# Installs the Debian packages imagebump builds and tests with (idempotent; skips apt when all are present).
set -euo pipefail
pkgs=(libyaml-dev libmbedtls-dev libcurl4-openssl-dev git openssh-server openssh-client openssl ca-certificates python3 python3-yaml python3-jsonschema
      docker-registry skopeo apache2-utils # the registry tests: distribution 2.8, pushing images, htpasswd -B
      gnupg # signed commits (gpg; openssh-client's ssh-keygen)
      groff-base # ManPageTests renders docs/imagebump.1 (groff -man -Tutf8 -ww)
      librsvg2-bin) # MetricsCommandTests renders metrics --output svg (rsvg-convert)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
# libgit2 1.7 or later (shallow clones: git_fetch_options.depth). Debian 12 ships 1.5; bookworm-backports carries
# 1.8 (libgit2-dev, runtime package libgit2-1.8), so on Debian 12 that source is added (once) and libgit2-dev is
# taken from it. Later Debian releases ship 1.7+ themselves.
libgit2_pkg=libgit2-dev
if [[ $(sed -n "s/^VERSION_CODENAME=//p" /etc/os-release 2>/dev/null) == bookworm ]]; then
  libgit2_pkg=libgit2-dev/bookworm-backports
  if ! grep -rqs --include='*.list' --include='*.sources' -E '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' 'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' \
      | "${sudo_cmd[@]}" tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null
  fi
fi
libgit2_version=$(dpkg-query -W -f='${Status} ${Version}' libgit2-dev 2>/dev/null | sed -n 's/^install ok installed //p')
if [[ -z $libgit2_version ]] || dpkg --compare-versions "$libgit2_version" lt 1.7; then missing+=("$libgit2_pkg"); fi
# kubectl runs the kustomize oracle of the tests (which fail in CI without it): the machine's own, else Debian's
command -v kubectl >/dev/null || missing+=(kubernetes-client)
if ((${#missing[@]})); then
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || { echo "swift not found: install the Swift 6 toolchain (swift.org) and put it on PATH" >&2; exit 1; }
