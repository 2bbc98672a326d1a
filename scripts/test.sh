#!/usr/bin/env bash
# Installs everything the tests need (see scripts/install.sh --test) and runs the whole suite.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/ingest -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
# Two pytest processes (pytest-xdist), each taking whole test files so a file's browser and servers start once;
# COC_TEST_WORKERS=0 runs everything in this process (as `pytest` without -n does).
exec .venv/bin/python -m pytest -n "${COC_TEST_WORKERS:-2}" --dist loadfile "$@"
