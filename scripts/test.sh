#!/usr/bin/env bash
# Installs everything the tests need (see scripts/install.sh --test) and runs the whole suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/ingest -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
exec .venv/bin/python -m pytest "$@"
