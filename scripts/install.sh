#!/usr/bin/env bash
# Installs what COC needs on Debian 12 as root: system packages and a Python virtual environment in .venv.
#   bash scripts/install.sh          runtime only (the demo)
#   bash scripts/install.sh --test   plus what the tests start: Mosquitto, InfluxDB, GStreamer RTSP server, Chromium
set -euo pipefail
cd "$(dirname "$0")/.."

runtime_pkgs=(python3 python3-venv python3-pip ca-certificates fonts-dejavu-core  # DejaVu: PDF reports
              gammu gammu-smsd)  # SMS to people on duty through a USB 3G/4G modem (tests: the dummy phone)
test_pkgs=(mosquitto mosquitto-clients influxdb
           python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools gstreamer1.0-rtsp
           gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
           chromium chromium-driver fonts-noto-core openssl poppler-utils  # pdftotext reads reports back
           nats-server)  # the province cluster (tests/province)
pkgs=("${runtime_pkgs[@]}")
extras="."
if [[ "${1:-}" == "--test" ]]; then
  pkgs+=("${test_pkgs[@]}")
  extras=".[test]"
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d keeps the packaged Mosquitto/InfluxDB services from starting on their default ports
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}" || { rm -f /usr/sbin/policy-rc.d; exit 1; }
  rm -f /usr/sbin/policy-rc.d
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$python" -m venv .venv
fi
stamp=.venv/.coc-installed-$(sha1sum pyproject.toml | cut -c1-12)${1:-}
if [[ ! -f "$stamp" ]]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q "$extras"
  touch "$stamp"
fi
