# COC and its broker as systemd services; sourced by scripts/install.sh --systemd (run from the project folder).
#   render_units DIR BROKER   write coc.service and coc-broker.service for this folder into DIR and check them
#   install_units BROKER      render into /etc/systemd/system, create the coc user, enable both at boot

render_units() {
  local dir=$1 broker=$2 root out
  root=$(pwd)
  mkdir -p "$dir"
  sed "s#/opt/coc#${root}#g" config/systemd/coc.service > "$dir/coc.service"
  if [[ "$broker" == nats ]]; then  # the Mosquitto lines commented out, the #nats: lines taken
    sed -e "s#/opt/coc#${root}#g" -e '/^Exec[A-Za-z]*=.*mosquitto/s/^/#mosquitto:/' -e 's/^#nats://' \
      config/systemd/coc-broker.service > "$dir/coc-broker.service"
  else
    sed "s#/opt/coc#${root}#g" config/systemd/coc-broker.service > "$dir/coc-broker.service"
  fi
  if command -v systemd-analyze > /dev/null; then
    # verify prints every mistake (and exits 0 for some of them): any output is a failure here
    if ! out=$(systemd-analyze verify "$dir/coc-broker.service" "$dir/coc.service" 2>&1) || [[ -n "$out" ]]; then
      echo "The systemd units in $dir do not pass systemd-analyze verify:" >&2
      echo "$out" >&2
      return 1
    fi
    echo "systemd units for $root ($broker broker) written to $dir and verified"
  else
    echo "systemd units for $root ($broker broker) written to $dir (systemd-analyze not found: not verified)"
  fi
}

install_units() {
  local broker=$1 root
  root=$(pwd)
  if ((EUID != 0)); then
    echo "install.sh --systemd must run as root" >&2; return 1
  fi
  id coc > /dev/null 2>&1 || useradd --system --user-group --home-dir /var/lib/coc --no-create-home \
    --shell /usr/sbin/nologin coc
  if ! runuser -u coc -- test -r run_coc.py -a -x .venv/bin/python; then
    echo "The coc user cannot read $root or run its .venv/bin/python (folders under /root are private)." >&2
    echo "Move COC to /opt/coc (mv $root /opt/coc) and run this again from there." >&2
    return 1
  fi
  install -d -o coc -g coc data
  chown -R coc:coc data
  [[ -f config/coc.yaml ]] && chgrp coc config/coc.yaml && chmod 640 config/coc.yaml
  install -d -m 0750 -g coc /etc/coc
  [[ -f /etc/coc/env ]] || install -m 0640 -g coc /dev/null /etc/coc/env
  if [[ "$broker" == nats ]]; then
    for f in nats-commune.conf nats-commune-users.conf; do
      [[ -f /etc/coc/$f ]] || install -m 0640 "config/$f" "/etc/coc/$f"
    done
    [[ -f /etc/default/coc-broker ]] || install -m 0600 /dev/null /etc/default/coc-broker
  elif [[ ! -f /etc/mosquitto/conf.d/coc.conf ]]; then
    echo "note: Mosquitto is not set up for COC yet: README, 'Running a real commune', step 2"
  fi
  render_units /etc/systemd/system "$broker"
  if [[ ! -d /run/systemd/system ]]; then
    echo "systemd is not running here (a container?): on the real machine run"
    echo "  systemctl daemon-reload && systemctl enable --now coc-broker.service coc.service"
    return 0
  fi
  systemctl daemon-reload
  [[ "$broker" == mosquitto ]] && { systemctl disable --now mosquitto.service 2> /dev/null || true; }
  systemctl enable coc-broker.service coc.service
  if [[ -f config/coc.yaml ]]; then
    systemctl restart coc-broker.service coc.service
    echo "COC and its broker run as services and start at boot: systemctl status coc; journalctl -u coc -f"
  else
    echo "Both start at boot. Write config/coc.yaml (README, 'Running a real commune'), then: systemctl start coc"
  fi
}
