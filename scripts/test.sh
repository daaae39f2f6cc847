#!/usr/bin/env bash
# Run the whole test suite. Installs what it needs (.venv with the dev and trl extras),
# starts the Docker engine and builds the sandbox image: the Docker tests are real tests
# and are never skipped.  Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv "dev,trl"
bash scripts/docker-engine.sh
.venv/bin/reward-server sandbox build >&2
exec .venv/bin/python -m pytest "$@"
