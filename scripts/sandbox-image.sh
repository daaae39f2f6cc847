#!/usr/bin/env bash
# Make sure the sandbox image exists (built once, then reused while its recipe holds).
#
# With no registry, the image is built from Debian packages with debootstrap; when neither
# debootstrap nor the Dockerfile's base image (debian:bookworm-slim) is here, install
# debootstrap from apt (as root), as docker-engine.sh installs docker.io.  Extra arguments
# go to `reward-server sandbox build` (e.g. --language java).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v debootstrap >/dev/null 2>&1 \
   && ! docker image inspect debian:bookworm-slim >/dev/null 2>&1 \
   && [ "$(id -u)" -eq 0 ]; then
    echo "installing debootstrap (no base image here to build the sandbox from)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq debootstrap >&2
fi
exec .venv/bin/reward-server sandbox build "$@" >&2
