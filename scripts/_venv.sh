# Sourced by serve.sh and test.sh: make .venv and install the project with the given
# extras, once per change of pyproject.toml.  Usage: ensure_venv "dev,trl" [PRE-INSTALL...]
# PRE-INSTALL requirements go in first (e.g. a CPU torch wheel, so the trl extra does not
# pull a multi-GB CUDA build onto a CPU-only test machine).
ensure_venv() {
  local extras="$1"
  shift
  local pre=("$@")
  local py="${PYTHON:-}"
  if [ -z "$py" ]; then
    for candidate in python3.11 python3.12 python3; do
      if command -v "$candidate" >/dev/null 2>&1; then py="$candidate"; break; fi
    done
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $py" >&2
    "$py" -m venv .venv
  fi
  local stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras//,/_}"
  if [ ! -f "$stamp" ]; then
    echo "==> installing reward-server[${extras}] into .venv" >&2
    .venv/bin/pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    if [ ${#pre[@]} -gt 0 ]; then
      .venv/bin/pip install --quiet "${pre[@]}"
    fi
    if [ -n "$extras" ]; then
      .venv/bin/pip install --quiet -e ".[${extras}]"
      if [[ ",${extras}," == *",dev,"* ]]; then
        # verl's sandbox_fusion scoring is tested against our server; verl's own
        # dependencies (torch, ray, ...) are not needed for that module.
        .venv/bin/pip install --quiet --no-deps "verl==0.9.1"
      fi
    else
      .venv/bin/pip install --quiet -e .
    fi
    touch "$stamp"
  fi
}
