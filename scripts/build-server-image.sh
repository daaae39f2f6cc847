#!/usr/bin/env bash
# Build the server's Docker image without a registry: a Debian base image made with
# debootstrap + docker import (once, reused), a wheelhouse of the project and its
# dependencies from PyPI, then an ordinary `docker build` of ./Dockerfile.
# Usage: scripts/build-server-image.sh [TAG]   (default reward-server:latest)
set -euo pipefail
cd "$(dirname "$0")/.."
TAG="${1:-reward-server:latest}"
BASE="reward-python-base:bookworm"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PY="${PYTHON:-.venv/bin/python}"

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq debootstrap; }
  root="$(mktemp -d)"
  trap 'rm -rf "$root"' EXIT
  echo "==> debootstrap bookworm (python3, venv) into $root" >&2
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    bookworm "$root" "$MIRROR" >/tmp/debootstrap-server.log 2>&1 \
    || { tail -20 /tmp/debootstrap-server.log >&2; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$BASE" >/dev/null
fi

rm -rf wheelhouse
echo "==> wheelhouse" >&2
"$PY" -m pip wheel --quiet --wheel-dir wheelhouse . >&2
docker build --quiet --build-arg BASE_IMAGE="$BASE" -t "$TAG" . >&2
rm -rf wheelhouse
echo "$TAG"
