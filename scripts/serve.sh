#!/usr/bin/env bash
# Start the reward server on 127.0.0.1:8000 (override with REWARD_HOST / REWARD_PORT).
# Installs what it needs: a .venv with the project; when run as root, the Docker engine
# and the sandbox image for code rewards (math, format and language work without them).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv ""
if [ "${REWARD_SANDBOX__ENABLED:-true}" != "false" ]; then
  if bash scripts/docker-engine.sh && bash scripts/sandbox-image.sh; then
    echo "==> sandbox ready" >&2
  else
    echo "==> WARNING: Docker sandbox unavailable; code items will get status 'error' until it is (see /readyz)" >&2
  fi
fi
exec .venv/bin/reward-server serve --host "${REWARD_HOST:-127.0.0.1}" --port "${REWARD_PORT:-8000}" "$@"
