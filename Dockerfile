# syntax=docker/dockerfile:1
# imagebump container image.
#   docker build -t imagebump .                     # runtime image: non-root, entrypoint `imagebump`
#   docker build --target action -t imagebump:action .   # GitHub Action image (root, as container actions require)
# The release binary links the Swift runtime statically (--static-swift-stdlib); the runtime image adds only the
# shared libraries of libgit2 (1.8, bookworm-backports), libyaml and libcurl, and CA certificates, to Debian 12 slim.

ARG SWIFT_VERSION=6.3.1
ARG DEBIAN_IMAGE=debian:12-slim

FROM swift:${SWIFT_VERSION}-bookworm AS build
# Debian's development packages, versions fixed by the bookworm release the image is built on; libgit2 1.8 from
# bookworm-backports (shallow clones need 1.7+, Debian 12's own is 1.5), as scripts/install-deps.sh installs it.
# hadolint ignore=DL3008
RUN printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' 'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > /etc/apt/sources.list.d/bookworm-backports.sources \
 && apt-get update \
 && apt-get install -y --no-install-recommends libgit2-dev/bookworm-backports libmbedtls-dev libyaml-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies in their own layer so source edits do not refetch them. Package.resolved is the pin:
# --force-resolved-versions fails the build rather than resolve anything else. Its revisions were recorded against
# mirrors: outside the development machines run scripts/repin-upstream.sh first (the release workflow does).
COPY Package.swift Package.resolved ./
RUN swift package resolve --force-resolved-versions
COPY Sources ./Sources
COPY Tests ./Tests
# Two executables: `imagebump` edits files without loading libgit2/libcurl; it hands --repo/--push/--merge-request
# runs to `imagebump-git`, which must sit beside it. A release stamps the version first (scripts/stamp-version.sh).
RUN swift build -c release --static-swift-stdlib --force-resolved-versions --product imagebump \
 && swift build -c release --static-swift-stdlib --force-resolved-versions --product imagebump-git \
 && bin="$(swift build -c release --static-swift-stdlib --show-bin-path)" \
 && install -D -m 0755 "$bin/imagebump" /out/imagebump \
 && install -D -m 0755 "$bin/imagebump-git" /out/imagebump-git \
 && strip /out/imagebump /out/imagebump-git \
 && /out/imagebump --help >/dev/null

FROM ${DEBIAN_IMAGE} AS runtime-base
# Runtime libraries only (no -dev packages); versions fixed by the Debian 12 release, libgit2 1.8 by
# bookworm-backports (the build stage's). openssh-client (ssh-keygen) and gpg, gpg-agent sign commits
# (--sign-key, --sign-key-env).
# hadolint ignore=DL3008
RUN printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' 'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > /etc/apt/sources.list.d/bookworm-backports.sources \
 && apt-get update \
 && apt-get install -y --no-install-recommends libgit2-1.8/bookworm-backports libyaml-0-2 libcurl4 ca-certificates openssh-client gpg gpg-agent \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 10001 imagebump \
 && useradd --uid 10001 --gid imagebump --home-dir /home/imagebump --create-home --shell /usr/sbin/nologin imagebump \
 && install -d -o 10001 -g 10001 /work
COPY --from=build /out/imagebump /out/imagebump-git /usr/local/bin/
# The man page, generated from the same help text (scripts/gen_manpage.py); /usr/local is not dpkg's to slim.
COPY docs/imagebump.1 /usr/local/share/man/man1/imagebump.1
LABEL org.opencontainers.image.title="imagebump" \
      org.opencontainers.image.description="Structured, byte-exact image tag bumps for GitOps repositories"

# GitHub container action: GitHub runs container actions as root (the workspace and file-command files belong
# to the runner's user), so this target keeps root and starts the action's entrypoint.
FROM runtime-base AS action
COPY action/entrypoint.sh /usr/local/bin/imagebump-action
ENTRYPOINT ["/usr/local/bin/imagebump-action"]

# Default target: the tool image for GitLab jobs and `docker run`.
FROM runtime-base AS runtime
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["imagebump"]
CMD ["--help"]
