#!/usr/bin/env bash
# Run the whole test suite. Installs what it needs (.venv with the dev, trl and ray extras;
# torch is the CPU build, override with TORCH_REQUIREMENT),
# starts the Docker engine and builds the sandbox image: the Docker tests are real tests
# and are never skipped.  Extra arguments go to pytest.
#
#   scripts/test.sh            everything (what CI runs)
#   scripts/test.sh --fast     -m "not docker and not slow": no Docker engine, a few minutes
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv "dev,trl,ray" "${TORCH_REQUIREMENT:-torch==2.13.0}"
if [ "${1:-}" = "--fast" ]; then
  shift
  exec .venv/bin/python -m pytest -m "not docker and not slow" "$@"
fi
bash scripts/docker-engine.sh
bash scripts/sandbox-image.sh
exec .venv/bin/python -m pytest "$@"
