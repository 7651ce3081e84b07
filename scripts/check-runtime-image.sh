#!/usr/bin/env bash
# The Dockerfile's runtime stage without a Docker engine: a Debian 12 minbase root filesystem (what
# debian:12-slim is built from) made with debootstrap, plus exactly the packages the Dockerfile's runtime-base
# stage installs (read from the Dockerfile), the `imagebump` user (uid 10001) and the release binary. Then, in
# a chroot:
#   - ldd finds every library both binaries need (nothing "not found", no Swift runtime .so);
#   - `imagebump --help` and `imagebump set --help` run as uid 10001 (the runtime target's USER);
#   - the GitHub Action entrypoint runs as root (the action target) and reaches imagebump.
# Then it measures the image: its root filesystem with what debian:12-slim leaves out removed too (docs, man pages,
# locales; apt lists as the Dockerfile removes them), split into the Debian base, the runtime packages and the two
# binaries, and its size as a gzip-compressed tar (about what a registry stores and a runner pulls).
# Needs root and Debian's package mirror. The root filesystem is cached in .build-rootfs/ (git-ignored).
# Usage: scripts/check-runtime-image.sh [BINARY]   (default: $IMAGEBUMP_RELEASE_BIN, else builds it; imagebump-git is
# taken from beside it)
set -euo pipefail
cd "$(dirname "$0")/.." || exit 1

[[ $(id -u) -eq 0 ]] || { echo "check-runtime-image: needs root (debootstrap, chroot)" >&2; exit 1; }
# Programs in the chroot inherit the environment: a host TMPDIR (a private one, say) does not exist in there, and
# ca-certificates' postinst fails on it. Host temp paths below are explicit.
unset TMPDIR
command -v debootstrap >/dev/null || {
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
}

bin="${1:-${IMAGEBUMP_RELEASE_BIN:-}}"
if [[ -z $bin ]]; then
  for product in imagebump imagebump-git; do
    echo "building: swift build -c release --static-swift-stdlib --product $product"
    swift build -c release --static-swift-stdlib --scratch-path .build-release --product "$product" >&2
  done
  bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/imagebump"
fi
git_bin="$(dirname "$bin")/imagebump-git"
[[ -x $git_bin ]] || { echo "check-runtime-image: no imagebump-git beside $bin" >&2; exit 1; }

# The runtime packages, as the Dockerfile's runtime-base stage names them.
mapfile -t pkgs < <(awk '
  /^FROM .* AS runtime-base/ { in_stage = 1; next }
  /^FROM / { in_stage = 0 }
  in_stage && /apt-get install/ {
    for (i = 1; i <= NF; i++) if ($i !~ /^-/ && $i != "apt-get" && $i != "install" && $i != "&&" && $i != "\\") print $i
  }' Dockerfile)
((${#pkgs[@]})) || { echo "check-runtime-image: no apt-get install line in the Dockerfile's runtime-base stage" >&2; exit 1; }
echo "runtime packages (from Dockerfile): ${pkgs[*]}"

rootfs="$PWD/.build-rootfs/bookworm-minbase"
if [[ ! -x $rootfs/usr/bin/apt-get ]]; then
  echo "debootstrap --variant=minbase bookworm (once; cached in .build-rootfs/)"
  rm -rf "$rootfs"
  mkdir -p "$(dirname "$rootfs")"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$rootfs.log" 2>&1 ||
    { tail -20 "$rootfs.log" >&2; exit 1; }
fi
# Work on a copy so the cached base stays pristine (no packages of a previous run leak into this one).
img="$(mktemp -d "$PWD/.build-rootfs/image.XXXXXX")"
trap 'rm -rf "$img"' EXIT
cp -a "$rootfs/." "$img/"

# What debian:12-slim's dpkg configuration leaves out (docs but their copyright files, man/info pages, locales), the
# downloaded .debs debootstrap keeps, and the apt lists the Dockerfile removes: applied after each install so sizes
# compare with the real image.
slim() {
  find "$img/usr/share/doc" -type f ! -name copyright -delete
  rm -rf "$img"/usr/share/{man,info,locale,groff,lintian,linda}/* "$img"/var/lib/apt/lists/* "$img"/var/cache/apt/*.bin \
    "$img"/var/cache/apt/archives/*.deb
}
size_kb() { du -sk "$@" | awk '{ sum += $1 } END { print sum }'; }
# shellcheck disable=SC2016 # ${Package} is dpkg-query's field, not the shell's
packages() { chroot "$img" dpkg-query -W -f '${Package}\n' | sort; }
slim
base_kb="$(size_kb "$img")"
mapfile -t base_pkgs < <(packages)

# a package named pkg/bookworm-backports (libgit2-1.8) needs that source, which the Dockerfile adds as this does
if [[ " ${pkgs[*]}" == *"/bookworm-backports"* ]]; then
  printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' 'Components: main' \
    'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$img/etc/apt/sources.list.d/bookworm-backports.sources"
fi
chroot "$img" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${pkgs[*]}" \
  >"$img.apt.log" 2>&1 || { tail -20 "$img.apt.log" >&2; rm -f "$img.apt.log"; exit 1; }
rm -f "$img.apt.log"
chroot "$img" groupadd --gid 10001 imagebump
chroot "$img" useradd --uid 10001 --gid imagebump --home-dir /home/imagebump --create-home \
  --shell /usr/sbin/nologin imagebump
install -m 0755 "$bin" "$img/usr/local/bin/imagebump"
install -m 0755 "$git_bin" "$img/usr/local/bin/imagebump-git"
strip "$img/usr/local/bin/imagebump" "$img/usr/local/bin/imagebump-git" # as the Dockerfile's build stage does
slim
install -m 0755 action/entrypoint.sh "$img/usr/local/bin/imagebump-action"

status=0
for exe in imagebump imagebump-git; do # imagebump-git loads libgit2 (1.8, bookworm-backports) and libcurl
  ldd_out="$(chroot "$img" ldd "/usr/local/bin/$exe")"
  if grep -q 'not found' <<<"$ldd_out"; then
    echo "FAIL: libraries of $exe missing on the runtime image:"; grep 'not found' <<<"$ldd_out"; status=1
  else
    echo "ok: ldd finds all $(grep -c '=>' <<<"$ldd_out") libraries of $exe"
  fi
  if grep -Eq 'libswift|libFoundation|libdispatch' <<<"$ldd_out"; then
    echo "FAIL: Swift runtime linked dynamically into $exe"; status=1
  fi
done
if chroot --userspec=10001:10001 "$img" /usr/local/bin/imagebump --help >/dev/null &&
  chroot --userspec=10001:10001 "$img" /usr/local/bin/imagebump set --help >/dev/null; then
  echo "ok: imagebump --help and set --help run as uid 10001"
else
  echo "FAIL: imagebump does not run as uid 10001 on the runtime image"; status=1
fi
# The action target: root, entrypoint script. With files but no images it must stop with a usage error (64) after
# having found bash and imagebump's flags mapping — proving the script runs on this base.
rc=0
out="$(chroot "$img" env -i PATH=/usr/local/bin:/usr/bin:/bin INPUT_FILES=apps INPUT_IMAGES= /usr/local/bin/imagebump-action 2>&1)" || rc=$?
if [[ $rc -eq 64 ]] && grep -q "input 'images' is required" <<<"$out"; then
  echo "ok: the action entrypoint runs on the runtime image"
else
  echo "FAIL: the action entrypoint on the runtime image: exit $rc: $out"; status=1
fi

# ---------------------------------------------------------------- measurements
mb() { awk -v kb="$1" 'BEGIN { printf "%.1f MB", kb / 1024 }'; }
total_kb="$(size_kb "$img")"
bins_kb="$(size_kb "$img/usr/local/bin/imagebump" "$img/usr/local/bin/imagebump-git")"
added_pkgs="$(comm -13 <(printf '%s\n' "${base_pkgs[@]}") <(packages) | tr '\n' ' ')"
gz_bytes="$(tar -C "$img" --numeric-owner -cf - . | gzip -6 | wc -c)"
echo "runtime image, measured (debootstrap minbase bookworm, slimmed like debian:12-slim):"
echo "  root filesystem        $(mb "$total_kb")"
echo "    Debian base          $(mb "$base_kb")"
echo "    runtime packages     $(mb $((total_kb - base_kb - bins_kb)))  ($(wc -w <<<"$added_pkgs") packages: $added_pkgs)"
echo "    imagebump            $(mb "$(size_kb "$img/usr/local/bin/imagebump")")"
echo "    imagebump-git        $(mb "$(size_kb "$img/usr/local/bin/imagebump-git")")"
echo "  as gzip-compressed tar $(awk -v b="$gz_bytes" 'BEGIN { printf "%.1f MB", b / 1048576 }')"
exit "$status"
