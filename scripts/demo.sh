#!/usr/bin/env bash
# Runs imagebump's main job on the bundled example GitOps repo: a dry-run that shows the diff, then the real
# edit in a scratch copy (examples/ itself is never modified), then a --check that proves it is up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product imagebump >&2
swift build -c release --product imagebump-git >&2   # commit/push half, run by imagebump for --push
bin="$(swift build -c release --show-bin-path)/imagebump"
work="$(mktemp -d "${TMPDIR:-/tmp}/imagebump-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp -R examples "$work/gitops"
cd "$work/gitops"

image=registry.example.com/team/sample-app
tag="${1:-1.20}"   # a tag sed would turn into a float; imagebump quotes it
overlay=apps/sample-app/overlays/production

echo "== what the sed step would do:"
echo "   sed -i \"s|newTag:.*|newTag: $tag|\" $overlay/kustomization.yaml"
echo
echo "== imagebump set --dry-run -f $overlay $image:$tag"
"$bin" set --dry-run -f "$overlay" "$image:$tag"
echo
echo "== imagebump set -f $overlay $image:$tag   (scratch copy: $work/gitops)"
"$bin" set -f "$overlay" "$image:$tag"
echo
echo "== imagebump set --check (exit 0: up to date)"
"$bin" set --check -f "$overlay" "$image:$tag"   # exit 2 (drift) stops the demo: set -e
echo "check: up to date"
if command -v kubectl >/dev/null; then
  echo
  echo "== kubectl kustomize $overlay | grep image:"
  kubectl kustomize "$overlay" | grep 'image:'
fi

echo
echo "== the same bump committed and pushed: a bare copy of the example repo stands in for the config repo"
git init -q --bare -b main "$work/config.git"
git -C "$work/gitops" init -q -b main
git -C "$work/gitops" add -A
git -C "$work/gitops" -c user.name=demo -c user.email=demo@localhost commit -qm "example config repo"
git -C "$work/gitops" push -q "$work/config.git" main
echo "imagebump set --push --repo file://$work/config.git -f apps/sample-app/overlays/staging $image:1.21.0"
"$bin" set --push --repo "file://$work/config.git" -f apps/sample-app/overlays/staging "$image:1.21.0"
git --git-dir "$work/config.git" log -1 --stat --format='%n%h %an%n%B' main
