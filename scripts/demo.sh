#!/usr/bin/env bash
# Installs COC (scripts/install.sh) and starts the Quảng Thọ demo: `run_coc.py run --demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python run_coc.py run --demo "$@"
