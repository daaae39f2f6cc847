#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine; idempotent.
#
# If `docker info` already works, nothing happens.  Otherwise (as root): install docker.io
# when dockerd is missing, start dockerd in the background (log: $DOCKERD_LOG), and wait
# until it answers (at most $DOCKER_WAIT_S seconds).  CI runs this on a clean machine.
set -euo pipefail

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
DOCKER_WAIT_S="${DOCKER_WAIT_S:-60}"

engine_up() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null 2>&1 && engine_up; then
    echo "docker engine: up ($(docker info --format '{{.ServerVersion}}' 2>/dev/null))" >&2
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "docker engine is not reachable and starting it needs root" >&2
    exit 1
fi

if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    echo "installing docker.io" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq docker.io >&2
fi

if ! pgrep -x dockerd >/dev/null 2>&1; then
    echo "starting dockerd (log: $DOCKERD_LOG)" >&2
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    # containerd is started by dockerd itself when none runs; setsid keeps it out of our session.
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 < /dev/null &
fi

for _ in $(seq "$DOCKER_WAIT_S"); do
    if engine_up; then
        echo "docker engine: up ($(docker info --format '{{.ServerVersion}}'))" >&2
        exit 0
    fi
    sleep 1
done
echo "docker engine did not come up within ${DOCKER_WAIT_S}s; last log lines:" >&2
tail -n 30 "$DOCKERD_LOG" >&2 || true
exit 1
